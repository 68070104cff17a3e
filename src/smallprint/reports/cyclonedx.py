"""CycloneDX 1.6 ML-BOM from check results.

Built with cyclonedx-python-lib; that library has no model for `modelCard` or
component `data` (both are stubs there), so those two blocks are added to the
serialised JSON afterwards, in the shapes of the 1.6 schema. Tests validate
every output against the official schema the library ships.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from smallprint import __version__
from smallprint.evaluators.findings import dataset_license_id
from smallprint.kb import KnowledgeBase
from smallprint.model import CheckResult, LineageNode
from smallprint.reports.context import ReportContext

TOOL_NAME = "smallprint"
PROP = "smallprint:"


def _split_id(model_id: str) -> tuple[str | None, str]:
    if "/" in model_id:
        g, n = model_id.split("/", 1)
        return g, n
    return None, model_id


def _is_hub_id(model_id: str | None) -> bool:
    return bool(model_id) and model_id.count("/") == 1 and not model_id.startswith(("/", "."))  # type: ignore[union-attr]


def _license_objs(license_ids: list[tuple[str, str | None, str | None, str]]) -> list[Any]:
    """(id, spdx_id, url, acknowledgement) -> cyclonedx licence objects."""
    from cyclonedx.model import XsUri
    from cyclonedx.model.license import DisjunctiveLicense, LicenseAcknowledgement
    from cyclonedx.spdx import is_supported_id

    out = []
    seen: set[tuple[str, str]] = set()
    for lid, spdx, url, ack in license_ids:
        if (lid, ack) in seen:
            continue
        seen.add((lid, ack))
        a = (
            LicenseAcknowledgement.CONCLUDED
            if ack == "concluded"
            else LicenseAcknowledgement.DECLARED
        )
        if spdx and is_supported_id(spdx):
            out.append(DisjunctiveLicense(id=spdx, acknowledgement=a))
        else:
            out.append(
                DisjunctiveLicense(name=lid, url=XsUri(url) if url else None, acknowledgement=a)
            )
    return out


def _kb_license(lid: str | None, kb: KnowledgeBase) -> tuple[str | None, str | None, str | None]:
    """(id, spdx_id, url) for a licence id, from the report's knowledge base."""
    if not lid:
        return None, None, None
    e = kb.get(lid)
    if e is None:
        return lid, None, None
    return e.id, e.spdx_id, e.url


def _model_component(r: CheckResult, kb: KnowledgeBase) -> Any:
    from cyclonedx.model import ExternalReference, ExternalReferenceType, Property, XsUri
    from cyclonedx.model.component import Component, ComponentType, Pedigree
    from packageurl import PackageURL

    mid = r.model_id or r.target
    group, name = _split_id(mid)
    rev = r.facts.revision if r.facts else None
    lic: list[tuple[str, str | None, str | None, str]] = []
    for m in r.license.licenses:
        _, _, url = _kb_license(m.id, kb)
        lic.append((m.id, m.spdx_id, url, "concluded"))
    if r.facts:
        for c in r.facts.license_claims:
            if c.result:
                for m in c.result.licenses[:1]:
                    _, _, url = _kb_license(m.id, kb)
                    lic.append((m.id, m.spdx_id, url, "declared"))
    ext = []
    purl = None
    if _is_hub_id(r.model_id):
        ext.append(
            ExternalReference(
                type=ExternalReferenceType.MODEL_CARD,
                url=XsUri(f"https://huggingface.co/{r.model_id}"),
            )
        )
        purl = PackageURL(
            type="huggingface", namespace=group, name=name, version=(rev or None) and rev.lower()
        )
    props = [Property(name=f"{PROP}target", value=r.target)]
    if r.facts and r.facts.relation:
        props.append(Property(name=f"{PROP}base_model_relation", value=r.facts.relation))
    for f in r.findings:
        props.append(Property(name=f"{PROP}finding:{f.code}", value=f"{f.severity}: {f.message}"))
    if r.verdict:
        props.append(Property(name=f"{PROP}verdict", value=str(r.verdict.get("verdict"))))
        for d in r.verdict.get("duties", []):
            props.append(Property(name=f"{PROP}duty", value=str(d.get("duty"))))
    if r.openness:
        osaid = r.openness.get("osaid") or {}
        if osaid.get("verdict"):
            props.append(Property(name=f"{PROP}osaid", value=str(osaid["verdict"])))
        mof = r.openness.get("mof") or {}
        if "class" in mof:
            props.append(Property(name=f"{PROP}mof_class", value=str(mof["class"])))
    for t in r.terms:
        props.append(Property(name=f"{PROP}term:{t.key}", value=json.dumps(t.value)))
    ancestors = [_ancestor_component(n, kb) for n in r.lineage if n.depth > 0]
    return Component(
        type=ComponentType.MACHINE_LEARNING_MODEL,
        bom_ref=_model_ref(r),
        group=group,
        name=name,
        version=rev,
        purl=purl,
        licenses=_license_objs(lic),
        external_references=ext,
        properties=props,
        pedigree=Pedigree(ancestors=ancestors) if ancestors else None,
    )


def _model_ref(r: CheckResult) -> str:
    return f"model:{r.model_id or r.target}"


def _ancestor_component(n: LineageNode, kb: KnowledgeBase) -> Any:
    from cyclonedx.model import ExternalReference, ExternalReferenceType, Property, XsUri
    from cyclonedx.model.component import Component, ComponentType

    group, name = _split_id(n.id)
    lid, spdx, url = _kb_license(n.license_id, kb)
    props = [Property(name=f"{PROP}depth", value=str(n.depth))]
    if n.relation:
        props.append(Property(name=f"{PROP}relation", value=n.relation))
    props.append(Property(name=f"{PROP}resolved_from", value=n.resolved_from))
    ext = []
    if _is_hub_id(n.id):
        ext.append(
            ExternalReference(
                type=ExternalReferenceType.MODEL_CARD, url=XsUri(f"https://huggingface.co/{n.id}")
            )
        )
    return Component(
        type=ComponentType.MACHINE_LEARNING_MODEL,
        bom_ref=f"ancestor:{n.id}",
        group=group,
        name=name,
        licenses=_license_objs([(lid, spdx, url, "declared")]) if lid else [],
        external_references=ext,
        properties=props,
    )


def _dataset_component(ds: str, license_id: str | None, kb: KnowledgeBase) -> Any:
    from cyclonedx.model import ExternalReference, ExternalReferenceType, XsUri
    from cyclonedx.model.component import Component, ComponentType

    lid, spdx, url = _kb_license(license_id, kb)
    group, name = _split_id(ds)
    ext = []
    if _is_hub_id(ds):
        ext.append(
            ExternalReference(
                type=ExternalReferenceType.DISTRIBUTION,
                url=XsUri(f"https://huggingface.co/datasets/{ds}"),
            )
        )
    return Component(
        type=ComponentType.DATA,
        bom_ref=f"dataset:{ds}",
        group=group,
        name=name,
        licenses=_license_objs([(lid, spdx, url, "declared")]) if lid else [],
        external_references=ext,
    )


def build_cyclonedx(results: list[CheckResult], ctx: ReportContext | None = None) -> dict[str, Any]:
    """The ML-BOM as a JSON-ready dict (CycloneDX 1.6), against the context's knowledge base and clock."""
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.output.json import JsonV1Dot6

    ctx = ctx or ReportContext.create()
    bom = Bom()
    if ctx.reproducible:  # reproducible builds: same input, same serial number
        seed = "|".join(sorted(r.model_id or r.target for r in results))
        bom.serial_number = uuid.uuid5(uuid.NAMESPACE_URL, f"smallprint:{seed}")
    bom.metadata.timestamp = ctx.now
    bom.metadata.tools.components.add(
        Component(type=ComponentType.APPLICATION, name=TOOL_NAME, version=__version__)
    )
    from cyclonedx.model import Property

    for r in results:  # a target that could not be checked is said so, never silently left out
        if r.error:
            bom.metadata.properties.add(Property(name=f"{PROP}error", value=f"{r.target}: {r.error}"))
    datasets: dict[str, str | None] = {}
    model_datasets: dict[str, list[str]] = {}
    seen_refs: set[str] = set()
    for r in results:
        if r.error:
            continue
        ref = _model_ref(r)
        if ref in seen_refs:
            continue
        seen_refs.add(ref)
        bom.components.add(_model_component(r, ctx.kb))
        dss = list(dict.fromkeys(r.facts.datasets if r.facts else []))
        model_datasets[ref] = dss
        for ds in dss:
            datasets.setdefault(ds, dataset_license_id(ds))
    for ds, lid in datasets.items():
        bom.components.add(_dataset_component(ds, lid, ctx.kb))
    doc: dict[str, Any] = json.loads(JsonV1Dot6(bom).output_as_string())
    by_ref = {r_: r for r in results if not r.error for r_ in [_model_ref(r)]}
    for comp in doc.get("components", []):
        ref = comp.get("bom-ref", "")
        if comp.get("type") == "machine-learning-model" and ref in by_ref:
            comp["modelCard"] = _model_card(by_ref[ref], model_datasets.get(ref, []))
        elif comp.get("type") == "data":
            comp["data"] = [{"type": "dataset", "name": ref.removeprefix("dataset:")}]
    return doc


def _model_card(r: CheckResult, datasets: list[str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if datasets:
        params["datasets"] = [{"ref": f"dataset:{d}"} for d in datasets]
    if r.facts:
        task = r.facts.card_data.get("pipeline_tag") if r.facts.card_data else None
        if isinstance(task, str):
            params["task"] = task
        arch = r.facts.metadata.get("architecture") if r.facts.metadata else None
        if isinstance(arch, str):
            params["modelArchitecture"] = arch
    card: dict[str, Any] = {"bom-ref": f"{_model_ref(r)}#card"}
    if params:
        card["modelParameters"] = params
    considerations: dict[str, Any] = {}
    fields = [t for t in r.terms if t.key == "field-of-use" and isinstance(t.value, list)]
    if fields:
        considerations["ethicalConsiderations"] = [
            {
                "name": f"Prohibited use: {v}",
                "mitigationStrategy": "Licence or use policy forbids it",
            }
            for t in fields
            for v in t.value
        ][:200]
    lims = [f.message for f in r.findings if f.severity in ("error", "warning")]
    if lims:
        considerations["technicalLimitations"] = lims[:100]
    if considerations:
        card["considerations"] = considerations
    props = [{"name": f"{PROP}license", "value": m.id} for m in r.license.licenses]
    if props:
        card["properties"] = props
    return card


def render_cyclonedx(results: list[CheckResult], ctx: ReportContext | None = None) -> str:
    return json.dumps(build_cyclonedx(results, ctx), indent=2, ensure_ascii=False)


def validate_cyclonedx(text: str) -> str | None:
    """None when `text` is valid CycloneDX 1.6 JSON, else the validator's message."""
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    err = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    return None if err is None else str(err)
