"""What a card's Markdown body says about licences and where code, papers and data live.

Prose statements are weaker evidence than front matter, so they are reported as
separate `card:prose` claims for the resolver to weigh, never merged into the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

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
_LICENSE_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*.*\blicen[cs](?:e|es|ing)\b", re.IGNORECASE)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_URL = re.compile(r"https?://[^\s)\]>\"'`]+", re.IGNORECASE)
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/(?P<id>\d{4}\.\d{4,5})", re.IGNORECASE)
_GITHUB = re.compile(r"^https?://(?:www\.)?github\.com/[\w.-]+/[\w.-]+", re.IGNORECASE)
_HF_DATASET = re.compile(r"^https?://huggingface\.co/datasets/[\w.-]+(?:/[\w.-]+)?", re.IGNORECASE)


def prose_license_claims(card: Card) -> list[LicenseClaim]:
    """Licence statements in the body: "licensed under X", "**License:** X", a License section."""
    claims: list[LicenseClaim] = []
    lines = card.text.split("\n")
    for index, line in _body_lines(card, lines):
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


# --- conditions the card's prose adds to the declared licence -------------------------
#
# Cards often narrow the licence in their text: "intended for non-commercial use only",
# "on the condition that the model is not used to compete with OpenAI", "subject to
# additional terms: Gemma Terms of Use". No library reads such sentences, so these few
# patterns do; each hit is a sentence with its line, for the evaluators to weigh against
# the declared licence. Compiled on first use: a card-less run never pays for them.


@dataclass(frozen=True)
class ProseCondition:
    """One sentence of a card that restricts use or incorporates other terms.

    kind: `non-commercial` | `research-only` | `no-compete` | `no-training` | `incorporates`;
    `value` is the text named (the other terms) for `incorporates`, else the sentence."""

    kind: str
    value: str
    evidence: Evidence


_NC = (
    r"\bnon[- ]?commercial (?:\w+ ){0,3}(?:use|uses|usage|purposes?|research|applications?|settings?)(?: \w+){0,3} only\b",
    r"\b(?:only|solely|exclusively|strictly) (?:be )?(?:used |use |usable |available |licen[cs]ed |released )?(?:for|in|to) "
    r"(?:\w+ ){0,2}non[- ]?commercial\b",
    r"\b(?:intended|licen[cs]ed|released|available|provided|restricted|limited|permitted|allowed) (?:\w+ ){0,3}"
    r"(?:for|to) (?:\w+ ){0,2}non[- ]?commercial (?:\w+ ){0,2}(?:use|uses|usage|purposes?|research|only)\b",
    r"\b(?:not|never|no)\b (?:\w+ ){0,3}(?:be )?(?:used|use|deployed|sold) (?:\w+ ){0,4}(?:for|in) (?:any )?"
    r"commercial (?:\w+ ){0,2}(?:use|uses|purposes?|products?|applications?|settings?|services?|activit\w+)\b",
    r"\bcommercial (?:use|usage|uses|purposes|applications?) (?:of (?:this|the) (?:model|weights)\s+)?"
    r"(?:is|are) (?:\w+ )?(?:not (?:permitted|allowed|granted|authori[sz]ed)|prohibited|forbidden|disallowed)\b",
    r"\bno commercial (?:use|usage|purposes)\b",
    r"\bnot (?:licen[cs]ed |available |intended )?for commercial (?:use|purposes)\b",
)
_RESEARCH = (
    r"\b(?:for|to) (?:\w+ ){0,2}research (?:use|uses|usage|purposes?)? ?only\b",
    r"\bresearch[- ]only\b",
    r"\b(?:only|solely|exclusively|strictly) (?:be )?(?:used |use |available |licen[cs]ed |released )?(?:for|in|to) "
    r"(?:\w+ ){0,2}research\b",
    r"\b(?:intended|licen[cs]ed|released|available|provided|restricted|limited) (?:\w+ ){0,2}(?:solely|only|exclusively) "
    r"for (?:\w+ ){0,2}research\b",
)
_COMPETE = (
    r"\b(?:not|never|no|nor|prohibited|forbidden|without)\b(?: \S+){0,12} (?:to )?(?:develop\w* |build\w* |train\w* |create\w* )?"
    r"(?:\w+ ){0,3}(?:that |which )?compet\w* (?:with|against)\b",
)
_TRAINING = (
    r"\b(?:not|never|no|nor|prohibited|forbidden)\b(?: \S+){0,10} (?:to )?(?:train|improve|develop|distill)\w* "
    r"(?:\w+ ){0,3}(?:other|another|any other|third[- ]party|competing) (?:\w+ ){0,2}(?:models?|llms?|ai)\b",
)
_INCORPORATES = (
    r"\bsubject to (?:the )?(?:additional|further|separate|other|its|their) (?:\w+ ){0,2}(?:terms|licen[cs]es?|conditions|"
    r"restrictions|polic(?:y|ies))(?: of use)?(?: of| from| in)?\s*[:,-]?\s*(?P<x>[^.;\n]{3,160})",
    r"\bsubject to (?:the )?(?P<x>[A-Z][^.;\n]{2,120}?(?:terms(?: of (?:use|service))?|licen[cs]e(?: agreement)?|"
    r"polic(?:y|ies)|conditions)\b)",
    r"\b(?:must|shall|should|need to|agree to) (?:also )?(?:comply|be used in compliance|abide) (?:with|by) (?:the )?"
    r"(?P<x>[^.;\n]{3,160})",
    r"\b(?:use|usage|use and distribution|distribution) of (?:this|the) (?:model|weights|checkpoints?)(?: \w+){0,3} "
    r"(?:is|are) (?:also |additionally )?(?:governed by|subject to|bound by) (?:the )?(?P<x>[^.;\n]{3,160})",
)
_PERMISSIVE_AROUND = (
    r"\b(?:commercial (?:and|or|&) (?:non[- ]?commercial|research)|(?:non[- ]?commercial|research) (?:and|or|&) commercial)\b",
    r"\bcommercial (?:use|usage|purposes) (?:is |are )?(?:\w+ )?(?:permitted|allowed|granted|possible|welcome)\b",
    r"\b(?:free|available|permitted|allowed|licensed) for commercial\b",
    r"\bnot (?:limited|restricted) to\b",
)
_NOT_LIMITED = re.compile(r"\b(?:but )?not (?:be )?(?:limited|restricted) to\b|\bno matter\b|\bwithout limitation\b", re.I)
_NAMES_ITSELF = r"\b(?:this|the) (?:\w+ ){0,3}(?:licen[cs]e|agreement)\b"


@lru_cache(maxsize=1)
def _condition_patterns() -> dict[str, tuple[re.Pattern[str], ...]]:
    """The condition patterns, compiled once on first use."""
    compile_all = lambda ps: tuple(re.compile(p, re.IGNORECASE) for p in ps)  # noqa: E731
    return {
        "non-commercial": compile_all(_NC),
        "research-only": compile_all(_RESEARCH),
        "no-compete": compile_all(_COMPETE),
        "no-training": compile_all(_TRAINING),
        "incorporates": compile_all(_INCORPORATES),
        "permissive": compile_all(_PERMISSIVE_AROUND),
    }


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(*\[])")
_MD = re.compile(r"\[([^\]]*)\]\([^)]*\)|[*_`>#|]+")


def body_start_line(text: str) -> int:
    """1-based first line of the Markdown body (after YAML front matter, if any)."""
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        for i in range(1, min(len(lines), 20_000)):
            if lines[i].strip() in ("---", "..."):
                return i + 2
    return 1


def prose_conditions(text: str, file: str | None, *, max_lines: int = 5000) -> list[ProseCondition]:
    """Sentences of a card body that restrict use or bring in other terms, one per kind and sentence."""
    pats = _condition_patterns()
    lines = text.split("\n")
    out: list[ProseCondition] = []
    seen: set[tuple[str, str]] = set()
    in_code = False
    start = body_start_line(text) - 1
    for index in range(start, min(len(lines), start + max_lines)):
        raw = lines[index]
        if raw.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
            continue
        if in_code or not raw.strip():
            continue
        plain = " ".join(_MD.sub(lambda m: m.group(1) or " ", raw).split())
        plain = _NOT_LIMITED.sub(" ", plain)
        for sentence in _SENTENCE_END.split(plain):
            low = sentence.lower()
            if not any(w in low for w in ("commercial", "research", "compet", "subject to", "compl", "abide",
                                          "governed", "bound by", "train", "improv", "distill")):
                continue
            permissive = any(p.search(sentence) for p in pats["permissive"])
            for kind in ("non-commercial", "research-only", "no-compete", "no-training", "incorporates"):
                if kind in ("non-commercial", "research-only") and permissive:
                    continue
                for p in pats[kind]:
                    m = p.search(sentence)
                    if not m:
                        continue
                    value = sentence
                    if kind == "incorporates":
                        value = _clean(m.group("x")).rstrip(")").strip()
                        if re.fullmatch(_NAMES_ITSELF, value, re.I) or len(value) < 3:
                            break
                    key = (kind, value.lower())
                    if key not in seen:
                        seen.add(key)
                        out.append(ProseCondition(kind, value, Evidence(file, index + 1, index + 1, raw.strip()[:500])))
                    break
    return out
