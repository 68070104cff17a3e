"""The CI gate: turn verdicts into an exit code.

`--fail-on LEVEL` fails the build (exit 1) when any result's verdict reaches LEVEL in
the order

    allowed < conditions < unclear < needs-agreement < blocked

and passes (exit 0) otherwise; input errors exit 2 before the gate is reached.

Where `unclear` sits: above `conditions`, because nobody could confirm the use is
fine, and below `needs-agreement`, because nothing was found that positively stops
it. So `--fail-on unclear` (the safe setting, and the default of a policy file) also
stops on unclear results, while `--fail-on needs-agreement` lets them through.
A result that could not be checked at all (a source error) counts as `unclear`.
A result waived by an unexpired policy exception never fails the gate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from smallprint.errors import InputError
from smallprint.evaluators.policy import VERDICTS, Verdict, severity

FAIL_ON_LEVELS: Final = ("conditions", "unclear", "needs-agreement", "blocked")
EXIT_PASS: Final = 0
EXIT_FAIL: Final = 1
EXIT_INPUT_ERROR: Final = 2


def parse_fail_on(value: str) -> str:
    """Validate a `--fail-on` value (a clear error for typos)."""
    v = value.strip().lower()
    if v not in FAIL_ON_LEVELS:
        raise InputError(f"--fail-on: unknown level {value!r} (expected one of: {', '.join(FAIL_ON_LEVELS)})")
    return v


@dataclass(frozen=True)
class GateItem:
    """One result as the gate sees it."""

    target: str
    verdict: str
    waived: bool = False


def _item(x: Any) -> GateItem:
    if isinstance(x, GateItem):
        return x
    if isinstance(x, Verdict):
        return GateItem("?", x.verdict)
    if isinstance(x, str):
        return GateItem("?", x)
    if isinstance(x, Mapping):  # a check/1 result dict, or its verdict dict
        if "verdict" in x and isinstance(x["verdict"], Mapping):
            v = x["verdict"]
            return GateItem(str(x.get("target", "?")), str(v.get("verdict")), bool(v.get("waived")))
        if x.get("error") and "verdict" not in x:
            return GateItem(str(x.get("target", "?")), "unclear")
        return GateItem(str(x.get("target", "?")), str(x.get("verdict")), bool(x.get("waived")))
    verdict = getattr(x, "verdict", None)  # a CheckResult
    target = str(getattr(x, "target", "?"))
    if isinstance(verdict, Mapping):
        return GateItem(target, str(verdict.get("verdict")), bool(verdict.get("waived")))
    return GateItem(target, "unclear")


def failing(results: Iterable[Any], fail_on: str) -> list[GateItem]:
    """The results that reach `fail_on` (unknown verdict strings count as unclear)."""
    threshold = severity(parse_fail_on(fail_on))
    out = []
    for item in map(_item, results):
        level = item.verdict if item.verdict in VERDICTS else "unclear"
        if not item.waived and severity(level) >= threshold:
            out.append(item)
    return out


def exit_code(results: Iterable[Any], fail_on: str | None) -> int:
    """0 when no result reaches `fail_on` (or no gate was asked for), 1 otherwise."""
    if fail_on is None:
        return EXIT_PASS
    return EXIT_FAIL if failing(results, fail_on) else EXIT_PASS
