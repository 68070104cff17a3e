"""What every renderer may depend on besides the results: `ReportContext`.

Renderers are pure functions `render(results, ctx) -> str`. They never reach for the
default knowledge base, the wall clock or the environment themselves: a caller-built
knowledge base, a reproducible timestamp (SOURCE_DATE_EPOCH) and the code locations of
each model all arrive here, so the command line, the server and the audit produce the
same bytes from the same inputs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from rich.console import Console

    from smallprint.kb import KnowledgeBase


class CodeLocation(Protocol):
    """Where code (or an inventory) references a model: scan-code references, inventory locations."""

    @property
    def file(self) -> str: ...

    @property
    def line(self) -> int: ...


@dataclass(frozen=True)
class ReportContext:
    """The knowledge base, the clock and the code references a report is rendered against.

    `references` maps a result's target (or model id) to where code uses it; `fallback_uri`
    places results with no code location (the inventory or policy file). `width` and
    `color` shape terminal tables only.
    """

    kb: KnowledgeBase
    now: datetime
    references: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    fallback_uri: str | None = None
    title: str = "smallprint report"
    width: int | None = 160
    color: bool = False
    reproducible: bool = False  # SOURCE_DATE_EPOCH set: identifiers derived from the input, not random

    @classmethod
    def create(
        cls,
        kb: KnowledgeBase | None = None,
        *,
        now: datetime | None = None,
        references: Mapping[str, Sequence[Any]] | None = None,
        fallback_uri: str | None = None,
        width: int | None = 160,
        color: bool = False,
    ) -> ReportContext:
        """A context with the defaults filled in: the bundled knowledge base and the report clock."""
        from smallprint import settings
        from smallprint.reports.clock import report_time

        if kb is None:
            from smallprint.kb import default_kb

            kb = default_kb()
        return cls(
            kb=kb,
            now=now if now is not None else report_time(),
            references=dict(references or {}),
            fallback_uri=fallback_uri,
            width=width,
            color=color,
            reproducible=settings.current().source_date_epoch is not None,
        )

    def console(self, file: Any) -> Console:
        """A rich console that writes a terminal table into `file` at this context's width."""
        from rich.console import Console

        # input text is printed literally: no console markup or emoji codes in any string
        # (views also pass input through reports.escape.lit; this catches anything they miss)
        if self.color:
            return Console(file=file, width=self.width, force_terminal=True, markup=False, emoji=False,
                           highlight=False)
        return Console(file=file, width=self.width or 160, color_system=None, markup=False, emoji=False,
                       highlight=False)
