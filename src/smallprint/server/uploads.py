"""Uploads: bounded, written only inside the data directory, archives unpacked safely.

The request body is parsed as it streams (python-multipart's parser, fed chunk by chunk)
rather than through Starlette's form parser, because that one spools large files to the
system temporary directory: here the one file goes straight to a fresh folder under
`<data>/uploads/`, the byte count is enforced while reading, and nothing is ever run.
"""

from __future__ import annotations

import re
import shutil
import stat
import tarfile
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from fastapi import HTTPException, Request
from python_multipart.multipart import MultipartParser, parse_options_header

MAX_FIELD = 64 * 1024
MAX_FIELDS = 30
MAX_MEMBERS = 2000
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class UploadRefused(Exception):
    """An upload that breaks a rule (size, links, paths): the message says which."""


@dataclass
class Form:
    fields: dict[str, str] = field(default_factory=dict)
    file_name: str | None = None
    file_path: Path | None = None
    file_size: int = 0
    folder: Path | None = None


def safe_name(name: str) -> str:
    """A client's file name reduced to one harmless path component."""
    base = PurePosixPath(name.replace("\\", "/")).name
    base = _SAFE_NAME.sub("_", base).strip("._") or "upload"
    return base[:100]


def new_folder(data_dir: Path) -> Path:
    root = (data_dir / "uploads").resolve()
    root.mkdir(parents=True, exist_ok=True)
    d = root / uuid.uuid4().hex
    d.mkdir()
    return d


async def read_form(request: Request, data_dir: Path, max_bytes: int) -> Form:
    """Parse a multipart (or urlencoded) form; at most one file, at most `max_bytes` in all."""
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > max_bytes + 64 * 1024:
        raise HTTPException(413, f"upload larger than {max_bytes} bytes")
    if ctype == b"" and not (length and length.isdigit() and int(length) > 0):
        return Form()  # an empty form: its CSRF check refuses it
    if ctype == b"application/x-www-form-urlencoded":
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FIELD * MAX_FIELDS:
                raise HTTPException(413, "form too large")
        from urllib.parse import parse_qsl

        return Form(fields=dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)))
    if ctype != b"multipart/form-data" or b"boundary" not in params:
        raise HTTPException(415, "expected a multipart form")
    form = Form()
    state: dict[str, object] = {"name": None, "filename": None, "buf": bytearray(), "fh": None}
    headers: dict[bytes, bytes] = {}
    cur_field: list[bytes] = [b"", b""]
    total = [0]

    def on_header_field(data: bytes, start: int, end: int) -> None:
        cur_field[0] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        cur_field[1] += data[start:end]

    def on_header_end() -> None:
        headers[cur_field[0].lower()] = cur_field[1]
        cur_field[0], cur_field[1] = b"", b""

    def on_headers_finished() -> None:
        _, p = parse_options_header(headers.get(b"content-disposition", b""))
        state["name"] = p.get(b"name", b"").decode("utf-8", "replace")
        fn = p.get(b"filename")
        state["filename"] = None if fn is None else fn.decode("utf-8", "replace")
        state["buf"] = bytearray()
        if state["filename"] is not None and state["filename"] != "":
            if form.file_path is not None:
                raise UploadRefused("one file per upload")
            form.folder = new_folder(data_dir)
            form.file_name = safe_name(str(state["filename"]))
            form.file_path = form.folder / form.file_name
            state["fh"] = open(form.file_path, "xb")  # noqa: SIM115 (closed in on_part_end)
        headers.clear()

    def on_part_data(data: bytes, start: int, end: int) -> None:
        n = end - start
        total[0] += n
        if total[0] > max_bytes:
            raise UploadRefused(f"upload larger than {max_bytes} bytes")
        fh = state["fh"]
        if fh is not None:
            fh.write(data[start:end])  # type: ignore[attr-defined]
            form.file_size += n
        else:
            buf = state["buf"]
            assert isinstance(buf, bytearray)
            if len(buf) + n > MAX_FIELD:
                raise UploadRefused("a form field is too long")
            buf.extend(data[start:end])

    def on_part_end() -> None:
        fh = state["fh"]
        if fh is not None:
            fh.close()  # type: ignore[attr-defined]
            state["fh"] = None
        elif state["filename"] is None:
            if len(form.fields) >= MAX_FIELDS:
                raise UploadRefused("too many form fields")
            buf = state["buf"]
            assert isinstance(buf, bytearray)
            form.fields[str(state["name"])] = buf.decode("utf-8", "replace")

    parser = MultipartParser(params[b"boundary"], {
        "on_header_field": on_header_field, "on_header_value": on_header_value,
        "on_header_end": on_header_end, "on_headers_finished": on_headers_finished,
        "on_part_data": on_part_data, "on_part_end": on_part_end,
    })
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except UploadRefused as e:
        discard(form)
        raise HTTPException(413, str(e)) from None
    except Exception:
        discard(form)
        raise HTTPException(400, "malformed multipart form") from None
    finally:
        fh = state["fh"]
        if fh is not None:
            fh.close()  # type: ignore[attr-defined]
    return form


def discard(form: Form) -> None:
    if form.folder is not None:
        shutil.rmtree(form.folder, ignore_errors=True)


# -- archives ------------------------------------------------------------------------------


def _inside(root: Path, name: str) -> Path:
    """The member's destination, refusing absolute paths, drive letters and `..`."""
    p = PurePosixPath(name.replace("\\", "/"))
    if p.is_absolute() or ".." in p.parts or (p.parts and ":" in p.parts[0]):
        raise UploadRefused(f"archive member {name!r} points outside the upload")
    dest = (root / Path(*p.parts)).resolve() if p.parts else root
    if dest != root and root not in dest.parents:
        raise UploadRefused(f"archive member {name!r} points outside the upload")
    return dest


def is_archive(path: Path) -> bool:
    return zipfile.is_zipfile(path) or tarfile.is_tarfile(path)


def extract(archive: Path, dest: Path, max_total: int) -> list[str]:
    """Unpack a zip or tar archive into `dest`: only regular files and folders, no links,
    no device files, no path outside `dest`, at most `max_total` bytes unpacked and
    MAX_MEMBERS members. Nothing is executed and no permission bits are kept."""
    dest = dest.resolve()
    dest.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    total = 0
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise UploadRefused(f"archive has more than {MAX_MEMBERS} members")
            for info in infos:
                mode = info.external_attr >> 16
                if stat.S_ISLNK(mode):
                    raise UploadRefused(f"archive member {info.filename!r} is a link")
                target = _inside(dest, info.filename)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                total += info.file_size
                if total > max_total:
                    raise UploadRefused(f"archive unpacks to more than {max_total} bytes")
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(target, "wb") as out:
                    n = 0
                    while chunk := src.read(1 << 16):
                        n += len(chunk)
                        if n > info.file_size or total - info.file_size + n > max_total:
                            raise UploadRefused("archive member larger than it declares")
                        out.write(chunk)
                written.append(str(target.relative_to(dest)))
        return written
    with tarfile.open(archive) as tf:
        members = []
        for i, m in enumerate(tf):
            if i >= MAX_MEMBERS:
                raise UploadRefused(f"archive has more than {MAX_MEMBERS} members")
            if m.issym() or m.islnk():
                raise UploadRefused(f"archive member {m.name!r} is a link")
            if not (m.isfile() or m.isdir()):
                raise UploadRefused(f"archive member {m.name!r} is not a regular file")
            _inside(dest, m.name)
            total += m.size
            if total > max_total:
                raise UploadRefused(f"archive unpacks to more than {max_total} bytes")
            members.append(m)
        # the standard library's 'data' filter re-checks paths and strips modes and owners
        tf.extractall(dest, members=members, filter="data")
        written = [m.name for m in members if m.isfile()]
    return written
