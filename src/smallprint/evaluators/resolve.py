"""One licence for a model, from every place it declares one.

A model states its licence in several places (card `license` tag, `license_name` /
`license_link`, licence files, GGUF keys, safetensors metadata, README prose) and they
do not always agree. Each claim is identified on its own; then one wins by the
strength of its place: a licence file is the text that actually grants rights, a
weight-file key travels with the weights, a card tag is a label, prose is a hint.
Disagreements are reported, never silently dropped.
"""

from __future__ import annotations

import dataclasses
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

from smallprint.kb import KnowledgeBase, LicenseEntry
from smallprint.model import (
    Evidence,
    Finding,
    LicenseClaim,
    LicenseMatch,
    LicenseResult,
    ModelFacts,
)

__all__ = ["ClaimReading", "Resolution", "claim_rank", "match_from_entry", "read_claim", "resolve_license"]

SPECIAL = ("other", "unknown", "none", "")
"""Card values that name no licence: `other` must be resolved from name/link/files."""

_RANK_BY_PREFIX = (
    ("file:", 0),
    ("gguf:", 1),
    ("safetensors:", 1),
    ("card:license_name", 2),
    ("card:license_link", 2),
    ("card:license", 3),
    ("card:license_details", 4),
    ("hub:", 4),
    ("bom:", 4),
    ("catalog", 5),
    ("card:prose", 6),
)
WEAK_PLACES = ("card:prose", "catalog")
"""Places that do not count as the model declaring a licence in its metadata."""

_SPLIT = re.compile(r"\s*(?:,|;|\bOR\b|\bAND\b|\bor\b|/)\s*")
_LONG_TEXT = 300
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://|^(?:www\.|huggingface\.co/|hf\.co/)", re.I)
_NAME_PLACES = ("card:license_name", "card:license_link", "gguf:general.license.name", "gguf:general.license.link")
_SPECIAL_PLACES = ("card:license", "gguf:general.license", "hub:tags", "bom:licenses")


def claim_rank(where: str) -> int:
    """Lower is stronger: which place wins when claims disagree."""
    for prefix, rank in _RANK_BY_PREFIX:
        if where.startswith(prefix):
            return rank
    return 5


@dataclass
class ClaimReading:
    """One claim with the licences it was identified as (empty when none is known)."""

    claim: LicenseClaim
    matches: list[LicenseMatch]
    special: str | None = None  # "other" / "unknown" when the card says so

    @property
    def ids(self) -> list[str]:
        return [m.id for m in self.matches]


@dataclass
class Resolution:
    """The licence that binds a model, the claims behind it and the findings on the way."""

    result: LicenseResult
    license_ids: list[str] = field(default_factory=list)  # all ids the winning place declares (dual licences)
    winner: ClaimReading | None = None
    readings: list[ClaimReading] = field(default_factory=list)
    declared: bool = False  # a metadata place (card field, file, weight key) names a known licence
    findings: list[Finding] = field(default_factory=list)

    @property
    def license_id(self) -> str | None:
        return self.license_ids[0] if self.license_ids else None


def match_from_entry(entry: LicenseEntry, method: str, evidence: Evidence, confidence: float = 1.0) -> LicenseMatch:
    """A LicenseMatch for a known entry found by reference (tag, name, key), located at the claim."""
    from smallprint.identify import license_match

    return license_match(entry, confidence, (evidence.start_line, evidence.end_line), method)


def _identify_reference(value: str, kb: KnowledgeBase) -> list[LicenseMatch]:
    """Short references through the identification matchers.

    A matcher that fails raises: the check of this model becomes an error, never a
    confident `no-license` answer built on a crash. The answer depends only on the value
    and the knowledge base, and registries repeat the same `license_name` values many
    times: it is memoised per knowledge base (copies are handed out, since callers adjust
    confidences)."""
    memo = _REFERENCE_MEMO.setdefault(kb, {})
    if value not in memo:
        from smallprint.identify import identify_reference

        found = list(identify_reference(value, kb))
        if len(memo) >= _REFERENCE_MEMO_SIZE:
            memo.clear()
        memo[value] = found
    return [dataclasses.replace(m, deviations=list(m.deviations)) for m in memo[value]]


_REFERENCE_MEMO: weakref.WeakKeyDictionary[KnowledgeBase, dict[str, list[LicenseMatch]]] = weakref.WeakKeyDictionary()
_REFERENCE_MEMO_SIZE = 100_000


def _identify_text(text: str, path: str, kb: KnowledgeBase) -> list[LicenseMatch]:
    from smallprint.identify import identify_text

    return list(identify_text(text, path, kb))


def _lookup(value: str, kb: KnowledgeBase, ev: Evidence, method: str) -> list[LicenseMatch]:
    """Alias lookup of the whole value, then of each part of a list or expression."""
    entry = kb.get(value.strip())
    if entry is not None:
        return [match_from_entry(entry, method, ev)]
    out: list[LicenseMatch] = []
    if _URL.match(value.strip()):
        return out  # a link's path segments ("Qwen", "LICENSE") name no licence on their own
    parts = [p for p in _SPLIT.split(value.strip().strip("()")) if p]
    if len(parts) > 1:
        for part in parts:
            e = kb.get(part.strip("() "))
            if e is not None and e.id not in {m.id for m in out}:
                out.append(match_from_entry(e, method, ev))
    return out


def read_claim(claim: LicenseClaim, kb: KnowledgeBase) -> ClaimReading:
    """Identify what one claim names."""
    value = claim.value.strip()
    if claim.result is not None and claim.result.licenses:
        return ClaimReading(claim, list(claim.result.licenses))
    if claim.where in _SPECIAL_PLACES and value.lower() in SPECIAL:
        return ClaimReading(claim, [], special=value.lower() or "none")
    method = claim.where.split(":", 1)[0] if ":" in claim.where else claim.where
    if claim.where.startswith("file:") or len(value) > _LONG_TEXT:
        matches = _identify_text(value, claim.evidence.file or claim.where, kb)
        if not matches and len(value) <= _LONG_TEXT:
            matches = _lookup(value, kb, claim.evidence, method)
        return ClaimReading(claim, matches)
    if claim.where == "card:license_link" and not re.match(r"https?://", value, re.I):
        return ClaimReading(claim, [])  # a relative link names a file; the file claim speaks for it
    matches = _lookup(value, kb, claim.evidence, method) or _identify_reference(value, kb)
    return ClaimReading(claim, matches)


def _rank_in(reading: ClaimReading, said_other: bool, origin: str = "") -> float:
    """license_name/link stand in for the tag only when the tag says `other`; else they rank below it.

    On the Hub the card is the publisher's own statement, and a weight header is usually a
    converter's copy of the *source* model's card: there the card wins and the header only
    raises `sources-disagree`. In a local folder the file in hand (header) wins."""
    where = reading.claim.where
    if where in ("card:license_name", "card:license_link") and not said_other:
        return claim_rank("card:license") + 1
    if origin == "hub" and where.startswith(("gguf:", "safetensors:")):
        return claim_rank("card:license") + 0.5
    return claim_rank(where)


def _distinct_ids(readings: list[ClaimReading]) -> list[str]:
    seen: list[str] = []
    for r in readings:
        for i in r.ids:
            if i not in seen:
                seen.append(i)
    return seen


def _same_licence(a: list[str], b: list[str]) -> bool:
    return bool(set(a) & set(b))


def _disagreement(winner: ClaimReading, other: ClaimReading) -> Finding:
    why = (
        "a licence file is the text that grants the rights"
        if winner.claim.where.startswith("file:")
        else f"{winner.claim.where} is a stronger place than {other.claim.where}"
    )
    return Finding(
        code="sources-disagree",
        severity="warning",
        message=(
            f"{other.claim.where} says {'/'.join(other.ids)} but {winner.claim.where} says "
            f"{'/'.join(winner.ids)}; {'/'.join(winner.ids)} is used because {why}"
        ),
        evidence=[winner.claim.evidence, other.claim.evidence],
    )


def _family_note(entry: LicenseEntry | None) -> str | None:
    if entry is not None and entry.kind == "family":
        return f"{entry.id} names a licence family, not one licence: read the licence file for the exact terms"
    return None


def resolve_license(
    facts: ModelFacts,
    kb: KnowledgeBase,
    *,
    terms_of: Callable[[LicenseEntry], list] | None = None,
) -> Resolution:
    """Pick the licence that binds the model from all its claims; report what disagrees or is missing."""
    readings = [read_claim(c, kb) for c in facts.license_claims]
    path = facts.card_path or facts.target
    res = Resolution(result=LicenseResult(path=path), readings=readings)
    policies = [r for r in readings if r.matches and all(m.kind == "use-policy" for m in r.matches)]
    known = [r for r in readings if r.matches and r not in policies]  # a use policy grants nothing: not a licence
    weak = ("card:prose",) if facts.origin == "catalog" else WEAK_PLACES  # a catalog entry is its own declaration
    strong = [r for r in known if not r.claim.where.startswith(weak)]
    said_other = [r for r in readings if r.special == "other"]
    said_none = any(r.special in ("other", "unknown") for r in readings)
    # prose may stand in for a missing tag, never for a tag that says other/unknown: that card chose not to say
    pool = strong or ([] if said_none else known)
    if pool:
        best = min(pool, key=lambda r: _rank_in(r, bool(said_other), facts.origin))
        same_place = [r for r in pool if r.claim.where == best.claim.where]
        res.winner = best
        res.license_ids = _distinct_ids(same_place)
        res.declared = bool(strong)
        for r in same_place:
            for m in r.matches:
                if m.id not in {x.id for x in res.result.licenses}:
                    res.result.licenses.append(m)
        for r in strong:
            if r.claim.where != best.claim.where and not _same_licence(r.ids, res.license_ids):
                res.findings.append(_disagreement(best, r))
    res.findings.extend(_name_beside_tag(readings))
    if res.winner is not None:
        res.findings.extend(_foreign_policies(policies, res, kb))
    if said_other and not strong:
        res.findings.append(_other_unresolved(said_other[0], readings))
    elif not strong and not said_other:
        unknown = _declared_unknown(readings, policies, facts)
        res.findings.append(_unknown_declared(facts, unknown) if unknown else _no_license(facts, readings))
    note = _family_note(kb.get(res.license_id) if res.license_id else None)
    if note:
        res.findings.append(Finding("license-family-only", "info", note, [res.winner.claim.evidence] if res.winner else []))
    if terms_of is not None:
        res.result.terms.extend(_resolved_terms(res, kb, terms_of))
    return res


def _resolved_terms(res: Resolution, kb: KnowledgeBase, terms_of: Callable[[LicenseEntry], list]) -> list:
    """The small print of the resolved licence. A licence file is read itself (its clauses,
    its lines, its deviations); a licence only named (card tag, GGUF key, catalog) gets the
    reference text's terms, never at "high" certainty: this copy was not read."""
    win = res.winner
    if win is not None and win.claim.where.startswith("file:") and win.matches:
        from smallprint.evaluators.terms import terms_for_result
        from smallprint.text import normalize

        file = win.claim.evidence.file or win.claim.where.removeprefix("file:")
        return list(terms_for_result(win.matches, normalize(win.claim.value), file, kb))
    where = win.claim.where if win is not None else "metadata"
    out = []
    for lid in res.license_ids:
        entry = kb.get(lid)
        if entry is None:
            continue
        for t in terms_of(entry):
            if t.certainty == "high":
                t.certainty = "medium"
            t.note = f"declared in {where}; " + (t.note or "terms from the bundled reference text")
            out.append(t)
    return out


def _foreign_policies(policies: list[ClaimReading], res: Resolution, kb: KnowledgeBase) -> list[Finding]:
    """A shipped use policy belongs with the licences that incorporate it; beside another licence it
    suggests the model is really under that one."""
    out: list[Finding] = []
    for r in policies:
        owners = sorted(e.id for e in kb if any(m.id in e.incorporates for m in r.matches))
        if not owners or set(owners) & set(res.license_ids) or res.winner is None:
            continue
        out.append(
            Finding(
                code="sources-disagree",
                severity="warning",
                message=(
                    f"{r.claim.where} is {'/'.join(r.ids)}, the use policy of {', '.join(owners)}, but "
                    f"{res.winner.claim.where} says {'/'.join(res.license_ids)}: the model may really be under "
                    f"{owners[0]}"
                ),
                evidence=[res.winner.claim.evidence, r.claim.evidence],
            )
        )
    return out


def _name_beside_tag(readings: list[ClaimReading]) -> list[Finding]:
    """`license_name` belongs with `license: other`; beside a real tag naming something else it is broken."""
    tags = [r for r in readings if r.claim.where == "card:license" and r.matches]
    names = [r for r in readings if r.claim.where == "card:license_name"]
    if not tags or not names or any(_same_licence(n.ids, t.ids) for n in names for t in tags):
        return []
    n, t = names[0], tags[0]
    return [
        Finding(
            "broken-metadata",
            "warning",
            f"license: {t.claim.value} together with license_name: {n.claim.value!r}: license_name is meant for "
            "license: other, and here it names a different licence",
            [t.claim.evidence, n.claim.evidence],
        )
    ]


def _other_unresolved(other: ClaimReading, readings: list[ClaimReading]) -> Finding:
    hints = [r for r in readings if r.claim.where in _NAME_PLACES]
    said = ", ".join(f"{r.claim.where.split(':')[1]}: {r.claim.value!r}" for r in hints) or "no license_name or license_link"
    prose = [r for r in readings if r.claim.where == "card:prose"]
    tail = f"; the card text mentions {prose[0].claim.value!r}" if prose else ""
    return Finding(
        code="license-other-unresolved",
        severity="warning",
        message=f"license: other with {said}, and no licence file names a known licence{tail}: read the card and files",
        evidence=[other.claim.evidence] + [r.claim.evidence for r in hints + prose],
    )


def _declared_unknown(readings: list[ClaimReading], policies: list[ClaimReading], facts: ModelFacts) -> list[ClaimReading]:
    """Claims in metadata places (catalog included) that name a licence smallprint does not know."""
    weak = ("card:prose",) if facts.origin == "catalog" else ("card:prose",)
    return [
        r for r in readings
        if not r.matches and r.special is None and r not in policies and r.claim.value.strip()
        and not r.claim.where.startswith(weak) and not r.claim.where.startswith("file:")
        and r.claim.where != "card:license_link"
    ]


def _unknown_declared(facts: ModelFacts, unknown: list[ClaimReading]) -> Finding:
    """A licence is declared, but not one the knowledge base knows: never "no licence"."""
    first = unknown[0]
    link = next((r.claim.value for r in unknown if re.match(r"https?://", r.claim.value, re.I)), None)
    url = facts.card_data.get("license_link") if isinstance(facts.card_data.get("license_link"), str) else None
    where = first.claim.where.split(":", 1)[-1] if first.claim.where.startswith("card:") else first.claim.where
    read = f" at {link or url}" if (link or url) else ""
    return Finding(
        code="license-other-unresolved",
        severity="warning",
        message=(f"{where} declares {first.claim.value.strip()[:120]!r}, a licence smallprint does not know: "
                 f"its terms are not known here, read it{read}"),
        evidence=[r.claim.evidence for r in unknown],
    )


def _no_license(facts: ModelFacts, readings: list[ClaimReading]) -> Finding:
    prose = [r for r in readings if r.claim.where == "card:prose"]
    unknown = [r for r in readings if r.special == "unknown"]
    parts = ["the metadata declares no licence"]
    if unknown:
        parts = ["the card says license: unknown"]
    if prose:
        parts.append(f"the card text mentions {prose[0].claim.value!r}, which is not a declaration")
    where = facts.model_id or facts.target
    return Finding(
        code="no-license",
        severity="warning",
        message=f"{where}: " + "; ".join(parts) + ": without a licence no rights are granted",
        evidence=[r.claim.evidence for r in unknown + prose] or [_absence(facts)],
    )


def _absence(facts: ModelFacts) -> Evidence:
    """Where the licence is missing from: the card's front matter, else the target itself."""
    if facts.card_path:
        return Evidence(facts.card_path, 1, 1, "the card metadata has no license field")
    return Evidence(facts.target, 0, 0, "no model card (README.md) and no licence file")
