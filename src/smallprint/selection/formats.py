"""The report formats of `select`, `compare`, `sustainability` and `choose`, added to the report
registry (`smallprint.reports.registry`) on import: table, json, md and html for each."""

from __future__ import annotations

from smallprint.reports.registry import register

_V = "smallprint.selection.views"
SUBJECTS = ("select", "compare", "sustainability", "choose")

for _subject in SUBJECTS:
    register(_subject, "table", f"{_V}:{_subject}_table_r", description="terminal table")
    register(_subject, "json", f"{_V}:json_r", media_type="application/json", suffix=".json",
             description=f"smallprint/{_subject}/1")
    register(_subject, "md", f"{_V}:{_subject}_md_r", media_type="text/markdown", suffix=".md")
    register(_subject, "html", f"{_V}:{_subject}_html_r", media_type="text/html", suffix=".html",
             description="one self-contained page")
