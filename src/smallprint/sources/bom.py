"""Reading back AI bills of materials: CycloneDX ML-BOMs and SPDX 3 AI documents.

Each model a BOM lists becomes `ModelFacts` (origin "bom") whose licence claims and
lineage come from the BOM, so `smallprint check BOM.json` checks every model in it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from smallprint.errors import InputError
from smallprint.inputs import decode_text
from smallprint.model import Evidence, LicenseClaim, ModelFacts
from smallprint.sources.paths import is_file

MAX_BOM_BYTES = 64 * 1024 * 1024
MAX_BOM_MODELS = 10_000
"""Each model is a full check (licence, lineage, openness): 5,000 take about a minute, so a
larger BOM is refused with a clear error rather than running for many minutes."""


def looks_like_bom(path: Path) -> bool:
    """A JSON file whose start names CycloneDX or an SPDX 3 context."""
    if path.suffix.lower() not in (".json", ".jsonld") or not is_file(path):
        return False
    try:
        with path.open("rb") as f:
            raw = f.read(4096)
    except OSError:
        return False
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = raw.decode("utf-16", errors="replace")
    else:
        head = raw.decode("utf-8", errors="replace")
    # keys may come in any order ("bomFormat" can sit kilobytes in): any JSON object is read
    # as a BOM candidate, and read_bom says clearly when it is neither format
    return head.lstrip("\ufeff \t\r\n").startswith("{")


def read_bom(path: str | Path) -> list[ModelFacts]:
    """Every model a CycloneDX or SPDX 3 document lists; a BOM with none is an error.

    A BOM is untrusted input: every field is type-checked where it is read (a number,
    string or list where an object belongs is skipped, never a crash), the file is
    read in the one encoding policy of every reader (UTF-8 with or without BOM, UTF-16
    with BOM), and the size and model count are capped with a clear error."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BOM_BYTES:
            raise InputError(f"{p}: BOM larger than {MAX_BOM_BYTES // (1024 * 1024)} MB")
        with p.open("rb") as f:
            raw = f.read(MAX_BOM_BYTES + 1)
    except OSError as e:
        raise InputError(f"{p}: cannot read BOM ({e.strerror or type(e).__name__})") from None
    if len(raw) > MAX_BOM_BYTES:
        raise InputError(f"{p}: BOM larger than {MAX_BOM_BYTES // (1024 * 1024)} MB")
    text = decode_text(raw, str(p))
    del raw
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{p}: not valid JSON (line {e.lineno}: {e.msg})") from None
    except (ValueError, RecursionError) as e:  # a 5,000-digit number, nesting too deep
        reason = "nested too deeply" if isinstance(e, RecursionError) else _first_line(str(e))
        raise InputError(f"{p}: not a readable BOM ({reason})") from None
    del text
    if not isinstance(data, dict):
        raise InputError(f"{p}: not a BOM (top level is not an object)")
    if data.get("bomFormat") == "CycloneDX":
        models = _from_cyclonedx(data, str(p))
        kind = "CycloneDX BOM"
    elif _is_spdx3(data.get("@context")):
        models = _from_spdx3(data, str(p))
        kind = "SPDX 3 document"
    else:
        raise InputError(f"{p}: neither a CycloneDX BOM nor an SPDX 3 document")
    if not models:
        raise InputError(
            f"{p}: the {kind} lists no readable model (no machine-learning-model component "
            "or AI package with a name)"
        )
    return models


def _first_line(s: str) -> str:
    return (s.strip().splitlines() or [""])[0][:200]


def _is_spdx3(ctx: Any) -> bool:
    if isinstance(ctx, str):
        return "spdx.org/rdf/3" in ctx
    if isinstance(ctx, list):
        return any(isinstance(c, str) and "spdx.org/rdf/3" in c for c in ctx[:100])
    return False


def _obj(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def _items(v: Any) -> list[Any]:
    return v if isinstance(v, list) else []


def _text(v: Any) -> str | None:
    """A scalar as text (numbers too: a version of 3 is "3"); None for anything else."""
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, str):
        return v.strip() or None
    if isinstance(v, (int, float)):
        return _text(_num(v))
    return None


def _num(v: int | float) -> str:
    if isinstance(v, int) and v.bit_length() > 256:
        return "(a very large number)"
    return str(v)


def _many(n: int, path: str) -> None:
    if n > MAX_BOM_MODELS:
        raise InputError(
            f"{path}: lists {n} models, more than the {MAX_BOM_MODELS:,} smallprint checks from one BOM; "
            "split it into smaller BOMs"
        )


def _cdx_model_id(c: dict[str, Any]) -> str:
    purl = _text(c.get("purl")) or ""
    if purl.startswith("pkg:huggingface/"):
        rest = purl.removeprefix("pkg:huggingface/").split("@")[0].split("?")[0]
        if rest:
            return rest
    g, n = _text(c.get("group")), _text(c.get("name")) or ""
    return f"{g}/{n}" if g and n else n


def _cdx_licenses(c: dict[str, Any]) -> list[str]:
    out = []
    for item in _items(c.get("licenses")):
        item = _obj(item)
        expr = _text(item.get("expression"))
        if expr:
            out.append(expr)
        lic = _obj(item.get("license"))
        v = _text(lic.get("id")) or _text(lic.get("name"))
        if v:
            out.append(v)
    return out


def _property(props: Any, name: str) -> str | None:
    for p in _items(props):
        p = _obj(p)
        if p.get("name") == name:
            return _text(p.get("value"))
    return None


def _from_cyclonedx(data: dict[str, Any], path: str) -> list[ModelFacts]:
    components = [
        c for c in _items(data.get("components"))
        if isinstance(c, dict) and c.get("type") == "machine-learning-model"
    ]
    _many(len(components), path)
    out = []
    for c in components:
        mid = _cdx_model_id(c)
        if not mid:
            continue
        facts = ModelFacts(target=mid, model_id=mid, origin="bom", revision=_text(c.get("version")))
        for lic in _cdx_licenses(c):
            facts.license_claims.append(
                LicenseClaim("bom:licenses", lic, Evidence(path, 0, 0, f"{mid}: {lic}"))
            )
        for a in _items(_obj(c.get("pedigree")).get("ancestors")):
            if isinstance(a, dict) and a.get("type") == "machine-learning-model":
                depth = _property(a.get("properties"), "smallprint:depth") or "1"
                base = _cdx_model_id(a)
                if depth == "1" and base and base not in facts.base_models:
                    facts.base_models.append(base)
        facts.relation = _property(c.get("properties"), "smallprint:base_model_relation")
        card = _obj(c.get("modelCard"))
        for ds in _items(_obj(card.get("modelParameters")).get("datasets")):
            ds = _obj(ds)
            ref, name = _text(ds.get("ref")), _text(ds.get("name"))
            if ref:
                facts.datasets.append(ref.removeprefix("dataset:"))
            elif name:
                facts.datasets.append(name)
        out.append(facts)
    return out


_AI_TYPES = ("ai_AIPackage", "ai:AIPackage", "AIPackage")


def _from_spdx3(data: dict[str, Any], path: str) -> list[ModelFacts]:
    graph = [o for o in _items(data.get("@graph")) if isinstance(o, dict)]
    by_id: dict[str, dict[str, Any]] = {}
    for o in graph:
        sid = _text(o.get("spdxId"))
        if sid:
            by_id[sid] = o
    models = {k: o for k, o in by_id.items() if o.get("type") in _AI_TYPES}
    _many(len(models), path)
    facts_by: dict[str, ModelFacts] = {}
    for k, o in models.items():
        mid = _text(o.get("name")) or k
        facts_by[k] = ModelFacts(
            target=mid,
            model_id=mid,
            origin="bom",
            revision=_none_if_noassert(o.get("software_packageVersion")),
        )
    roots = {
        r
        for d in graph
        if d.get("type") == "SpdxDocument"
        for r in (_text(x) for x in _items(d.get("rootElement")))
        if r
    }
    for rel in graph:
        if rel.get("type") != "Relationship":
            continue
        frm, kind = _text(rel.get("from")), rel.get("relationshipType")
        to = rel.get("to")
        f = facts_by.get(frm or "")
        if f is None:
            continue
        for t in _items(to) if isinstance(to, list) else [to]:
            t = _text(t)
            if not t:
                continue
            target = by_id.get(t, {})
            if kind in ("hasDeclaredLicense", "hasConcludedLicense"):
                expr = _text(target.get("simplelicensing_licenseExpression"))
                if expr and expr != "NOASSERTION":
                    f.license_claims.append(
                        LicenseClaim(f"bom:{kind}", expr, Evidence(path, 0, 0, f"{f.model_id}: {expr}"))
                    )
            elif kind == "descendantOf" and t in models:
                base = _text(models[t].get("name")) or t
                if base not in f.base_models:
                    f.base_models.append(base)
                comment = _text(rel.get("comment"))
                if comment:
                    f.relation = comment
            elif kind == "trainedOn":
                f.datasets.append(_text(target.get("name")) or t)
    return [facts_by[k] for k in facts_by if not roots or k in roots]


def _none_if_noassert(v: Any) -> str | None:
    t = _text(v)
    return None if t in (None, "NOASSERTION") else t
