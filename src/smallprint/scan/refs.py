"""A model reference found in code, and what kind of model a name denotes.

A name is classified by its shape: `org/name` is a Hugging Face Hub id, `name:tag`
an Ollama tag, `*.gguf` a GGUF file, `gpt-4o`/`claude-*`/`gemini-*`/... a closed API
model. The call it appears in can decide too (`ollama.chat(model="llama3")`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final, Literal

from smallprint.errors import InputError
from smallprint.kb import KnowledgeBase

RefKind = Literal["hub", "ollama", "gguf", "api", "local", "name", "unresolved"]


class UnreadableFile(InputError):
    """A file scan-code could not read (syntax error, binary, refused by a limit): the
    message says why, and the scan goes on with the next file."""


@dataclass(frozen=True)
class ModelReference:
    """One place in a code base that names (or loads) a model.

    `name` is None for an unresolved reference, whose `expression` is the source text
    of what was passed (a variable, an attribute, a call).
    """

    file: str
    line: int
    name: str | None
    kind: RefKind
    via: str
    column: int = 0
    provider: str | None = None
    expression: str | None = None
    filename: str | None = None  # a file inside the Hub repository (hf_hub_download(filename=...))

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "name": self.name,
            "kind": self.kind,
            "via": self.via,
        }
        if self.provider:
            d["provider"] = self.provider
        if self.expression is not None:
            d["expression"] = self.expression
        if self.filename is not None:
            d["filename"] = self.filename
        return d

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"


API_PATTERNS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("openai", re.compile(
        r"(gpt-[0-9][\w.\-]*|gpt-oss-[\w.\-]+|chatgpt-[\w.\-]+|o[1-9](-mini|-pro|-preview)?(-[\w\-]+)?|"
        r"text-embedding-(3-[a-z]+|ada-\d+)|dall-e-[23]|whisper-1|tts-1(-hd)?|gpt-image-[\w\-]+|davinci-002|babbage-002|"
        r"omni-moderation-[\w\-]+|text-moderation-[\w\-]+|codex-[\w\-]+)")),
    ("anthropic", re.compile(r"claude-[\w.\-@]+")),
    ("google", re.compile(r"(models/)?(gemini-[\w.\-]+|text-embedding-00\d|embedding-001|imagen-[\w.\-]+|veo-[\w.\-]+)")),
    ("mistral", re.compile(
        r"(mistral-(large|medium|small|tiny|embed|saba|ocr|moderation)(-[\w.\-]+)?|codestral-[\w.\-]+|"
        r"open-mistral-[\w.\-]+|open-mixtral-[\w.\-]+|open-codestral-[\w.\-]+|ministral-[\w.\-]+|"
        r"pixtral-(large|12b)-[\w.\-]+|magistral-[\w.\-]+|devstral-(small|medium)-[\w.\-]+)")),
    ("cohere", re.compile(
        r"(command(-r|-r-plus|-light|-nightly|-a)?(-[\w.\-]+)?|embed-(english|multilingual)-[\w.\-]+|"
        r"rerank-[\w.\-]+|c4ai-aya-[\w.\-]+)")),
)
"""Closed API model names as their providers spell them (lower case, no org prefix)."""

ROUTER_PREFIXES: Final[dict[str, str]] = {
    "openai": "openai", "azure": "openai", "anthropic": "anthropic", "gemini": "google", "google": "google",
    "vertex_ai": "google", "mistral": "mistral", "mistralai": "mistral", "cohere": "cohere",
}
"""`provider/model` prefixes of LLM routers (LiteLLM and the like)."""

_HUB_ID: Final = re.compile(r"[A-Za-z0-9][\w.\-]{0,95}/[A-Za-z0-9][\w.\-]{0,95}")
_OLLAMA_TAG: Final = re.compile(r"([a-z0-9][\w.\-]*/)?[a-z0-9][\w.\-]*:[\w.\-]+")
_BARE_NAME: Final = re.compile(r"[A-Za-z0-9][\w.\-]{1,95}")


def api_provider(name: str) -> str | None:
    """The closed-API provider whose model naming `name` follows, or None."""
    n = name.strip()
    for provider, pat in API_PATTERNS:
        if pat.fullmatch(n):
            return provider
    return None


def classify(name: str, context: str | None = None) -> tuple[RefKind, str | None] | None:
    """(kind, provider) for a model name, or None when it does not look like one.

    `context` is what the call or key implies: "hub" (from_pretrained and friends),
    "ollama", "api" or None (a generic `model=`).
    """
    n = name.strip()
    if not n or len(n) > 300 or any(c.isspace() for c in n):
        return None
    if n.lower().endswith(".gguf"):
        return "gguf", None
    if n.startswith(("./", "../", "/", "~", "file:")) or re.match(r"[A-Za-z]:\\", n):
        return ("local", None) if context == "hub" else None
    if context == "ollama":
        return "ollama", "ollama"
    head, _, rest = n.partition("/")
    if rest and head.lower() in ROUTER_PREFIXES and api_provider(rest):
        return "api", ROUTER_PREFIXES[head.lower()]
    if rest and head.lower() in {"ollama", "ollama_chat"}:
        return "ollama", "ollama"
    if rest and head.lower() == "huggingface" and _HUB_ID.fullmatch(rest):
        return "hub", None
    provider = api_provider(n)
    if provider:
        return "api", provider
    if _OLLAMA_TAG.fullmatch(n):
        return "ollama", "ollama"
    if _HUB_ID.fullmatch(n):
        return "hub", None
    if context == "hub" and _BARE_NAME.fullmatch(n):
        return "hub", None  # canonical Hub ids without an org: "gpt2", "bert-base-uncased"
    if context == "name" and _BARE_NAME.fullmatch(n):
        return "name", None
    return None


def catalog_id(name: str, kb: KnowledgeBase) -> str | None:
    """The catalog model for a name found in code: itself or an alias, else a closed
    API's provider-wide entry (`openai/api`) for an uncatalogued API model name."""
    m = kb.model(name)
    if m is not None:
        return m.id
    cls = classify(name)
    if cls is not None and cls[0] == "api" and cls[1]:
        fallback = kb.model(f"{cls[1]}/api")
        return fallback.id if fallback else None
    return None
