"""`smallprint lineage` and `check --format json` on bad input: one clean line, never a traceback or hang."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from casebuild import write_gguf

SMALLPRINT = str(Path(sys.executable).parent / "smallprint")


def run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HOME": str(home), "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([SMALLPRINT, *args], capture_output=True, text=True, timeout=120, env=env)


def _symlink_loop(tmp: Path) -> Path:
    d = tmp / "loop"
    d.mkdir()
    (d / "README.md").write_text("---\nlicense: mit\n---\n# m\n")
    (d / "self").symlink_to(d)
    (d / "a").symlink_to("b")
    (d / "b").symlink_to("a")
    return d


def _truncated_gguf(tmp: Path) -> Path:
    whole = tmp / "whole.gguf"
    write_gguf(whole, {"general.license": "llama3.1"})
    cut = tmp / "model-Q4_K_M.gguf"
    cut.write_bytes(whole.read_bytes()[:40])
    return cut


def _binary_readme(tmp: Path) -> Path:
    d = tmp / "binary"
    d.mkdir()
    (d / "README.md").write_bytes(bytes(range(256)) * 16)
    return d


def _huge_readme(tmp: Path) -> Path:
    d = tmp / "huge"
    d.mkdir()
    head = b"---\nlicense: apache-2.0\nbase_model: meta-llama/Llama-3.1-8B\n---\n"
    (d / "README.md").write_bytes(head + b"lorem ipsum dolor sit amet\n" * (60 * 1024 * 1024 // 27))
    return d


@pytest.mark.parametrize("command", [["lineage"], ["check", "--format", "json"]])
def test_missing_path_and_truncated_gguf_are_one_line_errors(tmp_path: Path, command: list[str]) -> None:
    for target in (tmp_path / "no-such-model", _truncated_gguf(tmp_path)):
        r = run(command[0], str(target), *command[1:], home=tmp_path / "hf")
        assert r.returncode != 0
        assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert str(target.name) in r.stderr


@pytest.mark.parametrize("build", [_symlink_loop, _binary_readme])
def test_unreadable_parts_of_a_folder_become_findings(tmp_path: Path, build: object) -> None:
    target = build(tmp_path)  # type: ignore[operator]
    r = run("check", str(target), "--format", "json", home=tmp_path / "hf")
    assert r.returncode in (0, 1), r.stderr
    assert "Traceback" not in r.stderr
    doc = json.loads(r.stdout)
    result = doc["results"][0] if "results" in doc else doc
    assert "broken-metadata" in {f["code"] for f in result["findings"]}
    lin = run("lineage", str(target), home=tmp_path / "hf")
    assert lin.returncode in (0, 1) and "Traceback" not in lin.stderr


def test_huge_card_is_read_from_its_front_matter(tmp_path: Path) -> None:
    target = _huge_readme(tmp_path)
    r = run("check", str(target / "README.md"), "--format", "json", home=tmp_path / "hf")
    assert "Traceback" not in r.stderr
    doc = json.loads(r.stdout)
    result = doc["results"][0] if "results" in doc else doc
    codes = {f["code"] for f in result["findings"]}
    assert {"broken-metadata", "license-conflicts-with-base"} <= codes
    assert any("only its first" in f["message"] for f in result["findings"])
