"""The short fuzz run: every reader fed generated hostile input, no internal error.

Each target runs a fixed number of examples (within the suite's 30 s fuzz budget);
benchmarks/fuzz_readers.py runs the same targets for as long as asked. Crashers found by either
are kept in test_fuzz_regressions.py.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from fuzz.targets import TARGETS, Target


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_reader_survives_generated_hostile_input(target: Target) -> None:
    @settings(
        max_examples=target.short_examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(target.strategy)
    def run(value: object) -> None:
        target.run(value)

    run()
