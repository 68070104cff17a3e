"""`smallprint check` as one library call: targets or an inventory, a use profile, the
organisation policy, and the exit code of the CI gate.

The command line only parses flags into a `CheckRequest` and renders the outcome.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smallprint.errors import InputError
from smallprint.kb import KB_DIR, KnowledgeBase, default_kb
from smallprint.model import CheckResult, Finding

DEFAULT_INVENTORY = KB_DIR / "inventory-default.yaml"
"""The embedded default: an example product's models, checked offline from the catalog."""


@dataclass
class CheckRequest:
    targets: list[str] = field(default_factory=list)
    offline: bool = False
    profile: str | None = None  # a profile file or preset name
    preset: str | None = None
    inventory: Path | None = None
    policy: Path | None = None
    fail_on: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    openness: bool = True
    decisions: str | None = None  # review decisions: a `smallprint serve` URL or its store


@dataclass
class CheckOutcome:
    results: list[CheckResult]
    exit_code: int
    notes: list[str] = field(default_factory=list)
    references: dict[str, list[Any]] = field(default_factory=dict)  # model -> code locations
    fallback_uri: str | None = None


def _policy(req: CheckRequest) -> Any:
    from smallprint.policy.file import find_policy_file, load_policy

    if req.policy is not None:
        return load_policy(req.policy)
    found = find_policy_file(".")
    return load_policy(found) if found else None


def _profile(req: CheckRequest, policy: Any) -> Any:
    """The profile asked for, or None when nothing asks for a verdict."""
    from smallprint.policy.profiles import apply_overrides, resolve_profile

    spec = req.profile or req.preset
    if spec is None and policy is not None and policy.default_profile:
        spec = policy.default_profile
    if spec is None and not req.overrides:
        return None
    prof = resolve_profile(spec or "commercial-saas")
    if policy is not None and policy.profile_overrides and not (req.profile or req.preset):
        prof = apply_overrides(prof, policy.profile_overrides)
    return apply_overrides(prof, req.overrides)


def _judge(results: list[CheckResult], profile: Any, policy: Any, kb: KnowledgeBase) -> None:
    from smallprint.policy.file import judge_results

    judge_results(results, profile, policy, kb)


def _with_openness(results: list[CheckResult], kb: KnowledgeBase) -> None:
    from smallprint.errors import SmallprintError
    from smallprint.pipeline.check import add_openness

    for r in results:
        try:
            add_openness(r, kb)
        except SmallprintError as e:
            r.findings.append(Finding("openness-unassessed", "info", f"openness not assessed: {e}"))


def _run_inventory(path: Path, req: CheckRequest, profile: Any, policy: Any, kb: KnowledgeBase, offline: bool) -> CheckOutcome:
    from smallprint.pipeline.check import check_target
    from smallprint.policy.inventory import load_inventory, locations_by_target

    inv = load_inventory(path, default_profile=profile)
    checked: dict[str, CheckResult] = {}
    results: list[CheckResult] = []
    for entry in inv.models:
        if entry.id not in checked:
            try:
                checked[entry.id] = check_target(entry.id, offline=offline or None, kb=kb)
            except Exception as e:  # one unreadable model must not stop the inventory
                from smallprint.errors import SmallprintError

                if not isinstance(e, SmallprintError):
                    raise
                from smallprint.model import LicenseResult

                checked[entry.id] = CheckResult(entry.id, None, LicenseResult(entry.id), error=str(e))
            if req.openness:
                _with_openness([checked[entry.id]], kb)
        base = checked[entry.id]
        # the same model under each product's profile: one result per inventory entry
        r = dataclasses.replace(base, findings=list(base.findings), target=f"{entry.product}: {entry.id}")
        prof = entry.profile if not req.overrides else _override(entry.profile, req.overrides)
        _judge([r], prof, policy, kb)
        results.append(r)
    refs: dict[str, list[Any]] = {}
    for mid, locs in locations_by_target(inv.models).items():
        refs[mid] = list(locs)
        for r in results:
            if r.target.endswith(f": {mid}"):
                refs[r.target] = list(locs)
    _inventory_lines(Path(path), results, refs)
    return CheckOutcome(results, 0, references=refs, fallback_uri=str(path))


def _inventory_lines(path: Path, results: list[CheckResult], refs: dict[str, list[Any]]) -> None:
    """Models the code does not locate are placed at their line of the inventory file, so a
    code-scanning UI points at the entry rather than at the top of the file."""
    from smallprint.policy.inventory import Location

    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return
    for r in results:
        if refs.get(r.target):
            continue
        mid = r.target.partition(": ")[2] or r.target
        pattern = re.compile(rf"(?:^|[\s\-:'\"]){re.escape(mid)}(?:$|[\s'\",])")
        line = next((n for n, text in enumerate(lines, 1) if pattern.search(text)), None)
        if line is not None:
            refs[r.target] = [Location(str(path), line)]


def _override(profile: Any, overrides: dict[str, Any]) -> Any:
    from smallprint.policy.profiles import apply_overrides

    return apply_overrides(profile, overrides)


def _gate_level(req: CheckRequest, policy: Any) -> str | None:
    """`--fail-on` wins; else the policy's gate, whether the policy was named or found in
    the working directory (a found policy's gate silently ignored would pass a blocked model)."""
    from smallprint.policy import gate

    if req.fail_on is not None:
        return gate.parse_fail_on(req.fail_on)
    return policy.fail_on if policy is not None else None


def run_check(req: CheckRequest, kb: KnowledgeBase | None = None) -> CheckOutcome:
    """Check the targets (or the inventory, or the embedded default) and apply the gate."""
    from smallprint.policy import gate

    kb = kb or default_kb()
    if req.inventory is not None and req.targets:
        raise InputError("give models to check or --inventory FILE, not both")
    if req.fail_on is not None:
        gate.parse_fail_on(req.fail_on)  # a typo fails before minutes of checking
    policy = _policy(req)
    profile = _profile(req, policy)
    decided = None
    if req.decisions:  # read before checking: a wrong URL or path fails at once
        from smallprint.reviews.decision_source import load_exceptions

        decided = load_exceptions(req.decisions)
    notes: list[str] = []
    if policy is not None:
        how = "given with --policy" if req.policy is not None else "found from the working directory"
        notes.append(f"policy file {policy.path} applies ({how})")
    notes.extend(_unknown_regions(profile))
    if req.inventory is not None or not req.targets:
        path = req.inventory
        offline = req.offline
        if path is None:
            path, offline = DEFAULT_INVENTORY, True
            notes.append(
                f"no targets given: checked the bundled example inventory ({DEFAULT_INVENTORY.name}) offline"
            )
        outcome = _run_inventory(Path(path), req, profile, policy, kb, offline)
        outcome.notes = notes
    else:
        from smallprint.pipeline.check import check_targets

        if profile is None and _gate_level(req, policy) is not None:
            profile = _gate_default_profile(notes)
        results = check_targets(req.targets, offline=req.offline or None, kb=kb, openness=req.openness)
        if profile is not None:
            _judge(results, profile, policy, kb)
        outcome = CheckOutcome(results, 0, notes)
    if decided is not None:  # approved review exceptions waive the gate like the policy file's
        from smallprint.reviews.decision_source import apply_loaded

        apply_loaded(outcome.results, decided, req.decisions or "")
    fail_on = _gate_level(req, policy)
    if any(r.error for r in outcome.results):
        outcome.exit_code = 2
    else:
        outcome.exit_code = gate.exit_code(outcome.results, fail_on) if fail_on else 0
    if outcome.exit_code == gate.EXIT_FAIL and fail_on is not None:
        source = "--fail-on" if req.fail_on is not None or policy is None else f"fail_on of {policy.path}"
        outcome.notes.append(_gate_note(outcome.results, fail_on, source))
    return outcome


def _unknown_regions(profile: Any) -> list[str]:
    """A warning for each region no licence clause can be matched against (`--region EY`):
    a typo must not pass as a region where nothing is withheld."""
    if profile is None:
        return []
    from smallprint.evaluators.policy import REGION_NAMES

    known = {k.upper() for k in REGION_NAMES} | {n.lower() for names in REGION_NAMES.values() for n in names}
    bad = [r for r in getattr(profile, "regions", ()) if r.upper() not in known and r.lower() not in known]
    return [
        f"warning: region {r!r} is not one smallprint knows (ISO codes such as EU, US, GB, CN, JP, or a "
        "country name): licence clauses about it cannot be matched, so check its verdict by hand"
        for r in bad
    ]


GATE_DEFAULT_PROFILE = "commercial-saas"


def _gate_default_profile(notes: list[str]) -> Any:
    """A gate needs verdicts; without a profile every result would be `unclear` and a
    `--fail-on blocked` could never trip, so judge under the usual commercial preset."""
    from smallprint.policy.profiles import resolve_profile

    notes.append(
        f"no use profile given: judged under {GATE_DEFAULT_PROFILE} for the gate (choose one with --use or --profile)"
    )
    return resolve_profile(GATE_DEFAULT_PROFILE)


def _gate_note(results: list[CheckResult], fail_on: str, source: str = "--fail-on") -> str:
    """Why the build fails, in one line a CI log shows (`source`: where the level was set)."""
    from smallprint.policy import gate

    hits = gate.failing(results, fail_on)
    shown = ", ".join(f"{h.target} ({h.verdict})" for h in hits[:5])
    more = f" and {len(hits) - 5} more" if len(hits) > 5 else ""
    return f"gate: {len(hits)} result(s) reached {source} {fail_on}: {shown}{more}"
