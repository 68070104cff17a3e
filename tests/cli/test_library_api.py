"""`import smallprint` offers what the command does."""

from __future__ import annotations

import smallprint


def test_every_exported_name_resolves():
    for name in smallprint.__all__:
        assert getattr(smallprint, name) is not None


def test_library_answers_like_the_command():
    r = smallprint.identify_license_text("This model is licensed under the Llama 3.1 Community License.\n")
    assert r.licenses[0].id == "llama3.1"
    out = smallprint.run_check(smallprint.CheckRequest(targets=["gpt-4o"], preset="distill-own-model", fail_on="blocked"))
    assert out.results[0].verdict["verdict"] == "blocked" and out.exit_code == 1
