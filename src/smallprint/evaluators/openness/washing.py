"""Open-washing: claims of openness that the assessment contradicts.

A claim is the model describing *itself* as open ("X is an open-source LLM", "we
open-source the weights", "fully open", "a family of open models", the Hub tag
`open-source`). Mentions of other models ("outperforms open-source models"), of
software ("an open-source library"), of communities and citations are not claims.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from smallprint.evaluators.openness.osaid import OsaidResult
from smallprint.model import Evidence, Finding, Severity

OS = r"open[\s-]?sourc(?:e|ed|ing)"
STRONG = r"(?:fully|truly|completely|entirely|100%)"
CLAIMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("open-source", re.compile(rf"\b(?:is|are|being|was|were|be)\s+(?:now\s+)?(?:a\s+|an\s+|the\s+)?(?:{STRONG}\s+)?{OS}\b", re.I)),
    ("fully-open", re.compile(rf"\b{STRONG}[\s-]+open(?:[\s-]?sourc(?:e|ed))?\b", re.I)),
    ("open-source", re.compile(rf"\b(?:we|i)\s+(?:have\s+|are\s+|hereby\s+|also\s+)?(?:{STRONG}\s+)?{OS}\b", re.I)),
    ("open-source", re.compile(rf"\b(?:released|available|published|distributed|provided)\s+(?:as\s+|under\s+an?\s+)?(?:{STRONG}\s+)?{OS}\b", re.I)),
    ("open-source", re.compile(rf"\b(?:our|this)\s+(?:[\w-]+\s+){{0,2}}{OS}\s+(?:model|llm|weights|release|version)", re.I)),
    ("open", re.compile(r"\b(?:is|are)\s+(?:a\s+|an\s+)?(?:family\s+of\s+)?(?:[\w,-]+\s+){0,4}open(?:[\s-]weights?)?\s+(?:models?|llms?|language\s+models?)\b", re.I)),
)
NOT_MODEL = re.compile(
    r"^\W*(?:\w+\s+){0,2}?(?:librar(?:y|ies)|tools?|toolkits?|frameworks?|software|code(?:base)?|community|communities|projects?|"
    r"platforms?|packages?|implementations?|repositor(?:y|ies)|ecosystems?|contributors?|datasets?|data|reproductions?|"
    r"suites?|ones|alternatives?|developers?|movement|scripts?|apps?|applications?)\b",
    re.I,
)
SUBJECT_NOT_MODEL = re.compile(
    r"\b(?:tools?|librar(?:y|ies)|code|scripts?|datasets?|data|framework|pipelines?|packages?|utilities)\s*(?:\w+\s+){0,1}$", re.I
)
COMPARISON = re.compile(
    r"\b(?:outperform\w*|compared|comparable|than|among|other|others|existing|available|like|versus|vs|surpass\w*|"
    r"based|from|such|including|most|many|several|multiple|various|popular|leading|best|top|beat\w*|rival\w*)\b",
    re.I,
)
TAGS = frozenset({"open-source", "opensource", "open source", "open-source-ai", "fully-open"})
_BIB = re.compile(r"^\s*(?:@\w+\s*\{|(?:title|booktitle|journal|author|year|eprint)\s*=)", re.I)


@dataclass(frozen=True)
class OpennessClaim:
    """A place where a model calls itself open."""

    kind: str  # open-source | fully-open | open
    quote: str
    evidence: Evidence
    where: str  # card | hub:tags | catalog


def _body_lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines of a card outside its front matter, code fences and citations."""
    lines = text.splitlines()
    start = 0
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() == "---":
                start = i + 1
                break
    fenced = False
    for i in range(start, len(lines)):
        line = lines[i]
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced or _BIB.match(line):
            continue
        yield i + 1, line


def _sentences(line: str) -> Iterator[str]:
    for s in re.split(r"(?<=[.!?])\s+", line):
        if s.strip():
            yield s


def _is_claim(sentence: str, m: re.Match[str]) -> bool:
    before = sentence[: m.start()]
    after = sentence[m.end():]
    if NOT_MODEL.match(after):
        return False
    copula = re.match(r"(?:is|are|being|was|were|be)\b", m.group(0), re.I) is not None
    if COMPARISON.search(" ".join(before.split()[-(1 if copula else 4):])):
        return False
    return not SUBJECT_NOT_MODEL.search(before)


def find_claims(text: str, file: str | None, where: str = "card") -> list[OpennessClaim]:
    """Every self-description as open in a card or description, with its line."""
    out: list[OpennessClaim] = []
    for lineno, line in _body_lines(text) if where == "card" else enumerate(text.splitlines(), 1):
        if "open" not in line.lower():
            continue  # every claim pattern says "open": most lines need no pattern at all
        for sentence in _sentences(line):
            for kind, rx in CLAIMS:
                m = rx.search(sentence)
                if m and _is_claim(sentence, m):
                    quote = " ".join(sentence.strip().split())
                    out.append(OpennessClaim(kind, quote, Evidence(file, lineno, lineno, quote), where))
                    break
    return out


def tag_claims(tags: Iterable[str], card_text: str | None, file: str | None) -> list[OpennessClaim]:
    """The Hub tags that call a model open, located in the card's front matter when there."""
    out = []
    for tag in tags:
        if tag.strip().lower() not in TAGS:
            continue
        line = 0
        if card_text:
            for i, text_line in enumerate(card_text.splitlines(), 1):
                if re.match(rf"^\s*-\s*['\"]?{re.escape(tag)}['\"]?\s*$", text_line):
                    line = i
                    break
        quote = f"tags: {tag}"
        out.append(OpennessClaim("open-source", quote, Evidence(file if line else None, line, line, quote), "hub:tags"))
    return out


def _facts_text(osaid: OsaidResult) -> str:
    parts = []
    if osaid.parameters_license is not None and osaid.parameters_license.grants is not True:
        parts.append(f"weights licence: {osaid.parameters_license.reason}")
    pieces = [m for m in osaid.missing if m.piece != "parameters"]
    if pieces:
        parts.append("missing or failing: " + "; ".join(m.detail for m in pieces[:6]))
    if osaid.verdict == "closed":
        parts.append("no model parameters published")
    return ". ".join(parts)


def washing_findings(claims: list[OpennessClaim], osaid: OsaidResult,
                     license_evidence: Iterable[Evidence] = ()) -> list[Finding]:
    """One `open-washing` finding when the OSAID verdict contradicts the claims made."""
    if not claims or osaid.verdict == "open-source-ai":
        return []
    severity: Severity
    if osaid.verdict == "open-weights":
        strong = [c for c in claims if c.kind in ("open-source", "fully-open")]
        if not strong:
            return []
        claims, severity = strong, "info"
        verdict_text = "by OSAI Definition 1.0 it is open weights, not open-source AI"
    else:
        severity = "warning"
        verdict_text = f"by OSAI Definition 1.0 it is {osaid.verdict}"
    shown = claims[:3]
    quoted = "; ".join(f'"{c.quote[:160]}"' for c in shown)
    message = f"Claims openness ({quoted}) but {verdict_text}: {_facts_text(osaid)}"
    evidence = [c.evidence for c in shown] + list(license_evidence)[:2]
    return [Finding("open-washing", severity, message, evidence)]
