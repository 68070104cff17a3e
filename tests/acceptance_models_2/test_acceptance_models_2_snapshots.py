"""Snapshot folders laid out as `huggingface-cli download org/name --local-dir org--name`,
checked offline as one directory of many models; expectations live in expected/<case>.yaml."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"
EXPECTED = HERE / "expected"
NAMES = sorted(p.stem for p in EXPECTED.glob("*.yaml"))


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, Any]]:
    """One `smallprint check DIR --offline --format json` run over every case folder."""
    run = subprocess.run(
        [sys.executable, "-m", "smallprint", "check", str(CASES), "--offline", "--format", "json"],
        capture_output=True, text=True, timeout=300, env=_offline_env(),
    )
    assert run.returncode == 0, run.stderr[-2000:]
    data = json.loads(run.stdout)
    assert data["schema"] == "smallprint/check/1"
    return {Path(r["target"]).name: r for r in data["results"]}


def _offline_env() -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env["HF_HUB_OFFLINE"] = "1"
    return env


def test_directory_run_reports_every_case_folder(results: dict[str, dict[str, Any]]) -> None:
    assert sorted(results) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_case_findings_match_expectations(name: str, results: dict[str, dict[str, Any]]) -> None:
    want = yaml.safe_load((EXPECTED / f"{name}.yaml").read_text())
    got = results[name]
    codes = {f["code"] for f in got["findings"]}
    assert not set(want["forbid"]) & codes, (want["why"], got["findings"])
    assert set(want["expect"]) <= codes, (want["why"], sorted(codes))
    if "license" in want:
        ids = [m.get("spdx_id") or m["id"] for m in got["license"]["licenses"]]
        assert ids == [want["license"]], want["why"]


@pytest.mark.parametrize("name", NAMES)
def test_expected_findings_carry_evidence(name: str, results: dict[str, dict[str, Any]]) -> None:
    want = yaml.safe_load((EXPECTED / f"{name}.yaml").read_text())
    for f in results[name]["findings"]:
        if f["code"] in want["expect"]:
            assert f["evidence"], f
            assert f["message"]
