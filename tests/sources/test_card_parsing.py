"""Model cards: front matter as the Hub defines it, messy real cards, hostile YAML."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from corpus import CARDS
from smallprint.model import ModelFacts
from smallprint.sources.card import parse_card, read_card
from smallprint.sources.card_facts import apply_card, card_license_claims

CORPUS = CARDS if CARDS is not None else Path("corpus-not-found")
CORPUS_CARDS = sorted(CORPUS.glob("*/README.md"))


def test_fields_and_key_lines_are_read() -> None:
    card = parse_card(
        "---\nlicense: llama3.1\nbase_model:\n- a/b\n- c/d\nbase_model_relation: merge\n"
        "datasets: [x/y]\nextra_gated_prompt: accept\n---\n# Title\n"
    )
    assert card.front_matter["license"] == "llama3.1"
    assert card.key_lines == {
        "license": 2,
        "base_model": 3,
        "base_model_relation": 6,
        "datasets": 7,
        "extra_gated_prompt": 8,
    }
    assert card.body_start_line == 10 and card.body == "# Title\n"
    assert card.findings == []


def test_crlf_and_bom_keep_line_numbers() -> None:
    card = parse_card("\ufeff---\r\nlibrary_name: peft\r\nlicense: mit\r\n---\r\nbody\r\n")
    assert card.front_matter == {"library_name": "peft", "license": "mit"}
    assert card.key_lines["license"] == 3
    [claim] = card_license_claims(card)
    assert (claim.value, claim.evidence.start_line, claim.evidence.quote) == ("mit", 3, "license: mit")


def test_license_list_gives_one_claim_per_entry() -> None:
    card = parse_card("---\nlicense:\n- apache-2.0\n- mit\n---\n")
    assert [(c.where, c.value) for c in card_license_claims(card)] == [
        ("card:license", "apache-2.0"),
        ("card:license", "mit"),
    ]


def test_base_model_string_or_list_becomes_a_list() -> None:
    for text, expected in [
        ("---\nbase_model: a/b\n---\n", ["a/b"]),
        ("---\nbase_model: [a/b, c/d]\n---\n", ["a/b", "c/d"]),
    ]:
        facts = ModelFacts("t", None, "card")
        apply_card(facts, parse_card(text))
        assert facts.base_models == expected


def test_card_without_front_matter_has_no_fields_and_no_findings() -> None:
    card = parse_card("# Model\n\n| a | b |\n|---|---|\n---\ntext\n")
    assert card.front_matter == {} and not card.has_front_matter and card.findings == []


def test_unclosed_front_matter_is_broken_but_scalars_are_recovered() -> None:
    card = parse_card("---\nlicense: apache-2.0\ntags: [a\n# Heading\nbody\n")
    assert [f.code for f in card.findings] == ["broken-metadata"]
    assert "never closed" in card.findings[0].message
    assert card.recovered and card.front_matter == {"license": "apache-2.0"}
    assert card.key_lines["license"] == 2


def test_unparseable_yaml_names_the_line_and_recovers_license() -> None:
    card = parse_card("---\nlanguage: en\nwidget:\n  sentences: [\n\t\t\"a\",\n\t]\nlicense: mit\n---\nbody\n")
    [finding] = card.findings
    assert finding.code == "broken-metadata" and finding.evidence[0].start_line == 5
    assert card.front_matter["license"] == "mit" and card.key_lines["license"] == 7


def test_non_mapping_front_matter_is_broken_metadata() -> None:
    card = parse_card("---\n- just\n- a list\n---\n")
    assert card.front_matter == {} and [f.code for f in card.findings] == ["broken-metadata"]


def test_dates_and_odd_keys_are_json_safe() -> None:
    card = parse_card("---\nreleased: 2024-07-23\n1: one\n---\n")
    json.dumps(card.front_matter)
    assert card.front_matter == {"released": "2024-07-23", "1": "one"}


@pytest.mark.parametrize(
    "yaml_text",
    [
        "a: " + "[" * 25_000 + "]" * 25_000,  # ~50 KB of nested brackets
        "a: " + "{x: " * 5_000 + "1" + "}" * 5_000,
        "".join("  " * i + f"k{i}:\n" for i in range(300)),  # deep block nesting
        "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        + "".join(
            f"{n}: &{n} [" + ", ".join([f"*{p}"] * 9) + "]\n"
            for p, n in zip("abcdefgh", "bcdefghi", strict=True)
        ),  # billion laughs
        "x" * 300_000 + ": 1",
    ],
    ids=["brackets", "flow-maps", "block-depth", "aliases", "oversized"],
)
def test_hostile_front_matter_is_broken_metadata_quickly(yaml_text: str) -> None:
    start = time.monotonic()
    card = parse_card(f"---\n{yaml_text}\n---\nbody\n")
    assert time.monotonic() - start < 2.0
    assert [f.code for f in card.findings] == ["broken-metadata"]
    assert card.front_matter == {} or card.recovered


def test_read_card_reports_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_bytes(b"---\nlicense: mit\n---\ncaf\xe9\n")
    card = read_card(path)
    assert card.front_matter == {"license": "mit"}
    assert any("not valid UTF-8" in f.message and f.evidence[0].start_line == 4 for f in card.findings)


@pytest.mark.parametrize("path", CORPUS_CARDS, ids=[p.parent.name for p in CORPUS_CARDS])
def test_corpus_cards_parse_or_report_broken_metadata(path: Path) -> None:
    card = read_card(path)
    if card.findings:
        assert {f.code for f in card.findings} == {"broken-metadata"}
    else:
        assert card.front_matter or not card.has_front_matter
    for key, line in card.key_lines.items():
        assert card.lines[line - 1].lstrip("'\"").startswith(key)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_corpus_declared_licenses_are_claimed() -> None:
    index = json.loads((CORPUS / "index.json").read_text())
    checked = 0
    for entry in index:
        declared = entry.get("declared_license")
        if not declared:
            continue
        card = read_card(CORPUS / entry["slug"] / "README.md")
        values = [c.value for c in card_license_claims(card) if c.where == "card:license"]
        expected = declared if isinstance(declared, list) else [declared]
        assert values == expected, entry["slug"]
        checked += 1
    assert checked >= 40
