"""The candidate models of a selection, checked through the pipeline.

Catalog models (open and closed) that pass the filters, plus, online, the Hub's most
downloaded models for the task. Each is checked exactly as `smallprint check` checks it
(`check_targets`): the selection never evaluates a licence itself.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from smallprint.kb import KnowledgeBase
from smallprint.model import CheckResult
from smallprint.pipeline.check import check_targets
from smallprint.selection.filters import Filters


@dataclass
class Pool:
    results: list[CheckResult]
    filtered_out: Counter[str] = field(default_factory=Counter)  # why -> how many
    notes: list[str] = field(default_factory=list)
    hub_ids: set[str] = field(default_factory=set)


def catalog_ids(kb: KnowledgeBase, filters: Filters) -> tuple[list[str], Counter[str]]:
    """Catalog ids passing the filters (generic `<provider>/api` entries excluded), and why others did not."""
    keep: list[str] = []
    why: Counter[str] = Counter()
    for mid in sorted(kb.models):
        m = kb.models[mid]
        if mid.endswith("/api"):
            continue
        reason = filters.why_not(m, kb)
        if reason is None:
            keep.append(mid)
        else:
            why[reason] += 1
    return keep, why


def build_pool(
    kb: KnowledgeBase,
    filters: Filters,
    *,
    offline: bool = True,
    hub_limit: int = 50,
    search: str | None = None,
    openness: bool = True,
) -> Pool:
    """Check every candidate; online, add the Hub's matches that the catalog does not know."""
    ids, why = catalog_ids(kb, filters)
    notes: list[str] = []
    hub: list[str] = []
    if not offline:
        from smallprint.errors import SourceError
        from smallprint.selection.hub_search import search_hub

        try:
            hits = search_hub(task=filters.task, search=search, limit=hub_limit,
                              params=(filters.params_min, filters.params_max))
        except SourceError as e:
            notes.append(f"{e}: the selection covers the bundled catalog only")
            hits = []
        known = {i.lower() for i in ids}
        for h in hits:
            if kb.model(h.id) is not None or h.id.lower() in known:
                continue
            if filters.task is not None and not filters.task_ok(h.pipeline_tag):
                why[f"task {h.pipeline_tag}"] += 1
                continue
            if filters.modality is not None:
                why["modality not catalogued"] += 1  # the Hub listing does not say
                continue
            hub.append(h.id)
        if hits:
            notes.append(f"Hub search: {len(hits)} models listed, {len(hub)} not in the catalog added to the pool")
    results = check_targets(ids, offline=True, kb=kb, openness=openness)
    if hub:
        results += check_targets(hub, offline=False, kb=kb, openness=openness)
    return Pool(results, why, notes, set(hub))
