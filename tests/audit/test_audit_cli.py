"""`smallprint audit` on the command line: a one-line outcome, exit 2 on bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from audit_fixtures import card, row, write_rows


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "smallprint", "audit", *args], capture_output=True, text=True, timeout=120)


def test_cli_writes_the_outputs_and_says_so(tmp_path: Path) -> None:
    dump = write_rows(tmp_path / "d.parquet", [row("a/one", card("license: mit\n")),
                                               row("a/two", card("license: apache-2.0\nbase_model: a/one\n"))])
    out = tmp_path / "out"
    done = _run(str(dump), "--out", str(out), "--use", "internal-research", "--workers", "1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("2 models -> ") and "summary.html" in done.stdout
    for name in ("models.parquet", "edges.parquet", "findings.parquet", "summary.json", "summary.html"):
        assert (out / name).is_file()
    bad = _run(str(tmp_path / "missing.parquet"), "--out", str(out))
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
    wrong = _run(str(dump), "--out", str(out), "--engine", "spark")
    assert wrong.returncode == 2 and "--engine 'spark'" in wrong.stderr
