"""OSAID 1.0 verdicts: the catalog agrees with OSI's own validation, with reasons."""

from __future__ import annotations

import pytest

from smallprint.evaluators.openness import catalog
from smallprint.evaluators.openness.assess import assess_model
from smallprint.evaluators.openness.mot import ComponentResult
from smallprint.evaluators.openness.osaid import assess_osaid, license_freedom
from smallprint.kb import KnowledgeBase
from smallprint.model import ModelFacts

PASSING = ["EleutherAI/pythia-1b", "allenai/OLMo-7B", "LLM360/Amber", "LLM360/CrystalCoder", "google-t5/t5-base"]
FAILING = {
    "meta-llama/Llama-2-7b-hf": ("llama2", "restricted-weights"),
    "xai-org/grok-1": ("apache-2.0", "open-weights"),
    "microsoft/phi-2": ("mit", "open-weights"),
    "mistralai/Mixtral-8x7B-v0.1": ("apache-2.0", "open-weights"),
}


def _facts(model_id: str) -> ModelFacts:
    return ModelFacts(target=model_id, model_id=model_id, origin="catalog")


@pytest.mark.parametrize("model_id", PASSING)
def test_osi_validated_systems_pass_as_open_source_ai(model_id: str, small_kb: KnowledgeBase) -> None:
    r = assess_model(_facts(model_id), license_id="apache-2.0", kb=small_kb)
    assert r.osaid.verdict == "open-source-ai", r.osaid.missing
    assert r.osaid.missing == []
    assert r.osi_validation is not None and r.osi_validation.passes
    assert not [f for f in r.findings if f.code == "osaid-differs-from-osi"]


@pytest.mark.parametrize("model_id", sorted(FAILING))
def test_osi_failing_systems_fail_with_reasons(model_id: str, small_kb: KnowledgeBase) -> None:
    license_id, verdict = FAILING[model_id]
    r = assess_model(_facts(model_id), license_id=license_id, kb=small_kb)
    assert r.osaid.verdict == verdict
    assert r.osi_validation is not None and not r.osi_validation.passes
    pieces = {(m.piece, m.component) for m in r.osaid.missing}
    assert ("code", "Training code") in pieces
    assert ("data-information", "Data card") in pieces
    if verdict == "restricted-weights":
        assert any(m.piece == "parameters" and "restricted-model" in m.detail for m in r.osaid.missing)


def test_catalog_verdicts_match_osi_list_with_the_bundled_knowledge_base() -> None:
    for v in catalog.osi_validation():
        if v.name in ("BLOOM", "StarCoder2", "Falcon"):
            continue  # not in the components catalog
        model_id = {"Pythia": "EleutherAI/pythia-410m", "OLMo": "allenai/OLMo-1B", "Amber": "LLM360/Amber",
                    "CrystalCoder": "LLM360/CrystalCoder", "T5": "google-t5/t5-small",
                    "Llama 2": "meta-llama/Llama-2-13b-hf", "Grok": "xai-org/grok-1", "Phi-2": "microsoft/phi-2",
                    "Mixtral": "mistralai/Mixtral-8x7B-Instruct-v0.1"}[v.name]
        r = assess_model(_facts(model_id), license_id=None)
        assert (r.osaid.verdict == "open-source-ai") == v.passes, (v.name, r.osaid.to_dict())


def test_unknown_weights_licence_is_restricted_not_open(small_kb: KnowledgeBase) -> None:
    f = license_freedom("some-vendor-licence", small_kb)
    assert f.grants is None
    comps = [ComponentResult(10, "Model parameters (Final)", 3, True, "data", "not-open", "some-vendor-licence",
                             "component")]
    r = assess_osaid(comps, "some-vendor-licence", small_kb)
    assert r.verdict == "restricted-weights"
    assert r.missing[0].problem == "unknown-license"


def test_hub_id_missing_from_knowledge_base_never_grants_freedoms() -> None:
    empty = KnowledgeBase([])
    for lid in ("llama3.1", "gemma", "deepseek", "other"):
        assert license_freedom(lid, empty).grants is not True


def test_spdx_osi_licence_grants_freedoms_even_before_its_entry_exists() -> None:
    f = license_freedom("apache-2.0", KnowledgeBase([]))
    assert (f.grants, f.osi_approved, f.license) == (True, True, "Apache-2.0")


def test_no_parameters_means_closed(small_kb: KnowledgeBase) -> None:
    facts = ModelFacts(target="x", model_id="acme/x", origin="hub")  # a Hub listing without weight files
    r = assess_model(facts, license_id="apache-2.0", kb=small_kb)
    assert r.osaid.verdict == "closed"
