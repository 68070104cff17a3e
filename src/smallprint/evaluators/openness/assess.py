"""How open is one model? MOF class, OSAID verdict, index evidence and open-washing findings.

Components come from three layers, each overriding the one before: what the model
ships and links (weights, card, code/paper/data-card links, datasets), the catalog's
facts (`kb/openness/components.yaml`), and a user's MOF YAML manifest. Every component
says whether it was inferred and from where.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smallprint.evaluators.openness import catalog, osai_index
from smallprint.evaluators.openness.mot import (
    MofAssessment,
    MotComponentEntry,
    MotRelease,
    evaluate_release,
    read_mot_file,
)
from smallprint.evaluators.openness.osaid import OsaidResult, assess_osaid
from smallprint.evaluators.openness.washing import find_claims, tag_claims, washing_findings
from smallprint.model import Evidence, Finding, ModelFacts

SCHEMA = "smallprint/openness/1"
_INTERMEDIATE = re.compile(r"intermediate checkpoints?|revision=[\"']step\d+|\b\d+\s+checkpoints\b", re.I)
_EVAL_HEADING = re.compile(r"^#+\s*(?:evaluation|results|benchmarks?)\b", re.I | re.M)


@dataclass
class ComponentFact:
    """That a component is published, under which licence (None: none known), and how we know."""

    name: str
    license: str | None
    source: str
    inferred: bool
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class OpennessResult:
    """Everything the openness evaluator says about one target (schema smallprint/openness/1)."""

    target: str
    osaid: OsaidResult
    mof: MofAssessment
    findings: list[Finding] = field(default_factory=list)
    osai_index: osai_index.OsaiEntry | None = None
    osi_validation: catalog.OsiValidation | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "target": self.target,
            "osaid": self.osaid.to_dict(),
            "mof": {
                "class": self.mof.mof_class,
                "label": self.mof.label,
                "progress": dict(self.mof.progress),
                "components": [c.to_dict() for c in self.mof.components],
            },
            "findings": [f.to_dict() for f in self.findings],
        }
        d["mof"]["mode"] = self.mof.mode
        if self.mof.differences:
            d["mof"]["differences"] = [x.to_dict() for x in self.mof.differences]
        if self.mof.notes:
            d["mof"]["notes"] = list(self.mof.notes)
        if self.osai_index is not None:
            d["osai_index"] = self.osai_index.to_dict()
        if self.osi_validation is not None:
            v = self.osi_validation
            d["osi_validation"] = {"system": v.name, "passes": v.passes, "reason": v.reason, "source": v.source}
        return d


# --- layer 1: what the model ships and links ------------------------------------


def _code_component(url: str) -> str:
    u = url.lower()
    if re.search(r"data[-_]?prep|preprocess|dolma|data[-_]?processing", u):
        return "Data preprocessing code"
    if "train" in u:
        return "Training code"
    if "eval" in u:
        return "Evaluation code"
    return "Inference code"


def _card_evidence(facts: ModelFacts, quote: str) -> list[Evidence]:
    if not facts.card_text:
        return []
    for i, line in enumerate(facts.card_text.splitlines(), 1):
        if quote in line:
            return [Evidence(facts.card_path, i, i, line.strip()[:200])]
    return []


SERVICE_TERMS_KINDS = frozenset({"proprietary"})


def _kb_kind(kb: Any, license_id: str) -> str | None:
    try:
        entry = kb.get(license_id) if kb is not None else None
    except Exception:  # a half-written knowledge base must not decide openness
        return None
    return getattr(entry, "kind", None)


def weights_withheld(facts: ModelFacts, license_id: str | None, kb: Any = None) -> str | None:
    """Why a model's weights are not published, or None when nothing says so.

    A catalogued model may say so itself (`openness: {weights: false}`); a model whose only terms
    are proprietary service terms (an API's terms of use) is reached through a provider, and no
    weights are distributed under such terms.
    """
    model = kb.model(facts.model_id) if kb is not None and facts.model_id and hasattr(kb, "model") else None
    flag = (getattr(model, "openness", None) or {}).get("weights") if model is not None else None
    if flag is False:
        return f"the catalog says {facts.model_id} publishes no weights"
    if flag is True or facts.weight_files:
        return None
    parts = [p.strip() for p in re.split(r"\s+(?:AND|OR)\s+", license_id or "") if p.strip()]
    if parts and all(_kb_kind(kb, p) in SERVICE_TERMS_KINDS for p in parts):
        return f"offered only under proprietary service terms ({license_id}): no weights are distributed"
    return None


def inferred_components(facts: ModelFacts, license_id: str | None, kb: Any = None) -> dict[str, ComponentFact]:
    """Components the model itself shows: weights, card, links, datasets, checkpoints."""
    out: dict[str, ComponentFact] = {}

    def put(name: str, lic: str | None, source: str, ev: list[Evidence] | None = None) -> None:
        out.setdefault(name, ComponentFact(name, lic, source, True, ev or []))

    if facts.weight_files:
        w = facts.weight_files[0]
        put("Model parameters (Final)", license_id, f"weights: {w.path}")
    elif facts.origin not in ("hub", "folder") and weights_withheld(facts, license_id, kb) is None:
        put("Model parameters (Final)", license_id,
            f"{facts.origin}: weights not listed by this source; assumed published with the model")
    if facts.card_text:
        put("Model card", license_id, f"card: {facts.card_path or 'README.md'}")
        if "model-index" in facts.card_data or _EVAL_HEADING.search(facts.card_text):
            put("Evaluation results", license_id, "card: evaluation results in the card")
        m = _INTERMEDIATE.search(facts.card_text)
        if m:
            put("Model parameters (Intermediate)", license_id, "card: mentions intermediate checkpoints",
                _card_evidence(facts, m.group(0)))
    if str(facts.card_data.get("library_name") or "").lower() == "transformers":
        src = "card: library_name transformers (architecture and inference code in the transformers library)"
        put("Model architecture", "Apache-2.0", src)
        put("Inference code", "Apache-2.0", src)
    for url in facts.links.get("code", []):
        put(_code_component(url), None, f"link: {url}", _card_evidence(facts, url))
    for url in facts.links.get("paper", []):
        put("Research paper", None, f"link: {url}", _card_evidence(facts, url))
    for url in facts.links.get("data-card", []):
        put("Data card", None, f"link: {url}", _card_evidence(facts, url))
    if facts.datasets:
        put("Datasets", None, "card: datasets " + ", ".join(facts.datasets[:5]))
    return out


# --- layers 2 and 3: catalog facts and a user's manifest ---------------------------


def catalog_components(model_id: str | None) -> dict[str, ComponentFact]:
    entry = catalog.components_for(model_id)
    if entry is None:
        return {}
    src = f"catalog: {entry.pattern} ({', '.join(entry.sources[:2])})"
    return {c.name: ComponentFact(c.name, c.license, src + (f"; {c.url}" if c.url else ""), False)
            for c in entry.components}


def manifest_components(path: Path) -> dict[str, ComponentFact]:
    """A MOF YAML manifest: each listed component with its own, type or distribution licence."""
    release = read_mot_file(path)
    from smallprint.evaluators.openness import mof

    out: dict[str, ComponentFact] = {}
    for e in release.components:
        comp = mof.component_by_name(e.name) or mof.component_by_loose_name(e.name)
        if comp is None:
            continue
        lic = e.license
        if lic is None:
            lic = release.global_licenses.get(comp.content_type) or release.global_licenses.get("distribution")
        if lic is not None and lic.strip().lower() in ("", "unlicensed"):
            lic = None
        ev = [Evidence(str(path), e.line, e.line, f"name: {e.name}")] if e.line else []
        out[comp.name] = ComponentFact(comp.name, lic, f"manifest: {path}", False, ev)
    return out


# --- the entry point -------------------------------------------------------------


def _release(name: str, facts: dict[str, ComponentFact]) -> MotRelease:
    comps = [MotComponentEntry(f.name, f.license if f.license is not None else "unlicensed") for f in facts.values()]
    return MotRelease(name=name, components=comps)


def _license_evidence(facts: ModelFacts) -> list[Evidence]:
    return [c.evidence for c in facts.license_claims[:2]]


def _osi_check(model_id: str | None, osaid: OsaidResult) -> tuple[catalog.OsiValidation | None, list[Finding]]:
    v = catalog.osi_validation_for(model_id)
    if v is None:
        return None, []
    ours = osaid.verdict == "open-source-ai"
    if ours == v.passes:
        return v, []
    msg = (f"OSAID verdict {osaid.verdict} differs from the OSI validation of {v.name} "
           f"({'passes' if v.passes else 'fails'}, {v.source}): check the component facts")
    return v, [Finding("osaid-differs-from-osi", "info", msg, [])]


def assess_model(facts: ModelFacts, *, license_id: str | None, kb: Any = None,
                 manifest: Path | None = None) -> OpennessResult:
    """Assess one model's openness from its facts, the catalog and an optional MOF manifest."""
    if kb is None:
        from smallprint.kb import default_kb

        kb = default_kb()
    model_id = facts.model_id
    if isinstance(license_id, (list, tuple)):  # a card may declare several licences
        license_id = " AND ".join(str(x) for x in license_id) or None
    cat = catalog.components_for(model_id)
    lic = license_id or (cat.license if cat else None)
    merged: dict[str, ComponentFact] = {}
    merged.update(inferred_components(facts, lic, kb))
    merged.update(catalog_components(model_id))
    if manifest is not None:
        merged.update(manifest_components(Path(manifest)))
    assessment = evaluate_release(_release(model_id or facts.target, merged), mot_compatible=False, kb=kb)
    for c in assessment.components:
        f = merged.get(c.name)
        if f is not None:
            c.inferred, c.source, c.evidence = f.inferred, f.source, f.evidence
    withheld = None if "Model parameters (Final)" in merged else weights_withheld(facts, lic, kb)
    osaid = assess_osaid(assessment.components, lic, kb, no_parameters_reason=withheld)
    claims = []
    if facts.card_text:
        claims += find_claims(facts.card_text, facts.card_path or "README.md")
    claims += tag_claims(facts.tags, facts.card_text, facts.card_path)
    model = kb.model(model_id) if model_id and hasattr(kb, "model") else None
    if model is not None and model.description:
        claims += find_claims(model.description, model.path, where="catalog")
    findings = washing_findings(claims, osaid, _license_evidence(facts))
    validation, extra = _osi_check(model_id, osaid)
    return OpennessResult(
        target=facts.target,
        osaid=osaid,
        mof=assessment,
        findings=findings + extra,
        osai_index=osai_index.lookup(model_id),
        osi_validation=validation,
    )


def openness_report(results: list[OpennessResult]) -> dict[str, Any]:
    """The `smallprint openness --format json` document."""
    return {"schema": SCHEMA, "results": [r.to_dict() for r in results]}


def assess_mot_file(path: str | Path, *, mot_compatible: bool = False, kb: Any = None) -> OpennessResult:
    """A MOT YAML file as a target: its MOF class (either mode) and the OSAID verdict of its components."""
    if kb is None:
        from smallprint.kb import default_kb

        kb = default_kb()
    release = read_mot_file(path)
    assessment = evaluate_release(release, mot_compatible=mot_compatible, kb=kb)
    osaid = assess_osaid(assessment.components, None, kb)
    return OpennessResult(target=str(path), osaid=osaid, mof=assessment)
