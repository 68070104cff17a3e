"""Where the shared corpus is, found one way for every test: `SMALLPRINT_CORPUS`, else
`../shared/corpus` beside the checkout. `CORPUS` is None when neither exists (tests that
need it skip with the reason)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def locate() -> Path | None:
    env = os.environ.get("SMALLPRINT_CORPUS")
    for c in ([Path(env)] if env else []) + [REPO.parent / "shared" / "corpus"]:
        if (c / "licenses").is_dir() or (c / "cards").is_dir():
            return c
    return None


CORPUS: Path | None = locate()
LICENSES: Path | None = CORPUS / "licenses" if CORPUS else None
CARDS: Path | None = CORPUS / "cards" if CORPUS else None
