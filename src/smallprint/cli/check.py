"""Model commands: `check` (licence, lineage, openness, findings, verdict, gate) and `lineage`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from smallprint.cli.common import (
    FormatOpt,
    OfflineOpt,
    OutputOpt,
    app,
    emit,
    fail,
    format_choices,
    format_help,
    report_context,
    warn,
)

if TYPE_CHECKING:
    CheckFormat = str
else:
    CheckFormat = format_choices("CheckFormat", "check")


@app.command("check")
def check_cmd(
    targets: Annotated[
        list[str] | None,
        typer.Argument(
            help="Hub ids (org/name[@rev]), snapshot folders, a folder of models, GGUF or "
            "safetensors files, model cards, CycloneDX/SPDX BOMs; none: the bundled example inventory"
        ),
    ] = None,
    format: Annotated[
        CheckFormat, typer.Option("--format", "-f", help=format_help("check"))
    ] = "table",
    output: OutputOpt = None,
    offline: OfflineOpt = False,
    profile: Annotated[str | None, typer.Option("--profile", "-p", help="use profile YAML file (or a preset name)")] = None,
    use: Annotated[str | None, typer.Option(
            "--use",
            help="built-in use profile: internal-research, commercial-saas, on-prem-product, "
            "redistribute-finetune, distill-own-model",
        )] = None,
    inventory: Annotated[Path | None, typer.Option("--inventory", help="inventory YAML of models")] = None,
    policy: Annotated[Path | None, typer.Option(
            "--policy",
            help="organisation policy file (default: smallprint.toml or .smallprint.yaml here or in a parent folder)",
        )] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            help="exit 1 when a verdict reaches: blocked|needs-agreement|unclear|conditions "
            "(default: the policy file's fail_on)",
        ),
    ] = None,
    commercial: Annotated[bool | None, typer.Option("--commercial/--non-commercial", help="commercial use or not")] = None,
    users: Annotated[int | None, typer.Option("--users", help="monthly active users")] = None,
    revenue: Annotated[int | None, typer.Option("--revenue", help="annual revenue in USD")] = None,
    region: Annotated[list[str] | None, typer.Option("--region", help="where it is used (EU, US, ...); repeatable")] = None,
    activity: Annotated[list[str] | None, typer.Option(
            "--activity",
            help="inference, fine-tune, distill, synthetic-data, redistribute-weights, merge, quantize; repeatable",
        ),
    ] = None,
    field_of_use: Annotated[list[str] | None, typer.Option("--field", help="field of use (medical, military, legal, ...); repeatable")] = None,
    deployment: Annotated[list[str] | None, typer.Option("--deployment", help="internal, saas, on-prem or distribution; repeatable")] = None,
    derivative_name: Annotated[str | None, typer.Option("--derivative-name", help="the name you will give a derivative model")] = None,
    decisions: Annotated[str | None, typer.Option(
        "--decisions", help="review decisions from a `smallprint serve` URL ($SMALLPRINT_TOKEN) or its store: "
        "approved exceptions waive the gate like the policy file's")] = None,
) -> None:
    """Check models: the licence that binds them, lineage, openness, findings and (with a
    profile) whether your use is allowed."""
    from smallprint.pipeline.run import CheckRequest, run_check

    req = CheckRequest(
        targets=list(targets or []),
        offline=offline,
        profile=profile,
        preset=use,
        inventory=inventory,
        policy=policy,
        fail_on=fail_on,
        decisions=decisions,
        overrides={
            k: v
            for k, v in {
                "commercial": commercial,
                "monthly_active_users": users,
                "annual_revenue_usd": revenue,
                "regions": region,
                "activities": activity,
                "fields": field_of_use,
                "deployment": deployment,
                "derivative_name": derivative_name,
            }.items()
            if v not in (None, [])
        },
    )
    outcome = run_check(req)
    ctx = report_context(output, references=outcome.references, fallback_uri=outcome.fallback_uri)
    emit("check", format, outcome.results, output, ctx)
    for r in outcome.results:
        if r.error:
            warn(r.error)
    for note in outcome.notes:
        warn(note)
    raise typer.Exit(outcome.exit_code)


@app.command("lineage")
def lineage_cmd(
    target: Annotated[str, typer.Argument(help="Hub id, snapshot folder, GGUF file or card")],
    format: FormatOpt = "table",
    offline: OfflineOpt = False,
    output: OutputOpt = None,
) -> None:
    """Draw a model's ancestry with each node's licence."""
    from smallprint.pipeline.check import check_targets

    results = check_targets([target], offline=offline or None, openness=False)
    r = results[0]
    if r.error:
        fail(r.error)
    emit("lineage", format, r, output)
