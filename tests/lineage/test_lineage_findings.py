"""Findings over a lineage: conflicts with the base, naming rule, NC data, inherited terms."""

from __future__ import annotations

import dataclasses

from smallprint.check import check_facts
from smallprint.evaluators.lineage import CatalogResolver
from smallprint.kb import KnowledgeBase, TermSpec, default_kb
from smallprint.model import Evidence, LicenseClaim, ModelFacts

KB = default_kb()


def card(mid: str, lic: str | None, bases: list[str] = (), **kw) -> ModelFacts:  # type: ignore[assignment]
    claims = [LicenseClaim("card:license", lic, Evidence("README.md", 3, 3, f"license: {lic}"))] if lic else []
    return ModelFacts(target=mid, model_id=mid, origin="card", card_path="README.md", license_claims=claims,
                      base_models=list(bases), **kw)


def codes(f: ModelFacts, kb: KnowledgeBase = KB) -> set[str]:
    return {x.code for x in check_facts(f, kb=kb, resolver=CatalogResolver(kb)).findings}


def test_apache_declared_on_a_llama_finetune_conflicts() -> None:
    assert "license-conflicts-with-base" in codes(card("me/Llama-3-Med-8B", "apache-2.0", ["meta-llama/Meta-Llama-3-8B"]))


def test_same_licence_as_the_base_is_no_conflict() -> None:
    assert "license-conflicts-with-base" not in codes(card("me/Llama-3.1-x", "llama3.1", ["meta-llama/Llama-3.1-8B"]))


def test_any_licence_over_a_permissive_base_is_no_conflict() -> None:
    assert "license-conflicts-with-base" not in codes(card("me/zephyr-like", "mit", ["mistralai/Mistral-7B-v0.1"]))
    assert "license-conflicts-with-base" not in codes(card("me/x", "cc-by-nc-4.0", ["Qwen/Qwen2.5-7B"]))


def test_wrong_licence_version_of_the_same_family_conflicts() -> None:
    assert "license-conflicts-with-base" in codes(card("me/Llama-x", "llama3", ["meta-llama/Llama-3.1-8B"]))


def test_publisher_relicensing_its_own_model_is_no_conflict() -> None:
    f = card("meta-llama/Llama-3.3-70B-Instruct", "llama3.3", ["meta-llama/Llama-3.1-70B"])
    assert "license-conflicts-with-base" not in codes(f)


def test_noncommercial_ancestor_under_a_permissive_licence_conflicts_for_adapters() -> None:
    f = card("me/flux-lora", "cc0-1.0", ["black-forest-labs/FLUX.1-dev"], relation="adapter")
    assert "license-conflicts-with-base" in codes(f)


def test_two_hop_lineage_still_finds_the_llama_licence() -> None:
    f = card("me/Quant-GGUF", "llama3", ["NousResearch/Hermes-3-Llama-3.2-3B"])
    res = check_facts(f, kb=KB, resolver=CatalogResolver(KB))
    assert any(x.code == "license-conflicts-with-base" and "llama3.2" in x.message for x in res.findings)


def test_publisher_licence_with_no_such_ancestor_conflicts() -> None:
    f = card("me/Mistral-Nemo-Instruct-2407-w4a16", "llama2", ["mistralai/Mistral-Nemo-Instruct-2407"])
    assert "license-conflicts-with-base" in codes(f)


def test_naming_requirement_uses_the_prefix_from_the_kb() -> None:
    assert "naming-requirement" in codes(card("me/Reflection-Llama-3.1-70B", "llama3.1", ["meta-llama/Llama-3.1-70B-Instruct"]))
    assert "naming-requirement" not in codes(card("me/Llama-3.1-Ita", "llama3.1", ["meta-llama/Llama-3.1-8B-Instruct"]))
    entry = KB.get("llama3.1")
    assert entry is not None
    terms = tuple(TermSpec("derivative-naming", "Reflection") if t.key == "derivative-naming" else t for t in entry.terms)
    other = KnowledgeBase([dataclasses.replace(e, terms=terms) if e.id == "llama3.1" else e for e in KB], KB.models.values())
    assert "naming-requirement" not in codes(card("me/Reflection-Llama-3.1-70B", "llama3.1", ["meta-llama/Llama-3.1-70B-Instruct"]), other)


def test_quantized_copy_of_the_publishers_model_is_not_held_to_the_naming_rule() -> None:
    f = card("someone/meta-llama-Llama-3.2-3B-Instruct-GGUF", "llama3.2", ["meta-llama/Llama-3.2-3B-Instruct"], relation="quantized")
    assert "naming-requirement" not in codes(f)


def test_noncommercial_data_under_a_commercial_licence_is_flagged() -> None:
    assert "noncommercial-data" in codes(card("me/flan-alpaca", "apache-2.0", datasets=["tatsu-lab/alpaca"]))
    assert "noncommercial-data" not in codes(card("me/nc", "cc-by-nc-sa-4.0", datasets=["tatsu-lab/alpaca"]))
    assert "noncommercial-data" not in codes(card("me/ok", "apache-2.0", datasets=["HuggingFaceH4/ultrachat_200k"]))


def test_inherited_obligations_carry_the_ancestor_as_source() -> None:
    res = check_facts(card("me/Llama-3.1-x", "llama3.1", ["meta-llama/Llama-3.1-8B-Instruct"]), kb=KB, resolver=CatalogResolver(KB))
    inherited = {(t.key, str(t.value)) for t in res.terms if (t.source or "").startswith("lineage:meta-llama/")}
    assert ("derivative-naming", "Llama") in inherited
    assert ("attribution-display", "Built with Llama") in inherited
    rail = check_facts(card("me/sdxl-lora", "openrail++", ["stabilityai/stable-diffusion-xl-base-1.0"]), kb=KB, resolver=CatalogResolver(KB))
    assert any(t.key == "use-restrictions-flow-down" and t.value is True and (t.source or "").startswith("lineage:") for t in rail.terms)
    data = check_facts(card("me/d", "apache-2.0", datasets=["tatsu-lab/alpaca"]), kb=KB, resolver=CatalogResolver(KB))
    assert any(t.key == "non-commercial" and t.source == "lineage:tatsu-lab/alpaca" for t in data.terms)


def test_base_inferred_from_the_name_when_the_card_names_none() -> None:
    f = card("McGill-NLP/LLM2Vec-Meta-Llama-3-8B-Instruct-mntp", "mit")
    res = check_facts(f, kb=KB, resolver=CatalogResolver(KB))
    conflict = [x for x in res.findings if x.code == "license-conflicts-with-base"]
    assert conflict and "inferred" in conflict[0].message
