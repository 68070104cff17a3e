"""`smallprint compare A B C...`: models side by side, open and closed alike.

Each model is checked and judged by the pipeline (`run_check`); a row only picks the
answers out of the result: the licence and version, the effective terms (own and
inherited, each with its clause), lineage roots, openness, sustainability and verdict.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from smallprint.kb import KnowledgeBase, default_kb
from smallprint.model import CheckResult, Term

SCHEMA = "smallprint/compare/1"

ROWS: tuple[tuple[str, str], ...] = (
    ("licence", "licence and version"),
    ("commercial-use", "commercial use"),
    ("user-threshold", "user threshold (monthly active users)"),
    ("revenue-threshold", "revenue threshold (USD a year)"),
    ("no-training-other-models", "no training other models on outputs"),
    ("derivative-naming", "derivative naming"),
    ("attribution-display", "attribution to display"),
    ("geographic", "regions withheld"),
    ("field-of-use", "fields of use prohibited"),
    ("lineage-roots", "lineage roots"),
    ("openness", "openness (OSAID, MOF class)"),
    ("sustainability", "sustainability"),
    ("verdict", "verdict"),
)
"""The rows of the table, in order: (key, label)."""

TERM_ROWS = ("commercial-use", "user-threshold", "revenue-threshold", "no-training-other-models",
             "derivative-naming", "attribution-display", "geographic", "field-of-use")


@dataclass
class Cell:
    """One answer: a short value, and the clause or source it comes from."""

    value: str
    detail: Any = None
    clause: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "detail": self.detail, "clause": self.clause}


@dataclass
class Column:
    target: str
    model_id: str | None
    closed: bool
    cells: dict[str, Cell]
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "model_id": self.model_id, "closed": self.closed,
                "error": self.error, "rows": {k: c.to_dict() for k, c in self.cells.items()}}


@dataclass
class Comparison:
    profile: str
    columns: list[Column]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA, "profile": self.profile, "rows": [{"key": k, "label": lbl} for k, lbl in ROWS],
                "models": [c.to_dict() for c in self.columns], "notes": list(self.notes)}


def _fmt(value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _clause(t: Term) -> str | None:
    for ev in t.evidence:
        where = ev.file or "?"
        if ev.start_line:
            where += f":L{ev.start_line}"
        quote = " ".join((ev.quote or "").split())
        return f'{where} "{quote[:157] + "..." if len(quote) > 160 else quote}"' if quote else where
    return t.source


def term_cell(terms: list[Term], key: str) -> Cell:
    """The effective term (own first, then inherited), with its clause; `-` when no licence sets it."""
    found = [t for t in terms if t.key == key]
    if not found:
        return Cell("-" if key != "commercial-use" else "not stated")
    own = [t for t in found if not (t.source or "").startswith("lineage:")]
    t = (own or found)[0]
    value = _fmt(t.value)
    if t.source and t.source.startswith("lineage:"):
        value += f" (inherited from {t.source.removeprefix('lineage:')})"
    if key == "field-of-use" and isinstance(t.value, list) and len(t.value) > 4:
        value = f"{len(t.value)} fields: " + "; ".join(str(v) for v in t.value[:4]) + "; ..."
    return Cell(value, t.value, _clause(t))


def licence_cell(r: CheckResult, kb: KnowledgeBase) -> Cell:
    if not r.license.licenses:
        return Cell("none identified")
    m = r.license.licenses[0]
    e = kb.get(m.id)
    version = f" v{m.version}" if m.version else ""
    kind = f", {m.kind}" if m.kind else ""
    return Cell(f"{m.id}{version}{kind}", {"id": m.id, "name": m.name, "version": m.version, "kind": m.kind},
                e.url if e else None)


def roots_cell(r: CheckResult) -> Cell:
    ancestors = [n for n in r.lineage if n.depth > 0]
    if not ancestors:
        return Cell("itself")
    roots = [n for n in ancestors if not n.parents]
    return Cell("; ".join(f"{n.id} ({n.license_id or 'licence unknown'})" for n in roots),
                [{"id": n.id, "license": n.license_id} for n in roots])


def openness_cell(r: CheckResult) -> Cell:
    o: Mapping[str, Any] = r.openness or {}
    osaid = (o.get("osaid") or {}).get("verdict")
    mof = (o.get("mof") or {}).get("class")
    if osaid is None:
        return Cell("not assessed")
    return Cell(f"{osaid}, MOF class {mof}", {"osaid": osaid, "mof_class": mof})


def verdict_cell(r: CheckResult) -> Cell:
    v: Mapping[str, Any] = r.verdict or {}
    level = v.get("verdict", "-")
    reasons = v.get("reasons") or []
    duties = v.get("duties") or []
    detail = {"reasons": [x.get("message") for x in reasons], "duties": [d.get("duty") for d in duties]}
    extra = f" ({len(duties)} duties)" if level == "conditions" else ""
    top = next((x for x in reasons if x.get("level") == level), None)
    return Cell(f"{level}{extra}", detail, top.get("message") if top else None)


def column(r: CheckResult, kb: KnowledgeBase, today: dt.date | None = None) -> Column:
    from smallprint.selection.filters import is_closed
    from smallprint.selection.sustainability import for_result

    if r.error:
        return Column(r.target, r.model_id, False, {}, r.error)
    cm = kb.model(r.model_id) if r.model_id else None
    cells = {"licence": licence_cell(r, kb)}
    for key in TERM_ROWS:
        cells[key] = term_cell(r.terms, key)
    cells["lineage-roots"] = roots_cell(r)
    cells["openness"] = openness_cell(r)
    s = for_result(r, kb, today=today)
    cells["sustainability"] = Cell(s.summary, s.to_dict())
    cells["verdict"] = verdict_cell(r)
    return Column(r.target, r.model_id, bool(cm and is_closed(cm, kb)), cells)


DEFAULT_PROFILE = "commercial-saas"


def compare(targets: list[str], *, profile: str | None = None, preset: str | None = None,
            overrides: dict[str, Any] | None = None, offline: bool = False, kb: KnowledgeBase | None = None,
            today: dt.date | None = None) -> Comparison:
    """Check and judge every target through `run_check`, then lay the answers side by side."""
    from smallprint.pipeline.run import CheckRequest, run_check

    kb = kb or default_kb()
    notes: list[str] = []
    if profile is None and preset is None:
        preset = DEFAULT_PROFILE
        notes.append(f"no use profile given: verdicts under {DEFAULT_PROFILE} (choose one with --use or --profile)")
    outcome = run_check(CheckRequest(targets=list(targets), offline=offline, profile=profile, preset=preset,
                                     overrides=dict(overrides or {})), kb=kb)
    name = next((str(r.verdict["profile"]) for r in outcome.results if r.verdict), profile or preset or "")
    cols = [column(r, kb, today) for r in outcome.results]
    return Comparison(name, cols, notes + list(outcome.notes))
