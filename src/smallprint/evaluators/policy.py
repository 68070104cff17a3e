"""May we do this? A use profile against the terms of a model's licences.

Pure functions over `Term`s (with their evidence) and licence kinds: the texts are
never read here. Each rule looks at one term and the profile and says what it means:
a reason (blocked, needs-agreement, unclear, conditions) or a duty. The verdict is
the most severe reason; with duties and no worse reason it is `conditions`; only
with neither is it `allowed`.

Where smallprint cannot tell (unknown licence, a family id, proprietary terms without
facts, a copy that deviates from the reference, a low-certainty term that matters),
the answer is `unclear` and the reason names the clause to read: a wrong `allowed`
is the worst possible answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from smallprint.kb import KnowledgeBase, load_data
from smallprint.model import (
    CheckResult,
    DictView,
    Evidence,
    LicenseMatch,
    LineageNode,
    ModelFacts,
    Term,
)
from smallprint.policy.profiles import Profile
from smallprint.vocabulary import KINDS, valid_value

VerdictLevel = Literal["allowed", "conditions", "unclear", "needs-agreement", "blocked"]

VERDICTS: Final[tuple[VerdictLevel, ...]] = ("allowed", "conditions", "unclear", "needs-agreement", "blocked")
"""From most to least permissive. `unclear` sits above `conditions` (we cannot promise
the use is fine) and below `needs-agreement` (nothing found that positively stops it)."""


def severity(level: str) -> int:
    """Rank of a verdict level in `VERDICTS` (higher is stricter)."""
    return VERDICTS.index(level)  # type: ignore[arg-type]


@dataclass
class Reason:
    """Why the verdict is what it is, with the clause behind it."""

    level: VerdictLevel
    message: str
    term: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "message": self.message,
            "term": self.term,
            "level": self.level,
            "evidence": [e.to_dict() for e in self.evidence],
        }
        if self.source is not None:
            d["source"] = self.source
        return d


@dataclass
class Duty:
    """Something you must do for the use to be allowed, with the clause that demands it."""

    duty: str
    term: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "duty": self.duty,
            "term": self.term,
            "evidence": [e.to_dict() for e in self.evidence],
        }
        if self.source is not None:
            d["source"] = self.source
        return d


@dataclass
class Verdict(DictView):
    """One answer for one model (or licence) and one profile: the `verdict` field of check/1.

    `exception` is the organisation-policy exception that waives it (then `waived`)."""

    verdict: VerdictLevel
    profile: str
    reasons: list[Reason] = field(default_factory=list)
    duties: list[Duty] = field(default_factory=list)
    exception: dict[str, Any] | None = None

    @property
    def waived(self) -> bool:
        return self.exception is not None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "verdict": self.verdict,
            "profile": self.profile,
            "reasons": [r.to_dict() for r in self.reasons],
            "duties": [d.to_dict() for d in self.duties],
        }
        if self.exception is not None:
            d["waived"] = True
            d["exception"] = dict(self.exception)
        return d


# --- the licences behind the terms ---------------------------------------------------


@dataclass(frozen=True)
class _Licence:
    id: str
    kind: str | None  # None: not in the knowledge base
    deviations: tuple[Evidence, ...] = ()
    confidence: float = 1.0
    method: str | None = None
    variant_of: str | None = None
    variant_reasons: tuple[str, ...] = ()


WEAK_CONFIDENCE: Final = 0.6
"""Below this, a licence match (e.g. read from a card's prose) cannot carry a permissive verdict."""

_GRANT_KINDS: Final = frozenset({"open-weights", "restricted-model", "proprietary"})
"""Kinds whose commercial grant varies licence by licence: with no recorded term on it, nobody can tell."""

_SILENT_KINDS: Final = frozenset({"osi-code", "open-data", "open-weights", "restricted-model", "non-commercial", "research-only"})


def _licences(licenses: Sequence[LicenseMatch] | Sequence[str], kb: KnowledgeBase | None) -> list[_Licence]:
    out: list[_Licence] = []
    for lic in licenses:
        if isinstance(lic, LicenseMatch):
            devs = tuple(
                Evidence(None, d.start_line or 1, d.end_line or d.start_line or 1, (d.text or d.reference)[:300])
                for d in lic.deviations
            )
            out.append(_Licence(lic.id, lic.kind, devs, lic.confidence, lic.method, lic.variant_of,
                                tuple(lic.variant_reasons)))
            continue
        entry = _kb(kb).get(lic)
        out.append(_Licence(entry.id if entry else lic, entry.kind if entry else None))
    return out


def _kb(kb: KnowledgeBase | None) -> KnowledgeBase:
    if kb is not None:
        return kb
    from smallprint.kb import default_kb

    return default_kb()


def _licence_reasons(
    lics: list[_Licence], terms: list[Term], profile: Profile, unidentified: Reason | None = None
) -> list[Reason]:
    """What the licences alone say before any term is read: unknown, family, deviations..."""
    if not lics:
        if terms and all((t.source or "").startswith("lineage:") for t in terms):
            return [Reason("unclear", "No licence was identified for this model itself; the terms shown are "
                           "inherited from its base models: find the model's own licence.")]
        if terms:
            return [Reason("unclear", "The licence is not a known one; its terms were read by clause rules "
                           "and may be incomplete: read the licence text in full.")]
        return [unidentified or Reason("unclear", "No licence was identified: find the licence before using the model.")]
    reasons: list[Reason] = []
    term_sources = {t.source for t in terms}
    for lic in lics:
        if lic.kind is None or lic.kind not in KINDS:
            reasons.append(Reason("unclear", f"Licence {lic.id!r} is not in the knowledge base: read it in full.",
                                  source=lic.id))
        elif lic.kind == "family":
            reasons.append(Reason("unclear", f"{lic.id!r} names a family of licences, not one licence: "
                                  "find which member applies (read the licence file).", source=lic.id))
        elif lic.kind == "proprietary" and lic.id not in term_sources:
            reasons.append(Reason("unclear", f"{lic.id!r} is a proprietary licence with no known terms: "
                                  "read the publisher's terms.", source=lic.id))
        elif lic.kind == "use-policy" and all(x.kind == "use-policy" for x in lics):
            reasons.append(Reason("unclear", f"{lic.id!r} is a use policy, which grants no licence: "
                                  "find the licence it belongs to.", source=lic.id))
        if lic.kind == "non-commercial" and profile.commercial and not _has(terms, "non-commercial", lic.id):
            reasons.append(Reason("blocked", f"{lic.id!r} is a non-commercial licence and the use is commercial.",
                                  source=lic.id))
        if lic.kind == "research-only" and profile.commercial and not _has(terms, "research-only", lic.id):
            reasons.append(Reason("blocked", f"{lic.id!r} is a research-only licence and the use is commercial.",
                                  source=lic.id))
        if lic.kind in _GRANT_KINDS and profile.commercial and lic.id in term_sources and not any(
            t.key == "commercial-use" and t.source in (lic.id, None) for t in terms
        ):
            reasons.append(Reason("unclear", f"The terms recorded for {lic.id!r} do not say whether commercial use "
                                  "is granted: read the licence's grant and any commercial conditions.",
                                  source=lic.id))
        reasons += _unrecorded_rights(lic, terms, profile)
        if lic.kind == "proprietary" and profile.trains_on_outputs and not any(
            t.key == "no-training-other-models" for t in terms
        ):
            reasons.append(Reason("unclear", f"{lic.id!r} is a proprietary service whose terms on using its outputs "
                                  "to train models are not recorded here: read them before distilling.",
                                  source=lic.id))
        if lic.variant_of is not None:
            why = "; ".join(lic.variant_reasons[:2]) or "it changes the licence's terms"
            reasons.append(Reason("unclear", f"This text is a variant of {lic.variant_of!r}, not {lic.variant_of!r} "
                                  f"({why}): its terms were read from the text itself and may be incomplete; read it "
                                  "in full.", evidence=list(lic.deviations), source=lic.id))
        elif lic.confidence < WEAK_CONFIDENCE:
            reasons.append(Reason("unclear", f"{lic.id!r} was identified only weakly ({lic.method or 'indirectly'}, "
                                  f"confidence {lic.confidence:.2f}): confirm the licence from a licence file or the "
                                  "card's license field.", source=lic.id))
        if lic.deviations and lic.variant_of is None:
            reasons.append(Reason("unclear", f"This copy of {lic.id!r} deviates from the reference text: "
                                  "read the changed passages, they may change the terms.",
                                  evidence=list(lic.deviations), source=lic.id))
    if not terms and not reasons:
        reasons.append(Reason("unclear", "No terms are known for this licence: read it in full.",
                              source=lics[0].id))
    return reasons


def _unrecorded_rights(lic: _Licence, terms: list[Term], profile: Profile) -> list[Reason]:
    """Shipping or changing the weights under a licence whose recorded terms are silent on it.

    Only for kinds whose grants vary licence by licence, and only where the knowledge base
    has some terms for the licence (no terms at all is reported on its own)."""
    own = {t.key for t in terms if t.source in (lic.id, None)}
    if lic.kind not in _GRANT_KINDS or not own:
        return []
    out = []
    if profile.distributes and "distribution" not in own:
        if lic.kind == "proprietary":
            out.append(Reason("needs-agreement", f"{lic.id!r} grants no right to distribute the model (a service's "
                              "terms, no published weights): shipping it needs an agreement with the provider.",
                              source=lic.id))
        else:
            out.append(Reason("unclear", f"The terms recorded for {lic.id!r} do not say whether the weights may be "
                              "redistributed: read the licence's distribution clause.", source=lic.id))
    if profile.modifies and lic.kind != "proprietary" and "modification" not in own:
        out.append(Reason("unclear", f"The terms recorded for {lic.id!r} do not say whether the weights may be "
                          "modified (fine-tuned, merged, quantized): read the licence's grant.", source=lic.id))
    return out


def _has(terms: Iterable[Term], key: str, source: str) -> bool:
    return any(t.key == key and t.value is True and t.source in (source, None) for t in terms)


def _lineage_reasons(lineage: Sequence[LineageNode] | None) -> list[Reason]:
    """Ancestors whose licence is unknown may carry obligations nobody has read."""
    out = []
    for node in lineage or ():
        if node.depth > 0 and not node.license_id:
            out.append(Reason("unclear", f"The licence of base model {node.id!r} is unknown: its obligations "
                              "may bind this model; find it.", evidence=list(node.evidence),
                              source=f"lineage:{node.id}"))
    return out


# --- rules: one term and the profile -> reasons and duties --------------------------


@dataclass(frozen=True)
class _Context:
    profile: Profile
    terms: tuple[Term, ...]
    multimodal: bool | None
    multimodal_basis: str | None = None
    kinds: Mapping[str, str | None] = field(default_factory=dict)  # licence id -> kind, for the terms' clauses
    relicensed: frozenset[str] = frozenset()  # ancestors whose own publisher put this model under another licence

    def has_key(self, *keys: str) -> bool:
        return any(t.key in keys for t in self.terms)

    def kinds_of(self, t: Term) -> set[str | None]:
        """The kinds of the licences a term was read from (None where not known)."""
        return {self.kinds.get(i) for i in _licence_ids(t)} or {None}


_Outcome = Reason | Duty
_Rule = Callable[[Term, _Context], list[_Outcome]]


def _fmt_int(n: int) -> str:
    return f"{n:,}"


def _commercial_use(t: Term, c: _Context) -> list[_Outcome]:
    if not c.profile.commercial:
        return []
    if t.value is False:
        return [Reason("blocked", "Commercial use is not granted and the use is commercial.")]
    out: list[_Outcome] = []
    if t.value == "conditional" and any(_REGISTRATION.search(e.quote or "") for e in t.evidence):
        out.append(Duty("register with the licensor before using it commercially, as the quoted clause requires"))
    if t.value == "conditional" and t.source == "card":
        out.append(Reason("unclear", f"The model card allows commercial use only on a condition ({t.note or 'read it'}): "
                          "read the quoted sentence to see whether your use meets it."))
    elif t.value == "conditional" and not c.has_key("user-threshold", "revenue-threshold"):
        out.append(Reason("unclear", "Commercial use is granted only on a condition (a registration, an "
                          "application or a separate licence): read the clause to see whether you meet it."))
    return out


_REGISTRATION: Final = re.compile(r"\bregist(?:er|ered|ering|ration)\b", re.I)


def _non_commercial(t: Term, c: _Context) -> list[_Outcome]:
    if t.value is True and c.profile.commercial:
        return [Reason("blocked", "The licence allows non-commercial use only and the use is commercial.")]
    if t.value is True:
        return [Duty("use it for non-commercial purposes only")]
    return []


def _research_only(t: Term, c: _Context) -> list[_Outcome]:
    if t.value is not True:
        return []
    if c.profile.commercial:
        return [Reason("blocked", "The licence allows research use only and the use is commercial.")]
    if c.profile.makes_available:
        return [Reason("unclear", "The licence allows research use only and the model (or a product built "
                       "on it) is offered to others: read the clause to see whether that is research.")]
    return [Duty("use it for research only")]


def _modification(t: Term, c: _Context) -> list[_Outcome]:
    if t.value is not False or not c.profile.makes_derivative:
        return []
    if c.profile.makes_available:
        return [Reason("blocked", "The licence does not allow modified or derivative versions to be shared, and "
                       "the use makes one (fine-tune, merge, quantize or training on outputs) and offers it.")]
    # Some no-derivatives licences (CC BY-ND 4.0) allow private adaptation and forbid only sharing it.
    return [Reason("unclear", "The licence does not allow modified or derivative versions; the derivative stays "
                   "in-house: read the clause to see whether private modification is allowed.")]


def _distribution(t: Term, c: _Context) -> list[_Outcome]:
    if t.value is False and c.profile.distributes:
        return [Reason("blocked", "The licence does not allow redistribution, and the use ships the weights.")]
    return []


def _user_threshold(t: Term, c: _Context) -> list[_Outcome]:
    n = t.value
    mau = c.profile.monthly_active_users
    if mau is not None and mau > n:
        return [Reason("needs-agreement", f"Above {_fmt_int(n)} monthly active users a separate licence from "
                       f"the licensor is required; the profile states {_fmt_int(mau)}.")]
    return [Duty(f"stay at or below {_fmt_int(n)} monthly active users across your products, or obtain a "
                 "separate licence from the licensor first")]


def _revenue_threshold(t: Term, c: _Context) -> list[_Outcome]:
    if not c.profile.commercial:
        return []
    n = t.value
    rev = c.profile.annual_revenue_usd
    if rev is not None and rev > n:
        return [Reason("needs-agreement", f"Above US${_fmt_int(n)} annual revenue commercial use needs a "
                       f"separate licence from the licensor; the profile states US${_fmt_int(rev)}.")]
    return [Duty(f"keep annual revenue at or below US${_fmt_int(n)}, or obtain a separate (enterprise) "
                 "licence from the licensor first")]


def _no_training(t: Term, c: _Context) -> list[_Outcome]:
    if t.value is not True:
        return []
    if c.profile.trains_on_outputs:
        return [Reason("blocked", "The licence forbids using the model's outputs to train or improve other "
                       "models, and the use does (distillation or synthetic training data).")]
    return [Duty("do not use outputs to train other models")]


def _include_license(t: Term, c: _Context) -> list[_Outcome]:
    if t.value is True and c.profile.distributes:
        return [Duty("ship a copy of the licence and the NOTICE (where there is one) with every copy you distribute, "
                     "and keep the copyright and attribution notices that credit the authors")]
    return []


def _attribution(t: Term, c: _Context) -> list[_Outcome]:
    if c.profile.makes_available:
        return [Duty(f"show '{t.value}' in your product (website, user interface, about page or documentation)")]
    return []


def _norm_name(s: str) -> str:
    """A model name without case, spaces, dashes, dots or underscores: how a prefix is compared."""
    return re.sub(r"[\s_\-.]+", "", s.strip().lower())


def _naming(t: Term, c: _Context) -> list[_Outcome]:
    if not (c.profile.makes_derivative and c.profile.makes_available):
        return []
    prefix = str(t.value)
    out: list[_Outcome] = [Duty(f"name your model '{prefix}-...' (its name must begin with '{prefix}')")]
    planned = c.profile.derivative_name
    if planned and not _norm_name(planned).startswith(_norm_name(prefix)):
        out.append(Reason("conditions", f"The planned name {planned!r} does not begin with {prefix!r}, as the "
                          "licence requires for models built from it: rename it."))
    return out


def _flow_down(t: Term, c: _Context) -> list[_Outcome]:
    if t.value is True and c.profile.makes_available:
        return [Duty("pass the use restrictions to your users: put them in your terms of use and in the "
                     "licence of any derivative you distribute")]
    return []


def _same_license(t: Term, c: _Context) -> list[_Outcome]:
    if t.value is not True or not (c.profile.distributes and c.profile.makes_derivative):
        return []
    if c.kinds_of(t) <= _AGREEMENT_KINDS:
        # A model licence (Llama's) asks that its agreement travel with the derivative and keep binding it;
        # it does not ask that the derivative be opened, so a proprietary derivative is no conflict.
        return [Duty("distribute your derivative with a copy of the same licence and keep its terms binding on it "
                     "(your own terms may add to them, never loosen them)")]
    if c.profile.keep_derivatives_proprietary:
        return [Reason("unclear", "The licence asks that derivatives be distributed under the same licence "
                       "and the profile keeps them proprietary: read the clause on derivatives.")]
    return [Duty("distribute your derivative under the same licence")]


def _licence_ids(t: Term) -> set[str]:
    """The licence ids behind a term: its own source, or the bundled texts its clauses were quoted from."""
    ids = {e.file.removeprefix("kb:") for e in t.evidence if e.file and e.file.startswith("kb:")}
    if t.source and not t.source.startswith("lineage:"):
        ids.add(t.source)
    return ids


_AGREEMENT_KINDS: Final = frozenset({"restricted-model", "non-commercial", "research-only", "proprietary"})
"""Kinds whose "same licence" clause passes the agreement on, rather than requiring the derivative be opened."""


def _disclose_source(t: Term, c: _Context) -> list[_Outcome]:
    if t.value is True and c.profile.distributes:
        return [Duty("make the corresponding source available to everyone you distribute it to")]
    return []


def _network_disclose(t: Term, c: _Context) -> list[_Outcome]:
    if t.value is not True or "saas" not in c.profile.deployment or not c.profile.modifies:
        return []
    out: list[_Outcome] = [Duty("offer the users of your network service the source of your modified version")]
    if c.profile.keep_derivatives_proprietary:
        out.append(Reason("unclear", "The licence requires offering the source of a modified version to the users "
                          "of a network service, and the profile keeps derivatives proprietary: read the clause."))
    return out


def _state_changes(t: Term, c: _Context) -> list[_Outcome]:
    if t.value is True and c.profile.distributes and c.profile.modifies:
        return [Duty("mark the files you changed, with a prominent notice")]
    return []


def _aup(t: Term, c: _Context) -> list[_Outcome]:
    policy = re.sub(r"\s*\([^)]*\)", "", str(t.value)).strip() or str(t.value)
    who = " and make your users follow it" if c.profile.makes_available else ""
    out: list[_Outcome] = [Duty(f"follow the {policy}{who}")]
    if c.profile.fields and not c.has_key("field-of-use"):
        out.append(Reason("unclear", f"The licence incorporates a use policy ({policy}) whose prohibited uses "
                          f"are not known here; read it for your fields ({', '.join(c.profile.fields)})."))
    return out


# Fields of use: the words that name each in licence texts, and the words that only
# frame a prohibition ("military use", "biometric processing") rather than narrow it
# (data: kb/fields.yaml).
_FIELDS: Final = load_data("fields.yaml")
FIELD_SYNONYMS: Final[dict[str, tuple[str, ...]]] = {str(k): tuple(map(str, v)) for k, v in _FIELDS["synonyms"].items()}
_FRAME_WORDS: Final = frozenset(map(str, _FIELDS["frame_words"]))


def _field_words(field_name: str) -> tuple[str, ...]:
    return FIELD_SYNONYMS.get(field_name, (field_name.replace("-", " "),))


def _mentions(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![a-z]){re.escape(phrase)}(?![a-z])", text) is not None


def _outright(restriction: str, words: tuple[str, ...]) -> bool:
    """True when the prohibition names the field and nothing that narrows it ("military use")."""
    text = re.sub(r"\([^)]*\)", " ", restriction.lower())
    for w in sorted(words, key=len, reverse=True):
        text = re.sub(rf"(?<![a-z]){re.escape(w)}(?![a-z])", " ", text)
    return not [w for w in re.findall(r"[a-z]+", text) if w not in _FRAME_WORDS]


def _field_of_use(t: Term, c: _Context) -> list[_Outcome]:
    items = [str(x) for x in (t.value or [])]
    if not items:
        return []
    out: list[_Outcome] = []
    for fld in c.profile.fields:
        words = _field_words(fld)
        for item in items:
            low = item.lower()
            if not any(_mentions(low, w) for w in words):
                continue
            if _outright(item, words):
                out.append(Reason("blocked", f"The licence prohibits use for {item!r}, and the profile's field "
                                  f"of use is {fld!r}."))
            else:
                out.append(Reason("unclear", f"The licence prohibits {item!r}, which may cover the profile's "
                                  f"field {fld!r}: read the clause."))
    shown = "; ".join(items[:8]) + (f"; and {len(items) - 8} more" if len(items) > 8 else "")
    out.append(Duty(f"do not use it for the prohibited uses: {shown}"))
    return out


# Regions: the names a licence uses for them (data: kb/regions.yaml). Codes are matched
# case-sensitively (so "US" is not the pronoun "us"), names in any case.
_REGIONS: Final = load_data("regions.yaml")


def _table(key: str) -> dict[str, tuple[str, ...]]:
    return {str(k): tuple(map(str, v)) for k, v in (_REGIONS.get(key) or {}).items()}


EU_MEMBERS: Final = frozenset(map(str, _REGIONS["eu_members"]))
EEA_ONLY: Final = frozenset(map(str, _REGIONS["eea_only"]))
COUNTRY_NAMES: Final[dict[str, tuple[str, ...]]] = _table("country_names")
"""Country codes (as profiles give them) and the names licences use for them."""
REGION_NAMES: Final[dict[str, tuple[str, ...]]] = {**COUNTRY_NAMES, **_table("region_names")}
_NOT_THIS_REGION: Final[dict[str, tuple[str, ...]]] = _table("not_this_region")
REGION_CODES: Final[dict[str, tuple[str, ...]]] = _table("region_codes")
_WORDLIKE_CODES: Final = frozenset(map(str, _REGIONS["wordlike_codes"]))
"""Country codes that are also words of shouted licence text ("IN NO EVENT"): matched by name only."""
SANCTIONED: Final = frozenset(map(str, _REGIONS["sanctioned"]))


def _region_code(region: str) -> str:
    """A region as a profile gives it ("DE", "Germany", "european union") -> its code where known."""
    low = region.strip().lower()
    for code, names in REGION_NAMES.items():
        if low == code.lower() or low in names:
            return code
    return region


def _region_aliases(region: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    region = _region_code(region)
    regions = {region}
    if region in EU_MEMBERS:
        regions |= {"EU", "EEA"}
    if region in EEA_ONLY:
        regions |= {"EEA"}
    names: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    for r in regions:
        names += REGION_NAMES.get(r, (region.lower(),) if len(region) > 3 else ())
        codes += REGION_CODES.get(r, (r,))
    codes = tuple(c for c in dict.fromkeys(codes) if c not in _WORDLIKE_CODES)
    return tuple(dict.fromkeys(names)), codes


def _region_named(text: str, region: str) -> bool:
    names, codes = _region_aliases(region)
    low = text.lower()
    for other in _NOT_THIS_REGION.get(_region_code(region), ()):
        low = low.replace(other, " ")
    return any(_mentions(low, n) for n in names) or any(
        re.search(rf"(?<![A-Za-z]){re.escape(code)}(?![A-Za-z])", text) for code in codes
    )


def _geographic(t: Term, c: _Context) -> list[_Outcome]:
    text = str(t.value)
    scoped_to_multimodal = "multimodal" in text.lower() or "multi-modal" in text.lower()
    if scoped_to_multimodal and c.multimodal is False:
        return []
    out: list[_Outcome] = []
    for region in c.profile.regions:
        if _region_named(text, region):
            if scoped_to_multimodal and c.multimodal is None:
                out.append(Reason("unclear", f"The licence withholds rights in {region} for multimodal models "
                                  f"({text!r}); it is not known whether this model is multimodal: check."))
            else:
                why = f" The model counts as multimodal: {c.multimodal_basis}." if (
                    scoped_to_multimodal and c.multimodal_basis) else ""
                out.append(Reason("blocked", f"The licence withholds its rights in {region}, one of the "
                                  f"profile's regions: {text!r}.{why}"))
        elif region in SANCTIONED and re.search(r"sanction|embargo|export", text, re.I):
            out.append(Reason("unclear", f"The licence excludes sanctioned or export-controlled places and the "
                              f"profile names {region}: read the clause."))
    out.append(Duty(f"do not use or offer it where the licence withholds its rights: {text}"))
    return out


RULES: Final[dict[str, _Rule]] = {
    "commercial-use": _commercial_use,
    "non-commercial": _non_commercial,
    "research-only": _research_only,
    "modification": _modification,
    "distribution": _distribution,
    "user-threshold": _user_threshold,
    "revenue-threshold": _revenue_threshold,
    "no-training-other-models": _no_training,
    "include-license": _include_license,
    "attribution-display": _attribution,
    "derivative-naming": _naming,
    "use-restrictions-flow-down": _flow_down,
    "same-license": _same_license,
    "disclose-source": _disclose_source,
    "network-use-disclose": _network_disclose,
    "state-changes": _state_changes,
    "acceptable-use-policy": _aup,
    "field-of-use": _field_of_use,
    "geographic": _geographic,
}
"""Term keys that can change a verdict. The others (warranty, liability, trademark,
patent grant, private use, termination on litigation) never stop or condition a use."""


def _inherited(source: str | None) -> str:
    if source and source.startswith("lineage:"):
        return f" (inherited from {source.removeprefix('lineage:')})"
    return ""


_INHERITED_NOTE: Final = re.compile(r"^inherited from \S+ \(([^)]*)\)")


def _apply_rule(term: Term, ctx: _Context) -> list[_Outcome]:
    rule = RULES.get(term.key)
    if rule is None:
        return [_low_certainty(term)] if _doubtful_own(term) else []
    if not valid_value(term.key, term.value):
        return [Reason("unclear", f"The term {term.key} could not be read (value {term.value!r}): read the clause.",
                       term.key, list(term.evidence), term.source)]
    outcomes = rule(term, ctx)
    for o in outcomes:
        o.term = term.key
        o.evidence = list(term.evidence)
        o.source = term.source
        where = _inherited(term.source)
        if not term.evidence and term.note:
            # no quoted clause (e.g. a closed API's terms): say where it comes from, naming the ancestor once
            note = _INHERITED_NOTE.sub(r"\1", term.note) if where else term.note
            where += f" [{note}]"
        if isinstance(o, Reason):
            o.message += where
            if o.level == "blocked" and (term.source or "").removeprefix("lineage:") in ctx.relicensed:
                o.level = "unclear"
                o.message += (": the same publisher released this model under a licence of its own, which may "
                              "lift the base's restriction: read both")
        else:
            o.duty += where
    if (outcomes and term.certainty == "low") or _doubtful_own(term):
        outcomes.append(_low_certainty(term))
    return outcomes


def _doubtful_own(term: Term) -> bool:
    """A term of the model's own licence read with low certainty: this copy differs around the clause,
    so the use cannot be promised whatever the clause says. (An ancestor's or a data set's doubtful term
    counts only where it changes the answer: a disputed share-alike on training data must not cloud
    every use of every model trained on it.)"""
    return term.certainty == "low" and not (term.source or "").startswith("lineage:")


def _low_certainty(term: Term) -> Reason:
    """A clause read with low certainty (the copy differs where it should be): nobody can promise the use."""
    return Reason("unclear", f"The term {term.key} was read with low certainty: read the quoted clause.",
                  term.key, list(term.evidence), term.source)


_INHERITED_SUFFIX: Final = re.compile(r" \(inherited from [^)]*\)")


def _core(text: str) -> str:
    """A duty or reason without its "(inherited from X)" note: the same demand made by
    the model's own licence and by an ancestor under the same licence is one demand."""
    return _INHERITED_SUFFIX.sub("", text)


def _merge_duties(duties: Iterable[Duty]) -> list[Duty]:
    """One duty per text; the clauses of all terms that demand it are kept."""
    merged: dict[str, Duty] = {}
    for d in duties:
        key = _core(d.duty)
        if key in merged:
            for e in d.evidence:
                if e not in merged[key].evidence:
                    merged[key].evidence.append(e)
        else:
            merged[key] = Duty(d.duty, d.term, list(d.evidence), d.source)
    return list(merged.values())


def _merge_reasons(reasons: Iterable[Reason]) -> list[Reason]:
    """The same reason from two copies of a term (own and inherited, say) is given once."""
    merged: dict[tuple[str, str], Reason] = {}
    for r in reasons:
        key = (r.level, _core(r.message))
        if key in merged:
            merged[key].evidence += [e for e in r.evidence if e not in merged[key].evidence]
        else:
            merged[key] = Reason(r.level, r.message, r.term, list(r.evidence), r.source)
    return list(merged.values())


def _kinds_of_terms(terms: Iterable[Term], kb: KnowledgeBase | None) -> dict[str, str | None]:
    known = _kb(kb)
    out: dict[str, str | None] = {}
    for t in terms:
        for i in _licence_ids(t):
            entry = known.get(i)
            out[i] = entry.kind if entry else None
    return out


_KIND_DUTIES: Final[dict[str, str]] = {
    "restricted-model": "follow the use restrictions of {id!r} (read the licence)",
    "non-commercial": "use it for non-commercial purposes only, as {id!r} allows (read the licence)",
    "research-only": "use it for research only, as {id!r} allows (read the licence)",
    "proprietary": "follow the terms of {id!r} (read them)",
}


def evaluate(
    terms: Sequence[Term],
    licenses: Sequence[LicenseMatch] | Sequence[str],
    profile: Profile,
    kb: KnowledgeBase | None = None,
    lineage: Sequence[LineageNode] | None = None,
    *,
    multimodal: bool | None = None,
    multimodal_basis: str | None = None,
    relicensed: frozenset[str] = frozenset(),
    unidentified: Reason | None = None,
) -> Verdict:
    """The verdict for one model: its effective terms (own and inherited) and licences against a profile.

    `licenses` are matches (with kinds and deviations) or licence ids looked up in `kb`
    (the bundled one when None). `multimodal` scopes clauses that apply only to
    multimodal models (None: not known, so such a clause makes the verdict unclear);
    `multimodal_basis` says what settled it, for the reason that cites such a clause.
    """
    terms = list(terms)
    lics = _licences(licenses, kb)
    reasons = _licence_reasons(lics, terms, profile, unidentified) + _lineage_reasons(lineage)
    duties: list[Duty] = []
    ctx = _Context(profile, tuple(terms), multimodal, multimodal_basis, _kinds_of_terms(terms, kb), relicensed)
    for term in terms:
        for o in _apply_rule(term, ctx):
            (reasons if isinstance(o, Reason) else duties).append(o)  # type: ignore[arg-type]
    if not duties:
        # A restrictive licence always restricts use: never a bare "allowed" for one.
        duties += [Duty(_KIND_DUTIES[lic.kind].format(id=lic.id), source=lic.id)
                   for lic in lics if lic.kind in _KIND_DUTIES]
    duties = _merge_duties(duties)
    reasons = _merge_reasons(reasons)
    level: VerdictLevel = "conditions" if duties else "allowed"
    for r in reasons:
        if severity(r.level) > severity(level):
            level = r.level
    reasons.sort(key=lambda r: -severity(r.level))
    return Verdict(level, profile.name, reasons, duties)


_MULTIMODAL_TAGS: Final = frozenset({
    "image-text-to-text", "visual-question-answering", "image-to-text", "video-text-to-text",
    "any-to-any", "multimodal", "vision", "mllama", "llava",
})
_MULTIMODAL_ID: Final = re.compile(r"vision|(?<![a-z])vl(?![a-z])|llava|llama-?4|multimodal|omni", re.I)
_TEXT_PIPELINES: Final = frozenset({
    "text-generation", "text2text-generation", "fill-mask", "feature-extraction", "sentence-similarity",
    "text-classification", "token-classification",
})
# Catalog modalities (kb/entries.py MODALITIES). `image`, `audio`, `speech` and `video` models
# turn one kind of input into another: whether a clause about "multimodal models" means them
# is for a reader to decide, so they settle nothing here.
_MULTI_INPUT_MODALITIES: Final = frozenset({"vision-language", "multimodal"})
_TEXT_ONLY_MODALITIES: Final = frozenset({"text", "embedding"})
# Relations that keep the parent's weights, hence its inputs: a quantization or a (LoRA) adapter.
_SAME_WEIGHTS: Final = frozenset({"quantized", "adapter"})


def modality_is_multimodal(modality: str | None) -> bool | None:
    """Whether a catalog modality takes more than one kind of input; None when it does not settle it."""
    if modality in _MULTI_INPUT_MODALITIES:
        return True
    if modality in _TEXT_ONLY_MODALITIES:
        return False
    return None


def _own_modality(facts: ModelFacts | None, model_id: str | None, kb: KnowledgeBase) -> str | None:
    """The modality the model's own facts state (a catalog answer), else the catalog's for its id."""
    if facts is not None:
        stated = facts.metadata.get("modality")
        if isinstance(stated, str):
            return stated
        for tag in facts.tags:
            if tag.lower().startswith("modality:"):
                return tag.split(":", 1)[1].strip().lower()
    cm = kb.model(model_id) if model_id else None
    return cm.modality if cm is not None else None


def _pipeline_of(facts: ModelFacts | None) -> str:
    """The Hub task tag the card states, else the one the Hub computed."""
    if facts is None:
        return ""
    hub = facts.metadata.get("hub")
    for value in (facts.card_data.get("pipeline_tag"), facts.metadata.get("pipeline_tag"),
                  hub.get("pipeline_tag") if isinstance(hub, dict) else None):
        if isinstance(value, str) and value.strip():
            return value.strip().lower()
    return ""


def multimodal_from_facts(
    facts: ModelFacts | None,
    model_id: str | None = None,
    ancestors: Sequence[str] = (),
    *,
    same_weights: Sequence[str] = (),
    kb: KnowledgeBase | None = None,
) -> bool | None:
    """Whether a model takes more than text; None when unknown (see `modality_call`)."""
    return modality_call(facts, model_id, ancestors, same_weights=same_weights, kb=kb)[0]


def modality_call(
    facts: ModelFacts | None,
    model_id: str | None = None,
    ancestors: Sequence[str] = (),
    *,
    same_weights: Sequence[str] = (),
    kb: KnowledgeBase | None = None,
) -> tuple[bool | None, str | None]:
    """Whether a model takes more than text, and the fact that says so; (None, None) when unknown
    (clauses scoped to multimodal models are then unclear, never silently passed).

    Multimodal when its tags or pipeline tag say so, when the catalog's modality for it says so,
    or when its id or any ancestor's id or catalog modality does (a fine-tune of a vision model
    keeps its vision weights). Text-only when the catalog says so for the model itself, when its
    pipeline tag is a text task, or when it keeps the weights of a catalogued text model
    (`same_weights`: ancestors reached through quantization or adapter edges only); a fine-tune
    of a text model may have grown a vision tower, so it stays unknown.
    """
    from smallprint.kb import default_kb

    kb = kb or default_kb()
    ident = model_id or (facts.model_id if facts else None) or ""
    tags = sorted({t.lower() for t in (facts.tags if facts else [])} & _MULTIMODAL_TAGS)
    pipeline = _pipeline_of(facts)
    if tags:
        return True, f"its tags include {tags[0]!r}"
    if pipeline in _MULTIMODAL_TAGS:
        return True, f"its pipeline tag is {pipeline!r}"
    modality = _own_modality(facts, ident, kb)
    own = modality_is_multimodal(modality)
    if own is not None:
        return own, f"the catalog lists its modality as {modality!r}"
    bases = [*ancestors, *(facts.base_models if facts else [])]
    named = next((i for i in [ident, *bases] if i and _MULTIMODAL_ID.search(i)), None)
    if named:
        return True, (f"its name {ident!r} marks a multimodal model" if named == ident
                      else f"its base model {named} is multimodal by name")
    for base in bases:
        cm = kb.model(base) if base else None
        if cm is not None and modality_is_multimodal(cm.modality):
            return True, f"its base model {cm.id} is {cm.modality} in the catalog"
    if pipeline in _TEXT_PIPELINES:
        return False, f"its pipeline tag is {pipeline!r}"
    kept = [kb.model(i) for i in same_weights if i]
    known = [cm for cm in kept if cm is not None]
    if known and all(modality_is_multimodal(cm.modality) is False for cm in known):
        return False, f"it keeps the weights of {known[0].id}, {known[0].modality} in the catalog"
    return None, None


def same_weights_ancestors(lineage: Sequence[LineageNode]) -> list[str]:
    """The ancestors whose weights the model ships unchanged in kind: those reached from it
    through quantization or adapter edges only (a GGUF of a GGUF of the original)."""
    by_id = {n.id.lower(): n for n in lineage}
    root = next((n for n in lineage if n.depth == 0), None)
    out: list[str] = []
    todo = [root] if root is not None else []
    while todo:
        node = todo.pop()
        for pid in node.parents:
            parent = by_id.get(pid.lower())
            if parent is not None and parent.relation in _SAME_WEIGHTS and parent.id not in out:
                out.append(parent.id)
                todo.append(parent)
    return out


def evaluate_result(result: CheckResult, profile: Profile, kb: KnowledgeBase | None = None) -> Verdict:
    """The verdict for one `check` result (its effective terms, licences and lineage)."""
    if result.error is not None:
        return Verdict("unclear", profile.name, [Reason("unclear", f"The model could not be checked: {result.error}")])
    ancestors = [n.id for n in result.lineage if n.depth > 0]
    multimodal, basis = modality_call(result.facts, result.model_id, ancestors,
                                      same_weights=same_weights_ancestors(result.lineage), kb=kb)
    declared = next((f for f in result.findings if f.code == "license-other-unresolved"), None)
    unidentified = None if declared is None else Reason(
        "unclear", f"The model declares a licence that is not identified: {declared.message}.", None,
        list(declared.evidence))
    return evaluate(result.terms, result.license.licenses, profile, kb, result.lineage,
                    multimodal=multimodal, multimodal_basis=basis, relicensed=relicensed_by_publisher(result.lineage),
                    unidentified=unidentified)


def _publisher(model_id: str) -> str:
    return model_id.split("/", 1)[0].lower() if "/" in model_id else ""


def relicensed_by_publisher(lineage: Sequence[LineageNode]) -> frozenset[str]:
    """Ancestors published by the same organisation as the model, which it released under another known
    licence (DeepSeek-R1, MIT, from DeepSeek-V3-Base): the licensor of both may have lifted the base's
    restrictions, so an inherited prohibition is for a reader to weigh, not a settled block."""
    own = next((n for n in lineage if n.depth == 0), None)
    if own is None or not own.license_id or not _publisher(own.id):
        return frozenset()
    return frozenset(n.id for n in lineage if n.depth > 0 and _publisher(n.id) == _publisher(own.id)
                     and n.license_id and n.license_id != own.license_id)
