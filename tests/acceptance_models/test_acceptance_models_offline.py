"""Acceptance: realistic published models checked offline give the expected findings, with evidence."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from casebuild import build_case, case_names  # noqa: E402

from smallprint.check import check_target  # noqa: E402

CODES_CHECKED = None  # every finding code is compared


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))


@pytest.mark.parametrize("name", case_names())
def test_published_model_gives_expected_findings(name: str, tmp_path: Path) -> None:
    case = build_case(name, tmp_path)
    result = check_target(str(case.target), offline=True)
    expect = case.expect
    codes = sorted({f.code for f in result.findings})
    assert codes == sorted(set(expect["codes"])), [f"{f.code}: {f.message}" for f in result.findings]
    if "license" in expect:
        assert [m.id for m in result.license.licenses] == expect["license"]
    if "parents" in expect:
        assert [p.lower() for p in result.lineage[0].parents] == [p.lower() for p in expect["parents"]]
    if expect.get("relation"):
        assert result.lineage[1].relation == expect["relation"]
    if expect.get("license_line"):
        lic = result.license.licenses[0]
        assert lic.start_line == expect["license_line"]


@pytest.mark.parametrize("name", case_names())
def test_every_finding_points_at_its_evidence(name: str, tmp_path: Path) -> None:
    """Findings about what a file says carry that file, and a line where the file has lines."""
    case = build_case(name, tmp_path)
    result = check_target(str(case.target), offline=True)
    for f in result.findings:
        if f.code in ("no-license",) and not f.evidence:
            continue  # absence has no line to point at
        assert f.evidence, f"{f.code} has no evidence: {f.message}"
        for ev in f.evidence:
            assert ev.file, f"{f.code} evidence names no file: {f.message}"
            if ev.file.endswith(".md") and f.code in ("license-conflicts-with-base", "noncommercial-data", "gated",
                                                      "broken-metadata", "sources-disagree"):
                assert ev.start_line >= 1, f"{f.code} evidence in {ev.file} has no line: {f.message}"
                assert ev.quote, f"{f.code} evidence has no quote"
