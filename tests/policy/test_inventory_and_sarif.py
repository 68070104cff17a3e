"""Inventory files (read, written by scan-code, checked) and SARIF 2.1.0 output."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from smallprint.errors import InputError, SourceError
from smallprint.evaluators.policy import evaluate
from smallprint.inventory import (
    dump_inventory,
    inventory_from_scan,
    load_inventory,
    locations_by_target,
)
from smallprint.model import CheckResult, Evidence, Finding, LicenseMatch, LicenseResult
from smallprint.pipeline.run import run_inventory
from smallprint.profiles import load_preset
from smallprint.reports.sarif import to_sarif
from smallprint.scan import scan_code

HERE = Path(__file__).parent
SCHEMA = json.loads((HERE / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
FIXTURE_CODE = HERE.parent / "scan" / "fixtures_code"

INVENTORY = """\
schema: smallprint/inventory/1
products:
  - name: support-bot
    profile: commercial-saas
    models:
      - id: meta-llama/Llama-3.1-8B-Instruct
        locations: [app/chat.py:16]
      - id: gpt-4o
        profile: {commercial: true, deployment: [saas], activities: [inference, distill]}
  - name: research
    profile: internal-research
    models: [meta-llama/Llama-3.1-8B-Instruct]
"""


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "inventory.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_inventory_gives_each_model_its_products_profile(tmp_path: Path):
    inv = load_inventory(_write(tmp_path, INVENTORY))
    assert [(m.id, m.product, m.profile.name) for m in inv.models] == [
        ("meta-llama/Llama-3.1-8B-Instruct", "support-bot", "commercial-saas"),
        ("gpt-4o", "support-bot", "custom"),
        ("meta-llama/Llama-3.1-8B-Instruct", "research", "internal-research"),
    ]
    assert "distill" in inv.models[1].profile.activities
    assert str(locations_by_target(inv.models)["meta-llama/Llama-3.1-8B-Instruct"][0]) == "app/chat.py:16"


@pytest.mark.parametrize(
    ("text", "msg"),
    [
        ("products: [{name: a, models: [{kind: hub}]}]\n", "needs an 'id'"),
        ("products: [{name: a, profile: nope-preset, models: [x/y]}]\n", "unknown profile"),
        ("models: [{id: x/y, locations: [app.py]}]\n", "FILE:LINE"),
        ("schema: smallprint/inventory/9\nmodels: [x/y]\n", "unsupported schema"),
        ("products: []\n", "lists no models"),
        ("- just\n- a list\n", "must be a mapping"),
    ],
)
def test_bad_inventories_give_one_line_errors(tmp_path: Path, text: str, msg: str):
    with pytest.raises(InputError, match=msg):
        load_inventory(_write(tmp_path, text))


def test_scan_code_writes_an_inventory_that_loads_back(tmp_path: Path):
    doc = inventory_from_scan(scan_code(FIXTURE_CODE), product="demo", profile="on-prem-product")
    inv = load_inventory(_write(tmp_path, dump_inventory(doc)))
    ids = {m.id for m in inv.models}
    assert {"meta-llama/Llama-3.1-8B-Instruct", "gpt-4o", "llama3.1:8b", "claude-3-5-sonnet-20241022"} <= ids
    llama = next(m for m in inv.models if m.id == "meta-llama/Llama-3.1-8B-Instruct")
    assert [str(x) for x in llama.locations] == ["app/chat.py:15", "app/chat.py:16"]
    assert all(m.profile.name == "on-prem-product" for m in inv.models)
    assert {"expression": "model_path", "location": "app/chat.py:17", "via": "AutoModelForCausalLM.from_pretrained()"} \
        in yaml.safe_load(dump_inventory(doc))["unresolved"]


def _result(target: str, licence: str, kind: str, terms=()) -> CheckResult:
    m = LicenseMatch(licence, licence, None, None, licence, 1.0, 1, 10, "card", kind)
    return CheckResult(target, target, LicenseResult("LICENSE", [m], list(terms)), terms=list(terms))


def test_the_inventory_runner_judges_each_entry_and_reports_unreadable_models(tmp_path: Path, terms_of, kb):
    inv = load_inventory(_write(tmp_path, INVENTORY))

    def fake_check(target: str) -> CheckResult:
        if target == "gpt-4o":
            raise SourceError("gpt-4o: not reachable")
        return _result(target, "llama3.1", "restricted-model", terms_of("llama3.1"))

    out = run_inventory(inv, kb=kb, check=fake_check)
    assert [r.verdict.verdict for r in out if r.verdict] == ["conditions", "unclear", "conditions"]
    assert out[1].error == "gpt-4o: not reachable"


def _validate(log: dict) -> None:
    jsonschema.Draft4Validator(SCHEMA).validate(log)


def test_sarif_validates_and_points_at_the_code(terms_of, kb):
    res = _result("meta-llama/Llama-3.2-11B-Vision-Instruct", "llama3.2", "restricted-model", terms_of("llama3.2"))
    prof = load_preset("commercial-saas").__class__(name="eu", regions=("EU",))
    res.verdict = evaluate(res.terms, ["llama3.2"], prof, kb, multimodal=True).to_dict()
    res.findings.append(Finding("gated", "info", "The model is gated.", [Evidence("README.md", 3, 3, "gated: true")]))
    refs = {res.target: [type("Loc", (), {"file": "config/models.json", "line": 4})(),
                         type("Loc", (), {"file": "app/vision.py", "line": 9})()]}
    log = to_sarif([res], refs, fallback_uri="inventory.yaml")
    _validate(log)
    results = log["runs"][0]["results"]
    assert results[0]["ruleId"] == "verdict/blocked" and results[0]["level"] == "error"
    loc = results[0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "config/models.json" and loc["region"]["startLine"] == 4
    assert results[0]["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app/vision.py"
    assert results[1]["ruleId"] == "finding/gated"
    assert results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "config/models.json"


def test_sarif_skips_allowed_marks_waived_and_falls_back_to_the_inventory(terms_of, kb):
    ok = _result("org/apache-model", "apache-2.0", "osi-code", terms_of("apache-2.0"))
    ok.verdict = evaluate(ok.terms, ["apache-2.0"], load_preset("internal-research"), kb).to_dict()
    waived = _result("org/nc-model", "cc-by-nc-4.0", "non-commercial", terms_of("cc-by-nc-4.0"))
    waived.verdict = dict(evaluate(waived.terms, ["cc-by-nc-4.0"], load_preset("commercial-saas"), kb).to_dict(),
                          waived=True, exception={"model": "org/nc-model", "reason": "licensed", "expires": "2030-01-01"})
    log = to_sarif([ok, waived], {}, fallback_uri="inventory.yaml")
    _validate(log)
    (only,) = log["runs"][0]["results"]
    assert only["level"] == "note" and only["suppressions"][0]["justification"] == "licensed"
    assert only["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "inventory.yaml"


def test_empty_sarif_log_is_valid():
    _validate(to_sarif([]))
