"""The catalog's modality and Hub task: loaded, consistent, and carried into catalog facts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from smallprint.errors import KnowledgeBaseError
from smallprint.evaluators.lineage import CatalogResolver
from smallprint.kb import KnowledgeBase, default_kb
from smallprint.kb.entries import MODALITIES

KB = default_kb()
OPEN = [m for m in KB.models.values() if not (m.path or "").endswith("closed-apis.yaml")]


def _modality(model_id: str) -> str | None:
    cm = KB.model(model_id)
    assert cm is not None, model_id
    return cm.modality


def test_nearly_every_open_catalog_model_states_its_modality() -> None:
    stated = [m for m in OPEN if m.modality is not None]
    assert len(stated) >= 0.95 * len(OPEN)
    assert {m.modality for m in KB.models.values() if m.modality} <= MODALITIES


@pytest.mark.parametrize(
    ("model_id", "modality"),
    [
        ("meta-llama/Llama-3.2-1B-Instruct", "text"),
        ("meta-llama/Llama-3.2-3B", "text"),
        ("meta-llama/Llama-3.3-70B-Instruct", "text"),
        ("meta-llama/Llama-3.2-11B-Vision-Instruct", "vision-language"),
        ("meta-llama/Llama-3.2-90B-Vision", "vision-language"),
        ("meta-llama/Llama-4-Scout-17B-16E-Instruct", "vision-language"),
        ("meta-llama/Llama-4-Maverick-17B-128E", "vision-language"),
        ("google/gemma-3-1b-it", "text"),
        ("google/gemma-3-4b-it", "vision-language"),
        ("google/paligemma-3b-mix-448", "vision-language"),
        ("Qwen/Qwen2.5-VL-7B-Instruct", "vision-language"),
        ("mistralai/Pixtral-12B-2409", "vision-language"),
        ("microsoft/Phi-3.5-vision-instruct", "vision-language"),
        ("openai/whisper-large-v3", "speech"),
        ("black-forest-labs/FLUX.1-schnell", "image"),
        ("stabilityai/stable-diffusion-xl-base-1.0", "image"),
        ("sentence-transformers/all-MiniLM-L6-v2", "embedding"),
        ("google-bert/bert-base-uncased", "text"),
    ],
)
def test_catalog_modality_follows_the_published_model(model_id: str, modality: str) -> None:
    assert _modality(model_id) == modality


def test_models_whose_names_say_vision_are_never_catalogued_as_text() -> None:
    named = re.compile(r"vision|(?<![a-z])vl(?![a-z])|llava|llama-?4|molmo|paligemma|pixtral|internvl", re.I)
    wrong = [m.id for m in KB.models.values() if named.search(m.id) and m.modality in ("text", "embedding")]
    assert wrong == []


def test_pipeline_tag_agrees_with_modality() -> None:
    expected = {
        "image-text-to-text": {"vision-language"},
        "text-generation": {"text"},
        "text2text-generation": {"text"},
        "fill-mask": {"text"},
        "sentence-similarity": {"embedding"},
        "text-to-image": {"image"},
        "image-to-image": {"image"},
        "automatic-speech-recognition": {"speech"},
        "zero-shot-image-classification": {"vision-language"},
    }
    for m in KB.models.values():
        if m.pipeline_tag and m.modality:
            assert m.modality in expected.get(m.pipeline_tag, {m.modality}), (m.id, m.pipeline_tag, m.modality)


def test_catalog_facts_carry_pipeline_tag_and_modality_like_a_hub_source() -> None:
    cm = KB.model("meta-llama/Llama-3.2-11B-Vision-Instruct")
    assert cm is not None
    facts = CatalogResolver(KB).facts_of(cm)
    assert facts.card_data == {"pipeline_tag": "image-text-to-text"}
    assert facts.metadata["modality"] == "vision-language"
    assert "modality:vision-language" in facts.tags


def test_catalog_facts_without_a_stated_modality_claim_none() -> None:
    unknown = next(m for m in KB.models.values() if m.modality is None and m.pipeline_tag is None)
    facts = CatalogResolver(KB).facts_of(unknown)
    assert "modality" not in facts.metadata
    assert facts.tags == [] and facts.card_data == {}


def _write_models(root: Path, body: str) -> None:
    (root / "models").mkdir()
    (root / "models" / "acme.yaml").write_text(body, encoding="utf-8")


def test_unknown_modality_in_a_data_file_is_a_clear_error_naming_the_file(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    _write_models(tmp_path, "family: acme\nmodels:\n- id: acme/chat-7b\n  license: apache-2.0\n  modality: vision\n")
    monkeypatch.setenv("SMALLPRINT_KB_PATH", str(tmp_path))
    with pytest.raises(KnowledgeBaseError, match=r"acme\.yaml: acme/chat-7b: unknown modality 'vision'"):
        KnowledgeBase.load()


def test_non_string_pipeline_tag_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_models(tmp_path, "family: acme\nmodels:\n- id: acme/chat-7b\n  license: apache-2.0\n  pipeline_tag: [a]\n")
    monkeypatch.setenv("SMALLPRINT_KB_PATH", str(tmp_path))
    with pytest.raises(KnowledgeBaseError, match="pipeline_tag must be"):
        KnowledgeBase.load()


def test_modality_and_pipeline_tag_are_optional_in_a_user_data_file(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _write_models(tmp_path, "family: acme\nmodels:\n- id: acme/chat-7b\n  license: apache-2.0\n"
                            "- id: acme/see-7b\n  license: apache-2.0\n  modality: vision-language\n"
                            "  pipeline_tag: image-text-to-text\n")
    monkeypatch.setenv("SMALLPRINT_KB_PATH", str(tmp_path))
    kb = KnowledgeBase.load()
    plain, seeing = kb.model("acme/chat-7b"), kb.model("acme/see-7b")
    assert plain is not None and plain.modality is None and plain.pipeline_tag is None
    assert seeing is not None and (seeing.modality, seeing.pipeline_tag) == ("vision-language", "image-text-to-text")
