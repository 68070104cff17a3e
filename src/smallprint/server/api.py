"""The JSON API (`/api/v1`), documented by its OpenAPI document at /api/openapi.json.

Authenticate with `Authorization: Bearer <token>` (tokens per user, for CI) or the session
cookie; cookie-authenticated writes also send `X-CSRF-Token`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from smallprint.errors import InputError
from smallprint.reviews import audit
from smallprint.reviews.service import (
    STATES,
    Decision,
    approved_exceptions,
    bulk_decide,
    decide,
    decisions_of,
    get_review,
    list_reviews,
    set_duty,
)
from smallprint.server import auth, data, pipeline

State = Literal["to-review", "approved", "approved-with-duties", "rejected", "needs-legal", "exception"]
assert set(State.__args__) == set(STATES)  # type: ignore[attr-defined]


class ErrorOut(BaseModel):
    detail: Any


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "bad input"},
    401: {"model": ErrorOut, "description": "login required"},
    403: {"model": ErrorOut, "description": "role too low or CSRF token missing"},
    404: {"model": ErrorOut, "description": "not found"},
}

router = APIRouter(prefix="/api/v1", responses=ERRORS)


class Me(BaseModel):
    username: str
    role: str


class Duty(BaseModel):
    duty: str = Field(max_length=2000)
    done: bool = False


class ReviewOut(BaseModel):
    id: int
    model_id: str
    revision: str
    text_hash: str
    profile: str
    licenses: list[str]
    state: State
    reason: str
    public_note: str
    private_comment: str | None = Field(None, description="only for reviewers and above")
    duties: list[Duty]
    expires: str | None
    reviewer: str | None
    decided_at: str | None
    created_at: str
    reopened_because: str


class DecisionOut(BaseModel):
    state: State
    reason: str
    public_note: str
    private_comment: str | None = None
    duties: list[Duty]
    expires: str | None
    reviewer: str
    decided_at: str


class ReviewDetail(ReviewOut):
    decisions: list[DecisionOut]


class DecisionIn(BaseModel):
    state: State
    reason: str = Field("", max_length=20000)
    public_note: str = Field("", max_length=20000)
    private_comment: str = Field("", max_length=20000)
    expires: dt.date | None = None
    duties: list[Duty] | None = None


class BulkIn(DecisionIn):
    license: str = Field(min_length=1, max_length=200)
    profile: str | None = Field(None, max_length=200)


class BulkOut(BaseModel):
    reviews: list[int]


class CheckIn(BaseModel):
    target: str = Field(min_length=1, max_length=300, description="a Hub id (org/name[@rev]) or a catalogued model")
    profile: str = Field("commercial-saas", max_length=100, description="a preset profile")


class CheckOut(BaseModel):
    schema_: str = Field(alias="schema")
    results: list[dict[str, Any]]
    reviews: list[ReviewOut]
    reused: list[bool]


class CatalogHit(BaseModel):
    model_id: str
    license: str
    family: str | None
    publisher: str | None


class CheckedHit(BaseModel):
    model_id: str
    revision: str
    profile: str
    licenses: list[str]
    verdict: str | None
    checked_at: str


class SearchOut(BaseModel):
    catalog: list[CatalogHit]
    checked: list[CheckedHit]


class CheckedModel(BaseModel):
    revision: str
    profile: str
    licenses: list[str]
    verdict: str | None
    checked_at: str
    checked_by: str
    result: dict[str, Any]


class ModelOut(BaseModel):
    model_id: str
    checked: list[CheckedModel]
    reviews: list[ReviewOut]
    history: list[dict[str, Any]]


class AuditEntry(BaseModel):
    seq: int
    at: str
    actor: str
    action: str
    object_type: str
    object_id: str
    before: Any
    after: Any
    prev_hash: str
    hash: str


class AuditOut(BaseModel):
    schema_: str = Field(alias="schema")
    total: int
    entries: list[AuditEntry]


class VerifyOut(BaseModel):
    ok: bool
    entries: int
    first_bad: int | None
    problem: str | None


class TokenIn(BaseModel):
    name: str = Field("ci", min_length=1, max_length=120)


class TokenOut(BaseModel):
    token: str


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=120)
    password: str = Field(min_length=auth.MIN_PASSWORD, max_length=1000)
    role: Literal["viewer", "reviewer", "approver", "admin"]


class UserOut(BaseModel):
    username: str
    role: str
    active: bool


class InventoryIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    inventory: str = Field(min_length=1, max_length=data.MAX_INVENTORY, description="inventory YAML")


class PortfolioOut(BaseModel):
    products: list[dict[str, Any]]
    expiring: list[ReviewOut]
    open_reviews: list[ReviewOut]


CsrfHeader = Annotated[str | None, Header(alias="X-CSRF-Token", description="for cookie sessions")]


def _write_user(request: Request, role: str, csrf: str | None) -> auth.User:
    user = auth.require(request, role)
    auth.check_csrf(request, csrf)
    return user


@router.get("/me", response_model=Me)
def me(request: Request) -> Me:
    u = auth.require(request)
    return Me(username=u.username, role=u.role)


@router.get("/search", response_model=SearchOut)
def search(request: Request, q: Annotated[str, Query(max_length=200)] = "",
           limit: Annotated[int, Query(ge=1, le=200)] = 50) -> dict[str, Any]:
    auth.require(request)
    return data.search(request.app.state.engine, request.app.state.kb, q, limit)


@router.get("/models/{model_id:path}", response_model=ModelOut)
def model(request: Request, model_id: str, profile: Annotated[str | None, Query(max_length=100)] = None) -> dict[str, Any]:
    user = auth.require(request)
    if profile is not None and profile not in pipeline.presets():
        raise InputError(f"unknown profile {profile!r}")
    view = data.model_view(request, model_id, profile, user)
    view["checked"] = [{"revision": r["revision"], "profile": r["profile"],
                        "licenses": [x for x in r["licenses"].split(",") if x], "verdict": r["verdict"],
                        "checked_at": audit.stamp(r["checked_at"]), "checked_by": r["checked_by"],
                        "result": r["result"]} for r in view["checked"]]
    return view


@router.post("/check", response_model=CheckOut, response_model_by_alias=True)
def check(request: Request, body: CheckIn, x_csrf_token: CsrfHeader = None) -> dict[str, Any]:
    user = _write_user(request, "reviewer", x_csrf_token)
    target = data.typed_target(body.target, request.app.state.kb)
    out = data.check_and_record(request, target, body.profile, user)
    return {"schema": "smallprint/check/1", "results": [x["result"].to_dict() for x in out],
            "reviews": [x["review"] for x in out], "reused": [x["reused"] for x in out]}


@router.get("/licenses/{license_id}", response_model=dict[str, Any], summary="explain a licence (smallprint/explain/1)")
def license_(request: Request, license_id: str) -> dict[str, Any]:
    auth.require(request)
    return pipeline.explain(license_id, request.app.state.kb)


@router.get("/diff", response_model=dict[str, Any], summary="compare two licences (smallprint/diff/1)")
def diff(request: Request, a: Annotated[str, Query(min_length=1, max_length=200)],
         b: Annotated[str, Query(min_length=1, max_length=200)]) -> dict[str, Any]:
    auth.require(request)
    return pipeline.diff(a, b, request.app.state.kb)


@router.get("/reviews", response_model=list[ReviewOut])
def reviews(request: Request, state: State | None = None,
            model: Annotated[str | None, Query(max_length=400)] = None,
            license: Annotated[str | None, Query(max_length=200)] = None,
            limit: Annotated[int, Query(ge=1, le=1000)] = 200,
            offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> list[dict[str, Any]]:
    user = auth.require(request)
    return list_reviews(request.app.state.engine, user.can("reviewer"), model_id=model, state=state,
                        license_id=license, limit=limit, offset=offset)


@router.get("/reviews/{review_id}", response_model=ReviewDetail)
def review(request: Request, review_id: int) -> dict[str, Any]:
    user = auth.require(request)
    private = user.can("reviewer")
    r = get_review(request.app.state.engine, review_id, private)
    r["decisions"] = decisions_of(request.app.state.engine, review_id, private)
    return r


def _decision(body: DecisionIn) -> Decision:
    return Decision(state=body.state, reason=body.reason, public_note=body.public_note,
                    private_comment=body.private_comment, expires=body.expires,
                    duties=None if body.duties is None else [d.model_dump() for d in body.duties])


@router.post("/reviews/{review_id}/decision", response_model=ReviewOut)
def record_decision(request: Request, review_id: int, body: DecisionIn, x_csrf_token: CsrfHeader = None) -> dict[str, Any]:
    user = _write_user(request, "reviewer", x_csrf_token)
    return decide(request.app.state.engine, review_id, _decision(body), user.username, user.role)


@router.post("/reviews/{review_id}/duties/{index}", response_model=ReviewOut)
def tick_duty(request: Request, review_id: int, index: int,
              done: bool = True, x_csrf_token: CsrfHeader = None) -> dict[str, Any]:
    user = _write_user(request, "reviewer", x_csrf_token)
    return set_duty(request.app.state.engine, review_id, index, done, user.username, user.role)


@router.post("/reviews/bulk", response_model=BulkOut)
def bulk(request: Request, body: BulkIn, x_csrf_token: CsrfHeader = None) -> dict[str, Any]:
    user = _write_user(request, "approver", x_csrf_token)
    done = bulk_decide(request.app.state.engine, body.license, _decision(body), user.username, user.role,
                       profile=body.profile)
    return {"reviews": done}


@router.get("/decisions/exceptions", response_model=list[ReviewOut],
            summary="reviews in state exception, for `smallprint check --decisions URL`")
def exceptions(request: Request) -> list[dict[str, Any]]:
    auth.require(request)
    return approved_exceptions(request.app.state.engine)


@router.get("/portfolio", response_model=PortfolioOut)
def portfolio(request: Request) -> dict[str, Any]:
    auth.require(request)
    return data.portfolio(request.app.state.engine)


@router.post("/inventories", response_model=dict[str, Any])
def add_inventory(request: Request, body: InventoryIn, x_csrf_token: CsrfHeader = None) -> dict[str, Any]:
    user = _write_user(request, "reviewer", x_csrf_token)
    return data.add_inventory(request, body.name, body.inventory, user)


@router.get("/audit", response_model=AuditOut, response_model_by_alias=True)
def audit_trail(request: Request, limit: Annotated[int, Query(ge=1, le=5000)] = 500,
                after: Annotated[int, Query(ge=0, le=2**62)] = 0) -> dict[str, Any]:
    user = auth.require(request)
    engine = request.app.state.engine
    items = audit.entries(engine, limit=limit, after=after)
    if not user.can("reviewer"):
        items = [audit.redact_private(x) for x in items]
    return {"schema": audit.AUDIT_SCHEMA, "total": audit.count(engine), "entries": items}


@router.get("/audit/export.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def audit_csv(request: Request) -> Response:
    user = auth.require(request)
    items = audit.entries(request.app.state.engine)
    if not user.can("reviewer"):
        items = [audit.redact_private(x) for x in items]
    return Response(audit.export_csv(items), media_type="text/csv")


@router.get("/audit/verify", response_model=VerifyOut)
def audit_verify(request: Request) -> dict[str, Any]:
    auth.require(request)
    v = audit.verify(request.app.state.engine)
    return {"ok": v.ok, "entries": v.entries, "first_bad": v.first_bad, "problem": v.problem}


@router.post("/tokens", response_model=TokenOut)
def new_token(request: Request, body: TokenIn, x_csrf_token: CsrfHeader = None) -> dict[str, Any]:
    user = _write_user(request, "viewer", x_csrf_token)
    return {"token": auth.create_token(request.app.state.engine, user, body.name)}


@router.get("/users", response_model=list[UserOut])
def users(request: Request) -> list[dict[str, Any]]:
    auth.require(request, "admin")
    return auth.list_users(request.app.state.engine)


@router.post("/users", response_model=UserOut)
def add_user(request: Request, body: UserIn, x_csrf_token: CsrfHeader = None) -> dict[str, Any]:
    user = _write_user(request, "admin", x_csrf_token)
    auth.create_user(request.app.state.engine, body.username, body.password, body.role, user.username)
    return {"username": body.username.strip(), "role": body.role, "active": True}
