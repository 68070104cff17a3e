"""The review app under test (helpers shared by tests/server): a real app on a real store,
driven through httpx (Starlette's TestClient)."""

from __future__ import annotations

import re
import socket
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

PASSWORD = "correct horse battery staple"
ROLES = ("viewer", "reviewer", "approver", "admin")
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class World:
    """One app on one store, with a user of every role."""

    app: Any
    db: str
    data_dir: Path
    tokens: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, tuple[TestClient, str]] = field(default_factory=dict)

    def client(self, role: str | None = None) -> TestClient:
        c = TestClient(self.app)
        if role is not None:
            c.headers["Authorization"] = f"Bearer {self.tokens[role]}"
        return c

    def browser_client(self, role: str) -> tuple[TestClient, str]:
        """A client logged in through the login form (session cookie) and its CSRF token
        (one login per role and store: argon2 is slow on purpose)."""
        if role in self.sessions:
            return self.sessions[role]
        c = TestClient(self.app)
        tok = CSRF_RE.search(c.get("/login").text).group(1)  # type: ignore[union-attr]
        r = c.post("/login", data={"username": role, "password": PASSWORD, "csrf_token": tok}, follow_redirects=False)
        assert r.status_code == 303, r.text
        tok = CSRF_RE.search(c.get("/account").text).group(1)  # type: ignore[union-attr]
        self.sessions[role] = (c, tok)
        return c, tok


def _pg_database(admin_url: str) -> str:
    from sqlalchemy import create_engine, text

    name = "sp13_" + uuid.uuid4().hex[:10]
    eng = create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    eng.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def make_world(db: str | None, data_dir: Path) -> World:
    from smallprint.server.app import create_app
    from smallprint.server.auth import User, create_token, create_user, user_for_token
    from smallprint.server.config import ServerConfig

    cfg = ServerConfig(data_dir=data_dir, db=db, offline=True, max_upload=256 * 1024, secret_key="test-key-" + "x" * 40)
    app = create_app(cfg)
    w = World(app, cfg.db_spec(), data_dir)
    for role in ROLES:
        uid = create_user(app.state.engine, role, PASSWORD, role, "setup")
        w.tokens[role] = create_token(app.state.engine, User(uid, role, role, "token"), "ci")
        assert user_for_token(app.state.engine, w.tokens[role]) is not None
    return w


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Live:
    url: str
    world: World


