"""Licence text normalisation that keeps line numbers.

Copies of a licence differ in ways that do not change the deal: re-wrapping,
Markdown or HTML markup, curly quotes, list numbering, code fences, case.
Matching and anchor search run on normalised words; every word remembers the
input line it came from, so each answer can point back at the original lines.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u200b": "",
        "\ufeff": "",
    }
)

# Real HTML tags and comments only: "<https://fsf.org/>" autolinks keep their URL and
# placeholders such as "<one line to give the program's name>" keep their words.
_TAGS = (
    "a|abbr|article|b|blockquote|body|br|button|caption|center|cite|code|col|colgroup|dd|del|details|"
    "div|dl|dt|em|figcaption|figure|font|footer|form|h[1-6]|head|header|hr|html|i|iframe|img|input|ins|"
    "kbd|label|li|link|main|mark|meta|nav|nobr|noscript|ol|p|pre|s|samp|section|small|span|strike|"
    "strong|style|sub|summary|sup|table|tbody|td|tfoot|th|thead|title|tr|tt|u|ul|var|wbr"
)
_HTML_TAG = re.compile(rf"</?(?:{_TAGS})(?:\s[^<>\n]{{0,500}})?/?>|<!--.{{0,500}}?-->", re.I)
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^<>\s]{1,500})>")
_MD_LINK = re.compile(r"!?\[([^\]\n]{0,500})\]\(([^)\s]{0,1000})\)")
_MD_FOOTNOTE_REF = re.compile(r"\[\^[^\]\s]{1,20}\](?!:)")
_MD_REFDEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_LEAD = re.compile(
    r"""^\s*(?:
        (?:[>#]+\s*)+                                    # quote / heading markers
      | [-*+\u2022\u25aa\u25cf\u2013]\s+                  # bullets
    )""",
    re.X,
)
# List numbering at the start of a line: "1.", "1.2.3", "(a)", "a)", "iv.", "Section 3."
_NUMBERING = re.compile(
    r"""^\s*(?:
        (?:section|article|clause)\s+\d+(?:\.\d+)*\.?\s+
      | \(?(?:\d{1,3}(?:\.\d{1,3})*|[a-z]|[ivxlc]{1,6})[.)]\)?\s+
      | \((?:\d{1,3}|[a-z]|[ivxlc]{1,6})\)\s*
    )""",
    re.X | re.I,
)
_PEELS = re.compile(f"(?:{_LEAD.pattern})|(?:{_NUMBERING.pattern})", re.X | re.I)
"""Whether `_LEAD` or `_NUMBERING` would remove anything (a line start either could peel)."""
_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3}|`+|~~)")
_WORD = re.compile(r"\w+", re.UNICODE)
_SENTENCE_END = re.compile(r"[.;:!?](?=\s|$|[\"')\]])")


def clean_line(line: str) -> str:
    """One input line without markup, quotes unified, numbering and bullets dropped."""
    s = line if line.isascii() else line.translate(_QUOTES)  # the table maps non-ASCII only
    if "<" in s:
        s = _AUTOLINK.sub(r"\1", s)
        s = _HTML_TAG.sub(" ", s)
    if "&" in s:
        s = html.unescape(s).translate(_QUOTES)
    if "](" in s:
        s = _MD_LINK.sub(r"\1", s)
    if "[^" in s:
        s = _MD_FOOTNOTE_REF.sub("", s)
    for _ in range(3):  # "> 1. (a) text" peels in turns
        if not _PEELS.match(s):  # most lines: nothing to peel, one anchored test
            break
        t = _LEAD.sub("", s)
        t = _NUMBERING.sub("", t)
        if t == s:
            break
        s = t
    if "*" in s or "_" in s or "`" in s or "~" in s:
        s = _EMPHASIS.sub("", s)
    return s


@dataclass(frozen=True)
class NormalizedText:
    """Normalised words of a text with the input line of each word."""

    words: tuple[str, ...]
    lines: tuple[int, ...]
    raw_lines: tuple[str, ...]
    ends: frozenset[int] = field(default_factory=frozenset)  # word indexes that end a sentence
    _joined: str = field(default="", repr=False)
    _offsets: tuple[int, ...] = field(default=(), repr=False)

    def __len__(self) -> int:
        return len(self.words)

    def span_lines(self, start: int, end: int) -> tuple[int, int]:
        """Word index range [start, end) -> (start_line, end_line), 1-based inclusive."""
        if not self.words:
            return (1, 1)
        start = max(0, min(start, len(self.words) - 1))
        end = max(start + 1, min(end, len(self.words)))
        return (self.lines[start], self.lines[end - 1])

    def quote(self, start_line: int, end_line: int, limit: int = 400) -> str:
        """The raw text of those lines, whitespace collapsed, cut at `limit` characters."""
        chunk = " ".join(self.raw_lines[max(0, start_line - 1) : max(0, end_line)])
        chunk = " ".join(chunk.split())
        if len(chunk) > limit:
            chunk = chunk[: limit - 1].rstrip() + "\u2026"
        return chunk

    def quote_span(self, start: int, end: int, limit: int = 400) -> str:
        """The raw text of word span [start, end), cut to the words (not whole lines).

        Falls back to whole lines when the words cannot be found verbatim in the raw
        lines (markup between them, say)."""
        if not self.words:
            return ""
        l1, l2 = self.span_lines(start, end)
        chunk = " ".join(self.raw_lines[l1 - 1 : l2]).translate(_QUOTES)
        chunk = " ".join(chunk.split())
        head = self.words[start : min(end, start + 3)]
        tail = self.words[max(start, end - 3) : end]
        sep = r"\W+(?:\w{1,3}\W+)??"  # tolerate stripped numbering and markup between words
        a = re.search(sep.join(re.escape(w) for w in head), chunk, re.I)
        b_iter = list(re.finditer(sep.join(re.escape(w) for w in tail), chunk, re.I))
        if a is not None and b_iter and b_iter[-1].end() > a.start():
            cut = chunk[a.start() : b_iter[-1].end()]
            # keep the sentence's closing punctuation
            if b_iter[-1].end() < len(chunk) and chunk[b_iter[-1].end()] in ".;:":
                cut += chunk[b_iter[-1].end()]
            chunk = cut
        if len(chunk) > limit:
            chunk = chunk[: limit - 1].rstrip() + "\u2026"
        return chunk

    def find(self, phrase_words: tuple[str, ...], start: int = 0) -> tuple[int, int] | None:
        """Word span [s, e) of the first occurrence of `phrase_words` at or after word `start`."""
        if not phrase_words or not self.words:
            return None
        needle = " " + " ".join(phrase_words) + " "
        pos = self._offsets[start] - 1 if start < len(self._offsets) else len(self._joined)
        i = self._joined.find(needle, max(0, pos))
        if i < 0:
            return None
        s = bisect_right(self._offsets, i + 1) - 1
        return (s, s + len(phrase_words))

    def has_phrase(self, phrase: str) -> bool:
        """Whether the normalised words (space-separated) occur in this text, in this order."""
        return f" {phrase.strip()} " in self._joined

    def find_all(self, phrase_words: tuple[str, ...]) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        at = 0
        while True:
            hit = self.find(phrase_words, at)
            if hit is None:
                return out
            out.append(hit)
            at = hit[0] + 1


_PAGE_NUMBER = re.compile(
    r"^\s*(?:page\s+\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|\d{1,4}\s*(?:of|/)\s*\d{1,4}|[-\u2013\u2014]\s*\d{1,4}\s*[-\u2013\u2014]|\d{1,3})\s*$",
    re.I,
)
_HYPHENATED = re.compile(r"([A-Za-z]{2,})-\s*$")
_CONTINUES = re.compile(r"^(\s*)([a-z]{2,})([^\s]*)")
_CONTINUES_UPPER = re.compile(r"^(\s*)([A-Z]{2,})([^\s]*)")
_KEEP_HYPHEN = frozenset(
    "non co pre re sub self well third multi anti cross semi sub inter intra post de un over under "
    "e open royalty sub-license full high low long short non-exclusive".split()
)
"""Prefixes whose hyphen is part of the word ("non-\ncommercial" stays two words, as in the reference)."""
FURNITURE_REPEATS = 3
"""A short line seen this often, each time beside a page break or blank line, is a running header or footer."""


def _page_furniture(raw_lines: tuple[str, ...]) -> set[int]:
    """Lines (0-based) that are page numbers or a running header/footer of a paginated copy
    (text extracted from a PDF or a printed page): not part of the licence."""
    skip = {i for i, ln in enumerate(raw_lines) if _PAGE_NUMBER.match(ln.replace("\f", ""))}
    seen: dict[str, list[int]] = {}
    for i, ln in enumerate(raw_lines):
        key = " ".join(ln.replace("\f", " ").split()).casefold()
        if key and len(key.split()) <= 12:
            seen.setdefault(key, []).append(i)
    for where in seen.values():
        if len(where) < FURNITURE_REPEATS:
            continue
        at_break = [i for i in where if _beside_break(raw_lines, i)]
        if len(at_break) >= FURNITURE_REPEATS:
            skip.update(at_break[1:])  # the first may be the real title
    return skip


def _beside_break(raw_lines: tuple[str, ...], i: int) -> bool:
    """Whether line i is next to a form feed, a blank line or the ends of the text."""
    for j in (i - 1, i + 1):
        if j < 0 or j >= len(raw_lines) or not raw_lines[j].strip() or "\f" in raw_lines[j]:
            return True
    return "\f" in raw_lines[i]


def _dehyphenate(raw_lines: tuple[str, ...]) -> list[str]:
    """Lines with words split by a hyphen at a line end joined again ("com-" + "mercial"):
    the fragment moves up to the line where the word starts, so line numbers stay true."""
    out = list(raw_lines)
    for i in range(len(out) - 1):
        if not out[i].rstrip().endswith("-"):  # what the pattern needs; far cheaper to test
            continue
        m = _HYPHENATED.search(out[i])
        if not m or m.group(1).casefold() in _KEEP_HYPHEN:
            continue
        j = i + 1
        while j < len(out) and (not out[j].strip() or _PAGE_NUMBER.match(out[j].replace("\f", ""))):
            j += 1  # the word may continue after a page break
        if j - i > 6 or j >= len(out):
            continue
        n = (_CONTINUES_UPPER if m.group(1).isupper() else _CONTINUES).match(out[j])
        if not n:
            continue
        out[i] = out[i][: m.end(1)] + n.group(2) + n.group(3)
        out[j] = n.group(1) + out[j][n.end() :]
    return out


_HTML_FURNITURE = re.compile(
    r"<(nav|footer|script|style|noscript|template|aside)\b[^>]{0,500}>.*?</\1\s*>|<head\b[^>]{0,500}>.*?</head\s*>",
    re.I | re.S,
)


def _without_html_furniture(text: str) -> str:
    """A web page's navigation, footer, scripts and styles blanked (their line breaks
    kept, so line numbers stay true): site chrome around a licence, not licence text."""
    if "</" not in text:
        return text
    return _HTML_FURNITURE.sub(lambda m: "\n" * m.group(0).count("\n"), text)


def normalize(text: str) -> NormalizedText:
    """Split a text into normalised words, each tagged with its 1-based input line.

    Copies extracted from PDFs lose their page furniture (page numbers, running
    headers) and get their hyphenated line-end words joined again."""
    unified = text.replace("\r\n", "\n").replace("\r", "\n")
    raw_lines = tuple(unified.split("\n"))
    furniture = _page_furniture(raw_lines) if len(raw_lines) > 20 else set()
    work = _without_html_furniture(unified).split("\n")
    if any("-" in ln for ln in work):
        work = _dehyphenate(tuple(work))
    words: list[str] = []
    lines: list[int] = []
    ends: set[int] = set()
    in_fence = False
    for n, raw in enumerate(work, start=1):
        if n - 1 in furniture:
            if words:
                ends.add(len(words) - 1)
            continue
        if _FENCE.match(raw):
            in_fence = not in_fence  # fence markers go; the licence inside stays
            continue
        if _MD_REFDEF.match(raw):
            continue
        s = clean_line(raw)
        if not s.strip():
            if words:
                ends.add(len(words) - 1)  # a blank line ends a paragraph
            continue
        low = s.casefold()
        line_words = _WORD.findall(low)
        if not line_words:
            continue
        base = len(words)
        # a sentence end (by character position) belongs to the last word before it on
        # this line: count the words between consecutive ends (no per-word Python loop)
        seen = 0
        prev = 0
        for m in _SENTENCE_END.finditer(low):
            seen += len(_WORD.findall(low, prev, m.start()))
            prev = m.start()
            if seen:
                ends.add(base + seen - 1)
        words.extend(line_words)
        lines.extend([n] * len(line_words))
        nxt = raw_lines[n] if n < len(raw_lines) else ""
        if _is_heading(raw, nxt):
            ends.add(len(words) - 1)
    # word i starts at offsets[i] in " w0 w1 ... ": 1, then each previous start + len + 1
    offsets = tuple(accumulate(map((1).__add__, map(len, words)), initial=1))[:-1]
    return NormalizedText(
        words=tuple(words),
        lines=tuple(lines),
        raw_lines=raw_lines,
        ends=frozenset(ends),
        _joined=" " + " ".join(words) + " ",
        _offsets=offsets,
    )


def _is_heading(raw: str, next_line: str = "") -> bool:
    """A Markdown heading, or a short all-caps line standing alone (not a hard-wrapped
    all-caps disclaimer, whose lines run on into each other)."""
    s = raw.strip()
    if s.startswith("#"):
        return True
    if not (0 < len(s) <= 80 and s.isupper()):
        return False
    return len(s.split()) <= 8 or not next_line.strip()


def words_of(phrase: str) -> tuple[str, ...]:
    """The same normalisation as `normalize`, for a phrase (anchors, aliases)."""
    s = clean_line(phrase).casefold()
    return tuple(_WORD.findall(s))


def find_phrase(nt: NormalizedText, phrase: str, start: int = 0) -> tuple[int, int] | None:
    """Word span [s, e) of the first occurrence of `phrase` in `nt`, or None."""
    return nt.find(words_of(phrase), start)


def sentences(nt: NormalizedText) -> list[tuple[int, int]]:
    """Word spans of the sentences/clauses of a text (split on . ; : ! ? blank lines, headings)."""
    out: list[tuple[int, int]] = []
    s = 0
    n = len(nt.words)
    for i in sorted(nt.ends):
        if i >= s and i < n:
            out.append((s, i + 1))
            s = i + 1
    if s < n:
        out.append((s, n))
    return out


def sentence_around(nt: NormalizedText, span: tuple[int, int]) -> tuple[int, int]:
    """The sentence span that contains a word span (for quoting a whole clause)."""
    start, end = span
    ends = sorted(nt.ends)
    i = bisect_right(ends, start - 1)
    s = ends[i - 1] + 1 if i > 0 else 0
    j = bisect_right(ends, end - 2)
    e = ends[j] + 1 if j < len(ends) else len(nt.words)
    return (s, max(e, end))
