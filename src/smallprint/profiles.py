"""Moved to `smallprint.policy.profiles`; this import path keeps working for one release.

The module object is the same one (private names and monkeypatching included).
"""

import sys

from smallprint.policy.profiles import (
    ACTIVITIES,
    DEPLOYMENTS,
    KNOWN_FIELDS,
    MAX_PROFILE_BYTES,
    PRESETS_DIR,
    Profile,
    ProfileChoice,
    apply_overrides,
    load_preset,
    load_profile_file,
    preset_names,
    profile_from_dict,
    resolve_profile,
)

__all__ = [
    "ACTIVITIES",
    "DEPLOYMENTS",
    "KNOWN_FIELDS",
    "MAX_PROFILE_BYTES",
    "PRESETS_DIR",
    "Profile",
    "ProfileChoice",
    "apply_overrides",
    "load_preset",
    "load_profile_file",
    "preset_names",
    "profile_from_dict",
    "resolve_profile",
]

sys.modules[__name__] = sys.modules["smallprint.policy.profiles"]
