"""Two runs at once, and runs killed mid-way (SIGINT, SIGKILL) in real processes: the store
is never corrupted, nothing is recorded twice, and the last complete snapshot stays."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hub_server import FakeRepo, StandInHub
from smallprint.store import open_store
from smallprint.store.models import Run, Snapshot
from smallprint.watch import run_watch
from smallprint.watch.ledger import WatchBusy, WatchSpec, add_watches, finish_run, start_run

N = 6


STALL_S = 9.0  # the last model's probe hangs this long (under the client's 10 s timeout)


def _repos(hub: StandInHub, stall_last: bool = False) -> list[str]:
    names = [f"acme/m{i}" for i in range(N)]
    for name in names:
        card = b"---\nlicense: mit\n---\n# m\n"
        hub.add(FakeRepo(name, {"README.md": card}, card_data={"license": "mit"}))
    if stall_last:
        stall(hub, names)
    return names


def stall(hub: StandInHub, names: list[str]) -> None:
    """A run then records N-1 snapshots at once and hangs on the last model: mid-run, for sure."""
    hub.repos[names[-1]].slow_seconds = STALL_S


def _spawn(db: str, hub: StandInHub, home: Path, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, SMALLPRINT_DB=db, HF_ENDPOINT=hub.url, HF_HOME=str(home), HF_HUB_DISABLE_TELEMETRY="1")
    env.pop("HF_HUB_OFFLINE", None)
    return subprocess.Popen(
        [sys.executable, "-m", "smallprint", "watch", "run", "--no-progress", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )


def _wait_for_snapshots(db: str, run_id_above: int, count: int, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    with open_store(db) as store:
        while time.monotonic() < deadline:
            with store.session() as s:
                got = s.scalar(select(func.count()).select_from(Snapshot).where(Snapshot.run_id > run_id_above))
            if got >= count:
                return
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.05)
    raise AssertionError("the run recorded nothing in time")


def _per_run(db: str) -> dict[int, tuple[str, int]]:
    with open_store(db) as store, store.session() as s:
        runs = {r.id: r.status for r in s.scalars(select(Run))}
        counts = dict(s.execute(select(Snapshot.run_id, func.count()).group_by(Snapshot.run_id)).all())
        dup = s.execute(
            select(Snapshot.run_id, Snapshot.target).group_by(Snapshot.run_id, Snapshot.target).having(func.count() > 1)
        ).all()
    assert dup == []
    return {rid: (status, counts.get(rid, 0)) for rid, status in runs.items()}


@pytest.mark.slow
def test_concurrent_run_is_refused_and_a_sigkilled_run_leaves_the_store_whole(
    cli, db: str, stand_in_hub: StandInHub, hub_env: Path  # type: ignore[no-untyped-def]
) -> None:
    names = _repos(stand_in_hub)
    with open_store(db) as store:
        add_watches(store, [WatchSpec(n, "hub", []) for n in names])
        first = run_watch(store)
    assert first.status == "complete"
    stall(stand_in_hub, names)
    p1 = _spawn(db, stand_in_hub, hub_env)
    _wait_for_snapshots(db, first.run_id or 0, N - 1, p1)
    second = cli("watch", "run", "--wait", "0")  # a second run, from this process, while p1 runs
    assert second.code == 2, second.err
    assert second.err.strip().startswith("error: another watch run is in progress") and "Traceback" not in second.err
    assert len(second.err.strip().splitlines()) == 1 and second.out == ""
    assert p1.poll() is None, "the first run finished too early for the test to mean anything"
    p1.kill()
    p1.wait(timeout=30)
    path = db.removeprefix("sqlite:///")
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()
    for n in names:
        stand_in_hub.repos[n].slow_seconds = 0.0
    with open_store(db) as store:
        third = run_watch(store)  # takes the dead run's lease over at once (its pid is gone)
    assert third.status == "complete" and len(third.models) == N
    runs = _per_run(db)
    assert runs[first.run_id or 0] == ("complete", N)
    killed = [rid for rid in runs if rid not in (first.run_id, third.run_id)]
    assert len(killed) == 1 and runs[killed[0]][0] == "interrupted" and 1 <= runs[killed[0]][1] < N
    assert runs[third.run_id or 0] == ("complete", N)


@pytest.mark.slow
def test_sigint_marks_the_run_interrupted_and_releases_the_store(db: str, stand_in_hub: StandInHub, hub_env: Path) -> None:
    names = _repos(stand_in_hub, stall_last=True)
    with open_store(db) as store:
        add_watches(store, [WatchSpec(n, "hub", []) for n in names])
    p = _spawn(db, stand_in_hub, hub_env)
    _wait_for_snapshots(db, 0, N - 1, p)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 130, err
    assert err.strip().splitlines() == ["interrupted: the snapshots recorded so far are kept; the run is marked interrupted"]
    runs = _per_run(db)
    assert [status for status, _ in runs.values()] == ["interrupted"]
    with open_store(db) as store:
        run_id = start_run(store, offline=False, kb_version="x", wait_s=0)  # the lease was released
        finish_run(store, run_id, status="complete", models=0, changes=0)


def test_simultaneous_starts_give_exactly_one_run(store_url: str) -> None:
    with open_store(store_url) as store:
        barrier = threading.Barrier(6)
        got: list[object] = []

        def start() -> None:
            barrier.wait()
            try:
                got.append(start_run(store, offline=True, kb_version="x", wait_s=0))
            except WatchBusy as e:
                got.append(e)

        threads = [threading.Thread(target=start) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        runs = [g for g in got if isinstance(g, int)]
        assert len(runs) == 1 and sum(isinstance(g, WatchBusy) for g in got) == 5
        finish_run(store, runs[0], status="complete", models=0, changes=0)
        again = start_run(store, offline=True, kb_version="x", wait_s=0)
        assert again != runs[0]
