"""How `select`, `compare`, `sustainability` and `choose` are shown: terminal tables (rich),
Markdown, one self-contained HTML page, and JSON (`to_dict()` of each answer, with its schema).

Every text that came from input (model ids, quotes, reasons) is escaped for its format:
Markdown table cells lose their pipes and line breaks, HTML goes through `html.escape`, rich
markup is never interpreted (`markup=False`, `Text` cells)."""

from __future__ import annotations

import html
import json
from typing import Any

from smallprint.selection.choose import Choice as ReleaseChoice
from smallprint.selection.compare import ROWS, Comparison
from smallprint.selection.select import Selection
from smallprint.selection.sustainability import Sustainability


def to_json(answer: Selection | Comparison | Sustainability | ReleaseChoice) -> str:
    return json.dumps(answer.to_dict(), indent=2, ensure_ascii=False)


def _md(text: Any) -> str:
    s = " ".join(str(text if text is not None else "").split())
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _h(text: Any) -> str:
    return html.escape(str(text if text is not None else ""))


_CSS = """body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:1rem 0}
th,td{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top;text-align:left;font-size:.9rem}
th{background:#f3f3f3}.allowed{color:#11702b}.conditions{color:#8a5a00}.blocked{color:#b00020}
.unclear,.needs-agreement{color:#7a3db8}small{color:#555}li{margin:.2rem 0}@media print{body{margin:0}}"""


def _page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{_h(title)}</title>"
            f"<style>{_CSS}</style></head><body><h1>{_h(title)}</h1>\n{body}\n</body></html>\n")


# --- select -------------------------------------------------------------------------------------


def _rank_text(c: Any) -> str:
    r = c.rank
    parts = [f"{len(r.duties)} duties (weight {r.duty_weight})", r.osaid or "openness not assessed",
             f"MOF {r.mof_class}" if r.mof_class is not None else ""]
    if r.last_release_days is not None:
        parts.append(f"family last release {r.last_release_days} days ago")
    if r.deprecated:
        parts.append(f"deprecated {r.deprecated}")
    return ", ".join(p for p in parts if p)


def select_md(s: Selection) -> str:
    out = [f"# Models allowed under `{_md(s.profile)}`", "",
           f"{len(s.chosen)} selected" + (f" (first {len(s.shown)} shown)" if len(s.shown) < len(s.chosen) else "")
           + f", {len(s.excluded)} left out.", "",
           "| # | model | licence | verdict | rank inputs |", "|---|---|---|---|---|"]
    for i, c in enumerate(s.shown, 1):
        closed = " (closed, API)" if c.closed else ""
        out.append(f"| {i} | `{_md(c.model_id)}`{closed} | {_md(c.license)} | {_md(c.rank.verdict)} | {_md(_rank_text(c))} |")
    if s.excluded:
        out += ["", "## Left out", ""]
        out += [f"- `{_md(e.model_id)}`: **{_md(e.verdict)}**: {_md(e.reason)}" + (f" — {_md(e.clause)}" if e.clause else "")
                for e in s.excluded]
    out += _filtered_md(s)
    return "\n".join(out) + "\n"


def _filtered_md(s: Selection) -> list[str]:
    out = []
    if s.filtered_out:
        out += ["", "Not matching the filters: " + ", ".join(f"{_md(k)}: {v}" for k, v in sorted(s.filtered_out.items()))]
    out += [f"\n_{_md(n)}_" for n in s.notes]
    return out


def select_html(s: Selection) -> str:
    rows = "".join(
        f"<tr><td>{i}</td><td>{_h(c.model_id)}{' <small>(closed, API)</small>' if c.closed else ''}</td>"
        f"<td>{_h(c.license)}</td><td class=\"{_h(c.rank.verdict)}\">{_h(c.rank.verdict)}</td>"
        f"<td>{_h(_rank_text(c))}<br><small>{_h('; '.join(c.rank.duties))}</small></td></tr>"
        for i, c in enumerate(s.shown, 1))
    body = (f"<p>{len(s.chosen)} selected, {len(s.excluded)} left out.</p><table><tr><th>#</th><th>model</th>"
            f"<th>licence</th><th>verdict</th><th>rank inputs and duties</th></tr>{rows}</table>")
    if s.excluded:
        items = "".join(f"<li><b>{_h(e.model_id)}</b>: <span class=\"{_h(e.verdict)}\">{_h(e.verdict)}</span>: "
                        f"{_h(e.reason)}{'<br><small>' + _h(e.clause) + '</small>' if e.clause else ''}</li>"
                        for e in s.excluded)
        body += f"<h2>Left out</h2><ul>{items}</ul>"
    if s.filtered_out:
        body += "<p>Not matching the filters: " + _h(", ".join(f"{k}: {v}" for k, v in sorted(s.filtered_out.items()))) + "</p>"
    body += "".join(f"<p><small>{_h(n)}</small></p>" for n in s.notes)
    return _page(f"Models allowed under {s.profile}", body)


def select_table(s: Selection, console: Any) -> None:
    from rich.table import Table
    from rich.text import Text

    t = Table(title=f"{len(s.chosen)} models allowed under {s.profile}" +
              (f" (first {len(s.shown)})" if len(s.shown) < len(s.chosen) else ""), title_justify="left")
    for col in ("#", "model", "licence", "verdict", "rank inputs"):
        t.add_column(col)
    for i, c in enumerate(s.shown, 1):
        t.add_row(str(i), Text(c.model_id + (" (closed, API)" if c.closed else "")), Text(c.license or ""),
                  c.rank.verdict, Text(_rank_text(c)))
    console.print(t)
    if s.excluded:
        console.print(f"Left out ({len(s.excluded)}):")
        for e in s.excluded:
            console.print(Text(e.line()), soft_wrap=True)
    if s.filtered_out:
        console.print(Text("Not matching the filters: " + ", ".join(f"{k}: {v}" for k, v in sorted(s.filtered_out.items()))))
    for n in s.notes:
        console.print(Text(n))


# --- compare ------------------------------------------------------------------------------------


def _name(col: Any) -> str:
    return (col.model_id or col.target) + (" (closed, API)" if col.closed else "")


def compare_md(c: Comparison) -> str:
    out = [f"# Comparison under `{_md(c.profile)}`", "",
           "| | " + " | ".join(f"`{_md(_name(col))}`" for col in c.columns) + " |",
           "|---|" + "---|" * len(c.columns)]
    for key, label in ROWS:
        cells = []
        for col in c.columns:
            cell = col.cells.get(key)
            cells.append(_md(col.error) if col.error else _md(cell.value if cell else "-"))
        out.append(f"| {_md(label)} | " + " | ".join(cells) + " |")
    out += ["", "## Clauses", ""]
    for col in c.columns:
        quoted = [(lbl, col.cells[k].clause) for k, lbl in ROWS if k in col.cells and col.cells[k].clause]
        if quoted:
            out.append(f"- `{_md(_name(col))}`")
            out += [f"  - {_md(lbl)}: {_md(q)}" for lbl, q in quoted]
    out += [f"\n_{_md(n)}_" for n in c.notes]
    return "\n".join(out) + "\n"


def compare_html(c: Comparison) -> str:
    head = "".join(f"<th>{_h(_name(col))}</th>" for col in c.columns)
    rows = ""
    for key, label in ROWS:
        tds = ""
        for col in c.columns:
            cell = col.cells.get(key)
            if col.error:
                tds += f"<td>{_h(col.error)}</td>"
                continue
            cls = f" class=\"{_h(cell.value.split(' ')[0])}\"" if key == "verdict" and cell else ""
            clause = f"<br><small>{_h(cell.clause)}</small>" if cell and cell.clause else ""
            tds += f"<td{cls}>{_h(cell.value if cell else '-')}{clause}</td>"
        rows += f"<tr><th>{_h(label)}</th>{tds}</tr>"
    notes = "".join(f"<p><small>{_h(n)}</small></p>" for n in c.notes)
    return _page(f"Comparison under {c.profile}", f"<table><tr><th></th>{head}</tr>{rows}</table>{notes}")


def compare_table(c: Comparison, console: Any) -> None:
    from rich.table import Table
    from rich.text import Text

    t = Table(title=f"Comparison under {c.profile}", title_justify="left", show_lines=True)
    t.add_column("")
    for col in c.columns:
        t.add_column(Text(_name(col)))
    for key, label in ROWS:
        t.add_row(label, *[Text(col.error if col.error else (col.cells[key].value if key in col.cells else "-"))
                           for col in c.columns])
    console.print(t)
    for n in c.notes:
        console.print(Text(n))


# --- sustainability -----------------------------------------------------------------------------


def _facts_lines(s: Sustainability) -> list[tuple[str, str, str | None, str | None]]:
    """(section, fact, source, date) rows: everything the summary reads."""
    rows: list[tuple[str, str, str | None, str | None]] = []
    for b in s.backers:
        if b.kind_fact:
            rows.append(("backer", f"{b.name}: {b.kind_fact.text} ({b.kind})", b.kind_fact.source, b.kind_fact.date))
        else:
            rows.append(("backer", f"{b.name} ({b.kind})", None, None))
        rows += [("funding", f.text, f.source, f.date) for f in b.funding]
        rows += [("revenue", f.text, f.source, f.date) for f in b.revenue]
    rows += [("release", f.text, f.source, f.date) for f in s.releases]
    rows += [("licence", f"{c.before} to {c.after}: {c.direction} ({c.why}); e.g. {', '.join(c.models)}", c.source, c.date)
             for c in s.licence_changes]
    if s.derivatives:
        rows.append(("derivatives", s.derivatives.text, s.derivatives.source, s.derivatives.date))
    rows += [("maintenance", f.text, f.source, f.date) for f in s.maintenance]
    return rows


def sustainability_md(s: Sustainability) -> str:
    out = [f"# Sustainability: {_md(s.subject)}", "", _md(s.summary), "",
           "| fact | | source | date |", "|---|---|---|---|"]
    out += [f"| {_md(a)} | {_md(b)} | {_md(c or '')} | {_md(d or '')} |" for a, b, c, d in _facts_lines(s)]
    out += [f"\n_{_md(n)}_" for n in s.notes]
    return "\n".join(out) + "\n"


def sustainability_html(s: Sustainability) -> str:
    rows = "".join(f"<tr><td>{_h(a)}</td><td>{_h(b)}</td><td>{_h(c or '')}</td><td>{_h(d or '')}</td></tr>"
                   for a, b, c, d in _facts_lines(s))
    notes = "".join(f"<p><small>{_h(n)}</small></p>" for n in s.notes)
    return _page(f"Sustainability: {s.subject}", f"<p>{_h(s.summary)}</p><table><tr><th>fact</th><th></th>"
                 f"<th>source</th><th>date</th></tr>{rows}</table>{notes}")


def sustainability_table(s: Sustainability, console: Any) -> None:
    from rich.table import Table
    from rich.text import Text

    console.print(Text(s.summary))
    t = Table(title=f"Sustainability facts: {s.subject} (as of {s.today})", title_justify="left")
    for col in ("fact", "", "source", "date"):
        t.add_column(col)
    for a, b, c, d in _facts_lines(s):
        t.add_row(a, Text(b), Text(c or ""), d or "")
    console.print(t)
    for n in s.notes:
        console.print(Text(n))


# --- choose ---------------------------------------------------------------------------------------


def choose_md(c: ReleaseChoice) -> str:
    rec = c.recommendation
    out = [f"# A licence for `{_md(c.model_id or c.target)}` (goal: {_md(c.goal)})", "",
           f"**Recommended: {_md(rec.id) if rec else 'none'}**" + (f" — {_md(rec.reasons[0])}" if rec and rec.reasons else ""),
           ]
    if c.data_recommendation:
        out.append(f"For data you publish: **{_md(c.data_recommendation.id)}**")
    out += [f"- {_md(n)}" for n in c.notes]
    for title, status in (("You may use", "may"), ("You may not use", "may-not"), ("Unclear", "unclear")):
        opts = [o for o in c.options if o.status == status]
        if not opts:
            continue
        out += ["", f"## {title}", ""]
        for o in opts:
            out.append(f"- **{_md(o.id)}** ({_md(', '.join(o.covers))}): {_md('; '.join(o.reasons))}")
            out += [f"  - clause: {_md(q)}" for q in o.clauses[:2]]
    if c.duties:
        out += ["", "## Duties the release inherits", ""]
        out += [f"- [ ] {_md(d.duty)} (from {_md(d.source)})" + (f" — {_md(d.clause)}" if d.clause else "") for d in c.duties]
    if c.findings:
        out += ["", "## Findings", ""]
        out += [f"- **{_md(f.code)}** ({f.severity}): {_md(f.message)}" for f in c.findings]
    out += ["", "## OSAID release checklist", "",
            f"MOF class now: {c.mof_now}; with the recommended licence: {c.mof_with_recommendation}; "
            f"with the checklist done: {c.mof_with_checklist} (OSAID: {c.osaid_with_checklist or 'n/a'})", ""]
    out += [f"- [ ] {_md(i.get('component'))}: {_md(i.get('problem'))} — publish under {_md(i.get('publish_under') or '?')}"
            for i in c.checklist]
    return "\n".join(out) + "\n"


def choose_html(c: ReleaseChoice) -> str:
    rec = c.recommendation
    body = f"<p><b>Recommended: {_h(rec.id if rec else 'none')}</b>"
    body += f" — {_h(rec.reasons[0])}</p>" if rec and rec.reasons else "</p>"
    if c.data_recommendation:
        body += f"<p>For data you publish: <b>{_h(c.data_recommendation.id)}</b></p>"
    body += "".join(f"<p><small>{_h(n)}</small></p>" for n in c.notes)
    body += "<table><tr><th>licence</th><th>for</th><th>status</th><th>reason and clause</th></tr>"
    for o in c.options:
        clauses = "".join(f"<br><small>{_h(q)}</small>" for q in o.clauses[:2])
        body += (f"<tr><td>{_h(o.id)}</td><td>{_h(', '.join(o.covers))}</td><td>{_h(o.status)}</td>"
                 f"<td>{_h('; '.join(o.reasons))}{clauses}</td></tr>")
    body += "</table>"
    if c.duties:
        body += "<h2>Duties the release inherits</h2><ul>" + "".join(
            f"<li><input type=\"checkbox\"> {_h(d.duty)} <small>(from {_h(d.source)}) {_h(d.clause or '')}</small></li>"
            for d in c.duties) + "</ul>"
    if c.findings:
        body += "<h2>Findings</h2><ul>" + "".join(f"<li><b>{_h(f.code)}</b>: {_h(f.message)}</li>" for f in c.findings) + "</ul>"
    body += (f"<h2>OSAID release checklist</h2><p>MOF class now: {_h(c.mof_now)}; with the recommended licence: "
             f"{_h(c.mof_with_recommendation)}; with the checklist done: {_h(c.mof_with_checklist)} "
             f"(OSAID: {_h(c.osaid_with_checklist or 'n/a')})</p><ul>")
    body += "".join(f"<li><input type=\"checkbox\"> {_h(i.get('component'))}: {_h(i.get('problem'))} — publish under "
                    f"{_h(i.get('publish_under') or '?')}</li>" for i in c.checklist) + "</ul>"
    return _page(f"A licence for {c.model_id or c.target} (goal: {c.goal})", body)


def choose_table(c: ReleaseChoice, console: Any) -> None:
    from rich.table import Table
    from rich.text import Text

    rec = c.recommendation
    console.print(Text(f"Recommended: {rec.id if rec else 'none'}" + (f" ({rec.reasons[0]})" if rec and rec.reasons else "")))
    if c.data_recommendation:
        console.print(Text(f"For data you publish: {c.data_recommendation.id}"))
    for n in c.notes:
        console.print(Text(n))
    t = Table(title=f"Established licences for {c.model_id or c.target} (goal: {c.goal})", title_justify="left")
    for col in ("licence", "for", "status", "reason", "clause"):
        t.add_column(col)
    for o in c.options:
        t.add_row(o.id, ", ".join(o.covers), o.status, Text("; ".join(o.reasons)), Text(o.clauses[0] if o.clauses else ""))
    console.print(t)
    for d in c.duties:
        console.print(Text(f"duty: {d.duty} (from {d.source})"))
    for f in c.findings:
        console.print(Text(f"{f.severity}: {f.code}: {f.message}"))
    console.print(Text(f"OSAID checklist: MOF class now {c.mof_now}, with the recommended licence "
                       f"{c.mof_with_recommendation}, with the checklist done {c.mof_with_checklist} "
                       f"(OSAID {c.osaid_with_checklist or 'n/a'})"))
    for i in c.checklist:
        console.print(Text(f"  [ ] {i.get('component')}: {i.get('problem')}; publish under {i.get('publish_under') or '?'}"))


# --- the report registry's signature: render(value, ctx) -> str ---------------------------------


def _tabled(draw: Any, value: Any, ctx: Any) -> str:
    import io

    buf = io.StringIO()
    draw(value, ctx.console(buf))
    return buf.getvalue()


def select_table_r(value: Selection, ctx: Any) -> str:
    return _tabled(select_table, value, ctx)


def compare_table_r(value: Comparison, ctx: Any) -> str:
    return _tabled(compare_table, value, ctx)


def sustainability_table_r(value: Sustainability, ctx: Any) -> str:
    return _tabled(sustainability_table, value, ctx)


def choose_table_r(value: ReleaseChoice, ctx: Any) -> str:
    return _tabled(choose_table, value, ctx)


def json_r(value: Any, ctx: Any) -> str:
    return to_json(value)


def select_md_r(value: Selection, ctx: Any) -> str:
    return select_md(value)


def compare_md_r(value: Comparison, ctx: Any) -> str:
    return compare_md(value)


def sustainability_md_r(value: Sustainability, ctx: Any) -> str:
    return sustainability_md(value)


def choose_md_r(value: ReleaseChoice, ctx: Any) -> str:
    return choose_md(value)


def select_html_r(value: Selection, ctx: Any) -> str:
    return select_html(value)


def compare_html_r(value: Comparison, ctx: Any) -> str:
    return compare_html(value)


def sustainability_html_r(value: Sustainability, ctx: Any) -> str:
    return sustainability_html(value)


def choose_html_r(value: ReleaseChoice, ctx: Any) -> str:
    return choose_html(value)


# --- the sustainability section of check reports ------------------------------------------------


def _check_section(r: Any, kb: Any, today: Any) -> Sustainability | None:
    from smallprint.errors import SmallprintError
    from smallprint.selection.sustainability import for_result

    if getattr(r, "error", None):
        return None
    try:
        return for_result(r, kb, today=today)
    except (SmallprintError, OSError):
        return None


def check_sustainability_md(r: Any, kb: Any = None, today: Any = None) -> list[str]:
    """`### Sustainability` of one model in the check Markdown report: the reading and its backer facts."""
    s = _check_section(r, kb, today)
    if s is None:
        return []
    out = ["", "### Sustainability", "", _md(s.summary)]
    out += [f"- {_md(a)}: {_md(b)} ({_md(c or 'no source')}, {_md(d or 'undated')})"
            for a, b, c, d in _facts_lines(s) if a in ("backer", "funding", "revenue", "maintenance")]
    return out


def check_sustainability_html(r: Any, kb: Any = None, today: Any = None) -> str:
    """The sustainability section of one model in the check HTML report."""
    s = _check_section(r, kb, today)
    if s is None:
        return '<p class="muted">Not assessed.</p>'
    items = "".join(f"<li>{_h(a)}: {_h(b)} <small>({_h(c or 'no source')}, {_h(d or 'undated')})</small></li>"
                    for a, b, c, d in _facts_lines(s) if a in ("backer", "funding", "revenue", "maintenance"))
    return f"<p>{_h(s.summary)}</p>" + (f"<ul>{items}</ul>" if items else "")
