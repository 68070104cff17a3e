"""The HTML report: self-contained, every section present, rendered in headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from smallprint.reports.html import render_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        for k in ("src", "srcset"):
            if a.get(k):
                self.srcs.append(a[k])
        if tag == "link" and a.get("href"):
            self.srcs.append(a["href"])


def test_report_is_self_contained_and_links_resolve(sample_results):
    page = render_html(sample_results)
    c = _Collect()
    c.feed(page)
    assert c.srcs == [], "no external resources"
    assert "script" not in c.tags
    internal = [h[1:] for h in c.hrefs if h.startswith("#")]
    assert internal, "terms link to their clauses"
    missing = [h for h in internal if h not in c.ids]
    assert missing == []


def test_every_section_is_there_for_every_model(sample_results):
    page = render_html(sample_results)
    for i in range(1, len(sample_results) + 1):
        for sec in (
            "verdict",
            "licence",
            "terms",
            "lineage",
            "openness",
            "findings",
            "sources",
            "texts",
        ):
            assert f'id="m{i}-{sec}"' in page
    assert 'type="checkbox"' in page  # duties as a checklist
    assert "knowledge base" in page and "smallprint 0." in page


def test_values_are_escaped(sample_results):
    sample_results[0].findings[0].message = "<script>alert(1)</script>"
    page = render_html(sample_results)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (.ci/run installs it)")
def test_report_renders_in_headless_chromium(tmp_path: Path, sample_results):
    page = tmp_path / "report.html"
    page.write_text(render_html(sample_results), encoding="utf-8")
    ud = tmp_path / "ud"
    dom = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={ud}", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=90,
    ).stdout
    # what the browser built, not what we wrote
    assert re.search(r'<table class="summary">.*acme/llama-ft.*acme/plain.*acme/custom', dom, re.S)
    assert dom.count('class="model"') == 3
    assert 'class="tree lineage"' in dom and "Llama-3.1-8B" in dom
    shot = tmp_path / "shot.png"
    subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={ud}",
            "--window-size=1200,1600",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=90,
    )
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a real page, not a blank one
