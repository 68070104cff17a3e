"""What the pages and the API both read: search, checked models, checks, the portfolio."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml
from fastapi import Request
from sqlalchemy import or_, select
from sqlalchemy.engine import Engine

from smallprint.errors import InputError
from smallprint.kb import KnowledgeBase
from smallprint.model import CheckResult
from smallprint.reviews import audit
from smallprint.reviews.schema import checked_models, inventories, reviews
from smallprint.reviews.service import record_check, review_dict, write
from smallprint.server import pipeline
from smallprint.server.auth import User

HUB_ID = re.compile(r"^[A-Za-z0-9][\w.\-]*/[\w.\-]+(@[\w.\-/]+)?$")
DEFAULT_PROFILE = "commercial-saas"
EXPIRY_WINDOW_DAYS = 30


def _like(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search(engine: Engine, kb: KnowledgeBase, q: str, limit: int = 50) -> dict[str, list[dict[str, Any]]]:
    """Catalogued and already checked models whose id, family or licence contains `q`."""
    q = q.strip()[:200]
    ql = q.lower()
    catalog = []
    for m in kb.models.values():
        if not ql or ql in m.id.lower() or ql in (m.family or "").lower() or ql in m.license.lower() \
                or any(ql in a.lower() for a in m.aliases):
            catalog.append({"model_id": m.id, "license": m.license, "family": m.family,
                            "publisher": m.publisher})
            if len(catalog) >= limit:
                break
    stmt = select(checked_models.c.model_id, checked_models.c.revision, checked_models.c.profile,
                  checked_models.c.licenses, checked_models.c.verdict, checked_models.c.checked_at)
    if q:
        pat = _like(q)
        stmt = stmt.where(or_(checked_models.c.model_id.like(pat, escape="\\"),
                              checked_models.c.licenses.like(pat, escape="\\")))
    stmt = stmt.order_by(checked_models.c.checked_at.desc()).limit(limit)
    with engine.connect() as conn:
        checked = [{"model_id": r.model_id, "revision": r.revision, "profile": r.profile,
                    "licenses": [x for x in r.licenses.split(",") if x], "verdict": r.verdict,
                    "checked_at": audit.stamp(r.checked_at)} for r in conn.execute(stmt)]
    return {"catalog": catalog, "checked": checked}


def checked_rows(engine: Engine, model_id: str, profile: str | None = None,
                 with_result: bool = True) -> list[dict[str, Any]]:
    """A model's stored checks, newest first; without the result document when a page only
    shows the rendered report (decoding it is most of a page's cost)."""
    cols = [c for c in checked_models.c if with_result or c.name != "result"]
    stmt = select(*cols).where(checked_models.c.model_id == model_id)
    if profile:
        stmt = stmt.where(checked_models.c.profile == profile)
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt.order_by(checked_models.c.checked_at.desc())).mappings()]


def profile_name_of(preset: str) -> str:
    return pipeline.check_profile_name(preset)


def check_and_record(request: Request, target: str, profile: str, user: User,
                     name: str | None = None) -> list[dict[str, Any]]:
    """Run the pipeline on one target and record each result (store + review)."""
    app = request.app
    opts = pipeline.CheckOptions(offline=app.state.config.offline, policy=app.state.config.policy)
    if profile not in pipeline.presets():
        raise InputError(f"unknown profile {profile!r} (one of {', '.join(pipeline.presets())})")
    results = pipeline.check(target, profile, opts, app.state.kb)
    out = []
    for r in results:
        if r.error:
            raise InputError(r.error)
        if name:
            r.model_id = name
        rec = record_check(app.state.engine, r, pipeline.report_body(r), user.username)
        out.append({"result": r, **rec})
    return out


def typed_target(target: str, kb: KnowledgeBase) -> str:
    """A target typed into the form: a Hub id or a catalogued name, never a server path."""
    target = target.strip()
    if not target or len(target) > 300:
        raise InputError("give a Hub model id (org/name) or a catalogued model name")
    if target.startswith((".", "/", "~")) or "\\" in target or ".." in target:
        raise InputError(f"{target}: not a Hub model id")
    if Path(target).exists() and kb.model(target) is None:
        raise InputError(f"{target}: not a Hub model id")
    if not HUB_ID.match(target) and kb.model(target) is None:
        raise InputError(f"{target}: not a Hub model id (org/name) nor a catalogued model")
    return target


def model_view(request: Request, model_id: str, profile: str | None, user: User,
               with_result: bool = True) -> dict[str, Any]:
    """Everything the model page and `GET /api/v1/models/{id}` show for one model.

    A catalogued model that was never checked is checked now (offline, from the catalog)
    under the profile, so every catalogued model has a page."""
    engine, kb = request.app.state.engine, request.app.state.kb
    prof = profile or DEFAULT_PROFILE
    rows = checked_rows(engine, model_id, pipeline.check_profile_name(prof), with_result)
    entry = kb.model(model_id) if not rows else None
    if entry is not None and profile is not None and prof in pipeline.presets():
        # a catalogued model asked for under a profile it was not checked under: check it now
        check_and_record(request, entry.id, prof, user)
        rows = checked_rows(engine, entry.id, pipeline.check_profile_name(prof), with_result)
    if not rows:
        rows = checked_rows(engine, model_id, None, with_result)
    if not rows:
        if entry is None:
            from smallprint.reviews.service import NotFound

            raise NotFound(f"{model_id}: not checked yet and not in the catalog")
        check_and_record(request, entry.id, prof, user)
        rows = checked_rows(engine, entry.id, None, with_result)
    private = user.can("reviewer")
    with engine.connect() as conn:
        revs = [review_dict(r, private) for r in conn.execute(
            select(reviews).where(reviews.c.model_id == rows[0]["model_id"]).order_by(reviews.c.id.desc())
        ).mappings()]
    return {"model_id": rows[0]["model_id"], "checked": rows, "reviews": revs,
            "history": watch_history(engine, rows[0]["model_id"])}


def watch_history(engine: Engine, model_id: str, limit: int = 50) -> list[dict[str, Any]]:
    """The watch's snapshots of a model, newest first, read from the store's `snapshots`
    (empty when the model is not watched)."""
    from smallprint.store.models import Snapshot

    stmt = (select(Snapshot.taken_at, Snapshot.revision, Snapshot.license_ids, Snapshot.status, Snapshot.error)
            .where(Snapshot.target == model_id).order_by(Snapshot.id.desc()).limit(limit))
    with engine.connect() as conn:
        return [{"at": audit.stamp(r.taken_at), "revision": r.revision or "", "license": r.license_ids,
                 "status": r.status, "change": r.error or ""} for r in conn.execute(stmt)]


# -- portfolio -----------------------------------------------------------------------------

MAX_INVENTORY = 1024 * 1024


def _safe_inventory(text: str) -> None:
    """An uploaded inventory may name presets or inline profiles, never a file on the server."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise InputError(f"inventory: broken YAML: {str(e).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise InputError("inventory: expected a mapping with 'products'")
    presets = set(pipeline.presets())
    for p in data.get("products") or []:
        prof = p.get("profile") if isinstance(p, dict) else None
        if isinstance(prof, str) and prof not in presets:
            raise InputError(f"inventory: profile {prof!r} is not a preset (uploads may not name files)")


def add_inventory(request: Request, name: str, text: str, user: User) -> dict[str, Any]:
    """Check every model of an inventory, record them, and keep the product summary."""
    app = request.app
    name = name.strip()[:200]
    if not name:
        raise InputError("an inventory needs a name")
    if len(text.encode("utf-8")) > MAX_INVENTORY:
        raise InputError("inventory larger than 1 MiB")
    _safe_inventory(text)
    from smallprint.server.uploads import new_folder

    folder = new_folder(app.state.config.data_dir)
    try:
        path = folder / "inventory.yaml"
        path.write_text(text, encoding="utf-8")
        opts = pipeline.CheckOptions(offline=app.state.config.offline, policy=app.state.config.policy)
        results = pipeline.inventory_results(path, opts, app.state.kb)
    finally:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    summary = []
    for r in results:
        product, _, mid = r.target.partition(": ")
        entry: dict[str, Any] = {"product": product, "model_id": r.model_id or mid, "error": r.error,
                                 "profile": (r.verdict.get("profile") if r.verdict else None),
                                 "verdict": (r.verdict.get("verdict") if r.verdict else None),
                                 "licenses": [m.id for m in r.license.licenses]}
        if not r.error:
            r.target = r.model_id or mid
            rec = record_check(app.state.engine, r, pipeline.report_body(r), user.username)
            entry["review"] = rec["review"]["id"]
        summary.append(entry)
    at = audit.now()

    def tx(conn: Any) -> None:
        old = conn.execute(select(inventories).where(inventories.c.name == name)).mappings().first()
        values = dict(text=text, results=summary, uploaded_by=user.username, uploaded_at=at)
        if old is None:
            conn.execute(inventories.insert().values(name=name, **values))
        else:
            conn.execute(inventories.update().where(inventories.c.id == old["id"]).values(**values))
        audit.append(conn, user.username, "inventory", "inventory", name,
                     None if old is None else {"models": len(old["results"] or [])}, {"models": len(summary)}, at)

    write(app.state.engine, tx)
    return {"name": name, "models": summary}


def portfolio(engine: Engine, today: dt.date | None = None) -> dict[str, Any]:
    """Per product: its models, their verdicts and review states; open reviews; exceptions
    expiring within 30 days."""
    today = today or dt.date.today()
    with engine.connect() as conn:
        invs = conn.execute(select(inventories).order_by(inventories.c.name)).mappings().all()
        revs = {r["id"]: r for r in conn.execute(select(reviews)).mappings()}
    products: list[dict[str, Any]] = []
    for inv in invs:
        by_product: dict[str, list[dict[str, Any]]] = {}
        for m in inv["results"] or []:
            rv = revs.get(m.get("review"))
            row = dict(m)
            row["state"] = rv["state"] if rv else None
            row["expires"] = rv["expires"].isoformat() if rv and rv["expires"] else None
            by_product.setdefault(m["product"], []).append(row)
        for prod, models in by_product.items():
            products.append({"inventory": inv["name"], "product": prod, "models": models,
                             "open": sum(1 for x in models if x["state"] in ("to-review", "needs-legal"))})
    horizon = today + dt.timedelta(days=EXPIRY_WINDOW_DAYS)
    expiring = [review_dict(r, False) for r in revs.values()
                if r["state"] == "exception" and r["expires"] is not None and r["expires"] <= horizon]
    open_reviews = [review_dict(r, False) for r in revs.values() if r["state"] in ("to-review", "needs-legal")]
    return {"products": products, "expiring": sorted(expiring, key=lambda x: x["expires"] or ""),
            "open_reviews": sorted(open_reviews, key=lambda x: x["id"])[:500]}


def result_of(row: dict[str, Any]) -> dict[str, Any]:
    return dict(row["result"])


def check_result_doc(results: list[CheckResult]) -> dict[str, Any]:
    return {"schema": "smallprint/check/1", "results": [r.to_dict() for r in results]}
