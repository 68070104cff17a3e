"""One store for everything smallprint remembers: watch snapshots, review decisions.

SQLAlchemy 2 (typed declarative models in `smallprint.store.models`) over SQLite by
default or PostgreSQL (psycopg 3) for a team, with Alembic migrations shipped inside
the package and run programmatically: users never need an ``alembic.ini``.

Using it
--------
    from smallprint.store import open_store

    store = open_store()                  # or open_store("postgresql://u:p@host/db")
    with store.session() as s:            # a SQLAlchemy Session (s.begin() for a transaction)
        ...
    store.engine                          # the Engine; store.url the resolved URL
    store.close()

`open_store(url)` resolves the URL (`resolve_url`: the argument, i.e. ``--db URL``, else
``SMALLPRINT_DB``, else ``sqlite:///<platformdirs user data dir>/smallprint.db``; a plain
path means a SQLite file; ``postgresql://`` means psycopg 3), opens the engine (SQLite in
WAL mode with a busy timeout and foreign keys on) and upgrades the schema to head.
Failures (server down, corrupt or missing file, wrong password, a store newer than this
smallprint) raise `StoreError`, whose message is one line for the user.
`open_store(url, create=False)` refuses to create a SQLite file that does not exist
(commands that only read a store use it, so a deleted store is reported, not silently
replaced by an empty one).

Adding tables (the migration convention)
----------------------------------------
1. Declare the typed models in your own module (e.g. ``smallprint/server/models.py``)
   on ``smallprint.store.models.Base`` so they share one ``MetaData``.
2. Add ONE revision file to ``smallprint/store/migrations/versions/`` named
   ``NNNN_<what>.py`` with ``revision = "NNNN_<what>"`` and ``down_revision`` = the
   current head (``python -c "from smallprint.store import head_revision as h; print(h())"``).
   Write ``upgrade()``/``downgrade()`` with ``alembic.op`` and plain ``sa`` types; never
   import the models into a migration (a migration freezes the schema of its day).
3. Never edit a revision that has landed on main; add a new one. The test
   ``tests/store/test_migrations.py`` fails when the versions folder has two heads (two
   features branching from the same parent): re-point one ``down_revision`` at the other.
4. Works on both back ends: the store tests run on SQLite and PostgreSQL
   (`tests/dbfixtures.py`); use ``op.batch_alter_table`` for ALTERs SQLite cannot do.

Snapshots are append-only: rows of ``snapshots`` are only ever inserted.
"""

from __future__ import annotations

from smallprint.store.engine import (
    Store,
    StoreError,
    current_revision,
    head_revision,
    open_store,
    resolve_url,
    upgrade,
)

__all__ = [
    "Store",
    "StoreError",
    "current_revision",
    "head_revision",
    "open_store",
    "resolve_url",
    "upgrade",
]
