"""`serve` and `audit-trail`: the review app (flags only; the work is in smallprint.server.commands)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from smallprint.cli.common import app

DEFAULT_MAX_UPLOAD_MB = 50  # smallprint.server.config.DEFAULT_MAX_UPLOAD, without importing the server

DbOpt = Annotated[str | None, typer.Option(
    "--db", help="postgresql://user@host/db for a team, or an SQLite file (default: the embedded store in the data folder)")]
DataOpt = Annotated[Path | None, typer.Option(
    "--data", help="data folder (default: $SMALLPRINT_DATA or the platform's user data folder)")]

audit_app = typer.Typer(help="The review audit trail: verify its hash chain, export it.", no_args_is_help=True)


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="address to listen on (default: loopback only)")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="port")] = 8765,
    db: DbOpt = None,
    data: DataOpt = None,
    offline: Annotated[bool, typer.Option("--offline", help="never call the Hub: cache and bundled catalog only")] = False,
    policy: Annotated[Path | None, typer.Option("--policy", help="organisation policy file for every check")] = None,
    max_upload_mb: Annotated[int, typer.Option("--max-upload-mb", help="largest upload accepted, in MiB")] = DEFAULT_MAX_UPLOAD_MB,
    secure_cookies: Annotated[bool, typer.Option("--secure-cookies", help="mark session cookies Secure (serve behind HTTPS)")] = False,
    create_admin: Annotated[bool, typer.Option(
        "--create-admin", help="create the first admin (name: $SMALLPRINT_ADMIN or 'admin'; password: "
        "$SMALLPRINT_ADMIN_PASSWORD or a prompt) and exit")] = False,
) -> None:
    """Serve the review app: pages for legal and procurement, a JSON API, decisions and an audit trail."""
    from smallprint.server import commands

    if max_upload_mb < 1:
        raise typer.BadParameter("must be at least 1", param_hint="--max-upload-mb")
    cfg = commands.config_for(db, data, offline=offline, policy=policy, max_upload=max_upload_mb * 1024 * 1024,
                              secure_cookies=secure_cookies)
    if create_admin:
        sys.stdout.write(commands.create_admin(cfg) + "\n")
        raise typer.Exit(0)
    commands.serve(cfg, host, port)


@audit_app.command("verify")
def verify_cmd(db: DbOpt = None, data: DataOpt = None) -> None:
    """Recompute the audit trail's hash chain: exit 0 when intact, 1 at the first broken entry."""
    from smallprint.server import commands

    ok, line = commands.verify_trail(db, data)
    (sys.stdout if ok else sys.stderr).write(("" if ok else "smallprint: ") + line + "\n")
    raise typer.Exit(0 if ok else 1)


@audit_app.command("export")
def export_cmd(
    db: DbOpt = None,
    data: DataOpt = None,
    format: Annotated[str, typer.Option("--format", "-f", help="json or csv")] = "json",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write to this file")] = None,
) -> None:
    """Export the whole audit trail (JSON smallprint/audit/1 or CSV)."""
    from smallprint.server import commands

    text = commands.export_trail(db, data, format)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


app.add_typer(audit_app, name="audit-trail")
