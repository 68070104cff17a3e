"""Front matter as people really write it: duplicate keys, tab-indented lists, huge cards."""

from __future__ import annotations

from pathlib import Path

import pytest

from smallprint.sources import card as card_module
from smallprint.sources.card import parse_card, read_card


def test_duplicate_keys_are_broken_metadata_and_the_last_value_is_read() -> None:
    c = parse_card("---\nlicense: apache-2.0\nbase_model: a/b\nlicense: llama3.1\n---\n# x\n")
    assert c.front_matter["license"] == "llama3.1" and c.key_lines["license"] == 4
    [f] = c.findings
    assert f.code == "broken-metadata" and "lines 2, 4" in f.message and f.evidence[0].start_line == 4


def test_tab_indented_list_is_recovered_with_its_items() -> None:
    c = parse_card("---\nlicense: mit\nbase_model:\n\t- meta-llama/Llama-3.1-8B\n\t- a/b # note\ntags:\n\t- chat\n---\n")
    assert c.recovered and c.findings[0].code == "broken-metadata"
    assert c.front_matter == {"license": "mit", "base_model": ["meta-llama/Llama-3.1-8B", "a/b"], "tags": ["chat"]}
    assert c.key_lines["base_model"] == 3


def test_card_larger_than_the_limit_is_read_from_its_head(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(card_module, "MAX_CARD_BYTES", 1024)
    p = tmp_path / "README.md"
    p.write_bytes(b"---\nlicense: gemma\n---\n" + "é".encode() * 5000)  # the cut splits a character
    c = read_card(p)
    assert c.front_matter == {"license": "gemma"}
    assert [f.message.split(": ", 1)[1] for f in c.findings] == [
        "model card larger than 1024 bytes: only its first 1024 bytes were read"
    ]


def test_a_folder_of_models_named_like_licences_is_not_itself_a_model(tmp_path: Path) -> None:
    from smallprint.sources import expand_target

    for name in ("license-classifier", "use-policy-bot", "weights.bin"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "README.md").write_text("---\nlicense: mit\n---\n")
    assert sorted(Path(t).name for t in expand_target(str(tmp_path))) == ["license-classifier", "use-policy-bot", "weights.bin"]
