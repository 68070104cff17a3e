"""Audit a whole registry of model cards: `smallprint audit SOURCE... --out DIR`.

Each card is evaluated once by the same library functions as `smallprint check`
(offline: ancestors from the registry itself, then the bundled catalog); one pass over
the registry's lineage graph in DuckDB follows obligations and conflicts along whole
chains. See run.py for the stages and README "Audit a whole registry" for the outputs.
"""

from smallprint.audit.run import AuditOutcome, AuditRequest, run_audit

__all__ = ["AuditOutcome", "AuditRequest", "run_audit"]
