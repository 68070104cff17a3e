"""Pick the source that fits a target: a folder, a weight file, a card, or a Hub id."""

from __future__ import annotations

from pathlib import Path

from smallprint.errors import InputError
from smallprint.model import ModelFacts
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


def read_target(target: str, *, offline: bool | None = None) -> ModelFacts:
    """Read one target: existing dir, .gguf, .safetensors, .md card, or `org/name[@rev]`."""
    path = Path(target).expanduser()
    if is_dir(path):
        return read_folder(path)
    if is_file(path):
        return read_file(path, target)
    if _looks_like_hub_id(target) and not exists(path):
        return read_hub(target, offline=offline)
    why = why_not_readable(path)
    if why == "no such file or directory":
        raise InputError(f"{target}: no such file or directory, and not a Hub model id (org/name)")
    raise InputError(f"{target}: {why}")


def read_file(path: Path, target: str) -> ModelFacts:
    """A single file: a GGUF or safetensors header, or a model card."""
    suffix = path.suffix.lower()
    if suffix == ".gguf":
        facts = ModelFacts(target, None, "gguf")
        apply_gguf(facts, read_gguf_header(path), str(path))
        return facts
    if suffix == ".safetensors":
        facts = ModelFacts(target, None, "safetensors")
        apply_safetensors(facts, read_safetensors_header(path), str(path))
        return facts
    if suffix in (".md", ".markdown"):
        facts = ModelFacts(target, None, "card")
        apply_card(facts, read_card(path))
        return facts
    raise InputError(f"{target}: not a model target (expected a folder, .gguf, .safetensors, .md or org/name)")


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


def _looks_like_hub_id(target: str) -> bool:
    repo_id = target.partition("@")[0]
    return bool(HUB_ID.match(repo_id)) and not target.startswith((".", "/", "~"))
