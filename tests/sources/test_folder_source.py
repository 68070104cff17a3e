"""Snapshot folders and Hugging Face cache entries read from disk."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from smallprint.errors import InputError
from smallprint.sources.folder import is_license_file, read_folder

SHA = "b" * 40
CARD = "---\nlicense: other\nlicense_name: acme-research\nbase_model: org/base\n---\n# Acme\n"


def make_snapshot(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "README.md").write_text(CARD)
    (root / "LICENSE").write_text("Acme Research License\n\nResearch use only.\n")
    (root / "USE_POLICY.md").write_text("# Acceptable Use Policy\n")
    (root / "config.json").write_text(
        '{"architectures": ["LlamaForCausalLM"], "model_type": "llama", "_name_or_path": "org/base"}'
    )
    save_file({"w": np.zeros((2, 2), dtype=np.float32)}, str(root / "model.safetensors"), metadata={"format": "pt"})
    (root / "pytorch_model.bin").write_bytes(b"\x80\x04not really a pickle")
    return root


def test_snapshot_folder_gives_card_license_files_config_and_weights(tmp_path: Path) -> None:
    facts = read_folder(make_snapshot(tmp_path / "snap"))
    wheres = [c.where for c in facts.license_claims]
    assert wheres[:2] == ["card:license", "card:license_name"]
    assert {"file:LICENSE", "file:USE_POLICY.md"} <= set(wheres)
    licence = next(c for c in facts.license_claims if c.where == "file:LICENSE")
    assert (licence.evidence.start_line, licence.evidence.end_line) == (1, 3)
    assert licence.evidence.quote == "Acme Research License"
    assert licence.value.startswith("Acme Research License")
    assert facts.base_models == ["org/base"]
    assert facts.metadata["config"]["architectures"] == ["LlamaForCausalLM"]
    assert {(Path(w.path).name, w.format) for w in facts.weight_files} == {
        ("model.safetensors", "safetensors"),
        ("pytorch_model.bin", "pickle"),
    }
    assert [f.code for f in facts.findings] == ["pickle-weights"]
    assert "does not certify" in facts.findings[0].message
    assert facts.model_id is None


def test_adapter_config_sets_base_and_adapter_relation(tmp_path: Path) -> None:
    root = tmp_path / "lora"
    root.mkdir()
    (root / "adapter_config.json").write_text(
        '{"base_model_name_or_path": "meta-llama/Meta-Llama-3-8B-Instruct", "peft_type": "LORA"}'
    )
    facts = read_folder(root)
    assert facts.base_models == ["meta-llama/Meta-Llama-3-8B-Instruct"]
    assert facts.relation == "adapter"
    assert facts.metadata["adapter"]["peft_type"] == "LORA"


def test_local_path_in_adapter_config_is_not_a_base_model(tmp_path: Path) -> None:
    (tmp_path / "adapter_config.json").write_text('{"base_model_name_or_path": "/home/me/models/llama"}')
    facts = read_folder(tmp_path)
    assert facts.base_models == []
    assert facts.metadata["adapter"]["base_model_name_or_path"] == "/home/me/models/llama"


def _cache_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "hub" / "models--acme--bot"
    blob = repo / "blobs" / "0123"
    blob.parent.mkdir(parents=True)
    blob.write_text(CARD)
    snapshot = repo / "snapshots" / SHA
    snapshot.mkdir(parents=True)
    (snapshot / "README.md").symlink_to(Path("../../blobs/0123"))
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(SHA)
    return repo


def test_hf_cache_repo_dir_uses_refs_main_and_names_the_model(tmp_path: Path) -> None:
    facts = read_folder(_cache_repo(tmp_path))
    assert (facts.model_id, facts.revision) == ("acme/bot", SHA)
    assert any(c.where == "card:license" for c in facts.license_claims)


def test_hf_cache_snapshot_dir_names_the_model(tmp_path: Path) -> None:
    facts = read_folder(_cache_repo(tmp_path) / "snapshots" / SHA)
    assert (facts.model_id, facts.revision) == ("acme/bot", SHA)
    assert facts.base_models == ["org/base"]


def test_symlink_loops_and_dangling_links_do_not_hang_or_crash(tmp_path: Path) -> None:
    root = make_snapshot(tmp_path / "snap")
    (root / "loop").symlink_to(root, target_is_directory=True)
    (root / "self.safetensors").symlink_to(root / "self.safetensors")
    (root / "LICENSE.txt").symlink_to(tmp_path / "missing")
    deep = root
    for i in range(20):
        deep = deep / f"d{i}"
    deep.mkdir(parents=True)
    (deep / "deep.safetensors").write_bytes(b"")
    facts = read_folder(root)
    assert any(c.where == "file:LICENSE" for c in facts.license_claims)
    assert not any(w.path.endswith("deep.safetensors") for w in facts.weight_files)
    assert sum(f.code in ("broken-metadata", "link-outside-snapshot") for f in facts.findings) >= 2


def test_binary_license_file_is_a_finding_not_a_claim(tmp_path: Path) -> None:
    (tmp_path / "LICENSE").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "NOTICE").write_bytes(b"caf\xe9")
    facts = read_folder(tmp_path)
    assert facts.license_claims == []
    assert [f.code for f in facts.findings] == ["broken-metadata", "broken-metadata"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads anything")
def test_unreadable_license_file_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "LICENSE.md"
    path.write_text("secret")
    path.chmod(0)
    try:
        facts = read_folder(tmp_path)
    finally:
        path.chmod(0o600)
    assert facts.license_claims == [] and [f.code for f in facts.findings] == ["broken-metadata"]


def test_broken_weight_header_is_a_finding(tmp_path: Path) -> None:
    (tmp_path / "model.gguf").write_bytes(b"GGUF\x03\x00")
    facts = read_folder(tmp_path)
    assert [f.code for f in facts.findings] == ["broken-metadata"]
    assert "model.gguf" in facts.findings[0].message


def test_missing_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        read_folder(tmp_path / "nope")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("LICENSE", True),
        ("LICENCE.txt", True),
        ("license.md", True),
        ("COPYING", True),
        ("NOTICE", True),
        ("USE_POLICY.md", True),
        ("LLAMA_LICENSE.md", True),
        ("Gemma_Terms_LICENSE.txt", True),
        ("license.py", False),
        ("config.json", False),
        ("README.md", False),
    ],
)
def test_license_file_names(name: str, expected: bool) -> None:
    assert is_license_file(name) is expected
