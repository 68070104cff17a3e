"""Clause rules on licence texts they were not written from: every bundled KB text outside the corpus.

    .venv/bin/python benchmarks/heldout_terms.py [--list]

The clause rules were tuned on the corpus texts (../shared/corpus/licenses). The knowledge
base bundles about 70 more real texts (most from ScanCode's licence database, CC-BY-4.0),
each with terms written by hand from the text itself. Those terms are the labels here: every
bundled text that is not a corpus text (by sha256 of its words, so reformatted copies count
as the same text) is read as if nobody had catalogued it (rules alone, `smallprint license`
on an unknown text), and each labelled term is compared with what the rules read.

A labelled term is right when the rules read the same value (numbers and booleans exactly,
names and display strings case-insensitively, policies, fields of use and territories by
presence). Reported: per key precision and recall, and the share of labelled terms right.
Rule terms with no label are counted as false positives, although a label may be missing
where the hand entry did not record a term (the list shows them).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

from smallprint.evaluators.clauses import extract_terms
from smallprint.kb import default_kb
from smallprint.text import normalize

KEYS = (
    "commercial-use", "non-commercial", "research-only", "user-threshold", "revenue-threshold",
    "no-training-other-models", "derivative-naming", "attribution-display", "use-restrictions-flow-down",
    "same-license", "acceptable-use-policy", "field-of-use", "geographic", "termination-on-litigation",
)  # fmt: skip
LOOSE = frozenset({"acceptable-use-policy", "field-of-use", "geographic"})
NEGATIVE = {"non-commercial": False, "research-only": False, "no-training-other-models": False,
            "use-restrictions-flow-down": False, "same-license": False, "termination-on-litigation": False}  # fmt: skip


def _digest(text: str) -> str:
    return hashlib.sha256(" ".join(normalize(text).words).encode()).hexdigest()


def _corpus_digests() -> set[str]:
    root = Path(os.environ.get("SMALLPRINT_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus"))
    out = set()
    for f in (root / "licenses").glob("*.txt"):
        out.add(_digest(f.read_text(encoding="utf-8", errors="replace")))
    return out


def _same(key: str, label: object, got: object) -> bool:
    if key in LOOSE:
        return bool(label) == bool(got)
    if isinstance(label, str) and isinstance(got, str):
        return label.casefold().strip() == got.casefold().strip()
    return label == got and type(label) is type(got)


def main() -> int:
    listing = "--list" in sys.argv
    kb = default_kb()
    seen_corpus = _corpus_digests()
    per = {k: Counter() for k in KEYS}
    texts = 0
    t0 = time.perf_counter()
    for entry in sorted(kb, key=lambda e: e.id):
        if entry.kind in ("family",) or not entry.text.present:
            continue
        text = kb.text(entry.id)
        if not text or _digest(text) in seen_corpus:
            continue
        labels = {t.key: t.value for t in entry.terms if t.key in KEYS}
        if not labels:
            continue
        texts += 1
        got = {t.key: t.value for t in extract_terms(normalize(text), "-")}
        for key in KEYS:
            want = labels.get(key)
            have = got.get(key)
            if want is None and key in NEGATIVE:
                want = None  # not recorded: a rule hit is counted against precision below
            if want is not None and want != NEGATIVE.get(key, object()):
                if have is not None and _same(key, want, have):
                    per[key]["tp"] += 1
                else:
                    per[key]["fn"] += 1
                    if have is not None:
                        per[key]["fp"] += 1
                    if listing:
                        print(f"  miss {entry.id:40} {key:26} label={want!r:.60} rules={have!r:.60}")
            elif have is not None and have != NEGATIVE.get(key, object()) and want is None:
                per[key]["fp"] += 1
                if listing:
                    print(f"  extra {entry.id:39} {key:26} rules={have!r:.60}")
    print(f"held-out texts: {texts} bundled KB texts that are not corpus texts ({time.perf_counter() - t0:.1f} s)")
    print(f"{'key':28} {'prec':>5} {'recall':>6} {'tp':>4} {'fp':>4} {'fn':>4}")
    tot = Counter()
    for key in KEYS:
        c = per[key]
        tot.update(c)
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        print(f"{key:28} {p:5.2f} {r:6.2f} {c['tp']:4} {c['fp']:4} {c['fn']:4}")
    p = tot["tp"] / max(1, tot["tp"] + tot["fp"])
    r = tot["tp"] / max(1, tot["tp"] + tot["fn"])
    print(f"{'all':28} {p:5.2f} {r:6.2f} {tot['tp']:4} {tot['fp']:4} {tot['fn']:4}")
    print(f"labelled terms right: {tot['tp']}/{tot['tp'] + tot['fn']} = {r:.3f}")
    print(json.dumps({"texts": texts, "precision": round(p, 3), "recall": round(r, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
