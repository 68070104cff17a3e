"""Accuracy against the corpus labels, one command: identification, then terms.

    .venv/bin/python benchmarks/accuracy.py

Prints identification accuracy on every corpus text and its re-formatted copies (wrong
ids must be 0), then per-key precision/recall of the terms for the identified licences
and of the clause rules alone (as if every text were unknown).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main() -> int:
    code = 0
    for title, argv in (
        ("Identification (corpus texts and perturbed copies)", [str(HERE / "accuracy_identify.py")]),
        ("Terms: (a) known-licence path, (b) clause rules alone", [str(HERE / "accuracy_terms.py"), "--quiet"]),
    ):
        print(f"\n=== {title} ===", flush=True)
        code |= subprocess.call([sys.executable, *argv])
    return code


if __name__ == "__main__":
    sys.exit(main())
