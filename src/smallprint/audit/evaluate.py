"""One registry row -> the same evaluation `smallprint check` makes -> one flat record.

A row is a model card from a dump, a Hub listing entry (card data and tags) or a snapshot
folder. It is read by the ordinary sources (`card_from_text` + `apply_card`, the Hub's
tag and card-data readers, `read_folder`) and evaluated by `check_facts`, so the audit
and `check` cannot disagree. Nothing here touches the network: ancestors come from the
registry itself (`RegistryResolver`, inside the dump first) and the bundled catalog.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smallprint.errors import SmallprintError
from smallprint.evaluators.lineage import CatalogResolver, ChainResolver
from smallprint.kb import KnowledgeBase, default_kb
from smallprint.model import (
    CheckResult,
    Evidence,
    Finding,
    LicenseClaim,
    LicenseResult,
    ModelFacts,
    Term,
)

KEY_TERMS = (
    "commercial-use",
    "non-commercial",
    "research-only",
    "user-threshold",
    "revenue-threshold",
    "derivative-naming",
    "attribution-display",
    "no-training-other-models",
    "use-restrictions-flow-down",
    "same-license",
    "acceptable-use-policy",
    "field-of-use",
    "geographic",
)
"""Effective terms given a column of their own in models.parquet (the rest stay in `terms`)."""


def term_column(key: str) -> str:
    return key.replace("-", "_")


def verdict_column(profile: str) -> str:
    return "verdict_" + profile.replace("-", "_").replace("+", "_")


@dataclass(frozen=True)
class RegistryNode:
    """What the registry knows of one of its own models, enough to stand as an ancestor."""

    model_id: str
    license: str | None  # resolved id, or the raw declared value when none is known
    base_ids: tuple[str, ...]
    relation: str | None
    datasets: tuple[str, ...]
    evidence: Evidence


class RegistryResolver:
    """Ancestors found inside the audited registry (a dump, a listing): its own records."""

    def __init__(self, nodes: Mapping[str, RegistryNode]):
        self.nodes = nodes  # keyed by lower-case model id

    def resolve(self, model_id: str) -> ModelFacts | None:
        node = self.nodes.get(model_id.lower())
        if node is None:
            return None
        claims = [LicenseClaim("card:license", node.license, node.evidence)] if node.license else []
        return ModelFacts(
            target=node.model_id,
            model_id=node.model_id,
            origin="registry",
            name=node.model_id.split("/")[-1],
            license_claims=claims,
            base_models=list(node.base_ids),
            relation=node.relation,
            datasets=list(node.datasets),
        )


class Evaluator:
    """A warm knowledge base, catalog index and profiles, built once per worker process."""

    def __init__(self, profiles: Sequence[str] = (), registry: Mapping[str, RegistryNode] | None = None):
        from smallprint.policy.profiles import resolve_profile

        self.kb: KnowledgeBase = default_kb()
        self.catalog = CatalogResolver(self.kb)
        self.catalog._catalog_names()  # build the shared name index now, not on the first card
        self.profile_names = list(profiles)
        self.profiles = [resolve_profile(p) for p in profiles]
        self.registry = registry
        self.verdicts: dict[str, str | None] = {}
        self.resolver = ChainResolver([RegistryResolver(registry), self.catalog]) if registry else self.catalog

    def facts(self, row: Mapping[str, Any]) -> ModelFacts:
        """The row read by the ordinary sources."""
        from smallprint.sources.card import card_from_text
        from smallprint.sources.card_facts import apply_card
        from smallprint.sources.hub import apply_card_data, apply_hub_tags

        mid = str(row["modelId"])
        if row.get("path"):
            from smallprint.sources.folder import read_folder

            facts = read_folder(Path(str(row["path"])))
            facts.model_id = facts.model_id or mid
            facts.target = mid
            return facts
        facts = ModelFacts(target=mid, model_id=mid, origin="hub")
        card = row.get("card")
        source = f"{row.get('source') or 'registry'}:{mid}"
        if isinstance(card, str):
            apply_card(facts, card_from_text(card, f"{mid}/README.md"))
        elif row.get("card_data"):
            try:
                data = json.loads(str(row["card_data"]))
            except ValueError:
                data = None
            if isinstance(data, dict):
                apply_card_data(facts, data, source)
        apply_hub_tags(facts, [str(t) for t in row.get("tags") or []], source)
        for key in ("library_name", "pipeline_tag"):
            if row.get(key) and key not in facts.metadata:
                facts.metadata[key] = str(row[key])
        if facts.model_id is None or facts.model_id != mid:
            facts.model_id = mid
        return facts

    def check(self, row: Mapping[str, Any]) -> CheckResult:
        """`check_facts` on the row (offline, ancestors from the registry then the catalog);
        the verdict under each profile is kept in `self.verdicts` (profile -> verdict word)."""
        from smallprint.pipeline.check import check_facts
        from smallprint.policy.file import judge_results

        mid = str(row.get("modelId") or "")
        self.verdicts = {}
        try:
            facts = self.facts(row)
            result = check_facts(facts, kb=self.kb, resolver=self.resolver, offline=True)
        except SmallprintError as e:
            return CheckResult(mid, mid, LicenseResult(mid), error=str(e))
        for name, prof in zip(self.profile_names, self.profiles, strict=True):
            result.verdict = None
            judge_results([result], prof, None, self.kb)
            self.verdicts[name] = _verdict_word(result.verdict)
        result.verdict = None
        return result

    def record(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """One models.parquet row (plus the lineage chain the graph pass reads)."""
        mid = str(row.get("modelId") or "")
        try:
            result = self.check(row)
        except Exception as e:  # one card must never stop a registry; the row says what broke
            self.verdicts = {}
            result = CheckResult(mid, mid, LicenseResult(mid), error=f"internal error: {type(e).__name__}: {e}")
        return to_record(row, result, self.kb, self.profile_names, self.verdicts)

    def records(self, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [self.record(r) for r in rows]


def _value(value: Any) -> str:
    """A term's value as text: strings as they are, anything else as JSON (`true`, `700000000`, `["a"]`)."""
    if isinstance(value, str):
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is int:
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _verdict_word(verdict: Any) -> str | None:
    """`allowed` | `conditions` | ... from a typed verdict (or its older dict form)."""
    if verdict is None:
        return None
    if isinstance(verdict, dict):
        return verdict.get("verdict")
    word = getattr(verdict, "verdict", None)
    return str(word) if word is not None else None


def to_record(row: Mapping[str, Any], result: CheckResult, kb: KnowledgeBase, profiles: Sequence[str],
              verdicts: Mapping[str, str | None] | None = None) -> dict[str, Any]:
    facts = result.facts
    claims = facts.license_claims if facts else []
    declared = [c.value for c in claims if c.where == "card:license"]
    tag_declared = [c.value for c in claims if c.where == "hub:tags"]
    lic = result.license.licenses[0] if result.license.licenses else None
    entry = kb.get(lic.id) if lic else None
    root = result.lineage[0] if result.lineage else None
    depth1 = [n for n in result.lineage if n.depth == 1]
    relation = depth1[0].relation if depth1 else None
    terms = [
        {"key": t.key, "value": _value(t.value), "source": t.source or "", "certainty": t.certainty}
        for t in result.terms
    ]
    rec: dict[str, Any] = {
        "model_id": str(row.get("modelId") or result.model_id or result.target),
        "key": str(row.get("key") or ""),
        "last_modified": row.get("last_modified"),
        "origin": row.get("origin"),
        "source": row.get("source"),
        "author": row.get("author"),
        "downloads": row.get("downloads"),
        "likes": row.get("likes"),
        "declared_license": ",".join(declared or tag_declared) or None,
        "license_name_declared": next((c.value for c in claims if c.where == "card:license_name"), None),
        "license": lic.id if lic else None,
        "license_name": lic.name if lic else None,
        "license_kind": entry.kind if entry else None,
        "license_family": entry.family if entry else None,
        "license_sources": [f"{c.where}: {c.value[:200]}" for c in claims],
        "base_ids": list(root.parents) if root else [],
        "relation": relation,
        "datasets": list(facts.datasets) if facts else [],
        "chain": [
            {"id": n.id, "license": n.license_id, "depth": n.depth, "relation": n.relation,
             "parents": list(n.parents), "resolved_from": n.resolved_from}
            for n in result.lineage[1:]
        ],
        "finding_codes": sorted({f.code for f in result.findings}),
        "findings": json.dumps([f.to_dict() for f in result.findings], ensure_ascii=False),
        "terms": terms,
        "inherits_naming": any(t.key == "derivative-naming" and (t.source or "").startswith("lineage:") for t in result.terms),
        "inherits_noncommercial_data": any(_noncommercial_data(t) for t in result.terms),
        "error": result.error,
    }
    for key in KEY_TERMS:
        t = next((t for t in result.terms if t.key == key), None)
        rec[term_column(key)] = _value(t.value) if t is not None else None
    for name in profiles:
        rec[verdict_column(name)] = (verdicts or {}).get(name)
    rec["licence_evidence"] = _licence_evidence(result)
    return rec


def _noncommercial_data(t: Term) -> bool:
    return t.key == "non-commercial" and bool(t.note and t.note.startswith("training data under"))


def _licence_evidence(result: CheckResult) -> dict[str, Any] | None:
    """Where the card declares its licence (what a derivative's finding points at)."""
    facts = result.facts
    if facts is None:
        return None
    for c in facts.license_claims:
        if c.where == "card:license":
            return c.evidence.to_dict()
    return None


def registry_node(rec: Mapping[str, Any]) -> RegistryNode:
    """A record standing as an ancestor: its resolved licence (or what it declared)."""
    ev = rec.get("licence_evidence") or {}
    evidence = Evidence(ev.get("file"), int(ev.get("start_line") or 0), int(ev.get("end_line") or 0), str(ev.get("quote") or ""))
    lic = rec.get("license") or _declared_known(rec)
    return RegistryNode(
        model_id=str(rec["model_id"]),
        license=lic,
        base_ids=tuple(rec.get("base_ids") or ()),
        relation=rec.get("relation"),
        datasets=tuple(rec.get("datasets") or ()),
        evidence=evidence,
    )


def _declared_known(rec: Mapping[str, Any]) -> str | None:
    value = rec.get("declared_license")
    return str(value) if value and str(value).lower() not in ("other", "unknown") else None


def findings_rows(rec: Mapping[str, Any]) -> list[dict[str, Any]]:
    """findings.parquet rows of one record."""
    out = []
    for f in json.loads(rec.get("findings") or "[]"):
        ev = (f.get("evidence") or [{}])[0] if f.get("evidence") else {}
        out.append({
            "model_id": rec["model_id"],
            "code": f["code"],
            "severity": f["severity"],
            "message": f["message"],
            "file": ev.get("file"),
            "line": ev.get("start_line"),
            "quote": ev.get("quote"),
        })
    return out


def error_finding(message: str) -> Finding:
    return Finding("broken-metadata", "warning", message)
