"""Fresh stores for tests, on SQLite (a tmp file) and on a real PostgreSQL server.

Use from any test folder's conftest.py:

    from dbfixtures import pg_server, pg_url, sqlite_url, store_url  # noqa: F401

- `sqlite_url`: a SQLite file in tmp_path (not created yet).
- `pg_url`: a new, empty database on the PostgreSQL server, dropped afterwards.
- `store_url`: parametrized over both back ends, so one test runs on each
  (the PostgreSQL case is marked slow).
- `pg_server` (session): the admin URL of the server. It is `$SMALLPRINT_TEST_PG_URL`
  when set (CI: `.ci/run` starts one; it must then be reachable, or the tests fail),
  else a throwaway cluster started with initdb/pg_ctl from /usr/lib/postgresql/*/bin on a
  free loopback port (as the `postgres` user when running as root); the tests skip,
  saying why, only when no server can be started.
- `DOWN_PG_URL`: a PostgreSQL URL where nothing listens (a server that is down).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ENV_PG = "SMALLPRINT_TEST_PG_URL"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


DOWN_PG_URL = f"postgresql://smallprint@127.0.0.1:{_free_port()}/smallprint"


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


class _Cluster:
    """A throwaway PostgreSQL cluster in a tmp dir, trust auth on 127.0.0.1 only."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="smallprint-pg-"))
        self.data = self.dir / "data"
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)

    def start(self) -> str:
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        init = self._run("initdb", "-D", str(self.data), "-U", "smallprint", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions")
        if init.returncode != 0:
            raise RuntimeError(f"initdb failed: {(init.stderr or init.stdout).strip().splitlines()[-1:]}")
        opts = f"-h 127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        start = self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.dir / "log"), "-w", "-t", "60", "start")
        if start.returncode != 0:
            log = (self.dir / "log").read_text(errors="replace") if (self.dir / "log").exists() else start.stderr
            raise RuntimeError(f"pg_ctl start failed: {log.strip().splitlines()[-1:] if log else start.returncode}")
        return f"postgresql://smallprint@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


def _admin_engine(url: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine

    from smallprint.store import resolve_url

    return create_engine(resolve_url(url), isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})


def _reachable(url: str) -> str | None:
    from sqlalchemy import text

    try:
        engine = _admin_engine(url)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as e:  # any failure to connect is the reason shown
        return str(getattr(e, "orig", e)).strip().splitlines()[0]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The admin URL of a PostgreSQL server (see the module docstring)."""
    given = os.environ.get(ENV_PG)
    if given:
        why = _reachable(given)
        if why:
            pytest.fail(f"{ENV_PG} is set but the server cannot be reached: {why}")
        yield given
        return
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip(f"no PostgreSQL server: {ENV_PG} is unset and no initdb/pg_ctl found (apt-get install postgresql)")
    cluster = _Cluster(bindir)
    try:
        url = cluster.start()
    except (RuntimeError, OSError, subprocess.SubprocessError, LookupError) as e:
        cluster.stop()
        pytest.skip(f"no PostgreSQL server: {ENV_PG} is unset and a throwaway cluster could not be started ({e})")
    try:
        yield url
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A new empty database on the server; dropped after the test."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    name = f"sp_test_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine(pg_server)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(pg_server).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite store file in tmp_path (created when first opened)."""
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store URL on each back end in turn."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("pg_url"))
