"""Ollama library names resolve to the model they package, through data (kb/ollama.yaml)."""

from __future__ import annotations

import pytest

from smallprint.check import check_target, ollama_model
from smallprint.kb import default_kb


@pytest.mark.parametrize(
    "name,expected",
    [
        ("llama3.1:8b", "meta-llama/Llama-3.1-8B-Instruct"),
        ("llama3.1", "meta-llama/Llama-3.1-8B-Instruct"),
        ("llama3.1:70b-instruct-q4_K_M", "meta-llama/Llama-3.1-70B-Instruct"),
        ("gemma2:latest", "google/gemma-2-9b-it"),
        ("deepseek-r1:8b", "deepseek-ai/DeepSeek-R1-Distill-Llama-8B"),
        ("ollama://qwen2.5:72b", "Qwen/Qwen2.5-72B-Instruct"),
    ],
)
def test_ollama_names_map_to_catalog_models(name, expected):
    assert ollama_model(name, default_kb()) == expected


@pytest.mark.parametrize("name", ["meta-llama/Llama-3.1-8B", "not-a-model-name:7b", "gpt-4o", ""])
def test_other_names_are_not_ollama(name):
    assert ollama_model(name, default_kb()) is None


def test_an_ollama_name_is_checked_as_the_model_it_packages():
    r = check_target("llama3.2:1b", offline=True)
    assert r.model_id == "meta-llama/Llama-3.2-1B-Instruct"
    assert r.license.licenses[0].id == "llama3.2"
    assert any(f.code == "catalog-answer" and "Ollama" in f.message for f in r.findings)
