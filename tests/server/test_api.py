"""The JSON API against the real app, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt

from review_app import World

MODEL = "meta-llama/Llama-3.1-8B-Instruct"


def _check(w: World, target: str = MODEL, profile: str = "commercial-saas") -> dict:
    r = w.client("reviewer").post("/api/v1/check", json={"target": target, "profile": profile})
    assert r.status_code == 200, r.text
    return r.json()


def test_check_opens_a_review_keyed_by_model_revision_text_and_profile(world: World) -> None:
    doc = _check(world)
    assert doc["schema"] == "smallprint/check/1"
    res = doc["results"][0]
    assert [m["id"] for m in res["license"]["licenses"]] == ["llama3.1"]
    assert res["verdict"]["profile"] == "commercial-saas"
    rv = doc["reviews"][0]
    assert rv["state"] == "to-review" and rv["model_id"] == MODEL and len(rv["text_hash"]) == 64
    assert rv["duties"], "the verdict's duties become the review's checklist"
    again = _check(world)
    assert again["reused"] == [True] and again["reviews"][0]["id"] == rv["id"]
    other = _check(world, profile="internal-research")
    assert other["reviews"][0]["id"] != rv["id"]


def test_decisions_follow_roles_and_rules(world: World) -> None:
    rid = _check(world)["reviews"][0]["id"]
    url = f"/api/v1/reviews/{rid}/decision"
    assert world.client().post(url, json={"state": "approved"}).status_code == 401
    assert world.client("viewer").post(url, json={"state": "needs-legal"}).status_code == 403
    assert world.client("reviewer").post(url, json={"state": "approved"}).status_code == 403
    r = world.client("reviewer").post(url, json={"state": "rejected"})
    assert r.status_code == 400 and "reason" in r.json()["detail"]
    r = world.client("approver").post(url, json={"state": "exception", "reason": "contract LEG-1"})
    assert r.status_code == 400 and "expiry" in r.json()["detail"]
    r = world.client("approver").post(url, json={
        "state": "approved-with-duties", "reason": "ok with duties", "public_note": "see duties",
        "private_comment": "counsel says fine",
        "duties": [{"duty": "show Built with Llama", "done": False}]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["state"] == "approved-with-duties" and body["reviewer"] == "approver"
    assert body["duties"] == [{"duty": "show Built with Llama", "done": False}]
    r = world.client("reviewer").post(f"/api/v1/reviews/{rid}/duties/0?done=true")
    assert r.status_code == 200 and r.json()["duties"][0]["done"] is True
    detail = world.client("reviewer").get(f"/api/v1/reviews/{rid}").json()
    assert [d["state"] for d in detail["decisions"]][-1] == "approved-with-duties"


def test_no_endpoint_shows_private_comments_to_a_viewer(world: World) -> None:
    rid = _check(world, "gpt-4o")["reviews"][0]["id"]
    secret = "PRIVATE-" + str(rid) + "-do-not-show"
    r = world.client("approver").post(f"/api/v1/reviews/{rid}/decision", json={
        "state": "needs-legal", "reason": "ask counsel", "private_comment": secret})
    assert r.status_code == 200
    viewer = world.client("viewer")
    for path in (f"/api/v1/reviews/{rid}", "/api/v1/reviews", "/api/v1/models/gpt-4o", "/api/v1/audit",
                 "/api/v1/audit/export.csv", "/api/v1/portfolio", "/models/gpt-4o", "/audit", "/audit/export.csv",
                 "/audit/export.json", "/audit/signoff", "/reviews"):
        resp = viewer.get(path)
        assert resp.status_code == 200, path
        assert secret not in resp.text, path
    assert secret in world.client("reviewer").get(f"/api/v1/reviews/{rid}").text


def test_bulk_decision_by_licence_and_reopen_by_the_watch(world: World) -> None:
    from smallprint.reviews import on_watch_change

    ids = [_check(world, m, "internal-research")["reviews"][0]["id"]
           for m in ("mistralai/Mistral-7B-v0.1", "Qwen/Qwen2.5-7B-Instruct")]
    r = world.client("reviewer").post("/api/v1/reviews/bulk", json={"license": "apache-2.0", "state": "approved"})
    assert r.status_code == 403
    r = world.client("approver").post("/api/v1/reviews/bulk", json={
        "license": "apache-2.0", "profile": "internal-research", "state": "approved", "reason": "Apache for research"})
    assert r.status_code == 200, r.text
    assert set(ids) <= set(r.json()["reviews"])
    got = world.client("viewer").get(f"/api/v1/reviews/{ids[0]}").json()
    assert got["state"] == "approved" and got["reason"] == "Apache for research"
    assert on_watch_change(world.app.state.engine, "mistralai/Mistral-7B-v0.1", ["card"]) == []
    reopened = on_watch_change(world.app.state.engine, "mistralai/Mistral-7B-v0.1", ["license"], "apache-2.0 -> mit")
    assert ids[0] in reopened
    got = world.client("viewer").get(f"/api/v1/reviews/{ids[0]}").json()
    assert got["state"] == "to-review" and "license" in got["reopened_because"]


def test_audit_trail_records_every_change_and_verifies(world: World) -> None:
    rid = _check(world, "google/gemma-2-9b-it")["reviews"][0]["id"]
    world.client("approver").post(f"/api/v1/reviews/{rid}/decision", json={"state": "rejected", "reason": "Gemma terms"})
    trail = world.client("reviewer").get("/api/v1/audit?limit=5000").json()
    assert trail["schema"] == "smallprint/audit/1"
    mine = [e for e in trail["entries"] if e["object_id"] == str(rid)]
    assert [e["action"] for e in mine][:2] == ["review-opened", "decision"]
    assert mine[1]["actor"] == "approver" and mine[1]["before"]["state"] == "to-review"
    assert mine[1]["after"]["state"] == "rejected"
    seqs = [e["seq"] for e in trail["entries"]]
    assert seqs == sorted(seqs) and all(b["prev_hash"] == a["hash"] for a, b in zip(trail["entries"], trail["entries"][1:], strict=False))
    v = world.client("viewer").get("/api/v1/audit/verify").json()
    assert v["ok"] is True and v["entries"] == trail["total"]


def test_audit_trail_refuses_updates_and_deletes_in_the_database(world: World) -> None:
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    eng = world.app.state.engine
    for stmt in ("UPDATE sp_audit_log SET actor = 'mallory' WHERE seq = 1", "DELETE FROM sp_audit_log WHERE seq = 1"):
        with pytest.raises(DBAPIError, match="append-only"):
            with eng.begin() as c:
                c.execute(text(stmt))


def test_exceptions_endpoint_lists_unexpired_and_expired_exceptions(world: World) -> None:
    rid = _check(world, "deepseek-ai/DeepSeek-R1")["reviews"][0]["id"]
    expires = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    r = world.client("approver").post(f"/api/v1/reviews/{rid}/decision", json={
        "state": "exception", "reason": "signed agreement", "expires": expires})
    assert r.status_code == 200, r.text
    ex = world.client("viewer").get("/api/v1/decisions/exceptions").json()
    assert any(x["id"] == rid and x["expires"] == expires for x in ex)
    port = world.client("viewer").get("/api/v1/portfolio").json()
    assert any(x["id"] == rid for x in port["expiring"])


def test_inventory_feeds_the_portfolio(world: World) -> None:
    inv = ("schema: smallprint/inventory/1\nproducts:\n  - name: support-bot\n    profile: commercial-saas\n"
           "    models:\n      - id: meta-llama/Llama-3.1-8B-Instruct\n      - id: gpt-4o\n")
    r = world.client("reviewer").post("/api/v1/inventories", json={"name": "main", "inventory": inv})
    assert r.status_code == 200, r.text
    p = world.client("viewer").get("/api/v1/portfolio").json()
    prod = next(x for x in p["products"] if x["product"] == "support-bot")
    assert {m["model_id"] for m in prod["models"]} == {"meta-llama/Llama-3.1-8B-Instruct", "openai/gpt-4o"}
    assert all(m["verdict"] for m in prod["models"])
    bad = inv.replace("profile: commercial-saas", "profile: /etc/passwd")
    r = world.client("reviewer").post("/api/v1/inventories", json={"name": "evil", "inventory": bad})
    assert r.status_code == 400


def test_search_licence_and_diff_endpoints(world: World) -> None:
    v = world.client("viewer")
    hits = v.get("/api/v1/search", params={"q": "llama-3.1-8b"}).json()
    assert any(h["model_id"] == MODEL for h in hits["catalog"])
    lic = v.get("/api/v1/licenses/llama3.1").json()
    assert lic["schema"] == "smallprint/explain/1" and lic["license"]["id"] == "llama3.1"
    d = v.get("/api/v1/diff", params={"a": "llama3", "b": "llama3.1"}).json()
    assert "no-training-other-models" in [c["key"] for c in d["changed_terms"]]
    assert v.get("/api/v1/licenses/not-a-licence").status_code == 400
    assert v.get("/api/v1/models/nobody/never-checked").status_code == 404


def test_a_watch_run_that_finds_a_licence_change_reopens_the_review(sqlite_world: World) -> None:
    from smallprint.store import open_store
    from smallprint.watch.changes import Change
    from smallprint.watch.runner import ModelOutcome, reopen_reviews

    w = sqlite_world
    rid = _check(w, "microsoft/phi-2", "internal-research")["reviews"][0]["id"]
    w.client("approver").post(f"/api/v1/reviews/{rid}/decision", json={"state": "approved", "reason": "MIT"})
    store = open_store(w.db)
    try:
        moved = ModelOutcome("microsoft/phi-2", "ok", model_id="microsoft/phi-2",
                             changes=[Change("revision-moved", "info", "microsoft/phi-2", "new commit")])
        assert reopen_reviews(store, moved) == []
        changed = ModelOutcome("microsoft/phi-2", "ok", model_id="microsoft/phi-2", changes=[
            Change("license-changed", "error", "microsoft/phi-2", "licence changed from mit to other")])
        assert rid in reopen_reviews(store, changed)
    finally:
        store.close()
    got = w.client("viewer").get(f"/api/v1/reviews/{rid}").json()
    assert got["state"] == "to-review" and "licence changed from mit" in got["reopened_because"]
    entry = w.client("viewer").get("/api/v1/audit?limit=5000").json()["entries"]
    assert any(e["action"] == "reopened" and e["object_id"] == str(rid) and e["actor"] == "watch" for e in entry)


def test_a_catalogued_model_is_checked_under_the_profile_asked_for(world: World) -> None:
    v = world.client("viewer")
    a = v.get("/api/v1/models/microsoft/Phi-3-mini-4k-instruct", params={"profile": "distill-own-model"}).json()
    assert any(c["profile"] == "distill-own-model" for c in a["checked"])
    b = v.get("/api/v1/models/microsoft/Phi-3-mini-4k-instruct", params={"profile": "internal-research"}).json()
    assert [c["profile"] for c in b["checked"]] == ["internal-research"]
    every = v.get("/api/v1/models/microsoft/Phi-3-mini-4k-instruct").json()
    assert {c["profile"] for c in every["checked"]} == {"distill-own-model", "internal-research"}
    page = world.client("viewer").get("/models/microsoft/Phi-3-mini-4k-instruct?profile=internal-research")
    assert "under <code>internal-research</code>" in page.text


def test_concurrent_checks_and_decisions_keep_one_review_and_an_intact_chain(world: World) -> None:
    from concurrent.futures import ThreadPoolExecutor

    model = "Qwen/Qwen2.5-0.5B-Instruct"

    def check(_: int) -> int:
        return int(_check(world, model, "on-prem-product")["reviews"][0]["id"])

    with ThreadPoolExecutor(6) as pool:
        ids = set(pool.map(check, range(6)))
    assert len(ids) == 1
    rid = ids.pop()

    def decide(i: int) -> int:
        return world.client("approver").post(f"/api/v1/reviews/{rid}/decision", json={
            "state": "needs-legal", "reason": f"round {i}"}).status_code

    with ThreadPoolExecutor(6) as pool:
        assert set(pool.map(decide, range(12))) == {200}
    detail = world.client("reviewer").get(f"/api/v1/reviews/{rid}").json()
    assert len(detail["decisions"]) == 12
    assert world.client("viewer").get("/api/v1/audit/verify").json()["ok"] is True
