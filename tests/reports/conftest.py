"""Check results built by hand, so report tests do not depend on the pipeline's answers."""

from __future__ import annotations

import pytest

from smallprint.model import (
    CheckResult,
    Evidence,
    Finding,
    LicenseClaim,
    LicenseMatch,
    LicenseResult,
    LineageNode,
    ModelFacts,
    Term,
)


def _result(
    model_id: str, lic_id: str, spdx: str | None, base: str | None, base_lic: str | None
) -> CheckResult:
    card = f"---\nlicense: {lic_id}\nbase_model: {base}\ndatasets:\n- tatsu-lab/alpaca\n---\n# {model_id}\n"
    ev = Evidence("README.md", 2, 2, f"license: {lic_id}")
    match = LicenseMatch(
        lic_id, lic_id.upper(), None, spdx, lic_id, 1.0, 2, 2, "reference", "osi-code"
    )
    term = Term("commercial-use", True, "high", [ev], lic_id)
    lr = LicenseResult("README.md", [match], [term])
    facts = ModelFacts(
        target=model_id,
        model_id=model_id,
        origin="hub",
        revision="0123456789abcdef0123456789abcdef01234567",
        license_claims=[LicenseClaim("card:license", lic_id, ev, lr)],
        base_models=[base] if base else [],
        relation="finetune" if base else None,
        datasets=["tatsu-lab/alpaca"],
        texts={"README.md": card},
    )
    lineage = [
        LineageNode(
            model_id, lic_id, lic_id, None, 0, parents=[base] if base else [], resolved_from="hub"
        )
    ]
    if base:
        lineage.append(
            LineageNode(base, base_lic, base_lic, "finetune", 1, resolved_from="catalog")
        )
    findings = (
        [
            Finding(
                "license-conflicts-with-base", "error", f"{lic_id} on a {base_lic} derivative", [ev]
            )
        ]
        if base
        else []
    )
    return CheckResult(
        target=model_id,
        model_id=model_id,
        license=lr,
        lineage=lineage,
        terms=[term],
        findings=findings,
        facts=facts,
        verdict={
            "verdict": "conditions",
            "profile": "commercial-saas",
            "reasons": [
                {
                    "message": "commercial use is allowed",
                    "term": "commercial-use",
                    "evidence": [ev.to_dict()],
                }
            ],
            "duties": [
                {
                    "duty": "ship a copy of the licence",
                    "term": "include-license",
                    "evidence": [ev.to_dict()],
                }
            ],
        },
        openness={
            "osaid": {"verdict": "open-weights", "missing": ["data information"]},
            "mof": {"class": 0, "progress": {"1": 10.0, "2": 20.0, "3": 50.0}, "components": []},
        },
    )


@pytest.fixture
def sample_results() -> list[CheckResult]:
    return [
        _result("acme/llama-ft", "apache-2.0", "Apache-2.0", "meta-llama/Llama-3.1-8B", "llama3.1"),
        _result("acme/plain", "mit", "MIT", None, None),
        _result("acme/custom", "llama3.1", None, "meta-llama/Llama-3.1-8B", "llama3.1"),
    ]
