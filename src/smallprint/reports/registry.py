"""The registry of report formats: which renderer writes which subject in which format.

A subject is what is being reported (`check`: a list of `CheckResult`; `license`: a list of
`LicenseResult`; `lineage`: one `CheckResult`; `openness`, `explain`, `diff`, `licenses`,
`scan`). Every renderer has one signature, `render(value, ctx: ReportContext) -> str`, and
is named here as "module:function" so that importing the registry stays cheap and a
renderer's dependencies load only when its format is used.

A new format is one `register(...)` line (below, or from a plug-in module) and one
renderer function; the command line's `--format` choices come from this table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from smallprint.errors import InputError
from smallprint.reports.context import ReportContext

Renderer = Callable[[Any, ReportContext], str]

__all__ = ["Format", "ReportContext", "Renderer", "formats", "get_format", "register", "render"]


@dataclass(frozen=True)
class Format:
    """One output format of one subject."""

    subject: str
    name: str
    renderer: str  # "module:function", imported on first use
    media_type: str = "text/plain"
    suffix: str = ".txt"
    description: str = ""

    def load(self) -> Renderer:
        module, _, func = self.renderer.partition(":")
        fn: Renderer = getattr(import_module(module), func)
        return fn


_FORMATS: dict[str, dict[str, Format]] = {}


def register(subject: str, name: str, renderer: str, *, media_type: str = "text/plain",
             suffix: str = ".txt", description: str = "") -> Format:
    """Add (or replace) a format; formats list in the order they are registered."""
    fmt = Format(subject, name, renderer, media_type, suffix, description)
    _FORMATS.setdefault(subject, {})[name] = fmt
    return fmt


def formats(subject: str) -> list[str]:
    """The format names of a subject, in registration order (the default first)."""
    return list(_FORMATS.get(subject, {}))


def get_format(subject: str, name: str) -> Format:
    """A registered format; InputError (one line) when unknown."""
    try:
        return _FORMATS[subject][name]
    except KeyError:
        raise InputError(
            f"unknown format {name!r} for {subject} (expected one of: {', '.join(formats(subject))})"
        ) from None


def render(subject: str, name: str, value: Any, ctx: ReportContext) -> str:
    """Render `value` (the subject's results) in format `name` against `ctx`."""
    return get_format(subject, name).load()(value, ctx)


_R = "smallprint.reports.renderers"
_JSON = {"media_type": "application/json", "suffix": ".json"}
_MD = {"media_type": "text/markdown", "suffix": ".md"}

for _subject in ("license", "explain", "diff", "licenses", "lineage", "openness", "scan"):
    register(_subject, "table", f"{_R}:{_subject}_table", description="terminal table")
    register(_subject, "json", f"{_R}:{_subject}_json", **_JSON)
    register(_subject, "md", f"{_R}:{_subject}_md", **_MD)

register("check", "table", f"{_R}:check_table", description="terminal (default)")
register("check", "json", f"{_R}:check_json", description="smallprint/check/1", **_JSON)
register("check", "md", f"{_R}:check_md", description="for pull requests and wikis", **_MD)
register("check", "html", f"{_R}:check_html", media_type="text/html", suffix=".html",
         description="one self-contained page")
register("check", "sarif", f"{_R}:check_sarif", media_type="application/sarif+json",
         suffix=".sarif.json", description="SARIF 2.1.0 for code-scanning UIs")
register("check", "cyclonedx", f"{_R}:check_cyclonedx", media_type="application/vnd.cyclonedx+json",
         suffix=".cdx.json", description="CycloneDX 1.6 ML-BOM")
register("check", "spdx", f"{_R}:check_spdx", media_type="application/spdx+json",
         suffix=".spdx.json", description="SPDX 3.0.1 JSON-LD, AI and Dataset profiles")
