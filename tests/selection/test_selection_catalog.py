"""The catalog selection reads: size, coverage of 2025-2026 releases, facts with sources, backers."""

from __future__ import annotations

from collections import Counter

from smallprint.kb import MODALITIES, default_kb
from smallprint.selection.data import backers, release_licences


def test_at_least_600_models_in_50_families() -> None:
    kb = default_kb()
    fams = Counter(m.family for m in kb.models.values())
    assert len(kb.models) >= 600 and len(fams) >= 50


def test_the_releases_people_choose_between_are_catalogued() -> None:
    kb = default_kb()
    for mid in ("meta-llama/Llama-4-Scout-17B-16E-Instruct", "google/gemma-3-27b-it", "Qwen/Qwen3-235B-A22B-Instruct-2507",
                "deepseek-ai/DeepSeek-V3", "deepseek-ai/DeepSeek-R1", "mistralai/Mistral-Small-24B-Instruct-2501",
                "mistral/mistral-medium-2505", "microsoft/phi-4", "allenai/OLMo-2-1124-7B", "openai/gpt-oss-120b",
                "moonshotai/Kimi-K2-Instruct", "zai-org/GLM-4.5", "CohereLabs/c4ai-command-a-03-2025",
                "ibm-granite/granite-4.0-h-small", "nvidia/NVIDIA-Nemotron-Nano-9B-v2"):
        assert kb.model(mid) is not None, mid


def test_every_catalogued_fact_has_a_source_and_valid_fields() -> None:
    kb = default_kb()
    for m in kb.models.values():
        assert m.sources, m.id
        assert m.modality is None or m.modality in MODALITIES
        assert m.context_length is None or m.context_length > 0
        assert m.released is None or len(m.released) >= 4


def test_backer_families_and_release_licences_exist() -> None:
    kb = default_kb()
    fams = {m.family for m in kb.models.values()}
    for b in backers():
        assert set(b.families) <= fams, b.id
    for r in release_licences():
        assert kb.get(r.id) is not None, r.id
