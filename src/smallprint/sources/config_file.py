"""Reading the user's own configuration files: profiles, policies, inventories.

They are often written by hand and sometimes come from a pull request, so they get the
same treatment as a model card: the bounded YAML loader (depth, alias and size limits,
no Python tags), the one encoding policy of every reader, and every failure (a bad
escape, a `!!binary` key, a 5,000-digit number, nesting too deep, a FIFO) becomes one
`InputError` line that names the file.
"""

from __future__ import annotations

import json
import os
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smallprint.errors import InputError
from smallprint.inputs import decode_text
from smallprint.sources.paths import why_not_readable
from smallprint.sources.yaml_guard import YamlProblem, load_bounded_yaml, to_plain, value_problem

__all__ = ["ConfigText", "parse_config_text", "read_config_file", "read_user_text"]


@dataclass(frozen=True)
class ConfigText:
    """A parsed configuration file and its text (for line numbers in messages)."""

    path: Path
    data: Any
    text: str


def read_config_file(path: str | Path, what: str, *, max_bytes: int) -> ConfigText:
    """Read, decode and parse a YAML, JSON or TOML configuration file (by suffix; YAML
    otherwise). `what` names the kind of file in messages ("policy file")."""
    p = Path(path)
    text = read_user_text(p, what, max_bytes=max_bytes)
    if not text.strip():
        return ConfigText(p, None, "")
    return ConfigText(p, parse_config_text(text, p, what, max_bytes=max_bytes), text)


def read_user_text(path: str | Path, what: str, *, max_bytes: int) -> str:
    """A user's file as text: a regular file (never a FIFO or device, which would hang),
    within the size limit, in the one encoding policy; "" for an empty file."""
    p = Path(path)
    try:
        st = os.stat(p)
    except (OSError, ValueError):
        why = why_not_readable(p)
        if why == "no such file or directory":
            raise InputError(f"{p}: {what} not found (no such file)") from None
        raise InputError(f"{p}: {what}: {why}") from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{p}: {what} is {why_not_readable(p)}")
    if st.st_size > max_bytes:
        raise InputError(f"{p}: {what} is too large ({st.st_size:,} bytes; the limit is {max_bytes:,})")
    try:
        with open(p, "rb") as f:
            raw = f.read(max_bytes + 1)
    except OSError as e:
        raise InputError(f"{p}: {what} cannot be read ({e.strerror or type(e).__name__})") from None
    if len(raw) > max_bytes:
        raise InputError(f"{p}: {what} is too large (the limit is {max_bytes:,} bytes)")
    if not raw.strip():
        return ""
    try:
        return decode_text(raw, str(p))
    except InputError as e:
        raise InputError(f"{p}: {what}: {str(e).removeprefix(f'{p}: ')}") from None


def parse_config_text(text: str, path: Path, what: str, *, max_bytes: int) -> Any:
    """Parse configuration text by the file's suffix; one-line InputError naming the file."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".toml":
            try:
                return to_plain(tomllib.loads(text))
            except tomllib.TOMLDecodeError as e:
                raise InputError(f"{path}: broken TOML in {what}: {_line(str(e))}") from None
        if suffix == ".json":
            try:
                return to_plain(json.loads(text))
            except json.JSONDecodeError as e:
                raise InputError(f"{path}: broken JSON in {what}: {e.msg} (line {e.lineno})") from None
    except (ValueError, RecursionError, MemoryError) as e:
        why = "nested too deeply" if isinstance(e, RecursionError) else value_problem(e)
        raise InputError(f"{path}: {what} cannot be read: {why}") from None
    loaded = load_bounded_yaml(text, max_bytes=max_bytes)
    if isinstance(loaded, YamlProblem):
        message = loaded.message.removeprefix("invalid YAML: ")
        raise InputError(f"{path}: broken YAML in {what} (line {loaded.line + 1}): {_line(message)}")
    return loaded.data


def _line(s: str) -> str:
    return " ".join((s.strip().splitlines() or [""])[0].split())[:300]
