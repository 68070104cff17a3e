"""Terminal table and Markdown for `smallprint scan-code`: the models a code base uses."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from smallprint.scan import ScanReport


def render_scan_table(report: ScanReport, console: Console) -> None:
    models = report.models()
    t = Table(title=f"{len(models)} models in {report.root} ({report.files_scanned} files)", title_justify="left")
    for c in ("model", "kind", "provider", "where"):
        t.add_column(c)
    for name, refs in models.items():
        t.add_row(name, refs[0].kind, refs[0].provider or "", ", ".join(r.location for r in refs[:4]))
    console.print(t)
    for r in report.unresolved:
        console.print(f"unresolved: {r.location}: {r.expression}")


def render_scan_md(report: ScanReport) -> str:
    lines = [f"# Models used in `{report.root}`", "", "| model | kind | where |", "|---|---|---|"]
    for name, refs in report.models().items():
        lines.append(f"| `{name}` | {refs[0].kind} | {', '.join(r.location for r in refs[:5])} |")
    if report.unresolved:
        lines += ["", "Unresolved references:", ""]
        lines += [f"- {r.location}: `{r.expression}`" for r in report.unresolved]
    return "\n".join(lines)
