"""Full-text matcher: which reference texts an input contains, where, and how completely.

The input's word shingles are looked up in the inverted index; for every reference
with enough shingles present, its hits are cut into copies (a long run of unmatched
words, or the reference's own unique shingles coming round again, starts a new copy)
and each copy is trimmed to where its hits are dense. A copy scores by containment
(how much of the reference is there) times precision (how much of the region is the
reference). Copies of different references over the same region compete: the one
whose distinctive shingles (those its rival lacks) are present wins, so versions of
one family (Llama 3 / 3.1 / 3.3, the CC variants) are told apart, and only the winner
is reported. A region whose best score stays under `REPORT_CONFIDENCE` is left
unknown rather than forced onto the nearest licence.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter
from dataclasses import dataclass, replace
from itertools import chain

from smallprint.matchers.candidate import Candidate
from smallprint.matchers.refindex import SHINGLE, Reference, ReferenceIndex
from smallprint.text import NormalizedText

MIN_CONTAINMENT = 0.25
"""A reference with less of its text present is not even considered."""
REPORT_CONFIDENCE = 0.5
"""Below this a region is unknown: too little of any reference is there."""
RUN_GAP = 12
"""Hits closer than this (in words) belong to one run of matching text."""
COPY_GAP = 250
"""This many words without a hit end a copy."""
BACKJUMP = 50
RESTART_HITS = 20
"""That many hits in a row at least BACKJUMP words back in the reference: a new copy starts."""
VERSION_MARGIN = 0.5
"""Distinctive-shingle margin at which the version is considered settled."""
ABSENCE_MIN = 20
"""Fewer missing distinctive shingles than this (both sides together) say nothing."""
NAME_CAP = 0.45
"""Confidence at most of a copy that never says its reference's name (left unknown)."""
NAME_WINDOW = 60
"""Words around a copy where its name may stand (a title just outside the matched span)."""

Hit = tuple[int, int]  # (input shingle position, shingle hash)


@dataclass(frozen=True)
class _Copy:
    ref: int
    hits: list[Hit]


def collect_hits(ish: list[int], index: ReferenceIndex, min_share: float) -> dict[int, list[Hit]]:
    """Reference number -> its shingles found in the input, in input order.

    References with fewer than `min_share` of their shingles present are skipped
    before any per-position work (counting is done in C by Counter)."""
    postings = index.postings
    counts = Counter(chain.from_iterable(filter(None, map(postings.get, ish))))
    hits: dict[int, list[Hit]] = {}
    for r, n in counts.items():
        ref = index.refs[r]
        if n < min_share * ref.size:
            continue
        own = ref.shingle_set
        hits[r] = [(pos, sh) for pos, sh in enumerate(ish) if sh in own]
    return hits


def split_copies(hits: list[Hit], ref: Reference) -> list[list[Hit]]:
    """Cut one reference's hits into separate copies of it.

    Along one copy the reference positions of its unique shingles only move forward
    (skipping what was deleted). A long stretch without hits, or a run of
    RESTART_HITS hits that jump back in the reference, starts a new copy: the text
    coming round again (two licences that share passages, a licence and its own
    policy, a second copy). A few shared phrases elsewhere in the input do not
    split a copy; they are trimmed off its edges later."""
    where = ref.where
    copies: list[list[Hit]] = []
    first = 0
    top = -1
    back_from: int | None = None
    back = 0
    for k, (pos, sh) in enumerate(hits):
        if k > first and pos - hits[k - 1][0] > COPY_GAP:
            copies.append(hits[first:k])
            first, top, back_from = k, -1, None
        rp = where.get(sh)
        if rp is None:
            continue
        if top - rp > BACKJUMP:
            if back_from is None:
                back_from, back = k, 0
            back += 1
            if back >= RESTART_HITS:
                copies.append(hits[first:back_from])
                first = back_from
                top = max(where.get(s, -1) for _, s in hits[back_from : k + 1])
                back_from = None
            continue
        back_from = None
        top = max(top, rp)
    copies.append(hits[first:])
    return [c for c in copies if c]


PIECE_OVERLAP = 0.8
"""Copies sharing less than this share of their shingles are pieces of one copy; a second copy
of a licence (pasted twice) repeats nearly all of the first."""


def join_pieces(copies: list[list[Hit]]) -> list[list[Hit]]:
    """Adjacent copies that hold different parts of the reference are one copy whose
    clauses were moved (a text assembled out of order); copies that repeat the same
    parts stay apart (a licence pasted twice)."""
    out: list[list[Hit]] = []
    for c in copies:
        if out:
            prev = out[-1]
            a, b = {sh for _, sh in prev}, {sh for _, sh in c}
            close = c[0][0] - prev[-1][0] <= COPY_GAP
            if close and len(a & b) < PIECE_OVERLAP * min(len(a), len(b)):
                out[-1] = prev + c
                continue
        out.append(c)
    return out


def _runs(hits: list[Hit]) -> list[tuple[int, int]]:
    """Index ranges [i, j) of `hits` whose positions lie within RUN_GAP of each other."""
    runs = []
    start = 0
    for i in range(1, len(hits)):
        if hits[i][0] - hits[i - 1][0] > RUN_GAP:
            runs.append((start, i))
            start = i
    runs.append((start, len(hits)))
    return runs


def trim_sparse_edges(hits: list[Hit]) -> list[Hit]:
    """Drop stray runs at either end: a few shared phrases far from the copy's body."""
    runs = _runs(hits)
    lo, hi = 0, len(runs)
    while hi - lo > 1:
        i, j = runs[lo]
        gap = hits[runs[lo + 1][0]][0] - hits[j - 1][0]
        if (j - i) * 2 < gap:
            lo += 1
        else:
            break
    while hi - lo > 1:
        i, j = runs[hi - 1]
        gap = hits[i][0] - hits[runs[hi - 2][1] - 1][0]
        if (j - i) * 2 < gap:
            hi -= 1
        else:
            break
    return hits[runs[lo][0] : runs[hi - 1][1]]


def score_copy(ref_no: int, hits: list[Hit], ref: Reference) -> Candidate:
    """Containment times precision of one copy, with its word span."""
    matched = {sh for _, sh in hits}
    containment = len(matched) / max(1, ref.size)
    first, last = hits[0][0], hits[-1][0]
    precision = min(1.0, len(hits) / (last - first + 1))
    return Candidate(
        license_id=ref.id,
        start=first,
        end=last + SHINGLE,
        confidence=containment * precision,
        method="fulltext",
        containment=containment,
        precision=precision,
    )


class _Versions:
    """Decides between references that claim the same region, by distinctive shingles."""

    def __init__(self, index: ReferenceIndex, ish: list[int], words: tuple[str, ...] = ()):
        self.index = index
        self.ish = ish
        self.words = words

    def name_missing(self, c: Candidate) -> bool:
        """Whether the copy never says a distinctive word its reference's name repeats
        ("Eclipse", "NonCommercial"): a licence of the same shape, not this one."""
        ref = self.index.by_id[c.license_id]
        if not ref.name_words:
            return False
        lo, hi = max(0, c.start - NAME_WINDOW), c.end + NAME_WINDOW
        present = set(self.words[lo:hi])
        return any(w not in present for w, _ in ref.name_words)

    def _present(self, a: Candidate, b: Candidate, region: set[int]) -> float | None:
        """Share of a's shingles that b lacks found in the region; None if a has none b lacks."""
        distinct = self.index.distinct(a.license_id, b.license_id)
        if not distinct:
            return None
        return len(distinct & region) / len(distinct)

    def duel(self, a: Candidate, b: Candidate, region: set[int]) -> tuple[bool, float]:
        """(a beats b, margin of the winner in [0, 1]).

        The winner is the one whose distinctive shingles are present; the margin is
        the larger of that evidence and the evidence of absence (one side lacks far
        more of its own distinctive text than the other: MIT against a modified MIT
        whose extra clause is missing)."""
        won, margin = self._by_presence(a, b, region)
        absent = self._absence_margin(a, b, region)
        if (absent > 0) == won and absent != 0:
            margin = max(margin, abs(absent))
        return won, margin

    def _by_presence(self, a: Candidate, b: Candidate, region: set[int]) -> tuple[bool, float]:
        da, db = self._present(a, b, region), self._present(b, a, region)
        if da is None and db is None:
            return (a.confidence >= b.confidence, 0.0)
        if da is None:
            assert db is not None
            return (db < 0.5, abs(0.5 - db) * 2)
        if db is None:
            return (da >= 0.5, abs(da - 0.5) * 2)
        if da == db:
            return (a.confidence >= b.confidence, 0.0)
        return (da > db, abs(da - db))

    def _absence_margin(self, a: Candidate, b: Candidate, region: set[int]) -> float:
        """In [-1, 1]: positive when b lacks more of its distinctive shingles than a does."""
        miss_a = len(self.index.distinct(a.license_id, b.license_id) - region)
        miss_b = len(self.index.distinct(b.license_id, a.license_id) - region)
        if miss_a + miss_b < ABSENCE_MIN:
            return 0.0
        return (miss_b - miss_a) / (miss_a + miss_b)

    def pick(self, group: list[Candidate]) -> Candidate:
        """The group's winner, its confidence lowered when its version is not settled.

        A knock-out (the best scored so far meets each other candidate), then the
        champion's margin against every rival: 2n duels instead of n^2/2."""
        named = [c for c in group if not self.name_missing(c)]
        if not named:
            best = max(group, key=lambda c: c.confidence)
            return replace(best, confidence=min(best.confidence, NAME_CAP))
        group = named
        if len(group) == 1:
            return group[0]
        lo = min(c.start for c in group)
        hi = max(c.end for c in group)
        region = set(self.ish[lo : max(lo, hi - SHINGLE + 1)])
        best = group[0]
        for c in group[1:]:
            if c.license_id != best.license_id and not self.duel(best, c, region)[0]:
                best = c
        margin = 1.0
        for c in group:
            if c.license_id == best.license_id:
                continue
            won, m = self.duel(best, c, region)
            margin = min(margin, m if won else 0.0)
        if margin >= VERSION_MARGIN:
            return best
        factor = 0.5 + margin  # unsettled version: the caller will not report it confidently
        return Candidate(
            license_id=best.license_id,
            start=best.start,
            end=best.end,
            confidence=best.confidence * factor,
            method=best.method,
            containment=best.containment,
            precision=best.precision,
        )


def _group(cands: list[Candidate]) -> list[list[Candidate]]:
    """Candidates whose regions mostly overlap compete in one group.

    Each candidate joins the first-made group holding a member it overlaps by more than
    half. Members are kept sorted by start, so only those that can touch the candidate
    (starting within the longest region before its end) are compared: a text holding
    one licence hundreds of times would otherwise cost candidates x candidates."""
    groups: list[list[Candidate]] = []
    members: list[tuple[int, int, int]] = []  # (start, end, group index), sorted
    longest = max((c.end - c.start for c in cands), default=0)
    for c in sorted(cands, key=lambda c: -c.confidence):
        lo = bisect_left(members, (c.start - longest, -1, -1))
        hi = bisect_left(members, (c.end, -1, -1))
        hit = min(
            (gi for s, e, gi in members[lo:hi] if e > c.start and _overlap(c, s, e) > 0.5),
            default=None,
        )
        if hit is None:
            hit = len(groups)
            groups.append([])
        groups[hit].append(c)
        insort(members, (c.start, c.end, hit))
    return groups


def _overlap(c: Candidate, start: int, end: int) -> float:
    """Candidate.overlap against a bare region."""
    inter = min(c.end, end) - max(c.start, start)
    if inter <= 0:
        return 0.0
    return inter / max(1, min(c.end - c.start, end - start))


def raw_candidates(nt: NormalizedText, index: ReferenceIndex, ish: list[int]) -> list[Candidate]:
    """Every copy of every reference with at least MIN_CONTAINMENT of it present."""
    out: list[Candidate] = []
    for r, hits in collect_hits(ish, index, MIN_CONTAINMENT).items():
        ref = index.refs[r]
        need = MIN_CONTAINMENT * ref.size
        if len(hits) < need:
            continue
        for copy in join_pieces(split_copies(hits, ref)):
            if len(copy) < need:
                continue
            copy = trim_sparse_edges(copy)
            if len(copy) < need:
                continue
            c = score_copy(r, copy, ref)
            if c.containment >= MIN_CONTAINMENT:
                out.append(c)
    return out


def match_fulltext(
    nt: NormalizedText, index: ReferenceIndex, min_confidence: float = REPORT_CONFIDENCE
) -> list[Candidate]:
    """The licences whose text the input holds, one per region, best first."""
    ish = index.shingles_of(nt.words)
    if not ish:
        return []
    cands = raw_candidates(nt, index, ish)
    versions = _Versions(index, ish, nt.words)
    picked = [versions.pick(g) for g in _group(cands)]
    picked = [c for c in picked if c.confidence >= min_confidence]
    return sorted(picked, key=lambda c: (-c.confidence, c.start))
