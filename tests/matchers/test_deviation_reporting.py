"""Deviations: edited clauses are reported with their lines; formatting changes are not."""

from __future__ import annotations

import pytest
from matcher_kb import HAVE_CORPUS, corpus_text

from smallprint.identify import identify_text
from smallprint.kb import KnowledgeBase
from smallprint.matchers.deviations import find_deviations
from smallprint.matchers.perturb import curly_quotes, rewrap, strip_numbering
from smallprint.model import LicenseMatch
from smallprint.text import normalize

pytestmark = pytest.mark.skipif(not HAVE_CORPUS, reason="shared corpus not available")


def only_match(text: str, kb: KnowledgeBase, want: str) -> LicenseMatch:
    [m] = [m for m in identify_text(text, kb=kb) if m.method in ("exact", "fulltext")]
    assert m.id == want
    return m


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_changed_threshold_is_reported_on_its_line(corpus_kb: KnowledgeBase) -> None:
    text = corpus_text("llama-3.1").replace("700 million", "7 million")
    m = only_match(text, corpus_kb, "llama-3.1")
    [d] = m.deviations
    assert d.kind == "changed"
    assert "7 million" in d.text and "700 million" in d.reference
    assert d.start_line == line_of(text, "7 million")


def test_removed_sentence_is_reported(corpus_kb: KnowledgeBase) -> None:
    ref = corpus_text("mit")
    sentence = "The above copyright notice and this permission notice shall be included in all"
    assert sentence in ref
    text = ref.replace(sentence, "")
    m = only_match(text, corpus_kb, "mit")
    assert any(d.kind in ("removed", "changed") and "included" in d.reference for d in m.deviations)


def test_inserted_non_commercial_clause_is_reported(corpus_kb: KnowledgeBase) -> None:
    ref = corpus_text("apache-2.0")
    anchor = "2. Grant of Copyright License."
    assert anchor in ref
    text = ref.replace(anchor, "Use for non-commercial purposes only.\n\n" + anchor)
    m = only_match(text, corpus_kb, "apache-2.0")
    [d] = m.deviations
    assert d.kind == "added" and "non commercial purposes only" in d.text
    assert d.start_line == line_of(text, "Use for non-commercial")


def test_reformatted_copy_has_no_deviations(corpus_kb: KnowledgeBase) -> None:
    for slug in (
        "mit",
        "bsd-3-clause",
        "gemma-terms-2025-03-24",
        "stability-nc-research-community-2023-12-06",
    ):
        text = "My project\n\n" + curly_quotes(strip_numbering(rewrap(corpus_text(slug), 72)))
        m = only_match(text, corpus_kb, slug)
        assert m.deviations == [], (slug, m.deviations)


def test_filled_in_copyright_line_is_not_a_deviation() -> None:
    ref = normalize(
        "MIT License\n\nCopyright (c) <year> <copyright holders>\n\nPermission is hereby granted."
    )
    copy = normalize("Copyright (c) 2024 Example Labs\n\nPermission is hereby granted.")
    assert find_deviations(copy, 0, len(copy.words), ref) == []


def test_word_changed_inside_a_sentence_keeps_context() -> None:
    ref = normalize("You may not use the outputs to improve any other large language model.")
    copy = normalize("You may use the outputs to improve any other large language model.")
    [d] = find_deviations(copy, 0, len(copy.words), ref)
    assert d.kind == "removed"
    assert "may not use" in d.reference and "may use" in d.text
