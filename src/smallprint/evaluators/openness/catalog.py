"""Openness facts the catalog knows offline: published components and OSI's validation list.

Data in `kb/openness/components.yaml` and `kb/openness/osi-validation.yaml` (schema in
the README there); ids may end in `*` to cover a model family. The Model Openness Tool's
published model files (`kb/openness/mot-models/`) are indexed by the Hub id their
`release.huggingface` names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from smallprint.errors import KnowledgeBaseError
from smallprint.evaluators.openness import mof
from smallprint.kb import data_path

DATA_DIR = Path(__file__).resolve().parents[2] / "kb" / "openness"
MOT_MODELS_DIR = DATA_DIR / "mot-models"
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class PublishedComponent:
    """A component a catalogued model publishes; `license` None: published without one."""

    name: str
    license: str | None
    url: str | None


@dataclass(frozen=True)
class CatalogComponents:
    pattern: str
    license: str | None
    components: tuple[PublishedComponent, ...]
    sources: tuple[str, ...] = ()
    path: str | None = None


@dataclass(frozen=True)
class OsiValidation:
    name: str
    passes: bool
    patterns: tuple[str, ...]
    reason: str | None = None
    source: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise KnowledgeBaseError(f"{path}: cannot read: {e}") from e


def _matches(pattern: str, model_id: str) -> bool:
    return fnmatchcase(model_id.lower(), pattern.lower())


@lru_cache(maxsize=1)
def catalog_components() -> tuple[CatalogComponents, ...]:
    path = data_path("openness/components.yaml")
    data = _read(path)
    out = []
    for m in (data or {}).get("models") or []:
        comps = []
        for name, facts in (m.get("components") or {}).items():
            if mof.component_by_name(str(name)) is None:
                raise KnowledgeBaseError(f"{path}: {m.get('id')}: unknown MOF component {name!r}")
            facts = facts or {}
            lic = facts.get("license")
            comps.append(PublishedComponent(str(name), None if lic is None else str(lic), facts.get("url")))
        out.append(CatalogComponents(
            pattern=str(m["id"]),
            license=m.get("license"),
            components=tuple(comps),
            sources=tuple(str(s) for s in m.get("sources") or []),
            path=str(path),
        ))
    return tuple(out)


def components_for(model_id: str | None) -> CatalogComponents | None:
    """The first catalog entry whose id or pattern matches this Hub id."""
    if not model_id:
        return None
    for c in catalog_components():
        if _matches(c.pattern, model_id):
            return c
    return None


@lru_cache(maxsize=1)
def osi_validation() -> tuple[OsiValidation, ...]:
    data = _read(data_path("openness/osi-validation.yaml")) or {}
    src = data.get("source")
    return tuple(
        OsiValidation(
            name=str(s["name"]),
            passes=bool(s["passes"]),
            patterns=tuple(str(p) for p in s.get("models") or []),
            reason=s.get("reason"),
            source=src,
        )
        for s in data.get("systems") or []
    )


def osi_validation_for(model_id: str | None) -> OsiValidation | None:
    if not model_id:
        return None
    for v in osi_validation():
        if any(_matches(p, model_id) for p in v.patterns):
            return v
    return None


# --- the Model Openness Tool's model files, by Hub id --------------------------------

_HUB_PREFIX = re.compile(r"^(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/", re.I)
_HUB_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_NOT_MODEL_PAGES = frozenset({"datasets", "spaces", "collections", "papers", "docs", "blog", "models", "organizations"})
_SIZE = re.compile(r"(?<![a-z0-9.])(\d+(?:[._]\d+)?)([bm])(?![a-z0-9])")
_VERSION_TOKEN = re.compile(r"^v?\d+$")


@dataclass(frozen=True)
class MotModelFile:
    """One of the tool's model files and the Hub repository its `release.huggingface` names."""

    hub_id: str
    path: Path
    release_name: str

    @property
    def source(self) -> str:
        return f"Model Openness Tool model file {self.path.name}"


def hub_id_from_reference(value: Any) -> str | None:
    """`owner/name` from a Hub URL or id as people write it, or None when it names no model repository.

    Accepts `https://huggingface.co/owner/name`, with `/tree/main`, `/blob/...`, a trailing
    slash or page-title text after a space; refuses dataset, space, collection and paper pages.
    """
    if not isinstance(value, str):
        return None
    text = value.strip().split()[0] if value.strip() else ""
    had_host = bool(_HUB_PREFIX.match(text))
    path = _HUB_PREFIX.sub("", text).split("?")[0].split("#")[0].strip("/")
    parts = path.split("/")
    if len(parts) < 2 or (not had_host and len(parts) != 2):
        return None
    owner, name = parts[0], parts[1]
    if owner.lower() in _NOT_MODEL_PAGES or not (_HUB_PART.match(owner) and _HUB_PART.match(name)):
        return None
    return f"{owner}/{name}"


def _key(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", s.lower())


def _sizes(s: str) -> set[str]:
    return {n.replace("_", ".") + u for n, u in _SIZE.findall(s.lower())}


def _word_in(word: str, key: str) -> bool:
    """A name word occurs in a repository name ("+" written as plus, p or nothing), allowing one
    slipped final letter (RedPajamas)."""
    for w in {_key(word.replace("+", sub)) for sub in ("plus", "p", "")}:
        if w in key or (len(w) > 4 and w[:-1] in key):
            return True
    return False


def names_agree(release_name: str, hub_id: str) -> bool:
    """Does a MOT file's release name plausibly name this Hub repository?

    Contributed files sometimes point at a sibling (CodeT5+-2B at codet5p-16b) or another model
    altogether (dbrx-instruct at a DeepSeek repository): every word of three letters or more of
    the release name must occur in the repository name, and the parameter sizes, where both
    state one, must agree.
    """
    repo = hub_id.split("/", 1)[1].lower()
    repo_key = _key(repo)
    words = [w for w in re.split(r"[^a-z0-9+]+", release_name.lower()) if w]
    words = [w for w in words if not _VERSION_TOKEN.match(w) and not _SIZE.fullmatch(w)]
    if not all(_word_in(w, repo_key) for w in words if len(_key(w)) >= 3):
        return False
    mine, theirs = _sizes(release_name), _sizes(repo)
    return not (mine and theirs and not mine & theirs)


def _read_release_header(path: Path) -> tuple[str, Any] | None:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise KnowledgeBaseError(f"{path}: cannot read: {e}") from e
    rel = data.get("release") if isinstance(data, dict) else None
    if not isinstance(rel, dict):
        return None
    return str(rel.get("name") or path.stem), rel.get("huggingface")


def _closeness(f: MotModelFile) -> float:
    repo = f.hub_id.split("/", 1)[1]
    return SequenceMatcher(None, _key(f.release_name), _key(repo)).ratio()


@lru_cache(maxsize=1)
def mot_model_index() -> dict[str, MotModelFile]:
    """Lower-case Hub id -> the tool's model file for it; built once, on first use.

    Several files may name one repository (a family file and a sized one): the one whose
    release name is closest to the repository name wins, then the file name, for a stable answer.
    """
    index: dict[str, MotModelFile] = {}
    for path in sorted(MOT_MODELS_DIR.glob("*.yml")):
        header = _read_release_header(path)
        if header is None:
            continue
        name, ref = header
        hub_id = hub_id_from_reference(ref)
        if hub_id is None or not names_agree(name, hub_id):
            continue
        f = MotModelFile(hub_id, path, name)
        held = index.get(hub_id.lower())
        if held is None or _closeness(f) > _closeness(held):
            index[hub_id.lower()] = f
    return index


def mot_model_for(ids: Iterable[str | None]) -> MotModelFile | None:
    """The tool's model file for the first of these Hub ids (a target's id, then its aliases) that has one."""
    index = mot_model_index()
    for i in ids:
        ref = hub_id_from_reference(i) if i else None
        f = index.get(ref.lower()) if ref else None
        if f is not None:
            return f
    return None
