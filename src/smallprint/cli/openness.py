"""`smallprint openness`: OSAID 1.0, Model Openness Framework class, open-washing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from smallprint.cli.common import FormatOpt, OfflineOpt, OutputOpt, app, emit, warn


@app.command("openness")
def openness_cmd(
    targets: Annotated[list[str], typer.Argument(help="models, or Model Openness Tool YAML files")],
    mot_compatible: Annotated[
        bool, typer.Option("--mot-compatible", help="reproduce the Model Openness Tool exactly")
    ] = False,
    manifest: Annotated[Path | None, typer.Option("--manifest", help="MOF YAML overriding inferred components")] = None,
    format: FormatOpt = "table",
    offline: OfflineOpt = False,
    output: OutputOpt = None,
) -> None:
    """How open is it really? OSAID 1.0, Model Openness Framework class, open-washing."""
    from smallprint.pipeline.openness import ignored_flag_notes, run_openness

    for note in ignored_flag_notes(targets, mot_compatible=mot_compatible):
        warn(note)

    doc, code = run_openness(targets, mot_compatible=mot_compatible, manifest=manifest, offline=offline)
    emit("openness", format, doc["results"], output)
    for r in doc["results"]:
        if r.get("error"):
            warn(r["error"])
    raise typer.Exit(code)
