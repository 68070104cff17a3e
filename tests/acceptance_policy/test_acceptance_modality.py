"""Clauses scoped to multimodal models (the Llama 3.2+ EU clause) decided from facts:
the catalog's modality, the Hub's pipeline tag, and what a quantization or adapter keeps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from smallprint.evaluators.lineage import CatalogResolver
from smallprint.evaluators.policy import (
    modality_call,
    modality_is_multimodal,
    multimodal_from_facts,
    same_weights_ancestors,
)
from smallprint.kb import default_kb
from smallprint.model import LineageNode, ModelFacts
from smallprint.workflow import CheckRequest, run_check

KB = default_kb()


def _catalog_facts(model_id: str) -> ModelFacts:
    cm = KB.model(model_id)
    assert cm is not None
    return CatalogResolver(KB).facts_of(cm)


@pytest.mark.parametrize(
    ("modality", "multimodal"),
    [("vision-language", True), ("multimodal", True), ("text", False), ("embedding", False),
     ("image", None), ("speech", None), ("audio", None), ("video", None), (None, None)],
)
def test_only_multi_input_modalities_count_and_cross_modal_ones_stay_open(modality: str | None,
                                                                        multimodal: bool | None) -> None:
    assert modality_is_multimodal(modality) is multimodal


def test_catalogued_text_model_is_not_multimodal_and_vision_model_is() -> None:
    assert multimodal_from_facts(_catalog_facts("meta-llama/Llama-3.2-1B-Instruct"), kb=KB) is False
    assert multimodal_from_facts(_catalog_facts("meta-llama/Llama-3.2-11B-Vision-Instruct"), kb=KB) is True
    assert multimodal_from_facts(_catalog_facts("meta-llama/Llama-4-Scout-17B-16E"), kb=KB) is True


def test_catalogued_modality_decides_for_a_model_read_elsewhere_under_its_own_id() -> None:
    facts = ModelFacts(target="snap", model_id="meta-llama/Llama-3.2-3B-Instruct", origin="folder")
    assert modality_call(facts, kb=KB) == (False, "the catalog lists its modality as 'text'")


def test_hub_computed_pipeline_tag_counts_when_the_card_states_none() -> None:
    text = ModelFacts(target="acme/x", model_id="acme/x", origin="hub", metadata={"hub": {"pipeline_tag": "text-generation"}})
    seeing = ModelFacts(target="acme/y", model_id="acme/y", origin="hub",
                        metadata={"hub": {"pipeline_tag": "image-text-to-text"}})
    assert multimodal_from_facts(text, kb=KB) is False
    assert multimodal_from_facts(seeing, kb=KB) is True


def test_fine_tune_of_a_catalogued_vision_model_without_vision_in_its_name_is_multimodal() -> None:
    facts = ModelFacts(target="acme/see", model_id="acme/see", origin="card", base_models=["google/gemma-3-12b-it"])
    call = modality_call(facts, kb=KB)
    assert call[0] is True and "google/gemma-3-12b-it" in (call[1] or "")


def test_full_fine_tune_of_a_text_model_stays_unknown_it_may_have_grown_a_vision_tower() -> None:
    facts = ModelFacts(target="acme/tune", model_id="acme/tune", origin="card",
                       base_models=["meta-llama/Llama-3.2-1B-Instruct"])
    assert multimodal_from_facts(facts, ancestors=["meta-llama/Llama-3.2-1B-Instruct"], kb=KB) is None


def test_quantization_keeps_its_catalogued_text_parent_modality() -> None:
    facts = ModelFacts(target="acme/q", model_id="acme/q", origin="gguf",
                       base_models=["meta-llama/Llama-3.2-1B-Instruct"])
    got = multimodal_from_facts(facts, ancestors=["meta-llama/Llama-3.2-1B-Instruct"],
                                same_weights=["meta-llama/Llama-3.2-1B-Instruct"], kb=KB)
    assert got is False


def test_same_weights_walks_quantized_and_adapter_edges_only() -> None:
    lineage = [
        LineageNode("acme/q4", None, None, None, 0, ["acme/adapter"]),
        LineageNode("acme/adapter", None, None, "quantized", 1, ["meta-llama/Llama-3.2-3B-Instruct"]),
        LineageNode("meta-llama/Llama-3.2-3B-Instruct", "llama3.2", None, "adapter", 2, ["meta-llama/Llama-3.2-3B"]),
        LineageNode("meta-llama/Llama-3.2-3B", "llama3.2", None, "finetune", 3, []),
    ]
    assert same_weights_ancestors(lineage) == ["acme/adapter", "meta-llama/Llama-3.2-3B-Instruct"]
    merged = [LineageNode("acme/m", None, None, None, 0, ["a/b"]), LineageNode("a/b", None, None, "merge", 1, [])]
    assert same_weights_ancestors(merged) == []


# --- end to end, offline, on folders written the way Hub repositories are -------------------------


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.chdir(tmp_path)


def _folder(root: Path, name: str, files: dict[str, str]) -> Path:
    d = root / name
    d.mkdir()
    for rel, text in files.items():
        (d / rel).write_text(text, encoding="utf-8")
    return d


def _eu_verdict(folder: Path) -> dict[str, Any]:
    out = run_check(CheckRequest(targets=[str(folder)], offline=True, profile="commercial-saas",
                                 overrides={"regions": ["EU"]}, openness=False))
    (result,) = out.results
    assert result.error is None and result.verdict is not None
    return result.verdict


def _geographic(v: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in v["reasons"] if r["term"] == "geographic"]


def test_gguf_quantization_of_a_text_llama_32_passes_the_eu_clause(tmp_path: Path) -> None:
    d = _folder(tmp_path, "Llama-3.2-1B-Instruct-GGUF", {"README.md": (
        "---\nlicense: llama3.2\nbase_model: meta-llama/Llama-3.2-1B-Instruct\nbase_model_relation: quantized\n"
        "tags:\n- gguf\n- llama-cpp\n---\n# Llama 3.2 1B Instruct in GGUF\n\nQ4_K_M and Q8_0 files.\n")})
    v = _eu_verdict(d)
    assert v["verdict"] == "conditions"
    assert _geographic(v) == []


def test_lora_adapter_on_a_text_llama_32_passes_the_eu_clause(tmp_path: Path) -> None:
    d = _folder(tmp_path, "ticket-router-lora", {
        "README.md": "---\nlicense: llama3.2\nlibrary_name: peft\nbase_model: meta-llama/Llama-3.2-3B-Instruct\n"
                     "---\n# Ticket router\n\nA LoRA adapter.\n",
        "adapter_config.json": '{"base_model_name_or_path": "meta-llama/Llama-3.2-3B-Instruct", "peft_type": "LORA", "r": 16}',
    })
    v = _eu_verdict(d)
    assert v["verdict"] == "conditions"
    assert _geographic(v) == []


def test_full_fine_tune_of_a_text_llama_32_without_a_task_tag_is_unclear_in_the_eu(tmp_path: Path) -> None:
    d = _folder(tmp_path, "support-bot", {"README.md": (
        "---\nlicense: llama3.2\nbase_model: meta-llama/Llama-3.2-1B-Instruct\n---\n# Support bot\n")})
    v = _eu_verdict(d)
    assert v["verdict"] == "unclear"
    assert [r["level"] for r in _geographic(v)] == ["unclear"]


def test_quantization_of_a_vision_llama_32_is_blocked_in_the_eu_and_says_why(tmp_path: Path) -> None:
    d = _folder(tmp_path, "seeing-q4", {"README.md": (
        "---\nlicense: llama3.2\nbase_model: meta-llama/Llama-3.2-11B-Vision-Instruct\n"
        "base_model_relation: quantized\n---\n# 4-bit build\n")})
    v = _eu_verdict(d)
    assert v["verdict"] == "blocked"
    (reason,) = _geographic(v)
    assert "counts as multimodal" in reason["message"] and reason["evidence"]


def test_fine_tune_of_llama_4_under_another_name_is_blocked_in_the_eu(tmp_path: Path) -> None:
    d = _folder(tmp_path, "acme-scout-chat", {"README.md": (
        "---\nlicense: llama4\nbase_model: meta-llama/Llama-4-Scout-17B-16E-Instruct\n"
        "pipeline_tag: text-generation\n---\n# Acme chat\n")})
    assert _eu_verdict(d)["verdict"] == "blocked"
