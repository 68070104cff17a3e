"""Reference texts taken from ScanCode's licence database are tied to one entry each and
recorded faithfully: file name, source path and `LicenseRef-scancode-*` alias name the same
ScanCode key, the bytes match the recorded sha256, and only full licence texts were taken."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from smallprint.kb import KB_DIR, LicenseEntry
from smallprint.kb.entries import license_entry_from_dict

TEXT_DIR = KB_DIR / "texts"
SCANCODE_TEXTS = sorted(TEXT_DIR.glob("scancode-*.txt"))
SCANCODE_PATH_PREFIX = "src/licensedcode/data/licenses/"

# Entries added with a ScanCode reference text (AI-model, data and RAIL licences the
# knowledge base lacked).
ADDED_WITH_SCANCODE_TEXT = (
    "chameleon-research-license",
    "exaone-1.1-nc",
    "hyperclova-x-seed",
    "kimi-k2-modified-mit",
    "ltxv-open-weights-2025-05-05",
    "o-uda-1.0",
    "open-aleph-1.0",
    "playground-v2-community",
    "responsible-ai-source-1.0",
    "tencent-hunyuan-3d-2.0-community",
)


@lru_cache(maxsize=1)
def all_entries() -> tuple[LicenseEntry, ...]:
    out = []
    for path in sorted((KB_DIR / "licenses").glob("*.yaml")):
        with path.open("rb") as f:
            out.append(license_entry_from_dict(yaml.safe_load(f), str(path)))
    return tuple(out)


def entry(entry_id: str) -> LicenseEntry:
    found = [e for e in all_entries() if e.id == entry_id]
    assert len(found) == 1, f"{entry_id}: {len(found)} entries"
    return found[0]


def scancode_key(text_file: str) -> str:
    return text_file.removeprefix("scancode-").removesuffix(".txt")


def users_of(text_file: str) -> list[LicenseEntry]:
    return [e for e in all_entries() if e.text.file == text_file]


def test_scancode_texts_are_present() -> None:
    assert len(SCANCODE_TEXTS) >= 40


@pytest.mark.parametrize("path", SCANCODE_TEXTS, ids=lambda p: p.name)
def test_each_scancode_text_is_the_reference_text_of_exactly_one_entry(path: Path) -> None:
    users = [e.id for e in users_of(path.name)]
    assert len(users) == 1, f"{path.name} is used by {users}"


@pytest.mark.parametrize("path", SCANCODE_TEXTS, ids=lambda p: p.name)
def test_scancode_text_matches_its_recorded_sha256_and_source(path: Path) -> None:
    (e,) = users_of(path.name)
    key = scancode_key(path.name)
    assert e.text.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert e.text.source_repo == "aboutcode-org/scancode-toolkit"
    assert e.text.source_path == f"{SCANCODE_PATH_PREFIX}{key}.LICENSE"
    assert e.text.source_url and e.text.source_url.endswith(f"/{key}.LICENSE")
    assert e.text.commit and "scancode-toolkit" in e.text.commit


@pytest.mark.parametrize("path", SCANCODE_TEXTS, ids=lambda p: p.name)
def test_scancode_text_is_a_full_licence_text_without_front_matter(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    assert not raw.startswith("---\nkey:"), "YAML front matter left in"
    assert not raw.startswith("\n"), "leading blank line left in"
    assert len(raw) >= 800, "too short for a full licence text (a notice or reference stub?)"


@pytest.mark.parametrize("entry_id", ADDED_WITH_SCANCODE_TEXT)
def test_added_entry_carries_its_scancode_alias(entry_id: str) -> None:
    e = entry(entry_id)
    assert e.text.file and e.text.file.startswith("scancode-")
    assert f"LicenseRef-scancode-{scancode_key(e.text.file)}" in e.aliases


@pytest.mark.parametrize("entry_id", ADDED_WITH_SCANCODE_TEXT)
def test_added_entry_settles_commercial_use_with_evidence_or_says_why_not(entry_id: str) -> None:
    e = entry(entry_id)
    terms = {t.key: t for t in e.terms}
    if "commercial-use" not in terms:
        assert e.notes and "commercial" in e.notes.lower(), (
            f"{entry_id}: commercial use unsettled, no note"
        )
        return
    term = terms["commercial-use"]
    assert term.anchors, f"{entry_id}: commercial-use without an anchor"
    if term.value is False:
        limits = {k for k, t in terms.items() if t.value is True}
        assert limits & {"non-commercial", "research-only"}, (
            f"{entry_id}: no NC/research limitation"
        )
