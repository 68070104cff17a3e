"""The bundled model catalog: coverage, licence ids that resolve, bases that are catalogued."""

from __future__ import annotations

from smallprint.evaluators.findings import load_datasets
from smallprint.kb import default_kb

KB = default_kb()
CATALOG = {m.id: m for m in KB.models.values() if not (m.path or "").endswith("closed-apis.yaml")}


def test_catalog_covers_at_least_150_models_in_30_families() -> None:
    assert len(CATALOG) >= 150
    assert len({m.family for m in CATALOG.values()}) >= 30


def test_every_catalog_licence_id_resolves_in_the_kb() -> None:
    missing = sorted({m.license for m in CATALOG.values() if KB.get(m.license) is None})
    assert missing == [], f"licence ids not in kb/licenses (add them or an alias): {missing}"


def test_every_base_model_is_itself_catalogued() -> None:
    dangling = [(m.id, b) for m in CATALOG.values() for b in m.base_models if KB.model(b) is None]
    assert dangling == []


def test_derivatives_say_how_they_relate_to_their_base() -> None:
    for m in CATALOG.values():
        if m.relation is not None:
            assert m.relation in ("finetune", "adapter", "merge", "quantized"), m.id


def test_every_model_cites_its_hub_page() -> None:
    for m in CATALOG.values():
        assert f"https://huggingface.co/{m.id}" in m.sources, m.id


def test_former_hub_ids_find_the_renamed_model() -> None:
    m = KB.model("meta-llama/Meta-Llama-3.1-8B")
    assert m is not None and m.id == "meta-llama/Llama-3.1-8B" and m.license == "llama3.1"


def test_sibling_sizes_keep_their_own_licences() -> None:
    # Qwen2.5: 3B research licence, 7B Apache-2.0, 72B Qwen licence; FLUX.1: dev NC, schnell Apache.
    got = {i: KB.model(i).license for i in ("Qwen/Qwen2.5-3B", "Qwen/Qwen2.5-7B", "Qwen/Qwen2.5-72B")}  # type: ignore[union-attr]
    assert got == {"Qwen/Qwen2.5-3B": "qwen-research", "Qwen/Qwen2.5-7B": "apache-2.0", "Qwen/Qwen2.5-72B": "qwen"}
    assert KB.model("black-forest-labs/FLUX.1-schnell").license == "apache-2.0"  # type: ignore[union-attr]
    assert KB.model("black-forest-labs/FLUX.1-dev").license != "apache-2.0"  # type: ignore[union-attr]


def test_dataset_licences_resolve_in_the_kb() -> None:
    table = load_datasets()
    unknown = sorted({d.license for d in table.values() if d.license != "other" and KB.get(d.license) is None})
    assert unknown == []
    assert table["tatsu-lab/alpaca"].license == "cc-by-nc-4.0"
