"""`smallprint openness`: Model Openness Tool files and models, one report.

Models go through the same check as `smallprint check` (openness attached there, once);
a MOT YAML file is assessed as the Model Openness Tool would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from smallprint.errors import SmallprintError, user_message


def _is_mot_file(target: str) -> bool:
    p = Path(target)
    return p.suffix.lower() in (".yml", ".yaml") and p.is_file()


def openness_results(
    targets: list[str], *, mot_compatible: bool = False, manifest: Path | None = None, offline: bool = False,
    kb: Any = None,
) -> list[Any]:
    """One openness result per model (an `OpennessResult`), or `{"target", "error"}` for an
    input that could not be assessed."""
    from smallprint.evaluators.openness import assess_mot_file
    from smallprint.kb import default_kb
    from smallprint.pipeline.check import check_targets

    kb = kb or default_kb()
    results: list[Any] = []
    for t in targets:
        if _is_mot_file(t):
            try:
                results.append(assess_mot_file(t, mot_compatible=mot_compatible, kb=kb))
            except SmallprintError as e:
                results.append({"target": t, "error": user_message(e)})
            continue
        for r in check_targets([t], offline=offline or None, kb=kb, manifest=manifest):
            if r.openness is not None:
                results.append(r.openness.result)
                continue
            unassessed = next((f.message for f in r.findings if f.code == "openness-unassessed"), None)
            results.append({"target": r.target, "error": r.error or unassessed or "not readable"})
    return results


def run_openness(
    targets: list[str], *, mot_compatible: bool = False, manifest: Path | None = None, offline: bool = False
) -> tuple[dict[str, Any], int]:
    """The `smallprint/openness/1` document and the exit code (2 when an input failed)."""
    from smallprint.documents import openness_document

    results = openness_results(targets, mot_compatible=mot_compatible, manifest=manifest, offline=offline)
    code = 2 if any(isinstance(r, dict) and r.get("error") for r in results) else 0
    return openness_document(results), code


def ignored_flag_notes(targets: list[str], *, mot_compatible: bool) -> list[str]:
    """Say so when `--mot-compatible` cannot apply, rather than let a report look exact."""
    if not mot_compatible:
        return []
    return [
        f"{t}: --mot-compatible applies to Model Openness Tool files only; assessed normalised"
        for t in targets
        if not _is_mot_file(t)
    ]
