"""What is wrong or worth knowing about a model given its licence and its lineage.

Pure functions over a resolved licence, a lineage graph and the knowledge base.
Codes are stable (README): `license-conflicts-with-base`, `naming-requirement`,
`noncommercial-data`, `gated`, plus what sources found (`broken-metadata`,
`pickle-weights`). Inherited obligations are folded into the effective terms with
`source="lineage:<ancestor id>"`.

A licence the derivative declares is compared with what binds each parent: the
parent's own licence, plus any licence further up that the parent could not shed
(a Llama 3.2 fine-tune labelled `llama3` is still bound by Llama 3.2). A publisher
relicensing its own model (same Hub organisation) is never a conflict.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from smallprint.kb import KnowledgeBase, LicenseEntry, data_path
from smallprint.model import Evidence, Finding, LineageNode, ModelFacts, Term

__all__ = [
    "DatasetLicense",
    "binding_licences",
    "conflict_reason",
    "dataset_licences",
    "findings_for",
    "inherited_terms",
    "is_noncommercial",
    "is_permissive",
    "load_datasets",
    "naming_findings",
]

GENERIC_FAMILIES = ("cc", "openrail", "odc", "cdla", "rail", "gpl", "apache", "mit", "bsd")
"""Licence families anyone may use for their own model: declaring one says nothing about lineage."""
PASS_THROUGH = ("broken-metadata", "pickle-weights", "sources-disagree", "license-family-only")
_GATE_KEYS_THAT_GATE = ("extra_gated_prompt", "extra_gated_fields", "extra_gated_heading")


# -- licence properties (read from the KB, never from ids) ---------------------


def _term(entry: LicenseEntry, key: str) -> Any:
    t = entry.term(key)
    return None if t is None else t.value


def is_noncommercial(entry: LicenseEntry) -> bool:
    return (
        entry.kind in ("non-commercial", "research-only")
        or _term(entry, "non-commercial") is True
        or _term(entry, "research-only") is True
        or _term(entry, "commercial-use") is False
    )


def is_permissive(entry: LicenseEntry) -> bool:
    """Anyone may build on it under other terms, keeping notices (Apache, MIT, CC-BY, ODC-By...)."""
    return (
        entry.kind in ("osi-code", "open-data")
        and _term(entry, "same-license") is not True
        and _term(entry, "use-restrictions-flow-down") is not True
        and _term(entry, "modification") is not False
        and not is_noncommercial(entry)
    )


def _org(model_id: str | None) -> str | None:
    return model_id.split("/")[0].lower() if model_id and "/" in model_id else None


def conflict_reason(declared: LicenseEntry, ancestor: LicenseEntry) -> str | None:
    """Why declaring `declared` on a derivative of a model under `ancestor` is wrong, or None."""
    if declared.id == ancestor.id or is_permissive(ancestor):
        return None
    if declared.kind == "family" and declared.family == ancestor.family:
        return None  # "openrail" may well mean the base's own OpenRAIL licence: unclear, not a conflict
    if declared.family == ancestor.family and declared.family not in GENERIC_FAMILIES:
        return f"{declared.id} is another version of the {ancestor.family} licence than the base's {ancestor.id}"
    if is_permissive(declared) or declared.kind in ("osi-code", "open-data"):
        return f"{declared.id} is more permissive than {ancestor.id}, whose conditions bind derivatives"
    if is_noncommercial(ancestor) and not is_noncommercial(declared):
        return f"{ancestor.id} is non-commercial, {declared.id} permits commercial use"
    if _term(ancestor, "same-license") is True:
        return f"{ancestor.id} requires derivatives to be distributed under its own terms"
    if _term(ancestor, "use-restrictions-flow-down") is True and _term(declared, "use-restrictions-flow-down") is not True:
        return f"{ancestor.id}'s use restrictions must flow down to derivatives; {declared.id} does not carry them"
    return None


# -- what binds each node --------------------------------------------------------


@dataclass(frozen=True)
class Binding:
    """A licence binding a model, and the nearest node that declared it."""

    license_id: str
    origin: str


def binding_licences(nodes: list[LineageNode], kb: KnowledgeBase) -> dict[str, list[Binding]]:
    """For each node id (lower case), the licences that bind it: its own, plus ancestors' it cannot shed."""
    by_id = {n.id.lower(): n for n in nodes}
    memo: dict[str, list[Binding]] = {}

    def walk(nid: str, seen: frozenset[str]) -> list[Binding]:
        if nid in memo:
            return memo[nid]
        node = by_id.get(nid)
        if node is None or nid in seen:
            return []
        inherited: list[Binding] = []
        for p in node.parents:
            for b in walk(p.lower(), seen | {nid}):
                if b.license_id not in {x.license_id for x in inherited}:
                    inherited.append(b)
        own = kb.get(node.license_id) if node.license_id else None
        if own is None:
            out = inherited
        else:
            # the licence keeps its first licensor as origin: a re-upload does not become the licensor
            first = next((b for b in inherited if b.license_id == own.id), None)
            out = [first or Binding(own.id, node.id)]
            for b in inherited:
                anc = kb.get(b.license_id)
                if anc is None or b.license_id == own.id:
                    continue
                same_org = _org(node.id) is not None and _org(node.id) == _org(b.origin)
                if not same_org and conflict_reason(own, anc):
                    out.append(b)
        memo[nid] = out
        return out

    for n in nodes:
        walk(n.id.lower(), frozenset())
    return memo


# -- findings ----------------------------------------------------------------------


def conflict_findings(
    root: LineageNode, declared: list[str], bindings: dict[str, list[Binding]], kb: KnowledgeBase,
    evidence: list[Evidence], inferred: str | bool | None, depth: dict[str, int] | None = None,
) -> list[Finding]:
    """`license-conflicts-with-base` for each parent whose binding licence the declaration contradicts.

    When an intermediate ancestor mislabelled the version of its own base's licence, a
    derivative that declares the upstream version is right, not in conflict with the label.
    """
    depth = depth or {}
    out: list[Finding] = []
    parent_bindings: list[Binding] = []
    for p in root.parents:
        for b in bindings.get(p.lower(), []):
            if b not in parent_bindings:
                parent_bindings.append(b)
    families = {e.family for e in (kb.get(b.license_id) for b in parent_bindings) if e}
    for did in declared:
        d = kb.get(did)
        if d is None:
            continue
        for b in parent_bindings:
            a = kb.get(b.license_id)
            if a is None or (_org(root.id) and _org(root.id) == _org(b.origin)):
                continue
            if _upstream_version_declared(d, a, b, parent_bindings, depth):
                continue
            why = conflict_reason(d, a)
            if why:
                out.append(_conflict(root, d, b, why, evidence, inferred))
        if (
            parent_bindings
            and d.kind in ("restricted-model", "research-only", "non-commercial")
            and d.family not in GENERIC_FAMILIES
            and d.family not in families
            and not any(_org(root.id) == _org(b.origin) for b in parent_bindings)
            and not _publishes(root.id, d)
        ):
            names = ", ".join(sorted({f"{b.origin} ({b.license_id})" for b in parent_bindings}))
            why = f"{d.id} is the {d.family} publisher's licence, but no ancestor is under it: {names}"
            out.append(Finding("license-conflicts-with-base", "warning", f"{root.id} declares {d.id}; {why}", list(evidence)))
    return out


def _publishes(model_id: str, entry: LicenseEntry) -> bool:
    """The model's own organisation is the licence's publisher (Stability AI's model under its own licence)."""
    org = _alnum(_org(model_id) or "")
    pub = _alnum(entry.publisher or "")
    return (len(pub) >= 4 and org.startswith(pub)) or (len(org) >= 5 and pub.startswith(org))


def _upstream_version_declared(
    d: LicenseEntry, a: LicenseEntry, b: Binding, bindings: list[Binding], depth: dict[str, int],
) -> bool:
    """The declared licence is the same family's version a further-upstream licensor chose."""
    if a.family != d.family or a.family in GENERIC_FAMILIES:
        return False
    here = depth.get(b.origin.lower(), 0)
    return any(x.license_id == d.id and depth.get(x.origin.lower(), 0) > here for x in bindings)


def _conflict(
    root: LineageNode, d: LicenseEntry, b: Binding, why: str, evidence: list[Evidence], inferred: str | bool | None
) -> Finding:
    sev: Any = "error" if is_permissive(d) else "warning"
    basis = inferred if isinstance(inferred, str) else "model names"
    how = f" (lineage partly inferred from {basis})" if inferred else ""
    msg = f"{root.id} declares {d.id} but descends from {b.origin} under {b.license_id}{how}: {why}"
    return Finding("license-conflicts-with-base", sev, msg, list(evidence))


def _alnum(s: str) -> str:
    return re.sub(r"[^0-9a-z]", "", s.lower())


def naming_findings(
    nodes: list[LineageNode], bindings: dict[str, list[Binding]], kb: KnowledgeBase, root_name: str | None,
) -> list[Finding]:
    """`naming-requirement`: the licence's `derivative-naming` prefix is missing from the derivative's name.

    A quantized copy is not a new model: the rule is checked on the nearest ancestor that is.
    """
    if not nodes:
        return []
    by_id = {n.id.lower(): n for n in nodes}
    subject = nodes[0]
    name = root_name or subject.id
    hops = 0
    while subject.parents and hops < len(nodes):
        parent = by_id.get(subject.parents[0].lower())
        if parent is None or parent.relation != "quantized" or len(subject.parents) != 1:
            break
        subject, name, hops = parent, parent.id, hops + 1
    own_name = root_name or nodes[0].id
    if hops and _is_licensors_own(subject, bindings) and not _keeps_name(own_name, subject.id):
        # a third party's quant of the licensor's own model, renamed: the new name is the one distributed
        subject, name = nodes[0], own_name
    out: list[Finding] = []
    short = name.split("/")[-1]
    for p in subject.parents:
        for b in bindings.get(p.lower(), []):
            entry = kb.get(b.license_id)
            spec = entry.term("derivative-naming") if entry else None
            if spec is None or not isinstance(spec.value, str) or _org(subject.id) == _org(b.origin):
                continue
            if _alnum(short).startswith(_alnum(spec.value)):
                continue
            msg = (
                f"{b.license_id} requires derivatives to be named beginning with {spec.value!r} "
                f"(inherited from {b.origin}); {short!r} does not"
            )
            ev = [Evidence(f"kb:{entry.id}" if entry else None, 0, 0, a) for a in spec.anchors[:1]]
            f = Finding("naming-requirement", "warning", msg, ev)
            if f.message not in {x.message for x in out}:
                out.append(f)
    return out


def _keeps_name(name: str, original_id: str) -> bool:
    """Whether a copy's name still carries the original model's name (a re-upload, not a renaming)."""
    return _alnum(original_id.split("/")[-1]) in _alnum(name.split("/")[-1])


def _is_licensors_own(node: LineageNode, bindings: dict[str, list[Binding]]) -> bool:
    """Whether the node is published by the organisation whose licence binds it (an original, not a derivative)."""
    own = bindings.get(node.id.lower(), [])
    return bool(own) and all(_org(node.id) == _org(b.origin) for b in own)


@dataclass(frozen=True)
class DatasetLicense:
    """A catalogued training data set and the licence it declares."""

    id: str
    license: str
    aliases: tuple[str, ...]
    sources: tuple[str, ...]


def load_datasets(path: Path | None = None) -> dict[str, DatasetLicense]:
    """The bundled data-set licences (kb/datasets.yaml), keyed by lower-case id and alias."""
    return dict(_load_datasets(str(path or data_path("datasets.yaml"))))


@lru_cache(maxsize=4)
def _load_datasets(path: str) -> tuple[tuple[str, DatasetLicense], ...]:
    with open(path, "rb") as f:
        data = yaml.safe_load(f) or {}
    out: dict[str, DatasetLicense] = {}
    for d in data.get("datasets") or []:
        ds = DatasetLicense(str(d["id"]), str(d["license"]), tuple(d.get("aliases") or ()), tuple(d.get("sources") or ()))
        for key in (ds.id, *ds.aliases):
            out.setdefault(key.lower(), ds)
    return tuple(out.items())


@lru_cache(maxsize=4)
def _datasets_table(path: str) -> dict[str, DatasetLicense]:
    """The read-only table the per-model look-ups share (load_datasets hands out copies)."""
    return dict(_load_datasets(path))


def dataset_license_id(name: str) -> str | None:
    """The licence id of a catalogued data set (kb/datasets.yaml), None when not catalogued."""
    known = _datasets_table(str(data_path("datasets.yaml"))).get(name.lower())
    return known.license if known else None


def dataset_licences(names: list[str], kb: KnowledgeBase) -> list[tuple[str, DatasetLicense, LicenseEntry | None]]:
    """The data sets named that the catalog knows, with their licence entries."""
    if not names:
        return []
    table = _datasets_table(str(data_path("datasets.yaml")))
    out = []
    for n in names:
        ds = table.get(n.strip().lower())
        if ds is not None:
            out.append((n, ds, kb.get(ds.license)))
    return out


def noncommercial_data_findings(facts: ModelFacts, declared: list[str], kb: KnowledgeBase) -> list[Finding]:
    """`noncommercial-data`: the model is trained on NC data but its licence permits commercial use."""
    own = [e for e in (kb.get(i) for i in declared) if e]
    if own and all(is_noncommercial(e) for e in own):
        return []
    out = []
    for name, _ds, entry in dataset_licences(facts.datasets, kb):
        if entry is None or not is_noncommercial(entry):
            continue
        lic = "/".join(declared) or "no licence"
        out.append(
            Finding(
                "noncommercial-data",
                "warning",
                f"trained on {name}, which is under {entry.id} (non-commercial), while the model declares {lic}: "
                "commercial use of the model may not be covered",
                [Evidence(facts.card_path, _card_line(facts, "datasets"), _card_line(facts, "datasets"), f"datasets: {name}")],
            )
        )
    return out


def _card_line(facts: ModelFacts, key: str) -> int:
    text = facts.card_text or ""
    for i, line in enumerate(text.splitlines()[:2000], 1):
        if line.startswith(f"{key}:"):
            return i
    return 0


def gated_findings(facts: ModelFacts) -> list[Finding]:
    """`gated`: the repository asks users to accept terms or share details before download."""
    raw = facts.metadata.get("card_gate")
    gate: dict[str, Any] = raw if isinstance(raw, dict) else {}
    keys = [k for k in gate if k in _GATE_KEYS_THAT_GATE]
    if not facts.gated and not keys:
        return []
    line = int(facts.metadata.get("card_gate_line") or 0)
    how = f"gated={facts.gated}" if facts.gated else "the card carries " + ", ".join(sorted(keys))
    return [
        Finding(
            "gated",
            "info",
            f"access is gated ({how}): accepting the gate's terms is part of the deal",
            [Evidence(facts.card_path, line, line, ", ".join(sorted(keys)) or f"gated: {facts.gated}")],
        )
    ]


def source_findings(facts: ModelFacts) -> list[Finding]:
    """What the sources already found, passed through unchanged."""
    return list(facts.findings)


# -- inherited obligations ----------------------------------------------------------


def inherited_terms(
    nodes: list[LineageNode],
    kb: KnowledgeBase,
    terms_of: Callable[[LicenseEntry], list[Term]],
    datasets: list[str] | None = None,
) -> list[Term]:
    """Terms that flow down the chain, each tagged `lineage:<ancestor id>`.

    A restrictive ancestor's licence binds the derivative as a whole (conditions,
    limitations, thresholds, its use policy); a permissive one passes down its notices.
    Data sets pass down non-commercial and share-alike conditions.
    """
    out: list[Term] = []
    seen: set[tuple[str, str]] = set()
    for node in sorted(nodes[1:], key=lambda n: n.depth):
        entry = kb.get(node.license_id) if node.license_id else None
        if entry is None:
            continue
        for t in terms_of(entry):
            if is_permissive(entry) and t.key not in ("include-license", "attribution-display"):
                continue
            key = (t.key, t.source or entry.id)
            if key in seen:
                continue
            seen.add(key)
            note = f"inherited from {node.id} ({entry.id})" + (f"; {t.note}" if t.note else "")
            out.append(Term(t.key, t.value, t.certainty, list(t.evidence), source=f"lineage:{node.id}", note=note))
    for _name, ds, entry in dataset_licences(datasets or [], kb):
        if entry is None:
            continue
        if is_noncommercial(entry):
            out.append(Term("non-commercial", True, "medium", [], source=f"lineage:{ds.id}", note=f"training data under {entry.id}"))
        if _term(entry, "same-license") is True:
            out.append(
                Term("same-license", True, "low", [], source=f"lineage:{ds.id}",
                     note=f"training data under share-alike {entry.id}; whether it reaches the weights is disputed")
            )
    return out


def findings_for(
    facts: ModelFacts,
    declared: list[str],
    nodes: list[LineageNode],
    kb: KnowledgeBase,
    *,
    declared_evidence: list[Evidence] | None = None,
    inferred: bool = False,
    inferred_how: str | None = None,
    acknowledged: list[str] | None = None,
) -> list[Finding]:
    """All lineage and data findings for one model (source and resolution findings are added by the caller)."""
    bindings = binding_licences(nodes, kb)
    out: list[Finding] = []
    if nodes:
        depth = {n.id.lower(): n.depth for n in nodes}
        how = inferred_how or ("model names" if inferred else None)
        conflicts = conflict_findings(nodes[0], declared, bindings, kb, declared_evidence or [], how, depth)
        # the card's own text puts the model under the ancestor's licence ("should be used according to
        # the LLaMA license"): the declaration is partial, not contradicted
        out.extend(f for f in conflicts if not any(f" under {a}" in f.message for a in acknowledged or ()))
        if (facts.model_id or facts.name) and not inferred:
            out.extend(naming_findings(nodes, bindings, kb, facts.model_id or facts.name))
    out.extend(noncommercial_data_findings(facts, declared, kb))
    out.extend(gated_findings(facts))
    return out
