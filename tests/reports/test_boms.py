"""Bills of materials validate against the official schemas and read back the same."""

from __future__ import annotations

import json
from pathlib import Path

from corpus import CARDS as CORPUS_CARDS
from smallprint.reports.cyclonedx import build_cyclonedx, render_cyclonedx, validate_cyclonedx
from smallprint.reports.spdx3 import build_spdx3, validate_spdx3
from smallprint.sources.bom import read_bom


def test_cyclonedx_output_is_valid_1_6(sample_results):
    assert validate_cyclonedx(render_cyclonedx(sample_results)) is None


def test_cyclonedx_has_one_ml_component_per_model_with_ancestors_and_datasets(sample_results):
    doc = build_cyclonedx(sample_results)
    models = [c for c in doc["components"] if c["type"] == "machine-learning-model"]
    data = [c for c in doc["components"] if c["type"] == "data"]
    assert {f"{c['group']}/{c['name']}" for c in models} == {
        "acme/llama-ft",
        "acme/plain",
        "acme/custom",
    }
    assert [d["data"][0]["name"] for d in data] == ["tatsu-lab/alpaca"]
    ft = next(c for c in models if c["name"] == "llama-ft")
    assert ft["pedigree"]["ancestors"][0]["name"] == "Llama-3.1-8B"
    assert ft["modelCard"]["modelParameters"]["datasets"] == [{"ref": "dataset:tatsu-lab/alpaca"}]
    assert any(
        p["name"] == "smallprint:finding:license-conflicts-with-base" for p in ft["properties"]
    )
    assert ft["purl"].startswith("pkg:huggingface/acme/llama-ft@")


def test_cyclonedx_uses_spdx_ids_only_where_they_exist(sample_results):
    doc = build_cyclonedx(sample_results)
    custom = next(c for c in doc["components"] if c.get("name") == "custom")
    lic = custom["licenses"][0]["license"]
    assert "id" not in lic and lic["name"] == "llama3.1"
    plain = next(c for c in doc["components"] if c.get("name") == "plain")
    assert plain["licenses"][0]["license"]["id"] == "MIT"


def test_cyclonedx_validator_rejects_a_broken_bom(sample_results):
    doc = build_cyclonedx(sample_results)
    doc["components"][0]["type"] = "not-a-type"
    assert validate_cyclonedx(json.dumps(doc)) is not None


def test_spdx3_output_parses_and_has_required_ai_fields(sample_results):
    assert validate_spdx3(build_spdx3(sample_results)) is None


def test_spdx3_relationships_carry_licences_and_lineage(sample_results):
    doc = json.loads(build_spdx3(sample_results))
    kinds = {o["relationshipType"] for o in doc["@graph"] if o.get("type") == "Relationship"}
    assert {"hasDeclaredLicense", "hasConcludedLicense", "descendantOf", "trainedOn"} <= kinds
    exprs = {
        o["simplelicensing_licenseExpression"]
        for o in doc["@graph"]
        if o.get("type") == "simplelicensing_LicenseExpression"
    }
    assert {"Apache-2.0", "MIT", "LicenseRef-llama3.1"} <= exprs


def test_spdx3_validator_rejects_garbage():
    assert (
        validate_spdx3(
            '{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": [{"type": "ai_AIPackage", "spdxId": "x", "name": 5}]}'
        )
        is not None
    )


def _roundtrip(tmp_path: Path, name: str, text: str) -> list[tuple[str, set[str], list[str]]]:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return sorted(
        (f.model_id or "", {c.value for c in f.license_claims}, f.base_models) for f in read_bom(p)
    )


def test_bom_round_trip_keeps_models_licences_and_bases(tmp_path, sample_results):
    expected = [
        ("acme/custom", {"llama3.1"}, ["meta-llama/Llama-3.1-8B"]),
        ("acme/llama-ft", {"Apache-2.0"}, ["meta-llama/Llama-3.1-8B"]),
        ("acme/plain", {"MIT"}, []),
    ]
    assert _roundtrip(tmp_path, "b.cdx.json", render_cyclonedx(sample_results)) == expected
    spdx = _roundtrip(tmp_path, "b.spdx.json", build_spdx3(sample_results))
    assert [(m, {v.removeprefix("LicenseRef-") for v in lic}, b) for m, lic, b in spdx] == expected


CARDS = CORPUS_CARDS if CORPUS_CARDS is not None else Path("corpus-not-found")


def test_boms_for_every_corpus_model_and_catalog_family_validate():
    import pytest

    from smallprint.check import check_targets
    from smallprint.kb import default_kb

    if not CARDS.is_dir():
        pytest.skip("shared corpus not present")
    kb = default_kb()
    first_of_family: dict[str, str] = {}
    for m in kb.models.values():
        first_of_family.setdefault(m.family, m.id)
    targets = sorted(str(p) for p in CARDS.iterdir() if p.is_dir()) + sorted(first_of_family.values())
    results = check_targets(targets, offline=True)
    assert not [r.error for r in results if r.error]
    assert validate_cyclonedx(render_cyclonedx(results)) is None
    assert validate_spdx3(build_spdx3(results)) is None
