"""A user's manifest overrides inferred components, but a contradiction with the model's own licence is said."""

from __future__ import annotations

from pathlib import Path

from smallprint.evaluators.openness import assess_model
from smallprint.model import ModelFacts


def _manifest(tmp_path: Path) -> Path:
    p = tmp_path / "mof.yml"
    p.write_text(
        "framework:\n  name: 'Model Openness Framework'\n  version: '1.0'\n  date: '2024-12-15'\n"
        "release:\n  name: acme-model\n  version: '1'\n  date: '2025-01-01'\n  type: language\n"
        "  architecture: transformer\n  origin: acme\n  producer: Acme\n  contact: ''\n"
        "  license:\n    distribution:\n      name: Apache-2.0\n      path: ''\n"
        "  components:\n    -\n      name: 'Model parameters (Final)'\n      description: 'weights'\n",
        encoding="utf-8",
    )
    return p


def test_manifest_more_open_than_the_declared_licence_raises_sources_disagree(tmp_path: Path):
    facts = ModelFacts(target="acme/model", model_id="acme/model", origin="card")
    r = assess_model(facts, license_id="cc-by-nc-4.0", manifest=_manifest(tmp_path))
    assert any(f.code == "sources-disagree" and "manifest" in f.message for f in r.findings)


def test_manifest_that_agrees_is_quiet(tmp_path: Path):
    facts = ModelFacts(target="acme/model", model_id="acme/model", origin="card")
    r = assess_model(facts, license_id="apache-2.0", manifest=_manifest(tmp_path))
    assert not any(f.code == "sources-disagree" for f in r.findings)
