"""`sustainability`: dated, sourced facts and a summary that reads them."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from smallprint.cli import app
from smallprint.errors import InputError
from smallprint.kb import KnowledgeBase
from smallprint.kb.entries import CatalogModel
from smallprint.selection.data import BACKER_KINDS, backers
from smallprint.selection.sustainability import direction, for_family, sustainability

TODAY = dt.date(2025, 12, 1)


def test_family_facts_each_with_a_source_and_a_date() -> None:
    s = for_family("llama", today=TODAY)
    assert [b.kind for b in s.backers] == ["big-tech"]
    d = s.to_dict()
    facts = [f for b in d["backers"] for f in b["revenue"] + b["funding"]] + d["releases"] + d["maintenance"]
    assert facts and all(f["source"] and f["date"] for f in facts)
    assert all(c["source"] and c["date"] for c in d["licence_changes"])
    first = s.licence_changes[0]
    assert (first.before, first.after, first.direction) == ("llama1", "llama2", "more permissive")
    assert s.last_release == "2025-04-29" and s.last_release_age_days == (TODAY - dt.date(2025, 4, 29)).days
    assert s.median_interval_days and "Meta Platforms (big tech)" in s.summary and "more permissive" in s.summary
    assert s.derivatives is not None and "derivatives" in s.derivatives.text


def test_a_model_gets_its_family_and_deprecations_are_maintenance_signals() -> None:
    s = sustainability("claude-3-5-sonnet-20241022", offline=True, today=TODAY)
    assert s.family == "anthropic-api" and s.backers[0].kind == "funded-start-up"
    retired = [f for f in s.maintenance if "retired" in f.text]
    assert retired and retired[0].date == "2025-10-22" and "deprecations" in (retired[0].source or "")


def test_a_derivative_reads_its_nearest_catalogued_ancestor(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path)) / "ft"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: apache-2.0\nbase_model: Qwen/Qwen2.5-7B\nnew_version: acme/ft-v2\n---\n# ft\n")
    s = sustainability(str(folder), offline=True, today=TODAY)
    assert s.family == "qwen" and any("nearest catalogued ancestor" in n for n in s.notes)
    assert any("acme/ft-v2" in f.text for f in s.maintenance)


def test_direction_is_read_from_kind_then_restrictions(kb: KnowledgeBase | None = None) -> None:
    from smallprint.kb import default_kb

    kb = default_kb()
    assert direction(kb.get("llama3"), kb.get("llama3.1"))[0] == "more permissive"
    assert direction(kb.get("apache-2.0"), kb.get("qwen"))[0] == "less permissive"
    assert direction(kb.get("mit"), None)[0] == "unknown"


def test_every_backer_has_a_known_kind_and_a_sourced_kind_fact() -> None:
    for b in backers():
        assert b.kind in BACKER_KINDS
        assert b.kind_fact is not None and b.kind_fact.source and b.kind_fact.date, b.id


def test_unknown_family_and_cli_formats() -> None:
    with pytest.raises(InputError):
        for_family("no-such-family")
    runner = CliRunner()
    for fmt in ("table", "md", "html", "json"):
        res = runner.invoke(app, ["sustainability", "qwen", "--offline", "-f", fmt])
        assert res.exit_code == 0, res.output
    doc = json.loads(runner.invoke(app, ["sustainability", "qwen", "--offline", "-f", "json"]).stdout)
    assert doc["schema"] == "smallprint/sustainability/1" and doc["as_of"] == "2025-12-01"
    assert doc["backers"][0]["name"] == "Alibaba Group"


def test_catalog_model_fields_for_selection_load() -> None:
    from smallprint.kb import default_kb

    m = default_kb().model("openai/gpt-oss-20b")
    assert isinstance(m, CatalogModel) and m.context_length == 131072 and m.pipeline_tag == "text-generation"


def test_check_reports_carry_a_sustainability_section() -> None:
    runner = CliRunner()
    md = runner.invoke(app, ["check", "claude-3-5-sonnet-20241022", "--offline", "-f", "md"])
    assert md.exit_code == 0 and "### Sustainability" in md.stdout and "Anthropic (funded start up)" in md.stdout
    assert "retired by its provider" in md.stdout
    page = runner.invoke(app, ["check", "meta-llama/Llama-3.1-8B", "--offline", "-f", "html"])
    assert page.exit_code == 0 and 'id="m1-sustainability"' in page.stdout and "investor.atmeta.com" in page.stdout
