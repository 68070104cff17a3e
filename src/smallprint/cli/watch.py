"""`smallprint watch ...`: the command group (a thin shell over `smallprint.watch`), and the
model comparison of `smallprint diff MODEL@REV1 MODEL@REV2`."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from smallprint.cli.common import app as _root_app

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    help="Remember what every model you use says, and alert when it changes.",
    context_settings={"help_option_names": ["-h", "--help"]},
)

_root_app.add_typer(app, name="watch")

SECRET_ENV = "SMALLPRINT_WEBHOOK_SECRET"
EXIT_CHANGED = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130


class Format(StrEnum):
    table = "table"
    json = "json"
    md = "md"
    html = "html"


DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="store URL or SQLite file (default: $SMALLPRINT_DB, else a file in the user data folder)"),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table | json (smallprint/watch/1) | md | html")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="write the report to this file")]


def _fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    sys.stderr.write(f"error: {' '.join(message.split())}\n")
    raise typer.Exit(code)


def _open(db: str | None, *, create: bool) -> Any:
    from smallprint.store import open_store

    return open_store(db, create=create)


class _Guard:
    """Every failure of a watch command is one line on stderr: bad input, a broken or missing
    store, PostgreSQL down (also mid-run), an interrupt."""

    def __init__(self, db: str | None):
        self.db = db

    def __enter__(self) -> _Guard:
        return self

    def __exit__(self, et: Any, e: Any, tb: Any) -> None:
        if e is None or isinstance(e, typer.Exit | typer.Abort | SystemExit):
            return
        from sqlalchemy import exc as sa_exc

        from smallprint.errors import SmallprintError
        from smallprint.store.engine import describe_db_error, resolve_url

        if isinstance(e, KeyboardInterrupt):
            sys.stderr.write("interrupted: the snapshots recorded so far are kept; the run is marked interrupted\n")
            raise typer.Exit(EXIT_INTERRUPTED)
        if isinstance(e, SmallprintError):
            _fail(str(e))
        if isinstance(e, sa_exc.DBAPIError):
            try:
                url = resolve_url(self.db)
            except SmallprintError:
                url = "sqlite://"
            _fail(describe_db_error(url, e))
        if isinstance(e, sa_exc.SQLAlchemyError | OSError):
            _fail(f"store: {str(e).splitlines()[0] if str(e) else type(e).__name__}")


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as e:
        _fail(f"{output}: cannot write ({e.strerror or e})")


def _console(output: Path | None) -> Any:
    from rich.console import Console

    if output is None:
        return Console(width=None if sys.stdout.isatty() else 160)
    try:
        return Console(file=output.open("w", encoding="utf-8"), width=160, color_system=None)
    except OSError as e:
        _fail(f"{output}: cannot write ({e.strerror or e})")


# --- add / list / remove ------------------------------------------------------------------


@app.command("add")
def add_cmd(
    targets: Annotated[list[str] | None, typer.Argument(help="Hub ids (org/name), folders, files or API model names")] = None,
    inventory: Annotated[Path | None, typer.Option(help="watch every model of an inventory, under its product's profile")] = None,
    profile: Annotated[list[str] | None, typer.Option("--profile", "-p", help="preset or profile file; repeat for several (default commercial-saas)")] = None,
    db: DbOpt = None,
) -> None:
    """Watch models: each `watch run` then records what they say and what changed."""
    from smallprint.watch.ledger import add_watches
    from smallprint.watch.runner import profile_entry

    with _Guard(db):
        specs = _specs(targets or [], inventory, profile or [], profile_entry)
        if not specs:
            _fail("give models to watch (TARGET...) or --inventory FILE")
        from smallprint.store.engine import resolve_url, sqlite_path

        path = sqlite_path(resolve_url(db))
        new_file = path is not None and not path.exists()
        store = _open(db, create=True)
        try:
            done = add_watches(store, specs)
        finally:
            store.close()
        if new_file:
            sys.stderr.write(f"created a new store: {path}\n")
        for target, what in done:
            sys.stdout.write(f"{what}: {target}\n")


def _specs(targets: list[str], inventory: Path | None, profiles: list[str], entry: Any) -> list[Any]:
    from smallprint.errors import InputError
    from smallprint.sources.card_facts import HUB_ID
    from smallprint.watch.ledger import WatchSpec, normalise_target

    prof = [entry(p) for p in profiles]
    specs: list[WatchSpec] = []
    for t in targets:
        if not t.strip():
            raise InputError("an empty model name cannot be watched")
        p = Path(t).expanduser()
        if p.exists():
            specs.append(WatchSpec(normalise_target(t), "path", prof))
        elif HUB_ID.match(t.partition("@")[0]) and not t.startswith((".", "/", "~")):
            specs.append(WatchSpec(t.strip(), "hub", prof))
        elif "/" in t or t.startswith((".", "~")):
            raise InputError(f"{t}: no such file or directory, and not a Hub model id (org/name)")
        else:
            specs.append(WatchSpec(t.strip(), "other", prof))
    if inventory is not None:
        from smallprint.policy.inventory import load_inventory

        inv = load_inventory(inventory)
        for m in inv.models:
            own = prof or [{"label": f"{m.product}:{m.profile.name}", "profile": m.profile.to_dict()}]
            kind = "path" if Path(m.id).exists() else ("hub" if HUB_ID.match(m.id.partition("@")[0]) else "other")
            target = normalise_target(m.id) if kind == "path" else m.id
            specs.append(WatchSpec(target, kind, own, str(inventory.resolve()), m.product))
    return specs


@app.command("list")
def list_cmd(db: DbOpt = None, format: FormatOpt = Format.table, output: OutputOpt = None) -> None:
    """The watched models, their profiles and when they were last checked."""
    from smallprint.watch.ledger import list_watches

    with _Guard(db):
        store = _open(db, create=False)
        try:
            rows = list_watches(store)
        finally:
            store.close()
        data: list[dict[str, Any]] = [
            {
                "target": w.target,
                "kind": w.kind,
                "profiles": [p.get("label") for p in w.profiles or []] or ["commercial-saas"],
                "product": w.product,
                "inventory": w.inventory,
                "added_at": w.added_at.isoformat(),
                "last_checked_at": w.last_checked_at.isoformat() if w.last_checked_at else None,
                "validator": w.etag,
            }
            for w in rows
        ]
        if format is Format.json:
            from smallprint.watch.report import dumps

            _emit(dumps({"schema": "smallprint/watch/1", "watches": data}), output)
            return
        if format in (Format.md, Format.html):
            lines = ["| model | kind | profiles | last checked |", "|---|---|---|---|"]
            lines += [f"| `{d['target']}` | {d['kind']} | {', '.join(d['profiles'])} | {d['last_checked_at'] or 'never'} |" for d in data]
            _emit("\n".join(lines) if data else "Nothing is watched.", output)
            return
        from rich.markup import escape
        from rich.table import Table

        console = _console(output)
        if not data:
            console.print("Nothing is watched (smallprint watch add TARGET...).")
            return
        t = Table(title=f"Watched models ({len(data)})", title_justify="left")
        for col in ("model", "kind", "profiles", "last checked"):
            t.add_column(col)
        for d in data:
            t.add_row(escape(d["target"]), d["kind"], escape(", ".join(d["profiles"])), d["last_checked_at"] or "never")
        console.print(t)


@app.command("remove")
def remove_cmd(targets: Annotated[list[str], typer.Argument(help="watched models to stop watching")], db: DbOpt = None) -> None:
    """Stop watching models (their history is kept)."""
    from smallprint.watch.ledger import remove_watches

    with _Guard(db):
        store = _open(db, create=False)
        try:
            removed, unknown = remove_watches(store, targets)
        finally:
            store.close()
        for t in removed:
            sys.stdout.write(f"removed: {t}\n")
        if unknown:
            _fail(f"not watched: {', '.join(unknown)}")


# --- run / hook -----------------------------------------------------------------------


def _progress_hook(enabled: bool | None, total_hint: int = 0) -> Any:
    """A progress bar on stderr for long runs (auto: when stderr is a terminal)."""
    if enabled is False or (enabled is None and not sys.stderr.isatty()):
        return None, None
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    progress = Progress(
        TextColumn("watch run"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), TextColumn("{task.description}"),
        console=Console(stderr=True, force_terminal=enabled is True or None), transient=enabled is None,
    )
    task = progress.add_task("", total=total_hint or None)

    def hook(done: int, total: int, current: str) -> None:
        if not progress.live.is_started:
            progress.start()
        progress.update(task, completed=done, total=total, description=current[-60:])

    return progress, hook


def _run_and_report(
    *, db: str | None, offline: bool, only: list[str] | None, policy: Path | None, wait: float,
    format: Format, output: Path | None, fail_on_change: bool, webhook: str | None, webhook_secret: str | None,
    progress: bool | None, note: str | None = None,
) -> None:
    from smallprint.watch.runner import run_watch

    pol = None
    if policy is not None:
        from smallprint.policy.file import load_policy

        pol = load_policy(policy)
    store = _open(db, create=False)
    bar, hook = _progress_hook(progress)
    try:
        from smallprint.store.engine import translate_errors

        with translate_errors(store.url):
            report = run_watch(store, offline=offline, only=only, policy=pol, wait_s=wait, progress=hook, note=note)
            store.check_present()
    finally:
        if bar is not None:
            bar.stop()
        store.close()
    _render_run(report, format, output)
    code = 0
    errors = [m for m in report.models if m.status in ("error", "not-checked")]
    for m in errors:
        sys.stderr.write(f"error: {m.target}: {' '.join(str(m.error).split())}\n")
    if webhook and report.alerting():
        from smallprint.watch.webhook import post

        secret = webhook_secret or os.environ.get(SECRET_ENV)
        if not secret:
            sys.stderr.write(f"warning: the webhook is not signed (set --webhook-secret or {SECRET_ENV})\n")
        post(webhook, report.to_dict(), secret=secret)
    if errors:
        code = EXIT_ERROR
    elif fail_on_change and report.alerting():
        sys.stderr.write(f"changed: {len(report.alerting())} change(s) since the last run (--fail-on-change)\n")
        code = EXIT_CHANGED
    if code:
        raise typer.Exit(code)


def _render_run(report: Any, format: Format, output: Path | None) -> None:
    from smallprint.watch import report as rep

    if not report.models:
        report.notes.append("nothing is watched yet: smallprint watch add TARGET... (or --inventory FILE)")
    d = report.to_dict()["run"]
    head = (f"run {d['id']} ({d['status']}): {d['models']} models, {d['unchanged']} unchanged, "
            f"{len(report.alerting())} change(s), {d['errors']} error(s), {d['hub_requests']} Hub requests; "
            f"knowledge base {d['kb_version']}")
    if format is Format.json:
        _emit(rep.dumps(report.to_dict()), output)
    elif format is Format.md:
        _emit(rep.changes_md(report.changes, title="smallprint watch digest", lines=[head, *report.notes]), output)
    elif format is Format.html:
        _emit(rep.changes_html(report.changes, title="smallprint watch digest", lines=[head, *report.notes]), output)
    else:
        console = _console(output)
        console.print(head, markup=False)
        for n in report.notes:
            console.print(n, markup=False)
        rep.print_changes(report.changes, console)


@app.command("run")
def run_cmd(
    offline: Annotated[bool, typer.Option("--offline", help="no network: the Hub cache and the bundled catalog only")] = False,
    only: Annotated[list[str] | None, typer.Option("--only", help="run for these watched models only")] = None,
    fail_on_change: Annotated[bool, typer.Option("--fail-on-change", help="exit 1 when anything changed since the last run")] = False,
    webhook: Annotated[str | None, typer.Option("--webhook", help="POST the JSON report here when something changed")] = None,
    webhook_secret: Annotated[str | None, typer.Option("--webhook-secret", help=f"HMAC-SHA256 key (or ${SECRET_ENV})")] = None,
    wait: Annotated[float, typer.Option("--wait", help="seconds to wait for another run to finish (default: fail at once)")] = 0.0,
    policy: Annotated[Path | None, typer.Option("--policy", help="organisation policy file for the verdicts")] = None,
    progress: Annotated[bool | None, typer.Option("--progress/--no-progress", help="progress bar on stderr (default: when stderr is a terminal)")] = None,
    db: DbOpt = None,
    format: FormatOpt = Format.table,
    output: OutputOpt = None,
) -> None:
    """Check every watched model; record a snapshot each; report what changed."""
    with _Guard(db):
        _run_and_report(db=db, offline=offline, only=only, policy=policy, wait=wait, format=format, output=output,
                        fail_on_change=fail_on_change, webhook=webhook, webhook_secret=webhook_secret, progress=progress)


@app.command("hook")
def hook_cmd(
    payload: Annotated[str, typer.Argument(help="a Hub webhook payload (JSON file, or - for stdin)")],
    secret: Annotated[str | None, typer.Option("--secret", help="the Hub webhook secret; checked against --received-secret")] = None,
    received_secret: Annotated[str | None, typer.Option("--received-secret", help="the X-Webhook-Secret header the Hub sent")] = None,
    fail_on_change: Annotated[bool, typer.Option("--fail-on-change")] = False,
    webhook: Annotated[str | None, typer.Option("--webhook")] = None,
    webhook_secret: Annotated[str | None, typer.Option("--webhook-secret")] = None,
    wait: Annotated[float, typer.Option("--wait")] = 30.0,
    db: DbOpt = None,
    format: FormatOpt = Format.table,
    output: OutputOpt = None,
) -> None:
    """Run the watch for the repository a Hub webhook (repo content update) names."""
    import hmac

    from smallprint.watch.webhook import hub_repo_from_payload, read_payload

    with _Guard(db):
        if secret is not None and not hmac.compare_digest(secret, received_secret or ""):
            _fail("Hub webhook: the secret does not match; ignored")
        raw = sys.stdin.buffer.read() if payload == "-" else _read(payload)
        repo, detail = hub_repo_from_payload(read_payload(raw))
        if repo is None:
            sys.stdout.write(f"{detail}\n")
            return
        _run_and_report(db=db, offline=False, only=[repo], policy=None, wait=wait, format=format, output=output,
                        fail_on_change=fail_on_change, webhook=webhook, webhook_secret=webhook_secret, progress=False,
                        note=f"Hub webhook for {repo}" + (f" at {detail[:12]}" if detail else ""))


def _read(path: str) -> bytes:
    from smallprint.errors import InputError

    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from None
    if len(data) > 5 * 1024 * 1024:
        raise InputError(f"{path}: too large for a webhook payload")
    return data


# --- history / diff -------------------------------------------------------------------


@app.command("history")
def history_cmd(
    model: Annotated[str, typer.Argument(help="a watched model (as added)")],
    limit: Annotated[int, typer.Option(help="the last N snapshots")] = 50,
    db: DbOpt = None,
    format: FormatOpt = Format.table,
    output: OutputOpt = None,
) -> None:
    """Every snapshot of a model, oldest first, with what changed at each."""
    from smallprint.watch import ledger
    from smallprint.watch.changes import compare
    from smallprint.watch.runner import _view

    with _Guard(db):
        store = _open(db, create=False)
        try:
            with store.session() as s:
                target = ledger.find_target(s, model)
                if target is None:
                    _fail(f"{model}: not watched and no history in {store.display}")
                rows = [_view(s, r) for r in ledger.history(s, target, limit + 1)]
            text_of = ledger.text_of(store)
            entries: list[dict[str, Any]] = []
            prev: Any = None
            for i, v in enumerate(rows):
                assert v is not None
                changes: list[Any] = compare(prev, v, text_of) if prev is not None else []
                if v.status != "error":
                    prev = v
                if i == 0 and len(rows) > limit:
                    continue
                b = v.body
                entries.append({
                    "snapshot": v.snapshot_id, "run": v.run_id, "taken_at": v.taken_at.isoformat() if v.taken_at else None,
                    "status": v.status, "revision": v.revision, "kb_version": v.kb_version,
                    "licenses": [x.get("id") for x in b.get("licenses") or []],
                    "verdicts": {k: (x or {}).get("verdict") for k, x in (b.get("verdicts") or {}).items()},
                    "gated": b.get("gated"), "error": v.error,
                    "changes": [c.to_dict() for c in changes],
                })
        finally:
            store.close()
        _render_history(target, entries, format, output)


def _render_history(target: str, entries: list[dict[str, Any]], format: Format, output: Path | None) -> None:
    from smallprint.watch import report as rep

    if format is Format.json:
        _emit(rep.dumps({"schema": "smallprint/watch/1", "target": target, "history": entries}), output)
        return
    if format in (Format.md, Format.html):
        lines = [f"# History of `{target}`", "", "| snapshot | time | status | revision | licences | verdicts | changes |", "|---|---|---|---|---|---|---|"]
        for e in entries:
            lines.append(
                f"| #{e['snapshot']} | {e['taken_at']} | {e['status']} | {(e['revision'] or '')[:12]} | "
                f"{', '.join(map(str, e['licenses']))} | {', '.join(f'{k}: {v}' for k, v in e['verdicts'].items())} | "
                f"{'; '.join(c['code'] for c in e['changes']) or '-'} |"
            )
        text = "\n".join(lines) + "\n"
        if format is Format.html:
            import html

            text = f"<!doctype html><meta charset='utf-8'><pre>{html.escape(text)}</pre>\n"
        _emit(text, output)
        return
    from rich.markup import escape
    from rich.table import Table

    console = _console(output)
    t = Table(title=f"History of {target}", title_justify="left", expand=True)
    for col in ("snapshot", "time (UTC)", "status", "revision", "licences", "verdicts", "changes"):
        t.add_column(col)
    for e in entries:
        t.add_row(
            f"#{e['snapshot']}", (e["taken_at"] or "")[:19].replace("T", " "), e["status"], (e["revision"] or "")[:12],
            escape(", ".join(map(str, e["licenses"]))), escape(", ".join(f"{k}: {v}" for k, v in e["verdicts"].items())),
            escape("; ".join(c["message"] for c in e["changes"]) or ("" if e["status"] == "ok" else str(e["error"] or ""))),
        )
    console.print(t)


def _pick(views: list[Any], spec: str | None, default_index: int, what: str) -> Any:
    """A snapshot by DATE (the last one taken by then), REV (commit prefix) or #ID."""
    from smallprint.errors import InputError

    if spec is None:
        return views[default_index]
    s = spec.strip()
    if s.startswith("#") and s[1:].isdigit():
        found = [v for v in views if v.snapshot_id == int(s[1:])]
        if not found:
            raise InputError(f"{what} {spec}: no such snapshot of this model")
        return found[0]
    when = _parse_when(s)
    if when is not None:
        found = [v for v in views if v.taken_at is not None and v.taken_at <= when]
        if not found:
            raise InputError(f"{what} {spec}: no snapshot taken by then (the first is {views[0].taken_at:%Y-%m-%d %H:%M})")
        return found[-1]
    found = [v for v in views if v.revision and v.revision.lower().startswith(s.lower())]
    if not found:
        raise InputError(f"{what} {spec}: neither a date (YYYY-MM-DD[THH:MM]), a #snapshot nor a recorded revision")
    return found[-1]


def _parse_when(s: str) -> datetime | None:
    try:
        if len(s) == 10:
            d = datetime.strptime(s, "%Y-%m-%d")
            return datetime.combine(d.date(), time.max, UTC)
        dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


@app.command("diff")
def diff_cmd(
    model: Annotated[str, typer.Argument(help="a watched model")],
    from_: Annotated[str | None, typer.Option("--from", help="DATE, REV or #SNAPSHOT (default: the previous different snapshot)")] = None,
    to: Annotated[str | None, typer.Option("--to", help="DATE, REV or #SNAPSHOT (default: the latest)")] = None,
    db: DbOpt = None,
    format: FormatOpt = Format.table,
    output: OutputOpt = None,
) -> None:
    """What changed for a model between two snapshots."""
    from smallprint.errors import InputError
    from smallprint.watch import ledger
    from smallprint.watch.changes import compare
    from smallprint.watch.runner import _view

    with _Guard(db):
        store = _open(db, create=False)
        try:
            with store.session() as s:
                target = ledger.find_target(s, model)
                if target is None:
                    raise InputError(f"{model}: not watched and no history in {store.display}")
                views = [v for v in (_view(s, r) for r in ledger.history(s, target)) if v is not None and v.status != "error"]
            if not views:
                raise InputError(f"{model}: no snapshot yet (run `smallprint watch run`)")
            after = _pick(views, to, -1, "--to")
            if from_ is None:
                earlier = [v for v in views if (v.snapshot_id or 0) < (after.snapshot_id or 0)]
                differ = [v for v in earlier if v.body != after.body or v.status != after.status]
                before = differ[-1] if differ else (earlier[-1] if earlier else after)
            else:
                before = _pick(views, from_, 0, "--from")
            changes = compare(before, after, ledger.text_of(store))
        finally:
            store.close()
        _render_diff(target, before, after, changes, format, output)


def _render_diff(target: str, before: Any, after: Any, changes: list[Any], format: Format, output: Path | None) -> None:
    from smallprint.watch import report as rep

    head = f"{target}: {before.label} -> {after.label}"
    if format is Format.json:
        _emit(rep.dumps({
            "schema": "smallprint/watch/1", "target": target,
            "from": {"snapshot": before.snapshot_id, "revision": before.revision, "taken_at": before.taken_at},
            "to": {"snapshot": after.snapshot_id, "revision": after.revision, "taken_at": after.taken_at},
            "changes": [c.to_dict() for c in changes],
        }), output)
    elif format is Format.md:
        _emit(rep.changes_md(changes, title=f"What changed: {target}", lines=[head]), output)
    elif format is Format.html:
        _emit(rep.changes_html(changes, title=f"What changed: {target}", lines=[head]), output)
    else:
        console = _console(output)
        console.print(head, markup=False)
        rep.print_changes(changes, console)


__all__ = ["app", "diff_two_models"]
_ = timedelta


def diff_two_models(a: str, b: str, format: str, output: Path | None) -> None:
    """`smallprint diff MODEL@REV1 MODEL@REV2` (or two snapshot folders)."""
    from smallprint.watch import report as rep
    from smallprint.watch.modeldiff import diff_document, diff_models

    va, vb, changes = diff_models(a, b)
    if format == "json":
        _emit(rep.dumps(diff_document(a, b, va, vb, changes)), output)
        return
    head = f"{a} ({(va.revision or 'local')[:12]}) -> {b} ({(vb.revision or 'local')[:12]})"
    if format == "md":
        _emit(rep.changes_md(changes, title=f"What changed: {va.target}", lines=[head]), output)
        return
    console = _console(output)
    console.print(head, markup=False)
    rep.print_changes(changes, console)
