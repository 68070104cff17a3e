"""The FastAPI application: HTML pages (Jinja2, rendered on the server) and a JSON API.

One process serves both; `create_app` is what `smallprint serve` runs under uvicorn and
what the tests drive through httpx.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import HTTPException as FastAPIHTTPException
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.engine import Engine
from starlette.datastructures import MutableHeaders
from starlette.middleware.sessions import SessionMiddleware

from smallprint import __version__
from smallprint.errors import SmallprintError
from smallprint.reviews.service import NotFound, PermissionDenied
from smallprint.server.config import ServerConfig

HERE = Path(__file__).parent
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


class SecurityHeaders:
    """CSP, no sniffing, no framing, no caching of pages: a plain ASGI middleware (cheaper
    per request than a BaseHTTPMiddleware)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/static/")

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CSP)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "same-origin")
                if not static:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def open_engine(config: ServerConfig) -> Engine:
    """The store (created and upgraded to head, which holds the review tables)."""
    from smallprint.store import open_store

    if config.db is None:
        config.data_dir.mkdir(parents=True, exist_ok=True)
    return open_store(config.db_spec()).engine


def create_app(config: ServerConfig, engine: Engine | None = None) -> FastAPI:
    from smallprint.kb import default_kb
    from smallprint.server import api, pages

    app = FastAPI(
        title="smallprint",
        version=__version__,
        description="Due diligence on AI model licences: checks, reviews, decisions and an audit trail.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.config = config
    app.state.engine = engine or open_engine(config)
    app.state.kb = default_kb()
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["version"] = __version__
    app.state.templates = templates

    app.add_middleware(
        SessionMiddleware,
        secret_key=config.key(),
        session_cookie="smallprint_session",
        max_age=config.session_hours * 3600,
        same_site="lax",
        https_only=config.secure_cookies,
    )

    app.add_middleware(SecurityHeaders)

    def is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    @app.exception_handler(FastAPIHTTPException)
    async def http_error(request: Request, exc: FastAPIHTTPException) -> Response:
        if is_api(request) or exc.status_code not in (401, 403, 404, 400, 413, 415):
            return JSONResponse({"detail": exc.detail}, exc.status_code, headers=exc.headers)
        return pages.error_page(request, exc.status_code, str(exc.detail))

    @app.exception_handler(SmallprintError)
    async def input_error(request: Request, exc: SmallprintError) -> Response:
        if is_api(request):
            return JSONResponse({"detail": str(exc)}, 400)
        return pages.error_page(request, 400, str(exc))

    @app.exception_handler(PermissionDenied)
    async def denied(request: Request, exc: PermissionDenied) -> Response:
        if is_api(request):
            return JSONResponse({"detail": str(exc)}, 403)
        return pages.error_page(request, 403, str(exc))

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        if is_api(request):
            return JSONResponse({"detail": str(exc)}, 404)
        return pages.error_page(request, 404, str(exc))

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> HTMLResponse:
        return HTMLResponse("ok")

    return app
