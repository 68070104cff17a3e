"""The knowledge-base tables selection reads (kb/selection/*.yaml, kb/sustainability/*.yaml).

Data, not code: a new backer, duty weight or release licence is an edit of these files
(or a file in `$SMALLPRINT_KB_PATH/sustainability/`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from smallprint.errors import KnowledgeBaseError
from smallprint.kb import KB_DIR, _data_dirs

SELECTION_DIR = KB_DIR / "selection"

BACKER_KINDS = ("big-tech", "funded-start-up", "academic", "non-profit", "community")
"""Who pays: big tech, a funded start-up, an academic or public research institution, a
non-profit or foundation, or a community of volunteers."""


def _read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise KnowledgeBaseError(f"{path}: cannot be read ({e})") from e


@lru_cache(maxsize=1)
def duty_weights() -> tuple[int, dict[str, int]]:
    """(default weight, weight per term key) of kb/selection/duties.yaml."""
    d = _read(SELECTION_DIR / "duties.yaml")
    return int(d.get("default", 3)), {str(k): int(v) for k, v in (d.get("weights") or {}).items()}


@lru_cache(maxsize=1)
def task_aliases() -> dict[str, tuple[str, ...]]:
    """Task tags that also count as each task (kb/selection/tasks.yaml)."""
    d = _read(SELECTION_DIR / "tasks.yaml")
    return {str(k): tuple(str(x) for x in v or []) for k, v in (d.get("also") or {}).items()}


@dataclass(frozen=True)
class ReleaseLicence:
    """An established licence `choose` may recommend, what it covers and which goals it serves."""

    id: str
    covers: tuple[str, ...]
    goals: tuple[str, ...]


@lru_cache(maxsize=1)
def release_licences() -> tuple[ReleaseLicence, ...]:
    """The candidates of kb/selection/release-licenses.yaml, in order of preference."""
    d = _read(SELECTION_DIR / "release-licenses.yaml")
    return tuple(
        ReleaseLicence(str(x["id"]), tuple(x.get("for") or ()), tuple(x.get("goals") or ()))
        for x in d.get("licenses") or []
    )


@dataclass(frozen=True)
class Fact:
    """One public fact with where it is published and the date it refers to (or was read)."""

    text: str
    source: str | None
    date: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"fact": self.text, "source": self.source, "date": self.date}


@dataclass(frozen=True)
class Backer:
    """Who develops and pays for a family of models, as public facts."""

    id: str
    name: str
    kind: str
    families: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()  # Hub organisations (the part of a model id before the slash)
    kind_fact: Fact | None = None
    funding: tuple[Fact, ...] = ()
    revenue: tuple[Fact, ...] = ()
    path: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "kind_fact": self.kind_fact.to_dict() if self.kind_fact else None,
            "funding": [f.to_dict() for f in self.funding],
            "revenue": [f.to_dict() for f in self.revenue],
        }


def _facts(raw: Any, where: str) -> tuple[Fact, ...]:
    out = []
    for x in raw or []:
        if not isinstance(x, dict) or not x.get("fact") or not x.get("source"):
            raise KnowledgeBaseError(f"{where}: every fact needs 'fact' and 'source'")
        out.append(Fact(str(x["fact"]), str(x["source"]), None if x.get("date") is None else str(x["date"])))
    return tuple(out)


@lru_cache(maxsize=1)
def backers() -> tuple[Backer, ...]:
    """Every backer of kb/sustainability/backers*.yaml (and `$SMALLPRINT_KB_PATH/sustainability/`)."""
    out: list[Backer] = []
    for d in _data_dirs("sustainability"):
        for p in sorted(d.glob("*.yaml")):
            for b in _read(p).get("backers") or []:
                where = f"{p}: {b.get('id')}"
                if b.get("kind") not in BACKER_KINDS:
                    raise KnowledgeBaseError(f"{where}: kind must be one of {', '.join(BACKER_KINDS)}")
                kf = _facts([b["kind_fact"]], where)[0] if b.get("kind_fact") else None
                out.append(Backer(
                    id=str(b["id"]), name=str(b.get("name") or b["id"]), kind=str(b["kind"]),
                    families=tuple(str(x) for x in b.get("families") or ()),
                    orgs=tuple(str(x).lower() for x in b.get("orgs") or ()),
                    kind_fact=kf,
                    funding=_facts(b.get("funding"), where),
                    revenue=_facts(b.get("revenue"), where),
                    path=str(p),
                ))
    return tuple(out)


def backers_for(family: str | None, model_id: str | None = None) -> list[Backer]:
    """The backers of a catalog family, else of the model's Hub organisation."""
    fam = [b for b in backers() if family and family in b.families]
    if fam:
        return fam
    org = model_id.split("/", 1)[0].lower() if model_id and "/" in model_id else None
    return [b for b in backers() if org and org in b.orgs]


@lru_cache(maxsize=1)
def flow_down_families() -> frozenset[str]:
    """Licence families whose derivatives may take other terms if the use restrictions travel with them."""
    d = _read(SELECTION_DIR / "release-licenses.yaml")
    return frozenset(str(x) for x in d.get("flow_down_families") or ())
