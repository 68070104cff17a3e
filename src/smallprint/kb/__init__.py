"""The knowledge base: licences, use policies and catalogued models, loaded from data files.

Adding a licence or a model family is adding a data file here (or in a directory
named by `SMALLPRINT_KB_PATH`, `os.pathsep`-separated); no code changes.

This module is the one loader of bundled data. `KnowledgeBase.load()` reads licences and
models; every other table (datasets.yaml, ollama.yaml, profiles/, openness/, regions.yaml,
fields.yaml, inventory-default.yaml, kb.yaml) is found through `data_path()` and parsed
through `load_data()`, so a `SMALLPRINT_KB_PATH` directory holding the same relative path
overrides it. Anything derived from a knowledge base (an index, a matcher, quoted terms)
is memoised with `per_knowledge_base`, and dropped with the knowledge base.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any, TypeVar

from smallprint.errors import KnowledgeBaseError
from smallprint.kb.entries import (
    MODALITIES,
    CatalogModel,
    LicenseEntry,
    ReferenceText,
    TermSpec,
    license_entry_from_dict,
)

__all__ = [
    "KB_DIR",
    "CatalogModel",
    "KnowledgeBase",
    "LicenseEntry",
    "ReferenceText",
    "TermSpec",
    "data_dirs",
    "data_path",
    "default_kb",
    "load_data",
    "normalize_alias",
    "per_knowledge_base",
]

KB_DIR = Path(__file__).parent


def normalize_alias(s: str) -> str:
    """Spelling-insensitive key for names, ids and URLs: "Llama 3.1 Community License" ~ "llama-3.1-community-license"."""
    s = s.strip().lower()
    s = re.sub(r"^https?://(www\.)?", "", s)
    s = s.rstrip("/")
    s = s.replace("\u2019", "'")
    s = re.sub(r"[\s_\-]+", "-", s)
    return s


def _read_yaml(path: Path) -> Any:
    import yaml  # here, not at import: a start-up that reads the cached knowledge base never parses YAML

    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with path.open("rb") as f:
            return yaml.load(f, Loader=loader)
    except yaml.YAMLError as e:
        raise KnowledgeBaseError(f"{path}: broken YAML: {str(e).splitlines()[0]}") from e


def _extra_roots() -> list[Path]:
    """The directories named by `SMALLPRINT_KB_PATH`, in order."""
    from smallprint import settings

    return list(settings.current().kb_path)


def data_path(rel: str) -> Path:
    """The file (or folder) a knowledge-base path names (`openness/components.yaml`): the
    last `SMALLPRINT_KB_PATH` directory that has it, else the bundled copy."""
    for root in reversed(_extra_roots()):
        p = root / rel
        if p.exists():
            return p
    return KB_DIR / rel


def data_dirs(sub: str) -> list[Path]:
    """Every directory of `sub` (`profiles`), the bundled one first, then `SMALLPRINT_KB_PATH`'s."""
    return _data_dirs(sub)


def load_data(rel: str) -> Any:
    """A YAML data file of the knowledge base, parsed (KnowledgeBaseError when broken);
    read once per file version."""
    p = data_path(rel)
    try:
        st = p.stat()
    except OSError as e:
        raise KnowledgeBaseError(f"{p}: cannot read ({e.strerror or e})") from None
    return _load_yaml_cached(str(p), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=64)
def _load_yaml_cached(path: str, mtime_ns: int, size: int) -> Any:
    return _read_yaml(Path(path))


def _data_dirs(sub: str) -> list[Path]:
    return [d / sub for d in (KB_DIR, *_extra_roots()) if d == KB_DIR or (d / sub).is_dir()]


class KnowledgeBase:
    """All licences and catalogued models, indexed by id and by every alias."""

    def __init__(self, licenses: Iterable[LicenseEntry], models: Iterable[CatalogModel] = ()):
        self.licenses: dict[str, LicenseEntry] = {}
        self._alias: dict[str, str] = {}
        for e in licenses:
            if e.id in self.licenses:
                raise KnowledgeBaseError(f"{e.path}: duplicate licence id {e.id!r}")
            self.licenses[e.id] = e
        for e in self.licenses.values():
            for a in (e.id, e.hub_id, e.spdx_id, e.name, e.url, *e.aliases):
                if not a:
                    continue
                n = normalize_alias(a)
                if self._alias.setdefault(n, e.id) != e.id:
                    raise KnowledgeBaseError(
                        f"{e.path}: alias {a!r} already names {self._alias[n]!r}"
                    )
        self.models: dict[str, CatalogModel] = {}
        self._model_alias: dict[str, str] = {}
        for m in models:
            self.models[m.id] = m
            for a in (m.id, *m.aliases):
                self._model_alias.setdefault(a.lower(), m.id)
        self._texts: dict[str, str | None] = {}

    # -- licences -----------------------------------------------------------
    def get(self, license_id: str) -> LicenseEntry | None:
        return self.licenses.get(license_id) or self.lookup(license_id)

    def lookup(self, name: str) -> LicenseEntry | None:
        """Find a licence by id, Hub tag, SPDX id, name, alias or URL."""
        lid = self._alias.get(normalize_alias(name))
        return self.licenses.get(lid) if lid else None

    def aliases(self) -> dict[str, str]:
        """Normalised alias -> licence id (read-only view for matchers)."""
        return self._alias

    def __iter__(self) -> Iterator[LicenseEntry]:
        return iter(self.licenses.values())

    def __len__(self) -> int:
        return len(self.licenses)

    def policies_of(self, entry: LicenseEntry) -> list[LicenseEntry]:
        """The use policies a licence incorporates, in order."""
        return [p for p in (self.licenses.get(i) for i in entry.incorporates) if p]

    def text(self, license_id: str) -> str | None:
        """The bundled reference text, read lazily; None when the KB marks it missing."""
        if license_id in self._texts:
            return self._texts[license_id]
        e = self.licenses[license_id]
        txt: str | None = None
        if e.text.file:
            base = Path(e.path).parent.parent / "texts" if e.path else KB_DIR / "texts"
            txt = (base / e.text.file).read_text(encoding="utf-8")
        self._texts[license_id] = txt
        return txt

    # -- bundled data files --------------------------------------------------
    def data_file(self, rel: str) -> Path | None:
        """A data file by its path inside the knowledge base (`models/llama.yaml`): the
        `SMALLPRINT_KB_PATH` directories first, then the bundled data; None when absent."""
        rel_path = Path(rel)
        if rel_path.is_absolute() or ".." in rel_path.parts:
            return None
        p = data_path(rel)
        return p if p.is_file() else None

    @property
    def release(self) -> str:
        """The knowledge base's release date (`updated` in kb.yaml), or "unknown"."""
        p = self.data_file("kb.yaml")
        data = _read_yaml(p) if p else None
        return str(data.get("updated", "unknown")) if isinstance(data, dict) else "unknown"

    # -- models -------------------------------------------------------------
    def model(self, model_id: str) -> CatalogModel | None:
        mid = self._model_alias.get(model_id.lower())
        return self.models.get(mid) if mid else None

    # -- loading ------------------------------------------------------------
    @classmethod
    def load(cls) -> KnowledgeBase:
        """Every licence and catalogued model; read back from the disk cache
        (`smallprint.diskcache`) when no data file has changed since it was parsed."""
        from smallprint import diskcache

        licence_files = [p for d in _data_dirs("licenses") for p in sorted(d.glob("*.yaml"))]
        model_files = [p for d in _data_dirs("models") for p in sorted(d.glob("*.yaml"))]
        key = diskcache.fingerprint([*licence_files, *model_files], code=_LOADER_CODE, extra=cls.__qualname__)
        cached = diskcache.load("kb", key)
        if type(cached) is cls:
            return cached
        entries = [license_entry_from_dict(_read_yaml(p), str(p)) for p in licence_files]
        models = [m for p in model_files for m in _models_from_file(p)]
        kb = cls(entries, models)
        diskcache.store("kb", key, kb)
        return kb


_LOADER_CODE = (Path(__file__), Path(__file__).with_name("entries.py"))
"""The code that turns data files into entries: a change to it is a change to the cache key."""


def _models_from_file(path: Path) -> list[CatalogModel]:
    data = _read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("models"), list):
        raise KnowledgeBaseError(f"{path}: expected a mapping with a 'models' list")
    family = str(data.get("family") or path.stem)
    publisher = data.get("publisher")
    fam_sources = tuple(str(s) for s in (data.get("sources") or []))
    out = []
    for m in data["models"]:
        if not isinstance(m, dict) or not m.get("id") or not m.get("license"):
            raise KnowledgeBaseError(f"{path}: every model needs 'id' and 'license'")
        modality, pipeline_tag = _task_fields(m, path)
        base = m.get("base_model") or []
        if isinstance(base, str):
            base = [base]
        out.append(
            CatalogModel(
                id=str(m["id"]),
                family=str(m.get("family") or family),
                publisher=m.get("publisher") or publisher,
                license=str(m["license"]),
                base_models=tuple(str(b) for b in base),
                relation=m.get("relation"),
                released=None if m.get("released") is None else str(m.get("released")),
                parameters=None if m.get("parameters") is None else float(m["parameters"]),
                gated=bool(m.get("gated", False)),
                aliases=tuple(str(a) for a in (m.get("aliases") or [])),
                datasets=tuple(str(a) for a in (m.get("datasets") or [])),
                description=m.get("description"),
                openness=dict(m.get("openness") or {}),
                sources=tuple(str(s) for s in (m.get("sources") or [])) or fam_sources,
                path=str(path),
                modality=modality,
                pipeline_tag=pipeline_tag,
                context_length=None if m.get("context_length") is None else int(m["context_length"]),
                new_version=None if m.get("new_version") is None else str(m["new_version"]),
                deprecated=None if m.get("deprecated") is None else str(m["deprecated"]),
            )
        )
    return out


def _task_fields(m: dict[str, Any], path: Path) -> tuple[str | None, str | None]:
    """A model's optional `modality` (one of MODALITIES) and `pipeline_tag`; a typo names the file."""
    modality, pipeline_tag = m.get("modality"), m.get("pipeline_tag")
    if modality is not None and modality not in MODALITIES:
        raise KnowledgeBaseError(
            f"{path}: {m['id']}: unknown modality {modality!r} (one of {', '.join(sorted(MODALITIES))})"
        )
    if pipeline_tag is not None and not (isinstance(pipeline_tag, str) and pipeline_tag.strip()):
        raise KnowledgeBaseError(f"{path}: {m['id']}: pipeline_tag must be a Hub task tag, got {pipeline_tag!r}")
    return modality, pipeline_tag


_T = TypeVar("_T")


def per_knowledge_base(build: Callable[[KnowledgeBase], _T]) -> Callable[[KnowledgeBase], _T]:
    """Memoise something derived from a knowledge base (an index, a matcher) for as long as
    that knowledge base lives: built once, dropped with it."""
    cache: weakref.WeakKeyDictionary[KnowledgeBase, _T] = weakref.WeakKeyDictionary()

    @wraps(build)
    def get(kb: KnowledgeBase) -> _T:
        if kb not in cache:
            cache[kb] = build(kb)
        return cache[kb]

    return get


@lru_cache(maxsize=1)
def default_kb() -> KnowledgeBase:
    """The bundled knowledge base (plus `SMALLPRINT_KB_PATH`), loaded once per process."""
    return KnowledgeBase.load()
