"""The bounded GGUF reader on files written by the real `gguf` package, and on broken ones."""

from __future__ import annotations

import random
import struct
from pathlib import Path

import numpy as np
import pytest
from gguf import GGUFReader, GGUFWriter

from smallprint.errors import SourceError
from smallprint.model import ModelFacts
from smallprint.sources.gguf_header import read_gguf_header
from smallprint.sources.weights import apply_gguf


def write_gguf(path: Path, *, vocabulary: int = 1000, endianess: object = None) -> Path:
    kwargs = {"endianess": endianess} if endianess is not None else {}
    writer = GGUFWriter(str(path), "llama", **kwargs)  # type: ignore[arg-type]
    writer.add_name("Support Bot 8B Q4")
    writer.add_license("llama3.1")
    writer.add_license_name("Llama 3.1 Community License")
    writer.add_license_link("https://huggingface.co/meta-llama/Llama-3.1-8B/blob/main/LICENSE")
    writer.add_base_model_count(2)
    writer.add_base_model_name(0, "Llama 3.1 8B Instruct")
    writer.add_base_model_organization(0, "Meta Llama")
    writer.add_base_model_repo_url(0, "https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct")
    writer.add_base_model_name(1, "Hermes 3")
    writer.add_base_model_repo_url(1, "https://huggingface.co/NousResearch/Hermes-3-Llama-3.1-8B")
    writer.add_source_repo_url("https://huggingface.co/acme/support-bot-8b")
    writer.add_tags(["llama", "quantized"])
    writer.add_context_length(8192)
    writer.add_token_list([f"token-{i}" for i in range(vocabulary)])
    writer.add_token_scores([0.5] * vocabulary)
    writer.add_chat_template("{{ messages }}")
    writer.add_tensor("blk.0.w", np.ones((4, 8), dtype=np.float32))
    writer.add_tensor("blk.1.w", np.ones((3,), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


@pytest.fixture(scope="module")
def small_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_gguf(tmp_path_factory.mktemp("gguf") / "small.gguf", vocabulary=50)


def test_general_keys_are_read_and_tokenizer_arrays_skipped(tmp_path: Path) -> None:
    header = read_gguf_header(write_gguf(tmp_path / "m.gguf", vocabulary=20_000))
    meta = header.metadata
    assert header.version == 3 and header.byte_order == "little" and header.tensor_count == 2
    assert meta["general.license"] == "llama3.1"
    assert meta["general.license.name"] == "Llama 3.1 Community License"
    assert meta["general.base_model.count"] == 2
    assert meta["general.base_model.1.repo_url"] == "https://huggingface.co/NousResearch/Hermes-3-Llama-3.1-8B"
    assert meta["general.tags"] == ["llama", "quantized"]
    assert meta["llama.context_length"] == 8192
    assert "tokenizer.ggml.tokens" in header.skipped and "tokenizer.ggml.tokens" not in meta
    assert "tokenizer.chat_template" in header.skipped
    assert header.parameter_count == 32 + 3


def test_reader_agrees_with_gguf_package_on_general_keys(small_gguf: Path) -> None:
    reference = GGUFReader(str(small_gguf))
    ours = read_gguf_header(small_gguf).metadata
    for key, field in reference.fields.items():
        if key.startswith("general."):
            assert ours[key] == field.contents(), key


def test_big_endian_file_is_read(tmp_path: Path) -> None:
    from gguf import GGUFEndian

    header = read_gguf_header(write_gguf(tmp_path / "be.gguf", endianess=GGUFEndian.BIG))
    assert header.byte_order == "big"
    assert header.metadata["general.license"] == "llama3.1"


def test_gguf_facts_carry_license_claims_with_key_evidence_and_parents(small_gguf: Path) -> None:
    facts = ModelFacts(str(small_gguf), None, "gguf")
    apply_gguf(facts, read_gguf_header(small_gguf), str(small_gguf))
    claims = {c.where: c for c in facts.license_claims}
    assert claims["gguf:general.license"].value == "llama3.1"
    evidence = claims["gguf:general.license"].evidence
    assert (evidence.file, evidence.start_line, evidence.quote) == (
        str(small_gguf),
        0,
        "general.license = llama3.1",
    )
    assert "gguf:general.license.link" in claims
    assert facts.base_models == ["meta-llama/Llama-3.1-8B-Instruct", "NousResearch/Hermes-3-Llama-3.1-8B"]
    assert facts.metadata["gguf"][str(small_gguf)]["source_model"] == "acme/support-bot-8b"
    assert facts.name == "Support Bot 8B Q4"


def test_every_truncation_gives_a_source_error_or_a_result(small_gguf: Path, tmp_path: Path) -> None:
    data = small_gguf.read_bytes()
    target = tmp_path / "cut.gguf"
    for length in range(len(data)):
        target.write_bytes(data[:length])
        try:
            read_gguf_header(target)
        except SourceError as exc:
            assert str(target) in str(exc) and "\n" not in str(exc)


def test_random_byte_flips_never_raise_anything_but_source_error(small_gguf: Path, tmp_path: Path) -> None:
    data = small_gguf.read_bytes()
    rng = random.Random(20240521)
    target = tmp_path / "flip.gguf"
    for _ in range(400):
        mutated = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        target.write_bytes(bytes(mutated))
        try:
            read_gguf_header(target)
        except SourceError:
            pass


def _header(kv_count: int, tensor_count: int = 0) -> bytes:
    return b"GGUF" + struct.pack("<IQQ", 3, tensor_count, kv_count)


def _key(name: str) -> bytes:
    raw = name.encode()
    return struct.pack("<Q", len(raw)) + raw


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"NOPE" + b"\0" * 20, "bad magic"),
        (b"GGUF" + struct.pack("<I", 1) + b"\0" * 16, "version 1"),
        (b"GGUF" + struct.pack("<I", 99) + b"\0" * 16, "unsupported GGUF version"),
        (_header(10**9), "metadata keys exceeds"),
        (_header(1) + struct.pack("<Q", 2**40), "exceeds"),
        (_header(1) + _key("general.name") + struct.pack("<IQ", 8, 2**31), "exceeds"),
        (_header(1) + _key("tokenizer.ggml.tokens") + struct.pack("<IIQ", 9, 8, 2**40), "array of"),
        (_header(1) + _key("x") + struct.pack("<IIQ", 9, 4, 1000), "past the end"),
        (_header(1) + _key("x") + struct.pack("<I", 77), "unknown value type"),
        (_header(0, tensor_count=10**12), "tensors exceeds"),
    ],
)
def test_hostile_headers_are_refused_with_a_reason(tmp_path: Path, payload: bytes, message: str) -> None:
    target = tmp_path / "hostile.gguf"
    target.write_bytes(payload)
    with pytest.raises(SourceError, match=message):
        read_gguf_header(target)


def test_huge_declared_string_array_is_skipped_without_building_it(tmp_path: Path) -> None:
    count = 300_000
    body = b"".join(struct.pack("<Q", 1) + b"a" for _ in range(count))
    payload = (
        _header(2)
        + _key("tokenizer.ggml.tokens")
        + struct.pack("<IIQ", 9, 8, count)
        + body
        + _key("general.license")
        + struct.pack("<IQ", 8, 3)
        + b"mit"
    )
    target = tmp_path / "vocab.gguf"
    target.write_bytes(payload)
    header = read_gguf_header(target)
    assert header.metadata == {"general.license": "mit"}


def test_directory_is_not_read_as_gguf(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="not a regular file"):
        read_gguf_header(tmp_path)


def test_comma_joined_license_list_from_the_converter_is_split(tmp_path: Path) -> None:
    writer = GGUFWriter(str(tmp_path / "l.gguf"), "llama")
    writer.add_license("apache-2.0,mit")
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    writer.close()
    facts = ModelFacts("l.gguf", None, "gguf")
    apply_gguf(facts, read_gguf_header(tmp_path / "l.gguf"), "l.gguf")
    assert [c.value for c in facts.license_claims] == ["apache-2.0", "mit"]
    assert facts.license_claims[0].evidence.quote == "general.license = apache-2.0,mit"
