"""Accuracy of the small print against the corpus labels.

(a) known path: terms reported for the licence identified in each corpus text;
(b) clause rules alone, as if every text were unknown: how well unknown licences are read.

Prints per-key precision/recall and every disagreement. Usage:
    python benchmarks/accuracy_terms.py [CORPUS_DIR] [--rules-only] [--quiet]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smallprint.evaluators.clauses import extract_terms
from smallprint.model import Term
from smallprint.text import NormalizedText, normalize

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "licenses"

_COMMERCIAL = {"allowed": True, "conditional": "conditional", "prohibited": False}


def expected_terms(labels: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Corpus labels -> {key: expected value}; None means the term must be absent (or false)."""

    def lab(name: str) -> Any:
        return (labels.get(name) or {}).get("value")

    exp: dict[str, Any] = {}
    cu = lab("commercial_use")
    if cu in _COMMERCIAL:
        exp["commercial-use"] = _COMMERCIAL[cu]
    exp["user-threshold"] = lab("mau_threshold")
    exp["revenue-threshold"] = lab("revenue_threshold_usd")
    exp["no-training-other-models"] = True if lab("output_use_restriction") else None
    exp["derivative-naming"] = lab("derivative_naming")
    exp["attribution-display"] = lab("attribution_display")
    cd = lab("copyleft_derivatives")
    exp["use-restrictions-flow-down"] = True if cd == "use-restrictions-flow-down" else None
    exp["same-license"] = True if cd == "same-license" else None
    exp["acceptable-use-policy"] = True if lab("acceptable_use_policy") else None
    fou = lab("field_of_use_restrictions") or []
    exp["field-of-use"] = list(fou) if fou else None
    exp["geographic"] = lab("geographic_restriction") or None
    exp["research-only"] = True if lab("research_only") else None
    exp["termination-on-litigation"] = True if lab("termination_on_litigation") else None
    return exp


def _norm(s: Any) -> str:
    return " ".join(str(s).lower().replace("\u201c", '"').replace("\u201d", '"').split())


def agrees(key: str, expected: Any, got: Any) -> bool:
    """Whether a reported value agrees with a label (presence for free-text and list labels)."""
    if key in ("acceptable-use-policy", "geographic", "field-of-use"):
        return got not in (None, False, [], "")
    if key in ("derivative-naming", "attribution-display"):
        e, g = _norm(expected), _norm(got)
        return bool(g) and (e in g or g in e or e.split(" (")[0] in g)
    return bool(got == expected and type(got) is type(expected))


@dataclass
class KeyScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    disagreements: list[str] = field(default_factory=list)

    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def _absent(v: Any) -> bool:
    return v in (None, False, [], "")


def score(
    slug: str,
    exp: dict[str, Any],
    terms: list[Term],
    scores: dict[str, KeyScore],
    coverage: list[tuple[int, int]],
) -> None:
    got: dict[str, Any] = {}
    for t in terms:
        got.setdefault(t.key, t.value)  # the first term per key (the identified licence's own)
    for key, e in exp.items():
        s = scores.setdefault(key, KeyScore())
        g = got.get(key)
        if key == "commercial-use":
            absent_ok = False
        else:
            absent_ok = _absent(e)
        if absent_ok:
            if not _absent(g):
                s.fp += 1
                s.disagreements.append(f"{slug}: {key} reported {g!r}, label none")
            continue
        if g is None:
            s.fn += 1
            s.disagreements.append(f"{slug}: {key} missing, label {e!r}")
        elif agrees(key, e, g):
            s.tp += 1
            if key == "field-of-use" and isinstance(g, list):
                coverage.append((len(g), len(e)))
        else:
            s.fp += 1
            s.fn += 1
            s.disagreements.append(f"{slug}: {key} reported {g!r}, label {e!r}")


def run(
    corpus: Path, reader: Callable[[str, NormalizedText], list[Term]], title: str, quiet: bool
) -> dict[str, KeyScore]:
    index = json.loads((corpus / "index.json").read_text(encoding="utf-8"))
    scores: dict[str, KeyScore] = {}
    coverage: list[tuple[int, int]] = []
    certainty: dict[str, int] = {}
    for item in index:
        slug = item["slug"]
        nt = normalize((corpus / f"{slug}.txt").read_text(encoding="utf-8"))
        terms = reader(slug, nt)
        for t in terms:
            certainty[t.certainty] = certainty.get(t.certainty, 0) + 1
        score(slug, expected_terms(item.get("terms") or {}), terms, scores, coverage)
    print(f"\n== {title} ({len(index)} texts)")
    print(f"{'key':28} {'prec':>6} {'recall':>6}  tp  fp  fn")
    for key, s in scores.items():
        print(f"{key:28} {s.precision():6.2f} {s.recall():6.2f} {s.tp:3} {s.fp:3} {s.fn:3}")
    tp = sum(s.tp for s in scores.values())
    fp = sum(s.fp for s in scores.values())
    fn = sum(s.fn for s in scores.values())
    print(
        f"{'all':28} {tp / max(1, tp + fp):6.2f} {tp / max(1, tp + fn):6.2f} {tp:3} {fp:3} {fn:3}"
    )
    if coverage:
        got, want = sum(c[0] for c in coverage), sum(c[1] for c in coverage)
        print(
            f"field-of-use: {got} labels reported for {want} labelled uses over {len(coverage)} texts"
        )
    print("terms by certainty: " + ", ".join(f"{k} {v}" for k, v in sorted(certainty.items())))
    if not quiet:
        print("disagreements:")
        for s in scores.values():
            for d in s.disagreements:
                print("  " + d)
    return scores


def rules_reader(slug: str, nt: NormalizedText) -> list[Term]:
    return extract_terms(nt, slug)


def known_reader() -> Callable[[str, NormalizedText], list[Term]] | None:
    """Identify, then report the identified licence's terms; None when identification is not installed."""
    try:
        from smallprint.identify import identify_text  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    from smallprint.evaluators.terms import terms_for_result
    from smallprint.kb import default_kb

    kb = default_kb()

    def read(slug: str, nt: NormalizedText) -> list[Term]:
        text = "\n".join(nt.raw_lines)
        matches = identify_text(text, slug, kb)
        own = {m.id for m in matches} | {"rules"}
        # policies incorporated by reference are labelled in the corpus as their own items
        return [
            t
            for t in terms_for_result(matches, nt, slug, kb)
            if t.source in own or any(e.file == slug for e in t.evidence)
        ]

    return read


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    corpus = Path(args[0]) if args else DEFAULT_CORPUS
    quiet = "--quiet" in argv
    if "--rules-only" not in argv:
        reader = known_reader()
        if reader is None:
            print("(a) known path: smallprint.identify is not available; skipped")
        else:
            run(corpus, reader, "(a) terms of the identified licence", quiet)
    run(corpus, rules_reader, "(b) clause rules alone (every text read as unknown)", quiet)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
