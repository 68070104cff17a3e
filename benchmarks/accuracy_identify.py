"""Identification accuracy on the corpus licence texts and perturbed copies of them.

For every corpus text the expected licence is the knowledge-base entry whose
reference text is that text (same sha256, or the same words after normalisation);
the paraphrased NVIDIA licence must not be identified. Each text is also tried
re-wrapped, in Markdown and HTML, with curly quotes, without numbering, under a
header, inside a README, with CRLF line endings, concatenated with another licence,
and with one clause edited (the edit must be reported as a deviation).

Prints: accuracy (right id and version), wrong ids (must be 0), unknowns, and the
deviation detection rate; lists every miss. Run: python benchmarks/accuracy_identify.py
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from smallprint.identify import identify_text
from smallprint.kb import KnowledgeBase, default_kb
from smallprint.matchers import perturb
from smallprint.matchers.refindex import reference_index
from smallprint.text import normalize

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "licenses"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus/licenses")
FULLTEXT = {"exact", "fulltext"}


@dataclass
class Score:
    right: int = 0
    wrong: int = 0
    unknown: int = 0
    edits: int = 0
    edits_found: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.right + self.wrong + self.unknown


def expected_ids(kb: KnowledgeBase) -> dict[str, set[str]]:
    """Corpus slug -> ids of the entries whose reference text is that text."""
    by_sha: dict[str, set[str]] = {}
    by_words: dict[tuple[str, ...], set[str]] = {}
    index = reference_index(kb)
    for e in kb:
        if e.text.sha256:
            by_sha.setdefault(e.text.sha256, set()).add(e.id)
        if e.id in index.by_id:
            by_words.setdefault(index.normalized(kb, e.id).words, set()).add(e.id)
    out: dict[str, set[str]] = {}
    for item in json.loads((CORPUS / "index.json").read_text(encoding="utf-8")):
        slug = item["slug"]
        data = (CORPUS / f"{slug}.txt").read_bytes()
        ids = by_sha.get(hashlib.sha256(data).hexdigest()) or by_words.get(
            normalize(data.decode("utf-8")).words
        )
        out[slug] = set(ids or ())
    return out


def judge(
    score: Score, label: str, text: str, want: set[str], kb: KnowledgeBase, parts: int = 1
) -> None:
    """Right: the expected licence(s) and nothing else; `parts` licences must all be found."""
    found = [m for m in identify_text(text, label, kb) if m.method in FULLTEXT]
    ids = {m.id for m in found}
    if want and ids and ids <= want and len(found) >= parts:
        score.right += 1
    elif not want and not ids:
        score.right += 1
    elif ids - want:
        score.wrong += 1
        score.misses.append(f"WRONG {label}: want {sorted(want) or 'unknown'} got {sorted(ids)}")
    else:
        score.unknown += 1
        score.misses.append(f"unknown {label}: want {sorted(want)}")


def run(kb: KnowledgeBase) -> dict[str, Score]:
    want = expected_ids(kb)
    slugs = sorted(want)
    scores = {name: Score() for name in ("verbatim", *perturb.SINGLE, "concatenated", "edited")}
    for n, slug in enumerate(slugs):
        text = (CORPUS / f"{slug}.txt").read_text(encoding="utf-8")
        rng = random.Random(n)
        judge(scores["verbatim"], slug, text, want[slug], kb)
        for name, fn in perturb.SINGLE.items():
            judge(scores[name], f"{slug}/{name}", fn(text, rng), want[slug], kb)
        other = slugs[(n + 7) % len(slugs)]
        both = perturb.concatenated(text, (CORPUS / f"{other}.txt").read_text(encoding="utf-8"))
        parts = 2 if want[slug] and want[other] else 1
        judge(scores["concatenated"], f"{slug}+{other}", both, want[slug] | want[other], kb, parts)
        edit = perturb.edit_clause(text, rng)
        if edit is not None and want[slug]:
            s = scores["edited"]
            judge(s, f"{slug}/edited", edit.text, want[slug], kb)
            s.edits += 1
            devs = [
                d
                for m in identify_text(edit.text, slug, kb)
                if m.id in want[slug]
                for d in m.deviations
            ]
            if any((d.start_line or 0) <= edit.line <= (d.end_line or 0) for d in devs):
                s.edits_found += 1
            else:
                s.misses.append(f"edit not reported {slug} line {edit.line}")
    return scores


def main() -> int:
    kb = default_kb()
    t0 = time.perf_counter()
    scores = run(kb)
    elapsed = time.perf_counter() - t0
    total = Score()
    print(f"{'perturbation':16s} {'right':>6s} {'wrong':>6s} {'unknown':>8s}")
    for name, s in scores.items():
        print(f"{name:16s} {s.right:6d} {s.wrong:6d} {s.unknown:8d}")
        total.right += s.right
        total.wrong += s.wrong
        total.unknown += s.unknown
        total.edits += s.edits
        total.edits_found += s.edits_found
    print(f"accuracy: {total.right}/{total.total} = {total.right / max(1, total.total):.3f}")
    print(f"wrong ids: {total.wrong}")
    print(f"unknown: {total.unknown}")
    print(f"deviation detection on edited copies: {total.edits_found}/{total.edits}")
    print(f"({elapsed:.1f} s)")
    print("expected unknown:", ", ".join(s for s, ids in expected_ids(kb).items() if not ids))
    for s in scores.values():
        for m in s.misses:
            print("  " + m)
    return 1 if total.wrong else 0


if __name__ == "__main__":
    sys.exit(main())
