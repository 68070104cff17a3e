"""`smallprint license` as users run it, side by side with ScanCode on the same texts.

1. Cold start: `smallprint license FILE` and `smallprint --version` in fresh processes
   (bytecode and the disk cache already written by one untimed run, as on any machine
   after the first use): median and p95 wall time, median CPU time, peak memory.
2. Warm: one licence through what a long-running front end calls per input
   (identification, terms and the JSON document), on every corpus text and on long
   copies made from them (a licence inside a long README, several licences in one file,
   a re-wrapped Markdown copy, an edited copy): median and p95.
3. One call on the whole corpus: `smallprint license *.txt --format json` against
   `scancode --license -n N --json` on the same files, runs alternating; the ratio of
   the medians, and each tool's peak memory. ScanCode's own per-file licence timings
   (`--timing`) give its warm per-licence median and p95.

ScanCode is the scancode-toolkit-mini wheel in its own environment (never a dependency
of this project): `--scancode PATH`, `$SCANCODE`, /work/scancode-venv/bin/scancode, or
`scancode` on PATH; without it part 3 prints smallprint's figures alone.

    SMALLPRINT_CORPUS=/work/shared/corpus python benchmarks/speed.py [--cold-runs 15] [--scancode-runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import corpus_dir, fmt_runs, load_note, med, ms, pct, run, scancode_cmd, smallprint_cmd  # noqa: E402


def long_copies(lic: Path) -> dict[str, str]:
    """Long inputs of the kinds users hand over, made from real corpus texts."""
    read = lambda n: (lic / n).read_text(encoding="utf-8")  # noqa: E731
    gpl, llama3, llama31, aup31, apache = (read(n) for n in (
        "gpl-3.0.txt", "llama-3.txt", "llama-3.1.txt", "llama-3.1-use-policy.txt", "apache-2.0.txt"))
    prose = "\n".join(
        f"## Section {i}\n\nThis project ships a model and its tooling. Run `make build-{i}` to build the "
        f"artifacts, then see docs/usage-{i}.md for the options and the examples of part {i}.\n"
        for i in range(120)
    )
    wrapped = "\n".join(textwrap.fill(p, 40) for p in apache.replace("\"", "\u201c").split("\n\n"))
    edited = llama3.replace("700 million", "7 million").replace("Meta Llama 3", "Acme Llama 3", 3)
    return {
        "long/readme-with-gpl-3.0.md": f"# acme-tool\n\n{prose}\n\n## License\n\n{gpl}\n\n{prose}",
        "long/llama-3.1-with-aup-and-llama-3.txt": "\n\n".join((llama31, aup31, llama3)),
        "long/apache-2.0-rewrapped-40-columns.md": f"> **Apache License**\n\n{wrapped}",
        "long/llama-3-edited.txt": edited,
    }


def warm(inputs: dict[str, str], rounds: int) -> tuple[list[float], list[float]]:
    """Per-input seconds (median over rounds) of identification, terms and JSON, warm."""
    from smallprint.api import identify_license_text, license_document
    from smallprint.kb import default_kb

    kb = default_kb()
    for name, text in inputs.items():  # first sight: indexes loaded, reference texts normalised
        json.dumps(license_document([identify_license_text(text, name, kb)]), ensure_ascii=False)
    per: dict[str, list[float]] = {n: [] for n in inputs}
    for _ in range(rounds):
        for name, text in inputs.items():
            t = time.perf_counter()
            json.dumps(license_document([identify_license_text(text, name, kb)]), ensure_ascii=False)
            per[name].append(time.perf_counter() - t)
    corpus = [med(v) for n, v in per.items() if not n.startswith("long/")]
    longs = [med(v) for n, v in per.items() if n.startswith("long/")]
    return corpus, longs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cold-runs", type=int, default=15)
    ap.add_argument("--warm-rounds", type=int, default=5)
    ap.add_argument("--corpus-runs", type=int, default=5)
    ap.add_argument("--scancode-runs", type=int, default=3)
    ap.add_argument("--scancode", help="path of the scancode executable")
    ap.add_argument("--processes", type=int, default=os.cpu_count() or 1, help="ScanCode's -n")
    args = ap.parse_args()
    lic = corpus_dir() / "licenses"
    files = sorted(lic.glob("*.txt"))
    sp = smallprint_cmd()
    print(f"corpus: {lic} ({len(files)} texts)  {load_note()}")

    # 1. cold start
    one = str(lic / "llama-3.1.txt")
    run([*sp, "license", one])  # bytecode and disk cache written once, as after any first use
    cold = [run([*sp, "license", one]) for _ in range(args.cold_runs)]
    version = [run([*sp, "--version"]) for _ in range(args.cold_runs)]
    print(fmt_runs("cold: smallprint license llama-3.1.txt", cold))
    print(fmt_runs("cold: smallprint --version", version))

    # 2. warm, per licence
    inputs = {f.name: f.read_text(encoding="utf-8") for f in files}
    longs = long_copies(lic)
    inputs.update(longs)
    corpus_t, long_t = warm(inputs, args.warm_rounds)
    both = corpus_t + long_t
    print(f"warm: one licence (identify + terms + JSON), {len(corpus_t)} corpus texts: "
          f"median {ms(med(corpus_t))}  p95 {ms(pct(corpus_t, 0.95))}")
    print(f"warm: {len(long_t)} long copies ({max(len(t) for t in longs.values()) // 1024} KiB max):"
          f"        median {ms(med(long_t))}  max {ms(max(long_t))}")
    print(f"warm: all {len(both)} inputs:                                 median {ms(med(both))}  p95 {ms(pct(both, 0.95))}")

    # 3. the whole corpus in one call, against ScanCode
    sc = scancode_cmd(args.scancode)
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp) / "texts"
        d.mkdir()
        for f in files:  # the same texts, without the corpus index
            (d / f.name).write_bytes(f.read_bytes())
        texts = sorted(str(p) for p in d.iterdir())
        ours, theirs = [], []
        out_json = Path(tmp) / "scancode.json"
        for i in range(max(args.corpus_runs, args.scancode_runs if sc else 0)):
            if i < args.corpus_runs:
                ours.append(run([*sp, "license", *texts, "--format", "json"]))
            if sc and i < args.scancode_runs:
                theirs.append(run([*sc, "--license", "--timing", "-n", str(args.processes), "--quiet",
                                   "--json", str(out_json), str(d)]))
        assert all(r.returncode == 0 for r in ours), "smallprint license failed"
        print(fmt_runs(f"one call, {len(texts)} texts: smallprint license", ours))
        if not sc:
            print("ScanCode not found (--scancode PATH or $SCANCODE): no ratio")
            return
        assert all(r.returncode == 0 for r in theirs), "scancode failed"
        print(fmt_runs(f"one call, {len(texts)} texts: scancode -n {args.processes}", theirs))
        per_file = [f["scan_timings"]["licenses"] for f in json.loads(out_json.read_text())["files"]
                    if f.get("type") == "file" and "licenses" in (f.get("scan_timings") or {})]
    ratio = med([r.wall for r in theirs]) / med([r.wall for r in ours])
    print(f"ScanCode / smallprint, one call on the corpus (median wall): {ratio:6.1f}x"
          f"   peak memory {max(r.peak_rss_mib for r in ours):.0f} MiB vs {max(r.peak_rss_mib for r in theirs):.0f} MiB")
    if per_file:
        print(f"ScanCode per licence (its own --timing): median {ms(med(per_file))}  p95 {ms(pct(per_file, 0.95))}"
              f"   -> smallprint warm median is {med(per_file) / med(corpus_t):.0f}x faster")


if __name__ == "__main__":
    main()
