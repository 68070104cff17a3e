"""`smallprint check` as one library call: targets or an inventory, a use profile, the
organisation policy, and the exit code of the CI gate.

The command line only parses flags into a `CheckRequest` and renders the outcome; the
watch, the server and the audit call `run_check` (or `run_inventory`) the same way.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smallprint.errors import InputError
from smallprint.kb import KnowledgeBase, data_path, default_kb
from smallprint.model import CheckResult
from smallprint.policy.inventory import Inventory
from smallprint.policy.profiles import DEFAULT_PROFILE, Profile

DEFAULT_INVENTORY = data_path("inventory-default.yaml")
"""The embedded default: an example product's models, checked offline from the catalog."""

GATE_DEFAULT_PROFILE = DEFAULT_PROFILE
"""Kept for callers of the earlier name; the one default is `policy.profiles.DEFAULT_PROFILE`."""


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


def choose_profile(req: CheckRequest, policy: Any, gate_level: str | None, notes: list[str]) -> Profile | None:
    """The one place a run's profile is chosen: `--profile`/`--use`, else the policy's
    `default_profile`, else (when flags or a gate need verdicts) the default profile.
    None when nothing asks for a verdict."""
    from smallprint.policy.profiles import apply_overrides, resolve_profile

    spec = req.profile or req.preset
    if spec is None and policy is not None and policy.default_profile:
        spec = policy.default_profile
    if spec is None and not req.overrides:
        if gate_level is None:
            return None
        # a gate needs verdicts; without a profile every result would be `unclear` and a
        # `--fail-on blocked` could never trip, so judge under the usual commercial preset
        notes.append(
            f"no use profile given: judged under {DEFAULT_PROFILE} for the gate (choose one with --use or --profile)"
        )
    prof = resolve_profile(spec or DEFAULT_PROFILE)
    if policy is not None and policy.profile_overrides and not (req.profile or req.preset):
        prof = apply_overrides(prof, policy.profile_overrides)
    return apply_overrides(prof, req.overrides)


def _judge(results: list[CheckResult], profile: Any, policy: Any, kb: KnowledgeBase) -> None:
    from smallprint.policy.file import judge_results

    judge_results(results, profile, policy, kb)


Check = Callable[[str], CheckResult]
"""Checks one model id into a result (the default: `pipeline.check.check_targets` on it)."""


def _one_model(mid: str, kb: KnowledgeBase, offline: bool, openness: bool) -> CheckResult:
    from smallprint.pipeline.check import check_targets, error_result

    results = check_targets([mid], offline=offline or None, kb=kb, openness=openness)
    if len(results) == 1:
        return results[0]
    return error_result(mid, f"{mid}: holds {len(results)} models; list them one by one in the inventory")


def run_inventory(
    inventory: Inventory,
    *,
    kb: KnowledgeBase | None = None,
    policy: Any = None,
    overrides: Mapping[str, Any] | None = None,
    offline: bool = False,
    openness: bool = True,
    check: Check | None = None,
) -> list[CheckResult]:
    """The one inventory runner: each model checked once (openness attached there), then
    judged under each product's profile and the organisation policy, one result per entry.

    A model that cannot be checked is that entry's error (judged `unclear`); the others go on."""
    from smallprint.pipeline.check import error_result

    kb = kb or default_kb()
    check = check or (lambda mid: _one_model(mid, kb, offline, openness))
    checked: dict[str, CheckResult] = {}
    results: list[CheckResult] = []
    for entry in inventory.models:
        if entry.id not in checked:
            try:
                checked[entry.id] = check(entry.id)
            except Exception as e:  # an injected check that fails: this entry's error, not the run's
                checked[entry.id] = error_result(entry.id, e)
        base = checked[entry.id]
        # the same model under each product's profile: one result per inventory entry
        r = dataclasses.replace(base, findings=list(base.findings), target=f"{entry.product}: {entry.id}")
        prof = entry.profile if not overrides else _override(entry.profile, overrides)
        _judge([r], prof, policy, kb)
        results.append(r)
    return results


def _run_inventory(path: Path, req: CheckRequest, profile: Any, policy: Any, kb: KnowledgeBase, offline: bool) -> CheckOutcome:
    from smallprint.policy.inventory import load_inventory, locations_by_target

    inv = load_inventory(path, default_profile=profile)
    results = run_inventory(inv, kb=kb, policy=policy, overrides=req.overrides, offline=offline,
                            openness=req.openness)
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


def _override(profile: Any, overrides: Mapping[str, Any]) -> Any:
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
    fail_on = _gate_level(req, policy)
    decided = None
    if req.decisions:  # read before checking: a wrong URL or path fails at once
        from smallprint.reviews.decision_source import load_exceptions

        decided = load_exceptions(req.decisions)
    notes: list[str] = []
    if policy is not None:
        how = "given with --policy" if req.policy is not None else "found from the working directory"
        notes.append(f"policy file {policy.path} applies ({how})")
    # an inventory's entries carry their own profiles; this one is the default for entries without
    inventory_run = req.inventory is not None or not req.targets
    profile_notes: list[str] = []
    profile = choose_profile(req, policy, None if inventory_run else fail_on, profile_notes)
    notes.extend(_unknown_regions(profile))
    notes.extend(profile_notes)
    if inventory_run:
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

        results = check_targets(req.targets, offline=req.offline or None, kb=kb, openness=req.openness)
        if profile is not None:
            _judge(results, profile, policy, kb)
        outcome = CheckOutcome(results, 0, notes)
    if decided is not None:  # approved review exceptions waive the gate like the policy file's
        from smallprint.reviews.decision_source import apply_loaded

        apply_loaded(outcome.results, decided, req.decisions or "")
    if any(r.error for r in outcome.results):
        outcome.exit_code = gate.EXIT_INPUT_ERROR
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


def _gate_note(results: list[CheckResult], fail_on: str, source: str = "--fail-on") -> str:
    """Why the build fails, in one line a CI log shows (`source`: where the level was set)."""
    from smallprint.policy import gate

    hits = gate.failing(results, fail_on)
    shown = ", ".join(f"{h.target} ({h.verdict})" for h in hits[:5])
    more = f" and {len(hits) - 5} more" if len(hits) > 5 else ""
    return f"gate: {len(hits)} result(s) reached {source} {fail_on}: {shown}{more}"
