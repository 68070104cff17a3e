"""Golden outputs per format on a fixed set of targets (regenerate: SMALLPRINT_UPDATE_GOLDEN=1)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
TARGETS = [
    "golden_targets/acme-llama-support",
    "golden_targets/acme-mistral-tune",
    "meta-llama/Llama-3.2-11B-Vision-Instruct",
    "gpt-4o",
]
FORMATS = {"json": "json", "md": "md", "html": "html", "sarif": "sarif.json", "cyclonedx": "cdx.json", "spdx": "spdx.json"}


def _run(fmt: str) -> str:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600", HF_HUB_OFFLINE="1", SMALLPRINT_NO_CACHE="1",
               HF_HOME="/nonexistent/hf-home", HF_HUB_CACHE="/nonexistent/hf-home/hub")
    out = subprocess.run(
        [sys.executable, "-m", "smallprint.cli", "check", *TARGETS, "--offline", "--use", "commercial-saas",
         "--region", "EU", "--format", fmt],
        cwd=HERE, env=env, capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def _stable(text: str) -> str:
    """Drop what legitimately varies between machines: the version string."""
    return re.sub(r"smallprint[ :]0\.\d+\.\d+", "smallprint VERSION", text)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_report_matches_golden(fmt: str) -> None:
    got = _stable(_run(fmt))
    path = GOLDEN / f"check.{FORMATS[fmt]}"
    if os.environ.get("SMALLPRINT_UPDATE_GOLDEN"):
        path.write_text(got, encoding="utf-8")
    assert path.exists(), f"missing golden {path.name}: run with SMALLPRINT_UPDATE_GOLDEN=1"
    want = path.read_text(encoding="utf-8")
    if fmt != "html" and fmt != "md":
        assert json.loads(got) == json.loads(want)
    else:
        assert got == want


def test_every_bom_and_log_written_for_the_fixed_targets_validates() -> None:
    import jsonschema

    from smallprint.reports.cyclonedx import validate_cyclonedx
    from smallprint.reports.spdx3 import validate_spdx3

    assert validate_cyclonedx(_run("cyclonedx")) is None
    assert validate_spdx3(_run("spdx")) is None
    schema = json.loads((HERE.parent / "policy" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(_run("sarif")), schema)
