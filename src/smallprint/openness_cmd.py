"""Moved to `smallprint.pipeline.openness`; this import path keeps working for one release.

The module object is the same one (private names and monkeypatching included).
"""

import sys

from smallprint.pipeline.openness import (
    ignored_flag_notes,
    run_openness,
)

__all__ = [
    "ignored_flag_notes",
    "run_openness",
]

sys.modules[__name__] = sys.modules["smallprint.pipeline.openness"]
