"""This licence, or a variant of it? The decision after a full-text match.

A text close to a known licence is not that licence when it changes what the licence
says: a different user cap, a narrower territory, added naming or display duties, an
added "for non-commercial purposes only", or a title that names another licence
(Hunyuan DiT's licence is not Hunyuan 3D's, CodeGeeX4's is not ChatGLM3's). Such a
copy is reported as a *variant* of the closest licence, with a confidence below the
level at which an id is trusted, and its terms are read from its own text.

Material is decided by the clause rules, on both sides of each deviation: if the
copy's passage and the reference's passage say different things in a term the policy
weighs, the deviation carries terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from smallprint.kb import LicenseEntry
from smallprint.model import LicenseMatch
from smallprint.text import normalize

__all__ = ["VARIANT_CAP", "Variance", "assess_variant"]

VARIANT_CAP = 0.45
"""Confidence at most of a match judged a variant: below 0.5, where an id is taken as the text's."""

MATERIAL_KEYS = (
    "commercial-use", "non-commercial", "research-only", "user-threshold", "revenue-threshold",
    "no-training-other-models", "derivative-naming", "attribution-display", "use-restrictions-flow-down",
    "same-license", "geographic",
)  # fmt: skip
"""Terms whose change changes a verdict. Prohibited-use lists are not among them: their wording varies
in every copy and page furniture reads as one; an added prohibition is read into the terms anyway."""

_TITLE_WORD = re.compile(r"\b(?:licen[cs]e|agreement|terms(?: of use)?)\b", re.I)
_GENERIC = frozenset(
    "the a an of and or for to in on by with license licence licenses agreement terms use community model models "
    "version release date dated last updated revised effective v copy this is under january february march april "
    "may june july august september october november december".split()
)
HEAD_LINES = 4
"""Lines before a match (and its first lines) where its title stands."""


@dataclass(frozen=True)
class Variance:
    """Why a copy is a variant of its closest licence (empty reasons: it is that licence)."""

    reasons: tuple[str, ...]

    @property
    def is_variant(self) -> bool:
        return bool(self.reasons)


def _words(s: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", s.lower()) if w not in _GENERIC and not w.isdigit()}


_MARKUP = re.compile(r"<[^>]{0,200}>|&[a-z]{2,8};|&#\d{1,6};|\[|\]\([^)]*\)|[`*_#>|]")


def _title(lines: list[str]) -> str | None:
    for line in lines:
        bare = " ".join(_MARKUP.sub(" ", line).split()).strip("=- ").strip()
        if bare and _TITLE_WORD.search(bare) and len(bare.split()) <= 14:
            return bare
    return None


def _title_names_other(text_lines: list[str], m: LicenseMatch, entry: LicenseEntry, reference: str) -> str | None:
    """The copy's title, when it holds words that no name of the matched licence has."""
    first = max(0, m.start_line - 1 - HEAD_LINES)
    head = text_lines[first : m.start_line - 1 + HEAD_LINES]
    title = _title(head)
    if title is None:
        return None
    known = _words(" ".join([entry.id, entry.name, entry.family, entry.publisher or "", *entry.aliases]))
    ref_title = _title(reference.split("\n")[:HEAD_LINES * 2]) or ""
    known |= _words(ref_title)
    extra = _words(title) - known
    # a word that only repeats a number-like version or a year says nothing about the licence
    extra = {w for w in extra if not re.fullmatch(r"v?\d+[a-z]?|\d{4}", w)}
    if extra:
        return title
    # a title naming the product but not all of it ("Tencent Hunyuan" for "Tencent Hunyuan 3D"): another product
    own = _words(title)
    missing = _words(ref_title) - own - _words(entry.publisher or "")
    if ref_title and own & _words(ref_title) and missing:
        return title
    return None


def _key_values(text: str) -> dict[str, object]:
    from smallprint.evaluators.clauses import read_document, rule_hits

    nt = normalize(text)
    if not nt.words:
        return {}
    hits = rule_hits(read_document(nt), MATERIAL_KEYS)
    return {k: _loose(k, h.value) for k, h in hits.items()}


def _loose(key: str, value: object) -> object:
    if key == "field-of-use":
        return True  # lists are worded differently in every copy: only presence counts
    if isinstance(value, str):
        return " ".join(value.lower().split())
    return value


@lru_cache(maxsize=256)
def _material_pair(copy: str, ref: str) -> str | None:
    a, b = _key_values(copy), _key_values(ref)
    for key in MATERIAL_KEYS:
        if a.get(key) != b.get(key) and (key in a or key in b):
            if key == "commercial-use" and (key not in a or key not in b):
                continue  # a grant split across passages reads as present on one side only
            said = a.get(key, "nothing")
            was = b.get(key, "nothing")
            return f"{key}: this text says {said!r} where the reference says {was!r}"
    return None


_TERM_WORDS = re.compile(
    r"\d|commercial|research|\bnames?\b|naming|prefix|display|built with|powered by|territor|union|kingdom|korea|china|"
    r"countr|region|jurisdiction|licen[cs]e|share|same|distribut|train|improv|distill|\bonly\b|users?\b|revenue|"
    r"restrict|prohibit|\bnot\b|\bnon\b|may|must|shall",
    re.I,
)


@lru_cache(maxsize=512)
def _reference_values(license_id: str, reference: str) -> tuple[tuple[str, object], ...]:
    return tuple(_key_values(reference).items())


def _material(
    m: LicenseMatch, entry: LicenseEntry, lines: list[str], reference: str, moved: frozenset[int]
) -> list[str]:
    """Terms this copy states differently from the reference (read by the same rules on both whole
    texts, so reformatting and moved clauses cancel out), or a term-bearing clause it dropped."""
    touched = [d for i, d in enumerate(m.deviations) if i not in moved]
    if not any(_TERM_WORDS.search(f"{d.shown or d.text} {d.shown_reference or d.reference}") for d in touched):
        return []  # no edited passage speaks of anything a term is made of: reading both texts is not needed
    first = max(0, m.start_line - 1)
    copy = _key_values("\n".join(lines[first : m.end_line]))
    ref = dict(_reference_values(entry.id, reference))
    out: list[str] = []
    dropped: dict[str, object] | None = None
    for key in MATERIAL_KEYS:
        if key in copy and key in ref and copy[key] == ref[key]:
            continue
        if key in copy and (key in ref or key != "commercial-use"):
            out.append(f"{key}: this text says {copy[key]!r} where the reference says {ref.get(key, 'nothing')!r}")
        elif key in ref and key not in copy and key != "commercial-use":
            if dropped is None:
                dropped = {}
                for i, d in enumerate(m.deviations):
                    if i not in moved and d.kind in ("removed", "changed") and (d.shown_reference or d.reference):
                        dropped.update(_key_values(d.shown_reference or d.reference))
            if key in dropped:
                out.append(f"{key}: this text drops the clause where the reference says {ref[key]!r}")
    return out


def assess_variant(
    m: LicenseMatch,
    entry: LicenseEntry,
    lines: list[str] | tuple[str, ...],
    reference: str | None,
    moved: frozenset[int] = frozenset(),
    *,
    compare_terms: bool = True,
) -> Variance:
    """Whether a full-text match is a variant of `entry`: a title naming another licence, a
    restriction stated above the text, or a deviation that changes a term."""
    reasons: list[str] = []
    lines = list(lines)
    if reference:
        title = _title_names_other(lines, m, entry, reference)
        if title:
            reasons.append(f"its title {title!r} names another licence than {entry.name}")
    reasons += _head_restrictions(lines, m)
    if reference and compare_terms:
        reasons += _material(m, entry, lines, reference, moved)
    return Variance(tuple(reasons))


def _head_restrictions(lines: list[str], m: LicenseMatch) -> list[str]:
    """Restrictions stated just above a matched licence ("FOR NON-COMMERCIAL PURPOSES ONLY"): they
    belong to this text, and the reference has none there."""
    head = "\n".join(lines[max(0, m.start_line - 1 - HEAD_LINES * 2) : m.start_line - 1])
    if not head.strip():
        return []
    kv = _key_values(head)
    return [f"{k}: {v!r} stated above the licence text" for k, v in kv.items()
            if k in ("non-commercial", "research-only", "no-training-other-models", "geographic")]
