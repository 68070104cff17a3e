"""The report time: now, or SOURCE_DATE_EPOCH when set, so reports can be reproducible."""

from __future__ import annotations

from datetime import UTC, datetime

from smallprint import settings


def report_time() -> datetime:
    epoch = settings.current().source_date_epoch
    if epoch is not None:
        return datetime.fromtimestamp(epoch, UTC)
    return datetime.now(UTC).replace(microsecond=0)
