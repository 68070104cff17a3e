"""Every environment variable smallprint honours, read in this one place.

    HF_HUB_OFFLINE, TRANSFORMERS_OFFLINE   offline: the local cache and the bundled catalog only
    HF_ENDPOINT, HF_TOKEN (HUGGING_FACE_HUB_TOKEN), HF_HUB_CACHE, HF_HOME   the Hub client
    SMALLPRINT_KB_PATH                     extra knowledge-base directories (os.pathsep-separated)
    SMALLPRINT_CACHE_DIR                   where derived data (the reference index) is cached;
                                           default $XDG_CACHE_HOME/smallprint or ~/.cache/smallprint
    SMALLPRINT_NO_CACHE                    never read or write that cache
    SOURCE_DATE_EPOCH                      the report clock, for reproducible reports
    SMALLPRINT_DEBUG                       show tracebacks instead of one-line errors

`current()` reads them when an operation starts (a test or a server may change them
between operations); nothing else in the package reads `os.environ`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_TRUE = frozenset({"1", "true", "yes", "on"})


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in _TRUE


@dataclass(frozen=True)
class Settings:
    offline: bool
    hf_endpoint: str
    hf_token: str | None
    hf_cache: Path | None  # None: the huggingface_hub default
    kb_path: tuple[Path, ...]
    cache_dir: Path
    use_cache: bool
    source_date_epoch: int | None
    debug: bool

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        if env.get("HF_HUB_CACHE"):
            hf_cache: Path | None = Path(env["HF_HUB_CACHE"]).expanduser()
        elif env.get("HF_HOME"):
            hf_cache = Path(env["HF_HOME"]).expanduser() / "hub"
        else:
            hf_cache = None
        if env.get("SMALLPRINT_CACHE_DIR"):
            cache_dir = Path(env["SMALLPRINT_CACHE_DIR"]).expanduser()
        else:
            cache_dir = Path(env.get("XDG_CACHE_HOME") or Path("~/.cache").expanduser()) / "smallprint"
        epoch = (env.get("SOURCE_DATE_EPOCH") or "").strip()
        return cls(
            offline=_flag(env.get("HF_HUB_OFFLINE")) or _flag(env.get("TRANSFORMERS_OFFLINE")),
            hf_endpoint=(env.get("HF_ENDPOINT") or "https://huggingface.co").rstrip("/"),
            hf_token=env.get("HF_TOKEN") or env.get("HUGGING_FACE_HUB_TOKEN") or None,
            hf_cache=hf_cache,
            kb_path=tuple(Path(p) for p in (env.get("SMALLPRINT_KB_PATH") or "").split(os.pathsep) if p),
            cache_dir=cache_dir,
            use_cache=not env.get("SMALLPRINT_NO_CACHE"),
            source_date_epoch=int(epoch) if epoch.isdigit() else None,
            debug=bool(env.get("SMALLPRINT_DEBUG")),
        )


def current() -> Settings:
    """The settings as the environment holds them now."""
    return Settings.from_env()


def offline(explicit: bool | None = None) -> bool:
    """The one offline check: an explicit choice wins, else HF_HUB_OFFLINE or TRANSFORMERS_OFFLINE."""
    return explicit if explicit is not None else current().offline
