"""Reviews and decisions: the library functions the server, the CLI and the watch call.

A review belongs to one (model, revision, licence-text hash, profile). A check that
comes back with the same four finds the same review, so its decision is reused; a new
revision or a changed licence text opens a new review. Every change is written with its
audit entry in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from smallprint.errors import InputError
from smallprint.model import CheckResult, Finding
from smallprint.reviews import audit
from smallprint.reviews.schema import checked_models, decisions, reviews

STATES = ("to-review", "approved", "approved-with-duties", "rejected", "needs-legal", "exception")
REASON_REQUIRED = frozenset({"rejected", "exception"})
ROLE_RANK = {"viewer": 0, "reviewer": 1, "approver": 2, "admin": 3}
# who may set a state: reviewers triage, approvers (and admins) approve and grant exceptions
STATE_ROLE = {
    "to-review": "reviewer",
    "needs-legal": "reviewer",
    "rejected": "reviewer",
    "approved": "approver",
    "approved-with-duties": "approver",
    "exception": "approver",
}
MAX_TEXT = 20_000  # reason, notes and comments

_T = TypeVar("_T")
_LOCKS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()


class PermissionDenied(Exception):
    """The user's role does not allow this change."""


class NotFound(Exception):
    """No such review (or model)."""


def has_role(role: str, needed: str) -> bool:
    return ROLE_RANK.get(role, -1) >= ROLE_RANK[needed]


def write(engine: Engine, fn: Callable[[Connection], _T], attempts: int = 8) -> _T:
    """Run `fn` in one write transaction, retrying when another writer got there first.

    One lock per engine serialises writers inside this process (SQLite allows one writer);
    across processes the audit sequence key and PostgreSQL's advisory lock do it."""
    lock = _LOCKS.setdefault(engine, threading.Lock())
    # SQLite: take the write lock at BEGIN (the store's BEGIN IMMEDIATE option), so a
    # read-then-write transaction never fails half-way on a writer in another process
    eng = engine.execution_options(smallprint_immediate=True) if engine.dialect.name == "sqlite" else engine
    for i in range(attempts):
        try:
            with lock, eng.begin() as conn:
                return fn(conn)
        except (IntegrityError, OperationalError) as e:
            # a concurrent writer took the audit sequence number or created the same review or
            # user first: the transaction re-reads and finds it (each `fn` is such a re-read)
            transient = isinstance(e, IntegrityError) or "locked" in str(e)
            if not transient or i == attempts - 1:
                raise
            time.sleep(0.02 * (i + 1))
    raise AssertionError("unreachable")


# -- keys ------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\r\n", "\n")).strip()


def licence_text_hash(result: CheckResult) -> str:
    """The hash of the licence text a result rests on: the licence files the model ships
    (whitespace-normalised, so re-wrapping does not reopen a review); without any file, the
    licences it declares. A change of either gives a new hash and so a new review."""
    texts: list[str] = []
    facts = result.facts
    if facts is not None:
        for c in facts.license_claims:
            if c.where.startswith("file:"):
                texts.append(_norm(c.value))
    if texts:
        body = "files\n" + "\n\x1e".join(sorted(texts))
    else:
        ids = sorted({m.id for m in result.license.licenses})
        declared = sorted({c.value.strip() for c in (facts.license_claims if facts else [])})
        body = "declared\n" + "\n".join(ids + ["--"] + declared)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def result_revision(result: CheckResult) -> str:
    return (result.facts.revision if result.facts and result.facts.revision else "") or ""


def result_model(result: CheckResult) -> str:
    return result.model_id or result.target


def result_licences(result: CheckResult) -> list[str]:
    return [m.id for m in result.license.licenses]


def profile_name(result: CheckResult) -> str:
    return str((result.verdict.get("profile") if result.verdict else None) or "")


# -- rows --------------------------------------------------------------------------------


def review_dict(row: Any, include_private: bool) -> dict[str, Any]:
    d = {
        "id": row["id"], "model_id": row["model_id"], "revision": row["revision"],
        "text_hash": row["text_hash"], "profile": row["profile"],
        "licenses": [x for x in (row["licenses"] or "").split(",") if x],
        "state": row["state"], "reason": row["reason"], "public_note": row["public_note"],
        "duties": list(row["duties"] or []),
        "expires": row["expires"].isoformat() if row["expires"] else None,
        "reviewer": row["reviewer"],
        "decided_at": audit.stamp(row["decided_at"]) if row["decided_at"] else None,
        "created_at": audit.stamp(row["created_at"]),
        "reopened_because": row["reopened_because"] or "",
    }
    if include_private:
        d["private_comment"] = row["private_comment"]
    return d


def _audit_view(row: Any) -> dict[str, Any]:
    return review_dict(row, include_private=True)


def get_review(engine: Engine, review_id: int, include_private: bool) -> dict[str, Any]:
    with engine.connect() as conn:
        row = conn.execute(select(reviews).where(reviews.c.id == review_id)).mappings().first()
    if row is None:
        raise NotFound(f"review {review_id} not found")
    return review_dict(row, include_private)


def list_reviews(engine: Engine, include_private: bool, *, model_id: str | None = None,
                 state: str | None = None, license_id: str | None = None, limit: int = 500,
                 offset: int = 0) -> list[dict[str, Any]]:
    q = select(reviews)
    if model_id:
        q = q.where(reviews.c.model_id == model_id)
    if state:
        q = q.where(reviews.c.state == state)
    q = q.order_by(reviews.c.id.desc()).limit(limit).offset(offset)
    with engine.connect() as conn:
        rows = conn.execute(q).mappings().all()
    out = [review_dict(r, include_private) for r in rows]
    if license_id:
        out = [r for r in out if license_id in r["licenses"]]
    return out


def decisions_of(engine: Engine, review_id: int, include_private: bool) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(decisions).where(decisions.c.review_id == review_id).order_by(decisions.c.id)
        ).mappings().all()
    out = []
    for r in rows:
        d = {"state": r["state"], "reason": r["reason"], "public_note": r["public_note"],
             "duties": list(r["duties"] or []), "expires": r["expires"].isoformat() if r["expires"] else None,
             "reviewer": r["reviewer"], "decided_at": audit.stamp(r["decided_at"])}
        if include_private:
            d["private_comment"] = r["private_comment"]
        out.append(d)
    return out


# -- recording checks ------------------------------------------------------------------


def _duties_of(result: CheckResult) -> list[dict[str, Any]]:
    return [{"duty": str(d.get("duty")), "done": False} for d in (result.verdict.get("duties") if result.verdict else None) or []]


def record_check(engine: Engine, result: CheckResult, report_html: str, actor: str) -> dict[str, Any]:
    """Store a checked model (what search and the model page show) and find or open its review.

    Returns the review (without private comment) and whether it was reused."""
    model, rev = result_model(result), result_revision(result)
    prof, th = profile_name(result), licence_text_hash(result)
    lic = ",".join(result_licences(result))
    verdict = (result.verdict.get("verdict") if result.verdict else None)
    at = audit.now()

    def tx(conn: Connection) -> dict[str, Any]:
        values = dict(licenses=lic, text_hash=th, verdict=verdict, result=audit.jsonable(result.to_dict()),
                      report_html=report_html, checked_at=at, checked_by=actor)
        cm = conn.execute(select(checked_models.c.id).where(
            checked_models.c.model_id == model, checked_models.c.revision == rev,
            checked_models.c.profile == prof)).first()
        if cm is None:
            conn.execute(checked_models.insert().values(model_id=model, revision=rev, profile=prof, **values))
        else:
            conn.execute(checked_models.update().where(checked_models.c.id == cm.id).values(**values))
        row = conn.execute(select(reviews).where(
            reviews.c.model_id == model, reviews.c.revision == rev, reviews.c.text_hash == th,
            reviews.c.profile == prof)).mappings().first()
        if row is not None:
            return {"review": review_dict(row, False), "reused": True}
        rid = conn.execute(reviews.insert().values(
            model_id=model, revision=rev, text_hash=th, profile=prof, licenses=lic, state="to-review",
            reason="", public_note="", private_comment="", duties=_duties_of(result), created_at=at,
            reopened_because="")).inserted_primary_key[0]  # type: ignore[index]
        new = conn.execute(select(reviews).where(reviews.c.id == rid)).mappings().one()
        audit.append(conn, actor, "review-opened", "review", str(rid), None, _audit_view(new), at)
        return {"review": review_dict(new, False), "reused": False}

    return write(engine, tx)


# -- decisions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    state: str
    reason: str = ""
    public_note: str = ""
    private_comment: str = ""
    expires: dt.date | None = None
    duties: Sequence[dict[str, Any]] | None = None  # None keeps the review's checklist


def validate(d: Decision, role: str, today: dt.date | None = None) -> None:
    """The rules of a decision, raised as InputError (bad request) or PermissionDenied."""
    if d.state not in STATES:
        raise InputError(f"unknown state {d.state!r} (one of {', '.join(STATES)})")
    if not has_role(role, STATE_ROLE[d.state]):
        raise PermissionDenied(f"a {role} may not set '{d.state}' (needs {STATE_ROLE[d.state]})")
    if d.state in REASON_REQUIRED and not d.reason.strip():
        raise InputError(f"a reason is required for '{d.state}'")
    if d.state == "exception":
        if d.expires is None:
            raise InputError("an exception needs an expiry date")
        if d.expires < (today or dt.date.today()):
            raise InputError("an exception's expiry date must not be in the past")
    for name, v in (("reason", d.reason), ("public note", d.public_note), ("private comment", d.private_comment)):
        if len(v) > MAX_TEXT:
            raise InputError(f"the {name} is longer than {MAX_TEXT} characters")


def _clean_duties(duties: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for x in duties[:200]:
        duty = str(x.get("duty", "")).strip()[:2000]
        if duty:
            out.append({"duty": duty, "done": bool(x.get("done"))})
    return out


def _apply(conn: Connection, row: Any, d: Decision, actor: str, at: dt.datetime, action: str) -> dict[str, Any]:
    before = _audit_view(row)
    duties = _clean_duties(d.duties) if d.duties is not None else list(row["duties"] or [])
    values = dict(state=d.state, reason=d.reason.strip(), public_note=d.public_note.strip(),
                  private_comment=d.private_comment.strip(), duties=duties,
                  expires=d.expires if d.state == "exception" else None, reviewer=actor, decided_at=at)
    conn.execute(reviews.update().where(reviews.c.id == row["id"]).values(**values))
    conn.execute(decisions.insert().values(review_id=row["id"], **values))
    after_row = conn.execute(select(reviews).where(reviews.c.id == row["id"])).mappings().one()
    audit.append(conn, actor, action, "review", str(row["id"]), before, _audit_view(after_row), at)
    return review_dict(after_row, True)


def decide(engine: Engine, review_id: int, d: Decision, actor: str, role: str) -> dict[str, Any]:
    """Record a decision on one review (with its audit entry)."""
    validate(d, role)

    def tx(conn: Connection) -> dict[str, Any]:
        row = conn.execute(select(reviews).where(reviews.c.id == review_id)).mappings().first()
        if row is None:
            raise NotFound(f"review {review_id} not found")
        return _apply(conn, row, d, actor, audit.now(), "decision")

    return write(engine, tx)


def set_duty(engine: Engine, review_id: int, index: int, done: bool, actor: str, role: str) -> dict[str, Any]:
    """Tick or untick one duty of the checklist."""
    if not has_role(role, "reviewer"):
        raise PermissionDenied(f"a {role} may not change duties")

    def tx(conn: Connection) -> dict[str, Any]:
        row = conn.execute(select(reviews).where(reviews.c.id == review_id)).mappings().first()
        if row is None:
            raise NotFound(f"review {review_id} not found")
        duties = [dict(x) for x in row["duties"] or []]
        if not 0 <= index < len(duties):
            raise InputError(f"review {review_id} has no duty {index}")
        before = _audit_view(row)
        duties[index]["done"] = bool(done)
        conn.execute(reviews.update().where(reviews.c.id == review_id).values(duties=duties))
        after = conn.execute(select(reviews).where(reviews.c.id == review_id)).mappings().one()
        audit.append(conn, actor, "duty", "review", str(review_id), before, _audit_view(after))
        return review_dict(after, True)

    return write(engine, tx)


def bulk_decide(engine: Engine, license_id: str, d: Decision, actor: str, role: str,
                profile: str | None = None, only_open: bool = True) -> list[int]:
    """One decision for every review of a licence (optionally under one profile), e.g. approve
    every Apache-2.0 model for internal research. Each review gets its own audit entry."""
    validate(d, role)
    if not has_role(role, "approver"):
        raise PermissionDenied("bulk decisions need the approver role")
    license_id = license_id.strip()
    if not license_id:
        raise InputError("bulk decisions need a licence id")

    def tx(conn: Connection) -> list[int]:
        q = select(reviews)
        if profile:
            q = q.where(reviews.c.profile == profile)
        if only_open:
            q = q.where(reviews.c.state.in_(("to-review", "needs-legal")))
        done: list[int] = []
        at = audit.now()
        for row in conn.execute(q.order_by(reviews.c.id)).mappings().all():
            if license_id not in (row["licenses"] or "").split(","):
                continue
            _apply(conn, row, d, actor, at, f"bulk-decision:{license_id}")
            done.append(int(row["id"]))
        return done

    return write(engine, tx)


def reopen(engine: Engine, model_id: str, because: str, actor: str = "watch") -> list[int]:
    """Reopen every decided review of a model: the watch found its licence, terms or base
    changed. Decided reviews go back to `to-review` with the reason; each change is audited."""

    def tx(conn: Connection) -> list[int]:
        rows = conn.execute(select(reviews).where(
            reviews.c.model_id == model_id, reviews.c.state != "to-review")).mappings().all()
        at = audit.now()
        out = []
        for row in rows:
            before = _audit_view(row)
            conn.execute(reviews.update().where(reviews.c.id == row["id"]).values(
                state="to-review", reopened_because=because[:2000], decided_at=at, reviewer=actor))
            after = conn.execute(select(reviews).where(reviews.c.id == row["id"])).mappings().one()
            audit.append(conn, actor, "reopened", "review", str(row["id"]), before, _audit_view(after), at)
            out.append(int(row["id"]))
        return out

    return write(engine, tx)


# the watch's change codes (smallprint.watch.changes) that put a decision in question, and
# plain words for other callers; gating, verdict-only and revision-only moves do not reopen
REOPEN_CHANGES = frozenset({"license-changed", "term-changed", "base-moved", "lineage-changed",
                            "license", "licence", "terms", "base"})


def on_watch_change(engine: Engine, model_id: str, changed: Sequence[str], detail: str = "") -> list[int]:
    """What the watch calls after recording a snapshot: reopen the model's reviews when the
    licence, its terms or the base model changed (other changes leave decisions alone)."""
    relevant = list(dict.fromkeys(c for c in changed if c.lower() in REOPEN_CHANGES))
    if not relevant:
        return []
    because = f"the watch found a change of {', '.join(relevant)}" + (f": {detail}" if detail else "")
    return reopen(engine, model_id, because)


# -- decisions for the CLI and the CI gate ------------------------------------------------


def approved_exceptions(engine: Engine) -> list[dict[str, Any]]:
    """Every review in state `exception` (only approvers grant them), expired ones included so
    the check can report them the way expired policy exceptions are reported."""
    with engine.connect() as conn:
        rows = conn.execute(select(reviews).where(reviews.c.state == "exception")).mappings().all()
    return [review_dict(r, False) for r in rows]


def apply_decisions(results: Sequence[CheckResult], exceptions: Sequence[dict[str, Any]], source: str,
                    today: dt.date | None = None) -> None:
    """Treat approved review exceptions like the policy file's: an unexpired exception for the
    same model, licence text and profile waives the verdict for the gate; an expired one is a
    `policy-exception-expired` finding. An exception recorded for another licence text or
    revision does not apply (the terms it was granted for are not the ones checked now)."""
    today = today or dt.date.today()
    for r in results:
        if not r.verdict or r.error:
            continue
        model, rev, th = result_model(r), result_revision(r), licence_text_hash(r)
        prof = profile_name(r)
        for x in exceptions:
            if str(x.get("model_id", "")).lower() != model.lower():
                continue
            if x.get("profile") and x["profile"] != prof:
                continue
            if x.get("revision") and rev and x["revision"] != rev:
                continue
            if x.get("text_hash") and x["text_hash"] != th:
                r.findings.append(Finding(
                    "decision-stale", "warning",
                    f"review {x.get('id')} granted an exception for another licence text of {model}; "
                    "it does not apply to the text checked now"))
                continue
            expires = dt.date.fromisoformat(str(x["expires"])) if x.get("expires") else None
            if expires is None:
                continue
            if expires < today:
                r.findings.append(Finding(
                    "policy-exception-expired", "error",
                    f"The review exception for {model!r} (review {x.get('id')}, {source}) expired on "
                    f"{expires.isoformat()} ({x.get('reason')}); the verdict applies again."))
                continue
            if not r.verdict.get("waived"):
                exception = {"model": model, "reason": str(x.get("reason") or ""),
                             "expires": expires.isoformat(), "review": x.get("id"), "source": source}
                if isinstance(r.verdict, dict):  # a verdict built as its document
                    r.verdict.update(waived=True, exception=exception)
                else:  # the typed Verdict: the exception is what waives it
                    r.verdict.exception = exception
