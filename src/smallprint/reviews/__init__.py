"""Reviews, decisions and the audit trail, kept in the smallprint store.

Free of any web framework: the server, `smallprint check --decisions`, `smallprint
audit-trail verify` and the watch all call these functions.
"""

from __future__ import annotations

from smallprint.reviews.service import (
    STATES,
    Decision,
    NotFound,
    PermissionDenied,
    apply_decisions,
    approved_exceptions,
    bulk_decide,
    decide,
    licence_text_hash,
    on_watch_change,
    record_check,
    reopen,
)

__all__ = [
    "STATES",
    "Decision",
    "NotFound",
    "PermissionDenied",
    "apply_decisions",
    "approved_exceptions",
    "bulk_decide",
    "decide",
    "licence_text_hash",
    "on_watch_change",
    "record_check",
    "reopen",
]
