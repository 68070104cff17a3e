"""Speed of licence identification: prints the figures the README quotes.

- knowledge-base load time (YAML files), index build time (fresh, no disk cache)
  and index load time (from the disk cache);
- median and p95 time to identify one corpus licence file, warm, one core;
- files per second over the whole corpus;
- cold start of `smallprint license FILE` in a new process, median of 5 runs.

Run: python benchmarks/speed.py
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from smallprint.identify import identify_text
from smallprint.kb import KnowledgeBase
from smallprint.matchers.reference import ReferenceMatcher
from smallprint.matchers.refindex import build_index, load_or_build

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "licenses"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus/licenses")


def timed(fn: Callable[[], object], repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def cold_start(path: Path, runs: int = 5) -> tuple[float, str]:
    exe = shutil.which("smallprint") or str(Path(sys.executable).parent / "smallprint")
    if Path(exe).exists():
        cmd = [exe, "license", str(path)]
        what = "smallprint license FILE"
    else:
        code = f"import smallprint.identify as i; i.identify_text(open({str(path)!r}).read())"
        cmd = [sys.executable, "-c", code]
        what = "python -c identify_text(FILE)"
    subprocess.run(cmd, capture_output=True, check=False)  # fills the disk cache
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False)
        times.append(time.perf_counter() - t)
    return statistics.median(times), what


def main() -> None:
    files = sorted(CORPUS.glob("*.txt"))
    texts = [f.read_text(encoding="utf-8") for f in files]

    load = timed(KnowledgeBase.load)
    kb = KnowledgeBase.load()
    os.environ["SMALLPRINT_NO_CACHE"] = "1"
    build = timed(lambda: build_index(kb), repeat=3)
    del os.environ["SMALLPRINT_NO_CACHE"]
    load_or_build(kb)  # make sure the cache file exists
    cached = timed(lambda: load_or_build(kb))
    names = timed(lambda: ReferenceMatcher(kb))

    for t in texts:  # warm: indexes built, reference texts normalised
        identify_text(t, kb=kb)
    per_file = []
    for t in texts:
        per_file.append(timed(partial(identify_text, t, kb=kb), repeat=3))
    per_file.sort()
    t0 = time.perf_counter()
    for t in texts:
        identify_text(t, kb=kb)
    total = time.perf_counter() - t0
    cold, what = cold_start(CORPUS / "llama-3.1.txt")

    print(f"knowledge base load ({len(kb)} licences):   {load * 1000:7.1f} ms")
    n_ref = sum(1 for e in kb if e.text.present)
    print(f"index build, fresh ({n_ref} reference texts): {build * 1000:5.1f} ms")
    print(f"index load from disk cache:          {cached * 1000:7.1f} ms")
    print(f"name/alias matcher build:            {names * 1000:7.1f} ms")
    print(f"identify one file, warm, median:     {statistics.median(per_file) * 1000:7.2f} ms")
    p95 = per_file[min(len(per_file) - 1, int(0.95 * len(per_file)))]
    print(f"identify one file, warm, p95:        {p95 * 1000:7.2f} ms")
    print(f"identify one file, warm, max:        {per_file[-1] * 1000:7.2f} ms")
    print(f"files per second ({len(texts)} corpus texts, 1 core): {len(texts) / total:5.0f}")
    print(f"cold start, {what}, median of 5: {cold * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
