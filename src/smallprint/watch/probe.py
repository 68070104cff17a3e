"""One cheap request per Hub model: is it still at the commit we read last time?

`model_info(expand=[sha, gated, cardData])` answers with the commit sha (the Hub's
revision validator), the gating mode and the card's `new_version`, without files. An
unchanged model costs this one request and nothing else. 429 answers are honoured:
the probe waits what `Retry-After` says (bounded) and tries again; a wait beyond the
bound stops the run's Hub reads politely instead of hammering on.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from queue import Empty, Queue
from typing import Any

from smallprint.errors import SourceError

PROBE_FIELDS = ["sha", "gated", "cardData", "lastModified"]
MAX_ATTEMPTS = 5
MAX_WAIT_S = 60.0
BACKOFF_S = 1.0
PROBE_WORKERS = 8  # concurrent probes at most: polite to the Hub, and latency-bound runs stay short


class RateLimited(SourceError):
    """The Hub asked us to wait longer than a run should; the rest of the run is not read."""

    def __init__(self, wait_s: float):
        super().__init__(f"the Hub is rate-limiting (Retry-After {wait_s:.0f} s); the remaining models were not checked")
        self.wait_s = wait_s


@dataclass(frozen=True)
class Probe:
    status: str  # ok | gone | error
    sha: str | None = None
    gated: str | None = None
    new_version: str | None = None
    model_id: str | None = None
    error: str | None = None


def retry_after_seconds(value: str | None, default: float) -> float:
    """Retry-After as seconds: a number or an HTTP date; the default when absent or unreadable."""
    if not value:
        return default
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _gated(value: Any) -> str:
    if value is None or value is False:
        return "false"
    return "true" if value is True else str(value)


class HubProber:
    """Probes Hub models through the real client, counting requests; one probe per id per run."""

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        max_wait: float = MAX_WAIT_S,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        from huggingface_hub import HfApi

        from smallprint.sources.hub import HubSettings

        self.settings = HubSettings.from_env(False, timeout)
        self.api = HfApi(endpoint=self.settings.endpoint, token=self.settings.token)
        self.max_wait = max_wait
        self.sleep = sleep
        self.requests = 0
        self.waited_s = 0.0
        self._seen: dict[str, Probe] = {}
        self._futures: dict[str, Future[Probe | RateLimited]] = {}
        self._lock = threading.Lock()
        self.rate_limited: RateLimited | None = None

    def probe(self, repo_id: str) -> Probe:
        """The model's state (once per id per run); RateLimited when the Hub asks for a long pause."""
        key = repo_id.lower()
        if key in self._seen:
            return self._seen[key]
        future = self._futures.get(key)
        if future is not None:
            got = future.result()
        else:
            got = self._guarded(repo_id)
        if isinstance(got, RateLimited):
            raise got
        self._seen[key] = got
        return got

    def ready(self, repo_id: str) -> bool:
        """True when probing this id will not wait on the network."""
        future = self._futures.get(repo_id.lower())
        return repo_id.lower() in self._seen or (future is not None and future.done())

    def start(self, repo_ids: list[str], workers: int = PROBE_WORKERS) -> None:
        """Probe many models in the background, a few at a time (polite, bounded concurrency):
        a run over a thousand models waits on the Hub's latency, not on our CPU. Daemon
        threads, so an interrupted run exits without waiting for them."""
        todo = [r for r in dict.fromkeys(repo_ids) if r.lower() not in self._seen and r.lower() not in self._futures]
        if not todo:
            return
        queue: Queue[tuple[str, Future[Probe | RateLimited]]] = Queue()
        for r in todo:
            future: Future[Probe | RateLimited] = Future()
            self._futures[r.lower()] = future
            queue.put((r, future))

        def work() -> None:
            while True:
                try:
                    repo_id, fut = queue.get_nowait()
                except Empty:
                    return
                try:
                    fut.set_result(self._guarded(repo_id))
                except BaseException as e:  # never leave a waiter hanging
                    fut.set_exception(e)

        for _ in range(min(workers, len(todo))):
            threading.Thread(target=work, name="smallprint-probe", daemon=True).start()

    def _guarded(self, repo_id: str) -> Probe | RateLimited:
        if self.rate_limited is not None:
            return self.rate_limited
        try:
            return self._probe(repo_id)
        except RateLimited as e:
            self.rate_limited = e
            return e

    def _count(self) -> None:
        with self._lock:
            self.requests += 1

    def _probe(self, repo_id: str) -> Probe:
        from huggingface_hub.errors import GatedRepoError, HfHubHTTPError, RepositoryNotFoundError

        from smallprint.sources.hub import HubRef, to_source_error

        for attempt in range(1, MAX_ATTEMPTS + 1):
            self._count()
            try:
                info = self.api.model_info(repo_id, expand=PROBE_FIELDS, timeout=self.settings.timeout)  # type: ignore[arg-type]
            except RepositoryNotFoundError:
                return Probe("gone", error="not found on the Hub (404)")
            except GatedRepoError:
                return Probe("ok", gated="true", model_id=repo_id)
            except HfHubHTTPError as e:
                status = getattr(e.response, "status_code", None)
                if status == 429 or (status is not None and status >= 500):
                    wait = retry_after_seconds(
                        e.response.headers.get("Retry-After"), BACKOFF_S * 2 ** (attempt - 1)
                    )
                    if wait > self.max_wait:
                        raise RateLimited(wait) from None
                    if attempt < MAX_ATTEMPTS:
                        with self._lock:
                            self.waited_s += wait
                        self.sleep(wait)
                        continue
                return Probe("error", error=str(to_source_error(e, HubRef(repo_id), self.settings)))
            except Exception as e:  # network failures: one line, the run goes on
                return Probe("error", error=str(to_source_error(e, HubRef(repo_id), self.settings)))
            card = info.card_data.to_dict() if info.card_data is not None else {}
            nv = card.get("new_version")
            return Probe("ok", info.sha, _gated(info.gated), str(nv) if nv else None, info.id or repo_id)
        return Probe("error", error="the Hub kept answering 429/5xx")  # pragma: no cover - loop always returns
