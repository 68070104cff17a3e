"""`smallprint check`: read a model, resolve its licence, walk its lineage, report what binds it.

source -> resolve (one licence from all claims) -> lineage (ancestors through the
catalog, then the Hub when online) -> findings -> effective terms (own + inherited).
A Hub id that cannot be read (offline, not cached) is answered from the bundled
catalog when catalogued, and the answer says so.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from pathlib import Path

from smallprint import settings
from smallprint.errors import SmallprintError, SourceError, user_message
from smallprint.evaluators.card_terms import card_conditions
from smallprint.evaluators.findings import findings_for, inherited_terms
from smallprint.evaluators.lineage import (
    AncestorResolver,
    CatalogResolver,
    ChainResolver,
    base_evidence,
    build_lineage,
    infer_relation,
)
from smallprint.evaluators.resolve import WEAK_PLACES, Resolution, resolve_license
from smallprint.kb import KnowledgeBase, LicenseEntry, default_kb, per_knowledge_base
from smallprint.model import CheckResult, Finding, ModelFacts, Openness, Term

__all__ = [
    "HubAncestorResolver",
    "add_openness",
    "check_facts",
    "check_target",
    "check_targets",
    "error_result",
    "expand_targets",
    "license_terms",
    "ollama_model",
]


@per_knowledge_base
def _terms_cache(kb: KnowledgeBase) -> dict[str, list[Term]]:
    return {}


def license_terms(kb: KnowledgeBase) -> Callable[[LicenseEntry], list[Term]]:
    """A licence's terms quoted from the bundled reference texts (memoised per KB and entry)."""
    cache = _terms_cache(kb)

    def terms_of(entry: LicenseEntry) -> list[Term]:
        if entry.id not in cache:
            try:
                from smallprint.evaluators.terms import explain_terms

                cache[entry.id] = explain_terms(entry, kb)
            except (ImportError, SmallprintError, OSError):
                cache[entry.id] = [Term(s.key, s.value, "medium", [], source=entry.id, note=s.note) for s in entry.terms]
        return [Term(t.key, t.value, t.certainty, list(t.evidence), t.source, t.note) for t in cache[entry.id]]

    return terms_of


class HubAncestorResolver:
    """Ancestors read from the Hub through the sources (None when unreachable or missing)."""

    def __init__(self, offline: bool | None = None):
        self.offline = offline
        self._missing: set[str] = set()

    def resolve(self, model_id: str) -> ModelFacts | None:
        from smallprint.sources import read_target

        try:
            return read_target(model_id, offline=self.offline)
        except SourceError as e:
            if e.kind == "not-found":
                self._missing.add(model_id.lower())
            return None
        except SmallprintError:
            return None

    def known_missing(self, model_id: str) -> bool:
        return model_id.lower() in self._missing


def _default_resolver(kb: KnowledgeBase, facts: ModelFacts, offline: bool | None) -> AncestorResolver:
    catalog = CatalogResolver(kb)
    if facts.origin == "hub" and not settings.offline(offline) and not facts.metadata.get("offline"):
        return ChainResolver([catalog, HubAncestorResolver(offline)])
    return catalog


def _license_of(kb: KnowledgeBase, root: ModelFacts | None = None, resolved: Resolution | None = None
                ) -> Callable[[ModelFacts], tuple[str | None, str | None]]:
    """Each lineage node's licence; the root's is the resolution already made, and a catalog
    entry's is the same every time, so it is resolved once per knowledge base."""
    catalog_memo = _CATALOG_LICENSES.setdefault(kb, {})

    def named(lid: str | None) -> tuple[str | None, str | None]:
        if not lid:
            return None, None
        entry = kb.get(lid)
        return lid, entry.name if entry else None

    def license_of(facts: ModelFacts) -> tuple[str | None, str | None]:
        if facts is root and resolved is not None:
            return named(resolved.license_id)
        if facts.origin == "catalog" and facts.model_id and len(facts.license_claims) == 1:
            memo_key = (facts.model_id, facts.license_claims[0].value)
            if memo_key not in catalog_memo:
                catalog_memo[memo_key] = named(resolve_license(facts, kb).license_id)
            return catalog_memo[memo_key]
        return named(resolve_license(facts, kb).license_id)

    return license_of


_CATALOG_LICENSES: weakref.WeakKeyDictionary[KnowledgeBase, dict[tuple[str, str], tuple[str | None, str | None]]] = (
    weakref.WeakKeyDictionary()
)


def _keep_texts(facts: ModelFacts) -> None:
    """Remember the texts evidence points into (card, licence files) so reports can show them."""
    if facts.card_text and facts.card_path:
        facts.texts.setdefault(facts.card_path, facts.card_text)
    for c in facts.license_claims:
        if c.where.startswith("file:") and c.evidence.file:
            facts.texts.setdefault(c.evidence.file, c.value)


def check_facts(
    facts: ModelFacts,
    *,
    kb: KnowledgeBase | None = None,
    resolver: AncestorResolver | None = None,
    offline: bool | None = None,
) -> CheckResult:
    """Evaluate what a source read: resolved licence, lineage, findings and effective terms."""
    kb = kb or default_kb()
    _keep_texts(facts)
    terms_of = license_terms(kb)
    res = resolve_license(facts, kb, terms_of=terms_of)
    catalog = CatalogResolver(kb)
    lineage = build_lineage(
        facts, resolver or _default_resolver(kb, facts, offline), _license_of(kb, facts, res), catalog=catalog
    )
    declared = res.license_ids
    evidence = [res.winner.claim.evidence] if res.winner else []
    findings: list[Finding] = []
    findings.extend(_dedupe(facts.findings))
    findings.extend(res.findings)
    findings.extend(lineage.findings)
    terms = list(res.result.terms) + inherited_terms(lineage.nodes, kb, terms_of, facts.datasets)
    card = card_conditions(facts, declared, terms, kb, terms_of)  # the card's prose narrowing its licence
    findings.extend(
        findings_for(facts, declared, lineage.nodes, kb, declared_evidence=evidence, inferred=lineage.inferred,
                     inferred_how=lineage.inferred_how, acknowledged=card.incorporated)
    )
    findings.extend(_skipped_generation(facts, catalog, lineage.inferred_from_name))
    if res.winner is not None and res.winner.claim.where.startswith(WEAK_PLACES):
        _note_weak(res)
    terms += card.terms
    findings.extend(card.findings)
    return CheckResult(
        target=facts.target,
        model_id=facts.model_id,
        license=res.result,
        lineage=lineage.nodes,
        terms=terms,
        findings=_dedupe(findings),
        facts=facts,
    )


def _note_weak(res: Resolution) -> None:
    where = res.winner.claim.where if res.winner else "?"
    res.result.error = None
    for m in res.result.licenses:
        m.confidence = min(m.confidence, 0.5 if where == "card:prose" else 0.9)


def _skipped_generation(facts: ModelFacts, catalog: CatalogResolver, inferred: bool) -> list[Finding]:
    """A conversion's card that copied the upstream card's own base_model skips one generation."""
    if inferred or not facts.base_models or not facts.model_id or catalog.kb.model(facts.model_id):
        return []
    if not _looks_converted(facts):
        return []  # a fine-tune may well carry its parent's name: only copies inherit the card verbatim
    named = catalog.infer_from_name(facts.model_id)
    if named is None or any(b.lower() in (named.id.lower(), *(a.lower() for a in named.aliases)) for b in facts.base_models):
        return []
    declared = [catalog.kb.model(b) for b in facts.base_models]
    if not any(m is not None and m.id in named.base_models for m in declared):
        return []
    return [
        Finding(
            "broken-metadata",
            "warning",
            f"base_model says {', '.join(facts.base_models)}, but the name names {named.id}, a child of it: "
            "the card may have copied its upstream's own base_model and skipped a generation",
            [base_evidence(facts, facts.base_models[0])],
        )
    ]


def _looks_converted(facts: ModelFacts) -> bool:
    """A quantization or format conversion: said so, GGUF weights, or a quantization word in the name."""
    return infer_relation(facts, facts.base_models) == "quantized"


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str]] = set()
    out = []
    for f in findings:
        key = (f.code, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def check_target(
    target: str,
    *,
    offline: bool | None = None,
    kb: KnowledgeBase | None = None,
    resolver: AncestorResolver | None = None,
) -> CheckResult:
    """Check the one model a target names (Hub id, folder, GGUF/safetensors file, card, API
    or Ollama name); raises a SmallprintError when it cannot be read."""
    from smallprint.sources import read_target

    kb = kb or default_kb()
    return check_facts(read_target(target, offline=offline, kb=kb), kb=kb, resolver=resolver, offline=offline)


def expand_targets(targets: list[str]) -> list[str]:
    """A directory of many models becomes one target per model folder."""
    from smallprint.sources import expand_target

    out: list[str] = []
    for t in targets:
        out.extend(expand_target(t))
    return out


def error_result(target: str, exc: BaseException | str) -> CheckResult:
    """A target that could not be checked: its `error`, and no answer."""
    from smallprint.model import LicenseResult

    message = exc if isinstance(exc, str) else user_message(exc)
    return CheckResult(target=target, model_id=None, license=LicenseResult(path=target), error=message)


def add_openness(result: CheckResult, kb: KnowledgeBase, manifest: Path | None = None) -> None:
    """Put the openness blocks (OSAID, MOF, index) and open-washing findings on a result.

    The one place openness is attached; a knowledge-base or manifest problem is reported as
    `openness-unassessed`, anything unexpected propagates (the target becomes an error)."""
    if result.facts is None or result.error:
        return
    from smallprint.evaluators.openness import assess_model

    lic = result.license.licenses[0].id if result.license.licenses else None
    try:
        o = assess_model(result.facts, license_id=lic, kb=kb, manifest=manifest)
    except SmallprintError as e:
        result.findings.append(Finding("openness-unassessed", "info", f"openness not assessed: {e}"))
        return
    o.target = result.target
    result.openness = Openness(o)
    result.findings.extend(o.findings)


def _failed(target: str, exc: Exception) -> CheckResult:
    """One target's failure as its error result (SMALLPRINT_DEBUG=1 lets it raise instead)."""
    if settings.current().debug:
        raise exc
    return error_result(target, exc)


def check_targets(
    targets: list[str],
    *,
    offline: bool | None = None,
    kb: KnowledgeBase | None = None,
    openness: bool = True,
    manifest: Path | None = None,
) -> list[CheckResult]:
    """One result per model; a target that cannot be checked carries `error` instead of
    stopping the rest (whatever the failure: a source error, a crashing matcher).

    Directories of many models are expanded; a CycloneDX or SPDX 3 BOM yields every
    model it lists."""
    from smallprint.sources import read_models

    kb = kb or default_kb()
    out: list[CheckResult] = []
    for t in expand_targets(targets):
        try:
            models = read_models(t, kb=kb, offline=offline)
        except Exception as e:  # per-target isolation: every other target is still checked
            out.append(_failed(t, e))
            continue
        for facts in models:
            try:
                out.append(_checked(facts, kb, offline, openness, manifest))
            except Exception as e:  # a crashing matcher or evaluator: this model's error, not an answer
                out.append(_failed(facts.target, e))
    return out


def _checked(facts: ModelFacts, kb: KnowledgeBase, offline: bool | None, openness: bool,
             manifest: Path | None) -> CheckResult:
    result = check_facts(facts, kb=kb, offline=offline)
    if openness:
        add_openness(result, kb, manifest)
    return result


def ollama_model(target: str, kb: KnowledgeBase) -> str | None:
    """The catalog model an Ollama library name packages (`llama3.1:8b`), from kb/ollama.yaml."""
    from smallprint.sources.dispatch import ollama_model as packaged

    return packaged(target, kb)
