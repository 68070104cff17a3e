"""The watch: what changed under us.

`watch add` records models to watch (Hub ids, folders, files, API names; or an
inventory) with the use profiles they are judged under. `watch run` probes each with
one cheap request (its Hub commit, or a local content hash), runs the same library
pipeline as `check` only for models whose text, ancestors, gating, profiles or
knowledge base moved, and appends one snapshot per model to the store
(`smallprint.store`). Comparing two snapshots gives change findings with before and
after evidence (`changes.compare`); alerts are an exit code, JSON
(`smallprint/watch/1`), a Markdown/HTML digest and a signed webhook.

    from smallprint.store import open_store
    from smallprint.watch import run_watch
    report = run_watch(open_store())        # RunReport: .models, .changes, .to_dict()
"""

from __future__ import annotations

from typing import Any

__all__ = ["Change", "RunReport", "SnapshotView", "compare", "diff_models", "run_watch"]


def __getattr__(name: str) -> Any:
    if name in ("run_watch", "RunReport"):
        from smallprint.watch import runner

        return getattr(runner, name)
    if name in ("Change", "SnapshotView", "compare"):
        from smallprint.watch import changes

        return getattr(changes, name)
    if name == "diff_models":
        from smallprint.watch.modeldiff import diff_models

        return diff_models
    raise AttributeError(name)
