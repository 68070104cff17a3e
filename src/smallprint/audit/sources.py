"""Registry sources as Arrow batches of one row shape.

- Parquet or JSONL dumps in the schema of `librarian-bots/model_cards_with_metadata`
  (modelId, author, last_modified, downloads, likes, library_name, tags, pipeline_tag,
  createdAt, card);
- a Hub listing through the real client (`list_models(cardData=True)`, newest first,
  stopping at `since`);
- a folder tree of snapshots (one row per model folder).

Every row gets a `key` (modelId + last_modified, or + the card's hash when there is no
date): a row whose key was already evaluated in the output folder is not evaluated again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from smallprint.errors import InputError

DUMP_COLUMNS = ("modelId", "author", "last_modified", "downloads", "likes", "library_name", "tags",
                "pipeline_tag", "createdAt", "card")
REQUIRED = ("modelId", "card")
"""A dump must have these; the others are read when present."""

ROW_SCHEMA = pa.schema([
    ("modelId", pa.string()),
    ("author", pa.string()),
    ("last_modified", pa.string()),
    ("downloads", pa.int64()),
    ("likes", pa.int64()),
    ("library_name", pa.string()),
    ("tags", pa.list_(pa.string())),
    ("pipeline_tag", pa.string()),
    ("createdAt", pa.string()),
    ("card", pa.large_string()),
    ("card_data", pa.string()),
    ("path", pa.string()),
    ("origin", pa.string()),
    ("source", pa.string()),
    ("key", pa.string()),
])
BATCH_ROWS = 1000


def row_key(model_id: str, last_modified: str | None, card: str | None) -> str:
    """modelId and last_modified; the card's hash where a source has no date."""
    if last_modified:
        return f"{model_id}@{last_modified}"
    digest = hashlib.sha1((card or "").encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{model_id}#{digest}"


def iso(value: Any) -> str | None:
    """Timestamps from any source as one ISO-8601 form (UTC, seconds)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00Z"
    text = str(value).strip()
    if not text:
        return None
    try:
        return iso(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return text


def parse_since(value: str) -> str:
    """--since DATE as the ISO form rows are compared with."""
    got = iso(value)
    if got is None or not got[:4].isdigit() or got == value.strip() and "T" not in got:
        raise InputError(f"--since {value!r}: not a date (YYYY-MM-DD or an ISO timestamp)")
    return got


@dataclass
class Source:
    """One SOURCE argument: where it is, what kind, and what went wrong reading it."""

    spec: str
    kind: str  # parquet | jsonl | hub | folder
    errors: list[str] = field(default_factory=list)
    rows_read: int = 0
    batch_rows: int = BATCH_ROWS

    def batches(self, since: str | None = None) -> Iterator[pa.RecordBatch]:
        if self.kind == "parquet":
            yield from _parquet_batches(self, since)
        elif self.kind == "jsonl":
            yield from _jsonl_batches(self, since)
        elif self.kind == "folder":
            yield from _folder_batches(self, since)
        else:
            yield from _hub_batches(self, since)

    def estimate(self) -> int | None:
        """Rows, when known without reading them (for the progress bar)."""
        if self.kind == "parquet":
            import pyarrow.parquet as pq

            total = 0
            for f in _parquet_files(Path(self.spec)):
                try:
                    total += pq.ParquetFile(f).metadata.num_rows
                except Exception:
                    continue
            return total
        return None


def open_sources(specs: list[str], batch_rows: int = BATCH_ROWS) -> list[Source]:
    """Classify each SOURCE: a .parquet/.jsonl file or folder of them, `hub:[QUERY]`, or a snapshot tree."""
    out = []
    for spec in specs:
        if spec == "hub" or spec.startswith("hub:"):
            out.append(Source(spec, "hub", batch_rows=batch_rows))
            continue
        path = Path(spec).expanduser()
        if not path.exists():
            raise InputError(f"{spec}: no such file or directory (a .parquet/.jsonl dump, a folder, or hub:[AUTHOR])")
        if path.is_file():
            suffix = "".join(path.suffixes[-2:]).lower()
            if path.suffix.lower() == ".parquet":
                out.append(Source(spec, "parquet", batch_rows=batch_rows))
            elif path.suffix.lower() in (".jsonl", ".ndjson", ".json") or suffix in (".jsonl.gz",):
                out.append(Source(spec, "jsonl", batch_rows=batch_rows))
            else:
                raise InputError(f"{spec}: not a registry dump (expected .parquet or .jsonl)")
        elif _parquet_files(path):
            out.append(Source(spec, "parquet", batch_rows=batch_rows))
        elif any(path.glob("*.jsonl")):
            out.append(Source(spec, "jsonl", batch_rows=batch_rows))
        else:
            out.append(Source(spec, "folder", batch_rows=batch_rows))
    return out


def _parquet_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*.parquet") if p.is_file())


def _normalise(table: pa.Table | pa.RecordBatch, source: str, origin: str, since: str | None) -> pa.RecordBatch:
    """A dump batch in ROW_SCHEMA: dates as ISO text, keys computed, rows before `since` dropped."""
    cols = {name: table.column(name).to_pylist() if name in table.schema.names else None for name in DUMP_COLUMNS}
    n = table.num_rows
    rows: dict[str, list[Any]] = {f.name: [] for f in ROW_SCHEMA}
    for i in range(n):
        mid = cols["modelId"][i] if cols["modelId"] else None
        if not mid:
            continue
        lm = iso(cols["last_modified"][i]) if cols["last_modified"] else None
        if since and lm and lm < since:
            continue
        card = cols["card"][i] if cols["card"] else None
        tags = cols["tags"][i] if cols["tags"] else None
        if isinstance(tags, str):
            tags = _tags_from_text(tags)
        rows["modelId"].append(str(mid))
        rows["author"].append(_str(cols["author"][i]) if cols["author"] else None)
        rows["last_modified"].append(lm)
        rows["downloads"].append(_int(cols["downloads"][i]) if cols["downloads"] else None)
        rows["likes"].append(_int(cols["likes"][i]) if cols["likes"] else None)
        rows["library_name"].append(_str(cols["library_name"][i]) if cols["library_name"] else None)
        rows["tags"].append([str(t) for t in tags] if isinstance(tags, list) else None)
        rows["pipeline_tag"].append(_str(cols["pipeline_tag"][i]) if cols["pipeline_tag"] else None)
        rows["createdAt"].append(iso(cols["createdAt"][i]) if cols["createdAt"] else None)
        rows["card"].append(card if isinstance(card, str) else None)
        rows["card_data"].append(None)
        rows["path"].append(None)
        rows["origin"].append(origin)
        rows["source"].append(source)
        rows["key"].append(row_key(str(mid), lm, card if isinstance(card, str) else None))
    return pa.RecordBatch.from_pydict(rows, schema=ROW_SCHEMA)


def _tags_from_text(text: str) -> list[str]:
    try:
        got = json.loads(text)
        return [str(t) for t in got] if isinstance(got, list) else []
    except ValueError:
        return [t.strip() for t in text.strip("[]").split(",") if t.strip()]


def _str(v: Any) -> str | None:
    return None if v is None else str(v)


def _int(v: Any) -> int | None:
    try:
        return None if v is None else int(v)
    except (TypeError, ValueError):
        return None


def check_columns(names: list[str], where: str) -> None:
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise InputError(
            f"{where}: missing column {', '.join(repr(m) for m in missing)} (the dump schema is "
            f"{', '.join(DUMP_COLUMNS)}; found {', '.join(names[:12]) or 'no columns'})"
        )


def _parquet_batches(src: Source, since: str | None) -> Iterator[pa.RecordBatch]:
    import pyarrow.parquet as pq

    for f in _parquet_files(Path(src.spec)):
        try:
            pf = pq.ParquetFile(f)
            names = pf.schema_arrow.names
        except Exception as e:
            src.errors.append(f"{f}: not a readable Parquet file ({_why(e)})")
            continue
        try:
            check_columns(names, str(f))
        except InputError as e:
            src.errors.append(str(e))
            continue
        cols = [c for c in DUMP_COLUMNS if c in names]
        try:
            for batch in pf.iter_batches(batch_size=src.batch_rows, columns=cols):
                out = _normalise(batch, f.name, "dump", since)
                src.rows_read += batch.num_rows
                yield out
        except Exception as e:
            src.errors.append(f"{f}: unreadable after {src.rows_read} rows ({_why(e)}); the rows before were audited")


def _why(e: BaseException) -> str:
    text = " ".join(str(e).split()) or type(e).__name__
    return text[:300]


def _jsonl_batches(src: Source, since: str | None) -> Iterator[pa.RecordBatch]:
    path = Path(src.spec)
    files = [path] if path.is_file() else sorted(path.glob("*.jsonl"))
    for f in files:
        pending: list[dict[str, Any]] = []
        checked = False
        try:
            handle = f.open("r", encoding="utf-8", errors="replace")
        except OSError as e:
            src.errors.append(f"{f}: cannot read ({e.strerror or e})")
            continue
        with handle:
            for n, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except ValueError as e:
                    src.errors.append(f"{f}:{n}: not a JSON object ({_why(e)}); line skipped")
                    continue
                if not isinstance(obj, dict):
                    src.errors.append(f"{f}:{n}: not a JSON object; line skipped")
                    continue
                if not checked:
                    try:
                        check_columns(list(obj), f"{f}:{n}")
                    except InputError as e:
                        src.errors.append(str(e))
                        break
                    checked = True
                pending.append(obj)
                if len(pending) >= src.batch_rows:
                    src.rows_read += len(pending)
                    yield _normalise(_table(pending), f.name, "dump", since)
                    pending = []
        if pending:
            src.rows_read += len(pending)
            yield _normalise(_table(pending), f.name, "dump", since)


def _table(objs: list[dict[str, Any]]) -> pa.Table:
    cols: dict[str, list[Any]] = {c: [o.get(c) for o in objs] for c in DUMP_COLUMNS}
    return pa.table({c: pa.array([None if v is None else v for v in vals], type=_type(c)) if c in ("tags",) else
                     pa.array([_plain(v) for v in vals]) for c, vals in cols.items()})


def _type(name: str) -> pa.DataType:
    return pa.list_(pa.string())


def _plain(v: Any) -> Any:
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    return None if v is None else str(v) if not isinstance(v, (int, float)) or isinstance(v, bool) else v


def _folder_batches(src: Source, since: str | None) -> Iterator[pa.RecordBatch]:
    from smallprint.sources.folder import find_model_folders, folder_model_name, is_model_folder

    root = Path(src.spec)
    folders = [root] if is_model_folder(root) else find_model_folders(root, limit=10_000_000)
    rows: dict[str, list[Any]] = {f.name: [] for f in ROW_SCHEMA}

    def flush() -> pa.RecordBatch:
        batch = pa.RecordBatch.from_pydict(rows, schema=ROW_SCHEMA)
        for v in rows.values():
            v.clear()
        return batch

    for folder in folders:
        mid = folder_model_name(folder) or folder.name
        stamp = _newest_mtime(folder)
        if since and stamp < since:
            continue
        src.rows_read += 1
        for name, value in (("modelId", mid), ("author", mid.split("/")[0] if "/" in mid else None),
                            ("last_modified", stamp), ("downloads", None), ("likes", None),
                            ("library_name", None), ("tags", None), ("pipeline_tag", None), ("createdAt", None),
                            ("card", None), ("card_data", None), ("path", str(folder)), ("origin", "folder"),
                            ("source", str(root)), ("key", f"{mid}@{stamp}:{folder}")):
            rows[name].append(value)
        if len(rows["modelId"]) >= src.batch_rows:
            yield flush()
    if rows["modelId"]:
        yield flush()


def _newest_mtime(folder: Path) -> str:
    newest = 0.0
    for dirpath, _dirs, files in os.walk(folder):
        for name in files[:10_000]:
            try:
                newest = max(newest, os.stat(os.path.join(dirpath, name)).st_mtime)
            except OSError:
                continue
        if dirpath.count(os.sep) - str(folder).count(os.sep) > 3:
            break
    return iso(dt.datetime.fromtimestamp(newest, dt.UTC)) or ""


def _hub_batches(src: Source, since: str | None) -> Iterator[pa.RecordBatch]:
    """Newest first through `HfApi.list_models(sort="last_modified", cardData=True)`; stops at `since`."""
    from huggingface_hub import HfApi

    from smallprint.sources.hub import HubSettings

    settings = HubSettings.from_env(False)
    author = src.spec.partition(":")[2] or None
    api = HfApi(endpoint=settings.endpoint, token=settings.token)
    rows: dict[str, list[Any]] = {f.name: [] for f in ROW_SCHEMA}

    def flush() -> pa.RecordBatch:
        batch = pa.RecordBatch.from_pydict(rows, schema=ROW_SCHEMA)
        for v in rows.values():
            v.clear()
        return batch

    try:
        listing = api.list_models(author=author, sort="last_modified", cardData=True)
        for info in listing:
            lm = iso(info.last_modified)
            if since and lm and lm < since:
                break  # newest first: everything after this is older
            data = info.card_data.to_dict() if info.card_data is not None else None
            src.rows_read += 1
            for name, value in (("modelId", info.id), ("author", info.author), ("last_modified", lm),
                                ("downloads", info.downloads), ("likes", info.likes),
                                ("library_name", info.library_name), ("tags", list(info.tags or [])),
                                ("pipeline_tag", info.pipeline_tag), ("createdAt", iso(info.created_at)),
                                ("card", None), ("card_data", json.dumps(data, default=str) if data else None),
                                ("path", None), ("origin", "hub"), ("source", settings.endpoint),
                                ("key", row_key(info.id, lm, json.dumps(data, default=str)))):
                rows[name].append(value)
            if len(rows["modelId"]) >= src.batch_rows:
                yield flush()
    except Exception as e:
        src.errors.append(f"{src.spec}: the Hub listing stopped after {src.rows_read} models ({_why(e)})")
    if rows["modelId"]:
        yield flush()
