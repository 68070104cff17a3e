"""Moved to `smallprint.pipeline.run`; this import path keeps working for one release.

The module object is the same one (private names and monkeypatching included).
"""

import sys

from smallprint.pipeline.run import (
    DEFAULT_INVENTORY,
    GATE_DEFAULT_PROFILE,
    CheckOutcome,
    CheckRequest,
    choose_profile,
    run_check,
    run_inventory,
)

__all__ = [
    "CheckOutcome",
    "CheckRequest",
    "choose_profile",
    "DEFAULT_INVENTORY",
    "GATE_DEFAULT_PROFILE",
    "run_check",
    "run_inventory",
]

sys.modules[__name__] = sys.modules["smallprint.pipeline.run"]
