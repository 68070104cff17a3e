"""A BOM the tool writes reads back, wherever "bomFormat" sits in the file."""

from __future__ import annotations

import json
from pathlib import Path

from smallprint.check import check_targets
from smallprint.reports.cyclonedx import render_cyclonedx


def test_sorted_key_cyclonedx_reads_back(tmp_path: Path):
    doc = json.loads(render_cyclonedx(check_targets(["meta-llama/Llama-3.1-8B-Instruct"], offline=True)))
    bom = tmp_path / "one.cdx.json"
    fmt = doc.pop("bomFormat")
    doc["bomFormat"] = fmt  # last, after kilobytes of components
    bom.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    assert bom.read_text(encoding="utf-8").index('"bomFormat"') > 4096
    (r,) = check_targets([str(bom)], offline=True)
    assert r.error is None and r.model_id == "meta-llama/Llama-3.1-8B-Instruct"
    assert r.license.licenses[0].id == "llama3.1"
