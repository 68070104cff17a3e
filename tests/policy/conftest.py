"""Terms of real knowledge-base licences, built the way the check pipeline reports them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from smallprint.kb import KnowledgeBase, LicenseEntry, default_kb
from smallprint.model import Evidence, Term


def _entry_terms(entry: LicenseEntry, source: str) -> list[Term]:
    out = []
    for spec in entry.terms:
        quote = spec.anchors[0] if spec.anchors else f"{entry.name}: {spec.key}"
        out.append(Term(spec.key, spec.value, "high", [Evidence(f"kb:{entry.id}", 1, 1, quote)], source=source))
    return out


def terms_for(kb: KnowledgeBase, license_id: str, source: str | None = None) -> list[Term]:
    """A licence's terms and those of the policies it incorporates; skip when the KB lacks the id."""
    entry = kb.get(license_id)
    if entry is None:
        pytest.skip(f"licence {license_id!r} is not in the knowledge base yet")
    terms = _entry_terms(entry, source or entry.id)
    for policy in kb.policies_of(entry):
        terms += _entry_terms(policy, source or policy.id)
    return terms


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return default_kb()


@pytest.fixture(scope="session")
def terms_of(kb: KnowledgeBase) -> Callable[..., list[Term]]:
    return lambda license_id, source=None: terms_for(kb, license_id, source)


@pytest.fixture(scope="session")
def terms_of_or_empty(kb: KnowledgeBase) -> Callable[[str], list[Term]]:
    """Like `terms_of`, but an id missing from the KB gives no terms (an unknown licence)."""
    return lambda license_id: terms_for(kb, license_id) if kb.get(license_id) else []
