"""Typed values that cross module boundaries.

Everything smallprint reports is built from these dataclasses; renderers
(`smallprint.reports`) turn them into JSON, tables, Markdown and the rest.
`to_dict()` methods produce exactly the shapes of the versioned JSON contract
documented in the README, so the contract lives in one place.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from smallprint.evaluators.openness import MofAssessment
    from smallprint.evaluators.openness.assess import OpennessResult
    from smallprint.evaluators.openness.osaid import OsaidResult
    from smallprint.evaluators.policy import Verdict

Certainty = Literal["high", "medium", "low"]
"""How sure a term is.

high: a known licence's term whose clause was found in the text as published;
medium: read from the text by a clause rule that matched a clear sentence;
low: a weak or indirect signal; read the quoted clause yourself.
"""

DeviationKind = Literal["added", "removed", "changed"]
Severity = Literal["error", "warning", "info"]


class DictView(Mapping[str, Any]):
    """Read access, as a mapping, to a typed value's `to_dict()`.

    `CheckResult.verdict` and `.openness` were dicts before they were typed; code that
    still reads them with `["verdict"]` or `.get("osaid")` keeps working for one release.
    New code reads the attributes."""

    def to_dict(self) -> dict[str, Any]:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def __getitem__(self, key: str) -> Any:
        return self.to_dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.to_dict())

    def __len__(self) -> int:
        return len(self.to_dict())


@dataclass(frozen=True)
class Evidence:
    """Where a claim comes from: file, 1-based inclusive line span and the quoted text."""

    file: str | None
    start_line: int
    end_line: int
    quote: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "start_line": self.start_line,
            "end_line": self.end_line,
            "quote": self.quote,
        }


@dataclass
class Term:
    """One item of small print in the DESIGN.md vocabulary, with its evidence.

    `source` names where the term came from: a licence id ("llama3.1"), an
    incorporated policy ("llama3.1-aup"), "rules" for clause rules run on an
    unknown text, or "lineage:<model id>" for an inherited obligation.
    """

    key: str
    value: Any
    certainty: Certainty
    evidence: list[Evidence] = field(default_factory=list)
    source: str | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "key": self.key,
            "value": self.value,
            "certainty": self.certainty,
            "evidence": [e.to_dict() for e in self.evidence],
        }
        if self.source is not None:
            d["source"] = self.source
        if self.note:
            d["note"] = self.note
        return d


@dataclass(frozen=True)
class Deviation:
    """A passage where a copy of a known licence differs from its reference text.

    Line numbers refer to the input; `reference_lines` to the bundled reference text.
    """

    kind: DeviationKind
    start_line: int | None
    end_line: int | None
    text: str
    reference: str
    reference_lines: tuple[int, int] | None = None
    shown: str | None = None  # the passage as written in the input (text is normalised words)
    shown_reference: str | None = None  # the same for the reference text

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "start_line": self.start_line,
            "end_line": self.end_line,
            "text": self.shown if self.shown is not None else self.text,
            "reference": self.shown_reference if self.shown_reference is not None else self.reference,
        }

    @property
    def display_text(self) -> str:
        return self.shown if self.shown is not None else self.text

    @property
    def display_reference(self) -> str:
        return self.shown_reference if self.shown_reference is not None else self.reference


@dataclass
class LicenseMatch:
    """A known licence found in an input, best matches first in a result."""

    id: str
    name: str
    version: str | None
    spdx_id: str | None
    hub_id: str | None
    confidence: float
    start_line: int
    end_line: int
    method: str
    kind: str
    deviations: list[Deviation] = field(default_factory=list)
    variant_of: str | None = None  # this text is close to that licence but changes its terms: not that licence
    variant_reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = self._core_dict()
        if self.variant_of is not None:
            d["variant_of"] = self.variant_of
            d["variant_reasons"] = list(self.variant_reasons)
        return d

    def _core_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "version": self.version,
            "spdx_id": self.spdx_id,
            "hub_id": self.hub_id,
            "kind": self.kind,
            "confidence": round(self.confidence, 4),
            "method": self.method,
            "start_line": self.start_line,
            "end_line": self.end_line,
            "deviations": [d.to_dict() for d in self.deviations],
        }


@dataclass
class LicenseResult:
    """What smallprint found in one input: the licences and the terms they carry."""

    path: str
    licenses: list[LicenseMatch] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    error: str | None = None
    notes: list[str] = field(default_factory=list)  # what was left unread, and why

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "path": self.path,
            "licenses": [m.to_dict() for m in self.licenses],
            "terms": [t.to_dict() for t in self.terms],
        }
        if self.error is not None:
            d["error"] = self.error
        if self.notes:
            d["notes"] = list(self.notes)
        return d


@dataclass
class Finding:
    """A problem or fact worth attention, with a stable code (see README)."""

    code: str
    severity: Severity
    message: str
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "evidence": [e.to_dict() for e in self.evidence],
        }


# --- models as published (sources -> evaluators) --------------------------------


@dataclass
class LicenseClaim:
    """One place a model declares its licence: a card field, a file, a GGUF key...

    `where` is a stable label: "card:license", "card:license_name", "card:license_link",
    "file:LICENSE", "gguf:general.license", "safetensors:__metadata__.license",
    "card:prose", "hub:tags", "catalog".
    """

    where: str
    value: str
    evidence: Evidence
    result: LicenseResult | None = None


@dataclass(frozen=True)
class WeightFile:
    """A weight file seen in a model (never opened beyond its header)."""

    path: str
    format: str  # safetensors | gguf | pickle | onnx | other
    size: int | None = None


@dataclass
class ModelFacts:
    """What a source read about one model, before any evaluation.

    Sources fill it; lineage, openness and policy evaluators read it.
    """

    target: str
    model_id: str | None
    origin: str  # hub | folder | gguf | safetensors | card | catalog | bom
    revision: str | None = None
    name: str | None = None
    license_claims: list[LicenseClaim] = field(default_factory=list)
    base_models: list[str] = field(default_factory=list)
    relation: str | None = None
    datasets: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    gated: bool | str | None = None
    card_path: str | None = None
    card_text: str | None = None
    card_data: dict[str, Any] = field(default_factory=dict)
    weight_files: list[WeightFile] = field(default_factory=list)
    links: dict[str, list[str]] = field(default_factory=dict)  # code | paper | data-card | ...
    findings: list[Finding] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # evidence file label -> text read (for reports)


@dataclass
class LineageNode:
    """One model in an ancestry graph, with the licence that binds it."""

    id: str
    license_id: str | None
    license_name: str | None
    relation: str | None  # how the child relates to this node: finetune | adapter | merge | quantized
    depth: int
    parents: list[str] = field(default_factory=list)
    resolved_from: str = "missing"  # hub | catalog | card | gguf | missing
    evidence: list[Evidence] = field(default_factory=list)
    inferred: str | None = None  # how the edge to this node was inferred, with its certainty; None when declared

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "license": self.license_id,
            "license_name": self.license_name,
            "relation": self.relation,
            "depth": self.depth,
            "parents": list(self.parents),
            "resolved_from": self.resolved_from,
            "evidence": [e.to_dict() for e in self.evidence],
        }
        if self.inferred is not None:
            d["inferred"] = self.inferred
        return d


@dataclass(eq=False)
class Openness(DictView):
    """How open one model is: its OSAID verdict, MOF class and OSAI index entry."""

    result: OpennessResult

    @property
    def osaid(self) -> OsaidResult:
        return self.result.osaid

    @property
    def mof(self) -> MofAssessment:
        return self.result.mof

    @cached_property
    def _blocks(self) -> dict[str, Any]:
        d = self.result.to_dict()
        return {k: d[k] for k in ("osaid", "mof", "osai_index") if k in d}

    def to_dict(self) -> dict[str, Any]:
        """The blocks check/1 puts beside a result's other fields."""
        return dict(self._blocks)


@dataclass
class CheckResult:
    """Everything `smallprint check` says about one target (schema smallprint/check/1).

    `verdict` is filled by the policy evaluator when a use profile is given, `openness`
    by the openness evaluator; `error` says why a target could not be checked at all
    (and then nothing else is an answer)."""

    target: str
    model_id: str | None
    license: LicenseResult
    lineage: list[LineageNode] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    facts: ModelFacts | None = None
    verdict: Verdict | None = None
    openness: Openness | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "target": self.target,
            "model_id": self.model_id,
            "license": self.license.to_dict(),
            "lineage": [n.to_dict() for n in self.lineage],
            "terms": [t.to_dict() for t in self.terms],
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.verdict is not None:
            d["verdict"] = dict(self.verdict.to_dict() if hasattr(self.verdict, "to_dict") else self.verdict)
        if self.openness is not None:  # openness blocks sit beside the others; its findings are merged
            d.update({k: v for k, v in dict(self.openness).items() if k != "findings"})
        if self.error is not None:
            d["error"] = self.error
        return d
