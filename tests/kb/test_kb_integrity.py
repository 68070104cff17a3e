"""The bundled knowledge base is consistent: every data file, text, anchor, alias and Hub id.

Reads the data files itself (not through `default_kb`) so that a collision the loader
would hide (it keeps the first alias silently) still fails here.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from functools import cache, lru_cache
from pathlib import Path

import pytest
import yaml

from smallprint.errors import KnowledgeBaseError
from smallprint.kb import KB_DIR, KnowledgeBase, LicenseEntry, normalize_alias
from smallprint.kb.entries import license_entry_from_dict
from smallprint.text import find_phrase, normalize
from smallprint.vocabulary import SPECIAL_HUB_IDS

LICENSE_DIR = KB_DIR / "licenses"
TEXT_DIR = KB_DIR / "texts"
HUB_LIST = KB_DIR / "hub_licenses.txt"
DATA_FILES = sorted(LICENSE_DIR.glob("*.yaml"))

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def verbatim_key(s: str) -> str:
    """Whitespace collapsed, quotes straightened, case folded: how an anchor must match its text."""
    return re.sub(r"\s+", " ", s.translate(_QUOTES)).strip().casefold()


def load_entry(path: Path) -> LicenseEntry:
    with path.open("rb") as f:
        data = yaml.safe_load(f)
    return license_entry_from_dict(data, str(path))


@lru_cache(maxsize=1)
def all_entries() -> tuple[LicenseEntry, ...]:
    return tuple(load_entry(p) for p in DATA_FILES)


@cache
def text_of(file: str) -> str:
    return (TEXT_DIR / file).read_text(encoding="utf-8")


def entry_ids(entries: tuple[LicenseEntry, ...]) -> set[str]:
    return {e.id for e in entries}


def hub_ids() -> list[str]:
    lines = HUB_LIST.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]


def entries_with_text() -> list[LicenseEntry]:
    return [e for e in all_entries() if e.text.file]


def _id(e: LicenseEntry) -> str:
    return e.id


# -- files --------------------------------------------------------------------


def test_knowledge_base_has_data_files() -> None:
    assert len(DATA_FILES) >= 60


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_every_data_file_loads_and_validates(path: Path) -> None:
    try:
        entry = load_entry(path)
    except KnowledgeBaseError as e:
        pytest.fail(str(e))
    assert entry.id == path.stem, f"{path.name}: id {entry.id!r} differs from the file name"


def test_licence_ids_are_unique() -> None:
    seen: dict[str, str] = {}
    for e in all_entries():
        assert e.id not in seen, f"id {e.id!r} in {e.path} and {seen[e.id]}"
        seen[e.id] = str(e.path)


def test_no_alias_names_two_entries() -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for e in all_entries():
        for name in (e.id, e.hub_id, e.spdx_id, e.name, e.url, *e.aliases):
            if name:
                owners[normalize_alias(name)].add(e.id)
    shared = {a: sorted(ids) for a, ids in owners.items() if len(ids) > 1}
    assert not shared, f"aliases naming more than one entry: {shared}"


def test_every_entry_has_a_source_url() -> None:
    missing = [e.id for e in all_entries() if not (e.text.source_url or e.url)]
    assert not missing


def test_incorporated_and_member_ids_exist() -> None:
    ids = entry_ids(all_entries())
    dangling = [
        f"{e.id} -> {ref}"
        for e in all_entries()
        for ref in (*e.incorporates, *e.members)
        if ref not in ids
    ]
    assert not dangling


def test_families_list_their_members_and_only_families_do() -> None:
    for e in all_entries():
        if e.kind == "family":
            assert e.members, f"{e.id}: a family without members"
        else:
            assert not e.members, f"{e.id}: members on a non-family entry"


# -- reference texts ------------------------------------------------------------


@pytest.mark.parametrize("entry", entries_with_text(), ids=_id)
def test_reference_text_exists_with_recorded_sha256(entry: LicenseEntry) -> None:
    assert entry.text.file is not None
    path = TEXT_DIR / entry.text.file
    assert path.is_file(), f"{entry.id}: missing text {path.name}"
    assert entry.text.sha256, f"{entry.id}: text without sha256"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == entry.text.sha256, (
        f"{entry.id}: {path.name} changed"
    )


@pytest.mark.parametrize("entry", entries_with_text(), ids=_id)
def test_reference_text_records_where_it_came_from(entry: LicenseEntry) -> None:
    assert entry.text.source_url, f"{entry.id}: text without source_url"
    if entry.text.source_repo:
        assert entry.text.commit and entry.text.source_path, f"{entry.id}: repo without commit/path"


@pytest.mark.parametrize("entry", all_entries(), ids=_id)
def test_every_anchor_occurs_in_the_reference_text(entry: LicenseEntry) -> None:
    anchored = [(t.key, a) for t in entry.terms for a in t.anchors]
    if not entry.text.file:
        assert not anchored, f"{entry.id}: anchors without a reference text"
        return
    raw = text_of(entry.text.file)
    flat = verbatim_key(raw)
    words = normalize(raw)
    missing = [f"{key}: {a!r}" for key, a in anchored if verbatim_key(a) not in flat]
    assert not missing, f"{entry.id}: anchors not in {entry.text.file}: {missing}"
    unlocatable = [f"{key}: {a!r}" for key, a in anchored if find_phrase(words, a) is None]
    assert not unlocatable, f"{entry.id}: anchors the term locator cannot find: {unlocatable}"


def test_no_text_file_is_orphaned() -> None:
    used = {e.text.file for e in all_entries() if e.text.file}
    orphans = sorted(p.name for p in TEXT_DIR.glob("*.txt") if p.name not in used)
    assert not orphans, f"texts no entry uses: {orphans}"


# -- Hub licence ids --------------------------------------------------------------


def test_hub_list_holds_the_83_hub_ids_once_each() -> None:
    ids = hub_ids()
    assert len(ids) == 83
    assert len(set(ids)) == 83
    assert set(SPECIAL_HUB_IDS) <= set(ids)


def test_every_hub_id_resolves_to_the_entry_carrying_that_tag() -> None:
    kb = KnowledgeBase(all_entries())
    unresolved = []
    for hub_id in hub_ids():
        if hub_id in SPECIAL_HUB_IDS:
            continue
        found = kb.lookup(hub_id)
        if found is None or hub_id not in (found.hub_id, found.id):
            unresolved.append(f"{hub_id} -> {found.id if found else None}")
    assert not unresolved


def test_special_hub_ids_name_no_licence() -> None:
    kb = KnowledgeBase(all_entries())
    for hub_id in SPECIAL_HUB_IDS:
        assert kb.lookup(hub_id) is None
