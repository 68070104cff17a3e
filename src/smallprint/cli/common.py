"""What every command group shares: the Typer app, the output options and writers.

A command is a client of the library only: it parses options into library calls, renders
the typed results through `smallprint.reports` and maps the outcome to an exit code
(0 done, 1 a `--fail-on` gate tripped, 2 input errors). Imports of the library are
deferred into each command so `smallprint license FILE` starts fast.
"""

from __future__ import annotations

import shutil
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from smallprint.reports.registry import formats

if TYPE_CHECKING:
    from smallprint.kb import KnowledgeBase
    from smallprint.reports.context import ReportContext

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    help="What you may do with an AI model, with the clause that says so.",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        from smallprint import __version__
        from smallprint.kb import default_kb

        kb = default_kb()
        sys.stdout.write(f"smallprint {__version__} (knowledge base: {len(kb)} licences and policies)\n")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="show the version and exit"),
    ] = False,
) -> None:
    """What you may do with an AI model, with the clause that says so."""


def format_choices(name: str, subject: str) -> Any:
    """The `--format` choices of a subject, from the report registry (a new format needs no CLI change)."""
    return StrEnum(name, {f: f for f in formats(subject)})  # type: ignore[misc]


def format_help(subject: str) -> str:
    names = formats(subject)
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]


if TYPE_CHECKING:
    TextFormat = str
else:
    TextFormat = format_choices("TextFormat", "license")


def unwritable(output: Path, e: OSError, option: str = "--output") -> str:
    """Why an output file cannot be written, in one line naming the option it came from."""
    if output.is_dir():
        return f"{output}: is a directory (give a file name for {option})"
    if not output.parent.is_dir():
        return f"{output}: cannot write: folder {output.parent} does not exist"
    return f"{output}: cannot write ({e.strerror or type(e).__name__})"


def open_output(output: Path, option: str = "--output") -> Any:
    try:
        return output.open("w", encoding="utf-8")
    except OSError as e:
        fail(unwritable(output, e, option))


def encodable(text: str) -> str:
    """Text that UTF-8 can carry: a lone surrogate (from a JSON escape in some input) becomes '?'."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")


def write(text: str, output: Path | None, option: str = "--output") -> None:
    """Text to stdout or the --output file, ending with one newline."""
    text = encodable(text)
    if output is None:
        sys.stdout.write(text)
        if not text.endswith("\n"):
            sys.stdout.write("\n")
    else:
        with open_output(output, option) as f:
            f.write(text if text.endswith("\n") else text + "\n")


def report_context(output: Path | None, kb: KnowledgeBase | None = None, **kw: Any) -> ReportContext:
    """The report context for this command: terminal width and colour only on a terminal."""
    from smallprint.reports.context import ReportContext

    tty = output is None and sys.stdout.isatty()
    width = shutil.get_terminal_size().columns if tty else 160
    return ReportContext.create(kb, width=width, color=tty, **kw)


def emit(subject: str, format: str, value: Any, output: Path | None, ctx: ReportContext | None = None) -> None:
    """Render `value` through the report registry and write it (tables as drawn, text with a final newline)."""
    from smallprint.reports.registry import render

    ctx = ctx or report_context(output)
    text = encodable(render(subject, str(format), value, ctx))
    if str(format) == "table":
        if output is None:
            sys.stdout.write(text)
        else:
            with open_output(output) as f:
                f.write(text)
        return
    write(text, output)


def one_line(message: object) -> str:
    """A message as one line with control characters visible: messages quote input (file
    names, card values), and a newline or an escape sequence in one must not reach stderr raw."""
    import re

    text = " ".join(str(message).split())
    return re.sub(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", lambda m: f"\\x{ord(m.group(0)):02x}", text)


def warn(message: str) -> None:
    """One line on stderr, the way every error and note is shown."""
    sys.stderr.write(f"smallprint: {one_line(message)}\n")


def fail(msg: str, code: int = 2) -> NoReturn:
    warn(msg)
    raise typer.Exit(code)


FormatOpt = Annotated[TextFormat, typer.Option("--format", "-f", help="table, json or md")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="write to this file")]
OfflineOpt = Annotated[
    bool, typer.Option("--offline", help="never call the Hub: cache and bundled catalog only")
]
