"""Known licences' terms located in copies: exact, re-wrapped, edited, with incorporated policies."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from smallprint.evaluators.terms import explain_terms, terms_for_match, terms_for_result
from smallprint.kb import KB_DIR, KnowledgeBase, LicenseEntry
from smallprint.kb.entries import license_entry_from_dict
from smallprint.model import LicenseMatch, Term
from smallprint.text import normalize

NEEDED = ("llama3.2", "llama3.2-aup", "llama3.1", "llama3.1-aup", "apache-2.0", "mit")


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    """Only the bundled entries these tests need, so a half-written data file elsewhere cannot break them."""
    entries = []
    for lid in NEEDED:
        path = KB_DIR / "licenses" / f"{lid}.yaml"
        if path.exists():
            entries.append(license_entry_from_dict(yaml.safe_load(path.read_text(encoding="utf-8")), str(path)))
    return KnowledgeBase(entries)


def _entry(kb: KnowledgeBase, lid: str) -> LicenseEntry:
    e = kb.get(lid)
    if e is None or not e.text.present:
        pytest.skip(f"knowledge base has no reference text for {lid}")
    return e


def _text(kb: KnowledgeBase, lid: str) -> str:
    txt = kb.text(lid)
    assert txt is not None
    return txt


def by(terms: list[Term], key: str, source: str) -> Term:
    found = [t for t in terms if t.key == key and t.source == source]
    assert found, f"no {key} from {source}"
    return found[0]


def test_official_copy_terms_are_high_with_quoted_clauses(kb: KnowledgeBase) -> None:
    e = _entry(kb, "llama3.2")
    text = _text(kb, "llama3.2")
    terms = terms_for_match(e, normalize(text), "LICENSE", kb=kb)
    t = by(terms, "attribution-display", "llama3.2")
    assert t.certainty == "high" and t.value == "Built with Llama"
    ev = t.evidence[0]
    assert ev.file == "LICENSE"
    lines = text.splitlines()[ev.start_line - 1 : ev.end_line]
    assert any("Built with Llama" in ln for ln in lines)
    assert "Built with Llama" in ev.quote


def test_incorporated_policy_absent_from_input_points_at_its_reference_text(kb: KnowledgeBase) -> None:
    e = _entry(kb, "llama3.2")
    terms = terms_for_match(e, normalize(_text(kb, "llama3.2")), "LICENSE", kb=kb)
    geo = by(terms, "geographic", "llama3.2-aup")  # Llama 3.2's EU clause lives in its AUP
    assert "EU" in geo.value or "European Union" in geo.value
    assert geo.evidence and geo.evidence[0].file == "kb:llama3.2-aup"
    assert "European Union" in geo.evidence[0].quote
    assert geo.note and "incorporated by reference" in geo.note


def test_incorporated_policy_present_in_input_is_quoted_from_the_input(kb: KnowledgeBase) -> None:
    e = _entry(kb, "llama3.2")
    _entry(kb, "llama3.2-aup")
    licence = _text(kb, "llama3.2")
    combined = licence + "\n\n" + _text(kb, "llama3.2-aup")
    terms = terms_for_match(e, normalize(combined), "LICENSE", kb=kb)
    geo = by(terms, "geographic", "llama3.2-aup")
    assert geo.certainty == "high"
    assert geo.evidence[0].file == "LICENSE"
    assert geo.evidence[0].start_line > len(licence.splitlines())


def test_evidence_lines_follow_a_rewrapped_copy(kb: KnowledgeBase) -> None:
    e = _entry(kb, "llama3.2")
    paragraphs = _text(kb, "llama3.2").replace("\u201c", '"').replace("\u201d", '"').split("\n")
    wrapped = "\n".join(textwrap.fill(p, 50) if p.strip() else "" for p in paragraphs)
    terms = terms_for_match(e, normalize(wrapped), "LICENSE.md", kb=kb)
    t = by(terms, "attribution-display", "llama3.2")
    assert t.certainty == "high"
    ev = t.evidence[0]
    lines = wrapped.splitlines()
    span = " ".join(lines[ev.start_line - 1 : ev.end_line])
    assert '"Built with Llama"' in span
    assert ev.end_line - ev.start_line < 12  # the sentence, not the whole section


def test_edited_threshold_is_reported_as_the_copy_states_it(kb: KnowledgeBase) -> None:
    e = _entry(kb, "llama3.2")
    edited = _text(kb, "llama3.2").replace("700 million monthly active users", "1 billion monthly active users")
    terms = terms_for_match(e, normalize(edited), "LICENSE", kb=kb)
    t = by(terms, "user-threshold", "llama3.2")
    assert t.value == 1_000_000_000
    assert t.certainty == "medium"
    assert t.note and "differs from the reference llama3.2" in t.note
    assert "1 billion" in t.evidence[0].quote


def test_removed_clause_is_low_with_the_reference_value(kb: KnowledgeBase) -> None:
    e = _entry(kb, "llama3.2")
    text = _text(kb, "llama3.2")
    start = text.index("and (B) prominently display")
    end = text.index("documentation.", start) + len("documentation.")
    edited = text[:start] + text[end:]
    terms = terms_for_match(e, normalize(edited), "LICENSE", kb=kb)
    t = by(terms, "attribution-display", "llama3.2")
    assert t.certainty == "low"
    assert t.value == "Built with Llama"
    assert t.note and "clause not found in this copy" in t.note


def test_explain_quotes_the_reference_text(kb: KnowledgeBase) -> None:
    e = _entry(kb, "llama3.2")
    terms = explain_terms(e, kb)
    t = by(terms, "user-threshold", "llama3.2")
    assert t.value == 700_000_000 and t.certainty == "high"
    assert t.evidence[0].file == "kb:llama3.2"
    assert {"llama3.2", "llama3.2-aup"} <= {x.source for x in terms}


def _match(kb: KnowledgeBase, lid: str, start: int, end: int, method: str = "fulltext") -> LicenseMatch:
    e = kb.licenses[lid]
    return LicenseMatch(lid, e.name, e.version, e.spdx_id, e.hub_id, 0.99, start, end, method, e.kind)


def test_dual_licence_file_reports_both_licences_terms_side_by_side(kb: KnowledgeBase) -> None:
    _entry(kb, "apache-2.0")
    _entry(kb, "mit")
    a, m = _text(kb, "apache-2.0"), _text(kb, "mit")
    text = "This project is dual-licensed.\n\n" + a + "\n\n" + m
    a_start = 3
    a_end = a_start + len(a.splitlines()) - 1
    m_start = a_end + 2
    m_end = m_start + len(m.splitlines()) - 1
    matches = [_match(kb, "apache-2.0", a_start, a_end), _match(kb, "mit", m_start, m_end)]
    terms = terms_for_result(matches, normalize(text), "LICENSE", kb)
    assert by(terms, "patent-grant", "apache-2.0").value is True
    assert by(terms, "no-warranty", "mit").evidence[0].start_line >= m_start
    assert not [t for t in terms if t.source == "rules"]  # nothing outside the two licences to read


def test_text_outside_known_licences_is_read_by_clause_rules(kb: KnowledgeBase) -> None:
    _entry(kb, "mit")
    m = _text(kb, "mit")
    extra = (
        "\n\nADDITIONAL TERMS\n\nNotwithstanding the above, the model weights in this repository may be used for "
        "non-commercial purposes only. You may not use the model weights for commercial purposes without a "
        "separate written agreement with the authors, who may grant or refuse it at their discretion.\n"
    )
    text = m + extra
    matches = [_match(kb, "mit", 1, len(m.splitlines()))]
    terms = terms_for_result(matches, normalize(text), "LICENSE", kb)
    nc = by(terms, "non-commercial", "rules")
    assert nc.value is True
    assert nc.evidence[0].start_line > len(m.splitlines())
    assert by(terms, "commercial-use", "rules").value is False


def test_licence_only_named_gets_terms_from_its_reference_text(kb: KnowledgeBase) -> None:
    _entry(kb, "llama3.1")
    text = "# My model\n\nThis model is licensed under the Llama 3.1 Community License.\n"
    terms = terms_for_result([_match(kb, "llama3.1", 3, 3, "reference")], normalize(text), "README.md", kb)
    t = by(terms, "user-threshold", "llama3.1")
    assert t.evidence[0].file == "kb:llama3.1"
    assert t.note and "named at line 3" in t.note


def test_unknown_text_is_read_by_rules_alone(kb: KnowledgeBase) -> None:
    text = "Subject to this Agreement, you may use the Model for research purposes only.\n"
    terms = terms_for_result([], normalize(text), "LICENSE", kb)
    assert {t.source for t in terms} == {"rules"}
    assert by(terms, "research-only", "rules").value is True
