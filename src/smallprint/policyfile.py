"""Moved to `smallprint.policy.file`; this import path keeps working for one release.

The module object is the same one (private names and monkeypatching included).
"""

import sys

from smallprint.policy.file import (
    MAX_POLICY_BYTES,
    POLICY_FILE_NAMES,
    LicenceRef,
    Policy,
    PolicyException,
    PolicyOutcome,
    apply_policy,
    find_policy_file,
    judge_results,
    licence_refs,
    load_policy,
    outcome_to_verdict_dict,
    policy_from_dict,
    policy_profile,
)

__all__ = [
    "LicenceRef",
    "MAX_POLICY_BYTES",
    "POLICY_FILE_NAMES",
    "Policy",
    "PolicyException",
    "PolicyOutcome",
    "apply_policy",
    "find_policy_file",
    "judge_results",
    "licence_refs",
    "load_policy",
    "outcome_to_verdict_dict",
    "policy_from_dict",
    "policy_profile",
]

sys.modules[__name__] = sys.modules["smallprint.policy.file"]
