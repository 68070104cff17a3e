"""Model references in configs (YAML, JSON, TOML, .env) and in other languages' source.

Configs are parsed, and a value counts when its key names a model (`model:`,
`model_name:`, `base_model:`, `*_model:`...). Other source files and shell scripts
are read line by line with patterns (`model: "gpt-4o"`, `from_pretrained("...")`,
`ollama pull llama3.1:8b`, `huggingface-cli download org/name`, `*.gguf` paths),
skipping lines that are comments.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from typing import Any, Final

import yaml

from smallprint.scan.refs import ModelReference, RefKind, UnreadableFile, classify
from smallprint.sources.yaml_guard import BoundedSafeLoader, YamlLimitError

MODEL_KEYS: Final = frozenset({
    "model", "model_name", "model_id", "model_path", "model_name_or_path", "base_model", "base_model_name_or_path",
    "pretrained_model_name_or_path", "repo_id", "hub_model_id", "llm", "llm_model", "chat_model",
    "embedding_model", "embed_model", "reranker_model", "teacher_model", "student_model", "draft_model",
    "tokenizer_name",
})


_NESTED_NAME_KEYS: Final = frozenset({"name", "id", "path", "repo", "repo_id", "model_id", "pretrained", "hub_id"})


def _is_model_key(key: str) -> bool:
    """`model`, `*_model`..., or `name`/`id`/`path` directly under such a key (`model: {name: ...}`)."""
    parts = key.strip().lower().replace("-", "_").split(".")
    k = parts[-1]
    if k in MODEL_KEYS or k.endswith(("_model", "_model_name", "_model_id")):
        return True
    return len(parts) > 1 and k in _NESTED_NAME_KEYS and _is_model_key(parts[-2])


def _last(key: str) -> str:
    return key.rsplit(".", 1)[-1]


def _ref(file: str, line: int, value: str, via: str, context: str | None) -> ModelReference | None:
    v = value.strip()
    if re.fullmatch(r"(true|false|null|none|yes|no|~|auto|default|[\d.eE+\-]+)", v, re.I):
        return None
    if re.fullmatch(r"\$\{?[A-Za-z_]\w*\}?|\{\{.*\}\}|<[^>]+>", v) or (v.startswith("${") and v.endswith("}")):
        return ModelReference(file, line, None, "unresolved", via, expression=v)
    cls = classify(v, context)
    if cls is None:
        return None
    kind: RefKind = cls[0]
    return ModelReference(file, line, v, kind, via, provider=cls[1])


# --- YAML: walk the node tree so every value keeps its line --------------------------


def _yaml_nodes(node: yaml.Node, file: str, key: str | None = None) -> Iterator[ModelReference]:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            k_text = k.value if isinstance(k, yaml.ScalarNode) and isinstance(k.value, str) else None
            child = f"{_last(key)}.{k_text}" if key and k_text else k_text
            yield from _yaml_nodes(v, file, child)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _yaml_nodes(item, file, key)
    elif isinstance(node, yaml.ScalarNode) and isinstance(node.value, str) and node.value:
        line = node.start_mark.line + 1
        if key and _is_model_key(key):
            r = _ref(file, line, node.value, f"config:{_last(key)}", "name")
            if r:
                yield r
        elif m := re.fullmatch(r"\s*(?:-\s*)?([A-Za-z_]\w*)=(\S+)\s*", node.value):  # KEY=value env entries
            if _is_model_key(m.group(1)):
                r = _ref(file, line, m.group(2).strip("\"'"), f"config:{m.group(1)}", "name")
                if r:
                    yield r
        elif node.value.lower().endswith(".gguf") and " " not in node.value:
            yield ModelReference(file, line, node.value, "gguf", f"config:{_last(key) if key else 'value'}")


MAX_YAML_DOCUMENTS: Final = 1000


def yaml_references(text: str, file: str) -> Iterator[ModelReference]:
    """Model keys in YAML, composed by the bounded loader (scan-code runs on untrusted pull
    requests: an alias bomb or a deeply nested file is refused, and said so)."""
    docs = compose_bounded(text, file)
    for doc in docs:
        yield from _yaml_nodes(doc, file)


def compose_bounded(text: str, file: str) -> list[yaml.Node]:
    """Every document's node tree, within the front-matter loader's depth and alias limits;
    anything refused raises UnreadableFile with the reason and line."""
    loader: BoundedSafeLoader | None = None
    docs: list[yaml.Node] = []
    try:
        loader = BoundedSafeLoader(text)
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                docs.append(node)
            if len(docs) > MAX_YAML_DOCUMENTS:
                raise UnreadableFile(f"more than {MAX_YAML_DOCUMENTS} YAML documents; not read")
    except YamlLimitError as e:
        raise UnreadableFile(f"refused: {e} (line {e.line + 1}); not read") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise UnreadableFile(f"YAML syntax error{where}; not read") from None
    except RecursionError:
        raise UnreadableFile("YAML nested too deeply; not read") from None
    finally:
        if loader is not None:
            loader.dispose()
    return docs


# --- JSON and TOML: parse, then find the line of each value --------------------------


def _pairs(data: Any, key: str | None = None, depth: int = 0) -> Iterator[tuple[str | None, str]]:
    if depth > 100:
        return  # parsers cap nesting near 1,000 levels; generators nested that deep would overflow
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _pairs(v, f"{_last(key)}.{k}" if key else str(k), depth + 1)
    elif isinstance(data, list):
        for v in data:
            yield from _pairs(v, key, depth + 1)
    elif isinstance(data, str):
        yield key, data


_LINE_WINDOW: Final = 2000


def _line_of(lines: list[str], key: str | None, value: str, start: int) -> int:
    """The line of a parsed value, searched forward from the previous one within a window
    (a value written with escapes never matches literally: scanning every line for each of
    thousands of values would be quadratic)."""
    for i in range(start, min(len(lines), start + _LINE_WINDOW)):
        if value in lines[i] and (key is None or key in lines[i]):
            return i + 1
    for i in range(start, min(len(lines), start + _LINE_WINDOW)):
        if value in lines[i]:
            return i + 1
    return min(start, len(lines) - 1) + 1 if lines else 1


def _structured_refs(data: Any, text: str, file: str) -> Iterator[ModelReference]:
    lines = text.splitlines()
    cursor = 0
    for key, value in _pairs(data):
        if key and _is_model_key(key):
            line = _line_of(lines, _last(key), value, cursor)
            cursor = line - 1
            r = _ref(file, line, value, f"config:{_last(key)}", "name")
            if r:
                yield r
        elif value.lower().endswith(".gguf") and " " not in value:
            line = _line_of(lines, None, value, cursor)
            yield ModelReference(file, line, value, "gguf", f"config:{_last(key) if key else 'value'}")


def json_references(text: str, file: str) -> Iterator[ModelReference]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise UnreadableFile(f"JSON syntax error at line {e.lineno}; not read") from None
    except ValueError:  # a number beyond Python's digit limit
        raise UnreadableFile("JSON number too long to read; not read") from None
    except RecursionError:
        raise UnreadableFile("JSON nested too deeply; not read") from None
    yield from _structured_refs(data, text, file)


def toml_references(text: str, file: str) -> Iterator[ModelReference]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise UnreadableFile(f"TOML syntax error ({_first_line(str(e))}); not read") from None
    except (RecursionError, ValueError):
        raise UnreadableFile("TOML nested too deeply or a value too long; not read") from None
    yield from _structured_refs(data, text, file)


def _first_line(s: str) -> str:
    return (s.strip().splitlines() or [""])[0][:120]


_ENV_LINE: Final = re.compile(r"^\s*(?:export\s+)?([A-Za-z_]\w*)\s*=\s*[\"']?([^\"'\s#]+)")


def env_references(text: str, file: str) -> Iterator[ModelReference]:
    for i, line in enumerate(text.splitlines(), 1):
        m = _ENV_LINE.match(line)
        if m and _is_model_key(m.group(1)):
            r = _ref(file, i, m.group(2), f"env:{m.group(1)}", "name")
            if r:
                yield r


# --- other languages and shell: line patterns ---------------------------------------

_COMMENT: Final = re.compile(r"^\s*(//|#(?!!)|/\*|\*|--|;|<!--|rem\s)", re.I)
_STR: Final = r"[\"'`]([^\"'`\s]{2,200})[\"'`]"
LINE_PATTERNS: Final[tuple[tuple[re.Pattern[str], str | None, str], ...]] = (
    (re.compile(r"from_pretrained\s*\(\s*(?:[\w.]+\s*,\s*)?" + _STR), "hub", "from_pretrained()"),
    (re.compile(r"\b(?:repo_id|repoId|repo)\s*[:=]\s*" + _STR), "hub", "repo_id"),
    (re.compile(r"(?<![\w.])(?:\"model\"|'model'|model|modelName|model_name|modelId|model_id|Model|ModelName|"
                r"MODEL|MODEL_NAME|MODEL_ID)\s*[:=]\s*" + _STR), None, "model"),
    (re.compile(r"\bollama\s+(?:pull|run|create|push|show)\s+([\w.\-/:]+)"), "ollama", "ollama cli"),
    (re.compile(r"\b(?:huggingface-cli|hf)\s+download\s+([\w.\-]+/[\w.\-]+)"), "hub", "hf download"),
    (re.compile(r"(?:^|[\s\"'=(])([\w./\-~]+\.gguf)\b"), None, "gguf path"),
)
SHELL_ONLY: Final = frozenset({"ollama cli", "hf download"})


def line_references(text: str, file: str, shell: bool = False) -> Iterator[ModelReference]:
    """Pattern matches in source of other languages (and shell commands where `shell`)."""
    for i, line in enumerate(text.splitlines(), 1):
        if len(line) > 2000 or _COMMENT.match(line):
            continue
        for pat, context, via in LINE_PATTERNS:
            for m in pat.finditer(line):
                if via in SHELL_ONLY and not shell and "`" not in line and "exec" not in line and "run" not in line:
                    continue
                r = _ref(file, i, m.group(1), via, context)
                if r is not None:
                    yield ModelReference(r.file, r.line, r.name, r.kind, r.via, m.start(1), r.provider, r.expression)
