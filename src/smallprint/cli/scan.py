"""`smallprint scan-code`: the models a code base uses, with file and line; an inventory from them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from smallprint.cli.common import FormatOpt, OutputOpt, app, emit, warn, write


@app.command("scan-code")
def scan_code_cmd(
    root: Annotated[Path, typer.Argument(help="code base (directory or file)")],
    format: FormatOpt = "table",
    output: OutputOpt = None,
    write_inventory: Annotated[
        Path | None, typer.Option("--write-inventory", help="write an inventory YAML of the models found")
    ] = None,
    product: Annotated[str, typer.Option("--product", help="product name in the inventory")] = "default",
    use: Annotated[str, typer.Option("--use", help="profile preset (or profile YAML) for the inventory")] = "commercial-saas",
) -> None:
    """Find the models a code base uses (file and line), including closed API models."""
    from smallprint.scan import scan_code

    if write_inventory is not None:
        from smallprint.policy.profiles import resolve_profile

        resolve_profile(use)  # a mistyped preset fails now, not in the next `check --inventory`
    report = scan_code(root)
    if write_inventory is not None:
        from smallprint.policy.inventory import dump_inventory, inventory_from_scan

        write(dump_inventory(inventory_from_scan(report, product, use)), write_inventory, "--write-inventory")
    emit("scan", format, report, output)
    if report.truncated:
        warn("the scan stopped early at a limit: the models listed (and any inventory written) are incomplete")
