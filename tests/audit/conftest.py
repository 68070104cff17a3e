"""Fixtures of the audit tests (helpers live in tests/audit_fixtures.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit_fixtures import CORPUS


@pytest.fixture
def corpus() -> Path:
    if not (CORPUS / "cards" / "index.json").exists():
        pytest.skip("corpus not present")
    return CORPUS
