"""Lineage findings and inferred edges on the corpus cards, as if nobody had catalogued them.

    .venv/bin/python benchmarks/lineage_cards.py [-v]

Three measurements on ../shared/corpus/cards (labels: `expected_findings`, `inferred_base_models`):

1. findings: the labelled finding codes, each card checked offline against the catalog;
2. findings, uncatalogued: the same with the card's own model removed from the catalog, so
   lineage comes from the card alone (its front matter, prose, config.json, adapter config);
3. edges from what the card says: `base_model` removed from the front matter and
   adapter_config.json dropped, so parents must come from prose, tables, code blocks and
   config.json; parents compared with `inferred_base_models` (renamed Hub ids through the
   catalog's aliases).

Precision and recall are micro-averaged over codes (1, 2) and parent ids (3).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from smallprint import sources  # noqa: E402
from smallprint.check import check_facts  # noqa: E402
from smallprint.evaluators.lineage import CatalogResolver, build_lineage  # noqa: E402
from smallprint.kb import KnowledgeBase, default_kb  # noqa: E402

LABELLED = {
    "no-license", "license-conflicts-with-base", "license-other-unresolved", "naming-requirement",
    "noncommercial-data", "gated", "broken-metadata",
}  # fmt: skip


def _cards() -> tuple[Path, list[dict]]:
    root = Path(os.environ.get("SMALLPRINT_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus"))
    cards = root / "cards"
    return cards, json.loads((cards / "index.json").read_text(encoding="utf-8"))


def _model_id(card: dict) -> str:
    return card["model_id"] or card["slug"].replace("--", "/")


def _without_self(kb: KnowledgeBase, card: dict) -> KnowledgeBase:
    own = kb.model(_model_id(card))
    return kb if own is None else KnowledgeBase(list(kb), [m for m in kb.models.values() if m.id != own.id])


def _findings(uncatalogued: bool, verbose: bool) -> tuple[float, float]:
    cards, index = _cards()
    base = default_kb()
    tp = fp = fn = 0
    for card in index:
        kb = _without_self(base, card) if uncatalogued else base
        facts = sources.read_target(str(cards / card["slug"]), offline=True)
        facts.model_id = facts.model_id or _model_id(card)
        result = check_facts(facts, kb=kb, resolver=CatalogResolver(kb), offline=True)
        got = {f.code for f in result.findings} & LABELLED
        want = {f["code"] for f in card["expected_findings"]}
        tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
        if verbose and got != want:
            print(f"  {card['slug']}: missing {sorted(want - got)} extra {sorted(got - want)}")
    return tp / max(1, tp + fp), tp / max(1, tp + fn)


def _strip_bases(readme: Path) -> None:
    lines = readme.read_text(encoding="utf-8", errors="replace").split("\n")
    out: list[str] = []
    fences = 0
    skipping = False
    for line in lines:
        if line.strip() == "---":
            fences += 1
        if fences == 1 and re.match(r"^base_model(?:_relation)?\s*:", line):
            skipping = True
            continue
        if skipping and re.match(r"^\s*-\s", line):
            continue
        skipping = False
        out.append(line)
    readme.write_text("\n".join(out), encoding="utf-8")


def _edges(verbose: bool) -> tuple[float, float]:
    cards, index = _cards()
    base = default_kb()
    tp = fp = fn = 0
    with tempfile.TemporaryDirectory() as tmp:
        for card in index:
            kb = _without_self(base, card)
            folder = Path(tmp) / card["slug"]
            shutil.copytree(cards / card["slug"], folder)
            _strip_bases(folder / "README.md")
            (folder / "adapter_config.json").unlink(missing_ok=True)
            facts = sources.read_target(str(folder), offline=True)
            facts.model_id = _model_id(card)
            catalog = CatalogResolver(kb)
            lineage = build_lineage(facts, catalog, lambda _f: (None, None), catalog=catalog)

            def canon(i: str) -> str:
                m = base.model(i)
                return (m.id if m else i).lower()

            got = {canon(p) for p in lineage.nodes[0].parents}
            want = {canon(p) for p in card["inferred_base_models"]}
            tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
            if verbose and got != want:
                print(f"  {card['slug']}: extra {sorted(got - want)} missed {sorted(want - got)}")
    return tp / max(1, tp + fp), tp / max(1, tp + fn)


def main() -> int:
    verbose = "-v" in sys.argv
    for title, run in (
        ("lineage findings, catalogued", lambda: _findings(False, verbose)),
        ("lineage findings, the card's own model uncatalogued", lambda: _findings(True, verbose)),
        ("parent edges with base_model and adapter_config.json removed", lambda: _edges(verbose)),
    ):
        p, r = run()
        print(f"{title}: precision {p:.2f} recall {r:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
