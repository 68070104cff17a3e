"""Licence commands: `license` (identify files), `explain`, `diff`, `licenses` (the list)."""

from __future__ import annotations

from typing import Annotated

import typer

from smallprint.cli.common import FormatOpt, OutputOpt, app, emit, fail, warn


@app.command("license")
def license_cmd(
    paths: Annotated[list[str], typer.Argument(help="licence files, or - for standard input")],
    format: FormatOpt = "table",
    output: OutputOpt = None,
) -> None:
    """Identify the licence(s) in files and show their small print with evidence."""
    from smallprint.pipeline.licences import license_results

    results = license_results(paths)
    emit("license", format, results, output)
    errors = [r for r in results if r.error]
    for r in errors:
        warn(str(r.error))
    if errors:
        raise typer.Exit(2)


@app.command("explain")
def explain_cmd(
    license_id: Annotated[str, typer.Argument(help="licence id, Hub tag, SPDX id, name or URL")],
    format: FormatOpt = "table",
    output: OutputOpt = None,
) -> None:
    """Show a known licence's facts and terms, with the clause behind each."""
    from smallprint.pipeline.licences import explain

    emit("explain", format, explain(license_id), output)


@app.command("diff")
def diff_cmd(
    a: Annotated[str, typer.Argument(help="licence id or file (or MODEL@REV / snapshot folder)")],
    b: Annotated[str, typer.Argument(help="licence id or file (or MODEL@REV / snapshot folder)")],
    format: FormatOpt = "table",
    output: OutputOpt = None,
) -> None:
    """Compare two licences: the terms that differ first, then the changed passages.

    Two models (`org/name@REV1 org/name@REV2`, or two snapshot folders): what changed
    between them, as `watch diff` shows it."""
    from smallprint.pipeline.licences import diff
    from smallprint.watch.modeldiff import is_model_side

    if is_model_side(a) and is_model_side(b):
        from smallprint.cli.watch import diff_two_models

        diff_two_models(a, b, str(format), output)
        return
    emit("diff", format, diff(a, b), output)


@app.command("licenses")
def licenses_cmd(
    format: FormatOpt = "table",
    output: OutputOpt = None,
    kind: Annotated[
        str | None,
        typer.Option(help="only this kind: permissive, restricted-model, non-commercial, use-policy, ... "
                     "(see the kind column)"),
    ] = None,
) -> None:
    """List the licences and use policies the knowledge base knows."""
    from smallprint.errors import InputError
    from smallprint.pipeline.licences import list_licenses

    try:
        entries = list_licenses(kind)
    except InputError as e:
        fail(f"--kind: {e}")
    emit("licenses", format, entries, output)
