"""The European Open Source AI Index (osai-index.eu) as extra evidence.

The index grades each system on dimensions (base/end model data, weights, training
code, documentation, paper, model card, datasheet, licences) as open, partial or
closed. smallprint ships an extract keyed by Hub id (`kb/openness/osai-index.yaml`),
made from the index's data files by `python -m smallprint.evaluators.openness.osai_index
DIR > osai-index.yaml` (see `kb/openness/README.md`).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from smallprint.errors import InputError, KnowledgeBaseError
from smallprint.kb import data_path

EXTRACT = Path(__file__).resolve().parents[2] / "kb" / "openness" / "osai-index.yaml"
DIMENSIONS = (
    "datasources_basemodel",
    "datasources_endmodel",
    "weights_basemodel",
    "weights_endmodel",
    "trainingcode",
    "code",
    "hardware_architecture",
    "preprint",
    "paper",
    "modelcard",
    "datasheet",
    "licenses",
    "package",
    "api",
)
CLASSES = ("open", "partial", "closed")
_HUB = re.compile(r"huggingface\.co/(?!datasets/|spaces/)([\w.\-]+/[\w.\-]+)", re.I)


@dataclass(frozen=True)
class OsaiEntry:
    """One system of the index: its Hub ids and the class of each dimension."""

    name: str
    organisation: str | None
    link: str | None
    hub_ids: tuple[str, ...]
    dimensions: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def score(self) -> float:
        """The index's own summary: mean of open=1, partial=0.5, closed=0."""
        vals = [{"open": 1.0, "partial": 0.5}.get(v, 0.0) for v in self.dimensions.values()]
        return sum(vals) / len(vals) if vals else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.name,
            "organisation": self.organisation,
            "link": self.link,
            "dimensions": dict(self.dimensions),
            "score": round(self.score, 4),
            "source": "European Open Source AI Index (osai-index.eu), CC-BY-4.0",
        }


def _links(v: Any) -> list[str]:
    if isinstance(v, list):
        return [str(x) for x in v if x]
    return [str(v)] if v else []


def entry_from_yaml(data: dict[str, Any]) -> OsaiEntry | None:
    """One index data file as an entry; None when it carries no system."""
    system = data.get("system") or {}
    if not isinstance(system, dict) or not system.get("name"):
        return None
    hub: list[str] = []
    for link in _links(system.get("link")):
        m = _HUB.search(link)
        if m:
            hub.append(m.group(1))
    for key in ("weights_endmodel",):  # base-model weights belong to another system
        dim = data.get(key)
        if isinstance(dim, dict):
            for link in _links(dim.get("link")):
                m = _HUB.search(link)
                if m and m.group(1) not in hub:
                    hub.append(m.group(1))
    dims: dict[str, str] = {}
    notes: dict[str, str] = {}
    for key in DIMENSIONS:
        dim = data.get(key)
        if isinstance(dim, dict) and dim.get("class") in CLASSES:
            dims[key] = str(dim["class"])
            if dim.get("notes"):
                notes[key] = str(dim["notes"]).strip()
    org = data.get("org") if isinstance(data.get("org"), dict) else {}
    return OsaiEntry(
        name=str(system["name"]),
        organisation=str(org.get("name")) if org and org.get("name") else None,
        link=_links(system.get("link"))[0] if _links(system.get("link")) else None,
        hub_ids=tuple(hub),
        dimensions=dims,
        notes=notes,
    )


def extract_index(directory: str | Path) -> list[dict[str, Any]]:
    """Read every system file of an index checkout into the bundled extract's shape."""
    d = Path(directory)
    if not d.is_dir():
        raise InputError(f"{d}: not a directory of index files")
    out: list[dict[str, Any]] = []
    for p in sorted(d.glob("*.y*ml")):
        if p.name.startswith("_"):
            continue
        try:
            data = yaml.safe_load(p.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as err:
            raise InputError(f"{p}: unreadable index file: {str(err).splitlines()[0]}") from err
        entry = entry_from_yaml(data) if isinstance(data, dict) else None
        if entry is None:
            continue
        out.append({
            "system": entry.name,
            "organisation": entry.organisation,
            "link": entry.link,
            "hub_ids": list(entry.hub_ids),
            "dimensions": entry.dimensions,
            "file": p.name,
        })
    return out


@lru_cache(maxsize=1)
def bundled() -> tuple[OsaiEntry, ...]:
    extract = data_path("openness/osai-index.yaml")
    if not extract.exists():
        return ()
    try:
        data = yaml.safe_load(extract.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise KnowledgeBaseError(f"{extract}: broken YAML") from e
    out = []
    for s in data.get("systems") or []:
        out.append(OsaiEntry(
            name=str(s["system"]),
            organisation=s.get("organisation"),
            link=s.get("link"),
            hub_ids=tuple(str(h) for h in s.get("hub_ids") or []),
            dimensions={str(k): str(v) for k, v in (s.get("dimensions") or {}).items()},
        ))
    return tuple(out)


def lookup(model_id: str | None, entries: tuple[OsaiEntry, ...] | None = None) -> OsaiEntry | None:
    """The index entry whose Hub ids include this model (case-insensitive), if any."""
    if not model_id:
        return None
    key = model_id.strip().lower()
    for e in entries if entries is not None else bundled():
        if any(h.lower() == key for h in e.hub_ids):
            return e
    return None


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m smallprint.evaluators.openness.osai_index INDEX_DIR", file=sys.stderr)
        return 2
    systems = extract_index(argv[0])
    header = (
        "# Extract of the European Open Source AI Index (osai-index.eu), CC-BY-4.0:\n"
        "# Liesenfeld & Dingemanse 2024, doi:10.5281/zenodo.15386042.\n"
        "# Made by: python -m smallprint.evaluators.openness.osai_index <main-database dir>\n"
    )
    sys.stdout.write(header + yaml.safe_dump({"systems": systems}, sort_keys=False, allow_unicode=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
