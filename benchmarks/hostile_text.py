"""Licence identification on long hostile texts: one licence repeated up to the input limit.

    .venv/bin/python benchmarks/hostile_text.py [--licence llama-3.1] [--sizes 128,256,512]

Prints wall and CPU seconds (medians of --repeat runs) per size and the wall ratio to the
smallest size: near 2x per doubling is linear. The input limit is smallprint.inputs.MAX_TEXT_BYTES.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from smallprint.api import identify_license_text
from smallprint.inputs import MAX_TEXT_BYTES

KB_TEXTS = Path(__file__).resolve().parents[1] / "src" / "smallprint" / "kb" / "texts"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--licence", default="llama-3.1", help="bundled text to repeat (kb/texts/NAME.txt)")
    ap.add_argument("--sizes", default="128,256,512", help="sizes in KB (default 128,256,512)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    text = (KB_TEXTS / f"{args.licence}.txt").read_text(encoding="utf-8") + "\n"
    identify_license_text("MIT License")  # build the index once, outside the timings
    base = None
    print(f"limit {MAX_TEXT_BYTES // 1024} KB; {args.licence} repeated")
    print(f"{'size KB':>8} {'copies':>7} {'median s':>9} {'cpu s':>7} {'ratio':>6} {'matches':>8}")
    for kb in (int(s) for s in args.sizes.split(",")):
        doc = (text * (kb * 1024 // len(text) + 1))[: kb * 1024]
        times, cpu = [], []
        for _ in range(args.repeat):
            t, c = time.perf_counter(), time.process_time()
            r = identify_license_text(doc, "repeated.txt")
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        med = statistics.median(times)
        base = base or med
        print(f"{kb:>8} {len(doc) // len(text):>7} {med:>9.2f} {statistics.median(cpu):>7.2f} {med / base:>6.1f} "
              f"{len(r.licenses):>8}")


if __name__ == "__main__":
    main()
