"""A stand-in Hugging Face Hub on loopback, answering in the Hub's response shapes.

Serves `/api/models` (search), `/api/models/{id}[/revision/{rev}]` and `HEAD`/`GET /{id}/resolve/{rev}/{file}`
with `X-Repo-Commit` and `ETag`, and the Hub's error headers (`X-Error-Code:
RepoNotFound`, `GatedRepo`, `RevisionNotFound`, `EntryNotFound`), 429 for a
rate-limited repo and a slow repo for timeouts. File GETs honour a single `Range`
(`206 Partial Content` with `Content-Range`, `416` past the end), optionally after a
302 to a CDN-like path as the Hub does for large files; files may live on disk
(sparse multi-GB weights). Every request and the body bytes sent are logged so tests
can assert what was (not) fetched.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit


@dataclass
class FakeRepo:
    """One model repository: files at one commit, API fields, and how it misbehaves."""

    repo_id: str
    files: dict[str, bytes]
    sha: str = "a" * 40
    card_data: dict[str, Any] | None = None
    tags: list[str] = field(default_factory=list)
    gated: bool | str = False  # "auto" | "manual": the API answers, files need a token
    gated_api: bool = False  # the API itself answers 403 GatedRepo
    rate_limited: bool = False
    slow_seconds: float = 0.0
    extra_files: dict[str, int] = field(default_factory=dict)  # listed, not served: name -> size
    token: str | None = None  # a gated repo's files are served when this bearer token is sent
    disk_files: dict[str, Path] = field(default_factory=dict)  # served from disk (sparse big weights)
    gguf: dict[str, Any] | None = None  # the API's `gguf` summary field
    ranges: bool = True  # False: ignore Range and answer 200 with the whole file
    redirect_files: bool = False  # 302 weight-file GETs to a CDN-like path, as the Hub does for LFS
    broken_files: set[str] = field(default_factory=set)  # answer 500 for these
    sizes_in_info: bool = True  # the real API lists sizes only with blobs=True
    slow_file_seconds: float = 0.0  # wait this long before answering a weight-file GET
    pipeline_tag: str = "text-generation"
    last_modified: str = "2025-01-02T00:00:00.000Z"  # lastModified in the API (listings sort by it)
    downloads: int = 0
    revisions: dict[str, FakeRepo] = field(default_factory=dict)  # other commits: sha -> that commit's repo
    rate_limit_first: int = 0  # answer 429 (with Retry-After) to this many API requests, then serve
    retry_after: str | None = None  # the Retry-After header of those 429s

    def at(self, revision: str | None) -> FakeRepo | None:
        """The repo as of a revision: main or its own sha, or one of `revisions` (None: unknown)."""
        if revision in (None, "main", self.sha):
            return self
        return self.revisions.get(str(revision))

    def info(self) -> dict[str, Any]:
        org = self.repo_id.split("/")[0]
        siblings = [{"rfilename": n, "size": len(b)} for n, b in self.files.items()]
        siblings += [{"rfilename": n, "size": p.stat().st_size} for n, p in self.disk_files.items()]
        siblings += [{"rfilename": n, "size": s} for n, s in self.extra_files.items()]
        if not self.sizes_in_info:
            siblings = [{"rfilename": s["rfilename"]} for s in siblings]
        return {
            "_id": hashlib.sha1(self.repo_id.encode()).hexdigest()[:24],
            "id": self.repo_id,
            "modelId": self.repo_id,
            "author": org,
            "sha": self.sha,
            "private": False,
            "gated": self.gated,
            "disabled": False,
            "tags": self.tags,
            "downloads": self.downloads,
            "likes": 0,
            "library_name": "transformers",
            "pipeline_tag": self.pipeline_tag,
            "lastModified": self.last_modified,
            "createdAt": "2025-01-01T00:00:00.000Z",
            "cardData": self.card_data,
            "siblings": siblings,
            **({"gguf": self.gguf} if self.gguf is not None else {}),
        }

    def size_of(self, name: str) -> int | None:
        if name in self.files:
            return len(self.files[name])
        if name in self.disk_files:
            return self.disk_files[name].stat().st_size
        return None

    def read(self, name: str, start: int, end: int) -> bytes:
        """Bytes [start, end) of a served file."""
        if name in self.files:
            return self.files[name][start:end]
        with self.disk_files[name].open("rb") as handle:
            handle.seek(start)
            return handle.read(end - start)


def _etag(repo: FakeRepo, name: str, size: int) -> str:
    body = repo.files[name] if name in repo.files else f"{name}:{size}".encode()
    return hashlib.sha1(body).hexdigest()


class StandInHub:
    """Owns the server thread; use as a context manager, read `.url` and `.requests`."""

    def __init__(self, repos: list[FakeRepo] | None = None) -> None:
        self.repos: dict[str, FakeRepo] = {r.repo_id: r for r in repos or []}
        self.requests: list[str] = []
        self.ranges: list[tuple[str, str]] = []  # (file, Range header or "") of every file GET
        self.body_bytes = 0  # file body bytes sent, all requests together
        self.page_size = 50  # models per page of a listing (`GET /api/models`, paged by Link headers)
        self.listed = 0  # models returned by listings, all pages together
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def add(self, repo: FakeRepo) -> None:
        self.repos[repo.repo_id] = repo

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> StandInHub:
        hub = self

        class Handler(_Handler):
            stand_in = hub

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()


class _Handler(BaseHTTPRequestHandler):
    stand_in: StandInHub
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # silence the default stderr log
        return

    def do_GET(self) -> None:
        self._route(send_body=True)

    def do_HEAD(self) -> None:
        self._route(send_body=False)

    def _route(self, *, send_body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        self.stand_in.requests.append(f"{self.command} {path}")
        parts = [p for p in path.split("/") if p]
        if parts == ["api", "models"]:
            self._list_models(send_body)
        elif len(parts) >= 4 and parts[0] == "api" and parts[1] == "models":
            self._model_info(parts[2:], send_body)
        elif len(parts) >= 5 and parts[2] == "resolve":
            self._resolve(f"{parts[0]}/{parts[1]}", parts[3], "/".join(parts[4:]), send_body)
        elif len(parts) >= 4 and parts[0] == "cdn":
            self._cdn(f"{parts[1]}/{parts[2]}", "/".join(parts[3:]), send_body)
        else:
            self._error(404, "RepoNotFound", "Repository not found", send_body)

    def _list_models(self, send_body: bool) -> None:
        """`GET /api/models`: the Hub's model listing. Filters `search`, `pipeline_tag`, `author`;
        `sort=downloads` (most first) or `sort=lastModified` (newest first); `limit`; `cardData`
        on request; pages of `page_size` linked by `Link: <...>; rel="next"` as the Hub pages
        them (`num_parameters` is accepted and not applied)."""
        from urllib.parse import parse_qs, urlencode

        query = urlsplit(self.path).query
        self.stand_in.requests[-1] += "?" + query
        q = {k: v[-1] for k, v in parse_qs(query).items()}
        repos = [r for r in self.stand_in.repos.values()
                 if (not q.get("search") or q["search"].lower() in r.repo_id.lower())
                 and (not q.get("pipeline_tag") or q["pipeline_tag"] == r.pipeline_tag)
                 and (not q.get("author") or r.repo_id.split("/")[0] == q["author"])]
        if q.get("sort") == "lastModified":
            repos.sort(key=lambda r: (r.last_modified, r.repo_id), reverse=True)
        else:
            repos.sort(key=lambda r: -r.downloads)
        if q.get("limit", "").isdigit():
            repos = repos[: int(q["limit"])]
        start = int(q.get("cursor", "0"))
        page = repos[start : start + self.stand_in.page_size]
        with_card = q.get("cardData", "").lower() == "true"
        body = []
        for r in page:
            item = {k: v for k, v in r.info().items() if k not in ("siblings", "cardData")}
            if with_card:
                item["cardData"] = r.card_data
            body.append(item)
        self.stand_in.listed += len(body)
        headers = {"Content-Type": "application/json"}
        if start + len(page) < len(repos):
            rest = {k: v for k, v in q.items() if k != "cursor"}
            host, port = self.server.server_address[:2]
            headers["Link"] = f'<http://{host!s}:{port}/api/models?{urlencode({**rest, "cursor": start + len(page)})}>; rel="next"'
        self._send(200, json.dumps(body).encode(), headers, send_body)

    def _model_info(self, parts: list[str], send_body: bool) -> None:
        repo = self.stand_in.repos.get(f"{parts[0]}/{parts[1]}")
        if repo is None:
            self._error(404, "RepoNotFound", "Repository not found", send_body)
            return
        if repo.slow_seconds:
            time.sleep(repo.slow_seconds)
        if repo.rate_limited:
            self._error(429, None, "Too Many Requests", send_body)
            return
        if repo.rate_limit_first > 0:
            repo.rate_limit_first -= 1
            self._error(429, None, "Too Many Requests", send_body, retry_after=repo.retry_after)
            return
        if repo.gated_api:
            self._error(403, "GatedRepo", "Access to this model is restricted", send_body)
            return
        if len(parts) >= 4 and parts[2] == "revision":
            at = repo.at("/".join(parts[3:]))
            if at is None:
                self._error(404, "RevisionNotFound", "Invalid rev id", send_body)
                return
            repo = at
        self._send(200, json.dumps(repo.info()).encode(), {"Content-Type": "application/json"}, send_body)

    def _resolve(self, repo_id: str, revision: str, name: str, send_body: bool) -> None:
        repo = self.stand_in.repos.get(repo_id)
        if repo is None:
            self._error(404, "RepoNotFound", "Repository not found", send_body)
            return
        at = repo.at(revision)
        if at is None:
            self._error(404, "RevisionNotFound", "Invalid rev id", send_body)
            return
        repo = at
        authorised = repo.token is not None and self.headers.get("Authorization") == f"Bearer {repo.token}"
        if (repo.gated or repo.gated_api) and not authorised:
            self._error(401, "GatedRepo", "Access to this model is restricted", send_body)
            return
        if repo.size_of(name) is None:
            self._error(404, "EntryNotFound", "Entry not found", send_body)
            return
        if repo.redirect_files and send_body and name.endswith((".gguf", ".safetensors")):
            self._send(302, b"", {"Location": f"/cdn/{repo_id}/{name}", "X-Repo-Commit": repo.sha}, send_body)
            return
        self._file(repo, name, send_body)

    def _cdn(self, repo_id: str, name: str, send_body: bool) -> None:
        repo = self.stand_in.repos.get(repo_id)
        if repo is None or repo.size_of(name) is None:
            self._error(404, None, "Not found", send_body)
            return
        self._file(repo, name, send_body)

    def _file(self, repo: FakeRepo, name: str, send_body: bool) -> None:
        if name in repo.broken_files:
            self._error(500, None, "Internal Error", send_body)
            return
        if repo.slow_file_seconds and name.endswith((".gguf", ".safetensors")):
            time.sleep(repo.slow_file_seconds)
        size = repo.size_of(name) or 0
        headers = {
            "Content-Type": "application/octet-stream",
            "X-Repo-Commit": repo.sha,
            "ETag": f'"{_etag(repo, name, size)}"',
            "Accept-Ranges": "bytes",
        }
        wanted = self.headers.get("Range") or ""
        if send_body:
            self.stand_in.ranges.append((name, wanted))
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", wanted.strip())
        if not repo.ranges or match is None:
            self._send(200, repo.read(name, 0, size), headers, send_body)
            return
        start = int(match.group(1))
        end = min(int(match.group(2)) + 1 if match.group(2) else size, size)
        if start >= size:
            headers["Content-Range"] = f"bytes */{size}"
            self._send(416, b"", headers, send_body)
            return
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
        self._send(206, repo.read(name, start, end), headers, send_body)

    def _error(self, status: int, code: str | None, message: str, send_body: bool, retry_after: str | None = None) -> None:
        headers = {"Content-Type": "application/json", "X-Error-Message": message}
        if retry_after is not None:
            headers["Retry-After"] = retry_after
        if code:
            headers["X-Error-Code"] = code
        self._send(status, json.dumps({"error": message}).encode(), headers, send_body)

    def _send(self, status: int, body: bytes, headers: dict[str, str], send_body: bool) -> None:
        try:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body:
                self.wfile.write(body)
                if self.path.split("/")[1:2] != ["api"]:
                    self.stand_in.body_bytes += len(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
            pass


def isolate_hub_env(home: Path, monkeypatch: Any) -> Path:
    """A private HF_HOME and no token, offline flag or cache settings from the outside.

    huggingface_hub reads some settings at import time, so the module constants are
    patched as well as the environment."""
    from huggingface_hub import constants

    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_CACHE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(home / "token"))
    monkeypatch.setattr(constants, "HF_STORED_TOKENS_PATH", str(home / "stored_tokens"))
    return home
