"""The small print of an input: known licences' terms located in the copy, clause rules for the rest.

A known licence's terms come from the knowledge base; each is pinned to the clause
of the input that carries it (its anchor phrases). A clause that was edited or
removed in the copy is re-read by the clause rules, so an edited deal is reported
as the copy states it, never silently as the reference does. Policies a licence
incorporates (Llama's acceptable use policy, Gemma's prohibited use policy) are
reported with it: from the input when the policy text is there, else from the
bundled reference text of the policy.

One Term per key per source: a file holding two licences (a dual-licence notice)
reports the terms of each, each tagged with its licence id, rather than merging
them into one verdict; the policy evaluator decides what the combination means.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence

from smallprint.evaluators.clauses import (
    clause_quote,
    extract_terms,
    hit_to_term,
    read_document,
    rule_hits,
)
from smallprint.kb import KnowledgeBase, LicenseEntry, TermSpec, per_knowledge_base
from smallprint.model import Certainty, Deviation, Evidence, LicenseMatch, Term
from smallprint.text import NormalizedText, normalize, sentence_around, words_of

__all__ = ["explain_terms", "terms_for_match", "terms_for_result"]

_RANK = {"high": 0, "medium": 1, "low": 2}
FULL_TEXT_METHODS = frozenset({"exact", "fulltext"})
"""Matcher methods that find a copy of the licence text (others only name it: a reference, SPDX id, URL)."""
LOOSE_VALUE_KEYS = frozenset({"acceptable-use-policy", "geographic", "field-of-use"})
"""Keys whose value is a description: two wordings of one clause agree when both say something."""
MIN_UNCOVERED_WORDS = 8
"""Text outside every known licence shorter than this (a title, a copyright line) is not read by rules;
one short sentence after a licence ("for non-commercial use only") is."""


def _kb_ref(entry_id: str) -> str:
    return f"kb:{entry_id}"


def _anchor_spans(nt: NormalizedText, anchors: Iterable[str], region: tuple[int, int] | None) -> list[tuple[int, int]]:
    """Word spans of every anchor phrase found (within the region's lines when given)."""
    spans: list[tuple[int, int]] = []
    for anchor in anchors:
        words = words_of(anchor)
        if not words:
            continue
        for s, e in nt.find_all(words):
            if region is None or region[0] <= nt.lines[s] <= region[1]:
                spans.append((s, e))
                break
    return spans


def _evidence_for(nt: NormalizedText, span: tuple[int, int], file: str | None) -> Evidence:
    """The sentence around an anchor, quoted with its lines."""
    s, e = sentence_around(nt, span)
    sl, el = nt.span_lines(s, e)
    return Evidence(file=file, start_line=sl, end_line=el, quote=clause_quote(nt, s, e))


def _located(spec: TermSpec, nt: NormalizedText, file: str | None, region: tuple[int, int] | None) -> list[Evidence]:
    seen: set[tuple[int, int]] = set()
    out: list[Evidence] = []
    for span in _anchor_spans(nt, spec.anchors, region):
        ev = _evidence_for(nt, span, file)
        if (ev.start_line, ev.end_line) not in seen:
            seen.add((ev.start_line, ev.end_line))
            out.append(ev)
    return out


def _kb_only(spec: TermSpec, source: str, why: str) -> Term:
    note = why if not spec.note else f"{why}; {spec.note}"
    return Term(spec.key, spec.value, "medium", [], source=source, note=note)


def _reference_term(spec: TermSpec, entry: LicenseEntry, ref: NormalizedText | None, note: str | None = None) -> Term:
    """A term read from the bundled reference text of `entry` (file "kb:<id>")."""
    if ref is None:
        return _kb_only(spec, entry.id, "from the knowledge base; no reference text bundled")
    evidence = _located(spec, ref, _kb_ref(entry.id), None)
    if not evidence:
        return _kb_only(spec, entry.id, "from the knowledge base; anchor not found in the reference text")
    parts = [p for p in (note, spec.note) if p]
    return Term(spec.key, spec.value, "high", evidence, source=entry.id, note="; ".join(parts) or None)


def _deviation_evidence(spec: TermSpec, deviations: Sequence[Deviation], file: str | None) -> list[Evidence]:
    """Deviations whose reference passage holds one of the term's anchors: where the clause was edited."""
    out: list[Evidence] = []
    for d in deviations:
        ref_words = " " + " ".join(words_of(d.reference)) + " "
        if d.start_line is None or d.end_line is None:
            continue
        if any(" " + " ".join(words_of(a)) + " " in ref_words for a in spec.anchors if words_of(a)):
            out.append(Evidence(file=file, start_line=d.start_line, end_line=d.end_line, quote=" ".join(d.text.split())[:300]))
    return out


def _term_in_copy(
    spec: TermSpec,
    entry: LicenseEntry,
    nt: NormalizedText,
    path: str | None,
    region: tuple[int, int] | None,
    deviations: Sequence[Deviation],
) -> Term:
    """One known term located in the input, or re-read by the rules where its clause was changed."""
    evidence = _located(spec, nt, path, region)
    if evidence:
        return Term(spec.key, spec.value, "high", evidence, source=entry.id, note=spec.note)
    if not spec.anchors:
        return _kb_only(spec, entry.id, "from the knowledge base; no anchor phrase recorded for this clause")
    hits = rule_hits(read_document(nt, region), [spec.key])
    if spec.key in hits:
        term = hit_to_term(hits[spec.key], nt, path, source=entry.id)
        term.certainty = "medium"
        if _same_deal(spec.key, spec.value, term.value):
            term.value = spec.value if spec.key in LOOSE_VALUE_KEYS else term.value
            term.note = f"worded differently from the reference {entry.id}; read from the copy by clause rules"
        else:
            term.note = f"differs from the reference {entry.id} (reference says {spec.value!r}); read from the copy by clause rules"
        return term
    return Term(
        spec.key,
        spec.value,
        "low",
        _deviation_evidence(spec, deviations, path),
        source=entry.id,
        note=f"clause not found in this copy; reference {entry.id} says {spec.value!r}: check the deviations",
    )


def _same_deal(key: str, reference: object, copy: object) -> bool:
    """Whether the copy's value says what the reference's does (descriptions compare by presence)."""
    if key in LOOSE_VALUE_KEYS:
        return bool(reference) == bool(copy)
    if isinstance(reference, str) and isinstance(copy, str):
        return reference.casefold() == copy.casefold()
    return reference == copy and type(reference) is type(copy)


def _policy_in_text(policy: LicenseEntry, nt: NormalizedText) -> bool:
    """True when most of the policy's anchored clauses are in the input (the policy is included)."""
    anchored = [t for t in policy.terms if t.anchors]
    if not anchored:
        return False
    found = sum(1 for t in anchored if _anchor_spans(nt, t.anchors, None))
    return found * 2 >= len(anchored) and found > 0


@per_knowledge_base
def _normalized_references(kb: KnowledgeBase) -> dict[str, NormalizedText | None]:
    """Bundled reference texts, normalised on first use and kept while the knowledge base
    lives: normalising a long licence again on every call was half the cost of a warm licence."""
    return {}


def _reference(kb: KnowledgeBase, entry: LicenseEntry) -> NormalizedText | None:
    cache = _normalized_references(kb)
    if entry.id not in cache:
        txt = kb.text(entry.id) if entry.text.present else None
        cache[entry.id] = normalize(txt) if txt else None
    return cache[entry.id]


def terms_for_match(
    entry: LicenseEntry,
    text: NormalizedText | None,
    path: str | None,
    *,
    kb: KnowledgeBase,
    region: tuple[int, int] | None = None,
    deviations: Sequence[Deviation] = (),
) -> list[Term]:
    """A known licence's terms and those of the policies it incorporates, located in the input.

    `region` limits the search to the matched licence's lines; `deviations` (from the
    matcher) point at edited clauses. Without input text the reference text is used.
    """
    if text is None:
        return explain_terms(entry, kb)
    out = [_term_in_copy(spec, entry, text, path, region, deviations) for spec in entry.terms]
    for policy in kb.policies_of(entry):
        if _policy_in_text(policy, text):
            out.extend(_term_in_copy(spec, policy, text, path, None, deviations) for spec in policy.terms)
        else:
            ref = _reference(kb, policy)
            note = f"incorporated by reference by {entry.id}; quoted from the bundled policy text"
            out.extend(_reference_term(spec, policy, ref, note) for spec in policy.terms)
    return out


def explain_terms(entry: LicenseEntry, kb: KnowledgeBase) -> list[Term]:
    """A known licence's terms (and its incorporated policies'), quoted from the bundled reference texts."""
    out = [_reference_term(spec, entry, _reference(kb, entry)) for spec in entry.terms]
    for policy in kb.policies_of(entry):
        note = f"incorporated by reference by {entry.id}"
        ref = _reference(kb, policy)
        out.extend(_reference_term(spec, policy, ref, note) for spec in policy.terms)
    return out


def _holds_copy(m: LicenseMatch, nt: NormalizedText, kb: KnowledgeBase, entry: LicenseEntry) -> bool:
    """True when the match is a copy of the licence text, not a mention of its name, id or URL."""
    if m.method not in FULL_TEXT_METHODS:
        return False
    if m.method == "exact":
        return True  # the whole input is the reference text, word for word
    ref = _reference(kb, entry)
    if ref is None:
        return True
    # nt.lines is each word's line, in order: count the words on the match's lines by bisection
    # (a sum over every word, per match, was quadratic on a text holding many copies)
    words = bisect_right(nt.lines, m.end_line) - bisect_left(nt.lines, m.start_line)
    return words * 4 >= len(ref.words)


def _named_terms(entry: LicenseEntry, kb: KnowledgeBase, m: LicenseMatch) -> list[Term]:
    """Terms of a licence the input only names: quoted from the bundled reference text."""
    terms = explain_terms(entry, kb)
    where = f"named at line {m.start_line}" if m.start_line == m.end_line else f"named at lines {m.start_line}-{m.end_line}"
    # The input only names the licence: its terms are the reference text's, not read from
    # this file, so never "high"; a name that does not settle the version is only a hint.
    sure: Certainty = "medium" if m.confidence >= 0.8 else "low"
    for t in terms:
        t.note = f"licence {where}; " + (t.note or "terms from the bundled reference text")
        if t.certainty == "high" or sure == "low":
            t.certainty = sure
    return terms


RESTRICTION_KEYS = frozenset(
    {"non-commercial", "research-only", "user-threshold", "revenue-threshold", "no-training-other-models",
     "field-of-use", "geographic", "commercial-use", "same-license", "use-restrictions-flow-down"}
)  # fmt: skip
"""What an added clause can take away: read by the rules in the passages a copy adds to a known licence."""


def _added_clause_terms(m: LicenseMatch, nt: NormalizedText, path: str) -> list[Term]:
    """Restrictions the copy adds to a known licence (an added or changed passage), read by the rules."""
    out: list[Term] = []
    for d in m.deviations:
        if d.kind == "removed" or d.start_line is None or d.end_line is None:
            continue
        for t in extract_terms(nt, path, region=(d.start_line, d.end_line)):
            if t.key not in RESTRICTION_KEYS or (t.key == "commercial-use" and t.value is True):
                continue
            t.note = f"added to this copy of {m.id} at lines {d.start_line}-{d.end_line}; " + (t.note or "read by clause rules")
            out.append(t)
    return out


_ADDED_CONDITION = re.compile(r"\b(?:shall|must|may not|only|not be used|prohibit\w*|restrict\w*|except)\b")


def _flag_added_conditions(terms: list[Term], m: LicenseMatch) -> None:
    """A copy that adds or changes words with a condition in them ("shall be used for Good,
    not Evil") is not the reference's plain grant: its 'allowed' is no longer 'high'."""
    changed = [d for d in m.deviations if d.kind != "removed" and _ADDED_CONDITION.search(d.text)]
    if not changed:
        return
    where = ", ".join(f"{d.start_line}-{d.end_line}" for d in changed[:3])
    for t in terms:
        if t.source == m.id and t.key == "commercial-use" and t.value is True and t.certainty == "high":
            t.certainty = "medium"
            t.note = f"the copy adds or changes a condition (lines {where}); read the deviations. " + (t.note or "")


def _flag_overridden(terms: list[Term], added: list[Term], m: LicenseMatch) -> None:
    """A known licence's 'commercial use allowed' is no longer sure when the copy adds a restriction."""
    if not added:
        return
    where = ", ".join(f"{e.start_line}-{e.end_line}" for t in added for e in t.evidence[:1])
    for t in terms:
        if t.source == m.id and t.key == "commercial-use" and t.value is True:
            t.certainty = "low"
            t.note = f"the copy adds a clause that may restrict this (lines {where}); read it. " + (t.note or "")


def _uncovered_lines(nt: NormalizedText, regions: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Runs of input lines, holding words, that no matched licence covers."""
    covered: set[int] = set()
    for a, b in regions:
        covered.update(range(a, b + 1))
    runs: list[tuple[int, int]] = []
    for line in sorted(set(nt.lines)):
        if line in covered:
            continue
        if runs and all(x not in covered for x in range(runs[-1][1], line)):
            runs[-1] = (runs[-1][0], line)
        else:
            runs.append((line, line))
    return runs


def _words_in(nt: NormalizedText, run: tuple[int, int]) -> int:
    return sum(1 for ln in nt.lines if run[0] <= ln <= run[1])


def _dedupe(terms: Iterable[Term]) -> list[Term]:
    """One term per (key, source): the surest one wins."""
    best: dict[tuple[str, str | None], Term] = {}
    order: list[tuple[str, str | None]] = []
    for t in terms:
        k = (t.key, t.source)
        if k not in best:
            order.append(k)
            best[k] = t
        elif _RANK[t.certainty] < _RANK[best[k].certainty]:
            best[k] = t
    return [best[k] for k in order]


def terms_for_result(matches: Sequence[LicenseMatch], text: NormalizedText, path: str, kb: KnowledgeBase) -> list[Term]:
    """The terms to report for one input: known licences' terms, and clause rules on what none covers.

    Terms keep their `source` (licence id, policy id, or "rules"); a dual-licence
    file shows the terms of both licences side by side.
    """
    out: list[Term] = []
    regions: list[tuple[int, int]] = []
    for m in matches:
        entry = kb.get(m.id)
        if entry is None:
            continue
        region = (m.start_line, m.end_line)
        regions.append(region)
        if m.variant_of is not None:
            out.extend(_variant_terms(m, entry, text, path, kb, region))
        elif _holds_copy(m, text, kb, entry):
            known = terms_for_match(entry, text, path, kb=kb, region=region, deviations=m.deviations)
            added = _added_clause_terms(m, text, path)
            _flag_added_conditions(known, m)
            _flag_overridden(known, [t for t in added if _restricts(t)], m)
            out.extend(known + added)
        else:
            out.extend(_named_terms(entry, kb, m))
    if not regions:
        out.extend(extract_terms(text, path))
        return _dedupe(out)
    around: list[Term] = []
    for run in _uncovered_lines(text, regions):
        if _words_in(text, run) >= MIN_UNCOVERED_WORDS:
            around.extend(extract_terms(text, path, region=run))
    restricting = [t for t in around if _restricts(t)]
    for m in matches:
        _flag_overridden(out, restricting, m)
    return _dedupe(out + around)


def _variant_terms(
    m: LicenseMatch, entry: LicenseEntry, text: NormalizedText, path: str, kb: KnowledgeBase, region: tuple[int, int]
) -> list[Term]:
    """A variant's terms are its own: read by the clause rules from this text; a term of the licence it
    resembles is kept only where the rules say nothing and its clause stands in this text as written."""
    head = (max(1, region[0] - 8), region[1])  # a line above the text ("for non-commercial purposes only") is its own
    rules = {t.key: t for t in extract_terms(text, path, region=head)}
    out: dict[str, Term] = {}
    for t in terms_for_match(entry, text, path, kb=kb, region=region, deviations=m.deviations):
        if t.source != entry.id or t.certainty != "high" or t.key in rules:
            continue  # a policy it incorporates, a clause not found as written, or one this text words itself
        t.source = "rules"
        t.certainty = "medium"
        t.note = f"the clause of {entry.id} found in this text, a variant of it" + (f"; {t.note}" if t.note else "")
        out[t.key] = t
    for key, t in rules.items():
        t.note = f"read from this text (a variant of {entry.id})" + (f"; {t.note}" if t.note else "")
        out[key] = t
    return list(out.values())


def _restricts(t: Term) -> bool:
    """A rule term that takes something away from a grant."""
    if t.key == "commercial-use":
        return t.value is not True
    return t.key in ("non-commercial", "research-only", "user-threshold", "revenue-threshold")

