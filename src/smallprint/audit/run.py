"""`smallprint audit`: a whole registry, incrementally, on a process pool or Ray.

1. Read every source as Arrow batches; rows whose key an earlier run already evaluated
   are skipped, the others are evaluated (`check_facts` per row, ancestors from the
   catalog) and each batch's records land in the state folder as soon as they are done.
2. The lineage graph of the whole registry, in DuckDB (`graph.py`): models whose ancestry
   runs through the registry are evaluated again with the registry as first resolver.
3. models.parquet, edges.parquet, findings.parquet, summary.json and summary.html.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from smallprint.audit.engines import default_workers, run_local, run_ray
from smallprint.audit.evaluate import registry_node
from smallprint.audit.graph import arrow_of
from smallprint.audit.progress import Progress
from smallprint.audit.records import State, record_schema
from smallprint.audit.sources import ROW_SCHEMA, Source, open_sources, parse_since
from smallprint.errors import InputError

ENGINES = ("local", "ray")
DEFAULT_PROFILES = ("commercial-saas",)
RAY_STAGE_ROWS = 100_000


@dataclass
class AuditRequest:
    sources: list[str]
    out: Path
    engine: str = "local"
    workers: int | None = None
    since: str | None = None
    profiles: list[str] = field(default_factory=lambda: list(DEFAULT_PROFILES))
    progress: bool = True
    batch_rows: int = 1000  # rows per batch: the unit of work, of progress and of what a kill can lose


@dataclass
class AuditOutcome:
    out: Path
    models: int = 0
    evaluated: int = 0
    reused: int = 0
    registry_evaluated: int = 0
    errors: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return 2 if self.errors else 0


def _check_request(req: AuditRequest) -> None:
    from smallprint.policy.profiles import resolve_profile

    if req.engine not in ENGINES:
        raise InputError(f"--engine {req.engine!r}: one of {', '.join(ENGINES)}")
    if req.batch_rows < 1:
        raise InputError("--batch-rows must be 1 or more")
    if req.workers is not None and req.workers < 1:
        raise InputError("--workers must be 1 or more")
    if not req.sources:
        raise InputError("audit: give at least one SOURCE (a .parquet/.jsonl dump, a folder, or hub:[AUTHOR])")
    for p in req.profiles:
        resolve_profile(p)
    if req.out.exists() and not req.out.is_dir():
        raise InputError(f"--out {req.out}: is a file, not a folder")


def run_audit(req: AuditRequest) -> AuditOutcome:
    """Audit every model of the sources into `req.out`; errors in one source never stop the others."""
    _check_request(req)
    since = parse_since(req.since) if req.since else None
    sources = open_sources(req.sources, req.batch_rows)
    req.out.mkdir(parents=True, exist_ok=True)
    profiles = list(dict.fromkeys(req.profiles))
    state = State(req.out, profiles)
    outcome = AuditOutcome(req.out)
    workers = req.workers or default_workers()
    done = state.done_keys("records")
    index: list[pa.Table] = []
    progress = Progress(req.progress, sum(s.estimate() or 0 for s in sources) or None)

    def pending() -> Iterator[pa.RecordBatch]:
        for seq, batch in enumerate(_all_batches(sources, state, since)):
            index.append(pa.table({
                "model_id": batch.column("modelId"), "key": batch.column("key"),
                "last_modified": batch.column("last_modified"), "source": batch.column("source"),
                "seq": pa.array([seq] * batch.num_rows, pa.int64()),
            }).append_column("row", pa.array(range(batch.num_rows), pa.int64())))
            keys = batch.column("key").to_pylist()
            keep = [k not in done for k in keys]
            skipped = keep.count(False)
            outcome.reused += skipped
            progress.advance(skipped, evaluated=False)
            done.update(keys)
            if skipped < len(keys):
                yield batch.filter(pa.array(keep))

    def landed(table: pa.Table, rows: int) -> None:
        state.write_part("records", table)
        outcome.evaluated += rows
        progress.advance(rows)

    with progress:
        progress.stage("cards")
        _evaluate(req, state, pending(), landed, workers, profiles, None)
        for s in sources:
            outcome.errors.extend(s.errors)
        if not index:
            _no_rows(outcome, sources)
        progress.stage("registry")
        from smallprint.audit.outputs import assemble

        def evaluate(rows: Any, nodes: Any, done_cb: Any) -> None:
            _evaluate(req, state, rows, done_cb, workers, profiles, nodes)

        def reread(keys: set[str]) -> Iterator[pa.RecordBatch]:
            return _reread(sources, state, since, keys)

        assemble(req, state, index, outcome, profiles, progress, evaluate, reread)
    return outcome


def _reread(sources: list[Source], state: State, since: str | None, keys: set[str]) -> Iterator[pa.RecordBatch]:
    """The rows with these keys, read again (dumps and folders from the sources, Hub rows from the state)."""
    for s in sources:
        if s.kind == "hub":
            continue
        for batch in Source(s.spec, s.kind, batch_rows=s.batch_rows).batches(since):
            mask = [k in keys for k in batch.column("key").to_pylist()]
            if any(mask):
                yield batch.filter(pa.array(mask))
    if any(s.kind == "hub" for s in sources):
        for batch in _earlier_hub_rows(state, set(), None):
            mask = [k in keys for k in batch.column("key").to_pylist()]
            if any(mask):
                yield batch.filter(pa.array(mask))


def _no_rows(outcome: AuditOutcome, sources: list[Source]) -> None:
    if not outcome.errors:
        outcome.errors.append(f"{', '.join(s.spec for s in sources)}: no models found")


def _all_batches(sources: list[Source], state: State, since: str | None) -> Iterator[pa.RecordBatch]:
    """Every source's rows; Hub rows are also kept in the state (a listing is only read forward)."""
    hub_seen: set[str] = set()
    for s in sources:
        if s.kind != "hub":
            yield from s.batches(since)
            continue
        mark = since or _hub_watermark(state)
        for batch in s.batches(mark):
            if batch.num_rows:
                state.write_part("hub", pa.Table.from_batches([batch]))
                hub_seen.update(batch.column("modelId").to_pylist())
                yield batch
    if any(s.kind == "hub" for s in sources):
        for batch in _earlier_hub_rows(state, hub_seen, since):
            yield batch


def _hub_watermark(state: State) -> str | None:
    """The newest last_modified an earlier listing reached: listing stops there this time."""
    newest = None
    for part in state.parts("hub"):
        col = pq.read_table(part, columns=["last_modified"]).column("last_modified")
        got = pa.compute.max(col).as_py()
        if got and (newest is None or got > newest):
            newest = got
    return newest


def _earlier_hub_rows(state: State, seen: set[str], since: str | None) -> Iterator[pa.RecordBatch]:
    """Models an earlier listing returned and this one did not (older than where it stopped)."""
    import duckdb

    parts = state.parts("hub")
    if not parts:
        return
    con = duckdb.connect()
    files = [str(p) for p in parts]
    from smallprint.audit.outputs import _files

    table = arrow_of(con, (
        f"SELECT * FROM read_parquet({_files(files)}) QUALIFY row_number() OVER (PARTITION BY modelId "
        "ORDER BY last_modified DESC, key DESC) = 1 ORDER BY modelId"
    ))
    mask = [m not in seen and (since is None or (lm or "") >= since)
            for m, lm in zip(table.column("modelId").to_pylist(), table.column("last_modified").to_pylist(), strict=True)]
    table = table.filter(pa.array(mask, pa.bool_())).cast(ROW_SCHEMA)
    yield from table.to_batches(max_chunksize=1000)


def _evaluate(
    req: AuditRequest, state: State, batches: Any, landed: Any, workers: int, profiles: list[str], nodes: Any,
) -> None:
    if req.engine == "local":
        run_local(batches, landed, workers=workers, profiles=profiles, registry=nodes)
        return
    stage = state.dir("tmp") / "ray-stage"
    for chunk in _chunks(batches, RAY_STAGE_ROWS):
        shutil.rmtree(stage, ignore_errors=True)
        (stage / "in").mkdir(parents=True)
        pq.write_table(pa.Table.from_batches(chunk, ROW_SCHEMA), stage / "in" / "rows.parquet")
        rows = sum(b.num_rows for b in chunk)
        parts = list(run_ray([stage / "in" / "rows.parquet"], stage / "out", workers=req.workers,
                             profiles=profiles, registry=nodes))
        table = pa.concat_tables([pq.read_table(p) for p in parts]) if parts else None
        if table is not None:
            extra = [c for c in table.column_names if c not in record_schema(profiles).names and c != "sig"]
            landed(table.drop_columns(extra), rows)
    shutil.rmtree(stage, ignore_errors=True)


def _chunks(batches: Any, rows: int) -> Iterator[list[pa.RecordBatch]]:
    chunk: list[pa.RecordBatch] = []
    n = 0
    for b in batches:
        chunk.append(b)
        n += b.num_rows
        if n >= rows:
            yield chunk
            chunk, n = [], 0
    if chunk:
        yield chunk


def registry_nodes(records: pa.Table, wanted: set[str]) -> dict[str, Any]:
    """RegistryNode for each wanted (lower-case) id, from current records."""
    out = {}
    for rec in records.to_pylist():
        mid = str(rec["model_id"]).lower()
        if mid in wanted:
            out[mid] = registry_node(rec)
    return out


def log(msg: str) -> None:
    sys.stderr.write(msg + "\n")
