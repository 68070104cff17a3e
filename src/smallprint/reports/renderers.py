"""Every format behind one signature: `render(value, ctx: ReportContext) -> str`.

These are what the registry (`smallprint.reports.registry`) names; each one hands the
typed results and the context to a view module (tables, Markdown, HTML, SARIF, BOMs) or to
`smallprint.documents` for JSON. Terminal tables are rendered into text at the context's
width so every front end gets a string.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from smallprint import documents
from smallprint.reports.context import ReportContext

if TYPE_CHECKING:
    from rich.console import Console

    from smallprint.kb import LicenseEntry
    from smallprint.model import CheckResult, LicenseResult
    from smallprint.pipeline.licences import Explanation, LicenseDiff
    from smallprint.scan import ScanReport


def _dumps(doc: Any, *, ascii_only: bool = False) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=ascii_only)


def _tabled(draw: Callable[[Console], None], ctx: ReportContext) -> str:
    buf = io.StringIO()
    draw(ctx.console(buf))
    return buf.getvalue()


# -- check ------------------------------------------------------------------------------


def check_table(results: Sequence[CheckResult], ctx: ReportContext) -> str:
    from smallprint.reports.check_views import render_check_table

    return _tabled(lambda con: render_check_table(list(results), con), ctx)


def check_json(results: Sequence[CheckResult], ctx: ReportContext) -> str:
    return _dumps(documents.check_document(results))


def check_md(results: Sequence[CheckResult], ctx: ReportContext) -> str:
    from smallprint.reports.check_views import render_check_md

    return render_check_md(list(results))


def check_html(results: Sequence[CheckResult], ctx: ReportContext) -> str:
    from smallprint.reports.html import render_html

    return render_html(list(results), ctx.title, ctx=ctx)


def check_sarif(results: Sequence[CheckResult], ctx: ReportContext) -> str:
    from smallprint.reports.sarif import to_sarif

    return _dumps(to_sarif(results, ctx.references, ctx.fallback_uri), ascii_only=True)


def check_cyclonedx(results: Sequence[CheckResult], ctx: ReportContext) -> str:
    from smallprint.reports.cyclonedx import render_cyclonedx

    return render_cyclonedx(list(results), ctx)


def check_spdx(results: Sequence[CheckResult], ctx: ReportContext) -> str:
    from smallprint.reports.spdx3 import build_spdx3

    return build_spdx3(list(results), ctx)


# -- license ----------------------------------------------------------------------------


def license_table(results: Sequence[LicenseResult], ctx: ReportContext) -> str:
    from smallprint.reports.license_views import render_license_table

    return _tabled(lambda con: render_license_table(list(results), con), ctx)


def license_json(results: Sequence[LicenseResult], ctx: ReportContext) -> str:
    return _dumps(documents.license_document(results))


def license_md(results: Sequence[LicenseResult], ctx: ReportContext) -> str:
    from smallprint.reports.license_views import render_license_md

    return render_license_md(list(results))


# -- explain ----------------------------------------------------------------------------


def explain_table(ex: Explanation, ctx: ReportContext) -> str:
    from smallprint.reports.license_views import explain_group

    return _tabled(lambda con: con.print(explain_group(documents.explain_document(ex), ex.terms)), ctx)


def explain_json(ex: Explanation, ctx: ReportContext) -> str:
    return _dumps(documents.explain_document(ex))


def explain_md(ex: Explanation, ctx: ReportContext) -> str:
    from smallprint.reports.license_views import explain_markdown

    return explain_markdown(documents.explain_document(ex), ex.terms)


# -- diff -------------------------------------------------------------------------------


def diff_table(d: LicenseDiff, ctx: ReportContext) -> str:
    from smallprint.reports.diff_views import render_diff_table

    return _tabled(lambda con: render_diff_table(d, con), ctx)


def diff_json(d: LicenseDiff, ctx: ReportContext) -> str:
    return _dumps(documents.diff_document(d))


def diff_md(d: LicenseDiff, ctx: ReportContext) -> str:
    from smallprint.reports.diff_views import render_diff_md

    return render_diff_md(d)


# -- licenses (the knowledge base's list) ------------------------------------------------


def licenses_table(entries: Sequence[LicenseEntry], ctx: ReportContext) -> str:
    from smallprint.reports.catalog_views import render_licenses_table

    return _tabled(lambda con: render_licenses_table(entries, con), ctx)


def licenses_json(entries: Sequence[LicenseEntry], ctx: ReportContext) -> str:
    return _dumps(documents.licenses_document(entries), ascii_only=True)


def licenses_md(entries: Sequence[LicenseEntry], ctx: ReportContext) -> str:
    from smallprint.reports.catalog_views import render_licenses_md

    return render_licenses_md(entries)


# -- lineage ----------------------------------------------------------------------------


def lineage_table(result: CheckResult, ctx: ReportContext) -> str:
    from smallprint.reports.lineage_views import render_lineage_table

    return _tabled(lambda con: render_lineage_table(result, con), ctx)


def lineage_json(result: CheckResult, ctx: ReportContext) -> str:
    return _dumps(documents.lineage_document(result))


def lineage_md(result: CheckResult, ctx: ReportContext) -> str:
    from smallprint.reports.lineage_views import render_lineage_md

    return render_lineage_md(result)


# -- openness ---------------------------------------------------------------------------


def openness_table(results: Sequence[Any], ctx: ReportContext) -> str:
    from smallprint.reports.openness_views import openness_table as draw

    return _tabled(lambda con: draw(documents.openness_document(results), con), ctx)


def openness_json(results: Sequence[Any], ctx: ReportContext) -> str:
    return _dumps(documents.openness_document(results))


def openness_md(results: Sequence[Any], ctx: ReportContext) -> str:
    from smallprint.reports.openness_views import openness_md as draw

    return draw(documents.openness_document(results))


# -- scan -------------------------------------------------------------------------------


def scan_table(report: ScanReport, ctx: ReportContext) -> str:
    from smallprint.reports.scan_views import render_scan_table

    return _tabled(lambda con: render_scan_table(report, con), ctx)


def scan_json(report: ScanReport, ctx: ReportContext) -> str:
    return _dumps(documents.scan_document(report))


def scan_md(report: ScanReport, ctx: ReportContext) -> str:
    from smallprint.reports.scan_views import render_scan_md

    return render_scan_md(report)
