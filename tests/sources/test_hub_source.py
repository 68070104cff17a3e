"""The Hub source against a stand-in Hub on loopback, through the real client."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from hub_server import FakeRepo, StandInHub
from smallprint.errors import InputError, SourceError
from smallprint.sources.hub import parse_hub_ref, read_hub

SHA = "0123456789abcdef0123456789abcdef01234567"
CARD = b"""---
license: other
license_name: llama3.1
license_link: LICENSE
base_model: meta-llama/Llama-3.1-8B-Instruct
base_model_relation: adapter
library_name: peft
tags:
- lora
---
# Support bot

A LoRA adapter.
"""
LICENSE = b"LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\nLlama 3.1 Version Release Date: July 23, 2024\n"
ADAPTER = b'{"base_model_name_or_path": "meta-llama/Llama-3.1-8B-Instruct", "peft_type": "LORA"}'


def adapter_repo(**changes: object) -> FakeRepo:
    repo = FakeRepo(
        "acme/support-bot-lora",
        {"README.md": CARD, "LICENSE": LICENSE, "adapter_config.json": ADAPTER},
        sha=SHA,
        card_data={"license": "other", "license_name": "llama3.1", "base_model": "meta-llama/Llama-3.1-8B-Instruct"},
        tags=["peft", "license:other", "base_model:adapter:meta-llama/Llama-3.1-8B-Instruct"],
        extra_files={"adapter_model.safetensors": 1000, "training_args.bin": 10},
    )
    for key, value in changes.items():
        setattr(repo, key, value)
    return repo


def test_hub_read_collects_card_license_file_adapter_and_weights(stand_in_hub: StandInHub) -> None:
    stand_in_hub.add(adapter_repo())
    facts = read_hub("acme/support-bot-lora")
    assert facts.origin == "hub" and facts.model_id == "acme/support-bot-lora" and facts.revision == SHA
    claims = {(c.where, c.value.splitlines()[0]) for c in facts.license_claims}
    assert ("card:license", "other") in claims
    assert ("card:license_name", "llama3.1") in claims
    assert ("file:LICENSE", "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT") in claims
    assert ("hub:tags", "other") in claims
    card_claim = next(c for c in facts.license_claims if c.where == "card:license")
    assert card_claim.evidence.start_line == 2 and card_claim.evidence.quote == "license: other"
    assert facts.base_models == ["meta-llama/Llama-3.1-8B-Instruct"]
    assert facts.relation == "adapter"
    assert facts.gated is False
    assert {(w.path, w.format) for w in facts.weight_files} == {
        ("adapter_model.safetensors", "safetensors"),
        ("training_args.bin", "pickle"),
    }
    assert [f.code for f in facts.findings] == ["pickle-weights"]
    assert not any("resolve/main/adapter_model" in r for r in stand_in_hub.requests)


def test_offline_read_after_online_read_uses_cache_without_requests(
    stand_in_hub: StandInHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    stand_in_hub.add(adapter_repo())
    read_hub("acme/support-bot-lora")
    seen = len(stand_in_hub.requests)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    facts = read_hub("acme/support-bot-lora")
    assert len(stand_in_hub.requests) == seen
    assert facts.metadata["offline"] is True and facts.revision == SHA
    assert {c.where for c in facts.license_claims} >= {"card:license", "file:LICENSE"}
    assert facts.base_models == ["meta-llama/Llama-3.1-8B-Instruct"]


def test_offline_read_of_uncached_model_says_so(stand_in_hub: StandInHub) -> None:
    with pytest.raises(SourceError, match="not in the local Hugging Face cache"):
        read_hub("acme/never-downloaded", offline=True)
    assert stand_in_hub.requests == []


def test_missing_repo_is_a_one_line_not_found_error(stand_in_hub: StandInHub) -> None:
    with pytest.raises(SourceError, match="not found on the Hub") as err:
        read_hub("nobody/missing")
    assert "\n" not in str(err.value)


def test_unknown_revision_is_reported(stand_in_hub: StandInHub) -> None:
    stand_in_hub.add(adapter_repo())
    with pytest.raises(SourceError, match="revision 'v9' not found"):
        read_hub("acme/support-bot-lora@v9")


def test_gated_files_still_report_api_card_data_and_gated_fact(stand_in_hub: StandInHub) -> None:
    stand_in_hub.add(adapter_repo(gated="manual"))
    facts = read_hub("acme/support-bot-lora")
    assert facts.gated == "manual"
    assert "gated" in [f.code for f in facts.findings]
    claims = {(c.where, c.value) for c in facts.license_claims}
    assert ("card:license", "other") in claims and ("card:license_name", "llama3.1") in claims
    assert facts.base_models == ["meta-llama/Llama-3.1-8B-Instruct"]


def test_gated_files_are_read_with_hf_token(stand_in_hub: StandInHub, monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in_hub.add(adapter_repo(gated="auto", token="hf_secret"))
    monkeypatch.setenv("HF_TOKEN", "hf_secret")
    facts = read_hub("acme/support-bot-lora")
    assert "gated" not in [f.code for f in facts.findings]
    assert any(c.where == "file:LICENSE" for c in facts.license_claims)


def test_gated_api_gives_gated_facts_not_a_crash(stand_in_hub: StandInHub) -> None:
    stand_in_hub.add(adapter_repo(gated_api=True))
    facts = read_hub("acme/support-bot-lora")
    assert facts.gated is True and [f.code for f in facts.findings] == ["gated"]


def test_rate_limit_is_a_clear_error(stand_in_hub: StandInHub) -> None:
    stand_in_hub.add(adapter_repo(rate_limited=True))
    with pytest.raises(SourceError, match="rate limited"):
        read_hub("acme/support-bot-lora")


def test_slow_hub_times_out_quickly(stand_in_hub: StandInHub) -> None:
    stand_in_hub.add(adapter_repo(slow_seconds=3.0))
    start = time.monotonic()
    with pytest.raises(SourceError, match="did not answer within"):
        read_hub("acme/support-bot-lora", timeout=0.5)
    assert time.monotonic() - start < 2.5


def test_unreachable_hub_suggests_offline_mode(hub_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    with pytest.raises(SourceError, match="Hub unreachable.*HF_HUB_OFFLINE=1"):
        read_hub("acme/support-bot-lora", timeout=2)


@pytest.mark.parametrize("bad", ["acme", "acme/", "/etc/passwd", "a/b/c", "acme/x@", "acme/x@../..", "acme/../x"])
def test_malformed_hub_ids_are_input_errors(bad: str) -> None:
    if bad.endswith("@"):
        assert parse_hub_ref(bad).revision is None
        return
    with pytest.raises(InputError):
        parse_hub_ref(bad)


def test_revision_is_split_from_the_id() -> None:
    ref = parse_hub_ref("meta-llama/Llama-3.1-8B@refs/pr/1")
    assert (ref.repo_id, ref.revision) == ("meta-llama/Llama-3.1-8B", "refs/pr/1")
