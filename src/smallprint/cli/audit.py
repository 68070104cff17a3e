"""`smallprint audit`: a whole registry of model cards (flags into an AuditRequest, the outcome in one line)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from smallprint.cli.common import app


@app.command("audit")
def audit_cmd(
    sources: Annotated[list[str], typer.Argument(help="Parquet/JSONL dumps (files or folders), snapshot folders, or hub:[AUTHOR] for a Hub listing", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="output folder (models.parquet, edges.parquet, findings.parquet, summary.html/json)")],
    engine: Annotated[str, typer.Option("--engine", help="local (process pool) or ray (Ray Data; pip install 'smallprint[ray]')")] = "local",
    workers: Annotated[int | None, typer.Option("--workers", "-w", help="worker processes (local) or at most this many actors (ray); default: every CPU (ray: one less)")] = None,
    since: Annotated[str | None, typer.Option("--since", help="only models last modified on or after DATE (YYYY-MM-DD)")] = None,
    use: Annotated[list[str] | None, typer.Option("--use", help="a verdict column per use profile (preset or file); repeatable; default commercial-saas")] = None,
    batch_rows: Annotated[int, typer.Option("--batch-rows", help="rows per batch (the unit of work and of resumption)")] = 1000,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar")] = False,
) -> None:
    """Audit a whole registry of model cards: licences, lineage, conflicts and verdicts, incrementally."""
    from smallprint.audit.run import DEFAULT_PROFILES, AuditRequest, run_audit

    req = AuditRequest(
        sources=list(sources), out=out, engine=engine, workers=workers, since=since,
        profiles=list(use) if use else list(DEFAULT_PROFILES),
        progress=not quiet and sys.stderr.isatty(), batch_rows=batch_rows,
    )
    outcome = run_audit(req)
    for err in outcome.errors:
        sys.stderr.write(f"smallprint: {err}\n")
    s = outcome.summary
    lineage = s.get("lineage", {})
    sys.stdout.write(
        f"{outcome.models:,} models -> {out}/models.parquet (evaluated {outcome.evaluated:,}, reused {outcome.reused:,}, "
        f"again with registry ancestors {outcome.registry_evaluated:,}); "
        f"{lineage.get('edges', 0):,} edges, {lineage.get('missing_ancestors', 0):,} missing ancestors, "
        f"{lineage.get('models_in_cycles', 0):,} models in cycles; summary: {out}/summary.html\n"
    )
    raise typer.Exit(outcome.exit_code)
