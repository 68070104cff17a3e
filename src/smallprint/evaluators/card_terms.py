"""Conditions a model card's prose adds to its declared licence.

A card may declare `license: apache-2.0` and say in its text "intended for non-commercial
use only", "not used to compete with OpenAI" or "subject to additional terms: Gemma Terms
of Use". Those sentences narrow what the declared licence allows, so they become terms
(source `card`, or the id of a known licence the card incorporates), each with the
card line as evidence, and a `card-restricts-license` finding. The policy then applies
the strictest of all terms; nothing here ever widens a use.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from smallprint.kb import KnowledgeBase, LicenseEntry
from smallprint.model import Certainty, Evidence, Finding, ModelFacts, Term

__all__ = ["CardConditions", "card_conditions"]

CARD_SOURCE = "card"
_NARROWING_KINDS = ("non-commercial", "research-only")
_INTENT_ONLY = re.compile(r"\bintended\b|\bdesigned\b|\bmeant\b|\bprimarily\b", re.I)
_LICENCE_WORDS = re.compile(r"\blicen[cs]\w*|\bterms\b|\bcondition\b|\bpermitted\b|\bprohibited\b|\bmay\b|\bmust\b", re.I)
_GENERIC = frozenset(
    "the a an this these its their our of and or for to use usage terms term licence license licenses licences "
    "agreement conditions condition policy policies restrictions additional further separate other service "
    "services model models original its".split()
)


@dataclass
class CardConditions:
    """What the card's prose adds: terms (strictest first), findings, and the licences it brings in."""

    terms: list[Term] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    incorporated: list[str] = field(default_factory=list)

    @property
    def restricts(self) -> bool:
        return bool(self.findings)


def _words(s: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", s.lower()) if w not in _GENERIC}


def _names_declared(value: str, declared: Sequence[LicenseEntry]) -> bool:
    """"the Meta license" beside a declared Llama licence, "this licence": the declared licence itself."""
    words = _words(value)
    if not words:
        return True
    for e in declared:
        known = _words(" ".join([e.id, e.name, e.family, e.publisher or "", *e.aliases]))
        if words <= known:
            return True
    return False


def _identify(value: str, kb: KnowledgeBase) -> LicenseEntry | None:
    entry = kb.get(value.strip()) or kb.lookup(value.strip())
    if entry is not None:
        return entry
    try:
        from smallprint.identify import identify_reference

        matches = identify_reference(value, kb)
    except Exception:  # noqa: BLE001 - an unreadable reference stays unknown, it never sinks the check
        return None
    best = max(matches, key=lambda m: m.confidence, default=None)
    return kb.get(best.id) if best is not None and best.confidence >= 0.5 else None


def _has_restriction(terms: Iterable[Term], key: str) -> bool:
    return any(t.key == key and t.value is True for t in terms)


def card_conditions(
    facts: ModelFacts,
    license_ids: Sequence[str],
    own_terms: Sequence[Term],
    kb: KnowledgeBase,
    terms_of: Callable[[LicenseEntry], list[Term]] | None = None,
) -> CardConditions:
    """The terms and findings that the card's prose adds to (or narrows in) the declared licence."""
    out = CardConditions()
    if not facts.card_text:
        return out
    from smallprint.sources.card_prose import prose_conditions

    declared = [e for e in (kb.get(i) for i in license_ids) if e is not None]
    policies = {p for e in declared for p in e.incorporates}
    kinds = {e.kind for e in declared}
    have = list(own_terms)
    named = "/".join(license_ids) or "no licence"
    for cond in prose_conditions(facts.card_text, facts.card_path):
        ev = cond.evidence
        weak = bool(_INTENT_ONLY.search(ev.quote or "")) and not _LICENCE_WORDS.search(ev.quote or "")
        certainty: Certainty = "low" if weak else "medium"
        note = "stated in the model card's text" + (" as intended use" if weak else "")
        added: list[Term] = []
        what = ""
        if cond.kind == "non-commercial":
            if kinds & {"non-commercial", "research-only"} or _has_restriction(have, "non-commercial") or _has_restriction(
                have, "research-only"
            ):
                continue
            added.append(Term("non-commercial", True, certainty, [ev], CARD_SOURCE, note))
            what = "limits use to non-commercial purposes"
        elif cond.kind == "research-only":
            if "research-only" in kinds or _has_restriction(have, "research-only"):
                continue
            added.append(Term("research-only", True, certainty, [ev], CARD_SOURCE, note))
            what = "limits use to research"
        elif cond.kind == "no-compete":
            added.append(Term("commercial-use", "conditional", certainty, [ev], CARD_SOURCE,
                              note + ": only for uses that do not compete with the party named"))
            if not _has_restriction(have, "no-training-other-models"):
                added.append(Term("no-training-other-models", True, certainty, [ev], CARD_SOURCE, note))
            what = "forbids uses that compete with another party (developing competing models included)"
        elif cond.kind == "no-training":
            if _has_restriction(have, "no-training-other-models"):
                continue
            added.append(Term("no-training-other-models", True, certainty, [ev], CARD_SOURCE, note))
            what = "forbids using the model or its outputs to train other models"
        elif cond.kind == "incorporates":
            entry = _identify(cond.value, kb)
            if entry is not None:
                if entry.id in license_ids or entry.id in policies or entry.id in out.incorporated:
                    continue
                if entry.kind in ("osi-code", "open-data") and kinds <= {"osi-code", "open-data"} and declared:
                    continue  # permissive terms beside a permissive licence add no restriction worth a finding
                out.incorporated.append(entry.id)
                for t in terms_of(entry) if terms_of is not None else []:
                    t.certainty = "medium" if t.certainty == "high" else t.certainty
                    t.evidence = [ev, *t.evidence]
                    t.note = f"the model card makes the model subject to {entry.id} (line {ev.start_line})"
                    added.append(t)
                if not added:
                    added.append(Term("acceptable-use-policy", entry.name, "low", [ev], CARD_SOURCE, note))
                what = f"makes the model subject to {entry.name} ({entry.id})"
            else:
                if _names_declared(cond.value, declared):
                    continue
                added.append(Term("acceptable-use-policy", cond.value, "low", [ev], CARD_SOURCE,
                                  note + ": other terms, not known here, apply: read them"))
                what = f"makes the model subject to other terms ({cond.value!r}) that are not known here"
        if not added:
            continue
        out.terms.extend(added)
        have.extend(added)
        out.findings.append(
            Finding(
                "card-restricts-license",
                "warning",
                f"the model card's text {what}, beyond what the declared licence ({named}) says: "
                f"line {ev.start_line}: {(ev.quote or '')[:200]!r}; the stricter terms apply",
                [ev],
            )
        )
    return out


def restricting_conditions(facts: ModelFacts, license_ids: Sequence[str], kb: KnowledgeBase) -> list[Evidence]:
    """Card lines that narrow the declared licence (for openness: restricted weights)."""
    got = card_conditions(facts, license_ids, [], kb, None)
    return [f.evidence[0] for f in got.findings if f.evidence]
