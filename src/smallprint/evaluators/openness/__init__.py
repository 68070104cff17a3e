"""Is it really open? OSAID 1.0, the Model Openness Framework, the OSAI index and open-washing.

Entry points: `evaluate_mot_file` (a MOT YAML file), `assess_model` (a model's facts).
"""

from __future__ import annotations

from smallprint.evaluators.openness.assess import (
    OpennessResult,
    assess_model,
    assess_mot_file,
    openness_report,
)
from smallprint.evaluators.openness.mot import (
    ComponentResult,
    Difference,
    MofAssessment,
    MotRelease,
    evaluate_mot_file,
    evaluate_release,
    parse_mot,
    read_mot_file,
    to_mot_yaml,
    write_mot_file,
)

__all__ = [
    "ComponentResult",
    "OpennessResult",
    "assess_model",
    "assess_mot_file",
    "openness_report",
    "Difference",
    "MofAssessment",
    "MotRelease",
    "evaluate_mot_file",
    "evaluate_release",
    "parse_mot",
    "read_mot_file",
    "to_mot_yaml",
    "write_mot_file",
]
