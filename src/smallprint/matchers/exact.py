"""Exact matcher: the whole normalised input is word for word a reference text."""

from __future__ import annotations

from smallprint.kb import KnowledgeBase
from smallprint.matchers.candidate import Candidate
from smallprint.matchers.refindex import ReferenceIndex, exact_table, text_digest
from smallprint.text import NormalizedText


def match_exact(nt: NormalizedText, index: ReferenceIndex | KnowledgeBase) -> list[Candidate]:
    """Candidates (confidence 1.0) whose reference equals the input after normalisation.

    Formatting (wrapping, markup, quotes, numbering, case) is gone after
    normalisation, so this catches every reformatted verbatim copy at the cost of
    one hash of the words. Given the knowledge base rather than its index, the small
    exact-match table is read and the index is not loaded at all.
    """
    if not nt.words:
        return []
    if isinstance(index, ReferenceIndex):
        ids = index.exact_ids(nt.words)
    else:
        ids = exact_table(index).get(text_digest(nt.words), ())
    return [
        Candidate(license_id=i, start=0, end=len(nt.words), confidence=1.0, method="exact")
        for i in ids
    ]
