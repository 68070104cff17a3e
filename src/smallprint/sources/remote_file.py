"""Random access to a remote file through HTTP range requests.

Header readers expect a seekable binary file. `RemoteFile` gives them one over a
URL: it fetches only the byte ranges they touch, in aligned blocks kept in a small
cache, grows each request while the reader walks forward (a GGUF tokenizer section
can be megabytes long), and stops at a byte budget, so the cost of reading a header
never depends on the size of the weights behind it.
"""

from __future__ import annotations

import io
import re
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from smallprint.errors import SourceError

if TYPE_CHECKING:  # httpx is imported when a range is first fetched, not with this module
    import httpx2

KIB = 1024
MIB = 1024 * KIB
_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(?:(\d+)-(\d+)|\*)/(\d+|\*)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class RangeLimits:
    """How much a remote header read may cost."""

    first_bytes: int = 2 * MIB  # the opening request; most headers fit in it
    block: int = 256 * KIB  # cache granularity
    max_request: int = 16 * MIB  # one request never asks for more
    max_total: int = 64 * MIB  # bytes transferred for one file, all requests together
    max_cached: int = 32 * MIB  # bytes kept in the block cache
    deadline_s: float = 60.0  # wall clock for one file, against servers that trickle


class RemoteReadError(SourceError):
    """The remote file could not be read (HTTP status, network, budget); not a broken header."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Chunk:
    """Bytes from `start`, and the file's total size when the server said it."""

    start: int
    data: bytes
    total: int | None


class RangeSource(Protocol):
    """Fetches up to `length` bytes from `start`."""

    def fetch(self, start: int, length: int) -> Chunk: ...


class HttpRangeSource:
    """Range GETs on one URL through an httpx client, reading no more than asked for."""

    def __init__(
        self,
        client: httpx2.Client,
        url: str,
        headers: Mapping[str, str],
        *,
        timeout: float,
        deadline: float,
    ) -> None:
        self._client = client
        self._url = url
        self._headers = dict(headers)
        self._timeout = timeout
        self._deadline = deadline

    def fetch(self, start: int, length: int) -> Chunk:
        import httpx2

        headers = {**self._headers, "Range": f"bytes={start}-{start + length - 1}", "Accept-Encoding": "identity"}
        try:
            with self._client.stream("GET", self._url, headers=headers, timeout=self._timeout) as response:
                return self._chunk(response, start, length)
        except httpx2.TimeoutException:
            raise RemoteReadError(f"no answer within {self._timeout:g} s") from None
        except httpx2.HTTPError as exc:
            raise RemoteReadError(f"network error ({type(exc).__name__})") from None

    def _chunk(self, response: httpx2.Response, start: int, length: int) -> Chunk:
        status = response.status_code
        if status == 416:
            total = _total_from(response.headers.get("Content-Range"))
            return Chunk(start, b"", total if total is not None else start)
        if status == 206:
            first, total = _parse_content_range(response.headers.get("Content-Range"))
            if first != start:
                raise RemoteReadError(f"server answered range from {first}, asked from {start}", status)
            return Chunk(start, self._body(response, length), total)
        if status == 200:
            size = _int_or_none(response.headers.get("Content-Length"))
            if start != 0 or size is None or size > length:
                raise RemoteReadError("server ignores HTTP range requests; header not read", status)
            return Chunk(0, self._body(response, length), size)
        raise RemoteReadError(_status_reason(status), status)

    def _body(self, response: httpx2.Response, length: int) -> bytes:
        """At most `length` bytes of the body; the rest of the stream is dropped unread."""
        parts: list[bytes] = []
        got = 0
        for part in response.iter_raw():
            parts.append(part[: length - got])
            got += len(parts[-1])
            if got >= length:
                break
            if time.monotonic() > self._deadline:
                raise RemoteReadError("transfer too slow; gave up")
        return b"".join(parts)


def _status_reason(status: int) -> str:
    reasons = {
        401: "HTTP 401: authentication needed (gated or private; set HF_TOKEN)",
        403: "HTTP 403: access refused (gated; accept the licence on the Hub and set HF_TOKEN)",
        404: "HTTP 404: file not found at this revision",
        429: "HTTP 429: rate limited",
    }
    return reasons.get(status, f"HTTP {status}")


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value is not None and value.strip().isdigit() else None


def _total_from(value: str | None) -> int | None:
    match = _CONTENT_RANGE.match(value or "")
    return int(match.group(3)) if match and match.group(3) != "*" else None


def _parse_content_range(value: str | None) -> tuple[int, int | None]:
    match = _CONTENT_RANGE.match(value or "")
    if not match or match.group(1) is None:
        raise RemoteReadError(f"partial answer without a usable Content-Range ({(value or '')[:80]!r})", 206)
    total = None if match.group(3) == "*" else int(match.group(3))
    return int(match.group(1)), total


class RemoteFile(io.RawIOBase):
    """A read-only, seekable file over a RangeSource, with a block cache and a byte budget."""

    def __init__(self, source: RangeSource, limits: RangeLimits | None = None) -> None:
        super().__init__()
        self._source = source
        self._limits = limits or RangeLimits()
        self._blocks: OrderedDict[int, bytes] = OrderedDict()
        self._pos = 0
        self._next_request = self._limits.first_bytes
        self.bytes_fetched = 0
        self.requests = 0
        self.size = self._open()

    def _open(self) -> int:
        self.requests += 1
        chunk = self._source.fetch(0, self._limits.first_bytes)
        self._spend(len(chunk.data))
        size = chunk.total if chunk.total is not None else None
        if size is None:
            if len(chunk.data) < self._limits.first_bytes:
                size = len(chunk.data)  # a short answer without a total is the whole file
            else:
                raise RemoteReadError("server did not say the file size (Content-Range total)")
        self.size = size
        self._store(0, chunk.data[:size])
        return size

    # io.RawIOBase -------------------------------------------------------------------

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        position = base + offset
        if position < 0:
            raise ValueError("negative seek position")
        self._pos = position
        return position

    def read(self, size: int | None = -1) -> bytes:
        end = self.size if size is None or size < 0 else min(self.size, self._pos + size)
        if end <= self._pos:
            return b""
        data = self._range(self._pos, end)
        self._pos = end
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    # blocks ---------------------------------------------------------------------------

    def _range(self, start: int, end: int) -> bytes:
        block = self._limits.block
        first, last = start // block, (end - 1) // block
        missing = [b for b in range(first, last + 1) if b not in self._blocks]
        if missing:
            self._fill(missing[0], last)
        parts = []
        for index in range(first, last + 1):
            data = self._blocks.get(index)
            if data is None:  # evicted while filling a long run: fetch what is left
                self._fill(index, last)
                data = self._blocks[index]
            self._blocks.move_to_end(index)
            parts.append(data)
        joined = b"".join(parts)
        offset = start - first * block
        return joined[offset : offset + (end - start)]

    def _fill(self, first_block: int, last_block: int) -> None:
        """Fetch from `first_block` at least to `last_block`, more while the reader walks on."""
        block = self._limits.block
        start = first_block * block
        wanted = max((last_block + 1) * block - start, self._next_request)
        length = min(wanted, self._limits.max_request, self.size - start)
        length = max(length, min((last_block + 1) * block, self.size) - start)
        self._next_request = min(self._next_request * 2, self._limits.max_request)
        remaining = self._limits.max_total - self.bytes_fetched
        if length > remaining:
            raise RemoteReadError(
                f"header needs more than {self._limits.max_total // MIB} MiB of transfer; not read whole"
            )
        self.requests += 1
        chunk = self._source.fetch(start, length)
        self._spend(len(chunk.data))
        if len(chunk.data) < length:
            raise RemoteReadError(f"server sent {len(chunk.data)} of {length} bytes at offset {start}")
        self._store(start, chunk.data[:length])

    def _store(self, start: int, data: bytes) -> None:
        block = self._limits.block
        for offset in range(0, len(data), block):
            self._blocks[(start + offset) // block] = data[offset : offset + block]
            self._blocks.move_to_end((start + offset) // block)
        # a partial last block is only stored when it ends the file
        tail = (start + len(data)) // block
        if (start + len(data)) % block and start + len(data) < self.size:
            self._blocks.pop(tail, None)
        while len(self._blocks) * block > self._limits.max_cached and len(self._blocks) > 1:
            self._blocks.popitem(last=False)

    def _spend(self, count: int) -> None:
        self.bytes_fetched += count
        if self.bytes_fetched > self._limits.max_total:
            raise RemoteReadError(f"more than {self._limits.max_total // MIB} MiB transferred; stopped")
