"""What one read of one model is remembered as: pure functions from a `CheckResult` to a
snapshot body (licences with text hashes, terms, lineage with revisions, findings,
verdicts), plus the knowledge-base version and a local folder's content validator."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from smallprint.model import CheckResult

BODY_VERSION = 1
MAX_VALIDATED_FILES = 5000
SMALL_FILE = 1024 * 1024  # files up to this size are hashed whole; larger ones by size and mtime


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def canonical_sha(body: Mapping[str, Any]) -> str:
    """The content address of a body: the same facts always give the same hash."""
    data = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()


@lru_cache(maxsize=4)
def _kb_digest(dirs: tuple[str, ...]) -> tuple[str, str]:
    import yaml

    h = hashlib.sha256()
    updated = "unknown"
    for d in dirs:
        root = Path(d)
        if not root.is_dir():
            continue
        for p in sorted(root.rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".py":
                h.update(p.relative_to(root).as_posix().encode())
                h.update(p.read_bytes())
        kb_yaml = root / "kb.yaml"
        if kb_yaml.is_file():
            data = yaml.safe_load(kb_yaml.read_text(encoding="utf-8")) or {}
            updated = str(data.get("updated", updated))
    return updated, h.hexdigest()[:12]


def kb_version() -> str:
    """`<updated date>+<content hash>/<smallprint version>`: any change to the data or the
    code that reads it is a new reading of the same texts."""
    from smallprint import __version__, settings
    from smallprint.kb import KB_DIR

    extra = tuple(str(p) for p in settings.current().kb_path)
    updated, digest = _kb_digest((str(KB_DIR), *extra))
    return f"{updated}+{digest}/{__version__}"[:64]


def local_validator(target: str) -> str | None:
    """A cheap content validator for a local folder or file (None when it does not exist).

    Small files (cards, licences, configs) are hashed whole, so an edit that keeps the
    size and time is still seen; weights by name, size and mtime only."""
    path = Path(target).expanduser()
    if not path.exists():
        return None
    h = hashlib.sha256()
    files = [path] if path.is_file() else _walk(path)
    for p in files:
        try:
            st = p.stat()
        except OSError:
            continue
        rel = p.name if p == path else p.relative_to(path).as_posix()
        h.update(rel.encode("utf-8", "surrogateescape") + b"\0")
        if st.st_size <= SMALL_FILE:
            try:
                h.update(p.read_bytes())
            except OSError:
                h.update(b"<unreadable>")
        else:
            h.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
    return "sha256:" + h.hexdigest()


def _walk(root: Path) -> list[Path]:
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for f in sorted(filenames):
            p = Path(dirpath) / f
            out.append(p)
            if len(out) >= MAX_VALIDATED_FILES:
                return out
    return out


def _text_file_of(license_id: str, resolved_from: str, facts: Any, files: Mapping[str, str]) -> str | None:
    """The licence file whose text is this licence: the file it was resolved from, else a
    licence file identified as the same licence, else the only licence file there is."""
    if resolved_from in files:
        return resolved_from
    if facts is not None:
        for claim in facts.license_claims:
            label = claim.evidence.file or claim.where[5:]
            if claim.where.startswith("file:") and label in files and claim.result is not None:
                if any(m.id == license_id for m in claim.result.licenses):
                    return str(label)
    return next(iter(files)) if len(files) == 1 else None


@dataclass
class Reading:
    """A snapshot's body and the licence texts it refers to by hash."""

    body: dict[str, Any]
    texts: dict[str, str] = field(default_factory=dict)  # sha256 -> text

    @property
    def sha256(self) -> str:
        return canonical_sha(self.body)


def _gated(value: Any) -> str | None:
    if value is None:
        return None
    if value is False:
        return "false"
    if value is True:
        return "true"
    return str(value)


def reading_of(
    result: CheckResult,
    verdicts: Mapping[str, dict[str, Any]],
    ancestor_revisions: Mapping[str, str | None],
    profiles: Mapping[str, Any],
) -> Reading:
    """The body of a snapshot from what the `check` pipeline said about the model."""
    facts = result.facts
    texts: dict[str, str] = {}
    files: dict[str, str] = {}  # evidence file label -> text sha
    if facts is not None:
        for claim in facts.license_claims:
            if claim.where.startswith("file:") and claim.value:
                label = claim.evidence.file or claim.where[5:]
                digest = sha256_text(claim.value)
                texts[digest] = claim.value
                files[label] = digest
    license_file = result.license.path
    licenses = []
    for m in result.license.licenses:
        text_file = _text_file_of(m.id, license_file, facts, files)
        licenses.append(
            {
                "id": m.id,
                "name": m.name,
                "version": m.version,
                "kind": m.kind,
                "method": m.method,
                "file": text_file or license_file,
                "text_sha256": files.get(text_file) if text_file else None,
                "deviations": len(m.deviations),
            }
        )
    card_text = facts.card_text if facts is not None else None
    card_data = facts.card_data if facts is not None else {}
    new_version = card_data.get("new_version") if isinstance(card_data, Mapping) else None
    lineage = []
    for n in result.lineage:
        d = n.to_dict()
        d.pop("evidence", None)
        d["revision"] = ancestor_revisions.get(n.id)
        lineage.append(d)
    body: dict[str, Any] = {
        "v": BODY_VERSION,
        "model_id": result.model_id,
        "revision": facts.revision if facts is not None else None,
        "card_sha256": sha256_text(card_text) if card_text else None,
        "gated": _gated(facts.gated) if facts is not None else None,
        "new_version": str(new_version) if new_version else None,
        "licenses": licenses,
        "license_files": [{"file": k, "sha256": v} for k, v in sorted(files.items())],
        "license_error": result.license.error,
        "terms": [t.to_dict() for t in result.terms],
        "lineage": lineage,
        "findings": [f.to_dict() for f in result.findings],
        "verdicts": {k: verdicts[k] for k in sorted(verdicts)},
        "profiles": {k: profiles[k] for k in sorted(profiles)},
    }
    return Reading(body, texts)
