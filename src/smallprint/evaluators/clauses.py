"""Clause rules: read the small print of a text no known licence covers.

Each rule looks for one vocabulary key in the sentences of a normalised text and
says what it found, how sure it is and which sentences say so. Rules favour
precision: a rule that cannot tell stays silent, and `commercial-use: true` is
only reported when the text grants commercial use and nothing restricts it.

Matching runs on the normalised words of each sentence joined by single spaces
(lower case, no punctuation); values that need the original spelling (display
strings, name prefixes, amounts) are read from the cleaned raw lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from smallprint.model import Certainty, Evidence, Term
from smallprint.text import NormalizedText, clean_line, sentences
from smallprint.vocabulary import TERM_KEYS


class _LazyPattern:
    """A regular expression compiled on first use: the ~200 clause patterns cost a quarter of a second
    to compile, which a run that reads no licence text (a catalog answer, `--version`) never pays."""

    __slots__ = ("_flags", "_pattern", "_source")

    def __init__(self, source: str, flags: int = 0):
        self._source = source
        self._flags = flags
        self._pattern: re.Pattern[str] | None = None

    @property
    def pattern(self) -> str:
        return self._source

    def __getattr__(self, name: str) -> Any:
        if self._pattern is None:
            self._pattern = re.compile(self._source, self._flags)
        return getattr(self._pattern, name)


def _lazy(p: str, flags: int = 0) -> re.Pattern[str]:
    return cast("re.Pattern[str]", _LazyPattern(p, flags))

__all__ = [
    "RULES",
    "Clause",
    "Document",
    "RuleHit",
    "clause_evidence",
    "clause_quote",
    "extract_terms",
    "field_labels",
    "hit_to_term",
    "parse_amount",
    "raw_span",
    "read_document",
    "rule_hits",
]

QUOTE_LIMIT = 300


@dataclass(frozen=True)
class Clause:
    """One sentence or clause: its word span, its words joined, and its cleaned raw text."""

    index: int
    start: int
    end: int
    text: str
    raw: str


@dataclass
class Document:
    """A normalised text split into clauses, the unit every rule reads."""

    nt: NormalizedText
    clauses: list[Clause]

    def matching(self, pattern: re.Pattern[str]) -> list[Clause]:
        return [c for c in self.clauses if pattern.search(c.text)]

    def first(self, pattern: re.Pattern[str]) -> Clause | None:
        for c in self.clauses:
            if pattern.search(c.text):
                return c
        return None

    def following(self, clause: Clause, count: int) -> list[Clause]:
        return self.clauses[clause.index + 1 : clause.index + 1 + count]


@dataclass(frozen=True)
class RuleHit:
    """What one rule read: a value, how sure, and the clauses that say so."""

    key: str
    value: Any
    certainty: Certainty
    clauses: tuple[Clause, ...]
    note: str | None = None


def _joined_spans(nt: NormalizedText) -> list[tuple[int, int]]:
    """Sentence spans, re-joining hard-wrapped upper-case paragraphs that a heading rule cut at each line."""
    out: list[tuple[int, int]] = []
    for s, e in sentences(nt):
        if out and _cut_mid_sentence(nt, out[-1]) and nt.lines[s] == nt.lines[out[-1][1] - 1] + 1:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _cut_mid_sentence(nt: NormalizedText, span: tuple[int, int]) -> bool:
    line = nt.raw_lines[nt.lines[span[1] - 1] - 1].rstrip()
    return bool(line) and line[-1] not in ".;:!?\"')]*#" and len(line.split()) > 5 and not line.lstrip().startswith("#")


def read_document(nt: NormalizedText, region: tuple[int, int] | None = None) -> Document:
    """Split a normalised text into clauses, keeping only those within `region` lines when given."""
    out: list[Clause] = []
    for s, e in _joined_spans(nt):
        if region is not None:
            first, last = nt.lines[s], nt.lines[e - 1]
            if last < region[0] or first > region[1]:
                continue
        sl, el = nt.lines[s], nt.lines[e - 1]
        raw = raw_span(nt, sl, el)
        out.append(Clause(len(out), s, e, " ".join(nt.words[s:e]), raw))
    return Document(nt, out)


_YAML_CONTINUATION = _lazy(r"\\(?=\s|$)")


def raw_span(nt: NormalizedText, start_line: int, end_line: int) -> str:
    """The cleaned text of input lines, whitespace collapsed (YAML line-continuation backslashes dropped)."""
    text = " ".join(clean_line(x) for x in nt.raw_lines[start_line - 1 : end_line])
    return " ".join(_YAML_CONTINUATION.sub(" ", text).split())


def clause_quote(nt: NormalizedText, start: int, end: int, limit: int = QUOTE_LIMIT) -> str:
    """The original text of a word span (not the whole lines), whitespace collapsed, trimmed."""
    sl, el = nt.span_lines(start, end)
    raw = raw_span(nt, sl, el)
    words = nt.words[start:end]
    if not words:
        return nt.quote(sl, el, limit)
    head = r"\W+".join(re.escape(w) for w in words[:3])
    tail = r"\W+".join(re.escape(w) for w in words[-3:])
    m1 = re.search(head, raw, re.I)
    cut = raw
    if m1:
        m2 = None
        for m in re.finditer(tail, raw[m1.start() :], re.I):
            m2 = m
        end_pos = m1.start() + m2.end() if m2 else len(raw)
        cut = raw[m1.start() : end_pos]
        if end_pos < len(raw) and raw[end_pos] in ".;:!?":
            cut += raw[end_pos]
    if len(cut) > limit:
        cut = cut[: limit - 1].rstrip() + "\u2026"
    return cut or nt.quote(sl, el, limit)


# --- numbers -------------------------------------------------------------------

_SCALE = {
    "thousand": 10**3,
    "k": 10**3,
    "million": 10**6,
    "millions": 10**6,
    "m": 10**6,
    "mm": 10**6,
    "mil": 10**6,
    "billion": 10**9,
    "billions": 10**9,
    "bn": 10**9,
    "b": 10**9,
}
_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_NUMBER_WORDS = "|".join(sorted([*_UNITS, "hundred", "a", "and"], key=len, reverse=True))
AMOUNT = (
    r"(?:\d[\d,]*(?:\.\d+)?|(?:(?:" + _NUMBER_WORDS + r")[\s-]+)*(?:" + "|".join(_UNITS) + r"|hundred))"
    r"(?:\s*(?:thousand|millions?|billions?|bn|mm|mil|m|k|b)\b)?"
)


def _words_value(tokens: list[str]) -> int | None:
    total, current = 0, 0
    seen = False
    for t in tokens:
        if t in ("and", "a"):
            if t == "a":
                current = max(current, 1)
            continue
        if t in _UNITS:
            current += _UNITS[t]
            seen = True
        elif t == "hundred":
            current = max(current, 1) * 100
            seen = True
        else:
            return None
    return total + current if seen else None


def parse_amount(text: str) -> int | None:
    """'700 million' -> 700000000, '$1,000,000' -> 1000000, 'one hundred million' -> 100000000."""
    s = text.strip().lower().replace("$", "").replace("usd", "").replace("us", "").strip()
    m = re.fullmatch(r"(\d[\d,]*(?:\.\d+)?|[a-z\s-]+?)\s*(thousand|millions?|billions?|bn|mm|mil|m|k|b)?", s)
    if not m:
        return None
    num, scale = m.group(1).strip(), m.group(2)
    if num[0].isdigit():
        if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", num) or "," not in num:
            value = float(num.replace(",", ""))
        else:
            return None
    else:
        words = _words_value(re.split(r"[\s-]+", num))
        if words is None:
            return None
        value = float(words)
    if scale:
        value *= _SCALE[scale]
    return int(round(value)) if value > 0 else None


# --- the rules -----------------------------------------------------------------

Rule = Callable[[Document], "RuleHit | None"]


def _rx(p: str) -> re.Pattern[str]:
    return _lazy(p)


NEG = r"(?:not|never|no|nor|cannot|prohibited|forbidden)"


def _hit(key: str, value: Any, certainty: Certainty, clauses: Iterable[Clause], note: str | None = None) -> RuleHit:
    return RuleHit(key, value, certainty, tuple(clauses)[:3], note)


def _bool_rule(key: str, patterns: Sequence[str], certainty: Certainty = "medium", value: bool = True) -> Rule:
    """A rule that reports `value` when any clause matches one of `patterns`."""
    rx = _rx("|".join(f"(?:{p})" for p in patterns))

    def rule(doc: Document) -> RuleHit | None:
        found = doc.matching(rx)
        return _hit(key, value, certainty, found) if found else None

    rule.__name__ = f"rule_{key.replace('-', '_')}"
    return rule


NONCOMMERCIAL = _rx(
    r"\b(?:non ?commercial (?:research )?(?:purposes?|uses?) only"
    r"|(?:solely|only|exclusively|strictly) for (?:your |the )?(?:own )?(?:non ?commercial|research)\b"
    r"|for (?:your )?(?:non ?commercial|noncommercial) (?:and non production )?(?:research )?(?:purposes?|uses?)\b"
    r"|not (?:be )?(?:used )?for (?:any )?commercial (?:use|uses|purposes?)"
    r"|(?:may|shall|will|must) not (?:\w+ ){0,3}use (?:\w+ ){0,20}for (?:any )?commercial (?:use|uses|purposes?)"
    r"|no commercial use"
    r"|commercial use (?:\w+ ){0,3}(?:is|are) (?:not permitted|prohibited|not allowed|forbidden)"
    r"|research purposes only|for non ?commercial purposes|for noncommercial purposes"
    r"|for purposes other than commercial|(?:non ?commercial )?non revenue generating research purposes"
    r"|for (?:\w+ ){0,3}non ?commercial (?:\w+ ){0,2}(?:purposes?|uses?|research)\b|for non ?commercial research"
    r"|(?:evaluation|academic|personal|educational|testing) (?:and (?:\w+ ))?(?:purposes? |use |uses )?only"
    r"|(?:primarily )?(?:intended for or )?directed towards? commercial advantage"
    r"|any non ?commercial purpose is a permitted purpose"
    r"|(?:solely|only|exclusively|restricted) (?:\w+ ){0,3}(?:to|for) (?:members of )?academic (?:institutions?|purposes?|use|research))"
)
RESEARCH_ONLY = _rx(
    r"\b(?:research purposes only|research use only|for (?:academic |non ?commercial )?research (?:and evaluation )?(?:purposes? |use )?only"
    r"|solely for (?:your |the )?(?:own )?(?:non ?commercial |academic |scientific )?research(?: purposes| use)?\b"
    r"|(?:non ?commercial|academic) research (?:purposes|use) only"
    r"|(?:means|mean) (?:for )?research (?:or|and) evaluation purposes only|non revenue generating research purposes"
    r"|(?:non ?production|internal) (?:\w+ ){0,2}research (?:use|purposes)\b)"
)
MAU = _rx(
    r"\bmonthly active users?\b|\bmaus?\b|\bdaily active users?\b|\bdaus?\b|\bmonthly (?:unique )?(?:users|visits|visitors)\b"
    r"|\bmuus?\b|\bactive users\b"
)
MAU_RAW = _lazy(
    r"(?:more|greater|higher) than\s+(?:a total of\s+)?(" + AMOUNT + r")\s+(?:\(\S+\)\s+)?monthly active users"
    r"|monthly active users[^.;]{0,60}?(?:exceed(?:s|ed|ing)?|more than|greater than|over|above|of at least|reach(?:es)?)\s+(" + AMOUNT + r")"
    r"|(?:more|greater|higher) than\s+(" + AMOUNT + r")\s+(?:\(\S+\)\s+)?(?:daily active users|DAUs?|MAUs?|MUUs?|monthly (?:unique )?(?:users|visits|visitors)|active users)"
    r"|(?:daily active users|DAUs?|MAUs?|MUUs?|monthly (?:unique )?(?:users|visits|visitors)|active users)[^.;]{0,60}?"
    r"(?:exceed(?:s|ed|ing)?|more than|greater than|over|above|of at least|reach(?:es)?)\s+(" + AMOUNT + r")",
    re.I,
)
REVENUE = _rx(r"\b(?:revenue|revenues|turnover|annual gross|gross receipts)\b")
CURRENCY_RAW = _lazy(
    r"(?:US\s?\$|USD\s?\$?|U\.S\.\s?\$|\$)\s?(" + AMOUNT + r")(?:\s*(?:USD|US dollars|dollars))?"
    r"|(" + AMOUNT + r")\s*(?:USD|US dollars|U\.S\. dollars)",
    re.I,
)


_ONE_OPTION = _rx(r"\bthis (?:alternative|option)\b|\balternatives?\b(?: \w+){0,6} (?:allowed|permitted) only\b")
"""A non-commercial condition on one of several ways to distribute (GPL's written-offer option) is no limit on use."""


def rule_non_commercial(doc: Document) -> RuleHit | None:
    found = [c for c in doc.clauses if NONCOMMERCIAL.search(_BOTH_WAYS.sub(" ", c.text)) and not _ONE_OPTION.search(c.text)]
    return _hit("non-commercial", True, "medium", found) if found else None


def rule_research_only(doc: Document) -> RuleHit | None:
    found = doc.matching(RESEARCH_ONLY)
    return _hit("research-only", True, "medium", found) if found else None


def _amount_in(regex: re.Pattern[str], raw: str) -> int | None:
    for m in regex.finditer(raw):
        for g in m.groups():
            if g:
                v = parse_amount(g)
                if v:
                    return v
    return None


def rule_user_threshold(doc: Document) -> RuleHit | None:
    for c in doc.matching(MAU):
        v = _amount_in(MAU_RAW, c.raw)
        if v and v >= 1000:
            return _hit("user-threshold", v, "medium", [c])
    return None


def rule_revenue_threshold(doc: Document) -> RuleHit | None:
    for c in doc.matching(REVENUE):
        raw = c.raw
        m = re.search(r"revenue|turnover|gross receipts", raw, re.I)
        if not m:
            continue
        # the amount nearest the word "revenue" within the same sentence
        window = raw[max(0, m.start() - 250) : m.end() + 250]
        v = _amount_in(CURRENCY_RAW, window)
        if v and v >= 1000:
            return _hit("revenue-threshold", v, "medium", [c])
    return None


NO_TRAINING = _rx(
    rf"\b{NEG}\b(?: \w+){{0,6}} (?:use|using|utilize|exploit)\b(?: \w+){{0,30}} (?:outputs?|results?|generated|content|output data)\b"
    r"(?: \w+){0,25} (?:train|training|improve|improving|develop|developing|enhance|create|distill|distilling|fine tune)\b"
    r"(?: \w+){0,25} (?:models?|llms?|ai|networks?|systems?)\b"
)
NO_TRAINING_DIRECT = _rx(
    rf"\b{NEG}\b(?: \w+){{0,6}} (?:use|using)\b(?: \w+){{0,30}} to (?:\w+ ){{0,4}}(?:train|improve|develop|enhance|distill)\b(?: \w+){{0,3}} "
    r"(?:any|an|another) (?:other )?(?:\w+ ){0,2}(?:ai|large language|language|machine learning|foundation|foundational|generative ai) models?\b"
)
NO_TRAINING_OTHER = _rx(r"\b(?:other|another|compet\w*|third party|any|foundational|new)\b")


def rule_no_training_other_models(doc: Document) -> RuleHit | None:
    for c in doc.matching(NO_TRAINING):
        if NO_TRAINING_OTHER.search(c.text):
            return _hit("no-training-other-models", True, "medium", [c])
    direct = doc.first(NO_TRAINING_DIRECT)
    return _hit("no-training-other-models", True, "medium", [direct]) if direct else None


NAMING = _rx(
    r"\b(?:at the (?:beginning|start) of (?:any |the |its |their )?(?:such )?(?:\w+ ){0,3}names?|names? (?:\w+ ){0,8}(?:begin|start|prefix)"
    r"|prefix\w*|prepend\w*|names? (?:\w+ ){0,6}(?:contain|include|incorporate)s?|(?:be )?named (?:\w+ ){0,3}(?:with|after))\b"
)
_Q = "[\"'`\u201c\u201d\u2018\u2019\u300c\u300d\u00ab\u00bb]"
NAMING_RAW = _lazy(
    rf"include\s+{_Q}([^\"'`\u201c\u201d\u2018\u2019]{{1,40}}){_Q}\s+(?:at the (?:beginning|start)|as (?:a|the) prefix|in (?:the|its|their) names?)"
    rf"|(?:names?|titles?)[^.]{{0,60}}?(?:begin|start|prefixed)s? with\s+(?:the (?:word|term|prefix)\s+)?{_Q}([^\"'`\u201c\u201d\u2018\u2019]{{1,40}}){_Q}"
    rf"|prefix(?:ed)?[^.]{{0,40}}?{_Q}([^\"'`\u201c\u201d\u2018\u2019]{{1,40}}){_Q}"
    rf"|prepend(?:s|ed|ing)?\s+(?:the (?:word|term|prefix)\s+)?{_Q}([^\"'`\u201c\u201d\u2018\u2019]{{1,40}}){_Q}"
    rf"|names?[^.]{{0,40}}?(?:must|shall|should|will)\s+(?:\w+\s+){{0,2}}(?:contain|include|incorporate)\s+(?:the (?:word|term)\s+)?{_Q}([^\"'`\u201c\u201d\u2018\u2019]{{1,40}}){_Q}"
    rf"|named\s+(?:with|after)\s+(?:the (?:word|term|prefix)\s+)?{_Q}([^\"'`\u201c\u201d\u2018\u2019]{{1,40}}){_Q}",
    re.I,
)


def rule_derivative_naming(doc: Document) -> RuleHit | None:
    for c in doc.matching(NAMING):
        v = _first_group(NAMING_RAW, c.raw)
        if v:
            return _hit("derivative-naming", v, "medium", [c])
    return None


DISPLAY = _rx(r"\b(?:display|displayed|displays|include|includes|included|show|mark|label|state|notice|attribution)\b")
DISPLAY_RAW = _lazy(
    r"\"((?:\[[^\]\"]{1,60}\]\s+)?[^\"]{0,40}?\b(?:built|powered|made|improved|created|developed|trained)"
    r"\s+(?:with|by|on|using|upon)\b[^\"]{1,100})\"",
    re.I,
)


def _first_group(rx: re.Pattern[str], raw: str) -> str | None:
    for m in rx.finditer(raw):
        for g in m.groups():
            if g and g.strip():
                return g.strip()
    return None


def rule_attribution_display(doc: Document) -> RuleHit | None:
    values: list[str] = []
    where: list[Clause] = []
    for c in doc.matching(DISPLAY):
        for m in DISPLAY_RAW.finditer(c.raw):
            v = " ".join(m.group(1).split())
            if v.lower().startswith("this ") or len(v) > 120:
                continue  # a notice sentence, not a display string
            if v not in values:
                values.append(v)
                where.append(c)
    if not values:
        return None
    return _hit("attribution-display", " / ".join(values), "medium", where)


FLOW_DOWN = _rx(
    r"\b(?:(?:use based )?restrictions?\b(?: \w+){0,30} (?:included|include) as (?:an )?enforceable provisions?"
    r"|include (?:\w+ ){0,12}(?:restrictions?|polic(?:y|ies))\b(?: \w+){0,12} as (?:an )?enforceable provisions?"
    r"|require (?:all )?(?:of )?(?:your |its |the )?(?:users|recipients|licensees|customers|end users|downstream users)\b(?: \w+){0,15} "
    r"(?:to )?(?:comply with|abide by|be bound by|follow) (?:\w+ ){0,10}(?:restrictions|acceptable use|use polic\w+|prohibited use)"
    r"|(?:use|usage) restrictions? (?:\w+ ){0,6}(?:apply|applies|shall apply) to (?:\w+ ){0,4}(?:derivatives?|derivative works?|modifications)"
    r"|(?:impose|pass|flow) (?:\w+ ){0,6}(?:use )?restrictions (?:\w+ ){0,6}(?:on|to) (?:any )?(?:downstream|subsequent|third part)"
    r"|(?:downstream|subsequent) (?:users?|recipients?) (?:\w+ ){0,10}(?:bound by|comply with|subject to) (?:\w+ ){0,6}(?:use )?restrictions)"
)
SAME_LICENSE = _rx(
    r"\b(?:share ?alike|sharealike"
    r"|under the (?:same|identical) (?:license|licence|terms)"
    r"|license the entire work as a whole under this license"
    r"|(?:must|shall) (?:be )?(?:distribute[d]?|license[d]?|release[d]?|made available) (?:\w+ ){0,8}under (?:the terms of )?this (?:license|licence|agreement)\b"
    r"|(?:must|shall) be under the terms of this license"
    r"|licensed (?:\w+ ){0,10}(?:to all third parties )?under the terms of this (?:license|licence|agreement)"
    r"|(?:must|shall|will) be (?:done|licensed|distributed|published|released|made available|provided|offered) (?:\w+ ){0,3}under "
    r"(?:the terms of )?(?:this|the same) (?:\w+ ){0,3}(?:license|licence|agreement)"
    r"|(?:source code|source) form\b(?: \w+){0,8} only under (?:the terms of )?(?:this|the same) (?:license|licence|agreement)"
    r"|(?:derivatives?|derivative works?|adaptations?|modifications?|modified versions?) (?:\w+ ){0,8}(?:must|shall) (?:\w+ ){0,3}"
    r"(?:licensed|distributed|released|published|made available) under (?:the terms of )?(?:this|the same|an identical) (?:\w+ ){0,2}(?:license|licence|agreement))"
)


def rule_use_restrictions_flow_down(doc: Document) -> RuleHit | None:
    found = doc.matching(FLOW_DOWN)
    return _hit("use-restrictions-flow-down", True, "medium", found) if found else None


def rule_same_license(doc: Document) -> RuleHit | None:
    found = doc.matching(SAME_LICENSE)
    return _hit("same-license", True, "medium", found) if found else None


AUP = _rx(r"\b(?:acceptable use polic(?:y|ies)|prohibited use polic(?:y|ies)|(?:usage|use) polic(?:y|ies)|use restrictions?)\b")
AUP_INCORPORATED = _rx(
    r"\b(?:incorporated|incorporates|available at|adhere to|comply with|subject to|set forth in|found at|referenced in|abide by|must not violate|will not violate)\b"
)
URL_RAW = _lazy(r"https?://[^\s)\]>\"']+[^\s)\]>\"'.,;:]")
AUP_NAME_RAW = _lazy(r"(?:[A-Z][\w.&-]*\s+){0,5}(?i:(?:acceptable|prohibited)\s+use\s+polic(?:y|ies)|use restrictions)")
AUP_TERMS_AT = _rx(
    r"\b(?:consistent with|comply with|subject to|adhere to|abide by)\b(?: \w+){0,12} (?:terms|policy|policies|guidelines|principles)\b(?: \w+){0,3} (?:found |available )?at\b"
)
ATTACHMENT_RESTRICTIONS = _rx(r"\brestrictions set forth in attachment [a-z]\b|\battachment [a-z] use restrictions\b|\buse based restrictions\b")


def rule_acceptable_use_policy(doc: Document) -> RuleHit | None:
    for c in doc.matching(AUP):
        if not AUP_INCORPORATED.search(c.text):
            continue
        url = URL_RAW.search(c.raw)
        if url and re.search(r"polic|use|aup|restrict|terms", url.group(0), re.I):
            return _hit("acceptable-use-policy", url.group(0), "medium", [c])
        name = AUP_NAME_RAW.search(c.raw)
        value = " ".join(name.group(0).split()) if name else "use policy"
        return _hit("acceptable-use-policy", value, "medium", [c])
    for c in doc.matching(AUP_TERMS_AT):
        url = URL_RAW.search(c.raw)
        if url:
            return _hit("acceptable-use-policy", url.group(0), "medium", [c])
    attached = doc.first(ATTACHMENT_RESTRICTIONS)
    if attached:
        return _hit("acceptable-use-policy", "use-based restrictions (attachment)", "medium", [attached])
    title = doc.clauses[0] if doc.clauses else None
    if title and AUP.search(title.text) and len(title.text.split()) <= 12:
        return _hit("acceptable-use-policy", title.raw[:120], "medium", [title], "this text is itself a use policy")
    return None


# Prohibited-use lists: an introduction ("You agree not to use the Model ...:") and the items after it.
FOU_INTRO = _rx(
    r"\b(?:(?:agree|agrees) (?:\w+ ){0,2}not to (?:use|allow)"
    r"|(?:will|shall|may|must) not (?:\w+ ){0,4}use (?:\w+ ){0,25}(?:to|for|in)$"
    r"|(?:will|shall|may|must) not (?:use|allow others to use)\b(?: \w+){0,25} (?:to|for)(?: any of the following)?$"
    r"|prohibited uses?\b|use restrictions?\b|restricted uses?\b"
    r"|you (?:will|shall|may) not use (?:\w+ ){0,20}(?:in any way|for any purpose) (?:that|to)\b"
    r"|(?:not|never) be used (?:\w+ ){0,6}(?:for|to|in)(?: any of the following)?$"
    r"|(?:will|shall|may|must) not(?: \w+){0,12} (?:use|exploit)\b(?: \w+){0,40} for (?:any|the|purposes|\w+ purposes)\b"
    r"|(?:not allowed|not permitted|prohibited from) (?:to )?use\b"
    r"|\b(?:will|shall|may|must) not\b(?: \w+){0,25} (?:to|for|following)$|\b(?:will|shall|may|must) not (?:\w+ ){0,3}for\b)"
)
FIELDS: tuple[tuple[str, str], ...] = (
    ("military", r"\bmilitar\w*|\bwarfare\b"),
    ("weapons", r"\bweapons?\b|\bfirearms\b|\bguns\b|\bexplosives\b"),
    ("nuclear", r"\bnuclear\b"),
    ("espionage", r"\bespionage\b"),
    ("surveillance", r"\bsurveil\w*|\btracking or monitoring\b|\bmonitor\w* (?:\w+ ){0,4}(?:individuals|people|persons)"),
    ("law enforcement", r"\blaw enforcement\b|\bpredict\w* (?:\w+ ){0,6}(?:crime|criminal)|\bpredictive policing\b"),
    ("biometric identification", r"\bbiometric\w*|\bfacial recognition\b|\bface recognition\b"),
    ("critical infrastructure", r"\bcritical infrastructure\b|\bheavy machinery\b"),
    ("medical advice", r"\bmedical\b|\bhealth\b|\bclinical\b|\bpatient"),
    ("legal advice", r"\blegal (?:advice|advisory|services|professions?)\b"),
    ("financial advice", r"\bfinancial (?:advice|advisory|services|professions?)\b|\bcredit\b"),
    ("unlicensed professional practice", r"\bunlicensed\b|\bpractice of (?:any )?(?:law|medicine|profession)"),
    ("employment and housing decisions", r"\bemployment\b|\bhousing\b|\beligibility\b"),
    ("discrimination", r"\bdiscriminat\w*"),
    ("minors and child safety", r"\bminors?\b|\bchild\w*\b"),
    ("harassment", r"\bharass\w*|\bbully\w*|\bintimidat\w*"),
    ("defamation", r"\bdefam\w*"),
    ("disinformation", r"\bdisinformation\b|\bmisinformation\b|\bfalse information\b|\bfake news\b|\bverifiably false\b"),
    ("impersonation", r"\bimpersonat\w*"),
    ("undisclosed machine-generated content", r"\bwithout (?:\w+ ){0,3}disclaiming\b|\brepresent\w* (?:\w+ ){0,8}human generated\b"),
    ("personal data", r"\bpersonal(?:ly)? identifiable\b|\bpersonal (?:data|information)\b|\bprivacy\b"),
    ("automated decisions", r"\bfully automated decision\w*|\bautomated decision\w*"),
    ("exploiting vulnerable groups", r"\bvulnerabilit\w+ of (?:a|any) (?:specific )?group"),
    ("violence and terrorism", r"\bviolen\w*|\bterroris\w*|\bextremis\w*"),
    ("hate speech", r"\bhate\b|\bhateful\b"),
    ("sexual content", r"\bsexual\w*|\bpornograph\w*|\bnon consensual\b"),
    ("self-harm", r"\bself harm\b|\bsuicide\b"),
    ("illegal activity", r"\billegal\b|\bunlawful\b|\bviolat\w* (?:\w+ ){0,8}(?:law|laws|regulations?)\b|\bcriminal\b"),
    ("malware and cyberattacks", r"\bmalware\b|\bmalicious code\b|\bcomputer viruses?\b|\bcyber\w*|\bhacking\b"),
    ("fraud and deception", r"\bfraud\w*|\bscams?\b|\bspam\b|\bdecepti\w*|\bmislead\w*|\bphishing\b"),
    ("intellectual property infringement", r"\binfring\w*"),
    ("drugs", r"\bdrugs?\b|\bcontrolled substances?\b"),
    ("export-controlled activities", r"\bitar\b|\bexport control\w*"),
    ("gambling", r"\bgambling\b"),
    ("political campaigning", r"\bpolitical campaign\w*|\belection\w*|\blobbying\b"),
)
_FIELD_RX = tuple((label, _rx(p)) for label, p in FIELDS)
FOU_WINDOW = 60
FOU_GAP = 3


def field_labels(text: str) -> list[str]:
    """Short labels for the prohibited uses a clause names."""
    return [label for label, rx in _FIELD_RX if rx.search(text)]


def rule_field_of_use(doc: Document) -> RuleHit | None:
    labels: list[str] = []
    intros: list[Clause] = []
    items: list[Clause] = []
    for intro in doc.matching(FOU_INTRO):
        gap = 0
        for c in [intro, *doc.following(intro, FOU_WINDOW)]:
            if c is not intro and _ends_list(c):
                break
            found = field_labels(c.text)
            if len(c.text.split()) > 2:  # lost list numbering ("2", "b") is no gap
                gap = 0 if found else gap + 1
            if gap > FOU_GAP:
                break  # the list is over: several clauses in a row name no prohibited use
            if FOU_INTRO.search(c.text) and c not in intros:
                intros.append(c)
            new = [lb for lb in found if lb not in labels]
            if new:
                labels.extend(new)
                if c is not intro and c not in items:
                    items.append(c)
    if len(labels) < 2:
        return None  # one keyword near a "not to use" sentence is too weak to call a list
    if not labels:
        return None
    verbs = [c for c in intros if re.search(r"\bnot\b", c.text)] or intros
    return RuleHit("field-of-use", labels, "medium", tuple([verbs[0], *items[:3]]))


_LIST_END = _rx(
    r"^(?:\w+ ){0,3}(?:disclaimer|limitation of liability|warranty|termination|governing law|definitions|general|miscellaneous|"
    r"intellectual property|ownership|indemnification|severability)\b"
)


def _ends_list(c: Clause) -> bool:
    return bool(_LIST_END.search(c.text)) and len(c.text.split()) <= 8


GEO_EU = _rx(
    r"\beuropean union\b(?: \w+){0,40} (?:not (?:being )?granted|withheld|does not apply|not licensed|excluded)\b"
    r"|\b(?:not (?:being )?granted|withheld|excluded)\b(?: \w+){0,40} european union\b"
    r"|\bdomiciled in (?:\w+ ){0,6}european union\b"
    r"|\b(?:not permit\w*|prohibit\w*|not (?:be )?(?:used|available|licensed|deployed))\b(?: \w+){0,8} (?:in|within) the european union\b"
)
GEO_SANCTIONS = _rx(
    r"\b(?:sanctioned|embargoed)\b(?: \w+){0,6} (?:jurisdictions?|countries|countrys|regions?|territories)\b"
    r"|\bcountries (?:\w+ ){0,6}(?:sanctions|embargo)\b"
)
GEO_REGION_NAMED = _rx(r"\b(?:not (?:be )?(?:used|available|licensed|granted)|prohibited) in (?:the )?(cuba|iran|north korea|syria|crimea|russia|china)\b")


GEO_EXCLUDED = _rx(
    r"\b(?:does not apply|shall not apply|not (?:being )?granted|withheld|not available|not licensed|excluding|excludes|"
    r"except(?:ing)?|other than|outside of)\b(?: \w+){0,12} (?:european union|united kingdom|south korea|china|"
    r"mainland china|united states|russia|iran|north korea|cuba|syria|india|japan|canada|australia|brazil|crimea)\b"
)
_REGIONS = (
    ("European Union", r"european union|\beu\b"), ("United Kingdom", r"united kingdom|\buk\b"),
    ("South Korea", r"south korea|republic of korea"), ("Mainland China", r"mainland china|people s republic of china|\bprc\b"),
    ("China", r"(?<!mainland )\bchina\b"), ("United States", r"united states"), ("Russia", r"\brussia\b"),
    ("Iran", r"\biran\b"), ("North Korea", r"north korea"), ("Cuba", r"\bcuba\b"), ("Syria", r"\bsyria\b"),
    ("Crimea", r"\bcrimea\b"),
)  # fmt: skip


def _regions_in(text: str) -> list[str]:
    return [name for name, p in _REGIONS if re.search(p, text)]


def rule_geographic(doc: Document) -> RuleHit | None:
    parts: list[str] = []
    where: list[Clause] = []
    excl = doc.first(GEO_EXCLUDED)
    eu = doc.first(GEO_EU)
    if excl is not None and (eu is None or excl.start <= eu.start):
        regions = _regions_in(_plain(excl))
        if regions:
            parts.extend(regions)
            where.append(excl)
            eu = None
    if eu:
        parts.append("European Union")
        where.append(eu)
    sanc = doc.first(GEO_SANCTIONS)
    if sanc:
        parts.append("sanctioned jurisdictions")
        where.append(sanc)
    named = doc.first(GEO_REGION_NAMED)
    if named:
        m = GEO_REGION_NAMED.search(named.text)
        parts.append(m.group(1).title() if m else "named region")
        where.append(named)
    if not parts:
        return None
    return _hit("geographic", "; ".join(parts), "medium", where)


LITIGATION = _rx(
    r"\b(?:litigation|lawsuit|legal proceeding|proceeding|claim|cross claim|counterclaim)\b(?: \w+){0,80} terminat\w*"
    r"|\bterminat\w*(?: \w+){0,30} (?:institute|institutes|initiate|initiates|file|files|bring|brings) (?:\w+ ){0,6}(?:litigation|lawsuit|claim|action|proceeding)"
)
LITIGATION_SUBJECT = _rx(r"\b(?:patent|intellectual property|infring\w*|rights)\b")

TRADEMARK = _rx(
    r"\b(?:does not grant|do not grant|no (?:right|license|licence|rights|permission)|not (?:be )?(?:licensed|granted)|nothing in this|shall not be construed|without (?:\w+ ){0,4}permission|not permitted|will not use|may not use|except as (?:required|necessary))\b"
    r"(?: \w+){0,25} (?:trade ?marks?|trade names?|service marks?|logos?)\b"
    r"|\b(?:trade ?marks?|trade names?)\b(?: \w+){0,12} (?:are not licensed|not licensed|are not granted|is not granted|no rights?)\b"
)
NO_WARRANTY = _rx(r"\bas is\b(?: \w+){0,20} (?:without|no) (?:\w+ ){0,4}warrant\w*|\b(?:without|no) (?:\w+ ){0,4}warrant\w*(?: \w+){0,20} as is\b|\bas is and as available\b|\bprovided as is\b|\bdisclaims? (?:all|any)(?: \w+){0,6} warrant")
LIABILITY = _rx(r"\bin no event\b(?: \w+){0,40} liable\b|\blimitation of liability\b|\b(?:shall|will) not be liable\b|\bno liability\b|\bnot be liable to you\b")
PATENT_GRANT = _rx(
    r"\b(?:grants?|granted|hereby grants)\b(?: \w+){0,40} patent licen[cs]e\b|\bpatent licen[cs]e to make\b|\bpatent rights\b(?: \w+){0,10} (?:licensed|granted) to you\b"
)
PATENT_EXCLUDED = _rx(r"\bpatent (?:and trademark )?rights are not licensed\b|\bno patent (?:rights?|licen[cs]es?) (?:are|is) granted\b|\bdoes not grant (?:\w+ ){0,4}patent")
GRANT = r"(?:grants?|granted|hereby grants|permission is hereby granted|license to|licence to|right to|you may(?! not)|free to|permitted to|rights? (?:\w+ ){0,3}to)"
MODIFICATION = _rx(
    rf"\b{GRANT}\b(?: \w+){{0,40}} (?:modify|modifications?|adapt|create derivative works|prepare derivative works|make derivative works|create derivatives|remix|transform|merge)\b"
)
NO_MODIFICATION = _rx(
    r"\b(?:may not|shall not|must not|not permitted to) (?:\w+ ){0,3}(?:modify|adapt|create derivative works of|create derivatives of)"
    r" (?:the |any )?(?:model |)(?:software|model|models|weights|parameters|checkpoints?|work|licensed material|data|materials|database)\b(?!(?: \w+){0,12} except)"
    r"|\bno derivatives\b|\bnoderivatives\b"
)
DISTRIBUTION = _rx(
    rf"\b{GRANT}\b(?: \w+){{0,40}} (?:distribute|redistribute|redistribution|publish|sublicense|share|convey|sell)\b"
)
NO_DISTRIBUTION = _rx(r"\b(?:may not|shall not|must not|not permitted to) (?:\w+ ){0,4}(?:distribute|redistribute|share)\b(?: \w+){0,6} (?:the )?(?:software|model|materials|weights|parameters|checkpoints?)\b")
PRIVATE_USE = _rx(r"\b(?:private use|personal use|use (?:\w+ ){0,4}privately|internal use|internal purposes)\b")
INCLUDE_LICENSE = _rx(
    r"\b(?:give|provide|include|distribute|accompan\w*|retain|reproduce|keep intact|supply)\b(?: \w+){0,25} (?:a )?cop(?:y|ies) of (?:this|the) (?:license|licence|agreement|public license)\b"
    r"|\b(?:copyright notice|permission notice|license notice|notices?)\b(?: \w+){0,12} (?:shall|must) be (?:included|retained|reproduced)\b"
    r"|\b(?:must|shall) (?:retain|reproduce|include)\b(?: \w+){0,12} (?:copyright|license|licence|attribution) notices?\b"
    r"|\bredistributions of (?:source|binary) (?:code|form) must (?:retain|reproduce)\b"
    r"|\bretain (?:\w+ ){0,6}(?:identification of the creator|copyright notice|notice that refers to this public license)"
)
STATE_CHANGES = _rx(
    r"\bprominent notices? stating that you (?:changed|modified)\b|\bindicate (?:if|that) (?:\w+ ){0,3}(?:modified|changes were made)\b"
    r"|\bcarry prominent notices? stating\b|\bstate (?:\w+ ){0,3}(?:that you (?:changed|modified)|the changes)\b"
    r"|\bmodified files (?:\w+ ){0,6}(?:carry|include) (?:\w+ ){0,3}notices?\b|\bdocument (?:\w+ ){0,3}changes\b"
)
DISCLOSE_SOURCE = _rx(
    r"\bconvey (?:\w+ ){0,10}corresponding source\b|\bcorresponding source\b(?: \w+){0,20} (?:available|provide|offer)\b"
    r"|\bmust (?:also )?be made available in source code form\b|\bmake (?:\w+ ){0,3}source code (?:\w+ ){0,6}available\b"
    r"|\b(?:provide|disclose|release) (?:\w+ ){0,4}(?:the )?source code\b(?: \w+){0,10} (?:to|under|recipients?)\b"
)
NETWORK_USE = _rx(r"\binteract(?:ing)? with it remotely through a computer network\b|\bnetwork server\b(?: \w+){0,20} source\b|\bover a network\b(?: \w+){0,20} (?:source|corresponding source)\b")


def rule_termination_on_litigation(doc: Document) -> RuleHit | None:
    for c in doc.matching(LITIGATION):
        if LITIGATION_SUBJECT.search(c.text):
            return _hit("termination-on-litigation", True, "medium", [c])
    return None


def rule_patent_grant(doc: Document) -> RuleHit | None:
    granted = doc.matching(PATENT_GRANT)
    if granted:
        return _hit("patent-grant", True, "medium", granted)
    excluded = doc.matching(PATENT_EXCLUDED)
    if excluded:
        return _hit("patent-grant", False, "medium", excluded)
    return None


def _granted_unless_denied(key: str, grant: re.Pattern[str], deny: re.Pattern[str]) -> Rule:
    """Report a permission as granted, or as withheld where the text denies it (a denial wins)."""

    def rule(doc: Document) -> RuleHit | None:
        denied = doc.matching(deny)
        if denied:
            return _hit(key, False, "medium", denied)
        granted = sorted(doc.matching(grant), key=lambda c: "grant" not in c.text)
        return _hit(key, True, "medium", granted) if granted else None

    rule.__name__ = f"rule_{key.replace('-', '_')}"
    return rule


# --- commercial use: read last, from the other signals -------------------------

COMMERCIAL_GRANT = _rx(
    r"\b(?:commercial (?:use|uses|purposes?|activities|applications?|or non ?commercial|and non ?commercial)|commercially|sell"
    r"|for any purpose|any purpose whatsoever|including without limitation commercial|free for commercial)\b"
)
PERMIT = _rx(r"\b(?:may|permitted|allowed|free|grants?|granted|including|rights? to|can|authori[sz]ed)\b")
_COMMERCIAL = r"(?:commercial\w*|for profit)"
COMMERCIAL_RESTRICTED = _rx(
    rf"\b{NEG}\b(?: \w+){{0,8}} {_COMMERCIAL}\b|\bnon ?commercial(?:ly)?\b|\bnoncommercial(?:ly)?\b"
    rf"|\b{_COMMERCIAL}(?: \w+){{0,8}} (?:requires?|required|contact|request|obtain|purchase|approval|permission|authori[sz]ation"
    r"|consent|register|registration|subscribe|subscription|membership|separate|(?:permitted|allowed) only|only (?:for|if|with|by|to))\b"
    rf"|\b(?:requires?|required|need|needs|obtain|purchase|contact|request|separate|written|prior|apply for)(?: \w+){{0,4}} {_COMMERCIAL}\b"
    rf"|\b{_COMMERCIAL}(?: \w+){{0,4}} (?:trial|time limit|limited time|limited period)\b|\b(?:trial|time limit)(?: \w+){{0,6}} {_COMMERCIAL}\b"
    rf"|\b(?:excluded|prohibited|restricted|forbidden) (?:purpose|use)s?\b(?: \w+){{0,6}} {_COMMERCIAL}\b"
    rf"|\b(?:without|unless you (?:have|obtain|enter into)) (?:a |an )?(?:separate |written )?{_COMMERCIAL} (?:agreement|licen[cs]e|contract)\b"
)
SALE_RESTRICTED = _rx(
    r"\b(?:may not|shall not|will not|must not|cannot|can not|not permitted to|prohibited from|not allowed to)"
    r" (?:\w+ ){0,4}(?:sell|resell|monetiz\w*|charge (?:a )?fees?|offer (?:\w+ ){0,4}(?:paid|for a fee))\b"
    r"|\b(?:does not|do not|shall not|will not) grant (?:\w+ ){0,6}rights? to (?:\w+ ){0,2}sell\b"
)
BROAD_GRANT = _rx(
    r"\b(?:worldwide|world wide|perpetual|irrevocable|royalty free|no charge)\b(?: \w+){0,30} (?:license|licence|right|rights)\b(?: \w+){0,10} (?:to )?(?:use|reproduce|exercise)\b"
    r"|\bpermission is hereby granted\b|\b(?:are|is) permitted\b(?: \w+){0,10} provided that\b"
    r"|\b(?:worldwide|world wide|perpetual|irrevocable|royalty free)\b(?: \w+){0,20} (?:license|licence)\b(?: \w+){0,16} to (?:\w+ ){0,4}(?:use|reproduce|copy)\b"
    r"|\bgrants? (?:to )?(?:each )?(?:you|recipient|recipients|licensee|licensees)\b(?: \w+){0,16} (?:license|licence)\b(?: \w+){0,8} to (?:use|reproduce|copy)\b"
    r"|\bdo what the fuck you want\b|\bmay charge (?:a )?fees?\b"
    r"|\bgrants? you (?:\w+ ){0,12}(?:licen[cs]e|rights?) (?:\w+ ){0,15}to (?:use|reproduce|do everything)\b"
    r"|\b(?:you|recipients?) may(?! not) (?:\w+ ){0,2}use (?:\w+ ){0,3}(?:modify|copy|reproduce|distribute|share)\b"
    r"|\bdedicate\w* (?:\w+ ){0,6}public domain\b|\bwaive\w* (?:\w+ ){0,10}(?:copyright|rights)\b"
)
UNREAD_THRESHOLD = _rx(
    r"\b(?:more than|greater than|exceed\w*|over|above|at least)\b(?: \w+){0,6} (?:monthly|daily) active users\b"
    r"|\b(?:annual|yearly|gross) revenues?\b(?: \w+){0,12} (?:more than|greater than|exceed\w*|over|above|at least)\b"
    r"|\b(?:more than|greater than|exceed\w*|over|above|at least)\b(?: \w+){0,8} (?:annual|yearly|gross) revenues?\b"
    r"|\b(?:more than|greater than|exceed\w*|over|above|at least)\b(?: \w+){0,4} (?:employees|staff|seats)\b"
)
REVERSE_GRANT = _rx(
    r"\b(?:you|licensee|recipient|customer|user|subscriber|developer|publisher|partner)s? (?:hereby )?(?:\w+ ){0,2}(?:grant|grants|give|gives|assign|assigns|agree to grant)\b"
    r"|\bfeedback\b|\byour (?:content|contributions?|submissions?|suggestions?|comments|ideas|data)\b"
    r"|\byou (?:transmit|post|submit|provide|send|upload)\b"
)
"""A grant that runs to the licensor (feedback, contributions): it says nothing of the user's rights."""
NOT_A_GRANT = _rx(
    r"\bexport\w*\b|\bprohibited by (?:these|applicable|such) laws\b|\bmerchantability\b|\bwithout warrant"
    rf"|\b{NEG}\b(?: \w+){{0,20}} for any purpose\b|\bfor any purpose (?:other than|not expressly|except)\b"
    r"|\bif you (?:want|wish|intend) to use\b|\bnot (?:responsible|obligated|liable)\b|\brelease\w* (?:\w+ ){0,3}from\b|\bconfidential"
    r"|\bwithout (?:the )?(?:\w+ ){0,3}(?:written )?(?:permission|consent)\b|\bwarrant(?:y|ies)\b|\bcommercially reasonable\b|\bresponsible for determining\b"
    rf"|\b(?:{NEG}|agree not to)\b(?: \w+){{0,15}} (?:sell|resell)\b|\b(?:rent|lease|lend|loan)\b"
    r"|\bpatent (?:licen[cs]e|claims|rights)\b|\bunder (?:the |any |its )?(?:licensed )?patents?\b"
)
"""Clauses where 'any purpose' or 'sell' is not a grant: warranty disclaimers, export law, negations."""
LIMITED_PURPOSE = _rx(
    r"\b(?:evaluation|evaluating|evaluate|trial|testing purposes|test purposes|design development and testing"
    r"|(?:sole|limited|exclusive|only) purpose|solely (?:for|to|in|with|on)|in conjunction with|for use (?:with|on|in)"
    r"|non ?competitive|internal (?:use|purposes|business)|internally|personal use|development purposes)\b"
)
USE_ONLY = _rx(r"\b(?:use|using) (?:\w+ ){0,4}only (?:to|with|for|in|on)\b|\bonly (?:to|for) (?:interface|use) with\b")
"""Anywhere in the text: use allowed only with or for something (the vendor's hardware or service)."""
"""A grant narrowed to a purpose (evaluation, use with the vendor's hardware): not a plain commercial grant."""
SERVICE_RESTRICTED = _rx(
    r"\b(?:may not|must not|shall not|not permitted to|cannot|will not)\b(?: \w+){0,10} (?:hosted|managed|saas|software as a service) (?:service|offering)?"
)
ELIGIBLE_USERS = _rx(
    r"\b(?:user|licensee|you) (?:is|are|must be) (?:one of the following|an? (?:individual|non ?profit|educational))"
    r"|\b(?:only|solely) (?:by|to|for) (?:individuals|non ?profit|not for profit|educational|academic)\b"
)
"""Who may use it at all (individuals, non-profits): commercial users are left out."""
_BOTH_WAYS = _rx(
    r"\b(?:non ?commercial or commercial|commercial (?:or|and) non ?commercial|commercial (?:or|and) noncommercial"
    r"|commercially or non ?commercially|commercially or noncommercially|non ?commercially or commercially)\b"
)


def _plain(c: Clause) -> str:
    """A clause with "commercial or non-commercial" (a grant both ways) taken out."""
    return _BOTH_WAYS.sub(" ", c.text)


PROHIBITION_INTRO = _rx(
    r"\b(?:may not|shall not|must not|will not|agree not to|not permitted to|prohibited from|not to)\b(?: \w+){0,12}$"
)
"""A clause that opens a list of prohibitions ("You may not:"): the items after it are no grants."""


def _grants_to_user(c: Clause, doc: Document | None = None) -> bool:
    """A clause that could grant the user a right: not a grant to the licensor, a disclaimer
    or export clause, nor an item of a list of prohibitions."""
    if REVERSE_GRANT.search(c.text) or NOT_A_GRANT.search(c.text):
        return False
    if doc is not None:
        before = doc.clauses[max(0, c.index - 4) : c.index]
        if any(PROHIBITION_INTRO.search(b.text) for b in before):
            return False
    return True


_REGISTERS = _rx(r"\b(?:register|registers|registered|registration|complete (?:\w+ ){0,3}form|apply for|application)\b")


def commercial_use(doc: Document, hits: dict[str, RuleHit]) -> RuleHit | None:
    """Commercial use from the grant and every restriction read; never 'true' when anything restricts it."""
    limits = [hits[k] for k in ("non-commercial", "research-only") if k in hits]
    thresholds = [hits[k] for k in ("user-threshold", "revenue-threshold") if k in hits]
    if thresholds:
        where = [c for h in thresholds for c in h.clauses]
        return _hit("commercial-use", "conditional", "medium", where, "commercial use needs a separate licence above a threshold")
    unread = doc.matching(UNREAD_THRESHOLD)
    if unread:
        return _hit("commercial-use", "conditional", "low", unread, "a usage or revenue threshold whose figure could not be read; read the quoted clause")
    if limits:
        where = [c for h in limits for c in h.clauses]
        return _hit("commercial-use", False, "medium", where)
    restricted = [c for c in doc.clauses if COMMERCIAL_RESTRICTED.search(_plain(c)) and not REVERSE_GRANT.search(c.text)
                  and not _ONE_OPTION.search(c.text)]
    restricted += [c for c in doc.matching(ELIGIBLE_USERS) if c not in restricted]
    explicit = [
        c for c in doc.matching(COMMERCIAL_GRANT)
        if PERMIT.search(c.text) and c not in restricted and _grants_to_user(c, doc) and not LIMITED_PURPOSE.search(c.text)
    ]
    if restricted:
        if explicit or any(_REGISTERS.search(c.text) for c in restricted):
            why = "commercial use needs a registration or application" if not explicit else "commercial use is subject to a condition"
            return _hit("commercial-use", "conditional", "low", restricted, f"{why}; read the quoted clause")
        if explicit:
            return _hit("commercial-use", "conditional", "low", restricted, "commercial use is subject to a condition; read the quoted clause")
        return _hit("commercial-use", False, "low", restricted, "commercial use appears to need permission; read the quoted clause")
    if doc.matching(SALE_RESTRICTED):
        return None  # selling is restricted in a way the rules cannot weigh: stay silent
    service = doc.matching(SERVICE_RESTRICTED)
    if service:
        return _hit("commercial-use", "conditional", "low", service, "offering it as a hosted service is restricted; read the quoted clause")
    limited = [c for c in doc.matching(BROAD_GRANT) + doc.matching(COMMERCIAL_GRANT) if LIMITED_PURPOSE.search(c.text) and _grants_to_user(c, doc)]
    if explicit:
        if limited:
            return _hit("commercial-use", "conditional", "low", limited, "a grant is limited to a purpose; read the quoted clauses")
        return _hit("commercial-use", True, "medium", explicit)
    if limited or doc.first(USE_ONLY):
        return None  # a grant for a narrow purpose only: the rules cannot tell whether that use may be commercial
    broad = [c for c in doc.matching(BROAD_GRANT) if _grants_to_user(c, doc)]
    if broad:
        return _hit("commercial-use", True, "low", broad, "a broad grant with no commercial carve-out found; read the quoted grant")
    return None


RULES: dict[str, Rule] = {
    "non-commercial": rule_non_commercial,
    "research-only": rule_research_only,
    "user-threshold": rule_user_threshold,
    "revenue-threshold": rule_revenue_threshold,
    "no-training-other-models": rule_no_training_other_models,
    "derivative-naming": rule_derivative_naming,
    "attribution-display": rule_attribution_display,
    "use-restrictions-flow-down": rule_use_restrictions_flow_down,
    "same-license": rule_same_license,
    "acceptable-use-policy": rule_acceptable_use_policy,
    "field-of-use": rule_field_of_use,
    "geographic": rule_geographic,
    "termination-on-litigation": rule_termination_on_litigation,
    "trademark": _bool_rule("trademark", [TRADEMARK.pattern]),
    "no-warranty": _bool_rule("no-warranty", [NO_WARRANTY.pattern]),
    "liability": _bool_rule("liability", [LIABILITY.pattern]),
    "patent-grant": rule_patent_grant,
    "modification": _granted_unless_denied("modification", MODIFICATION, NO_MODIFICATION),
    "distribution": _granted_unless_denied("distribution", DISTRIBUTION, NO_DISTRIBUTION),
    "private-use": _bool_rule("private-use", [PRIVATE_USE.pattern], certainty="low"),
    "include-license": _bool_rule("include-license", [INCLUDE_LICENSE.pattern]),
    "state-changes": _bool_rule("state-changes", [STATE_CHANGES.pattern]),
    "disclose-source": _bool_rule("disclose-source", [DISCLOSE_SOURCE.pattern]),
    "network-use-disclose": _bool_rule("network-use-disclose", [NETWORK_USE.pattern]),
}
"""One rule per vocabulary key; `commercial-use` is derived from the others (see `commercial_use`)."""


def rule_hits(doc: Document, keys: Iterable[str] | None = None) -> dict[str, RuleHit]:
    """Run the rules (all, or those for `keys`) over a document; commercial use last."""
    wanted = set(keys) if keys is not None else None
    hits: dict[str, RuleHit] = {}
    need_all = wanted is None or "commercial-use" in wanted
    run = set(RULES) if need_all or wanted is None else wanted | ({"field-of-use"} if "acceptable-use-policy" in wanted else set())
    for key, rule in RULES.items():
        if key not in run:
            continue
        hit = rule(doc)
        if hit is not None:
            hits[key] = hit
    if "field-of-use" in hits and "acceptable-use-policy" not in hits:
        fou = hits["field-of-use"]
        hits["acceptable-use-policy"] = _hit(
            "acceptable-use-policy", "use restrictions in this text", "low", fou.clauses[:1],
            "no separate policy named; the text lists its own prohibited uses",
        )
    if need_all:
        cu = commercial_use(doc, hits)
        if cu is not None:
            hits["commercial-use"] = cu
    if wanted is not None:
        hits = {k: v for k, v in hits.items() if k in wanted}
    return hits


def hit_to_term(hit: RuleHit, nt: NormalizedText, path: str | None, source: str = "rules") -> Term:
    """A rule hit as a Term, each clause quoted with its input lines."""
    return Term(
        key=hit.key,
        value=hit.value,
        certainty=hit.certainty,
        evidence=[clause_evidence(nt, c, path) for c in hit.clauses],
        source=source,
        note=hit.note,
    )


def clause_evidence(nt: NormalizedText, c: Clause, path: str | None) -> Evidence:
    sl, el = nt.span_lines(c.start, c.end)
    return Evidence(file=path, start_line=sl, end_line=el, quote=clause_quote(nt, c.start, c.end))


def extract_terms(
    text: NormalizedText, path: str | None, *, region: tuple[int, int] | None = None, keys: Iterable[str] | None = None
) -> list[Term]:
    """The small print of a text read by clause rules alone (source "rules"), in vocabulary order."""
    doc = read_document(text, region)
    hits = rule_hits(doc, keys)
    terms: dict[str, Term] = {k: hit_to_term(hits[k], text, path) for k in TERM_KEYS if k in hits}
    for t in chinese_terms(text, path, region):
        if t.key not in terms and (keys is None or t.key in keys):
            terms[t.key] = t
    return [terms[k] for k in TERM_KEYS if k in terms]


# --- Chinese licence bodies -------------------------------------------------------------
#
# Chinese model licences (ChatGLM, CodeGeeX, Baichuan, InternLM, Yi...) often ship only in
# Chinese. The word-based rules above read nothing there, so these sentence patterns read the
# same vocabulary from the raw lines. Written for the common drafting of those licences.

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CN_UNITS = {"万": 10_000, "亿": 100_000_000, "百万": 1_000_000, "千万": 10_000_000}
_CN_QUOTE = "[\"“”「」『』]"
_CN_RULES: tuple[tuple[str, str, object], ...] = (
    ("non-commercial", r"非商业(?:性)?(?:用途|目的|使用)|不得(?:将\S{0,20})?(?:用于|进行)(?:任何)?商业|禁止(?:\S{0,10})?商业(?:用途|使用|目的)", True),
    ("research-only", r"仅(?:限|供)?(?:用于)?(?:学术|科学)?研究(?:用途|目的|使用)?|只能用于(?:学术)?研究", True),
    ("no-training-other-models", r"不得[^。；]{0,40}(?:训练|改进|提升)[^。；]{0,20}(?:其他|其它|任何)[^。；]{0,12}模型", True),
    ("same-license", r"(?:相同|同样)的?(?:许可|协议)|(?:以|按照)本(?:许可|协议)(?:的条款)?(?:进行|再)?(?:分发|发布)", True),
    ("termination-on-litigation", r"(?:诉讼|专利侵权)[^。]{0,80}(?:终止|自动终止)", True),
    ("include-license", r"(?:版权声明|许可声明|本许可)[^。]{0,30}(?:应|须|必须)(?:包含|附)", True),
    ("acceptable-use-policy", r"(?:可接受使用政策|使用政策|行为准则)", "use policy named in this text"),
)


def _cn_amount(num: str, unit: str | None) -> int | None:
    try:
        value = float(num.replace(",", ""))
    except ValueError:
        return None
    return int(value * _CN_UNITS.get(unit or "", 1))


def chinese_terms(text: NormalizedText, path: str | None, region: tuple[int, int] | None = None) -> list[Term]:
    """Terms read from Chinese sentences (empty when the text holds no Chinese)."""
    lines = text.raw_lines
    first, last = region or (1, len(lines))
    picked = [(i, lines[i - 1]) for i in range(max(1, first), min(len(lines), last) + 1) if _CJK.search(lines[i - 1])]
    if len(picked) < 3:
        return []
    out: dict[str, Term] = {}

    def add(key: str, value: object, line: int, quote: str, certainty: Certainty = "medium", note: str | None = None) -> None:
        if key not in out:
            out[key] = Term(key, value, certainty, [Evidence(path, line, line, " ".join(quote.split())[:QUOTE_LIMIT])],
                            "rules", note or "read from the Chinese text")

    fields: list[str] = []
    for i, line in picked:
        for key, pattern, value in _CN_RULES:
            if re.search(pattern, line):
                add(key, value, i, line)
        m = re.search(r"(?:月活跃用户|月活用户|日活跃用户|日活用户|活跃用户)[^。；]{0,30}?(?:超过|大于|多于|达到|高于)\s*([\d,.]+)\s*(百万|千万|万|亿)?", line)
        if m:
            v = _cn_amount(m.group(1), m.group(2))
            if v and v >= 1000:
                add("user-threshold", v, i, line, note="read from the Chinese text" + ("" if "月" in m.group(0) else " (daily active users)"))
        m = re.search(r"名称[^。]{0,40}(?:开头|前缀|冠以|包含)[^。]{0,10}" + _CN_QUOTE + r"([^\"“”「」『』]{1,30})" + _CN_QUOTE, line) or re.search(
            _CN_QUOTE + r"([^\"“”「」『』]{1,30})" + _CN_QUOTE + r"[^。]{0,10}(?:作为|为)[^。]{0,6}(?:名称)?(?:开头|前缀)", line)
        if m:
            add("derivative-naming", m.group(1).strip(), i, line)
        m = re.search(r"(?:应|须|必须|需)[^。]{0,20}(?:显示|标明|注明)[^。]{0,20}" + _CN_QUOTE + r"([^\"“”「」『』]{1,40})" + _CN_QUOTE, line)
        if m:
            add("attribution-display", m.group(1).strip(), i, line)
        if re.search(r"商业(?:用途|目的|使用|活动)", line) and re.search(r"登记|申请|授权|许可|同意|联系", line) and "commercial-use" not in out:
            add("commercial-use", "conditional", i, line, note="read from the Chinese text: commercial use needs a registration or permission")
        for word, label in (("军事", "military"), ("监控", "surveillance"), ("医疗", "medical")):
            if word in line and re.search(r"不得|禁止|不应|不可", line) and label not in fields:
                fields.append(label)
                if "field-of-use" not in out:
                    add("field-of-use", fields, i, line)
    if "commercial-use" not in out:
        if "non-commercial" in out or "research-only" in out:
            ev = (out.get("non-commercial") or out["research-only"]).evidence
            out["commercial-use"] = Term("commercial-use", False, "medium", list(ev), "rules", "read from the Chinese text")
        else:
            for i, line in picked:
                if re.search(r"(?:允许|可以|可)(?:免费)?(?:用于|进行)?商业|免费商用|商业使用", line) and not re.search(r"不得|禁止|非商业", line):
                    add("commercial-use", True, i, line, "low", "read from the Chinese text: a grant with no commercial carve-out found")
                    break
    return list(out.values())
