"""The library API: everything the command line does, as typed functions.

The command line (`smallprint.cli`) is a thin shell over these; other programs import them the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smallprint.documents import (
    DIFF_SCHEMA,
    EXPLAIN_SCHEMA,
    LICENSE_SCHEMA,
    diff_document,
    entry_summary,
    explain_document,
    license_document,
)
from smallprint.errors import InputError, SmallprintError
from smallprint.kb import KnowledgeBase, LicenseEntry, default_kb
from smallprint.model import Deviation, LicenseMatch, LicenseResult, Term
from smallprint.text import NormalizedText, normalize

# -- licence identification -------------------------------------------------------------


def identify_license_text(
    text: str, path: str = "-", kb: KnowledgeBase | None = None
) -> LicenseResult:
    """Which known licences a text holds (best first, with deviations) and its small print."""
    from smallprint.evaluators.terms import terms_for_result
    from smallprint.identify import identify_text

    kb = kb or default_kb()
    nt = normalize(text)
    notes: list[str] = []
    matches = identify_text(text, path, kb, normalized=nt, notes=notes)
    terms = terms_for_result(matches, nt, path, kb)
    return LicenseResult(path=path, licenses=matches, terms=terms, notes=notes)


def identify_license_file(path: str, kb: KnowledgeBase | None = None) -> LicenseResult:
    """Read a licence file (or "-" for standard input) and identify it; raises InputError."""
    from smallprint.inputs import read_text_file

    return identify_license_text(read_text_file(path), path, kb)


def license_results(paths: list[str], kb: KnowledgeBase | None = None) -> list[LicenseResult]:
    """One result per input; unreadable inputs carry `error` instead of raising."""
    out: list[LicenseResult] = []
    for p in paths:
        try:
            out.append(identify_license_file(p, kb))
        except SmallprintError as e:
            out.append(LicenseResult(path=p, error=str(e)))
    return out


def list_licenses(kind: str | None = None, kb: KnowledgeBase | None = None) -> list[LicenseEntry]:
    """The knowledge base's licences and use policies (of one kind), by family then id;
    InputError names the known kinds when `kind` is not one of them."""
    kb = kb or default_kb()
    kinds = sorted({e.kind for e in kb})
    if kind is not None and kind not in kinds:
        raise InputError(f"unknown kind {kind!r} (expected one of: {', '.join(kinds)})")
    return sorted((e for e in kb if kind is None or e.kind == kind), key=lambda e: (e.family, e.id))


# -- explain ----------------------------------------------------------------------------


@dataclass
class Explanation:
    """A known licence's facts and terms, with evidence in its reference text."""

    entry: LicenseEntry
    terms: list[Term]
    policies: list[LicenseEntry] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return explain_document(self)


_NOT_ONE_LICENCE = re.compile(
    r"(?:^|\s)(?:and|or|with|not|except|without|nor|but)(?:\s|$)|[,;&|!()]",
    re.I,
)
"""Words and signs that make a name into an expression or a negation ("not mit", "mit OR")."""


def resolve_license_id(name: str, kb: KnowledgeBase | None = None) -> LicenseEntry:
    """A licence entry by id, Hub tag, SPDX id, name, alias or URL; InputError if unknown."""
    kb = kb or default_kb()
    e = kb.get(name)
    if e is None and _NOT_ONE_LICENCE.search(name.strip()):
        raise InputError(
            f"{name}: not one licence (an expression, a negation or a list); "
            "give one licence id, name or URL (see 'smallprint licenses')"
        )
    if e is None:
        from smallprint.identify import identify_reference

        hits = identify_reference(name, kb)
        if len({h.id for h in hits}) == 1:  # several licences named is not one licence: never guess
            e = kb.get(hits[0].id)
    if e is None:
        raise InputError(f"{name}: not a known licence id, name or URL (see 'smallprint licenses')")
    return e


def explain(name: str, kb: KnowledgeBase | None = None) -> Explanation:
    from smallprint.evaluators.terms import explain_terms

    kb = kb or default_kb()
    e = resolve_license_id(name, kb)
    return Explanation(entry=e, terms=explain_terms(e, kb), policies=kb.policies_of(e))


# -- diff -------------------------------------------------------------------------------


@dataclass
class DiffSide:
    """One side of a comparison: a known licence or a file (identified when possible)."""

    label: str
    entry: LicenseEntry | None
    terms: list[Term]
    text: str | None
    file: str | None


@dataclass
class TermChange:
    key: str
    a: Term | None
    b: Term | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "a": None if self.a is None else self.a.to_dict(),
            "b": None if self.b is None else self.b.to_dict(),
        }


@dataclass
class LicenseDiff:
    a: DiffSide
    b: DiffSide
    changed_terms: list[TermChange]
    same_terms: list[str]
    passages: list[Deviation]

    def to_dict(self) -> dict[str, Any]:
        return diff_document(self)


def text_side(label: str, text: str, kb: KnowledgeBase | None = None) -> DiffSide:
    """One side of a comparison from a text already in hand (a stored licence text)."""
    kb = kb or default_kb()
    res = identify_license_text(text, label, kb)
    entry = kb.get(res.licenses[0].id) if res.licenses else None
    return DiffSide(label=label, entry=entry, terms=res.terms, text=text, file=label)


def _diff_side(arg: str, kb: KnowledgeBase) -> DiffSide:
    from smallprint.evaluators.terms import explain_terms

    if Path(arg).exists() or arg == "-":
        from smallprint.inputs import read_text_file

        return text_side(arg, read_text_file(arg), kb)
    e = resolve_license_id(arg, kb)
    return DiffSide(
        label=e.id, entry=e, terms=explain_terms(e, kb), text=kb.text(e.id), file=f"kb:{e.id}"
    )


def _term_map(terms: list[Term]) -> dict[str, Term]:
    out: dict[str, Term] = {}
    for t in terms:
        out.setdefault(t.key, t)
    return out


def diff(a: str, b: str, kb: KnowledgeBase | None = None) -> LicenseDiff:
    """Compare two licences (ids or files): terms that differ first, then changed passages."""
    kb = kb or default_kb()
    return diff_sides(_diff_side(a, kb), _diff_side(b, kb))


def diff_sides(sa: DiffSide, sb: DiffSide) -> LicenseDiff:
    """Compare two prepared sides (`diff` for ids and files; the watch for stored texts)."""
    from smallprint.matchers.deviations import find_deviations
    from smallprint.vocabulary import TERM_KEYS

    ta, tb = _term_map(sa.terms), _term_map(sb.terms)
    changed: list[TermChange] = []
    same: list[str] = []
    for key in TERM_KEYS:
        x, y = ta.get(key), tb.get(key)
        if x is None and y is None:
            continue
        if x is not None and y is not None and _same_value(x.value, y.value):
            same.append(key)
        else:
            changed.append(TermChange(key, x, y))
    passages: list[Deviation] = []
    if sa.text is not None and sb.text is not None:
        na, nb = normalize(sa.text), normalize(sb.text)
        # B's passages that differ from A: "reference" is A's wording, "text" is B's
        passages = find_deviations(nb, 0, len(nb.words), na)
    return LicenseDiff(sa, sb, changed, same, passages)


def _same_value(x: Any, y: Any) -> bool:
    if isinstance(x, list) and isinstance(y, list):
        return sorted(map(str.lower, x)) == sorted(map(str.lower, y))
    return bool(x == y)


__all__ = [
    "DIFF_SCHEMA",
    "EXPLAIN_SCHEMA",
    "LICENSE_SCHEMA",
    "Explanation",
    "LicenseDiff",
    "LicenseMatch",
    "LicenseResult",
    "NormalizedText",
    "diff",
    "diff_sides",
    "entry_summary",
    "explain",
    "identify_license_file",
    "identify_license_text",
    "license_document",
    "license_results",
    "list_licenses",
    "resolve_license_id",
    "text_side",
]
