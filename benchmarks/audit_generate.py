"""Write a synthetic registry dump in the `librarian-bots/model_cards_with_metadata` schema.

    .venv/bin/python benchmarks/audit_generate.py 100000 cards.parquet [--seed 0] [--no-corpus]

N cards mixed like the Hugging Face Hub (see smallprint.audit.synthetic: licence shares,
`other` + license_name, missing licences, base_model chains of depth 1-4 on popular bases,
adapters, merges, quantizations, broken front matter), plus the real corpus cards.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from smallprint.audit.synthetic import write_dump

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("SMALLPRINT_CORPUS") or ROOT.parent / "shared" / "corpus")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-corpus", action="store_true")
    args = ap.parse_args()
    t = time.perf_counter()
    corpus = None if args.no_corpus or not (CORPUS / "cards" / "index.json").exists() else CORPUS
    rows = write_dump(args.out, args.n, seed=args.seed, corpus=corpus)
    print(f"{rows:,} cards -> {args.out} ({args.out.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
