"""The long fuzz run: every reader's fuzz target for a time budget, printing executions and failures.

    .venv/bin/python benchmarks/fuzz_readers.py                    # 20 s per target
    .venv/bin/python benchmarks/fuzz_readers.py --seconds 120 --only gguf bom

The targets and input strategies are the test suite's (tests/fuzz/). Each target runs
rounds of hypothesis examples with fresh seeds until its time is up; a failure prints
the shrunk input and its traceback, and counts. Keep every crasher found as a case in
tests/fuzz/test_fuzz_regressions.py. Exit 1 when anything failed.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

from fuzz.targets import TARGETS, Target, cleanup  # noqa: E402


def run_target(target: Target, seconds: float, round_size: int) -> tuple[int, list[str]]:
    """(executions, failure reports) for one target within `seconds`."""
    executions = 0
    failures: list[str] = []
    seen: set[str] = set()
    stop = time.monotonic() + seconds

    def counted(value: object) -> None:
        nonlocal executions
        executions += 1
        target.run(value)

    while time.monotonic() < stop:

        @seed(random.getrandbits(64))
        @settings(max_examples=round_size, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck), print_blob=True)
        @given(target.strategy)
        def round_(value: object) -> None:
            if time.monotonic() < stop:
                counted(value)

        try:
            round_()
        except Exception as e:  # noqa: BLE001 - a failing example: report it and keep fuzzing
            report = "".join(traceback.format_exception(e))
            key = f"{type(e).__name__}:{traceback.extract_tb(e.__traceback__)[-1][:3] if e.__traceback__ else ''}"
            if key not in seen:
                seen.add(key)
                failures.append(report)
    return executions, failures


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20.0, help="time per target (default 20)")
    ap.add_argument("--round", type=int, default=200, help="examples per hypothesis round (default 200)")
    ap.add_argument("--only", nargs="*", help="target names (default: all)")
    args = ap.parse_args()
    chosen = [t for t in TARGETS if not args.only or t.name in args.only]
    total_exec = total_fail = 0
    print(f"{'target':<14} {'executions':>10} {'exec/s':>8} {'failures':>8}")
    for t in chosen:
        start = time.monotonic()
        n, failures = run_target(t, args.seconds, args.round)
        took = time.monotonic() - start
        total_exec += n
        total_fail += len(failures)
        print(f"{t.name:<14} {n:>10} {n / max(took, 1e-9):>8.1f} {len(failures):>8}", flush=True)
        for f in failures:
            print(f"--- failure in {t.name}:\n{f}", file=sys.stderr)
    print(f"{'total':<14} {total_exec:>10} {'':>8} {total_fail:>8}")
    cleanup()
    return 1 if total_fail else 0


if __name__ == "__main__":
    raise SystemExit(main())
