"""Clause rules read real licence clauses (quoted from public licences) without identification."""

from __future__ import annotations

import pytest

from smallprint.evaluators.clauses import extract_terms, parse_amount
from smallprint.model import Term
from smallprint.text import normalize


def terms_of(text: str) -> dict[str, Term]:
    return {t.key: t for t in extract_terms(normalize(text), "LICENSE")}


LLAMA2_MAU = (
    "2. Additional Commercial Terms. If, on the Llama 2 version release date, the monthly active users of the "
    "products or services made available by or for Licensee, or Licensee's affiliates, is greater than 700 million "
    "monthly active users in the preceding calendar month, you must request a license from Meta, which Meta may "
    "grant to you in its sole discretion, and you are not authorized to exercise any of the rights under this "
    "Agreement unless or until Meta otherwise expressly grants you such rights."
)
LLAMA2_OUTPUTS = (
    "v. You will not use the Llama Materials or any output or results of the Llama Materials to improve any other "
    "large language model (excluding Llama 2 or derivative works thereof)."
)
LLAMA3_NAMING = (
    "If you use the Llama Materials to create, train, fine tune, or otherwise improve an AI model, which is "
    "distributed or made available, you shall also include \u201cLlama 3\u201d at the beginning of any such AI model name."
)
LLAMA3_DISPLAY = (
    "If you distribute or make available the Llama Materials (or any derivative works thereof), or a product or "
    "service that uses any of them, including another AI model, you shall (A) provide a copy of this Agreement with "
    "any such Llama Materials; and (B) prominently display \u201cBuilt with Meta Llama 3\u201d on a related website, "
    "user interface, blogpost, about page, or product documentation."
)
STABILITY_REVENUE = (
    "Commercial Use. If You, or Your Affiliate(s), either individually or in aggregate, generate more than USD "
    "$1,000,000 in annual revenue (or the equivalent thereof in Your local currency), regardless of whether that "
    "revenue is generated directly or indirectly from the Stability AI Materials or Derivative Works, any licenses "
    "granted to You under this Agreement shall terminate as of such date."
)
OPENRAIL_FLOW = (
    "Use-based restrictions as referenced in paragraph 5 MUST be included as an enforceable provision by You in any "
    "type of legal agreement (e.g. a license) governing the use and/or distribution of the Model or Derivatives of "
    "the Model, and You shall give notice to subsequent users You Distribute to, that the Model or Derivatives of the "
    "Model are subject to paragraph 5."
)
OPENRAIL_LIST = """Attachment A

Use Restrictions

You agree not to use the Model or Derivatives of the Model:
- In any way that violates any applicable national, federal, state, local or international law or regulation;
- For the purpose of exploiting, harming or attempting to exploit or harm minors in any way;
- To generate or disseminate verifiably false information and/or content with the purpose of harming others;
- To defame, disparage or otherwise harass others;
- For fully automated decision making that adversely impacts an individual's legal rights;
- To provide medical advice and medical results interpretation;
"""
LLAMA32_EU = (
    "With respect to any multimodal models included in Llama 3.2, the rights granted under Section 1(a) of the "
    "Llama 3.2 Community License Agreement are not being granted to you if you are an individual domiciled in, or a "
    "company with a principal place of business in, the European Union. This restriction does not apply to end "
    "users of a product or service that incorporates any such multimodal models."
)
APACHE_LITIGATION = (
    "If You institute patent litigation against any entity (including a cross-claim or counterclaim in a lawsuit) "
    "alleging that the Work or a Contribution incorporated within the Work constitutes direct or contributory patent "
    "infringement, then any patent licenses granted to You under this License for that Work shall terminate as of "
    "the date such litigation is filed."
)
CC_NC = (
    "a. License grant. Subject to the terms and conditions of this Public License, the Licensor hereby grants You a "
    "worldwide, royalty-free, non-sublicensable, non-exclusive, irrevocable license to exercise the Licensed Rights "
    "in the Licensed Material to: A. reproduce and Share the Licensed Material, in whole or in part, for "
    "NonCommercial purposes only; and B. produce, reproduce, and Share Adapted Material for NonCommercial purposes only."
)
RESEARCH = (
    "Subject to the terms of this Agreement, Stability AI grants you a non-exclusive, worldwide, non-transferable, "
    "non-sublicensable, revocable, royalty free and limited license under Stability AI's copyright interests to "
    "reproduce, distribute, and create derivative works of the Software solely for your non-commercial research "
    "purposes."
)
MIT = """MIT License

Copyright (c) 2024 Example

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


def test_user_threshold_and_conditional_commercial_use_from_llama2_mau_clause() -> None:
    t = terms_of(LLAMA2_MAU)
    assert t["user-threshold"].value == 700_000_000
    assert t["commercial-use"].value == "conditional"
    assert t["user-threshold"].certainty == "medium"


def test_outputs_clause_with_exception_still_forbids_training_other_models() -> None:
    assert terms_of(LLAMA2_OUTPUTS)["no-training-other-models"].value is True


def test_naming_clause_gives_the_required_prefix_with_its_case() -> None:
    assert terms_of(LLAMA3_NAMING)["derivative-naming"].value == "Llama 3"


def test_display_string_is_read_verbatim() -> None:
    assert terms_of(LLAMA3_DISPLAY)["attribution-display"].value == "Built with Meta Llama 3"


def test_revenue_threshold_in_dollars_makes_commercial_use_conditional() -> None:
    t = terms_of(STABILITY_REVENUE)
    assert t["revenue-threshold"].value == 1_000_000
    assert t["commercial-use"].value == "conditional"


def test_openrail_flow_down_clause() -> None:
    assert terms_of(OPENRAIL_FLOW)["use-restrictions-flow-down"].value is True


def test_prohibited_use_list_is_labelled_and_quoted() -> None:
    t = terms_of(OPENRAIL_LIST)
    fou = t["field-of-use"]
    assert {"minors and child safety", "disinformation", "defamation", "medical advice"} <= set(fou.value)
    assert any("agree not to use" in e.quote for e in fou.evidence)
    assert t["acceptable-use-policy"].certainty == "low"  # no policy named: the text lists its own


def test_eu_exclusion_is_geographic() -> None:
    assert "European Union" in terms_of(LLAMA32_EU)["geographic"].value


def test_patent_litigation_termination() -> None:
    t = terms_of(APACHE_LITIGATION)
    assert t["termination-on-litigation"].value is True


def test_noncommercial_grant_forbids_commercial_use() -> None:
    t = terms_of(CC_NC)
    assert t["non-commercial"].value is True
    assert t["commercial-use"].value is False


def test_research_only_grant() -> None:
    t = terms_of(RESEARCH)
    assert t["research-only"].value is True
    assert t["commercial-use"].value is False


def test_permissive_licence_has_no_noncommercial_term_and_allows_commercial_use() -> None:
    t = terms_of(MIT)
    assert "non-commercial" not in t and "research-only" not in t
    assert t["commercial-use"].value is True
    assert t["include-license"].value is True
    assert t["no-warranty"].value is True and t["liability"].value is True


def test_open_source_library_sentence_is_not_a_licence_grant() -> None:
    t = terms_of("This model card describes a chatbot. It is built on an open-source library and is used by many companies.")
    assert "commercial-use" not in t
    assert "distribution" not in t and "modification" not in t


def test_gpl_noncommercial_distribution_exception_is_not_a_noncommercial_licence() -> None:
    text = (
        "c) Convey individual copies of the object code with a copy of the written offer to provide the "
        "Corresponding Source. This alternative is allowed only occasionally and noncommercially, and only if you "
        "received the object code with such an offer, in accord with subsection 6b."
    )
    assert "non-commercial" not in terms_of(text)


def test_commercial_use_mentioned_both_ways_is_a_grant() -> None:
    text = (
        "Anyone is free to copy, modify, publish, use, compile, sell, or distribute this software, either in source "
        "code form or as a compiled binary, for any purpose, commercial or non-commercial, and by any means."
    )
    t = terms_of(text)
    assert t["commercial-use"].value is True
    assert "non-commercial" not in t


def test_grant_with_commercial_registration_is_conditional_not_true() -> None:
    text = (
        "This license permits you to use all open-source models in this repository for academic research free. "
        "Users who wish to use the models for commercial purposes must register here. "
        "Registered users may use the models for commercial activities free of charge."
    )
    assert terms_of(text)["commercial-use"].value == "conditional"


def test_unplaced_commercial_restriction_never_reports_true() -> None:
    text = (
        "Subject to this Agreement, we grant you a worldwide, royalty-free license to use, reproduce and distribute "
        "the Model. You may not offer the Model as a hosted service for commercial gain without our consent."
    )
    assert terms_of(text).get("commercial-use") is None or terms_of(text)["commercial-use"].value is not True


def test_evidence_points_at_the_lines_of_the_clause() -> None:
    text = "Header line\n\n" + LLAMA2_OUTPUTS.replace(" to improve", "\nto improve")
    ev = terms_of(text)["no-training-other-models"].evidence[0]
    assert (ev.start_line, ev.end_line) == (3, 4)
    assert ev.quote.startswith("You will not use the Llama Materials")
    assert ev.file == "LICENSE"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("700 million", 700_000_000),
        ("100,000,000", 100_000_000),
        ("1 million", 1_000_000),
        ("one hundred million", 100_000_000),
        ("$1M", 1_000_000),
        ("US $1,000,000", 1_000_000),
        ("USD 10 million", 10_000_000),
        ("1.5 billion", 1_500_000_000),
        ("twenty", 20),
    ],
)
def test_parse_amount_reads_digits_and_words(text: str, value: int) -> None:
    assert parse_amount(text) == value


def test_parse_amount_rejects_non_numbers() -> None:
    assert parse_amount("many") is None
    assert parse_amount("1,2,3") is None


def test_user_threshold_written_in_words() -> None:
    text = "If your products have more than one hundred million monthly active users, you must request a license from us."
    assert terms_of(text)["user-threshold"].value == 100_000_000


def test_copyleft_and_source_disclosure_clauses() -> None:
    text = (
        "You must license the entire work, as a whole, under this License to anyone who comes into possession of a "
        "copy. Notwithstanding any other provision of this License, if you modify the Program, your modified version "
        "must prominently offer all users interacting with it remotely through a computer network an opportunity to "
        "receive the Corresponding Source of your version. The work must carry prominent notices stating that you "
        "modified it, and giving a relevant date."
    )
    t = terms_of(text)
    assert t["same-license"].value is True
    assert t["network-use-disclose"].value is True
    assert t["state-changes"].value is True


def test_trademark_and_patent_exclusion() -> None:
    t = terms_of("Patent and trademark rights are not licensed under this Public License.")
    assert t["trademark"].value is True
    assert t["patent-grant"].value is False


def test_aup_incorporated_by_url() -> None:
    text = (
        "Your use of the Llama Materials must comply with applicable laws and regulations and adhere to the "
        "Acceptable Use Policy for the Llama Materials (available at https://llama.meta.com/llama3/use-policy), "
        "which is hereby incorporated by reference into this Agreement."
    )
    assert terms_of(text)["acceptable-use-policy"].value == "https://llama.meta.com/llama3/use-policy"


@pytest.mark.parametrize(
    "text",
    [
        "You may use the Software for evaluation purposes only. Any other use requires a commercial license.",
        "We grant you a worldwide, royalty-free license to use the Model for personal, non-commercial use.",
        "This model is free for academic use. For commercial use, please contact us.",
        "Licensor grants you a worldwide, perpetual license to use, reproduce and distribute the Model. "
        "Commercial use requires prior written approval from Licensor.",
        "The model weights are released for non-commercial research. Contact sales@example.com for commercial licensing.",
        "You are granted a worldwide, royalty-free license to use and modify the Model. "
        "You may not sell the Model or offer it as a paid service.",
        "Use of this model for commercial purposes is permitted only for organisations with fewer than 50 employees.",
    ],
)
def test_restricted_commercial_use_is_never_reported_as_allowed(text: str) -> None:
    t = terms_of(text).get("commercial-use")
    assert t is None or t.value is not True


def test_explicit_commercial_grant_is_allowed() -> None:
    text = "Permission is granted to use this model for any purpose, including commercial purposes, provided that you attribute the authors."
    assert terms_of(text)["commercial-use"].value is True


def test_all_caps_disclaimer_wrapped_over_lines_is_one_clause() -> None:
    text = "THE MODEL IS PROVIDED AS IS. IN NO EVENT SHALL THE\nAUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM\nARISING FROM THE MODEL.\n"
    ev = terms_of(text)["liability"].evidence[0]
    assert (ev.start_line, ev.end_line) == (1, 3)


def _values(text: str) -> dict[str, object]:
    return {k: (sorted(t.value) if isinstance(t.value, list) else t.value) for k, t in terms_of(text).items()}


def test_rules_read_the_same_deal_from_a_rewrapped_marked_up_copy() -> None:
    import textwrap

    clauses = [LLAMA2_MAU, LLAMA2_OUTPUTS, LLAMA3_NAMING, LLAMA3_DISPLAY, OPENRAIL_FLOW, APACHE_LITIGATION]
    plain = "\n\n".join(clauses) + "\n\n" + OPENRAIL_LIST
    marked = "# Licence\n\n" + "\n\n".join(
        "> " + textwrap.fill(c, 38, break_on_hyphens=False).replace("\n", "\n> ") for c in clauses
    ) + "\n\n" + OPENRAIL_LIST.replace("- ", "* ").replace("Use Restrictions", "## Use Restrictions")
    marked = marked.replace('"', "\u201c")
    assert _values(plain) == _values(marked)
