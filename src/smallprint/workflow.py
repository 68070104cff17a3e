"""Moved to `smallprint.pipeline.run`; this import path keeps working for one release.

The module object is the same one (private names and monkeypatching included).
"""

import sys

from smallprint.pipeline.run import (
    DEFAULT_INVENTORY,
    GATE_DEFAULT_PROFILE,
    CheckOutcome,
    CheckRequest,
    run_check,
)

__all__ = [
    "CheckOutcome",
    "CheckRequest",
    "DEFAULT_INVENTORY",
    "GATE_DEFAULT_PROFILE",
    "run_check",
]

sys.modules[__name__] = sys.modules["smallprint.pipeline.run"]
