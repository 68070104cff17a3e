"""A stricter use never gets a more permissive verdict (property tests over real licences)."""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smallprint.evaluators.policy import evaluate, severity
from smallprint.profiles import ACTIVITIES, DEPLOYMENTS, Profile

LICENCES = ["llama2", "llama3", "llama3.1", "llama3.2", "llama4", "gemma", "apache-2.0", "mit", "cc-by-nc-4.0",
            "creativeml-openrail-m", "stability-ai-community", "deepseek", "agpl-3.0", "cc-by-sa-4.0",
            "flux-1-dev-non-commercial", "stability-sdxl-0.9-research", "cc", "no-such-licence"]
FIELDS = ["medical", "military", "legal", "biometric", "surveillance", "finance"]
REGIONS = ["EU", "US", "DE", "CN", "RU", "IR"]

sets = lambda xs: st.frozensets(st.sampled_from(xs))  # noqa: E731
amounts = st.integers(min_value=0, max_value=2_000_000_000)


@st.composite
def profile_pairs(draw: st.DrawFn) -> tuple[Profile, Profile]:
    """A profile and a stricter one: more of everything, commercial, proprietary derivatives."""
    dep, acts, flds, regs = draw(sets(DEPLOYMENTS)), draw(sets(ACTIVITIES)), draw(sets(FIELDS)), draw(sets(REGIONS))
    mau, rev = draw(amounts), draw(amounts)
    base = Profile(
        name="base", commercial=draw(st.booleans()), deployment=tuple(sorted(dep)) or ("internal",),
        monthly_active_users=mau, annual_revenue_usd=rev, regions=tuple(sorted(regs)),
        activities=tuple(sorted(acts)), fields=tuple(sorted(flds)), keep_derivatives_proprietary=draw(st.booleans()),
        derivative_name=draw(st.sampled_from([None, "Llama-Acme", "Acme"])),
    )
    stricter = dataclasses.replace(
        base, name="stricter",
        commercial=base.commercial or draw(st.booleans()),
        deployment=tuple(sorted(set(base.deployment) | draw(sets(DEPLOYMENTS)))),
        monthly_active_users=mau + draw(amounts), annual_revenue_usd=rev + draw(amounts),
        regions=tuple(sorted(regs | draw(sets(REGIONS)))), activities=tuple(sorted(acts | draw(sets(ACTIVITIES)))),
        fields=tuple(sorted(flds | draw(sets(FIELDS)))),
        keep_derivatives_proprietary=base.keep_derivatives_proprietary or draw(st.booleans()),
    )
    return base, stricter


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pair=profile_pairs(), licence=st.sampled_from(LICENCES), multimodal=st.sampled_from([None, True, False]))
def test_stricter_profile_never_more_permissive(kb, terms_of_or_empty, pair, licence, multimodal):
    base, stricter = pair
    terms = terms_of_or_empty(licence)
    v1 = evaluate(terms, [licence], base, kb, multimodal=multimodal)
    v2 = evaluate(terms, [licence], stricter, kb, multimodal=multimodal)
    assert severity(v2.verdict) >= severity(v1.verdict), (v1.to_dict(), v2.to_dict())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pair=profile_pairs(), licence=st.sampled_from(LICENCES))
def test_allowed_only_without_reasons_or_duties(kb, terms_of_or_empty, pair, licence):
    for prof in pair:
        v = evaluate(terms_of_or_empty(licence), [licence], prof, kb)
        assert (v.verdict == "allowed") == (not v.duties and not v.reasons)
