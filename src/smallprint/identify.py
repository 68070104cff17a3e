"""Which known licences a text holds: the resolver over all matchers.

Full-text matches (exact, then shingle containment with version disambiguation)
come first, each with its line span and the passages where the copy deviates from
the reference; short references (names, SPDX ids and expressions, URLs) found
outside those regions follow. Nothing is forced: a text that matches nothing well
enough yields no full-text match, and the caller reports it as unknown.
"""

from __future__ import annotations

from collections.abc import Iterable

from smallprint.kb import KnowledgeBase, LicenseEntry, default_kb
from smallprint.matchers.candidate import Candidate
from smallprint.matchers.deviations import VERSION_CAP, find_deviations, suggests_other_version
from smallprint.matchers.exact import match_exact
from smallprint.matchers.fulltext import match_fulltext
from smallprint.matchers.reference import Mention, reference_matcher
from smallprint.matchers.refindex import reference_index
from smallprint.model import LicenseMatch
from smallprint.text import NormalizedText, normalize

__all__ = ["identify_reference", "identify_text", "warm_up"]


def _license_match(
    entry: LicenseEntry, confidence: float, lines: tuple[int, int], method: str
) -> LicenseMatch:
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


def _fulltext_matches(nt: NormalizedText, kb: KnowledgeBase) -> list[LicenseMatch]:
    index = reference_index(kb)
    cands: list[Candidate] = match_exact(nt, index) or match_fulltext(nt, index)
    out = []
    for c in cands:
        m = _license_match(
            kb.licenses[c.license_id], c.confidence, nt.span_lines(c.start, c.end), c.method
        )
        if c.method != "exact":
            m.deviations = find_deviations(nt, c.start, c.end, index.normalized(kb, c.license_id))
            if suggests_other_version(m.deviations):
                m.confidence = min(m.confidence, VERSION_CAP)  # a newer or older text, not this one
        out.append(m)
    return out


def _mention_matches(mentions: Iterable[Mention], kb: KnowledgeBase) -> list[LicenseMatch]:
    """One match per licence mentioned (its most confident mention), best first."""
    best: dict[str, Mention] = {}
    for m in mentions:
        cur = best.get(m.license_id)
        if cur is None or m.confidence > cur.confidence:
            best[m.license_id] = m
    ordered = sorted(best.values(), key=lambda m: (-m.confidence, m.start_line))
    return [
        _license_match(
            kb.licenses[m.license_id], m.confidence, (m.start_line, m.end_line), m.method
        )
        for m in ordered
    ]


def identify_text(
    text: str,
    path: str = "-",
    kb: KnowledgeBase | None = None,
    normalized: NormalizedText | None = None,
) -> list[LicenseMatch]:
    """Known licences in a text, best first: full-text matches, then short references.

    `path` names the input in messages; `normalized` saves normalising twice when
    the caller already did."""
    kb = kb or default_kb()
    nt = normalized if normalized is not None else normalize(text)
    full = _fulltext_matches(nt, kb)
    known = {m.id for m in full}
    outside = _outside(text, [(m.start_line, m.end_line) for m in full])
    mentions = [m for m in reference_matcher(kb).scan(outside) if m.license_id not in known]
    return full + _mention_matches(mentions, kb)


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
