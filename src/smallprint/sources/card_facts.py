"""Turn a parsed card into ModelFacts fields: licence claims, lineage, data, gating."""

from __future__ import annotations

import re

from smallprint.model import LicenseClaim, ModelFacts
from smallprint.sources.card import Card, as_str_list, as_text
from smallprint.sources.card_prose import card_links, prose_license_claims

HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95}$")
RELATIONS = ("adapter", "merge", "quantized", "finetune")
CARD_FIELDS = (
    "license",
    "license_name",
    "license_link",
    "license_details",
    "base_model",
    "base_model_relation",
    "datasets",
    "tags",
    "new_version",
    "library_name",
    "pipeline_tag",
    "model_name",
    "language",
)


def card_license_claims(card: Card) -> list[LicenseClaim]:
    """Every licence declaration in the front matter, each at its key's line, then prose."""
    claims: list[LicenseClaim] = []
    fm = card.front_matter
    for value in as_str_list(fm.get("license")):
        claims.append(LicenseClaim("card:license", value, card.key_evidence("license")))
    for key in ("license_name", "license_link", "license_details"):
        text = as_text(fm.get(key))
        if text:
            claims.append(LicenseClaim(f"card:{key}", text, card.key_evidence(key)))
    claims.extend(prose_license_claims(card))
    return claims


_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)
_TEMPLATE_PREFIX = re.compile(r"^(?:model\s+card\s+(?:for|of)\s+|the\s+)", re.I)
_GENERIC_HEADING = frozenset({
    "model id", "model card", "model details", "overview", "introduction", "description", "usage",
    "readme", "model", "summary", "about", "license", "table of contents", "model description",
})


def heading_name(body: str) -> str | None:
    """The model's name from the card's first level-1 heading ("# Reflection Llama-3.1 70B",
    "# Model Card for acme/foo"): what people call the model when the metadata does not say.
    Headings that are sentences or template placeholders name nothing."""
    m = _HEADING.search(body[:20000])
    if not m:
        return None
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", m.group(1))  # links keep their text
    text = re.sub(r"[^\w\s./:+-]", " ", text)  # emoji and decoration
    text = _TEMPLATE_PREFIX.sub("", " ".join(text.split())).strip(" .:-")
    if not text or text.lower() in _GENERIC_HEADING or len(text.split()) > 6 or "{{" in m.group(1):
        return None
    return text


def apply_card(facts: ModelFacts, card: Card) -> None:
    """Fill facts from a card; values already set by a stronger source are kept."""
    fm = card.front_matter
    facts.card_path = card.file
    facts.card_text = card.text
    facts.card_data = fm
    facts.license_claims.extend(card_license_claims(card))
    facts.findings.extend(card.findings)
    for base in as_str_list(fm.get("base_model")):
        if base not in facts.base_models:
            facts.base_models.append(base)
    relation = as_text(fm.get("base_model_relation"))
    if relation and facts.relation is None:
        facts.relation = relation.lower()
    for dataset in as_str_list(fm.get("datasets")):
        if dataset not in facts.datasets:
            facts.datasets.append(dataset)
    for tag in as_str_list(fm.get("tags")):
        if tag not in facts.tags:
            facts.tags.append(tag)
    name = as_text(fm.get("model_name")) or heading_name(card.body)
    if name and facts.name is None:
        facts.name = name
    if name and facts.model_id is None and HUB_ID.match(name):
        facts.model_id = name
    gate = {k: v for k, v in fm.items() if k.startswith("extra_gated_")}
    if gate:
        facts.metadata["card_gate"] = gate
        facts.metadata["card_gate_line"] = min(card.key_lines.get(k, 1) for k in gate)
    for key in ("new_version", "library_name", "pipeline_tag"):
        text = as_text(fm.get(key))
        if text:
            facts.metadata[key] = text
    if card.recovered:
        facts.metadata["card_recovered"] = True
    for kind, urls in card_links(card).items():
        bucket = facts.links.setdefault(kind, [])
        bucket.extend(u for u in urls if u not in bucket)
