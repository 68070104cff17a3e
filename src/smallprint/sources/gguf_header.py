"""A bounded reader for the metadata section of a GGUF file.

The metadata holds the licence and lineage keys; the tensor data never matters.
Malformed GGUF headers have a long history of exploits against readers that trust
counts and lengths, so every count, length and byte total is checked against a
limit and against the file size before it is used, and values that are not needed
(the tokenizer's vocabulary arrays) are skipped by size without being built.
"""

from __future__ import annotations

import math
import stat
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from smallprint.errors import SourceError

MAGIC = b"GGUF"
MAX_KV_COUNT = 65_536
MAX_TENSOR_COUNT = 1_000_000
MAX_KEY_BYTES = 64 * 1024
MAX_STRING_BYTES = 1024 * 1024
MAX_ARRAY_LENGTH = 1 << 24
MAX_KEPT_ARRAY = 4096
MAX_METADATA_BYTES = 64 * 1024 * 1024
MAX_TENSOR_DIMS = 8
_CHUNK = 1 << 20

# value type -> (struct code, size); STRING = 8 and ARRAY = 9 are handled apart
_FIXED: dict[int, tuple[str, int]] = {
    0: ("B", 1),
    1: ("b", 1),
    2: ("H", 2),
    3: ("h", 2),
    4: ("I", 4),
    5: ("i", 4),
    6: ("f", 4),
    7: ("?", 1),
    10: ("Q", 8),
    11: ("q", 8),
    12: ("d", 8),
}
STRING, ARRAY = 8, 9
_KEEP_SCALAR_PREFIXES_SKIP = ("tokenizer.",)


class _Malformed(Exception):
    """Internal: the header is broken; turned into a SourceError naming the file."""


@dataclass
class GGUFHeader:
    """The metadata of a GGUF file: kept keys and what was skipped."""

    path: str
    version: int
    byte_order: str  # "little" | "big"
    tensor_count: int
    kv_count: int
    metadata: dict[str, Any] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    parameter_count: int | None = None

    @property
    def architecture(self) -> str | None:
        value = self.metadata.get("general.architecture")
        return value if isinstance(value, str) else None


class _BoundedReader:
    """Sequential reads over a file, with a byte budget and seeks checked against its size."""

    def __init__(self, handle: BinaryIO, size: int) -> None:
        self._handle = handle
        self.size = size
        self.pos = 0
        self._buf = b""
        self._buf_start = 0
        self.budget = MAX_METADATA_BYTES

    def read(self, count: int) -> bytes:
        if count < 0 or self.pos + count > self.size:
            raise _Malformed(f"truncated header (needs {count} bytes at offset {self.pos})")
        self._spend(count)
        end = self.pos + count
        offset = self.pos - self._buf_start
        if offset < 0 or end - self._buf_start > len(self._buf):
            self._handle.seek(self.pos)
            self._buf = self._handle.read(max(count, _CHUNK))
            self._buf_start = self.pos
            offset = 0
            if len(self._buf) < count:
                raise _Malformed(f"truncated header at offset {self.pos}")
        self.pos = end
        return self._buf[offset : offset + count]

    def skip_strings(self, count: int, length: struct.Struct) -> None:
        """Skip `count` length-prefixed strings, reading only their lengths (the hot loop)."""
        unpack = length.unpack_from
        for _ in range(count):
            offset = self.pos - self._buf_start
            if offset < 0 or offset + 8 > len(self._buf):
                if self.pos + 8 > self.size:
                    raise _Malformed(f"truncated header at offset {self.pos}")
                self._handle.seek(self.pos)
                self._buf = self._handle.read(_CHUNK)
                self._buf_start = self.pos
                offset = 0
                if len(self._buf) < 8:
                    raise _Malformed(f"truncated header at offset {self.pos}")
            size = unpack(self._buf, offset)[0]
            if size > MAX_STRING_BYTES:
                raise _Malformed(f"string of {size} bytes exceeds the {MAX_STRING_BYTES}-byte limit")
            self._spend(8)
            end = self.pos + 8 + size
            if end > self.size:
                raise _Malformed(f"value runs past the end of the file at offset {self.pos}")
            self.pos = end

    def skip(self, count: int) -> None:
        if count < 0 or self.pos + count > self.size:
            raise _Malformed(f"value runs past the end of the file at offset {self.pos}")
        self.pos += count

    def _spend(self, count: int) -> None:
        self.budget -= count
        if self.budget < 0:
            raise _Malformed(f"metadata larger than {MAX_METADATA_BYTES // (1024 * 1024)} MiB")


class _Parser:
    """Walks the KV section; `order` is "<" or ">"."""

    def __init__(self, reader: _BoundedReader, order: str) -> None:
        self.r = reader
        self.order = order

    def unpack(self, code: str, size: int) -> Any:
        return struct.unpack(self.order + code, self.r.read(size))[0]

    def u32(self) -> int:
        return int(self.unpack("I", 4))

    def u64(self) -> int:
        return int(self.unpack("Q", 8))

    def string(self, limit: int = MAX_STRING_BYTES) -> str:
        length = self.u64()
        if length > limit:
            raise _Malformed(f"string of {length} bytes exceeds the {limit}-byte limit")
        return self.r.read(length).decode("utf-8", "replace")

    def skip_string(self) -> None:
        length = self.u64()
        if length > MAX_STRING_BYTES:
            raise _Malformed(f"string of {length} bytes exceeds the {MAX_STRING_BYTES}-byte limit")
        self.r.skip(length)

    def value(self, vtype: int, keep: bool, depth: int = 0) -> Any:
        if vtype in _FIXED:
            code, size = _FIXED[vtype]
            value = self.unpack(code, size)
            if isinstance(value, float) and not math.isfinite(value):
                return str(value)  # NaN/inf would make the JSON report invalid
            return value
        if vtype == STRING:
            if keep:
                return self.string()
            self.skip_string()
            return None
        if vtype == ARRAY:
            return self.array(keep, depth)
        raise _Malformed(f"unknown value type {vtype}")

    def array(self, keep: bool, depth: int) -> Any:
        if depth > 2:
            raise _Malformed("arrays nested too deeply")
        etype = self.u32()
        length = self.u64()
        if length > MAX_ARRAY_LENGTH:
            raise _Malformed(f"array of {length} elements exceeds the {MAX_ARRAY_LENGTH} limit")
        if etype not in _FIXED and etype not in (STRING, ARRAY):
            raise _Malformed(f"unknown array element type {etype}")
        if keep and length <= MAX_KEPT_ARRAY:
            return [self.value(etype, True, depth + 1) for _ in range(length)]
        if etype in _FIXED:
            self.r.skip(_FIXED[etype][1] * length)
        elif etype == STRING:
            self.r.skip_strings(length, struct.Struct(self.order + "Q"))
        else:
            for _ in range(length):
                self.value(etype, False, depth + 1)
        return None


def _wanted(key: str, is_array: bool) -> bool:
    """general.* keys are kept whole; other scalars except tokenizer ones; no other arrays."""
    if key.startswith("general."):
        return True
    return not is_array and not key.startswith(_KEEP_SCALAR_PREFIXES_SKIP)


def read_gguf_header(path: Path, *, with_tensor_info: bool = True) -> GGUFHeader:
    """Read a GGUF file's metadata; any broken or hostile header raises SourceError."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(f"{path}: not a regular file")
        with path.open("rb") as handle:
            return _read(handle, info.st_size, str(path), with_tensor_info)
    except _Malformed as exc:
        raise SourceError(f"{path}: malformed GGUF header: {exc}") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot read GGUF file ({exc.strerror or exc})") from None


def read_gguf_stream(handle: BinaryIO, size: int, name: str, *, with_tensor_info: bool = True) -> GGUFHeader:
    """Read GGUF metadata from any seekable binary stream (a file, or ranges of a remote one)."""
    try:
        return _read(handle, size, name, with_tensor_info)
    except _Malformed as exc:
        raise SourceError(f"{name}: malformed GGUF header: {exc}") from None


def _read(handle: BinaryIO, size: int, name: str, with_tensor_info: bool) -> GGUFHeader:
    reader = _BoundedReader(handle, size)
    if size < 4 or reader.read(4) != MAGIC:
        raise SourceError(f"{name}: not a GGUF file (bad magic)")
    order, version = _byte_order(reader.read(4))
    parser = _Parser(reader, order)
    tensor_count = parser.u64()
    kv_count = parser.u64()
    if kv_count > MAX_KV_COUNT:
        raise _Malformed(f"{kv_count} metadata keys exceeds the {MAX_KV_COUNT} limit")
    if tensor_count > MAX_TENSOR_COUNT:
        raise _Malformed(f"{tensor_count} tensors exceeds the {MAX_TENSOR_COUNT} limit")
    header = GGUFHeader(name, version, "big" if order == ">" else "little", tensor_count, kv_count)
    for _ in range(kv_count):
        key = parser.string(MAX_KEY_BYTES)
        vtype = parser.u32()
        keep = _wanted(key, vtype == ARRAY)
        value = parser.value(vtype, keep)
        if keep and value is not None:
            header.metadata[key] = value
        else:
            header.skipped.append(key)
    if with_tensor_info:
        header.parameter_count = _parameter_count(parser, tensor_count)
    return header


def _byte_order(raw: bytes) -> tuple[str, int]:
    little = struct.unpack("<I", raw)[0]
    big = struct.unpack(">I", raw)[0]
    if little in (2, 3):
        return "<", little
    if big in (2, 3):
        return ">", big
    if little == 1 or big == 1:
        raise _Malformed("GGUF version 1 is not supported")
    raise _Malformed(f"unsupported GGUF version {little}")


def _parameter_count(parser: _Parser, tensor_count: int) -> int:
    """Sum of element counts over the tensor infos that follow the metadata."""
    total = 0
    for _ in range(tensor_count):
        parser.skip_string()
        n_dims = parser.u32()
        if n_dims > MAX_TENSOR_DIMS:
            raise _Malformed(f"tensor with {n_dims} dimensions")
        elements = 1
        for _ in range(n_dims):
            elements *= parser.u64()
        parser.r.skip(4 + 8)  # ggml type, data offset
        total += elements
    return total
