"""Model cards: README.md with YAML front matter, as the Hub defines them.

Real cards are messy (CRLF, BOM, tabs in YAML, missing fences), so parsing never
raises: every problem becomes a `broken-metadata` finding with the line it points
at, and a line scan recovers the top-level scalar fields a strict parser lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smallprint.errors import InputError
from smallprint.model import Evidence, Finding
from smallprint.sources.yaml_guard import YamlProblem, load_bounded_yaml

MAX_CARD_BYTES = 8 * 1024 * 1024
_FENCE = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
_LIST_KEY_LINE = re.compile(r"^([A-Za-z_][\w-]{0,100})[ \t]*:[ \t]*(?:#.*)?$")
_LIST_ITEM_LINE = re.compile(r"^[ \t]*-[ \t]+(\S.*)$")
_SCALAR_LINE = re.compile(r"^([A-Za-z_][\w-]{0,100})[ \t]*:[ \t]*(\S.*)$")


@dataclass
class Card:
    """A parsed card. Line numbers are 1-based lines of the file as published."""

    file: str
    text: str  # whole text, BOM removed, line endings normalised to "\n"
    front_matter: dict[str, Any]
    body: str
    body_start_line: int
    key_lines: dict[str, int] = field(default_factory=dict)
    has_front_matter: bool = False
    recovered: bool = False  # front matter rebuilt by a line scan after a parse failure
    findings: list[Finding] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    def key_evidence(self, key: str) -> Evidence:
        """Evidence for a top-level front-matter key: its line in the file."""
        line = self.key_lines.get(key, 1)
        lines = self.lines
        quote = lines[line - 1].strip() if 0 < line <= len(lines) else key
        return Evidence(self.file, line, line, quote[:500])


def normalise_text(raw: str) -> str:
    """Drop a BOM and turn CRLF/CR line endings into LF, keeping line numbers."""
    if raw.startswith("\ufeff"):
        raw = raw[1:]
    return raw.replace("\r\n", "\n").replace("\r", "\n")


def read_card(path: Path, label: str | None = None) -> Card:
    """Read and parse a card file; unreadable or oversized files raise InputError."""
    file = label or str(path)
    try:
        with path.open("rb") as f:
            data = f.read(MAX_CARD_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{file}: cannot read model card ({exc.strerror or exc})") from exc
    cut = len(data) > MAX_CARD_BYTES
    if cut:  # the front matter sits at the top: read it, and say the rest was not read
        data = data[:MAX_CARD_BYTES]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a BOM: the one encoding policy
        card = parse_card(data.decode("utf-16", "replace"), file)
        if cut:
            card.findings.append(_broken(file, 1, f"model card larger than {_size(MAX_CARD_BYTES)}: only its "
                                         f"first {_size(MAX_CARD_BYTES)} were read", ""))
        return card
    card = parse_card(data.decode("utf-8", "replace"), file)
    if cut:
        card.findings.append(
            _broken(file, 1, f"model card larger than {_size(MAX_CARD_BYTES)}: only its first "
                    f"{_size(MAX_CARD_BYTES)} were read", "")
        )
    if b"\x00" in data[:8192]:
        card.findings.append(_broken(file, 1, "model card looks binary (NUL bytes)", ""))
    else:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            if not (cut and exc.start >= len(data) - 3):  # a character split by the cut is not an error
                line = data[: exc.start].count(b"\n") + 1
                card.findings.append(_broken(file, line, "model card is not valid UTF-8", ""))
    return card


def card_from_text(text: str, file: str) -> Card:
    """A card held as text (a dump's `card` column): the same limits and findings as
    `read_card` on a file, without encoding small cards to bytes."""
    if len(text) * 4 > MAX_CARD_BYTES:  # may exceed the limit in UTF-8: measure it as read_card would
        data = text.encode("utf-8", "surrogatepass")
        cut = len(data) > MAX_CARD_BYTES
        card = parse_card(data[:MAX_CARD_BYTES].decode("utf-8", "replace"), file)
        if cut:
            card.findings.append(
                _broken(file, 1, f"model card larger than {_size(MAX_CARD_BYTES)}: only its first "
                        f"{_size(MAX_CARD_BYTES)} were read", "")
            )
    else:
        card = parse_card(text, file)
    if "\x00" in text[:8192]:
        card.findings.append(_broken(file, 1, "model card looks binary (NUL bytes)", ""))
    return card


def parse_card(raw: str, file: str = "README.md") -> Card:
    """Split front matter from body and load it with the bounded YAML loader."""
    text = normalise_text(raw)
    lines = text.split("\n")
    start = _opening_fence(lines)
    if start is None:
        return Card(file, text, {}, text, 1)
    end = _closing_fence(lines, start)
    if end is None:
        card = Card(file, text, {}, "\n".join(lines[start + 1 :]), start + 2, has_front_matter=True)
        card.findings.append(
            _broken(file, start + 1, "front matter opened with '---' is never closed", lines[start])
        )
        _recover(card, lines, start + 1, _recovery_end(lines, start + 1))
        return card
    yaml_text = "\n".join(lines[start + 1 : end])
    body = "\n".join(lines[end + 1 :])
    card = Card(file, text, {}, body, end + 2, has_front_matter=True)
    loaded = load_bounded_yaml(yaml_text)
    if isinstance(loaded, YamlProblem):
        line = start + 2 + loaded.line
        quote = lines[line - 1] if line - 1 < len(lines) else ""
        card.findings.append(_broken(file, line, f"front matter unreadable: {loaded.message}", quote))
        _recover(card, lines, start + 1, end)
        return card
    if loaded.data is None:
        return card
    if not isinstance(loaded.data, dict):
        kind = type(loaded.data).__name__
        card.findings.append(
            _broken(file, start + 1, f"front matter is a {kind}, not a mapping", lines[start])
        )
        return card
    card.front_matter = loaded.data
    card.key_lines = {k: start + 2 + v for k, v in loaded.key_lines.items()}
    card.findings.extend(_odd_keys(card, lines))
    for key, where in loaded.duplicate_keys.items():
        at = [start + 2 + w for w in where]
        card.key_lines[key] = at[-1]  # the value kept is the last one written
        card.findings.append(
            _broken(
                file, at[-1],
                f"front matter sets {key!r} {len(at)} times (lines {', '.join(map(str, at))}); YAML forbids duplicate "
                f"keys, the Hub rejects such metadata, and only the last value is read here",
                lines[at[-1] - 1],
            )
        )
    return card


SPEC_KEYS = frozenset({
    "language", "license", "license_name", "license_link", "license_details", "library_name", "tags",
    "datasets", "metrics", "base_model", "base_model_relation", "new_version", "model-index",
    "pipeline_tag", "widget", "inference", "co2_eq_emissions", "thumbnail", "model_name", "buckets",
    "pinned", "finetuned_from", "model_type", "parameters",
})
"""Model-card metadata keys the Hub defines (hub-docs modelcard.md) or commonly reads."""


def _odd_keys(card: Card, lines: list[str]) -> list[Finding]:
    """Keys the Hub will silently ignore although they were meant as its own: a misspelt
    spec key (`pipline_tag`, `licence`) or a licence/lineage key of a made-up form
    (`license_link_foo`), which leaves the model's real licence or base unsaid."""
    import difflib

    out = []
    for key in card.front_matter:
        if not isinstance(key, str) or key in SPEC_KEYS or key.startswith("extra_gated"):
            continue
        low = key.lower()
        near = difflib.get_close_matches(low, SPEC_KEYS, n=1, cutoff=0.85)
        line = card.key_lines.get(key, 1)
        quote = lines[line - 1] if 0 < line <= len(lines) else key
        if near and near[0] != low:
            out.append(_broken(card.file, line, f"unknown key {key!r}: a misspelling of {near[0]!r}? The Hub ignores it", quote))
        elif low.startswith(("license", "licence", "base_model")) and low not in SPEC_KEYS:
            out.append(
                _broken(card.file, line, f"non-standard key {key!r}: the Hub reads only license, license_name, "
                        "license_link and base_model, so what it says is not part of the model's metadata", quote)
            )
    return out


def _opening_fence(lines: list[str]) -> int | None:
    for i, line in enumerate(lines[:50]):
        if not line.strip():
            continue
        return i if _FENCE.match(line) else None
    return None


def _closing_fence(lines: list[str], start: int) -> int | None:
    for i in range(start + 1, len(lines)):
        if _CLOSE.match(lines[i]):
            return i
    return None


def _recovery_end(lines: list[str], begin: int) -> int:
    """Where a scan of an unclosed front matter stops: the first Markdown heading."""
    for i in range(begin, min(len(lines), begin + 500)):
        if lines[i].startswith("#"):
            return i
    return min(len(lines), begin + 500)


def _recover(card: Card, lines: list[str], begin: int, end: int) -> None:
    """Pick top-level `key: scalar` lines out of front matter YAML could not load."""
    found: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    for i in range(begin, end):
        opener = _LIST_KEY_LINE.match(lines[i][:4096])
        if opener and opener.group(1) not in found:
            items = _list_items(lines, i + 1, end)
            if items:
                found[opener.group(1)] = items
                key_lines[opener.group(1)] = i + 1
            continue
        match = _SCALAR_LINE.match(lines[i][:4096])
        if not match or match.group(1) in found:
            continue
        value = re.split(r"\s#", match.group(2))[0].strip().strip("'\"")
        if value and not value.startswith(("[", "{", "&", "*", "|", ">")):
            found[match.group(1)] = value
            key_lines[match.group(1)] = i + 1
    if found:
        card.front_matter = found
        card.key_lines = key_lines
        card.recovered = True


def _list_items(lines: list[str], begin: int, end: int) -> list[str]:
    """`- item` lines (indented with spaces or tabs) right below a `key:` line."""
    items: list[str] = []
    for i in range(begin, min(end, begin + 200)):
        match = _LIST_ITEM_LINE.match(lines[i][:4096])
        if not match:
            break
        value = re.split(r"\s#", match.group(1))[0].strip().strip("'\"")
        if value and not value.startswith(("[", "{", "&", "*", "|", ">")):
            items.append(value)
    return items


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n} bytes"


def _broken(file: str, line: int, message: str, quote: str) -> Finding:
    return Finding(
        code="broken-metadata",
        severity="warning",
        message=f"{file}: {message}",
        evidence=[Evidence(file, line, line, quote.strip()[:500])],
    )


# --- typed access to the Hub's card fields ---------------------------------------


def as_str_list(value: Any) -> list[str]:
    """A field that may be a string or a list of strings, as a list of non-empty strings."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, (str, int, float)) and not isinstance(item, bool):
            text = str(item).strip()
            if text and text not in out:
                out.append(text)
    return out


def as_text(value: Any) -> str | None:
    """A scalar field as text, or None when absent or not a scalar."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (str, int, float)):
        text = str(value).strip()
        return text or None
    return None
