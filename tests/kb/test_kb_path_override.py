"""SMALLPRINT_KB_PATH overrides every bundled table, not only licences and models."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from smallprint.kb import data_path, default_kb, load_data


@pytest.fixture
def override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "our-kb"
    (root / "profiles").mkdir(parents=True)
    (root / "profiles" / "our-chatbot.yaml").write_text("commercial: true\ndeployment: [saas]\n", encoding="utf-8")
    (root / "ollama.yaml").write_text("models:\n  acme-llm:\n    default: meta-llama/Llama-3.1-8B\n", encoding="utf-8")
    (root / "kb.yaml").write_text('updated: "2030-01-01"\n', encoding="utf-8")
    monkeypatch.setenv("SMALLPRINT_KB_PATH", str(root))
    return root


def test_a_preset_in_the_kb_path_is_a_preset(override: Path) -> None:
    from smallprint.policy.profiles import load_preset, preset_names

    assert "our-chatbot" in preset_names() and "commercial-saas" in preset_names()
    assert load_preset("our-chatbot").commercial is True


def test_the_ollama_table_and_the_release_come_from_the_kb_path(override: Path) -> None:
    from smallprint.sources.dispatch import ollama_model

    assert data_path("ollama.yaml") == override / "ollama.yaml"
    assert "acme-llm" in load_data("ollama.yaml")["models"]
    assert ollama_model("acme-llm", default_kb()) == "meta-llama/Llama-3.1-8B"
    assert default_kb().release == "2030-01-01"


def test_region_and_field_tables_are_data_the_kb_path_overrides(tmp_path: Path) -> None:
    root = tmp_path / "our-kb"
    root.mkdir()
    regions = load_data("regions.yaml")
    (root / "regions.yaml").write_text(json.dumps({**regions, "sanctioned": ["XX"]}), encoding="utf-8")
    code = "from smallprint.evaluators.policy import SANCTIONED, FIELD_SYNONYMS; print(sorted(SANCTIONED), 'medical' in FIELD_SYNONYMS)"
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "SMALLPRINT_KB_PATH": str(root)},
                         capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "['XX'] True"
