"""The one router from a target to the models it holds.

A target is whatever a user names: a Hub id, a snapshot folder, a GGUF or safetensors
file, a model card, a CycloneDX or SPDX BOM, a closed model's API name (`gpt-4o`), an
Ollama library name (`llama3.1:8b`). `ROUTES` is a table of (matches?, reader) entries,
tried in order, in the manner of licensee's `MATCHERS_EXTENSIONS`; the first entry that
matches reads the target into `ModelFacts`. The pipeline never asks what kind of target
it holds: a new kind of source is one reader and one row here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from smallprint.errors import InputError, SourceError
from smallprint.kb import KnowledgeBase, default_kb
from smallprint.model import Finding, ModelFacts
from smallprint.sources.card import read_card
from smallprint.sources.card_facts import HUB_ID, apply_card
from smallprint.sources.folder import (
    MAX_MODELS,
    collection_members,
    find_model_folders,
    is_model_folder,
    read_folder,
)
from smallprint.sources.gguf_header import read_gguf_header
from smallprint.sources.hub import read_hub
from smallprint.sources.paths import exists, is_dir, is_file, why_not_readable
from smallprint.sources.safetensors_header import read_safetensors_header
from smallprint.sources.weights import apply_gguf, apply_safetensors

__all__ = [
    "ROUTES",
    "ReadContext",
    "Route",
    "catalog_facts",
    "expand_target",
    "ollama_model",
    "read_file",
    "read_models",
    "read_target",
    "route_of",
]


@dataclass(frozen=True)
class ReadContext:
    """What a reader may use besides the target: the knowledge base and the offline choice."""

    kb: KnowledgeBase
    offline: bool | None = None


@dataclass(frozen=True)
class Route:
    """One kind of target: does it match, and how is it read (into one or more models)."""

    name: str
    matches: Callable[[str, ReadContext], bool]
    read: Callable[[str, ReadContext], list[ModelFacts]]


# -- catalog answers ---------------------------------------------------------------------


def catalog_facts(target: str, kb: KnowledgeBase, why: str) -> ModelFacts | None:
    """A catalogued model's facts, answered from the bundled catalog (and saying so)."""
    from smallprint.evaluators.lineage import CatalogResolver

    cm = kb.model(target.partition("@")[0])
    if cm is None:
        return None
    facts = CatalogResolver(kb).facts_of(cm)
    facts.target = target
    facts.findings.append(
        Finding(
            "catalog-answer",
            "info",
            f"answered offline from the bundled catalog ({why}); facts are as of the knowledge-base date and the source may have changed since",
            [facts.license_claims[0].evidence],
        )
    )
    return facts


def _api_model(target: str, kb: KnowledgeBase) -> str | None:
    """The catalog id of a closed model served through an API (`gpt-4o`, `claude-...`)."""
    from smallprint.scan.refs import catalog_id

    name = target.partition("@")[0]
    if "/" in name and kb.model(name) is None:
        return None  # an uncatalogued Hub id (openai/gpt-oss-20b) is a repository, not an API model name
    cid = catalog_id(name, kb)
    cm = kb.model(cid) if cid else None
    entry = kb.get(cm.license) if cm else None
    if cm is None or entry is None or entry.kind != "proprietary":
        return None
    return cm.id


def _is_api_model(target: str, ctx: ReadContext) -> bool:
    return not exists(Path(target)) and _api_model(target, ctx.kb) is not None


def _read_api_model(target: str, ctx: ReadContext) -> list[ModelFacts]:
    cid = _api_model(target, ctx.kb)
    facts = catalog_facts(cid, ctx.kb, "a closed model served through an API; no weights are published") if cid else None
    if facts is None:  # pragma: no cover - matches() said it is catalogued
        raise InputError(f"{target}: not a catalogued API model")
    facts.target = target
    return [facts]


_OLLAMA_TAG = re.compile(r"^(?:ollama[:/]+)?(?:library/)?([a-z0-9][a-z0-9._-]*)(?::([a-z0-9._-]+))?$", re.I)


def _ollama_table() -> dict[str, dict[str, str]]:
    """kb/ollama.yaml: Ollama library name -> size tag -> catalog model."""
    from smallprint.kb import load_data

    data = load_data("ollama.yaml") or {}
    return {str(k).lower(): {str(a): str(b) for a, b in v.items()} for k, v in (data.get("models") or {}).items()}


def ollama_model(target: str, kb: KnowledgeBase) -> str | None:
    """The catalog model an Ollama library name packages (`llama3.1:8b`), from kb/ollama.yaml."""
    if exists(Path(target)) or "/" in target.removeprefix("ollama://").removeprefix("library/"):
        return None
    m = _OLLAMA_TAG.match(target.strip())
    if not m:
        return None
    sizes = _ollama_table().get(m.group(1).lower())
    if not sizes:
        return None
    tag = (m.group(2) or "").lower()
    size = tag.split("-")[0] if tag and tag != "latest" else "default"
    mid = sizes.get(size) or sizes.get("default")
    return mid if mid and kb.model(mid) else None


def _is_ollama(target: str, ctx: ReadContext) -> bool:
    return ollama_model(target, ctx.kb) is not None


def _read_ollama(target: str, ctx: ReadContext) -> list[ModelFacts]:
    packaged = ollama_model(target, ctx.kb)
    facts = catalog_facts(packaged, ctx.kb, f"Ollama library name {target!r} packages {packaged}") if packaged else None
    if facts is None:  # pragma: no cover - matches() said it is catalogued
        raise InputError(f"{target}: not a known Ollama library name")
    facts.target = target
    return [facts]


# -- files and folders -------------------------------------------------------------------


def _path(target: str) -> Path:
    return Path(target).expanduser()


def _is_dir(target: str, ctx: ReadContext) -> bool:
    return is_dir(_path(target))


def _is_bom(target: str, ctx: ReadContext) -> bool:
    from smallprint.sources.bom import looks_like_bom

    return looks_like_bom(Path(target))


def _read_bom(target: str, ctx: ReadContext) -> list[ModelFacts]:
    from smallprint.sources.bom import read_bom

    return read_bom(target)


def _suffix(*suffixes: str) -> Callable[[str, ReadContext], bool]:
    def matches(target: str, ctx: ReadContext) -> bool:
        p = _path(target)
        return p.suffix.lower() in suffixes and is_file(p)

    return matches


def _read_gguf(target: str, ctx: ReadContext) -> list[ModelFacts]:
    path = _path(target)
    facts = ModelFacts(target, None, "gguf")
    apply_gguf(facts, read_gguf_header(path), str(path))
    return [facts]


def _read_safetensors(target: str, ctx: ReadContext) -> list[ModelFacts]:
    path = _path(target)
    facts = ModelFacts(target, None, "safetensors")
    apply_safetensors(facts, read_safetensors_header(path), str(path))
    return [facts]


def _read_card(target: str, ctx: ReadContext) -> list[ModelFacts]:
    facts = ModelFacts(target, None, "card")
    apply_card(facts, read_card(_path(target)))
    return [facts]


def _is_other_file(target: str, ctx: ReadContext) -> bool:
    return is_file(_path(target))


def _not_a_model_file(target: str, ctx: ReadContext) -> list[ModelFacts]:
    raise InputError(f"{target}: not a model target (expected a folder, .gguf, .safetensors, .md or org/name)")


# -- the Hub -----------------------------------------------------------------------------


def _looks_like_hub_id(target: str) -> bool:
    repo_id = target.partition("@")[0]
    return bool(HUB_ID.match(repo_id)) and not target.startswith((".", "/", "~"))


def _is_hub(target: str, ctx: ReadContext) -> bool:
    return _looks_like_hub_id(target) and not exists(_path(target))


def _read_hub(target: str, ctx: ReadContext) -> list[ModelFacts]:
    """The Hub (or its local cache); a catalogued model the Hub cannot give is answered from
    the bundled catalog, and says why."""
    try:
        return [read_hub(target, offline=ctx.offline)]
    except SourceError as e:
        facts = catalog_facts(target, ctx.kb, str(e).rstrip("."))
        if facts is None:
            raise
        return [facts]


def _nothing_matches(target: str, ctx: ReadContext) -> list[ModelFacts]:
    why = why_not_readable(_path(target))
    if why == "no such file or directory":
        raise InputError(f"{target}: no such file or directory, and not a Hub model id (org/name)")
    raise InputError(f"{target}: {why}")


ROUTES: tuple[Route, ...] = (
    Route("api-model", _is_api_model, _read_api_model),
    Route("ollama", _is_ollama, _read_ollama),
    Route("folder", _is_dir, lambda t, ctx: [read_folder(_path(t))]),
    Route("bom", _is_bom, _read_bom),
    Route("gguf", _suffix(".gguf"), _read_gguf),
    Route("safetensors", _suffix(".safetensors"), _read_safetensors),
    Route("card", _suffix(".md", ".markdown"), _read_card),
    Route("other-file", _is_other_file, _not_a_model_file),
    Route("hub", _is_hub, _read_hub),
    Route("unknown", lambda t, ctx: True, _nothing_matches),
)
"""Tried in order; the last row always matches and says what was expected."""


def route_of(target: str, ctx: ReadContext) -> Route:
    return next(r for r in ROUTES if r.matches(target, ctx))


def read_models(target: str, *, kb: KnowledgeBase | None = None, offline: bool | None = None) -> list[ModelFacts]:
    """Every model a target holds (one, or each model a BOM lists); raises a SmallprintError."""
    ctx = ReadContext(kb or default_kb(), offline)
    return route_of(target, ctx).read(target, ctx)


def read_target(target: str, *, offline: bool | None = None, kb: KnowledgeBase | None = None) -> ModelFacts:
    """The one model a target names; InputError when it lists several (a BOM: use read_models)."""
    models = read_models(target, kb=kb, offline=offline)
    if len(models) != 1:
        raise InputError(f"{target}: lists {len(models)} models, not one")
    return models[0]


def read_file(path: Path, target: str) -> ModelFacts:
    """A single file (a GGUF or safetensors header, or a model card), reported as `target`."""
    facts = read_target(str(path))
    facts.target = target
    return facts


def expand_target(target: str, *, limit: int = MAX_MODELS) -> list[str]:
    """A directory of many models becomes one target per model folder; others stay as they are."""
    path = Path(target).expanduser()
    if not is_dir(path):
        return [target]
    if is_model_folder(path):
        members = collection_members(path)  # a folder of models with a README or loose .gguf of its own
        return [str(p) for p in members[:limit]] if members else [target]
    found = find_model_folders(path, limit=limit)
    return [str(p) for p in found] or [target]
