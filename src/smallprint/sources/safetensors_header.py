"""The header of a safetensors file: an 8-byte length, then that many bytes of JSON.

Only the header is read, so the cost does not grow with the weights. The format
caps the header at 100,000,000 bytes; `__metadata__` is a free string-to-string map.
"""

from __future__ import annotations

import json
import math
import stat
import struct
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smallprint.errors import SourceError

MAX_HEADER_BYTES = 100_000_000
MAX_DIMS = 32


@dataclass
class SafetensorsHeader:
    """Metadata and a tensor summary of one safetensors file."""

    path: str
    header_bytes: int
    metadata: dict[str, str] = field(default_factory=dict)
    tensor_count: int = 0
    dtypes: dict[str, int] = field(default_factory=dict)  # dtype -> tensor count
    parameter_count: int = 0


def read_safetensors_header(path: Path) -> SafetensorsHeader:
    """Read and check a safetensors header; anything broken raises SourceError."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(f"{path}: not a regular file")
        with path.open("rb") as handle:
            prefix = handle.read(8)
            if len(prefix) < 8:
                raise SourceError(f"{path}: not a safetensors file (shorter than 8 bytes)")
            length = struct.unpack("<Q", prefix)[0]
            if length > MAX_HEADER_BYTES:
                raise SourceError(f"{path}: safetensors header of {length} bytes exceeds the limit")
            if 8 + length > info.st_size:
                raise SourceError(f"{path}: safetensors header length {length} runs past the end of the file")
            raw = handle.read(length)
    except OSError as exc:
        raise SourceError(f"{path}: cannot read safetensors file ({exc.strerror or exc})") from None
    return parse_header(raw, str(path))


def parse_header(raw: bytes, name: str) -> SafetensorsHeader:
    """Decode the JSON header bytes and summarise the tensors."""
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SourceError(f"{name}: safetensors header is not UTF-8") from None
    except (ValueError, RecursionError):
        raise SourceError(f"{name}: safetensors header is not valid JSON") from None
    if not isinstance(document, dict):
        raise SourceError(f"{name}: safetensors header is not a JSON object")
    header = SafetensorsHeader(name, len(raw))
    dtypes: Counter[str] = Counter()
    for key, entry in document.items():
        if key == "__metadata__":
            header.metadata = _metadata(entry, name)
            continue
        dtype, count = _tensor(entry, key, name)
        dtypes[dtype] += 1
        header.parameter_count += count
        header.tensor_count += 1
    header.dtypes = dict(dtypes)
    return header


def _metadata(entry: Any, name: str) -> dict[str, str]:
    if entry is None:
        return {}
    if not isinstance(entry, dict):
        raise SourceError(f"{name}: safetensors __metadata__ is not a JSON object")
    out: dict[str, str] = {}
    for key, value in entry.items():
        if not isinstance(value, str):
            raise SourceError(f"{name}: safetensors __metadata__ value for {key!r} is not a string")
        out[key] = value
    return out


def _tensor(entry: Any, key: str, name: str) -> tuple[str, int]:
    if not isinstance(entry, dict):
        raise SourceError(f"{name}: tensor {key[:80]!r} entry is not an object")
    dtype = entry.get("dtype")
    shape = entry.get("shape")
    offsets = entry.get("data_offsets")
    if not isinstance(dtype, str) or not isinstance(shape, list):
        raise SourceError(f"{name}: tensor {key[:80]!r} lacks dtype or shape")
    if len(shape) > MAX_DIMS or not all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d < 1 << 63 for d in shape):
        raise SourceError(f"{name}: tensor {key[:80]!r} has an invalid shape")
    count = math.prod(shape)
    if count >= 1 << 63:
        raise SourceError(f"{name}: tensor {key[:80]!r} has an implausible shape ({len(shape)} dimensions)")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(isinstance(o, int) for o in offsets)):
        raise SourceError(f"{name}: tensor {key[:80]!r} has invalid data_offsets")
    return dtype[:64], count
