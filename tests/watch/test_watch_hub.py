"""The watch on Hub models through the real huggingface_hub client and the stand-in Hub:
one request per unchanged model, new commits, gating, 404, renames, a moved base,
429 with Retry-After, and `smallprint diff MODEL@REV1 MODEL@REV2`."""

from __future__ import annotations

import json

from hub_server import FakeRepo, StandInHub
from smallprint.store import open_store
from smallprint.watch import run_watch
from smallprint.watch.ledger import WatchSpec, add_watches
from smallprint.watch.probe import HubProber
from watch_helpers import licence_text


def repo(repo_id: str, *, license_id: str, text: str | None = None, base: str | None = None,
         sha: str = "1" * 40, extra: dict | None = None) -> FakeRepo:
    meta = {"license": license_id, **({"base_model": base} if base else {}), **(extra or {})}
    front = "".join(f"{k}: {v}\n" for k, v in meta.items())
    files = {"README.md": f"---\n{front}---\n# {repo_id}\n\nA model.\n".encode()}
    if text is not None:
        files["LICENSE"] = text.encode()
    return FakeRepo(repo_id, files, sha=sha, card_data=meta, tags=[f"license:{license_id}"])


def _changes(out) -> list[dict]:  # type: ignore[no-untyped-def]
    return json.loads(out.out)["changes"]


def test_an_unchanged_model_costs_one_request(cli, db, stand_in_hub: StandInHub) -> None:
    for name in ("acme/a", "acme/b", "acme/c"):
        stand_in_hub.add(repo(name, license_id="apache-2.0", text=licence_text("apache-2.0.txt")))
    assert cli("watch", "add", "acme/a", "acme/b", "acme/c").code == 0
    first = cli("watch", "run", "-f", "json")
    assert first.code == 0, first.err
    stand_in_hub.requests.clear()
    second = cli("watch", "run", "-f", "json", "--fail-on-change", "--progress")
    assert "watch run" in second.err and "3/3" in second.err  # the progress bar, on stderr
    assert second.code == 0, second.err
    doc = json.loads(second.out)
    assert doc["run"]["unchanged"] == 3 and doc["run"]["hub_requests"] == 3
    assert sorted(stand_in_hub.requests) == ["GET /api/models/acme/a", "GET /api/models/acme/b", "GET /api/models/acme/c"]


def test_a_new_commit_that_edits_the_licence(cli, db, stand_in_hub: StandInHub) -> None:
    text = licence_text("llama-3.1.txt")
    stand_in_hub.add(repo("acme/bot", license_id="llama3.1", text=text))
    cli("watch", "add", "acme/bot")
    cli("watch", "run")
    edited = text.replace("700 million monthly active users", "70 million monthly active users")
    stand_in_hub.add(repo("acme/bot", license_id="llama3.1", text=edited, sha="2" * 40))
    out = cli("watch", "run", "-f", "json", "--fail-on-change")
    assert out.code == 1, out.err
    lic = next(c for c in _changes(out) if c["code"] == "license-changed")
    assert any("70 million" in p["b"] for p in lic["clauses"]["passages"])
    hist = json.loads(cli("watch", "history", "acme/bot", "-f", "json").out)["history"]
    assert [h["revision"] for h in hist] == ["1" * 40, "2" * 40]
    back = cli("watch", "diff", "acme/bot", "--from", "1111111", "--to", "2222222", "-f", "json")
    assert "license-changed" in {c["code"] for c in json.loads(back.out)["changes"]}


def test_gating_switched_on_gone_and_renamed(cli, db, stand_in_hub: StandInHub) -> None:
    stand_in_hub.add(repo("acme/gate", license_id="mit"))
    stand_in_hub.add(repo("acme/vanish", license_id="mit"))
    stand_in_hub.add(repo("acme/oldname", license_id="mit"))
    cli("watch", "add", "acme/gate", "acme/vanish", "acme/oldname")
    assert cli("watch", "run").code == 0
    stand_in_hub.repos["acme/gate"].gated = "manual"
    del stand_in_hub.repos["acme/vanish"]
    stand_in_hub.repos["acme/oldname"] = repo("acme/newname", license_id="mit")
    out = cli("watch", "run", "-f", "json")
    by = {(c["target"], c["code"]): c for c in _changes(out)}
    assert by[("acme/gate", "gated-changed")]["after"] == "manual"
    assert by[("acme/vanish", "gone")]["severity"] == "error"
    assert by[("acme/oldname", "renamed")]["after"] == "acme/newname"


def test_a_base_that_moves_on_the_hub(cli, db, stand_in_hub: StandInHub) -> None:
    stand_in_hub.add(repo("acme/base", license_id="apache-2.0", text=licence_text("apache-2.0.txt")))
    stand_in_hub.add(repo("acme/ft", license_id="apache-2.0", base="acme/base"))
    stand_in_hub.add(repo("acme/ft2", license_id="apache-2.0", base="acme/base"))
    cli("watch", "add", "acme/ft", "acme/ft2", "--profile", "commercial-saas")
    cli("watch", "run")
    stand_in_hub.requests.clear()
    quiet = json.loads(cli("watch", "run", "-f", "json").out)
    assert quiet["run"]["unchanged"] == 2 and quiet["run"]["hub_requests"] == 3  # two models + their shared base
    stand_in_hub.add(repo("acme/base", license_id="cc-by-nc-4.0", text=licence_text("cc-by-nc-4.0.txt"), sha="9" * 40))
    out = cli("watch", "run", "-f", "json", "--fail-on-change")
    assert out.code == 1
    moved = [c for c in _changes(out) if c["code"] == "base-moved"]
    assert {c["target"] for c in moved} == {"acme/ft", "acme/ft2"}
    assert moved[0]["before"]["revision"] == "1" * 40 and moved[0]["after"]["revision"] == "9" * 40
    assert sorted(moved[0]["descendants"]) == ["acme/ft", "acme/ft2"]


def test_429_retry_after_is_respected(db, stand_in_hub: StandInHub) -> None:
    stand_in_hub.add(repo("acme/busy", license_id="mit"))
    stand_in_hub.add(repo("acme/calm", license_id="mit"))
    with open_store(db) as store:
        add_watches(store, [WatchSpec("acme/busy", "hub", []), WatchSpec("acme/calm", "hub", [])])
        run_watch(store)
        stand_in_hub.repos["acme/busy"].rate_limit_first = 2
        stand_in_hub.repos["acme/busy"].retry_after = "3"
        waits: list[float] = []
        report = run_watch(store, prober=HubProber(sleep=waits.append))
        assert waits == [3.0, 3.0]
        assert [m.status for m in report.models] == ["ok", "ok"] and report.requests == 4
        stand_in_hub.repos["acme/busy"].rate_limit_first = 1
        stand_in_hub.repos["acme/busy"].retry_after = "3600"
        report = run_watch(store, prober=HubProber(sleep=waits.append))
        status = {m.target: m.status for m in report.models}
        assert report.status == "partial" and status["acme/busy"] == "not-checked"
        assert status["acme/calm"] in ("ok", "not-checked")  # probed at the same time, or stopped with the rest
        assert "Retry-After 3600" in report.notes[0] and waits == [3.0, 3.0]


def test_diff_between_two_hub_revisions(cli, stand_in_hub: StandInHub) -> None:
    old = repo("acme/rev", license_id="llama3", text=licence_text("llama-3.txt"), sha="a" * 40)
    new = repo("acme/rev", license_id="llama3.1", text=licence_text("llama-3.1.txt"), sha="b" * 40)
    new.revisions["a" * 40] = old
    stand_in_hub.add(new)
    out = cli("diff", f"acme/rev@{'a' * 40}", f"acme/rev@{'b' * 40}", "-f", "json")
    assert out.code == 0, out.err
    doc = json.loads(out.out)
    assert doc["from"]["revision"] == "a" * 40 and doc["to"]["revision"] == "b" * 40
    codes = {c["code"] for c in doc["changes"]}
    assert {"license-changed", "term-changed"} <= codes
    table = cli("diff", f"acme/rev@{'a' * 40}", "acme/rev@main")
    assert "license-changed" in table.out and "no-training-other-models" in table.out


def test_diff_between_two_snapshot_folders(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from watch_helpers import model_folder

    a = model_folder(tmp_path / "a", "acme--m", license_id="gemma", license_file=licence_text("gemma-terms-2024-04-01.txt"))
    b = model_folder(tmp_path / "b", "acme--m", license_id="gemma", license_file=licence_text("gemma-terms-2025-03-24.txt"))
    out = cli("diff", str(a), str(b), "-f", "md")
    assert out.code == 0, out.err
    assert "license-changed" in out.out and "Changed passages" in out.out
    same = cli("diff", str(a), str(a), "-f", "json")
    assert json.loads(same.out)["changes"] == []
