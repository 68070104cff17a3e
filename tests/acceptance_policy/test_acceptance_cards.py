"""Model folders written the way Hugging Face cards are, checked end to end offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from smallprint.workflow import CheckRequest, run_check


def _folder(root: Path, name: str, card: str) -> Path:
    d = root / name
    d.mkdir()
    (d / "README.md").write_text(card, encoding="utf-8")
    return d


def _verdict(folder: Path, profile: str, **overrides: Any) -> dict[str, Any]:
    out = run_check(CheckRequest(targets=[str(folder)], offline=True, profile=profile, overrides=overrides,
                                 openness=False))
    (result,) = out.results
    assert result.error is None and result.verdict is not None
    return result.verdict


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.chdir(tmp_path)


def test_fine_tune_of_a_vision_model_is_multimodal_even_with_a_text_pipeline_tag(tmp_path: Path) -> None:
    d = _folder(tmp_path, "assistant", "---\nlicense: llama3.2\nbase_model: meta-llama/Llama-3.2-11B-Vision-Instruct\n"
                "pipeline_tag: text-generation\n---\n# Support assistant\nTuned on our tickets.\n")
    v = _verdict(d, "commercial-saas", regions=["EU"])
    assert v["verdict"] == "blocked"
    assert any(r["term"] == "geographic" and r["evidence"] for r in v["reasons"])


def test_licence_read_only_from_card_prose_is_never_allowed(tmp_path: Path) -> None:
    d = _folder(tmp_path, "prose", "# Sentiment model\n\nThis model is licensed under the MIT License.\n")
    v = _verdict(d, "commercial-saas")
    assert v["verdict"] == "unclear"
    assert any("identified only weakly" in r["message"] for r in v["reasons"])


def test_card_without_licence_says_the_terms_are_inherited_not_unknown(tmp_path: Path) -> None:
    d = _folder(tmp_path, "gemma-tune", "---\nbase_model: google/gemma-2-9b-it\n---\n# Gemma chat tune\n")
    v = _verdict(d, "commercial-saas")
    assert v["verdict"] == "unclear"
    assert any("inherited from its base models" in r["message"] for r in v["reasons"])
    assert any("pass the use restrictions" in d["duty"] for d in v["duties"])


def test_permissive_card_on_a_research_only_base_is_blocked_with_the_base_named_once(tmp_path: Path) -> None:
    d = _folder(tmp_path, "math", "---\nlicense: mit\nbase_model: Qwen/Qwen2.5-3B-Instruct\n---\n# Math tune\n")
    v = _verdict(d, "commercial-saas")
    assert v["verdict"] == "blocked"
    blocked = [r["message"] for r in v["reasons"] if r["level"] == "blocked"]
    assert blocked and all(m.count("Qwen/Qwen2.5-3B-Instruct") == 1 and "qwen-research" in m for m in blocked)


def test_flux_dev_lora_declared_other_with_licence_name_is_blocked_for_commercial_use(tmp_path: Path) -> None:
    d = _folder(tmp_path, "lora", "---\nlicense: other\nlicense_name: flux-1-dev-non-commercial-license\n"
                "license_link: https://huggingface.co/black-forest-labs/FLUX.1-dev/blob/main/LICENSE.md\n"
                "base_model: black-forest-labs/FLUX.1-dev\ntags: [lora, text-to-image]\n---\n# Watercolour LoRA\n")
    assert _verdict(d, "commercial-saas")["verdict"] == "blocked"
    assert _verdict(d, "internal-research", activities=["inference"])["verdict"] == "conditions"
