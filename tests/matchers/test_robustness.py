"""Identification holds when real-world copies differ in form (bundled knowledge base).

For a representative set of corpus texts (versions of one family side by side), every
perturbation in `smallprint.matchers.perturb.SINGLE` must still give exactly the
expected licence, two licences in one file must both be found, and an edited clause
must be reported as a deviation on its line. Seeds are fixed.
"""

from __future__ import annotations

import hashlib
import random
from functools import cache

import pytest
from matcher_kb import CORPUS, HAVE_CORPUS, corpus_text

from smallprint.identify import identify_text
from smallprint.kb import KnowledgeBase, default_kb
from smallprint.matchers import perturb
from smallprint.matchers.refindex import reference_index
from smallprint.text import normalize

pytestmark = pytest.mark.skipif(not HAVE_CORPUS, reason="shared corpus not available")

REPRESENTATIVE = (
    "llama-3",
    "llama-3.1",
    "llama-3.3",
    "llama-3-use-policy",
    "llama-3.1-use-policy",
    "llama-3.3-use-policy",
    "gemma-terms-2024-04-01",
    "gemma-terms-2025-03-24",
    "stability-nc-research-community-2023-11-28",
    "stability-nc-research-community-2023-12-06",
    "stability-nc-research-community-2024-06-05",
    "apache-2.0",
    "mit",
    "bsd-3-clause",
    "cc-by-4.0",
    "cc-by-sa-4.0",
    "cc-by-nc-4.0",
    "cc-by-nc-sa-4.0",
    "cc-by-nc-nd-4.0",
)
FULL = ("exact", "fulltext")


@cache
def kb() -> KnowledgeBase:
    return default_kb()


@cache
def expected(slug: str) -> str:
    """The id of the bundled entry whose reference text is this corpus text."""
    data = (CORPUS / f"{slug}.txt").read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    words = normalize(data.decode("utf-8")).words
    index = reference_index(kb())
    for e in kb():
        if e.text.sha256 == sha:
            return e.id
    for e in kb():
        if e.id in index.by_id and index.normalized(kb(), e.id).words == words:
            return e.id
    pytest.skip(f"no bundled entry carries the text of {slug}")


def found(text: str) -> list[str]:
    return [m.id for m in identify_text(text, kb=kb()) if m.method in FULL]


@pytest.mark.parametrize("name", sorted(perturb.SINGLE))
@pytest.mark.parametrize("slug", REPRESENTATIVE)
def test_perturbed_copy_keeps_its_id_and_version(slug: str, name: str) -> None:
    rng = random.Random(f"{slug}/{name}")
    text = perturb.SINGLE[name](corpus_text(slug), rng)
    assert found(text) == [expected(slug)]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("apache-2.0", "llama-3.1"),
        ("llama-3", "llama-3.3-use-policy"),
        ("cc-by-nc-4.0", "cc-by-sa-4.0"),
        ("mit", "gemma-terms-2025-03-24"),
        ("stability-nc-research-community-2023-11-28", "bsd-3-clause"),
    ],
)
def test_two_licences_in_one_file_are_both_found_in_order(first: str, second: str) -> None:
    text = perturb.concatenated(corpus_text(first), corpus_text(second))
    matches = sorted(
        (m for m in identify_text(text, kb=kb()) if m.method in FULL), key=lambda m: m.start_line
    )
    assert [m.id for m in matches] == [expected(first), expected(second)]
    assert matches[0].end_line <= matches[1].start_line


@pytest.mark.parametrize("slug", REPRESENTATIVE)
def test_edited_clause_is_reported_on_its_line(slug: str) -> None:
    edit = perturb.edit_clause(corpus_text(slug), random.Random(slug))
    if edit is None:
        pytest.skip("no clause to edit")
    [m] = [m for m in identify_text(edit.text, kb=kb()) if m.method in FULL]
    assert m.id == expected(slug)
    assert m.confidence < 1.0
    assert any((d.start_line or 0) <= edit.line <= (d.end_line or 0) for d in m.deviations)
