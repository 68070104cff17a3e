"""Input text shown literally in every human-readable report.

Card values, file names, licence passages and model ids are untrusted input. In the
terminal, Rich reads `[...]` in a plain string as markup (`[/x]` aborts the run,
"FLUX.1 [dev]" loses its "[dev]") and `:name:` as an emoji code, and control
characters (ESC) would reach the terminal; in Markdown, `<script>` or `<svg onload=...>`
from a card would be live HTML wherever the report is rendered. These helpers are the
one place those rules live: every renderer passes input text through them.
"""

from __future__ import annotations

import re
from typing import Any

from rich.text import Text

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""C0/C1 controls, DEL, line/paragraph separators and bidirectional overrides (Trojan
Source): shown as visible escapes, never sent to the terminal or a Markdown page."""


def visible(s: Any) -> str:
    """The text with control characters written as visible `\\xNN`/`\\uNNNN` escapes."""
    text = "" if s is None else str(s)
    return _CONTROL.sub(_escape_char, text)


def _escape_char(m: re.Match[str]) -> str:
    c = ord(m.group(0))
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def lit(s: Any, style: str = "") -> Text:
    """Input text for Rich: a `Text`, so neither markup nor emoji codes are interpreted."""
    return Text(visible(s), style=style)


_MD_SPECIAL = re.compile(r"[\\`*_\[\]|~<>&#!]")
_MD_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def md_text(s: Any) -> str:
    """Input text as one line of Markdown that renders as exactly that text.

    Whitespace runs (newlines included) become one space, so a value cannot start a new
    block; HTML's `<`, `>` and `&` become entities, so no tag or entity is ever live; and
    Markdown's inline punctuation is backslash-escaped, so no link, image, emphasis,
    code span or table cell boundary can be forged."""
    text = " ".join(visible(s).split())
    return _MD_SPECIAL.sub(lambda m: _MD_ENTITIES.get(m.group(0)) or "\\" + m.group(0), text)


def md_code(s: Any, *, in_table: bool = False) -> str:
    """Input text as a Markdown code span (shown verbatim: code spans never hold live HTML).

    The fence is one backtick longer than the longest backtick run inside. In a table
    cell a `|` would still end the cell (GFM splits cells before code spans), so it is
    written `\\|`, which GFM turns back into `|` inside the span."""
    text = " ".join(visible(s).split())
    if in_table:
        text = text.replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    if not text:
        return fence + " " + fence
    pad = " " if text.startswith("`") or text.endswith("`") or longest else ""
    return f"{fence}{pad}{text}{pad}{fence}"
