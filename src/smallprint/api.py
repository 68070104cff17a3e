"""Moved to `smallprint.pipeline.licences`; this import path keeps working for one release.

The module object is the same one (private names and monkeypatching included).
"""

import sys

from smallprint.pipeline.licences import (
    DIFF_SCHEMA,
    EXPLAIN_SCHEMA,
    LICENSE_SCHEMA,
    DiffSide,
    Explanation,
    LicenseDiff,
    LicenseMatch,
    LicenseResult,
    NormalizedText,
    TermChange,
    diff,
    diff_sides,
    entry_summary,
    explain,
    identify_license_file,
    identify_license_text,
    license_document,
    license_results,
    list_licenses,
    resolve_license_id,
    text_side,
)

__all__ = [
    "DIFF_SCHEMA",
    "DiffSide",
    "EXPLAIN_SCHEMA",
    "Explanation",
    "LICENSE_SCHEMA",
    "LicenseDiff",
    "LicenseMatch",
    "LicenseResult",
    "NormalizedText",
    "TermChange",
    "diff",
    "diff_sides",
    "entry_summary",
    "explain",
    "identify_license_file",
    "identify_license_text",
    "license_document",
    "license_results",
    "list_licenses",
    "resolve_license_id",
    "text_side",
]

sys.modules[__name__] = sys.modules["smallprint.pipeline.licences"]
