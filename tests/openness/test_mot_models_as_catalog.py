"""The Model Openness Tool's published model files as the catalog layer of a model's openness."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from smallprint.evaluators.openness import assess, catalog
from smallprint.evaluators.openness.assess import (
    ComponentFact,
    assess_model,
    catalog_facts,
    catalog_layer,
    release_components,
)
from smallprint.evaluators.openness.mot import evaluate_mot_file, parse_mot
from smallprint.kb import CatalogModel, KnowledgeBase
from smallprint.model import ModelFacts

REFERENCE = Path(__file__).parent / "mot_reference" / "corpus_models.json"
OLMO = "allenai/OLMo-1B-hf"
MOT_SOURCE = "Model Openness Tool model file "


def _bare(model_id: str) -> ModelFacts:
    """A Hub id and nothing else: every component comes from the catalog layer."""
    return ModelFacts(target=model_id, model_id=model_id, origin="hub")


def _tool(file_name: str) -> dict:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))[file_name]


# --- reading `release.huggingface` ------------------------------------------------


@pytest.mark.parametrize("written, hub_id", [
    ("https://huggingface.co/allenai/OLMo-1B-hf", "allenai/OLMo-1B-hf"),
    ("https://huggingface.co/allenai/OLMo-1B-hf/", "allenai/OLMo-1B-hf"),
    ("https://huggingface.co/allenai/OLMo-1B-hf/tree/main", "allenai/OLMo-1B-hf"),
    ("huggingface.co/microsoft/phi-1/blob/main/README.md", "microsoft/phi-1"),
    ("http://www.huggingface.co/yandex/yalm-100b · Hugging Face", "yandex/yalm-100b"),
    ("  xai-org/grok-1 ", "xai-org/grok-1"),
])
def test_hub_reference_is_normalised_to_owner_and_name(written: str, hub_id: str) -> None:
    assert catalog.hub_id_from_reference(written) == hub_id


@pytest.mark.parametrize("written", [
    "", None, 42, "Baichuan 2: Open Large-scale Language Models",
    "https://huggingface.co/papers/2309.16609",
    "https://huggingface.co/collections/ibm-granite/granite-41-language-models",
    "https://huggingface.co/datasets/allenai/dolma",
    "https://huggingface.co/gpt2", "owner/name/extra",
])
def test_references_that_name_no_model_repository_are_refused(written: object) -> None:
    assert catalog.hub_id_from_reference(written) is None


@pytest.mark.parametrize("release_name, hub_id, agree", [
    ("CodeT5+-16B", "Salesforce/codet5p-16b", True),
    ("CodeT5+-2B", "Salesforce/codet5p-16b", False),          # a sibling's repository
    ("dbrx-instruct", "deepseek-ai/deepseek-moe-16b-base", False),  # another model altogether
    ("RWKV-v4-World", "RWKV/rwkv-raven-7b", False),
    ("RedPajamas-INCITE", "togethercomputer/RedPajama-INCITE-7B-Base", True),
    ("Command-R+", "CohereForAI/c4ai-command-r-plus", True),
    ("Pythia-2.8B", "EleutherAI/pythia-2.8b", True),
])
def test_a_file_is_indexed_only_under_a_repository_its_release_name_names(
        release_name: str, hub_id: str, agree: bool) -> None:
    assert catalog.names_agree(release_name, hub_id) is agree


def test_index_maps_each_hub_id_to_a_bundled_file_that_names_it() -> None:
    index = catalog.mot_model_index()
    assert index["allenai/olmo-1b-hf"].path.name == "OLMo-1B-hf.yml"
    assert "deepseek-ai/deepseek-moe-16b-base" in index
    assert index["deepseek-ai/deepseek-moe-16b-base"].path.name == "DeepSeek-MoE-16B-base.yml"  # not dbrx's
    for key, f in index.items():
        assert f.path.parent == catalog.MOT_MODELS_DIR and key == f.hub_id.lower()
        rel = parse_mot(f.path.read_text(encoding="utf-8"), str(f.path))
        assert catalog.hub_id_from_reference(rel.fields.get("huggingface")) == f.hub_id


def test_bundled_files_are_byte_for_byte_copies(corpus: Path) -> None:
    source = sorted((corpus / "openness" / "mot" / "models").glob("*.yml"))
    bundled = sorted(catalog.MOT_MODELS_DIR.glob("*.yml"))
    assert [p.name for p in bundled] == [p.name for p in source]
    for a, b in zip(source, bundled, strict=True):
        assert a.read_bytes() == b.read_bytes(), b.name


def test_index_is_built_once_for_many_lookups() -> None:
    catalog.mot_model_index()
    before = catalog.mot_model_index.cache_info()
    for i in range(1000):
        catalog.mot_model_for([f"acme/model-{i}", None, "ALLENAI/olmo-1b-HF"])
    after = catalog.mot_model_index.cache_info()
    assert after.misses == before.misses and after.currsize == 1


# --- the catalog layer --------------------------------------------------------------


def test_olmo_1b_hf_gets_the_tools_class_from_the_command_line() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "smallprint.cli", "openness", OLMO, "--offline", "--format", "json"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)["results"][0]
    tool = _tool("OLMo-1B-hf.yml")
    assert result["mof"]["class"] == tool["class"] == 1
    assert result["mof"]["progress"] == {k: float(v) for k, v in tool["progress"].items()}
    from_mot = [c for c in result["mof"]["components"] if (c["source"] or "").startswith(MOT_SOURCE)]
    assert from_mot and all(c["source"] == MOT_SOURCE + "OLMo-1B-hf.yml" and not c["inferred"] for c in from_mot)
    assert any(e["file"].endswith("OLMo-1B-hf.yml") for c in from_mot for e in c.get("evidence", []))


def _without_curated_facts() -> list[catalog.MotModelFile]:
    return [f for f in catalog.mot_model_index().values() if catalog.components_for(f.hub_id) is None]


def test_every_indexed_file_carries_its_class_and_progress_into_the_assessment(small_kb: KnowledgeBase) -> None:
    files = _without_curated_facts()
    assert len(files) > 50
    for f in files:
        got = assess_model(_bare(f.hub_id), license_id=None, kb=small_kb).mof
        want = evaluate_mot_file(f.path, kb=small_kb)
        assert (got.mof_class, got.progress) == (want.mof_class, want.progress), f.path.name


def test_mot_file_licence_strings_are_normalised_in_the_default_mode(small_kb: KnowledgeBase) -> None:
    written = "Apache 2.0"
    f = next(f for f in _without_curated_facts()
             if any(c.license == written for c in parse_mot(f.path.read_text(encoding="utf-8")).components))
    r = assess_model(_bare(f.hub_id), license_id=None, kb=small_kb)
    comps = [c for c in r.mof.components if c.license == written]
    assert comps and all(c.status == "open" and c.evaluated_as == "Apache-2.0" for c in comps)
    assert r.mof.mode == "normalised"
    diffs = {d.what: d for d in r.mof.differences}
    assert all(diffs[c.name].tool == "not-open" for c in comps)  # the tool matches the string exactly


def test_a_catalog_alias_reaches_the_mot_file_case_insensitively() -> None:
    renamed = CatalogModel(id="acme/renamed-olmo", family="olmo", publisher=None, license="apache-2.0",
                           aliases=("ALLENAI/olmo-1b-HF",))
    kb = KnowledgeBase([], [renamed])
    facts = catalog_facts("acme/renamed-olmo", kb)
    assert facts["Evaluation data"].source == MOT_SOURCE + "OLMo-1B-hf.yml"
    assert catalog_facts("Allenai/Olmo-1b-HF", None)["Evaluation data"].license == "Apache-2.0"


def test_a_model_with_no_mot_file_is_unchanged(small_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    facts = ModelFacts(target="acme/acme-1b", model_id="acme/acme-1b", origin="hub", card_text="# Acme\n",
                       card_path="README.md")
    assert catalog.mot_model_for(["acme/acme-1b"]) is None
    with_index = assess_model(facts, license_id="apache-2.0", kb=small_kb).to_dict()
    monkeypatch.setattr(catalog, "mot_model_for", lambda ids: None)
    assert assess_model(facts, license_id="apache-2.0", kb=small_kb).to_dict() == with_index


def test_a_user_manifest_still_overrides_the_mot_file(tmp_path: Path, small_kb: KnowledgeBase) -> None:
    manifest = tmp_path / "mof.yml"
    manifest.write_text("release:\n  name: mine\n  components:\n"
                        "    - name: Evaluation data\n      license: CC-BY-NC-4.0\n", encoding="utf-8")
    r = assess_model(_bare(OLMO), license_id="apache-2.0", kb=small_kb, manifest=manifest)
    ev = r.mof.component("Evaluation data")
    assert ev.source == f"manifest: {manifest}" and ev.status == "not-open"
    assert r.mof.component("Evaluation results").source == MOT_SOURCE + "OLMo-1B-hf.yml"
    assert r.mof.mof_class == 3  # class II needs open evaluation data


def test_a_declared_restrictive_licence_beats_the_catalogs_open_weights(small_kb: KnowledgeBase) -> None:
    r = assess_model(_bare(OLMO), license_id="llama2", kb=small_kb)
    params = r.mof.component("Model parameters (Final)")
    assert params.license == "llama2" and params.status == "not-open"
    assert r.osaid.verdict == "restricted-weights"
    assert [f.code for f in r.findings if f.code == "catalog-license-differs"] == ["catalog-license-differs"]
    assert assess_model(_bare(OLMO), license_id="apache-2.0", kb=small_kb).osaid.verdict == "open-source-ai"


# --- precedence inside the catalog layer (pure) ------------------------------------------


def _fact(name: str, lic: str | None, source: str, license_from: str = "component") -> ComponentFact:
    return ComponentFact(name, lic, source, False, [], license_from)


def test_catalog_layer_takes_the_most_specific_licence_and_the_mot_file_on_a_tie() -> None:
    mot = {
        "Datasets": _fact("Datasets", "Apache-2.0", "mot", "global:distribution"),
        "Training code": _fact("Training code", "MIT", "mot"),
        "Evaluation data": _fact("Evaluation data", "Apache-2.0", "mot", "global:distribution"),
        "Data card": _fact("Data card", None, "mot"),
    }
    curated = {
        "Datasets": _fact("Datasets", "ODC-By-1.0", "curated"),
        "Training code": _fact("Training code", "Apache-2.0", "curated"),
        "Research paper": _fact("Research paper", "CC-BY-4.0", "curated"),
        "Data card": _fact("Data card", "CC-BY-4.0", "curated"),
    }
    out = catalog_layer(mot, curated)
    assert out["Datasets"].license == "ODC-By-1.0"        # named beats file-wide
    assert out["Training code"].source == "mot"           # tie: written for this exact Hub id
    assert out["Evaluation data"].source == "mot"         # only the MOT file lists it
    assert out["Research paper"].source == "curated"      # only components.yaml lists it
    assert out["Data card"].license == "CC-BY-4.0"        # a licence beats none


def test_components_a_mot_file_says_are_not_included_are_not_published() -> None:
    text = ("release:\n  name: x\n  license:\n    distribution:\n      name: MIT\n  components:\n"
            "    - name: Datasets\n      license: 'Component not include.'\n"
            "    - name: Model parameters (Final)\n      license: Undisclosed\n"
            "    - name: Training code\n")
    got = release_components(parse_mot(text), "test", "x.yml", dict(enumerate(text.splitlines(), 1)))
    assert set(got) == {"Training code"}
    assert got["Training code"].license == "MIT" and got["Training code"].license_from == "global:distribution"
    assert [e.quote for e in got["Training code"].evidence] == ["name: Training code", "name: MIT"]


def test_mot_model_components_are_read_once_per_file() -> None:
    f = catalog.mot_model_for([OLMO])
    assert f is not None
    assert assess.mot_model_components(f.path, f.source) is assess.mot_model_components(f.path, f.source)
