"""Terminal table and Markdown for `smallprint licenses`: the licences the knowledge base knows."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from smallprint.kb import LicenseEntry
from smallprint.reports.escape import lit, md_code, md_text

COLUMNS = ("id", "name", "version", "kind", "SPDX", "Hub tag", "text")


def _row(e: LicenseEntry) -> tuple[str, ...]:
    return (e.id, e.name, e.version or "", e.kind, e.spdx_id or "", e.hub_id or "",
            "yes" if e.text.present else "no")


def render_licenses_table(entries: Sequence[LicenseEntry], console: Console) -> None:
    t = Table(title=f"{len(entries)} licences", title_justify="left")
    for c in COLUMNS:
        t.add_column(c)
    for e in entries:
        t.add_row(*(lit(x) for x in _row(e)))
    console.print(t)


def render_licenses_md(entries: Sequence[LicenseEntry]) -> str:
    rows = [
        "| id | name | version | kind | SPDX | Hub tag | text |",
        "|---|---|---|---|---|---|---|",
    ]
    for e in entries:
        i, name, version, kind, spdx, hub, text = _row(e)
        rows.append(
            f"| {md_code(i, in_table=True)} | {md_text(name)} | {md_text(version)} | {md_text(kind)} | "
            f"{md_text(spdx)} | {md_text(hub)} | {text} |"
        )
    return "\n".join(rows)
