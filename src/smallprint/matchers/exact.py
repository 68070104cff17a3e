"""Exact matcher: the whole normalised input is word for word a reference text."""

from __future__ import annotations

from smallprint.matchers.candidate import Candidate
from smallprint.matchers.refindex import ReferenceIndex
from smallprint.text import NormalizedText


def match_exact(nt: NormalizedText, index: ReferenceIndex) -> list[Candidate]:
    """Candidates (confidence 1.0) whose reference equals the input after normalisation.

    Formatting (wrapping, markup, quotes, numbering, case) is gone after
    normalisation, so this catches every reformatted verbatim copy at the cost of
    one hash of the words' vocabulary numbers.
    """
    if not nt.words:
        return []
    return [
        Candidate(license_id=i, start=0, end=len(nt.words), confidence=1.0, method="exact")
        for i in index.exact_ids(nt.words)
    ]
