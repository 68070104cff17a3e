"""`compare`: open and closed models side by side, in every format, each answer from `check`."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from smallprint.cli import app
from smallprint.selection.compare import compare

MODELS = ["meta-llama/Llama-3.1-8B-Instruct", "gpt-4o", "Qwen/Qwen2.5-7B-Instruct", "CohereLabs/c4ai-command-a-03-2025"]


def test_rows_pick_the_answers_out_of_check() -> None:
    c = compare(MODELS, preset="commercial-saas", offline=True)
    cols = {col.model_id: col for col in c.columns}
    llama = cols["meta-llama/Llama-3.1-8B-Instruct"].cells
    assert llama["licence"].value.startswith("llama3.1 v3.1")
    assert llama["user-threshold"].detail == 700_000_000 and llama["user-threshold"].clause
    assert llama["derivative-naming"].value == "Llama" and "Built with Llama" in llama["attribution-display"].value
    assert llama["lineage-roots"].value.startswith("meta-llama/Llama-3.1-8B")
    assert llama["verdict"].value.startswith("conditions")
    gpt = cols["openai/gpt-4o"]
    assert gpt.closed and gpt.cells["openness"].value.startswith("closed")
    assert cols["Qwen/Qwen2.5-7B-Instruct"].cells["verdict"].value == "allowed"
    assert cols["CohereLabs/c4ai-command-a-03-2025"].cells["verdict"].value.startswith("blocked")
    assert "Cohere" in cols["CohereLabs/c4ai-command-a-03-2025"].cells["sustainability"].value


def test_every_format(tmp_path: Path) -> None:
    runner = CliRunner()
    outputs = {}
    for fmt in ("table", "md", "html", "json"):
        out = tmp_path / f"c.{fmt}"
        res = runner.invoke(app, ["compare", *MODELS, "--offline", "--use", "distill-own-model", "-f", fmt, "-o", str(out)])
        assert res.exit_code == 0, res.output
        outputs[fmt] = out.read_text(encoding="utf-8")
    doc = json.loads(outputs["json"])
    assert doc["schema"] == "smallprint/compare/1" and doc["profile"] == "distill-own-model"
    assert [m["model_id"] for m in doc["models"]][1] == "openai/gpt-4o"
    assert {r["key"] for r in doc["rows"]} >= {"no-training-other-models", "geographic", "field-of-use"}
    assert "| commercial use |" in outputs["md"] and "`openai/gpt-4o (closed, API)`" in outputs["md"]
    assert outputs["html"].startswith("<!DOCTYPE html>") and "<script" not in outputs["html"]
    assert "openai/gpt-4o (closed, API)" in outputs["html"]
    assert "commercial use" in outputs["table"] and "openai/gpt-4o" in outputs["table"]


def test_input_text_is_escaped_in_markdown_and_html(tmp_path: Path) -> None:
    folder = tmp_path / "evil"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: apache-2.0\nbase_model: mistralai/Mistral-7B-v0.1\n---\n"
                                      "# <script>alert(1)</script> | pipe\n", encoding="utf-8")
    runner = CliRunner()
    for fmt in ("md", "html"):
        res = runner.invoke(app, ["compare", str(folder), "gpt-4o", "--offline", "-f", fmt])
        assert res.exit_code == 0, res.output
        assert "<script>" not in res.stdout


def test_a_model_that_cannot_be_read_is_a_column_error_and_exit_2() -> None:
    res = CliRunner().invoke(app, ["compare", "gpt-4o", "nobody/not-a-model", "--offline", "-f", "json"])
    assert res.exit_code == 2
    doc = json.loads(res.stdout)
    assert doc["models"][1]["error"]
