"""The entry point: run the commands with one-line errors, never a traceback.

Exit codes: 0 done, 1 a `--fail-on` gate tripped, 2 input errors (including command-line
mistakes), 130 interrupted.
"""

from __future__ import annotations

import sys
from typing import Any

import typer

from smallprint.cli.common import app


def _usage_error_line(e: Any) -> str:
    """A command-line mistake as one line that still points at the help."""
    ctx = getattr(e, "ctx", None)
    where = ctx.command_path if ctx is not None else "smallprint"
    message = " ".join(e.format_message().split())
    return f"smallprint: {message} (see '{where} --help')"


def run_app(args: list[str] | None = None) -> int:
    """Run the commands with click's own error printing off, so usage mistakes are one line."""
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

    try:
        code = app(args=args, standalone_mode=False)
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
    from smallprint.errors import SmallprintError, user_message

    try:
        sys.exit(run_app())
    except SmallprintError as e:
        from smallprint.cli.common import one_line

        sys.stderr.write(f"smallprint: {one_line(user_message(e))}\n")
        sys.exit(2)
    except KeyboardInterrupt:
        sys.stderr.write("smallprint: interrupted\n")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as e:  # a bug: still one line; SMALLPRINT_DEBUG=1 shows the traceback
        from smallprint import settings
        from smallprint.cli.common import one_line

        if settings.current().debug:
            raise
        sys.stderr.write(f"smallprint: {one_line(user_message(e))}\n")
        sys.exit(2)
