"""Online, `select` widens the pool with a Hub search through the real client (stand-in Hub)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub_server import FakeRepo, StandInHub, isolate_hub_env
from smallprint.policy.profiles import resolve_profile
from smallprint.selection.filters import Filters
from smallprint.selection.select import select


def _card(license_line: str) -> bytes:
    return f"---\n{license_line}\npipeline_tag: text-generation\n---\n# model\n".encode()


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    isolate_hub_env(tmp_path / "hf-home", monkeypatch)
    repos = [
        FakeRepo("acme/open-chat-1b", {"README.md": _card("license: apache-2.0")}, card_data={"license": "apache-2.0"}, downloads=900),
        FakeRepo("acme/nc-chat-1b", {"README.md": _card("license: cc-by-nc-4.0")}, card_data={"license": "cc-by-nc-4.0"}, downloads=800),
        FakeRepo("acme/speech-1b", {"README.md": _card("license: mit")}, card_data={"license": "mit"},
                 pipeline_tag="automatic-speech-recognition", downloads=700),
    ]
    with StandInHub(repos) as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        yield server


def test_hub_models_join_the_pool_and_are_judged_like_catalog_models(hub: StandInHub) -> None:
    s = select(resolve_profile("commercial-saas"), Filters(task="text-generation", params_max=1e9), offline=False,
               search="chat")
    chosen = {c.model_id: c for c in s.chosen}
    excluded = {e.model_id: e for e in s.excluded}
    assert "acme/open-chat-1b" in chosen and chosen["acme/open-chat-1b"].source == "hub"
    assert "acme/nc-chat-1b" in excluded and excluded["acme/nc-chat-1b"].verdict == "blocked"
    assert "acme/speech-1b" not in chosen and "acme/speech-1b" not in excluded  # another task, or not found by the words
    searches = [r for r in hub.requests if r.startswith("GET /api/models") and r.count("/") == 2]
    assert searches, hub.requests
    assert any("Hub search" in n for n in s.notes)


def test_hub_offline_mode_leaves_the_catalog_answer_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_hub_env(tmp_path / "hf-home", monkeypatch)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    s = select(resolve_profile("commercial-saas"), Filters(task="text-generation", params_max=1e9), offline=False)
    assert s.chosen and any("catalog only" in n for n in s.notes)

