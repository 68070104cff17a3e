"""Opening a store: URL resolution, SQLite settings, and one-line errors for broken stores."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from dbfixtures import DOWN_PG_URL
from smallprint.store import StoreError, open_store, resolve_url


def test_url_from_argument_then_env_then_user_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("SMALLPRINT_DB", raising=False)
    assert resolve_url() == f"sqlite:///{tmp_path / 'data' / 'smallprint' / 'smallprint.db'}"
    monkeypatch.setenv("SMALLPRINT_DB", "postgresql://u:pw@db.example/sp")
    assert resolve_url() == "postgresql+psycopg://u:pw@db.example/sp"
    assert resolve_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"
    assert resolve_url("postgres://h/sp") == "postgresql+psycopg://h/sp"


def test_default_store_is_created_in_the_user_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("SMALLPRINT_DB", raising=False)
    with open_store() as store:
        assert store.path == tmp_path / "data" / "smallprint" / "smallprint.db"
        assert store.path.is_file()


def test_unsupported_url_is_one_line() -> None:
    with pytest.raises(StoreError, match="unsupported database 'mysql'"):
        resolve_url("mysql://h/db")


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(sqlite_url: str) -> None:
    with open_store(sqlite_url) as store:
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_corrupt_store_file_is_a_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "store.db"
    bad.write_bytes(b"this is not a database, just some bytes " * 200)
    with pytest.raises(StoreError) as e:
        open_store(str(bad))
    assert "corrupt" in str(e.value) and "\n" not in str(e.value) and str(bad) in str(e.value)


def test_truncated_store_file_is_a_one_line_error(sqlite_url: str, tmp_path: Path) -> None:
    with open_store(sqlite_url) as store:
        path = store.path
        assert path is not None
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = path.read_bytes()
    path.write_bytes(data[:100] + b"\x00" * 3000 + data[3100:])
    with pytest.raises(StoreError) as e:
        with open_store(sqlite_url) as s2, s2.session() as session:
            session.execute(text("SELECT count(*) FROM snapshots")).all()
    assert "\n" not in str(e.value)


def test_missing_store_is_reported_when_not_creating(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store at .*deleted"):
        open_store(str(tmp_path / "gone.db"), create=False)
    assert not (tmp_path / "gone.db").exists()


def test_missing_folder_for_a_new_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        open_store(str(tmp_path / "no" / "such" / "store.db"))


@pytest.mark.slow
def test_postgres_down_is_a_quick_one_line_error() -> None:
    start = time.monotonic()
    with pytest.raises(StoreError) as e:
        open_store(DOWN_PG_URL)
    assert time.monotonic() - start < 10
    msg = str(e.value)
    assert msg.startswith("cannot reach PostgreSQL at 127.0.0.1:") and "\n" not in msg


@pytest.mark.slow
def test_postgres_store_opens_and_upgrades(pg_url: str) -> None:
    with open_store(pg_url) as store:
        assert store.dialect == "postgresql"
        with store.session() as s:
            assert s.execute(text("SELECT count(*) FROM snapshots")).scalar() == 0


def test_password_is_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(StoreError) as e:
        open_store(DOWN_PG_URL.replace("smallprint@", "smallprint:s3cret@"))
    assert "s3cret" not in str(e.value)
