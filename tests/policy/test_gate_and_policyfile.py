"""The CI gate's exit codes and the organisation policy file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from smallprint.errors import InputError
from smallprint.evaluators.policy import Verdict
from smallprint.gate import exit_code, failing, parse_fail_on
from smallprint.policyfile import (
    LicenceRef,
    apply_policy,
    find_policy_file,
    load_policy,
    outcome_to_verdict_dict,
    policy_profile,
)


@pytest.mark.parametrize(
    ("verdicts", "fail_on", "code"),
    [
        (["allowed", "conditions"], "unclear", 0),
        (["allowed", "unclear"], "unclear", 1),
        (["unclear"], "needs-agreement", 0),
        (["needs-agreement"], "needs-agreement", 1),
        (["blocked"], "needs-agreement", 1),
        (["needs-agreement"], "blocked", 0),
        (["conditions"], "conditions", 1),
        (["blocked"], None, 0),
    ],
)
def test_gate_exit_code_follows_the_order(verdicts, fail_on, code):
    assert exit_code(verdicts, fail_on) == code


def test_gate_reads_check_result_dicts_and_waivers():
    results = [
        {"target": "a", "verdict": {"verdict": "blocked", "waived": True}},
        {"target": "b", "verdict": {"verdict": "unclear"}},
        {"target": "c", "error": "hub unreachable"},
    ]
    assert [i.target for i in failing(results, "unclear")] == ["b", "c"]
    assert exit_code(results, "blocked") == 0


def test_unknown_fail_on_is_an_input_error():
    with pytest.raises(InputError, match="--fail-on"):
        parse_fail_on("blockd")


TOML = """\
[policy]
default_profile = "commercial-saas"
fail_on = "needs-agreement"
allow = ["osi-code", "open-weights", "llama3.1"]
deny = ["non-commercial", "agpl-3.0"]

[profile]
monthly_active_users = 250000

[[exceptions]]
model = "meta-llama/Llama-3.1-*"
reason = "Signed agreement, ref. LEG-142"
expires = 2030-06-30

[[exceptions]]
model = "org/old-model"
reason = "Trial"
expires = 2020-01-01
"""


@pytest.fixture
def policy_path(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    p = tmp_path / "smallprint.toml"
    p.write_text(TOML, encoding="utf-8")
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    return p


def test_policy_file_is_found_from_a_subdirectory(policy_path: Path):
    assert find_policy_file(policy_path.parent / "src" / "pkg") == policy_path


def test_policy_file_loads_profile_and_gate_level(policy_path: Path):
    pol = load_policy(policy_path)
    assert pol.fail_on == "needs-agreement"
    prof = policy_profile(pol)
    assert prof is not None and prof.monthly_active_users == 250000 and prof.deployment == ("saas",)


def test_denied_licence_kind_blocks_with_the_policy_line(policy_path: Path):
    pol = load_policy(policy_path)
    out = apply_policy(Verdict("allowed", "p"), [LicenceRef("cc-by-nc-4.0", "non-commercial")], pol, ["x/y"])
    assert out.verdict.verdict == "blocked"
    ev = out.verdict.reasons[0].evidence[0]
    assert ev.file == str(policy_path) and ev.start_line == 5


def test_licence_off_the_allow_list_needs_review(policy_path: Path):
    pol = load_policy(policy_path)
    out = apply_policy(Verdict("allowed", "p"), [LicenceRef("gemma", "restricted-model", "gemma")], pol)
    assert out.verdict.verdict == "unclear"


def test_policy_never_loosens_a_verdict(policy_path: Path):
    pol = load_policy(policy_path)
    out = apply_policy(Verdict("needs-agreement", "p"), [LicenceRef("llama3.1", "restricted-model")], pol)
    assert out.verdict.verdict == "needs-agreement"


def test_live_exception_waives_and_expired_one_is_a_finding(policy_path: Path):
    pol = load_policy(policy_path)
    today = dt.date(2026, 1, 1)
    live = apply_policy(Verdict("blocked", "p"), [], pol, ["meta-llama/Llama-3.1-8B"], today)
    assert live.waived_by is not None and outcome_to_verdict_dict(live)["waived"] is True
    assert exit_code([{"verdict": outcome_to_verdict_dict(live)}], "blocked") == 0
    old = apply_policy(Verdict("blocked", "p"), [], pol, ["org/old-model"], today)
    assert old.waived_by is None
    assert old.findings[0].code == "policy-exception-expired" and old.findings[0].evidence


def test_yaml_policy_with_same_keys(tmp_path: Path):
    p = tmp_path / ".smallprint.yaml"
    p.write_text("default_profile: internal-research\ndeny: [research-only]\n", encoding="utf-8")
    pol = load_policy(p)
    assert pol.deny == ("research-only",) and pol.fail_on == "unclear"


@pytest.mark.parametrize(
    ("text", "msg"),
    [
        ("fail_on = 'sometimes'\n", "fail_on: unknown level 'sometimes'"),
        ("alow = ['mit']\n", "unknown key 'alow'"),
        ("[[exceptions]]\nmodel = 'a/b'\nreason = 'x'\n", "missing 'expires'"),
        ("[[exceptions]]\nmodel = 'a/b'\nreason = 'x'\nexpires = 'soon'\n", "must be a date"),
        ("deny = [\n", "broken TOML"),
    ],
)
def test_bad_policy_files_give_one_line_errors(tmp_path: Path, text: str, msg: str):
    p = tmp_path / "smallprint.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=msg):
        load_policy(p)


def test_judge_results_fills_verdicts_and_denies_inherited_licences(policy_path: Path, terms_of, kb):
    from smallprint.model import CheckResult, LicenseMatch, LicenseResult, LineageNode
    from smallprint.policyfile import judge_results
    from smallprint.profiles import load_preset

    m = LicenseMatch("apache-2.0", "Apache 2.0", "2.0", "Apache-2.0", "apache-2.0", 1.0, 1, 200, "card", "osi-code")
    terms = terms_of("apache-2.0")
    res = CheckResult("org/ft", "org/ft", LicenseResult("LICENSE", [m], terms), terms=terms,
                      lineage=[LineageNode("org/base", "cc-by-nc-4.0", None, "finetune", 1)])
    judge_results([res], load_preset("internal-research"), load_policy(policy_path), kb, dt.date(2026, 1, 1))
    assert res.verdict is not None and res.verdict["verdict"] == "blocked"
    assert "non-commercial" in res.verdict["reasons"][0]["message"]
