"""`smallprint choose [TARGET] [--goal ...]`: which established licence your release may take.

The model about to be published (a snapshot folder or a card) is checked by the pipeline:
its lineage (each ancestor's licence) and its training data say what it inherited. From
those, each established licence of kb/selection/release-licenses.yaml is either open to the
release or not, with the reason and the clause; the inherited licence joins the list when a
base requires it. The release's own licence, when it is an unknown text or an edited copy,
gets a `custom-license` finding naming the closest established licence and the clauses
that differ. An OSAID release checklist says what to publish, and the MOF class reached.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smallprint.errors import InputError, SmallprintError
from smallprint.kb import KnowledgeBase, LicenseEntry, default_kb
from smallprint.model import CheckResult, Finding, Term
from smallprint.selection.data import flow_down_families, release_licences

SCHEMA = "smallprint/choose/1"
GOALS = ("permissive", "share-alike", "responsible-use", "non-commercial")

# Which of an ancestor licence's clauses to quote for each kind of constraint, best first.
_CLAUSE_KEYS = {
    "inherit": ("same-license", "include-license", "use-restrictions-flow-down", "commercial-use", "distribution"),
    "share-alike": ("same-license",),
    "flow-down": ("use-restrictions-flow-down", "field-of-use"),
    "no-commercial": ("non-commercial", "research-only", "commercial-use"),
    "notice": ("include-license", "attribution-display", "state-changes"),
}
_PIPELINE_FINDINGS = ("license-conflicts-with-base", "noncommercial-data", "naming-requirement",
                      "license-other-unresolved", "ancestor-unresolved", "no-license", "license-family-only")


@dataclass
class Constraint:
    """What an ancestor or a training data set imposes on the release's licence."""

    kind: str  # inherit | share-alike | flow-down | no-commercial | notice | unknown
    source: str  # the ancestor model or data set
    licence: str | None
    message: str
    clause: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "source": self.source, "license": self.licence,
                "message": self.message, "clause": self.clause}


@dataclass
class Option:
    """One established licence and whether the release may take it."""

    id: str
    name: str
    covers: tuple[str, ...]
    goals: tuple[str, ...]
    status: str  # may | may-not | unclear
    reasons: list[str] = field(default_factory=list)
    clauses: list[str] = field(default_factory=list)
    inherited: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "for": list(self.covers), "goals": list(self.goals),
                "status": self.status, "inherited": self.inherited, "reasons": self.reasons, "clauses": self.clauses}


@dataclass
class Duty:
    duty: str
    source: str
    clause: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"duty": self.duty, "source": self.source, "clause": self.clause}


@dataclass
class Choice:
    target: str
    model_id: str | None
    goal: str
    declared: str | None
    constraints: list[Constraint]
    options: list[Option]
    recommendation: Option | None
    data_recommendation: Option | None
    duties: list[Duty]
    findings: list[Finding]
    checklist: list[dict[str, Any]]
    mof_now: int | None
    mof_with_recommendation: int | None
    mof_with_checklist: int | None
    osaid_with_checklist: str | None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "target": self.target,
            "model_id": self.model_id,
            "goal": self.goal,
            "declared_license": self.declared,
            "recommendation": self.recommendation.to_dict() if self.recommendation else None,
            "data_recommendation": self.data_recommendation.to_dict() if self.data_recommendation else None,
            "may": [o.to_dict() for o in self.options if o.status == "may"],
            "may_not": [o.to_dict() for o in self.options if o.status == "may-not"],
            "unclear": [o.to_dict() for o in self.options if o.status == "unclear"],
            "constraints": [c.to_dict() for c in self.constraints],
            "duties": [d.to_dict() for d in self.duties],
            "findings": [f.to_dict() for f in self.findings],
            "osaid_checklist": {
                "items": self.checklist,
                "mof_class_now": self.mof_now,
                "mof_class_with_recommendation": self.mof_with_recommendation,
                "mof_class_with_checklist": self.mof_with_checklist,
                "osaid_with_checklist": self.osaid_with_checklist,
            },
            "notes": list(self.notes),
        }


# --- reading what the release inherited ---------------------------------------------------


def _quote(t: Term) -> str | None:
    for ev in t.evidence:
        where = ev.file or "?"
        if ev.start_line:
            where += f":L{ev.start_line}" + (f"-{ev.end_line}" if ev.end_line and ev.end_line != ev.start_line else "")
        q = " ".join((ev.quote or "").split())
        return f'{where} "{q[:197] + "..." if len(q) > 200 else q}"' if q else where
    return None


def _clause(entry: LicenseEntry, kb: KnowledgeBase, kind: str) -> str | None:
    from smallprint.pipeline.check import license_terms

    terms = license_terms(kb)(entry)
    for key in _CLAUSE_KEYS.get(kind, ()):
        for t in terms:
            if t.key == key and t.value not in (False, None):
                q = _quote(t)
                if q:
                    return q
    return entry.url


def _entry_term(entry: LicenseEntry, key: str) -> Any:
    t = entry.term(key)
    return t.value if t else None


def _constraints_from_licence(source: str, entry: LicenseEntry, kb: KnowledgeBase) -> list[Constraint]:
    from smallprint.evaluators.findings import is_noncommercial, is_permissive

    out: list[Constraint] = []
    if entry.kind in ("family", "use-policy"):
        return [Constraint("unknown", source, entry.id, f"{source} names {entry.name}, a licence family or policy, "
                           "not one licence: read which licence applies before choosing")]
    if is_noncommercial(entry):
        out.append(Constraint("no-commercial", source, entry.id,
                              f"{source} is under {entry.id}, which grants no commercial use: no commercial grant is possible",
                              _clause(entry, kb, "no-commercial")))
    if is_permissive(entry):
        out.append(Constraint("notice", source, entry.id,
                              f"{source} is under {entry.id}, a permissive licence: any licence may follow; keep its notice",
                              _clause(entry, kb, "notice")))
        return out
    if _entry_term(entry, "same-license") is True:
        out.append(Constraint("share-alike", source, entry.id,
                              f"{source} is under {entry.id}, which requires derivatives under the same licence",
                              _clause(entry, kb, "share-alike")))
    elif entry.family in flow_down_families():
        out.append(Constraint("flow-down", source, entry.id,
                              f"{source} is under {entry.id}: derivatives may take other terms only if they carry its "
                              "use restrictions as an enforceable provision", _clause(entry, kb, "flow-down")))
    elif entry.kind in ("restricted-model", "proprietary", "research-only", "non-commercial", "open-weights"):
        out.append(Constraint("inherit", source, entry.id,
                              f"{source} is under {entry.id} ({entry.kind}): its derivatives stay under its terms and no "
                              "broader licence can be granted", _clause(entry, kb, "inherit")))
    else:
        out.append(Constraint("unknown", source, entry.id, f"{source} is under {entry.id} ({entry.kind}): read whether "
                              "derivatives may take other terms", entry.url))
    return out


def _org(model_id: str) -> str:
    return model_id.split("/", 1)[0].lower() if "/" in model_id else ""


def _superseded(node: Any, lineage: list[Any]) -> bool:
    """An ancestor whose own publisher released its child under a licence of its choosing (Meta's
    Llama 3.3 from Llama 3.1, DeepSeek's R1 from V3-Base): the child's licence is what binds."""
    return any(
        node.id in c.parents and c.depth > 0 and c.license_id and _org(c.id) and _org(c.id) == _org(node.id)
        for c in lineage
    )


def constraints(r: CheckResult, kb: KnowledgeBase) -> list[Constraint]:
    """What each ancestor's licence and each known training data set impose."""
    from smallprint.evaluators.findings import dataset_licences, is_noncommercial

    out: list[Constraint] = []
    for n in r.lineage:
        if n.depth == 0 or _superseded(n, r.lineage):
            continue
        entry = kb.get(n.license_id) if n.license_id else None
        if entry is None:
            out.append(Constraint("unknown", n.id, n.license_id, f"the licence of {n.id} is unknown: no licence "
                                  "can be chosen with confidence until it is read"))
            continue
        out.extend(_constraints_from_licence(n.id, entry, kb))
    datasets = r.facts.datasets if r.facts is not None else []
    for name, ds, entry in dataset_licences(datasets, kb):
        if entry is None:
            continue
        src = ds.sources[0] if getattr(ds, "sources", None) else None
        if is_noncommercial(entry):
            clause = _clause(entry, kb, "no-commercial")
            out.append(Constraint("no-commercial", f"data:{name}", entry.id,
                                  f"trained on {name}, under {entry.id} (non-commercial): this rules out a commercial "
                                  f"grant (whether a data licence reaches the weights is disputed; read it with counsel)"
                                  + (f" [{src}]" if src else ""), clause))
        elif _entry_term(entry, "same-license") is True:
            out.append(Constraint("unknown", f"data:{name}", entry.id,
                                  f"trained on {name}, under share-alike {entry.id}: whether share-alike reaches the "
                                  "weights is disputed", _clause(entry, kb, "share-alike")))
    return out


def duties(r: CheckResult, kb: KnowledgeBase) -> list[Duty]:
    """Naming, attribution and notices the release owes its ancestors (inherited terms, each with its clause)."""
    out: list[Duty] = []
    gone = {n.id for n in r.lineage if n.depth > 0 and _superseded(n, r.lineage)}
    for t in r.terms:
        src = (t.source or "")
        if not src.startswith("lineage:"):
            continue
        who = src.removeprefix("lineage:")
        if who in gone:
            continue
        text = None
        if t.key == "derivative-naming" and t.value:
            text = f"name the model '{t.value}-...' (its name must begin with '{t.value}')"
        elif t.key == "attribution-display" and t.value:
            text = f"show '{t.value}' with the release (model card, website or product)"
        elif t.key == "include-license" and t.value:
            text = "ship the base model's licence and notices with the release"
        elif t.key == "acceptable-use-policy" and t.value:
            text = f"carry the use policy: {t.value}"
        elif t.key == "use-restrictions-flow-down" and t.value:
            text = "include the base's use restrictions as an enforceable provision of your licence"
        if text is None:
            continue
        prior = next((d for d in out if d.duty == text), None)
        if prior is None:
            out.append(Duty(text, who, _quote(t)))
        elif who not in prior.source.split(", "):
            prior.source += f", {who}"
    return out


# --- the options ----------------------------------------------------------------------------


def _judge_option(entry: LicenseEntry, cons: list[Constraint], covers: tuple[str, ...], goals: tuple[str, ...],
                  inherited: bool = False) -> Option:
    from smallprint.evaluators.findings import is_noncommercial

    opt = Option(entry.id, entry.name, covers, goals, "may", inherited=inherited)
    carries_restrictions = _entry_term(entry, "use-restrictions-flow-down") is True
    required = any(c.kind in ("inherit", "share-alike") and c.licence == entry.id for c in cons)
    for c in cons:
        bad: str | None = None
        if c.kind in ("inherit", "share-alike") and entry.id != c.licence:
            bad = f"{c.message} ({c.licence}, not {entry.id})"
        elif c.kind == "flow-down" and entry.id != c.licence and not carries_restrictions:
            bad = f"{c.message}; {entry.id} carries no use restrictions"
        elif c.kind == "no-commercial" and not is_noncommercial(entry):
            if required:
                # the base leaves no other licence, and the data rules out its commercial grant: a reader decides
                if opt.status == "may":
                    opt.status = "unclear"
                opt.reasons.append(f"{c.message}; {entry.id}, which the base requires, grants commercial use: "
                                   "publish under it only with the data's non-commercial restriction stated")
                if c.clause:
                    opt.clauses.append(f"{c.licence}: {c.clause}")
                continue
            bad = f"{c.message}; {entry.id} grants commercial use"
        elif c.kind == "unknown":
            if opt.status == "may":
                opt.status = "unclear"
            opt.reasons.append(c.message)
            if c.clause:
                opt.clauses.append(c.clause)
            continue
        if bad is not None:
            opt.status = "may-not"
            opt.reasons.append(bad)
            if c.clause:
                opt.clauses.append(f"{c.licence}: {c.clause}")
        elif c.kind == "flow-down" and entry.id != c.licence:
            opt.reasons.append(f"only with {c.source}'s use restrictions added to its own ({c.licence})")
    if opt.status == "may" and not opt.reasons:
        opt.reasons.append(("consistent with what the release inherited: " + "; ".join(
            sorted({f"{c.kind} ({c.licence})" for c in cons}))) if cons else "no base model or known training data restricts it")
    return opt


def options(cons: list[Constraint], kb: KnowledgeBase) -> list[Option]:
    out: list[Option] = []
    listed = set()
    for cand in release_licences():
        entry = kb.get(cand.id)
        if entry is None:
            continue
        out.append(_judge_option(entry, cons, cand.covers, cand.goals))
        listed.add(entry.id)
    for c in cons:
        if c.kind in ("inherit", "share-alike", "flow-down") and c.licence and c.licence not in listed:
            entry = kb.get(c.licence)
            if entry is not None:
                out.append(_judge_option(entry, cons, ("weights",), (), inherited=True))
                listed.add(c.licence)
    return out


def recommend(opts: list[Option], goal: str, cons: list[Constraint]) -> tuple[Option | None, Option | None, list[str]]:
    """The first open option serving the goal (weights), and one for data; else why not."""
    notes: list[str] = []
    may = [o for o in opts if o.status == "may"]
    weights = [o for o in may if "weights" in o.covers]
    data = sorted((o for o in may if "data" in o.covers and goal in o.goals), key=lambda o: "weights" in o.covers)
    inherited = [o for o in weights if o.inherited]
    pick = next((o for o in weights if goal in o.goals and not o.inherited), None)
    if inherited and (pick is None or any(c.kind in ("inherit", "share-alike") for c in cons)):
        pick = inherited[0]
        notes.append(f"the base requires its own licence: {pick.id}" +
                     ("" if goal in pick.goals else f" (the goal '{goal}' cannot be met)"))
    if pick is None and weights:
        pick = weights[0]
        notes.append(f"no established licence for the goal '{goal}' is open to this release; the closest open one is {pick.id}")
    binding = sorted({c.licence for c in cons if c.kind in ("inherit", "share-alike") and c.licence})
    if pick is None and len(binding) > 1:
        notes.append(f"the ancestors' licences ({', '.join(binding)}) each require their own terms for derivatives: "
                     "they conflict, and no licence satisfies all of them")
    held = [o for o in opts if o.inherited and o.status == "unclear"]
    if pick is None and held and len(binding) <= 1:
        notes.append(f"the base requires {held[0].id}, and the training data rules out a commercial grant: no "
                     f"established licence says both; {held[0].id} with a stated non-commercial restriction is the "
                     "closest, to be read with counsel")
    if pick is None:
        unclear = [o for o in opts if o.status == "unclear"]
        notes.append("no established licence can be recommended: " +
                     ("what the release inherited is unclear; read the clauses listed" if unclear
                      else "every one conflicts with what the release inherited"))
    return pick, (data[0] if data else None), notes


# --- the release's own licence ---------------------------------------------------------------


def _licence_file(r: CheckResult, target: str) -> str | None:
    """The licence file the release ships, as a path `smallprint diff` can read."""
    facts = r.facts
    if facts is None:
        return None
    for c in facts.license_claims:
        if not c.where.startswith("file:") or not c.evidence.file:
            continue
        for p in (Path(c.evidence.file), Path(target) / c.evidence.file, Path(target) / Path(c.evidence.file).name):
            if p.is_file():
                return str(p)
    return None


def custom_licence(r: CheckResult, target: str, opts: list[Option], kb: KnowledgeBase) -> Finding | None:
    """A `custom-license` finding for an unknown licence text or an edited copy of a known one."""
    from smallprint.api import diff, identify_license_file
    from smallprint.model import Evidence

    path = _licence_file(r, target)
    if path is None:
        return None
    ident = identify_license_file(path, kb=kb)  # the file itself, whatever the card declares
    known = ident.licenses[0] if ident.licenses and not ident.error else None
    try:
        if known is not None:
            closest = known.id
        else:
            scored = []
            for o in opts:
                d = diff(path, o.id, kb=kb)
                scored.append((len(d.changed_terms), len(d.passages), o.id))
            if not scored:
                return None
            closest = min(scored)[2]
        d = diff(path, closest, kb=kb)
    except SmallprintError:
        return None
    deviations = list(known.deviations) if known else []
    if known is not None and not deviations and not d.changed_terms and not d.passages:
        return None  # an unmodified copy of a known licence
    terms = [f"{c.key}: {_fmt(c.a)} here, {_fmt(c.b)} in {closest}" for c in d.changed_terms[:8]]
    places = deviations or list(d.passages)
    lines = [f"L{x.start_line}-{x.end_line}" for x in places[:6] if x.start_line]
    what = (f"an edited copy of {closest}" + (f" (changed at {', '.join(lines)})" if lines else "")
            if known else "a licence text the knowledge base does not know")
    msg = (f"The release's licence is {what}: a custom licence. Closest established licence: {closest}. "
           f"Clauses that differ: {'; '.join(terms) if terms else 'wording only, no term differs'}. "
           "Publish under the established licence unchanged instead.")
    ev = [Evidence(path, x.start_line, x.end_line or x.start_line, (x.text or "")[:200]) for x in places[:3] if x.start_line]
    if not ev:
        ev = [e for c in d.changed_terms[:3] if c.a is not None for e in c.a.evidence[:1]]
    return Finding("custom-license", "warning", msg, ev)


def _fmt(t: Term | None) -> str:
    if t is None:
        return "not stated"
    v = t.value
    return "yes" if v is True else "no" if v is False else str(v)


# --- the OSAID checklist -------------------------------------------------------------------


def _osi_id(entry: LicenseEntry | None) -> str | None:
    return (entry.spdx_id or entry.id) if entry else None


def checklist(r: CheckResult, rec: Option | None, kb: KnowledgeBase) -> tuple[list[dict[str, Any]], int | None, int | None, int | None, str | None]:
    """What to publish for Open Source AI, and the MOF class now, with the recommended licence on the
    weights, and with the whole checklist done (each projection evaluated by the openness evaluator)."""
    from smallprint.evaluators.openness.mot import MotComponentEntry, MotRelease, evaluate_release
    from smallprint.evaluators.openness.osaid import PARAMETERS, assess_osaid

    o: Mapping[str, Any] = r.openness or {}
    comps = (o.get("mof") or {}).get("components") or []
    now = (o.get("mof") or {}).get("class")
    items: list[dict[str, Any]] = []
    for m in (o.get("osaid") or {}).get("missing") or []:
        items.append({"piece": m.get("piece"), "component": m.get("component"), "problem": m.get("problem"),
                      "detail": m.get("detail"), "publish_under": _publish_under(m.get("piece"), rec, kb)})
    if not comps:
        return items, now, None, None, None
    rec_id = _osi_id(kb.get(rec.id)) if rec else None
    name = r.model_id or r.target

    def project(fill: bool) -> tuple[int, str]:
        entries = []
        for c in comps:
            lic = c.get("license") if c.get("status") != "missing" else None
            if c.get("name") == PARAMETERS and rec_id:
                lic = rec_id
            elif fill and (lic is None or c.get("status") != "open") and c.get("required"):
                lic = _under(c, rec) if not str(c.get("name")).startswith("Model parameters") else rec_id
            if lic:
                entries.append(MotComponentEntry(str(c.get("name")), lic))
        a = evaluate_release(MotRelease(name=name, components=entries), mot_compatible=False, kb=kb)
        return a.mof_class, assess_osaid(a.components, rec_id, kb).verdict

    with_rec = project(False)[0] if rec_id else None
    full_class, full_osaid = project(True)
    for c in comps:
        if c.get("required") and c.get("status") != "open" and c.get("name") != PARAMETERS:
            if not any(i.get("component") == c.get("name") for i in items):
                items.append({"piece": f"MOF class {c.get('class')}", "component": c.get("name"),
                              "problem": c.get("status"), "detail": c.get("reason"),
                              "publish_under": _under(c, rec)})
    return items, now, with_rec, (full_class if rec_id else None), (full_osaid if rec_id else None)


_DATA_NOTE = " (data of your own; third-party data keeps its licence)"


def _under(c: dict[str, Any], rec: Option | None) -> str | None:
    """The established licence a missing MOF component would be published under."""
    if str(c.get("name")).startswith("Model parameters"):
        return rec.id if rec else None
    if c.get("content_type") == "data":
        return "CC-BY-4.0"
    if c.get("content_type") == "code":
        return "Apache-2.0"
    return "CC-BY-4.0"  # documents: cards, reports, papers


def _publish_under(piece: str | None, rec: Option | None, kb: KnowledgeBase) -> str | None:
    if piece == "parameters":
        return rec.id if rec else None
    if piece == "code":
        return "Apache-2.0"
    if piece == "data-information":
        return "CC-BY-4.0" + _DATA_NOTE
    return None


# --- the command ---------------------------------------------------------------------------


def choose(target: str = ".", *, goal: str = "permissive", offline: bool = False,
           kb: KnowledgeBase | None = None) -> Choice:
    """Check the release, read what it inherited, judge each established licence, recommend one."""
    from smallprint.pipeline.check import check_targets

    if goal not in GOALS:
        raise InputError(f"--goal: unknown {goal!r} (one of {', '.join(GOALS)})")
    kb = kb or default_kb()
    results = check_targets([target], offline=offline or None, kb=kb)
    if len(results) != 1:
        raise InputError(f"{target}: choose reads one model (a snapshot folder or a card); found {len(results)}")
    r = results[0]
    if r.error:
        raise InputError(r.error)
    cons = constraints(r, kb)
    opts = options(cons, kb)
    rec, data_rec, notes = recommend(opts, goal, cons)
    findings = [f for f in r.findings if f.code in _PIPELINE_FINDINGS]
    custom = custom_licence(r, target, opts, kb)
    if custom is not None:
        findings.insert(0, custom)
    declared = r.license.licenses[0].id if r.license.licenses else None
    if declared is not None:
        mine = next((o for o in opts if o.id == declared), None)
        if mine is not None and mine.status == "may-not":
            findings.insert(0, Finding("license-conflicts-with-base", "error",
                                       f"The release declares {declared}, which it may not take: {mine.reasons[0]}"))
    items, now, with_rec, full, full_osaid = checklist(r, rec, kb)
    return Choice(target, r.model_id, goal, declared, cons, opts, rec, data_rec, duties(r, kb), findings,
                  items, now, with_rec, full, full_osaid, notes)
