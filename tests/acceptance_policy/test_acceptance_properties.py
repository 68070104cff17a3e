"""Properties of verdicts over every licence of the knowledge base (hypothesis).

A stricter use never gets a more permissive verdict; restrictive licences and
doubtful readings never give `allowed`; every conditional verdict names its duties
and every reason and duty quotes its clause where the knowledge base has a text.
"""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smallprint.check import license_terms
from smallprint.evaluators.policy import evaluate, severity
from smallprint.kb import default_kb
from smallprint.model import Term
from smallprint.profiles import ACTIVITIES, DEPLOYMENTS, KNOWN_FIELDS, Profile

KB = default_kb()
TERMS_OF = license_terms(KB)
ALL_IDS = sorted(e.id for e in KB) + ["no-such-licence"]
RESTRICTIVE_IDS = sorted(e.id for e in KB if e.kind in ("restricted-model", "non-commercial", "research-only"))
REGIONS = ["EU", "US", "DE", "FR", "UK", "CN", "KR", "RU", "IR", "JP"]
NAMES = [None, "Llama-Acme-8B", "Acme-8B", "Llama3-Acme", "Gemma-Acme", "EXAONE-Acme", "HyperCLOVA-X-Acme"]
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _terms(licence: str) -> list[Term]:
    entry = KB.get(licence)
    return TERMS_OF(entry) if entry else []


def _sets(xs: list[str] | tuple[str, ...]) -> st.SearchStrategy[frozenset[str]]:
    return st.frozensets(st.sampled_from(list(xs)))


amounts = st.one_of(st.none(), st.integers(min_value=0, max_value=3_000_000_000))


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    return Profile(
        name="p", commercial=draw(st.booleans()), deployment=tuple(sorted(draw(_sets(DEPLOYMENTS)))) or ("internal",),
        monthly_active_users=draw(amounts), annual_revenue_usd=draw(amounts),
        regions=tuple(sorted(draw(_sets(REGIONS)))), activities=tuple(sorted(draw(_sets(ACTIVITIES)))),
        fields=tuple(sorted(draw(_sets(KNOWN_FIELDS)))), derivative_name=draw(st.sampled_from(NAMES)),
        keep_derivatives_proprietary=draw(st.booleans()),
    )


@st.composite
def stricter_pairs(draw: st.DrawFn) -> tuple[Profile, Profile]:
    """A profile and one that does at least as much: more users, revenue, places, uses, fields."""
    base = draw(profiles())
    mau = base.monthly_active_users
    rev = base.annual_revenue_usd
    stricter = dataclasses.replace(
        base, name="stricter",
        commercial=base.commercial or draw(st.booleans()),
        deployment=tuple(sorted(set(base.deployment) | draw(_sets(DEPLOYMENTS)))),
        monthly_active_users=mau if mau is None else mau + draw(st.integers(0, 2_000_000_000)),
        annual_revenue_usd=rev if rev is None else rev + draw(st.integers(0, 2_000_000_000)),
        regions=tuple(sorted(set(base.regions) | draw(_sets(REGIONS)))),
        activities=tuple(sorted(set(base.activities) | draw(_sets(ACTIVITIES)))),
        fields=tuple(sorted(set(base.fields) | draw(_sets(KNOWN_FIELDS)))),
        keep_derivatives_proprietary=base.keep_derivatives_proprietary or draw(st.booleans()),
    )
    return base, stricter


@SETTINGS
@given(pair=stricter_pairs(), licence=st.sampled_from(ALL_IDS), multimodal=st.sampled_from([None, True, False]))
def test_stricter_profile_never_more_permissive_for_any_kb_licence(pair, licence, multimodal):
    base, stricter = pair
    terms = _terms(licence)
    v1 = evaluate(terms, [licence], base, KB, multimodal=multimodal)
    v2 = evaluate(terms, [licence], stricter, KB, multimodal=multimodal)
    assert severity(v2.verdict) >= severity(v1.verdict), (licence, v1.to_dict(), v2.to_dict())


@SETTINGS
@given(profile=profiles(), licence=st.sampled_from(RESTRICTIVE_IDS), multimodal=st.sampled_from([None, True, False]))
def test_restricted_non_commercial_and_research_licences_never_allowed(profile, licence, multimodal):
    v = evaluate(_terms(licence), [licence], profile, KB, multimodal=multimodal)
    assert v.verdict != "allowed", (licence, profile)


@SETTINGS
@given(profile=profiles(), licence=st.sampled_from(sorted(e.id for e in KB if TERMS_OF(e))), data=st.data())
def test_a_term_read_with_low_certainty_never_allows(profile, licence, data):
    terms = _terms(licence)
    doubtful = data.draw(st.sets(st.integers(0, len(terms) - 1), min_size=1))
    terms = [dataclasses.replace(t, certainty="low") if i in doubtful else t for i, t in enumerate(terms)]
    v = evaluate(terms, [licence], profile, KB)
    assert v.verdict != "allowed", (licence, [terms[i].key for i in doubtful])
    assert any(r.level == "unclear" for r in v.reasons)


@SETTINGS
@given(profile=profiles(), licence=st.sampled_from(ALL_IDS), multimodal=st.sampled_from([None, True, False]))
def test_conditions_name_duties_and_every_clause_is_quoted(profile, licence, multimodal):
    v = evaluate(_terms(licence), [licence], profile, KB, multimodal=multimodal)
    if v.verdict == "conditions":
        assert v.duties
    if v.verdict == "allowed":
        assert not v.duties and not v.reasons
    entry = KB.get(licence)
    with_text = {e.id for e in [entry, *(KB.policies_of(entry) if entry else [])] if e and e.text and e.text.file}
    anchored = {(t.key, t.source) for t in _terms(licence) if t.evidence}
    for item in [*v.reasons, *v.duties]:
        if item.term and item.source in with_text and (item.term, item.source) in anchored:
            assert item.evidence and all(e.file and e.start_line >= 1 and e.quote for e in item.evidence), item
