"""A failure while checking one target is that target's error, never a confident answer,
and every other target is still checked and reported, in every output format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smallprint.errors import SourceError
from smallprint.pipeline.check import check_targets
from smallprint.pipeline.run import CheckRequest, run_check

CARD = "---\nlicense: other\nlicense_name: acme-model-licence\n---\n# acme model\nSome text.\n"


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture
def card(tmp_path: Path) -> str:
    p = tmp_path / "README.md"
    p.write_text(CARD, encoding="utf-8")
    return str(p)


def _crash(*args: object, **kwargs: object) -> list[object]:
    raise RuntimeError("matcher bug")


def test_a_crashing_matcher_makes_the_result_an_error_not_no_license(
    monkeypatch: pytest.MonkeyPatch, card: str
) -> None:
    import smallprint.identify

    monkeypatch.setattr(smallprint.identify, "identify_reference", _crash)
    monkeypatch.setattr(smallprint.identify, "identify_text", _crash)
    [r] = check_targets([card], offline=True)
    assert r.error is not None and "RuntimeError: matcher bug" in r.error
    assert not any(f.code == "no-license" for f in r.findings)
    assert r.verdict is None and not r.license.licenses


def test_a_crashing_evaluator_is_an_error_and_the_other_targets_survive(
    monkeypatch: pytest.MonkeyPatch, card: str
) -> None:
    import smallprint.pipeline.check as pipeline_check

    real = pipeline_check.findings_for

    def crash_for_the_card(facts, *args, **kwargs):  # type: ignore[no-untyped-def]
        if facts.target == card:
            raise KeyError("evaluator bug")
        return real(facts, *args, **kwargs)

    monkeypatch.setattr(pipeline_check, "findings_for", crash_for_the_card)
    results = check_targets(["gpt-4o", card, "meta-llama/Llama-3.1-8B"], offline=True)
    assert [r.target for r in results] == ["gpt-4o", card, "meta-llama/Llama-3.1-8B"]
    assert results[1].error and "KeyError" in results[1].error
    assert results[0].error is None and results[0].license.licenses
    assert results[2].error is None and results[2].license.licenses[0].id == "llama3.1"


@pytest.mark.parametrize("fmt", ["json", "cyclonedx", "spdx", "sarif", "md", "html", "table"])
def test_every_format_reports_the_failed_target_and_the_others(
    monkeypatch: pytest.MonkeyPatch, card: str, fmt: str
) -> None:
    import smallprint.pipeline.check as pipeline_check
    from smallprint.reports import ReportContext, render

    def crash(facts, *a, **k):  # type: ignore[no-untyped-def]
        raise RuntimeError("evaluator bug")

    monkeypatch.setattr(pipeline_check, "findings_for",
                        lambda facts, *a, **k: crash(facts) if facts.target == card else [])
    out = run_check(CheckRequest(targets=["meta-llama/Llama-3.1-8B", card], offline=True, preset="commercial-saas"))
    assert out.exit_code == 2
    text = render("check", fmt, out.results, ReportContext.create())
    assert "Llama-3.1-8B" in text
    assert "RuntimeError: evaluator bug" in text  # the failed target is reported, not dropped
    if fmt == "cyclonedx":
        from smallprint.reports.cyclonedx import validate_cyclonedx

        assert validate_cyclonedx(text) is None
    if fmt == "spdx":
        from smallprint.reports.spdx3 import validate_spdx3

        assert validate_spdx3(text) is None
    if fmt == "json":
        doc = json.loads(text)
        assert doc["results"][1]["error"].startswith("internal error: RuntimeError")
        assert doc["results"][0]["verdict"]["verdict"] in ("conditions", "needs-agreement", "unclear", "blocked")


def test_a_source_error_carries_its_kind_and_target() -> None:
    [r] = check_targets(["nobody-here/not-a-model"], offline=True)
    assert r.error and "not in the local Hugging Face cache" in r.error
    e = SourceError("x: gone", kind="not-found", target="x")
    assert (e.kind, e.target, str(e)) == ("not-found", "x", "x: gone")
