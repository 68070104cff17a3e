"""AI licences copied off web pages, PDFs and wikis keep their identity and version.

Each bundled AI licence text is turned into a documentation web page (navigation,
footer, <li> items, inline links, &nbsp;), PDF-extracted text (hyphenated line ends,
a running header and "Page n of m" on every page, form feeds), Markdown with a table
and footnotes, and a copy with two clauses swapped. The licence and version must
hold and the page furniture must not flood the deviations.
"""

from __future__ import annotations

import random
from functools import cache

import pytest

from smallprint.identify import identify_text
from smallprint.kb import KnowledgeBase, default_kb
from smallprint.matchers import perturb
from smallprint.text import normalize

AI_LICENCES = (
    "llama3",
    "llama3.1",
    "llama3.2",
    "llama3.3",
    "llama4",
    "gemma",
    "gemma-2024-04-01",
    "qwen",
    "deepseek",
    "stability-ai-community",
    "stability-nc-research-2024-06-05",
    "flux-1-dev-non-commercial",
    "creativeml-openrail-m",
    "bigscience-openrail-m",
)
MAX_DEVIATIONS = {"swapped-clauses": 4}
"""At most 3 deviations; a swap may be reported from both ends of both passages."""
FULL = ("exact", "fulltext")


@cache
def kb() -> KnowledgeBase:
    return default_kb()


@pytest.mark.parametrize("name", sorted(perturb.MESSY))
@pytest.mark.parametrize("licence", AI_LICENCES)
def test_messy_copy_keeps_its_licence_and_version_with_few_deviations(licence: str, name: str) -> None:
    text = kb().text(licence)
    if text is None:
        pytest.skip(f"{licence} has no bundled text")
    copy = perturb.MESSY[name](text, random.Random(7))
    found = [m for m in identify_text(copy, kb=kb()) if m.method in FULL]
    assert [m.id for m in found] == [licence]
    assert found[0].confidence >= 0.8
    assert len(found[0].deviations) <= MAX_DEVIATIONS.get(name, 3)


def test_pdf_page_furniture_and_hyphenation_leave_no_deviation() -> None:
    copy = perturb.pdf_text(kb().text("llama3.1") or "")
    assert "Page 2 of" in copy and "\f" in copy and "-\n" in copy
    [m] = [m for m in identify_text(copy, kb=kb()) if m.method in FULL]
    assert m.deviations == []


def test_swapped_clauses_are_reported_as_moved_text_not_another_licence() -> None:
    copy = perturb.swap_clauses(kb().text("gemma") or "", random.Random(3))
    [m] = [m for m in identify_text(copy, kb=kb()) if m.method in FULL]
    assert m.id == "gemma" and m.confidence >= 0.8
    assert 1 <= len(m.deviations) <= 4


def test_line_end_hyphen_is_joined_on_the_line_where_the_word_starts() -> None:
    nt = normalize("You may use it for com-\nmercial purposes.\n")
    assert nt.words == ("you", "may", "use", "it", "for", "commercial", "purposes")
    assert nt.lines[nt.words.index("commercial")] == 1
    assert nt.raw_lines[1] == "mercial purposes."  # quotes still show the input as it is


def test_hyphen_of_a_compound_prefix_is_kept_as_two_words() -> None:
    assert normalize("for non-\ncommercial use").words == ("for", "non", "commercial", "use")


def test_upper_case_hyphenation_is_joined() -> None:
    assert normalize("ALL WARRA-\nNTIES ARE DISCLAIMED").words == ("all", "warranties", "are", "disclaimed")


def test_page_numbers_and_running_headers_are_not_words() -> None:
    body = "\n".join(f"Clause {i} says something." for i in range(30))
    pages = [f"ACME MODEL LICENSE\n\n{body}\n\nPage {n} of 3\n" for n in (1, 2, 3)]
    words = normalize("\f".join(pages)).words
    assert words.count("acme") == 1  # the first header may be the title
    assert "page" not in words


def test_site_navigation_and_footer_of_a_web_page_are_not_words() -> None:
    page = (
        "<html><body><nav><ul>\n<li><a href='/models'>Models</a></li>\n</ul></nav>\n"
        "<main><p>You may use the Model for research.</p></main>\n"
        "<footer><p>&copy; 2025 Example&nbsp;AI</p>\n</footer></body></html>\n"
    )
    nt = normalize(page)
    assert nt.words == ("you", "may", "use", "the", "model", "for", "research")
    assert nt.lines[0] == 4


def test_markdown_footnote_references_are_not_words() -> None:
    assert normalize("The Model[^1] may be used.").words == ("the", "model", "may", "be", "used")
