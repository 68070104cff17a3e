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
