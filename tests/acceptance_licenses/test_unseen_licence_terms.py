"""Clause rules on licences the knowledge base does not know (ScanCode licence database).

Each excerpt is quoted from a ScanCode licence text (licensedcode/data/licenses/<key>.LICENSE,
scancode-toolkit 32.5.0, CC-BY-4.0); the key is given as provenance. Every case was read
wrong before: mostly a confident `commercial-use: true` from a clause that grants the
licensor something, disclaims a warranty, or lists prohibitions, and restrictions on
commercial use that were missed. Precision first: where the rules cannot tell, they
must stay silent or say "conditional", never `true`.
"""

from __future__ import annotations

import pytest

from smallprint.evaluators.clauses import extract_terms
from smallprint.model import Term
from smallprint.text import normalize


def read(text: str) -> dict[str, Term]:
    return {t.key: t for t in extract_terms(normalize(text), "LICENSE")}


def commercial(text: str) -> object:
    t = read(text).get("commercial-use")
    return None if t is None else t.value


# -- grants that are not the user's: never a commercial grant ----------------------------

NOT_A_USER_GRANT = {
    # ms-visual-studio-code: feedback licensed to the vendor
    "feedback-to-vendor": "If you give feedback about the software to Microsoft, you give to Microsoft, without "
    "charge, the right to use, share and commercialize your feedback in any way and for any purpose.",
    # nvidia-video-codec-agreement: a grant from the licensee to the vendor
    "licensee-grants-vendor": "Licensee hereby grants to NVIDIA and its affiliates a worldwide, non-exclusive, "
    "irrevocable, perpetual, sublicenseable (through multiple tiers of sublicensees), royalty-free and fully "
    "paid-up right and license to the Modification(s) created by or on behalf of Licensee so that NVIDIA may "
    "copy, modify, create derivatives works thereof, to use, have used, import, make, have made, sell, offer to "
    "sell, sublicense (through multiple tiers of sublicensees), distribute (through multiple tiers of "
    "distributors) such derivative work(s) on a stand-alone basis or as incorporated into the Licensed Materials "
    "or other related technologies.",
    # adcolony-tos-2022: the developer grants the platform the right to sell
    "developer-grants-platform": "Developer hereby grants AdColony the right to sell, and have sold, advertisement "
    "inventory in the Developer Apps, and to insert AdColony Ads within such inventory.",
    # oracle-sql-developer: export control, "any purpose prohibited by these laws"
    "export-control": "You agree that neither the programs nor any direct product thereof will be exported, "
    "directly, or indirectly, in violation of these laws, or will be used for any purpose prohibited by these "
    "laws including, without limitation, nuclear, chemical, or biological weapons proliferation.",
    # oculus-sdk-3.5: "any purpose" negated
    "any-purpose-negated": "You may not use the Oculus SDK for any purpose not expressly permitted by this License.",
    # otn-dev-dist-2016: "any purpose other than" asks for another licence
    "any-purpose-other-than": "If You want to use the Programs or Your application for any purpose other than as "
    "expressly permitted under this Agreement, You must obtain from Oracle or an Oracle reseller a valid "
    "Programs license under a separate agreement permitting such use.",
    # rar-winrar-eula: "sell" inside a list of prohibitions
    "sell-in-prohibitions": "You may not use, copy, emulate, clone, rent, lease, sell, modify, decompile, "
    "disassemble, otherwise reverse engineer, or transfer the licensed software, or any subset of the licensed "
    "software, except as provided for in this agreement.",
    # qca-linux-firmware: a patent licence to make and sell says nothing of the copyright grant
    "patent-only-grant": "Qualcomm Atheros, Inc. (\"Licensor\") grants you (\"Licensee\") a limited, worldwide, "
    "royalty-free, non-exclusive license under the Patents to make, have made, use, import, offer to sell and "
    "sell the Software.",
    # intel-code-samples: what the user posts is licensed to the vendor
    "user-posts": "You agree that any material, information, or other communication, including all data, images, "
    "sounds, text, and other things embodied therein, you transmit or post to an Intel website will be "
    "considered non-confidential (\"Communications\").",
    # jam-stapl: support disclaimer "for any purpose"
    "support-disclaimer": "You acknowledge that Altera is not responsible for and is not obligated to provide, any "
    "support, including email and telephone support, for any purpose with respect to the Programs.",
    # iptc-2006: a release from liability "for any purpose"
    "release-from-liability": "By using the Specifications and Materials including the Document in any manner or "
    "for any purpose, you release the IPTC from all liabilities, claims, causes of action, allegations, losses, "
    "injuries, damages, or detriments of any nature arising from or relating to the use of the Specifications, "
    "Materials or any portion thereof.",
    # rockchip-proprietary-2022: all use needs written permission
    "needs-written-permission": "No part of this work may be disclosed, reproduced, copied, transmitted, or used in "
    "any way for any purpose, without the express written permission of Rockchip Corporation.",
    # gradle-enterprise-sla-2022-11-08: "commercially reasonable efforts" is a warranty
    "commercially-reasonable": "Gradle warrants to Customer that (i) Gradle shall take commercially reasonable "
    "efforts to ensure that the Software, in the form and at the time first made available to Customer for "
    "download, will be free of any Viruses.",
    # opera-widget-1.0: a risk disclaimer naming commercial purposes
    "risk-disclaimer": "Each Recipient is solely responsible for determining the appropriateness of using and "
    "distributing the Covered Code for commercial and non-commercial purposes and assumes all risks associated "
    "with its exercise of rights under this Agreement.",
}


@pytest.mark.parametrize("case", sorted(NOT_A_USER_GRANT))
def test_clause_that_grants_the_user_nothing_is_not_read_as_commercial_use_allowed(case: str) -> None:
    assert commercial(NOT_A_USER_GRANT[case]) is not True


# -- grants limited to a purpose: not a plain "commercial use allowed" -------------------

LIMITED = {
    # msdn-magazine-sample-code-2007
    "design-development-testing": "Microsoft grants you a personal, nonexclusive, royalty-free license to install "
    "and use the Software for design, development, and testing purposes.",
    # northwoods-evaluation-2024
    "evaluation-licence": "Subject to the terms and conditions of this Agreement, Northwoods hereby grants You a "
    "worldwide, non-exclusive, non-transferable, revocable evaluation license (\"License\") to use the Software "
    "for the sole purpose of testing and evaluating the Software.",
    # mdl-2021
    "internal-use-only": "The Output can be used internally for any purpose, but not made available to Third "
    "Parties or for their benefit.",
    # netdata-ncul1: a broad grant, narrowed elsewhere to use with the vendor's software
    "use-only-with-vendor-software": "The licensor grants you a non-exclusive, royalty-free, worldwide, "
    "non-sublicensable, non-transferable license to use, copy, distribute, make available the software, in each "
    "case subject to the limitations, restrictions and conditions below.\n\nThis license allows you to use the "
    "Software only to interface with the licensor's other software components, such as Netdata Agents and "
    "Netdata Cloud.",
}


@pytest.mark.parametrize("case", sorted(LIMITED))
def test_grant_limited_to_a_purpose_is_not_read_as_commercial_use_allowed(case: str) -> None:
    assert commercial(LIMITED[case]) is not True


# -- restrictions on commercial use that were missed --------------------------------------

PROSPERITY = (  # prosperity-2.0
    "This license lets you use and share this software for free, with a trial-length time limit on commercial "
    "use. Specifically: If you follow the rules below, you may do everything with this software that would "
    "otherwise infringe either the contributor's copyright in it, any patent claim the contributor can license "
    "that covers this software as of the contributor's latest contribution, or both."
)
PIPEDREAM = (  # pipedream-sal-1.0
    "Licensee is not granted the right to, and Licensee shall not, exercise the License for an Excluded Purpose. "
    "For purposes of this Agreement, \"Excluded Purpose\" means any commercial use of the software including, but "
    "not limited to, making available any software-as-a-service, platform-as-a-service, "
    "infrastructure-as-a-service or other online service that competes with the Software."
)
DIRECTX = "You may distribute those documents and projects non-commercially."  # ms-directx-sdk-eula-2020
CC_NC_1 = (  # cc-nc-1.0
    "You may not exercise any of the rights granted to You in Section 3 above in any manner that is primarily "
    "intended for or directed toward commercial advantage or private monetary compensation."
)
POLYFORM_NC = (  # polyform-noncommercial-1.0.0
    "The licensor grants you a copyright license for the software to do everything you might do with the "
    "software that would otherwise infringe the licensor's copyright in it for any permitted purpose.\n\n"
    "## Noncommercial Purposes\n\nAny noncommercial purpose is a permitted purpose."
)
SIESTA = (  # siesta-academic-individuals
    "Limitation of Usage The use of the Siesta package under the present Licence is restricted solely to "
    "members of academic institutions (including universities and non-military public research laboratories) "
    "and to academic purposes."
)
ANTI_CAPITALIST = (  # anti-capitalist-1.4
    "Permission is hereby granted, free of charge, to any person or organization (the \"User\") obtaining a copy "
    "of this software and associated documentation files (the \"Software\"), to use, copy, modify, merge, "
    "distribute, and/or sell copies of the Software, subject to the following conditions:\n\n"
    "2. The User is one of the following:\na. An individual person, laboring for themselves\n"
    "b. A non-profit organization\nc. An educational institution\n"
)


def test_trial_time_limit_on_commercial_use_is_not_commercial_use_allowed() -> None:
    assert commercial(PROSPERITY) in (False, "conditional")


def test_commercial_use_defined_as_an_excluded_purpose_is_a_restriction() -> None:
    assert commercial(PIPEDREAM) in (False, "conditional")


def test_distribution_allowed_non_commercially_is_a_restriction() -> None:
    assert commercial(DIRECTX) is False


def test_cc_1_0_commercial_advantage_clause_reads_as_non_commercial() -> None:
    terms = read(CC_NC_1)
    assert terms["non-commercial"].value is True
    assert terms["commercial-use"].value is False


def test_polyform_noncommercial_permitted_purpose_reads_as_non_commercial() -> None:
    terms = read(POLYFORM_NC)
    assert terms["non-commercial"].value is True
    assert terms["commercial-use"].value is False


def test_use_restricted_to_academic_institutions_reads_as_non_commercial() -> None:
    terms = read(SIESTA)
    assert terms["non-commercial"].value is True
    assert terms["commercial-use"].value is False


def test_licence_limited_to_individuals_and_non_profits_is_not_commercial_use_allowed() -> None:
    assert commercial(ANTI_CAPITALIST) in (False, "conditional")


def test_no_hosted_service_clause_makes_commercial_use_conditional() -> None:
    text = (  # elastic-license-v2
        "The licensor grants you a non-exclusive, royalty-free, worldwide, non-sublicensable, non-transferable "
        "license to use, copy, distribute, make available, and prepare derivative works of the software.\n\n"
        "You may not provide the software to third parties as a hosted or managed service, where the service "
        "provides users with access to any substantial set of the features or functionality of the software."
    )
    assert commercial(text) == "conditional"


def test_grant_that_withholds_the_right_to_sell_is_not_commercial_use_allowed() -> None:
    text = (  # commons-clause
        "Without limiting other conditions in the License, the grant of rights under the License will not include, "
        "and the License does not grant to you, the right to Sell the Software."
    )
    assert commercial(text) is not True


# -- controls: plain commercial grants still read as allowed ------------------------------

ALLOWED = {
    "activestate-community": "You may use this Package for commercial or non-commercial purposes without charge.",
    "sofa": "Permission is granted to anyone to use the SOFA software for any purpose, including commercial "
    "applications, free of charge and without payment of royalties, subject to the conditions and restrictions "
    "listed below.",
    "autoit-eula": "You may use the SOFTWARE PRODUCT for commercial purposes.",
}


@pytest.mark.parametrize("key", sorted(ALLOWED))
def test_plain_commercial_grant_still_reads_as_commercial_use_allowed(key: str) -> None:
    assert commercial(ALLOWED[key]) is True
