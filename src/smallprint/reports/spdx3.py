"""SPDX 3.0.1 JSON-LD with the AI and Dataset profiles, from check results.

Built with spdx-python-model (bindings generated from the 3.0.1 SHACL model),
which refuses wrong types and missing required properties when it serialises.
Licences and lineage are relationships, as SPDX 3 defines them.
"""

from __future__ import annotations

import io
import re
from typing import Any

from smallprint import __version__
from smallprint.kb import KnowledgeBase
from smallprint.model import CheckResult, LineageNode
from smallprint.reports.context import ReportContext

NS = "https://smallprint.invalid/spdx/"


def _slug(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9.\-]+", "-", s).strip("-") or "x"


def _license_expression(lid: str | None, spdx: str | None) -> str:
    """An SPDX licence expression: the SPDX id, else a LicenseRef- for a named licence."""
    if spdx:
        return spdx
    if lid:
        return f"LicenseRef-{_slug(lid)}"
    return "NOASSERTION"


def _kb(lid: str | None, kb: KnowledgeBase) -> tuple[str | None, str | None]:
    if not lid:
        return None, None
    e = kb.get(lid)
    return (e.id, e.spdx_id) if e else (lid, None)


class _Builder:
    """Accumulates SPDX elements for one document, one id per thing."""

    def __init__(self, ctx: ReportContext) -> None:
        from spdx_python_model import v3_0_1 as s

        self.s = s
        self.now = ctx.now
        self.objset = s.SHACLObjectSet()
        self.tool = s.Tool(spdxId=f"{NS}tool/smallprint", name=f"smallprint {__version__}")
        self.agent = s.SoftwareAgent(spdxId=f"{NS}agent/smallprint", name="smallprint")
        self.ci = s.CreationInfo(
            specVersion="3.0.1", created=self.now, createdBy=[self.agent], createdUsing=[self.tool]
        )
        for o in (self.tool, self.agent):
            o.creationInfo = self.ci
            self.objset.add(o)
        self.elements: list[Any] = []
        self._licenses: dict[str, Any] = {}
        self._orgs: dict[str, Any] = {}
        self._pkgs: dict[str, Any] = {}
        self._rel_n = 0
        self.licensed_datasets: set[str] = set()

    def add(self, obj: Any) -> Any:
        obj.creationInfo = self.ci
        self.objset.add(obj)
        self.elements.append(obj)
        return obj

    def org(self, name: str) -> Any:
        if name not in self._orgs:
            self._orgs[name] = self.add(
                self.s.Organization(spdxId=f"{NS}org/{_slug(name)}", name=name)
            )
        return self._orgs[name]

    def license(self, expr: str) -> Any:
        if expr not in self._licenses:
            self._licenses[expr] = self.add(
                self.s.simplelicensing_LicenseExpression(
                    spdxId=f"{NS}license/{_slug(expr)}", simplelicensing_licenseExpression=expr
                )
            )
        return self._licenses[expr]

    def rel(self, frm: Any, kind: str, to: list[Any], comment: str | None = None) -> None:
        self._rel_n += 1
        r = self.s.Relationship(
            spdxId=f"{NS}rel/{self._rel_n}",
            from_=frm,
            to=to,
            relationshipType=getattr(self.s.RelationshipType, kind),
        )
        if comment:
            r.comment = comment
        self.add(r)

    def ai_package(self, model_id: str, version: str | None, supplier: str | None) -> Any:
        key = f"ai:{model_id}"
        if key in self._pkgs:
            return self._pkgs[key]
        s = self.s
        hub = model_id.count("/") == 1 and not model_id.startswith(("/", "."))
        p = s.ai_AIPackage(
            spdxId=f"{NS}model/{_slug(model_id)}",
            name=model_id,
            software_packageVersion=version or "NOASSERTION",
            software_downloadLocation=f"https://huggingface.co/{model_id}"
            if hub
            else "NOASSERTION",
            software_primaryPurpose=s.software_SoftwarePurpose.model,
            releaseTime=self.now,
            suppliedBy=self.org(supplier or (model_id.split("/")[0] if hub else "NOASSERTION")),
        )
        if hub:
            p.software_packageUrl = f"pkg:huggingface/{model_id}" + (
                f"@{version.lower()}"
                if version and re.fullmatch(r"[0-9a-fA-F]{40}", version)
                else ""
            )
        self._pkgs[key] = self.add(p)
        return p

    def dataset(self, ds: str) -> Any:
        key = f"ds:{ds}"
        if key in self._pkgs:
            return self._pkgs[key]
        s = self.s
        hub = ds.count("/") == 1
        d = s.dataset_DatasetPackage(
            spdxId=f"{NS}dataset/{_slug(ds)}",
            name=ds,
            software_packageVersion="NOASSERTION",
            software_downloadLocation=f"https://huggingface.co/datasets/{ds}"
            if hub
            else "NOASSERTION",
            software_primaryPurpose=s.software_SoftwarePurpose.data,
            releaseTime=self.now,
            builtTime=self.now,
            originatedBy=[self.org(ds.split("/")[0] if hub else "NOASSERTION")],
            dataset_datasetType=[s.dataset_DatasetType.noAssertion],
        )
        self._pkgs[key] = self.add(d)
        return d


def build_spdx3(results: list[CheckResult], ctx: ReportContext | None = None) -> str:
    """The SPDX 3.0.1 JSON-LD document as text, against the context's knowledge base and clock."""
    ctx = ctx or ReportContext.create()
    b = _Builder(ctx)
    s = b.s
    roots = []
    for r in results:
        if r.error:
            continue
        mid = r.model_id or r.target
        facts = r.facts
        pkg = b.ai_package(mid, facts.revision if facts else None, None)
        roots.append(pkg)
        if facts and facts.relation:
            pkg.ai_typeOfModel = [facts.relation]
        limits = [f"{f.code}: {f.message}" for f in r.findings if f.severity != "info"]
        if limits:
            pkg.ai_limitation = "; ".join(limits)[:4000]
        if r.verdict:
            pkg.ai_informationAboutApplication = f"smallprint verdict for profile {r.verdict.get('profile')}: {r.verdict.get('verdict')}"
        summary = "; ".join(f"{t.key}={t.value}" for t in r.terms)[:4000]
        if summary:
            pkg.comment = f"effective terms: {summary}"
        # declared: what the model's own metadata says; concluded: what smallprint resolved
        declared: list[str] = []
        if facts:
            for c in facts.license_claims:
                if c.result and c.result.licenses:
                    m = c.result.licenses[0]
                    declared.append(_license_expression(m.id, m.spdx_id))
        for expr in dict.fromkeys(declared):
            b.rel(pkg, "hasDeclaredLicense", [b.license(expr)])
        concluded = [_license_expression(m.id, m.spdx_id) for m in r.license.licenses]
        if concluded:  # nothing concluded: no relationship, rather than a made-up expression
            b.rel(pkg, "hasConcludedLicense", [b.license(" AND ".join(dict.fromkeys(concluded)))])
        by_id = {n.id: n for n in r.lineage}
        for n in r.lineage:
            if n.depth == 0:
                continue
            lid, spdx = _kb(n.license_id, ctx.kb)
            anc = b.ai_package(n.id, None, None)
            if n.license_id:
                b.rel(anc, "hasDeclaredLicense", [b.license(_license_expression(lid, spdx))])
            kids: list[LineageNode | None] = [x for x in r.lineage if n.id in x.parents] or [by_id.get(mid)]
            for kid in kids:
                child_pkg = pkg if kid is None or kid.depth == 0 else b.ai_package(kid.id, None, None)
                b.rel(child_pkg, "descendantOf", [anc], comment=n.relation)
        if facts:
            from smallprint.evaluators.findings import dataset_license_id

            for ds in dict.fromkeys(facts.datasets):
                dpkg = b.dataset(ds)
                b.rel(pkg, "trainedOn", [dpkg])
                lid = dataset_license_id(ds)
                if lid and ds not in b.licensed_datasets:
                    b.licensed_datasets.add(ds)
                    _, spdx = _kb(lid, ctx.kb)
                    b.rel(dpkg, "hasDeclaredLicense", [b.license(_license_expression(lid, spdx))])
    doc = s.SpdxDocument(
        spdxId=f"{NS}document",
        name="smallprint AI bill of materials",
        dataLicense=b.license("CC0-1.0"),
        rootElement=roots,
        element=list(b.elements),
        profileConformance=[
            s.ProfileIdentifierType.core,
            s.ProfileIdentifierType.software,
            s.ProfileIdentifierType.ai,
            s.ProfileIdentifierType.dataset,
            s.ProfileIdentifierType.simpleLicensing,
        ],
    )
    errors = [f"{r.target}: {r.error}" for r in results if r.error]
    if errors:  # a target that could not be checked is said so, never silently left out
        doc.comment = "not checked: " + "; ".join(errors)
    doc.creationInfo = b.ci
    b.objset.add(doc)
    out = io.BytesIO()
    s.JSONLDSerializer().write(b.objset, out, indent=2)
    return out.getvalue().decode("utf-8")


def read_spdx3(text: str) -> Any:
    """Parse SPDX 3.0.1 JSON-LD with the same bindings (used to validate and to read back)."""
    from spdx_python_model import v3_0_1 as s

    objset = s.SHACLObjectSet()
    s.JSONLDDeserializer().read(io.BytesIO(text.encode("utf-8")), objset)
    return objset


REQUIRED_AI = (
    "releaseTime",
    "suppliedBy",
    "software_downloadLocation",
    "software_packageVersion",
    "software_primaryPurpose",
)


def validate_spdx3(text: str) -> str | None:
    """None when the document parses with the 3.0.1 bindings and every AIPackage has the
    properties the AI profile requires; else a message."""
    try:
        objset = read_spdx3(text)
    except Exception as e:  # the bindings raise plain exceptions for invalid data
        return f"does not parse as SPDX 3.0.1: {e}"
    from spdx_python_model import v3_0_1 as s

    for o in objset.foreach_type(s.ai_AIPackage):
        for p in REQUIRED_AI:
            if getattr(o, p, None) in (None, "", []):
                return f"{o.name}: missing {p}"
    return None
