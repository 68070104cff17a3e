"""Use profiles: presets, files, validation and command-line overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from smallprint.errors import InputError
from smallprint.profiles import (
    apply_overrides,
    load_preset,
    load_profile_file,
    preset_names,
    resolve_profile,
)


def test_all_issue_presets_exist_and_load():
    assert {"internal-research", "commercial-saas", "on-prem-product", "redistribute-finetune",
            "distill-own-model"} <= set(preset_names())
    for name in preset_names():
        assert load_preset(name).name == name


def test_preset_semantics():
    assert not load_preset("internal-research").makes_available
    assert load_preset("on-prem-product").distributes
    assert load_preset("distill-own-model").trains_on_outputs
    assert not load_preset("commercial-saas").distributes


def test_overrides_parse_command_line_values():
    p = apply_overrides(load_preset("commercial-saas"),
                        {"monthly_active_users": "800M", "annual_revenue_usd": "$1.5m", "regions": "eu,US",
                         "fields": ["Medical"], "commercial": None})
    assert p.monthly_active_users == 800_000_000 and p.annual_revenue_usd == 1_500_000
    assert p.regions == ("EU", "US") and p.fields == ("medical",) and p.commercial is True
    assert p.name == "commercial-saas+overrides"


def test_profile_file_name_defaults_to_stem(tmp_path: Path):
    f = tmp_path / "chatbot.yaml"
    f.write_text("commercial: true\ndeployment: [saas]\nmonthly-active-users: 1000\n", encoding="utf-8")
    p = resolve_profile(str(f))
    assert p.name == "chatbot" and p.monthly_active_users == 1000


@pytest.mark.parametrize(
    ("text", "msg"),
    [
        ("comercial: true\n", "unknown profile field 'comercial'"),
        ("deployment: [cloud]\n", "unknown value 'cloud'"),
        ("monthly_active_users: lots\n", "whole number"),
        ("commercial: maybe\n", "true or false"),
        ("- a\n- b\n", "mapping"),
        ("a: [\n", "broken YAML"),
    ],
)
def test_bad_profile_files_give_one_line_errors(tmp_path: Path, text: str, msg: str):
    f = tmp_path / "p.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=msg):
        load_profile_file(f)


def test_unknown_preset_names_the_presets():
    with pytest.raises(InputError, match="commercial-saas"):
        resolve_profile("comercial-saas")


def test_unquoted_yaml_country_code_read_as_boolean_gets_a_clear_error(tmp_path):
    from smallprint.errors import InputError
    from smallprint.profiles import load_profile_file

    f = tmp_path / "nordic.yaml"
    f.write_text("commercial: true\nregions: [SE, NO]\n", encoding="utf-8")
    with pytest.raises(InputError, match="quote codes such as 'NO'"):
        load_profile_file(f)


def test_profile_lists_accept_tuples_from_library_callers():
    from smallprint.profiles import profile_from_dict

    prof = profile_from_dict({"deployment": ("saas", "on-prem"), "regions": ("eu",)})
    assert prof.deployment == ("saas", "on-prem") and prof.regions == ("EU",)
