"""Ancestry graphs from hand-built facts: merges, cycles, missing ancestors, depth, relations."""

from __future__ import annotations

from smallprint.evaluators.lineage import (
    CatalogResolver,
    build_lineage,
    declared_bases,
    infer_relation,
    normalize_base_id,
)
from smallprint.kb import default_kb
from smallprint.model import Evidence, LicenseClaim, ModelFacts, WeightFile


def facts(mid: str, bases: list[str] = (), lic: str | None = None, **kw) -> ModelFacts:  # type: ignore[assignment]
    claims = [LicenseClaim("card:license", lic, Evidence("README.md", 2, 2, f"license: {lic}"))] if lic else []
    return ModelFacts(target=mid, model_id=mid, origin="card", base_models=list(bases), license_claims=claims, **kw)


class DictResolver:
    """A resolver over a fixed set of facts (stands in for the Hub)."""

    def __init__(self, known: dict[str, ModelFacts]):
        self.known = known
        self.calls: list[str] = []

    def resolve(self, model_id: str) -> ModelFacts | None:
        self.calls.append(model_id)
        return self.known.get(model_id)


def no_license(f: ModelFacts) -> tuple[str | None, str | None]:
    return (f.license_claims[0].value, None) if f.license_claims else (None, None)


def test_merge_with_shared_grandparent_lists_each_model_once() -> None:
    base = facts("org/base", lic="apache-2.0")
    a = facts("org/a", ["org/base"], "apache-2.0")
    b = facts("org/b", ["org/base"], "apache-2.0")
    res = DictResolver({"org/base": base, "org/a": a, "org/b": b})
    g = build_lineage(facts("me/merged", ["org/a", "org/b"], "apache-2.0"), res, no_license)
    assert [n.id for n in g.nodes] == ["me/merged", "org/a", "org/b", "org/base"]
    assert g.node("org/a").relation == "merge"  # type: ignore[union-attr]
    assert res.calls.count("org/base") == 1


def test_cycle_is_reported_and_walk_terminates() -> None:
    a = facts("org/a", ["org/b"], "mit")
    b = facts("org/b", ["org/a"], "mit")
    g = build_lineage(facts("org/a", ["org/b"], "mit"), DictResolver({"org/a": a, "org/b": b}), no_license)
    assert any(f.code == "broken-metadata" and "cycle" in f.message for f in g.findings)
    assert [n.id for n in g.nodes] == ["org/a", "org/b"]


def test_missing_ancestor_becomes_a_missing_node_not_an_error() -> None:
    g = build_lineage(facts("me/x", ["ghost/model"]), DictResolver({}), no_license)
    assert g.node("ghost/model").resolved_from == "missing"  # type: ignore[union-attr]
    assert any(f.code == "ancestor-unresolved" for f in g.findings)


def test_known_missing_ancestor_is_a_dangling_edge() -> None:
    class Gone(DictResolver):
        def known_missing(self, model_id: str) -> bool:
            return True

    g = build_lineage(facts("me/x", ["ghost/model"]), Gone({}), no_license)
    assert any(f.code == "broken-metadata" and "does not exist" in f.message for f in g.findings)


def test_depth_limit_stops_a_long_chain() -> None:
    chain = {f"o/m{i}": facts(f"o/m{i}", [f"o/m{i + 1}"], "mit") for i in range(50)}
    g = build_lineage(facts("o/top", ["o/m0"], "mit"), DictResolver(chain), no_license, max_depth=5)
    assert max(n.depth for n in g.nodes) == 5
    assert any(f.code == "lineage-truncated" for f in g.findings)


def test_duplicate_parents_of_a_self_merge_are_collapsed() -> None:
    bases, _ = declared_bases(facts("me/x", ["a/b", "a/b", "A/B"]))
    assert bases == ["a/b"]


def test_local_paths_and_cache_folders_are_read_as_hub_ids_and_reported() -> None:
    assert normalize_base_id("/home/u/.cache/modelscope/hub/models/Qwen/Qwen3-14B")[0] == "Qwen/Qwen3-14B"
    assert normalize_base_id("D:/hf/hub/models--VAGOsolutions--Llama-3.1-SauerkrautLM-8b-Instruct/snapshots/abc")[0] == (
        "VAGOsolutions/Llama-3.1-SauerkrautLM-8b-Instruct"
    )
    assert normalize_base_id("https://huggingface.co/google/gemma-2-9b")[0] == "google/gemma-2-9b"
    _, findings = declared_bases(facts("me/x", ["/home/u/models/Qwen/Qwen3-14B"]))
    assert [f.code for f in findings] == ["broken-metadata"]


def test_adapter_config_and_gguf_keys_give_parents() -> None:
    f = facts("me/x")
    f.metadata["adapter"] = {"base_model_name_or_path": "meta-llama/Llama-3.1-8B"}
    f.metadata["gguf"] = {"general.base_model.0.repo_url": "https://huggingface.co/Qwen/Qwen2.5-7B"}
    bases, _ = declared_bases(f)
    assert bases == ["meta-llama/Llama-3.1-8B", "Qwen/Qwen2.5-7B"]


def test_relation_is_inferred_when_the_card_is_silent() -> None:
    assert infer_relation(facts("me/x-lora", ["a/b"], tags=["lora"]), ["a/b"]) == "adapter"
    assert infer_relation(facts("me/Model-7B-GGUF", ["a/b"]), ["a/b"]) == "quantized"
    assert infer_relation(facts("me/m", ["a/b"], weight_files=[WeightFile("m.Q4_K_M.gguf", "gguf")]), ["a/b"]) == "quantized"
    assert infer_relation(facts("me/m", ["a/b", "c/d"]), ["a/b", "c/d"]) == "merge"
    assert infer_relation(facts("me/m", ["a/b"]), ["a/b"]) == "finetune"
    assert infer_relation(facts("me/m", ["a/b"], relation="adapter"), ["a/b"]) == "adapter"


def test_catalog_resolver_answers_offline_with_evidence_in_the_data_file() -> None:
    got = CatalogResolver(default_kb()).resolve("meta-llama/Meta-Llama-3.1-8B-Instruct")
    assert got is not None and got.model_id == "meta-llama/Llama-3.1-8B-Instruct"
    claim = got.license_claims[0]
    assert claim.value == "llama3.1" and claim.evidence.file and claim.evidence.file.endswith("llama.yaml")
    assert claim.evidence.start_line > 0


def test_name_inference_finds_the_upstream_inside_a_conversion_name() -> None:
    cat = CatalogResolver(default_kb())
    assert cat.infer_from_name("neuralmagic/Mistral-Nemo-Instruct-2407-quantized.w4a16").id == (  # type: ignore[union-attr]
        "mistralai/Mistral-Nemo-Instruct-2407"
    )
    assert cat.infer_from_name("someone/totally-unrelated") is None
