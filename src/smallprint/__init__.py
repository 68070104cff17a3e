"""smallprint: what you may do with an AI model, with the clause that says so.

The library offers what the command does::

    import smallprint
    r = smallprint.identify_license_file("LICENSE")       # LicenseResult
    c = smallprint.check_targets(["meta-llama/Llama-3.1-8B"], offline=True)
    o = smallprint.run_check(smallprint.CheckRequest(targets=["gpt-4o"], preset="distill-own-model"))

Names are imported on first use, so `import smallprint` stays cheap for the command line.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    # licences
    "identify_license_text": "smallprint.pipeline.licences",
    "identify_license_file": "smallprint.pipeline.licences",
    "license_results": "smallprint.pipeline.licences",
    "license_document": "smallprint.pipeline.licences",
    "explain": "smallprint.pipeline.licences",
    "diff": "smallprint.pipeline.licences",
    "resolve_license_id": "smallprint.pipeline.licences",
    "identify_text": "smallprint.identify",
    "identify_reference": "smallprint.identify",
    # models
    "check_target": "smallprint.pipeline.check",
    "check_targets": "smallprint.pipeline.check",
    "check_facts": "smallprint.pipeline.check",
    "read_target": "smallprint.sources",
    # use profiles, policy, gate
    "CheckRequest": "smallprint.pipeline.run",
    "CheckOutcome": "smallprint.pipeline.run",
    "run_check": "smallprint.pipeline.run",
    "evaluate": "smallprint.evaluators.policy",
    "load_preset": "smallprint.policy.profiles",
    "load_profile_file": "smallprint.policy.profiles",
    "scan_code": "smallprint.scan",
    # openness
    "evaluate_mot_file": "smallprint.evaluators.openness",
    "assess_model": "smallprint.evaluators.openness",
    # knowledge base and values
    "default_kb": "smallprint.kb",
    "KnowledgeBase": "smallprint.kb",
    "LicenseResult": "smallprint.model",
    "LicenseMatch": "smallprint.model",
    "CheckResult": "smallprint.model",
    "ModelFacts": "smallprint.model",
    "Term": "smallprint.model",
    "Evidence": "smallprint.model",
    "Finding": "smallprint.model",
    "SmallprintError": "smallprint.errors",
    "InputError": "smallprint.errors",
}

__all__ = [
    "__version__",
    "identify_license_text",
    "identify_license_file",
    "license_results",
    "license_document",
    "explain",
    "diff",
    "resolve_license_id",
    "identify_text",
    "identify_reference",
    "check_target",
    "check_targets",
    "check_facts",
    "read_target",
    "CheckRequest",
    "CheckOutcome",
    "run_check",
    "evaluate",
    "load_preset",
    "load_profile_file",
    "scan_code",
    "evaluate_mot_file",
    "assess_model",
    "default_kb",
    "KnowledgeBase",
    "LicenseResult",
    "LicenseMatch",
    "CheckResult",
    "ModelFacts",
    "Term",
    "Evidence",
    "Finding",
    "SmallprintError",
    "InputError",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'smallprint' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:  # for type checkers and IDEs
    from smallprint.errors import InputError, SmallprintError
    from smallprint.evaluators.openness import assess_model, evaluate_mot_file
    from smallprint.evaluators.policy import evaluate
    from smallprint.identify import identify_reference, identify_text
    from smallprint.kb import KnowledgeBase, default_kb
    from smallprint.model import (
        CheckResult,
        Evidence,
        Finding,
        LicenseMatch,
        LicenseResult,
        ModelFacts,
        Term,
    )
    from smallprint.pipeline.check import check_facts, check_target, check_targets
    from smallprint.pipeline.licences import (
        diff,
        explain,
        identify_license_file,
        identify_license_text,
        license_document,
        license_results,
        resolve_license_id,
    )
    from smallprint.pipeline.run import CheckOutcome, CheckRequest, run_check
    from smallprint.policy.profiles import load_preset, load_profile_file
    from smallprint.scan import scan_code
    from smallprint.sources import read_target
