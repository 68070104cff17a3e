"""Sources: a Hub listing through the real client (incremental by last_modified), a folder
tree of snapshots, JSONL dumps; and the bad input each must survive."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from audit_fixtures import card, corpus_dir, row, table_rows, write_rows
from hub_server import FakeRepo, StandInHub, isolate_hub_env
from smallprint.audit import AuditRequest, run_audit
from smallprint.errors import InputError


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[StandInHub]:
    isolate_hub_env(tmp_path / "hf-home", monkeypatch)
    with StandInHub() as h:
        h.page_size = 2
        monkeypatch.setenv("HF_ENDPOINT", h.url)
        yield h


def _repo(mid: str, when: str, data: dict, tags: list[str] | None = None) -> FakeRepo:
    return FakeRepo(mid, {"README.md": b"# x\n"}, card_data=data, tags=tags or [], last_modified=when)


def _models(out: Path) -> dict[str, dict]:
    return {r["model_id"]: r for r in table_rows(out / "models.parquet")}


def test_hub_listing_pages_through_the_client_and_resumes_from_the_newest_seen(hub: StandInHub, tmp_path: Path) -> None:
    hub.add(_repo("acme/base", "2025-01-01T00:00:00.000Z", {"license": "llama3.1", "base_model": "meta-llama/Llama-3.1-8B"}))
    hub.add(_repo("acme/child", "2025-01-02T00:00:00.000Z", {"license": "apache-2.0", "base_model": "acme/base"}))
    hub.add(_repo("acme/nc", "2025-01-03T00:00:00.000Z", {"license": "other", "license_name": "flux-1-dev-non-commercial-license"},
                  tags=["license:other"]))
    out = tmp_path / "out"
    first = run_audit(AuditRequest(["hub"], out, workers=1, progress=False))
    assert first.exit_code == 0 and first.models == 3
    assert any("cardData=true" in r and "sort=lastModified" in r for r in hub.requests)
    m = _models(out)
    assert "license-conflicts-with-base" in m["acme/child"]["finding_codes"]  # the base was resolved inside the listing
    assert m["acme/nc"]["license"] == "flux-1-dev-non-commercial"
    # a newer model and a changed one: the second run lists only down to what it had seen
    hub.add(_repo("acme/new", "2025-02-01T00:00:00.000Z", {"license": "mit", "base_model": "acme/child"}))
    hub.repos["acme/base"].last_modified = "2025-02-02T00:00:00.000Z"
    hub.repos["acme/base"].card_data = {"license": "apache-2.0"}
    hub.listed = 0
    second = run_audit(AuditRequest(["hub"], out, workers=1, progress=False))
    assert hub.listed <= 4  # two pages, not the whole listing
    assert second.models == 4 and second.evaluated == 2
    full = tmp_path / "full"
    run_audit(AuditRequest(["hub"], full, workers=1, progress=False))
    assert table_rows(out / "models.parquet") == table_rows(full / "models.parquet")
    assert "license-conflicts-with-base" not in _models(out)["acme/child"]["finding_codes"]


def test_hub_listing_offline_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_hub import constants

    isolate_hub_env(tmp_path / "hf-home", monkeypatch)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    dump = write_rows(tmp_path / "d.parquet", [row("a/b", card("license: mit\n"))])
    outcome = run_audit(AuditRequest(["hub", str(dump)], tmp_path / "out", workers=1, progress=False))
    assert outcome.exit_code == 2 and outcome.models == 1
    assert any(e.startswith("hub: the Hub listing stopped after 0 models") for e in outcome.errors)


def test_folder_tree_of_snapshots(tmp_path: Path) -> None:
    corpus = corpus_dir()
    tree = tmp_path / "tree"
    for slug in ("meta-llama--llama-3.2-1b", "nousresearch--hermes-3-llama-3.1-8b", "facebook--opt-125m"):
        shutil.copytree(corpus / "cards" / slug, tree / slug)
    outcome = run_audit(AuditRequest([str(tree)], tmp_path / "out", workers=1, progress=False))
    m = _models(tmp_path / "out")
    assert outcome.models == 3 and outcome.exit_code == 0
    assert m["meta-llama/llama-3.2-1b"]["license"] == "llama3.2" or any(v["license"] == "llama3.2" for v in m.values())


def test_jsonl_dump_with_a_broken_line(tmp_path: Path) -> None:
    path = tmp_path / "cards.jsonl"
    lines = [json.dumps({"modelId": "a/one", "last_modified": "2025-01-01T00:00:00Z", "tags": ["license:mit"],
                         "card": card("license: mit\n")}), "{not json", json.dumps({"modelId": "a/two", "card": "# hi\n"})]
    path.write_text("\n".join(lines) + "\n")
    outcome = run_audit(AuditRequest([str(path)], tmp_path / "out", workers=1, progress=False))
    assert outcome.models == 2 and outcome.exit_code == 2
    assert any(":2: not a JSON object" in e for e in outcome.errors)


def test_truncated_parquet_is_reported_and_the_other_sources_still_audited(tmp_path: Path) -> None:
    good = write_rows(tmp_path / "good.parquet", [row("a/good", card("license: mit\n"))])
    bad = tmp_path / "bad.parquet"
    data = write_rows(tmp_path / "tmp.parquet", [row(f"a/m{i}", card("license: mit\n")) for i in range(50)]).read_bytes()
    bad.write_bytes(data[: len(data) // 2])
    outcome = run_audit(AuditRequest([str(bad), str(good)], tmp_path / "out", workers=1, progress=False))
    assert outcome.models == 1 and outcome.exit_code == 2
    assert any(e.startswith(f"{bad}: not a readable Parquet file") for e in outcome.errors)


def test_wrong_schema_names_the_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "wrong.parquet"
    pq.write_table(pa.table({"modelId": ["a/b"], "readme": ["# x"]}), path)
    outcome = run_audit(AuditRequest([str(path)], tmp_path / "out", workers=1, progress=False))
    assert outcome.exit_code == 2
    assert any("missing column 'card'" in e for e in outcome.errors)


def test_hostile_huge_and_duplicated_rows_become_findings(tmp_path: Path) -> None:
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" \
           "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\nlicense: mit\n---\n# bomb\n"
    deep = "---\nlicense: mit\nx: " + "[" * 500 + "]" * 500 + "\n---\n"
    huge = card("license: mit\n", "# big\n" + ("word " * 2_200_000))  # about 11 MB
    rows = [row("h/bomb", bomb), row("h/deep", deep), row("h/huge", huge),
            row("h/dup", card("license: mit\n")),
            row("h/dup", card("license: apache-2.0\n"), when=row("x/x", None)["last_modified"].replace(year=2026))]
    outcome = run_audit(AuditRequest([str(write_rows(tmp_path / "d.parquet", rows))], tmp_path / "out", workers=1, progress=False))
    assert outcome.exit_code == 0 and outcome.models == 4
    m = _models(tmp_path / "out")
    assert "broken-metadata" in m["h/bomb"]["finding_codes"]
    assert "broken-metadata" in m["h/deep"]["finding_codes"]
    assert "broken-metadata" in m["h/huge"]["finding_codes"] and m["h/huge"]["license"] == "mit"
    assert m["h/dup"]["license"] == "apache-2.0" and "duplicate-model-id" in m["h/dup"]["finding_codes"]
    dup = [f for f in table_rows(tmp_path / "out" / "findings.parquet") if f["code"] == "duplicate-model-id"]
    assert len(dup) == 1 and "2 times" in dup[0]["message"]


def test_bad_requests_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--engine 'spark'"):
        run_audit(AuditRequest(["x"], tmp_path, engine="spark"))
    with pytest.raises(InputError, match="no such file"):
        run_audit(AuditRequest([str(tmp_path / "nope.parquet")], tmp_path / "o"))
    with pytest.raises(InputError, match="--since"):
        run_audit(AuditRequest([str(tmp_path)], tmp_path / "o", since="yesterday"))
