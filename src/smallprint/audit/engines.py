"""Where rows are evaluated: a local process pool, or Ray Data on one machine or a cluster.

Both run the same `Evaluator` over Arrow batches and hand back Arrow tables of records;
the results do not depend on the engine, the batch size or the number of workers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from smallprint.audit.evaluate import Evaluator, RegistryNode
from smallprint.audit.records import to_table
from smallprint.errors import InputError

OnTable = Callable[[pa.Table, int], None]  # records of a batch, and how many rows it held

_WORKER: Evaluator | None = None


def _init_worker(profiles: Sequence[str], registry: Mapping[str, RegistryNode] | None) -> None:
    """Warm a worker once: knowledge base, catalog index, profiles, registry ancestors."""
    global _WORKER
    _WORKER = Evaluator(profiles, registry)


def evaluate_batch(batch: pa.RecordBatch | pa.Table, evaluator: Evaluator) -> pa.Table:
    rows = batch.to_pylist()
    return to_table(evaluator.records(rows), evaluator.profile_names)


def _pool_task(batch: pa.RecordBatch) -> tuple[pa.Table, int]:
    assert _WORKER is not None
    return evaluate_batch(batch, _WORKER), batch.num_rows


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def run_local(
    batches: Iterable[pa.RecordBatch],
    on_table: OnTable,
    *,
    workers: int,
    profiles: Sequence[str],
    registry: Mapping[str, RegistryNode] | None = None,
) -> None:
    """A process pool over Arrow batches (inline with one worker); at most 2 batches in flight a worker."""
    if workers <= 1:
        evaluator = Evaluator(profiles, registry)
        for batch in batches:
            if batch.num_rows:
                on_table(evaluate_batch(batch, evaluator), batch.num_rows)
        return
    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    ctx = mp.get_context("forkserver") if "forkserver" in mp.get_all_start_methods() else mp.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=(list(profiles), registry)) as pool:
        inflight: set[Future[tuple[pa.Table, int]]] = set()
        for batch in batches:
            if not batch.num_rows:
                continue
            inflight.add(pool.submit(_pool_task, batch))
            if len(inflight) >= 2 * workers:
                done, inflight = _drain(inflight, FIRST_COMPLETED, wait)
                for f in done:
                    on_table(*f.result())
        while inflight:
            done, inflight = _drain(inflight, FIRST_COMPLETED, wait)
            for f in done:
                on_table(*f.result())


def _drain(inflight: set[Any], how: Any, wait: Any) -> tuple[set[Any], set[Any]]:
    done, rest = wait(inflight, return_when=how)
    return set(done), set(rest)


class AuditActor:
    """A Ray Data actor: the warm evaluator, built once, applied to each Arrow batch."""

    def __init__(self, profiles: Sequence[str], registry: Any = None):
        import ray

        nodes = ray.get(registry) if isinstance(registry, ray.ObjectRef) else registry
        self.evaluator = Evaluator(profiles, nodes)

    def __call__(self, batch: pa.Table) -> pa.Table:
        from smallprint.audit.sources import ROW_SCHEMA

        return evaluate_batch(batch.select(ROW_SCHEMA.names), self.evaluator)


def ray_actors(workers: int | None) -> int:
    """Actors to start: at most one less than the cluster's CPUs (ray#44687: an actor on
    every CPU leaves none for the read and write tasks, and the dataset hangs)."""
    import ray

    cpus = int(ray.cluster_resources().get("CPU", 1))
    cap = max(1, cpus - 1)
    return max(1, min(workers, cap)) if workers else cap


def run_ray(
    inputs: list[Path],
    out_dir: Path,
    *,
    workers: int | None,
    profiles: Sequence[str],
    registry: Mapping[str, RegistryNode] | None = None,
    batch_rows: int = 500,
) -> Iterator[Path]:
    """read_parquet -> map_batches(AuditActor) -> write_parquet; yields the parts written."""
    try:
        import ray
    except ImportError as e:
        raise InputError("--engine ray needs Ray: pip install 'smallprint[ray]'") from e
    if not ray.is_initialized():
        address = os.environ.get("RAY_ADDRESS")
        options: dict[str, Any] = {} if address else {"num_cpus": default_workers()}
        ray.init(address=address or None, include_dashboard=False, log_to_driver=False, configure_logging=False, **options)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.verbose_stats_logs = False
    actors = ray_actors(workers)
    ref = ray.put(dict(registry)) if registry else None
    ds = ray.data.read_parquet([str(p) for p in inputs])
    ds = ds.map_batches(
        AuditActor,
        fn_constructor_kwargs={"profiles": list(profiles), "registry": ref},
        batch_format="pyarrow",
        batch_size=batch_rows,
        concurrency=actors,
        num_cpus=1,
    )
    ds.write_parquet(str(out_dir))
    yield from sorted(out_dir.glob("*.parquet"))
