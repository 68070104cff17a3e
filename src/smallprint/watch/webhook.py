"""Alerts over HTTP, and the Hub's own webhooks as a trigger.

Outgoing: the run's `smallprint/watch/1` JSON is POSTed to `--webhook URL`, signed with
HMAC-SHA256 over the exact body bytes with a shared secret (header
`X-Smallprint-Signature: sha256=<hex>`, the GitHub convention, so existing receivers
verify it), retried with exponential backoff (and `Retry-After`) on network errors,
429 and 5xx. A receiver verifies with `hmac.compare_digest`.

Incoming: a Hub webhook payload (`event.scope` `repo.content`, `repo.type` `model`) names
the repository whose content changed; `watch hook` runs the watch for that repository
only. The Hub sends the webhook's secret in `X-Webhook-Secret`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from smallprint.errors import InputError, SmallprintError

SIGNATURE_HEADER = "X-Smallprint-Signature"
EVENT_HEADER = "X-Smallprint-Event"
DELIVERY_HEADER = "X-Smallprint-Delivery"
ATTEMPTS = 5
BACKOFF_S = 0.5
MAX_BACKOFF_S = 30.0


class WebhookError(SmallprintError):
    """The webhook could not be delivered after every retry."""


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, signature: str | None) -> bool:
    """What a receiver does: recompute and compare in constant time."""
    return bool(signature) and hmac.compare_digest(sign(body, secret), str(signature))


@dataclass
class Delivery:
    status: int
    attempts: int


def post(
    url: str,
    payload: Mapping[str, Any],
    *,
    secret: str | None,
    event: str = "watch.run",
    attempts: int = ATTEMPTS,
    backoff_s: float = BACKOFF_S,
    timeout: float = 10.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    """POST the JSON, signed; retry on failure; WebhookError after the last attempt."""
    import httpx

    from smallprint.watch.probe import retry_after_seconds

    if not url.startswith(("http://", "https://")):
        raise InputError(f"--webhook {url!r}: not an http(s) URL")
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "smallprint-watch",
        EVENT_HEADER: event,
        DELIVERY_HEADER: str(uuid.uuid4()),
    }
    if secret:
        headers[SIGNATURE_HEADER] = sign(body, secret)
    last = ""
    with httpx.Client(timeout=timeout, follow_redirects=False) as client:
        for attempt in range(1, attempts + 1):
            wait = min(MAX_BACKOFF_S, backoff_s * 2 ** (attempt - 1))
            try:
                r = client.post(url, content=body, headers=headers)
            except httpx.HTTPError as e:
                last = f"{type(e).__name__}: {e}".strip()
            else:
                if 200 <= r.status_code < 300:
                    return Delivery(r.status_code, attempt)
                last = f"HTTP {r.status_code}"
                if r.status_code != 429 and r.status_code < 500 and r.status_code != 408:
                    break  # the receiver refused the payload: retrying will not help
                wait = min(MAX_BACKOFF_S, retry_after_seconds(r.headers.get("Retry-After"), wait))
            if attempt < attempts:
                sleep(wait)
    raise WebhookError(f"webhook {url} not delivered after {attempt} attempt(s): {last}")


def hub_repo_from_payload(data: Any) -> tuple[str | None, str | None]:
    """(model repo id, head sha) from a Hub webhook payload; (None, why-not) when it is not a
    content update of a model repository."""
    if not isinstance(data, Mapping):
        raise InputError("Hub webhook payload: not a JSON object")
    event = data.get("event") or {}
    repo = data.get("repo") or {}
    if not isinstance(event, Mapping) or not isinstance(repo, Mapping) or not repo.get("name"):
        raise InputError("Hub webhook payload: expected 'event' and 'repo' with a 'name'")
    scope = str(event.get("scope") or "")
    if repo.get("type", "model") != "model":
        return None, f"ignored: a {repo.get('type')} repository, not a model"
    if not scope.startswith("repo") or scope not in ("repo", "repo.content", "repo.config"):
        return None, f"ignored: event scope {scope!r} is not a repository update"
    head = repo.get("headSha")
    return str(repo["name"]), str(head) if head else None


def read_payload(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"Hub webhook payload: not JSON ({e})") from None


def run_for_hub_payload(store: Any, raw: bytes, **run_options: Any) -> tuple[Any, str | None]:
    """A Hub webhook payload -> a watch run for that repository (RunReport), or (None, why not).

    For any front end that receives Hub webhooks (the command line's `watch hook`, a server)."""
    from smallprint.watch.runner import run_watch

    repo, detail = hub_repo_from_payload(read_payload(raw))
    if repo is None:
        return None, detail
    note = f"Hub webhook for {repo}" + (f" at {detail[:12]}" if detail else "")
    return run_watch(store, only=[repo], note=note, **run_options), None
