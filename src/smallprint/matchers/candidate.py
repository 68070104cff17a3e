"""What a matcher proposes: a licence, where in the input (word indexes), how sure."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    """A licence found in a normalised input, over words [start, end).

    containment: share of the reference's shingles present in the region;
    precision: share of the region's shingles that belong to the reference;
    confidence: the overall score in [0, 1] after version disambiguation.
    """

    license_id: str
    start: int
    end: int
    confidence: float
    method: str
    containment: float = 1.0
    precision: float = 1.0

    def overlap(self, other: Candidate) -> float:
        """Share of the shorter region that the two regions have in common."""
        inter = min(self.end, other.end) - max(self.start, other.start)
        if inter <= 0:
            return 0.0
        return inter / max(1, min(self.end - self.start, other.end - other.start))
