"""read_target picks the source by what the target is."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from hub_server import FakeRepo, StandInHub
from smallprint.errors import InputError, SourceError
from smallprint.sources import expand_target, read_target


def test_directory_is_read_as_a_folder(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("---\nlicense: mit\n---\n")
    facts = read_target(str(tmp_path))
    assert facts.origin == "folder" and [c.value for c in facts.license_claims] == ["mit"]


def test_markdown_file_is_read_as_a_card(tmp_path: Path) -> None:
    path = tmp_path / "card.md"
    path.write_text("---\nlicense: gemma\nbase_model: google/gemma-2-9b\n---\n")
    facts = read_target(str(path))
    assert facts.origin == "card" and facts.base_models == ["google/gemma-2-9b"]
    assert facts.license_claims[0].evidence.file == str(path)


def test_safetensors_file_is_read_by_header(tmp_path: Path) -> None:
    path = tmp_path / "w.safetensors"
    save_file({"w": np.zeros((1,), dtype=np.float32)}, str(path), metadata={"license": "mit"})
    facts = read_target(str(path))
    assert facts.origin == "safetensors" and facts.license_claims[0].value == "mit"


def test_broken_gguf_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "w.gguf"
    path.write_bytes(b"GGUF")
    with pytest.raises(SourceError):
        read_target(str(path))


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_target(str(tmp_path / "missing.gguf"))
    with pytest.raises(InputError):
        read_target("./org/name")


def test_unknown_file_kind_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("x")
    with pytest.raises(InputError, match="not a model target"):
        read_target(str(path))


def test_hub_id_goes_to_the_hub(stand_in_hub: StandInHub) -> None:
    stand_in_hub.add(FakeRepo("acme/tiny", {"README.md": b"---\nlicense: mit\n---\n"}))
    facts = read_target("acme/tiny@main")
    assert facts.origin == "hub" and facts.model_id == "acme/tiny"
    assert ("card:license", "mit") in [(c.where, c.value) for c in facts.license_claims]


def test_directory_of_models_expands_to_each_model(tmp_path: Path) -> None:
    for name in ("a", "b", "org/c"):
        (tmp_path / name).mkdir(parents=True)
        (tmp_path / name / "README.md").write_text("---\nlicense: mit\n---\n")
    (tmp_path / "a" / "sub").mkdir()
    (tmp_path / "a" / "sub" / "config.json").write_text("{}")
    (tmp_path / "empty").mkdir()
    assert expand_target(str(tmp_path)) == [str(tmp_path / n) for n in ("a", "b", "org/c")]
    assert expand_target(str(tmp_path / "a")) == [str(tmp_path / "a")]
    assert expand_target("acme/model") == ["acme/model"]
