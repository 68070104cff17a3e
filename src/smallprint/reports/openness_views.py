"""Terminal table and Markdown for `smallprint openness`."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

CLASS_NAMES: dict[Any, str] = {0: "unclassified", 1: "Class I (Open Science)", 2: "Class II (Open Tooling)", 3: "Class III (Open Model)"}


def _pct(v: Any) -> str:
    try:
        return f"{float(v):.1f}%"
    except (TypeError, ValueError):
        return "-"


def _difference(d: Any) -> str:
    if not isinstance(d, dict):
        return str(d)
    return f"{d.get('what')}: the tool says {d.get('tool')!r}, smallprint {d.get('smallprint')!r} ({d.get('reason')})"


def _missing(osaid: dict[str, Any]) -> list[str]:
    out = []
    for m in osaid.get("missing") or []:
        out.append(m.get("detail") or f"{m.get('component')}: {m.get('problem')}" if isinstance(m, dict) else str(m))
    return out


def openness_table(doc: dict[str, Any], console: Console) -> None:
    for r in doc.get("results", []):
        console.rule(Text(str(r.get("target")), style="bold"))
        if r.get("error"):
            console.print(Text(f"error: {r['error']}", style="bold red"))
            continue
        osaid = r.get("osaid") or {}
        mof = r.get("mof") or {}
        console.print(Text.assemble(("OSAID 1.0: ", "bold"), (str(osaid.get("verdict")), "cyan")))
        for m in _missing(osaid):
            console.print(f"  - {m}")
        prog = mof.get("progress") or {}
        console.print(
            Text.assemble(
                ("MOF: ", "bold"),
                (CLASS_NAMES.get(mof.get("class"), str(mof.get("class"))), "cyan"),
                f"  progress: class I {_pct(prog.get('1'))}, II {_pct(prog.get('2'))}, III {_pct(prog.get('3'))}"
                f"  ({mof.get('mode', '')})",
            )
        )
        comps = mof.get("components") or []
        if comps:
            t = Table(expand=True)
            for c in ("component", "class", "status", "licence", "why", "source"):
                t.add_column(c)
            for c in comps:
                t.add_row(
                    str(c.get("name")), str(c.get("class")), str(c.get("status")), str(c.get("license") or "-"),
                    str(c.get("reason") or ""), ("inferred: " if c.get("inferred") else "") + str(c.get("source") or ""),
                )
            console.print(t)
        for d in mof.get("differences") or []:
            console.print(Text(f"differs from the Model Openness Tool: {_difference(d)}", style="yellow"))
        for n in mof.get("notes") or []:
            console.print(Text(f"note: {n}", style="dim"))
        for f in r.get("findings") or []:
            console.print(Text(f"{f.get('severity')}: {f.get('code')}: {f.get('message')}", style="yellow"))


def openness_md(doc: dict[str, Any]) -> str:
    out = ["# Openness report", ""]
    for r in doc.get("results", []):
        out += [f"## {r.get('target')}", ""]
        if r.get("error"):
            out += [f"**Error:** {r['error']}", ""]
            continue
        osaid = r.get("osaid") or {}
        mof = r.get("mof") or {}
        prog = mof.get("progress") or {}
        out.append(f"- OSAID 1.0: **{osaid.get('verdict')}**")
        out += [f"  - {m}" for m in _missing(osaid)]
        out.append(
            f"- MOF: **{CLASS_NAMES.get(mof.get('class'), mof.get('class'))}**; class I {_pct(prog.get('1'))}, "
            f"II {_pct(prog.get('2'))}, III {_pct(prog.get('3'))}"
        )
        comps = mof.get("components") or []
        if comps:
            out += ["", "| component | class | status | licence | why |", "|---|---|---|---|---|"]
            for c in comps:
                out.append(
                    f"| {c.get('name')} | {c.get('class')} | {c.get('status')} | {c.get('license') or '-'} | "
                    f"{str(c.get('reason') or '').replace('|', '/')} |"
                )
        for d in mof.get("differences") or []:
            out.append(f"- differs from the Model Openness Tool: {_difference(d)}")
        for n in mof.get("notes") or []:
            out.append(f"- note: {n}")
        for f in r.get("findings") or []:
            out.append(f"- **{f.get('code')}** ({f.get('severity')}): {f.get('message')}")
        out.append("")
    return "\n".join(out) + "\n"
