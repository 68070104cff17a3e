"""`watch run`: for every watched model, one cheap probe; the `check` pipeline only for
models (or ancestors) that moved; one append-only snapshot per model; change findings
against the previous snapshot. One run records at a time (a lease in the store)."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from smallprint.errors import InputError, SmallprintError, SourceError
from smallprint.kb import KnowledgeBase, default_kb
from smallprint.model import ModelFacts
from smallprint.store import Store
from smallprint.store.models import Snapshot, Watch, utcnow
from smallprint.watch import ledger
from smallprint.watch.changes import Change, SnapshotView, compare, with_descendants
from smallprint.watch.probe import HubProber, Probe, RateLimited
from smallprint.watch.snapshot import canonical_sha, kb_version, local_validator, reading_of

DEFAULT_PROFILE = "commercial-saas"
SCHEMA = "smallprint/watch/1"
BATCH = 100  # unchanged snapshots are written this many per transaction ...
BATCH_S = 2.0  # ... or at least every this many seconds; a changed model is written at once


@dataclass
class ModelOutcome:
    """What a run saw of one watched model."""

    target: str
    status: str  # ok | gone | error | not-checked
    unchanged: bool = False
    snapshot_id: int | None = None
    model_id: str | None = None
    revision: str | None = None
    licenses: list[str] = field(default_factory=list)
    verdicts: dict[str, str | None] = field(default_factory=dict)
    error: str | None = None
    changes: list[Change] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "model_id": self.model_id,
            "status": self.status,
            "unchanged": self.unchanged,
            "snapshot": self.snapshot_id,
            "revision": self.revision,
            "licenses": self.licenses,
            "verdicts": self.verdicts,
            "error": self.error,
            "changes": len(self.changes),
        }


@dataclass
class RunReport:
    run_id: int | None
    status: str
    kb_version: str
    offline: bool
    started_at: datetime
    finished_at: datetime | None = None
    requests: int = 0
    models: list[ModelOutcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changes(self) -> list[Change]:
        return [c for m in self.models for c in m.changes]

    def alerting(self) -> list[Change]:
        """Changes worth an alert (a moved commit alone is not)."""
        from smallprint.watch.changes import INFO_ONLY

        return [c for c in self.changes if c.code not in INFO_ONLY]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "run": {
                "id": self.run_id,
                "status": self.status,
                "started_at": self.started_at.isoformat(),
                "finished_at": self.finished_at.isoformat() if self.finished_at else None,
                "kb_version": self.kb_version,
                "offline": self.offline,
                "hub_requests": self.requests,
                "models": len(self.models),
                "unchanged": sum(1 for m in self.models if m.unchanged),
                "errors": sum(1 for m in self.models if m.status in ("error", "not-checked")),
            },
            "changes": [c.to_dict() for c in self.changes],
            "models": [m.to_dict() for m in self.models],
            "notes": list(self.notes),
        }


# --- profiles ---------------------------------------------------------------------------


def profile_entry(spec: str) -> dict[str, Any]:
    """What a watch stores for `--profile SPEC`: presets by name (they follow updates),
    files and mappings as the profile itself (the file may move later)."""
    from smallprint.policy.profiles import preset_names, resolve_profile

    prof = resolve_profile(spec)
    if spec in preset_names():
        return {"label": spec, "spec": spec}
    return {"label": prof.name if prof.name != "custom" else spec, "profile": prof.to_dict()}


def _profiles(w: Watch, cache: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The watch's profiles, resolved (once per run for the same set)."""
    import json

    key = json.dumps(w.profiles or [], sort_keys=True, default=str)
    if cache is not None and key in cache:
        return cache[key]
    out = _resolve_profiles(w)
    if cache is not None:
        cache[key] = out
    return out


def _resolve_profiles(w: Watch) -> dict[str, Any]:
    from smallprint.policy.profiles import profile_from_dict, resolve_profile

    out: dict[str, Any] = {}
    for entry in w.profiles or [{"label": DEFAULT_PROFILE, "spec": DEFAULT_PROFILE}]:
        label = str(entry.get("label"))
        if entry.get("spec"):
            out[label] = resolve_profile(str(entry["spec"]))
        else:
            out[label] = profile_from_dict(entry.get("profile") or {}, f"watch profile {label}")
    return out


# --- one model --------------------------------------------------------------------------


class _WatchedFolders:
    """Ancestors that are themselves watched folders: read from the folder, so a change to a
    watched base reaches the models built on it."""

    def __init__(self, by_model_id: dict[str, str]):
        self.by_model_id = by_model_id
        self._facts: dict[str, ModelFacts | None] = {}

    def resolve(self, model_id: str) -> ModelFacts | None:
        target = self.by_model_id.get(model_id.lower())
        if target is None:
            return None
        if target not in self._facts:
            from smallprint.sources import read_target

            try:
                self._facts[target] = read_target(target)
            except SmallprintError:
                self._facts[target] = None
        return self._facts[target]


@dataclass
class _Context:
    store: Store
    run_id: int
    kb: KnowledgeBase
    kbv: str
    offline: bool
    policy: Any
    prober: HubProber | None
    folders: _WatchedFolders
    validators: dict[str, str | None] = field(default_factory=dict)  # path watches: target -> validator
    rate_limited: RateLimited | None = None
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)  # resolved profile sets


def _resolver(ctx: _Context, w: Watch) -> Any:
    """The ancestors resolver `check` would use, with watched folders first."""
    from smallprint.evaluators.lineage import CatalogResolver, ChainResolver
    from smallprint.pipeline.check import HubAncestorResolver

    chain: list[Any] = [ctx.folders, CatalogResolver(ctx.kb)]
    if w.kind == "hub" and not ctx.offline:
        chain.append(HubAncestorResolver(False))
    return ChainResolver(chain)


def _ancestor_revision(ctx: _Context, model_id: str) -> str | None:
    target = ctx.folders.by_model_id.get(model_id.lower())
    if target is not None:
        if target not in ctx.validators:
            ctx.validators[target] = local_validator(target)
        return ctx.validators[target]
    if ctx.prober is None or ctx.rate_limited is not None or "/" not in model_id:
        return None
    try:
        p = ctx.prober.probe(model_id)
    except RateLimited as e:
        ctx.rate_limited = e
        return None
    return p.sha if p.status == "ok" else None


def _view(s: Any, snap: Snapshot | None) -> SnapshotView | None:
    if snap is None:
        return None
    return SnapshotView(
        target=snap.target,
        status=snap.status,
        kb_version=snap.kb_version,
        body=ledger.body_of(s, snap),
        revision=snap.revision,
        taken_at=snap.taken_at,
        snapshot_id=snap.id,
        run_id=snap.run_id,
        error=snap.error,
    )


def _unchanged(ctx: _Context, w: Watch, prev: SnapshotView | None, validator: str | None,
               probe: Probe | None, profiles: dict[str, Any]) -> bool:
    if prev is None or prev.status != "ok" or prev.kb_version != ctx.kbv or validator is None:
        return False
    if w.etag != validator:
        return False
    b = prev.body
    if probe is not None and ((b.get("gated") or "false") != (probe.gated or "false") or
                              (probe.model_id and b.get("model_id") and probe.model_id.lower() != str(b["model_id"]).lower())):
        return False
    if b.get("profiles") != {k: v.to_dict() for k, v in sorted(profiles.items())}:
        return False
    for node in b.get("lineage") or []:
        before = node.get("revision") if (node.get("depth") or 0) > 0 else None
        if before and _ancestor_revision(ctx, str(node.get("id"))) not in (before,):
            return False
    return True


def observe(ctx: _Context, w: Watch, prev: SnapshotView | None) -> tuple[ModelOutcome, ledger.NewSnapshot]:
    """Probe one watched model, run the pipeline when it moved, and say what changed."""
    out = ModelOutcome(w.target, "ok")
    try:
        profiles = _profiles(w, ctx.profiles)
    except SmallprintError as e:
        return _error(ctx, out, f"watch profile: {e}")
    probe: Probe | None = None
    validator: str | None = None
    if w.kind == "path":
        validator = ctx.validators.setdefault(w.target, local_validator(w.target))
        if validator is None:
            return _gone(ctx, out, prev, "the folder or file no longer exists")
    elif w.kind == "hub" and ctx.prober is not None:
        if ctx.rate_limited is not None:
            out.status, out.error = "not-checked", str(ctx.rate_limited)
            return out, _no_snapshot()
        try:
            probe = ctx.prober.probe(w.target.partition("@")[0])
        except RateLimited as e:
            ctx.rate_limited = e
            out.status, out.error = "not-checked", str(e)
            return out, _no_snapshot()
        if probe.status == "gone":
            return _gone(ctx, out, prev, probe.error or "not found")
        if probe.status == "error":
            return _error(ctx, out, probe.error or "Hub read failed")
        validator = probe.sha
    if prev is not None and _unchanged(ctx, w, prev, validator, probe, profiles):
        return _same_as(out, prev, validator)
    return _evaluate(ctx, w, out, prev, profiles, validator)


def _no_snapshot() -> ledger.NewSnapshot:
    return ledger.NewSnapshot(target="", status="not-checked", kb_version="", body=None, payload_sha256="")


def _same_as(out: ModelOutcome, prev: SnapshotView, validator: str | None) -> tuple[ModelOutcome, ledger.NewSnapshot]:
    b = prev.body
    out.unchanged = True
    out.model_id, out.revision = b.get("model_id"), prev.revision
    out.licenses = [str(x.get("id")) for x in b.get("licenses") or []]
    out.verdicts = {k: (v or {}).get("verdict") for k, v in (b.get("verdicts") or {}).items()}
    snap = ledger.NewSnapshot(
        target=prev.target,
        status="ok",
        kb_version=prev.kb_version,
        body=None,
        payload_sha256=canonical_sha(b),
        revision=prev.revision,
        card_sha256=b.get("card_sha256"),
        gated=b.get("gated"),
        new_version=b.get("new_version"),
        license_ids=[(str(x.get("id")), x.get("text_sha256")) for x in b.get("licenses") or []],
        validator=validator,
    )
    return out, snap


def _gone(ctx: _Context, out: ModelOutcome, prev: SnapshotView | None, why: str) -> tuple[ModelOutcome, ledger.NewSnapshot]:
    body: dict[str, Any] = {"gone": why}
    snap = ledger.NewSnapshot(out.target, "gone", ctx.kbv, body, canonical_sha(body), error=why)
    out.status, out.error = "gone", why
    after = SnapshotView(out.target, "gone", ctx.kbv, body, error=why)
    if prev is not None:
        out.changes = compare(prev, after)
    return out, snap


def _error(ctx: _Context, out: ModelOutcome, why: str) -> tuple[ModelOutcome, ledger.NewSnapshot]:
    body: dict[str, Any] = {"error": why}
    out.status, out.error = "error", why
    return out, ledger.NewSnapshot(out.target, "error", ctx.kbv, body, canonical_sha(body), error=why)


def _evaluate(ctx: _Context, w: Watch, out: ModelOutcome, prev: SnapshotView | None,
              profiles: dict[str, Any], validator: str | None) -> tuple[ModelOutcome, ledger.NewSnapshot]:
    """The same library pipeline as `check`: read, resolve, lineage, findings, then a verdict per profile."""
    from smallprint.pipeline.check import check_target
    from smallprint.policy.file import judge_results

    try:
        result = check_target(w.target, offline=True if ctx.offline else None, kb=ctx.kb, resolver=_resolver(ctx, w))
    except SmallprintError as e:
        msg = str(e)
        if isinstance(e, SourceError) and e.kind == "not-found" and w.kind == "hub":
            return _gone(ctx, out, prev, msg)
        return _error(ctx, out, msg)
    verdicts: dict[str, dict[str, Any]] = {}
    for label, prof in profiles.items():
        judged = dataclasses.replace(result, findings=list(result.findings))
        judge_results([judged], prof, ctx.policy, ctx.kb)
        verdicts[label] = judged.verdict.to_dict() if judged.verdict else {}
    revisions = {n.id: _ancestor_revision(ctx, n.id) for n in result.lineage if n.depth > 0}
    reading = reading_of(result, verdicts, revisions, {k: v.to_dict() for k, v in profiles.items()})
    body = reading.body
    if w.kind == "hub" and body.get("revision"):
        validator = body["revision"]
    snap = ledger.NewSnapshot(
        target=w.target,
        status="ok",
        kb_version=ctx.kbv,
        body=body,
        payload_sha256=reading.sha256,
        revision=body.get("revision"),
        card_sha256=body.get("card_sha256"),
        gated=body.get("gated"),
        new_version=body.get("new_version"),
        license_ids=[(str(x["id"]), x.get("text_sha256")) for x in body["licenses"]],
        texts=reading.texts,
        validator=validator,
    )
    if prev is not None and prev.status == "ok" and prev.kb_version == ctx.kbv and canonical_sha(prev.body) == reading.sha256:
        out.unchanged = True  # read again (no validator, or it moved) and nothing in it changed
    out.model_id, out.revision = result.model_id, body.get("revision")
    out.licenses = [str(x["id"]) for x in body["licenses"]]
    out.verdicts = {k: v.get("verdict") for k, v in verdicts.items()}
    if prev is not None:
        after = SnapshotView(w.target, "ok", ctx.kbv, body, revision=body.get("revision"))
        texts = dict(reading.texts)
        stored = ledger.text_of(ctx.store)
        out.changes = compare(prev, after, lambda d: texts.get(d) or stored(d))
    return out, snap


# --- the run ----------------------------------------------------------------------------


ProgressHook = Callable[[int, int, str], None]


def run_watch(
    store: Store,
    *,
    offline: bool = False,
    only: Iterable[str] | None = None,
    policy: Any = None,
    wait_s: float = 0.0,
    kb: KnowledgeBase | None = None,
    prober: HubProber | None = None,
    progress: ProgressHook | None = None,
    note: str | None = None,
) -> RunReport:
    """Check every watched model (or those in `only`) and record one snapshot each."""
    kb = kb or default_kb()
    kbv = kb_version()
    store.check_present()
    with store.session() as s:
        watches = list(s.scalars(_watch_query(only)))
    if only is not None and not watches:
        raise InputError(f"not watched: {', '.join(only)} (see `smallprint watch list`)")
    run_id = ledger.start_run(store, offline=offline, kb_version=kbv, wait_s=wait_s, note=note)
    report = RunReport(run_id, "running", kbv, offline, utcnow())
    done = 0
    pending: list[tuple[ModelOutcome, ledger.NewSnapshot]] = []
    try:
        with store.session() as s:
            prev_rows = ledger.latest_by_target(s, [w.target for w in watches])
            prevs = {t: _view(s, snap) for t, snap in prev_rows.items()}
        by_id: dict[str, str] = {}
        for w in watches:
            if w.kind == "path":
                pv = prevs.get(w.target)
                mid = (_root_id(pv.body) if pv is not None else None) or _folder_model_id(w.target)
                if mid:
                    by_id[str(mid).lower()] = w.target
        if prober is None and not offline and any(w.kind == "hub" for w in watches):
            prober = HubProber()
        ctx = _Context(store, run_id, kb, kbv, offline, policy, prober, _WatchedFolders(by_id))
        if prober is not None:
            prober.start(_probe_ids(watches, prevs))
        flushed_at = time.monotonic()
        for i, w in enumerate(watches, 1):
            if progress is not None:
                progress(i - 1, len(watches), w.target)
            if pending and prober is not None and w.kind == "hub" and not prober.ready(w.target.partition("@")[0]):
                done += _flush(store, run_id, pending)  # write while the network answers
                flushed_at = time.monotonic()
            outcome, snap = observe(ctx, w, prevs.get(w.target))
            report.models.append(outcome)
            if snap.status != "not-checked":
                pending.append((outcome, snap))
            if not outcome.unchanged or len(pending) >= BATCH or time.monotonic() - flushed_at > BATCH_S:
                done += _flush(store, run_id, pending)
                flushed_at = time.monotonic()
        done += _flush(store, run_id, pending)
        if progress is not None:
            progress(len(watches), len(watches), "")
        if ctx.rate_limited is not None:
            report.notes.append(str(ctx.rate_limited))
        _fill_descendants(store, report, [w.target for w in watches])
        report.requests = prober.requests if prober is not None else 0
        report.status = "complete" if ctx.rate_limited is None else "partial"
        report.finished_at = utcnow()
        ledger.finish_run(store, run_id, status=report.status, models=done, changes=len(report.alerting()),
                          note="; ".join(report.notes) or note)
        return report
    except KeyboardInterrupt:
        done += _flush(store, run_id, pending)  # what was fully observed is kept
        ledger.finish_run(store, run_id, status="interrupted", models=done, changes=len(report.alerting()),
                          note=f"interrupted after {done} of {len(watches)} models")
        raise
    except ledger.LeaseLost:
        raise
    except BaseException as e:
        try:
            ledger.finish_run(store, run_id, status="failed", models=done, changes=0, note=str(e)[:500])
        except Exception:  # the store itself failed; the lease expires on its own
            pass
        raise


def _flush(store: Store, run_id: int, pending: list[tuple[ModelOutcome, ledger.NewSnapshot]]) -> int:
    """Write the observed snapshots in one transaction; returns how many."""
    if not pending:
        return 0
    ids = ledger.record_many(store, run_id, [snap for _, snap in pending])
    for (outcome, _), sid in zip(pending, ids, strict=True):
        outcome.snapshot_id = sid
        reopen_reviews(store, outcome)
    n = len(pending)
    pending.clear()
    return n


def reopen_reviews(store: Store, outcome: ModelOutcome) -> list[int]:
    """A change of licence, terms or base puts the model's review decisions back to
    `to-review` (smallprint.reviews.on_watch_change decides which codes do; the snapshot is
    already recorded, so nothing is lost if this fails)."""
    if not outcome.changes:
        return []
    from smallprint.reviews import on_watch_change

    model = outcome.model_id or outcome.target.partition("@")[0]
    detail = "; ".join(c.message for c in outcome.changes[:3])
    return on_watch_change(store.engine, model, [c.code for c in outcome.changes], detail)


def _probe_ids(watches: list[Watch], prevs: dict[str, SnapshotView | None]) -> list[str]:
    """Every Hub id this run will probe: the watched models and their recorded ancestors."""
    ids = [w.target.partition("@")[0] for w in watches if w.kind == "hub"]
    for w in watches:
        pv = prevs.get(w.target)
        if pv is not None:
            ids += [str(n.get("id")) for n in pv.body.get("lineage") or [] if n.get("revision") and (n.get("depth") or 0) > 0]
    return ids


def _root_id(body: dict[str, Any]) -> str | None:
    """The id a model goes by in lineage (its Hub id, else its card or folder name)."""
    root = next((n for n in body.get("lineage") or [] if (n.get("depth") or 0) == 0), None)
    return body.get("model_id") or (root.get("id") if root else None)


def _folder_model_id(target: str) -> str | None:
    """Same rule as the lineage root: `facts.model_id or facts.name`."""
    from smallprint.sources import read_target

    try:
        facts = read_target(target)
    except SmallprintError:
        return None
    return facts.model_id or facts.name


def _watch_query(only: Iterable[str] | None) -> Any:
    from sqlalchemy import func, or_, select

    q = select(Watch).order_by(Watch.id)
    if only is not None:
        names = list(only)
        norm = [ledger.normalise_target(n) for n in names]
        q = q.where(or_(Watch.target.in_(names + norm), func.lower(Watch.target).in_([n.lower() for n in names])))
    return q


def _fill_descendants(store: Store, report: RunReport, targets: list[str]) -> None:
    """base-moved changes list the watched models built on the moved base."""
    moved = [c for c in report.changes if c.code == "base-moved"]
    if not moved:
        return
    with store.session() as s:
        rows = ledger.latest_by_target(s, targets)
        lineages = {
            t: [str(n.get("id")).lower() for n in ledger.body_of(s, snap).get("lineage") or [] if (n.get("depth") or 0) > 0]
            for t, snap in rows.items()
        }
    with_descendants(moved, lineages)
