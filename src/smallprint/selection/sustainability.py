"""`smallprint sustainability TARGET|FAMILY`: who keeps a model alive, as dated public facts.

The backer and its kind, funding and revenue model (kb/sustainability/, each fact with its
source and date); the release cadence and the age of the last release, licence churn across
versions and its direction, derivatives and maintenance signals (deprecations, `new_version`
chains), all read from the catalog entries and their sources. The summary is a reading of
those facts, written out with them; there is no score.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from smallprint.errors import InputError
from smallprint.kb import CatalogModel, KnowledgeBase, LicenseEntry, default_kb
from smallprint.model import CheckResult
from smallprint.selection.data import Backer, Fact, backers_for

SCHEMA = "smallprint/sustainability/1"

_KIND_RANK = {"osi-code": 0, "open-data": 0, "open-weights": 1, "restricted-model": 2,
              "non-commercial": 3, "research-only": 4, "proprietary": 5}
"""How permissive a licence kind is (lower: more permissive); `family` and `use-policy` are not ranked."""

_RESTRICTING_TERMS = ("non-commercial", "research-only", "user-threshold", "revenue-threshold",
                      "no-training-other-models", "field-of-use", "geographic", "derivative-naming",
                      "attribution-display", "use-restrictions-flow-down", "same-license", "acceptable-use-policy")


@dataclass
class LicenceChange:
    date: str
    before: str
    after: str
    direction: str  # more permissive | less permissive | sideways | unknown
    why: str
    models: list[str]
    source: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date, "from": self.before, "to": self.after, "direction": self.direction,
                "why": self.why, "models": self.models, "source": self.source}


@dataclass
class Sustainability:
    subject: str
    family: str | None
    backers: list[Backer]
    releases: list[Fact]  # one per release date: the models released that day
    last_release: str | None
    last_release_age_days: int | None
    median_interval_days: float | None
    licence_changes: list[LicenceChange]
    derivatives: Fact | None
    maintenance: list[Fact]
    today: str
    summary: str = ""
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "subject": self.subject,
            "family": self.family,
            "backers": [b.to_dict() for b in self.backers],
            "releases": [f.to_dict() for f in self.releases],
            "last_release": self.last_release,
            "last_release_age_days": self.last_release_age_days,
            "median_interval_days": self.median_interval_days,
            "licence_changes": [c.to_dict() for c in self.licence_changes],
            "derivatives": self.derivatives.to_dict() if self.derivatives else None,
            "maintenance": [f.to_dict() for f in self.maintenance],
            "as_of": self.today,
            "summary": self.summary,
            "notes": list(self.notes),
        }


def _restrictions(e: LicenseEntry) -> int:
    return sum(1 for t in e.terms if t.key in _RESTRICTING_TERMS and t.value not in (False, None, [], ""))


def direction(before: LicenseEntry | None, after: LicenseEntry | None) -> tuple[str, str]:
    """More or less permissive, and why: the licence kind first, then the number of restricting terms."""
    if before is None or after is None:
        return "unknown", "a licence is not in the knowledge base"
    a, b = _KIND_RANK.get(before.kind), _KIND_RANK.get(after.kind)
    if a is None or b is None:
        return "unknown", f"{before.id} ({before.kind}) to {after.id} ({after.kind})"
    if a != b:
        return ("more permissive" if b < a else "less permissive"), f"{before.kind} to {after.kind}"
    ra, rb = _restrictions(before), _restrictions(after)
    if ra != rb:
        return ("more permissive" if rb < ra else "less permissive"), \
            f"same kind ({after.kind}); restricting terms {ra} to {rb}"
    return "sideways", f"same kind ({after.kind}) and as many restricting terms ({ra})"


def _src(m: CatalogModel) -> str | None:
    return m.sources[0] if m.sources else None


def _models_of(family: str, kb: KnowledgeBase) -> list[CatalogModel]:
    return sorted((m for m in kb.models.values() if m.family == family), key=lambda m: (m.released or "", m.id))


def _family_of(name: str, kb: KnowledgeBase) -> str | None:
    fams = {m.family.lower(): m.family for m in kb.models.values()}
    return fams.get(name.strip().lower())


def _releases(models: list[CatalogModel]) -> list[Fact]:
    by_date: dict[str, list[CatalogModel]] = defaultdict(list)
    for m in models:
        if m.released:
            by_date[m.released[:10]].append(m)
    out = []
    for date in sorted(by_date):
        ms = by_date[date]
        names = ", ".join(m.id for m in ms[:3]) + (f" and {len(ms) - 3} more" if len(ms) > 3 else "")
        out.append(Fact(f"released {names}", _src(ms[0]), date))
    return out


def _changes(models: list[CatalogModel], kb: KnowledgeBase) -> list[LicenceChange]:
    """Where the licence most of a release date's models carry differs from the previous date's."""
    by_date: dict[str, list[CatalogModel]] = defaultdict(list)
    for m in models:
        if m.released and not m.id.endswith("/api"):
            by_date[m.released[:10]].append(m)
    out: list[LicenceChange] = []
    prev: str | None = None
    for date in sorted(by_date):
        lic = Counter(m.license for m in by_date[date]).most_common(1)[0][0]
        if prev is not None and lic != prev:
            d, why = direction(kb.get(prev), kb.get(lic))
            ms = [m for m in by_date[date] if m.license == lic]
            out.append(LicenceChange(date, prev, lic, d, why, [m.id for m in ms[:3]], _src(ms[0])))
        prev = lic
    return out


def _derivatives(models: list[CatalogModel], kb: KnowledgeBase) -> Fact | None:
    ids = {m.id for m in models}
    derived = sorted({m.id for m in kb.models.values() if m.id not in ids and set(m.base_models) & ids})
    if not derived:
        return None
    date = str(_kb_date())
    return Fact(f"{len(derived)} derivatives from other families in the bundled catalog (e.g. "
                f"{', '.join(derived[:3])}); only derivatives catalogued here are counted", "kb:models", date)


def _kb_date() -> str | None:
    import yaml

    from smallprint.kb import KB_DIR

    try:
        return str((yaml.safe_load((KB_DIR / "kb.yaml").read_text(encoding="utf-8")) or {}).get("updated"))
    except (OSError, yaml.YAMLError):
        return None


def _maintenance(models: list[CatalogModel], today: dt.date) -> list[Fact]:
    out = []
    for m in models:
        if m.deprecated:
            past = m.deprecated[:10] <= today.isoformat()
            out.append(Fact(f"{m.id} {'retired' if past else 'to be retired'} by its provider",
                            _src(m), m.deprecated))
        if m.new_version:
            out.append(Fact(f"{m.id}: its publisher names {m.new_version} as the new version", _src(m), m.released))
    return out


def _age(date: str | None, today: dt.date) -> int | None:
    try:
        return (today - dt.date.fromisoformat(date[:10])).days if date else None
    except ValueError:
        return None


def _months(days: float) -> str:
    return f"{days / 30.44:.0f} months" if days >= 61 else f"{days:.0f} days"


def read_summary(s: Sustainability) -> str:
    """One paragraph that reads the facts above it; every statement points back at one of them."""
    parts = []
    if s.backers:
        parts.append("Backed by " + "; ".join(f"{b.name} ({b.kind.replace('-', ' ')})" for b in s.backers) + ".")
    else:
        parts.append("No backer facts in the knowledge base.")
    if s.releases:
        n = len(s.releases)
        cadence = f", a median of {_months(s.median_interval_days)} apart" if s.median_interval_days else ""
        parts.append(f"{n} release date{'s' if n != 1 else ''} from {s.releases[0].date} to {s.releases[-1].date}{cadence}.")
    if s.last_release_age_days is not None:
        parts.append(f"Last release {_months(s.last_release_age_days)} before {s.today}.")
    if s.licence_changes:
        dirs = Counter(c.direction for c in s.licence_changes)
        last = s.licence_changes[-1]
        parts.append(f"Licence changed {len(s.licence_changes)} time(s) ({', '.join(f'{k}: {v}' for k, v in dirs.items())}); "
                     f"latest {last.before} to {last.after} on {last.date} ({last.direction}).")
    elif s.releases:
        parts.append("No licence change across catalogued releases.")
    retired = [f for f in s.maintenance if "retired" in f.text]
    if retired:
        parts.append(f"{len(retired)} deprecation(s) announced.")
    return " ".join(parts)


def _build(subject: str, family: str | None, models: list[CatalogModel], backers: list[Backer],
           kb: KnowledgeBase, today: dt.date) -> Sustainability:
    releases = _releases(models)
    dates = [dt.date.fromisoformat(f.date) for f in releases if f.date]
    gaps = [(b - a).days for a, b in zip(dates, dates[1:], strict=False)]
    last = releases[-1].date if releases else None
    s = Sustainability(
        subject=subject, family=family, backers=backers, releases=releases, last_release=last,
        last_release_age_days=_age(last, today),
        median_interval_days=float(statistics.median(gaps)) if gaps else None,
        licence_changes=_changes(models, kb), derivatives=_derivatives(models, kb),
        maintenance=_maintenance(models, today), today=today.isoformat(),
    )
    s.summary = read_summary(s)
    return s


def for_family(family: str, kb: KnowledgeBase | None = None, today: dt.date | None = None) -> Sustainability:
    kb = kb or default_kb()
    fam = _family_of(family, kb)
    if fam is None:
        raise InputError(f"{family}: not a catalogued model family")
    models = _models_of(fam, kb)
    return _build(fam, fam, models, backers_for(fam, models[0].id if models else None), kb, today or dt.date.today())


def _family_for_result(r: CheckResult, kb: KnowledgeBase) -> str | None:
    for n in r.lineage:  # itself first, then the nearest catalogued ancestor
        cm = kb.model(n.id)
        if cm is not None:
            return cm.family
    cm = kb.model(r.model_id) if r.model_id else None
    return cm.family if cm else None


def for_result(r: CheckResult, kb: KnowledgeBase | None = None, today: dt.date | None = None) -> Sustainability:
    """A checked model: its family's facts, plus its own new_version from the card when it declares one."""
    kb = kb or default_kb()
    today = today or dt.date.today()
    fam = _family_for_result(r, kb)
    subject = r.model_id or r.target
    models = _models_of(fam, kb) if fam else []
    s = _build(subject, fam, models, backers_for(fam, r.model_id), kb, today)
    nv = (r.facts.card_data.get("new_version") if r.facts is not None else None)
    if isinstance(nv, str) and nv.strip():
        s.maintenance.append(Fact(f"the model card names {nv.strip()} as the new version",
                                  r.facts.card_path if r.facts else None, None))
    if fam is None:
        s.notes.append("not in the catalog, nor any of its ancestors: release and licence history unknown")
    elif kb.model(subject) is None:
        s.notes.append(f"facts of the {fam} family, the nearest catalogued ancestor's")
    s.summary = read_summary(s)
    return s


def sustainability(target: str, *, kb: KnowledgeBase | None = None, offline: bool = False,
                   today: dt.date | None = None) -> Sustainability:
    """A family name (`llama`, `qwen`) or anything `check` reads."""
    kb = kb or default_kb()
    if _family_of(target, kb) is not None and kb.model(target) is None:
        return for_family(target, kb, today)
    from smallprint.pipeline.check import check_targets

    r = check_targets([target], offline=offline or None, kb=kb, openness=False)[0]
    if r.error:
        raise InputError(r.error)
    return for_result(r, kb, today)
