"""`smallprint check`: read a model, resolve its licence, walk its lineage, report what binds it.

source -> resolve (one licence from all claims) -> lineage (ancestors through the
catalog, then the Hub when online) -> findings -> effective terms (own + inherited).
A Hub id that cannot be read (offline, not cached) is answered from the bundled
catalog when catalogued, and the answer says so.
"""

from __future__ import annotations

import os
import re
import weakref
from collections.abc import Callable
from pathlib import Path

from smallprint.errors import InputError, SmallprintError, SourceError
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
from smallprint.kb import KnowledgeBase, LicenseEntry, default_kb
from smallprint.model import CheckResult, Finding, ModelFacts, Term

__all__ = ["HubAncestorResolver", "check_facts", "check_target", "check_targets", "license_terms"]


_TERMS_CACHE: weakref.WeakKeyDictionary[KnowledgeBase, dict[str, list[Term]]] = weakref.WeakKeyDictionary()


def license_terms(kb: KnowledgeBase) -> Callable[[LicenseEntry], list[Term]]:
    """A licence's terms quoted from the bundled reference texts (memoised per KB and entry)."""
    cache = _TERMS_CACHE.setdefault(kb, {})

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
            if "not found" in str(e).lower() or "does not exist" in str(e).lower():
                self._missing.add(model_id.lower())
            return None
        except SmallprintError:
            return None

    def known_missing(self, model_id: str) -> bool:
        return model_id.lower() in self._missing


def _offline(offline: bool | None) -> bool:
    if offline is not None:
        return offline
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def _default_resolver(kb: KnowledgeBase, facts: ModelFacts, offline: bool | None) -> AncestorResolver:
    catalog = CatalogResolver(kb)
    if facts.origin == "hub" and not _offline(offline) and not facts.metadata.get("offline"):
        return ChainResolver([catalog, HubAncestorResolver(offline)])
    return catalog


def _license_of(kb: KnowledgeBase) -> Callable[[ModelFacts], tuple[str | None, str | None]]:
    def license_of(facts: ModelFacts) -> tuple[str | None, str | None]:
        res = resolve_license(facts, kb)
        if not res.license_id:
            return None, None
        entry = kb.get(res.license_id)
        return res.license_id, entry.name if entry else None

    return license_of


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
    lineage = build_lineage(facts, resolver or _default_resolver(kb, facts, offline), _license_of(kb), catalog=catalog)
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


def _catalog_facts(target: str, kb: KnowledgeBase, why: str) -> ModelFacts | None:
    repo = target.partition("@")[0]
    cm = kb.model(repo)
    if cm is None:
        return None
    facts = CatalogResolver(kb).facts_of(cm)
    facts.target = target
    facts.findings.append(
        Finding(
            "catalog-answer",
            "info",
            f"answered offline from the bundled catalog ({why}); facts are as of the knowledge-base date and the source may have changed since",
            [facts.license_claims[0].evidence],
        )
    )
    return facts


_OLLAMA_TAG = re.compile(r"^(?:ollama[:/]+)?(?:library/)?([a-z0-9][a-z0-9._-]*)(?::([a-z0-9._-]+))?$", re.I)


def ollama_model(target: str, kb: KnowledgeBase) -> str | None:
    """The catalog model an Ollama library name packages (`llama3.1:8b`), from kb/ollama.yaml."""
    from smallprint.sources.paths import exists as path_exists

    if path_exists(target) or "/" in target.removeprefix("ollama://").removeprefix("library/"):
        return None
    m = _OLLAMA_TAG.match(target.strip())
    if not m:
        return None
    table = _ollama_table()
    sizes = table.get(m.group(1).lower())
    if not sizes:
        return None
    tag = (m.group(2) or "").lower()
    size = tag.split("-")[0] if tag and tag != "latest" else "default"
    mid = sizes.get(size) or sizes.get("default")
    return mid if mid and kb.model(mid) else None


def _ollama_table() -> dict[str, dict[str, str]]:
    global _OLLAMA
    if _OLLAMA is None:
        import yaml

        from smallprint.kb import KB_DIR

        data = yaml.safe_load((KB_DIR / "ollama.yaml").read_text(encoding="utf-8")) or {}
        _OLLAMA = {str(k).lower(): {str(a): str(b) for a, b in v.items()} for k, v in (data.get("models") or {}).items()}
    return _OLLAMA


_OLLAMA: dict[str, dict[str, str]] | None = None


def _closed_model_facts(target: str, kb: KnowledgeBase) -> ModelFacts | None:
    """A closed model served through an API (`gpt-4o`, `claude-...`): no weights to read,
    so the catalog's entry for it (or its provider's) is the answer."""
    from smallprint.sources.paths import exists as path_exists

    if path_exists(target):
        return None
    from smallprint.scan.refs import catalog_id

    name = target.partition("@")[0]
    if "/" in name and kb.model(name) is None:
        return None  # an uncatalogued Hub id (openai/gpt-oss-20b) is a repository, not an API model name
    cid = catalog_id(name, kb)
    cm = kb.model(cid) if cid else None
    entry = kb.get(cm.license) if cm else None
    if cm is None or entry is None or entry.kind != "proprietary":
        return None
    facts = _catalog_facts(cm.id, kb, "a closed model served through an API; no weights are published")
    if facts is not None:
        facts.target = target
    return facts


def check_target(
    target: str,
    *,
    offline: bool | None = None,
    kb: KnowledgeBase | None = None,
    resolver: AncestorResolver | None = None,
) -> CheckResult:
    """Check one target (Hub id, folder, GGUF/safetensors file, card); raises InputError on bad input."""
    kb = kb or default_kb()
    api = _closed_model_facts(target, kb)
    if api is not None:
        return check_facts(api, kb=kb, resolver=resolver, offline=True)
    packaged = ollama_model(target, kb)
    if packaged is not None:
        facts = _catalog_facts(packaged, kb, f"Ollama library name {target!r} packages {packaged}")
        if facts is not None:
            facts.target = target
            return check_facts(facts, kb=kb, resolver=resolver, offline=True)
    try:
        from smallprint.sources import read_target
    except ImportError as e:  # pragma: no cover - the sources ship with the package
        facts = _catalog_facts(target, kb, "model sources unavailable")
        if facts is None:
            raise InputError(f"{target}: cannot be read (model sources unavailable)") from e
        return check_facts(facts, kb=kb, resolver=resolver, offline=True)
    try:
        facts = read_target(target, offline=offline)
    except SourceError as e:
        facts = _catalog_facts(target, kb, str(e).rstrip("."))
        if facts is None:
            raise
        return check_facts(facts, kb=kb, resolver=resolver, offline=True)
    return check_facts(facts, kb=kb, resolver=resolver, offline=offline)


def expand_targets(targets: list[str]) -> list[str]:
    """A directory of many models becomes one target per model folder."""
    from smallprint.sources import expand_target

    out: list[str] = []
    for t in targets:
        out.extend(expand_target(t))
    return out


def _error_result(target: str, message: str) -> CheckResult:
    from smallprint.model import LicenseResult

    return CheckResult(target=target, model_id=None, license=LicenseResult(path=target), error=message)


def add_openness(result: CheckResult, kb: KnowledgeBase, manifest: Path | None = None) -> None:
    """Put the openness blocks (OSAID, MOF, index) and open-washing findings on a result."""
    if result.facts is None or result.error:
        return
    from smallprint.evaluators.openness import assess_model

    lic = result.license.licenses[0].id if result.license.licenses else None
    o = assess_model(result.facts, license_id=lic, kb=kb, manifest=manifest)
    d = o.to_dict()
    result.openness = {k: v for k, v in d.items() if k in ("osaid", "mof", "osai_index")}
    result.findings.extend(o.findings)


def check_targets(
    targets: list[str],
    *,
    offline: bool | None = None,
    kb: KnowledgeBase | None = None,
    openness: bool = True,
) -> list[CheckResult]:
    """One result per model; an unreadable target carries `error` instead of stopping the rest.

    Directories of many models are expanded; a CycloneDX or SPDX 3 BOM yields every
    model it lists."""
    from smallprint.sources.bom import looks_like_bom, read_bom

    kb = kb or default_kb()
    out: list[CheckResult] = []
    for t in expand_targets(targets):
        try:
            if looks_like_bom(Path(t)):
                for facts in read_bom(t):
                    out.append(_bom_model(facts, kb, offline))
            else:
                out.append(check_target(t, offline=offline, kb=kb))
        except SmallprintError as e:
            out.append(_error_result(t, str(e)))
    if openness:
        for r in out:
            try:
                add_openness(r, kb)
            except SmallprintError as e:
                r.findings.append(Finding("openness-unassessed", "info", f"openness not assessed: {e}"))
    return out


def _bom_model(facts: ModelFacts, kb: KnowledgeBase, offline: bool | None) -> CheckResult:
    """A model listed in a BOM: checked as the BOM describes it, with its own lineage."""
    return check_facts(facts, kb=kb, offline=offline)
