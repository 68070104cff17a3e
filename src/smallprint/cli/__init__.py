"""The `smallprint` command: one module per command group, each a client of the library only.

Adding a command group (`watch`, `serve`, `audit`, `select`...):

1. write `cli/<group>.py`; decorate its commands with `@app.command("name")` using the
   shared `app` and options from `cli/common.py` (`FormatOpt`, `OutputOpt`, `OfflineOpt`),
   and keep the work in the library: parse options, call one library function, render
   through `emit(subject, format, value, output)` (formats come from
   `smallprint.reports.registry`), map the outcome to an exit code;
2. import the module in the list below (the order is the order `--help` lists them).

A group with sub-commands makes its own `typer.Typer()` and adds it with
`app.add_typer(group_app, name="<group>")`. Errors reach the user as one line through
`smallprint.errors` (raise a `SmallprintError`) and `cli/main.py`; never print a traceback.
"""

from __future__ import annotations

# ruff: noqa: I001  (the import order is the order of the help)
# Command groups, registered on import, in the order `smallprint --help` lists them.
from smallprint.cli import licenses as licenses  # license, explain, diff, licenses
from smallprint.cli import check as check  # check, lineage
from smallprint.cli import openness as openness  # openness
from smallprint.cli import scan as scan  # scan-code
from smallprint.cli import select as select  # select, compare, sustainability, choose
from smallprint.cli import watch as watch  # watch add|list|remove|run|history|diff|hook
from smallprint.cli import serve as serve  # serve, audit-trail
from smallprint.cli import audit as audit  # audit
from smallprint.cli.common import app
from smallprint.cli.main import main

__all__ = ["app", "main"]
