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
    r"\b(?:be|is|are) used (?:according to|in accordance with|under) (?:the )?(?P<x>[^.;\n]{3,120}?(?:licen[cs]e|terms|"
    r"agreement|polic(?:y|ies))\b)",
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
                                          "governed", "bound by", "train", "improv", "distill", "used ")):
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


# --- base models named in the text ---------------------------------------------------
#
# Many cards never set `base_model` but say it: "Finetuned from model: [org/name](...)",
# "This model is a fine-tuned version of [google/flan-t5-base](...) on ...", "GGUF
# quantizations of X", "derived from Llama3.1-8B-Base". Each statement found is a
# candidate parent with its line; the lineage evaluator decides what it resolves to.


@dataclass(frozen=True)
class ProseBase:
    """A parent model the card's prose names: a Hub id, or a name for the catalog to resolve."""

    value: str
    is_hub_id: bool
    relation: str | None
    certainty: str  # medium: a labelled or explicit statement; low: a looser wording
    evidence: Evidence


_REL_WORDS = {
    "quantized": ("quantiz", "quantis", "gguf", "gptq", "awq", "exl2", "mlx", "converted", "conversion"),
    "adapter": ("lora", "adapter", "peft"),
    "merge": ("merge", "merging"),
}
_BASE_LABEL = (
    r"(?:^|[|*_\s-])(?:base[ _-]?model|original[ _-]?model|parent[ _-]?model|(?:fine[- ]?tuned|finetuned|trained|"
    r"quanti[sz]ed|converted|merged|adapted|distilled|derived|initiali[sz]ed) from(?: (?:the )?model)?)\s*"
    r"(?:\*\*|__)?\s*[:：|]\s*(?P<x>.{2,300})$",
)
_BASE_SENTENCE = (
    r"\b(?:is|are|was|were)\s+(?:a|an|the)?\s*(?:[\w.-]+\s+){0,3}?(?:fine[- ]?tuned|finetuned|instruction[- ]tuned|"
    r"quanti[sz]ed|distilled|merged|converted|continued[- ]pre-?trained|lora|gguf|gptq|awq|exl2|mlx|trained|further[- ]trained)"
    r"(?:\s+(?:version|variant|checkpoint|model|adapter|weights|copy|edition))?\s+(?:of|from|on top of|based on|for)\s+"
    r"(?P<x>.{2,300})",
    r"\b(?:derived|fine[- ]?tuned|finetuned|distilled|initiali[sz]ed|trained|built|developed|quanti[sz]ed|converted|"
    r"adapted|continued)\s+(?:\w+\s+){0,2}?(?:from|upon|on top of|with weights from|based on)\s+(?P<x>.{2,300})",
    r"\b(?:based on|on top of|built (?:up)?on|build(?:s|ing)? (?:up)?on|(?:a |an )?extension of)\s+(?P<x>.{2,300})",
    r"\b(?:is|are) an? (?P<x>\[[^\]]{2,120}\]\([^)\s]{4,300}\)) (?:extension|fine-?tune|variant|derivative|adaptation|"
    r"version|lora|adapter|merge|quant\w*)\b",
    r"\b(?:gguf|gptq|awq|exl2|mlx|quantized|quantised)\s+(?:format\s+)?(?:model\s+)?(?:files?\s+|quants?\s+|quantizations?\s+|"
    r"versions?\s+|weights\s+)?(?:of|for)\s+(?P<x>.{2,300})",
    r"\b(?:lora|adapter|peft adapter)\s+(?:weights\s+)?(?:for|of|on)\s+(?P<x>.{2,300})",
    r"\bwe (?:fine-?tune|finetune|further train|continue pre-?training|quantize|merge)d?\s+(?P<x>.{2,300})",
    r"\b(?:a )?(?:merge|frankenmerge|interleav\w* (?:the )?layers)(?: \w+){0,5}? of\s+(?P<x>.{2,300})",
)
_MD_LINK = re.compile(r"\[(?P<text>[^\]]{0,200})\]\((?P<url>[^)\s]{1,400})\)")
_HF_MODEL_URL = re.compile(
    r"https?://(?:www\.)?(?:huggingface\.co|hf\.co)/(?!datasets/|spaces/|docs/|blog/|papers/|collections/)"
    r"(?P<id>[A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95})(?P<file>/(?:blob|raw|resolve|tree|discussions)/)?",
    re.IGNORECASE,
)
_BARE_ID = re.compile(r"(?<![\w./-])(?P<id>[A-Za-z0-9][\w.-]{1,95}/[A-Za-z0-9][\w.-]{0,95})(?![\w/-])")
_NAME_TOKEN = re.compile(r"(?<![\w.-])(?P<name>[A-Za-z][\w.-]*\d[\w.-]*)(?![\w-])")
_NOT_A_BASE = re.compile(r"\b(?:dataset|datasets|data|corpus|tokenizer|benchmark|paper|github|arxiv)\b", re.I)


@lru_cache(maxsize=1)
def _base_patterns() -> tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]]:
    return (
        tuple(re.compile(p, re.IGNORECASE) for p in _BASE_LABEL),
        tuple(re.compile(p, re.IGNORECASE) for p in _BASE_SENTENCE),
    )


def _relation_of(text: str) -> str | None:
    low = text.lower()
    for rel, words in _REL_WORDS.items():
        if any(w in low for w in words):
            return rel
    return "finetune" if re.search(r"fine[- ]?tun|finetun|trained|distill|instruction", low) else None


def _candidates(tail: str, limit: int = 3) -> list[tuple[str, bool]]:
    """Model references at the start of a statement's tail: Hub links first, then ids, then a name."""
    out: list[tuple[str, bool]] = []
    head = re.split(r"(?<=[.!?])\s+(?=[A-Z])", tail[:240], maxsplit=1)[0]
    # stop at the first clause boundary that leaves the subject ("... on the X dataset", "using ...")
    cut = re.search(r"\s(?:on the|on a|on an|using|with the|trained on|to |which |that |and (?:then|is|was))\b", head)
    scope = head[: cut.start()] if cut and cut.start() > 0 else head
    for m in _MD_LINK.finditer(scope):
        hub = _HF_MODEL_URL.match(m.group("url"))
        if hub and hub.group("file"):
            continue  # a link to a file (a LICENSE) in a repository is not a model reference
        if hub:
            out.append((hub.group("id").removesuffix(".git"), True))
        elif not m.group("url").startswith("http"):
            continue
    if not out:
        plain = _MD_LINK.sub(lambda m: "" if "/datasets/" in m.group("url") else m.group("text"), scope)
        for m in _HF_MODEL_URL.finditer(plain):
            if not m.group("file"):
                out.append((m.group("id"), True))
        for m in _BARE_ID.finditer(plain):
            mid = m.group("id").rstrip(".")
            if not re.match(r"^\d", mid) and "://" not in plain[max(0, m.start() - 3) : m.start()]:
                out.append((mid, True))
        if not out:
            phrase = re.split(r"[,;:()\[\]*]|\s(?:and|with|on|using|by|for|to|in|is|was|which|that|models?|weights)\b",
                              plain.replace("`", ""))[0]
            words = [w for w in phrase.split()[:5] if w.lower() not in ("the", "a", "an", "our", "its")]
            if words:
                out.append((" ".join(words).strip(".,;: "), False))
    seen: set[str] = set()
    unique: list[tuple[str, bool]] = []
    for value, is_id in out:
        if value.lower() not in seen:
            seen.add(value.lower())
            unique.append((value, is_id))
    return unique[:limit]


def _compact(s: str) -> str:
    return re.sub(r"[^0-9a-z]", "", s.lower())


def _other_subject(before: str, own: str) -> bool:
    """The sentence is about another model ("X-8B is derived from ..." in a sibling's card)."""
    if not own:
        return False
    for m in _NAME_TOKEN.finditer(before):
        name = _compact(m.group("name"))
        if len(name) >= 4 and name not in own and own not in name:
            return True
    return False


_TABLE_BASE_HEADER = re.compile(r"\bbase(?:[ _-]?model)?\b|\boriginal(?: model)?\b|\bparent\b|\bfine[- ]?tuned from\b", re.I)


def _table_base(lines: list[str], index: int, own: str, header: list[str] | None) -> str | None:
    """In a table with a "Base Model" column, the cell of the row naming this model."""
    if header is None or not own:
        return None
    cells = [c.strip() for c in lines[index].strip().strip("|").split("|")]
    col = next((i for i, h in enumerate(header) if _TABLE_BASE_HEADER.search(h)), None)
    if col is None or col >= len(cells) or not cells:
        return None
    names = [_compact(_MD_LINK.sub(lambda m: m.group("text"), c)) for i, c in enumerate(cells) if i != col]
    if not any(n and (n == own or (len(n) >= 6 and own.endswith(n))) for n in names):
        return None
    return cells[col]


_MERGE_MODEL = re.compile(r"^\s*(?:-\s*)?(?:model|base_model)\s*:\s*['\"]?(?P<id>[^'\"#]+?)['\"]?\s*(?:#.*)?$")
_CACHE_PATH = re.compile(r"models--(?P<org>[\w.-]+?)--(?P<name>[\w.-]+)")
_HUB_ID_ONLY = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95}$")
_FROM_PRETRAINED = re.compile(
    r"(?P<var>\w+)\s*=\s*[\w.]+\.from_pretrained\(\s*['\"](?P<id>[\w.-]+/[\w.-]+)['\"]", re.S
)
_NOT_THE_BASE = re.compile(r"vae|tokeni[sz]er|encoder|processor|scheduler|controlnet|feature_extractor", re.I)


def _hub_id_of(value: str) -> str | None:
    """A Hub id written as itself or as a Hugging Face cache path (`.../models--org--name/...`)."""
    value = value.strip()
    if _HUB_ID_ONLY.match(value):
        return value
    m = _CACHE_PATH.search(value)
    return f"{m.group('org')}/{m.group('name')}" if m else None
_LOADS_ADAPTER = re.compile(r"load_lora_weights|PeftModel|load_adapter|set_adapters|fuse_lora", re.I)


def _code_block_bases(lines: list[str], first: int, own_name: str) -> list[tuple[str, str, int]]:
    """Parents a fenced block states: a mergekit configuration's models, or the pipeline a card loads
    before applying this model as a LoRA/adapter."""
    block: list[int] = []
    for i in range(first, min(len(lines), first + 400)):
        if lines[i].lstrip().startswith(("```", "~~~")):
            break
        block.append(i)
    text = "\n".join(lines[i] for i in block)
    own = own_name.lower()
    out: list[tuple[str, str, int]] = []
    if re.search(r"^\s*merge_method\s*:|^\s*slices\s*:", text, re.M):
        for i in block:
            m = _MERGE_MODEL.match(lines[i])
            mid = _hub_id_of(m.group("id")) if m else None
            if mid and mid.lower() != own and mid.lower() not in {o[0].lower() for o in out}:
                out.append((mid, "merge", i))
    elif _LOADS_ADAPTER.search(text):
        for m in _FROM_PRETRAINED.finditer(text):
            if m.group("id").lower() == own or _NOT_THE_BASE.search(m.group("var")) or _NOT_THE_BASE.search(m.group(0)):
                continue
            line = block[0] + text.count("\n", 0, m.start("id")) if block else first
            out.append((m.group("id"), "adapter", line))
            break
    return out


def prose_bases(text: str, file: str | None, *, own_name: str | None = None, max_lines: int = 3000) -> list[ProseBase]:
    """Parent models the card's body names, in order, each with its line.

    `own_name` (the model's id or name) keeps sentences about sibling models out and
    finds this model's row in a table with a base-model column."""
    labels, sentences = _base_patterns()
    lines = text.split("\n")
    own = _compact((own_name or "").split("/")[-1])
    out: list[ProseBase] = []
    seen: set[str] = {(own_name or "").lower()}
    in_code = False
    header: list[str] | None = None
    start = body_start_line(text) - 1
    for index in range(start, min(len(lines), start + max_lines)):
        raw = lines[index]
        if raw.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
            if in_code:
                for value, relation, line in _code_block_bases(lines, index + 1, own_name or ""):
                    if value.lower() not in seen:
                        seen.add(value.lower())
                        out.append(ProseBase(value, True, relation, "medium",
                                             Evidence(file, line + 1, line + 1, lines[line].strip()[:500])))
            continue
        if in_code or not raw.strip() or len(raw) > 4000:
            continue
        hits: list[tuple[str, str, str]] = []  # (tail, certainty, statement)
        if raw.lstrip().startswith("|"):
            if re.fullmatch(r"\s*\|?[\s:|-]+\|?\s*", raw):
                continue
            cell = _table_base(lines, index, own, header)
            if cell is None and not re.search(r"\]\(|https?://", raw) and header is None:
                header = [c.strip() for c in raw.strip().strip("|").split("|")]
                continue
            if cell is not None:
                hits.append((cell, "medium", raw))
        else:
            header = None
        for p in labels:
            m = p.search(raw)
            if m:
                hits.append((m.group("x"), "medium", raw))
        starts: list[int] = []
        if not hits:
            for p in sentences:
                for m in p.finditer(raw):
                    before = raw[max(0, m.start() - 120) : m.start()]
                    if re.search(r"\b(?:compared?|unlike|outperform\w*|vs\.?|than)\s*$", before.lower()):
                        continue
                    sentence_start = re.split(r"(?<=[.!?])\s+", before)[-1]
                    if _other_subject(sentence_start, own):
                        continue
                    hits.append((m.group("x"), "medium" if m.re.pattern.startswith(r"\b(?:is|are") else "low", raw))
                    starts.append(m.start())
            if len(hits) > 1:  # several statements on one line: the first one written speaks for it
                first = min(range(len(hits)), key=lambda i: starts[i])
                hits = [hits[first]]
        for tail, certainty, statement in hits:
            for value, hub in _candidates(tail):
                lead = tail[: max(0, tail.find(value.split("/")[-1]))].lower()
                if re.search(r"\b(?:card|paper|dataset|data|blog|documentation|code|repo|repository|tokenizer)\b", lead):
                    continue
                key = value.lower()
                if key in seen or (own and _compact(value.split("/")[-1]) == own):
                    continue
                seen.add(key)
                out.append(ProseBase(value, hub, _relation_of(statement), certainty if hub else "low",
                                     Evidence(file, index + 1, index + 1, statement.strip()[:500])))
    return out
