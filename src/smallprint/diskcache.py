"""Derived data kept on disk between runs: the parsed knowledge base, the reference index.

Parsing ~180 YAML files or normalising ~120 licence texts costs far more than reading
back what they produced, and a command line pays it on every start. Each item is a
pickle under `$XDG_CACHE_HOME/smallprint` (else `~/.cache/smallprint`) named by its
kind and a fingerprint of everything it was derived from; a changed input is a new
fingerprint, so a stale file is never read. `SMALLPRINT_NO_CACHE=1` turns it off.

Several installs (virtual environments, checkouts) share the folder: each keeps its
own files, and files of a kind not written for a day are removed when another is
stored, so installs do not keep deleting each other's cache.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["cache_dir", "fingerprint", "load", "store"]

STALE_AFTER_S = 24 * 3600
"""A cache file of the same kind not rewritten for this long is removed when another is stored."""


def cache_dir() -> Path | None:
    """Where cached items live; None when caching is turned off."""
    from smallprint import settings

    s = settings.current()
    return s.cache_dir if s.use_cache else None


def fingerprint(files: Iterable[Path], code: Iterable[Path] = (), extra: str = "") -> str | None:
    """A digest of the Python version, the code that derives the item (its bytes) and the
    input files (path, size, modification time); None when a file cannot be read."""
    h = hashlib.sha256(sys.version.encode())
    h.update(extra.encode())
    try:
        for p in code:
            h.update(p.read_bytes())
        for p in files:
            st = p.stat()
            h.update(f"{p}\0{st.st_size}:{st.st_mtime_ns}\n".encode())
    except OSError:
        return None
    return h.hexdigest()[:24]


def _path(kind: str, key: str) -> Path | None:
    d = cache_dir()
    return None if d is None else d / f"{kind}-{key}.pickle"


def load(kind: str, key: str | None) -> Any | None:
    """The item stored under `kind` and `key`, or None (absent, partial, unreadable)."""
    path = _path(kind, key) if key else None
    if path is None:
        return None
    enabled = gc.isenabled()
    gc.disable()  # unpickling many small objects: collection passes would only cost time
    try:
        with path.open("rb") as f:
            return pickle.load(f)
    except Exception:  # a missing, partial or foreign file: derive afresh
        return None
    finally:
        if enabled:
            gc.enable()


def store(kind: str, key: str | None, obj: Any) -> None:
    """Keep `obj` under `kind` and `key` (atomically); a read-only home is not an error."""
    path = _path(kind, key) if key else None
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        now = time.time()
        for old in path.parent.glob(f"{kind}-*.pickle"):
            if old != path and now - old.stat().st_mtime > STALE_AFTER_S:
                old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError):
        pass  # the item is simply derived again next time
