"""Openness facts the catalog knows offline: published components and OSI's validation list.

Data in `kb/openness/components.yaml` and `kb/openness/osi-validation.yaml` (schema in
the README there); ids may end in `*` to cover a model family.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from smallprint.errors import KnowledgeBaseError
from smallprint.evaluators.openness import mof

DATA_DIR = Path(__file__).resolve().parents[2] / "kb" / "openness"


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
    path = DATA_DIR / "components.yaml"
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
    data = _read(DATA_DIR / "osi-validation.yaml") or {}
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
