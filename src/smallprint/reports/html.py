"""A self-contained HTML report for reviewers: no network, no scripts needed, prints well.

Built with the standard library's `html.escape` rather than a template engine: the
page is one fixed layout, and escaping every value in one place keeps it safe.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from smallprint import __version__
from smallprint.kb import KnowledgeBase
from smallprint.model import CheckResult, Evidence, LineageNode, Term
from smallprint.reports.context import ReportContext
from smallprint.reports.license_views import fmt_value

MAX_DOC_LINES = 4000

CSS = """
:root{--ink:#1d2430;--muted:#5b6573;--line:#d9dee5;--bg:#f6f8fa;--accent:#0b5cad;
--ok:#1a7f37;--warn:#9a6700;--bad:#cf222e;--info:#0969da}
*{box-sizing:border-box}
body{font:14px/1.5 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);
margin:0;background:#fff}
header.top{background:#17202b;color:#fff;padding:20px 32px}
header.top h1{margin:0;font-size:22px;letter-spacing:.2px}
header.top .meta{color:#b8c2cc;font-size:12px;margin-top:4px}
main{padding:24px 32px;max-width:1200px}
h2{font-size:18px;border-bottom:2px solid var(--line);padding-bottom:4px;margin-top:36px}
h3{font-size:15px;margin:22px 0 8px}
table{border-collapse:collapse;width:100%;margin:8px 0 16px}
th,td{border:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th{background:var(--bg);font-weight:600}
code,pre{font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;
border:1px solid currentColor;white-space:nowrap}
.v-allowed{color:var(--ok)}.v-conditions{color:var(--warn)}.v-unclear{color:var(--info)}
.v-needs-agreement{color:var(--bad)}.v-blocked{color:var(--bad)}.v-none{color:var(--muted)}
.s-error{color:var(--bad)}.s-warning{color:var(--warn)}.s-info{color:var(--info)}
.c-high{color:var(--ok)}.c-medium{color:var(--warn)}.c-low{color:var(--bad)}
.quote{color:var(--muted);font-style:italic}
.model{page-break-before:always}
.model:first-of-type{page-break-before:auto}
.appendix{page-break-before:always}
ul.tree{list-style:none;padding-left:18px;margin:4px 0}
ul.tree li{position:relative;padding-left:8px}
ul.tree li::before{content:"\\2514\\2500";position:absolute;left:-14px;color:var(--muted)}
ul.duties{list-style:none;padding-left:0}
ul.duties li{margin:4px 0}
.bar{background:var(--bg);border:1px solid var(--line);height:12px;width:220px;display:inline-block;
vertical-align:middle}
.bar span{display:block;height:100%;background:var(--accent)}
pre.doc{border:1px solid var(--line);background:var(--bg);padding:8px 0;max-height:none;overflow:auto;
white-space:pre-wrap;word-break:break-word}
pre.doc .ln{display:block;padding:0 10px 0 0}
pre.doc .ln::before{content:attr(data-n);display:inline-block;width:48px;color:#98a1ab;text-align:right;
margin-right:10px;user-select:none}
pre.doc .hl{background:#fff3c4}
pre.doc .ln:target{background:#ffd75e;outline:2px solid #e0a800}
.muted{color:var(--muted)}
footer{color:var(--muted);font-size:12px;padding:16px 32px;border-top:1px solid var(--line);margin-top:32px}
@media print{header.top{background:#fff;color:#000;border-bottom:2px solid #000}
header.top .meta{color:#333}a{color:inherit;text-decoration:none}pre.doc{max-height:none}}
"""


def e(s: Any) -> str:
    return html.escape("" if s is None else str(s), quote=True)


class _Library:
    """Every text evidence points at, once for the whole report (a licence cited by 50
    models is printed once), with the lines cited anywhere highlighted."""

    def __init__(self) -> None:
        self.keys: dict[tuple[str, int], int] = {}
        self.docs: list[tuple[str, str]] = []  # (label, text)
        self.hl: list[set[int]] = []

    def add(self, label: str, text: str) -> int:
        key = (label, hash(text))
        if key not in self.keys:
            self.keys[key] = len(self.docs)
            self.docs.append((label, text))
            self.hl.append(set())
        return self.keys[key]

    def render(self) -> str:
        out = []
        for i, (label, text) in enumerate(self.docs):
            all_lines = text.splitlines()
            lines = all_lines[:MAX_DOC_LINES]
            hl = self.hl[i]
            parts = []
            prev = 0
            for n in _window(len(lines), hl):
                if n != prev + 1:
                    parts.append('<span class="ln gap" data-n="">\u22ef</span>')
                parts.append(
                    f'<span class="ln{" hl" if n in hl else ""}" id="doc{i}-L{n}" '
                    f'data-n="{n}">{e(lines[n - 1]) or " "}</span>'
                )
                prev = n
            more = "" if len(all_lines) <= MAX_DOC_LINES else '<p class="muted">(cut)</p>'
            out.append(f'<h4 id="doc{i}"><code>{e(label)}</code></h4><pre class="doc">{"".join(parts)}</pre>{more}')
        return "".join(out)


class _Docs:
    """One model's view of the library: finds the texts its evidence points at."""

    def __init__(self, prefix: str, r: CheckResult, lib: _Library, kb: KnowledgeBase):
        self.prefix = prefix
        self.kb = kb
        self.r = r
        self.lib = lib
        self.cited: list[int] = []

    def anchor(self, ev: Evidence) -> str | None:
        if not ev.file:
            return None
        text = self._text(ev.file)
        if text is None:
            return None
        i = self.lib.add(ev.file, text)
        if i not in self.cited:
            self.cited.append(i)
        self.lib.hl[i].update(range(ev.start_line, min(ev.end_line, ev.start_line + 200) + 1))
        return f"doc{i}-L{ev.start_line}"

    def _text(self, file: str) -> str | None:
        facts = self.r.facts
        if facts and file in facts.texts:
            return facts.texts[file]
        if file.startswith("kb:"):
            kb = self.kb
            if "/" in file:  # a bundled data file: kb:models/llama.yaml
                data = kb.data_file(file[3:])
                return data.read_text(encoding="utf-8") if data is not None else None
            entry = kb.get(file[3:])
            return kb.text(entry.id) if entry else None
        return _plain_file_text(Path(file))

    def render(self) -> str:
        """Links to the texts this model's evidence cites (printed once, in the appendix)."""
        if not self.cited:
            return ""
        items = "".join(
            f'<li><a href="#doc{i}"><code>{e(self.lib.docs[i][0])}</code></a></li>' for i in self.cited
        )
        return f'<ul class="texts">{items}</ul>'


FULL_TEXT_LINES = 400
CONTEXT_LINES = 8


def _window(n_lines: int, highlighted: set[int]) -> list[int]:
    """Line numbers to show: a licence text whole; a long file (a catalog, a long card) only
    around the lines evidence points at."""
    if n_lines <= FULL_TEXT_LINES or not highlighted:
        return list(range(1, n_lines + 1))
    keep: set[int] = set()
    for h in highlighted:
        keep.update(range(max(1, h - CONTEXT_LINES), min(n_lines, h + CONTEXT_LINES) + 1))
    return sorted(keep)


def _where(ev: list[Evidence], docs: _Docs) -> str:
    parts = []
    for x in ev[:4]:
        loc = f"{x.file or ''}:{x.start_line}" + (
            f"-{x.end_line}" if x.end_line != x.start_line else ""
        )
        a = docs.anchor(x)
        parts.append(f'<a href="#{a}">{e(loc)}</a>' if a else e(loc))
    return "<br>".join(parts)


def _verdict_badge(verdict: str | None) -> str:
    v = verdict or "none"
    return f'<span class="badge v-{e(v)}">{e(verdict or "no profile")}</span>'


def _terms_table(terms: list[Term], docs: _Docs) -> str:
    if not terms:
        return '<p class="muted">No terms found.</p>'
    rows = []
    for t in terms:
        quote = t.evidence[0].quote if t.evidence else ""
        note = f'<div class="muted">{e(t.note)}</div>' if t.note else ""
        rows.append(
            f"<tr><td><code>{e(t.key)}</code></td><td>{e(fmt_value(t.value))}</td>"
            f'<td class="c-{e(t.certainty)}">{e(t.certainty)}</td><td>{e(t.source or "")}</td>'
            f'<td>{_where(t.evidence, docs)}</td><td><span class="quote">{e(quote)}</span>{note}</td></tr>'
        )
    return (
        '<table class="terms"><thead><tr><th>term</th><th>value</th><th>certainty</th><th>from</th>'
        "<th>where</th><th>clause</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def _tree(nodes: list[LineageNode]) -> str:
    if not nodes:
        return '<p class="muted">No lineage recorded.</p>'
    by_id = {n.id: n for n in nodes}
    roots = [n for n in nodes if n.depth == 0] or nodes[:1]

    def item(n: LineageNode, seen: frozenset[str]) -> str:
        rel = f" <span class='muted'>({e(n.relation)})</span>" if n.relation else ""
        rel += f" <span class='muted'>[{e(n.inferred)}]</span>" if n.inferred else ""
        lic = e(n.license_name or n.license_id or "licence unknown")
        src = f" <span class='muted'>[{e(n.resolved_from)}]</span>"
        kids = ""
        if n.id not in seen:
            sub = [by_id[p] for p in n.parents if p in by_id]
            missing = [p for p in n.parents if p not in by_id]
            inner = "".join(item(c, seen | {n.id}) for c in sub)
            inner += "".join(
                f"<li><code>{e(p)}</code> <span class='muted'>(not resolved)</span></li>"
                for p in missing
            )
            if inner:
                kids = f'<ul class="tree">{inner}</ul>'
        else:
            kids = " <span class='s-warning'>(cycle)</span>"
        return f"<li><code>{e(n.id)}</code> &mdash; {lic}{rel}{src}{kids}</li>"

    return '<ul class="tree lineage">' + "".join(item(r, frozenset()) for r in roots) + "</ul>"


def _sustainability(r: CheckResult, ctx: ReportContext) -> str:
    """Who keeps the model alive (smallprint.selection.sustainability), dated to the report time."""
    from smallprint.selection.views import check_sustainability_html

    return check_sustainability_html(r, ctx.kb, today=ctx.now.date())


def _openness(r: CheckResult) -> str:
    o: Mapping[str, Any] = r.openness or {}
    if not o:
        return '<p class="muted">Not assessed.</p>'
    osaid = o.get("osaid") or {}
    mof = o.get("mof") or {}
    out = [f"<p>OSI Open Source AI Definition 1.0: <strong>{e(osaid.get('verdict'))}</strong></p>"]
    if osaid.get("missing"):
        from smallprint.reports.check_views import missing_text

        out.append("<ul>" + "".join(f"<li>{e(m)}</li>" for m in missing_text(osaid["missing"])) + "</ul>")
    if mof:
        cls = mof.get("class")
        out.append(
            f"<p>Model Openness Framework class: <strong>{e('unclassified' if cls == 0 else cls)}</strong></p>"
        )
        prog = mof.get("progress") or {}
        rows = "".join(
            f'<tr><td>Class {e(k)}</td><td><span class="bar"><span style="width:{float(v):.0f}%"></span>'
            f"</span> {float(v):.0f}%</td></tr>"
            for k, v in sorted(prog.items())
            if isinstance(v, int | float)
        )
        if rows:
            out.append(f"<table class='mof'><tbody>{rows}</tbody></table>")
    return "".join(out)


def _findings(items: Iterable[Any], docs: _Docs) -> str:
    rows = []
    for f in items:
        ev = f.evidence if hasattr(f, "evidence") else []
        quotes = "".join(f'<div class="quote">{e(x.quote)}</div>' for x in ev[:3])
        rows.append(
            f'<tr><td class="s-{e(f.severity)}">{e(f.severity)}</td><td><code>{e(f.code)}</code></td>'
            f"<td>{e(f.message)}{quotes}</td><td>{_where(ev, docs)}</td></tr>"
        )
    if not rows:
        return '<p class="muted">No findings.</p>'
    return (
        "<table class='findings'><thead><tr><th>severity</th><th>code</th><th>message</th><th>where</th>"
        "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def _ev_from_dicts(items: list[dict[str, Any]]) -> list[Evidence]:
    out = []
    for d in items or []:
        try:
            out.append(
                Evidence(
                    d.get("file"), int(d["start_line"]), int(d["end_line"]), d.get("quote", "")
                )
            )
        except (KeyError, TypeError, ValueError):
            continue
    return out


def _verdict(r: CheckResult, docs: _Docs) -> str:
    v = r.verdict
    if not v:
        return '<p class="muted">No use profile given (use --profile or --use).</p>'
    out = [f"<p>Profile <code>{e(v.get('profile'))}</code>: {_verdict_badge(v.get('verdict'))}</p>"]
    reasons = v.get("reasons") or []
    if reasons:
        out.append("<h4>Reasons</h4><ul>")
        for x in reasons:
            ev = _ev_from_dicts(x.get("evidence") or [])
            out.append(
                f"<li>{e(x.get('message'))} <span class='muted'>{_where(ev, docs)}</span></li>"
            )
        out.append("</ul>")
    duties = v.get("duties") or []
    if duties:
        out.append('<h4>Duties</h4><ul class="duties">')
        for i, d in enumerate(duties):
            ev = _ev_from_dicts(d.get("evidence") or [])
            out.append(
                f'<li><label><input type="checkbox" id="{docs.prefix}-duty{i}"> {e(d.get("duty"))}</label> '
                f"<span class='muted'>{_where(ev, docs)}</span></li>"
            )
        out.append("</ul>")
    return "".join(out)


def _licence(r: CheckResult) -> str:
    if not r.license.licenses:
        return "<p class='s-warning'>No known licence resolved.</p>"
    rows = []
    for m in r.license.licenses:
        devs = "".join(
            f"<li><em>{e(d.kind)}</em> (lines {e(d.start_line)}-{e(d.end_line)}): {e((d.display_text if d.kind != 'removed' else d.display_reference)[:300])}</li>"
            for d in m.deviations[:20]
        )
        rows.append(
            f"<tr><td><strong>{e(m.name)}</strong><br><code>{e(m.id)}</code></td><td>{e(m.version or '')}</td>"
            f"<td>{e(m.kind)}</td><td>{m.confidence:.2f}</td><td>{e(m.method)}</td>"
            f"<td>{'<ul>' + devs + '</ul>' if devs else '<span class=muted>none</span>'}</td></tr>"
        )
    return (
        "<table class='licence'><thead><tr><th>licence</th><th>version</th><th>kind</th><th>confidence</th>"
        "<th>found by</th><th>deviations from the reference</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def _sources(r: CheckResult) -> str:
    if not r.facts or not r.facts.license_claims:
        return '<p class="muted">No licence declarations found.</p>'
    rows = "".join(
        f"<tr><td><code>{e(c.where)}</code></td><td>{e(c.value[:200])}</td>"
        f"<td>{e(', '.join(m.id for m in c.result.licenses) if c.result else '')}</td>"
        f"<td>{e(c.evidence.file)}:{e(c.evidence.start_line)}</td></tr>"
        for c in r.facts.license_claims
    )
    return (
        "<table class='sources'><thead><tr><th>declared in</th><th>value</th><th>identified as</th>"
        "<th>where</th></tr></thead><tbody>" + rows + "</tbody></table>"
    )


def render_html(results: list[CheckResult], title: str = "smallprint report",
                ctx: ReportContext | None = None) -> str:
    ctx = ctx or ReportContext.create()
    now = ctx.now.strftime("%Y-%m-%d %H:%M UTC")
    kb_date = ctx.kb.release
    summary_rows = []
    sections = []
    library = _Library()
    for i, r in enumerate(results, start=1):
        pid = f"m{i}"
        name = r.model_id or r.target
        lic = ", ".join(m.id for m in r.license.licenses) or "unknown"
        verdict = r.verdict.get("verdict") if r.verdict else None
        counts = {
            s: sum(1 for f in r.findings if f.severity == s) for s in ("error", "warning", "info")
        }
        osaid = (r.openness.get("osaid") or {}).get("verdict", "") if r.openness else ""
        summary_rows.append(
            f'<tr><td><a href="#{pid}">{e(name)}</a></td><td>{e(lic)}</td><td>{_verdict_badge(verdict)}</td>'
            f"<td>{e(osaid)}</td><td><span class='s-error'>{counts['error']}</span> / "
            f"<span class='s-warning'>{counts['warning']}</span> / <span class='s-info'>{counts['info']}</span></td></tr>"
        )
        if r.error:
            sections.append(
                f'<section class="model" id="{pid}"><h2>{e(name)}</h2><p class="s-error">{e(r.error)}</p></section>'
            )
            continue
        docs = _Docs(pid, r, library, ctx.kb)
        terms_html = _terms_table(r.terms, docs)
        verdict_html = _verdict(r, docs)
        findings_html = _findings(r.findings, docs)
        sections.append(
            f'<section class="model" id="{pid}"><h2>{e(name)}</h2>'
            f'<p class="muted">target <code>{e(r.target)}</code>'
            + (
                f" &middot; revision <code>{e(r.facts.revision)}</code>"
                if r.facts and r.facts.revision
                else ""
            )
            + "</p>"
            f'<h3 id="{pid}-verdict">Verdict and duties</h3>{verdict_html}'
            f'<h3 id="{pid}-licence">Licence</h3>{_licence(r)}'
            f'<h3 id="{pid}-terms">The small print</h3>{terms_html}'
            f'<h3 id="{pid}-lineage">Lineage</h3>{_tree(r.lineage)}'
            f'<h3 id="{pid}-openness">Openness</h3>{_openness(r)}'
            f'<h3 id="{pid}-sustainability">Sustainability</h3>{_sustainability(r, ctx)}'
            f'<h3 id="{pid}-findings">Findings</h3>{findings_html}'
            f'<h3 id="{pid}-sources">Sources</h3>{_sources(r)}'
            f'<h3 id="{pid}-texts">Licence texts</h3>{docs.render() or "<p class=muted>No texts to show.</p>"}'
            "</section>"
        )
    summary = (
        '<section id="summary"><h2>Summary</h2><table class="summary"><thead><tr><th>model</th><th>licence</th>'
        "<th>verdict</th><th>OSAID</th><th>findings (error / warning / info)</th></tr></thead><tbody>"
        + "".join(summary_rows)
        + "</tbody></table></section>"
    )
    texts = library.render()
    appendix = (
        f'<section class="appendix" id="texts"><h2>Licence texts and sources cited</h2>{texts}</section>' if texts else ""
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title><style>{CSS}</style></head><body>"
        f'<header class="top"><h1>{e(title)}</h1><div class="meta">{len(results)} model(s) &middot; generated {e(now)} '
        f"&middot; smallprint {e(__version__)} &middot; knowledge base {e(kb_date)}</div></header>"
        f"<main>{summary}{''.join(sections)}{appendix}</main>"
        f"<footer>smallprint {e(__version__)} &middot; knowledge base updated {e(kb_date)} &middot; generated {e(now)}. "
        "Every statement links to the clause it comes from; where smallprint could not tell, it says unclear.</footer>"
        "</body></html>"
    )


def _plain_file_text(p: Path) -> str | None:
    """A cited file's text, read only when it is a regular text file reached through no
    symbolic link: evidence can name a link that leaves a snapshot (reported, never read),
    and a report must never embed what such a link points at (/proc/self/environ)."""
    import os
    import stat

    try:
        if os.path.realpath(p) != os.path.abspath(p):
            return None
        st = os.stat(p, follow_symlinks=False)
        if not stat.S_ISREG(st.st_mode) or st.st_size >= 4_000_000:
            return None
        with open(p, "rb") as f:
            data = f.read(4_000_000)
    except (OSError, ValueError):
        return None
    if b"\x00" in data[:8192]:
        return None  # a weight file or other binary named as evidence is not a text to show
    return data.decode("utf-8", errors="replace")
