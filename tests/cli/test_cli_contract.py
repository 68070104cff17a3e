"""The command line: JSON contracts, exit codes and one-line errors on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

LLAMA_31 = Path(__file__).parents[2] / "src/smallprint/kb/texts/llama-3.1.txt"


def run(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    return subprocess.run(
        [sys.executable, "-m", "smallprint", *args], input=stdin, capture_output=True, timeout=120, env=env, cwd=cwd
    )


def test_license_json_contract_for_a_known_text():
    out = run("license", str(LLAMA_31), "--format", "json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["schema"] == "smallprint/license/1"
    (r,) = doc["results"]
    assert r["path"] == str(LLAMA_31)
    best = r["licenses"][0]
    assert {"id", "name", "version", "spdx_id", "hub_id", "confidence", "start_line", "end_line", "deviations"} <= set(best)
    assert (best["id"], best["version"]) == ("llama3.1", "3.1")
    keys = {t["key"] for t in r["terms"]}
    assert {"user-threshold", "derivative-naming", "attribution-display"} <= keys
    for t in r["terms"]:
        assert {"key", "value", "certainty", "evidence"} <= set(t)
        for e in t["evidence"]:
            assert {"start_line", "end_line", "quote"} <= set(e)


def test_license_reads_standard_input():
    out = run("license", "-", "--format", "json", stdin=b"Licensed under the Llama 3.1 Community License.\n")
    assert out.returncode == 0
    assert json.loads(out.stdout)["results"][0]["licenses"][0]["id"] == "llama3.1"


def test_unknown_text_is_reported_unknown_with_terms_read_from_it(tmp_path: Path):
    p = tmp_path / "LICENSE"
    p.write_text(
        "Acme Model Licence\n\nYou may use the Model for non-commercial research purposes only. "
        "Commercial use of the Model requires a separate written agreement with Acme.\n",
        encoding="utf-8",
    )
    out = run("license", str(p), "--format", "json")
    assert out.returncode == 0
    r = json.loads(out.stdout)["results"][0]
    assert r["licenses"] == []
    terms = {t["key"]: t for t in r["terms"]}
    assert terms["commercial-use"]["value"] is not True
    assert terms["non-commercial"]["value"] is True and terms["non-commercial"]["evidence"]


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("empty.txt", b"", "empty"),
        ("binary.bin", b"\x00\x01\x02PNG\x00" * 100, "binary"),
        ("latin1.txt", "Lizenz für alle Zwecke \xe9t\xe9".encode("latin-1"), "UTF-8"),
    ],
)
def test_bad_input_gives_one_line_error_and_exit_2_while_others_are_reported(tmp_path: Path, name, content, message):
    bad = tmp_path / name
    bad.write_bytes(content)
    out = run("license", str(bad), str(LLAMA_31), "--format", "json")
    assert out.returncode == 2
    err = out.stderr.decode().strip().splitlines()
    assert len(err) == 1 and message in err[0] and "Traceback" not in out.stderr.decode()
    doc = json.loads(out.stdout)
    assert doc["results"][0]["error"] and doc["results"][1]["licenses"][0]["id"] == "llama3.1"


def test_huge_file_directory_and_missing_path_are_refused_quickly(tmp_path: Path):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: 50 MB without writing them
    out = run("license", str(huge), str(tmp_path), str(tmp_path / "missing.txt"))
    assert out.returncode == 2
    lines = out.stderr.decode().strip().splitlines()
    assert len(lines) == 3
    assert "limit" in lines[0] and "directory" in lines[1] and "no such file" in lines[2]


def test_explain_and_diff_json():
    ex = json.loads(run("explain", "Llama 3.1 Community License", "--format", "json").stdout)
    assert ex["schema"] == "smallprint/explain/1" and ex["license"]["id"] == "llama3.1"
    assert ex["policies"][0]["id"] == "llama3.1-aup"
    d = json.loads(run("diff", "llama3", "llama3.1", "--format", "json").stdout)
    assert d["schema"] == "smallprint/diff/1"
    changed = {c["key"]: c for c in d["changed_terms"]}
    assert changed["no-training-other-models"]["a"]["value"] is True
    assert changed["no-training-other-models"]["b"]["value"] is False
    assert d["passages"]


def test_explain_unknown_id_is_a_one_line_error():
    out = run("explain", "no-such-licence-anywhere")
    assert out.returncode == 2 and len(out.stderr.decode().strip().splitlines()) == 1


def test_check_json_contract_and_gate():
    out = run("check", "meta-llama/Llama-3.1-8B", "--offline", "--format", "json", "--use", "distill-own-model")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["schema"] == "smallprint/check/1"
    (r,) = doc["results"]
    assert {"target", "model_id", "license", "lineage", "terms", "findings", "verdict", "osaid", "mof"} <= set(r)
    assert r["license"]["licenses"][0]["id"] == "llama3.1"
    assert any(f["code"] == "catalog-answer" for f in r["findings"])
    gated = run("check", "meta-llama/Meta-Llama-3-8B", "--offline", "--use", "distill-own-model",
                "--fail-on", "blocked", "--format", "json")
    assert gated.returncode == 1
    assert json.loads(gated.stdout)["results"][0]["verdict"]["verdict"] == "blocked"


def test_check_with_no_target_runs_the_embedded_default():
    out = run("check", "--format", "json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert len(doc["results"]) >= 5 and all(r.get("verdict") for r in doc["results"])


def test_check_missing_target_is_exit_2():
    out = run("check", "./no/such/model/folder", "--offline")
    assert out.returncode == 2 and "Traceback" not in out.stderr.decode()


def test_lineage_and_openness_commands():
    lin = json.loads(run("lineage", "meta-llama/Llama-3.2-11B-Vision-Instruct", "--offline", "--format", "json").stdout)
    assert lin["schema"] == "smallprint/lineage/1"
    assert any(n["id"] == "meta-llama/Llama-3.2-11B-Vision" for n in lin["lineage"])
    op = json.loads(run("openness", "EleutherAI/pythia-1b", "--offline", "--format", "json").stdout)
    assert op["schema"] == "smallprint/openness/1"
    assert op["results"][0]["osaid"]["verdict"] == "open-source-ai"


def test_output_option_writes_the_file(tmp_path: Path):
    target = tmp_path / "report.html"
    out = run("check", "gpt-4o", "--offline", "--format", "html", "--output", str(target))
    assert out.returncode == 0 and target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_sarif_places_inventory_models_at_their_entry_line(tmp_path: Path):
    inv = tmp_path / "inventory.yaml"
    inv.write_text(
        "schema: smallprint/inventory/1\nprofile: distill-own-model\nmodels:\n"
        "  - id: meta-llama/Meta-Llama-3-8B-Instruct\n  - id: gpt-4o\n",
        encoding="utf-8",
    )
    out = run("check", "--inventory", str(inv), "--offline", "--format", "sarif")
    doc = json.loads(out.stdout)
    lines = {
        r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in doc["runs"][0]["results"]
        if r["ruleId"].startswith("verdict/")
    }
    assert lines == {4, 5}
