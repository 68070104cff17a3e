"""Naming rules read the Hub id a snapshot folder spells, renamed quants of a licensor's own
model are held to the rule, a card licence outranked by another source is a disagreement
(not a conflict), and `no-license` points at where the licence is missing."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import gguf
import numpy as np

from smallprint.check import check_target
from smallprint.sources.folder import read_folder


def _safetensors(path: Path) -> None:
    raw = json.dumps({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}).encode()
    raw += b" " * (-len(raw) % 8)
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + b"\0\0\0\0")


def _gguf(path: Path, keys: dict[str, str]) -> None:
    w = gguf.GGUFWriter(str(path), "llama")
    for k, v in keys.items():
        w.add_string(k, v)
    w.add_tensor("t", np.zeros((4,), dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def _snapshot(root: Path, folder: str, card: str | None) -> Path:
    d = root / folder
    d.mkdir()
    if card is not None:
        (d / "README.md").write_text(card)
    _safetensors(d / "model.safetensors")
    return d


def _codes(target: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in check_target(str(target), offline=True).findings:
        out.setdefault(f.code, []).append(f.message)
    return out


def test_folder_hub_id_beats_card_heading_as_model_name(tmp_path: Path) -> None:
    d = _snapshot(tmp_path, "acme--Llama-3.1-8B-Instruct-med", "---\nlicense: llama3.1\n---\n# Medical assistant\n")
    assert read_folder(d).name == "acme/Llama-3.1-8B-Instruct-med"


def test_explicit_model_name_field_is_kept_over_folder(tmp_path: Path) -> None:
    d = _snapshot(tmp_path, "acme--whatever", "---\nlicense: mit\nmodel_name: Llama-3.1-Med\n---\n# Heading\n")
    assert read_folder(d).name == "Llama-3.1-Med"


def test_llama_prefixed_folder_with_prose_heading_has_no_naming_finding(tmp_path: Path) -> None:
    card = "---\nlicense: llama3.1\nbase_model: meta-llama/Llama-3.1-8B-Instruct\n---\n# gated medical model\n"
    d = _snapshot(tmp_path, "acme--Llama-3.1-8B-Instruct-med", card)
    assert "naming-requirement" not in _codes(d)


def test_renamed_third_party_quant_of_licensors_model_needs_prefix(tmp_path: Path) -> None:
    card = (
        "---\nlicense: llama3.2\nbase_model: meta-llama/Llama-3.2-3B-Instruct\n"
        "base_model_relation: quantized\n---\n# Compact 3B\n"
    )
    d = _snapshot(tmp_path, "quantfolk--Compact-3B-Instruct-GGUF", card)
    codes = _codes(d)
    assert "naming-requirement" in codes
    assert "Compact-3B-Instruct-GGUF" in codes["naming-requirement"][0]
    assert "license-conflicts-with-base" not in codes


def test_reupload_quant_keeping_the_original_name_has_no_naming_finding(tmp_path: Path) -> None:
    card = (
        "---\nlicense: llama3.1\nbase_model: meta-llama/Meta-Llama-3.1-8B-Instruct\n"
        "base_model_relation: quantized\n---\n# quants\n"
    )
    d = _snapshot(tmp_path, "someone--Meta-Llama-3.1-8B-Instruct-GGUF", card)
    assert "naming-requirement" not in _codes(d)


def test_llama_named_third_party_quant_has_no_naming_finding(tmp_path: Path) -> None:
    card = (
        "---\nlicense: llama3.2\nbase_model: meta-llama/Llama-3.2-3B-Instruct\n"
        "base_model_relation: quantized\n---\n# quants\n"
    )
    d = _snapshot(tmp_path, "quantfolk--Llama-3.2-3B-Instruct-GGUF", card)
    assert "naming-requirement" not in _codes(d)


def test_card_licence_outranked_by_gguf_key_is_reported_as_disagreement_not_conflict(tmp_path: Path) -> None:
    card = "---\nlicense: apache-2.0\nbase_model: google/gemma-7b-it\nbase_model_relation: quantized\n---\n# q\n"
    d = tmp_path / "acme--gemma-7b-it-GGUF"
    d.mkdir()
    (d / "README.md").write_text(card)
    _gguf(d / "gemma-7b-it.Q4_K_M.gguf", {"general.name": "gemma-7b-it", "general.license": "gemma"})
    result = check_target(str(d), offline=True)
    codes = {f.code for f in result.findings}
    assert result.license.licenses[0].id == "gemma"
    assert "sources-disagree" in codes
    assert "license-conflicts-with-base" not in codes


def test_card_licence_agreeing_with_winner_adds_no_conflict(tmp_path: Path) -> None:
    card = "---\nlicense: gemma\nbase_model: google/gemma-7b-it\nbase_model_relation: quantized\n---\n# q\n"
    d = tmp_path / "acme--gemma-7b-it-GGUF"
    d.mkdir()
    (d / "README.md").write_text(card)
    _gguf(d / "gemma-7b-it.Q4_K_M.gguf", {"general.name": "gemma-7b-it", "general.license": "gemma"})
    assert "license-conflicts-with-base" not in _codes(d)


def test_no_license_points_at_the_card_or_the_folder(tmp_path: Path) -> None:
    with_card = _snapshot(tmp_path, "acme--nolic-a", "---\nbase_model: mistralai/Mistral-7B-v0.1\n---\n# a\n")
    bare = _snapshot(tmp_path, "acme--nolic-b", None)
    (bare / "adapter_config.json").write_text(json.dumps({"base_model_name_or_path": "mistralai/Mistral-7B-v0.1"}))
    for d, where in ((with_card, "README.md"), (bare, "acme--nolic-b")):
        found = [f for f in check_target(str(d), offline=True).findings if f.code == "no-license"]
        assert found and found[0].evidence, d
        assert (found[0].evidence[0].file or "").endswith(where)
