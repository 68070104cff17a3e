"""Choosing across models: `select`, `compare`, `sustainability` and `choose` (smallprint.selection).

Flags in, one library call, one rendering out through the report registry."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

import smallprint.selection.formats  # noqa: F401  (registers the formats before the choices below)
from smallprint.cli.common import (
    OfflineOpt,
    OutputOpt,
    app,
    emit,
    fail,
    format_choices,
    format_help,
    warn,
)

if TYPE_CHECKING:
    SelectFormat = str
    CompareFormat = str
    SustainabilityFormat = str
    ChooseFormat = str
else:
    SelectFormat = format_choices("SelectFormat", "select")
    CompareFormat = format_choices("CompareFormat", "compare")
    SustainabilityFormat = format_choices("SustainabilityFormat", "sustainability")
    ChooseFormat = format_choices("ChooseFormat", "choose")


class Goal(StrEnum):
    permissive = "permissive"
    share_alike = "share-alike"
    responsible_use = "responsible-use"
    non_commercial = "non-commercial"

UseOpt = Annotated[str | None, typer.Option("--use", help="built-in use profile: internal-research, commercial-saas, "
                                            "on-prem-product, redistribute-finetune, distill-own-model")]
ProfileOpt = Annotated[str | None, typer.Option("--profile", "-p", help="use profile YAML file (or a preset name)")]
CommercialOpt = Annotated[bool | None, typer.Option("--commercial/--non-commercial", help="commercial use or not")]
UsersOpt = Annotated[int | None, typer.Option("--users", help="monthly active users")]
RevenueOpt = Annotated[int | None, typer.Option("--revenue", help="annual revenue in USD")]
RegionOpt = Annotated[list[str] | None, typer.Option("--region", help="where it is used (EU, US, ...); repeatable")]
ActivityOpt = Annotated[list[str] | None, typer.Option("--activity", help="inference, fine-tune, distill, synthetic-data, "
                                                       "redistribute-weights, merge, quantize; repeatable")]
FieldOpt = Annotated[list[str] | None, typer.Option("--field", help="field of use (medical, military, ...); repeatable")]
DeploymentOpt = Annotated[list[str] | None, typer.Option("--deployment", help="internal, saas, on-prem or distribution; repeatable")]


def _overrides(**kw: Any) -> dict[str, Any]:
    return {k: v for k, v in kw.items() if v not in (None, [])}


def _today() -> Any:
    from smallprint.reports.clock import report_time

    return report_time().date()


@app.command("select")
def select_cmd(
    use: UseOpt = None,
    profile: ProfileOpt = None,
    task: Annotated[str | None, typer.Option("--task", help="Hub task tag (pipeline tag): text-generation, ...")] = None,
    modality: Annotated[str | None, typer.Option("--modality", help="text, vision-language, embedding, image, speech, ...")] = None,
    params: Annotated[str | None, typer.Option("--params", help="parameter range MIN..MAX: 1B..8B, ..3B, 70B..")] = None,
    open_weights_only: Annotated[bool, typer.Option("--open-weights-only", help="leave out closed API models")] = False,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="show the first N selected models")] = None,
    search: Annotated[str | None, typer.Option("--search", help="online: words for the Hub search")] = None,
    hub_limit: Annotated[int, typer.Option("--hub-limit", min=0, max=1000, help="online: how many Hub results to add")] = 50,
    policy: Annotated[Path | None, typer.Option("--policy", help="organisation policy file")] = None,
    offline: OfflineOpt = False,
    format: Annotated[SelectFormat, typer.Option("--format", "-f", help=format_help("select"))] = "table",
    output: OutputOpt = None,
    commercial: CommercialOpt = None,
    users: UsersOpt = None,
    revenue: RevenueOpt = None,
    region: RegionOpt = None,
    activity: ActivityOpt = None,
    field_of_use: FieldOpt = None,
    deployment: DeploymentOpt = None,
) -> None:
    """Every catalog model, open or closed (online: plus a Hub search), that a use profile allows,
    ranked; and the clause that leaves out each of the others."""
    from smallprint.policy.profiles import apply_overrides, resolve_profile
    from smallprint.selection.filters import Filters, parse_params
    from smallprint.selection.select import select

    if use is None and profile is None:
        fail("select needs a use profile: --use PRESET or --profile FILE")
    prof = apply_overrides(resolve_profile(profile or use or ""), _overrides(
        commercial=commercial, monthly_active_users=users, annual_revenue_usd=revenue, regions=region,
        activities=activity, fields=field_of_use, deployment=deployment))
    pol = None
    if policy is not None:
        from smallprint.policy.file import load_policy

        pol = load_policy(policy)
    low, high = parse_params(params)
    filters = Filters(task=task, modality=modality, params_min=low, params_max=high, open_weights_only=open_weights_only)
    s = select(prof, filters, offline=offline, policy=pol, limit=limit, hub_limit=hub_limit, search=search, today=_today())
    emit("select", format, s, output)


@app.command("compare")
def compare_cmd(
    targets: Annotated[list[str], typer.Argument(help="models: Hub ids, closed API names, folders, cards")],
    use: UseOpt = None,
    profile: ProfileOpt = None,
    offline: OfflineOpt = False,
    format: Annotated[CompareFormat, typer.Option("--format", "-f", help=format_help("compare"))] = "table",
    output: OutputOpt = None,
    commercial: CommercialOpt = None,
    users: UsersOpt = None,
    revenue: RevenueOpt = None,
    region: RegionOpt = None,
    activity: ActivityOpt = None,
    field_of_use: FieldOpt = None,
    deployment: DeploymentOpt = None,
) -> None:
    """Models side by side, open and closed: licence, thresholds, duties, regions, fields of use,
    lineage roots, openness, sustainability and the verdict under a profile."""
    from smallprint.selection.compare import compare

    c = compare(targets, profile=profile, preset=use, offline=offline, today=_today(), overrides=_overrides(
        commercial=commercial, monthly_active_users=users, annual_revenue_usd=revenue, regions=region,
        activities=activity, fields=field_of_use, deployment=deployment))
    emit("compare", format, c, output)
    errors = [col for col in c.columns if col.error]
    for col in errors:
        warn(col.error or "")
    if errors:
        raise typer.Exit(2)


@app.command("sustainability")
def sustainability_cmd(
    target: Annotated[str, typer.Argument(help="a catalog family (llama, qwen, ...) or a model")],
    offline: OfflineOpt = False,
    format: Annotated[SustainabilityFormat, typer.Option("--format", "-f", help=format_help("sustainability"))] = "table",
    output: OutputOpt = None,
) -> None:
    """Who keeps a model alive: backer, funding and revenue model, release cadence, licence churn,
    derivatives and maintenance signals, each fact with its source and date."""
    from smallprint.selection.sustainability import sustainability

    emit("sustainability", format, sustainability(target, offline=offline, today=_today()), output)


@app.command("choose")
def choose_cmd(
    target: Annotated[str, typer.Argument(help="the model you are about to publish: a snapshot folder or its card")] = ".",
    goal: Annotated[Goal, typer.Option("--goal", help="permissive, share-alike, responsible-use or non-commercial")] = Goal.permissive,
    offline: OfflineOpt = False,
    format: Annotated[ChooseFormat, typer.Option("--format", "-f", help=format_help("choose"))] = "table",
    output: OutputOpt = None,
) -> None:
    """Which established licence your release may take (and may not), with the clause behind each;
    a custom licence finding; an OSAID release checklist with the MOF class it would reach."""
    from smallprint.selection.choose import choose

    emit("choose", format, choose(target, goal=goal.value, offline=offline), output)
