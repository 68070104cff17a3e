"""What a card's Markdown body says about licences and where code, papers and data live.

Prose statements are weaker evidence than front matter, so they are reported as
separate `card:prose` claims for the resolver to weigh, never merged into the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from smallprint.model import Evidence, LicenseClaim
from smallprint.sources.card import Card, as_str_list

MAX_LINKS_PER_KIND = 50
MAX_SECTION_LINES = 40
_PLACEHOLDER = "[more information needed]"

_LICENSED_UNDER = re.compile(
    r"\b(?:licen[cs]ed|released|distributed|available|governed)\s+(?:solely\s+)?under\s+"
    r"(?:the\s+|an?\s+)?(?P<value>(?:[^.;\n]|\.(?=[^\s.]))+)",
    re.IGNORECASE,
)
_LICENSE_LABEL = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?\s*licen[cs]e\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:|:)\s*(?P<value>\S.{0,200})$",
    re.IGNORECASE,
)
_LICEN = re.compile("licen", re.IGNORECASE)  # what all three patterns need, matched as they match it
_LICENSE_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*.*\blicen[cs](?:e|es|ing)\b", re.IGNORECASE)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_URL = re.compile(r"https?://[^\s)\]>\"'`]+", re.IGNORECASE)
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/(?P<id>\d{4}\.\d{4,5})", re.IGNORECASE)
_GITHUB = re.compile(r"^https?://(?:www\.)?github\.com/[\w.-]+/[\w.-]+", re.IGNORECASE)
_HF_DATASET = re.compile(r"^https?://huggingface\.co/datasets/[\w.-]+(?:/[\w.-]+)?", re.IGNORECASE)


def prose_license_claims(card: Card) -> list[LicenseClaim]:
    """Licence statements in the body: "licensed under X", "**License:** X", a License section."""
    claims: list[LicenseClaim] = []
    if not _LICEN.search(card.body):
        return claims  # every statement below needs the word: most bodies are done here
    lines = card.text.split("\n")
    for index, line in _body_lines(card, lines):
        if not _LICEN.search(line):
            continue
        number = index + 1
        label = _LICENSE_LABEL.match(line)
        if label and not _is_placeholder(label.group("value")):
            value = _clean(label.group("value"))
            claims.append(_claim(card.file, number, number, line, value))
            continue
        for match in _LICENSED_UNDER.finditer(line):
            if "licen" not in match.group(0).lower() and "licen" not in match.group("value").lower():
                continue
            value = _clean(match.group("value")[:200])
            claims.append(_claim(card.file, number, number, line, value))
        if _LICENSE_HEADING.match(line):
            section = _section(lines, index)
            if section:
                first, last, text = section
                claims.append(_claim(card.file, first, last, text, _first_sentence(text)))
    return claims


def _body_lines(card: Card, lines: list[str]) -> Iterator[tuple[int, str]]:
    """Body lines with their 0-based index, skipping fenced code blocks."""
    in_code = False
    for index in range(card.body_start_line - 1, len(lines)):
        line = lines[index]
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
            continue
        if not in_code:
            yield index, line


def _section(lines: list[str], heading: int) -> tuple[int, int, str] | None:
    """The non-empty lines under a heading up to the next heading (capped)."""
    picked: list[tuple[int, str]] = []
    for index in range(heading + 1, min(len(lines), heading + 1 + MAX_SECTION_LINES)):
        if _HEADING.match(lines[index]):
            break
        if lines[index].strip():
            picked.append((index, lines[index]))
    if not picked:
        return None
    text = "\n".join(line for _, line in picked)
    if _is_placeholder(text):
        return None
    return heading + 1, picked[-1][0] + 1, lines[heading] + "\n" + text


def _first_sentence(text: str) -> str:
    body = " ".join(line.strip() for line in text.split("\n")[1:])
    match = re.match(r"(.{1,300}?[.!?])(?:\s|$)", body)
    return _clean(match.group(1) if match else body[:300])


def _is_placeholder(text: str) -> bool:
    stripped = text.strip().strip("*_[]() ").lower()
    return not stripped or _PLACEHOLDER.strip("[]") in stripped and len(stripped) < 40


def _clean(value: str) -> str:
    value = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", value)  # Markdown links -> their text
    return value.strip().strip("*_`\"' ").rstrip(",:").strip()


def _claim(file: str, first: int, last: int, quote: str, value: str) -> LicenseClaim:
    return LicenseClaim("card:prose", value, Evidence(file, first, last, quote.strip()[:1000]))


# --- links to code, papers and data ---------------------------------------------


def card_links(card: Card) -> dict[str, list[str]]:
    """Links a card gives to training code, papers and data cards, by kind."""
    links: dict[str, list[str]] = {}
    for url in _URL.findall(card.text):
        url = url.rstrip(".,;:")
        kind = _link_kind(url)
        if kind:
            _add(links, kind, _canonical(url, kind))
    for tag in as_str_list(card.front_matter.get("tags")):
        if tag.lower().startswith("arxiv:"):
            _add(links, "paper", f"https://arxiv.org/abs/{tag.split(':', 1)[1].strip()}")
    for dataset in as_str_list(card.front_matter.get("datasets")):
        _add(links, "data-card", f"https://huggingface.co/datasets/{dataset}")
    return links


def _link_kind(url: str) -> str | None:
    if _GITHUB.match(url):
        return "code"
    if _ARXIV_URL.search(url):
        return "paper"
    if _HF_DATASET.match(url):
        return "data-card"
    return None


def _canonical(url: str, kind: str) -> str:
    if kind == "paper":
        match = _ARXIV_URL.search(url)
        if match:
            return f"https://arxiv.org/abs/{match.group('id')}"
    pattern = _GITHUB if kind == "code" else _HF_DATASET
    match = pattern.match(url)
    return match.group(0).removesuffix(".git") if match else url


def _add(links: dict[str, list[str]], kind: str, url: str) -> None:
    bucket = links.setdefault(kind, [])
    if url not in bucket and len(bucket) < MAX_LINKS_PER_KIND:
        bucket.append(url)
