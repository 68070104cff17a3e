"""What a card calls its model, and keys the Hub would silently ignore."""

from __future__ import annotations

from pathlib import Path

import pytest

from smallprint.sources.card import parse_card
from smallprint.sources.card_facts import heading_name
from smallprint.sources.folder import folder_model_name


@pytest.mark.parametrize(
    "body,name",
    [
        ("# Reflection Llama-3.1 70B\n\ntext", "Reflection Llama-3.1 70B"),
        ("# 🦙✨ BigLlama-3.1-1T-Instruct\n", "BigLlama-3.1-1T-Instruct"),
        ("# Model Card for acme/support-8b\n", "acme/support-8b"),
        ("# [Hermes 3](https://nousresearch.com) Llama 3.1 8B\n", "Hermes 3 Llama 3.1 8B"),
        ("## Only a second-level heading\n", None),
        ("# Model Card for Model ID\n", None),
        ("# Overview\n", None),
        ("# This model was fine-tuned on our internal data for customer support tasks\n", None),
    ],
)
def test_heading_names_the_model_only_when_it_looks_like_a_name(body, name):
    assert heading_name(body) == name


@pytest.mark.parametrize(
    "folder,name",
    [
        ("mattshumer--reflection-llama-3.1-70b", "mattshumer/reflection-llama-3.1-70b"),
        ("models--acme--support-8b", "acme/support-8b"),
        ("my-lora", None),
        ("checkpoint-500", None),
        ("acme--checkpoint-500", None),
    ],
)
def test_folder_names_spell_a_hub_id_only_in_the_org_double_dash_name_form(tmp_path: Path, folder, name):
    d = tmp_path / folder
    d.mkdir()
    assert folder_model_name(d) == name


def test_misspelt_and_made_up_metadata_keys_are_broken_metadata():
    card = parse_card(
        "---\nlicense: apache-2.0\npipline_tag: text-classification\nlicense_link_extra: https://x\n"
        "my_custom_key: 1\n---\n# x\n"
    )
    msgs = [f.message for f in card.findings if f.code == "broken-metadata"]
    assert any("pipline_tag" in m and "pipeline_tag" in m for m in msgs)
    assert any("license_link_extra" in m for m in msgs)
    assert not any("my_custom_key" in m for m in msgs)  # custom keys are allowed
    assert {f.evidence[0].start_line for f in card.findings} == {3, 4}
