"""Security: logins and roles, CSRF on every form, bounded and contained uploads, payloads
stored verbatim and shown inert."""

from __future__ import annotations

import io
import re
import tarfile
import zipfile
from pathlib import Path

import pytest
from review_app import World

MODEL = "meta-llama/Llama-3.1-8B-Instruct"
PAYLOADS = [
    "<script>alert('xss')</script>",
    "\"><img src=x onerror=alert(1)>",
    "'; DROP TABLE sp_reviews; --",
    "1' OR '1'='1",
    "{{ 7*7 }} {% raw %}",
    "=HYPERLINK(\"http://evil\")",
]


def _tree(root: Path, data_dir: Path) -> set[str]:
    """Every path under `root` outside the app's data folder."""
    return {str(p.relative_to(root)) for p in root.rglob("*") if data_dir not in (p, *p.parents)}


@pytest.mark.parametrize("path", ["/", "/models/" + MODEL, "/reviews", "/portfolio", "/audit", "/audit/export.csv",
                                  "/licenses/llama3.1", "/check", "/admin", "/api/v1/me", "/api/v1/reviews",
                                  "/api/v1/audit", "/api/v1/search?q=llama"])
def test_every_page_and_endpoint_needs_a_login(sqlite_world: World, path: str) -> None:
    r = sqlite_world.client().get(path, follow_redirects=False)
    assert r.status_code == 401
    assert "private" not in r.text.lower() or path.startswith("/api")


def test_wrong_role_is_refused(sqlite_world: World) -> None:
    w = sqlite_world
    assert w.client("viewer").get("/check").status_code == 403
    assert w.client("reviewer").get("/admin").status_code == 403
    assert w.client("approver").get("/api/v1/users").status_code == 403
    assert w.client("admin").get("/api/v1/users").status_code == 200
    assert w.client("viewer").post("/api/v1/check", json={"target": MODEL}).status_code == 403
    assert w.client("reviewer").post("/api/v1/users", json={"username": "x", "password": "y" * 12, "role": "admin"}).status_code == 403
    assert w.client().get("/api/v1/me", headers={"Authorization": "Bearer sp_wrong"}).status_code == 401


def test_forms_without_or_with_a_wrong_csrf_token_are_refused(sqlite_world: World) -> None:
    c, tok = sqlite_world.browser_client("approver")
    rid = sqlite_world.client("reviewer").post("/api/v1/check", json={"target": MODEL}).json()["reviews"][0]["id"]
    form = {"state": "needs-legal", "reason": "x"}
    for bad in ({}, {"csrf_token": "forged"}):
        assert c.post(f"/reviews/{rid}/decision", data={**form, **bad}, follow_redirects=False).status_code == 403
        assert c.post("/reviews/bulk", data={**form, "license": "llama3.1", **bad}).status_code == 403
        assert c.post("/account/tokens", data={"name": "t", **bad}).status_code == 403
        assert c.post("/check", data={"target": MODEL, **bad}).status_code == 403
        assert c.post("/logout", data=bad).status_code == 403
    assert c.post("/login", data={"username": "admin", "password": "x"}).status_code == 403
    # cookie-authenticated API writes need the header too
    assert c.post(f"/api/v1/reviews/{rid}/decision", json=form).status_code == 403
    ok = c.post(f"/api/v1/reviews/{rid}/decision", json=form, headers={"X-CSRF-Token": tok})
    assert ok.status_code == 200
    assert c.post(f"/reviews/{rid}/decision", data={**form, "csrf_token": tok}, follow_redirects=False).status_code == 303


def test_payloads_in_every_text_field_are_stored_verbatim_and_shown_inert(sqlite_world: World) -> None:
    w = sqlite_world
    c, tok = w.browser_client("approver")
    rid = w.client("reviewer").post("/api/v1/check", json={"target": "openai/gpt-4o"}).json()["reviews"][0]["id"]
    for p in PAYLOADS:
        r = c.post(f"/reviews/{rid}/decision", data={
            "state": "rejected", "reason": p, "public_note": p, "private_comment": p, "duties": p,
            "csrf_token": tok, "back": "/models/openai/gpt-4o"}, follow_redirects=False)
        assert r.status_code == 303
        got = w.client("approver").get(f"/api/v1/reviews/{rid}").json()
        assert got["reason"] == p.strip() and got["public_note"] == p.strip() and got["private_comment"] == p.strip()
        assert got["duties"][0]["duty"] == p.strip()
        for page in ("/models/openai/gpt-4o", "/audit", "/audit/signoff", "/reviews", "/?q=" + p):
            html = c.get(page).text
            assert "<script>alert" not in html and "<img src=x" not in html, page
        for q in (p, "%", "_"):
            assert w.client("viewer").get("/api/v1/search", params={"q": q}).status_code == 200
    # the tables are still there and the trail intact
    assert w.client("viewer").get("/api/v1/audit/verify").json()["ok"] is True
    csv_text = c.get("/audit/export.csv").text
    assert "\n=HYPERLINK" not in csv_text and ",=HYPERLINK" not in csv_text
    # names given to uploads, inventories and users are data too
    admin, atok = w.browser_client("admin")
    for p in PAYLOADS[:2]:
        r = admin.post("/api/v1/users", json={"username": p, "password": "long enough password", "role": "viewer"},
                   headers={"X-CSRF-Token": atok})
        assert r.status_code == 200
    assert "<script>alert" not in w.client("admin").get("/admin").text


def test_typed_targets_never_read_server_paths(sqlite_world: World, tmp_path: Path) -> None:
    secret = tmp_path / "org" / "name"
    secret.mkdir(parents=True)
    for t in ("/etc/passwd", "../../etc", "~/x", str(secret), "..\\x", "a/b/../../c"):
        r = sqlite_world.client("reviewer").post("/api/v1/check", json={"target": t})
        assert r.status_code in (400, 422), t


def _upload(c, tok: str, name: str, content: bytes, kind: str = "auto"):  # type: ignore[no-untyped-def]
    return c.post("/check", data={"csrf_token": tok, "profile": "commercial-saas", "kind": kind, "name": "acme/up"},
                  files={"file": (name, content, "application/octet-stream")}, follow_redirects=False)


def test_uploads_are_bounded_checked_and_not_kept(sqlite_world: World, tmp_path: Path) -> None:
    w = sqlite_world
    c, tok = w.browser_client("reviewer")
    before = _tree(tmp_path.parent, w.data_dir)
    lic = Path(__file__).parents[2] / "src/smallprint/kb/texts"
    text = (lic / "llama-3.1.txt").read_bytes()
    r = _upload(c, tok, "LICENSE", text, "license")
    assert r.status_code == 303 and r.headers["location"].startswith("/models/acme/up")
    page = c.get(r.headers["location"]).text
    assert "llama3.1" in page
    # a card, and a snapshot archive holding a card and a licence
    card = b"---\nlicense: apache-2.0\n---\n# acme model\n"
    assert _upload(c, tok, "README.md", card).status_code == 303
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("snap/README.md", card)
        z.writestr("snap/LICENSE", text)
    assert _upload(c, tok, "snap.zip", buf.getvalue()).status_code == 303
    # too large: refused while streaming
    r = _upload(c, tok, "big.md", b"x" * (300 * 1024))
    assert r.status_code == 413
    uploads = w.data_dir / "uploads"
    assert not any(uploads.iterdir()), "uploads are read once and removed"
    assert _tree(tmp_path.parent, w.data_dir) == before, "nothing written outside the data folder"


def _zip(entries: dict[str, bytes], link: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, data in entries.items():
            z.writestr(n, data)
        if link:
            info = zipfile.ZipInfo("snap/evil-link")
            info.external_attr = (0o120777 << 16)
            z.writestr(info, link)
    return buf.getvalue()


def _tar(name: str, *, symlink: str | None = None, hardlink: str | None = None) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        ti = tarfile.TarInfo(name)
        if symlink:
            ti.type, ti.linkname = tarfile.SYMTYPE, symlink
            tf.addfile(ti)
        elif hardlink:
            ti.type, ti.linkname = tarfile.LNKTYPE, hardlink
            tf.addfile(ti)
        else:
            data = b"---\nlicense: mit\n---\n"
            ti.size = len(data)
            tf.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


@pytest.mark.parametrize("archive", [
    ("zip-slip.zip", _zip({"../../escaped.md": b"x"})),
    ("abs.zip", _zip({"/tmp/escaped-abs.md": b"x"})),
    ("link.zip", _zip({"snap/README.md": b"# x\n"}, link="/etc/passwd")),
    ("slip.tar.gz", _tar("../escaped.md")),
    ("abs.tar.gz", _tar("/tmp/escaped-abs.md")),
    ("sym.tar.gz", _tar("snap/README.md", symlink="/etc/passwd")),
    ("hard.tar.gz", _tar("snap/README.md", hardlink="/etc/passwd")),
])
def test_archives_cannot_escape_or_link_out(sqlite_world: World, tmp_path: Path, archive: tuple[str, bytes]) -> None:
    w = sqlite_world
    c, tok = w.browser_client("reviewer")
    before = _tree(tmp_path.parent, w.data_dir)
    r = _upload(c, tok, archive[0], archive[1], "snapshot")
    assert r.status_code == 413, r.text[:200]
    assert re.search(r"outside|link", r.text)
    assert not (sqlite_world.data_dir / "escaped.md").exists() and not Path("/tmp/escaped-abs.md").exists()
    assert not any((sqlite_world.data_dir / "uploads").iterdir())
    assert _tree(tmp_path.parent, w.data_dir) == before


def test_zip_bombs_are_bounded(sqlite_world: World) -> None:
    c, tok = sqlite_world.browser_client("reviewer")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("snap/README.md", b"0" * (5 * 1024 * 1024))  # 5 MiB from a few KiB; limit is 4x 256 KiB
    r = _upload(c, tok, "bomb.zip", buf.getvalue(), "snapshot")
    assert r.status_code == 413 and "more than" in r.text


def test_security_headers(sqlite_world: World) -> None:
    r = sqlite_world.client("viewer").get("/")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
    c, _ = sqlite_world.browser_client("viewer")
    cookie = next(h for h in c.cookies.jar)
    assert cookie.name == "smallprint_session"
    assert cookie.has_nonstandard_attr("HttpOnly") or "httponly" in str(cookie.__dict__).lower()
