"""A small, explicit knowledge base for openness tests (independent of the bundled data in flux)."""

from __future__ import annotations

from pathlib import Path

import pytest

from smallprint.kb import KnowledgeBase, LicenseEntry, ReferenceText


def _entry(lid: str, name: str, kind: str, spdx: str | None = None, osi: bool = False,
           aliases: tuple[str, ...] = ()) -> LicenseEntry:
    return LicenseEntry(
        id=lid, name=name, version=None, family=lid, publisher=None, date=None, url=None,
        spdx_id=spdx, hub_id=lid, kind=kind, osi_approved=osi, aliases=aliases,
        text=ReferenceText(file=None, source_url=None), terms=(),
    )


@pytest.fixture(scope="session")
def small_kb() -> KnowledgeBase:
    return KnowledgeBase([
        _entry("apache-2.0", "Apache License 2.0", "osi-code", "Apache-2.0", True, ("Apache 2.0",)),
        _entry("mit", "MIT License", "osi-code", "MIT", True),
        _entry("llama2", "Llama 2 Community License Agreement", "restricted-model",
               aliases=("Llama 2 Community License",)),
        _entry("llama3.1", "Llama 3.1 Community License Agreement", "restricted-model"),
        _entry("gemma", "Gemma Terms of Use", "restricted-model"),
        _entry("cc-by-nc-4.0", "Creative Commons Attribution Non Commercial 4.0", "non-commercial", "CC-BY-NC-4.0"),
    ])


def corpus_dir() -> Path | None:
    """The shared corpus when it has the model cards (found once, in tests/corpus.py)."""
    from corpus import CORPUS

    return CORPUS if CORPUS is not None and (CORPUS / "cards" / "index.json").is_file() else None
