"""Terminal table and Markdown for `smallprint scan-code`: the models a code base uses."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from smallprint.reports.escape import lit, md_code, md_text
from smallprint.scan import ModelReference, ScanReport


def render_scan_table(report: ScanReport, console: Console) -> None:
    models = report.models()
    t = Table(title=lit(f"{len(models)} models in {report.root} ({report.files_scanned} files)"), title_justify="left")
    for c in ("model", "kind", "provider", "where"):
        t.add_column(c)
    for name, refs in models.items():
        t.add_row(lit(name), lit(refs[0].kind), lit(refs[0].provider or ""), lit(_where(refs, 4)))
    console.print(t)
    for r in report.unresolved:
        console.print(lit(f"unresolved: {r.location}: {r.expression}"))
    for path, why in _unread(report):
        console.print(lit(f"not read: {path}: {why}", "yellow"))
    if report.truncated:
        console.print(lit(f"truncated: {_truncation(report)}", "bold yellow"))


def _where(refs: list[ModelReference], n: int) -> str:
    """Locations (and the repository file a download names), the first n of them."""
    out = ", ".join(f"{r.location} ({r.filename})" if r.filename else r.location for r in refs[:n])
    return out + (f" (+{len(refs) - n})" if len(refs) > n else "")


def _unread(report: ScanReport) -> list[tuple[str, str]]:
    """Files (not skipped folders) that could not be read: syntax errors, binary, limits."""
    return [(p, w) for p, w in report.skipped if w not in _FOLDER_REASONS]


_FOLDER_REASONS = ("vendored or generated directory", "virtual environment", "test fixtures")


def _truncation(report: ScanReport) -> str:
    why = next((w for _, w in report.skipped if "limit" in w and "reached" in w), "a limit was reached")
    return f"the scan stopped early ({why}); the results are incomplete"


def render_scan_md(report: ScanReport) -> str:
    lines = [f"# Models used in {md_code(report.root)}", "", "| model | kind | where |", "|---|---|---|"]
    for name, refs in report.models().items():
        lines.append(f"| {md_code(name, in_table=True)} | {md_text(refs[0].kind)} | {md_text(_where(refs, 5))} |")
    if report.unresolved:
        lines += ["", "Unresolved references:", ""]
        lines += [f"- {md_text(r.location)}: {md_code(r.expression)}" for r in report.unresolved]
    unread = _unread(report)
    if unread:
        lines += ["", "Not read:", ""]
        lines += [f"- {md_code(p)}: {md_text(w)}" for p, w in unread]
    if report.truncated:
        lines += ["", f"**Truncated:** {md_text(_truncation(report))}"]
    return "\n".join(lines)
