"""Weight headers of Hub repos (GGUF keys, safetensors `__metadata__`), read by range, never whole."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest
from gguf import GGUFWriter
from huggingface_hub import hf_hub_download
from safetensors.numpy import save_file

from hub_server import FakeRepo, StandInHub
from smallprint.sources.hub import HubSettings, pick_header_files, read_hub

SHA = "1111111111111111111111111111111111111111"
BASE_URL = "https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct"
GRANDPARENT_URL = "https://huggingface.co/meta-llama/Llama-3.1-8B"
QUANT_CARD = b"""---
license: llama3.1
base_model: acme/support-bot-8b
base_model_relation: quantized
tags:
- gguf
---
# Support bot 8B, GGUF

Quantizations of acme/support-bot-8b.
"""


def gguf_file(
    path: Path,
    *,
    license_id: str | None = "llama3.1",
    parents: tuple[str, ...] = (GRANDPARENT_URL,),
    vocabulary: int = 64,
    elements: int = 16,
) -> Path:
    """A llama-style GGUF written by the real writer; `elements` sizes the one tensor it declares."""
    writer = GGUFWriter(str(path), "llama")
    writer.add_name("Support Bot 8B")
    if license_id:
        writer.add_license(license_id)
    writer.add_base_model_count(len(parents))
    for index, url in enumerate(parents):
        writer.add_base_model_repo_url(index, url)
    writer.add_source_repo_url("https://huggingface.co/acme/support-bot-8b")
    writer.add_token_list([f"token-{i}" for i in range(vocabulary)])
    writer.add_token_scores([0.0] * vocabulary)
    writer.add_tensor_info("blk.0.w", [elements], np.dtype(np.float32), elements * 4)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    writer.close()
    return path


def safetensors_bytes(path: Path, metadata: dict[str, str]) -> bytes:
    save_file({"w": np.ones((2, 2), dtype=np.float32)}, str(path), metadata=metadata)
    return path.read_bytes()


def quant_repo(tmp_path: Path, **changes: object) -> FakeRepo:
    small = gguf_file(tmp_path / "q4.gguf").read_bytes()
    repo = FakeRepo(
        "acme/support-bot-8b-GGUF",
        {"README.md": QUANT_CARD, "support-bot-8b-Q4_K_M.gguf": small, "support-bot-8b-Q8_0.gguf": small},
        sha=SHA,
        tags=["gguf", "license:llama3.1", "base_model:quantized:acme/support-bot-8b"],
    )
    for key, value in changes.items():
        setattr(repo, key, value)
    return repo


def file_gets(hub: StandInHub, name: str) -> list[str]:
    return [r for r in hub.requests if r.startswith("GET ") and r.endswith("/" + name)]


def test_gguf_license_key_is_a_claim_with_the_file_as_evidence(stand_in_hub: StandInHub, tmp_path: Path) -> None:
    stand_in_hub.add(quant_repo(tmp_path))
    facts = read_hub("acme/support-bot-8b-GGUF")
    claim = next(c for c in facts.license_claims if c.where == "gguf:general.license")
    assert claim.value == "llama3.1"
    assert claim.evidence.file == "support-bot-8b-Q4_K_M.gguf" and claim.evidence.start_line == 0
    assert "general.license = llama3.1" in claim.evidence.quote
    assert facts.metadata["gguf"]["support-bot-8b-Q4_K_M.gguf"]["parameter_count"] == 16
    weights = [r for name, r in stand_in_hub.ranges if name.endswith(".gguf")]
    assert weights and all(r.startswith("bytes=0-") for r in weights)


def test_one_quantization_per_conversion_is_read(stand_in_hub: StandInHub, tmp_path: Path) -> None:
    stand_in_hub.add(quant_repo(tmp_path))
    read_hub("acme/support-bot-8b-GGUF")
    assert len(file_gets(stand_in_hub, "support-bot-8b-Q4_K_M.gguf")) == 1
    assert file_gets(stand_in_hub, "support-bot-8b-Q8_0.gguf") == []


def test_gguf_parents_do_not_replace_the_repo_declared_base(stand_in_hub: StandInHub, tmp_path: Path) -> None:
    """The converter copies the *source* card's base_model: here the grandparent."""
    stand_in_hub.add(quant_repo(tmp_path))
    facts = read_hub("acme/support-bot-8b-GGUF")
    assert facts.base_models == ["acme/support-bot-8b"]
    parents = facts.metadata["gguf"]["support-bot-8b-Q4_K_M.gguf"]["base_models"]
    assert parents == [{"repo_url": GRANDPARENT_URL}]


def test_gguf_parents_are_the_lineage_when_nothing_else_names_one(stand_in_hub: StandInHub, tmp_path: Path) -> None:
    data = gguf_file(tmp_path / "m.gguf", parents=(BASE_URL,)).read_bytes()
    stand_in_hub.add(FakeRepo("solo/bare-gguf", {"model-q4_0.gguf": data}, sha=SHA))
    facts = read_hub("solo/bare-gguf")
    assert facts.base_models == ["meta-llama/Llama-3.1-8B-Instruct"]
    assert ("gguf:general.license", "llama3.1") in {(c.where, c.value) for c in facts.license_claims}


def test_ten_gigabyte_gguf_costs_a_bounded_header_read(stand_in_hub: StandInHub, tmp_path: Path) -> None:
    big = gguf_file(tmp_path / "big.gguf", vocabulary=150_000, elements=10 * 1024**3 // 4)
    header_end = big.stat().st_size
    os.truncate(big, 10 * 1024**3 + header_end)  # sparse: no disk used
    stand_in_hub.add(FakeRepo("acme/big-GGUF", {}, sha=SHA, disk_files={"big-f16.gguf": big}, sizes_in_info=False))
    facts = read_hub("acme/big-GGUF")
    outcome = facts.metadata["hub"]["weight_headers"][0]
    assert outcome["status"] == "read" and outcome["via"] == "range"
    assert header_end < outcome["bytes"] <= header_end + 16 * 1024**2
    # the server thread counts what it sent after the client has it: let the counter settle
    for _ in range(200):
        if stand_in_hub.body_bytes == outcome["bytes"]:
            break
        time.sleep(0.01)
    assert stand_in_hub.body_bytes == outcome["bytes"]
    assert facts.metadata["gguf"]["big-f16.gguf"]["parameter_count"] == 10 * 1024**3 // 4
    # time is measured by benchmarks/headers.py, not asserted here


def test_safetensors_metadata_license_of_adapter_and_first_shard(stand_in_hub: StandInHub, tmp_path: Path) -> None:
    adapter = safetensors_bytes(tmp_path / "a.safetensors", {"format": "pt", "license": "apache-2.0"})
    shard = safetensors_bytes(tmp_path / "s.safetensors", {"format": "pt", "licence": "mit"})
    files = {
        "adapter_model.safetensors": adapter,
        "model-00001-of-00002.safetensors": shard,
        "model-00002-of-00002.safetensors": shard,
    }
    stand_in_hub.add(FakeRepo("acme/st", files, sha=SHA))
    facts = read_hub("acme/st")
    claims = {(c.where, c.value, c.evidence.file) for c in facts.license_claims}
    assert ("safetensors:__metadata__.license", "apache-2.0", "adapter_model.safetensors") in claims
    assert ("safetensors:__metadata__.licence", "mit", "model-00001-of-00002.safetensors") in claims
    assert file_gets(stand_in_hub, "model-00002-of-00002.safetensors") == []


def test_corrupt_gguf_header_is_broken_metadata(stand_in_hub: StandInHub, tmp_path: Path) -> None:
    good = gguf_file(tmp_path / "m.gguf").read_bytes()
    cut = good[: len(good) // 2]  # kv section runs past the end of the file
    stand_in_hub.add(FakeRepo("acme/cut", {"m-Q4_0.gguf": cut, "bad-Q4_0.gguf": b"NOTGGUF" * 10}, sha=SHA))
    facts = read_hub("acme/cut")
    broken = [f for f in facts.findings if f.code == "broken-metadata"]
    assert {f.evidence[0].file for f in broken} == {"m-Q4_0.gguf", "bad-Q4_0.gguf"}
    assert all(f.severity == "warning" and "\n" not in f.message for f in broken)
    assert not any(c.where.startswith("gguf:") for c in facts.license_claims)


def test_corrupt_safetensors_header_is_broken_metadata(stand_in_hub: StandInHub) -> None:
    raw = (10**12).to_bytes(8, "little") + b"{}"
    stand_in_hub.add(FakeRepo("acme/st-bad", {"model.safetensors": raw}, sha=SHA))
    facts = read_hub("acme/st-bad")
    assert [f.code for f in facts.findings] == ["broken-metadata"]


def test_server_errors_and_ignored_ranges_are_info_notes_not_crashes(stand_in_hub: StandInHub, tmp_path: Path) -> None:
    big = gguf_file(tmp_path / "m.gguf", vocabulary=250_000).read_bytes()  # > the 2 MiB first request
    repo = FakeRepo("acme/no-ranges", {"m-Q4_0.gguf": big, "x-Q4_0.gguf": big}, sha=SHA, ranges=False)
    repo.broken_files = {"x-Q4_0.gguf"}
    stand_in_hub.add(repo)
    facts = read_hub("acme/no-ranges")
    notes = {f.evidence[0].file: f for f in facts.findings if f.code == "weight-header-unread"}
    assert set(notes) == {"m-Q4_0.gguf", "x-Q4_0.gguf"}
    assert "range requests" in notes["m-Q4_0.gguf"].message and "HTTP 500" in notes["x-Q4_0.gguf"].message
    assert all(f.severity == "info" for f in notes.values())


def test_listed_file_missing_at_the_commit_is_skipped_quietly(stand_in_hub: StandInHub) -> None:
    stand_in_hub.add(FakeRepo("acme/listed", {}, sha=SHA, extra_files={"m-Q4_0.gguf": 10**9}))
    facts = read_hub("acme/listed")
    assert facts.findings == []
    assert facts.metadata["hub"]["weight_headers"][0]["status"] == "skipped"


def test_redirect_to_storage_keeps_the_range(stand_in_hub: StandInHub, tmp_path: Path) -> None:
    stand_in_hub.add(quant_repo(tmp_path, redirect_files=True))
    facts = read_hub("acme/support-bot-8b-GGUF")
    assert any(r.startswith("GET /cdn/") for r in stand_in_hub.requests)
    assert any(c.where == "gguf:general.license" for c in facts.license_claims)


def test_gated_repo_without_token_reads_no_weight_headers(stand_in_hub: StandInHub, tmp_path: Path) -> None:
    stand_in_hub.add(quant_repo(tmp_path, gated="manual", card_data={"license": "llama3.1"}))
    facts = read_hub("acme/support-bot-8b-GGUF")
    assert stand_in_hub.ranges == []
    assert "gated" in [f.code for f in facts.findings]


def test_cached_weight_file_is_read_locally_online_and_offline(
    stand_in_hub: StandInHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stand_in_hub.add(quant_repo(tmp_path))
    cache = HubSettings.from_env().cache_dir
    hf_hub_download("acme/support-bot-8b-GGUF", "support-bot-8b-Q4_K_M.gguf", endpoint=stand_in_hub.url, cache_dir=cache)
    stand_in_hub.ranges.clear()
    facts = read_hub("acme/support-bot-8b-GGUF")
    assert [name for name, _ in stand_in_hub.ranges if name.endswith(".gguf")] == []
    assert [c.value for c in facts.license_claims if c.where == "gguf:general.license"] == ["llama3.1"]
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    seen = len(stand_in_hub.requests)
    offline = read_hub("acme/support-bot-8b-GGUF")
    assert len(stand_in_hub.requests) == seen
    assert [c.value for c in offline.license_claims if c.where == "gguf:general.license"] == ["llama3.1"]


def test_hub_gguf_summary_is_kept_and_its_license_claimed(stand_in_hub: StandInHub, tmp_path: Path) -> None:
    summary = {"total": 8030261248, "architecture": "llama", "chat_template": "x" * 5000, "license": "gemma"}
    stand_in_hub.add(quant_repo(tmp_path, gguf=summary))
    facts = read_hub("acme/support-bot-8b-GGUF")
    assert facts.metadata["hub"]["gguf"] == {"total": 8030261248, "architecture": "llama", "license": "gemma"}
    assert ("hub:gguf.license", "gemma") in {(c.where, c.value) for c in facts.license_claims}


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["m-Q4_K_M.gguf", "m-Q8_0.gguf", "m-f16.gguf", "mmproj-m-f16.gguf"], ["m-Q4_K_M.gguf"]),
        (["Q4_K_M/m-Q4_K_M-00001-of-00002.gguf", "Q4_K_M/m-Q4_K_M-00002-of-00002.gguf"], ["Q4_K_M/m-Q4_K_M-00001-of-00002.gguf"]),
        (["a-8B.Q4_0.gguf", "a-70B.Q4_0.gguf", "c-1B.Q4_0.gguf"], ["a-70B.Q4_0.gguf", "a-8B.Q4_0.gguf"]),
        (["mmproj-model-f16.gguf"], ["mmproj-model-f16.gguf"]),
        (
            ["unet/diffusion_pytorch_model.safetensors", "unet/diffusion_pytorch_model.fp16.safetensors", "sd.safetensors"],
            ["sd.safetensors", "unet/diffusion_pytorch_model.fp16.safetensors"],
        ),
    ],
)
def test_header_files_are_picked_per_model_stem_within_bounds(names: list[str], expected: list[str]) -> None:
    assert [p.name for p in pick_header_files([(n, None) for n in names])] == expected


def test_empty_weight_file_answered_416_is_broken_metadata(stand_in_hub: StandInHub) -> None:
    stand_in_hub.add(FakeRepo("acme/empty", {"m-Q4_0.gguf": b""}, sha=SHA))
    facts = read_hub("acme/empty")
    assert [(f.code, f.evidence[0].file) for f in facts.findings] == [("broken-metadata", "m-Q4_0.gguf")]


def test_slow_file_server_times_out_once_and_the_rest_is_not_tried(stand_in_hub: StandInHub, tmp_path: Path) -> None:
    data = gguf_file(tmp_path / "m.gguf").read_bytes()
    files = {"a-Q4_0.gguf": data, "b-Q4_0.gguf": data, "model.safetensors": b"x" * 64}
    stand_in_hub.add(FakeRepo("acme/slow", files, sha=SHA, slow_file_seconds=2.0))
    start = time.monotonic()
    facts = read_hub("acme/slow", timeout=0.5)
    assert time.monotonic() - start < 1.8
    outcomes = facts.metadata["hub"]["weight_headers"]
    assert [o["status"] for o in outcomes] == ["skipped"] * 3
    assert "no answer within 0.5 s" in outcomes[0]["reason"]
    assert all(o["reason"] == "not tried after a network failure" for o in outcomes[1:])
    assert [f.code for f in facts.findings] == ["weight-header-unread"]


def test_small_file_from_a_server_without_ranges_is_read_whole(stand_in_hub: StandInHub, tmp_path: Path) -> None:
    stand_in_hub.add(quant_repo(tmp_path, ranges=False))
    facts = read_hub("acme/support-bot-8b-GGUF")
    assert ("gguf:general.license", "llama3.1") in {(c.where, c.value) for c in facts.license_claims}
    assert not [f for f in facts.findings if f.code == "weight-header-unread"]


def test_gated_repo_headers_are_read_with_hf_token(
    stand_in_hub: StandInHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stand_in_hub.add(quant_repo(tmp_path, gated="auto", token="hf_secret"))
    monkeypatch.setenv("HF_TOKEN", "hf_secret")
    facts = read_hub("acme/support-bot-8b-GGUF")
    assert ("gguf:general.license", "llama3.1") in {(c.where, c.value) for c in facts.license_claims}
    assert "gated" not in [f.code for f in facts.findings]
