"""Open a store: resolve its URL, connect, upgrade its schema to head, name failures in one line."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from smallprint.errors import SmallprintError

ENV_VAR = "SMALLPRINT_DB"
DEFAULT_FILE = "smallprint.db"
BUSY_TIMEOUT_MS = 30_000
PG_CONNECT_TIMEOUT_S = 5
_IMMEDIATE = "smallprint_immediate"  # execution option: SQLite takes the write lock at BEGIN
_PG_MIGRATION_LOCK = 0x736D616C6C  # pg_advisory_xact_lock key: one schema upgrade at a time


class StoreError(SmallprintError):
    """The store cannot be used (down, corrupt, missing, too new); the message is one line."""


def default_url() -> str:
    """A SQLite file in the user data directory (platformdirs)."""
    from platformdirs import user_data_path

    return "sqlite:///" + str(user_data_path("smallprint", appauthor=False) / DEFAULT_FILE)


def resolve_url(url: str | None = None) -> str:
    """The store URL: the argument (``--db``), else ``$SMALLPRINT_DB``, else the default file.

    A plain path means a SQLite file; ``postgresql://``/``postgres://`` use psycopg 3."""
    raw = (url or os.environ.get(ENV_VAR) or "").strip() or default_url()
    if "://" not in raw:
        raw = "sqlite:///" + str(Path(raw).expanduser().absolute())
    raw = re.sub(r"^postgres(?:ql)?://", "postgresql+psycopg://", raw)
    try:
        parsed = make_url(raw)
    except (sa_exc.ArgumentError, ValueError) as e:
        raise StoreError(f"store URL {raw!r} is not a database URL ({e})") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(
            f"store URL {_shown(parsed)}: unsupported database {parsed.get_backend_name()!r} "
            "(use a SQLite file or postgresql://)"
        )
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() != "psycopg":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _shown(url: URL | str) -> str:
    """A URL fit for messages: no password; a SQLite store is named by its file."""
    u = make_url(url) if isinstance(url, str) else url
    if u.get_backend_name() == "sqlite":
        return u.database or ":memory:"
    return u.render_as_string(hide_password=True)


def sqlite_path(url: str) -> Path | None:
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


@dataclass
class Store:
    """An open store: the engine, a session factory, and the URL it was opened with."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    write_sessions: sessionmaker[Session] = field(repr=False)

    @property
    def display(self) -> str:
        return _shown(self.url)

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a server."""
        return sqlite_path(self.url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self) -> Session:
        """A session for reads and ordinary writes (``with store.session() as s, s.begin(): ...``)."""
        return self.sessions()

    def write_session(self) -> Session:
        """A session whose transactions take the write lock at once (SQLite ``BEGIN IMMEDIATE``),
        so a read-then-write transaction never fails half-way on a concurrent writer."""
        return self.write_sessions()

    def check_present(self) -> None:
        """A SQLite store whose file was deleted while open would write into the void."""
        p = self.path
        if p is not None and not p.exists():
            raise StoreError(f"store file {p} was deleted while in use; nothing further is recorded there")

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _sqlite_pragmas(engine: Engine) -> None:
    """WAL (readers never block the writer), a busy timeout, foreign keys, and real BEGINs.

    pysqlite's own transaction handling defers BEGIN and ignores SAVEPOINTs; the SQLAlchemy
    documented recipe takes it over so a transaction is a transaction."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = cur.execute("PRAGMA journal_mode = WAL").fetchone()
        if mode and str(mode[0]).lower() != "wal":  # pragma: no cover - read-only media
            pass
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(_IMMEDIATE)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _make_engine(url: str) -> Engine:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        engine = create_engine(u, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _sqlite_pragmas(engine)
        return engine
    return create_engine(
        u,
        pool_pre_ping=True,
        connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S, "application_name": "smallprint"},
    )


def _alembic_config(connection: Any = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(files("smallprint.store") / "migrations"))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest schema revision this smallprint ships."""
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(_alembic_config()).get_heads()
    if len(heads) != 1:
        raise StoreError(f"the store migrations have {len(heads)} heads ({', '.join(heads)}); they must form one line")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    """The revision a store is at (None for an empty database)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return rows[0] if rows else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema to `revision` inside one transaction, one process at a time."""
    from alembic import command

    with engine.connect() as raw:
        conn = raw.execution_options(**{_IMMEDIATE: True})
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            command.upgrade(_alembic_config(conn), revision)


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def open_store(url: str | None = None, *, create: bool = True, migrate: bool = True) -> Store:
    """Open (and by default create and upgrade to head) the store at `url` (see `resolve_url`).

    create=False: a missing SQLite file is an error rather than a new empty store.
    migrate=False: leave the schema as it is (tests of the migrations use it)."""
    resolved = resolve_url(url)
    path = sqlite_path(resolved)
    if path is not None:
        _check_sqlite_file(path, create=create, default=url is None and not os.environ.get(ENV_VAR))
    engine = _make_engine(resolved)
    with translate_errors(resolved):
        try:
            if migrate:
                _ensure_head(engine, resolved)
            else:
                with engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
        except BaseException:
            engine.dispose()
            raise
    return Store(
        url=resolved,
        engine=engine,
        sessions=sessionmaker(engine, expire_on_commit=False),
        write_sessions=sessionmaker(engine.execution_options(**{_IMMEDIATE: True}), expire_on_commit=False),
    )


def _check_sqlite_file(path: Path, *, create: bool, default: bool) -> None:
    if path.is_dir():
        raise StoreError(f"store {path} is a directory, not a database file")
    if path.exists():
        return
    if not create:
        raise StoreError(
            f"no store at {path} (deleted, moved, or never created): nothing is watched there yet; "
            "`smallprint watch add` creates a new one, or point --db/SMALLPRINT_DB at the right store"
        )
    if default:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.parent.is_dir():
        raise StoreError(f"cannot create store {path}: folder {path.parent} does not exist")


def _ensure_head(engine: Engine, url: str) -> None:
    head = head_revision()
    current = current_revision(engine)
    if current == head:
        return
    if current is not None and current not in _known_revisions():
        raise StoreError(
            f"store {_shown(url)} is at schema revision {current}, newer than this smallprint knows "
            f"(head {head}): upgrade smallprint"
        )
    upgrade(engine)


@contextmanager
def translate_errors(url: str) -> Iterator[None]:
    """Database failures (server down, corrupt file, lost connection) become one-line StoreErrors."""
    try:
        yield
    except StoreError:
        raise
    except sa_exc.DBAPIError as e:
        raise StoreError(describe_db_error(url, e)) from None
    except sa_exc.SQLAlchemyError as e:
        raise StoreError(f"store {_shown(url)}: {_first_line(str(e))}") from None
    except OSError as e:
        raise StoreError(f"store {_shown(url)}: {e.strerror or e}") from None


def _first_line(s: str) -> str:
    line = next((ln.strip() for ln in s.splitlines() if ln.strip()), s.strip())
    return re.sub(r"\s*\(Background on this error at:.*\)$", "", line)


def describe_db_error(url: str, e: BaseException) -> str:
    """One line a user can act on, for the usual ways a store fails."""
    orig = getattr(e, "orig", None) or e
    msg = _first_line(str(orig))
    low = msg.lower()
    shown = _shown(url)
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if "file is not a database" in low or "malformed" in low or "not a database" in low:
            return (
                f"store {shown} is corrupt or not a smallprint database ({msg}): restore it from a backup, "
                "or move it aside and start a new store (--db/SMALLPRINT_DB)"
            )
        if "unable to open database file" in low:
            return f"cannot open store {shown} ({msg}): check the path and its permissions"
        if "readonly" in low or "read-only" in low:
            return f"store {shown} is read-only ({msg})"
        if "locked" in low or "busy" in low:
            return f"store {shown} is busy: another smallprint kept it locked for over {BUSY_TIMEOUT_MS // 1000} s"
        if "no such table" in low or "no such column" in low:
            return f"store {shown} is damaged or incomplete ({msg}): restore it from a backup"
        return f"store {shown}: {msg}"
    where = f"{u.host or 'localhost'}:{u.port or 5432}"
    if "password authentication failed" in low or "authentication failed" in low:
        return f"PostgreSQL at {where} refused the login for user {u.username!r} (password authentication failed)"
    if "does not exist" in low and "database" in low:
        return f"PostgreSQL at {where}: database {u.database!r} does not exist"
    if any(w in low for w in ("connection refused", "could not connect", "connection failed", "timeout expired",
                              "server closed the connection", "terminating connection", "connection is closed",
                              "no route to host", "name or service not known", "could not translate host")):
        return f"cannot reach PostgreSQL at {where} ({msg}): is the server running? (store {shown})"
    return f"store {shown}: {msg}"
