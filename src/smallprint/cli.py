"""The `smallprint` command: a thin shell over `smallprint.api`.

Imports are deferred into each command so `smallprint license FILE` starts fast.
Exit codes: 0 done, 1 a `--fail-on` gate tripped, 2 input errors.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

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


class TextFormat(StrEnum):
    table = "table"
    json = "json"
    md = "md"


def _unwritable(output: Path, e: OSError) -> str:
    """Why an output file cannot be written, in one line."""
    if output.is_dir():
        return f"{output}: is a directory (give a file name for --output)"
    if not output.parent.is_dir():
        return f"{output}: cannot write: folder {output.parent} does not exist"
    return f"{output}: cannot write ({e.strerror or type(e).__name__})"


def _open_output(output: Path) -> Any:
    try:
        return output.open("w", encoding="utf-8")
    except OSError as e:
        _fail(_unwritable(output, e))


def _console(output: Path | None = None) -> Any:
    from rich.console import Console

    if output is not None:
        return Console(file=_open_output(output), width=160, color_system=None)
    return Console(width=None if sys.stdout.isatty() else 160)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        if not text.endswith("\n"):
            sys.stdout.write("\n")
    else:
        with _open_output(output) as f:
            f.write(text if text.endswith("\n") else text + "\n")


def _fail(msg: str, code: int = 2) -> NoReturn:
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
    output: OutputOpt = None,
    kind: Annotated[
        str | None,
        typer.Option(help="only this kind: permissive, restricted-model, non-commercial, use-policy, ... "
                     "(see the kind column)"),
    ] = None,
) -> None:
    """List the licences and use policies the knowledge base knows."""
    from smallprint.api import entry_summary
    from smallprint.kb import default_kb

    kinds = sorted({e.kind for e in default_kb()})
    if kind is not None and kind not in kinds:
        _fail(f"--kind: unknown kind {kind!r} (expected one of: {', '.join(kinds)})")
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
            output,
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
        _write("\n".join(rows), output)
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
    _console(output).print(t)


class CheckFormat(StrEnum):
    table = "table"
    json = "json"
    md = "md"
    html = "html"
    sarif = "sarif"
    cyclonedx = "cyclonedx"
    spdx = "spdx"


CHECK_SCHEMA = "smallprint/check/1"


def render_check(
    results: list[Any],
    format: CheckFormat,
    output: Path | None,
    references: dict[str, list[Any]] | None = None,
    fallback_uri: str | None = None,
) -> None:
    """Write check results in any of the formats; one report model, many renderers."""
    if format is CheckFormat.json:
        doc = {"schema": CHECK_SCHEMA, "results": [r.to_dict() for r in results]}
        _write(json.dumps(doc, indent=2, ensure_ascii=False), output)
    elif format is CheckFormat.md:
        from smallprint.reports.check_views import render_check_md

        _write(render_check_md(results), output)
    elif format is CheckFormat.html:
        from smallprint.reports.html import render_html

        _write(render_html(results), output)
    elif format is CheckFormat.cyclonedx:
        from smallprint.reports.cyclonedx import render_cyclonedx

        _write(render_cyclonedx(results), output)
    elif format is CheckFormat.spdx:
        from smallprint.reports.spdx3 import build_spdx3

        _write(build_spdx3(results), output)
    elif format is CheckFormat.sarif:
        from smallprint.reports.sarif import to_sarif

        _write(json.dumps(to_sarif(results, references, fallback_uri), indent=2), output)
    else:
        from smallprint.reports.check_views import render_check_table

        render_check_table(results, _console(output))


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
        CheckFormat, typer.Option("--format", "-f", help="table, json, md, html, sarif, cyclonedx or spdx")
    ] = CheckFormat.table,
    output: OutputOpt = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="never call the Hub: cache and bundled catalog only")
    ] = False,
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
) -> None:
    """Check models: the licence that binds them, lineage, openness, findings and (with a
    profile) whether your use is allowed."""
    from smallprint.workflow import CheckRequest, run_check

    req = CheckRequest(
        targets=list(targets or []),
        offline=offline,
        profile=profile,
        preset=use,
        inventory=inventory,
        policy=policy,
        fail_on=fail_on,
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
    render_check(outcome.results, format, output, outcome.references, outcome.fallback_uri)
    for r in outcome.results:
        if r.error:
            sys.stderr.write(f"smallprint: {r.error}\n")
    for note in outcome.notes:
        sys.stderr.write(f"smallprint: {note}\n")
    raise typer.Exit(outcome.exit_code)


@app.command("lineage")
def lineage_cmd(
    target: Annotated[str, typer.Argument(help="Hub id, snapshot folder, GGUF file or card")],
    format: FormatOpt = TextFormat.table,
    offline: Annotated[bool, typer.Option("--offline", help="never call the Hub: cache and bundled catalog only")] = False,
    output: OutputOpt = None,
) -> None:
    """Draw a model's ancestry with each node's licence."""
    from smallprint.check import check_targets

    results = check_targets([target], offline=offline or None, openness=False)
    r = results[0]
    if r.error:
        _fail(r.error)
    if format is TextFormat.json:
        doc = {"schema": "smallprint/lineage/1", "target": r.target, "model_id": r.model_id,
               "lineage": [n.to_dict() for n in r.lineage],
               "findings": [f.to_dict() for f in r.findings]}
        _write(json.dumps(doc, indent=2, ensure_ascii=False), output)
    elif format is TextFormat.md:
        from smallprint.reports.check_views import _md_tree

        _write("\n".join([f"# Lineage of {r.model_id or r.target}", "", *_md_tree(r.lineage)]), output)
    else:
        from smallprint.reports.check_views import _lineage_tree

        tree = _lineage_tree(r.lineage)
        con = _console(output)
        if tree is not None:
            con.print(tree)
        for f in r.findings:
            if f.code in ("license-conflicts-with-base", "naming-requirement", "ancestor-unresolved",
                          "broken-metadata", "noncommercial-data", "lineage-truncated"):
                con.print(f"{f.severity}: {f.code}: {f.message}")


@app.command("openness")
def openness_cmd(
    targets: Annotated[list[str], typer.Argument(help="models, or Model Openness Tool YAML files")],
    mot_compatible: Annotated[
        bool, typer.Option("--mot-compatible", help="reproduce the Model Openness Tool exactly")
    ] = False,
    manifest: Annotated[Path | None, typer.Option("--manifest", help="MOF YAML overriding inferred components")] = None,
    format: FormatOpt = TextFormat.table,
    offline: Annotated[bool, typer.Option("--offline", help="never call the Hub: cache and bundled catalog only")] = False,
    output: OutputOpt = None,
) -> None:
    """How open is it really? OSAID 1.0, Model Openness Framework class, open-washing."""
    from smallprint.openness_cmd import ignored_flag_notes, run_openness

    for note in ignored_flag_notes(targets, mot_compatible=mot_compatible):
        sys.stderr.write(f"smallprint: {note}\n")

    doc, code = run_openness(targets, mot_compatible=mot_compatible, manifest=manifest, offline=offline)
    if format is TextFormat.json:
        _write(json.dumps(doc, indent=2, ensure_ascii=False), output)
    elif format is TextFormat.md:
        from smallprint.reports.openness_views import openness_md

        _write(openness_md(doc), output)
    else:
        from smallprint.reports.openness_views import openness_table

        openness_table(doc, _console(output))
    for r in doc["results"]:
        if r.get("error"):
            sys.stderr.write(f"smallprint: {r['error']}\n")
    raise typer.Exit(code)


@app.command("scan-code")
def scan_code_cmd(
    root: Annotated[Path, typer.Argument(help="code base (directory or file)")],
    format: FormatOpt = TextFormat.table,
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
        from smallprint.profiles import resolve_profile

        resolve_profile(use)  # a mistyped preset fails now, not in the next `check --inventory`
    report = scan_code(root)
    if write_inventory is not None:
        from smallprint.inventory import dump_inventory, inventory_from_scan

        _write(dump_inventory(inventory_from_scan(report, product, use)), write_inventory)
    if format is TextFormat.json:
        _write(json.dumps(report.to_dict(), indent=2, ensure_ascii=False), output)
        return
    models = report.models()
    if format is TextFormat.md:
        lines = [f"# Models used in `{report.root}`", "", "| model | kind | where |", "|---|---|---|"]
        for name, refs in models.items():
            lines.append(f"| `{name}` | {refs[0].kind} | {', '.join(r.location for r in refs[:5])} |")
        if report.unresolved:
            lines += ["", "Unresolved references:", ""]
            lines += [f"- {r.location}: `{r.expression}`" for r in report.unresolved]
        _write("\n".join(lines), output)
        return
    from rich.table import Table

    t = Table(title=f"{len(models)} models in {report.root} ({report.files_scanned} files)", title_justify="left")
    for c in ("model", "kind", "provider", "where"):
        t.add_column(c)
    for name, refs in models.items():
        t.add_row(name, refs[0].kind, refs[0].provider or "", ", ".join(r.location for r in refs[:4]))
    con = _console(output)
    con.print(t)
    for r in report.unresolved:
        con.print(f"unresolved: {r.location}: {r.expression}")


def _register_audit() -> None:
    from smallprint.audit.command import register

    register(app)


_register_audit()


def _usage_error_line(e: Any) -> str:
    """A command-line mistake as one line that still points at the help."""
    ctx = getattr(e, "ctx", None)
    where = ctx.command_path if ctx is not None else "smallprint"
    message = " ".join(e.format_message().split())
    return f"smallprint: {message} (see '{where} --help')"


def _run_app() -> int:
    """Run the commands with click's own error printing off, so usage mistakes are one line."""
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

    try:
        code = app(standalone_mode=False)
    except NoArgsIsHelpError as e:
        e.show()
        return 2
    except UsageError as e:
        sys.stderr.write(_usage_error_line(e) + "\n")
        return 2
    except ClickException as e:
        sys.stderr.write(f"smallprint: {' '.join(e.format_message().split())}\n")
        return e.exit_code
    except typer.Abort:
        sys.stderr.write("smallprint: interrupted\n")
        return 130
    return code if isinstance(code, int) else 0


def main() -> None:
    """Entry point: one-line errors, never a traceback."""
    from smallprint.errors import SmallprintError

    try:
        sys.exit(_run_app())
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
