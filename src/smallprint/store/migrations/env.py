"""Alembic environment: run by `smallprint.store.upgrade` on a connection it passes in.

No alembic.ini: the caller sets `script_location` and puts the open connection in
`config.attributes["connection"]`. The conventions for a new revision are in the
`smallprint.store` package docstring.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from smallprint.store.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("smallprint.store migrations run through smallprint.store.upgrade()")
    engine = create_engine(url)
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run()
