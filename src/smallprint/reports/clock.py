"""The report time: now, or SOURCE_DATE_EPOCH when set, so reports can be reproducible."""

from __future__ import annotations

import os
from datetime import UTC, datetime


def report_time() -> datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC).replace(microsecond=0)
