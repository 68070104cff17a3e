"""The inventory: which models each product uses, and how (its use profile).

    schema: smallprint/inventory/1
    products:
      - name: support-bot
        profile: commercial-saas          # preset name, profile YAML path (relative to this file) or mapping
        models:
          - id: meta-llama/Llama-3.1-8B-Instruct
            kind: hub                     # hub | ollama | gguf | api | local | name (optional)
            locations: [app/chat.py:16]   # where the code references it (optional)
          - id: gpt-4o
            profile: {commercial: true, deployment: [saas], activities: [inference, distill]}

A top-level `models:` list (with a top-level `profile:`) is a single unnamed product.
`scan-code` writes one; `check --inventory` checks every entry against its profile.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml

from smallprint.errors import InputError
from smallprint.policy.profiles import DEFAULT_PROFILE, Profile, resolve_profile
from smallprint.scan import ScanReport

SCHEMA: Final = "smallprint/inventory/1"
MAX_INVENTORY_BYTES: Final = 4 * 1024 * 1024
MAX_ENTRIES: Final = 5000


@dataclass(frozen=True)
class Location:
    """A file and line where code references a model."""

    file: str
    line: int

    @classmethod
    def parse(cls, text: str, where: str) -> Location:
        path, sep, line = str(text).rpartition(":")
        if not sep or not line.isdigit() or not path:
            raise InputError(f"{where}: location {text!r} must be FILE:LINE")
        return cls(path, int(line))

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class InventoryModel:
    """One model a product uses, with the profile it is used under."""

    id: str
    product: str
    profile: Profile
    kind: str | None = None
    locations: tuple[Location, ...] = ()


@dataclass
class Inventory:
    """All products' models, in file order."""

    path: str | None
    models: list[InventoryModel] = field(default_factory=list)

    def products(self) -> list[str]:
        return list(dict.fromkeys(m.product for m in self.models))


def _profile(spec: Any, where: str, base_dir: Path | None, default: Profile) -> Profile:
    if spec is None:
        return default
    if isinstance(spec, Mapping | str):
        try:
            return resolve_profile(spec, relative_to=base_dir)
        except InputError as e:
            raise InputError(f"{where}: {e}") from None
    raise InputError(f"{where}: 'profile' must be a preset name, a file path or a mapping")


def _models(raw: Any, product: str, profile: Profile, where: str, base_dir: Path | None) -> list[InventoryModel]:
    if not isinstance(raw, list):
        raise InputError(f"{where}: 'models' must be a list")
    out = []
    for i, m in enumerate(raw, 1):
        w = f"{where}: model {i}"
        if isinstance(m, str):
            m = {"id": m}
        if not isinstance(m, Mapping) or not isinstance(m.get("id"), str) or not m["id"].strip():
            raise InputError(f"{w}: needs an 'id'")
        locs = m.get("locations") or []
        if not isinstance(locs, list):
            raise InputError(f"{w}: 'locations' must be a list of FILE:LINE")
        out.append(InventoryModel(
            id=m["id"].strip(),
            product=product,
            profile=_profile(m.get("profile"), w, base_dir, profile),
            kind=None if m.get("kind") is None else str(m["kind"]),
            locations=tuple(Location.parse(x, w) for x in locs),
        ))
    return out


def inventory_from_dict(data: Any, where: str = "inventory", base_dir: Path | None = None,
                        default_profile: Profile | None = None) -> Inventory:
    """Validate a parsed inventory; every error names the product or model it is about."""
    if not isinstance(data, Mapping):
        raise InputError(f"{where}: an inventory must be a mapping with 'products' or 'models'")
    schema = data.get("schema")
    if schema is not None and schema != SCHEMA:
        raise InputError(f"{where}: unsupported schema {schema!r} (expected {SCHEMA})")
    default = default_profile or resolve_profile(DEFAULT_PROFILE)
    top = _profile(data.get("profile"), where, base_dir, default)
    models: list[InventoryModel] = []
    if "models" in data:
        models += _models(data["models"], str(data.get("name") or "default"), top, where, base_dir)
    products = data.get("products") or []
    if not isinstance(products, list):
        raise InputError(f"{where}: 'products' must be a list")
    for i, p in enumerate(products, 1):
        if not isinstance(p, Mapping) or not p.get("name"):
            raise InputError(f"{where}: product {i} needs a 'name'")
        w = f"{where}: product {p['name']!r}"
        prof = _profile(p.get("profile"), w, base_dir, top)
        models += _models(p.get("models") or [], str(p["name"]), prof, w, base_dir)
    if not models:
        raise InputError(f"{where}: the inventory lists no models")
    if len(models) > MAX_ENTRIES:
        raise InputError(f"{where}: more than {MAX_ENTRIES} models")
    return Inventory(where, models)


def load_inventory(path: str | Path, default_profile: Profile | None = None) -> Inventory:
    """Read an inventory file (YAML or JSON)."""
    from smallprint.sources.config_file import read_config_file

    p = Path(path)
    data = read_config_file(p, "inventory file", max_bytes=MAX_INVENTORY_BYTES).data
    return inventory_from_dict(data, str(p), p.parent, default_profile)


# --- writing one from scan-code ----------------------------------------------------------


def inventory_from_scan(report: ScanReport, product: str = "default", profile: str = DEFAULT_PROFILE,
                        location_prefix: str = "") -> dict[str, Any]:
    """An inventory document for the models a scan found (unresolved references listed apart)."""
    models = []
    for name, refs in report.models().items():
        if refs[0].kind == "local":
            continue  # a local directory is not a model id anybody can check; see `unresolved`
        entry: dict[str, Any] = {"id": name, "kind": refs[0].kind}
        if refs[0].provider and refs[0].provider != "ollama":
            entry["provider"] = refs[0].provider
        entry["locations"] = [f"{location_prefix}{r.location}" for r in refs]
        models.append(entry)
    unresolved = [
        {"expression": r.expression or r.name, "location": f"{location_prefix}{r.location}", "via": r.via}
        for r in report.references if r.kind in {"unresolved", "local"}
    ]
    doc: dict[str, Any] = {"schema": SCHEMA, "products": [{"name": product, "profile": profile, "models": models}]}
    if unresolved:
        doc["unresolved"] = unresolved
    return doc


def dump_inventory(doc: Mapping[str, Any]) -> str:
    """YAML text of an inventory document, in a stable key order."""
    return yaml.safe_dump(dict(doc), sort_keys=False, allow_unicode=True, width=120)




def locations_by_target(entries: Sequence[InventoryModel]) -> dict[str, list[Location]]:
    """Model id -> code locations, for reports that point at the code (SARIF)."""
    out: dict[str, list[Location]] = {}
    for e in entries:
        out.setdefault(e.id, []).extend(x for x in e.locations if x not in out.get(e.id, []))
    return out
