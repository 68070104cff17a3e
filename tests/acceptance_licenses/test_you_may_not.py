"""A "you may not ..." sentence restricts; it never grants (read the weights as the object too)."""

from __future__ import annotations

from smallprint.api import identify_license_text


def _terms(text: str) -> dict[str, object]:
    return {t.key: t.value for t in identify_license_text(text).terms}


def test_may_not_modify_or_share_the_weights_is_a_restriction():
    t = _terms("You may use the weights internally. You may not modify the weights or share the weights with anyone.\n")
    assert t.get("modification") is False and t.get("distribution") is False


def test_may_not_redistribute_the_weights_beside_a_research_only_grant():
    t = _terms("This model may be used for non-commercial research purposes only. You may not redistribute the weights.\n")
    assert t.get("distribution") is False and t.get("commercial-use") is not True
