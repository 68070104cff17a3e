"""`select` filters and ranking: parameter ranges, tasks, open weights only, the order and its inputs."""

from __future__ import annotations

import pytest

from smallprint.errors import InputError
from smallprint.kb import default_kb
from smallprint.policy.profiles import resolve_profile
from smallprint.selection.filters import Filters, parse_count, parse_params
from smallprint.selection.ranking import OSAID_ORDER
from smallprint.selection.select import select


@pytest.mark.parametrize(("text", "value"), [("7B", 7e9), ("500m", 5e8), ("1.5e9", 1.5e9), ("70b", 7e10), ("2T", 2e12)])
def test_parameter_counts_read_as_people_write_them(text: str, value: float) -> None:
    assert parse_count(text) == value


def test_parameter_ranges_and_their_mistakes() -> None:
    assert parse_params("1B..8B") == (1e9, 8e9)
    assert parse_params("..3B") == (None, 3e9)
    assert parse_params("70B..") == (7e10, None)
    for bad in ("8B", "8B..1B", "lots..8B"):
        with pytest.raises(InputError):
            parse_params(bad)
    with pytest.raises(InputError):
        Filters(modality="smell").check()


def test_filters_narrow_the_pool_and_the_ranking_shows_its_inputs() -> None:
    kb = default_kb()
    f = Filters(task="text-generation", params_min=1e9, params_max=4e9, open_weights_only=True)
    s = select(resolve_profile("commercial-saas"), f, kb=kb, offline=True, limit=5)
    assert len(s.shown) == 5 and len(s.chosen) > 5
    for c in s.chosen:
        m = kb.model(c.model_id)
        assert m is not None and not c.closed
        assert m.pipeline_tag in ("text-generation", "image-text-to-text", "any-to-any")
        assert m.parameters is not None and 1e9 <= m.parameters <= 4e9
    assert s.filtered_out.get("closed (weights not published)", 0) > 0
    keys = [c.rank.key() for c in s.chosen]
    assert keys == sorted(keys)
    levels = [c.rank.verdict for c in s.chosen]
    assert levels == sorted(levels, key=lambda v: v != "allowed")  # allowed before conditions
    first = s.chosen[0].rank
    assert first.verdict == "allowed" and OSAID_ORDER[first.osaid or "closed"] <= OSAID_ORDER["open-weights"]
    d = s.to_dict()
    assert d["schema"] == "smallprint/select/1" and len(d["selected"]) == 5
    assert {"duty_weight", "osaid", "mof_class", "family_last_release_days"} <= set(d["selected"][0]["rank"])


def test_a_closed_model_is_selected_with_its_duties_when_its_terms_allow_the_use() -> None:
    s = select(resolve_profile("internal-research"), Filters(task="image-text-to-text"), offline=True)
    closed = [c for c in s.chosen if c.closed]
    assert closed and all(c.rank.verdict in ("allowed", "conditions") for c in closed)
