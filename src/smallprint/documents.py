"""Every `smallprint/<kind>/1` JSON document, built from the typed results.

This is the one edge where typed values become the versioned JSON contract the README
documents; the command line, the server and library users all call these functions, so a
document has one shape wherever it is produced. Fields are only ever added within a
version.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from smallprint.evaluators.openness.assess import OpennessResult
    from smallprint.kb import LicenseEntry
    from smallprint.model import CheckResult, LicenseResult
    from smallprint.pipeline.licences import Explanation, LicenseDiff
    from smallprint.scan import ScanReport

LICENSE_SCHEMA: Final = "smallprint/license/1"
CHECK_SCHEMA: Final = "smallprint/check/1"
EXPLAIN_SCHEMA: Final = "smallprint/explain/1"
DIFF_SCHEMA: Final = "smallprint/diff/1"
LICENSES_SCHEMA: Final = "smallprint/licenses/1"
LINEAGE_SCHEMA: Final = "smallprint/lineage/1"
OPENNESS_SCHEMA: Final = "smallprint/openness/1"
SCAN_SCHEMA: Final = "smallprint/scan/1"
INVENTORY_SCHEMA: Final = "smallprint/inventory/1"

__all__ = [
    "CHECK_SCHEMA",
    "DIFF_SCHEMA",
    "EXPLAIN_SCHEMA",
    "INVENTORY_SCHEMA",
    "LICENSES_SCHEMA",
    "LICENSE_SCHEMA",
    "LINEAGE_SCHEMA",
    "OPENNESS_SCHEMA",
    "SCAN_SCHEMA",
    "check_document",
    "diff_document",
    "entry_summary",
    "explain_document",
    "licenses_document",
    "license_document",
    "lineage_document",
    "openness_document",
    "scan_document",
]


def license_document(results: Iterable[LicenseResult]) -> dict[str, Any]:
    """`smallprint license --format json`: one result per input, in order."""
    return {"schema": LICENSE_SCHEMA, "results": [r.to_dict() for r in results]}


def check_document(results: Iterable[CheckResult]) -> dict[str, Any]:
    """`smallprint check --format json`: one result per model (or inventory entry)."""
    return {"schema": CHECK_SCHEMA, "results": [r.to_dict() for r in results]}


def lineage_document(result: CheckResult) -> dict[str, Any]:
    """`smallprint lineage --format json`: one model's ancestry and the findings about it."""
    return {
        "schema": LINEAGE_SCHEMA,
        "target": result.target,
        "model_id": result.model_id,
        "lineage": [n.to_dict() for n in result.lineage],
        "findings": [f.to_dict() for f in result.findings],
    }


def entry_summary(e: LicenseEntry) -> dict[str, Any]:
    """A knowledge-base licence entry as `explain/1` and `licenses/1` show it."""
    return {
        "id": e.id,
        "name": e.name,
        "version": e.version,
        "family": e.family,
        "publisher": e.publisher,
        "date": e.date,
        "kind": e.kind,
        "spdx_id": e.spdx_id,
        "hub_id": e.hub_id,
        "osi_approved": e.osi_approved,
        "url": e.url,
        "incorporates": list(e.incorporates),
        "members": list(e.members),
        "reference_text": {
            "present": e.text.present,
            "source_url": e.text.source_url,
            "commit": e.text.commit,
        },
        "notes": e.notes,
    }


def licenses_document(entries: Iterable[LicenseEntry]) -> dict[str, Any]:
    """`smallprint licenses --format json`: the entries listed, in the order given."""
    return {"schema": LICENSES_SCHEMA, "licenses": [entry_summary(e) for e in entries]}


def explain_document(ex: Explanation) -> dict[str, Any]:
    """`smallprint explain --format json`: a known licence's facts, policies and terms."""
    return {
        "schema": EXPLAIN_SCHEMA,
        "license": entry_summary(ex.entry),
        "policies": [entry_summary(p) for p in ex.policies],
        "terms": [t.to_dict() for t in ex.terms],
    }


def diff_document(d: LicenseDiff) -> dict[str, Any]:
    """`smallprint diff --format json`: terms that differ, terms the same, changed passages."""

    def side(s: Any) -> dict[str, Any]:
        return {
            "label": s.label,
            "file": s.file,
            "license": None if s.entry is None else s.entry.id,
            "name": None if s.entry is None else s.entry.name,
            "version": None if s.entry is None else s.entry.version,
        }

    return {
        "schema": DIFF_SCHEMA,
        "a": side(d.a),
        "b": side(d.b),
        "changed_terms": [c.to_dict() for c in d.changed_terms],
        "same_terms": d.same_terms,
        "passages": [
            {
                "kind": p.kind,
                "a_lines": None if p.reference_lines is None else list(p.reference_lines),
                "b_lines": None if p.start_line is None else [p.start_line, p.end_line],
                "a": p.display_reference,
                "b": p.display_text,
            }
            for p in d.passages
        ],
    }


def openness_document(results: Sequence[OpennessResult | dict[str, Any]]) -> dict[str, Any]:
    """`smallprint openness --format json`: one result per target (an error result is a dict)."""
    return {
        "schema": OPENNESS_SCHEMA,
        "results": [r if isinstance(r, dict) else r.to_dict() for r in results],
    }


def scan_document(report: ScanReport) -> dict[str, Any]:
    """`smallprint scan-code --format json`: references with file and line, models found."""
    return report.to_dict()
