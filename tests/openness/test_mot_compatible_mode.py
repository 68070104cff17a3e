"""MOT files: the tool's own 27 test files reproduce its published results exactly."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from smallprint.errors import InputError
from smallprint.evaluators.openness import (
    evaluate_mot_file,
    evaluate_release,
    mof,
    parse_mot,
    to_mot_yaml,
)

DATA = Path(__file__).parent / "mot_test_data"
FILES = sorted(DATA.glob("*.yml"))


def _expected() -> dict[str, dict[str, Any]]:
    text = (DATA / "expected_results.json").read_text(encoding="utf-8")
    text = re.sub(r",(\s*[}\]])", r"\1", text)  # the tool's dump carries trailing commas
    return {m["release"]["name"]: m["classification"] for m in json.loads(text)["models"]}


EXPECTED = _expected()


def test_all_27_tool_test_files_are_present() -> None:
    assert len(FILES) == 27
    assert len(EXPECTED) == 27


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem[:40])
def test_mot_compatible_mode_reproduces_tool_class_and_progress(path: Path) -> None:
    name = yaml.safe_load(path.read_text(encoding="utf-8"))["release"]["name"]
    want = EXPECTED[name]
    got = evaluate_mot_file(path, mot_compatible=True)
    assert got.mof_class == want["class"]
    assert got.label == want["label"]
    for k in ("1", "2", "3"):
        assert got.progress[k] == want["progress"][k], f"progress {k}"


def test_research_paper_stands_in_for_technical_report_in_class_one_total() -> None:
    path = next(p for p in FILES if p.name.startswith("Class2RTestFile"))
    got = evaluate_mot_file(path, mot_compatible=True)
    assert got.component("Technical report").status == "missing"
    assert got.component("Research paper").status == "open"
    assert got.progress["1"] == 10 / 13 * 100


def test_progress_of_a_class_is_zero_until_higher_classes_are_complete() -> None:
    from smallprint.evaluators.openness.mot import compute_progress

    status = {cid: "open" for cid in mof.required(1) + mof.required(2) if cid != mof.RESEARCH_PAPER}
    p = compute_progress(status)  # every class I and II component, none of class III
    assert p == {1: 0, 2: 0, 3: 0}
    status.update({cid: "open" for cid in mof.required(3)})
    assert compute_progress(status) == {1: 13 / 14 * 100, 2: 100.0, 3: 100.0}


def test_component_licence_falls_back_to_type_then_distribution_licence() -> None:
    text = """
release:
  name: t
  license:
    distribution: {name: Apache-2.0}
    data: {name: CC-BY-NC-4.0}
  components:
    - name: Model architecture
    - name: Model parameters (Final)
    - name: Model card
      license: unlicensed
"""
    got = evaluate_release(parse_mot(text), mot_compatible=True)
    arch = got.component("Model architecture")
    assert (arch.license, arch.license_source, arch.status) == ("Apache-2.0", "global:distribution", "open")
    params = got.component("Model parameters (Final)")
    assert (params.license, params.license_source, params.status) == ("CC-BY-NC-4.0", "global:data", "not-open")
    assert got.component("Model card").status == "unlicensed"


def test_written_yaml_reads_back_to_the_same_evaluation() -> None:
    for path in FILES[:8]:
        release = parse_mot(path.read_text(encoding="utf-8"), str(path))
        again = parse_mot(to_mot_yaml(release))
        a = evaluate_release(release, mot_compatible=True)
        b = evaluate_release(again, mot_compatible=True)
        assert (a.mof_class, a.progress) == (b.mof_class, b.progress)
        assert [c.status for c in a.components] == [c.status for c in b.components]


def test_tool_model_files_evaluate_in_both_modes(corpus: Path) -> None:
    files = sorted((corpus / "openness" / "mot" / "models").glob("*.yml"))
    assert len(files) > 100
    classes = set()
    for path in files[::3]:
        tool = evaluate_mot_file(path, mot_compatible=True)
        ours = evaluate_mot_file(path)
        assert tool.mof_class in (0, 1, 2, 3) and ours.mof_class in (0, 1, 2, 3)
        assert set(tool.progress) == {"1", "2", "3"}
        classes.add(tool.mof_class)
    assert len(classes) > 1


def test_known_model_file_gets_the_tools_class(corpus: Path) -> None:
    got = evaluate_mot_file(corpus / "openness" / "mot" / "models" / "Llama-2-7B.yml", mot_compatible=True)
    assert got.mof_class == 0
    assert got.component("Model parameters (Final)").status == "not-open"


@pytest.mark.parametrize(
    "text, message",
    [
        ("a: [1, 2", "not valid YAML"),
        ("- just a list", "not a Model Openness Tool file"),
        ("release:\n  name: x\n  components: {a: 1}", "must be a list"),
        ("release:\n  name: x\n  components:\n    - license: MIT", "needs a 'name'"),
    ],
)
def test_malformed_mot_text_raises_one_line_input_error(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as e:
        parse_mot(text, "bad.yml")
    assert "\n" not in str(e.value)


def test_missing_file_and_directory_raise_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        evaluate_mot_file(tmp_path / "nope.yml")
    with pytest.raises(InputError, match="is a directory"):
        evaluate_mot_file(tmp_path)
    binary = tmp_path / "b.yml"
    binary.write_bytes(b"\xff\xfe\x00release")
    with pytest.raises(InputError):
        evaluate_mot_file(binary)
