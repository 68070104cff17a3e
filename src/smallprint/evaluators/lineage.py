"""Where a model comes from: its ancestry graph, resolved through the Hub or the bundled catalog.

Lineage is read from what the model states (card `base_model`/`base_model_relation`,
PEFT `adapter_config.json`, GGUF `general.base_model.*` keys) and, when it states
nothing, inferred from its name against the catalog (flagged as inferred). Each
ancestor is looked up through an `AncestorResolver`; merges (several parents),
cycles, missing ancestors and over-long chains are all reported, never fatal.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from smallprint.kb import CatalogModel, KnowledgeBase, per_knowledge_base
from smallprint.model import Evidence, Finding, LicenseClaim, LineageNode, ModelFacts

__all__ = [
    "AncestorResolver",
    "CatalogResolver",
    "ChainResolver",
    "Lineage",
    "base_evidence",
    "build_lineage",
    "declared_bases",
    "infer_parents",
    "infer_relation",
    "normalize_base_id",
]

MAX_DEPTH = 12
MAX_NODES = 200
HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95}$")
_HF_URL = re.compile(r"^(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/(?P<id>[^/\s]+/[^/\s?#]+)", re.I)
_CACHE_DIR = re.compile(r"models--(?P<org>[^/\\]+?)--(?P<name>[^/\\]+)")
_QUANT = re.compile(
    r"(?:^|[-_.\s])(?:gguf|gptq|awq|exl2|bnb|mlx|quantized|quant|int4|int8|fp8|fp16|bf16|"
    r"[248]bit|[248]-bit|w4a16|w8a8|w8a16|q[2-8](?:_[a-z0-9]+)*|iq[1-4]_[a-z0-9_]+)(?:$|[-_.\s])",
    re.I,
)
_ADAPTER_TAGS = {"lora", "peft", "adapter", "qlora"}
_GGUF_BASE_KEY = re.compile(r"^general\.base_model\.(\d+)\.(repo_url|organization|name)$")


class AncestorResolver(Protocol):
    """Finds what is known about an ancestor; None when it cannot be found.

    A resolver may also offer `known_missing(model_id) -> bool`: True when the source
    knows the id does not exist (a Hub 404), which makes the edge broken metadata.
    """

    def resolve(self, model_id: str) -> ModelFacts | None: ...


def kb_label(path: str) -> str:
    """A bundled data file as `kb:models/llama.yaml`: the same on every machine; other
    paths (a user's SMALLPRINT_KB_PATH) stay as they are."""
    from smallprint.kb import KB_DIR

    try:
        return "kb:" + Path(path).resolve().relative_to(KB_DIR.resolve()).as_posix()
    except ValueError:
        return path


class CatalogResolver:
    """Ancestors from the bundled catalog (works offline)."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self._lines: dict[str, list[str]] = {}
        self._names: list[tuple[str, str]] | None = None
        self._compact: dict[str, str] | None = None

    def resolve(self, model_id: str) -> ModelFacts | None:
        cm = self.kb.model(model_id)
        return None if cm is None else self.facts_of(cm)

    def facts_of(self, cm: CatalogModel) -> ModelFacts:
        """The catalog entry as ModelFacts, its licence claim pointing at the data file line.

        The modality and Hub task travel as a card or Hub source would carry them
        (`pipeline_tag` in the card data, a `modality:<value>` tag), so clauses scoped to
        multimodal models are decided offline too.
        """
        ev = self._evidence(cm)
        metadata: dict[str, Any] = {
            "catalog": {"family": cm.family, "publisher": cm.publisher, "sources": list(cm.sources)}
        }
        if cm.modality:
            metadata["modality"] = cm.modality
        return ModelFacts(
            target=cm.id,
            model_id=cm.id,
            origin="catalog",
            name=cm.id.split("/")[-1],
            license_claims=[LicenseClaim("catalog", cm.license, ev)],
            base_models=list(cm.base_models),
            relation=cm.relation,
            datasets=list(cm.datasets),
            tags=[f"modality:{cm.modality}"] if cm.modality else [],
            gated=cm.gated,
            card_data={"pipeline_tag": cm.pipeline_tag} if cm.pipeline_tag else {},
            metadata=metadata,
        )

    def _evidence(self, cm: CatalogModel) -> Evidence:
        memo = _catalog_memo(self.kb)["evidence"]
        if cm.id not in memo:
            memo[cm.id] = self._find_evidence(cm)
        return memo[cm.id]

    def _find_evidence(self, cm: CatalogModel) -> Evidence:
        path = cm.path or "kb/models"
        lines = self._file_lines(path)
        start = next((i for i, line in enumerate(lines, 1) if re.match(rf"^\s*-?\s*id:\s*['\"]?{re.escape(cm.id)}['\"]?\s*$", line)), 0)
        lic = next((i for i in range(start, min(start + 12, len(lines) + 1)) if i and "license:" in lines[i - 1]), start)
        return Evidence(kb_label(path), lic or 1, lic or 1, f"{cm.id}: license: {cm.license}")

    def _file_lines(self, path: str) -> list[str]:
        if path not in self._lines:
            try:
                self._lines[path] = Path(path).read_text(encoding="utf-8").splitlines()
            except OSError:
                self._lines[path] = []
        return self._lines[path]

    def infer_from_name(self, name: str) -> CatalogModel | None:
        """The catalogued model whose name the given name contains, longest first.

        Re-uploads and conversions keep the upstream name ("Mistral-Nemo-Instruct-2407-quantized.w4a16");
        a match must sit on name-token boundaries, hold a digit and be at least 8 characters long.
        """
        hay = name.split("/")[-1].lower()
        names = self._catalog_names()
        rank, longest = _name_lookup(self.kb, names)
        # a match starts after a non-alphanumeric character (or at 0) and ends before one (or
        # at the end): look those spans up instead of searching the hay for every name
        starts = [i for i in range(len(hay)) if i == 0 or not hay[i - 1].isalnum()]
        ends = [j for j in range(1, len(hay) + 1) if j == len(hay) or not hay[j].isalnum()]
        best: int | None = None
        for i in starts:
            for j in ends:
                if j - i < 8:
                    continue
                if j - i > longest:
                    break
                r = rank.get(hay[i:j])
                if r is not None and (best is None or r < best):
                    best = r
        return None if best is None else self.kb.models[names[best][1]]

    def resolve_name(self, phrase: str) -> CatalogModel | None:
        """The catalogued model a free-text name writes ("Llama 3.1 70B Instruct", "Llama3.1-8B-Base"):
        equal once case, spaces and punctuation are dropped (a trailing "base"/"hf" allowed)."""
        key = _compact(phrase)
        if len(key) < 4 or not any(c.isdigit() for c in key):
            return None
        table = self._compact_names()
        for k in (key, key.removesuffix("base"), key.removesuffix("hf")):
            if k in table:
                return self.kb.models[table[k]]
        return None

    def _compact_names(self) -> dict[str, str]:
        if self._compact is None:
            table: dict[str, str] = {}
            for m in sorted(self.kb.models.values(), key=lambda m: len(m.base_models)):
                for full in (m.id, *m.aliases):
                    for short in _name_forms(full):
                        table.setdefault(_compact(short), m.id)
            self._compact = table
        return self._compact

    def _catalog_names(self) -> list[tuple[str, str]]:
        if self._names is None:
            self._names = _catalog_memo(self.kb)["names"] or _build_catalog_names(self.kb)
            _catalog_memo(self.kb)["names"] = self._names
        return self._names


def _name_lookup(kb: KnowledgeBase, names: list[tuple[str, str]]) -> tuple[dict[str, int], int]:
    """Each catalogued name form -> its place in the longest-first order, and the longest length."""
    memo = _catalog_memo(kb)
    if memo.get("rank") is None or memo.get("rank_of") is not names:
        memo["rank"] = {short: i for i, (short, _mid) in reversed(list(enumerate(names)))}
        memo["longest"] = max((len(short) for short, _ in names), default=0)
        memo["rank_of"] = names
    return memo["rank"], memo["longest"]


@per_knowledge_base
def _catalog_memo(kb: KnowledgeBase) -> dict[str, Any]:
    """What every CatalogResolver of one knowledge base shares (name index, evidence lines),
    so a resolver made per model costs nothing to build."""
    return {"names": None, "evidence": {}}


def _build_catalog_names(kb: KnowledgeBase) -> list[tuple[str, str]]:
    names: dict[str, str] = {}
    # roots first: a re-upload sharing an upstream's name must not win over the upstream
    for m in sorted(kb.models.values(), key=lambda m: len(m.base_models)):
        for full in (m.id, *m.aliases):
            for short in _name_forms(full):
                if len(short) >= 8 and any(c.isdigit() for c in short):
                    names.setdefault(short, m.id)
    return sorted(names.items(), key=lambda kv: -len(kv[0]))


def _compact(s: str) -> str:
    return re.sub(r"[^0-9a-z]", "", s.lower())


def _name_forms(full_id: str) -> list[str]:
    """A catalogued name as re-uploads write it: whole, and without the publisher's brand prefix
    (`meta-llama/Meta-Llama-3-8B` is re-uploaded as `llama-3-8b`)."""
    org, _, name = full_id.lower().rpartition("/")
    forms = [name]
    words = [w for w in re.split(r"[-_.]", org) if w]
    if len(words) >= 2 and name.startswith("-".join(words) + "-"):  # the name repeats a two-word org
        forms.append(name[len(words[0]) + 1 :])
    return forms


class ChainResolver:
    """Try resolvers in order (catalog first: curated and offline; then the Hub)."""

    def __init__(self, resolvers: Iterable[AncestorResolver]):
        self.resolvers = list(resolvers)

    def resolve(self, model_id: str) -> ModelFacts | None:
        for r in self.resolvers:
            got = r.resolve(model_id)
            if got is not None:
                return got
        return None

    def known_missing(self, model_id: str) -> bool:
        return any(bool(getattr(r, "known_missing", lambda _id: False)(model_id)) for r in self.resolvers)


def normalize_base_id(raw: str) -> tuple[str | None, str | None]:
    """A Hub id from a base_model value, and why it needed repair (None when it was clean).

    Accepts Hub ids, Hub URLs, HF cache folders (`models--org--name`) and local paths
    ending in `org/name` (what training scripts write into cards).
    """
    value = raw.strip().strip("'\"").strip()
    if HUB_ID.match(value):
        return value, None
    m = _HF_URL.match(value)
    if m:
        mid, rev = _split_revision(m.group("id"))
        if HUB_ID.match(mid):
            return mid, (f"base model {value!r} pins a revision; the Hub links base_model by bare id" if rev else None)
    mid, rev = _split_revision(value.rstrip("/"))
    if HUB_ID.match(mid):
        why = f"pins a revision ({rev!r})" if rev else "ends in '/'"
        return mid, f"base model {value!r} {why}; the Hub links base_model by bare id only: read as {mid}"
    m = _CACHE_DIR.search(value)
    if m:
        cand = f"{m.group('org')}/{m.group('name')}"
        if HUB_ID.match(cand):
            return cand, f"base model {value!r} is a local Hugging Face cache path, not a Hub id"
    parts = [p for p in re.split(r"[/\\]+", value) if p and p not in (".", "..")]
    if len(parts) >= 2 and (value.startswith(("/", "~", ".")) or re.match(r"^[A-Za-z]:", value)):
        cand = f"{parts[-2]}/{parts[-1]}"
        if HUB_ID.match(cand):
            return cand, f"base model {value!r} is a local path, not a Hub id; read as {cand}"
        return None, f"base model {value!r} is a local path, not a Hub id"
    return None, f"base model {value!r} is not a Hub id"


def _split_revision(value: str) -> tuple[str, str | None]:
    """`org/name@rev` -> (`org/name`, `rev`); a value without `@` is returned whole."""
    head, sep, rev = value.partition("@")
    return (head, rev or None) if sep else (value, None)


def _gguf_bases(metadata: dict[str, Any]) -> list[str]:
    """Hub ids from GGUF `general.base_model.N.*` keys wherever a source left them."""
    pools = [metadata] + [v for v in metadata.values() if isinstance(v, dict)]
    found: dict[str, dict[str, str]] = {}
    for pool in pools:
        for key, value in pool.items():
            m = _GGUF_BASE_KEY.match(str(key))
            if m and isinstance(value, str):
                found.setdefault(m.group(1), {})[m.group(2)] = value
    out: list[str] = []
    for _n, keys in sorted(found.items()):
        url = keys.get("repo_url", "")
        mid, _ = normalize_base_id(url) if url else (None, None)
        if mid is None and keys.get("organization") and keys.get("name"):
            cand = f"{keys['organization']}/{keys['name']}".replace(" ", "-")
            mid = cand if HUB_ID.match(cand) else None
        if mid:
            out.append(mid)
    return out


def declared_bases(facts: ModelFacts, catalog: CatalogResolver | None = None) -> tuple[list[str], list[Finding]]:
    """The parents the model states, de-duplicated and repaired where they are paths or URLs.

    With a catalog, a value that is no Hub id (a bare name, a local folder) is read as the
    catalogued model it names, and the finding says so.
    """
    raw = list(facts.base_models)
    adapter = facts.metadata.get("adapter")
    if isinstance(adapter, dict) and isinstance(adapter.get("base_model_name_or_path"), str):
        raw.append(adapter["base_model_name_or_path"])
    raw.extend(_gguf_bases(facts.metadata))
    out: list[str] = []
    findings: list[Finding] = []
    if "base_model" in facts.card_data and not facts.card_data.get("base_model"):
        findings.append(
            Finding("broken-metadata", "warning", "base_model is present but empty: the card names no parent",
                    [base_evidence(facts, "base_model")])
        )
    reported: set[str] = set()
    for value in raw:
        mid, problem = normalize_base_id(value)
        if problem and catalog is not None and (mid is None or catalog.kb.model(mid) is None):
            named = catalog.infer_from_name(re.split(r"[/\\]+", value.strip().rstrip("/\\"))[-1])
            if named is not None:
                mid, problem = named.id, f"{problem}; read as the catalogued {named.id}, which it names"
        if problem and value not in reported:
            reported.add(value)
            findings.append(Finding("broken-metadata", "warning", problem, [base_evidence(facts, value)]))
        if mid and mid.lower() not in {o.lower() for o in out}:
            out.append(mid)
    return out, findings


def base_evidence(facts: ModelFacts, value: str) -> Evidence:
    """Where a base model value is written: its card line, else the adapter config or weight file."""
    located = _line_with(facts.card_text or "", value)
    if located:
        return Evidence(facts.card_path, located[0], located[0], located[1])
    adapter = facts.metadata.get("adapter")
    if isinstance(adapter, dict) and adapter.get("base_model_name_or_path") == value and adapter.get("file"):
        file = str(adapter["file"])
        try:
            located = _line_with(Path(file).read_text(encoding="utf-8", errors="replace")[:1_000_000], value)
        except OSError:
            located = None
        line, quote = located or (0, f"base_model_name_or_path: {value}")
        return Evidence(file, line, line, quote)
    gguf = facts.metadata.get("gguf")
    if isinstance(gguf, dict):
        for weights, meta in gguf.items():
            if isinstance(meta, dict) and value in str(meta.get("base_models")):
                return Evidence(str(weights), 0, 0, f"general.base_model = {value}")
    line = _card_key_line(facts.card_text or "", "base_model")
    where = facts.card_path
    if where is None and facts.origin == "catalog" and facts.license_claims:
        where, line = facts.license_claims[0].evidence.file, facts.license_claims[0].evidence.start_line
    return Evidence(where or facts.target, line, line, f"base_model: {value}")


def _line_with(text: str, value: str) -> tuple[int, str] | None:
    """The first line holding `value` (1-based) and the line itself, or None."""
    needle = value.strip()
    if not needle:
        return None
    for i, line in enumerate(text.split("\n")[:5000], 1):
        if needle in line:
            return i, line.strip()[:500]
    return None


def _card_key_line(text: str, key: str) -> int:
    for i, line in enumerate(text.split("\n")[:5000], 1):
        if line.startswith(f"{key}:"):
            return i
    return 0


def infer_relation(facts: ModelFacts, parents: list[str]) -> str | None:
    """How a model relates to its parents when the card does not say so."""
    if facts.relation in ("adapter", "merge", "quantized", "finetune"):
        return facts.relation
    if not parents:
        return None
    tags = {t.lower() for t in facts.tags}
    files = [Path(w.path).name.lower() for w in facts.weight_files]
    if facts.metadata.get("adapter") or tags & _ADAPTER_TAGS or any(f.startswith("adapter_model") for f in files):
        return "adapter"
    name = (facts.model_id or facts.name or facts.target).split("/")[-1]
    if any(w.format == "gguf" for w in facts.weight_files) or facts.origin == "gguf" or _QUANT.search(name):
        return "quantized"
    if len(parents) > 1 or "merge" in tags or "mergekit" in tags:
        return "merge"
    return "finetune"


@dataclass(frozen=True)
class InferredEdge:
    """A parent the model does not declare in `base_model` but states another way, with its evidence."""

    parent: str
    how: str  # "the card's text" | "config.json" | "the model's name"
    certainty: str  # medium | low
    relation: str | None
    evidence: Evidence

    @property
    def label(self) -> str:
        return f"inferred from {self.how} ({self.certainty} certainty)"


def infer_parents(facts: ModelFacts, catalog: CatalogResolver | None) -> list[InferredEdge]:
    """Parents stated outside `base_model`: the card's prose (labelled lines, "fine-tuned version of",
    a base-model table column, links), then `config.json`'s `_name_or_path`. The best-supported
    statement wins: explicit statements before loose ones; only ids a Hub id pattern or the
    catalog recognises become edges."""
    own = (facts.model_id or facts.name or "").lower()
    prose: list[InferredEdge] = []
    if facts.card_text:
        from smallprint.sources.card_prose import prose_bases

        for b in prose_bases(facts.card_text, facts.card_path, own_name=facts.model_id or facts.name):
            mid: str | None = None
            certainty = b.certainty
            if b.is_hub_id and HUB_ID.match(b.value):
                mid = b.value
                cm = catalog.kb.model(mid) if catalog is not None else None
                mid = cm.id if cm is not None else mid
            elif catalog is not None:
                cm = catalog.resolve_name(b.value) or _with_own_size(catalog, b.value, own)
                mid, certainty = (cm.id, "low") if cm is not None else (None, certainty)
            if mid and mid.lower() != own and mid.lower() not in {d.lower() for d in facts.datasets}:
                prose.append(InferredEdge(mid, "the card's text", certainty, b.relation, b.evidence))
    config = _config_edge(facts, catalog)
    for level in ("medium", "low"):
        picked = [e for e in prose if e.certainty == level]
        if level == "low" and config is not None:
            return [config]
        if picked:
            first_line = picked[0].evidence.start_line
            return _unique([e for e in picked if e.evidence.start_line == first_line])
    return [config] if config is not None else []


_SIZE = re.compile(r"(?<![a-z0-9])(\d+(?:\.\d+)?[bm])(?![a-z0-9])", re.I)


def _with_own_size(catalog: CatalogResolver, phrase: str, own: str) -> CatalogModel | None:
    """"fine-tuned from LLaMA" in the card of `guanaco-65b`: the size in the model's own name picks the base."""
    if _SIZE.search(phrase):
        return None
    sizes = _SIZE.findall(own.split("/")[-1])
    return catalog.resolve_name(f"{phrase} {sizes[0]}") if len(sizes) == 1 else None


def _unique(edges: list[InferredEdge]) -> list[InferredEdge]:
    out: list[InferredEdge] = []
    for e in edges:
        if e.parent.lower() not in {x.parent.lower() for x in out}:
            out.append(e)
    return out


def _config_edge(facts: ModelFacts, catalog: CatalogResolver | None) -> InferredEdge | None:
    """`config.json`'s `_name_or_path`: the checkpoint training started from, when it names another model."""
    config = facts.metadata.get("config")
    value = config.get("name_or_path") if isinstance(config, dict) else None
    if not isinstance(value, str) or not value.strip():
        return None
    own = (facts.model_id or facts.name or "").lower()
    mid, problem = normalize_base_id(value)
    certainty = "medium"
    if mid is None or problem:
        named = catalog.infer_from_name(re.split(r"[/\\]+", value.strip().rstrip("/\\"))[-1]) if catalog else None
        if named is None:
            return None
        mid, certainty = named.id, "low"
    if mid.lower() == own or mid.split("/")[-1].lower() == own.split("/")[-1]:
        return None
    return InferredEdge(mid, "config.json", certainty, None, Evidence("config.json", 0, 0, f'"_name_or_path": "{value}"'))


@dataclass
class Lineage:
    """The ancestry of one model: nodes (the model first), findings, and what each node resolved to."""

    nodes: list[LineageNode] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    facts: dict[str, ModelFacts] = field(default_factory=dict)
    inferred_from_name: bool = False
    inferred_edges: list[tuple[str, str]] = field(default_factory=list)  # (unresolved ancestor, parent its name names)
    stated_edges: list[InferredEdge] = field(default_factory=list)  # parents stated outside base_model (prose, config)

    @property
    def inferred(self) -> bool:
        """Some edge rests on a name, not on metadata."""
        return self.inferred_from_name or bool(self.inferred_edges)

    @property
    def inferred_how(self) -> str | None:
        """What the inferred part of the lineage rests on, for messages; None when all is declared."""
        hows = [e.how for e in self.stated_edges]
        if self.inferred:
            hows.append("model names")
        return ", ".join(dict.fromkeys(hows)) or None

    def node(self, model_id: str) -> LineageNode | None:
        return next((n for n in self.nodes if n.id.lower() == model_id.lower()), None)

    def parents_of(self, node: LineageNode) -> list[LineageNode]:
        return [p for p in (self.node(i) for i in node.parents) if p is not None]


LicenseOf = Callable[[ModelFacts], tuple[str | None, str | None]]


def _parents_of(facts: ModelFacts, catalog: CatalogResolver | None = None) -> tuple[list[str], list[Finding]]:
    return declared_bases(facts, catalog)


def build_lineage(
    facts: ModelFacts,
    resolver: AncestorResolver,
    license_of: LicenseOf,
    *,
    max_depth: int = MAX_DEPTH,
    catalog: CatalogResolver | None = None,
) -> Lineage:
    """Walk the ancestry breadth-first from the model; every model appears once.

    When the model states no parent and `catalog` is given, a catalogued model named
    inside its name is taken as the parent (marked inferred in the evidence).
    """
    out = Lineage()
    root_id = facts.model_id or facts.name or facts.target
    parents, problems = _parents_of(facts, catalog)
    out.findings.extend(problems)
    own = catalog.kb.model(facts.model_id) if catalog is not None and facts.model_id else None
    if not parents and own is not None:
        parents = list(own.base_models)
    elif not parents:
        out.stated_edges = infer_parents(facts, catalog)
        parents = [e.parent for e in out.stated_edges]
        if not parents and catalog is not None:
            guess = catalog.infer_from_name(root_id)
            if guess is not None and guess.id.lower() != root_id.lower():
                parents = [guess.id]
                out.inferred_from_name = True
    lid, lname = license_of(facts)
    root = LineageNode(root_id, lid, lname, None, 0, parents, resolved_from=_origin(facts))
    if out.inferred_from_name:
        root.evidence.append(Evidence(facts.card_path, 0, 0, f"parent {parents[0]} inferred from the name {root_id!r}"))
    out.nodes.append(root)
    out.facts[root_id.lower()] = facts
    relation = infer_relation(facts, parents)
    stated_rel = next((e.relation for e in out.stated_edges if e.relation), None)
    if stated_rel and facts.relation is None and relation in (None, "finetune"):
        relation = stated_rel
    queue: deque[tuple[str, int, str | None, list[str]]] = deque((p, 1, relation, [root_id]) for p in parents)
    while queue:
        mid, depth, rel, path = queue.popleft()
        if mid.lower() in (p.lower() for p in path):
            out.findings.append(_cycle(path + [mid], out.facts.get(path[-1].lower(), facts)))
            continue
        if out.node(mid) is not None:
            continue  # shared ancestor of a merge: already walked
        if depth > max_depth or len(out.nodes) >= MAX_NODES:
            out.findings.append(
                Finding("lineage-truncated", "info", f"lineage not followed beyond {mid} (depth limit {max_depth})", [])
            )
            continue
        got = resolver.resolve(mid)
        if got is None:
            named = _named_upstream(mid, resolver, catalog)
            node = LineageNode(mid, None, None, rel, depth, [named.id] if named else [], resolved_from="missing")
            out.nodes.append(node)
            _mark_stated(out, node, depth)
            out.findings.append(_missing(mid, path[-1], resolver, out.facts.get(path[-1].lower(), facts), named))
            if named is not None:
                node.evidence.append(Evidence(None, 0, 0, f"parent {named.id} inferred from the name {mid!r}"))
                out.inferred_edges.append((mid, named.id))
                queue.append((named.id, depth + 1, "quantized" if _QUANT.search(mid) else None, path + [mid]))
            continue
        got_parents, _ = _parents_of(got, catalog)
        lid, lname = license_of(got)
        ev = [c.evidence for c in got.license_claims[:1]]
        out.nodes.append(LineageNode(mid, lid, lname, rel, depth, got_parents, resolved_from=_origin(got), evidence=ev))
        _mark_stated(out, out.nodes[-1], depth)
        out.facts[mid.lower()] = got
        if lid is None:
            out.findings.append(_unlicensed_ancestor(mid, path[-1], got, out.facts.get(path[-1].lower(), facts)))
        child_rel = infer_relation(got, got_parents)
        for p in got_parents:
            queue.append((p, depth + 1, child_rel, path + [mid]))
    return out


def _mark_stated(out: Lineage, node: LineageNode, depth: int) -> None:
    """A parent taken from the card's text or config.json says so, with the statement as evidence."""
    if depth != 1:
        return
    edge = next((e for e in out.stated_edges if e.parent.lower() == node.id.lower()), None)
    if edge is not None:
        node.inferred = edge.label
        node.evidence.insert(0, edge.evidence)


def _origin(facts: ModelFacts) -> str:
    return {"hub": "hub", "catalog": "catalog", "gguf": "gguf"}.get(facts.origin, "card")


def _cycle(path: list[str], facts: ModelFacts) -> Finding:
    return Finding(
        "broken-metadata",
        "warning",
        "base_model chain forms a cycle: " + " -> ".join(path),
        [base_evidence(facts, path[-1])],
    )


def _unlicensed_ancestor(mid: str, child: str, got: ModelFacts, facts: ModelFacts) -> Finding:
    """An ancestor that was found but names no licence we know: its terms are unknown, not absent."""
    gated = next((f.message for f in got.findings if f.code == "gated"), None)
    why = gated or ("its metadata names no known licence" if got.license_claims else "it declares no licence")
    return Finding(
        "ancestor-unresolved",
        "info",
        f"base model {mid} (parent of {child}) was found but its licence could not be read: {why}; "
        "what it allows is unknown here",
        [base_evidence(facts, mid)],
    )


def _named_upstream(mid: str, resolver: AncestorResolver, catalog: CatalogResolver | None) -> CatalogModel | None:
    """The catalogued model an unreadable ancestor's name names (re-uploads keep the name), if any."""
    if catalog is None or bool(getattr(resolver, "known_missing", lambda _id: False)(mid)):
        return None
    named = catalog.infer_from_name(mid)
    return named if named is not None and named.id.lower() != mid.lower() else None


def _missing(
    mid: str, child: str, resolver: AncestorResolver, facts: ModelFacts, named: CatalogModel | None = None
) -> Finding:
    gone = bool(getattr(resolver, "known_missing", lambda _id: False)(mid))
    if named is not None:
        return Finding(
            "ancestor-unresolved",
            "info",
            f"base model {mid} (parent of {child}) is neither catalogued nor reachable; its name names "
            f"{named.id}, taken as its parent, so {named.id}'s licence is assumed to reach {child}",
            [base_evidence(facts, mid)],
        )
    if gone:
        return Finding(
            "broken-metadata",
            "warning",
            f"{child} names base model {mid}, which does not exist: a dangling lineage edge",
            [base_evidence(facts, mid)],
        )
    return Finding(
        "ancestor-unresolved",
        "info",
        f"base model {mid} (parent of {child}) is neither catalogued nor reachable: its licence is unknown here",
        [base_evidence(facts, mid)],
    )
