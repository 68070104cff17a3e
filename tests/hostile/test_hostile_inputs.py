"""Crafted hostile inputs across every command: no internal error, no aborted run, no
secret or local file in any report, and the other targets always reported.

Each case runs the real command line in-process (`smallprint.cli.main.run_app`, which
is what `main()` runs) so dozens of cases stay within the suite's time budget; an
exception that escapes it is exactly the "internal error" these tests exist to rule out.
"""

from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import pytest

from smallprint.errors import SmallprintError

SECRET = "hf_TOPSECRET_token_4242"


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Run `smallprint ARGS` in-process the way main() does; anything but a SmallprintError
    escaping is an internal error and fails the test."""
    from smallprint.cli.main import run_app

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("SMALLPRINT_TEST_SECRET", SECRET)

    def run(*args: str) -> Run:
        capsys.readouterr()
        try:
            code = run_app(list(args))
        except SmallprintError as e:
            print(f"smallprint: {e}", file=__import__("sys").stderr)
            code = 2
        except SystemExit as e:
            code = int(e.code or 0)
        captured = capsys.readouterr()
        assert "internal error" not in captured.err and "Traceback" not in captured.err, captured.err
        assert code in (0, 1, 2), (code, captured.err)
        return Run(code, captured.out, captured.err)

    return run


def one_line(r: Run) -> str:
    lines = [ln for ln in r.err.splitlines() if ln.strip()]
    assert r.code == 2 and lines, (r.code, r.err)
    assert all(ln.startswith("smallprint: ") for ln in lines), r.err
    return lines[-1]


def card_folder(root: Path, front: str = "license: mit", body: str = "# Model\n") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "README.md").write_text(f"---\n{front}\n---\n{body}", encoding="utf-8")
    return root


# --- security: links, policy discovery, HTML in Markdown --------------------------------


@pytest.mark.parametrize("fmt", ["json", "html", "md", "table", "cyclonedx", "spdx", "sarif"])
def test_links_out_of_a_snapshot_are_reported_never_read(cli, tmp_path: Path, fmt: str) -> None:
    snap = card_folder(tmp_path / "snap")
    (tmp_path / "outside.txt").write_text(f"TOKEN={SECRET}\nroot:x:0:0:root:/root:/bin/bash\n")
    (snap / "LICENSE").symlink_to("/proc/self/environ")
    (snap / "config.json").symlink_to(tmp_path / "outside.txt")
    (snap / "NOTICE").symlink_to(tmp_path / "outside.txt")
    r = cli("check", str(snap), "--offline", "-f", fmt)
    assert r.code == 0
    assert SECRET not in r.out and "root:x:0" not in r.out
    if fmt == "json":
        codes = [f["code"] for f in json.loads(r.out)["results"][0]["findings"]]
        assert codes.count("link-outside-snapshot") == 3


def test_cache_blobs_are_followed_but_a_blobs_folder_that_is_a_link_is_not(cli, tmp_path: Path) -> None:
    repo = tmp_path / "hub" / "models--acme--tiny"
    (repo / "snapshots" / ("a" * 40)).mkdir(parents=True)
    (repo / "blobs").mkdir()
    (repo / "blobs" / "b1").write_text("---\nlicense: apache-2.0\n---\n# Tiny\n")
    (repo / "snapshots" / ("a" * 40) / "README.md").symlink_to(repo / "blobs" / "b1")
    r = cli("check", str(repo), "--offline", "-f", "json")
    (res,) = json.loads(r.out)["results"]
    assert [m["id"] for m in res["license"]["licenses"]] == ["apache-2.0"]

    evil = tmp_path / "hub2" / "models--acme--evil"
    (evil / "snapshots" / ("b" * 40)).mkdir(parents=True)
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "s").write_text(f"---\nlicense: mit\n---\n{SECRET}\n")
    (evil / "blobs").symlink_to(tmp_path / "secrets")
    (evil / "snapshots" / ("b" * 40) / "README.md").symlink_to(evil / "blobs" / "s")
    r = cli("check", str(evil), "--offline", "-f", "json")
    assert SECRET not in r.out
    assert "link-outside-snapshot" in r.out


def test_policy_discovery_stops_at_the_working_directory_outside_a_repository(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".smallprint.yaml").write_text(
        "exceptions:\n  - model: '*'\n    reason: planted\n    expires: 2099-01-01\nfail_on: conditions\n"
    )
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    r = cli("check", "gpt-4o", "--offline", "-f", "json")
    assert "waived" not in r.out and "policy file" not in r.err
    (work / ".smallprint.yaml").write_text("fail_on: blocked\n")
    r = cli("check", "gpt-4o", "--offline", "-f", "json")
    assert f"policy file {work / '.smallprint.yaml'}" in r.err or "policy file .smallprint.yaml" in r.err


def test_markdown_escapes_raw_html_and_markdown_from_card_values(cli, tmp_path: Path) -> None:
    name = "x<script>alert(1)<"
    snap = card_folder(tmp_path / "svg onload=1", front=f"license: other\nlicense_name: '{name} [l](javascript:1)'")
    r = cli("check", str(snap), "--offline", "-f", "md")
    assert "<script" not in r.out and "<svg" not in r.out and "[l](javascript" not in r.out
    assert "&lt;script&gt;" in r.out


# --- one bad input never costs the others --------------------------------------------


@pytest.mark.parametrize("text", ["[/x]", "[INST] hi [/INST]", "FLUX.1 [dev] Model", ":smile: [bold]b[/bold]"])
def test_tables_print_input_text_literally(cli, tmp_path: Path, text: str) -> None:
    snap = card_folder(tmp_path / text.replace("/", "_"), front="license: mit")
    r = cli("check", str(snap), "gpt-4o", "--offline")
    assert r.code == 0
    assert text.replace("/", "_") in r.out  # the folder name, exactly as written
    assert "[catalog]" in cli("lineage", "meta-llama/Llama-3.2-11B-Vision-Instruct", "--offline").out


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x85\x9b", "\x9f", "\u202e"])
def test_control_characters_in_front_matter_are_broken_metadata_and_the_run_goes_on(
    cli, tmp_path: Path, char: str
) -> None:
    snap = card_folder(tmp_path / "ctrl", front=f"license: mit\ntags: [a{char}b]")
    r = cli("check", str(snap), "gpt-4o", "--offline", "-f", "json")
    results = json.loads(r.out)["results"]
    assert [x.get("error") for x in results] == [None, None]
    if char not in ("\u202e",):
        assert "broken-metadata" in {f["code"] for f in results[0]["findings"]}


def test_a_path_part_too_long_is_that_target_s_error(cli) -> None:
    r = cli("check", "a" * 300, "gpt-4o", "--offline", "-f", "json")
    results = json.loads(r.out)["results"]
    assert r.code == 2 and len(results) == 2 and results[1].get("error") is None
    assert "longer than the system allows" in results[0]["error"]


def test_wrong_typed_gguf_keys_are_ignored(cli, tmp_path: Path) -> None:
    def kv_str(k: str, v: str) -> bytes:
        return struct.pack("<Q", len(k)) + k.encode() + struct.pack("<I", 8) + struct.pack("<Q", len(v)) + v.encode()

    def kv_u32(k: str, v: int) -> bytes:
        return struct.pack("<Q", len(k)) + k.encode() + struct.pack("<I", 4) + struct.pack("<I", v)

    kvs = [kv_u32("general.tags", 7), kv_u32("general.datasets", 3), kv_str("general.license", "mit"),
           kv_u32("general.name", 5)]
    path = tmp_path / "m.gguf"
    path.write_bytes(b"GGUF" + struct.pack("<IQQ", 3, 0, len(kvs)) + b"".join(kvs))
    r = cli("check", str(path), "--offline", "-f", "json")
    (res,) = json.loads(r.out)["results"]
    assert res.get("error") is None and res["license"]["licenses"][0]["id"] == "mit"


def test_a_folder_of_models_with_its_own_readme_and_a_loose_gguf_checks_every_model(
    cli, tmp_path: Path
) -> None:
    root = card_folder(tmp_path / "models", front="title: our models")
    (root / "loose.gguf").write_bytes(b"GGUF" + struct.pack("<IQQ", 3, 0, 0))
    card_folder(root / "a", front="license: mit")
    card_folder(root / "b", front="license: apache-2.0")
    r = cli("check", str(root), "--offline", "-f", "json")
    targets = sorted(Path(x["target"]).name for x in json.loads(r.out)["results"])
    assert targets == ["a", "b", "loose.gguf"]


# --- BOMs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "doc",
    [
        {"bomFormat": "CycloneDX", "components": 5},
        {"bomFormat": "CycloneDX", "components": ["x", 1, None]},
        {"bomFormat": "CycloneDX", "components": [{"type": "machine-learning-model", "name": 3,
                                                   "licenses": "mit", "pedigree": [1],
                                                   "modelCard": "x", "properties": {"a": 1}}]},
        {"bomFormat": "CycloneDX", "components": [{"type": "machine-learning-model", "name": "acme/m",
                                                   "licenses": [1, {"license": "mit"}, {"expression": ["x"]}],
                                                   "pedigree": {"ancestors": {"a": 1}},
                                                   "modelCard": {"modelParameters": {"datasets": "x"}}}]},
        {"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": {"a": 1}},
        {"@context": ["https://spdx.org/rdf/3.0.1/x", 1], "@graph": [
            {"type": "ai_AIPackage", "spdxId": ["x"], "name": {"a": 1}},
            {"type": "ai_AIPackage", "spdxId": "m", "name": "acme/m"},
            {"type": "Relationship", "from": "m", "relationshipType": "hasDeclaredLicense", "to": "l"},
            {"type": "Relationship", "from": {"x": 1}, "to": 5}]},
    ],
)
def test_a_bom_of_the_wrong_types_is_read_or_refused_in_one_line(cli, tmp_path: Path, doc: object) -> None:
    bom = tmp_path / "bom.json"
    bom.write_text(json.dumps(doc))
    r = cli("check", str(bom), "gpt-4o", "--offline", "-f", "json")
    results = json.loads(r.out)["results"]
    assert results[-1]["model_id"] == "openai/gpt-4o" and results[-1].get("error") is None
    if r.code == 2:
        assert "lists no readable model" in results[0]["error"] or "not" in results[0]["error"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_a_bom_in_any_accepted_encoding_is_read(cli, tmp_path: Path, encoding: str) -> None:
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
        {"type": "machine-learning-model", "name": "acme/m", "licenses": [{"license": {"id": "MIT"}}]}]}
    bom = tmp_path / "bom.json"
    bom.write_bytes(json.dumps(doc).encode(encoding))
    (res,) = json.loads(cli("check", str(bom), "--offline", "-f", "json").out)["results"]
    assert res["model_id"] == "acme/m" and res["license"]["licenses"][0]["id"] == "mit"


def test_a_bom_with_too_many_models_is_refused_with_a_clear_error(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import smallprint.sources.bom as bom_mod

    monkeypatch.setattr(bom_mod, "MAX_BOM_MODELS", 3)
    comps = [{"type": "machine-learning-model", "name": f"acme/m{i}"} for i in range(4)]
    bom = tmp_path / "bom.json"
    bom.write_text(json.dumps({"bomFormat": "CycloneDX", "components": comps}))
    r = cli("check", str(bom), "--offline", "-f", "json")
    assert r.code == 2 and "split it into smaller BOMs" in r.err


# --- profile, policy and inventory files ----------------------------------------------

BAD_CONFIGS = {
    "escape.yaml": 'name: "\\q"\n',
    "binary-key.yaml": "? !!binary AAAA\n: 1\n",
    "digits.yaml": "monthly_active_users: " + "9" * 5000 + "\n",
    "deep.yaml": "regions: " + "[" * 500 + "]" * 500 + "\n",
    "bomb.yaml": "a: &a [x,x,x,x,x,x,x,x]\n" + "".join(
        f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n" for p, c in zip("abcdefghi", "bcdefghij", strict=True)),
    "python.yaml": "name: !!python/object/apply:os.system [id]\n",
    "control.yaml": "name: a\x01b\n",
    "list.yaml": "- 1\n- 2\n",
    "latin1.yaml": "name: caf\xe9\n",
    "date.yaml": "expires: 2026-13-45\n",
    "nul.yaml": "name: a\x00\n",
    "deep.json": "[" * 5000 + "]" * 5000,
    "digits.toml": "x = " + "9" * 5000 + "\n",
}


@pytest.mark.parametrize("name", sorted(BAD_CONFIGS))
@pytest.mark.parametrize("option", ["--profile", "--policy", "--inventory"])
def test_bad_profile_policy_and_inventory_files_are_one_line_errors_naming_the_file(
    cli, tmp_path: Path, name: str, option: str
) -> None:
    path = tmp_path / name
    text = BAD_CONFIGS[name]
    path.write_bytes(text.encode("latin-1") if name == "latin1.yaml" else text.encode("utf-8"))
    args = ["check", "--inventory", str(path)] if option == "--inventory" else ["check", "gpt-4o", option, str(path)]
    r = cli(*args, "--offline", "-f", "json")
    if r.code == 2:
        line = one_line(r)
        assert str(path) in line, line
        assert "input too deeply nested" not in line


def test_a_policy_fail_on_typo_is_named_as_the_policy_s(cli, tmp_path: Path) -> None:
    pol = tmp_path / "p.yaml"
    pol.write_text("fail_on: blokced\n")
    line = one_line(cli("check", "gpt-4o", "--policy", str(pol), "--offline"))
    assert f"{pol}: fail_on: unknown level" in line and "--fail-on" not in line


# --- the code scanner -------------------------------------------------------------------


def test_scan_code_refuses_bombs_and_reports_what_it_could_not_read(cli, tmp_path: Path) -> None:
    code = tmp_path / "repo"
    code.mkdir()
    (code / "app.py").write_text('from huggingface_hub import hf_hub_download\n'
                                 'hf_hub_download(repo_id="TheBloke/Llama-2-7B-GGUF", filename="llama-2-7b.Q4_K_M.gguf")\n')
    (code / "bomb.yaml").write_text(BAD_CONFIGS["bomb.yaml"] + "model: acme/x\n")
    (code / "deep.yaml").write_text("model: " + "[" * 2000 + "]" * 2000 + "\n")
    (code / "broken.py").write_text("def f(:\n")
    (code / "blob.py").write_bytes(b"\x00\x01\x02\x03" * 10)
    (code / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    inv = tmp_path / "inv.yaml"
    r = cli("scan-code", str(code), "--write-inventory", str(inv))
    assert r.code == 0
    for name in ("bomb.yaml", "deep.yaml", "broken.py", "blob.py", "deep.json"):
        assert f"not read: {name}" in r.out, r.out
    import yaml

    models = yaml.safe_load(inv.read_text())["products"][0]["models"]
    assert [m["id"] for m in models] == ["TheBloke/Llama-2-7B-GGUF"]


def test_scan_code_says_when_it_stops_at_a_limit(tmp_path: Path) -> None:
    from smallprint.reports.context import ReportContext
    from smallprint.reports.registry import render
    from smallprint.scan import ScanLimits, scan_code

    for i in range(3):
        (tmp_path / f"m{i}.py").write_text(f'from_pretrained("acme/m{i}")\nfrom_pretrained("acme/n{i}")\n')
    report = scan_code(tmp_path, ScanLimits(max_references=3))
    assert report.truncated
    table = render("scan", "table", report, ReportContext.create())
    assert "truncated" in table and "incomplete" in table
    assert "Truncated" in render("scan", "md", report, ReportContext.create())


# --- licence texts, messages, explain, regions ----------------------------------------


def test_a_licence_text_over_the_limit_is_refused_in_one_line(cli, tmp_path: Path) -> None:
    big = tmp_path / "LICENSE"
    big.write_text("Permission is hereby granted. " * 20_000)
    assert "limit" in one_line(cli("license", str(big)))


def test_a_fifo_is_named_as_such_everywhere(cli, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for args in (["check", str(fifo)], ["license", str(fifo)], ["check", "gpt-4o", "--policy", str(fifo)],
                 ["check", "--inventory", str(fifo)], ["check", "gpt-4o", "--profile", str(fifo)],
                 ["scan-code", str(fifo)], ["openness", "gpt-4o", "--manifest", str(fifo)]):
        line = one_line(cli(*args))
        assert "no such file" not in line and ("pipe" in line.lower() or "regular file" in line), (args, line)


def test_write_inventory_errors_name_that_option(cli, tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text('from_pretrained("acme/m")\n')
    line = one_line(cli("scan-code", str(tmp_path), "--write-inventory", str(tmp_path)))
    assert "--write-inventory" in line and "--output" not in line


@pytest.mark.parametrize("name", ["not mit", "mit OR", "mit, apache-2.0", "apache-2.0 AND mit"])
def test_explain_refuses_what_is_not_one_licence(cli, name: str) -> None:
    assert "not one licence" in one_line(cli("explain", name))


def test_explain_still_takes_names_and_urls(cli) -> None:
    for name in ("MIT License", "https://opensource.org/licenses/MIT", "llama3.1", "the MIT license"):
        assert cli("explain", name, "-f", "json").code == 0


def test_an_unknown_region_is_warned(cli) -> None:
    r = cli("check", "gpt-4o", "--offline", "--region", "EY", "-f", "json")
    assert r.code == 0 and "region 'EY' is not one smallprint knows" in r.err
