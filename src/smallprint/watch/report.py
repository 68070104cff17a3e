"""How a watch run or a diff is shown: terminal table, Markdown digest, HTML digest, JSON.

JSON is `smallprint/watch/1` (see README). The digests put the changes first, each
with before, after and the evidence, then the models checked."""

from __future__ import annotations

import html
import json
from typing import Any

from smallprint.watch.changes import Change

SCHEMA = "smallprint/watch/1"
_ORDER = {"error": 0, "warning": 1, "info": 2}


def _v(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return ", ".join(str(x.get("id") or x.get("name") or x) for x in value) or "(none)"
        return "; ".join(map(str, value)) or "(none)"
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items() if v is not None)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _where(ev: dict[str, Any]) -> str:
    f = ev.get("file")
    if f is None and ev.get("message"):
        return str(ev["message"])
    line = ev.get("start_line")
    place = f"{f}:L{line}" if f and line else (str(f) if f else "")
    quote = ev.get("quote")
    if ev.get("license") and not quote:
        return f"{place} ({ev['license']}, sha256 {str(ev.get('text_sha256') or '')[:12]})"
    return f"{place} {quote!r}" if quote else place


def sorted_changes(changes: list[Change]) -> list[Change]:
    return sorted(changes, key=lambda c: (_ORDER.get(c.severity, 3), c.target, c.code))


def changes_md(changes: list[Change], *, title: str, lines: list[str] | None = None) -> str:
    out = [f"# {title}", ""]
    out += lines or []
    if lines:
        out.append("")
    if not changes:
        out.append("No changes.")
        return "\n".join(out) + "\n"
    out.append(f"## Changes ({len(changes)})")
    out.append("")
    for c in sorted_changes(changes):
        out.append(f"### {c.severity.upper()} `{c.code}`: {_md(c.target)}")
        out.append("")
        out.append(_md(c.message))
        out.append("")
        out.append(f"- before: {_md(_v(c.before))}")
        out.append(f"- after: {_md(_v(c.after))}")
        if c.cause:
            out.append(f"- cause: {c.cause} (the texts themselves did not change)")
        if c.descendants:
            out.append("- re-validate: " + ", ".join(f"`{_md(d)}`" for d in c.descendants))
        for side in ("before", "after"):
            for ev in (c.evidence or {}).get(side, [])[:3]:
                out.append(f"  - {side}: {_md(_where(ev))}")
        if c.clauses:
            out += _clauses_md(c.clauses)
        out.append("")
    return "\n".join(out) + "\n"


def _clauses_md(cl: dict[str, Any]) -> list[str]:
    out = ["", "Terms that differ:" if cl.get("changed_terms") else "Terms that differ: none"]
    for t in cl.get("changed_terms") or []:
        a, b = t.get("a") or {}, t.get("b") or {}
        out.append(f"- `{t.get('key')}`: {_md(_v(a.get('value')) if a else '(not stated)')} → "
                   f"{_md(_v(b.get('value')) if b else '(not stated)')}")
    passages = cl.get("passages") or []
    out.append("")
    out.append("Changed passages:" if passages else "Changed passages: none")
    for p in passages:
        out.append(f"- *{p.get('kind')}*: ~~{_md(_cut(p.get('a') or ''))}~~ → {_md(_cut(p.get('b') or ''))}")
    if cl.get("passages_omitted"):
        out.append(f"- ... {cl['passages_omitted']} more passages")
    return out


def _cut(s: str, n: int = 300) -> str:
    s = " ".join(str(s).split())
    return s if len(s) <= n else s[: n - 3] + "..."


def _md(s: Any) -> str:
    text = str(s).replace("\r", " ").replace("\n", " ")
    for ch in "\\`*_[]<>|~#":
        text = text.replace(ch, "\\" + ch)
    return text


def changes_html(changes: list[Change], *, title: str, lines: list[str] | None = None) -> str:
    e = html.escape
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{e(title)}</title><style>body{{font:14px/1.45 system-ui,sans-serif;max-width:70em;margin:2em auto;padding:0 1em}}"
        ".error{border-left:4px solid #b00020}.warning{border-left:4px solid #c77700}.info{border-left:4px solid #777}"
        "section{padding:.2em 1em;margin:1em 0;background:#fafafa}del{color:#8b0000}ins{color:#064}"
        "code{background:#eee;padding:0 .2em}</style></head><body>",
        f"<h1>{e(title)}</h1>",
    ]
    for line in lines or []:
        parts.append(f"<p>{e(line)}</p>")
    if not changes:
        parts.append("<p>No changes.</p>")
    for c in sorted_changes(changes):
        parts.append(f"<section class='{e(c.severity)}'><h2>{e(c.severity.upper())} <code>{e(c.code)}</code> {e(c.target)}</h2>")
        parts.append(f"<p>{e(c.message)}</p><ul><li>before: {e(_v(c.before))}</li><li>after: {e(_v(c.after))}</li>")
        if c.cause:
            parts.append(f"<li>cause: {e(c.cause)}</li>")
        if c.descendants:
            parts.append("<li>re-validate: " + ", ".join(f"<code>{e(d)}</code>" for d in c.descendants) + "</li>")
        for side in ("before", "after"):
            for ev in (c.evidence or {}).get(side, [])[:3]:
                parts.append(f"<li>{side}: {e(_where(ev))}</li>")
        parts.append("</ul>")
        if c.clauses:
            for t in c.clauses.get("changed_terms") or []:
                a, b = t.get("a") or {}, t.get("b") or {}
                parts.append(f"<p><code>{e(str(t.get('key')))}</code>: <del>{e(_v(a.get('value')) if a else '(not stated)')}</del> "
                             f"→ <ins>{e(_v(b.get('value')) if b else '(not stated)')}</ins></p>")
            for p in c.clauses.get("passages") or []:
                parts.append(f"<p><em>{e(str(p.get('kind')))}</em>: <del>{e(_cut(p.get('a') or ''))}</del> → "
                             f"<ins>{e(_cut(p.get('b') or ''))}</ins></p>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


def print_changes(changes: list[Change], console: Any) -> None:
    from rich.table import Table

    if not changes:
        console.print("No changes.")
        return
    t = Table(title=f"Changes ({len(changes)})", title_justify="left", expand=True)
    t.add_column("severity", no_wrap=True)
    t.add_column("change", no_wrap=True)
    t.add_column("model")
    t.add_column("before", ratio=1)
    t.add_column("after", ratio=1)
    t.add_column("what", ratio=2)
    from rich.markup import escape

    for c in sorted_changes(changes):
        t.add_row(c.severity, c.code, escape(c.target), escape(_cut(_v(c.before), 120)),
                  escape(_cut(_v(c.after), 120)), escape(c.message))
    console.print(t)
    for c in changes:
        if c.clauses and (c.clauses.get("passages") or c.clauses.get("changed_terms")):
            console.print(f"[bold]{escape(c.target)}[/bold]: changed clauses")
            for tt in c.clauses.get("changed_terms") or []:
                a, b = tt.get("a") or {}, tt.get("b") or {}
                console.print(f"  {escape(str(tt.get('key')))}: {escape(_v(a.get('value')) if a else '(not stated)')} -> "
                              f"{escape(_v(b.get('value')) if b else '(not stated)')}")
            for p in (c.clauses.get("passages") or [])[:10]:
                console.print(f"  {p.get('kind')}: {escape(_cut(p.get('a') or '', 160))!r} -> {escape(_cut(p.get('b') or '', 160))!r}")
