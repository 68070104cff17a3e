"""Re-runs evaluate only what changed and give what a full run gives; a killed run resumes."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from audit_fixtures import card, row, table_rows, write_rows
from smallprint.audit import AuditRequest, run_audit
from smallprint.audit.synthetic import DUMP_SCHEMA, synthetic_rows

OUTPUTS = ("models.parquet", "edges.parquet", "findings.parquet")


def _same_outputs(a: Path, b: Path) -> None:
    for name in OUTPUTS:
        assert table_rows(a / name) == table_rows(b / name), name


def test_incremental_rerun_equals_a_full_run(tmp_path: Path) -> None:
    base = list(synthetic_rows(200, seed=3))
    v1 = write_rows(tmp_path / "v1.parquet", base)
    out = tmp_path / "out"
    first = run_audit(AuditRequest([str(v1)], out, workers=1, progress=False))
    assert first.evaluated == 200
    later = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    changed = list(base)
    changed[10] = row(base[10]["modelId"], card("license: cc-by-nc-4.0\n"), when=later)  # relicensed: its children change
    changed[20] = row(base[20]["modelId"], card("license: llama3.1\nbase_model: meta-llama/Llama-3.1-8B\n"), when=later)
    del changed[30]
    changed.append(row("new/model", card(f"license: mit\nbase_model: {base[10]['modelId']}\n"), when=later))
    v2 = write_rows(tmp_path / "v2.parquet", changed)
    second = run_audit(AuditRequest([str(v2)], out, workers=1, progress=False))
    assert second.evaluated == 3 and second.reused == 197
    full = tmp_path / "full"
    run_audit(AuditRequest([str(v2)], full, workers=1, progress=False))
    _same_outputs(out, full)
    models = {r["model_id"]: r for r in table_rows(out / "models.parquet")}
    assert base[30]["modelId"] not in models and "new/model" in models
    assert "license-conflicts-with-base" in models["new/model"]["finding_codes"]


def test_a_killed_run_resumes_where_it_stopped(tmp_path: Path) -> None:
    rows = list(synthetic_rows(1500, seed=5))
    dump = tmp_path / "dump.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=DUMP_SCHEMA), dump, row_group_size=100)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "smallprint", "audit", str(dump), "--out", str(out), "--workers", "1", "--quiet", "--batch-rows", "50"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    parts = out / ".audit-state" / "records"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(parts.glob("part-*.parquet"))) < 2:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (out / "models.parquet").exists()
    done_before = sum(pq.read_metadata(p).num_rows for p in parts.glob("part-*.parquet"))
    assert 0 < done_before < 1500
    resumed = run_audit(AuditRequest([str(dump)], out, workers=1, progress=False, batch_rows=50))
    assert resumed.reused == done_before and resumed.evaluated == 1500 - done_before
    full = tmp_path / "full"
    run_audit(AuditRequest([str(dump)], full, workers=1, progress=False))
    _same_outputs(out, full)
