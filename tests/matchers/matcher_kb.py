"""A knowledge base built from the shared corpus texts, for matcher tests.

Each corpus text becomes a licence whose id is its corpus slug, so the tests do not
depend on how the bundled knowledge base names or groups its entries.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from corpus import LICENSES
from smallprint.kb import KnowledgeBase

CORPUS = LICENSES if LICENSES is not None else Path("corpus-not-found")


HAVE_CORPUS = (CORPUS / "index.json").is_file()


def corpus_index() -> list[dict]:
    if not HAVE_CORPUS:
        return []
    return json.loads((CORPUS / "index.json").read_text(encoding="utf-8"))


def build_corpus_kb(root: Path) -> KnowledgeBase:
    """Write one YAML + text per corpus licence under `root` and load them."""
    (root / "licenses").mkdir(parents=True, exist_ok=True)
    (root / "texts").mkdir(exist_ok=True)
    from smallprint.kb.entries import license_entry_from_dict

    entries = []
    for item in corpus_index():
        slug = item["slug"]
        if "paraphrase" in slug:
            continue  # a rewritten text, not a reference
        shutil.copyfile(CORPUS / f"{slug}.txt", root / "texts" / f"{slug}.txt")
        data = {
            "id": slug,
            "name": f"{item.get('title') or slug} [{slug}]",
            "version": item.get("version"),
            "family": item.get("family") or slug,
            "kind": "proprietary",
            "aliases": [],
            "text": {"file": f"{slug}.txt", "source_url": None},
        }
        path = root / "licenses" / f"{slug}.yaml"
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        entries.append(license_entry_from_dict(data, str(path)))
    return KnowledgeBase(entries)


def corpus_text(slug: str) -> str:
    return (CORPUS / f"{slug}.txt").read_text(encoding="utf-8")
