"""The default MOT mode: licence names normalised, restrictive licences refused, differences explained."""

from __future__ import annotations

from smallprint.evaluators.openness import evaluate_release, mof, parse_mot
from smallprint.evaluators.openness.mot import LicenseNormaliser
from smallprint.kb import KnowledgeBase

RELEASE = """
framework: {name: Model Openness Framework, version: '1.0', date: '2024-12-15'}
release:
  name: spelled-freely
  license: {}
  components:
    - name: Model architecture
      license: Apache 2.0
    - name: Model parameters (Final)
      license: Llama 2 Community License
    - name: Model card
      license: cc by 4.0
    - name: Data card
      license: MIT License
    - name: Technical report
      license: CC-BY-4.0
    - name: Evaluation results
      license: Some Vendor Licence
"""


def test_default_mode_reads_apache_2_0_as_spdx_and_says_it_differs_from_the_tool(small_kb: KnowledgeBase) -> None:
    release = parse_mot(RELEASE)
    tool = evaluate_release(release, mot_compatible=True)
    ours = evaluate_release(release, kb=small_kb)
    assert tool.component("Model architecture").status == "not-open"
    arch = ours.component("Model architecture")
    assert (arch.status, arch.evaluated_as) == ("open", "Apache-2.0")
    diff = {d.what: d for d in ours.differences}
    assert diff["Model architecture"].tool == "not-open"
    assert diff["Model architecture"].smallprint == "open"
    assert "Apache-2.0" in diff["Model architecture"].reason
    assert "Model card" in diff and "Data card" in diff


def test_restricted_licence_is_never_open_in_either_mode(small_kb: KnowledgeBase) -> None:
    ours = evaluate_release(parse_mot(RELEASE), kb=small_kb)
    params = ours.component("Model parameters (Final)")
    assert params.status == "not-open"
    assert "restricted-model" in (params.reason or "")
    assert ours.mof_class == 0


def test_unknown_licence_name_is_not_open(small_kb: KnowledgeBase) -> None:
    ours = evaluate_release(parse_mot(RELEASE), kb=small_kb)
    assert ours.component("Evaluation results").status == "not-open"
    assert ours.component("Evaluation results").evaluated_as is None


def test_hub_id_absent_from_the_knowledge_base_is_unknown_not_open() -> None:
    empty = KnowledgeBase([])
    norm = LicenseNormaliser(mof.license_table(), empty)
    for hub_id in ("llama3.1", "gemma", "openrail", "deepseek"):
        v = norm.judge(hub_id)
        assert v.open is False, hub_id


def test_combined_licences_count_only_when_every_part_is_open(small_kb: KnowledgeBase) -> None:
    norm = LicenseNormaliser(mof.license_table(), small_kb)
    assert norm.judge("Apache-2.0 AND MIT").open is True
    assert norm.judge("Apache-2.0 AND CC-BY-NC-4.0").open is False


def test_tool_mode_lists_no_differences_and_default_mode_agrees_when_names_are_spdx(small_kb: KnowledgeBase) -> None:
    text = """
release:
  name: exact
  license: {distribution: {name: Apache-2.0}}
  components:
    - name: Model architecture
    - name: Model parameters (Final)
"""
    ours = evaluate_release(parse_mot(text), kb=small_kb)
    tool = evaluate_release(parse_mot(text), mot_compatible=True)
    assert ours.differences == []
    assert (ours.mof_class, ours.progress) == (tool.mof_class, tool.progress)
    assert "differences" not in tool.to_dict()
