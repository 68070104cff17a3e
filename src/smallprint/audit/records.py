"""The Arrow shape of an evaluated row, and the state folder that makes re-runs incremental.

`OUT/.audit-state/` holds what earlier runs computed: `records/` (one Parquet part per
evaluated batch, keyed by the row key), `registry/` (rows re-evaluated with ancestors from
the registry, keyed by row key and the signature of their ancestry), `hub/` (rows of Hub
listings, which cannot be read again offline). Parts are written to a temporary name and
renamed, so a killed run leaves only whole parts behind and the next run resumes.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from smallprint.audit.evaluate import KEY_TERMS, term_column, verdict_column

STATE_DIR = ".audit-state"
STATE_VERSION = "1"

_CHAIN = pa.struct([
    ("id", pa.string()), ("license", pa.string()), ("depth", pa.int32()), ("relation", pa.string()),
    ("parents", pa.list_(pa.string())), ("resolved_from", pa.string()),
])
_TERM = pa.struct([("key", pa.string()), ("value", pa.string()), ("source", pa.string()), ("certainty", pa.string())])
_EVIDENCE = pa.struct([("file", pa.string()), ("start_line", pa.int64()), ("end_line", pa.int64()), ("quote", pa.string())])


def record_schema(profiles: Sequence[str]) -> pa.Schema:
    fields = [
        ("model_id", pa.string()),
        ("key", pa.string()),
        ("last_modified", pa.string()),
        ("origin", pa.string()),
        ("source", pa.string()),
        ("author", pa.string()),
        ("downloads", pa.int64()),
        ("likes", pa.int64()),
        ("declared_license", pa.string()),
        ("license_name_declared", pa.string()),
        ("license", pa.string()),
        ("license_name", pa.string()),
        ("license_kind", pa.string()),
        ("license_family", pa.string()),
        ("license_sources", pa.list_(pa.string())),
        ("base_ids", pa.list_(pa.string())),
        ("relation", pa.string()),
        ("datasets", pa.list_(pa.string())),
        ("chain", pa.list_(_CHAIN)),
        ("finding_codes", pa.list_(pa.string())),
        ("findings", pa.large_string()),
        ("terms", pa.list_(_TERM)),
        ("inherits_naming", pa.bool_()),
        ("inherits_noncommercial_data", pa.bool_()),
        ("error", pa.string()),
    ]
    fields += [(term_column(k), pa.string()) for k in KEY_TERMS]
    fields += [(verdict_column(p), pa.string()) for p in profiles]
    fields += [("licence_evidence", _EVIDENCE)]
    return pa.schema(fields)


def to_table(records: list[dict[str, Any]], profiles: Sequence[str]) -> pa.Table:
    return pa.Table.from_pylist(records, schema=record_schema(profiles))


class State:
    """The state folder of one output folder."""

    def __init__(self, out: Path, profiles: Sequence[str]):
        self.root = out / STATE_DIR
        self.profiles = list(profiles)
        self.fingerprint = _fingerprint(profiles)
        marker = self.root / "fingerprint"
        if marker.exists() and marker.read_text(encoding="utf-8").strip() != self.fingerprint:
            _clear(self.root)  # another knowledge base, version or profile set: nothing carries over
        for sub in ("records", "registry", "hub", "tmp"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        marker.write_text(self.fingerprint + "\n", encoding="utf-8")
        for stale in (self.root / "tmp").iterdir():  # parts a killed run was writing
            stale.unlink(missing_ok=True)

    def dir(self, name: str) -> Path:
        return self.root / name

    def write_part(self, name: str, table: pa.Table) -> Path:
        """A whole part or nothing: written aside, then renamed into place."""
        tmp = self.root / "tmp" / f"{uuid.uuid4().hex}.parquet"
        pq.write_table(table, tmp, compression="zstd")
        final = self.root / name / f"part-{uuid.uuid4().hex}.parquet"
        os.replace(tmp, final)
        return final

    def parts(self, name: str) -> list[Path]:
        return sorted((self.root / name).glob("part-*.parquet"))

    def done_keys(self, name: str = "records") -> set[str]:
        keys: set[str] = set()
        for part in self.parts(name):
            try:
                keys.update(pq.read_table(part, columns=["key"]).column("key").to_pylist())
            except Exception:
                part.unlink(missing_ok=True)  # unreadable: recompute what it held
        return keys


def _fingerprint(profiles: Sequence[str]) -> str:
    import hashlib

    from smallprint import __version__
    from smallprint.kb import default_kb

    kb = default_kb()
    basis = "|".join([STATE_VERSION, __version__, str(len(kb)), str(len(kb.models)), ",".join(profiles), _kb_stamp()])
    return hashlib.sha1(basis.encode()).hexdigest()


def _kb_stamp() -> str:
    """Newest change time of the bundled knowledge base files: a changed KB recomputes everything."""
    from smallprint.kb import KB_DIR

    newest = 0.0
    for dirpath, _d, files in os.walk(KB_DIR):
        for f in files:
            try:
                newest = max(newest, os.stat(os.path.join(dirpath, f)).st_mtime)
            except OSError:
                continue
    extra = os.environ.get("SMALLPRINT_KB_PATH", "")
    return f"{newest:.0f}:{extra}"


def _clear(root: Path) -> None:
    import shutil

    shutil.rmtree(root, ignore_errors=True)
