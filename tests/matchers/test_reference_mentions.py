"""Short references: names and aliases in prose, SPDX ids and expressions, licence URLs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smallprint.identify import identify_reference, identify_text
from smallprint.kb import default_kb
from smallprint.matchers.reference import CONF_UNVERSIONED, normalize_url


def ids(text: str) -> list[str]:
    return [m.id for m in identify_text(text)]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("This model is licensed under the Llama 3.1 Community License.", ["llama3.1"]),
        ('Licensed under the Apache License, Version 2.0 (the "License");', ["apache-2.0"]),
        ("The dataset is released under CC BY-NC 4.0.", ["cc-by-nc-4.0"]),
        ("license: mit", ["mit"]),
        ("This is released under the MIT license.", ["mit"]),
        ("Code under the MIT; weights under CC-BY-4.0 license", ["mit", "cc-by-4.0"]),
        ("Licensed under Apache 2.0 and MIT", ["apache-2.0", "mit"]),
    ],
)
def test_licence_named_in_prose_is_found(text: str, want: list[str]) -> None:
    assert sorted(ids(text)) == sorted(want)


@pytest.mark.parametrize(
    "text",
    [
        "MIT researchers submitted a paper.",
        "Gemma is a family of models. We fine-tuned Gemma 2 on chat data.",
        "Based on Llama 3.1 8B and Qwen2.5-7B.",
        "Built with Llama",
        "The admitted limitations are listed below.",
    ],
)
def test_common_words_and_model_names_are_not_licences(text: str) -> None:
    assert ids(text) == []


def test_licence_mention_reports_its_line() -> None:
    text = "# Model\n\nSome words.\n\nLicensed under the Apache License, Version 2.0.\n"
    [m] = identify_text(text)
    assert (m.id, m.start_line, m.method) == ("apache-2.0", 5, "reference")


def test_spdx_identifier_line_yields_every_licence_of_the_expression() -> None:
    found = identify_text("// SPDX-License-Identifier: Apache-2.0 OR MIT\nint x;\n")
    assert [(m.id, m.method) for m in found] == [("apache-2.0", "spdx"), ("mit", "spdx")]


@pytest.mark.parametrize(
    ("url", "want"),
    [
        ("https://www.apache.org/licenses/LICENSE-2.0.txt", "apache-2.0"),
        ("http://www.apache.org/licenses/LICENSE-2.0", "apache-2.0"),
        ("https://creativecommons.org/licenses/by-sa/4.0/legalcode", "cc-by-sa-4.0"),
        ("https://creativecommons.org/licenses/by-sa/4.0/", "cc-by-sa-4.0"),
        ("https://spdx.org/licenses/MIT.html", "mit"),
    ],
)
def test_licence_url_variants_resolve(url: str, want: str) -> None:
    assert [m.id for m in identify_reference(url)] == [want]
    assert [m.method for m in identify_text(f"See {url} for the terms.")] == ["url"]


def test_url_normalisation_drops_scheme_www_branch_and_legalcode() -> None:
    assert normalize_url("https://www.Example.org/x/legalcode/") == "example.org/x"
    assert (
        normalize_url("https://github.com/o/r/blob/3f2a1c/LICENSE")
        == normalize_url("https://raw.githubusercontent.com/o/r/main/LICENSE")
        == "github.com/o/r/blob/main/license"
    )


@pytest.mark.parametrize(
    ("value", "want"),
    [
        ("llama3.1", ["llama3.1"]),
        ("apache-2.0", ["apache-2.0"]),
        ("Apache-2.0 OR MIT", ["apache-2.0", "mit"]),
        ("(MIT AND CC-BY-4.0)", ["mit", "cc-by-4.0"]),
        ("CC BY-NC 4.0", ["cc-by-nc-4.0"]),
        ("Llama 3.1 Community License", ["llama3.1"]),
        ("other", []),
        ("unknown", []),
        ("", []),
        ("my-own-license-9", []),
    ],
)
def test_metadata_value_is_resolved(value: str, want: list[str]) -> None:
    assert [m.id for m in identify_reference(value)] == want


def test_list_value_yields_one_match_per_licence() -> None:
    assert [m.id for m in identify_reference(["mit", "apache-2.0", "mit"])] == ["mit", "apache-2.0"]


def test_hub_id_as_field_value_is_confident_but_an_undated_name_is_not() -> None:
    kb = default_kb()
    gemma = kb.get("gemma")
    if gemma is None:
        pytest.skip("no gemma entry")
    [by_id] = identify_reference("gemma")
    assert by_id.confidence > CONF_UNVERSIONED
    [by_name] = identify_text("This model is licensed under the Gemma Terms of Use.")
    assert by_name.confidence <= CONF_UNVERSIONED


def test_mentions_inside_a_matched_licence_text_are_not_repeated() -> None:
    from matcher_kb import HAVE_CORPUS, corpus_text

    if not HAVE_CORPUS:
        pytest.skip("shared corpus not available")
    found = identify_text(corpus_text("apache-2.0"))
    assert [m.id for m in found] == ["apache-2.0"]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises(text: str) -> None:
    for m in identify_text(text):
        assert 0.0 < m.confidence <= 1.0
        assert 1 <= m.start_line <= m.end_line
    identify_reference(text)


def test_licence_word_in_the_previous_sentence_gives_no_context() -> None:
    text = "Weights are licensed under the MIT License. DeepSeek-R1 series support commercial use."
    assert ids(text) == ["mit"]
