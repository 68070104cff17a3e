"""`smallprint select`: every model (open or closed) a use profile allows, ranked, and why
each of the others is left out.

The pool is checked by the pipeline and judged by the same call `check --use` makes
(`judge_results`), so a selected model is exactly one `check` would not block: its own
licence and every inherited one (base models, training data) were weighed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from smallprint.kb import KnowledgeBase, default_kb
from smallprint.model import CheckResult
from smallprint.policy.profiles import Profile
from smallprint.selection.filters import Filters
from smallprint.selection.pool import Pool, build_pool
from smallprint.selection.ranking import RankInputs, rank_inputs

SELECTED = ("allowed", "conditions")
SCHEMA = "smallprint/select/1"


@dataclass
class Choice:
    """A model the profile allows, with the verdict, its duties and the inputs of its rank."""

    model_id: str
    license: str | None
    closed: bool
    result: CheckResult
    rank: RankInputs
    source: str  # catalog | hub

    def to_dict(self) -> dict[str, Any]:
        m = self.result.facts
        return {
            "model_id": self.model_id,
            "license": self.license,
            "closed": self.closed,
            "source": self.source,
            "verdict": self.result.verdict,
            "rank": self.rank.to_dict(),
            "publisher": (m.metadata.get("publisher") if m is not None else None),
        }


@dataclass
class Exclusion:
    """A model left out, with the clause that excludes it."""

    model_id: str
    verdict: str
    reason: str
    clause: str | None  # file:lines "quote"
    source: str | None  # the licence or policy the reason comes from

    def to_dict(self) -> dict[str, Any]:
        return {"model_id": self.model_id, "verdict": self.verdict, "reason": self.reason,
                "clause": self.clause, "source": self.source}

    def line(self) -> str:
        clause = f" [{self.clause}]" if self.clause else ""
        return f"{self.model_id}: {self.verdict}: {self.reason}{clause}"


@dataclass
class Selection:
    profile: str
    chosen: list[Choice]
    excluded: list[Exclusion]
    filtered_out: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    limit: int | None = None

    @property
    def shown(self) -> list[Choice]:
        return self.chosen[: self.limit] if self.limit else self.chosen

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "profile": self.profile,
            "selected": [c.to_dict() for c in self.shown],
            "selected_total": len(self.chosen),
            "excluded": [e.to_dict() for e in self.excluded],
            "filtered_out": dict(self.filtered_out),
            "notes": list(self.notes),
        }


def _clause(reason: dict[str, Any]) -> str | None:
    for ev in reason.get("evidence") or []:
        where = ev.get("file") or "?"
        if ev.get("start_line"):
            end = ev.get("end_line") or ev["start_line"]
            where += f":L{ev['start_line']}" + (f"-{end}" if end != ev["start_line"] else "")
        quote = " ".join(str(ev.get("quote") or "").split())
        if len(quote) > 160:
            quote = quote[:157] + "..."
        return f'{where} "{quote}"' if quote else where
    return None


def exclusion(result: CheckResult) -> Exclusion:
    """The one line that says why a model is left out: its most severe reason and that reason's clause."""
    v: Mapping[str, Any] = result.verdict or {}
    level = str(v.get("verdict"))
    if result.error:
        return Exclusion(result.model_id or result.target, "unclear", f"could not be checked: {result.error}", None, None)
    reasons = [r for r in v.get("reasons") or [] if r.get("level") == level] or list(v.get("reasons") or [])
    if not reasons:
        return Exclusion(result.model_id or result.target, level, "no reason recorded", None, None)
    r = reasons[0]
    return Exclusion(result.model_id or result.target, level, str(r.get("message")), _clause(r), r.get("source"))


def family_last_release(kb: KnowledgeBase) -> dict[str, str]:
    """The latest catalogued release date of each family."""
    out: dict[str, str] = {}
    for m in kb.models.values():
        if m.released and m.released > out.get(m.family, ""):
            out[m.family] = m.released
    return out


def _age_days(date: str | None, today: dt.date) -> int | None:
    if not date:
        return None
    try:
        return (today - dt.date.fromisoformat(date[:10])).days
    except ValueError:
        return None


def _with_openness(r: CheckResult, kb: KnowledgeBase) -> None:
    from smallprint.errors import SmallprintError
    from smallprint.model import Finding
    from smallprint.pipeline.check import add_openness

    try:
        add_openness(r, kb)
    except SmallprintError as e:
        r.findings.append(Finding("openness-unassessed", "info", f"openness not assessed: {e}"))


def _to_assess(allowed: list[CheckResult], limit: int | None) -> list[CheckResult]:
    """The models whose openness can change what is shown: all of them, or with `--limit N` those
    that tie with the first N on verdict and duties (openness only breaks those ties)."""
    if not limit or limit >= len(allowed):
        return allowed

    def duty_key(r: CheckResult) -> tuple[int, int, int]:
        k = rank_inputs(r, None, None).key()
        return k[0], k[1], k[2]

    cutoff = sorted(duty_key(r) for r in allowed)[limit - 1]
    return [r for r in allowed if duty_key(r) <= cutoff]


def judge_pool(pool: Pool, profile: Profile, kb: KnowledgeBase, policy: Any = None) -> list[CheckResult]:
    """The pool judged under the profile, as `check --use` judges it (copies; the pool is reusable)."""
    from smallprint.policy.file import judge_results

    judged = [dataclasses.replace(r, findings=list(r.findings), verdict=None) for r in pool.results]
    judge_results(judged, profile, policy, kb)
    return judged


def select_from(
    pool: Pool,
    profile: Profile,
    *,
    kb: KnowledgeBase | None = None,
    policy: Any = None,
    limit: int | None = None,
    today: dt.date | None = None,
    openness: bool = True,
) -> Selection:
    """Split a checked pool into chosen (ranked) and excluded (with the clause) under a profile.

    Openness (a ranking input, never a verdict input) is assessed for the chosen models only."""
    kb = kb or default_kb()
    today = today or dt.date.today()
    latest = family_last_release(kb)
    from smallprint.selection.filters import is_closed

    allowed: list[CheckResult] = []
    excluded: list[Exclusion] = []
    for r in judge_pool(pool, profile, kb, policy):
        level = r.verdict.get("verdict") if r.verdict else None
        if r.error or level not in SELECTED:
            excluded.append(exclusion(r))
        else:
            allowed.append(r)
    if openness:
        for r in _to_assess(allowed, limit):
            if not r.openness:
                _with_openness(r, kb)
    chosen: list[Choice] = []
    for r in allowed:
        mid = r.model_id or r.target
        cm = kb.model(mid)
        lic = r.license.licenses[0].id if r.license.licenses else None
        fam_date = latest.get(cm.family) if cm else None
        rank = rank_inputs(r, cm.deprecated if cm else None, _age_days(fam_date, today))
        chosen.append(Choice(mid, lic, bool(cm and is_closed(cm, kb)), r, rank,
                             "hub" if r.target in pool.hub_ids else "catalog"))
    chosen.sort(key=lambda c: (*c.rank.key(), c.model_id.lower()))
    excluded.sort(key=lambda e: e.model_id.lower())
    return Selection(profile.name, chosen, excluded, dict(pool.filtered_out), list(pool.notes), limit)


def select(
    profile: Profile,
    filters: Filters | None = None,
    *,
    kb: KnowledgeBase | None = None,
    offline: bool = True,
    policy: Any = None,
    limit: int | None = None,
    hub_limit: int = 50,
    search: str | None = None,
    today: dt.date | None = None,
) -> Selection:
    """Every catalog model (and, online, Hub model) the profile allows, ranked; the rest with their clause."""
    kb = kb or default_kb()
    filters = (filters or Filters()).check()
    pool = build_pool(kb, filters, offline=offline, hub_limit=hub_limit, search=search, openness=False)
    return select_from(pool, profile, kb=kb, policy=policy, limit=limit, today=today)
