"""The order of the models a profile allows, and the inputs behind each place.

`allowed` before `conditions`; then fewer and lighter duties (weights in
kb/selection/duties.yaml); then openness (OSAID verdict, then MOF class); then
sustainability (a deprecated model last, then the family's most recent release first).
Every input is kept with the rank so the order can be read, never a bare score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from smallprint.model import CheckResult
from smallprint.selection.data import duty_weights

OSAID_ORDER = {"open-source-ai": 0, "open-weights": 1, "restricted-weights": 2, "closed": 3}
MOF_ORDER = {1: 0, 2: 1, 3: 2, 0: 3}  # class 1 (Open Science) is the most open; 0 unclassified


@dataclass(frozen=True)
class RankInputs:
    verdict: str
    duties: tuple[str, ...]
    duty_weight: int
    osaid: str | None
    mof_class: int | None
    deprecated: str | None
    last_release_days: int | None  # age of the family's latest release, in days

    def key(self) -> tuple[Any, ...]:
        return (
            0 if self.verdict == "allowed" else 1,
            self.duty_weight,
            len(self.duties),
            OSAID_ORDER.get(self.osaid or "", 4),
            MOF_ORDER.get(self.mof_class if self.mof_class is not None else -1, 4),
            1 if self.deprecated else 0,
            self.last_release_days if self.last_release_days is not None else 10**6,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "duties": list(self.duties),
            "duty_weight": self.duty_weight,
            "osaid": self.osaid,
            "mof_class": self.mof_class,
            "deprecated": self.deprecated,
            "family_last_release_days": self.last_release_days,
        }


def duty_weight(duties: list[dict[str, Any]]) -> int:
    default, weights = duty_weights()
    return sum(weights.get(str(d.get("term")), default) for d in duties)


def rank_inputs(result: CheckResult, deprecated: str | None, last_release_days: int | None) -> RankInputs:
    v: Mapping[str, Any] = result.verdict or {}
    duties = list(v.get("duties") or [])
    o: Mapping[str, Any] = result.openness or {}
    return RankInputs(
        verdict=str(v.get("verdict")),
        duties=tuple(str(d.get("duty")) for d in duties),
        duty_weight=duty_weight(duties),
        osaid=(o.get("osaid") or {}).get("verdict"),
        mof_class=(o.get("mof") or {}).get("class"),
        deprecated=deprecated,
        last_release_days=last_release_days,
    )
