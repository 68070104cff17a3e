"""`license-conflicts-with-base` only where the declaration really contradicts the base."""

from __future__ import annotations

from smallprint.check import check_facts
from smallprint.evaluators.findings import conflict_reason
from smallprint.evaluators.resolve import resolve_license
from smallprint.kb import default_kb
from smallprint.model import Evidence, LicenseClaim, ModelFacts

KB = default_kb()


def facts(*claims: tuple[str, str], base: list[str], mid: str = "acme/Tuned-8B") -> ModelFacts:
    return ModelFacts(target=mid, model_id=mid, origin="card", base_models=base,
                      license_claims=[LicenseClaim(w, v, Evidence("README.md", 2, 2, f"{w}: {v}")) for w, v in claims])


def codes(f: ModelFacts) -> set[str]:
    return {x.code for x in check_facts(f, kb=KB, offline=True).findings}


def test_declaring_the_upstream_version_over_a_mislabelled_parent_is_no_conflict() -> None:
    # Hermes 3 (Llama 3.1 based) is published as llama3; its child declaring llama3.1 is right
    f = facts(("card:license", "llama3.1"), base=["NousResearch/Hermes-3-Llama-3.1-8B"], mid="acme/Llama-3.1-Hermes-Tune")
    assert "license-conflicts-with-base" not in codes(f)


def test_copying_the_parents_mislabel_still_conflicts_with_the_root_licence() -> None:
    f = facts(("card:license", "llama3"), base=["NousResearch/Hermes-3-Llama-3.1-8B"], mid="acme/Llama-3-Hermes-Tune")
    assert "license-conflicts-with-base" in codes(f)


def test_family_tag_of_the_base_family_is_unclear_not_a_conflict() -> None:
    openrail, creativeml = KB.get("openrail"), KB.get("creativeml-openrail-m")
    assert openrail and creativeml and conflict_reason(openrail, creativeml) is None
    mit = KB.get("mit")
    assert mit and conflict_reason(mit, creativeml)


def test_licence_link_path_segments_name_no_licence() -> None:
    link = "https://huggingface.co/Qwen/Qwen2.5-7B-Instruct/blob/main/LICENSE"
    f = facts(("card:license", "apache-2.0"), ("card:license_link", link), base=["Qwen/Qwen2.5-7B-Instruct"])
    res = resolve_license(f, KB)
    assert res.license_ids == ["apache-2.0"] and not res.findings


def test_gguf_license_other_is_read_like_the_cards_other() -> None:
    f = facts(("gguf:general.license", "other"), base=["meta-llama/Llama-3.1-8B-Instruct"])
    assert {x.code for x in resolve_license(f, KB).findings} == {"license-other-unresolved"}
    named = facts(("gguf:general.license", "other"), ("gguf:general.license.name", "llama3.1"), base=[])
    assert resolve_license(named, KB).license_ids == ["llama3.1"]


def test_a_shipped_use_policy_is_not_a_competing_licence() -> None:
    policy = LicenseClaim("file:USE_POLICY.md", "x", Evidence("USE_POLICY.md", 1, 40, "Llama 3.1 Acceptable Use Policy"))
    aup = KB.get("llama3.1-aup")
    assert aup is not None
    from smallprint.evaluators.resolve import match_from_entry
    from smallprint.model import LicenseResult

    policy.result = LicenseResult(path="USE_POLICY.md", licenses=[match_from_entry(aup, "exact", policy.evidence)])
    same = facts(("card:license", "llama3.1"), base=[])
    same.license_claims.append(policy)
    res = resolve_license(same, KB)
    assert res.license_ids == ["llama3.1"] and not res.findings
    other = facts(("card:license", "apache-2.0"), base=[])
    other.license_claims.append(policy)
    res = resolve_license(other, KB)
    assert res.license_ids == ["apache-2.0"]
    assert [f.code for f in res.findings] == ["sources-disagree"] and "use policy of llama3.1" in res.findings[0].message
