"""Which known licences a text holds: the resolver over all matchers.

Full-text matches (exact, then shingle containment with version disambiguation)
come first, each with its line span and the passages where the copy deviates from
the reference; short references (names, SPDX ids and expressions, URLs) found
outside those regions follow. Nothing is forced: a text that matches nothing well
enough yields no full-text match, and the caller reports it as unknown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from smallprint.kb import KnowledgeBase, LicenseEntry, default_kb
from smallprint.matchers.candidate import Candidate
from smallprint.matchers.deviations import (
    DERIVED_CAP,
    DEVIATION_COST,
    VERSION_CAP,
    derived,
    edited_cap,
    find_deviations,
    moved,
    renames,
    suggests_other_version,
    trailing_addition,
)
from smallprint.matchers.exact import match_exact
from smallprint.matchers.fulltext import match_fulltext
from smallprint.matchers.reference import Mention, reference_matcher
from smallprint.matchers.refindex import reference_index
from smallprint.model import Deviation, LicenseMatch
from smallprint.text import NormalizedText, normalize, words_of

__all__ = ["identify_reference", "identify_text", "warm_up"]


def license_match(
    entry: LicenseEntry, confidence: float, lines: tuple[int, int], method: str
) -> LicenseMatch:
    """A match for a known entry, at the given input lines."""
    return LicenseMatch(
        id=entry.id,
        name=entry.name,
        version=entry.version,
        spdx_id=entry.spdx_id,
        hub_id=entry.hub_id,
        confidence=round(confidence, 4),
        start_line=lines[0],
        end_line=lines[1],
        method=method,
        kind=entry.kind,
    )


MAX_COPIES_PER_LICENSE = 8
MAX_COPIES = 32
"""Full-text copies analysed per input (deviations, then terms cost a pass over the whole
text each): a file made of one licence pasted hundreds of times would otherwise take
minutes. The first copies in the text are analysed, and the rest are counted in a note."""


def _capped(cands: list[Candidate], notes: list[str] | None) -> list[Candidate]:
    """The first MAX_COPIES_PER_LICENSE copies of each licence (MAX_COPIES in all), in text order."""
    if len(cands) <= MAX_COPIES_PER_LICENSE:
        return cands
    kept: list[Candidate] = []
    per: dict[str, int] = {}
    skipped: dict[str, int] = {}
    for c in sorted(cands, key=lambda c: c.start):
        if per.get(c.license_id, 0) >= MAX_COPIES_PER_LICENSE or len(kept) >= MAX_COPIES:
            skipped[c.license_id] = skipped.get(c.license_id, 0) + 1
            continue
        per[c.license_id] = per.get(c.license_id, 0) + 1
        kept.append(c)
    if skipped and notes is not None:
        counted = ", ".join(f"{n} of {lid}" for lid, n in sorted(skipped.items()))
        notes.append(
            f"{sum(skipped.values())} further full-text copies ({counted}) not analysed: at most "
            f"{MAX_COPIES_PER_LICENSE} copies of one licence and {MAX_COPIES} in all are read from one text"
        )
    order = {id(c): i for i, c in enumerate(cands)}
    return sorted(kept, key=lambda c: order[id(c)])


def _fulltext_matches(nt: NormalizedText, kb: KnowledgeBase, notes: list[str] | None = None) -> list[LicenseMatch]:
    cands: list[Candidate] = match_exact(nt, kb)
    if not cands:  # only a copy that is not verbatim needs the whole index
        cands = match_fulltext(nt, reference_index(kb))
    cands = _capped(cands, notes)
    index = reference_index(kb) if any(c.method != "exact" for c in cands) else None
    out = []
    starts = sorted(c.start for c in cands)
    for c in cands:
        m = license_match(
            kb.licenses[c.license_id], c.confidence, nt.span_lines(c.start, c.end), c.method
        )
        if index is not None and c.method != "exact":
            m.deviations = find_deviations(nt, c.start, c.end, index.normalized(kb, c.license_id))
            last = not any(s >= c.end for s in starts)  # text between two licences heads the next
            added = trailing_addition(nt, c.end, len(nt.words)) if last else None
            if added is not None:
                m.deviations.append(added)
                m.end_line = added.end_line or m.end_line
            ref = index.normalized(kb, c.license_id)
            moves = moved(m.deviations, nt, ref)
            m.confidence = min(m.confidence, _cap(m.deviations, index.by_id[c.license_id].name_words, moves))
            if _states_other_version(nt, c.start, kb.licenses[c.license_id].version, index.normalized(kb, c.license_id)):
                m.confidence = min(m.confidence, VERSION_CAP)
            _judge_variant(m, kb.licenses[c.license_id], nt, kb, frozenset(moves))
        else:
            _judge_variant(m, kb.licenses[c.license_id], nt, kb, None)  # the same words: only title and head
        out.append(m)
    return out


def _judge_variant(
    m: LicenseMatch, entry: LicenseEntry, nt: NormalizedText, kb: KnowledgeBase, moves: frozenset[int] | None
) -> None:
    """A copy that changes what the licence says (or is titled as another licence) is a variant of it,
    never reported as it with a trusted confidence (matchers/variant.py)."""
    from smallprint.matchers.variant import VARIANT_CAP, assess_variant

    v = assess_variant(m, entry, nt.raw_lines, kb.text(entry.id), moves or frozenset(), compare_terms=moves is not None)
    if v.is_variant:
        m.variant_of = entry.id
        m.variant_reasons = list(v.reasons)
        m.name = f"a variant of {entry.name}"
        m.confidence = min(m.confidence, VARIANT_CAP)


VERSION_WINDOW = 60
"""Words before and after the start of a copy where its title and version line stand."""
_VERSION_LEAD = frozenset({"version", "v", "release", "revision", "rev"})


def _states_other_version(nt: NormalizedText, start: int, version: str | None, ref: NormalizedText) -> bool:
    """Whether the copy's title states a version other than the reference's own
    ("Version 1.3b" above a text matched to 1.3c): the header is often outside the
    matched span, so it is read here rather than from the deviations."""
    want = words_of(version or "")
    if not want or not any(ch.isdigit() for ch in want[0]):
        return False
    head = ref.words[: VERSION_WINDOW * 2]
    if not _holds(head, want):
        return False  # the reference does not state its version up front
    window = nt.words[max(0, start - VERSION_WINDOW) : start + VERSION_WINDOW]
    if _holds(window, want):
        return False
    for i, w in enumerate(window[:-1]):
        nxt = window[i + 1]
        if w in _VERSION_LEAD and nxt[:1].isdigit() and nxt != want[0]:
            return True
        if w in _VERSION_LEAD and nxt == want[0] and tuple(window[i + 1 : i + 1 + len(want)]) != want:
            return True
    return False


def _holds(words: tuple[str, ...], seq: tuple[str, ...]) -> bool:
    n = len(seq)
    return any(words[i : i + n] == seq for i in range(len(words) - n + 1))


def _cap(
    deviations: list[Deviation], name_words: tuple[tuple[str, int], ...], moves: frozenset[int] | set[int] = frozenset()
) -> float:
    """The most a copy with these deviations may be trusted to be its reference.

    Moved text (clauses swapped) costs one edit whatever the number of passages it
    shows up in, and says nothing of the version or the name."""
    if moves:
        kept = [d for i, d in enumerate(deviations) if i not in moves]
        return min(_cap(kept, name_words), 1.0 - DEVIATION_COST)
    if suggests_other_version(deviations) or renames(deviations, (w for w, _ in name_words)):
        return VERSION_CAP  # a newer or older text, or another licence of the same shape
    if derived(deviations):
        return DERIVED_CAP
    return edited_cap(deviations)


def _mention_matches(mentions: Iterable[Mention], kb: KnowledgeBase) -> list[LicenseMatch]:
    """One match per licence mentioned (its most confident mention), best first."""
    best: dict[str, Mention] = {}
    for m in mentions:
        cur = best.get(m.license_id)
        if cur is None or m.confidence > cur.confidence:
            best[m.license_id] = m
    ordered = sorted(best.values(), key=lambda m: (-m.confidence, m.start_line))
    return [
        license_match(
            kb.licenses[m.license_id], m.confidence, (m.start_line, m.end_line), m.method
        )
        for m in ordered
    ]


def identify_text(
    text: str,
    path: str = "-",
    kb: KnowledgeBase | None = None,
    normalized: NormalizedText | None = None,
    notes: list[str] | None = None,
) -> list[LicenseMatch]:
    """Known licences in a text, best first: full-text matches, then short references.

    `path` names the input in messages; `normalized` saves normalising twice when
    the caller already did; `notes`, when given, receives what was left unread."""
    kb = kb or default_kb()
    nt = normalized if normalized is not None else normalize(text)
    full = _fulltext_matches(nt, kb, notes)
    known = {m.id for m in full}
    outside = _outside(_front_matter_values_only(text), [(m.start_line, m.end_line) for m in full])
    mentions = [m for m in reference_matcher(kb).scan(outside) if m.license_id not in known]
    if _licence_prose(outside):
        mentions = _passing_mentions_lowered(mentions, outside)
    return full + _mention_matches(mentions, kb)


PROSE_WORDS = 200
"""A text outside every matched licence this long, dense with grants and warranties, is a licence itself."""
LEGAL_DENSITY = 0.05
"""Share of legal words (licence, grant, warranty, liability, termination) in a licence's prose."""
REGISTER_DENSITY = 0.01
"""Share of drafting words (shall, hereby, licensee, warranty, liable) in a licence's prose; model
cards stay below it once the licence they quote is matched and set aside."""
_REGISTER = re.compile(
    r"\b(?:shall|hereby|herein|thereof|hereunder|hereto|licensee|licensor|indemnif\w*|notwithstanding"
    r"|warrant\w*|liabilit\w*|liable)\b",
    re.I,
)
MENTION_CAP = 0.45
"""Confidence at most of a licence a licence text only mentions ("such as the GNU GPL", "you must comply
with Apache 2.0 and the X License"): below 0.5, where an id is taken as the text's own."""
_LEGAL = re.compile(r"\b(?:licen[cs]e[ds]?|licensor|licensee|grants?|warrant\w*|liab\w*|terminat\w*)\b", re.I)
_DECLARES = re.compile(
    r"\b(?:this|the|these|our) (?:\w+ ){0,2}(?:software|model|models|weights|work|program|code|project|materials?|files?|dataset)"
    r" (?:is|are) (?:\w+ ){0,3}(?:licen[cs]ed|released|distributed|made available|available|provided) under\b"
    r"|\blicen[cs]ed under\b"
    r"|^\s*licen[cs]e\s*:|spdx-license-identifier",
    re.I | re.M,
)


def _licence_prose(text: str) -> bool:
    """Whether a text (outside the matched licences) reads as a licence of its own."""
    n = len(text.split())
    if n < PROSE_WORDS:
        return False
    return len(_REGISTER.findall(text)) >= REGISTER_DENSITY * n or len(_LEGAL.findall(text)) >= LEGAL_DENSITY * n


def _passing_mentions_lowered(mentions: list[Mention], text: str) -> list[Mention]:
    """Inside a licence's own prose, names of other licences are references, not the licence
    of this text ("software under the MIT license, the Apache License and others", a preamble
    "the code is released under Apache 2.0; the weights must comply with the X License"): the
    text is a licence nobody here knows, and what it names is not it."""
    return [replace(m, confidence=min(m.confidence, MENTION_CAP)) for m in mentions]


_FM_LICENCE_KEY = re.compile(r"^(?:license|licence|license_name|license_link)\s*:", re.I)


def _front_matter_values_only(text: str) -> str:
    """A card's YAML front matter names licences only under its licence keys: a Hub tag list item
    (`- llama-3`), a model name or a dataset there is a reference, not the file's licence.
    Other front-matter lines are emptied (line numbers kept)."""
    if not text.startswith("---"):
        return text
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    end = next((i for i in range(1, min(len(lines), 5000)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        return text
    keep = False
    for i in range(1, end):
        line = lines[i]
        if line and not line[0].isspace() and not line.startswith("-"):
            keep = bool(_FM_LICENCE_KEY.match(line))
        if not keep:
            lines[i] = ""
    return "\n".join(lines)


def _outside(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with the lines of matched licences emptied (line numbers kept): names a
    licence text mentions of itself are not further references."""
    if not spans:
        return text
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")  # as text.normalize
    for a, b in spans:
        for i in range(max(0, a - 1), min(len(lines), b)):
            lines[i] = ""
    return "\n".join(lines)


def identify_reference(
    value: str | Iterable[str], kb: KnowledgeBase | None = None
) -> list[LicenseMatch]:
    """Known licences named by a metadata value (card `license`, `license_name`,
    `license_link`, GGUF `general.license`, an SPDX expression, or a list of these)."""
    kb = kb or default_kb()
    values = [value] if isinstance(value, str) else [str(v) for v in value]
    matcher = reference_matcher(kb)
    mentions = [m for v in values for m in matcher.match_value(v)]
    return _mention_matches(mentions, kb)


def warm_up(kb: KnowledgeBase | None = None) -> None:
    """Build the knowledge base's indexes now (a server or benchmark calls this once)."""
    kb = kb or default_kb()
    reference_index(kb)
    reference_matcher(kb)
