"""The server's calls into the library: the same pipeline and reporters as the CLI.

A check is `workflow.run_check` (sources -> evaluate -> verdict under the profile and the
organisation's policy); the model page shows the HTML reporter's own rendering of that
result. Nothing here re-implements a step.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smallprint.kb import KnowledgeBase
from smallprint.model import CheckResult


@dataclass(frozen=True)
class CheckOptions:
    offline: bool = True
    policy: Path | None = None


def check(target: str, profile: str | None, opts: CheckOptions, kb: KnowledgeBase) -> list[CheckResult]:
    """Check one target (a Hub id, a catalogued name, or an uploaded file/folder) under a profile."""
    from smallprint.pipeline.run import CheckRequest, run_check

    req = CheckRequest(targets=[target], offline=opts.offline, preset=profile or "commercial-saas",
                       policy=opts.policy)
    return run_check(req, kb=kb).results


def report_body(result: CheckResult) -> str:
    """The HTML reporter's page for one result, without its document frame.

    `render_html` returns a whole document (it is also `check --format html`); the page
    template supplies the frame, so only what sits inside `<main>` is kept."""
    from smallprint.reports.html import render_html

    doc = render_html([result], title=result.model_id or result.target)
    inner = doc.partition("<main>")[2].rpartition("</main>")[0]
    return inner or doc


def report_css() -> str:
    from smallprint.reports.html import CSS

    return CSS


def explain(license_id: str, kb: KnowledgeBase) -> dict[str, Any]:
    from smallprint.api import explain as explain_licence

    return explain_licence(license_id, kb).to_dict()


def diff(a: str, b: str, kb: KnowledgeBase) -> dict[str, Any]:
    """A licence diff between two known licences (ids only: the server never opens a path
    a visitor names)."""
    from smallprint.api import diff as diff_licences
    from smallprint.api import resolve_license_id

    ra, rb = resolve_license_id(a, kb), resolve_license_id(b, kb)
    return diff_licences(ra.id, rb.id, kb).to_dict()


def presets() -> list[str]:
    return list(_presets())


@functools.lru_cache(maxsize=1)
def _presets() -> tuple[str, ...]:
    from smallprint.policy.profiles import preset_names

    return tuple(preset_names())


def identify_text(text: str, name: str, kb: KnowledgeBase) -> dict[str, Any]:
    from smallprint.api import identify_license_text, license_document

    return license_document([identify_license_text(text, name, kb)])


def inventory_results(path: Path, opts: CheckOptions, kb: KnowledgeBase) -> list[CheckResult]:
    from smallprint.pipeline.run import CheckRequest, run_check

    return run_check(CheckRequest(inventory=path, offline=opts.offline, policy=opts.policy), kb=kb).results


@functools.lru_cache(maxsize=64)
def check_profile_name(preset: str) -> str:
    """The profile name a verdict under `preset` carries (what reviews are keyed by);
    memoised: the bundled presets do not change while the server runs."""
    from smallprint.policy.profiles import resolve_profile

    return str(resolve_profile(preset).name)
