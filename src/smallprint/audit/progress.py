"""Progress on stderr: cards done, rate and time left (rich), silent when asked or not a terminal."""

from __future__ import annotations

import sys
import time
from typing import Any


class Progress:
    def __init__(self, enabled: bool, total: int | None):
        self.enabled = enabled
        self.total = total
        self._bar: Any = None
        self._task: Any = None
        self.start = time.monotonic()
        self.done = 0
        self.evaluated = 0

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TaskProgressColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as Bar

            self._bar = Bar(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TaskProgressColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(file=sys.stderr),
                transient=False,
                refresh_per_second=4,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("cards", total=self.total, rate="")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)

    def stage(self, name: str) -> None:
        if self._bar is not None:
            self._bar.update(self._task, description=name)

    def advance(self, n: int, *, evaluated: bool = True) -> None:
        self.done += n
        if evaluated:
            self.evaluated += n
        if self._bar is not None:
            elapsed = max(time.monotonic() - self.start, 1e-6)
            rate = f"{self.evaluated / elapsed:,.0f} cards/s"
            if self.total is not None and self.done > self.total:
                self.total = None
                self._bar.update(self._task, total=None)
            self._bar.update(self._task, advance=n, rate=rate)

    def restart(self, description: str, total: int | None) -> None:
        """A new bar for a later stage (the registry re-evaluation)."""
        if self._bar is not None:
            self._task = self._bar.add_task(description, total=total, rate="")
        self.start = time.monotonic()
        self.done = self.evaluated = 0
        self.total = total
