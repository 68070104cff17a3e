"""Opening the database the reviews live in: an SQLAlchemy URL or an SQLite file path."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from smallprint.errors import InputError


def engine_url(spec: str) -> str:
    """`postgresql://...` (psycopg 3), `sqlite:///...`, or a path to an SQLite file."""
    if spec.startswith("postgresql://") or spec.startswith("postgres://"):
        return "postgresql+psycopg://" + spec.split("://", 1)[1]
    if "://" in spec:
        return spec
    return f"sqlite:///{Path(spec).expanduser().resolve()}"


def make_engine(spec: str, *, must_exist: bool = False) -> Engine:
    """An engine for `spec`; `must_exist` refuses to create a new SQLite file (a typo in a
    path given to the CLI must not read an empty database and pass the gate)."""
    url = engine_url(spec)
    if url.startswith("sqlite:///") and must_exist:
        path = Path(url[len("sqlite:///"):])
        if not path.is_file():
            raise InputError(f"{spec}: no such database file")
    if url.startswith("sqlite"):
        eng = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(eng, "connect")
        def _pragmas(dbapi_conn, _rec):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return eng
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
