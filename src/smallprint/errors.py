"""Errors that reach the user as one line and exit code 2, never a traceback.

`user_message` is the one place an exception becomes the line a user reads (the command
line, the per-target `error` of a result, the server); nothing else formats errors or
decides what an error means by reading its text.
"""

from __future__ import annotations

from typing import Final, Literal

SourceErrorKind = Literal[
    "not-found",  # the model (or revision) does not exist, or is private
    "not-cached",  # offline and not in the local cache
    "offline",  # offline mode forbids the read
    "unreachable",  # no connection, DNS, refused
    "timeout",
    "rate-limited",
    "http",  # any other HTTP status
    "malformed",  # a header or file that is not what it claims to be
    "unreadable",  # anything else that stopped the read
]
SOURCE_ERROR_KINDS: Final = (
    "not-found", "not-cached", "offline", "unreachable", "timeout", "rate-limited", "http",
    "malformed", "unreadable",
)


class SmallprintError(Exception):
    """Base class: the message is shown to the user as is, on one line."""


class InputError(SmallprintError):
    """An input could not be read: missing, a directory, binary, too large, not UTF-8..."""


class KnowledgeBaseError(SmallprintError):
    """A bundled or user data file is malformed."""


class SourceError(SmallprintError):
    """A model source could not be read (Hub unreachable, gated repo, broken header...).

    `kind` says why, for callers that act on it (a missing ancestor is remembered, an
    unreachable one is not); `target` is what was being read, when known."""

    def __init__(self, message: str, *, kind: SourceErrorKind = "unreadable", target: str | None = None):
        super().__init__(message)
        self.kind: SourceErrorKind = kind
        self.target = target


def user_message(exc: BaseException) -> str:
    """The one line a user reads for an exception: our own errors as written, anything
    else as an internal error naming its type (a bug, never an answer)."""
    if isinstance(exc, SmallprintError):
        return " ".join(str(exc).split())
    if isinstance(exc, RecursionError):
        return "input too deeply nested"
    if isinstance(exc, MemoryError):
        return "out of memory on this input"
    return " ".join(f"internal error: {type(exc).__name__}: {exc}".split())
