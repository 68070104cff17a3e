"""One licence from many claims: which place wins, and what is reported on the way."""

from __future__ import annotations

from smallprint.evaluators.resolve import resolve_license
from smallprint.kb import default_kb
from smallprint.model import Evidence, LicenseClaim, LicenseMatch, LicenseResult, ModelFacts

KB = default_kb()


def claim(where: str, value: str, line: int = 1) -> LicenseClaim:
    return LicenseClaim(where, value, Evidence("README.md", line, line, f"{where}: {value}"))


def model(*claims: LicenseClaim) -> ModelFacts:
    return ModelFacts(target="x", model_id="me/x", origin="card", license_claims=list(claims))


def codes(res) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.code for f in res.findings]


def test_a_licence_file_beats_the_card_tag_and_the_disagreement_is_explained() -> None:
    file_claim = claim("file:LICENSE", "(text)")
    file_claim.result = LicenseResult("LICENSE", [LicenseMatch("llama3.1", "Llama 3.1", "3.1", None, "llama3.1", 0.99, 1, 200, "fulltext", "restricted-model")])
    res = resolve_license(model(claim("card:license", "apache-2.0"), file_claim), KB)
    assert res.license_id == "llama3.1"
    disagree = [f for f in res.findings if f.code == "sources-disagree"]
    assert disagree and "licence file" in disagree[0].message and len(disagree[0].evidence) == 2


def test_other_with_a_known_license_name_resolves() -> None:
    res = resolve_license(model(claim("card:license", "other"), claim("card:license_name", "qwen-research")), KB)
    assert res.license_id == "qwen-research" and codes(res) == []


def test_other_with_nothing_to_resolve_is_reported() -> None:
    res = resolve_license(model(claim("card:license", "other")), KB)
    assert res.license_id is None and codes(res) == ["license-other-unresolved"]


def test_unknown_or_missing_licence_is_no_license_even_with_prose() -> None:
    assert codes(resolve_license(model(), KB)) == ["no-license"]
    res = resolve_license(model(claim("card:license", "unknown"), claim("card:prose", "TII Falcon License 2.0")), KB)
    assert codes(res) == ["no-license"] and res.license_id is None


def test_prose_stands_in_for_a_missing_tag_but_is_not_a_declaration() -> None:
    res = resolve_license(model(claim("card:prose", "MIT")), KB)
    assert res.license_id == "mit" and not res.declared and "no-license" in codes(res)


def test_a_licence_list_is_kept_as_dual_licensing() -> None:
    res = resolve_license(model(claim("card:license", "mit"), claim("card:license", "apache-2.0")), KB)
    assert res.license_ids == ["mit", "apache-2.0"] and codes(res) == []


def test_gguf_expression_and_hub_id_spellings_resolve() -> None:
    res = resolve_license(model(claim("gguf:general.license", "MIT OR Apache-2.0")), KB)
    assert set(res.license_ids) == {"mit", "apache-2.0"}


def test_license_name_beside_a_real_tag_is_broken_metadata() -> None:
    res = resolve_license(model(claim("card:license", "mit"), claim("card:license_name", "qwen-research")), KB)
    assert res.license_id == "mit" and "broken-metadata" in codes(res)


def test_a_family_id_is_resolved_with_a_warning_to_read_the_file() -> None:
    res = resolve_license(model(claim("card:license", "cc")), KB)
    assert res.license_id == "cc" and "license-family-only" in codes(res)
