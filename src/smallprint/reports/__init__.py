"""How results are shown: one contract, many formats.

    from smallprint.reports import ReportContext, render
    text = render("check", "html", results, ReportContext.create(kb))

`registry.py` lists every subject's formats (a new format is one `register` line and one
`render(value, ctx) -> str` function in `renderers.py`); `context.py` holds what a renderer
may depend on (knowledge base, clock, code references); the `*_views.py`, `html.py`,
`sarif.py`, `cyclonedx.py` and `spdx3.py` modules draw each format.
"""

from smallprint.reports.context import ReportContext
from smallprint.reports.registry import Format, formats, get_format, register, render

__all__ = ["Format", "ReportContext", "formats", "get_format", "register", "render"]
