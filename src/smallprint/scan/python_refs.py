"""Model references in Python source, read with `ast` (so comments and docstrings never count).

Known loaders (`from_pretrained`, `pipeline`, `hf_hub_download`, vLLM's `LLM`,
`SentenceTransformer`, Ollama, the OpenAI/Anthropic/Google clients...) report what
they are given; a variable is resolved when it is a simple constant of the module
or function (or an `os.environ.get(NAME, "default")`), else reported as unresolved
with its expression. Any other call's `model=` keyword counts only when its string
looks like a model name.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from smallprint.scan.refs import ModelReference, RefKind, UnreadableFile, classify

# callee name -> (context, positional index of the model argument or None, keywords)
_HUB_KW: Final = ("pretrained_model_name_or_path", "model_id", "model_name_or_path", "repo_id", "model")


@dataclass(frozen=True)
class _Loader:
    context: str
    position: int | None
    keywords: tuple[str, ...]


LOADERS: Final[dict[str, _Loader]] = {
    "from_pretrained": _Loader("hub", 0, _HUB_KW),
    "from_single_file": _Loader("hub", 0, ("pretrained_model_link_or_path",)),
    "pipeline": _Loader("hub", 1, ("model",)),
    "hf_hub_download": _Loader("hub", 0, ("repo_id",)),
    "snapshot_download": _Loader("hub", 0, ("repo_id",)),
    "hf_hub_url": _Loader("hub", 0, ("repo_id",)),
    "model_info": _Loader("hub", 0, ("repo_id",)),
    "load_adapter": _Loader("hub", 0, ("peft_model_id", "model_id")),
    "LLM": _Loader("hub", 0, ("model",)),
    "AsyncEngineArgs": _Loader("hub", None, ("model",)),
    "EngineArgs": _Loader("hub", None, ("model",)),
    "SentenceTransformer": _Loader("hub", 0, ("model_name_or_path",)),
    "CrossEncoder": _Loader("hub", 0, ("model_name", "model_name_or_path")),
    "InferenceClient": _Loader("hub", 0, ("model",)),
    "HuggingFaceEndpoint": _Loader("hub", None, ("repo_id", "model")),
    "HuggingFaceEmbeddings": _Loader("hub", None, ("model_name",)),
    "Llama": _Loader("gguf", None, ("model_path",)),
    "ChatOllama": _Loader("ollama", None, ("model",)),
    "OllamaLLM": _Loader("ollama", None, ("model",)),
    "Ollama": _Loader("ollama", None, ("model",)),
    "OllamaEmbeddings": _Loader("ollama", None, ("model",)),
    "ChatOpenAI": _Loader("api", None, ("model", "model_name")),
    "OpenAIEmbeddings": _Loader("api", None, ("model",)),
    "ChatAnthropic": _Loader("api", None, ("model", "model_name")),
    "ChatGoogleGenerativeAI": _Loader("api", None, ("model",)),
    "ChatMistralAI": _Loader("api", None, ("model",)),
    "ChatCohere": _Loader("api", None, ("model",)),
    "GenerativeModel": _Loader("api", 0, ("model_name",)),
    "completion": _Loader("api", None, ("model",)),
    "acompletion": _Loader("api", None, ("model",)),
}
OLLAMA_FUNCS: Final = frozenset({"chat", "generate", "pull", "embeddings", "embed", "show", "push", "create"})
API_CREATE_PARENTS: Final = frozenset({"completions", "messages", "responses", "embeddings", "models", "images",
                                       "batches", "ChatCompletion", "Completion", "Embedding"})
_OLLAMA_CMD: Final = re.compile(r"\bollama\s+(?:pull|run|show|push)\s+([\w.\-/:]+)")
MODEL_KEYWORDS: Final = ("model", "model_name", "model_id", "base_model", "repo_id", "model_name_or_path")


_FILE_ARGUMENTS: Final[dict[str, tuple[int | None, tuple[str, ...]]]] = {
    "hf_hub_download": (1, ("filename",)),
    "hf_hub_url": (1, ("filename",)),
    "from_pretrained": (None, ("gguf_file", "filename")),  # transformers; llama_cpp.Llama.from_pretrained
    "from_single_file": (None, ("gguf_file",)),
}


def _file_argument(name: str, node: ast.Call, kwargs: dict[str, ast.expr]) -> ast.expr | None:
    """The file-in-repository argument of a Hub download call, if any."""
    spec = _FILE_ARGUMENTS.get(name)
    if spec is None:
        return None
    position, keywords = spec
    for k in keywords:
        if k in kwargs:
            return kwargs[k]
    if position is not None and len(node.args) > position and not isinstance(node.args[position], ast.Starred):
        return node.args[position]
    return None


def _dotted(node: ast.AST) -> str:
    """"a.b.c" for an attribute chain; "" when it is not one."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Call):
        parts.append(_dotted(node.func) + "()")
    else:
        return ""
    return ".".join(reversed(parts))


class _Constants:
    """String constants assigned exactly once in a scope, for resolving simple variables."""

    def __init__(self, body: list[ast.stmt]):
        seen: dict[str, int] = {}
        values: dict[str, ast.expr] = {}
        for stmt in body:
            targets: list[ast.expr] = []
            value: ast.expr | None = None
            if isinstance(stmt, ast.Assign):
                targets, value = stmt.targets, stmt.value
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                targets, value = [stmt.target], stmt.value
            for t in targets:
                if isinstance(t, ast.Name) and value is not None:
                    seen[t.id] = seen.get(t.id, 0) + 1
                    values[t.id] = value
        self.values = {k: v for k, v in values.items() if seen[k] == 1}


class _Resolver:
    def __init__(self, scopes: list[_Constants]):
        self.scopes = scopes

    def string(self, node: ast.expr | None, depth: int = 0) -> str | None:
        """The string an expression evaluates to, when that is knowable without running it."""
        if node is None or depth > 5:
            return None
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else None
        if isinstance(node, ast.Name):
            for scope in reversed(self.scopes):
                if node.id in scope.values:
                    return self.string(scope.values[node.id], depth + 1)
            return None
        if isinstance(node, ast.JoinedStr):
            parts = []
            for v in node.values:
                s = self.string(v.value if isinstance(v, ast.FormattedValue) else v, depth + 1)
                if s is None:
                    return None
                parts.append(s)
            return "".join(parts)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.string(node.left, depth + 1), self.string(node.right, depth + 1)
            return None if left is None or right is None else left + right
        if isinstance(node, ast.Call) and _dotted(node.func) in {"os.environ.get", "os.getenv", "getenv", "environ.get"}:
            default = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "default"), None)
            return self.string(default, depth + 1)
        return None


class _Visitor(ast.NodeVisitor):
    def __init__(self, file: str, module: ast.Module):
        self.file = file
        self.refs: list[ModelReference] = []
        self.attached: set[tuple[int, int]] = set()  # (line, column) of file names given with their repo
        self.resolver = _Resolver([_Constants(module.body)])

    def _scoped(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.resolver.scopes.append(_Constants(node.body))
        self.generic_visit(node)
        self.resolver.scopes.pop()

    visit_FunctionDef = _scoped
    visit_AsyncFunctionDef = _scoped

    def _emit(
        self, arg: ast.expr, context: str | None, via: str, known_loader: bool, filename: str | None = None
    ) -> bool:
        """Record the reference `arg` makes; True when it named a model."""
        value = self.resolver.string(arg)
        expr = None if isinstance(arg, ast.Constant) else ast.unparse(arg)[:200]
        if value is None:
            if known_loader and not isinstance(arg, ast.Constant):
                self.refs.append(ModelReference(self.file, arg.lineno, None, "unresolved", via, arg.col_offset,
                                                expression=expr))
            return False
        cls = classify(value, context if context != "api" else None)
        if cls is None and known_loader and context == "api":
            cls = ("name", None)
        if cls is None:
            return False
        kind: RefKind = cls[0]
        self.refs.append(ModelReference(self.file, arg.lineno, value.strip(), kind, via, arg.col_offset,
                                        cls[1], expr, filename if kind == "hub" else None))
        return kind == "hub"

    def _command_list(self, node: ast.Call) -> None:
        """subprocess.run(["ollama", "pull", "llama3.1:8b"]) and the like."""
        for arg in node.args:
            if isinstance(arg, ast.List | ast.Tuple):
                words = [self.resolver.string(e) for e in arg.elts]
                if len(words) >= 3 and words[0] == "ollama" and words[1] in {"pull", "run", "show", "push"}:
                    target = arg.elts[2]
                    if words[2]:
                        self.refs.append(ModelReference(self.file, target.lineno, words[2], "ollama", "ollama cli",
                                                        target.col_offset, "ollama"))

    def visit_Call(self, node: ast.Call) -> None:
        self._command_list(node)
        dotted = _dotted(node.func)
        name = dotted.rsplit(".", 1)[-1] if dotted else ""
        parent = dotted.rsplit(".", 2)[-2] if dotted.count(".") >= 1 else ""
        kwargs = {k.arg: k.value for k in node.keywords if k.arg}
        loader = LOADERS.get(name)
        if "ollama" in dotted.lower() and name in OLLAMA_FUNCS:
            loader = _Loader("ollama", 0, ("model",))
        elif name in {"create", "generate_content", "stream", "count_tokens", "embed_content"} and (
            parent in API_CREATE_PARENTS
        ):
            loader = _Loader("api", None, ("model",))
        if name == "pipeline" and not node.args and "model" not in kwargs and "task" in kwargs:
            loader = None  # pipeline(task=...) alone loads the task's default model: nothing named
        if loader is not None:
            arg = next((kwargs[k] for k in loader.keywords if k in kwargs), None)
            if arg is None and loader.position is not None and len(node.args) > loader.position:
                arg = node.args[loader.position]
            if name == "pipeline" and arg is None and len(node.args) == 1:
                arg = None  # pipeline("task"): the task, not a model
            file_arg = _file_argument(name, node, kwargs)
            filename = self.resolver.string(file_arg) if file_arg is not None else None
            named_repo = False
            if arg is not None and not isinstance(arg, ast.Starred):
                named_repo = self._emit(arg, loader.context, f"{dotted or name}()", True, filename)
            if file_arg is not None and named_repo:
                # the file belongs to the repository just reported: not a model of its own
                self.attached.add((file_arg.lineno, file_arg.col_offset))
            elif "gguf_file" in kwargs:
                self._emit(kwargs["gguf_file"], "gguf", f"{dotted or name}(gguf_file=)", False)
        else:
            for key in MODEL_KEYWORDS:
                if key in kwargs:
                    self._emit(kwargs[key], None, f"{dotted or name}({key}=)", False)
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and "ollama" in node.value:
            for m in _OLLAMA_CMD.finditer(node.value):
                self.refs.append(ModelReference(self.file, node.lineno, m.group(1), "ollama", "ollama cli",
                                                node.col_offset, "ollama"))
        if isinstance(node.value, str) and node.value.lower().endswith(".gguf") and not any(
            c.isspace() for c in node.value
        ):
            self.refs.append(ModelReference(self.file, node.lineno, node.value, "gguf", "string literal",
                                            node.col_offset))


def python_references(source: str, file: str) -> Iterator[ModelReference]:
    """Model references in one Python file; a file that does not parse is reported as such."""
    try:
        module = ast.parse(source)
    except SyntaxError as e:
        where = f" at line {e.lineno}" if e.lineno else ""
        raise UnreadableFile(f"Python syntax error{where}; not read") from None
    except (ValueError, MemoryError):
        raise UnreadableFile("not Python source (NUL bytes); not read") from None
    except RecursionError:
        raise UnreadableFile("Python source nested too deeply; not read") from None
    v = _Visitor(file, module)
    try:
        v.visit(module)
    except RecursionError:
        raise UnreadableFile("Python source nested too deeply; not read") from None
    return _dedupe(v.refs, v.attached)


def _dedupe(refs: list[ModelReference], attached: set[tuple[int, int]] | None = None) -> Iterator[ModelReference]:
    """A .gguf literal inside a loader call is reported once, by the loader; a file name
    attached to its repository (`hf_hub_download(repo, filename="x.gguf")`) is no model of its own."""
    seen: set[tuple[int, int, str | None]] = set()
    attached = attached or set()
    for r in sorted(refs, key=lambda r: (r.line, r.column, r.via == "string literal")):
        key = (r.line, r.column, r.name)
        if r.kind == "gguf" and (r.line, r.column) in attached:
            continue
        if key not in seen:
            seen.add(key)
            yield r
