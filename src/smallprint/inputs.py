"""Reading user-supplied text files safely: the edge where bad input is turned away.

Every refusal is an `InputError` with a one-line message; nothing here hangs on a
FIFO or device, reads more than the limit, or guesses at binary data.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from smallprint.errors import InputError

MAX_TEXT_BYTES = 512 * 1024
"""Licence texts are tens of kilobytes (GPL-3.0, among the longest, is 35 KB) and READMEs
rarely pass a megabyte; anything larger is almost surely not a licence, and identifying
it costs seconds per megabyte (benchmarks/hostile_text.py)."""


def decode_text(data: bytes, name: str) -> str:
    """Bytes -> text: UTF-8 (with or without BOM) or UTF-16 with a BOM; else refuse."""
    if not data.strip():
        raise InputError(f"{name}: empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise InputError(f"{name}: invalid UTF-16 text") from e
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: binary file, not a text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(
            f"{name}: not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}); "
            "convert it to UTF-8 first"
        ) from e
    return text


def read_text_file(path: str, *, limit: int = MAX_TEXT_BYTES) -> str:
    """Read a licence or card file given on the command line ("-" is standard input)."""
    if path == "-":
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            raise InputError(f"<stdin>: larger than the {_mb(limit)} limit; not a licence text")
        return decode_text(data, "<stdin>")
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(
            f"{path}: is a directory (give a licence file, or use 'smallprint check' on a model folder)"
        )
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{path}: not a regular file")
    if st.st_size > limit:
        raise InputError(
            f"{path}: {st.st_size / (1024 * 1024):.1f} MB is larger than the "
            f"{_mb(limit)} limit; not a licence text"
        )
    try:
        with open(p, "rb") as f:
            data = f.read(limit + 1)
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from None
    if len(data) > limit:
        raise InputError(f"{path}: larger than the {_mb(limit)} limit")
    return decode_text(data, path)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"
