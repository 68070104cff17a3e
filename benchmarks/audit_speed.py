"""Audit speed: CPU per card, linearity in N, peak memory, Ray with 1 and 2 actors.

    .venv/bin/python benchmarks/audit_speed.py                 # 10k and 100k, Ray 1 vs 2 on 10k
    .venv/bin/python benchmarks/audit_speed.py --sizes 10000   # a quicker look
    .venv/bin/python benchmarks/audit_speed.py --million       # also 1M (about 10 CPU minutes)

Each size is a synthetic dump from benchmarks/audit_generate.py's generator (Hub-like
licence shares, `other` + license_name, chains of depth 1-4 on popular bases, adapters,
merges, quantizations, broken front matter) plus the corpus cards. Every run is a fresh
process (`smallprint audit` through the library, one worker, so all CPU is counted):
CPU seconds, wall seconds and peak RSS come from the child's rusage. Prints medians of
`--repeat` runs, CPU per card, the ratio CPU(N)/CPU(smallest) against N/smallest, a
no-change re-run, and the 2.2M-card extrapolation on 2 workers.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("SMALLPRINT_CORPUS") or ROOT.parent / "shared" / "corpus")

CHILD = r"""
import json, sys, time
from pathlib import Path
from smallprint.audit import AuditRequest, run_audit
dump, out, engine, workers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
if engine == "ray":
    import ray
    ray.init(num_cpus=workers + 1, include_dashboard=False, log_to_driver=False, configure_logging=False)
t = time.perf_counter()
o = run_audit(AuditRequest([dump], Path(out), engine=engine, workers=workers, progress=False))
print(json.dumps({"wall": time.perf_counter() - t, "models": o.models, "evaluated": o.evaluated,
                  "again": o.registry_evaluated, "errors": o.errors}))
"""


def run_child(dump: Path, out: Path, engine: str = "local", workers: int = 1) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, str(dump), str(out), engine, str(workers)],
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0,):
        sys.exit(f"audit failed: {done.stderr[-2000:]}")
    got = json.loads(done.stdout.strip().splitlines()[-1])
    got["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    got["process_wall"] = wall
    got["peak_mb"] = after.ru_maxrss / 1024
    return got


def baseline(tmp: Path) -> float:
    """CPU of a process that imports smallprint and loads the knowledge base (subtracted per run)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", "from smallprint.audit.evaluate import Evaluator; Evaluator(['commercial-saas'])"],
                   check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--million", action="store_true", help="also measure 1,000,000 cards")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--no-ray", action="store_true")
    args = ap.parse_args()
    from smallprint.audit.synthetic import write_dump

    sizes = sorted(set(args.sizes + ([1_000_000] if args.million else [])))
    corpus = CORPUS if (CORPUS / "cards" / "index.json").exists() else None
    with tempfile.TemporaryDirectory(prefix="audit-bench-") as tmpdir:
        tmp = Path(tmpdir)
        fixed = baseline(tmp)
        print(f"start-up (imports, knowledge base, catalog index): {fixed:.2f} s CPU, subtracted below")
        rows = []
        for n in sizes:
            dump = tmp / f"dump-{n}.parquet"
            t = time.perf_counter()
            total = write_dump(dump, n, seed=42, corpus=corpus)
            print(f"\n{total:,} cards ({dump.stat().st_size / 1e6:.1f} MB parquet, written in {time.perf_counter() - t:.1f} s)")
            runs = []
            for i in range(args.repeat):
                out = tmp / f"out-{n}-{i}"
                runs.append(run_child(dump, out))
            cpu = statistics.median(r["cpu"] for r in runs)
            per = (cpu - fixed) / total * 1000
            peak = max(r["peak_mb"] for r in runs)
            again = runs[0]["again"]
            print(f"  full run, 1 worker: {cpu:.1f} s CPU (median of {len(runs)}), {per:.3f} ms CPU per card, "
                  f"wall {statistics.median(r['process_wall'] for r in runs):.1f} s, peak RSS {peak:.0f} MB, "
                  f"{again:,} evaluated again with registry ancestors")
            rerun = run_child(dump, tmp / f"out-{n}-0")
            print(f"  re-run with nothing changed: {rerun['cpu']:.1f} s CPU ({rerun['evaluated']} evaluated), wall {rerun['process_wall']:.1f} s")
            rows.append((total, cpu - fixed, per, peak))
        if len(rows) > 1:
            n0, c0 = rows[0][0], rows[0][1]
            print("\nlinearity (CPU ratio against size ratio; 1.00 = linear):")
            for n, c, _, _ in rows[1:]:
                print(f"  {n:,} / {n0:,}: CPU x{c / c0:.2f} for size x{n / n0:.2f} -> {(c / c0) / (n / n0):.2f}")
        per_card = rows[-1][2] / 1000
        hub = 2_200_000
        print(f"\nextrapolated to {hub:,} cards at {rows[-1][2]:.3f} ms/card: {hub * per_card / 60:.1f} CPU minutes, "
              f"about {hub * per_card / 2 / 60:.1f} minutes on 2 workers (not measured at that size)")
        if not args.no_ray:
            try:
                import ray  # noqa: F401
            except ImportError:
                print("\nRay not installed: pip install 'smallprint[ray]'")
                return
            n = sizes[0]
            dump = tmp / f"dump-{n}.parquet"
            print(f"\nRay Data on {n:,} cards (ray.init(num_cpus=workers+1) so `workers` actors can run):")
            walls = {}
            for w in (1, 2):
                got = run_child(dump, tmp / f"ray-{w}", "ray", w)
                walls[w] = got["wall"]
                print(f"  {w} actor(s): audit wall {got['wall']:.1f} s (process {got['process_wall']:.1f} s incl. Ray start)")
            print(f"  speed-up 2 vs 1 actors: x{walls[1] / walls[2]:.2f} (2 physical cores shared with the driver and Ray's own tasks)")


if __name__ == "__main__":
    main()
