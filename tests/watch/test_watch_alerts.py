"""Alerts and triggers: the signed webhook (a receiver on loopback), retries with backoff,
the Hub's own webhook payload, and one-line errors for a broken store."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from dbfixtures import DOWN_PG_URL
from hub_server import FakeRepo, StandInHub
from smallprint.watch.webhook import SIGNATURE_HEADER, WebhookError, post, verify
from watch_helpers import licence_text, model_folder


class Receiver:
    """A webhook receiver on loopback: answers the scripted statuses in turn, then 200."""

    def __init__(self, statuses: list[int] | None = None, retry_after: str | None = None):
        self.statuses = list(statuses or [])
        self.retry_after = retry_after
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.received.append(({k: v for k, v in self.headers.items()}, body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                if status == 429 and receiver.retry_after:
                    self.send_header("Retry-After", receiver.retry_after)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


def test_changes_are_posted_signed_to_the_webhook(cli, db, tmp_path: Path, receiver: Receiver) -> None:
    m = model_folder(tmp_path, "acme--w", license_id="llama3", license_file=licence_text("llama-3.txt"))
    cli("watch", "add", str(m))
    assert cli("watch", "run", "--webhook", receiver.url, "--webhook-secret", "s3cret").code == 0
    assert receiver.received == []  # nothing changed: no alert
    model_folder(tmp_path, "acme--w", license_id="llama3.1", license_file=licence_text("llama-3.1.txt"))
    out = cli("watch", "run", "--webhook", receiver.url, "--webhook-secret", "s3cret", "--fail-on-change")
    assert out.code == 1, out.err
    (headers, body), = receiver.received
    assert verify(body, "s3cret", headers[SIGNATURE_HEADER])
    assert not verify(body, "other-secret", headers[SIGNATURE_HEADER])
    assert not verify(body + b" ", "s3cret", headers[SIGNATURE_HEADER])
    doc = json.loads(body)
    assert doc["schema"] == "smallprint/watch/1" and "license-changed" in {c["code"] for c in doc["changes"]}


def test_webhook_retries_with_backoff_then_gives_up_in_one_line() -> None:
    waits: list[float] = []
    with Receiver([500, 429, 503], retry_after="2") as r:
        got = post(r.url, {"schema": "smallprint/watch/1"}, secret="k", sleep=waits.append)
    assert got.attempts == 4 and len(r.received) == 4
    assert waits == [0.5, 2.0, 2.0]  # backoff 0.5, then Retry-After 2, then backoff 2
    with Receiver([500] * 10) as r:
        with pytest.raises(WebhookError, match="not delivered after 5 attempt"):
            post(r.url, {}, secret="k", sleep=waits.append)
    with Receiver([400]) as r:
        with pytest.raises(WebhookError, match="HTTP 400"):
            post(r.url, {}, secret="k", sleep=waits.append)
        assert len(r.received) == 1  # a refusal is not retried


def test_a_hub_webhook_payload_runs_the_watch_for_that_repo(cli, db, stand_in_hub: StandInHub, tmp_path: Path) -> None:
    for name in ("acme/hooked", "acme/other"):
        stand_in_hub.add(FakeRepo(name, {"README.md": b"---\nlicense: mit\n---\n# m\n"}, card_data={"license": "mit"}))
    cli("watch", "add", "acme/hooked", "acme/other")
    cli("watch", "run")
    stand_in_hub.add(FakeRepo("acme/hooked", {"README.md": b"---\nlicense: cc-by-nc-4.0\n---\n# m\n"},
                              sha="5" * 40, card_data={"license": "cc-by-nc-4.0"}))
    payload = {
        "event": {"action": "update", "scope": "repo.content"},
        "repo": {"type": "model", "name": "acme/hooked", "id": "x", "private": False, "headSha": "5" * 40},
        "webhook": {"id": "w", "version": 3},
    }
    path = tmp_path / "payload.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    stand_in_hub.requests.clear()
    out = cli("watch", "hook", str(path), "-f", "json", "--secret", "hub-secret", "--received-secret", "hub-secret")
    assert out.code == 0, out.err
    doc = json.loads(out.out)
    assert [m["target"] for m in doc["models"]] == ["acme/hooked"]
    assert "license-changed" in {c["code"] for c in doc["changes"]}
    assert not any("acme/other" in r for r in stand_in_hub.requests)
    wrong = cli("watch", "hook", str(path), "--secret", "hub-secret", "--received-secret", "nope")
    assert wrong.code == 2 and "secret does not match" in wrong.err
    payload["repo"]["type"] = "dataset"
    path.write_text(json.dumps(payload), encoding="utf-8")
    ignored = cli("watch", "hook", str(path))
    assert ignored.code == 0 and ignored.out.startswith("ignored")


def _one_line(out) -> str:  # type: ignore[no-untyped-def]
    lines = out.err.strip().splitlines()
    assert out.code == 2, (out.code, out.err)
    assert len(lines) == 1 and "Traceback" not in out.err, out.err
    return lines[0]


def test_a_deleted_store_is_one_line(cli, db, tmp_path: Path) -> None:
    m = model_folder(tmp_path, "acme--d", license_id="mit")
    cli("watch", "add", str(m))
    cli("watch", "run")
    store_file = Path(db.removeprefix("sqlite:///"))
    for f in store_file.parent.glob(store_file.name + "*"):
        f.unlink()
    for args in (("watch", "run"), ("watch", "list"), ("watch", "history", str(m)), ("watch", "diff", str(m))):
        line = _one_line(cli(*args))
        assert "no store at" in line and str(store_file) in line
    assert not store_file.exists()


def test_a_corrupt_store_is_one_line(cli, db, tmp_path: Path) -> None:
    m = model_folder(tmp_path, "acme--c", license_id="mit")
    cli("watch", "add", str(m))
    store_file = Path(db.removeprefix("sqlite:///"))
    for f in store_file.parent.glob(store_file.name + "-*"):
        f.unlink()
    data = bytearray(store_file.read_bytes())
    data[0:16] = b"garbage garbage!"
    store_file.write_bytes(bytes(data))
    for args in (("watch", "run"), ("watch", "list"), ("watch", "add", str(m))):
        line = _one_line(cli(*args))
        assert "corrupt" in line and str(store_file) in line


@pytest.mark.slow
def test_postgresql_down_is_one_line(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMALLPRINT_DB", DOWN_PG_URL)
    for args in (("watch", "run"), ("watch", "list"), ("watch", "add", "acme/x")):
        line = _one_line(cli(*args))
        assert "cannot reach PostgreSQL at 127.0.0.1" in line


def test_a_hub_payload_through_the_library(db, stand_in_hub: StandInHub) -> None:
    from smallprint.store import open_store
    from smallprint.watch.ledger import WatchSpec, add_watches
    from smallprint.watch.webhook import run_for_hub_payload

    stand_in_hub.add(FakeRepo("acme/lib", {"README.md": b"---\nlicense: mit\n---\n# m\n"}, card_data={"license": "mit"}))
    payload = {"event": {"action": "update", "scope": "repo.content"}, "repo": {"type": "model", "name": "acme/lib"}}
    with open_store(db) as store:
        add_watches(store, [WatchSpec("acme/lib", "hub", [])])
        report, why = run_for_hub_payload(store, json.dumps(payload).encode())
        assert why is None and [m.target for m in report.models] == ["acme/lib"]
        payload["event"]["scope"] = "discussion"
        report, why = run_for_hub_payload(store, json.dumps(payload).encode())
        assert report is None and "not a repository update" in str(why)
