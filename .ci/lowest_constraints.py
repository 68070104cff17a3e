"""Pin every direct dependency of smallprint to the lowest version pyproject.toml allows.

CI installs the package a second time under these pins (`pip install -c FILE`) and runs a
smoke subset of the tests: a declared minimum that does not work fails there, not on a
user's machine. Written by hand because pip has no `--resolution lowest-direct` (uv has).
Usage: python .ci/lowest_constraints.py > lowest.txt
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def lowest_pins(pyproject: Path, extras: tuple[str, ...] = ("test",)) -> list[str]:
    """`name==minimum` for each dependency with a `>=` bound (extras markers dropped)."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    specs = list(project.get("dependencies", []))
    for extra in extras:
        specs += project.get("optional-dependencies", {}).get(extra, [])
    pins = []
    for spec in specs:
        m = re.match(r"^\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(.*)$", spec)
        if not m:
            continue
        name, rest = m.group(1), m.group(2)
        low = re.search(r">=\s*([0-9][^,;\s]*)", rest)
        if low:
            pins.append(f"{name}=={low.group(1)}")
    return pins


if __name__ == "__main__":
    extras = tuple(sys.argv[1:]) or ("test",)
    sys.stdout.write("\n".join(lowest_pins(ROOT / "pyproject.toml", extras=())) + "\n")
