"""Licence statements and links found in the card body."""

from __future__ import annotations

from smallprint.sources.card import parse_card
from smallprint.sources.card_prose import card_links, prose_license_claims

CARD = """---
license: apache-2.0
tags:
- arxiv:2407.21783
datasets:
- acme/chat-data
---
# Model

- **Developed by:** Acme
- **License:** [Apache 2.0](https://www.apache.org/licenses/LICENSE-2.0)
- **Finetuned from model [optional]:** [More Information Needed]

The weights are licensed under the Llama 3.1 Community License.

```python
# licensed under the MIT license (code sample, not a statement)
```

Code: https://github.com/acme/trainer.git and https://github.com/acme/trainer/tree/main.
Paper: https://arxiv.org/pdf/2305.14314v2.pdf
Data: https://huggingface.co/datasets/acme/more-data

## License

Use of this model is governed by the Acme Community License.
See LICENSE for details.

## Citation
"""


def test_labelled_license_line_is_a_prose_claim() -> None:
    claims = prose_license_claims(parse_card(CARD))
    labelled = [c for c in claims if c.evidence.start_line == 11]
    assert [c.value for c in labelled] == ["Apache 2.0"]
    assert labelled[0].where == "card:prose"


def test_licensed_under_sentence_keeps_version_numbers() -> None:
    claims = prose_license_claims(parse_card(CARD))
    assert any(c.value == "Llama 3.1 Community License" and c.evidence.start_line == 14 for c in claims)


def test_code_blocks_are_not_read_as_statements() -> None:
    claims = prose_license_claims(parse_card(CARD))
    assert not any(17 <= c.evidence.start_line <= 19 for c in claims)


def test_license_section_is_claimed_with_its_span() -> None:
    claims = prose_license_claims(parse_card(CARD))
    section = [c for c in claims if c.evidence.start_line == 24]
    assert len(section) == 1
    assert (section[0].evidence.end_line, section[0].value) == (
        27,
        "Use of this model is governed by the Acme Community License.",
    )


def test_placeholder_license_is_not_a_claim() -> None:
    card = parse_card("# M\n- **License:** [More Information Needed]\n\n## License\n\n[More Information Needed]\n")
    assert prose_license_claims(card) == []


def test_links_to_code_papers_and_data_cards() -> None:
    links = card_links(parse_card(CARD))
    assert links["code"] == ["https://github.com/acme/trainer"]
    assert links["paper"] == ["https://arxiv.org/abs/2305.14314", "https://arxiv.org/abs/2407.21783"]
    assert links["data-card"] == [
        "https://huggingface.co/datasets/acme/more-data",
        "https://huggingface.co/datasets/acme/chat-data",
    ]
