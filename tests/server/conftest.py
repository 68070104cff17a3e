"""The review app under test: a real app on a real store (SQLite file, real PostgreSQL),
driven through httpx (Starlette's TestClient) or over loopback (uvicorn in a thread)."""

from __future__ import annotations

import re
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

try:  # the store's fixtures: a real PostgreSQL server (skips only when none can be started)
    from dbfixtures import pg_server  # noqa: F401

    HAVE_PG_FIXTURES = True
except ImportError:  # pragma: no cover - before the store lands
    HAVE_PG_FIXTURES = False

PASSWORD = "correct horse battery staple"
ROLES = ("viewer", "reviewer", "approver", "admin")
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _offline_hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.delenv("SMALLPRINT_DB", raising=False)


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


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The app on the embedded SQLite store, then on a real PostgreSQL server."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_world")
        return
    if not HAVE_PG_FIXTURES:
        pytest.skip("PostgreSQL fixtures (tests/dbfixtures.py) not available")
    w = make_world(_pg_database(request.getfixturevalue("pg_server")), tmp_path_factory.mktemp("data"))
    yield w
    w.app.state.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    w = make_world(None, tmp_path_factory.mktemp("data"))
    yield w
    w.app.state.engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Live:
    url: str
    world: World


@pytest.fixture(scope="session")
def live(sqlite_world: World) -> Iterator[Live]:
    """The same app served by uvicorn on loopback, as `smallprint serve` runs it."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(sqlite_world.app, host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield Live(f"http://127.0.0.1:{port}", sqlite_world)
    server.should_exit = True
    t.join(10)
