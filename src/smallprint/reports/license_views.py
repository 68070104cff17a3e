"""Terminal tables and Markdown for `license`, `explain` and `diff`.

JSON needs no view: it is `to_dict()` of the result objects (see `smallprint.pipeline.licences`).
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from smallprint.model import Evidence, LicenseResult, Term
from smallprint.reports.escape import lit, md_code, md_text, visible
from smallprint.vocabulary import CATEGORY


def fmt_value(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int) and v >= 10_000:
        return f"{v:,}"
    if isinstance(v, list):
        return "; ".join(str(x) for x in v) if v else "(none listed)"
    return str(v)


def fmt_where(ev: list[Evidence], here: str | None = None) -> str:
    """"L32" for a line of the file being reported (`here`), "file:L32" for another file."""
    if not ev:
        return "-"
    e = ev[0]
    loc = f"L{e.start_line}" if e.start_line == e.end_line else f"L{e.start_line}-{e.end_line}"
    more = f" (+{len(ev) - 1})" if len(ev) > 1 else ""
    if e.file and e.file != here:
        name = e.file if e.file.startswith("kb:") else e.file.rsplit("/", 1)[-1]
        return f"{name}:{loc}{more}"
    return f"{loc}{more}"


def _cut(s: str, n: int) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "\u2026"


def terms_table(
    terms: list[Term], title: str | None = None, here: str | None = None, quote_len: int = 200
) -> Table:
    t = Table(title=title, show_lines=False, expand=True, title_justify="left")
    t.add_column("term", style="bold", no_wrap=True)
    t.add_column("value", max_width=36)
    t.add_column("sure", no_wrap=True)
    t.add_column("from", max_width=22)
    t.add_column("where", max_width=26)
    t.add_column("clause", ratio=1, min_width=40)
    for term in terms:
        style = {"high": "green", "medium": "yellow", "low": "red"}.get(term.certainty, "")
        quote = term.evidence[0].quote if term.evidence else (term.note or "")
        if term.note and term.evidence:
            quote = f"{quote}  [{term.note}]"
        t.add_row(
            lit(term.key),
            lit(fmt_value(term.value)),
            lit(term.certainty, style),
            lit(term.source or ""),
            lit(fmt_where(term.evidence, here)),
            lit(_cut(quote, quote_len)),
        )
    return t


def render_license_table(results: list[LicenseResult], console: Console) -> None:
    for r in results:
        console.rule(lit(r.path, "bold"))
        if r.error:
            console.print(lit(f"error: {r.error}", "bold red"))
            continue
        if not r.licenses:
            console.print(
                Text(
                    "No known licence found: terms below are read from the text by clause rules.",
                    style="yellow",
                )
            )
        for m in r.licenses:
            ver = f" v{m.version}" if m.version else ""
            console.print(
                Text.assemble(
                    (visible(m.name), "bold cyan"),
                    visible(f" [{m.id}{ver}]  confidence {m.confidence:.2f}  lines {m.start_line}-{m.end_line}"
                            f"  via {m.method}"),
                )
            )
            for d in m.deviations[:12]:
                where = f"lines {d.start_line}-{d.end_line}" if d.start_line else "(absent)"
                body = d.display_text if d.kind != "removed" else d.display_reference
                console.print(
                    Text.assemble(
                        ("  ", ""),
                        (f"{d.kind:8}", "magenta"),
                        f" {where}: ",
                        visible(_cut(body, 160)),
                    )
                )
            if len(m.deviations) > 12:
                console.print(f"  ... {len(m.deviations) - 12} more deviations (use --format json)")
        for note in r.notes:
            console.print(lit(f"note: {note}", "dim"))
        if r.terms:
            console.print(terms_table(r.terms, here=r.path))


def _md_escape(s: str) -> str:
    """Input text for Markdown (one line, no live HTML or Markdown): see reports.escape."""
    return md_text(s)


def terms_markdown(terms: list[Term], here: str | None = None) -> list[str]:
    lines = [
        "| term | category | value | certainty | source | where | clause |",
        "|---|---|---|---|---|---|---|",
    ]
    for t in terms:
        quote = t.evidence[0].quote if t.evidence else (t.note or "")
        lines.append(
            f"| {md_code(t.key, in_table=True)} | {md_text(CATEGORY.get(t.key, ''))} | {_md_escape(fmt_value(t.value))} | "
            f"{md_text(t.certainty)} | {md_text(t.source or '')} | {md_text(fmt_where(t.evidence, here))} | "
            f"{_md_escape(_cut(quote, 300))} |"
        )
    return lines


def render_license_md(results: list[LicenseResult]) -> str:
    out: list[str] = ["# Licence report", ""]
    for r in results:
        out.append(f"## {md_code(r.path)}")
        out.append("")
        if r.error:
            out += [f"**Error:** {md_text(r.error)}", ""]
            continue
        if not r.licenses:
            out += [
                "No known licence found; the terms below are read from the text by clause rules.",
                "",
            ]
        for m in r.licenses:
            out.append(
                f"- **{md_text(m.name)}** ({md_code(m.id)}{md_text(', version ' + m.version) if m.version else ''}): "
                f"confidence {m.confidence:.2f}, lines {m.start_line}-{m.end_line}, via {md_text(m.method)}"
            )
            for d in m.deviations:
                where = f"lines {d.start_line}-{d.end_line}" if d.start_line else "absent"
                body = d.display_text if d.kind != "removed" else d.display_reference
                out.append(f"  - *{d.kind}* ({where}): {_md_escape(_cut(body, 300))}")
        out.append("")
        for note in r.notes:
            out += [f"_Note: {md_text(note)}_", ""]
        if r.terms:
            out += terms_markdown(r.terms, r.path)
            out.append("")
    return "\n".join(out) + "\n"


def explain_group(doc: dict[str, Any], terms: list[Term]) -> Group:
    lic = doc["license"]
    head = Text.assemble(
        (visible(lic["name"]), "bold cyan"),
        f"  [{lic['id']}]  kind {lic['kind']}  version {lic['version'] or '-'}  "
        f"published {lic['date'] or '-'} by {lic['publisher'] or '-'}",
    )
    lines: list[Any] = [head]
    ids = []
    if lic["spdx_id"]:
        ids.append(f"SPDX {lic['spdx_id']}")
    if lic["hub_id"]:
        ids.append(f"Hub tag {lic['hub_id']}")
    ids.append("OSI approved" if lic["osi_approved"] else "not OSI approved")
    lines.append(Text("  ".join(ids)))
    if lic["url"]:
        lines.append(Text(f"source: {lic['url']}"))
    if not lic["reference_text"]["present"]:
        lines.append(Text("reference text: not bundled (facts only)", style="yellow"))
    for p in doc["policies"]:
        lines.append(Text(f"incorporates: {p['name']} [{p['id']}]"))
    if lic["members"]:
        lines.append(Text("family of: " + ", ".join(lic["members"])))
    if lic["notes"]:
        lines.append(Text(f"notes: {_cut(lic['notes'], 600)}", style="dim"))
    lines.append(terms_table(terms))
    return Group(*lines)


def explain_markdown(doc: dict[str, Any], terms: list[Term]) -> str:
    lic = doc["license"]
    out = [
        f"# {md_text(lic['name'])} ({md_code(lic['id'])})",
        "",
        md_text(f"- kind: {lic['kind']}; version: {lic['version'] or '-'}; date: {lic['date'] or '-'}; "
                f"publisher: {lic['publisher'] or '-'}"),
        md_text(f"- SPDX: {lic['spdx_id'] or '-'}; Hub tag: {lic['hub_id'] or '-'}; "
                f"OSI approved: {'yes' if lic['osi_approved'] else 'no'}"),
        f"- source: {md_text(lic['url'] or '-')}",
    ]
    for p in doc["policies"]:
        out.append(f"- incorporates: {md_text(p['name'])} ({md_code(p['id'])})")
    if lic["notes"]:
        out.append(f"- notes: {_md_escape(lic['notes'])}")
    out.append("")
    out += terms_markdown(terms)
    return "\n".join(out) + "\n"
