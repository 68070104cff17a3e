"""A GGUF file alone: its licence key and base-model keys drive the check (file written with the real writer)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from smallprint.check import check_target

gguf = pytest.importorskip("gguf")


def write_gguf(path: Path, license_id: str, base_repo: str) -> None:
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_name("Tiny-Quant")
    w.add_license(license_id)
    w.add_base_model_count(1)
    w.add_base_model_name(0, base_repo.split("/")[1])
    w.add_base_model_organization(0, base_repo.split("/")[0])
    w.add_base_model_repo_url(0, f"https://huggingface.co/{base_repo}")
    w.add_tensor("w", np.zeros((2, 2), dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def test_gguf_quant_declaring_apache_over_llama_conflicts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    f = tmp_path / "tiny.Q4_K_M.gguf"
    write_gguf(f, "apache-2.0", "meta-llama/Llama-3.2-3B-Instruct")
    r = check_target(str(f), offline=True)
    assert [n.id for n in r.lineage][1] == "meta-llama/Llama-3.2-3B-Instruct"
    assert r.lineage[1].relation == "quantized"
    assert "license-conflicts-with-base" in {x.code for x in r.findings}


def test_gguf_quant_keeping_the_base_licence_is_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    f = tmp_path / "tiny.gguf"
    write_gguf(f, "llama3.2", "meta-llama/Llama-3.2-3B-Instruct")
    r = check_target(str(f), offline=True)
    assert [m.id for m in r.license.licenses] == ["llama3.2"]
    assert not {"license-conflicts-with-base", "no-license"} & {x.code for x in r.findings}
