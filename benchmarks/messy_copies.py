"""Identification of AI licences copied off web pages, PDFs and wikis.

Every bundled AI licence text is turned into each copy of `perturb.MESSY` (docs web
page, PDF-extracted text with page furniture and hyphenation, Markdown with a table
and footnotes, two clauses swapped) under a few seeds. Right: exactly that licence,
confidence >= 0.8. Prints the count right, the mean number of deviations (page
furniture must not flood them) and every miss.

Run: python benchmarks/messy_copies.py
"""

from __future__ import annotations

import random
import sys
import time

from smallprint.identify import identify_text, warm_up
from smallprint.kb import default_kb
from smallprint.matchers import perturb

AI_LICENCES = (
    "llama3", "llama3.1", "llama3.2", "llama3.3", "llama4", "gemma", "gemma-2024-04-01", "qwen",
    "deepseek", "stability-ai-community", "stability-nc-research-2024-06-05",
    "flux-1-dev-non-commercial", "creativeml-openrail-m", "bigscience-openrail-m", "openrail++",
)  # fmt: skip
SEEDS = (1, 7, 13)
FULL = frozenset({"exact", "fulltext"})


def main() -> int:
    kb = default_kb()
    warm_up(kb)
    right = total = deviations = 0
    misses: list[str] = []
    t0 = time.perf_counter()
    for lid in AI_LICENCES:
        text = kb.text(lid)
        if text is None:
            continue
        for name, make in perturb.MESSY.items():
            for seed in SEEDS:
                found = [m for m in identify_text(make(text, random.Random(seed)), kb=kb) if m.method in FULL]
                total += 1
                deviations += len(found[0].deviations) if found else 0
                if [m.id for m in found] == [lid] and found[0].confidence >= 0.8:
                    right += 1
                else:
                    got = ", ".join(f"{m.id}@{m.confidence:.2f}/{len(m.deviations)}" for m in found) or "nothing"
                    misses.append(f"{lid} {name} seed {seed}: {got}")
    print(f"messy copies right: {right}/{total}; mean deviations {deviations / max(1, total):.1f}; "
          f"{time.perf_counter() - t0:.1f} s")
    for line in misses:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
