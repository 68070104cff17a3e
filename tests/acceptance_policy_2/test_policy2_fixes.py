"""Pinned fixes: proprietary derivatives of model licences, registration duties, relicensing by the publisher."""

from __future__ import annotations

import dataclasses

from smallprint.evaluators.policy import evaluate, relicensed_by_publisher
from smallprint.kb import KnowledgeBase, LicenseEntry, default_kb
from smallprint.model import Evidence, LineageNode, Term
from smallprint.profiles import load_preset

KB: KnowledgeBase = default_kb()


def _terms(license_id: str, source: str | None = None) -> list[Term]:
    entry = KB.get(license_id)
    assert entry is not None, license_id
    out: list[Term] = []
    for e in [entry, *KB.policies_of(entry)]:
        out += _entry_terms(e, source or e.id)
    return out


def _entry_terms(entry: LicenseEntry, source: str) -> list[Term]:
    return [Term(s.key, s.value, "high", [Evidence(f"kb:{entry.id}", 1, 1, s.anchors[0] if s.anchors else s.key)],
                 source=source) for s in entry.terms]


_PROPRIETARY_ON_PREM = dataclasses.replace(load_preset("on-prem-product"), keep_derivatives_proprietary=True,
                                           derivative_name="Llama-Acme")


def test_proprietary_finetune_of_llama_is_conditions_with_licence_travelling():
    v = evaluate(_terms("llama3.1"), ["llama3.1"], _PROPRIETARY_ON_PREM, KB)
    assert v.verdict == "conditions"
    same = [d for d in v.duties if d.term == "same-license"]
    assert same and "keep its terms binding" in same[0].duty and same[0].evidence


def test_proprietary_derivative_of_copyleft_licence_stays_unclear():
    for lic in ("gpl-3.0", "cc-by-sa-4.0", "agpl-3.0"):
        v = evaluate(_terms(lic), [lic], _PROPRIETARY_ON_PREM, KB)
        assert v.verdict == "unclear", lic
        assert any(r.term == "same-license" for r in v.reasons), lic


def test_inherited_llama_same_licence_term_is_no_conflict_for_proprietary_derivative():
    terms = _terms("llama3.1", source="lineage:meta-llama/Llama-3.1-8B")
    v = evaluate(terms, ["apache-2.0"], _PROPRIETARY_ON_PREM, KB)
    assert not any(r.term == "same-license" for r in v.reasons)
    assert v.verdict != "allowed"


def test_registration_clause_becomes_a_duty_for_commercial_use():
    saas = dataclasses.replace(load_preset("commercial-saas"), annual_revenue_usd=200_000, monthly_active_users=100)
    v = evaluate(_terms("stability-ai-community"), ["stability-ai-community"], saas, KB)
    assert v.verdict == "conditions"
    reg = [d for d in v.duties if "register" in d.duty]
    assert reg and "register" in reg[0].evidence[0].quote.lower()


def test_no_registration_duty_for_non_commercial_use():
    research = load_preset("internal-research")
    v = evaluate(_terms("stability-ai-community"), ["stability-ai-community"], research, KB)
    assert not any("register" in d.duty for d in v.duties)


def test_threshold_clause_without_registration_gives_no_registration_duty():
    v = evaluate(_terms("llama3.1"), ["llama3.1"], load_preset("commercial-saas"), KB)
    assert not any("register" in d.duty for d in v.duties)


def _lineage(own: str, own_lic: str, base: str, base_lic: str) -> list[LineageNode]:
    return [LineageNode(own, own_lic, None, None, 0, [base], "catalog"),
            LineageNode(base, base_lic, None, "finetune", 1, [], "catalog")]


def test_same_publisher_relicensing_is_detected_only_for_the_same_org_and_another_licence():
    assert relicensed_by_publisher(_lineage("deepseek-ai/R", "mit", "deepseek-ai/B", "deepseek")) == {"deepseek-ai/B"}
    assert relicensed_by_publisher(_lineage("acme/R", "mit", "deepseek-ai/B", "deepseek")) == frozenset()
    assert relicensed_by_publisher(_lineage("meta-llama/R", "llama3.1", "meta-llama/B", "llama3.1")) == frozenset()


def test_inherited_prohibition_from_own_publishers_base_is_unclear_not_blocked():
    military = dataclasses.replace(load_preset("on-prem-product"), fields=("military",))
    base = "deepseek-ai/DeepSeek-V3-Base"
    terms = _terms("mit") + _terms("deepseek", source=f"lineage:{base}")
    lineage = _lineage("deepseek-ai/DeepSeek-R1", "mit", base, "deepseek")
    v = evaluate(terms, ["mit"], military, KB, lineage, relicensed=relicensed_by_publisher(lineage))
    assert v.verdict == "unclear"
    assert any(r.term == "field-of-use" and "same publisher" in r.message for r in v.reasons)
    other = evaluate(terms, ["mit"], military, KB, lineage)
    assert other.verdict == "blocked"
