"""The one vocabulary for the small print (DESIGN.md) and the licence kinds.

Kept as data so every module, data file and test agrees on the spelling.
"""

from __future__ import annotations

from typing import Final

PERMISSIONS: Final = (
    "commercial-use",
    "modification",
    "distribution",
    "private-use",
    "patent-grant",
)
CONDITIONS: Final = (
    "include-license",
    "attribution-display",
    "derivative-naming",
    "use-restrictions-flow-down",
    "same-license",
    "disclose-source",
    "network-use-disclose",
    "state-changes",
    "acceptable-use-policy",
)
LIMITATIONS: Final = (
    "non-commercial",
    "research-only",
    "user-threshold",
    "revenue-threshold",
    "no-training-other-models",
    "field-of-use",
    "geographic",
    "termination-on-litigation",
    "trademark",
    "no-warranty",
    "liability",
)

TERM_KEYS: Final = PERMISSIONS + CONDITIONS + LIMITATIONS

CATEGORY: Final[dict[str, str]] = {
    **{k: "permission" for k in PERMISSIONS},
    **{k: "condition" for k in CONDITIONS},
    **{k: "limitation" for k in LIMITATIONS},
}

# Value type of each key: "bool", "tristate" (true/false/"conditional"), "int",
# "text" or "list". Used to validate data files and clause-rule output.
VALUE_TYPE: Final[dict[str, str]] = {
    "commercial-use": "tristate",
    "attribution-display": "text",
    "derivative-naming": "text",
    "acceptable-use-policy": "text",
    "user-threshold": "int",
    "revenue-threshold": "int",
    "field-of-use": "list",
    "geographic": "text",
    **{
        k: "bool"
        for k in TERM_KEYS
        if k
        not in {
            "commercial-use",
            "attribution-display",
            "derivative-naming",
            "acceptable-use-policy",
            "user-threshold",
            "revenue-threshold",
            "field-of-use",
            "geographic",
        }
    },
}

KINDS: Final = (
    "osi-code",
    "open-data",
    "open-weights",
    "restricted-model",
    "non-commercial",
    "research-only",
    "proprietary",
    "use-policy",
    "family",
)
"""Licence kinds. `use-policy` is a policy a licence incorporates (Llama's AUP);
`family` is a Hub id that names a group of licences (`bsd`, `cc`, `gpl`)."""

SPECIAL_HUB_IDS: Final = ("other", "unknown")
"""Hub licence ids that name no licence: resolved from `license_name`/`license_link` or files."""


def valid_value(key: str, value: object) -> bool:
    """True when `value` has the type the vocabulary gives `key`."""
    kind = VALUE_TYPE.get(key)
    if kind is None:
        return False
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "tristate":
        return isinstance(value, bool) or value == "conditional"
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "text":
        return isinstance(value, str) and bool(value.strip())
    if kind == "list":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return False
