"""`smallprint check --decisions URL|DB`, `smallprint audit-trail verify`, `serve --create-admin`."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from review_app import Live, World

MODEL = "meta-llama/Llama-3.3-70B-Instruct"


@dataclass
class Run:
    exit_code: int
    output: str


def _cli(*args: str, env: dict[str, str] | None = None) -> Run:
    """The real entry point (one-line errors, exit codes), in this process."""
    import contextlib
    import io
    import os
    import sys
    from unittest import mock

    from smallprint.cli import main

    out = io.StringIO()
    code = 0
    with mock.patch.dict(os.environ, env or {}), mock.patch.object(sys, "argv", ["smallprint", *args]), \
            contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            main()
        except SystemExit as e:
            code = int(e.code or 0)
    return Run(code, out.getvalue())


def _grant_exception(w: World, model: str, profile: str, days: int) -> int:
    rid = w.client("reviewer").post("/api/v1/check", json={"target": model, "profile": profile}).json()["reviews"][0]["id"]
    r = w.client("approver").post(f"/api/v1/reviews/{rid}/decision", json={
        "state": "exception", "reason": "agreement LEG-7", "expires": (dt.date.today() + dt.timedelta(days=days)).isoformat()})
    assert r.status_code == 200, r.text
    return int(rid)


def test_an_approved_exception_waives_the_gate_like_a_policy_exception(sqlite_world: World) -> None:
    from smallprint.pipeline.run import CheckRequest, run_check

    req = CheckRequest(targets=["openai/gpt-4o"], offline=True, preset="distill-own-model", fail_on="needs-agreement")
    plain = run_check(req)
    assert plain.exit_code == 1, "the model trips this gate without a decision"
    rid = _grant_exception(sqlite_world, "openai/gpt-4o", "distill-own-model", 30)
    req.decisions = sqlite_world.db
    waived = run_check(req)
    assert waived.exit_code == 0
    v = waived.results[0].verdict
    assert v["waived"] is True and v["exception"]["review"] == rid and v["exception"]["reason"] == "agreement LEG-7"
    # the same exception does not cover another use profile
    other = run_check(CheckRequest(targets=["openai/gpt-4o"], offline=True, preset="commercial-saas",
                                   fail_on="conditions", decisions=sqlite_world.db))
    assert other.exit_code == 1 and not other.results[0].verdict.get("waived")


def test_expired_and_stale_exceptions_do_not_apply() -> None:
    from smallprint.pipeline.check import check_targets
    from smallprint.policy.file import judge_results
    from smallprint.policy.profiles import resolve_profile
    from smallprint.reviews import apply_decisions, licence_text_hash

    results = check_targets(["openai/gpt-4o"], offline=True)
    judge_results(results, resolve_profile("distill-own-model"))
    r = results[0]
    base = {"id": 9, "model_id": "openai/gpt-4o", "revision": "", "profile": "distill-own-model",
            "text_hash": licence_text_hash(r), "reason": "old deal"}
    apply_decisions(results, [{**base, "expires": "2020-01-01"}], "test")
    assert not r.verdict.get("waived") and any(f.code == "policy-exception-expired" for f in r.findings)
    apply_decisions(results, [{**base, "text_hash": "0" * 64, "expires": "2999-01-01"}], "test")
    assert not r.verdict.get("waived") and any(f.code == "decision-stale" for f in r.findings)
    apply_decisions(results, [{**base, "expires": "2999-01-01"}], "test")
    assert r.verdict["waived"] is True


def test_check_decisions_from_a_running_server(live: Live, tmp_path: Path) -> None:
    _grant_exception(live.world, "mistralai/Codestral-22B-v0.1", "commercial-saas", 30)
    out = tmp_path / "r.json"
    args = ["check", "mistralai/Codestral-22B-v0.1", "--offline", "--use", "commercial-saas", "--fail-on",
            "unclear", "--decisions", live.url, "-f", "json", "-o", str(out)]
    refused = _cli(*args, env={"SMALLPRINT_TOKEN": "sp_wrong"})
    assert refused.exit_code == 2 and "SMALLPRINT_TOKEN" in refused.output
    ok = _cli(*args, env={"SMALLPRINT_TOKEN": live.world.tokens["viewer"]})
    assert ok.exit_code == 0, ok.output
    assert json.loads(out.read_text())["results"][0]["verdict"]["waived"] is True
    missing = _cli("check", "openai/gpt-4o", "--offline", "--decisions", str(tmp_path / "nope.db"))
    assert missing.exit_code == 2 and "no store at" in missing.output and missing.output.count("\n") == 1


def test_audit_trail_verify_detects_tampering(tmp_path: Path) -> None:
    from review_app import make_world
    from sqlalchemy import text

    w = make_world(None, tmp_path / "data")
    try:
        _grant_exception(w, "openai/gpt-4o", "commercial-saas", 5)
        ok = _cli("audit-trail", "verify", "--data", str(w.data_dir))
        assert ok.exit_code == 0 and "intact" in ok.output
        exported = _cli("audit-trail", "export", "--data", str(w.data_dir), "-f", "json")
        assert json.loads(exported.output)["schema"] == "smallprint/audit/1"
        with w.app.state.engine.begin() as c:  # an attacker with the database file drops the guard
            c.execute(text("DROP TRIGGER sp_audit_no_update"))
            c.execute(text("UPDATE sp_audit_log SET actor = 'mallory' WHERE seq = 3"))
        bad = _cli("audit-trail", "verify", "--data", str(w.data_dir))
        assert bad.exit_code == 1 and "entry 3" in bad.output
    finally:
        w.app.state.engine.dispose()


def test_serve_create_admin_from_the_environment(tmp_path: Path) -> None:
    env = {"SMALLPRINT_ADMIN": "root-admin", "SMALLPRINT_ADMIN_PASSWORD": "a long enough password"}
    r = _cli("serve", "--data", str(tmp_path), "--create-admin", env=env)
    assert r.exit_code == 0 and "created" in r.output
    again = _cli("serve", "--data", str(tmp_path), "--create-admin", env=env)
    assert again.exit_code == 0 and "already exists" in again.output
    short = _cli("serve", "--data", str(tmp_path / "b"), "--create-admin",
                 env={"SMALLPRINT_ADMIN_PASSWORD": "short"})
    assert short.exit_code != 0


@pytest.mark.parametrize("bad", ["postgresql://nobody@127.0.0.1:1/none"])
def test_decisions_from_a_database_that_is_down_is_one_line(bad: str) -> None:
    r = _cli("check", "openai/gpt-4o", "--offline", "--decisions", bad)
    assert r.exit_code == 2 and r.output.count("\n") == 1 and "Traceback" not in r.output
