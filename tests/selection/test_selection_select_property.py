"""`select` never selects a model that `check` would not allow: a property over the whole catalog,
under several profiles, with each selected model's own and inherited licences read again."""

from __future__ import annotations

import pytest

from smallprint.evaluators.findings import is_noncommercial
from smallprint.evaluators.policy import evaluate
from smallprint.kb import KnowledgeBase, default_kb
from smallprint.model import CheckResult
from smallprint.pipeline.check import license_terms
from smallprint.policy.profiles import Profile, apply_overrides, resolve_profile
from smallprint.selection.filters import Filters
from smallprint.selection.pool import Pool, build_pool
from smallprint.selection.select import select_from


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return default_kb()


@pytest.fixture(scope="module")
def pool(kb: KnowledgeBase) -> Pool:
    # every catalog model, checked once through the pipeline (openness does not change verdicts)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        return build_pool(kb, Filters(), offline=True, openness=False)




def _profiles() -> list[Profile]:
    out = [resolve_profile(name) for name in ("commercial-saas", "on-prem-product", "redistribute-finetune",
                                              "distill-own-model", "internal-research")]
    out.append(apply_overrides(resolve_profile("commercial-saas"),
                               {"regions": ["EU"], "monthly_active_users": 900_000_000, "fields": ["medical"]}))
    return out


@pytest.mark.parametrize("profile", _profiles(), ids=lambda p: p.name)
def test_no_selected_model_is_blocked_by_its_own_or_an_inherited_licence(
    pool: Pool, kb: KnowledgeBase, profile: Profile
) -> None:
    s = select_from(pool, profile, kb=kb, openness=False)
    assert s.chosen, "a profile that allows nothing in a 600-model catalog means the selection is broken"
    terms_of = license_terms(kb)
    for c in s.chosen:
        r = c.result
        assert r.verdict and r.verdict["verdict"] in ("allowed", "conditions"), c.model_id
        ids = [m.id for m in r.license.licenses] + [n.license_id for n in r.lineage]
        assert ids and all(ids), f"{c.model_id}: a selected model has a licence nobody identified"
        for lid in dict.fromkeys(ids):
            entry = kb.get(lid)
            assert entry is not None, f"{c.model_id}: {lid} is not in the knowledge base"
            if profile.commercial:
                inherited_nc = is_noncommercial(entry) and lid not in _relicensed(r)
                assert not inherited_nc, f"{c.model_id}: selected for commercial use under non-commercial {lid}"
            if lid in _relicensed(r):
                continue
            alone = evaluate(terms_of(entry), [lid], profile, kb, multimodal=_multimodal(c.model_id, kb))
            assert alone.verdict != "blocked", f"{c.model_id}: {lid} alone blocks {profile.name}: {alone.reasons[:1]}"


def _relicensed(r: CheckResult) -> frozenset[str]:
    from smallprint.evaluators.policy import relicensed_by_publisher

    lineage = r.lineage
    ids = relicensed_by_publisher(lineage)
    return frozenset(n.license_id for n in lineage if n.id in ids and n.license_id)


def _multimodal(model_id: str, kb: KnowledgeBase) -> bool | None:
    from smallprint.evaluators.policy import modality_is_multimodal

    m = kb.model(model_id)
    return modality_is_multimodal(m.modality) if m else None


def test_every_catalog_model_is_either_selected_or_left_out_with_a_reason(pool: Pool, kb: KnowledgeBase) -> None:
    s = select_from(pool, resolve_profile("commercial-saas"), kb=kb, openness=False)
    chosen = {c.model_id for c in s.chosen}
    left = {e.model_id for e in s.excluded}
    assert not chosen & left
    assert len(chosen) + len(left) == len(pool.results)
    for e in s.excluded:
        assert e.verdict in ("blocked", "needs-agreement", "unclear") and e.reason
    blocked = [e for e in s.excluded if e.verdict == "blocked"]
    assert blocked and all(e.clause or e.source for e in blocked)


def test_selection_agrees_with_check_for_a_sample(pool: Pool, kb: KnowledgeBase) -> None:
    from smallprint.pipeline.run import CheckRequest, run_check

    s = select_from(pool, resolve_profile("distill-own-model"), kb=kb, openness=False)
    sample = [c.model_id for c in s.chosen[:4]] + [e.model_id for e in s.excluded[:4]]
    out = run_check(CheckRequest(targets=sample, offline=True, preset="distill-own-model", openness=False), kb=kb)
    by_id = {c.model_id: c.rank.verdict for c in s.chosen} | {e.model_id: e.verdict for e in s.excluded}
    for r in out.results:
        assert r.verdict is not None and r.verdict["verdict"] == by_id[r.model_id or r.target]


def test_commercial_profile_leaves_out_non_commercial_and_research_licences(pool: Pool, kb: KnowledgeBase) -> None:
    s = select_from(pool, resolve_profile("commercial-saas"), kb=kb, openness=False)
    excluded = {e.model_id: e for e in s.excluded}
    for mid in ("CohereLabs/c4ai-command-a-03-2025", "facebook/nllb-200-distilled-600M", "Qwen/Qwen2.5-3B-Instruct"):
        assert mid in excluded and excluded[mid].verdict == "blocked", mid
    chosen = {c.model_id for c in s.chosen}
    assert {"openai/gpt-oss-20b", "swiss-ai/Apertus-8B-2509"} <= chosen
    # closed API models stand in the same list
    assert any(c.closed for c in s.chosen)


def test_distillation_leaves_out_terms_that_forbid_training_other_models(pool: Pool, kb: KnowledgeBase) -> None:
    s = select_from(pool, resolve_profile("distill-own-model"), kb=kb, openness=False)
    chosen = {c.model_id for c in s.chosen}
    assert "meta-llama/Meta-Llama-3-8B-Instruct" not in chosen  # Llama 3 forbids improving other models
    ex = {e.model_id: e for e in s.excluded}
    assert "openai/gpt-4o" in ex and ex["openai/gpt-4o"].verdict in ("blocked", "unclear", "needs-agreement")
