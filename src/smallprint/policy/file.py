"""The organisation's policy: `smallprint.toml` or `.smallprint.yaml` in a repository.

Same keys in both formats, at the top level or under `policy`:

    default_profile = "commercial-saas"     # a preset name or a profile YAML path (relative to the file)
    fail_on = "unclear"                     # the gate level (default: unclear, the safe one)
    allow = ["osi-code", "open-weights", "llama3.1"]   # licence ids, kinds or families
    deny = ["non-commercial", "agpl-3.0"]
    [profile]                               # field overrides of the default profile
    monthly_active_users = 250000
    [[exceptions]]                          # waivers: model (glob) + reason + expiry date
    model = "meta-llama/Llama-3.1-8B-Instruct"
    reason = "Signed agreement with Meta, ref. LEG-142"
    expires = 2026-06-30

A policy only ever makes a verdict stricter: a denied licence blocks, a licence
missing from a non-empty allow list is unclear (it needs review). Exceptions waive
a model's verdict for the gate until they expire; an expired exception stops
applying and is reported as a finding.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from smallprint.errors import InputError
from smallprint.evaluators.policy import Reason, Verdict, evaluate_result, severity
from smallprint.kb import KnowledgeBase
from smallprint.model import CheckResult, Evidence, Finding
from smallprint.policy.gate import parse_fail_on
from smallprint.policy.profiles import DEFAULT_PROFILE, Profile, apply_overrides, resolve_profile

POLICY_FILE_NAMES: Final = ("smallprint.toml", ".smallprint.toml", ".smallprint.yaml", ".smallprint.yml",
                            "smallprint.yaml")
MAX_POLICY_BYTES: Final = 1024 * 1024
_KEYS: Final = frozenset({"default_profile", "fail_on", "allow", "deny", "profile", "exceptions"})


@dataclass(frozen=True)
class PolicyException:
    """A waiver for one model (or a glob of models), with why and until when."""

    model: str
    reason: str
    expires: dt.date
    line: int | None = None

    def applies_to(self, *names: str | None) -> bool:
        pat = self.model.lower()
        return any(n and fnmatch.fnmatchcase(n.lower(), pat) for n in names)

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "reason": self.reason, "expires": self.expires.isoformat()}


@dataclass(frozen=True)
class Policy:
    """What an organisation allows, denies and waives, and where its build fails."""

    path: str | None = None
    default_profile: str | None = None
    profile_overrides: dict[str, Any] = field(default_factory=dict)
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    exceptions: tuple[PolicyException, ...] = ()
    fail_on: str = "unclear"
    lines: tuple[str, ...] = ()

    def evidence_for(self, needle: str) -> list[Evidence]:
        """The policy file line that names `needle`, as evidence for a reason."""
        for i, line in enumerate(self.lines, 1):
            if needle.lower() in line.lower():
                return [Evidence(self.path, i, i, line.strip())]
        return []


def find_policy_file(start: str | Path) -> Path | None:
    """The nearest policy file in `start` or its parents up to the repository root; outside
    a repository, only `start` itself is searched.

    Never above: a `.smallprint.yaml` that someone left in a shared parent folder (or `/tmp`)
    must not silently waive or gate a run that never asked for it."""
    here = Path(start).resolve()
    if here.is_file():
        here = here.parent
    chain = (here, *here.parents)
    root = next((d for d in chain if (d / ".git").exists()), None)
    folders = chain[: chain.index(root) + 1] if root is not None else (here,)
    for d in folders:
        for name in POLICY_FILE_NAMES:
            if (d / name).is_file():
                return d / name
    return None


def _str_list(data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    v = data.get(key) or []
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise InputError(f"{where}: '{key}' must be a list of licence ids, kinds or families")
    return tuple(x.strip() for x in v if x.strip())


def _date(v: Any, where: str) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v).strip())
    except ValueError:
        raise InputError(f"{where}: 'expires' must be a date like 2026-06-30, got {v!r}") from None


def _exceptions(raw: Any, where: str, lines: Sequence[str]) -> tuple[PolicyException, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise InputError(f"{where}: 'exceptions' must be a list")
    out = []
    for i, e in enumerate(raw, 1):
        w = f"{where}: exception {i}"
        if not isinstance(e, Mapping):
            raise InputError(f"{w}: must be a mapping with model, reason and expires")
        missing = [k for k in ("model", "reason", "expires") if not e.get(k)]
        if missing:
            raise InputError(f"{w}: missing '{missing[0]}' (every exception needs model, reason and expires)")
        model = str(e["model"]).strip()
        line = next((n for n, text in enumerate(lines, 1) if model in text), None)
        out.append(PolicyException(model, str(e["reason"]).strip(), _date(e["expires"], w), line))
    return tuple(out)


def policy_from_dict(data: Any, where: str = "policy", lines: Sequence[str] = ()) -> Policy:
    """Validate a parsed policy file; unknown keys are errors so typos never loosen a gate."""
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise InputError(f"{where}: a policy file must be a mapping")
    body = dict(data.get("policy") or {}) if isinstance(data.get("policy"), Mapping) else {}
    body.update({k: v for k, v in data.items() if k != "policy"})
    unknown = sorted(set(body) - _KEYS)
    if unknown:
        raise InputError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})")
    prof = body.get("profile") or {}
    if not isinstance(prof, Mapping):
        raise InputError(f"{where}: 'profile' must be a mapping of profile fields")
    default = body.get("default_profile")
    return Policy(
        path=where,
        default_profile=None if default is None else str(default),
        profile_overrides=dict(prof),
        allow=_str_list(body, "allow", where),
        deny=_str_list(body, "deny", where),
        exceptions=_exceptions(body.get("exceptions"), where, lines),
        fail_on=_fail_on(body.get("fail_on"), where),
        lines=tuple(lines),
    )


def _fail_on(value: Any, where: str) -> str:
    """The policy's gate level; a bad one is named as this file's `fail_on`, not as --fail-on."""
    try:
        return parse_fail_on(str(value or "unclear"))
    except InputError as e:
        raise InputError(f"{where}: fail_on{str(e).removeprefix('--fail-on')}") from None


def load_policy(path: str | Path) -> Policy:
    """Read and validate a policy file."""
    from smallprint.sources.config_file import read_config_file

    p = Path(path)
    config = read_config_file(p, "policy file", max_bytes=MAX_POLICY_BYTES)
    return policy_from_dict(config.data, str(p), config.text.splitlines())


def policy_profile(policy: Policy) -> Profile | None:
    """The policy's default profile with its overrides (None when it names none)."""
    if policy.default_profile is None and not policy.profile_overrides:
        return None
    base_dir = Path(policy.path).parent if policy.path and Path(policy.path).exists() else None
    prof = resolve_profile(policy.default_profile or DEFAULT_PROFILE, relative_to=base_dir)
    return apply_overrides(prof, policy.profile_overrides)


@dataclass(frozen=True)
class LicenceRef:
    """What the policy matches a licence by."""

    id: str
    kind: str | None = None
    family: str | None = None
    spdx_id: str | None = None

    def names(self) -> set[str]:
        return {n.lower() for n in (self.id, self.kind, self.family, self.spdx_id) if n}


@dataclass
class PolicyOutcome:
    """A verdict after the organisation's policy, and what the policy had to report."""

    verdict: Verdict
    findings: list[Finding] = field(default_factory=list)
    waived_by: PolicyException | None = None


def _raise(verdict: Verdict, reason: Reason) -> Verdict:
    level = reason.level if severity(reason.level) > severity(verdict.verdict) else verdict.verdict
    return replace(verdict, verdict=level, reasons=[reason, *verdict.reasons])


def apply_policy(
    verdict: Verdict,
    licences: Sequence[LicenceRef],
    policy: Policy,
    model_names: Sequence[str | None] = (),
    today: dt.date | None = None,
) -> PolicyOutcome:
    """Deny, allow-list and exceptions of `policy` applied to one model's verdict."""
    today = today or dt.date.today()
    deny = {d.lower() for d in policy.deny}
    allow = {a.lower() for a in policy.allow}
    for lic in licences:
        hit = sorted(lic.names() & deny)
        if hit:
            verdict = _raise(verdict, Reason("blocked", f"The organisation's policy denies {hit[0]!r} "
                                             f"(licence {lic.id!r}).", None, policy.evidence_for(hit[0]),
                                             "policy"))
        elif allow and not lic.names() & allow:
            verdict = _raise(verdict, Reason("unclear", f"Licence {lic.id!r} is not on the organisation's allow "
                                             "list: it needs review.", None, [], "policy"))
    findings: list[Finding] = []
    waived_by = None
    for exc in policy.exceptions:
        if not exc.applies_to(*model_names):
            continue
        ev = [Evidence(policy.path, exc.line, exc.line, policy.lines[exc.line - 1].strip())] if exc.line else []
        if exc.expires < today:
            findings.append(Finding("policy-exception-expired", "error",
                                    f"The policy exception for {exc.model!r} expired on {exc.expires.isoformat()} "
                                    f"({exc.reason}); the verdict applies again.", ev))
        elif waived_by is None:
            waived_by = exc
    return PolicyOutcome(verdict, findings, waived_by)


def judged_verdict(outcome: PolicyOutcome) -> Verdict:
    """The verdict after the policy, carrying the exception that waives it, if any."""
    if outcome.waived_by is None:
        return outcome.verdict
    return replace(outcome.verdict, exception=outcome.waived_by.to_dict())


def outcome_to_verdict_dict(outcome: PolicyOutcome) -> dict[str, Any]:
    """The `verdict` field of check/1, with `waived` and `exception` when an exception applies."""
    d = outcome.verdict.to_dict()
    if outcome.waived_by is not None:
        d["waived"] = True
        d["exception"] = outcome.waived_by.to_dict()
    return d


def licence_refs(result: CheckResult, kb: KnowledgeBase) -> list[LicenceRef]:
    """The licences a result is bound by, its own and its ancestors', as the policy matches them."""
    ids = [m.id for m in result.license.licenses] + [n.license_id for n in result.lineage if n.license_id]
    out: list[LicenceRef] = []
    for lid in dict.fromkeys(ids):
        entry = kb.get(lid)
        kind = next((m.kind for m in result.license.licenses if m.id == lid), None)
        out.append(LicenceRef(lid, kind or (entry.kind if entry else None), entry.family if entry else None,
                              entry.spdx_id if entry else None))
    return out


def judge_results(
    results: Sequence[CheckResult],
    profile: Profile,
    policy: Policy | None = None,
    kb: KnowledgeBase | None = None,
    today: dt.date | None = None,
) -> None:
    """Fill each result's `verdict` (and policy findings): the one call `check --profile` needs."""
    from smallprint.kb import default_kb

    kb = kb or default_kb()
    for result in results:
        verdict = evaluate_result(result, profile, kb)
        if policy is None:
            result.verdict = verdict
            continue
        names = [result.model_id, result.target]
        outcome = apply_policy(verdict, licence_refs(result, kb), policy, names, today)
        result.verdict = judged_verdict(outcome)
        result.findings.extend(outcome.findings)
