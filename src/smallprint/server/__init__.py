"""`smallprint serve`: a review app for legal and procurement (FastAPI + Jinja2).

Needs the `server` extra (`pip install 'smallprint[server]'`)."""

from __future__ import annotations

from typing import Any


def create_app(*args: Any, **kwargs: Any) -> Any:
    from smallprint.server.app import create_app as _create

    return _create(*args, **kwargs)


__all__ = ["create_app"]
