"""`smallprint openness`: Model Openness Tool files and models, one report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from smallprint.errors import SmallprintError


def _is_mot_file(target: str) -> bool:
    p = Path(target)
    return p.suffix.lower() in (".yml", ".yaml") and p.is_file()


def run_openness(
    targets: list[str], *, mot_compatible: bool = False, manifest: Path | None = None, offline: bool = False
) -> tuple[dict[str, Any], int]:
    """The `smallprint/openness/1` document and the exit code (2 when an input failed)."""
    from smallprint.evaluators.openness import assess_model, assess_mot_file
    from smallprint.evaluators.openness.assess import SCHEMA
    from smallprint.kb import default_kb
    from smallprint.pipeline.check import check_targets

    kb = default_kb()
    results: list[dict[str, Any]] = []
    code = 0
    for t in targets:
        try:
            if _is_mot_file(t):
                results.append(assess_mot_file(t, mot_compatible=mot_compatible, kb=kb).to_dict())
                continue
            for r in check_targets([t], offline=offline or None, kb=kb, openness=False):
                if r.error or r.facts is None:
                    results.append({"target": r.target, "error": r.error or "not readable"})
                    code = 2
                    continue
                lic = r.license.licenses[0].id if r.license.licenses else None
                d = assess_model(r.facts, license_id=lic, kb=kb, manifest=manifest).to_dict()
                d["target"] = r.target
                results.append(d)
        except SmallprintError as e:
            results.append({"target": t, "error": str(e)})
            code = 2
    return {"schema": SCHEMA, "results": results}, code


def ignored_flag_notes(targets: list[str], *, mot_compatible: bool) -> list[str]:
    """Say so when `--mot-compatible` cannot apply, rather than let a report look exact."""
    if not mot_compatible:
        return []
    return [
        f"{t}: --mot-compatible applies to Model Openness Tool files only; assessed normalised"
        for t in targets
        if not _is_mot_file(t)
    ]
