"""SARIF 2.1.0 output: verdicts and findings as code-scanning alerts.

Each checked model with a verdict other than `allowed` becomes one result, placed at
the first line of code that references it (from scan-code or the inventory), with
the other references as related locations. Findings (`result.findings`) become
results of their own code. Rule ids are stable: `verdict/<level>` and
`finding/<code>`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from smallprint import __version__
from smallprint.model import CheckResult, Evidence

SARIF_SCHEMA: Final = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

VERDICT_RULES: Final[dict[str, tuple[str, str, str]]] = {
    # level -> (SARIF level, rule name, description)
    "blocked": ("error", "ModelUseBlocked", "The licence forbids this use of the model."),
    "needs-agreement": ("error", "ModelUseNeedsAgreement",
                        "This use needs a separate licence or agreement from the model's publisher."),
    "unclear": ("warning", "ModelUseUnclear",
                "smallprint could not settle whether this use is allowed: read the named clause."),
    "conditions": ("note", "ModelUseWithDuties", "This use is allowed if the listed duties are done."),
}
FINDING_LEVEL: Final = {"error": "error", "warning": "warning", "info": "note"}


def _location(file: str, line: int | None) -> dict[str, Any]:
    region = {"startLine": max(1, int(line))} if line else None
    phys: dict[str, Any] = {"artifactLocation": {"uri": Path(file).as_posix()}}
    if region:
        phys["region"] = region
    return {"physicalLocation": phys}


def _evidence_location(evidence: Sequence[Evidence]) -> dict[str, Any] | None:
    """A location in a real file (never the knowledge base's "kb:" references)."""
    for e in evidence:
        if e.file and not e.file.startswith("kb:"):
            return _location(e.file, e.start_line)
    return None


def _locations(result: CheckResult, refs: Mapping[str, Sequence[Any]], fallback_uri: str | None,
               evidence: Sequence[Evidence] = ()) -> list[dict[str, Any]]:
    found = list(refs.get(result.target) or refs.get(result.model_id or "") or [])
    if found:
        return [_location(str(getattr(x, "file", x)), getattr(x, "line", None)) for x in found]
    ev = _evidence_location(evidence)
    if ev:
        return [ev]
    if Path(result.target).is_file():
        return [_location(result.target, 1)]
    return [_location(fallback_uri, 1)] if fallback_uri else []


def _verdict_message(result: CheckResult, verdict: Mapping[str, Any]) -> str:
    name = result.model_id or result.target
    text = f"{name}: {verdict.get('verdict')} under profile '{verdict.get('profile')}'."
    reasons = [r.get("message", "") for r in verdict.get("reasons") or [] if r.get("message")]
    if reasons:
        text += " " + reasons[0]
        if len(reasons) > 1:
            text += f" (+{len(reasons) - 1} more reasons)"
    duties = [d.get("duty", "") for d in verdict.get("duties") or []]
    if duties:
        text += " Duties: " + "; ".join(duties[:5]) + (f"; +{len(duties) - 5} more" if len(duties) > 5 else "") + "."
    return text


def _reason_evidence(verdict: Mapping[str, Any]) -> list[Evidence]:
    out = []
    for r in verdict.get("reasons") or []:
        for e in r.get("evidence") or []:
            out.append(Evidence(e.get("file"), int(e.get("start_line") or 1), int(e.get("end_line") or 1),
                                str(e.get("quote") or "")))
    return out


class _Rules:
    """The run's rule table, built as results need rules."""

    def __init__(self) -> None:
        self.rules: list[dict[str, Any]] = []
        self.index: dict[str, int] = {}

    def get(self, rule_id: str, name: str, text: str, level: str) -> int:
        if rule_id not in self.index:
            self.index[rule_id] = len(self.rules)
            self.rules.append({
                "id": rule_id,
                "name": name,
                "shortDescription": {"text": text},
                "defaultConfiguration": {"level": level},
            })
        return self.index[rule_id]


def _pascal(code: str) -> str:
    return "".join(p.capitalize() for p in code.replace("_", "-").split("-") if p)


def to_sarif(
    results: Sequence[CheckResult],
    references: Mapping[str, Sequence[Any]] | None = None,
    fallback_uri: str | None = None,
) -> dict[str, Any]:
    """A SARIF 2.1.0 log for check results (with their `verdict` filled in).

    `references` maps a target or model id to where code references it (objects with
    `file` and `line`: scan-code references or inventory locations); `fallback_uri`
    (the inventory or policy file) places results that have no code location.
    """
    refs = references or {}
    rules = _Rules()
    out: list[dict[str, Any]] = []
    for result in results:
        verdict: Mapping[str, Any] = result.verdict or {}
        level = verdict.get("verdict")
        if level in VERDICT_RULES:
            sarif_level, name, text = VERDICT_RULES[level]
            locs = _locations(result, refs, fallback_uri, _reason_evidence(verdict))
            item: dict[str, Any] = {
                "ruleId": f"verdict/{level}",
                "ruleIndex": rules.get(f"verdict/{level}", name, text, sarif_level),
                "level": "note" if verdict.get("waived") else sarif_level,
                "message": {"text": _verdict_message(result, verdict)},
                "properties": {"target": result.target, "model_id": result.model_id, "verdict": dict(verdict)},
            }
            if locs:
                item["locations"] = locs[:1]
                if len(locs) > 1:
                    item["relatedLocations"] = [dict(loc, id=i) for i, loc in enumerate(locs[1:], 1)]
            if verdict.get("waived"):
                item["suppressions"] = [{"kind": "external", "justification":
                                         str((verdict.get("exception") or {}).get("reason", "policy exception"))}]
            out.append(item)
        for f in result.findings:
            sarif_level = FINDING_LEVEL.get(f.severity, "note")
            locs = _locations(result, refs, fallback_uri, f.evidence)
            item = {
                "ruleId": f"finding/{f.code}",
                "ruleIndex": rules.get(f"finding/{f.code}", _pascal(f.code), f.code.replace("-", " "), sarif_level),
                "level": sarif_level,
                "message": {"text": f"{result.model_id or result.target}: {f.message}"},
                "properties": {"target": result.target, "model_id": result.model_id},
            }
            if locs:
                item["locations"] = locs[:1]
            out.append(item)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "smallprint", "version": __version__, "rules": rules.rules}},
            "results": out,
        }],
    }
