"""Moved to `smallprint.policy.inventory`; this import path keeps working for one release.

The module object is the same one (private names and monkeypatching included).
"""

import sys

from smallprint.policy.inventory import (
    DEFAULT_PROFILE,
    MAX_ENTRIES,
    MAX_INVENTORY_BYTES,
    SCHEMA,
    Inventory,
    InventoryModel,
    Location,
    dump_inventory,
    inventory_from_dict,
    inventory_from_scan,
    load_inventory,
    locations_by_target,
)

__all__ = [
    "DEFAULT_PROFILE",
    "Inventory",
    "InventoryModel",
    "Location",
    "MAX_ENTRIES",
    "MAX_INVENTORY_BYTES",
    "SCHEMA",
    "dump_inventory",
    "inventory_from_dict",
    "inventory_from_scan",
    "load_inventory",
    "locations_by_target",
]

sys.modules[__name__] = sys.modules["smallprint.policy.inventory"]
