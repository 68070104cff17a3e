"""Shared helpers of the benchmarks: the corpus, commands timed as users run them, figures.

Every benchmark measures what a user waits for: the `smallprint` command in a fresh
process (wall and CPU time, peak memory), or the library call a long-running front end
makes per item. Figures are medians and 95th percentiles, never best-of.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def corpus_dir() -> Path:
    """`$SMALLPRINT_CORPUS`, else `../shared/corpus` beside the checkout, else /work/shared/corpus."""
    env = os.environ.get("SMALLPRINT_CORPUS")
    candidates = [Path(env)] if env else []
    candidates += [ROOT.parent / "shared" / "corpus", Path("/work/shared/corpus")]
    for c in candidates:
        if (c / "licenses").is_dir():
            return c
    sys.exit(f"no corpus: set SMALLPRINT_CORPUS (tried {', '.join(map(str, candidates))})")


def smallprint_cmd() -> list[str]:
    """The installed `smallprint` script beside this interpreter (what users run), else -m."""
    exe = Path(sys.executable).parent / "smallprint"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("smallprint")
    return [found] if found else [sys.executable, "-m", "smallprint"]


@dataclass
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds of the process (and its children)
    peak_rss_mib: float
    returncode: int
    stdout: bytes


def run(cmd: Sequence[str], env: dict[str, str] | None = None) -> Run:
    """Run a command to completion: wall time, and its own CPU time and peak memory (wait4)."""
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, env=env)
    assert proc.stdout is not None
    chunks = []
    while chunk := proc.stdout.read(1 << 16):
        chunks.append(chunk)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Run(wall, cpu, usage.ru_maxrss / 1024, proc.returncode, b"".join(chunks))


def pct(values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) by nearest rank."""
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * len(s) + 0.5) - 1))]


def med(values: Sequence[float]) -> float:
    return statistics.median(values)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def fmt_runs(label: str, runs: Sequence[Run]) -> str:
    walls = [r.wall for r in runs]
    cpus = [r.cpu for r in runs]
    return (f"{label:<44} median {ms(med(walls))}  p95 {ms(pct(walls, 0.95))}  "
            f"CPU median {ms(med(cpus))}  peak {max(r.peak_rss_mib for r in runs):6.1f} MiB")


def scancode_cmd(explicit: str | None = None) -> list[str] | None:
    """ScanCode (the scancode-toolkit-mini wheel, kept out of this project's environment):
    --scancode, `$SCANCODE`, /work/scancode-venv or `scancode` on PATH."""
    for c in (explicit, os.environ.get("SCANCODE"), "/work/scancode-venv/bin/scancode", shutil.which("scancode")):
        if c and Path(c).exists():
            return [c]
    return None


def load_note() -> str:
    """The machine's load: figures taken on a busy machine are not comparable across runs."""
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return ""
    return f"(load average {one:.2f} / {five:.2f} on {os.cpu_count()} CPUs; ratios come from runs side by side)"
