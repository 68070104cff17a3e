"""`choose`: the established licences a release may take, on derivatives of Llama, Gemma, Qwen,
Mistral and OpenRAIL bases and on models trained on non-commercial data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import write_card
from smallprint.cli import app
from smallprint.errors import InputError
from smallprint.kb import KB_DIR
from smallprint.selection.choose import Choice, choose


def _status(c: Choice) -> dict[str, str]:
    return {o.id: o.status for o in c.options}


def test_llama_31_derivative_stays_under_llama_named_llama_built_with_llama(tmp_path: Path) -> None:
    rel = write_card(tmp_path / "r", "license: llama3.1\nbase_model: meta-llama/Llama-3.1-8B-Instruct")
    c = choose(str(rel), offline=True)
    assert c.recommendation is not None and c.recommendation.id == "llama3.1" and c.recommendation.inherited
    st = _status(c)
    assert st["apache-2.0"] == "may-not" and st["mit"] == "may-not" and st["bigscience-openrail-m"] == "may-not"
    apache = next(o for o in c.options if o.id == "apache-2.0")
    assert "llama3.1" in apache.reasons[0] and apache.clauses and "kb:llama3.1:L" in apache.clauses[0]
    duties = " | ".join(d.duty for d in c.duties)
    assert "'Llama-...'" in duties and "Built with Llama" in duties
    assert all(d.clause for d in c.duties)


def test_llama_derivative_declaring_apache_gets_a_conflict_finding(tmp_path: Path) -> None:
    rel = write_card(tmp_path / "r", "license: apache-2.0\nbase_model: meta-llama/Llama-3.1-8B")
    c = choose(str(rel), offline=True)
    assert c.findings[0].code == "license-conflicts-with-base" and "apache-2.0" in c.findings[0].message


def test_gemma_derivative_keeps_the_gemma_terms(tmp_path: Path) -> None:
    c = choose(str(write_card(tmp_path / "r", "license: gemma\nbase_model: google/gemma-2-2b-it")), offline=True)
    assert c.recommendation is not None and c.recommendation.id == "gemma"
    assert _status(c)["apache-2.0"] == "may-not"
    assert any("use restrictions" in d.duty for d in c.duties)


@pytest.mark.parametrize(("base", "expected"), [
    ("Qwen/Qwen2.5-7B-Instruct", "apache-2.0"),   # Apache-2.0 base: free
    ("Qwen/Qwen2.5-72B-Instruct", "qwen"),         # Qwen licence: inherited
    ("Qwen/Qwen2.5-3B-Instruct", "qwen-research"), # research licence: inherited, no commercial grant
    ("mistralai/Mistral-7B-v0.1", "apache-2.0"),
    ("mistralai/Ministral-8B-Instruct-2410", "mrl"),
])
def test_qwen_and_mistral_bases(tmp_path: Path, base: str, expected: str) -> None:
    c = choose(str(write_card(tmp_path / "r", f"base_model: {base}")), offline=True)
    assert c.recommendation is not None and c.recommendation.id == expected, (c.notes, _status(c))
    if expected == "apache-2.0":
        assert all(s == "may" for s in _status(c).values())
        assert any("licence and notices" in d.duty for d in c.duties)
    else:
        assert _status(c)["apache-2.0"] == "may-not"


def test_openrail_base_lets_use_restrictions_travel_under_openrail_m(tmp_path: Path) -> None:
    rel = write_card(tmp_path / "r", "license: creativeml-openrail-m\nbase_model: stable-diffusion-v1-5/stable-diffusion-v1-5")
    c = choose(str(rel), goal="responsible-use", offline=True)
    st = _status(c)
    assert c.recommendation is not None and c.recommendation.id == "bigscience-openrail-m"
    assert st["apache-2.0"] == "may-not" and st["mit"] == "may-not" and st["creativeml-openrail-m"] == "may"
    openrail = next(o for o in c.options if o.id == "bigscience-openrail-m")
    assert any("use restrictions" in r for r in openrail.reasons)
    permissive = choose(str(rel), offline=True)
    assert permissive.recommendation is not None and permissive.recommendation.id == "creativeml-openrail-m"
    assert any("cannot be met" in n for n in permissive.notes)


def test_non_commercial_training_data_rules_out_a_commercial_grant(tmp_path: Path) -> None:
    rel = write_card(tmp_path / "r", "license: apache-2.0\nbase_model: mistralai/Mistral-7B-v0.1\ndatasets:\n- tatsu-lab/alpaca")
    c = choose(str(rel), offline=True)
    st = _status(c)
    assert st["cc-by-nc-4.0"] == "may" and st["apache-2.0"] == "may-not" and st["cc-by-4.0"] == "may-not"
    assert c.recommendation is not None and c.recommendation.id == "cc-by-nc-4.0"
    assert any(f.code == "license-conflicts-with-base" for f in c.findings)
    assert any(f.code == "noncommercial-data" for f in c.findings)
    assert any(x.kind == "no-commercial" and x.source == "data:tatsu-lab/alpaca" and x.clause for x in c.constraints)


def test_an_edited_copy_of_a_known_licence_is_a_custom_licence(tmp_path: Path) -> None:
    text = (KB_DIR / "texts" / "apache-2.0.txt").read_text(encoding="utf-8")
    edited = text.replace("copyright license to reproduce", "copyright license, for non-commercial purposes only, to reproduce", 1)
    assert edited != text
    rel = write_card(tmp_path / "r", "license: apache-2.0\nbase_model: mistralai/Mistral-7B-v0.1", files={"LICENSE": edited})
    c = choose(str(rel), offline=True)
    f = next(f for f in c.findings if f.code == "custom-license")
    assert "edited copy of apache-2.0" in f.message and "commercial-use" in f.message and f.evidence


def test_an_unknown_licence_text_names_the_closest_established_licence(tmp_path: Path) -> None:
    custom = ("Acme Model License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy of this "
              "model, to use, copy, modify and distribute it, for non-commercial purposes only.\n\nThe above copyright "
              "notice shall be included in all copies.\n\nTHE MODEL IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND.\n")
    rel = write_card(tmp_path / "r", "license: other\nlicense_name: acme\nbase_model: mistralai/Mistral-7B-v0.1",
                     files={"LICENSE": custom})
    c = choose(str(rel), offline=True)
    f = next(f for f in c.findings if f.code == "custom-license")
    assert "does not know" in f.message and "Closest established licence:" in f.message


def test_osaid_checklist_and_the_mof_class_a_permissive_release_would_reach(tmp_path: Path) -> None:
    c = choose(str(write_card(tmp_path / "r", "license: apache-2.0\nbase_model: mistralai/Mistral-7B-v0.1")), offline=True)
    parts = {i["component"]: i for i in c.checklist}
    assert parts["Model parameters (Final)"]["publish_under"] == "apache-2.0"  # the card alone: weights still to publish
    assert parts["Training code"]["publish_under"] == "Apache-2.0"
    assert c.mof_with_checklist is not None and c.mof_with_checklist >= 1 and c.osaid_with_checklist == "open-source-ai"
    restricted = choose(str(write_card(tmp_path / "g", "base_model: google/gemma-2-2b-it")), offline=True)
    assert restricted.osaid_with_checklist != "open-source-ai"


def test_bad_goal_and_every_format(tmp_path: Path) -> None:
    rel = write_card(tmp_path / "r", "license: llama3.1\nbase_model: meta-llama/Llama-3.1-8B-Instruct")
    with pytest.raises(InputError):
        choose(str(rel), goal="anything-goes")
    runner = CliRunner()
    for fmt in ("table", "md", "html", "json"):
        res = runner.invoke(app, ["choose", str(rel), "--offline", "-f", fmt])
        assert res.exit_code == 0, res.output
    doc = json.loads(runner.invoke(app, ["choose", str(rel), "--offline", "-f", "json"]).stdout)
    assert doc["schema"] == "smallprint/choose/1" and doc["recommendation"]["id"] == "llama3.1"
    assert {o["id"] for o in doc["may_not"]} >= {"apache-2.0", "mit", "bsd-3-clause", "openmdw-1.0"}
    res = runner.invoke(app, ["choose", str(rel), "--goal", "anything", "--offline"])
    assert res.exit_code == 2


def test_a_llama_derivative_trained_on_non_commercial_data_is_left_to_a_reader(tmp_path: Path) -> None:
    rel = write_card(tmp_path / "r", "license: llama3.1\nbase_model: meta-llama/Llama-3.1-8B-Instruct\n"
                     "datasets:\n- HuggingFaceH4/no_robots")
    c = choose(str(rel), offline=True)
    st = _status(c)
    assert c.recommendation is None and st["llama3.1"] == "unclear"
    assert st["apache-2.0"] == "may-not" and st["cc-by-nc-4.0"] == "may-not"
    assert any("non-commercial restriction" in n for n in c.notes)
