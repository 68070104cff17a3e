"""The safetensors header reader on files written by the real library, and on broken ones."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from smallprint.errors import SourceError
from smallprint.model import ModelFacts
from smallprint.sources.safetensors_header import read_safetensors_header
from smallprint.sources.weights import apply_safetensors


@pytest.fixture
def real_file(tmp_path: Path) -> Path:
    path = tmp_path / "model.safetensors"
    tensors: dict[str, np.ndarray] = {"w": np.zeros((2, 3), dtype=np.float32), "b": np.zeros((3,), dtype=np.float16)}
    save_file(tensors, str(path), metadata={"format": "pt", "license": "apache-2.0"})
    return path


def test_metadata_and_tensor_summary_come_from_the_header(real_file: Path) -> None:
    header = read_safetensors_header(real_file)
    assert header.metadata == {"format": "pt", "license": "apache-2.0"}
    assert header.tensor_count == 2
    assert header.dtypes == {"F32": 1, "F16": 1}
    assert header.parameter_count == 9


def test_license_key_in_metadata_becomes_a_claim(real_file: Path) -> None:
    facts = ModelFacts(str(real_file), None, "safetensors")
    apply_safetensors(facts, read_safetensors_header(real_file), str(real_file))
    [claim] = facts.license_claims
    assert (claim.where, claim.value) == ("safetensors:__metadata__.license", "apache-2.0")
    assert claim.evidence.start_line == 0 and "apache-2.0" in claim.evidence.quote


def test_file_without_metadata_has_no_claims(tmp_path: Path) -> None:
    path = tmp_path / "plain.safetensors"
    save_file({"w": np.zeros((1,), dtype=np.int8)}, str(path))
    facts = ModelFacts(str(path), None, "safetensors")
    apply_safetensors(facts, read_safetensors_header(path), str(path))
    assert facts.license_claims == []


def _raw(header: bytes, declared: int | None = None, tail: bytes = b"") -> bytes:
    return struct.pack("<Q", len(header) if declared is None else declared) + header + tail


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"\x01\x02", "shorter than 8 bytes"),
        (_raw(b"{}", declared=200_000_000), "exceeds the limit"),
        (_raw(b"{}", declared=50), "runs past the end"),
        (_raw(b"\xff\xfe{}"), "not UTF-8"),
        (_raw(b"{not json"), "not valid JSON"),
        (_raw(b"[1, 2]"), "not a JSON object"),
        (_raw(b"[" * 100_000 + b"]" * 100_000), "not valid JSON|not a JSON object"),
        (_raw(json.dumps({"__metadata__": {"license": 3}}).encode()), "not a string"),
        (_raw(json.dumps({"__metadata__": ["x"]}).encode()), "not a JSON object"),
        (_raw(json.dumps({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}).encode()), "shape"),
        (_raw(json.dumps({"w": {"dtype": "F32", "shape": [1]}}).encode()), "data_offsets"),
        (_raw(json.dumps({"w": 5}).encode()), "not an object"),
    ],
)
def test_broken_headers_are_source_errors(tmp_path: Path, payload: bytes, message: str) -> None:
    path = tmp_path / "broken.safetensors"
    path.write_bytes(payload)
    with pytest.raises(SourceError, match=message) as err:
        read_safetensors_header(path)
    assert str(path) in str(err.value)


def test_every_truncation_gives_a_source_error_or_a_result(real_file: Path, tmp_path: Path) -> None:
    data = real_file.read_bytes()
    target = tmp_path / "cut.safetensors"
    for length in range(len(data)):
        target.write_bytes(data[:length])
        try:
            read_safetensors_header(target)
        except SourceError:
            pass
