"""Fixtures for the watch: a fresh store per test (SQLite, and PostgreSQL where asked),
the stand-in Hub, and the command line run in-process."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dbfixtures import pg_server, pg_url, sqlite_url, store_url  # noqa: F401
from hub_server import StandInHub, isolate_hub_env


@dataclass
class Out:
    code: int
    out: str
    err: str


@pytest.fixture
def hub_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate_hub_env(tmp_path / "hf-home", monkeypatch)


@pytest.fixture
def stand_in_hub(hub_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[StandInHub]:
    with StandInHub() as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        yield hub


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Out]:
    """`smallprint ARGS` in this process (its real entry point: one-line errors, exit codes)."""
    from smallprint import cli as cli_module

    def run(*args: str) -> Out:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["smallprint", *args])
        try:
            cli_module.main()
            code = 0
        except SystemExit as e:
            code = int(e.code or 0)
        got = capsys.readouterr()
        return Out(code, got.out, got.err)

    return run


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh SQLite store, also as SMALLPRINT_DB (tests never touch the user data dir)."""
    url = f"sqlite:///{tmp_path / 'watch.db'}"
    monkeypatch.setenv("SMALLPRINT_DB", url)
    return url
