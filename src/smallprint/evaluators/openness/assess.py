"""How open is one model? MOF class, OSAID verdict, index evidence and open-washing findings.

Components come from three layers, each overriding the one before: what the model
ships and links (weights, card, code/paper/data-card links, datasets), the catalog's
facts, and a user's MOF YAML manifest. The catalog layer joins the Model Openness Tool's
model file for that Hub id (`kb/openness/mot-models/`) and the hand-written facts of
`kb/openness/components.yaml`, component by component (precedence in `catalog_layer`).
Every component says whether it was inferred and from where.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from smallprint.errors import KnowledgeBaseError
from smallprint.evaluators.openness import catalog, mof, osai_index
from smallprint.evaluators.openness.mot import (
    LicenseNormaliser,
    MofAssessment,
    MotComponentEntry,
    MotRelease,
    evaluate_release,
    parse_mot,
    read_mot_file,
)
from smallprint.evaluators.openness.osaid import (
    MissingPiece,
    OsaidResult,
    assess_osaid,
    license_freedom,
)
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
    license_from: str = "component"  # component | global:<type> (a file-wide licence of a MOT file)


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
    entry = kb.get(license_id) if kb is not None else None
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
        low = facts.card_text.lower()  # the pattern's every branch holds one of these words
        m = _INTERMEDIATE.search(facts.card_text) if "checkpoint" in low or "revision=" in low else None
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


def _release_licence(release: MotRelease, entry: MotComponentEntry, content_type: str) -> tuple[str | None, str]:
    """A listed component's licence (its own, else the global one for its type, else distribution)."""
    lic: str | None
    if entry.license is not None:
        lic, where = entry.license, "component"
    else:
        key = content_type if release.global_licenses.get(content_type) else "distribution"
        lic, where = release.global_licenses.get(key), f"global:{key}"
    if lic is not None and lic.strip().lower() in ("", "unlicensed"):
        lic = None
    return lic, where


_NOT_PUBLISHED = re.compile(
    r"\bundisclosed\b|\bnot\s+(?:be\s+)?(?:included?|available|released|published|provided|disclosed)\b", re.I)


def release_components(release: MotRelease, source: str, path: str,
                       lines: dict[int, str] | None = None) -> dict[str, ComponentFact]:
    """Each MOF component a MOT release lists, with the licence it resolves to and its evidence.

    A component whose licence says it is not included or undisclosed is not published: the
    MOF class does not count it either way, but OSAID asks whether it is there at all.

    `lines` (1-based line -> text) lets the evidence quote the licence line as well as the name.
    """
    out: dict[str, ComponentFact] = {}
    for e in release.components:
        comp = mof.component_by_name(e.name) or mof.component_by_loose_name(e.name)
        if comp is None:
            continue
        lic, where = _release_licence(release, e, comp.content_type)
        if lic is not None and _NOT_PUBLISHED.search(lic):
            continue  # "Component not included", "Undisclosed": listed, but not published
        ev = [Evidence(path, e.line, e.line, f"name: {e.name}")] if e.line else []
        if lines and lic is not None:
            ev += _licence_evidence(lines, path, e.line, lic, where)
        out[comp.name] = ComponentFact(comp.name, lic, source, False, ev, where)
    return out


def _licence_evidence(lines: dict[int, str], path: str, name_line: int | None, lic: str,
                      where: str) -> list[Evidence]:
    """The line that states a licence: after the component's name, or in the global block."""
    start = (name_line or 0) + 1 if where == "component" else 1
    for i in range(start, len(lines) + 1):
        text = lines[i].strip()
        if where == "component" and re.match(r"^-?\s*name:", text):
            break  # the next component
        if where != "component" and text.startswith("components:"):
            break
        if re.match(r"^(?:license|name):", text) and lic in text:
            if where != "component" and not _in_licence_block(lines, i, where.split(":", 1)[1]):
                continue
            return [Evidence(path, i, i, text[:200])]
    return []


def _in_licence_block(lines: dict[int, str], i: int, key: str) -> bool:
    """Is line i the `name:` of the global licence block's `key` entry?"""
    return i > 1 and lines[i - 1].strip() == f"{key}:"


def manifest_components(path: Path) -> dict[str, ComponentFact]:
    """A MOF YAML manifest: each listed component with its own, type or distribution licence."""
    release = read_mot_file(path)
    return release_components(release, f"manifest: {path}", str(path))


@lru_cache(maxsize=64)
def mot_model_components(path: Path, source: str) -> dict[str, ComponentFact]:
    """The components and licences one of the tool's bundled model files lists (read once)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise KnowledgeBaseError(f"{path}: cannot read: {e}") from e
    from smallprint.evaluators.lineage import kb_label

    release = parse_mot(text, str(path))
    lines = dict(enumerate(text.splitlines(), 1))
    return release_components(release, source, kb_label(str(path)), lines)


def _licence_weight(f: ComponentFact) -> int:
    if f.license is None:
        return 0
    return 1 if f.license_from.startswith("global:") else 2


def catalog_layer(mot: dict[str, ComponentFact], curated: dict[str, ComponentFact]) -> dict[str, ComponentFact]:
    """Join the tool's model file and the hand-written catalog facts, component by component.

    A component either lists is published. Its licence is the most specific statement: a
    licence the component is given by name (in the MOT file, or in components.yaml), then a
    MOT file's file-wide (global) licence, then none. On a tie the MOT file, written for this
    exact Hub id, wins over components.yaml, written for a family.
    """
    out = dict(curated)
    for name, f in mot.items():
        held = out.get(name)
        if held is None or _licence_weight(f) >= _licence_weight(held):
            out[name] = f
    return out


PARAMETERS = "Model parameters (Final)"


def _declared_weights_licence(merged: dict[str, ComponentFact], license_id: str | None,
                              kb: Any) -> Finding | None:
    """Let the weights licence the model declares win when the catalog's grants more.

    Catalog facts (a contributed MOT file above all) can be stale or name a sibling model; the
    licence read from the model itself binds. Only a move towards the stricter licence is made,
    so the catalog can never make weights look more open than the model says they are.
    """
    f = merged.get(PARAMETERS)
    if f is None or f.inferred or f.license is None or not license_id:
        return None
    if license_freedom(license_id, kb).grants is True:
        return None
    ours = LicenseNormaliser(mof.license_table(), kb).judge(f.license)
    if not ours.open:
        return None
    merged[PARAMETERS] = replace(f, license=license_id, license_from="component",
                                 source=f"{f.source}; licence {license_id} as the model declares it")
    msg = (f"the catalog gives the weights {f.license!r} ({f.source}), but the model declares {license_id}: "
           f"the declared licence is used; check which terms apply")
    return Finding("catalog-license-differs", "warning", msg, list(f.evidence))


def _manifest_against_declared(merged: dict[str, ComponentFact], license_id: str | None, kb: Any) -> Finding | None:
    """A manifest overrides what was inferred, as asked; but when it gives the weights a
    licence that grants the freedoms while the model itself declares one that does not,
    say so: the openness verdict then rests on the manifest's word alone."""
    f = merged.get(PARAMETERS)
    if f is None or not f.source.startswith("manifest:") or not f.license or not license_id:
        return None
    if license_freedom(license_id, kb).grants is True:
        return None
    if not LicenseNormaliser(mof.license_table(), kb).judge(f.license).open:
        return None
    return Finding(
        "sources-disagree",
        "warning",
        f"the manifest gives the weights {f.license!r}, but the model declares {license_id}: the manifest is used "
        "as asked, so the openness verdict rests on it; check which terms really apply",
        list(f.evidence),
    )


def _catalog_ids(model_id: str | None, kb: Any) -> list[str]:
    """A target's Hub id, then the catalog's id and aliases for the same model."""
    if not model_id:
        return []
    ids = [model_id]
    model = kb.model(model_id) if kb is not None and hasattr(kb, "model") else None
    if model is not None:
        ids += [model.id, *model.aliases]
    return ids


def catalog_facts(model_id: str | None, kb: Any = None) -> dict[str, ComponentFact]:
    """The catalog layer for a Hub id: its MOT model file joined with components.yaml."""
    curated = catalog_components(model_id)
    mot_file = catalog.mot_model_for(_catalog_ids(model_id, kb))
    if mot_file is None:
        return curated
    return catalog_layer(mot_model_components(mot_file.path, mot_file.source), curated)


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


def _card_restrictions(osaid: OsaidResult, facts: ModelFacts, lic: str | None, kb: Any) -> None:
    """A card whose text narrows its licence (non-commercial only, subject to other terms) does not
    grant the OSAID freedoms, whatever its license field says."""
    if osaid.verdict not in ("open-source-ai", "open-weights") or not facts.card_text:
        return
    from smallprint.evaluators.card_terms import restricting_conditions

    ids = [p.strip() for p in (lic or "").split(" AND ") if p.strip()]
    lines = restricting_conditions(facts, ids, kb)
    if not lines:
        return
    first = lines[0]
    osaid.verdict = "restricted-weights"
    osaid.missing.insert(0, MissingPiece(
        "parameters", PARAMETERS, "restricted",
        f"the model card's text restricts the licence ({first.file}:L{first.start_line}: {(first.quote or '')[:160]!r})"))


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
    merged.update(catalog_facts(model_id, kb))
    guard = _declared_weights_licence(merged, license_id, kb)
    manifest_note: Finding | None = None
    if manifest is not None:
        merged.update(manifest_components(Path(manifest)))
        manifest_note = _manifest_against_declared(merged, license_id, kb)
    assessment = evaluate_release(_release(model_id or facts.target, merged), mot_compatible=False, kb=kb)
    for c in assessment.components:
        f = merged.get(c.name)
        if f is not None:
            c.inferred, c.source, c.evidence = f.inferred, f.source, f.evidence
    withheld = None if "Model parameters (Final)" in merged else weights_withheld(facts, lic, kb)
    osaid = assess_osaid(assessment.components, lic, kb, no_parameters_reason=withheld)
    _card_restrictions(osaid, facts, lic, kb)
    claims = []
    if facts.card_text:
        claims += find_claims(facts.card_text, facts.card_path or "README.md")
    claims += tag_claims(facts.tags, facts.card_text, facts.card_path)
    model = kb.model(model_id) if model_id and hasattr(kb, "model") else None
    if model is not None and model.description:
        claims += find_claims(model.description, model.path, where="catalog")
    findings = washing_findings(claims, osaid, _license_evidence(facts))
    validation, extra = _osi_check(model_id, osaid)
    if guard is not None and merged.get(PARAMETERS) is not None and not merged[PARAMETERS].source.startswith("manifest:"):
        extra.append(guard)
    if manifest_note is not None:
        extra.append(manifest_note)
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
