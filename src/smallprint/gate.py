"""Moved to `smallprint.policy.gate`; this import path keeps working for one release.

The module object is the same one (private names and monkeypatching included).
"""

import sys

from smallprint.policy.gate import (
    EXIT_FAIL,
    EXIT_INPUT_ERROR,
    EXIT_PASS,
    FAIL_ON_LEVELS,
    GateItem,
    exit_code,
    failing,
    parse_fail_on,
)

__all__ = [
    "EXIT_FAIL",
    "EXIT_INPUT_ERROR",
    "EXIT_PASS",
    "FAIL_ON_LEVELS",
    "GateItem",
    "exit_code",
    "failing",
    "parse_fail_on",
]

sys.modules[__name__] = sys.modules["smallprint.policy.gate"]
