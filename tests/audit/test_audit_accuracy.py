"""The corpus cards audited in bulk give the findings `smallprint check` gives on each one."""

from __future__ import annotations

import json
from pathlib import Path

from audit_fixtures import corpus_dir, table_rows
from smallprint.audit import AuditRequest, run_audit
from smallprint.audit.synthetic import write_dump
from smallprint.pipeline.check import check_facts
from smallprint.sources import read_target


def test_bulk_audit_matches_check_on_each_corpus_card(tmp_path: Path) -> None:
    corpus = corpus_dir()
    dump = tmp_path / "corpus.parquet"
    write_dump(dump, 0, corpus=corpus)
    out = tmp_path / "out"
    run_audit(AuditRequest([str(dump)], out, workers=1, progress=False))
    audited = {r["model_id"]: r for r in table_rows(out / "models.parquet")}
    index = json.loads((corpus / "cards" / "index.json").read_text(encoding="utf-8"))
    assert len(audited) == len(index) >= 50
    differ = []
    for entry in index:
        model_id = entry.get("model_id") or entry["slug"].replace("--", "/", 1)
        # `check` on the snapshot folder with its Hub id (as a Hub snapshot gives it), offline;
        # openness is left out (the audit does not assess it)
        facts = read_target(str(corpus / "cards" / entry["slug"]), offline=True)
        facts.model_id = facts.model_id or model_id
        checked = check_facts(facts, offline=True)
        codes = sorted({f.code for f in checked.findings})
        licence = checked.license.licenses[0].id if checked.license.licenses else None
        row = audited[model_id]
        if codes != row["finding_codes"] or licence != row["license"]:
            differ.append((model_id, codes, row["finding_codes"], licence, row["license"]))
    assert differ == []
