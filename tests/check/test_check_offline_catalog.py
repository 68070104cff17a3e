"""`check` on a Hub id with no network and no cache answers from the bundled catalog, and says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from smallprint.check import check_facts, check_target, check_targets
from smallprint.errors import SmallprintError
from smallprint.model import ModelFacts


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))


def test_llama_31_is_answered_from_the_catalog() -> None:
    r = check_target("meta-llama/Llama-3.1-8B", offline=True)
    assert r.model_id == "meta-llama/Llama-3.1-8B"
    assert [m.id for m in r.license.licenses] == ["llama3.1"]
    codes = [f.code for f in r.findings]
    assert "catalog-answer" in codes and "gated" in codes and "no-license" not in codes
    catalog = next(f for f in r.findings if f.code == "catalog-answer")
    assert catalog.severity == "info" and "bundled catalog" in catalog.message
    assert any(t.key == "user-threshold" for t in r.terms)


def test_former_id_and_derivative_lineage_from_the_catalog() -> None:
    r = check_target("deepseek-ai/DeepSeek-R1-Distill-Llama-8B", offline=True)
    assert [n.id for n in r.lineage] == ["deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "meta-llama/Llama-3.1-8B"]
    assert r.lineage[1].license_id == "llama3.1" and r.lineage[1].resolved_from == "catalog"
    assert "license-conflicts-with-base" in {f.code for f in r.findings}


def test_unknown_hub_id_offline_is_a_clear_error() -> None:
    with pytest.raises(SmallprintError):
        check_target("nobody/not-a-model", offline=True)
    [res] = check_targets(["nobody/not-a-model"], offline=True)
    assert res.error and "\n" not in res.error


def test_result_serialises_to_the_check_contract() -> None:
    d = check_target("google/gemma-2-9b-it", offline=True).to_dict()
    assert set(d) >= {"target", "model_id", "license", "lineage", "terms", "findings"}
    assert d["lineage"][1]["id"] == "google/gemma-2-9b" and d["lineage"][1]["license"] == "gemma"
    assert all(set(f) == {"code", "severity", "message", "evidence"} for f in d["findings"])


def test_a_model_with_no_claims_and_no_lineage_is_no_license() -> None:
    r = check_facts(ModelFacts(target="x", model_id=None, origin="folder"))
    assert [f.code for f in r.findings] == ["no-license"] and r.license.licenses == []
