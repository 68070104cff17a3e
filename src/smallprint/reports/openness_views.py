"""Terminal table and Markdown for `smallprint openness`."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from smallprint.reports.escape import lit, md_text, visible

CLASS_NAMES: dict[Any, str] = {0: "unclassified", 1: "Class I (Open Science)", 2: "Class II (Open Tooling)", 3: "Class III (Open Model)"}


def _pct(v: Any) -> str:
    try:
        return f"{float(v):.1f}%"
    except (TypeError, ValueError):
        return "-"


def _class_name(c: Any) -> str:
    try:
        return CLASS_NAMES.get(c) or str(c)
    except TypeError:  # an unhashable class from a hand-written file
        return str(c)


def _difference(d: Any) -> str:
    if not isinstance(d, dict):
        return str(d)
    return f"{d.get('what')}: the tool says {d.get('tool')!r}, smallprint {d.get('smallprint')!r} ({d.get('reason')})"


def _missing(osaid: dict[str, Any]) -> list[str]:
    out = []
    for m in osaid.get("missing") or []:
        out.append(str(m.get("detail") or f"{m.get('component')}: {m.get('problem')}") if isinstance(m, dict) else str(m))
    return out


def openness_table(doc: dict[str, Any], console: Console) -> None:
    for r in doc.get("results", []):
        console.rule(lit(r.get("target"), "bold"))
        if r.get("error"):
            console.print(lit(f"error: {r['error']}", "bold red"))
            continue
        osaid = r.get("osaid") or {}
        mof = r.get("mof") or {}
        console.print(Text.assemble(("OSAID 1.0: ", "bold"), (visible(osaid.get("verdict")), "cyan")))
        for m in _missing(osaid):
            console.print(lit(f"  - {m}"))
        prog = mof.get("progress") or {}
        console.print(
            Text.assemble(
                ("MOF: ", "bold"),
                (visible(_class_name(mof.get("class"))), "cyan"),
                visible(f"  progress: class I {_pct(prog.get('1'))}, II {_pct(prog.get('2'))}, III {_pct(prog.get('3'))}"
                        f"  ({mof.get('mode', '')})"),
            )
        )
        comps = mof.get("components") or []
        if comps:
            t = Table(expand=True)
            for c in ("component", "class", "status", "licence", "why", "source"):
                t.add_column(c)
            for c in comps:
                t.add_row(
                    lit(c.get("name")), lit(c.get("class")), lit(c.get("status")), lit(c.get("license") or "-"),
                    lit(c.get("reason") or ""), lit(("inferred: " if c.get("inferred") else "") + str(c.get("source") or "")),
                )
            console.print(t)
        for d in mof.get("differences") or []:
            console.print(lit(f"differs from the Model Openness Tool: {_difference(d)}", "yellow"))
        for n in mof.get("notes") or []:
            console.print(lit(f"note: {n}", "dim"))
        for f in r.get("findings") or []:
            console.print(lit(f"{f.get('severity')}: {f.get('code')}: {f.get('message')}", "yellow"))


def openness_md(doc: dict[str, Any]) -> str:
    out = ["# Openness report", ""]
    for r in doc.get("results", []):
        out += [f"## {md_text(r.get('target'))}", ""]
        if r.get("error"):
            out += [f"**Error:** {md_text(r['error'])}", ""]
            continue
        osaid = r.get("osaid") or {}
        mof = r.get("mof") or {}
        prog = mof.get("progress") or {}
        out.append(f"- OSAID 1.0: **{md_text(osaid.get('verdict'))}**")
        out += [f"  - {md_text(m)}" for m in _missing(osaid)]
        out.append(
            f"- MOF: **{md_text(_class_name(mof.get('class')))}**; class I {_pct(prog.get('1'))}, "
            f"II {_pct(prog.get('2'))}, III {_pct(prog.get('3'))}"
        )
        comps = mof.get("components") or []
        if comps:
            out += ["", "| component | class | status | licence | why |", "|---|---|---|---|---|"]
            for c in comps:
                out.append(
                    f"| {md_text(c.get('name'))} | {md_text(c.get('class'))} | {md_text(c.get('status'))} | "
                    f"{md_text(c.get('license') or '-')} | {md_text(c.get('reason') or '')} |"
                )
        for d in mof.get("differences") or []:
            out.append(f"- differs from the Model Openness Tool: {md_text(_difference(d))}")
        for n in mof.get("notes") or []:
            out.append(f"- note: {md_text(n)}")
        for f in r.get("findings") or []:
            out.append(f"- **{md_text(f.get('code'))}** ({md_text(f.get('severity'))}): {md_text(f.get('message'))}")
        out.append("")
    return "\n".join(out) + "\n"
