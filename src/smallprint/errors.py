"""Errors that reach the user as one line and exit code 2, never a traceback."""

from __future__ import annotations


class SmallprintError(Exception):
    """Base class: the message is shown to the user as is, on one line."""


class InputError(SmallprintError):
    """An input could not be read: missing, a directory, binary, too large, not UTF-8..."""


class KnowledgeBaseError(SmallprintError):
    """A bundled or user data file is malformed."""


class SourceError(SmallprintError):
    """A model source could not be read (Hub unreachable, gated repo, broken header...)."""
