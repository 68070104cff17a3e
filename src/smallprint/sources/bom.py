"""Reading back AI bills of materials: CycloneDX ML-BOMs and SPDX 3 AI documents.

Each model a BOM lists becomes `ModelFacts` (origin "bom") whose licence claims and
lineage come from the BOM, so `smallprint check BOM.json` checks every model in it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from smallprint.errors import InputError
from smallprint.model import Evidence, LicenseClaim, ModelFacts

MAX_BOM_BYTES = 64 * 1024 * 1024


def looks_like_bom(path: Path) -> bool:
    """A JSON file whose start names CycloneDX or an SPDX 3 context."""
    if path.suffix.lower() not in (".json", ".jsonld") or not path.is_file():
        return False
    try:
        with path.open("rb") as f:
            head = f.read(4096).decode("utf-8", errors="replace")
    except OSError:
        return False
    # keys may come in any order ("bomFormat" can sit kilobytes in): any JSON object is read
    # as a BOM candidate, and read_bom says clearly when it is neither format
    return head.lstrip("\ufeff \t\r\n").startswith("{")


def read_bom(path: str | Path) -> list[ModelFacts]:
    p = Path(path)
    try:
        if p.stat().st_size > MAX_BOM_BYTES:
            raise InputError(f"{p}: BOM larger than {MAX_BOM_BYTES // (1024 * 1024)} MB")
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{p}: cannot read BOM ({e})") from None
    except json.JSONDecodeError as e:
        raise InputError(f"{p}: not valid JSON (line {e.lineno}: {e.msg})") from None
    if not isinstance(data, dict):
        raise InputError(f"{p}: not a BOM (top level is not an object)")
    if data.get("bomFormat") == "CycloneDX":
        return _from_cyclonedx(data, str(p))
    ctx = data.get("@context")
    if (
        isinstance(ctx, str)
        and "spdx.org/rdf/3" in ctx
        or isinstance(ctx, list)
        and any("spdx.org/rdf/3" in str(c) for c in ctx)
    ):
        return _from_spdx3(data, str(p))
    raise InputError(f"{p}: neither a CycloneDX BOM nor an SPDX 3 document")


def _cdx_model_id(c: dict[str, Any]) -> str:
    purl = str(c.get("purl") or "")
    if purl.startswith("pkg:huggingface/"):
        rest = purl.removeprefix("pkg:huggingface/").split("@")[0].split("?")[0]
        return rest
    g, n = c.get("group"), str(c.get("name") or "")
    return f"{g}/{n}" if g else n


def _cdx_licenses(c: dict[str, Any]) -> list[str]:
    out = []
    for item in c.get("licenses") or []:
        if "expression" in item:
            out.append(str(item["expression"]))
        lic = item.get("license") or {}
        v = lic.get("id") or lic.get("name")
        if v:
            out.append(str(v))
    return out


def _from_cyclonedx(data: dict[str, Any], path: str) -> list[ModelFacts]:
    out = []
    for c in data.get("components") or []:
        if not isinstance(c, dict) or c.get("type") != "machine-learning-model":
            continue
        mid = _cdx_model_id(c)
        if not mid:
            continue
        facts = ModelFacts(target=mid, model_id=mid, origin="bom", revision=c.get("version"))
        for lic in _cdx_licenses(c):
            facts.license_claims.append(
                LicenseClaim("bom:licenses", lic, Evidence(path, 0, 0, f"{mid}: {lic}"))
            )
        anc = (c.get("pedigree") or {}).get("ancestors") or []
        for a in anc:
            if isinstance(a, dict) and a.get("type") == "machine-learning-model":
                depth = next(
                    (
                        p.get("value")
                        for p in a.get("properties") or []
                        if p.get("name") == "smallprint:depth"
                    ),
                    "1",
                )
                if str(depth) == "1":
                    facts.base_models.append(_cdx_model_id(a))
        rel = next(
            (
                p.get("value")
                for p in c.get("properties") or []
                if p.get("name") == "smallprint:base_model_relation"
            ),
            None,
        )
        facts.relation = rel
        card = c.get("modelCard") or {}
        for ds in (card.get("modelParameters") or {}).get("datasets") or []:
            ref = ds.get("ref") if isinstance(ds, dict) else None
            name = ds.get("name") if isinstance(ds, dict) else None
            if ref:
                facts.datasets.append(str(ref).removeprefix("dataset:"))
            elif name:
                facts.datasets.append(str(name))
        out.append(facts)
    return out


def _from_spdx3(data: dict[str, Any], path: str) -> list[ModelFacts]:
    graph = data.get("@graph") or []
    by_id: dict[str, dict[str, Any]] = {
        str(o["spdxId"]): o for o in graph if isinstance(o, dict) and o.get("spdxId")
    }
    models = {
        k: o
        for k, o in by_id.items()
        if o.get("type") in ("ai_AIPackage", "ai:AIPackage", "AIPackage")
    }
    facts_by: dict[str, ModelFacts] = {}
    for k, o in models.items():
        mid = str(o.get("name") or k)
        facts_by[k] = ModelFacts(
            target=mid,
            model_id=mid,
            origin="bom",
            revision=_none_if_noassert(o.get("software_packageVersion")),
        )
    roots = set(
        r
        for d in graph
        if isinstance(d, dict) and d.get("type") == "SpdxDocument"
        for r in d.get("rootElement") or []
    )
    for rel in graph:
        if not isinstance(rel, dict) or rel.get("type") != "Relationship":
            continue
        frm, kind, to = rel.get("from"), rel.get("relationshipType"), rel.get("to") or []
        f = facts_by.get(str(frm))
        if f is None:
            continue
        for t in to:
            target = by_id.get(str(t), {})
            if kind in ("hasDeclaredLicense", "hasConcludedLicense"):
                expr = target.get("simplelicensing_licenseExpression")
                if expr and expr != "NOASSERTION":
                    f.license_claims.append(
                        LicenseClaim(
                            f"bom:{kind}", str(expr), Evidence(path, 0, 0, f"{f.model_id}: {expr}")
                        )
                    )
            elif kind == "descendantOf" and t in models:
                f.base_models.append(str(models[t].get("name") or t))
                if rel.get("comment"):
                    f.relation = str(rel["comment"])
            elif kind == "trainedOn":
                f.datasets.append(str(target.get("name") or t))
    chosen = [facts_by[k] for k in facts_by if not roots or k in roots]
    return chosen


def _none_if_noassert(v: Any) -> str | None:
    return None if v in (None, "", "NOASSERTION") else str(v)
