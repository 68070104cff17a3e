"""Short references to a licence: names and aliases in prose, SPDX ids and expressions, URLs.

One `ReferenceMatcher` per knowledge base turns every alias into a token sequence and
scans a text token by token (a dictionary keyed by the first token, longest alias
first), so the cost is linear in the text whatever the number of aliases, and no
regular expression can backtrack. Aliases that are also ordinary words or model
names ("mit", "gemma", "llama 3") count only in a licence context ("license: mit",
"MIT License", "under the MIT"); a name that does not say which version of a family
it means ("Gemma Terms of Use") is reported with a low confidence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from license_expression import ExpressionError, Licensing

from smallprint.kb import KnowledgeBase, LicenseEntry, normalize_alias, per_knowledge_base

_TOKEN = re.compile(r"[a-z0-9]+(?:\.[a-z0-9]+)*(?:\+\+?)?")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]{}\"'`|]+", re.I)
_SPDX_LINE = re.compile(r"spdx-license-identifier\s*:\s*(.+)$", re.I | re.M)
_SENTENCE_BREAK = re.compile(r"[.;!?)\]]\s|\n\s*\n|\n\s*[-*#>|]")
_SEPARATOR = re.compile(r"[\s\-_,:/()]{0,4}")
_LICENSE_WORDS = frozenset({"license", "licence", "licensed", "licenses", "licences", "licensing"})
_CONTEXT_WORDS = _LICENSE_WORDS | {"under"}
_JOINERS = frozenset({"or", "and", "with"})
_LICENSE_LIKE = re.compile(r"licen[cs]|rail|agreement|terms|policy|eula|^cc0$|unlicense")
_NONE_VALUES = frozenset(
    {"", "other", "unknown", "none", "null", "n/a", "na", "tbd", "proprietary"}
)

CONF_FIELD = 0.95
CONF_SPDX = 0.95
CONF_URL = 0.9
CONF_NAME = 0.9
CONF_WEAK = 0.8
CONF_UNVERSIONED = 0.5
"""A name that fits several versions of a family: say which family, not which version."""


@dataclass(frozen=True)
class Mention:
    """A short reference to a known licence, with where it is in the text."""

    license_id: str
    method: str  # reference | spdx | url
    confidence: float
    start_line: int
    end_line: int
    text: str


@dataclass(frozen=True)
class _Alias:
    tokens: tuple[str, ...]
    license_id: str
    strong: bool  # needs no licence context around it
    model_name: bool  # also a model name: needs an explicit licence word nearby
    unversioned: bool


def tokens_of(s: str) -> list[str]:
    return _TOKEN.findall(s.lower())


def normalize_url(url: str) -> str:
    """A licence URL reduced to what identifies the document.

    Scheme, www, query, fragment, trailing slash, /legalcode and /deed pages, file
    suffixes, and the branch or commit of a GitHub or Hub file all go."""
    u = url.strip().strip("<>").rstrip(".,;:)'\"").lower()
    u = re.sub(r"^[a-z]+://", "", u)
    u = re.sub(r"^www\.", "", u)
    u = re.split(r"[?#]", u, maxsplit=1)[0]
    u = u.rstrip("/")
    m = re.match(r"raw\.githubusercontent\.com/([^/]+)/([^/]+)/[^/]+/(.+)$", u)
    if m:
        u = f"github.com/{m.group(1)}/{m.group(2)}/blob/main/{m.group(3)}"
    u = re.sub(r"^(github\.com/[^/]+/[^/]+)/(?:blob|raw|tree)/[^/]+/", r"\1/blob/main/", u)
    u = re.sub(
        r"^(huggingface\.co/(?:datasets/|spaces/)?[^/]+/[^/]+)/(?:blob|raw|resolve)/[^/]+/",
        r"\1/blob/main/",
        u,
    )
    u = re.sub(r"/(?:legalcode|deed)(?:\.[a-z\-]+)?$", "", u)
    u = re.sub(r"\.(?:txt|html?|md|php)$", "", u)
    return u.rstrip("/")


class ReferenceMatcher:
    """Every alias, URL and SPDX id of one knowledge base, compiled for scanning."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        model_words = _model_name_words(kb)
        versions = _versioned_families(kb)
        self._first: dict[str, list[_Alias]] = {}
        self._urls: dict[str, str] = {}
        for alias, lid in kb.aliases().items():
            entry = kb.licenses[lid]
            if "/" in alias or alias.startswith(("http", "www.")):
                self._urls.setdefault(normalize_url(alias), lid)
                continue
            toks = tuple(tokens_of(alias.replace("-", " ")))
            if not toks:
                continue
            has_version = any(any(ch.isdigit() for ch in t) for t in toks)
            licence_like = any(_LICENSE_LIKE.search(t) for t in toks)
            model_name = any(
                t in model_words or t.rstrip("0123456789.") in model_words for t in toks
            )
            strong = licence_like or (len(toks) >= 2 and has_version and not model_name)
            key = (entry.family, entry.kind == "use-policy")
            unversioned = not has_version and versions.get(key, 0) > 1
            a = _Alias(toks, lid, strong, model_name and not licence_like, unversioned)
            self._first.setdefault(toks[0], []).append(a)
        for entry in kb:
            if entry.url:
                self._urls.setdefault(normalize_url(entry.url), entry.id)
        for lst in self._first.values():
            lst.sort(key=lambda a: -len(a.tokens))

    # -- single values (metadata fields) -------------------------------------------
    def lookup_url(self, url: str) -> str | None:
        """The licence a URL points at, if the knowledge base knows the URL."""
        u = normalize_url(url)
        lid = self._urls.get(u)
        if lid:
            return lid
        m = re.match(r"spdx\.org/licenses/([^/]+)$", u)
        if m:
            e = self.kb.lookup(m.group(1))
            return e.id if e else None
        return None

    def match_value(self, value: str) -> list[Mention]:
        """A metadata value: an id, name, URL or SPDX expression; several for `A OR B`."""
        v = value.strip().strip("\"'")
        if v.lower() in _NONE_VALUES:
            return []
        if _URL.fullmatch(v):
            lid = self.lookup_url(v)
            return [self._mention(lid, "url", CONF_URL, 1, 1, v)] if lid else []
        entry = self.kb.lookup(v)
        if entry is not None:
            method = "spdx" if entry.spdx_id and v == entry.spdx_id else "reference"
            canonical = {x.lower() for x in (entry.id, entry.hub_id, entry.spdx_id) if x}
            if v.lower() in canonical or not self._unversioned(v, entry):
                conf = CONF_FIELD  # an id names one licence; the KB says which version it is
            else:
                conf = CONF_UNVERSIONED
            return [self._mention(entry.id, method, conf, 1, 1, v)]
        found = self._spdx_expression(v, 1)
        if found:
            return found
        return self.scan(v, as_field=True)

    def _unversioned(self, value: str, entry: LicenseEntry) -> bool:
        toks = tuple(tokens_of(normalize_alias(value).replace("-", " ")))
        for a in self._first.get(toks[0], []) if toks else []:
            if a.tokens == toks and a.license_id == entry.id:
                return a.unversioned
        return False

    def _spdx_expression(self, expr: str, line: int) -> list[Mention]:
        """Known licences of an SPDX expression, in order; [] when it does not parse."""
        try:
            parsed = _LICENSING.parse(expr)
        except (ExpressionError, Exception):  # the parser raises several unrelated types
            return []
        if parsed is None:
            return []
        out: list[Mention] = []
        for key in _LICENSING.license_keys(parsed):
            entry = self.kb.lookup(str(key))
            if entry is not None and all(m.license_id != entry.id for m in out):
                out.append(self._mention(entry.id, "spdx", CONF_SPDX, line, line, str(key)))
        return out

    # -- prose ----------------------------------------------------------------------
    def scan(self, text: str, as_field: bool = False) -> list[Mention]:
        """Every mention of a known licence in a text, in text order.

        `as_field`: the whole text is a licence field value, so bare ids count."""
        text = text.replace("\r\n", "\n").replace("\r", "\n")  # lines as text.normalize counts them
        line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

        def line_of(pos: int) -> int:
            return bisect_right(line_starts, pos)

        out: list[Mention] = []

        def spdx_line(m: re.Match[str]) -> str:
            ln = line_of(m.start())
            out.extend(self._spdx_expression(m.group(1).strip(), ln))
            return " " * (m.end() - m.start())

        def url(m: re.Match[str]) -> str:
            lid = self.lookup_url(m.group())
            if lid:
                ln = line_of(m.start())
                out.append(self._mention(lid, "url", CONF_URL, ln, ln, m.group()))
            return " " * (m.end() - m.start())

        # SPDX lines and URLs are read whole, then blanked so their words are not re-read
        blanked = _URL.sub(url, _SPDX_LINE.sub(spdx_line, text))
        out.extend(self._scan_names(blanked, text, line_of, as_field))
        return sorted(out, key=lambda m: m.start_line)

    def _scan_names(
        self, blanked: str, text: str, line_of: Callable[[int], int], as_field: bool
    ) -> list[Mention]:
        low = blanked.lower()
        matches = list(_TOKEN.finditer(low))
        words = [m.group() for m in matches]
        first = self._first
        if first.keys().isdisjoint(words):
            return []
        toks = [(m.group(), m.start(), m.end()) for m in matches]
        gaps = [low[toks[k - 1][2] if k else 0 : toks[k][1]] for k in range(len(toks))]
        out: list[Mention] = []
        i = 0
        last_end = -10
        while i < len(toks):
            if words[i] not in first:
                i += 1
                continue
            alias = self._longest_at(words, toks, low, i)
            if alias is None:
                i += 1
                continue
            j = i + len(alias.tokens)
            if as_field or self._in_context(alias, words, gaps, i, j, last_end):
                s, e = toks[i][1], toks[j - 1][2]
                conf = CONF_NAME if alias.strong else CONF_WEAK
                if alias.unversioned:
                    conf = CONF_UNVERSIONED
                if as_field:
                    conf = CONF_UNVERSIONED if alias.unversioned else CONF_FIELD
                out.append(
                    self._mention(
                        alias.license_id, "reference", conf, line_of(s), line_of(e), text[s:e]
                    )
                )
                last_end = j
                i = j
            else:
                i += 1
        return out

    def _longest_at(
        self, words: list[str], toks: list[tuple[str, int, int]], low: str, i: int
    ) -> _Alias | None:
        for a in self._first.get(words[i], ()):
            n = len(a.tokens)
            if tuple(words[i : i + n]) != a.tokens:
                continue
            if all(
                _SEPARATOR.fullmatch(low[toks[k][2] : toks[k + 1][1]]) for k in range(i, i + n - 1)
            ):
                # the alias must end at a token boundary ("mit" not in "mit-ish" words)
                return a
        return None

    @staticmethod
    @staticmethod
    def _in_context(
        alias: _Alias, words: list[str], gaps: list[str], i: int, j: int, last_end: int
    ) -> bool:
        """Whether a weak alias sits where a licence is being named.

        A model name ("Llama 3", "gemma") counts only right next to a licence word
        ("license: gemma", "Llama 3 license", "under Llama 3"); a bare id or common
        word ("MIT", "CC") also within three words after one ("licensed under the MIT")
        or joined to the mention before ("Apache-2.0 OR MIT"). Never across a sentence
        end. `gaps[k]` is the text between token k-1 and token k."""
        if alias.strong and not alias.model_name:
            return True

        def near(a: int, b: int) -> bool:  # tokens a < b in one sentence
            return not any(_SENTENCE_BREAK.search(gaps[k]) for k in range(a + 1, b + 1))

        prev = words[i - 1] if i > 0 and near(i - 1, i) else ""
        after = words[j] if j < len(words) and near(j - 1, j) else ""
        if prev in _CONTEXT_WORDS or after in _LICENSE_WORDS:
            return True
        if alias.model_name:
            return prev == "the" and i > 1 and words[i - 2] in _CONTEXT_WORDS and near(i - 2, i)
        for k in range(max(0, i - 3), i):
            if words[k] in _CONTEXT_WORDS and near(k, i):
                return True
        # "Apache-2.0 OR MIT": joined by one word to the mention just before
        return i - last_end == 1 and words[last_end] in _JOINERS and near(last_end - 1, i)

    def _mention(self, lid: str, method: str, conf: float, l1: int, l2: int, text: str) -> Mention:
        return Mention(lid, method, conf, l1, l2, text)


_LICENSING = Licensing()


def _model_name_words(kb: KnowledgeBase) -> set[str]:
    """Words that name models as well as licences ("gemma", "llama", "qwen"): the first
    word of every catalogued model family."""
    words: set[str] = set()
    for m in kb.models.values():
        words.update(tokens_of(m.family.replace("-", " "))[:1])
    return words


def _versioned_families(kb: KnowledgeBase) -> dict[tuple[str, bool], int]:
    """How many versions each family has (licences and use policies counted apart)."""
    counts: dict[tuple[str, bool], int] = {}
    for e in kb:
        if e.kind == "family":
            continue
        key = (e.family, e.kind == "use-policy")
        counts[key] = counts.get(key, 0) + 1
    return counts


@per_knowledge_base
def reference_matcher(kb: KnowledgeBase) -> ReferenceMatcher:
    """The compiled matcher of `kb`, built on first use."""
    return ReferenceMatcher(kb)
