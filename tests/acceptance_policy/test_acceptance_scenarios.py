"""Acceptance matrix: real licences and catalogued models against use profiles.

Each scenario of `scenarios.yaml` runs through the policy evaluator with the knowledge
base's quoted terms (licence scenarios) and end to end, offline, through the check
workflow (model scenarios). The verdict must be one the scenario accepts, the named
duties must be there, and every reason and duty must carry its clause.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from smallprint.check import license_terms
from smallprint.evaluators.policy import VERDICTS, Verdict, evaluate, severity
from smallprint.kb import KnowledgeBase, default_kb
from smallprint.profiles import Profile, load_preset, profile_from_dict
from smallprint.workflow import CheckRequest, run_check

SCENARIOS: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "scenarios.yaml").read_text("utf-8"))


def _ids(kind: str) -> list[Any]:
    return [pytest.param(s, id=s["id"]) for s in SCENARIOS if kind in s]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return default_kb()


def _profile(s: dict[str, Any]) -> Profile:
    return profile_from_dict(s.get("with") or {}, s["id"], base=load_preset(s["profile"]))


def _accepted(s: dict[str, Any]) -> list[str]:
    expect = s["expect"]
    return [expect] if isinstance(expect, str) else list(expect)


def _has_text(kb: KnowledgeBase, source: str | None) -> bool:
    entry = kb.get(source) if source else None
    return bool(entry and entry.text and entry.text.file)


def _assert_meets(s: dict[str, Any], v: dict[str, Any], kb: KnowledgeBase) -> None:
    where = f"{s['id']}: {v}"
    assert v["verdict"] in _accepted(s), where
    duties = [d["duty"].lower() for d in v["duties"]]
    reasons = [r["message"].lower() for r in v["reasons"]]
    for phrase in s.get("duties", []):
        assert any(phrase.lower() in d for d in duties), f"{s['id']}: no duty says {phrase!r}: {duties}"
    for phrase in s.get("reasons", []):
        assert any(phrase.lower() in r for r in reasons), f"{s['id']}: no reason says {phrase!r}: {reasons}"
    for phrase in s.get("not_reasons", []):
        assert not any(phrase.lower() in r for r in reasons), f"{s['id']}: a reason says {phrase!r}: {reasons}"
    if "term" in s:
        worst = [r for r in v["reasons"] if r["level"] == v["verdict"]]
        assert any(r["term"] == s["term"] for r in worst), where
    if v["verdict"] == "conditions":
        assert v["duties"], where
    if v["verdict"] == "allowed":
        assert not v["duties"] and not v["reasons"], where
    for item in v["reasons"] + v["duties"]:
        if item.get("term") and _has_text(kb, item.get("source")):
            assert item["evidence"], f"{s['id']}: no clause quoted for {item}"
            for e in item["evidence"]:
                assert e["file"] and e["start_line"] >= 1 and e["end_line"] >= e["start_line"] and e["quote"], item


def test_matrix_is_large_and_never_expects_allowed_with_duties() -> None:
    assert len(SCENARIOS) >= 80
    assert len({s["id"] for s in SCENARIOS}) == len(SCENARIOS)
    for s in SCENARIOS:
        accepted = _accepted(s)
        assert set(accepted) <= set(VERDICTS), s["id"]
        assert not ("allowed" in accepted and s.get("duties")), s["id"]


@pytest.mark.parametrize("s", _ids("license"))
def test_licence_scenario_verdict(s: dict[str, Any], kb: KnowledgeBase) -> None:
    entry = kb.get(s["license"])
    terms = license_terms(kb)(entry) if entry else []
    v: Verdict = evaluate(terms, [s["license"]], _profile(s), kb, multimodal=s.get("multimodal"))
    _assert_meets(s, v.to_dict(), kb)


@pytest.mark.parametrize("s", _ids("model"))
def test_model_scenario_verdict_end_to_end(s: dict[str, Any], kb: KnowledgeBase, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no policy file of the working directory applies
    req = CheckRequest(targets=[s["model"]], offline=True, profile=s["profile"], overrides=dict(s.get("with") or {}),
                       openness=False)
    out = run_check(req, kb)
    (result,) = out.results
    assert result.error is None, result.error
    assert result.verdict is not None
    _assert_meets(s, result.verdict, kb)


def test_verdict_levels_are_ordered_from_permissive_to_strict() -> None:
    assert [severity(v) for v in VERDICTS] == sorted(severity(v) for v in VERDICTS)
