"""Fixtures of the review app: one app per store (embedded SQLite, a real PostgreSQL) for
the session, and the same app served by uvicorn on loopback."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from review_app import Live, World, _free_port, _pg_database, make_world  # noqa: E402

try:  # the store's fixtures: a real PostgreSQL server (skips only when none can be started)
    from dbfixtures import pg_server, pg_url, sqlite_url, store_url  # noqa: F401

    HAVE_PG_FIXTURES = True
except ImportError:  # pragma: no cover
    HAVE_PG_FIXTURES = False


@pytest.fixture(autouse=True)
def _offline_hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.delenv("SMALLPRINT_DB", raising=False)


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
