"""Materialise an acceptance case (card, snapshot folder, GGUF/safetensors file) in a scratch dir.

Each case folder holds the files as published plus `expected.yaml`; weight files are
written here from the header keys the YAML gives, so no binary sits in the tree.

expected.yaml keys: `codes` (the exact set of finding codes), optional `license` (resolved
ids), `parents` (the model's stated/inferred parents), `relation` (first ancestor's edge),
`license_line`; how to build it: `target` (a file in the case, else the folder), `layout:
{hf_cache: org/name}` (snapshot in a Hugging Face cache repo, which names the model),
`transform: {crlf, bom}` for README.md, `gguf: {file, keys}`, `st: {file, metadata}`,
`license_file: {name, kb_text}` and `extra_kb_files: {name: kb_text}` (publisher texts
copied verbatim from the bundled reference texts).
"""

from __future__ import annotations

import json
import shutil
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from gguf import GGUFWriter

CASES = Path(__file__).parent / "cases"
KB_TEXTS = Path(__file__).parents[2] / "src" / "smallprint" / "kb" / "texts"
SNAPSHOT = "0f3c1d6e9b2a4c5d8e7f6a5b4c3d2e1f0a9b8c7d"


@dataclass
class Case:
    name: str
    expect: dict[str, Any]
    target: Path


def case_names() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if (p / "expected.yaml").is_file())


def load_expect(name: str) -> dict[str, Any]:
    data = yaml.safe_load((CASES / name / "expected.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def write_gguf(path: Path, keys: dict[str, Any]) -> None:
    writer = GGUFWriter(str(path), "llama")
    for key, value in keys.items():
        if isinstance(value, bool):
            writer.add_bool(key, value)
        elif isinstance(value, int):
            writer.add_uint32(key, value)
        else:
            writer.add_string(key, str(value))
    writer.add_tensor("blk.0.w", np.ones((2, 4), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def write_safetensors(path: Path, metadata: dict[str, str]) -> None:
    header = {"__metadata__": metadata, "w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}
    raw = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + b"\x00" * 16)


def _transform(card: Path, how: dict[str, Any]) -> None:
    text = card.read_text(encoding="utf-8")
    if how.get("crlf"):
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8")
    if how.get("bom"):
        data = b"\xef\xbb\xbf" + data
    card.write_bytes(data)


def build_case(name: str, scratch: Path) -> Case:
    """Copy the case's files into scratch (in an HF cache layout when asked) and write its weights."""
    expect = load_expect(name)
    layout = expect.get("layout") or {}
    if layout.get("hf_cache"):
        org, repo = layout["hf_cache"].split("/")
        repo_dir = scratch / "hub" / f"models--{org}--{repo}"
        root = repo_dir / "snapshots" / SNAPSHOT
        (repo_dir / "refs").mkdir(parents=True)
        (repo_dir / "refs" / "main").write_text(SNAPSHOT)
    else:
        repo_dir = root = scratch / name
    root.mkdir(parents=True, exist_ok=True)
    for f in (CASES / name).iterdir():
        if f.name != "expected.yaml":
            shutil.copy(f, root / f.name)
    if expect.get("transform") and (root / "README.md").exists():
        _transform(root / "README.md", expect["transform"])
    if expect.get("gguf"):
        write_gguf(root / expect["gguf"]["file"], expect["gguf"].get("keys") or {})
    if expect.get("license_file"):
        spec = expect["license_file"]
        shutil.copy(KB_TEXTS / spec["kb_text"], root / spec["name"])  # the publisher's text, verbatim
    for name, text in (expect.get("extra_kb_files") or {}).items():
        shutil.copy(KB_TEXTS / text, root / name)
    if expect.get("st"):
        write_safetensors(root / expect["st"]["file"], expect["st"].get("metadata") or {})
    target = root / expect["target"] if expect.get("target") else repo_dir
    return Case(name, expect, target)
