"""Fixtures for matcher tests: a knowledge base built from the shared corpus texts."""

from __future__ import annotations

import pytest
from matcher_kb import CORPUS, build_corpus_kb

from smallprint.kb import KnowledgeBase


@pytest.fixture(scope="session")
def corpus_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    if not CORPUS.is_dir():
        pytest.skip("shared corpus not available")
    return build_corpus_kb(tmp_path_factory.mktemp("kb"))


@pytest.fixture(autouse=True)
def _no_disk_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests build throwaway knowledge bases: keep their indexes out of the user's cache."""
    monkeypatch.setenv("SMALLPRINT_NO_CACHE", "1")
