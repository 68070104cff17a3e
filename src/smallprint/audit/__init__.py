"""Audit a whole registry of model cards: `smallprint audit SOURCE... --out DIR`.

Each card is evaluated once by the same library functions as `smallprint check`
(offline: ancestors from the registry itself, then the bundled catalog); one pass over
the registry's lineage graph in DuckDB follows obligations and conflicts along whole
chains. See run.py for the stages and README "Audit a whole registry" for the outputs.
Names are imported on first use, so the command line starts without pyarrow or DuckDB.
"""

from __future__ import annotations

from typing import Any

__all__ = ["AuditOutcome", "AuditRequest", "run_audit"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from smallprint.audit import run

        return getattr(run, name)
    raise AttributeError(name)
