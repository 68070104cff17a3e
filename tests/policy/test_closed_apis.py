"""Closed API models are catalogued with their providers' terms and judged like open ones."""

from __future__ import annotations

import dataclasses

import pytest

from smallprint.evaluators.policy import evaluate
from smallprint.kb import default_kb
from smallprint.model import Term
from smallprint.profiles import load_preset
from smallprint.scan.refs import api_provider, catalog_id

CLOSED = [m for m in default_kb().models.values() if m.path and m.path.endswith("closed-apis.yaml")]


def test_closed_api_catalog_covers_the_major_providers():
    assert {m.id.split("/")[0] for m in CLOSED} >= {"openai", "anthropic", "google", "mistral", "cohere"}


@pytest.mark.parametrize("model", CLOSED, ids=lambda m: m.id)
def test_each_closed_model_has_proprietary_terms_and_code_names_resolve(model, kb):
    entry = kb.get(model.license)
    assert entry is not None and entry.kind == "proprietary" and entry.text.file is None and entry.text.source_url
    assert entry.term("commercial-use") is not None
    if not model.id.endswith("/api"):
        name = model.id.split("/", 1)[1]
        assert api_provider(name) == model.id.split("/")[0]
        assert catalog_id(name, kb) == model.id


@pytest.mark.parametrize("name", ["gpt-4o", "claude-3-5-sonnet-20241022", "gemini-2.0-flash"])
def test_closed_model_outputs_may_not_train_another_model(terms_of, kb, name):
    lic = kb.model(name).license
    v = evaluate(terms_of(lic), [lic], load_preset("distill-own-model"), kb)
    assert v.verdict == "blocked"
    assert any(r.term == "no-training-other-models" for r in v.reasons if r.level == "blocked")


def test_a_term_without_a_quoted_clause_names_where_it_comes_from(kb):
    spec = kb.get("openai-terms").term("no-training-other-models")
    t = Term(spec.key, spec.value, "medium", [], source="openai-terms", note=spec.note)
    v = evaluate([t], ["openai-terms"], load_preset("distill-own-model"), kb)
    assert v.verdict == "blocked" and "compete" in v.reasons[0].message


def test_closed_model_in_saas_has_usage_policy_duty(terms_of, kb):
    v = evaluate(terms_of("openai-terms"), ["openai-terms"], load_preset("commercial-saas"), kb)
    assert v.verdict == "conditions"
    assert any("Usage Policies" in d.duty for d in v.duties)


def test_gemini_in_clinical_use_is_unclear(terms_of, kb):
    prof = dataclasses.replace(load_preset("commercial-saas"), fields=("medical",))
    v = evaluate(terms_of("google-gemini-api-terms"), ["google-gemini-api-terms"], prof, kb)
    assert v.verdict == "unclear"


@pytest.mark.parametrize("licence", ["mistral-api-terms", "cohere-api-terms"])
def test_distilling_a_service_with_unrecorded_output_terms_is_unclear(terms_of, kb, licence):
    v = evaluate(terms_of(licence), [licence], load_preset("distill-own-model"), kb)
    assert v.verdict == "unclear"


def test_proprietary_licence_without_terms_is_unclear(kb):
    v = evaluate([], ["openai-terms"], load_preset("internal-research"), kb)
    assert v.verdict == "unclear"
