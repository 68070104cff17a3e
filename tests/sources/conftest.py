"""Shared fixtures for the source tests: the stand-in Hub and an isolated Hub environment."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hub_server import StandInHub, isolate_hub_env  # noqa: E402


@pytest.fixture
def hub_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private HF_HOME and no token, offline flag or cache settings from the outside."""
    return isolate_hub_env(tmp_path / "hf-home", monkeypatch)


@pytest.fixture
def stand_in_hub(hub_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[StandInHub]:
    """A running stand-in Hub with HF_ENDPOINT pointing at it."""
    with StandInHub() as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        yield hub
