"""Terminal tree and Markdown for `smallprint lineage`: one model's ancestry with each licence."""

from __future__ import annotations

from rich.console import Console

from smallprint.model import CheckResult
from smallprint.reports.check_views import _lineage_tree, _md_tree
from smallprint.reports.escape import lit, md_text

LINEAGE_FINDINGS = ("license-conflicts-with-base", "naming-requirement", "ancestor-unresolved",
                    "broken-metadata", "noncommercial-data", "lineage-truncated")
"""The findings about ancestry, shown under the tree."""


def render_lineage_table(r: CheckResult, console: Console) -> None:
    tree = _lineage_tree(r.lineage)
    if tree is not None:
        console.print(tree)
    for f in r.findings:
        if f.code in LINEAGE_FINDINGS:
            console.print(lit(f"{f.severity}: {f.code}: {f.message}"))


def render_lineage_md(r: CheckResult) -> str:
    return "\n".join([f"# Lineage of {md_text(r.model_id or r.target)}", "", *_md_tree(r.lineage)])
