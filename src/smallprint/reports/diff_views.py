"""Terminal table and Markdown for `smallprint diff`."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from smallprint.model import Term
from smallprint.pipeline.licences import LicenseDiff
from smallprint.reports.escape import lit, md_code, md_text, visible
from smallprint.reports.license_views import _cut, _md_escape, fmt_value, fmt_where


def _val(t: Term | None) -> str:
    return "(not stated)" if t is None else fmt_value(t.value)


def render_diff_table(d: LicenseDiff, console: Console) -> None:
    console.rule(lit(f"{d.a.label}  vs  {d.b.label}", "bold"))
    if not d.changed_terms:
        console.print("Terms that differ: none")
    else:
        console.print(_terms_table(d))
    if d.same_terms:
        console.print(lit("Same: " + ", ".join(d.same_terms), "dim"))
    if not d.passages:
        console.print("Changed passages: none")
    else:
        _print_passages(d, console)


def _terms_table(d: LicenseDiff) -> Table:
    t = Table(title="Terms that differ", title_justify="left", expand=True)
    t.add_column("term", style="bold", no_wrap=True)
    t.add_column(lit(d.a.label), ratio=1)
    t.add_column(lit(d.b.label), ratio=1)
    for c in d.changed_terms:
        a = visible(_val(c.a)) + (f"\n{visible(fmt_where(c.a.evidence))}" if c.a and c.a.evidence else "")
        b = visible(_val(c.b)) + (f"\n{visible(fmt_where(c.b.evidence))}" if c.b and c.b.evidence else "")
        t.add_row(lit(c.key), Text(a), Text(b))
    return t


def _print_passages(d: LicenseDiff, console: Console) -> None:
    p = Table(title="Changed passages", title_justify="left", expand=True)
    p.add_column("kind", no_wrap=True)
    p.add_column(lit(d.a.label), ratio=1)
    p.add_column(lit(d.b.label), ratio=1)
    for x in d.passages[:60]:
        p.add_row(lit(x.kind), lit(_cut(x.display_reference, 300)), lit(_cut(x.display_text, 300)))
    console.print(p)
    if len(d.passages) > 60:
        console.print(f"... {len(d.passages) - 60} more passages (use --format json)")


def render_diff_md(d: LicenseDiff) -> str:
    out = [f"# {md_code(d.a.label)} vs {md_code(d.b.label)}", "", "## Terms that differ", ""]
    if d.changed_terms:
        out += [f"| term | {md_text(d.a.label)} | {md_text(d.b.label)} |", "|---|---|---|"]
    else:
        out.append("None.")
    for c in d.changed_terms:
        out.append(f"| {md_code(c.key, in_table=True)} | {_md_escape(_val(c.a))} | {_md_escape(_val(c.b))} |")
    if d.same_terms:
        out += ["", "Same: " + ", ".join(md_code(k) for k in d.same_terms)]
    out += ["", "## Changed passages", ""]
    if not d.passages:
        out.append("None.")
    for x in d.passages:
        out.append(
            f"- *{md_text(x.kind)}*: ~~{_md_escape(_cut(x.display_reference, 300))}~~ → {_md_escape(_cut(x.display_text, 300))}"
        )
    return "\n".join(out) + "\n"
