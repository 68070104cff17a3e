"""The `smallprint` command: a thin shell over `smallprint.api`.

Imports are deferred into each command so `smallprint license FILE` starts fast.
Exit codes: 0 done, 1 a `--fail-on` gate tripped, 2 input errors.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    help="What you may do with an AI model, with the clause that says so.",
    context_settings={"help_option_names": ["-h", "--help"]},
)


class TextFormat(StrEnum):
    table = "table"
    json = "json"
    md = "md"


def _console(output: Path | None = None) -> Any:
    from rich.console import Console

    if output is not None:
        return Console(file=output.open("w", encoding="utf-8"), width=160, color_system=None)
    return Console(width=None if sys.stdout.isatty() else 160)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        if not text.endswith("\n"):
            sys.stdout.write("\n")
    else:
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def _fail(msg: str, code: int = 2) -> None:
    sys.stderr.write(f"smallprint: {msg}\n")
    raise typer.Exit(code)


FormatOpt = Annotated[TextFormat, typer.Option("--format", "-f", help="table, json or md")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="write to this file")]


@app.command("license")
def license_cmd(
    paths: Annotated[list[str], typer.Argument(help="licence files, or - for standard input")],
    format: FormatOpt = TextFormat.table,
    output: OutputOpt = None,
) -> None:
    """Identify the licence(s) in files and show their small print with evidence."""
    from smallprint.api import license_document, license_results

    results = license_results(paths)
    if format is TextFormat.json:
        _write(json.dumps(license_document(results), indent=2, ensure_ascii=False), output)
    elif format is TextFormat.md:
        from smallprint.reports.license_views import render_license_md

        _write(render_license_md(results), output)
    else:
        from smallprint.reports.license_views import render_license_table

        render_license_table(results, _console(output))
    errors = [r for r in results if r.error]
    for r in errors:
        sys.stderr.write(f"smallprint: {r.error}\n")
    if errors:
        raise typer.Exit(2)


@app.command("explain")
def explain_cmd(
    license_id: Annotated[str, typer.Argument(help="licence id, Hub tag, SPDX id, name or URL")],
    format: FormatOpt = TextFormat.table,
    output: OutputOpt = None,
) -> None:
    """Show a known licence's facts and terms, with the clause behind each."""
    from smallprint.api import explain

    ex = explain(license_id)
    doc = ex.to_dict()
    if format is TextFormat.json:
        _write(json.dumps(doc, indent=2, ensure_ascii=False), output)
    elif format is TextFormat.md:
        from smallprint.reports.license_views import explain_markdown

        _write(explain_markdown(doc, ex.terms), output)
    else:
        from smallprint.reports.license_views import explain_group

        _console(output).print(explain_group(doc, ex.terms))


@app.command("diff")
def diff_cmd(
    a: Annotated[str, typer.Argument(help="licence id or file")],
    b: Annotated[str, typer.Argument(help="licence id or file")],
    format: FormatOpt = TextFormat.table,
    output: OutputOpt = None,
) -> None:
    """Compare two licences: the terms that differ first, then the changed passages."""
    from smallprint.api import diff

    d = diff(a, b)
    if format is TextFormat.json:
        _write(json.dumps(d.to_dict(), indent=2, ensure_ascii=False), output)
        return
    from smallprint.reports.diff_views import render_diff_md, render_diff_table

    if format is TextFormat.md:
        _write(render_diff_md(d), output)
    else:
        render_diff_table(d, _console(output))


@app.command("licenses")
def licenses_cmd(
    format: FormatOpt = TextFormat.table,
    kind: Annotated[str | None, typer.Option(help="only this kind")] = None,
) -> None:
    """List the licences and use policies the knowledge base knows."""
    from smallprint.api import entry_summary
    from smallprint.kb import default_kb

    entries = [e for e in default_kb() if kind is None or e.kind == kind]
    entries.sort(key=lambda e: (e.family, e.id))
    if format is TextFormat.json:
        _write(
            json.dumps(
                {
                    "schema": "smallprint/licenses/1",
                    "licenses": [entry_summary(e) for e in entries],
                },
                indent=2,
            ),
            None,
        )
        return
    if format is TextFormat.md:
        rows = [
            "| id | name | version | kind | SPDX | Hub tag | text |",
            "|---|---|---|---|---|---|---|",
        ]
        for e in entries:
            rows.append(
                f"| `{e.id}` | {e.name} | {e.version or ''} | {e.kind} | {e.spdx_id or ''} | "
                f"{e.hub_id or ''} | {'yes' if e.text.present else 'no'} |"
            )
        _write("\n".join(rows), None)
        return
    from rich.table import Table

    t = Table(title=f"{len(entries)} licences", title_justify="left")
    for c in ("id", "name", "version", "kind", "SPDX", "Hub tag", "text"):
        t.add_column(c)
    for e in entries:
        t.add_row(
            e.id,
            e.name,
            e.version or "",
            e.kind,
            e.spdx_id or "",
            e.hub_id or "",
            "yes" if e.text.present else "no",
        )
    _console().print(t)


def main() -> None:
    """Entry point: one-line errors, never a traceback."""
    from smallprint.errors import SmallprintError

    try:
        app()
    except SmallprintError as e:
        sys.stderr.write(f"smallprint: {e}\n")
        sys.exit(2)
    except KeyboardInterrupt:
        sys.stderr.write("smallprint: interrupted\n")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except RecursionError:
        sys.stderr.write("smallprint: input too deeply nested\n")
        sys.exit(2)
    except MemoryError:
        sys.stderr.write("smallprint: out of memory on this input\n")
        sys.exit(2)
    except Exception as e:  # a bug: still one line; SMALLPRINT_DEBUG=1 shows the traceback
        import os

        if os.environ.get("SMALLPRINT_DEBUG"):
            raise
        sys.stderr.write(f"smallprint: internal error: {type(e).__name__}: {e}\n")
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
