"""Bounded YAML loading for untrusted front matter.

PyYAML's C loader can crash the process on deeply nested input and the
pure-Python composer recurses once per nesting level; aliases can expand a few
hundred bytes into millions of nodes. This loader is the pure-Python SafeLoader
with a composer that refuses nesting beyond a depth and aliases beyond a count,
so every failure is an ordinary exception with a line number.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent, MappingStartEvent, SequenceStartEvent
from yaml.nodes import MappingNode, Node

MAX_YAML_BYTES = 256 * 1024
MAX_DEPTH = 64
MAX_ALIASES = 16
MAX_INT_BITS = 1024


class YamlLimitError(Exception):
    """Front matter exceeded a limit; `line` is 0-based within the YAML text."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class YamlProblem:
    """Why a YAML text could not be loaded, and the 0-based line it points at."""

    message: str
    line: int


@dataclass
class LoadedYaml:
    """A loaded document and the 0-based line of each top-level key."""

    data: Any
    key_lines: dict[str, int]
    duplicate_keys: dict[str, list[int]] = field(default_factory=dict)  # key -> every 0-based line it is on


class _BoundedComposer(Composer):
    """Counts nesting depth and aliases while composing, raising before trouble."""

    def __init__(self) -> None:
        super().__init__()
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[attr-defined]
        line = event.start_mark.line if event.start_mark else 0
        if isinstance(event, AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise YamlLimitError(f"more than {MAX_ALIASES} YAML aliases", line)
        nests = isinstance(event, (SequenceStartEvent, MappingStartEvent))
        if nests:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise YamlLimitError(f"YAML nested deeper than {MAX_DEPTH} levels", line)
        try:
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            if nests:
                self._depth -= 1


class BoundedSafeLoader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    _BoundedComposer,
    yaml.constructor.SafeConstructor,
    yaml.resolver.Resolver,
):
    """The pure-Python safe loader with the bounded composer."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _BoundedComposer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)


def _problem_line(exc: BaseException) -> int:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        return int(mark.line)
    return int(getattr(exc, "line", 0))


def load_bounded_yaml(text: str, max_bytes: int = MAX_YAML_BYTES) -> LoadedYaml | YamlProblem:
    """Load one YAML document within the limits, or say why not (never raises).

    Text that provably stays inside the limits (no aliases, a nesting bound below
    MAX_DEPTH, no characters the two readers might judge differently) is composed by
    libyaml, many times faster; everything else, and anything libyaml rejects, goes through
    the bounded loader, so the answer is the same either way (tests/sources/test_yaml_fast_path.py)."""
    if len(text) > max_bytes or len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        return YamlProblem(f"larger than {max_bytes // 1024} KB", 0)
    if _CLoader is not None and fast_path_safe(text):
        fast = _load_with_libyaml(text)
        if fast is not None:
            return fast
    return _load_bounded(text)


def _load_bounded(text: str) -> LoadedYaml | YamlProblem:
    loader: BoundedSafeLoader | None = None
    try:
        # the Reader refuses C0/C1 control characters and NUL in its constructor, so the
        # constructor sits inside the try: such a card is broken metadata, not a crash
        loader = BoundedSafeLoader(text)
        node = loader.get_single_node()
        if node is None:
            return LoadedYaml(None, {})
        data = loader.construct_document(node)
        return LoadedYaml(to_plain(data), _top_level_key_lines(node), _duplicate_keys(node))
    except YamlLimitError as exc:
        return YamlProblem(str(exc), exc.line)
    except yaml.reader.ReaderError as exc:
        line = text[: max(0, int(exc.position))].count("\n")
        return YamlProblem(f"invalid YAML: control character {_char(exc.character)}", line)
    except yaml.YAMLError as exc:
        return YamlProblem(f"invalid YAML: {_summary(exc)}", _problem_line(exc))
    except RecursionError:
        return YamlProblem("YAML nested too deeply", 0)
    except Exception as exc:  # constructor errors: unhashable keys, bad values...
        return YamlProblem(f"invalid YAML: {value_problem(exc)}", 0)
    finally:
        if loader is not None:
            loader.dispose()


def value_problem(exc: BaseException) -> str:
    """A value error in one short line (Python's digit-limit message is a paragraph)."""
    text = str(exc)
    if "integer string conversion" in text or "int_max_str_digits" in text:
        return "a number with more than 4,300 digits"
    first = " ".join((text.strip().splitlines() or [""])[0].split())[:200]
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def _char(character: object) -> str:
    code = character if isinstance(character, int) else ord(str(character)[:1] or "\0")
    return f"U+{code:04X}"


_CLoader: Any = getattr(yaml, "CSafeLoader", None)
# What libyaml must never see: characters its reader and the pure-Python reader might
# judge differently (tabs, controls, surrogates, BOMs, NEL/LS/PS).
_UNSAFE = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff\u2028\u2029]")
_INDENT = re.compile(r"^[ \t]*", re.M)


def fast_path_safe(text: str) -> bool:
    """Whether front matter provably stays within the limits, so libyaml may compose it.

    Block collections nest only by indenting further (or by one indentless sequence per
    level), so their depth is at most twice the widest indentation plus one; flow
    collections add at most one level per bracket. Aliases are looked for after composing
    (`_has_alias`): composing shares the anchored node, only expanding it costs."""
    if _UNSAFE.search(text):
        return False
    widest = max((len(m) for m in _INDENT.findall(text)), default=0)
    brackets = text.count("[") + text.count("{")
    return 2 * (widest + 1) + brackets + 1 <= MAX_DEPTH


def _load_with_libyaml(text: str) -> LoadedYaml | None:
    """Compose with libyaml, construct with the same SafeConstructor; None on any error
    (the bounded loader then gives the error with its own wording and line)."""
    loader = _CLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return LoadedYaml(None, {})
        if "*" in text and _has_alias(node):
            return None  # the bounded loader counts and limits them
        data = loader.construct_document(node)
        return LoadedYaml(to_plain(data), _top_level_key_lines(node), _duplicate_keys(node))
    except Exception:
        return None
    finally:
        loader.dispose()


def _has_alias(root: Node) -> bool:
    """Whether a composed tree references a node twice (what an alias composes to)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return True
        seen.add(id(node))
        if isinstance(node, MappingNode):
            for k, v in node.value:
                stack.extend((k, v))
        elif isinstance(node.value, list):
            stack.extend(node.value)
    return False


def _summary(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    if problem:
        return f"{problem} ({context})" if context else str(problem)
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _top_level_key_lines(node: Node) -> dict[str, int]:
    if not isinstance(node, MappingNode):
        return {}
    lines: dict[str, int] = {}
    for key_node, _value in node.value:
        key = str(key_node.value)
        lines.setdefault(key, key_node.start_mark.line)
    return lines


def _duplicate_keys(node: Node) -> dict[str, list[int]]:
    """Top-level keys written more than once: YAML forbids them, PyYAML keeps the last silently."""
    if not isinstance(node, MappingNode):
        return {}
    seen: dict[str, list[int]] = {}
    for key_node, _value in node.value:
        seen.setdefault(str(key_node.value), []).append(key_node.start_mark.line)
    return {k: v for k, v in seen.items() if len(v) > 1}


def to_plain(value: Any, _depth: int = 0) -> Any:
    """Turn constructed YAML into JSON-safe values (dates and odd keys become strings)."""
    if _depth > MAX_DEPTH + 2:
        return None
    if isinstance(value, dict):
        return {str(k): to_plain(v, _depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [to_plain(v, _depth + 1) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        # 0x/0b literals and sexagesimals have no digit limit in PyYAML, but str() of a
        # 5,000-digit int raises later (JSON output): keep a short, truthful text instead
        digits = hex(value)
        return f"{digits[:34]}... (an integer of {value.bit_length()} bits)"
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
