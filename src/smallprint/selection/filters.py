"""What `select` narrows the pool by: task, modality, parameter count, open weights only.

Filters read the catalog's published facts (or the Hub's, for models found online); a model
whose fact is not published does not pass a filter on it, and the selection says how many
were left out that way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from smallprint.errors import InputError
from smallprint.kb import MODALITIES, CatalogModel, KnowledgeBase
from smallprint.selection.data import task_aliases

_SUFFIX = {"": 1.0, "k": 1e3, "m": 1e6, "b": 1e9, "g": 1e9, "t": 1e12}
_NUM = re.compile(r"^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([kmbgt]?)\s*$", re.I)


def parse_count(text: str) -> float:
    """`7B`, `500M`, `1.5e9`, `70b` as a number of parameters."""
    m = _NUM.match(text)
    if not m:
        raise InputError(f"--params: {text!r} is not a parameter count (use e.g. 500M, 7B, 1.5e9)")
    return float(m.group(1)) * _SUFFIX[m.group(2).lower()]


def parse_params(spec: str | None) -> tuple[float | None, float | None]:
    """`MIN..MAX` (either side may be empty): `1B..8B`, `..3B`, `70B..`."""
    if spec is None:
        return None, None
    if ".." not in spec:
        raise InputError(f"--params: {spec!r}: expected MIN..MAX, e.g. 1B..8B, ..3B or 70B..")
    lo, _, hi = spec.partition("..")
    low = parse_count(lo) if lo.strip() else None
    high = parse_count(hi) if hi.strip() else None
    if low is not None and high is not None and low > high:
        raise InputError(f"--params: {spec!r}: the minimum is above the maximum")
    return low, high


@dataclass(frozen=True)
class Filters:
    task: str | None = None
    modality: str | None = None
    params_min: float | None = None
    params_max: float | None = None
    open_weights_only: bool = False

    def check(self) -> Filters:
        if self.modality is not None and self.modality not in MODALITIES:
            raise InputError(f"--modality: unknown {self.modality!r} (one of {', '.join(sorted(MODALITIES))})")
        return self

    @property
    def on_params(self) -> bool:
        return self.params_min is not None or self.params_max is not None

    def task_ok(self, tag: str | None) -> bool:
        if self.task is None:
            return True
        return tag is not None and (tag == self.task or tag in task_aliases().get(self.task, ()))

    def params_ok(self, n: float | None) -> bool:
        if not self.on_params:
            return True
        if n is None:
            return False
        return (self.params_min is None or n >= self.params_min) and (self.params_max is None or n <= self.params_max)

    def why_not(self, m: CatalogModel, kb: KnowledgeBase) -> str | None:
        """Why a catalog model does not pass (None: it passes)."""
        if self.open_weights_only and is_closed(m, kb):
            return "closed (weights not published)"
        if not self.task_ok(m.pipeline_tag):
            return "task not catalogued" if m.pipeline_tag is None else f"task {m.pipeline_tag}"
        if self.modality is not None and m.modality != self.modality:
            return "modality not catalogued" if m.modality is None else f"modality {m.modality}"
        if not self.params_ok(m.parameters):
            return "parameter count not published" if m.parameters is None else "parameter count out of range"
        return None


def is_closed(m: CatalogModel, kb: KnowledgeBase) -> bool:
    """A model served only through its provider's API: its licence is the provider's terms."""
    entry = kb.get(m.license)
    return entry is not None and entry.kind == "proprietary"
