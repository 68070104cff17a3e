"""Full-text identification: verbatim, embedded, dual-licence, mixed, paraphrased, tiny inputs."""

from __future__ import annotations

import pytest
from matcher_kb import HAVE_CORPUS, corpus_index, corpus_text

from smallprint.identify import identify_text
from smallprint.kb import KnowledgeBase
from smallprint.matchers.exact import match_exact
from smallprint.matchers.fulltext import REPORT_CONFIDENCE, match_fulltext
from smallprint.matchers.perturb import paragraphs
from smallprint.matchers.refindex import reference_index
from smallprint.text import normalize

pytestmark = pytest.mark.skipif(not HAVE_CORPUS, reason="shared corpus not available")

FULL = {"exact", "fulltext"}


def full_ids(text: str, kb: KnowledgeBase) -> list[str]:
    return [m.id for m in identify_text(text, kb=kb) if m.method in FULL]


@pytest.mark.parametrize(
    "slug", [i["slug"] for i in corpus_index() if "paraphrase" not in i["slug"]]
)
def test_every_corpus_text_is_identified_as_itself(slug: str, corpus_kb: KnowledgeBase) -> None:
    assert full_ids(corpus_text(slug), corpus_kb) == [slug]


def test_verbatim_copy_matches_exactly_with_confidence_one(corpus_kb: KnowledgeBase) -> None:
    text = corpus_text("llama-3.1").replace("\n", "\r\n").upper()
    [m] = identify_text(text, kb=corpus_kb)
    assert (m.id, m.method, m.confidence) == ("llama-3.1", "exact", 1.0)


def test_exact_matcher_ignores_a_text_with_one_word_more(corpus_kb: KnowledgeBase) -> None:
    nt = normalize(corpus_text("mit") + "\nThanks.")
    assert match_exact(nt, reference_index(corpus_kb)) == []


def test_licence_in_a_readme_is_found_with_its_own_line_span(corpus_kb: KnowledgeBase) -> None:
    lic = corpus_text("gemma-terms-2024-04-01")
    before = "# My model\n\nA model.\n\n## Usage\n\nCall it.\n\n## License\n\n"
    text = before + lic + "\n\n## Citation\n\nPlease cite us.\n"
    [m] = [m for m in identify_text(text, kb=corpus_kb) if m.method in FULL]
    first_line = before.count("\n") + 1
    assert m.id == "gemma-terms-2024-04-01"
    assert first_line <= m.start_line <= first_line + 2
    assert m.end_line <= first_line + lic.count("\n") + 1
    assert m.confidence >= 0.95


def test_dual_licence_file_reports_both_licences_with_separate_spans(
    corpus_kb: KnowledgeBase,
) -> None:
    a, b = corpus_text("apache-2.0"), corpus_text("llama-3.3")
    text = "Code: Apache-2.0. Weights: Llama 3.3.\n\n" + a + "\n\n-----\n\n" + b
    found = {m.id: m for m in identify_text(text, kb=corpus_kb) if m.method in FULL}
    assert set(found) == {"apache-2.0", "llama-3.3"}
    assert found["apache-2.0"].end_line < found["llama-3.3"].start_line


def test_two_versions_of_one_family_are_never_reported_for_one_region(
    corpus_kb: KnowledgeBase,
) -> None:
    for slug in ("llama-3", "llama-3.1", "llama-3.2", "llama-3.3", "llama-4"):
        assert full_ids("Header\n\n" + corpus_text(slug), corpus_kb) == [slug]


def test_text_mixing_paragraphs_of_two_versions_is_not_a_confident_match(
    corpus_kb: KnowledgeBase,
) -> None:
    a = paragraphs(corpus_text("llama-3"))
    b = paragraphs(corpus_text("llama-3.1"))
    mixed = "\n\n".join(a[i] if i % 2 else b[i] for i in range(min(len(a), len(b))))
    confident = [
        m for m in identify_text(mixed, kb=corpus_kb) if m.method in FULL and m.confidence >= 0.9
    ]
    assert confident == []


def test_text_mixing_paragraphs_of_two_unrelated_licences_is_not_forced_onto_one(
    corpus_kb: KnowledgeBase,
) -> None:
    a = paragraphs(corpus_text("gpl-3.0"))
    b = paragraphs(corpus_text("cc-by-4.0"))
    mixed = "\n\n".join(a[i] if i % 2 else b[i] for i in range(min(len(a), len(b))))
    assert [
        m for m in identify_text(mixed, kb=corpus_kb) if m.confidence >= 0.9 and m.method in FULL
    ] == []


def test_paraphrased_licence_is_not_identified_as_the_verbatim_one(
    corpus_kb: KnowledgeBase,
) -> None:
    text = corpus_text("nvidia-oml-dual-license-paraphrase")
    nt = normalize(text)
    assert match_fulltext(nt, reference_index(corpus_kb)) == []
    for m in identify_text(text, kb=corpus_kb):
        assert m.confidence <= REPORT_CONFIDENCE or "nvidia" not in m.id


@pytest.mark.parametrize("text", ["", "   \n\n", "MIT License here", "Apache"])
def test_empty_and_tiny_texts_yield_no_full_text_match(text: str, corpus_kb: KnowledgeBase) -> None:
    assert full_ids(text, corpus_kb) == []


def test_truncated_licence_half_missing_is_not_reported_confidently(
    corpus_kb: KnowledgeBase,
) -> None:

    text = corpus_text("apache-2.0")
    half = text[: len(text) // 3]
    for m in identify_text(half, kb=corpus_kb):
        if m.method in FULL:
            assert m.confidence < 0.9
