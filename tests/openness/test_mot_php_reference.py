"""MOT-compatible mode against results computed by the tool's own PHP evaluator (see mot_reference/README.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from smallprint.evaluators.openness import evaluate_mot_file, evaluate_release, parse_mot

REF = Path(__file__).parent / "mot_reference"
CASES: list[dict[str, Any]] = json.loads((REF / "synthetic_cases.json").read_text(encoding="utf-8"))["cases"]
CORPUS_MODELS: dict[str, dict[str, Any]] = json.loads((REF / "corpus_models.json").read_text(encoding="utf-8"))
TOOL_TEST_FILES: dict[str, dict[str, Any]] = json.loads((REF / "tool_test_files.json").read_text(encoding="utf-8"))


def _got(assessment: Any) -> dict[str, Any]:
    return {"class": assessment.mof_class, "progress": {k: float(v) for k, v in assessment.progress.items()}}


def _want(row: dict[str, Any]) -> dict[str, Any]:
    return {"class": row["class"], "progress": row["progress"]}


def test_reference_covers_every_class_and_partial_progress() -> None:
    classes = {c["class"] for c in CASES}
    assert classes == {0, 1, 2, 3}
    assert any(0 < c["progress"]["1"] < 100 for c in CASES)
    assert any(0 < c["progress"]["2"] < 100 for c in CASES)


def test_synthetic_edge_cases_match_the_tools_php_evaluator() -> None:
    wrong = []
    for case in CASES:
        got = _got(evaluate_release(parse_mot(case["yaml"], case["name"]), mot_compatible=True))
        if got != _want(case):
            wrong.append((case["name"], _want(case), got))
    assert not wrong, f"{len(wrong)} of {len(CASES)} differ, first: {wrong[:3]}"


def test_tools_own_test_files_match_its_php_evaluator() -> None:
    data = Path(__file__).parent / "mot_test_data"
    for name, row in TOOL_TEST_FILES.items():
        assert _got(evaluate_mot_file(data / name, mot_compatible=True)) == _want(row), name


def test_mot_catalogue_model_files_match_its_php_evaluator(corpus: Path) -> None:
    models = corpus / "openness" / "mot" / "models"
    if not models.is_dir():
        pytest.skip("MOT model files not in the corpus")
    wrong = [name for name, row in CORPUS_MODELS.items()
             if _got(evaluate_mot_file(models / name, mot_compatible=True)) != _want(row)]
    assert len(CORPUS_MODELS) == 182
    assert not wrong


def _case(name: str) -> dict[str, Any]:
    return next(c for c in CASES if c["name"] == name)


def test_report_alone_in_class_three_lets_the_paper_count_as_well() -> None:
    # the tool's `!array_search` treats the report at position 0 as absent, so an open paper is added
    got = evaluate_release(parse_mot(_case("tr_only_open_with_paper")["yaml"]), mot_compatible=True)
    assert got.progress["3"] == 2 / 6 * 100


def test_global_licence_block_after_components_is_ignored_by_the_tool_but_applied_by_default() -> None:
    rel = parse_mot(_case("global_after_components_ignored")["yaml"])
    tool = evaluate_release(rel, mot_compatible=True)
    assert tool.mof_class == 0 and tool.progress["3"] == 0
    assert tool.component("Model card").status == "unlicensed"
    assert any("follows 'components'" in n for n in tool.notes)
    ours = evaluate_release(rel)
    assert ours.component("Model card").status == "open"
    assert any(d.what == "Model card" and d.tool == "unlicensed" for d in ours.differences)


def test_unknown_component_name_is_filed_under_datasets_by_the_tool_only() -> None:
    rel = parse_mot(_case("unknown_name_counts_as_datasets")["yaml"])
    tool = evaluate_release(rel, mot_compatible=True)
    assert tool.component("Datasets").status == "open"
    assert any("'Model Card'" in n and "Datasets" in n for n in tool.notes)
    ours = evaluate_release(rel)
    assert ours.component("Datasets").status == "missing"
    assert ours.component("Model card").status == "open"  # the default mode reads the name loosely


def _reasons(yaml_text: str) -> dict[str, str]:
    return {d.what: d.reason for d in evaluate_release(parse_mot(yaml_text)).differences}


def test_default_mode_explains_each_difference_from_the_tool() -> None:
    reasons = _reasons("""
release:
  name: t
  components:
    - {name: Model Card, license: CC-BY-4.0}
    - {name: Model architecture, license: Apache 2.0}
    - {name: Technical report, license: ' MIT'}
    - {name: Data card, license: none}
    - {name: Evaluation results}
  license:
    distribution: {name: Apache-2.0}
""")
    assert "matches component names exactly" in reasons["Model card"]
    assert "under Datasets" in reasons["Datasets"]
    assert "'Apache 2.0'" in reasons["Model architecture"] and "OSI approved" in reasons["Model architecture"]
    assert "' MIT'" in reasons["Technical report"]
    assert "no licence" in reasons["Data card"]
    assert "global" in reasons["Evaluation results"]
    assert reasons["progress.3"] == "follows from the component differences above"


def test_default_mode_counts_the_paper_only_in_place_of_the_report() -> None:
    reasons = _reasons("""
release:
  name: t
  components:
    - {name: Technical report, license: CC-BY-4.0}
    - {name: Research paper, license: CC-BY-4.0}
""")
    assert set(reasons) == {"progress.3"}
    assert "position test" in reasons["progress.3"]


def test_openness_json_carries_the_notes_on_how_the_file_was_read(tmp_path: Path) -> None:
    from smallprint.evaluators.openness.assess import assess_mot_file

    path = tmp_path / "m.yml"
    path.write_text(_case("unknown_name_counts_as_datasets")["yaml"], encoding="utf-8")
    d = assess_mot_file(path, mot_compatible=True).to_dict()
    assert any("'Model Card'" in n for n in d["mof"]["notes"])
