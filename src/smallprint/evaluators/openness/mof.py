"""The Model Openness Framework: its 17 components, three cumulative classes and licence lists.

The rules are the Model Openness Tool's own data, bundled byte for byte under
`smallprint/kb/openness/mot/` (see the README there): the component table
(`mof.settings.yml`), the SPDX-based licence lists (`mof-licenses.json`,
`licenses.json`) and the licence ids the tool counts as open for data
(`open-data-licenses.yaml`). Everything here is read-only data plus lookups.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from smallprint.errors import KnowledgeBaseError
from smallprint.kb import data_path

MOT_DIR = Path(__file__).resolve().parents[2] / "kb" / "openness" / "mot"

CLASS_LABELS: dict[int, str] = {
    0: "Unclassified",
    1: "Class I - Open Science Model",
    2: "Class II - Open Tooling Model",
    3: "Class III - Open Model",
}

TECHNICAL_REPORT = 11
RESEARCH_PAPER = 21


@dataclass(frozen=True)
class Component:
    """One MOF component: which class needs it and what kind of licence suits it."""

    id: int
    name: str
    description: str
    content_type: str  # code | data | document
    mof_class: int
    weight: int
    required: bool


@dataclass(frozen=True)
class MotLicense:
    """One licence of the tool's SPDX-derived list."""

    license_id: str
    name: str
    osi_approved: bool
    fsf_libre: bool
    content_type: str | None
    deprecated: bool


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise KnowledgeBaseError(f"{path}: cannot read MOF rules: {e}") from e


@lru_cache(maxsize=1)
def components() -> tuple[Component, ...]:
    """The 17 components in the order of the tool's settings file."""
    data = _read_yaml(data_path("openness/mot/mof.settings.yml"))
    out = []
    for c in data.get("components") or []:
        out.append(
            Component(
                id=int(c["id"]),
                name=str(c["name"]),
                description=str(c.get("description") or ""),
                content_type=str(c["content_type"]),
                mof_class=int(c["class"]),
                weight=int(c.get("weight") or 0),
                required=bool(c.get("required")),
            )
        )
    if len(out) != 17:
        raise KnowledgeBaseError(f"{MOT_DIR / 'mof.settings.yml'}: expected 17 components, found {len(out)}")
    return tuple(out)


def component(cid: int) -> Component:
    for c in components():
        if c.id == cid:
            return c
    raise KeyError(cid)


def component_by_name(name: str) -> Component | None:
    """Exact name as the tool spells it ("Model parameters (Final)")."""
    for c in components():
        if c.name == name:
            return c
    return None


def _loose(name: str) -> str:
    return " ".join(name.lower().replace("_", " ").replace("-", " ").split())


def component_by_loose_name(name: str) -> Component | None:
    """Case- and spacing-insensitive name lookup, for manifests written by hand."""
    key = _loose(name)
    for c in components():
        if _loose(c.name) == key:
            return c
    return None


def required(mof_class: int) -> list[int]:
    """Component ids the class itself requires (not cumulative), in settings order."""
    return [c.id for c in components() if c.mof_class == mof_class and c.required]


def optional(mof_class: int) -> list[int]:
    return [c.id for c in components() if c.mof_class == mof_class and not c.required]


class LicenseTable:
    """The tool's licence lists: exact, case-sensitive licence-id lookups, as the tool does."""

    def __init__(self, licenses: dict[str, MotLicense], open_data: frozenset[str]):
        self.licenses = licenses
        self.open_data = open_data
        self._by_lower: dict[str, list[str]] = {}
        for lid in licenses:
            self._by_lower.setdefault(lid.lower(), []).append(lid)

    def get(self, license_id: str) -> MotLicense | None:
        return self.licenses.get(license_id)

    def is_osi_approved(self, license_id: str) -> bool:
        lic = self.licenses.get(license_id)
        return bool(lic and lic.osi_approved)

    def is_fsf_libre(self, license_id: str) -> bool:
        lic = self.licenses.get(license_id)
        return bool(lic and lic.fsf_libre)

    def is_open_data(self, license_id: str) -> bool:
        return license_id in self.open_data

    def is_open(self, license_id: str) -> bool:
        """The tool's test: FSF libre, or on its open-data list, or OSI approved."""
        return self.is_fsf_libre(license_id) or self.is_open_data(license_id) or self.is_osi_approved(license_id)

    def is_type_appropriate(self, license_id: str, content_type: str) -> bool:
        lic = self.licenses.get(license_id)
        return bool(lic and lic.content_type == content_type)

    def canonical_id(self, name: str) -> str | None:
        """The SPDX id spelled as the list spells it, for a case-insensitive exact id."""
        ids = self._by_lower.get(name.strip().lower(), [])
        return ids[0] if len(ids) == 1 else None


def _mot_license(raw: dict[str, Any]) -> MotLicense:
    return MotLicense(
        license_id=str(raw["licenseId"]),
        name=str(raw.get("name") or raw["licenseId"]),
        osi_approved=bool(raw.get("isOsiApproved") or False),
        fsf_libre=bool(raw.get("isFsfLibre") or False),
        content_type=raw.get("ContentType") or None,
        deprecated=bool(raw.get("isDeprecatedLicenseId") or False),
    )


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise KnowledgeBaseError(f"{path}: cannot read licence list: {e}") from e


@lru_cache(maxsize=1)
def license_table() -> LicenseTable:
    """The tool imports `mof-licenses.json` first, then `licenses.json` for ids not yet seen."""
    licenses: dict[str, MotLicense] = {}
    for fname in ("mof-licenses.json", "licenses.json"):
        for raw in _read_json(data_path(f"openness/mot/{fname}")).get("licenses") or []:
            lid = str(raw.get("licenseId") or "")
            if lid and lid not in licenses:
                licenses[lid] = _mot_license(raw)
    open_data = _read_yaml(data_path("openness/mot/open-data-licenses.yaml"))
    ids = frozenset(str(x) for x in (open_data.get("licenses") or []))
    if not ids:
        raise KnowledgeBaseError(f"{MOT_DIR / 'open-data-licenses.yaml'}: empty open-data list")
    return LicenseTable(licenses, ids)
