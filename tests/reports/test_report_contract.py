"""The reporter contract: `render(value, ctx)` through a registry, against the context's
knowledge base and clock; the JSON documents are built by the library, not the CLI."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import pytest

from smallprint import documents
from smallprint.kb import KnowledgeBase, default_kb
from smallprint.model import CheckResult
from smallprint.reports import ReportContext, formats, render
from smallprint.reports.registry import get_format

CUSTOM_URL = "https://example.org/our-reviewed-copy-of-llama-3.1"


def _custom_kb() -> KnowledgeBase:
    """A caller-built knowledge base whose llama3.1 entry carries its own URL."""
    base = default_kb()
    entries = [dataclasses.replace(e, url=CUSTOM_URL) if e.id == "llama3.1" else e for e in base]
    return KnowledgeBase(entries, base.models.values())


def _llama_result() -> CheckResult:
    from smallprint.check import check_targets

    [r] = check_targets(["meta-llama/Llama-3.1-8B"], offline=True, openness=False)
    assert r.license.licenses[0].id == "llama3.1"
    return r


def test_cyclonedx_uses_the_context_knowledge_base_not_the_default() -> None:
    kb = _custom_kb()
    ctx = ReportContext.create(kb, now=datetime(2026, 1, 1, tzinfo=UTC))
    bom = json.loads(render("check", "cyclonedx", [_llama_result()], ctx))
    urls = [lic["license"].get("url") for c in bom["components"] for lic in c.get("licenses", [])]
    assert CUSTOM_URL in urls
    assert bom["metadata"]["timestamp"].startswith("2026-01-01T00:00:00")


def test_html_and_spdx_take_the_clock_from_the_context() -> None:
    ctx = ReportContext.create(now=datetime(2025, 3, 4, 5, 6, tzinfo=UTC))
    results = [_llama_result()]
    assert "generated 2025-03-04 05:06 UTC" in render("check", "html", results, ctx)
    assert "2025-03-04T05:06:00" in render("check", "spdx", results, ctx)


def test_every_check_format_is_registered_in_the_order_the_cli_lists_them() -> None:
    assert formats("check") == ["table", "json", "md", "html", "sarif", "cyclonedx", "spdx"]
    for subject in ("license", "explain", "diff", "licenses", "lineage", "openness", "scan"):
        assert formats(subject) == ["table", "json", "md"]
        for name in formats(subject):
            assert callable(get_format(subject, name).load())


def test_an_unknown_format_is_a_one_line_input_error() -> None:
    from smallprint.errors import InputError

    with pytest.raises(InputError, match="expected one of: table, json, md, html"):
        get_format("check", "pdf")


def test_library_users_build_every_json_document() -> None:
    r = _llama_result()
    lineage = documents.lineage_document(r)
    assert lineage["schema"] == "smallprint/lineage/1"
    assert [n["id"] for n in lineage["lineage"]][0] == "meta-llama/Llama-3.1-8B"
    assert documents.check_document([r])["schema"] == "smallprint/check/1"
    kb = default_kb()
    doc = documents.licenses_document([kb.get("llama3.1")])  # type: ignore[list-item]
    assert doc["schema"] == "smallprint/licenses/1" and doc["licenses"][0]["id"] == "llama3.1"


def test_a_table_renders_to_text_at_the_context_width() -> None:
    text = render("check", "table", [_llama_result()], ReportContext.create(width=100))
    assert "llama3.1" in text
    assert max(len(line) for line in text.splitlines()) <= 100
