"""`smallprint serve` and `smallprint audit-trail`: the command-line side of the review app.

The Typer commands only parse flags and call these functions.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from smallprint.errors import InputError
from smallprint.server.config import DEFAULT_MAX_UPLOAD, LOOPBACK, ServerConfig, default_data_dir

ADMIN_ENV = "SMALLPRINT_ADMIN"
ADMIN_PASSWORD_ENV = "SMALLPRINT_ADMIN_PASSWORD"


def _need_server_extra() -> None:
    try:
        import argon2  # noqa: F401
        import fastapi  # noqa: F401
        import jinja2  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as e:
        raise InputError(f"smallprint serve needs the server extra: pip install 'smallprint[server]' ({e.name} missing)") from None


def config_for(db: str | None, data: Path | None, **kw: object) -> ServerConfig:
    return ServerConfig(data_dir=(data or default_data_dir()).expanduser(), db=db, **kw)  # type: ignore[arg-type]


def create_admin(config: ServerConfig, username: str | None = None, password: str | None = None) -> str:
    """Create the first admin: name and password from the arguments, the environment
    (SMALLPRINT_ADMIN, SMALLPRINT_ADMIN_PASSWORD) or a prompt."""
    _need_server_extra()
    from smallprint.server.app import open_engine
    from smallprint.server.auth import MIN_PASSWORD, ensure_admin

    username = username or os.environ.get(ADMIN_ENV) or "admin"
    password = password or os.environ.get(ADMIN_PASSWORD_ENV)
    if not password:
        if not sys.stdin.isatty():
            raise InputError(f"set {ADMIN_PASSWORD_ENV} (no terminal to ask for a password)")
        password = getpass.getpass(f"password for {username} (at least {MIN_PASSWORD} characters): ")
        if getpass.getpass("again: ") != password:
            raise InputError("the passwords differ")
    engine = open_engine(config)
    try:
        created = ensure_admin(engine, username, password)
    finally:
        engine.dispose()
    return f"admin {username!r} created" if created else f"user {username!r} already exists; nothing changed"


def serve(config: ServerConfig, host: str, port: int) -> None:
    """Run the app under uvicorn (one process: pages and API)."""
    _need_server_extra()
    import uvicorn

    from smallprint.server.app import create_app, open_engine
    from smallprint.server.auth import ensure_admin

    engine = open_engine(config)
    if os.environ.get(ADMIN_PASSWORD_ENV):
        if ensure_admin(engine, os.environ.get(ADMIN_ENV) or "admin", os.environ[ADMIN_PASSWORD_ENV]):
            sys.stderr.write(f"smallprint: created admin {os.environ.get(ADMIN_ENV) or 'admin'!r} from the environment\n")
    if host not in LOOPBACK and not config.secure_cookies:
        sys.stderr.write("smallprint: serving beyond loopback: put it behind HTTPS and pass --secure-cookies\n")
    app = create_app(config, engine)
    where = config.db_spec() if config.db is None else _redact(config.db)
    sys.stderr.write(f"smallprint: serving http://{host}:{port}/ (store: {where})\n")
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False, server_header=False)


def _redact(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
    return url


def _engine(db: str | None, data: Path | None):  # type: ignore[no-untyped-def]
    from sqlalchemy import inspect

    from smallprint.reviews.schema import audit_log
    from smallprint.store import open_store

    cfg = config_for(db, data)
    engine = open_store(cfg.db_spec(), create=False, migrate=False).engine  # read only
    if not inspect(engine).has_table(audit_log.name):
        engine.dispose()
        raise InputError(f"{_redact(cfg.db_spec())}: no audit trail in this store")
    return engine


def verify_trail(db: str | None, data: Path | None) -> tuple[bool, str]:
    """`smallprint audit-trail verify`: recompute the hash chain."""
    from smallprint.reviews.audit import verify

    engine = _engine(db, data)
    try:
        res = verify(engine)
    finally:
        engine.dispose()
    return res.ok, res.line()


def export_trail(db: str | None, data: Path | None, fmt: str) -> str:
    from smallprint.reviews import audit

    if fmt not in ("json", "csv"):
        raise InputError(f"unknown export format {fmt!r} (json or csv; the HTML sign-off is at /audit/signoff)")
    engine = _engine(db, data)
    try:
        items = list(audit.iter_entries(engine))
    finally:
        engine.dispose()
    return audit.export_json(items) if fmt == "json" else audit.export_csv(items)


__all__ = ["DEFAULT_MAX_UPLOAD", "create_admin", "export_trail", "serve", "verify_trail"]
