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
    "identify_license_text": "smallprint.api",
    "identify_license_file": "smallprint.api",
    "license_results": "smallprint.api",
    "license_document": "smallprint.api",
    "explain": "smallprint.api",
    "diff": "smallprint.api",
    "resolve_license_id": "smallprint.api",
    "identify_text": "smallprint.identify",
    "identify_reference": "smallprint.identify",
    # models
    "check_target": "smallprint.check",
    "check_targets": "smallprint.check",
    "check_facts": "smallprint.check",
    "read_target": "smallprint.sources",
    # use profiles, policy, gate
    "CheckRequest": "smallprint.workflow",
    "CheckOutcome": "smallprint.workflow",
    "run_check": "smallprint.workflow",
    "evaluate": "smallprint.evaluators.policy",
    "load_preset": "smallprint.profiles",
    "load_profile_file": "smallprint.profiles",
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
    from smallprint.api import (
        diff,
        explain,
        identify_license_file,
        identify_license_text,
        license_document,
        license_results,
        resolve_license_id,
    )
    from smallprint.check import check_facts, check_target, check_targets
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
    from smallprint.profiles import load_preset, load_profile_file
    from smallprint.scan import scan_code
    from smallprint.sources import read_target
    from smallprint.workflow import CheckOutcome, CheckRequest, run_check
