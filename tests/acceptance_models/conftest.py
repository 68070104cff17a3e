"""A stand-in Hub with a private HF_HOME for the acceptance runs through the Hub."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from hub_server import StandInHub, isolate_hub_env  # noqa: E402


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[StandInHub]:
    """A running stand-in Hub, HF_ENDPOINT at it, no token, offline flag or shared cache."""
    isolate_hub_env(tmp_path / "hf-home", monkeypatch)
    with StandInHub() as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        yield server
