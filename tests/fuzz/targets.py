"""Fuzz targets: one function per reader (and one for the renderers), each fed one input.

A target passes when the reader returns, or refuses the input with a `SmallprintError`
(a one-line error for that input); any other exception is an internal error, the bug
class this suite exists to find. Outputs must serialise as JSON. Shared by the short run
(tests/fuzz/test_fuzz_readers.py) and the long run (benchmarks/fuzz_readers.py).
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from fuzz.strategies import (
    boms,
    cards,
    code_files,
    gguf_files,
    hostile_text,
    safetensors_files,
    yaml_documents,
)
from smallprint.errors import SmallprintError
from smallprint.model import ModelFacts

_TMP = Path(tempfile.mkdtemp(prefix="smallprint-fuzz-"))


def _file(name: str, data: bytes | str) -> Path:
    """A fresh file in a per-process scratch folder (targets run many times each)."""
    folder = Path(tempfile.mkdtemp(dir=_TMP))
    path = folder / name
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    path.write_bytes(data)
    return path


def _json_safe(value: Any) -> None:
    """What a reader keeps must serialise (JSON reports are written from it)."""
    json.dumps(value, ensure_ascii=False, default=str).encode("utf-8", "surrogatepass")


def front_matter(text: str) -> None:
    from smallprint.sources.card import parse_card
    from smallprint.sources.card_facts import apply_card

    card = parse_card(text, "README.md")
    facts = ModelFacts("fuzz", None, "card")
    apply_card(facts, card)
    _json_safe(card.front_matter)
    _json_safe([f.to_dict() for f in facts.findings])


def gguf(data: bytes) -> None:
    from smallprint.sources.gguf_header import read_gguf_stream
    from smallprint.sources.weights import apply_gguf

    try:
        header = read_gguf_stream(io.BytesIO(data), len(data), "fuzz.gguf")
    except SmallprintError:
        return
    facts = ModelFacts("fuzz.gguf", None, "gguf")
    apply_gguf(facts, header, "fuzz.gguf")
    json.dumps(facts.metadata, ensure_ascii=False, allow_nan=False)


def safetensors(data: bytes) -> None:
    from smallprint.sources.safetensors_header import read_safetensors_header
    from smallprint.sources.weights import apply_safetensors

    path = _file("fuzz.safetensors", data)
    try:
        header = read_safetensors_header(path)
    except SmallprintError:
        return
    facts = ModelFacts(str(path), None, "safetensors")
    apply_safetensors(facts, header, str(path))
    json.dumps(facts.metadata, ensure_ascii=False, allow_nan=False)


def licence_text(text: str) -> None:
    from smallprint.api import identify_license_text

    result = identify_license_text(text, "fuzz.txt")
    _json_safe(result.to_dict())


def _loader(kind: str) -> Callable[[str], None]:
    def run(text: str) -> None:
        suffix = ".yaml"
        path = _file(f"fuzz{suffix}", text)
        try:
            if kind == "profile":
                from smallprint.profiles import load_profile_file

                load_profile_file(path)
            elif kind == "policy":
                from smallprint.policyfile import load_policy

                load_policy(path)
            else:
                from smallprint.inventory import load_inventory

                load_inventory(path)
        except SmallprintError as e:
            assert "\n" not in str(e), f"error message spans lines: {e!r}"
            assert str(path) in str(e), f"error message does not name the file: {e}"

    return run


def bom(text: str) -> None:
    from smallprint.check import check_facts
    from smallprint.sources.bom import read_bom

    path = _file("fuzz.cdx.json", text)
    try:
        models = read_bom(path)
    except SmallprintError as e:
        assert "\n" not in str(e)
        return
    for facts in models[:2]:
        _json_safe(check_facts(facts, offline=True).to_dict())


def code(item: tuple[str, bytes]) -> None:
    from smallprint.scan import scan_code

    name, data = item
    path = _file(name, data)
    report = scan_code(path.parent)
    _json_safe(report.to_dict())
    for ref in report.references:
        assert ref.name is None or "\n" not in ref.name


@dataclass(frozen=True)
class Target:
    """A reader under fuzz: the input strategy and the function that must not crash."""

    name: str
    strategy: st.SearchStrategy[Any]
    run: Callable[[Any], None]
    short_examples: int  # examples in the test suite's short run (kept within its time budget)


def _texts_with_licences() -> st.SearchStrategy[str]:
    """Hostile text around pieces of real licence texts (so the matchers do real work)."""
    kb_texts = Path(__file__).resolve().parents[2] / "src" / "smallprint" / "kb" / "texts"
    pieces = sorted(p.read_text(encoding="utf-8", errors="replace")[:4000] for p in kb_texts.glob("*.txt"))[:40]
    piece = st.sampled_from(pieces or ["MIT License"]).flatmap(
        lambda t: st.tuples(st.integers(0, len(t)), st.integers(0, len(t))).map(lambda ab: t[min(ab):max(ab)])
    )
    return st.lists(st.one_of(piece, hostile_text(200)), max_size=5).map("\n".join)


TARGETS: tuple[Target, ...] = (
    Target("front-matter", cards(), front_matter, 120),
    Target("gguf", gguf_files(), gguf, 200),
    Target("safetensors", safetensors_files(), safetensors, 120),
    Target("licence-text", _texts_with_licences(), licence_text, 25),
    Target("profile", yaml_documents(), _loader("profile"), 80),
    Target("policy", yaml_documents(), _loader("policy"), 80),
    Target("inventory", yaml_documents(), _loader("inventory"), 60),
    Target("bom", boms(), bom, 40),
    Target("scan-code", code_files(), code, 80),
)


def cleanup() -> None:
    """Remove the scratch folder (the long run calls this at the end)."""
    import shutil

    shutil.rmtree(_TMP, ignore_errors=True)


os.environ.setdefault("HF_HUB_OFFLINE", "1")
