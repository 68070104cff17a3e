"""Terminal view and Markdown for `smallprint check` results (same content as the HTML)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from smallprint.model import CheckResult, LineageNode
from smallprint.reports.escape import lit, md_code, md_text, visible
from smallprint.reports.license_views import (
    _cut,
    _md_escape,
    fmt_where,
    terms_markdown,
    terms_table,
)


def missing_text(items: Any) -> list[str]:
    """OSAID missing pieces ({piece, component, problem, detail} or plain text) as text."""
    out = []
    for m in items or []:
        if isinstance(m, dict):
            out.append(str(m.get("detail") or f"{m.get('component')}: {m.get('problem')}"))
        else:
            out.append(str(m))
    return out


def _label(r: CheckResult) -> str:
    """The model id, or "product: model id" for inventory entries."""
    return r.target if ": " in r.target else (r.model_id or r.target)


BRIEF_OVER = 3
"""With more results than this, the terminal view leaves out the per-model terms tables."""

SEV_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
VERDICT_STYLE = {
    "allowed": "bold green",
    "conditions": "bold yellow",
    "unclear": "bold cyan",
    "needs-agreement": "bold red",
    "blocked": "bold red",
}


def _lineage_tree(nodes: list[LineageNode]) -> Tree | None:
    if not nodes:
        return None
    by_id = {n.id: n for n in nodes}
    root = next((n for n in nodes if n.depth == 0), nodes[0])

    def label(n: LineageNode) -> Text:
        rel = f" ({n.relation})" if n.relation else ""
        rel += f" [{n.inferred}]" if n.inferred else ""
        return lit(f"{n.id} — {n.license_name or n.license_id or 'licence unknown'}{rel} [{n.resolved_from}]")

    tree = Tree(label(root))

    def add(t: Tree, n: LineageNode, seen: frozenset[str]) -> None:
        for p in n.parents:
            if p in seen:
                t.add(lit(f"{p} (cycle)"))
                continue
            child = by_id.get(p)
            if child is None:
                t.add(lit(f"{p} (not resolved)"))
                continue
            add(t.add(label(child)), child, seen | {p})

    add(tree, root, frozenset({root.id}))
    return tree


def waiver_note(verdict: Mapping[str, Any]) -> str | None:
    """Why a verdict does not fail the gate: the policy exception that waives it."""
    if not verdict.get("waived"):
        return None
    exc = verdict.get("exception") or {}
    until = f" until {exc['expires']}" if exc.get("expires") else ""
    reason = f": {exc['reason']}" if exc.get("reason") else ""
    return f"waived by the policy exception for '{exc.get('model', '?')}'{until}{reason}"


def _summary_verdict(verdict: Mapping[str, Any] | None) -> str:
    v = verdict.get("verdict") if verdict else None
    v = v or "-"
    return f"{v} (waived)" if verdict and verdict.get("waived") else v


def render_check_table(results: list[CheckResult], console: Console) -> None:
    summary = Table(title="Summary", title_justify="left")
    for c in ("model", "licence", "verdict", "findings"):
        summary.add_column(c)
    for r in results:
        level = r.verdict.get("verdict") if r.verdict else None
        summary.add_row(
            lit(_label(r)),
            lit(", ".join(m.id for m in r.license.licenses) or ("error" if r.error else "unknown")),
            lit(_summary_verdict(r.verdict), VERDICT_STYLE.get(level or "", "")),
            lit(", ".join(sorted({f.code for f in r.findings})) or "-"),
        )
    for r in results:
        console.rule(lit(_label(r), "bold"))
        if r.error:
            console.print(lit(f"error: {r.error}", "bold red"))
            continue
        for m in r.license.licenses:
            console.print(
                Text.assemble(
                    ("licence: ", "bold"),
                    (visible(m.name), "cyan"),
                    visible(f" [{m.id}] confidence {m.confidence:.2f} via {m.method}"),
                )
            )
        if not r.license.licenses:
            console.print(Text("licence: not resolved", style="yellow"))
        tree = _lineage_tree(r.lineage)
        if tree is not None and len(r.lineage) > 1:
            console.print(Text("lineage:", style="bold"))
            console.print(tree)
        if r.verdict:
            v = r.verdict
            console.print(
                Text.assemble(
                    ("verdict: ", "bold"),
                    (visible(v.get("verdict")), VERDICT_STYLE.get(str(v.get("verdict")), "")),
                    visible(f"  (profile {v.get('profile')})"),
                )
            )
            if waiver_note(v):
                console.print(lit(f"  {waiver_note(v)}"))
            for x in v.get("reasons", []):
                console.print(lit(f"  - {x.get('message')}"))
            for d in v.get("duties", []):
                console.print(lit(f"  [ ] {d.get('duty')}"))
        if r.openness:
            o = r.openness
            console.print(
                Text.assemble(
                    ("openness: ", "bold"),
                    visible(f"OSAID {(o.get('osaid') or {}).get('verdict')}, MOF class "
                            f"{(o.get('mof') or {}).get('class')}"),
                )
            )
        if r.terms and len(results) <= BRIEF_OVER:
            console.print(terms_table(r.terms, title="effective terms", quote_len=90))
        elif r.terms:
            console.print(
                Text(f"{len(r.terms)} terms: check this model alone, or use --format md/html, for the small print", style="dim")
            )
        if r.findings:
            ft = Table(title="findings", title_justify="left", expand=True)
            ft.add_column("severity", no_wrap=True)
            ft.add_column("code", no_wrap=True)
            ft.add_column("message", ratio=2)
            ft.add_column("where", ratio=1)
            for f in r.findings:
                ft.add_row(
                    lit(f.severity, SEV_STYLE.get(f.severity, "")),
                    lit(f.code),
                    lit(f.message),
                    lit(fmt_where(f.evidence)),
                )
            console.print(ft)
    console.print(summary)


def _md_tree(nodes: list[LineageNode]) -> list[str]:
    out: list[str] = []
    by_id = {n.id: n for n in nodes}

    def walk(n: LineageNode, depth: int, seen: frozenset[str]) -> None:
        rel = f" ({n.relation})" if n.relation else ""
        rel += f" [{n.inferred}]" if n.inferred else ""
        out.append(
            f"{'  ' * depth}- {md_code(n.id)}: {md_text((n.license_name or n.license_id or 'licence unknown') + rel)}"
        )
        for p in n.parents:
            c = by_id.get(p)
            if c is None or p in seen:
                out.append(
                    f"{'  ' * (depth + 1)}- {md_code(p)} (not resolved)"
                    if c is None
                    else f"{'  ' * (depth + 1)}- {md_code(p)} (cycle)"
                )
            else:
                walk(c, depth + 1, seen | {p})

    roots = [n for n in nodes if n.depth == 0] or nodes[:1]
    for r in roots:
        walk(r, 0, frozenset({r.id}))
    return out


def _sustainability_md(r: CheckResult) -> list[str]:
    """Who keeps the model alive (smallprint.selection.sustainability), dated to the report time."""
    from smallprint.reports.clock import report_time
    from smallprint.selection.views import check_sustainability_md

    return check_sustainability_md(r, today=report_time().date())


def render_check_md(results: list[CheckResult]) -> str:
    out = [
        "# smallprint report",
        "",
        "| model | licence | verdict | findings |",
        "|---|---|---|---|",
    ]
    for r in results:
        label = _summary_verdict(r.verdict)
        out.append(
            f"| {md_text(r.model_id or r.target)} | {md_text(', '.join(m.id for m in r.license.licenses) or 'unknown')} | "
            f"**{md_text(label)}** | {md_text(', '.join(sorted({f.code for f in r.findings})) or '-')} |"
        )
    for r in results:
        out += ["", f"## {md_text(r.model_id or r.target)}", ""]
        if r.error:
            out.append(f"**Error:** {md_text(r.error)}")
            continue
        for m in r.license.licenses:
            out.append(
                f"- Licence: **{md_text(m.name)}** ({md_code(m.id)}), confidence {m.confidence:.2f}, via {md_text(m.method)}"
            )
        if r.verdict:
            v: Mapping[str, Any] = r.verdict
            out += ["", f"### Verdict: **{md_text(v.get('verdict'))}** (profile {md_code(v.get('profile'))})", ""]
            note = waiver_note(v)
            if note:
                out += [f"_{_md_escape(note)}_", ""]
            for x in v.get("reasons", []):
                out.append(f"- {_md_escape(str(x.get('message')))}")
            if v.get("duties"):
                out += ["", "Duties:", ""]
                out += [f"- [ ] {_md_escape(str(d.get('duty')))}" for d in v["duties"]]
        if r.lineage:
            out += ["", "### Lineage", ""] + _md_tree(r.lineage)
        if r.openness:
            o: Mapping[str, Any] = r.openness
            out += [
                "",
                "### Openness",
                "",
                f"- OSAID: **{md_text((o.get('osaid') or {}).get('verdict'))}**; missing: "
                + "; ".join(md_text(m) for m in missing_text((o.get("osaid") or {}).get("missing"))),
                f"- MOF class: **{md_text((o.get('mof') or {}).get('class'))}**; progress: "
                + ", ".join(
                    md_text(f"class {k}: {pv}%")
                    for k, pv in sorted(((o.get("mof") or {}).get("progress") or {}).items(), key=str)
                ),
            ]
        out += _sustainability_md(r)
        if r.terms:
            out += ["", "### The small print", ""] + terms_markdown(r.terms)
        if r.findings:
            out += [
                "",
                "### Findings",
                "",
                "| severity | code | message | where |",
                "|---|---|---|---|",
            ]
            for f in r.findings:
                q = f.evidence[0].quote if f.evidence else ""
                out.append(
                    f"| {md_text(f.severity)} | {md_code(f.code, in_table=True)} | {_md_escape(f.message)} "
                    f"{('<br>_' + _md_escape(_cut(q, 200)) + '_') if q else ''} | "
                    f"{md_text(fmt_where(f.evidence))} |"
                )
    return "\n".join(out) + "\n"
