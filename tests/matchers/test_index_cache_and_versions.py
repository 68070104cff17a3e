"""The reference index disk cache, and copies that look like another version."""

from __future__ import annotations

from pathlib import Path

import pytest
from matcher_kb import HAVE_CORPUS, corpus_text

from smallprint.identify import identify_text
from smallprint.kb import KnowledgeBase
from smallprint.matchers.deviations import VERSION_CAP
from smallprint.matchers.fulltext import match_fulltext
from smallprint.matchers.refindex import build_index, load_or_build
from smallprint.text import normalize

pytestmark = pytest.mark.skipif(not HAVE_CORPUS, reason="shared corpus not available")


def test_index_is_cached_on_disk_and_loads_to_the_same_answers(
    corpus_kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SMALLPRINT_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    built = load_or_build(corpus_kb)
    [cache_file] = (tmp_path / "smallprint").glob("refindex-*.pickle")
    loaded = load_or_build(corpus_kb)
    assert loaded is not built
    nt = normalize("Header\n\n" + corpus_text("cc-by-nc-sa-4.0"))
    assert match_fulltext(nt, loaded) == match_fulltext(nt, built)
    assert loaded.exact_ids(normalize(corpus_text("mit")).words) == ("mit",)
    cache_file.write_bytes(b"not a pickle")
    assert load_or_build(corpus_kb).exact_ids(normalize(corpus_text("isc")).words) == ("isc",)


def test_index_without_disk_cache_matches_fresh_build(corpus_kb: KnowledgeBase) -> None:
    idx = build_index(corpus_kb)
    assert idx.exact_ids(normalize(corpus_text("llama-3.2")).words) == ("llama-3.2",)
    assert idx.exact_ids(("an", "unknown", "text")) == ()


def test_copy_with_another_version_number_is_not_reported_confidently(
    corpus_kb: KnowledgeBase,
) -> None:

    text = corpus_text("llama-3.1").replace("3.1", "3.4").replace("July 23, 2024", "May 1, 2026")
    for m in identify_text(text, kb=corpus_kb):
        if m.id == "llama-3.1":
            assert m.confidence <= VERSION_CAP
            assert any("3 4" in d.text for d in m.deviations)


def test_changed_date_on_the_version_line_lowers_confidence(corpus_kb: KnowledgeBase) -> None:
    ref = corpus_text("gemma-terms-2025-03-24")
    assert "March 24, 2025" in ref
    [m] = identify_text(ref.replace("March 24, 2025", "March 24, 2026"), kb=corpus_kb)
    assert m.id == "gemma-terms-2025-03-24" and m.confidence <= VERSION_CAP


def test_edited_threshold_is_a_variant_that_reports_the_change(corpus_kb: KnowledgeBase) -> None:
    # issue 10: a copy that changes a term (the user cap) is "a variant of" the licence, not the licence
    [m] = identify_text(corpus_text("llama-3.3").replace("700 million", "7 million"), kb=corpus_kb)
    assert m.variant_of == "llama-3.3" and m.confidence < 0.5
    assert any("user-threshold" in r for r in m.variant_reasons)
    assert [d.kind for d in m.deviations] == ["changed"]
