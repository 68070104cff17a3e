"""Identification on licence texts the knowledge base was not built from: ScanCode's licence database.

ScanCode's database (about 2,600 real licence texts, CC-BY-4.0) is the unseen set. For
every `<key>.LICENSE` (YAML front matter, then the text) the expected answer is:

- the KB entry the key maps to, when one does: the entry lists the alias
  `LicenseRef-scancode-<key>`, or its SPDX id equals ScanCode's `spdx_license_key`,
  or its reference text has the same sha256 or the same normalised words;
- otherwise no full-text match at confidence >= 0.8 (a false positive) and, reported
  apart, none at >= 0.5. Short references (a text naming "the Apache License") are
  fine: they are counted but not wrong, provided they are not full-text matches.

Rules applied to the >= 0.8 full-text matches of texts with no KB entry:

- notice variants: ScanCode keys such as `gpl-2.0-plus`, `gfdl-1.3-invariants-only`,
  `ofl-1.1-rfn` hold the very text of the KB licence (the variant lives in the notice
  that applies it); a match to the entry whose SPDX id or id starts the key is right;
- embedded copies: a match covering less than 60% of the text's words is a verbatim
  copy inside a bundle (node.js, ICU, CUDA supplements carry MIT/BSD/zlib texts); it
  is right as long as the rest of the text is left to the rules;
- family variants: short permissive licences (MIT, BSD, ISC, zlib, BSL) reworded or
  with a sentence added are mostly that licence; a match is accepted when the
  deviations are listed (the added sentence is read by the clause rules);
- anything else is a false positive.

Run: python benchmarks/unseen_licenses.py [/path/to/licensedcode/data/licenses] [--list]
"""

from __future__ import annotations

import hashlib
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from smallprint.identify import identify_text, warm_up
from smallprint.kb import KnowledgeBase, default_kb
from smallprint.matchers.refindex import reference_index
from smallprint.model import LicenseMatch
from smallprint.text import normalize

DEFAULT_DIRS = (
    Path("/tmp/sc/mini/licensedcode/data/licenses"),
    Path("/tmp/sc/lcd/licensedcode/data/licenses"),
    Path("/tmp/sc/licensedcode/data/licenses"),
)
FULLTEXT = frozenset({"exact", "fulltext"})
HIGH = 0.8
LOW = 0.5


@dataclass(frozen=True)
class ScanCodeLicense:
    key: str
    spdx: str
    category: str
    name: str
    text: str


def read_license(path: Path) -> ScanCodeLicense | None:
    """One ScanCode `.LICENSE` file: front matter and text (None when it has no text)."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    meta: dict[str, object] = {}
    text = raw
    if raw.startswith("---"):
        parts = raw.split("\n---", 1)
        if len(parts) == 2:
            try:
                loaded = yaml.safe_load(parts[0].lstrip("-"))
            except yaml.YAMLError:
                loaded = None
            meta = loaded if isinstance(loaded, dict) else {}
            text = parts[1].lstrip("-").lstrip("\n")
    if meta.get("is_deprecated") or not text.strip():
        return None
    return ScanCodeLicense(
        key=str(meta.get("key") or path.stem),
        spdx=str(meta.get("spdx_license_key") or ""),
        category=str(meta.get("category") or ""),
        name=str(meta.get("name") or ""),
        text=text,
    )


def expected_entry(lic: ScanCodeLicense, kb: KnowledgeBase, by_sha: dict[str, str],
                   by_words: dict[tuple[str, ...], str]) -> str | None:
    """The KB entry a ScanCode licence is, if any."""
    e = kb.lookup(f"LicenseRef-scancode-{lic.key}")
    if e is not None and e.kind != "family":
        return e.id
    if lic.spdx and not lic.spdx.startswith("LicenseRef-"):
        for entry in kb:
            if entry.spdx_id and entry.spdx_id.lower() == lic.spdx.lower() and entry.kind != "family":
                return entry.id
    sha = hashlib.sha256(lic.text.encode("utf-8")).hexdigest()
    return by_sha.get(sha) or by_words.get(normalize(lic.text).words)


PERMISSIVE_FAMILIES = frozenset({"mit", "bsd", "isc", "zlib", "bsl"})
EMBEDDED_SHARE = 0.6


def notice_variant(lic: ScanCodeLicense, m: LicenseMatch, kb: KnowledgeBase) -> bool:
    """`gpl-2.0-plus` and the like: the KB licence's own text under a notice variant key."""
    entry = kb.get(m.id)
    if entry is None:
        return False
    stems = {entry.id.lower()} | ({entry.spdx_id.lower()} if entry.spdx_id else set())
    return any(lic.key.startswith(s + "-") for s in stems)


def embedded(lic: ScanCodeLicense, m: LicenseMatch) -> bool:
    """A copy inside a bundle of texts: the match covers little of the whole text."""
    nt = normalize(lic.text)
    inside = sum(1 for ln in nt.lines if m.start_line <= ln <= m.end_line)
    return inside < EMBEDDED_SHARE * max(1, len(nt.words))


def family_variant(m: LicenseMatch, kb: KnowledgeBase) -> bool:
    """A short permissive licence reworded or extended, with its deviations listed."""
    entry = kb.get(m.id)
    return entry is not None and bool(m.deviations) and entry.family.lower() in PERMISSIVE_FAMILIES


@dataclass
class Tally:
    known: int = 0
    known_right: int = 0
    unknown_texts: int = 0
    fp_high: list[str] = field(default_factory=list)
    fp_low: list[str] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    embedded: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    references: int = 0


def judge(lic: ScanCodeLicense, want: str | None, matches: list[LicenseMatch], kb: KnowledgeBase, t: Tally) -> None:
    full = [m for m in matches if m.method in FULLTEXT]
    if want is not None:
        t.known += 1
        if full and full[0].id == want and full[0].confidence >= HIGH:
            t.known_right += 1
        else:
            got = ", ".join(f"{m.id}@{m.confidence:.2f}/{m.method}" for m in matches[:3]) or "nothing"
            t.misses.append(f"{lic.key} (want {want}): {got}")
        return
    t.unknown_texts += 1
    if any(m.method not in FULLTEXT for m in matches):
        t.references += 1
    for m in full:
        line = f"{lic.key} -> {m.id} @{m.confidence:.2f} ({len(m.deviations)} deviations)"
        if m.confidence >= HIGH:
            if notice_variant(lic, m, kb):
                t.notices.append(line)
            elif embedded(lic, m):
                t.embedded.append(line)
            elif family_variant(m, kb):
                t.variants.append(line)
            else:
                t.fp_high.append(line)
        elif m.confidence >= LOW:
            t.fp_low.append(line)


def main(argv: list[str]) -> int:
    listing = "--list" in argv
    args = [a for a in argv if not a.startswith("--")]
    folder = Path(args[0]) if args else next((d for d in DEFAULT_DIRS if d.is_dir()), None)
    if folder is None or not folder.is_dir():
        print("ScanCode licence folder not found: pass licensedcode/data/licenses", file=sys.stderr)
        return 2
    kb = default_kb()
    warm_up(kb)
    index = reference_index(kb)
    by_sha = {e.text.sha256: e.id for e in kb if e.text.sha256}
    by_words = {index.normalized(kb, e.id).words: e.id for e in kb if e.id in index.by_id}
    t = Tally()
    t0 = time.perf_counter()
    slow: list[tuple[float, str]] = []
    for path in sorted(folder.glob("*.LICENSE")):
        lic = read_license(path)
        if lic is None:
            continue
        want = expected_entry(lic, kb, by_sha, by_words)
        s = time.perf_counter()
        matches = identify_text(lic.text, path.name, kb)
        slow.append((time.perf_counter() - s, lic.key))
        judge(lic, want, matches, kb, t)
    took = time.perf_counter() - t0
    n = t.known + t.unknown_texts
    print(f"texts: {n} ({t.known} map to a KB entry, {t.unknown_texts} do not); {took:.1f} s, "
          f"{1000 * took / max(1, n):.1f} ms/text, slowest {max(slow)[0] * 1000:.0f} ms ({max(slow)[1]})")
    print(f"known identified right (>= {HIGH}): {t.known_right}/{t.known}; misses: {len(t.misses)}")
    print(f"unknown texts: false positives >= {HIGH}: {len(t.fp_high)}; in [{LOW}, {HIGH}): {len(t.fp_low)}; "
          f"accepted: {len(t.notices)} notice variants, {len(t.embedded)} embedded copies, "
          f"{len(t.variants)} permissive-family variants; texts with a short reference: {t.references}")
    sections = [("MISSES", t.misses), ("FALSE POSITIVES >= 0.8", t.fp_high)]
    if listing:
        sections += [
            ("FULL-TEXT MATCHES 0.5-0.8", t.fp_low),
            ("NOTICE VARIANTS", t.notices),
            ("EMBEDDED COPIES", t.embedded),
            ("FAMILY VARIANTS", t.variants),
        ]
    for title, items in sections:
        if items:
            print(f"\n{title}:")
            for line in items:
                print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
