"""`RemoteFile`: a seekable file over range requests, bounded in bytes and honest about failures."""

from __future__ import annotations

import io
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smallprint.sources.remote_file import Chunk, RangeLimits, RemoteFile, RemoteReadError

KIB = 1024
SMALL = RangeLimits(first_bytes=8 * KIB, block=4 * KIB, max_request=32 * KIB, max_total=256 * KIB, max_cached=64 * KIB)


class MemorySource:
    """Serves a bytes object by range, like a well-behaved server; counts what it sent."""

    def __init__(self, data: bytes, *, say_total: bool = True, short_by: int = 0) -> None:
        self.data = data
        self.say_total = say_total
        self.short_by = short_by
        self.sent = 0
        self.calls: list[tuple[int, int]] = []

    def fetch(self, start: int, length: int) -> Chunk:
        self.calls.append((start, length))
        part = self.data[start : start + length]
        if self.calls[1:] and self.short_by:
            part = part[: max(0, len(part) - self.short_by)]
        self.sent += len(part)
        return Chunk(start, part, len(self.data) if self.say_total else None)


DATA = os.urandom(200 * KIB)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 210 * KIB), st.integers(0, 40 * KIB)), min_size=1, max_size=25))
def test_reads_after_seeks_match_the_bytes_of_the_file(ops: list[tuple[int, int]]) -> None:
    roomy = RangeLimits(SMALL.first_bytes, SMALL.block, SMALL.max_request, max_total=64 * 1024 * KIB, max_cached=64 * KIB)
    remote = RemoteFile(MemorySource(DATA), roomy)  # evictions happen, the budget does not bite
    local = io.BytesIO(DATA)
    for offset, count in ops:
        assert remote.seek(offset) == local.seek(offset)
        assert remote.read(count) == local.read(count)
        assert remote.tell() == local.tell()


def test_size_comes_from_the_content_range_total() -> None:
    remote = RemoteFile(MemorySource(DATA), SMALL)
    assert remote.size == len(DATA)
    assert remote.seek(0, io.SEEK_END) == len(DATA) and remote.read(10) == b""


def test_walking_forward_grows_requests_but_never_past_the_cap() -> None:
    source = MemorySource(DATA)
    remote = RemoteFile(source, SMALL)
    while remote.read(3 * KIB):
        pass
    lengths = [length for _, length in source.calls]
    assert lengths[0] == SMALL.first_bytes
    assert max(lengths) <= SMALL.max_request and lengths[1] < lengths[-2]
    assert source.sent == len(DATA)  # each byte fetched once


def test_cached_blocks_are_not_fetched_again() -> None:
    source = MemorySource(DATA)
    remote = RemoteFile(source, SMALL)
    remote.read(6 * KIB)
    remote.seek(100)
    remote.read(1000)
    assert len(source.calls) == 1


def test_byte_budget_stops_a_read_that_would_cost_too_much() -> None:
    source = MemorySource(DATA)
    remote = RemoteFile(source, RangeLimits(first_bytes=8 * KIB, block=4 * KIB, max_request=32 * KIB, max_total=40 * KIB))
    with pytest.raises(RemoteReadError, match="MiB"):
        while remote.read(4 * KIB):
            pass
    assert source.sent <= 40 * KIB


def test_a_short_answer_is_an_error_not_silent_garbage() -> None:
    remote = RemoteFile(MemorySource(DATA, short_by=1), SMALL)
    remote.seek(50 * KIB)
    with pytest.raises(RemoteReadError, match="server sent"):
        remote.read(10)


def test_small_file_without_a_total_is_taken_whole() -> None:
    remote = RemoteFile(MemorySource(DATA[:100], say_total=False), SMALL)
    assert remote.size == 100 and remote.read() == DATA[:100]


def test_big_file_without_a_total_is_refused() -> None:
    with pytest.raises(RemoteReadError, match="file size"):
        RemoteFile(MemorySource(DATA, say_total=False), SMALL)
