"""Where a copy of a known licence differs from its reference text.

Alignment runs on sentences first (difflib over tuples of normalised words, so the
cost stays small even for long licences), then on words inside the blocks that
differ, so a changed number ("700 million" -> "7 million") is reported as exactly
that. Formatting, numbering, quotes, whitespace and markup are gone after
normalisation; copyright lines and template placeholders ("<year>", "[name of
copyright owner]") that a licensee fills in are not deviations either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from smallprint.model import Deviation, DeviationKind
from smallprint.text import NormalizedText, sentences

CONTEXT = 4
"""Words of unchanged text shown on each side of a changed passage."""
JOIN = 3
"""Word-level edits closer than this are one deviation."""
EDGE_WORDS = 12
"""A missing title or closing line of at most this many words is not a deviation."""
MAX_WORD_DIFF = 4000
"""Blocks longer than this (words) are reported whole rather than diffed word by word."""

_FILLED_IN = frozenset(
    {"copyright", "c", "year", "yyyy", "name", "of", "owner", "holders", "holder", "author",
     "authors", "fullname", "organization", "owners", "the"}
)  # fmt: skip
_SECTION_WORDS = frozenset({"section", "article", "clause"})
_NUMBERING = re.compile(r"^(?:\d{1,2}|[ivxlc]{1,6}|[a-z])$")


@dataclass(frozen=True)
class _Side:
    """A text's words split in sentences, each sentence a tuple of words."""

    nt: NormalizedText
    spans: list[tuple[int, int]]
    sents: list[tuple[str, ...]]


def _side(nt: NormalizedText, start: int, end: int) -> _Side:
    spans = [(max(s, start), min(e, end)) for s, e in sentences(nt) if e > start and s < end]
    return _Side(nt, spans, [nt.words[s:e] for s, e in spans])


def _block_words(side: _Side, i1: int, i2: int) -> tuple[int, int]:
    """Word span covered by sentences [i1, i2) of a side (empty span at the boundary)."""
    if i1 < i2:
        return side.spans[i1][0], side.spans[i2 - 1][1]
    at = side.spans[i1][0] if i1 < len(side.spans) else (side.spans[-1][1] if side.spans else 0)
    return at, at


def _on_copyright_line(nt: NormalizedText, start: int, end: int) -> bool:
    """Whether words [start, end) (or the place between words, when empty) lie on
    copyright lines ("Copyright (c) <year> <holders>"), which each licensee fills in."""
    if not nt.words:
        return False
    lo = max(0, min(start, len(nt.words) - 1) - (0 if end > start else 1))
    hi = min(len(nt.words), max(end, lo + 1))
    for ln in range(nt.lines[lo], nt.lines[hi - 1] + 1):
        raw = nt.raw_lines[ln - 1].strip().lstrip("#>*-_ ").lower()
        if not raw.startswith(("copyright", "(c)", "\u00a9")):
            return False
    return True


def _is_placeholder(words: tuple[str, ...]) -> bool:
    return bool(words) and all(w in _FILLED_IN for w in words)


def _numbering_only(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Numbering lost or gained, or a "Section 10" a re-wrap moved to or from a line start."""
    lone = a or b
    if (a and b) or not lone or len(lone) > 4:
        return False
    rest = lone[1:] if lone[0] in _SECTION_WORDS else lone
    return all(_NUMBERING.match(w) for w in rest)


def _word_ops(a: tuple[str, ...], b: tuple[str, ...]) -> list[tuple[int, int, int, int]]:
    """Word-level edits between two blocks: (a1, a2, b1, b2)."""
    if len(a) > MAX_WORD_DIFF or len(b) > MAX_WORD_DIFF:
        return [(0, len(a), 0, len(b))]
    return [
        (i1, i2, j1, j2)
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        if tag != "equal"
    ]


def _join(ops: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Edits closer than JOIN words on both sides become one."""
    joined: list[tuple[int, int, int, int]] = []
    for op in ops:
        if joined and op[0] - joined[-1][1] <= JOIN and op[2] - joined[-1][3] <= JOIN:
            p = joined[-1]
            joined[-1] = (p[0], op[1], p[2], op[3])
        else:
            joined.append(op)
    return joined


def _kind(n_in: int, n_ref: int) -> DeviationKind:
    if n_in and n_ref:
        return "changed"
    return "added" if n_in else "removed"


def _is_noise(
    nt: NormalizedText, ref: NormalizedText, op: tuple[int, int, int, int], region: tuple[int, int] = (0, 0)
) -> bool:
    """An edit that does not change the deal: numbering, the licensee's copyright line,
    an unfilled template slot, a title or closing line the copy left out, or a page
    title the copy put before it (words added at the end may add a condition: they count)."""
    a1, a2, b1, b2 = op
    a, b = nt.words[a1:a2], ref.words[b1:b2]
    if a and not b and a2 - a1 <= EDGE_WORDS and a1 == region[0]:
        return True
    if _numbering_only(a, b):
        return True
    if _on_copyright_line(nt, a1, a2) and _on_copyright_line(ref, b1, b2):
        return True
    if not a and (_is_placeholder(b) or _on_copyright_line(ref, b1, b2)):
        return True
    return not a and len(b) <= EDGE_WORDS and (b1 == 0 or b2 == len(ref.words))


def find_deviations(
    nt: NormalizedText, start: int, end: int, ref: NormalizedText
) -> list[Deviation]:
    """Passages of input words [start, end) that differ from the whole reference text."""
    src, dst = _side(nt, start, end), _side(ref, 0, len(ref.words))
    ops: list[tuple[int, int, int, int]] = []
    matcher = SequenceMatcher(None, src.sents, dst.sents, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        a1, a2 = _block_words(src, i1, i2)
        b1, b2 = _block_words(dst, j1, j2)
        a, b = nt.words[a1:a2], ref.words[b1:b2]
        if a == b:
            continue  # the same words, only split into sentences differently
        for x1, x2, y1, y2 in _word_ops(a, b):
            op = (a1 + x1, a1 + x2, b1 + y1, b1 + y2)
            if not _is_noise(nt, ref, op, (start, end)):
                ops.append(op)
    return [_deviation(nt, ref, *op) for op in _join(ops)]


def _deviation(
    nt: NormalizedText, ref: NormalizedText, a1: int, a2: int, b1: int, b2: int
) -> Deviation:
    """One deviation with a little unchanged context on each side."""
    lo, hi = max(0, a1 - CONTEXT), min(len(nt.words), a2 + CONTEXT)
    rlo, rhi = max(0, b1 - CONTEXT), min(len(ref.words), b2 + CONTEXT)
    if a2 > a1:
        line1, line2 = nt.span_lines(a1, a2)
    elif nt.words:  # removed: between the word before and the word after
        line1 = nt.lines[max(0, min(a1 - 1, len(nt.words) - 1))]
        line2 = nt.lines[min(a1, len(nt.words) - 1)]
    else:
        line1 = line2 = 1
    return Deviation(
        kind=_kind(a2 - a1, b2 - b1),
        start_line=line1,
        end_line=line2,
        text=" ".join(nt.words[lo:hi]),
        reference=" ".join(ref.words[rlo:rhi]),
        reference_lines=ref.span_lines(b1, b2) if b2 > b1 else None,
        shown=nt.quote_span(lo, hi, limit=600) if hi > lo else "",
        shown_reference=ref.quote_span(rlo, rhi, limit=600) if rhi > rlo else "",
    )


_MONTHS = frozenset(
    "january february march april may june july august september october november december".split()
)
VERSION_CAP = 0.6
"""Confidence at most, when a copy's version numbers or dates differ from the reference."""
HEADER_LINES = 5
"""A date or number changed this close to the top is the version line."""


_VERSION_WORD = re.compile(r"^(?:\d+[a-z]?|v\d+[a-z]?)$")


def _version_tokens(words: list[str]) -> bool:
    """Numbers, dates and version words ("3", "1", "3c", "v2")."""
    return bool(words) and all(_VERSION_WORD.match(w) or w in _MONTHS for w in words)


def suggests_other_version(devs: list[Deviation]) -> bool:
    """Whether the deviations look like another version of the licence rather than an edit:
    the same number or date replaced more than once ("3.1" -> "3.4" throughout), or a
    changed date or number in the reference's first lines (its version line)."""
    seen: dict[tuple[tuple[str, ...], tuple[str, ...]], int] = {}
    for d in devs:
        if d.kind != "changed":
            continue
        a, b = d.text.split(), d.reference.split()
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if tag != "replace" or not (_version_tokens(a[i1:i2]) and _version_tokens(b[j1:j2])):
                continue
            key = (tuple(a[i1:i2]), tuple(b[j1:j2]))
            seen[key] = seen.get(key, 0) + 1
            if seen[key] >= 2:
                return True
            if d.reference_lines is not None and d.reference_lines[0] <= HEADER_LINES:
                return True
    return False


MANY_DEVIATIONS = 6
"""A copy with this many separate material edits is another licence built on the reference."""
DERIVED_CAP = 0.7
"""Confidence at most of such a copy: it resembles the reference, it is not it."""


def _edits(d: Deviation) -> list[tuple[list[str], list[str]]]:
    """(input words, reference words) of each replaced, added or removed run in a deviation."""
    a, b = d.text.split(), d.reference.split()
    return [
        (a[i1:i2], b[j1:j2])
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        if tag != "equal"
    ]


def renames(devs: list[Deviation], name_words: Iterable[str]) -> bool:
    """Whether an edit takes a word of the licence's own name out of the copy
    ("Eclipse Public License" -> "Common Public License", "Attribution-NonCommercial"
    -> "Attribution"): the copy names another licence of the same shape."""
    names = set(name_words)
    if not names:
        return False
    for d in devs:
        if d.kind != "changed":
            continue
        for ins, ref in _edits(d):
            # replaced only: a title left outside the matched span is removed, not renamed
            if ins and names & set(ref) - set(ins):
                return True
    return False


DEVIATION_COST = 0.05
"""Confidence each material edit costs: four edits leave a copy at 0.8, five below it."""


def derived(devs: list[Deviation]) -> bool:
    """Whether a copy is edited in too many places to be called the reference."""
    return len(devs) >= MANY_DEVIATIONS


def edited_cap(devs: list[Deviation]) -> float:
    """The confidence an edited copy keeps: the more separate edits, the less it is the reference."""
    return max(DERIVED_CAP if derived(devs) else 0.0, 1.0 - DEVIATION_COST * len(devs)) if devs else 1.0


TRAILING_WORDS = 300
"""Text after a copy, up to this long and before anything else, is an addition to it."""
_SECTION_BREAK = re.compile(r"^\s{0,3}(?:#{1,6}\s|([-*_=])(?:\s*\1){2,}\s*$|<h[1-6]\b)")
TRAILING_MIN = 4
"""Fewer words after a copy (a signature, "END") add nothing; one short sentence can restrict."""


def trailing_addition(nt: NormalizedText, end: int, stop: int) -> Deviation | None:
    """Words [end, stop) right after a copy, when they add to it: a clause appended to
    MIT ("This agreement shall be governed by ..."), an extra restriction after zlib.

    Copyright lines and a word or three are not additions; a long run is a separate
    text, left to the reader of uncovered text."""
    if end >= min(stop, len(nt.words)):
        return None
    first_line = nt.lines[end - 1] if end > 0 else 1
    for ln in range(first_line + 1, nt.lines[min(stop, len(nt.words)) - 1] + 1):
        if _SECTION_BREAK.match(nt.raw_lines[ln - 1]):  # a new section of a README starts
            while stop > end and nt.lines[min(stop, len(nt.words)) - 1] >= ln:
                stop -= 1
            break
    words: list[int] = []
    for i in range(end, min(stop, len(nt.words))):
        if not _on_copyright_line(nt, i, i + 1):
            words.append(i)
            if len(words) > TRAILING_WORDS:
                return None  # a long run is a separate text: stop here, not at the end of a huge input
    if len(words) < TRAILING_MIN:
        return None
    a1, a2 = words[0], words[-1] + 1
    l1, l2 = nt.span_lines(a1, a2)
    return Deviation(
        kind="added",
        start_line=l1,
        end_line=l2,
        text=" ".join(nt.words[max(0, a1 - CONTEXT) : a2]),
        reference=" ".join(nt.words[max(0, a1 - CONTEXT) : a1]),
        reference_lines=None,
    )


MOVE_SIMILARITY = 0.8
"""Deviations whose texts match each other's reference this closely are one moved clause."""


def _similar(a: str, b: str) -> bool:
    """Whether the changed words of passage `a` (its context trimmed) are found in `b`."""
    x = a.split()[CONTEXT:-CONTEXT] if len(a.split()) > 2 * CONTEXT else a.split()
    y = b.split()
    if not x or not y or len(x) > len(y) + 2 * CONTEXT + 4:
        return False
    blocks = SequenceMatcher(None, x, y, autojunk=False).get_matching_blocks()
    return sum(bl.size for bl in blocks) >= MOVE_SIMILARITY * len(x)


def _core(words: str) -> str:
    """A deviation's changed words without the unchanged context on each side."""
    w = words.split()
    return " ".join(w[CONTEXT:-CONTEXT]) if len(w) > 2 * CONTEXT else ""


def moved(devs: list[Deviation], copy: NormalizedText, ref: NormalizedText) -> set[int]:
    """Indexes of deviations that only move text: what the copy has there stands
    elsewhere in the reference, and what the reference has there stands elsewhere in
    the copy (clauses swapped, a paragraph moved)."""
    out: set[int] = set()
    for i, d in enumerate(devs):
        mine, theirs = _core(d.text), _core(d.reference)
        if len((mine + " " + theirs).split()) < 3:
            continue
        if (not mine or ref.has_phrase(mine)) and (not theirs or copy.has_phrase(theirs)):
            out.add(i)
    return out
