"""The watch's reads and writes in the store: watched models, runs, the run lease and
append-only snapshots. Every write is one short transaction."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from smallprint.errors import SmallprintError
from smallprint.store import Store
from smallprint.store.models import (
    LicenseText,
    Payload,
    Run,
    RunLock,
    Snapshot,
    SnapshotLicense,
    Watch,
    utcnow,
)

LOCK_NAME = "watch-run"
LEASE_S = 120.0
_PG_LEASE_LOCK = 0x77617463  # serialises lease takes on PostgreSQL


class WatchBusy(SmallprintError):
    """Another `watch run` holds the store."""


class LeaseLost(SmallprintError):
    """This run's lease was taken over (it looked dead); it stops recording."""


@dataclass
class WatchSpec:
    target: str
    kind: str  # hub | path | other
    profiles: list[dict[str, Any]]
    inventory: str | None = None
    product: str | None = None


def holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _lock_alive(lock: RunLock, now: datetime) -> bool:
    if lock.expires_at <= now:
        return False
    host, _, pid = lock.holder.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        return _pid_alive(int(pid))
    return True


def _serialise(session: Session, key: int) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


# --- watches -------------------------------------------------------------------------


def add_watches(store: Store, specs: Iterable[WatchSpec]) -> list[tuple[str, str]]:
    """Add (or update the profiles of) watched models; returns (target, added|updated|unchanged)."""
    out: list[tuple[str, str]] = []
    with store.write_session() as s, s.begin():
        for spec in specs:
            w = s.scalar(select(Watch).where(Watch.target == spec.target))
            if w is None:
                s.add(
                    Watch(
                        target=spec.target,
                        kind=spec.kind,
                        profiles=spec.profiles,
                        inventory=spec.inventory,
                        product=spec.product,
                        added_at=utcnow(),
                    )
                )
                out.append((spec.target, "added"))
                continue
            merged = list(w.profiles or [])
            labels = {p.get("label") for p in merged}
            for p in spec.profiles:
                if p.get("label") in labels:
                    merged = [p if q.get("label") == p.get("label") else q for q in merged]
                else:
                    merged.append(p)
            if merged != (w.profiles or []) or (spec.inventory and w.inventory != spec.inventory):
                w.profiles = merged
                w.inventory = spec.inventory or w.inventory
                w.product = spec.product or w.product
                out.append((spec.target, "updated"))
            else:
                out.append((spec.target, "unchanged"))
    return out


def list_watches(store: Store) -> list[Watch]:
    with store.session() as s:
        return list(s.scalars(select(Watch).order_by(Watch.target)))


def remove_watches(store: Store, targets: Iterable[str]) -> tuple[list[str], list[str]]:
    """Stop watching; the snapshots stay (history is append-only). Returns (removed, unknown)."""
    removed, unknown = [], []
    with store.write_session() as s, s.begin():
        for t in targets:
            w = find_watch(s, t)
            if w is None:
                unknown.append(t)
            else:
                s.delete(w)
                removed.append(w.target)
    return removed, unknown


def normalise_target(target: str) -> str:
    """Local paths are kept absolute so a watch means the same from any directory."""
    from pathlib import Path

    p = Path(target).expanduser()
    if p.exists():
        return str(p.resolve())
    return target.strip()


def find_watch(s: Session, name: str) -> Watch | None:
    for candidate in dict.fromkeys([name, normalise_target(name)]):
        w = s.scalar(select(Watch).where(Watch.target == candidate))
        if w is not None:
            return w
    low = name.strip().lower()
    for w in s.scalars(select(Watch)):
        if w.target.lower() == low:
            return w
    return None


def find_target(s: Session, name: str) -> str | None:
    """A watched target, or a target that has snapshots (a removed watch keeps its history)."""
    w = find_watch(s, name)
    if w is not None:
        return w.target
    for candidate in dict.fromkeys([name, normalise_target(name)]):
        if s.scalar(select(Snapshot.id).where(Snapshot.target == candidate).limit(1)) is not None:
            return candidate
    return None


# --- runs and the lease ----------------------------------------------------------------


def start_run(store: Store, *, offline: bool, kb_version: str, wait_s: float = 0.0, note: str | None = None) -> int:
    """Take the run lease and open a run; raise WatchBusy when another live run holds it.

    A holder that died (SIGKILL, a crashed machine) is taken over: on this host at once
    (its pid is gone), elsewhere when its lease expires; its run is marked interrupted."""
    deadline = time.monotonic() + max(0.0, wait_s)
    while True:
        with store.write_session() as s, s.begin():
            _serialise(s, _PG_LEASE_LOCK)
            now = utcnow()
            lock = s.get(RunLock, LOCK_NAME)
            if lock is None or not _lock_alive(lock, now):
                if lock is not None and lock.run_id is not None:
                    s.execute(
                        update(Run)
                        .where(Run.id == lock.run_id, Run.status == "running")
                        .values(status="interrupted", finished_at=now, note="the process stopped mid-run (killed)")
                    )
                _mark_orphans(s, now)
                host, pid = socket.gethostname(), os.getpid()
                run = Run(
                    started_at=now, status="running", host=host, pid=pid, offline=offline,
                    kb_version=kb_version, models=0, changes=0, note=note,
                )
                s.add(run)
                s.flush()
                expires = now + timedelta(seconds=LEASE_S)
                if lock is None:
                    s.add(RunLock(name=LOCK_NAME, run_id=run.id, holder=holder_id(), acquired_at=now, expires_at=expires))
                else:
                    lock.run_id, lock.holder, lock.acquired_at, lock.expires_at = run.id, holder_id(), now, expires
                return run.id
            busy = (lock.run_id, lock.holder, lock.acquired_at)
        if time.monotonic() >= deadline:
            run_id, holder, since = busy
            raise WatchBusy(
                f"another watch run is in progress (run {run_id}, {holder}, since {since:%Y-%m-%d %H:%M:%S} UTC); "
                "nothing was recorded by this one (use --wait SECONDS to queue behind it)"
            )
        time.sleep(0.25)


def _mark_orphans(s: Session, now: datetime) -> None:
    """Runs left `running` by a process on this host that no longer exists."""
    host = socket.gethostname()
    for run in s.scalars(select(Run).where(Run.status == "running", Run.host == host)):
        if not _pid_alive(run.pid):
            run.status, run.finished_at = "interrupted", now
            run.note = run.note or "the process stopped mid-run (killed)"


def heartbeat(s: Session, run_id: int) -> None:
    """Extend this run's lease inside the caller's transaction; LeaseLost if it was taken over."""
    now = utcnow()
    done = s.execute(
        update(RunLock)
        .where(RunLock.name == LOCK_NAME, RunLock.run_id == run_id)
        .values(expires_at=now + timedelta(seconds=LEASE_S))
    )
    if getattr(done, "rowcount", 1) == 0:
        raise LeaseLost(f"run {run_id} lost its lease to another watch run; it stopped recording")


def finish_run(store: Store, run_id: int, *, status: str, models: int, changes: int, note: str | None = None) -> None:
    with store.write_session() as s, s.begin():
        s.execute(
            update(Run)
            .where(Run.id == run_id)
            .values(status=status, finished_at=utcnow(), models=models, changes=changes, note=note)
        )
        s.execute(delete(RunLock).where(RunLock.name == LOCK_NAME, RunLock.run_id == run_id))


# --- snapshots ---------------------------------------------------------------------------


@dataclass
class NewSnapshot:
    target: str
    status: str
    kb_version: str
    body: dict[str, Any] | None  # None: same body as `payload_sha256`
    payload_sha256: str
    revision: str | None = None
    card_sha256: str | None = None
    gated: str | None = None
    new_version: str | None = None
    license_ids: list[tuple[str, str | None]] | None = None  # (licence id, text sha256)
    texts: dict[str, str] | None = None
    error: str | None = None
    validator: str | None = None


def record(store: Store, run_id: int, snap: NewSnapshot) -> int:
    """Append one snapshot (and its body and texts when new) in one transaction, with the lease."""
    return record_many(store, run_id, [snap])[0]


def record_many(store: Store, run_id: int, snaps: list[NewSnapshot]) -> list[int]:
    """Append snapshots in one transaction (all or none), extending the lease."""
    if not snaps:
        return []
    with store.write_session() as s, s.begin():
        heartbeat(s, run_id)
        return [_append(s, run_id, snap) for snap in snaps]


def _append(s: Session, run_id: int, snap: NewSnapshot) -> int:
    if snap.body is not None and s.get(Payload, snap.payload_sha256) is None:
        s.add(Payload(sha256=snap.payload_sha256, body=snap.body))
    for digest, body in (snap.texts or {}).items():
        if s.get(LicenseText, digest) is None:
            s.add(LicenseText(sha256=digest, text=body))
    s.flush()
    licenses = snap.license_ids or []
    row = Snapshot(
        run_id=run_id,
        target=snap.target,
        taken_at=utcnow(),
        status=snap.status,
        revision=snap.revision,
        card_sha256=snap.card_sha256,
        gated=snap.gated,
        new_version=snap.new_version,
        kb_version=snap.kb_version,
        license_ids=",".join(i for i, _ in licenses)[:1024],
        payload_sha256=snap.payload_sha256,
        error=snap.error,
    )
    s.add(row)
    s.flush()
    for lid, text_sha in licenses:
        s.add(SnapshotLicense(snapshot_id=row.id, license_id=lid[:128], text_sha256=text_sha))
    w = s.scalar(select(Watch).where(Watch.target == snap.target))
    if w is not None:
        w.last_checked_at = row.taken_at
        if snap.validator is not None:
            w.etag = snap.validator
    return row.id


def latest(s: Session, target: str, *, status: str | None = None) -> Snapshot | None:
    q = select(Snapshot).where(Snapshot.target == target)
    if status is not None:
        q = q.where(Snapshot.status == status)
    return s.scalar(q.order_by(Snapshot.id.desc()).limit(1))


def latest_by_target(s: Session, targets: Iterable[str]) -> dict[str, Snapshot]:
    """The newest snapshot of each target (one query)."""
    from sqlalchemy import func

    wanted = list(targets)
    if not wanted:
        return {}
    newest = (
        select(Snapshot.target, func.max(Snapshot.id).label("id"))
        .where(Snapshot.status != "error")
        .group_by(Snapshot.target)
        .subquery()
    )
    rows = s.scalars(select(Snapshot).join(newest, Snapshot.id == newest.c.id))
    keep = set(wanted)
    return {r.target: r for r in rows if r.target in keep}


def body_of(s: Session, snap: Snapshot) -> dict[str, Any]:
    p = s.get(Payload, snap.payload_sha256)
    return dict(p.body) if p is not None else {}


def text_of(store: Store) -> Any:
    def get(digest: str) -> str | None:
        with store.session() as s:
            t = s.get(LicenseText, digest)
            return t.text if t is not None else None

    return get


def history(s: Session, target: str, limit: int | None = None) -> list[Snapshot]:
    q = select(Snapshot).where(Snapshot.target == target).order_by(Snapshot.id.desc())
    if limit:
        q = q.limit(limit)
    return list(reversed(list(s.scalars(q))))


def runs(s: Session, limit: int = 20) -> list[Run]:
    return list(s.scalars(select(Run).order_by(Run.id.desc()).limit(limit)))
