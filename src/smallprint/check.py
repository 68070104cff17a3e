"""Moved to `smallprint.pipeline.check`; this import path keeps working for one release.

The module object is the same one (private names and monkeypatching included).
"""

import sys

from smallprint.pipeline.check import (
    HubAncestorResolver,
    add_openness,
    check_facts,
    check_target,
    check_targets,
    expand_targets,
    license_terms,
    ollama_model,
)

__all__ = [
    "HubAncestorResolver",
    "add_openness",
    "check_facts",
    "check_target",
    "check_targets",
    "expand_targets",
    "license_terms",
    "ollama_model",
]

sys.modules[__name__] = sys.modules["smallprint.pipeline.check"]
