"""The watch on local snapshot folders: edited LICENSE or card between runs, a licence
replaced by its next version, an ancestor that changes licence, a model that is gone,
a knowledge-base update; history and diff over what was recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from smallprint.store import open_store
from smallprint.store.models import Payload, Snapshot
from watch_helpers import licence_text, model_folder


def _changes(out) -> list[dict]:  # type: ignore[no-untyped-def]
    return json.loads(out.out)["changes"]


def _codes(out) -> set[str]:  # type: ignore[no-untyped-def]
    return {c["code"] for c in _changes(out)}


def test_unchanged_models_get_a_snapshot_each_run_and_no_change(cli, db, tmp_path: Path) -> None:
    a = model_folder(tmp_path, "acme--one", license_id="apache-2.0", license_file=licence_text("apache-2.0.txt"))
    b = model_folder(tmp_path, "acme--two", license_id="mit")
    assert cli("watch", "add", str(a), str(b)).code == 0
    first = cli("watch", "run", "-f", "json")
    assert first.code == 0, first.err
    second = cli("watch", "run", "-f", "json", "--fail-on-change")
    assert second.code == 0, second.err
    doc = json.loads(second.out)
    assert doc["schema"] == "smallprint/watch/1" and doc["changes"] == []
    assert [m["unchanged"] for m in doc["models"]] == [True, True]
    assert doc["models"][0]["licenses"] == ["apache-2.0"]
    with open_store(db) as store, store.session() as s:
        assert s.scalar(select(func.count()).select_from(Snapshot)) == 4
        assert s.scalar(select(func.count()).select_from(Payload)) == 2  # unchanged bodies are stored once


def test_edited_licence_clause_is_shown_as_smallprint_diff_shows_it(cli, db, tmp_path: Path) -> None:
    text = licence_text("llama-3.1.txt")
    m = model_folder(tmp_path, "acme--bot", license_id="llama3.1", license_file=text)
    cli("watch", "add", str(m), "--profile", "commercial-saas")
    assert cli("watch", "run").code == 0
    edited = text.replace("700 million monthly active users", "7 million monthly active users")
    assert edited != text
    (m / "LICENSE").write_text(edited, encoding="utf-8")
    out = cli("watch", "run", "-f", "json", "--fail-on-change")
    assert out.code == 1, out.err
    assert "--fail-on-change" in out.err
    lic = next(c for c in _changes(out) if c["code"] == "license-changed")
    assert "edited" in lic["message"]
    assert lic["evidence"]["before"][0]["text_sha256"] != lic["evidence"]["after"][0]["text_sha256"]
    passages = lic["clauses"]["passages"]
    assert any("700 million" in p["a"] and "7 million" in p["b"] for p in passages), passages
    term = next(c for c in _changes(out) if c["code"] == "term-changed" and c["subject"] == "user-threshold")
    assert term["before"] == 700_000_000 and term["after"] == 7_000_000
    assert term["evidence"]["after"][0]["quote"]


def test_licence_replaced_by_its_next_version(cli, db, tmp_path: Path) -> None:
    m = model_folder(tmp_path, "acme--distilled", license_id="llama3", license_file=licence_text("llama-3.txt"))
    cli("watch", "add", str(m), "--profile", "distill-own-model")
    cli("watch", "run")
    model_folder(tmp_path, "acme--distilled", license_id="llama3.1", license_file=licence_text("llama-3.1.txt"))
    out = cli("watch", "run", "-f", "json")
    changes = {c["code"]: c for c in _changes(out) if c["code"] != "term-changed"}
    terms = {c["subject"]: c for c in _changes(out) if c["code"] == "term-changed"}
    lic = changes["license-changed"]
    assert [x["id"] for x in lic["before"]] == ["llama3"] and [x["id"] for x in lic["after"]] == ["llama3.1"]
    assert any(t["key"] == "no-training-other-models" for t in lic["clauses"]["changed_terms"])
    assert terms["no-training-other-models"]["before"] is True and terms["no-training-other-models"]["after"] is False
    verdict = changes["verdict-changed"]
    assert verdict["subject"] == "distill-own-model" and verdict["before"] == "blocked" and verdict["after"] != "blocked"


def test_an_ancestor_that_changes_licence_moves_its_watched_descendants(cli, db, tmp_path: Path) -> None:
    base = model_folder(tmp_path, "acme--base", license_id="apache-2.0", license_file=licence_text("apache-2.0.txt"))
    ft = model_folder(tmp_path, "acme--chat", license_id="apache-2.0", base="acme/base")
    other = model_folder(tmp_path, "acme--other", license_id="mit")
    cli("watch", "add", str(base), str(ft), str(other), "--profile", "commercial-saas")
    first = cli("watch", "run", "-f", "json")
    lineage_seen = json.loads(first.out)
    assert lineage_seen["run"]["errors"] == 0
    model_folder(tmp_path, "acme--base", license_id="cc-by-nc-4.0", license_file=licence_text("cc-by-nc-4.0.txt"))
    out = cli("watch", "run", "-f", "json", "--fail-on-change")
    assert out.code == 1
    moved = [c for c in _changes(out) if c["code"] == "base-moved"]
    assert moved, _changes(out)
    assert moved[0]["target"] == str(ft) and moved[0]["subject"].lower() == "acme/base"
    assert str(ft) in moved[0]["descendants"] and str(other) not in moved[0]["descendants"]
    assert "re-validate what was built on acme/base" in moved[0]["message"]
    assert "cc-by-nc-4.0" in json.dumps(moved[0]["after"])
    verdicts = [c for c in _changes(out) if c["code"] == "verdict-changed" and c["target"] == str(ft)]
    assert verdicts and verdicts[0]["before"] != verdicts[0]["after"]


def test_edited_card_new_version_and_gone(cli, db, tmp_path: Path) -> None:
    m = model_folder(tmp_path, "acme--old", license_id="mit")
    cli("watch", "add", str(m))
    cli("watch", "run")
    card = (m / "README.md").read_text(encoding="utf-8").replace("license: mit", "license: mit\nnew_version: acme/new")
    (m / "README.md").write_text(card, encoding="utf-8")
    out = cli("watch", "run", "-f", "json")
    assert "new-version" in _codes(out)
    for f in m.iterdir():
        f.unlink()
    m.rmdir()
    gone = cli("watch", "run", "-f", "json", "--fail-on-change")
    assert gone.code == 1
    assert _codes(gone) == {"gone"}


def test_history_and_diff_between_recorded_snapshots(cli, db, tmp_path: Path) -> None:
    m = model_folder(tmp_path, "acme--h", license_id="llama3", license_file=licence_text("llama-3.txt"))
    cli("watch", "add", str(m))
    cli("watch", "run")
    cli("watch", "run")
    model_folder(tmp_path, "acme--h", license_id="llama3.1", license_file=licence_text("llama-3.1.txt"))
    cli("watch", "run")
    hist = cli("watch", "history", str(m), "-f", "json")
    assert hist.code == 0, hist.err
    entries = json.loads(hist.out)["history"]
    assert [e["licenses"] for e in entries] == [["llama3"], ["llama3"], ["llama3.1"]]
    assert [bool(e["changes"]) for e in entries] == [False, False, True]
    diff = cli("watch", "diff", str(m), "-f", "json")  # default: the previous different snapshot -> latest
    assert "license-changed" in {c["code"] for c in json.loads(diff.out)["changes"]}
    first = entries[0]["snapshot"]
    same = cli("watch", "diff", str(m), "--from", f"#{first}", "--to", f"#{entries[1]['snapshot']}", "-f", "json")
    assert json.loads(same.out)["changes"] == []
    by_date = cli("watch", "diff", str(m), "--from", "2000-01-01T00:00", "-f", "json")
    assert by_date.code == 2 and "no snapshot taken by then" in by_date.err
    today = entries[-1]["taken_at"][:10]
    upto_today = cli("watch", "diff", str(m), "--from", f"#{first}", "--to", today, "-f", "json")
    assert "license-changed" in {c["code"] for c in json.loads(upto_today.out)["changes"]}
    md = cli("watch", "diff", str(m), "-f", "md")
    assert "license-changed" in md.out and "~~" in md.out
    html = cli("watch", "run", "-f", "html")
    assert html.out.startswith("<!doctype html>")
    bad = cli("watch", "diff", str(m), "--from", "nonsense-rev")
    assert bad.code == 2 and len(bad.err.strip().splitlines()) == 1


def test_a_knowledge_base_update_that_changes_the_reading_of_an_unchanged_text(
    cli, db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from smallprint.kb import default_kb

    text = (
        "ACME MODEL LICENCE 1.0\n\nYou may use, copy and modify the Model for any purpose, including commercial "
        "purposes, provided that you include this licence with every copy. The Model is provided as is, without "
        "warranty of any kind.\n"
    )
    m = model_folder(tmp_path, "acme--kb", license_id="other", license_file=text)
    cli("watch", "add", str(m))
    cli("watch", "run")
    kb = tmp_path / "kb-extra"
    (kb / "licenses").mkdir(parents=True)
    (kb / "texts").mkdir()
    (kb / "texts" / "acme-model-1.0.txt").write_text(text, encoding="utf-8")
    (kb / "licenses" / "acme-model-1.0.yaml").write_text(
        "id: acme-model-1.0\nname: Acme Model Licence 1.0\nversion: '1.0'\nfamily: acme\npublisher: Acme\n"
        "kind: non-commercial\nosi_approved: false\naliases: [ACME MODEL LICENCE 1.0]\nincorporates: []\nmembers: []\n"
        "text: {file: acme-model-1.0.txt}\nterms:\n  - key: non-commercial\n    value: true\n"
        "    anchors: ['including commercial purposes']\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("SMALLPRINT_KB_PATH", str(kb))
    default_kb.cache_clear()
    try:
        out = cli("watch", "run", "-f", "json")
    finally:
        monkeypatch.delenv("SMALLPRINT_KB_PATH")
        default_kb.cache_clear()
    assert out.code == 0, out.err
    changes = _changes(out)
    assert changes[0]["code"] == "kb-reading-changed", changes
    lic = next(c for c in changes if c["code"] == "license-changed")
    assert lic["cause"] == "knowledge-base" and lic["after"][0]["id"] == "acme-model-1.0"


def test_the_same_watch_on_sqlite_and_postgresql(cli, store_url: str, tmp_path: Path) -> None:
    m = model_folder(tmp_path, "acme--both", license_id="llama3", license_file=licence_text("llama-3.txt"))
    assert cli("watch", "add", str(m), "--db", store_url, "--profile", "distill-own-model").code == 0
    assert cli("watch", "run", "--db", store_url).code == 0
    same = cli("watch", "run", "--db", store_url, "-f", "json", "--fail-on-change")
    assert same.code == 0 and json.loads(same.out)["run"]["unchanged"] == 1
    model_folder(tmp_path, "acme--both", license_id="llama3.1", license_file=licence_text("llama-3.1.txt"))
    out = cli("watch", "run", "--db", store_url, "-f", "json", "--fail-on-change")
    assert out.code == 1
    assert {"license-changed", "term-changed", "verdict-changed"} <= _codes(out)
    hist = json.loads(cli("watch", "history", str(m), "--db", store_url, "-f", "json").out)["history"]
    assert [e["licenses"] for e in hist] == [["llama3"], ["llama3"], ["llama3.1"]]
    listed = json.loads(cli("watch", "list", "--db", store_url, "-f", "json").out)["watches"]
    assert listed[0]["target"] == str(m) and listed[0]["profiles"] == ["distill-own-model"]
    assert cli("watch", "remove", str(m), "--db", store_url).code == 0
    assert json.loads(cli("watch", "list", "--db", store_url, "-f", "json").out)["watches"] == []
    assert cli("watch", "history", str(m), "--db", store_url).code == 0  # history outlives the watch
