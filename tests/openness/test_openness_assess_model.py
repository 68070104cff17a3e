"""assess_model: components inferred from what a model ships, catalog facts, a manifest that overrides."""

from __future__ import annotations

import json
from pathlib import Path

from smallprint.evaluators.openness.assess import assess_model, assess_mot_file, openness_report
from smallprint.evaluators.openness.osai_index import entry_from_yaml, lookup
from smallprint.kb import KnowledgeBase
from smallprint.model import ModelFacts, WeightFile

CARD = """---
license: apache-2.0
library_name: transformers
datasets:
- acme/web-corpus
---
# Acme-1B

Code: https://github.com/acme/acme-train
Paper: https://arxiv.org/abs/2401.00001

## Evaluation

| task | score |
"""


def _facts() -> ModelFacts:
    return ModelFacts(
        target="acme/acme-1b", model_id="acme/acme-1b", origin="hub", card_text=CARD, card_path="README.md",
        card_data={"license": "apache-2.0", "library_name": "transformers", "datasets": ["acme/web-corpus"]},
        datasets=["acme/web-corpus"],
        weight_files=[WeightFile("model.safetensors", "safetensors", 123)],
        links={"code": ["https://github.com/acme/acme-train"], "paper": ["https://arxiv.org/abs/2401.00001"]},
    )


def test_components_are_inferred_from_weights_card_links_and_datasets(small_kb: KnowledgeBase) -> None:
    r = assess_model(_facts(), license_id="apache-2.0", kb=small_kb)
    by = {c.name: c for c in r.mof.components}
    params = by["Model parameters (Final)"]
    assert params.inferred and params.source == "weights: model.safetensors" and params.status == "open"
    assert by["Training code"].source == "link: https://github.com/acme/acme-train"
    assert by["Training code"].status == "unlicensed"  # a link alone does not establish a licence
    assert by["Training code"].evidence and by["Training code"].evidence[0].start_line == 9
    assert by["Research paper"].present and by["Datasets"].present
    assert by["Evaluation results"].present and by["Model card"].status == "open"
    assert by["Data preprocessing code"].status == "missing"
    assert r.osaid.verdict == "open-weights"
    assert {m.component for m in r.osaid.missing} >= {"Data preprocessing code", "Training code"}


def test_user_manifest_overrides_inferred_components(tmp_path: Path, small_kb: KnowledgeBase) -> None:
    manifest = tmp_path / "mof.yml"
    manifest.write_text(
        "release:\n  name: acme\n  license:\n    code: {name: MIT}\n  components:\n"
        "    - name: Training code\n    - name: Data preprocessing code\n"
        "    - name: Data card\n      license: CC-BY-4.0\n",
        encoding="utf-8",
    )
    r = assess_model(_facts(), license_id="apache-2.0", kb=small_kb, manifest=manifest)
    by = {c.name: c for c in r.mof.components}
    assert by["Training code"].status == "open" and by["Training code"].license == "MIT"
    assert by["Training code"].source == f"manifest: {manifest}" and not by["Training code"].inferred
    assert by["Data card"].status == "open"
    assert r.osaid.verdict == "open-source-ai"


def test_catalog_facts_fill_components_a_bare_card_does_not_show(small_kb: KnowledgeBase) -> None:
    facts = ModelFacts(target="allenai/OLMo-7B", model_id="allenai/OLMo-7B", origin="card")
    r = assess_model(facts, license_id="apache-2.0", kb=small_kb)
    training = next(c for c in r.mof.components if c.name == "Training code")
    assert not training.inferred and training.source and training.source.startswith("catalog: allenai/OLMo-*")


def test_to_dict_has_the_openness_contract_shape(small_kb: KnowledgeBase) -> None:
    r = assess_model(_facts(), license_id="apache-2.0", kb=small_kb)
    doc = json.loads(json.dumps(openness_report([r])))
    assert doc["schema"] == "smallprint/openness/1"
    res = doc["results"][0]
    assert res["target"] == "acme/acme-1b"
    assert set(res["osaid"]) >= {"verdict", "missing"}
    assert res["mof"]["class"] in (0, 1, 2, 3)
    assert set(res["mof"]["progress"]) == {"1", "2", "3"}
    assert len(res["mof"]["components"]) == 17
    assert {"name", "status", "license", "inferred", "source"} <= set(res["mof"]["components"][0])
    assert isinstance(res["findings"], list)


def test_osai_index_entry_is_matched_by_hub_id_only() -> None:
    e = entry_from_yaml({
        "system": {"name": "Acme", "link": "https://huggingface.co/acme/acme-1b"},
        "weights_basemodel": {"class": "open", "link": "https://huggingface.co/other/base"},
        "trainingcode": {"class": "partial"},
        "licenses": {"class": "closed"},
    })
    assert e is not None
    assert lookup("ACME/acme-1b", (e,)) is e
    assert lookup("other/base", (e,)) is None  # the base model is another system
    assert e.dimensions == {"weights_basemodel": "open", "trainingcode": "partial", "licenses": "closed"}
    assert e.score == 0.5


def test_bundled_osai_index_extract_gives_evidence_for_an_indexed_model(small_kb: KnowledgeBase) -> None:
    facts = ModelFacts(target="xai-org/grok-2", model_id="xai-org/grok-2", origin="catalog")
    r = assess_model(facts, license_id=None, kb=small_kb)
    assert r.osai_index is not None and r.osai_index.name == "Grok 2"
    assert r.to_dict()["osai_index"]["dimensions"]["weights_endmodel"] in ("open", "partial", "closed")


def test_mot_file_target_reports_tool_class_and_an_osaid_verdict(small_kb: KnowledgeBase) -> None:
    path = Path(__file__).parent / "mot_test_data"
    f = next(p for p in path.glob("Class1TestFile*.yml"))
    r = assess_mot_file(f, mot_compatible=True, kb=small_kb)
    d = r.to_dict()
    assert d["mof"]["class"] == 1 and d["mof"]["mode"] == "mot-compatible"
    assert d["osaid"]["verdict"] in ("open-source-ai", "open-weights", "restricted-weights", "closed")
