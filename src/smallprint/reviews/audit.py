"""The audit trail: append-only, every change with who, when, before and after, hash-chained.

Each entry's hash covers its own fields and the previous entry's hash, so changing,
removing or reordering any entry breaks the chain from there on; `verify` finds the
first break. The database refuses UPDATE and DELETE on the table (triggers), and an
entry is written in the same transaction as the change it records, so a change is
never stored without its entry (nor an entry without its change).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection, Engine

from smallprint.reviews.schema import audit_log

GENESIS = "0" * 64
AUDIT_SCHEMA = "smallprint/audit/1"


def _utc(at: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes: every time here is UTC."""
    return at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)


def stamp(at: dt.datetime) -> str:
    return _utc(at).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def entry_hash(seq: int, at: dt.datetime, actor: str, action: str, object_type: str, object_id: str,
               before: Any, after: Any, prev_hash: str) -> str:
    """SHA-256 of the entry's fields in canonical JSON, chained to the previous hash."""
    body = json.dumps(
        {"seq": seq, "at": stamp(at), "actor": actor, "action": action, "object_type": object_type,
         "object_id": object_id, "before": before, "after": after, "prev_hash": prev_hash},
        sort_keys=True, separators=(",", ":"), ensure_ascii=True,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def jsonable(value: Any) -> Any:
    """Before/after values as plain JSON (dates as ISO strings), so they hash the same after a
    round trip through either database."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return stamp(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)  # floats do not survive every JSON column unchanged
    return value


def append(conn: Connection, actor: str, action: str, object_type: str, object_id: str,
           before: Any = None, after: Any = None, at: dt.datetime | None = None) -> int:
    """Add one entry inside the caller's transaction; returns its sequence number.

    The sequence number is the primary key, so two writers racing for the same place
    fail (and retry in `write`) instead of forking the chain."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(1313)"))  # one appender at a time
    at = at or now()
    before, after = jsonable(before), jsonable(after)
    last = conn.execute(
        select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
    ).first()
    seq = 1 if last is None else int(last.seq) + 1
    prev = GENESIS if last is None else str(last.hash)
    h = entry_hash(seq, at, actor, action, object_type, object_id, before, after, prev)
    conn.execute(audit_log.insert().values(
        seq=seq, at=at, actor=actor, action=action, object_type=object_type, object_id=object_id,
        before=before, after=after, prev_hash=prev, hash=h,
    ))
    return seq


@dataclass(frozen=True)
class VerifyResult:
    entries: int
    ok: bool
    first_bad: int | None = None
    problem: str | None = None

    def line(self) -> str:
        if self.ok:
            return f"audit trail intact: {self.entries} entries, hash chain verified"
        return f"audit trail broken at entry {self.first_bad}: {self.problem}"


def verify(engine: Engine, batch: int = 5000) -> VerifyResult:
    """Walk the chain in order and recompute every hash."""
    prev = GENESIS
    expected = 1
    n = 0
    with engine.connect() as conn:
        last_seq = 0
        while True:
            rows = conn.execute(
                select(audit_log).where(audit_log.c.seq > last_seq).order_by(audit_log.c.seq).limit(batch)
            ).all()
            if not rows:
                break
            for r in rows:
                if r.seq != expected:
                    return VerifyResult(n, False, expected, f"entry {expected} is missing (next is {r.seq})")
                if r.prev_hash != prev:
                    return VerifyResult(n, False, r.seq, "it does not carry the previous entry's hash")
                h = entry_hash(r.seq, r.at, r.actor, r.action, r.object_type, r.object_id, r.before, r.after,
                               r.prev_hash)
                if h != r.hash:
                    return VerifyResult(n, False, r.seq, "its content does not match its hash (changed)")
                prev = r.hash
                expected += 1
                n += 1
                last_seq = r.seq
    return VerifyResult(n, True)


def count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(audit_log)).scalar_one())


def entries(engine: Engine, *, object_type: str | None = None, object_id: str | None = None,
            limit: int | None = None, newest_first: bool = False, after: int = 0) -> list[dict[str, Any]]:
    q = select(audit_log)
    if after:
        q = q.where(audit_log.c.seq > after)
    if object_type:
        q = q.where(audit_log.c.object_type == object_type)
    if object_id:
        q = q.where(audit_log.c.object_id == object_id)
    q = q.order_by(audit_log.c.seq.desc() if newest_first else audit_log.c.seq)
    if limit:
        q = q.limit(limit)
    with engine.connect() as conn:
        return [entry_dict(r._mapping) for r in conn.execute(q)]


def iter_entries(engine: Engine, batch: int = 5000) -> Iterator[dict[str, Any]]:
    last = 0
    with engine.connect() as conn:
        while True:
            rows = conn.execute(
                select(audit_log).where(audit_log.c.seq > last).order_by(audit_log.c.seq).limit(batch)
            ).all()
            if not rows:
                return
            for r in rows:
                yield entry_dict(r._mapping)
            last = rows[-1].seq


def entry_dict(r: Any) -> dict[str, Any]:
    return {
        "seq": r["seq"], "at": stamp(r["at"]), "actor": r["actor"], "action": r["action"],
        "object_type": r["object_type"], "object_id": r["object_id"], "before": r["before"],
        "after": r["after"], "prev_hash": r["prev_hash"], "hash": r["hash"],
    }


def redact_private(entry: dict[str, Any]) -> dict[str, Any]:
    """A viewer's copy: private comments removed from before and after."""
    out = dict(entry)
    for side in ("before", "after"):
        v = out.get(side)
        if isinstance(v, dict) and "private_comment" in v:
            out[side] = {k: ("(private)" if k == "private_comment" else x) for k, x in v.items()}
    return out


def export_json(items: list[dict[str, Any]]) -> str:
    return json.dumps({"schema": AUDIT_SCHEMA, "entries": items}, indent=2, ensure_ascii=False)


CSV_COLUMNS = ("seq", "at", "actor", "action", "object_type", "object_id", "before", "after", "prev_hash", "hash")


def _csv_cell(v: Any) -> str:
    s = v if isinstance(v, str) else json.dumps(v, sort_keys=True, ensure_ascii=False)
    # a cell starting with = + - @ is a formula to a spreadsheet: quote it as text
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def export_csv(items: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    for it in items:
        w.writerow([_csv_cell(it[c]) if it[c] is not None else "" for c in CSV_COLUMNS])
    return buf.getvalue()
