"""`smallprint diff MODEL@REV1 MODEL@REV2` and `smallprint diff SNAPSHOT_A SNAPSHOT_B`:
two readings through the `check` pipeline, compared as the watch compares snapshots."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from smallprint.kb import default_kb
from smallprint.watch.changes import Change, SnapshotView, compare
from smallprint.watch.runner import DEFAULT_PROFILE
from smallprint.watch.snapshot import kb_version, reading_of

_HUB_REF = re.compile(r"^[A-Za-z0-9][\w.\-]*/[\w.\-]+(@[\w.\-/]+)?$")


def is_model_side(arg: str) -> bool:
    """A folder (a downloaded snapshot) or a Hub id (optionally @revision); licence ids and
    files keep `smallprint diff`'s licence comparison."""
    p = Path(arg).expanduser()
    if p.exists():
        return p.is_dir()
    return bool(_HUB_REF.match(arg)) and not arg.startswith((".", "/", "~"))


def read_side(target: str, *, offline: bool | None, profile: str = DEFAULT_PROFILE) -> tuple[SnapshotView, dict[str, str]]:
    from smallprint.pipeline.check import check_target
    from smallprint.policy.file import judge_results
    from smallprint.policy.profiles import resolve_profile

    kb = default_kb()
    result = check_target(target, offline=offline, kb=kb)
    judged = dataclasses.replace(result, findings=list(result.findings))
    prof = resolve_profile(profile)
    judge_results([judged], prof, None, kb)
    reading = reading_of(result, {profile: judged.verdict.to_dict() if judged.verdict else {}}, {}, {profile: prof.to_dict()})
    view = SnapshotView(target, "ok", kb_version(), reading.body, revision=reading.body.get("revision"))
    return view, reading.texts


def diff_models(a: str, b: str, *, offline: bool | None = None, profile: str = DEFAULT_PROFILE) -> tuple[SnapshotView, SnapshotView, list[Change]]:
    va, ta = read_side(a, offline=offline, profile=profile)
    vb, tb = read_side(b, offline=offline, profile=profile)
    texts = {**ta, **tb}
    label = _common_label(a, b)
    va.target = vb.target = label
    return va, vb, compare(va, vb, texts.get)


def _common_label(a: str, b: str) -> str:
    ra, rb = a.partition("@")[0], b.partition("@")[0]
    return ra if ra == rb else f"{a} -> {b}"


def diff_document(a: str, b: str, va: SnapshotView, vb: SnapshotView, changes: list[Change]) -> dict[str, Any]:
    return {
        "schema": "smallprint/watch/1",
        "from": {"target": a, "revision": va.revision, "model_id": va.body.get("model_id")},
        "to": {"target": b, "revision": vb.revision, "model_id": vb.body.get("model_id")},
        "changes": [c.to_dict() for c in changes],
    }
