"""HTML pages, rendered on the server with Jinja2 (autoescaped). Every form carries the
session's CSRF token; every page needs a login (a 401 page holds the login form)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from smallprint.errors import InputError, SmallprintError
from smallprint.reviews import audit
from smallprint.reviews.schema import ROLES
from smallprint.reviews.service import (
    STATE_ROLE,
    STATES,
    Decision,
    bulk_decide,
    decide,
    decisions_of,
    set_duty,
)
from smallprint.server import auth, data, pipeline
from smallprint.server.auth import User
from smallprint.server.uploads import UploadRefused, discard, extract, is_archive, read_form

router = APIRouter(include_in_schema=False)


def render(request: Request, name: str, ctx: dict[str, Any], status: int = 200) -> HTMLResponse:
    user = auth.current_user(request)
    base = {"request": request, "user": user, "csrf": auth.csrf_token(request), "presets": pipeline.presets(),
            "states": STATES, "state_role": STATE_ROLE, "roles": ROLES}
    return request.app.state.templates.TemplateResponse(request, name, {**base, **ctx}, status_code=status)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    if status == 401:
        return render(request, "login.html", {"message": "Please log in.", "next": request.url.path}, 401)
    return render(request, "error.html", {"status": status, "message": message}, status)


async def form_of(request: Request) -> dict[str, str]:
    """A small urlencoded or multipart form (no file), CSRF-checked."""
    form = await read_form(request, request.app.state.config.data_dir, 256 * 1024)
    if form.file_path is not None:
        discard(form)
        raise InputError("this form takes no file")
    auth.check_csrf(request, form.fields.get("csrf_token"))
    return form.fields


def model_url(model_id: str, profile: str | None = None) -> str:
    u = "/models/" + quote(model_id, safe="/@")
    return u + (f"?profile={quote(profile)}" if profile else "")


# -- login --------------------------------------------------------------------------------


@router.get("/login")
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", {"message": None, "next": next})


@router.post("/login")
async def login(request: Request) -> Response:
    f = await form_of(request)
    user = auth.authenticate(request.app.state.engine, f.get("username", ""), f.get("password", ""))
    if user is None:
        return render(request, "login.html", {"message": "Wrong user name or password.", "next": f.get("next", "/")}, 401)
    request.session.clear()
    request.session["uid"] = user.id
    nxt = f.get("next") or "/"
    if not nxt.startswith("/") or nxt.startswith("//"):
        nxt = "/"  # never redirect off this site
    return RedirectResponse(nxt, 303)


@router.post("/logout")
async def logout(request: Request) -> Response:
    await form_of(request)
    request.session.clear()
    return RedirectResponse("/login", 303)


# -- search and models ---------------------------------------------------------------------


@router.get("/")
def search_page(request: Request, q: str = "") -> HTMLResponse:
    auth.require(request)
    hits = data.search(request.app.state.engine, request.app.state.kb, q)
    tpl = "_search_results.html" if request.headers.get("hx-request") else "search.html"
    return render(request, tpl, {"q": q, "hits": hits, "model_url": model_url})


@router.get("/models/{model_id:path}")
def model_page(request: Request, model_id: str, profile: str | None = None) -> HTMLResponse:
    user = auth.require(request)
    view = data.model_view(request, model_id, profile, user, with_result=False)
    rows = view["checked"]
    current = next((r for r in rows if r["profile"] == (profile or data.DEFAULT_PROFILE)), rows[0])
    history = {rv["id"]: decisions_of(request.app.state.engine, rv["id"], user.can("reviewer"))
               for rv in view["reviews"][:20]}
    trail = []
    for rv in view["reviews"][:20]:
        trail.extend(audit.entries(request.app.state.engine, object_type="review", object_id=str(rv["id"])))
    if not user.can("reviewer"):
        trail = [audit.redact_private(t) for t in trail]
    return render(request, "model.html", {
        "view": view, "current": current, "report": current["report_html"], "report_css": pipeline.report_css(),
        "history": history, "trail": sorted(trail, key=lambda t: -t["seq"]), "profile": current["profile"],
        "model_url": model_url, "today": dt.date.today().isoformat(),
    })


@router.post("/reviews/{review_id}/decision")
async def decision_form(request: Request, review_id: int) -> Response:
    user = auth.require(request, "reviewer")
    f = await form_of(request)
    d = _decision(f)
    decide(request.app.state.engine, review_id, d, user.username, user.role)
    return RedirectResponse(_back(f), 303)


@router.post("/reviews/{review_id}/duties/{index}")
async def duty_form(request: Request, review_id: int, index: int) -> Response:
    user = auth.require(request, "reviewer")
    f = await form_of(request)
    set_duty(request.app.state.engine, review_id, index, f.get("done") == "1", user.username, user.role)
    return RedirectResponse(_back(f), 303)


def _back(f: dict[str, str]) -> str:
    """Where a form returns to: a model page of this site, else the review list."""
    back = f.get("back") or ""
    return back if back.startswith("/models/") and "//" not in back else "/reviews"


def _decision(f: dict[str, str]) -> Decision:
    expires = None
    if f.get("expires"):
        try:
            expires = dt.date.fromisoformat(f["expires"])
        except ValueError:
            raise InputError("expiry date must look like 2027-06-30") from None
    duties = None
    if f.get("duties") is not None and f.get("duties", "").strip():
        duties = [{"duty": line.strip(), "done": False} for line in f["duties"].splitlines() if line.strip()]
    return Decision(state=f.get("state", ""), reason=f.get("reason", ""), public_note=f.get("public_note", ""),
                    private_comment=f.get("private_comment", ""), expires=expires, duties=duties)


@router.get("/reviews")
def reviews_page(request: Request, state: str | None = None, license: str | None = None) -> HTMLResponse:
    user = auth.require(request)
    from smallprint.reviews.service import list_reviews

    items = list_reviews(request.app.state.engine, user.can("reviewer"), state=state or None,
                         license_id=license or None)
    return render(request, "reviews.html", {"items": items, "state": state or "", "license": license or "",
                                            "model_url": model_url, "message": request.query_params.get("done")})


@router.post("/reviews/bulk")
async def bulk_form(request: Request) -> Response:
    user = auth.require(request, "approver")
    f = await form_of(request)
    d = _decision(f)
    done = bulk_decide(request.app.state.engine, f.get("license", ""), d, user.username, user.role,
                       profile=f.get("profile") or None)
    return RedirectResponse(f"/reviews?license={quote(f.get('license', ''))}&done={len(done)}", 303)


# -- licences ----------------------------------------------------------------------------


@router.get("/licenses")
def licenses_page(request: Request, kind: str | None = None) -> HTMLResponse:
    auth.require(request)
    kb = request.app.state.kb
    items = sorted((e for e in kb if not kind or e.kind == kind), key=lambda e: e.id)
    return render(request, "licenses.html", {"items": items, "kind": kind or "",
                                             "kinds": sorted({e.kind for e in kb if e.kind})})


@router.get("/licenses/{license_id}")
def license_page(request: Request, license_id: str) -> HTMLResponse:
    auth.require(request)
    kb = request.app.state.kb
    doc = pipeline.explain(license_id, kb)
    lid = doc["license"]["id"]
    text = kb.text(lid) or ""
    lines = text.splitlines()
    hl: dict[int, list[str]] = {}
    for t in doc["terms"]:
        for ev in t.get("evidence") or []:
            if ev.get("file") == f"kb:{lid}":
                for n in range(int(ev["start_line"]), min(int(ev["end_line"]), int(ev["start_line"]) + 200) + 1):
                    hl.setdefault(n, []).append(t["key"])
    return render(request, "license.html", {"doc": doc, "lines": lines, "hl": hl})


@router.get("/diff")
def diff_page(request: Request, a: str = "", b: str = "") -> HTMLResponse:
    auth.require(request)
    doc = pipeline.diff(a, b, request.app.state.kb) if a and b else None
    return render(request, "diff.html", {"a": a, "b": b, "doc": doc, "fmt": _fmt})


def _fmt(term: dict[str, Any] | None) -> str:
    if term is None:
        return "-"
    from smallprint.reports.license_views import fmt_value

    return fmt_value(term.get("value"))


@router.get("/compare")
def compare_page(request: Request, m: Annotated[list[str] | None, Query()] = None, profile: str | None = None) -> HTMLResponse:
    user = auth.require(request)
    models = [x for x in (m or []) if x.strip()][:6]
    cols = []
    for mid in models:
        view = data.model_view(request, mid.strip(), profile, user)
        row = next((r for r in view["checked"] if r["profile"] == (profile or data.DEFAULT_PROFILE)), view["checked"][0])
        cols.append({"model_id": view["model_id"], "result": row["result"], "profile": row["profile"]})
    keys: list[str] = []
    for c in cols:
        for t in c["result"].get("terms") or []:
            if t["key"] not in keys:
                keys.append(t["key"])
    table = []
    for k in keys:
        vals = []
        for c in cols:
            t = next((t for t in c["result"].get("terms") or [] if t["key"] == k), None)
            vals.append(_fmt(t))
        table.append({"key": k, "values": vals, "differs": len(set(vals)) > 1})
    return render(request, "compare.html", {"models": models, "cols": cols, "table": table,
                                            "profile": profile or data.DEFAULT_PROFILE, "model_url": model_url})


# -- check a model ------------------------------------------------------------------------


@router.get("/check")
def check_page(request: Request) -> HTMLResponse:
    auth.require(request, "reviewer")
    return render(request, "check.html", {"message": None, "max_upload": request.app.state.config.max_upload})


@router.post("/check")
async def check_form(request: Request) -> Response:
    user = auth.require(request, "reviewer")
    cfg = request.app.state.config
    form = await read_form(request, cfg.data_dir, cfg.max_upload)
    try:
        auth.check_csrf(request, form.fields.get("csrf_token"))
        profile = form.fields.get("profile") or data.DEFAULT_PROFILE
        name = (form.fields.get("name") or "").strip()[:300] or None
        if form.file_path is not None and form.file_size > 0:
            target = _upload_target(form, form.fields.get("kind") or "auto", cfg.max_upload * 4)
            name = name or form.file_name
        else:
            target = data.typed_target(form.fields.get("target", ""), request.app.state.kb)
        out = data.check_and_record(request, target, profile, user, name)
    except UploadRefused as e:
        return render(request, "check.html", {"message": str(e), "max_upload": cfg.max_upload}, 413)
    except SmallprintError as e:
        return render(request, "check.html", {"message": str(e), "max_upload": cfg.max_upload}, 400)
    finally:
        discard(form)  # uploads are read once and never kept
    first = out[0]["result"]
    return RedirectResponse(model_url(first.model_id or first.target, pipeline.check_profile_name(profile)), 303)


def _upload_target(form: Any, kind: str, max_unpacked: int) -> str:
    """Where the uploaded file sits for the pipeline: a card, a folder with a LICENSE, or an
    unpacked snapshot; always inside the upload's own folder."""
    path = form.file_path
    folder = form.folder
    if kind == "snapshot" or (kind == "auto" and is_archive(path)):
        if not is_archive(path):
            raise UploadRefused("a snapshot must be a zip or tar archive")
        dest = folder / "snapshot"
        extract(path, dest, max_unpacked)
        path.unlink()
        inner = [p for p in dest.iterdir()]
        # an archive of one top folder is that folder
        return str(inner[0] if len(inner) == 1 and inner[0].is_dir() else dest)
    if kind == "card" or (kind == "auto" and path.suffix.lower() in (".md", ".markdown")):
        card = folder / "README.md"
        path.rename(card)
        return str(card)
    # a licence text: a folder holding it as LICENSE, read as a model that ships that licence
    snap = folder / "model"
    snap.mkdir()
    shutil.move(str(path), snap / "LICENSE")
    return str(snap)


# -- portfolio ----------------------------------------------------------------------------


@router.get("/portfolio")
def portfolio_page(request: Request) -> HTMLResponse:
    auth.require(request)
    return render(request, "portfolio.html", {"p": data.portfolio(request.app.state.engine),
                                              "model_url": model_url, "message": None})


@router.post("/portfolio")
async def portfolio_form(request: Request) -> Response:
    user = auth.require(request, "reviewer")
    form = await read_form(request, request.app.state.config.data_dir, data.MAX_INVENTORY)
    try:
        auth.check_csrf(request, form.fields.get("csrf_token"))
        text = form.fields.get("inventory") or ""
        if form.file_path is not None:
            text = form.file_path.read_text(encoding="utf-8", errors="replace")
        data.add_inventory(request, form.fields.get("name", ""), text, user)
    except SmallprintError as e:
        return render(request, "portfolio.html", {"p": data.portfolio(request.app.state.engine),
                                                  "model_url": model_url, "message": str(e)}, 400)
    finally:
        discard(form)
    return RedirectResponse("/portfolio", 303)


# -- audit trail --------------------------------------------------------------------------


def _trail(request: Request, user: User, limit: int | None = None) -> list[dict[str, Any]]:
    items = audit.entries(request.app.state.engine, limit=limit, newest_first=limit is not None)
    return items if user.can("reviewer") else [audit.redact_private(x) for x in items]


@router.get("/audit")
def audit_page(request: Request) -> HTMLResponse:
    user = auth.require(request)
    items = _trail(request, user, limit=500)
    return render(request, "audit.html", {"items": items, "total": audit.count(request.app.state.engine),
                                          "show": lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True)})


@router.get("/audit/export.csv")
def audit_csv(request: Request) -> Response:
    user = auth.require(request)
    return Response(audit.export_csv(_trail(request, user)), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="smallprint-audit.csv"'})


@router.get("/audit/export.json")
def audit_json(request: Request) -> Response:
    user = auth.require(request)
    return Response(audit.export_json(_trail(request, user)), media_type="application/json",
                    headers={"Content-Disposition": 'attachment; filename="smallprint-audit.json"'})


@router.get("/audit/signoff")
def signoff_page(request: Request) -> HTMLResponse:
    user = auth.require(request)
    from smallprint.reviews.service import list_reviews

    engine = request.app.state.engine
    decided = [r for r in list_reviews(engine, False, limit=5000) if r["state"] != "to-review"]
    return render(request, "signoff.html", {
        "reviews": decided, "verify": audit.verify(engine), "items": _trail(request, user),
        "now": audit.stamp(audit.now()), "show": lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True)})


# -- account and admin --------------------------------------------------------------------


@router.get("/account")
def account_page(request: Request) -> HTMLResponse:
    auth.require(request)
    return render(request, "account.html", {"token": None})


@router.post("/account/tokens")
async def token_form(request: Request) -> HTMLResponse:
    user = auth.require(request)
    f = await form_of(request)
    secret = auth.create_token(request.app.state.engine, user, f.get("name", "ci"))
    return render(request, "account.html", {"token": secret})


@router.get("/admin")
def admin_page(request: Request) -> HTMLResponse:
    auth.require(request, "admin")
    return render(request, "admin.html", {"users": auth.list_users(request.app.state.engine), "message": None})


@router.post("/admin/users")
async def admin_users(request: Request) -> Response:
    user = auth.require(request, "admin")
    f = await form_of(request)
    engine = request.app.state.engine
    try:
        if f.get("password"):
            auth.create_user(engine, f.get("username", ""), f["password"], f.get("role", "viewer"), user.username)
        else:
            auth.set_role(engine, f.get("username", ""), f.get("role", "viewer"), user.username)
    except SmallprintError as e:
        return render(request, "admin.html", {"users": auth.list_users(engine), "message": str(e)}, 400)
    return RedirectResponse("/admin", 303)
