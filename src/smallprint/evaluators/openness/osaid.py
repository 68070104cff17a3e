"""The OSI Open Source AI Definition 1.0, applied to a model's components.

OSAID 1.0 asks for the four freedoms (use, study, modify, share without asking
permission) over the preferred form for modifying the system:

- parameters under terms that grant the freedoms;
- data information: enough detail about the training data to build a substantially
  equivalent system (a data card or the list of datasets);
- code: the complete code used to process the data, train and run the system
  (data preprocessing, training, inference, model architecture) under OSI-approved
  licences.

Verdicts: `open-source-ai` (all three), `open-weights` (parameters granting the
freedoms, but data information or code missing or not OSI licensed),
`restricted-weights` (parameters available under terms that restrict use, users or
fields, or whose terms smallprint cannot confirm), `closed` (no parameters available).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from smallprint.evaluators.openness import mof
from smallprint.evaluators.openness.mot import ComponentResult

VERDICTS = ("open-source-ai", "open-weights", "restricted-weights", "closed")
FREE_KINDS = frozenset({"osi-code", "open-weights", "open-data"})
RESTRICTING_KINDS = frozenset({"restricted-model", "non-commercial", "research-only", "proprietary"})
PARAMETERS = "Model parameters (Final)"
DATA_INFORMATION = ("Data card", "Datasets")
CODE = ("Data preprocessing code", "Training code", "Inference code", "Model architecture")


@dataclass(frozen=True)
class Freedom:
    """Whether a licence grants the OSAID freedoms: True, False, or None when unknown."""

    license: str | None
    grants: bool | None
    osi_approved: bool
    reason: str


@dataclass(frozen=True)
class MissingPiece:
    """One OSAID requirement that is absent or fails, and why."""

    piece: str  # parameters | data-information | code
    component: str | None
    problem: str  # missing | restricted | not-osi-approved | unknown-license
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"piece": self.piece, "component": self.component, "problem": self.problem, "detail": self.detail}


@dataclass
class OsaidResult:
    verdict: str
    missing: list[MissingPiece] = field(default_factory=list)
    parameters_license: Freedom | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"verdict": self.verdict, "missing": [m.to_dict() for m in self.missing]}
        if self.parameters_license is not None:
            d["parameters_license"] = {
                "license": self.parameters_license.license,
                "grants_freedoms": self.parameters_license.grants,
                "reason": self.parameters_license.reason,
            }
        return d


def _kb_entry(kb: Any, license_id: str) -> Any:
    if kb is None:
        return None
    return kb.get(license_id)


def _a(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def license_freedom(license_id: str | None, kb: Any = None) -> Freedom:
    """Judge a licence: the knowledge base's kind first, else an exact SPDX id; else unknown.

    An id neither the knowledge base nor the SPDX list knows is never taken as open.
    """
    if not license_id:
        return Freedom(None, None, False, "no licence declared")
    entry = _kb_entry(kb, license_id)
    table = mof.license_table()
    if entry is not None:
        osi = bool(entry.osi_approved) or bool(entry.spdx_id and table.is_osi_approved(entry.spdx_id))
        if entry.kind in FREE_KINDS:
            return Freedom(entry.id, True, osi, f"{entry.id} is {_a(entry.kind)} licence")
        if entry.kind in RESTRICTING_KINDS:
            return Freedom(entry.id, False, False,
                           f"{entry.id} is {_a(entry.kind)} licence: it restricts use, users or fields")
        return Freedom(entry.id, None, osi, f"{entry.id} ({entry.kind}) does not say which terms apply")
    canon = table.canonical_id(license_id)
    if canon is not None:
        if table.is_osi_approved(canon):
            return Freedom(canon, True, True, f"{canon} is OSI approved (SPDX list)")
        if table.is_open_data(canon) or table.is_fsf_libre(canon):
            return Freedom(canon, True, False, f"{canon} is an open licence (SPDX list) but not OSI approved")
        return Freedom(canon, False, False, f"{canon} is neither OSI approved nor an open licence (SPDX list)")
    return Freedom(license_id, None, False, f"{license_id!r} is not a licence smallprint knows: read it before relying on it")


def _by_name(components: Iterable[ComponentResult]) -> dict[str, ComponentResult]:
    return {c.name: c for c in components}


def _code_piece(c: ComponentResult | None, name: str, kb: Any) -> MissingPiece | None:
    if c is None or not c.present:
        return MissingPiece("code", name, "missing", f"{name}: not published")
    lic = c.evaluated_as or c.license
    if not lic:
        return MissingPiece("code", name, "unknown-license", f"{name}: published without a known licence")
    verdicts = [license_freedom(part.strip(), kb) for part in lic.split(" AND ")]
    bad = [f for f in verdicts if not f.osi_approved]
    if not bad:
        return None
    return MissingPiece("code", name, "not-osi-approved", f"{name}: {bad[0].reason}")


def assess_osaid(components: Iterable[ComponentResult], parameters_license: str | None, kb: Any = None,
                 *, no_parameters_reason: str | None = None) -> OsaidResult:
    """OSAID 1.0 verdict from the components a model publishes and the licence of its weights."""
    comps = _by_name(components)
    params = comps.get(PARAMETERS)
    if params is None or not params.present:
        why = no_parameters_reason or "no model parameters published"
        return OsaidResult("closed", [MissingPiece("parameters", PARAMETERS, "missing", why)])
    lic = params.license if params.license_source == "component" and params.license else parameters_license
    freedom = license_freedom(lic or params.license, kb)
    missing: list[MissingPiece] = []
    if freedom.grants is not True:
        problem = "restricted" if freedom.grants is False else "unknown-license"
        missing.append(MissingPiece("parameters", PARAMETERS, problem, freedom.reason))
    if not any(comps.get(n) is not None and comps[n].present for n in DATA_INFORMATION):
        missing.append(MissingPiece("data-information", "Data card", "missing",
                                    "no data card or list of training datasets published"))
    for name in CODE:
        piece = _code_piece(comps.get(name), name, kb)
        if piece is not None:
            missing.append(piece)
    if freedom.grants is not True:
        verdict = "restricted-weights"
    elif missing:
        verdict = "open-weights"
    else:
        verdict = "open-source-ai"
    return OsaidResult(verdict, missing, freedom)
