"""Base model values as cards really write them, and ancestors that cannot be read."""

from __future__ import annotations

from smallprint.evaluators.lineage import (
    CatalogResolver,
    build_lineage,
    declared_bases,
    normalize_base_id,
)
from smallprint.kb import default_kb
from smallprint.model import Evidence, LicenseClaim, ModelFacts

KB = default_kb()
CATALOG = CatalogResolver(KB)


def card_facts(base: str, text: str | None = None) -> ModelFacts:
    text = text or f"---\nlicense: apache-2.0\nbase_model: {base}\n---\n# m\n"
    return ModelFacts(target="README.md", model_id="acme/m", origin="card", base_models=[base],
                      card_path="README.md", card_text=text, card_data={"base_model": base},
                      license_claims=[LicenseClaim("card:license", "apache-2.0", Evidence("README.md", 2, 2, "license: apache-2.0"))])


def license_of(facts: ModelFacts) -> tuple[str | None, str | None]:
    return (facts.license_claims[0].value, None) if facts.license_claims else (None, None)


def test_base_model_with_revision_is_read_as_the_bare_id_and_reported() -> None:
    mid, problem = normalize_base_id("meta-llama/Llama-3.1-8B@main")
    assert mid == "meta-llama/Llama-3.1-8B" and problem and "revision" in problem
    assert normalize_base_id("https://huggingface.co/google/gemma-2-9b-it/tree/main") == ("google/gemma-2-9b-it", None)


def test_bare_name_base_model_is_read_as_the_catalogued_model_it_names() -> None:
    bases, findings = declared_bases(card_facts("Llama-3.1-8B-Instruct"), CATALOG)
    assert bases == ["meta-llama/Llama-3.1-8B-Instruct"]
    assert findings[0].code == "broken-metadata" and "catalogued" in findings[0].message


def test_relative_local_path_base_is_read_through_the_catalog_not_as_org_slash_name() -> None:
    bases, _ = declared_bases(card_facts("./models/Llama-3.1-8B"), CATALOG)
    assert bases == ["meta-llama/Llama-3.1-8B"]


def test_base_model_finding_points_at_its_card_line() -> None:
    _, findings = declared_bases(card_facts("meta-llama/Llama-3.1-8B@main"), CATALOG)
    ev = findings[0].evidence[0]
    assert (ev.file, ev.start_line) == ("README.md", 3) and "@main" in ev.quote


def test_reupload_names_without_the_publisher_brand_prefix_are_recognised() -> None:
    named = CATALOG.infer_from_name("unsloth/llama-3-8b-Instruct-bnb-4bit")
    assert named is not None and named.id == "meta-llama/Meta-Llama-3-8B-Instruct"
    assert CATALOG.infer_from_name("someone/7b-instruct-hf-tune") is None  # no stripped fragments of other names


def test_unreadable_ancestor_named_after_a_catalogued_model_passes_its_licence_on() -> None:
    lin = build_lineage(card_facts("unsloth/llama-3-8b-Instruct-bnb-4bit"), CATALOG, license_of, catalog=CATALOG)
    assert [n.id for n in lin.nodes][:3] == ["acme/m", "unsloth/llama-3-8b-Instruct-bnb-4bit", "meta-llama/Meta-Llama-3-8B-Instruct"]
    assert lin.nodes[1].resolved_from == "missing" and lin.nodes[2].license_id == "llama3"
    assert lin.inferred and [f.code for f in lin.findings] == ["ancestor-unresolved"]


class _NoLicenceResolver:
    def resolve(self, model_id: str) -> ModelFacts | None:
        return ModelFacts(target=model_id, model_id=model_id, origin="hub", gated=True)


def test_ancestor_found_without_a_readable_licence_is_reported_unresolved() -> None:
    lin = build_lineage(card_facts("acme/locked-base"), _NoLicenceResolver(), license_of)
    assert lin.nodes[1].license_id is None
    assert [f.code for f in lin.findings] == ["ancestor-unresolved"] and "could not be read" in lin.findings[0].message
