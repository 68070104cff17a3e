"""`smallprint check --decisions URL|DB`: read the review server's approved exceptions.

URL: a running `smallprint serve` (http or https), authenticated with `$SMALLPRINT_TOKEN`.
DB: the store itself, an SQLAlchemy URL (`postgresql://...`, `sqlite:///...`) or an SQLite
file. Either way the CLI never writes: it only reads the decisions.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from smallprint.errors import InputError
from smallprint.model import CheckResult

TIMEOUT_S = 30.0


def _from_server(url: str) -> list[dict[str, Any]]:
    try:
        import httpx
    except ImportError:
        raise InputError("--decisions URL needs httpx (pip install 'smallprint[server]')") from None
    token = os.environ.get("SMALLPRINT_TOKEN", "").strip()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    endpoint = url.rstrip("/") + "/api/v1/decisions/exceptions"
    try:
        r = httpx.get(endpoint, headers=headers, timeout=TIMEOUT_S, follow_redirects=False)
    except httpx.HTTPError as e:
        raise InputError(f"--decisions {url}: cannot reach the review server ({type(e).__name__})") from None
    if r.status_code in (401, 403):
        raise InputError(f"--decisions {url}: refused ({r.status_code}); set SMALLPRINT_TOKEN to an API token")
    if r.status_code != 200:
        raise InputError(f"--decisions {url}: the review server answered {r.status_code}")
    try:
        data = r.json()
    except ValueError:
        raise InputError(f"--decisions {url}: the answer is not JSON") from None
    if not isinstance(data, list):
        raise InputError(f"--decisions {url}: unexpected answer")
    return [x for x in data if isinstance(x, dict)]


def _from_db(spec: str) -> list[dict[str, Any]]:
    try:
        from sqlalchemy import inspect
        from sqlalchemy.exc import SQLAlchemyError

        from smallprint.reviews.schema import reviews
        from smallprint.reviews.service import approved_exceptions
        from smallprint.store import open_store
    except ImportError:
        raise InputError("--decisions DB needs the store (pip install 'smallprint[store]')") from None
    store = open_store(spec, create=False, migrate=False)  # read only: never creates or upgrades
    try:
        if not inspect(store.engine).has_table(reviews.name):
            raise InputError(f"--decisions {_label(spec)}: this store holds no reviews")
        return approved_exceptions(store.engine)
    except SQLAlchemyError as e:
        raise InputError(f"--decisions {_label(spec)}: cannot read the store ({type(e).__name__})") from None
    finally:
        store.close()


def load_exceptions(spec: str) -> list[dict[str, Any]]:
    """The reviews in state `exception`, from a server URL or a database."""
    spec = spec.strip()
    if spec.startswith(("http://", "https://")):
        return _from_server(spec)
    return _from_db(spec)


def apply_loaded(results: Sequence[CheckResult], exceptions: Sequence[dict[str, Any]], spec: str) -> None:
    """Waive results covered by an approved review exception (see service.apply_decisions)."""
    from smallprint.reviews.service import apply_decisions

    apply_decisions(results, exceptions, source=_label(spec))


def _label(spec: str) -> str:
    if "@" in spec and "://" in spec:  # never echo a password from a database URL
        scheme, rest = spec.split("://", 1)
        return f"{scheme}://{rest.rsplit('@', 1)[1]}"
    return spec
