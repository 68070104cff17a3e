"""Open-washing: real cards that claim openness their licence or missing pieces contradict."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from smallprint.evaluators.openness.assess import assess_model
from smallprint.evaluators.openness.washing import find_claims
from smallprint.kb import KnowledgeBase
from smallprint.model import Evidence, LicenseClaim, ModelFacts


def _card_facts(corpus: Path, slug: str, model_id: str, license_id: str | None) -> ModelFacts:
    path = corpus / "cards" / slug / "README.md"
    text = path.read_text(encoding="utf-8")
    m = re.match(r"---\r?\n(.*?)\r?\n---", text, re.S)
    data: dict[str, Any] = (yaml.safe_load(m.group(1)) or {}) if m else {}
    tags = data.get("tags") or []
    claims = []
    if license_id:
        line = next((i for i, t in enumerate(text.splitlines(), 1) if t.startswith("license:")), 1)
        claims.append(LicenseClaim("card:license", license_id, Evidence(str(path), line, line, f"license: {license_id}")))
    return ModelFacts(target=model_id, model_id=model_id, origin="card", card_text=text, card_path=str(path),
                      card_data=data, tags=[str(t) for t in tags], license_claims=claims)


@pytest.mark.parametrize(
    "slug, model_id, license_id, claim",
    [
        ("mattshumer--reflection-llama-3.1-70b", "mattshumer/Reflection-Llama-3.1-70B", "llama3.1",
         "is an open-source LLM"),
        ("google--gemma-3-1b-it", "google/gemma-3-1b-it", "gemma", "open models from Google"),
    ],
)
def test_restricted_licence_card_calling_itself_open_is_flagged(
    corpus: Path, small_kb: KnowledgeBase, slug: str, model_id: str, license_id: str, claim: str
) -> None:
    r = assess_model(_card_facts(corpus, slug, model_id, license_id), license_id=license_id, kb=small_kb)
    washing = [f for f in r.findings if f.code == "open-washing"]
    assert len(washing) == 1
    f = washing[0]
    assert f.severity == "warning"
    assert claim in f.message and "restricted-model" in f.message
    quotes = [e.quote for e in f.evidence]
    assert any(claim in q for q in quotes)
    assert any(q == f"license: {license_id}" for q in quotes)
    claim_ev = next(e for e in f.evidence if claim in e.quote)
    line = Path(claim_ev.file or "").read_text(encoding="utf-8").splitlines()[claim_ev.start_line - 1]
    assert claim in line


def test_card_mentioning_other_open_source_models_is_not_a_claim(corpus: Path, small_kb: KnowledgeBase) -> None:
    facts = _card_facts(corpus, "meta-llama--meta-llama-3-8b", "meta-llama/Meta-Llama-3-8B", "llama3")
    assert "open source chat models" in (facts.card_text or "")
    assert find_claims(facts.card_text or "", facts.card_path) == []
    r = assess_model(facts, license_id="llama3", kb=small_kb)
    assert not [f for f in r.findings if f.code == "open-washing"]


def test_comparisons_with_fully_open_models_are_not_claims(corpus: Path) -> None:
    path = corpus / "cards" / "facebook--mobilellm-r1-950m" / "README.md"
    assert find_claims(path.read_text(encoding="utf-8"), str(path)) == []


def test_genuinely_open_model_saying_so_is_not_flagged(small_kb: KnowledgeBase) -> None:
    card = (
        "---\nlicense: apache-2.0\ntags:\n- open-source\n---\n# OLMo 7B\n\n"
        "OLMo is a series of Open Language Models. OLMo 7B is a fully open-source language model: "
        "we release the weights, the training code and the Dolma data.\n"
    )
    facts = ModelFacts(target="allenai/OLMo-7B", model_id="allenai/OLMo-7B", origin="card", card_text=card,
                       card_path="README.md", tags=["open-source"])
    assert find_claims(card, "README.md")  # it does claim openness...
    r = assess_model(facts, license_id="apache-2.0", kb=small_kb)
    assert r.osaid.verdict == "open-source-ai"
    assert not [f for f in r.findings if f.code == "open-washing"]  # ...and the claim holds


@pytest.mark.parametrize(
    "sentence",
    [
        "Fine-tuning uses the open-source library PEFT.",
        "The model is built with open-source tools such as DeepSpeed.",
        "Thanks to the Open Source AI community for their help.",
        "It outperforms other open-source models on MMLU.",
        "Our Purple Llama tools are open sourced for the community to use.",
        "The training code is open-source.",
    ],
)
def test_open_source_in_an_unrelated_sense_is_not_a_claim(sentence: str) -> None:
    assert find_claims(f"# Card\n\n{sentence}\n", "README.md") == []


@pytest.mark.parametrize(
    "sentence, kind",
    [
        ("Acme-7B is an open-source LLM for chat.", "open-source"),
        ("We open-source the weights of Acme-7B.", "open-source"),
        ("Acme-7B is fully open.", "fully-open"),
        ("Acme is a family of lightweight open models.", "open"),
    ],
)
def test_self_descriptions_are_claims(sentence: str, kind: str) -> None:
    claims = find_claims(f"# Card\n\n{sentence}\n", "README.md")
    assert [c.kind for c in claims] == [kind]
    assert claims[0].evidence.start_line == 3


def test_open_weights_model_calling_itself_open_source_gets_an_info_finding(small_kb: KnowledgeBase) -> None:
    card = "# Grok-1\n\nGrok-1 is an open-source model released by xAI.\n"
    facts = ModelFacts(target="xai-org/grok-1", model_id="xai-org/grok-1", origin="card", card_text=card,
                       card_path="README.md")
    r = assess_model(facts, license_id="apache-2.0", kb=small_kb)
    f = [x for x in r.findings if x.code == "open-washing"]
    assert len(f) == 1 and f[0].severity == "info"
    assert "Training code" in f[0].message
