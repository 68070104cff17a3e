"""Verdicts for real licences against real uses, from the bundled knowledge base."""

from __future__ import annotations

import dataclasses

import pytest

from smallprint.evaluators.policy import evaluate
from smallprint.model import Deviation, LicenseMatch, LineageNode, Term
from smallprint.profiles import Profile, load_preset


def _duties(v) -> list[str]:
    return [d.duty for d in v.duties]


def _saas(**kw) -> Profile:
    return dataclasses.replace(load_preset("commercial-saas"), **kw)


def test_llama31_saas_over_700m_users_needs_agreement(terms_of, kb):
    v = evaluate(terms_of("llama3.1"), ["llama3.1"], _saas(monthly_active_users=800_000_000), kb)
    assert v.verdict == "needs-agreement"
    r = next(r for r in v.reasons if r.level == "needs-agreement")
    assert r.term == "user-threshold" and r.evidence and "700 million" in r.evidence[0].quote


def test_llama31_saas_under_threshold_has_attribution_and_aup_duties(terms_of, kb):
    v = evaluate(terms_of("llama3.1"), ["llama3.1"], _saas(monthly_active_users=5_000), kb)
    assert v.verdict == "conditions"
    duties = " | ".join(_duties(v))
    assert "Built with Llama" in duties and "Acceptable Use Policy" in duties and "700,000,000" in duties


@pytest.mark.parametrize("licence", ["llama2", "llama3"])
def test_llama2_and_3_outputs_used_to_train_another_model_blocked(terms_of, kb, licence):
    v = evaluate(terms_of(licence), [licence], load_preset("distill-own-model"), kb)
    assert v.verdict == "blocked"
    r = next(r for r in v.reasons if r.level == "blocked")
    assert r.term == "no-training-other-models" and r.evidence


def test_llama31_synthetic_data_for_own_model_conditions_with_naming_duty(terms_of, kb):
    prof = dataclasses.replace(load_preset("distill-own-model"), monthly_active_users=10_000,
                               derivative_name="Llama-Acme-7B")
    v = evaluate(terms_of("llama3.1"), ["llama3.1"], prof, kb)
    assert v.verdict == "conditions"
    assert any("name your model 'Llama-...'" in d for d in _duties(v))


def test_planned_name_without_required_prefix_is_called_out(terms_of, kb):
    prof = dataclasses.replace(load_preset("distill-own-model"), derivative_name="Acme-7B")
    v = evaluate(terms_of("llama3.1"), ["llama3.1"], prof, kb)
    assert v.verdict == "conditions"
    assert any("Acme-7B" in r.message and r.term == "derivative-naming" for r in v.reasons)


def test_llama32_multimodal_for_eu_company_blocked(terms_of, kb):
    v = evaluate(terms_of("llama3.2"), ["llama3.2"], _saas(regions=("EU",)), kb, multimodal=True)
    assert v.verdict == "blocked"
    r = next(r for r in v.reasons if r.level == "blocked")
    assert r.term == "geographic" and r.source == "llama3.2-aup" and "European Union" in r.evidence[0].quote


def test_llama32_eu_member_state_counts_as_eu(terms_of, kb):
    v = evaluate(terms_of("llama3.2"), ["llama3.2"], _saas(regions=("DE",)), kb, multimodal=True)
    assert v.verdict == "blocked"


def test_llama32_eu_with_unknown_modality_is_unclear_and_text_only_is_not_blocked(terms_of, kb):
    unknown = evaluate(terms_of("llama3.2"), ["llama3.2"], _saas(regions=("EU",)), kb)
    text_only = evaluate(terms_of("llama3.2"), ["llama3.2"], _saas(regions=("EU",)), kb, multimodal=False)
    assert unknown.verdict == "unclear"
    assert text_only.verdict == "conditions"


def test_gemma_commercial_saas_conditions_pass_restrictions(terms_of, kb):
    v = evaluate(terms_of("gemma"), ["gemma"], load_preset("commercial-saas"), kb)
    assert v.verdict == "conditions"
    duties = " | ".join(_duties(v))
    assert "pass the use restrictions to your users" in duties
    assert "Gemma Prohibited Use Policy" in duties
    assert all(d.evidence for d in v.duties)


def test_cc_by_nc_data_in_commercial_product_blocked(terms_of, kb):
    terms = terms_of("cc-by-nc-4.0", "lineage:some-org/some-dataset")
    v = evaluate(terms, ["cc-by-nc-4.0"], load_preset("on-prem-product"), kb)
    assert v.verdict == "blocked"
    assert any("inherited from some-org/some-dataset" in r.message for r in v.reasons if r.level == "blocked")


def test_stability_community_over_revenue_threshold_needs_agreement(terms_of, kb):
    v = evaluate(terms_of("stability-ai-community"), ["stability-ai-community"],
                 _saas(annual_revenue_usd=5_000_000), kb)
    assert v.verdict == "needs-agreement"
    assert any(r.term == "revenue-threshold" for r in v.reasons)


def test_stability_community_under_revenue_threshold_conditions(terms_of, kb):
    v = evaluate(terms_of("stability-ai-community"), ["stability-ai-community"],
                 _saas(annual_revenue_usd=200_000), kb)
    assert v.verdict == "conditions"
    assert any("Powered by Stability AI" in d for d in _duties(v))


def test_deepseek_military_field_blocked(terms_of, kb):
    v = evaluate(terms_of("deepseek"), ["deepseek"], _saas(fields=("military",)), kb)
    assert v.verdict == "blocked"
    assert any(r.term == "field-of-use" and "military" in r.message for r in v.reasons if r.level == "blocked")


def test_llama_aup_medical_field_is_unclear_not_allowed(terms_of, kb):
    v = evaluate(terms_of("llama3.1"), ["llama3.1"], _saas(fields=("medical",), monthly_active_users=1), kb)
    assert v.verdict == "unclear"
    assert any("unlicensed practice" in r.message for r in v.reasons)


@pytest.mark.parametrize("preset", ["internal-research", "commercial-saas"])
def test_apache_without_redistribution_allowed(terms_of, kb, preset):
    v = evaluate(terms_of("apache-2.0"), ["apache-2.0"], load_preset(preset), kb)
    assert v.verdict == "allowed" and not v.reasons


@pytest.mark.parametrize("preset", ["on-prem-product", "redistribute-finetune"])
def test_apache_redistribution_ships_licence_and_notice(terms_of, kb, preset):
    v = evaluate(terms_of("apache-2.0"), ["apache-2.0"], load_preset(preset), kb)
    assert v.verdict == "conditions"
    assert any("licence and the NOTICE" in d for d in _duties(v))


def test_unknown_licence_unclear(kb):
    v = evaluate([], ["acme-model-license-9"], load_preset("internal-research"), kb)
    assert v.verdict == "unclear"
    assert "not in the knowledge base" in v.reasons[0].message


def test_nothing_identified_unclear(kb):
    assert evaluate([], [], load_preset("internal-research"), kb).verdict == "unclear"


def test_family_id_is_unclear(terms_of, kb):
    v = evaluate(terms_of("cc"), ["cc"], load_preset("internal-research"), kb)
    assert v.verdict == "unclear"


def test_rules_only_terms_on_unknown_text_never_allowed():
    t = Term("commercial-use", True, "medium", source="rules")
    v = evaluate([t], [], load_preset("internal-research"))
    assert v.verdict == "unclear"


def test_deviating_copy_is_unclear_with_the_changed_lines(terms_of, kb):
    m = LicenseMatch("mit", "MIT License", None, "MIT", "mit", 0.9, 1, 20, "fulltext", "osi-code",
                     [Deviation("added", 12, 13, "You may not use this for commercial purposes.", "")])
    v = evaluate(terms_of("mit"), [m], load_preset("internal-research"), kb)
    assert v.verdict == "unclear"
    assert v.reasons[0].evidence[0].start_line == 12


def test_low_certainty_term_that_matters_makes_it_unclear(terms_of, kb):
    terms = terms_of("apache-2.0") + [Term("revenue-threshold", 1_000_000, "low", source="rules")]
    v = evaluate(terms, ["apache-2.0"], load_preset("commercial-saas"), kb)
    assert v.verdict == "unclear"


def test_unknown_base_model_licence_is_unclear(terms_of, kb):
    node = LineageNode("org/base", None, None, "finetune", 1)
    v = evaluate(terms_of("apache-2.0"), ["apache-2.0"], load_preset("internal-research"), kb, [node])
    assert v.verdict == "unclear"


def test_share_alike_with_proprietary_derivative_is_unclear(terms_of, kb):
    prof = dataclasses.replace(load_preset("redistribute-finetune"), keep_derivatives_proprietary=True)
    v = evaluate(terms_of("agpl-3.0"), ["agpl-3.0"], prof, kb)
    assert v.verdict == "unclear"


def test_verdict_json_shape(terms_of, kb):
    d = evaluate(terms_of("gemma"), ["gemma"], load_preset("commercial-saas"), kb).to_dict()
    assert set(d) == {"verdict", "profile", "reasons", "duties"}
    assert d["profile"] == "commercial-saas"
    assert {"duty", "term", "evidence"} <= set(d["duties"][0])
    assert {"file", "start_line", "end_line", "quote"} == set(d["duties"][0]["evidence"][0])


def test_restricted_model_licence_is_never_a_bare_allowed(kb):
    t = Term("commercial-use", "conditional", "high", source="falcon-180b-tii")
    inference_only = dataclasses.replace(load_preset("internal-research"), activities=("inference",))
    v = evaluate([t], ["falcon-180b-tii"], inference_only, kb)
    assert v.verdict == "conditions" and "use restrictions" in v.duties[0].duty
