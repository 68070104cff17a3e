"""Reformatting a licence text the ways real copies differ, for robustness checks.

Each function takes a text (and a seeded `random.Random` where it chooses) and
returns the text as it might appear in the wild: re-wrapped, in Markdown or HTML,
with curly quotes, without its numbering, under a project header, inside a README,
with Windows line endings, or with one clause edited. The benchmark and the
robustness tests share them so both measure the same thing.
"""

from __future__ import annotations

import html
import random
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

_NUMBER = re.compile(
    r"^(\s*)(?:\(?\d{1,3}(?:\.\d{1,3})*[.)]|\(?[a-z][.)]|\([ivx]+\)|[ivx]+\.)\s+", re.I
)


def paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]


def rewrap(text: str, width: int) -> str:
    """Every paragraph re-flowed to `width` columns (line breaks inside it are lost)."""
    return (
        "\n\n".join(
            textwrap.fill(
                " ".join(p.split()), width, break_long_words=False, break_on_hyphens=False
            )
            for p in paragraphs(text)
        )
        + "\n"
    )


def strip_numbering(text: str) -> str:
    """List numbering at line starts dropped ("1.", "(a)", "iv.")."""
    return "\n".join(_NUMBER.sub(r"\1", line) for line in text.split("\n"))


def curly_quotes(text: str) -> str:
    """Straight quotes made typographic, apostrophes included."""
    out = re.sub(r'"([^"\n]*)"', "\u201c\\1\u201d", text)
    return out.replace("'", "\u2019")


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def markdownify(text: str, rng: random.Random) -> str:
    """Short lines become headings, numbered lines bullets, some words bold."""
    out = []
    for p in paragraphs(text):
        first = p.strip().split("\n")[0]
        if len(p.strip()) < 70 and "\n" not in p.strip():
            out.append("## " + p.strip())
            continue
        lines = []
        for line in p.split("\n"):
            if _NUMBER.match(line):
                line = "- " + _NUMBER.sub("", line)
            words = line.split(" ")
            if len(words) > 6 and rng.random() < 0.3:
                k = rng.randrange(len(words) - 1)
                if words[k].isalpha() and words[k + 1].isalpha():
                    words[k] = "**" + words[k]
                    words[k + 1] = words[k + 1] + "**"
            lines.append(" ".join(words))
        out.append("\n".join(lines))
        del first
    return "\n\n".join(out) + "\n"


def htmlify(text: str) -> str:
    """Paragraphs in <p>, lines joined by <br>, special characters as entities."""
    body = []
    for p in paragraphs(text):
        lines = [html.escape(line, quote=True) for line in p.split("\n")]
        body.append("<p>" + "<br>\n".join(lines) + "</p>")
    return "<html><body>\n" + "\n".join(body) + "\n</body></html>\n"


HEADER = (
    "# Example Model\n\n"
    "[![License](https://img.shields.io/badge/license-custom-blue.svg)](LICENSE)\n\n"
    "Copyright (c) 2025 Example Labs, Inc. All rights reserved.\n\n"
)


def with_header(text: str) -> str:
    """A project title, badge and copyright line before the licence."""
    return HEADER + text


def in_readme(text: str) -> str:
    """The licence as one section of a model README, between others."""
    return (
        "# Example-7B\n\nExample-7B is a language model fine-tuned for summarising support tickets.\n\n"
        "## Usage\n\n```python\nfrom transformers import pipeline\npipe = pipeline('text-generation', "
        "model='example/example-7b')\n```\n\n## Evaluation\n\n| task | score |\n|---|---|\n| summarisation | 41.2 |\n\n"
        "## License\n\n"
        + text
        + "\n\n## Citation\n\n```bibtex\n@misc{example2025, title={Example-7B}, year={2025}}\n```\n"
    )


def concatenated(first: str, second: str) -> str:
    """Two licences in one file, as in a dual-licence notice."""
    return (
        "This repository is dual-licensed.\n\nThe source code is under the first licence below and "
        "the model weights under the second.\n\n----\n\n" + first + "\n\n----\n\n" + second
    )


@dataclass(frozen=True)
class Edit:
    """An edited copy and the 1-based line that was changed."""

    text: str
    line: int


_NEGATE = (
    (re.compile(r"\bmay not\b"), "may"),
    (re.compile(r"\bmust not\b"), "must"),
    (re.compile(r"\bshall not\b"), "shall"),
    (re.compile(r"\bmay\b"), "may not"),
    (re.compile(r"\bmust\b"), "need not"),
    (re.compile(r"\bshall\b"), "shall not"),
    (re.compile(r"\bis\b"), "is not"),
)


def edit_clause(text: str, rng: random.Random) -> Edit | None:
    """One clause's meaning flipped in the middle half of the text (or None if no clause fits)."""
    lines = text.split("\n")
    n = len(lines)
    order = list(range(n // 4, max(n // 4 + 1, 3 * n // 4)))
    rng.shuffle(order)
    for i in order:
        if i >= n or len(lines[i].split()) < 6:
            continue
        for pat, repl in _NEGATE:
            if pat.search(lines[i]):
                lines[i] = pat.sub(repl, lines[i], count=1)
                return Edit("\n".join(lines), i + 1)
    return None


DOCS_NAV = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>License | Example AI</title>\n'
    '<link rel="stylesheet" href="/static/site.css"></head>\n<body>\n'
    '<header class="site-header"><a href="/">Example AI</a>\n<nav><ul>\n'
    '<li><a href="/models">Models</a></li>\n<li><a href="/docs">Docs</a></li>\n'
    '<li><a href="/pricing">Pricing</a></li>\n<li><a href="/blog">Blog</a></li>\n</ul></nav></header>\n'
    '<main><article>\n'
)
DOCS_FOOTER = (
    '</article></main>\n<footer><p>&copy; 2025 Example AI, Inc.&nbsp;&middot;&nbsp;'
    '<a href="/privacy">Privacy</a>&nbsp;&middot;&nbsp;<a href="/terms">Terms</a></p>\n'
    '<p>Was this page helpful? <button>Yes</button> <button>No</button></p></footer>\n</body></html>\n'
)
_URLISH = re.compile(r"(https?://[^\s<>()]+[^\s<>().,;:])")


def docs_page(text: str) -> str:
    """The licence as a documentation web page: site navigation and footer around it,
    numbered items as <li>, URLs as inline links, non-breaking spaces between words."""
    body = []
    for p in paragraphs(text):
        one = " ".join(line.strip() for line in p.split("\n"))
        one = re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", r"\1", one)  # a Markdown link shows its label
        m = _NUMBER.match(one)
        esc = html.escape(one[m.end() :] if m else one, quote=False)
        esc = _URLISH.sub(r'<a href="\1">\1</a>', esc)
        esc = re.sub(r"(\w) (\w)", r"\1&nbsp;\2", esc, count=3)
        body.append(f"<ol><li>{esc}</li></ol>" if m else f"<p>{esc}</p>")
    return DOCS_NAV + "\n".join(body) + "\n" + DOCS_FOOTER


def pdf_text(text: str, title: str = "COMMUNITY LICENSE AGREEMENT", page_lines: int = 40) -> str:
    """The licence as text extracted from a PDF: justified 72-column lines with long
    words hyphenated at line ends, a running header and a "Page n of m" footer on every
    page, form feeds between pages."""
    lines: list[str] = []
    for p in paragraphs(text):
        words = " ".join(p.split()).split(" ")
        cur = ""
        for w in words:
            if cur and len(cur) + 1 + len(w) > 72:
                room = 72 - len(cur) - 2
                if len(w) >= 8 and room >= 4 and w.isalpha():
                    lines.append(cur + " " + w[:room] + "-")
                    cur = w[room:]
                    continue
                lines.append(cur)
                cur = w
            else:
                cur = f"{cur} {w}" if cur else w
        if cur:
            lines.append(cur)
        lines.append("")
    pages = [lines[i : i + page_lines] for i in range(0, len(lines), page_lines)]
    out = []
    for n, page in enumerate(pages, start=1):
        out.append(f"{title}\n\n" + "\n".join(page) + f"\n\nPage {n} of {len(pages)}\n")
    return "\f".join(out)


def markdown_footnotes(text: str) -> str:
    """Markdown with a table of contents table and footnote references and definitions."""
    paras = paragraphs(text)
    out = ["| Section | Topic |", "|---|---|", "| 1 | Definitions |", "| 2 | Grant |", ""]
    for i, p in enumerate(paras):
        one = " ".join(line.strip() for line in p.split("\n"))
        out.append(one + (f"[^{i}]" if i % 7 == 3 else ""))
        out.append("")
    out += [f"[^{i}]: See the FAQ for details." for i in range(len(paras)) if i % 7 == 3]
    return "\n".join(out) + "\n"


def swap_clauses(text: str, rng: random.Random) -> str:
    """Two paragraphs of the body exchanged (a copy assembled out of order)."""
    paras = paragraphs(text)
    if len(paras) < 6:
        return text
    i = rng.randrange(2, len(paras) // 2)
    j = rng.randrange(len(paras) // 2, len(paras) - 1)
    paras[i], paras[j] = paras[j], paras[i]
    return "\n\n".join(paras) + "\n"


MESSY: dict[str, Callable[[str, random.Random], str]] = {
    "docs-page": lambda t, r: docs_page(t),
    "pdf-text": lambda t, r: pdf_text(t),
    "markdown-footnotes": lambda t, r: markdown_footnotes(t),
    "swapped-clauses": swap_clauses,
}
"""Copies as they come off web pages, PDFs and wikis: the licence and version must hold,
with few deviations (page furniture is noise)."""


SINGLE: dict[str, Callable[[str, random.Random], str]] = {
    "rewrap-40": lambda t, r: rewrap(t, 40),
    "rewrap-120": lambda t, r: rewrap(t, 120),
    "markdown": markdownify,
    "html": lambda t, r: htmlify(t),
    "curly-quotes": lambda t, r: curly_quotes(t),
    "no-numbering": lambda t, r: strip_numbering(t),
    "header": lambda t, r: with_header(t),
    "readme": lambda t, r: in_readme(t),
    "crlf": lambda t, r: crlf(t),
}
"""Perturbations that keep the licence's words: the answer must not change."""
