"""Asking the file system about a path given on the command line, without raising.

`Path.is_dir()` and friends raise on a path part longer than the system allows
(ENAMETOOLONG) or on a permission problem, which would end a whole run for one bad
target; and a FIFO or device that exists must not be described as "no such file".
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

__all__ = ["exists", "is_dir", "is_file", "why_not_readable"]


def _stat(path: str | os.PathLike[str]) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (OSError, ValueError):  # ValueError: an embedded NUL byte
        return None


def is_dir(path: str | os.PathLike[str]) -> bool:
    """A directory (links followed); False for anything the system refuses to look up."""
    st = _stat(path)
    return st is not None and stat.S_ISDIR(st.st_mode)


def is_file(path: str | os.PathLike[str]) -> bool:
    """A regular file (links followed); False for FIFOs, devices and refused paths."""
    st = _stat(path)
    return st is not None and stat.S_ISREG(st.st_mode)


def exists(path: str | os.PathLike[str]) -> bool:
    """Anything at that path, a broken link included; False for refused paths."""
    try:
        os.lstat(path)
    except (OSError, ValueError):
        return False
    return True


def why_not_readable(path: str | os.PathLike[str]) -> str:
    """Why a path is neither a folder nor a regular file, in a few true words."""
    p = Path(path)
    try:
        st = os.stat(p)
    except ValueError:
        return "the path contains a NUL byte"
    except OSError as e:
        if e.errno == errno.ENAMETOOLONG:
            return "a part of the path is longer than the system allows (255 bytes)"
        if e.errno in (errno.ENOENT, errno.ENOTDIR):
            if exists(p):
                return "a broken symbolic link"
            return "no such file or directory"
        if e.errno == errno.ELOOP:
            return "a symbolic link loop"
        if e.errno == errno.EACCES:
            return "permission denied"
        return f"cannot be read ({e.strerror or type(e).__name__})"
    mode = st.st_mode
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a file or folder"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file or folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a file or folder"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a file"
