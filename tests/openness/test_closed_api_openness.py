"""Models reached only through a provider's API publish no weights: OSAID `closed`, not `restricted-weights`."""

from __future__ import annotations

from typing import Any

from smallprint.evaluators.lineage import CatalogResolver
from smallprint.evaluators.openness.assess import assess_model, weights_withheld
from smallprint.kb import CatalogModel, KnowledgeBase, LicenseEntry, ReferenceText, default_kb
from smallprint.model import ModelFacts


def _licence(lid: str, kind: str, spdx: str | None = None) -> LicenseEntry:
    return LicenseEntry(
        id=lid, name=lid, version=None, family=lid, publisher=None, date=None, url=None, spdx_id=spdx,
        hub_id=None, kind=kind, osi_approved=kind == "osi-code", aliases=(),
        text=ReferenceText(file=None, source_url=None), terms=(),
    )


def _kb(openness: dict[str, Any] | None = None) -> KnowledgeBase:
    models = [
        CatalogModel(id="acme/chat-api", family="acme-api", publisher="Acme", license="acme-api-terms",
                     openness=openness or {}),
        CatalogModel(id="acme/open-7b", family="acme", publisher="Acme", license="apache-2.0"),
    ]
    return KnowledgeBase([_licence("acme-api-terms", "proprietary"), _licence("apache-2.0", "osi-code", "Apache-2.0")],
                         models)


def _catalog_facts(model_id: str) -> ModelFacts:
    return ModelFacts(target=model_id, model_id=model_id, origin="catalog")


def test_model_offered_only_under_service_terms_is_closed_with_the_reason() -> None:
    kb = _kb()
    r = assess_model(_catalog_facts("acme/chat-api"), license_id="acme-api-terms", kb=kb)
    assert r.osaid.verdict == "closed"
    assert [m.component for m in r.osaid.missing] == ["Model parameters (Final)"]
    assert "acme-api-terms" in r.osaid.missing[0].detail
    assert r.mof.component("Model parameters (Final)").status == "missing"


def test_catalog_model_under_an_open_licence_keeps_its_weights() -> None:
    r = assess_model(_catalog_facts("acme/open-7b"), license_id="apache-2.0", kb=_kb())
    assert r.osaid.verdict != "closed"
    assert r.mof.component("Model parameters (Final)").status == "open"


def test_catalog_can_say_weights_are_published_under_proprietary_terms() -> None:
    kb = _kb({"weights": True})
    facts = _catalog_facts("acme/chat-api")
    assert weights_withheld(facts, "acme-api-terms", kb) is None
    assert assess_model(facts, license_id="acme-api-terms", kb=kb).osaid.verdict == "restricted-weights"


def test_catalog_can_say_no_weights_are_published_whatever_the_licence() -> None:
    kb = KnowledgeBase([_licence("apache-2.0", "osi-code", "Apache-2.0")],
                       [CatalogModel(id="acme/hosted", family="acme", publisher="Acme", license="apache-2.0",
                                     openness={"weights": False})])
    facts = _catalog_facts("acme/hosted")
    assert assess_model(facts, license_id="apache-2.0", kb=kb).osaid.verdict == "closed"


def test_bundled_closed_api_models_come_out_closed() -> None:
    kb = default_kb()
    resolver = CatalogResolver(kb)
    for name in ("gpt-4o", "claude-3-5-sonnet-20241022"):
        facts = resolver.resolve(name)
        assert facts is not None, name
        lic = facts.license_claims[0].value
        assert assess_model(facts, license_id=lic, kb=kb).osaid.verdict == "closed", name
