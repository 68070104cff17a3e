"""The command line as a new user meets it: mistakes are one line with exit 2, output
paths are checked, and a policy file found in the project is obeyed, gate included."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

LLAMA_31 = Path(__file__).parents[2] / "src/smallprint/kb/texts/llama-3.1.txt"

NC_CARD = """---
license: cc-by-nc-4.0
language: [en]
pipeline_tag: text-generation
---
# Tiny research model

Weights released for research under CC BY-NC 4.0.
"""


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    return subprocess.run(
        [sys.executable, "-m", "smallprint", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=cwd,
    )


def one_line_error(out: subprocess.CompletedProcess[str]) -> str:
    lines = out.stderr.strip().splitlines()
    assert out.returncode == 2, (out.returncode, out.stderr)
    assert len(lines) == 1 and lines[0].startswith("smallprint: "), out.stderr
    assert "Traceback" not in out.stderr
    return lines[0]


@pytest.mark.parametrize(
    "args,expected",
    [
        (("license", str(LLAMA_31), "--format", "xml"), "'xml' is not one of"),
        (("check", "gpt-4o", "-f", "pdf"), "'pdf' is not one of"),
        (("check", "gpt-4o", "--users", "many"), "--users"),
        (("check", "gpt-4o", "--no-such-flag"), "--no-such-flag"),
        (("license",), "Missing argument"),
        (("frobnicate",), "No such command"),
    ],
)
def test_command_line_mistakes_are_one_line_with_exit_2(args, expected):
    line = one_line_error(run(*args))
    assert expected in line and "--help" in line


def test_unknown_licence_kind_is_an_error_naming_the_kinds():
    line = one_line_error(run("licenses", "--kind", "restricted"))
    assert "restricted-model" in line and "osi-code" in line


def test_licences_of_one_kind_can_be_written_to_a_file(tmp_path: Path):
    out_file = tmp_path / "licences.json"
    out = run("licenses", "--kind", "restricted-model", "-f", "json", "-o", str(out_file))
    assert out.returncode == 0, out.stderr
    doc = json.loads(out_file.read_text(encoding="utf-8"))
    assert doc["licenses"] and {e["kind"] for e in doc["licenses"]} == {"restricted-model"}


def test_output_into_a_missing_folder_is_a_one_line_error(tmp_path: Path):
    target = tmp_path / "no" / "such" / "report.json"
    line = one_line_error(run("license", str(LLAMA_31), "-f", "json", "-o", str(target)))
    assert "does not exist" in line


def test_output_onto_a_directory_is_a_one_line_error(tmp_path: Path):
    line = one_line_error(run("check", "gpt-4o", "--offline", "-o", str(tmp_path)))
    assert "is a directory" in line


def test_inventory_into_a_missing_folder_is_a_one_line_error(tmp_path: Path):
    code = tmp_path / "app.py"
    code.write_text('pipe = pipeline("text-generation", model="gpt2")\n', encoding="utf-8")
    line = one_line_error(
        run("scan-code", str(code), "--write-inventory", str(tmp_path / "nope" / "inv.yaml"))
    )
    assert "does not exist" in line


def test_openness_reports_each_unreadable_input_on_stderr(tmp_path: Path):
    broken = tmp_path / "model.yml"
    broken.write_text("framework:\n  name: [unclosed\n", encoding="utf-8")
    out = run("openness", str(broken), str(tmp_path / "missing.yml"), "-f", "json")
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 2 and "model.yml" in lines[0] and "missing.yml" in lines[1]
    assert all(r["error"] for r in json.loads(out.stdout)["results"])


@pytest.mark.parametrize(
    "name,text",
    [
        (".smallprint.yaml", "default_profile: commercial-saas\nfail_on: needs-agreement\n"),
        ("smallprint.toml", 'default_profile = "commercial-saas"\nfail_on = "needs-agreement"\n'),
    ],
)
def test_policy_found_in_the_project_applies_its_gate(tmp_path: Path, name: str, text: str):
    (tmp_path / name).write_text(text, encoding="utf-8")
    model = tmp_path / "nc-model"
    model.mkdir()
    (model / "README.md").write_text(NC_CARD, encoding="utf-8")
    out = run("check", "nc-model", "--offline", "-f", "json", cwd=tmp_path)
    assert json.loads(out.stdout)["results"][0]["verdict"]["verdict"] == "blocked"
    assert out.returncode == 1, out.stderr


def test_fail_on_flag_overrides_the_policy_gate(tmp_path: Path):
    (tmp_path / ".smallprint.yaml").write_text(
        "default_profile: commercial-saas\nfail_on: conditions\n", encoding="utf-8"
    )
    args = ("check", "meta-llama/Llama-3.1-8B-Instruct", "--offline", "-f", "json")
    gated = run(*args, cwd=tmp_path)
    assert json.loads(gated.stdout)["results"][0]["verdict"]["verdict"] == "conditions"
    assert gated.returncode == 1
    assert run(*args, "--fail-on", "blocked", cwd=tmp_path).returncode == 0


def test_a_mistyped_fail_on_is_refused_before_any_model_is_checked():
    line = one_line_error(run("check", "meta-llama/Llama-3.1-8B", "--offline", "--fail-on", "block"))
    assert "blocked" in line


def test_scan_code_refuses_a_mistyped_inventory_preset_before_writing(tmp_path: Path):
    code = tmp_path / "app.py"
    code.write_text('pipe = pipeline("text-generation", model="gpt2")\n', encoding="utf-8")
    inventory = tmp_path / "inventory.yaml"
    line = one_line_error(
        run("scan-code", str(code), "--use", "comercial-saas", "--write-inventory", str(inventory))
    )
    assert "commercial-saas" in line and not inventory.exists()


README = Path(__file__).parents[2] / "README.md"


def _readme_command_lines() -> list[list[str]]:
    """Every `$ smallprint ...` example and CI `smallprint ...` step in the README, as words."""
    import shlex

    lines = []
    for raw in README.read_text(encoding="utf-8").splitlines():
        text = raw.split("#", 1)[0].strip()
        for prefix in ("$ smallprint ", "- run: smallprint "):
            if text.startswith(prefix):
                lines.append(shlex.split(text[len(prefix) :]))
    return lines


def test_every_command_and_option_the_readme_shows_exists():
    import typer

    from smallprint.cli import app

    group = typer.main.get_command(app)
    commands = group.commands  # type: ignore[attr-defined]
    examples = _readme_command_lines()
    assert len(examples) >= 15
    for words in examples:
        name, *rest = words
        assert name in commands, f"README shows 'smallprint {name}', which does not exist"
        command = commands[name]
        if hasattr(command, "commands"):  # a command group (`watch run ...`): its sub-command
            sub, *rest = rest
            assert sub in command.commands, f"README shows 'smallprint {name} {sub}', which does not exist"
            name, command = f"{name} {sub}", command.commands[sub]
        known = {opt for p in command.params for opt in (*p.opts, *p.secondary_opts)}
        for w in rest:
            if w.startswith("-") and w not in ("-", "..."):
                assert w in known, f"README shows 'smallprint {name} ... {w}', an unknown option"


def test_models_and_an_inventory_together_are_refused_not_half_ignored(tmp_path: Path):
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(
        "schema: smallprint/inventory/1\nproducts:\n  - name: bot\n    models: [gpt-4o]\n",
        encoding="utf-8",
    )
    line = one_line_error(run("check", "meta-llama/Llama-3.1-8B", "--inventory", str(inventory)))
    assert "not both" in line


def test_a_gate_without_a_profile_judges_under_commercial_saas_and_can_trip(tmp_path: Path):
    model = tmp_path / "nc-model"
    model.mkdir()
    (model / "README.md").write_text(NC_CARD, encoding="utf-8")
    out = run("check", "nc-model", "--offline", "--fail-on", "blocked", "-f", "json", cwd=tmp_path)
    verdict = json.loads(out.stdout)["results"][0]["verdict"]
    assert verdict["verdict"] == "blocked" and verdict["profile"] == "commercial-saas"
    assert out.returncode == 1
    assert "judged under commercial-saas" in out.stderr


def test_a_tripped_gate_names_the_results_on_stderr():
    out = run("check", "meta-llama/Meta-Llama-3-8B", "--offline", "--use", "distill-own-model",
              "--fail-on", "blocked", "-f", "json")
    assert out.returncode == 1
    (line,) = [x for x in out.stderr.splitlines() if "gate:" in x]
    assert "meta-llama/Meta-Llama-3-8B (blocked)" in line and "--fail-on blocked" in line


def test_diff_of_identical_licences_says_none_instead_of_an_empty_table():
    from io import StringIO

    from rich.console import Console

    from smallprint.api import diff
    from smallprint.reports.diff_views import render_diff_md, render_diff_table

    d = diff("apache-2.0", "Apache-2.0")
    md = render_diff_md(d)
    assert md.count("None.") == 2 and "| term |" not in md
    buf = StringIO()
    render_diff_table(d, Console(file=buf, width=120, color_system=None))
    assert "Terms that differ: none" in buf.getvalue() and "Changed passages: none" in buf.getvalue()


def test_mot_compatible_on_a_model_id_says_it_was_assessed_normalised():
    out = run("openness", "EleutherAI/pythia-1b", "--offline", "--mot-compatible", "-f", "json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["results"][0]["mof"]["mode"] == "normalised"
    assert "EleutherAI/pythia-1b: --mot-compatible applies to Model Openness Tool files only" in out.stderr


def test_version_flag_prints_the_version_and_exits_0():
    from smallprint import __version__

    out = run("--version")
    assert out.returncode == 0 and out.stdout.startswith(f"smallprint {__version__} ")


def test_a_waived_verdict_shows_the_exception_that_waives_it(tmp_path: Path):
    (tmp_path / ".smallprint.yaml").write_text(
        "default_profile: distill-own-model\nfail_on: blocked\nexceptions:\n"
        "  - model: meta-llama/Meta-Llama-3-*\n    reason: signed agreement, ref. LEG-2031\n"
        "    expires: 2099-12-31\n",
        encoding="utf-8",
    )
    out = run("check", "meta-llama/Meta-Llama-3-8B", "--offline", "-f", "md", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "**blocked (waived)**" in out.stdout
    # Markdown-escaped: the glob's * would otherwise start emphasis
    assert "waived by the policy exception for 'meta-llama/Meta-Llama-3-\\*' until 2099-12-31" in out.stdout
    assert "LEG-2031" in out.stdout
