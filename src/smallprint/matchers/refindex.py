"""The knowledge base's reference texts, normalised and indexed once per knowledge base.

Every full-text matcher reads this index: the normalised words of each reference
text, its word shingles (hashes of K consecutive words) and an inverted index from
shingle to the references that contain it. Words are numbered through one
vocabulary, so shingle hashes are hashes of integer tuples: the same in every
process, which lets the built index be kept on disk (`smallprint.diskcache`, keyed
by the reference files and this code) and loaded in a fraction of the time that
normalising every reference text again would take. A small exact-match table is kept
beside it: a verbatim copy needs only that.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

from smallprint import diskcache
from smallprint.kb import KnowledgeBase, per_knowledge_base
from smallprint.text import NormalizedText, normalize, words_of

SHINGLE = 5
"""Words per shingle: long enough that a shared 5-gram means shared text, short enough
that one edited word spoils only five of them."""
UNKNOWN_WORD = -1
"""Vocabulary number of a word no reference text has: its shingles can match nothing."""


def shingle_hashes(ids: Sequence[int]) -> list[int]:
    """Hashes of every run of SHINGLE consecutive word numbers, in order."""
    if len(ids) < SHINGLE:
        return []
    return list(map(hash, zip(*(ids[i:] for i in range(SHINGLE)), strict=False)))


@dataclass(frozen=True)
class Reference:
    """One reference text's shingles (its words are normalised again only when needed)."""

    id: str
    family: str
    words_key: int  # hash of the text's word numbers: equal keys, equal texts
    shingle_set: frozenset[int]
    where: dict[int, int]  # shingle occurring once in the text -> its word position
    name_words: tuple[tuple[str, int], ...] = ()  # distinctive words of its name -> times in the text

    @property
    def size(self) -> int:
        return len(self.shingle_set)


class ReferenceIndex:
    """Inverted index shingle -> references, and whole-text key -> references."""

    def __init__(self, refs: Iterable[Reference], vocab: dict[str, int]):
        self.refs: list[Reference] = list(refs)
        self.vocab = vocab
        postings: dict[int, list[int]] = {}
        for n, ref in enumerate(self.refs):
            for sh in ref.shingle_set:
                postings.setdefault(sh, []).append(n)
        self.postings: dict[int, tuple[int, ...]] = {k: tuple(v) for k, v in postings.items()}
        self._init_runtime()

    def _init_runtime(self) -> None:
        self.by_id: dict[str, Reference] = {r.id: r for r in self.refs}
        exact: dict[int, list[str]] = {}
        for ref in self.refs:
            exact.setdefault(ref.words_key, []).append(ref.id)
        self.exact: dict[int, tuple[str, ...]] = {k: tuple(v) for k, v in exact.items()}
        self._distinct: dict[tuple[str, str], frozenset[int]] = {}
        self._normalized: dict[str, NormalizedText] = {}

    def __getstate__(self) -> dict[str, object]:
        return {"refs": self.refs, "vocab": self.vocab, "postings": self.postings}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._init_runtime()

    def word_ids(self, words: Sequence[str]) -> list[int]:
        """Vocabulary numbers of a normalised input's words (UNKNOWN_WORD for new words)."""
        return list(map(self.vocab.get, words, repeat(UNKNOWN_WORD)))

    def shingles_of(self, words: Sequence[str]) -> list[int]:
        """The shingle hashes of a normalised input, in order."""
        return shingle_hashes(self.word_ids(words))

    def exact_ids(self, words: Sequence[str]) -> tuple[str, ...]:
        """References whose normalised words are exactly these."""
        ids = self.word_ids(words)
        if UNKNOWN_WORD in ids:
            return ()
        return self.exact.get(hash(tuple(ids)), ())

    def normalized(self, kb: KnowledgeBase, license_id: str) -> NormalizedText:
        """A reference text's normalised words and lines (for deviations), kept once made."""
        nt = self._normalized.get(license_id)
        if nt is None:
            nt = normalize(kb.text(license_id) or "")
            self._normalized[license_id] = nt
        return nt

    def distinct(self, a: str, b: str) -> frozenset[int]:
        """Shingles of reference `a` that reference `b` lacks (cached: asked again and again)."""
        key = (a, b)
        d = self._distinct.get(key)
        if d is None:
            d = self.by_id[a].shingle_set - self.by_id[b].shingle_set
            self._distinct[key] = d
        return d


GENERIC_NAME_WORDS = frozenset(
    "license licence licenses agreement agreements terms term of use uses the and for a an "
    "public general international community version v edition open source model models ai "
    "software data content materials non commercial research only policy acceptable "
    "prohibited usage restricted responsible generic legal code inc llc ltd corporation".split()
)
"""Words of licence names that do not tell one licence from another."""
MIN_NAME_COUNT = 2
"""A name word must occur this often in the reference to vouch for it (not only in a title)."""


def name_words(name: str, nt: NormalizedText) -> tuple[tuple[str, int], ...]:
    """The distinctive words of a licence's name that its text repeats, with their counts.

    A copy that never says them ("Eclipse" in a text that says "Common" instead, no
    "NonCommercial" in a CC text) is another licence of the same shape."""
    counts = Counter(nt.words)
    out = []
    for w in dict.fromkeys(words_of(name)):
        if w in GENERIC_NAME_WORDS or any(ch.isdigit() for ch in w) or len(w) < 3:
            continue
        if counts[w] >= MIN_NAME_COUNT:
            out.append((w, counts[w]))
    return tuple(out)


def _copyright_lines(nt: NormalizedText) -> set[int]:
    """Lines of a text that are copyright notices: each licensee writes its own."""
    out = set()
    for n, raw in enumerate(nt.raw_lines, start=1):
        s = raw.strip().lstrip("#>*-_ ").lower()
        if s.startswith(("copyright", "(c)", "\u00a9")) and len(s.split()) <= 20:
            out.add(n)
    return out


def build_reference(
    license_id: str, family: str, nt: NormalizedText, vocab: dict[str, int], name: str = ""
) -> Reference:
    """Shingle one normalised reference text (new words join the vocabulary).

    Shingles touching a copyright line are left out of the shingle set: a copy with
    another holder's line is not missing any of the licence."""
    ids = [vocab.setdefault(w, len(vocab)) for w in nt.words]
    masked = _copyright_lines(nt)
    shingle_ids = [(-2 - i if nt.lines[i] in masked else wid) for i, wid in enumerate(ids)]
    order = shingle_hashes(shingle_ids)
    if masked:
        keep = [not any(nt.lines[i + k] in masked for k in range(SHINGLE)) for i in range(len(order))]
    else:
        keep = [True] * len(order)
    counts = Counter(sh for sh, k in zip(order, keep, strict=True) if k)
    return Reference(
        id=license_id,
        family=family,
        words_key=hash(tuple(ids)),
        shingle_set=frozenset(counts),
        where={sh: i for i, sh in enumerate(order) if counts.get(sh) == 1},
        name_words=name_words(name, nt),
    )


def _reference_texts(kb: KnowledgeBase) -> list[tuple[str, str, str, str]]:
    out = []
    for entry in kb:
        if entry.text.present:
            text = kb.text(entry.id)
            if text:
                out.append((entry.id, entry.family, text, entry.name))
    return out


def build_index(kb: KnowledgeBase) -> ReferenceIndex:
    """Index every licence of `kb` whose reference text is bundled."""
    vocab: dict[str, int] = {}
    idx_refs = []
    index_nts: dict[str, NormalizedText] = {}
    for i, f, t, name in _reference_texts(kb):
        nt = normalize(t)
        index_nts[i] = nt
        idx_refs.append(build_reference(i, f, nt, vocab, name))
    idx = ReferenceIndex(idx_refs, vocab)
    idx._normalized.update(index_nts)
    return idx


# -- disk cache ------------------------------------------------------------------------

_CODE = (Path(__file__), Path(__file__).parent.parent / "text.py")


def _cache_key(kb: KnowledgeBase) -> str | None:
    """A digest of every reference file (path, size, mtime), their ids, and this code."""
    files = [
        Path(e.path).parent.parent / "texts" / e.text.file for e in kb if e.text.file and e.path
    ]
    ids = "".join(f"{e.id}\0{e.family}\0{e.text.file}\0{e.path}\n" for e in kb)
    return diskcache.fingerprint(files, code=_CODE, extra=ids)


def text_digest(words: Sequence[str]) -> str:
    """A process-independent digest of a normalised text's words (str hashes are salted per run)."""
    return hashlib.blake2b("\0".join(words).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def exact_table_of(idx: ReferenceIndex, kb: KnowledgeBase) -> dict[str, tuple[str, ...]]:
    """Whole-text digest -> ids of the references with exactly those normalised words."""
    out: dict[str, list[str]] = {}
    for ref in idx.refs:
        out.setdefault(text_digest(idx.normalized(kb, ref.id).words), []).append(ref.id)
    return {k: tuple(v) for k, v in out.items()}


def load_or_build(kb: KnowledgeBase) -> ReferenceIndex:
    """The index from the disk cache when it matches `kb`, else built (and cached, with
    the small exact-match table beside it)."""
    key = _cache_key(kb)
    idx = diskcache.load("refindex", key)
    if not isinstance(idx, ReferenceIndex):
        idx = build_index(kb)
        diskcache.store("refindex", key, idx)
        diskcache.store("refexact", key, exact_table_of(idx, kb))
    return idx


@per_knowledge_base
def reference_index(kb: KnowledgeBase) -> ReferenceIndex:
    """The index of `kb`, loaded or built on first use and kept while `kb` lives."""
    return load_or_build(kb)


@per_knowledge_base
def exact_table(kb: KnowledgeBase) -> dict[str, tuple[str, ...]]:
    """The exact-match table of `kb`: a few kilobytes read from the disk cache, so a verbatim
    copy is settled without unpickling the whole index (megabytes) on a cold start."""
    key = _cache_key(kb)
    table = diskcache.load("refexact", key)
    if isinstance(table, dict):
        return table
    idx = reference_index(kb)
    table = exact_table_of(idx, kb)
    diskcache.store("refexact", key, table)
    return table
