"""What one knowledge-base data file holds, as typed values.

A licence lives in `kb/licenses/<id>.yaml` (schema in `kb/README.md`), its reference
text in `kb/texts/<file>`; a catalogued model family in `kb/models/<family>.yaml`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from smallprint.errors import KnowledgeBaseError
from smallprint.vocabulary import KINDS, TERM_KEYS, valid_value


@dataclass(frozen=True)
class TermSpec:
    """A term a known licence carries, with the anchor phrases that locate its clause."""

    key: str
    value: Any
    anchors: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class ReferenceText:
    """Where the bundled reference text came from; `file` is None when it is missing."""

    file: str | None
    source_url: str | None
    source_repo: str | None = None
    source_path: str | None = None
    commit: str | None = None
    sha256: str | None = None

    @property
    def present(self) -> bool:
        return self.file is not None


@dataclass(frozen=True)
class LicenseEntry:
    """One licence (or use policy, or licence family) of the knowledge base."""

    id: str
    name: str
    version: str | None
    family: str
    publisher: str | None
    date: str | None
    url: str | None
    spdx_id: str | None
    hub_id: str | None
    kind: str
    osi_approved: bool
    aliases: tuple[str, ...]
    text: ReferenceText
    terms: tuple[TermSpec, ...]
    incorporates: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    notes: str | None = None
    path: str | None = None

    def term(self, key: str) -> TermSpec | None:
        for t in self.terms:
            if t.key == key:
                return t
        return None


def _str_or_none(v: Any) -> str | None:
    if v is None:
        return None
    return str(v)


def license_entry_from_dict(data: dict[str, Any], path: str) -> LicenseEntry:
    """Validate one licence data file and build its entry; errors name the file."""

    def fail(msg: str) -> KnowledgeBaseError:
        return KnowledgeBaseError(f"{path}: {msg}")

    if not isinstance(data, dict):
        raise fail("not a mapping")
    for req in ("id", "name", "family", "kind"):
        if not data.get(req):
            raise fail(f"missing '{req}'")
    kind = data["kind"]
    if kind not in KINDS:
        raise fail(f"unknown kind {kind!r}")
    terms: list[TermSpec] = []
    for t in data.get("terms") or []:
        key = t.get("key")
        if key not in TERM_KEYS:
            raise fail(f"unknown term key {key!r}")
        if not valid_value(key, t.get("value")):
            raise fail(f"term {key}: value {t.get('value')!r} has the wrong type")
        anchors = tuple(str(a) for a in (t.get("anchors") or []))
        terms.append(TermSpec(key=key, value=t["value"], anchors=anchors, note=t.get("note")))
    text = data.get("text") or {}
    ref = ReferenceText(
        file=text.get("file"),
        source_url=text.get("source_url"),
        source_repo=text.get("source_repo"),
        source_path=text.get("source_path"),
        commit=_str_or_none(text.get("commit")),
        sha256=text.get("sha256"),
    )
    return LicenseEntry(
        id=str(data["id"]),
        name=str(data["name"]),
        version=_str_or_none(data.get("version")),
        family=str(data["family"]),
        publisher=_str_or_none(data.get("publisher")),
        date=_str_or_none(data.get("date")),
        url=_str_or_none(data.get("url")),
        spdx_id=_str_or_none(data.get("spdx_id")),
        hub_id=_str_or_none(data.get("hub_id")),
        kind=kind,
        osi_approved=bool(data.get("osi_approved", False)),
        aliases=tuple(str(a) for a in (data.get("aliases") or [])),
        text=ref,
        terms=tuple(terms),
        incorporates=tuple(str(x) for x in (data.get("incorporates") or [])),
        members=tuple(str(x) for x in (data.get("members") or [])),
        notes=_str_or_none(data.get("notes")),
        path=path,
    )


MODALITIES = frozenset({"text", "vision-language", "image", "audio", "speech", "video", "embedding", "multimodal"})
"""What a catalogued model takes in and puts out (documented in kb/README.md): `text` (text in,
text out), `vision-language` (image and text in), `image` (image generation), `audio`, `speech`
(speech recognition or synthesis), `video`, `embedding` (text embeddings), `multimodal` (any-to-any)."""


@dataclass(frozen=True)
class CatalogModel:
    """A widely used model the catalog knows offline (facts with their sources)."""

    id: str
    family: str
    publisher: str | None
    license: str
    base_models: tuple[str, ...] = ()
    relation: str | None = None
    released: str | None = None
    parameters: float | None = None
    gated: bool = False
    aliases: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()
    description: str | None = None
    openness: dict[str, Any] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    path: str | None = None
    modality: str | None = None  # one of MODALITIES; None when the catalog does not say
    pipeline_tag: str | None = None  # the Hub's task tag, e.g. text-generation, image-text-to-text
    context_length: int | None = None  # tokens, where the publisher states it
    new_version: str | None = None  # the successor the publisher names (the card's `new_version`)
    deprecated: str | None = None  # date the provider retires or retired it, where announced
