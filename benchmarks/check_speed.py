"""`smallprint check` as users run it, on the real model cards of the corpus.

1. Per model, warm, offline: what one check costs in a long-running process (reading
   the folder, licence, lineage, findings, openness, the JSON of the result), on every
   corpus card: median and p95 of CPU time.
2. The whole command on a directory of N model folders (the corpus cards copied round
   until there are N, each with its config): `smallprint check DIR --offline --format F`
   in a fresh process: wall time, CPU time of the process and its workers, CPU per
   model, peak memory of the largest process, results written. Run at two sizes, the
   peak memory says whether memory grows with the number of models.

    SMALLPRINT_CORPUS=/work/shared/corpus python benchmarks/check_speed.py [--models 2000] [--format json]
        [--extra-args "--jobs 2"]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import corpus_dir, load_note, med, ms, pct, run, smallprint_cmd  # noqa: E402


def card_folders() -> list[Path]:
    return sorted(p for p in (corpus_dir() / "cards").iterdir() if (p / "README.md").is_file())


def warm_per_model(cards: list[Path], rounds: int) -> list[float]:
    """CPU seconds per card (median over rounds) of check + openness + JSON, warm."""
    from smallprint.check import add_openness, check_target
    from smallprint.kb import default_kb

    kb = default_kb()

    def one(card: Path) -> None:
        r = check_target(str(card), kb=kb, offline=True)
        add_openness(r, kb)
        json.dumps(r.to_dict(), ensure_ascii=False)

    for c in cards:
        one(c)
    per: dict[Path, list[float]] = {c: [] for c in cards}
    for _ in range(rounds):
        for c in cards:
            t = time.process_time()
            one(c)
            per[c].append(time.process_time() - t)
    return [med(v) for v in per.values()]


def make_directory(root: Path, cards: list[Path], n: int) -> None:
    """N model folders: batch-K/<card slug>/ copies of the corpus cards (names kept)."""
    for i in range(n):
        src = cards[i % len(cards)]
        dst = root / f"batch-{i // len(cards):05d}" / src.name
        dst.mkdir(parents=True)
        for f in src.iterdir():
            if f.is_file():
                try:
                    os.link(f, dst / f.name)  # hard links: the same bytes, no disk space
                except OSError:
                    shutil.copy2(f, dst / f.name)


def count_results(out: bytes, fmt: str) -> int:
    if fmt == "jsonl":
        return sum(1 for line in out.splitlines() if line.strip().startswith(b'{"target"'))
    try:
        return len(json.loads(out)["results"])
    except (ValueError, KeyError):
        return 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", type=int, default=1000, help="size of the larger directory")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--format", default="json")
    ap.add_argument("--extra-args", default="", help="more options for the check command")
    args = ap.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    cards = card_folders()
    print(f"corpus: {len(cards)} real model cards  {load_note()}")

    cpu = warm_per_model(cards, args.rounds)
    print(f"warm, per model (check + openness + JSON, offline), CPU: median {ms(med(cpu))}  p95 {ms(pct(cpu, 0.95))}")
    self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    sp = smallprint_cmd()
    extra = shlex.split(args.extra_args)
    with tempfile.TemporaryDirectory() as tmp:
        for n in sorted({max(len(cards), args.models // 4), args.models}):
            root = Path(tmp) / f"models-{n}"
            make_directory(root, cards, n)
            r = run([*sp, "check", str(root), "--offline", "--format", args.format, *extra])
            got = count_results(r.stdout, args.format)
            print(f"smallprint check DIR --offline --format {args.format} {args.extra_args}".rstrip()
                  + f", {n} models: wall {r.wall:6.2f} s  CPU {r.cpu:6.2f} s ({r.cpu / n * 1000:.2f} ms/model)"
                  f"  peak {r.peak_rss_mib:6.0f} MiB  results {got}  exit {r.returncode}")
            shutil.rmtree(root)
    print(f"(this benchmark's own process peaked at {self_peak:.0f} MiB)")


if __name__ == "__main__":
    main()
