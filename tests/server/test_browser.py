"""A real browser (Debian's chromium through Playwright) against `smallprint serve`'s app on
loopback: search, the model page, a decision, the audit trail, the export.

Screenshots are kept in $SMALLPRINT_ARTIFACTS (or the test's tmp folder) and checked to
be non-blank.
"""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import pytest
from review_app import PASSWORD, Live

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.slow


def _png_stats(data: bytes) -> tuple[int, int, int]:
    """(width, height, distinct byte values of the pixel data): a blank page has ~1."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    return width, height, len(set(raw[1: min(len(raw), 4_000_000)]))


def _shot(page, folder: Path, name: str) -> Path:  # type: ignore[no-untyped-def]
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    w, h, distinct = _png_stats(path.read_bytes())
    assert w > 100 and h > 100 and distinct > 20, f"{name}: blank screenshot"
    return path


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    base = os.environ.get("SMALLPRINT_ARTIFACTS")
    folder = Path(base) / "browser" if base else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_search_model_decide_audit_export(live: Live, artifacts: Path) -> None:
    if not CHROMIUM.exists():
        message = "Debian chromium is required at /usr/bin/chromium (apt-get install chromium; .ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)  # never skipped in CI
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    model = "meta-llama/Llama-3.2-3B-Instruct"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        try:
            ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
            page = ctx.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(live.url + "/")
            assert page.locator("form[action='/login']").is_visible()
            page.fill("input[name=username]", "approver")
            page.fill("input[name=password]", PASSWORD)
            page.click("form[action='/login'] button[type=submit]")
            page.wait_for_url(live.url + "/")
            # search: htmx swaps the results as one types
            page.fill("input[name=q]", "Llama-3.2-3B-Instruct")
            link = page.locator(f"table.catalog a[href='/models/{model}']")
            link.wait_for(timeout=10_000)
            _shot(page, artifacts, "1-search")
            link.click()
            page.wait_for_url(f"**/models/{model}**")
            assert page.locator("h1").inner_text() == model
            assert page.locator("#report table.terms").count() >= 1, "the reporter's small print table"
            _shot(page, artifacts, "2-model")
            form = page.locator("form.decision").first
            form.locator("select[name=state]").select_option("approved-with-duties")
            form.locator("textarea[name=reason]").fill("Approved for the support bot; duties below")
            form.locator("textarea[name=public_note]").fill("Show Built with Llama in the about page")
            form.locator("textarea[name=private_comment]").fill("counsel reviewed on the call")
            form.locator("button[type=submit]").click()
            page.wait_for_load_state()
            state = page.locator("fieldset.review .state").first
            assert state.inner_text() == "approved-with-duties"
            _shot(page, artifacts, "3-decided")
            page.click("nav.top a[href='/audit']")
            page.wait_for_url("**/audit")
            row = page.locator("table.audit tbody tr").first
            assert "decision" in row.inner_text() and "approver" in row.inner_text()
            assert "approved-with-duties" in row.inner_text()
            _shot(page, artifacts, "4-audit")
            with page.expect_download() as dl:
                page.click("a[href='/audit/export.csv']")
            csv_path = artifacts / "audit.csv"
            dl.value.save_as(str(csv_path))
            text = csv_path.read_text(encoding="utf-8")
            assert text.startswith("seq,at,actor,action") and "approved-with-duties" in text
            page.goto(live.url + "/audit/signoff")
            assert "hash chain verified" in page.content()
            page.pdf(path=str(artifacts / "signoff.pdf")) if hasattr(page, "pdf") else None
            _shot(page, artifacts, "5-signoff")
            assert not errors, errors
        finally:
            browser.close()
