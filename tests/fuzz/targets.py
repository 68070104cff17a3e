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
    Target("front-matter", cards(), front_matter, 80),
    Target("gguf", gguf_files(), gguf, 150),
    Target("safetensors", safetensors_files(), safetensors, 80),
    Target("licence-text", _texts_with_licences(), licence_text, 20),
    Target("profile", yaml_documents(), _loader("profile"), 50),
    Target("policy", yaml_documents(), _loader("policy"), 50),
    Target("inventory", yaml_documents(), _loader("inventory"), 40),
    Target("bom", boms(), bom, 30),
    Target("scan-code", code_files(), code, 60),
)
"""Readers; the renderers' target is added below, once its strategy is defined."""


def cleanup() -> None:
    """Remove the scratch folder (the long run calls this at the end)."""
    import shutil

    shutil.rmtree(_TMP, ignore_errors=True)


os.environ.setdefault("HF_HUB_OFFLINE", "1")


# --- renderers --------------------------------------------------------------------------


@st.composite
def hostile_facts(draw: st.DrawFn) -> ModelFacts:
    """A model whose every string a renderer shows is hostile: target, ids, names, licence
    values, lineage, data sets, tags and a card."""
    from smallprint.model import Evidence, Finding, LicenseClaim

    text = hostile_text(60)
    target = draw(text) or "x"
    facts = ModelFacts(target, draw(st.one_of(st.none(), text)), draw(st.sampled_from(["card", "folder", "bom", "gguf"])))
    facts.name = draw(st.one_of(st.none(), text))
    for _ in range(draw(st.integers(0, 3))):
        value = draw(st.one_of(text, st.sampled_from(["mit", "llama3.1", "other", "cc-by-nc-4.0", "apache-2.0 OR mit"])))
        facts.license_claims.append(LicenseClaim(draw(st.sampled_from(["card:license", "card:license_name", "file:LICENSE",
                                                                         "bom:licenses"])), value,
                                                 Evidence(draw(text), 1, 1, draw(text))))
    facts.base_models = draw(st.lists(st.one_of(text, st.just("meta-llama/Llama-3.1-8B")), max_size=2))
    facts.datasets = draw(st.lists(text, max_size=2))
    facts.tags = draw(st.lists(st.one_of(text, st.just("open-source")), max_size=3))
    facts.relation = draw(st.one_of(st.none(), st.sampled_from(["finetune", "adapter", "quantized"]), text))
    card = draw(text)
    facts.card_path, facts.card_text = "README.md", f"---\nlicense: {card}\n---\n# {draw(text)}\n{draw(text)}\n"
    facts.findings.append(Finding("broken-metadata", "warning", draw(text), [Evidence(draw(text), 1, 1, draw(text))]))
    return facts


def _outside_code(md: str) -> str:
    """Markdown without its code spans (CommonMark shows a code span's content literally,
    so `<` inside one is text, not HTML)."""
    import re

    return re.sub(r"(`+)(?:(?!\1).)*?\1", "", md)


def renderers(facts: ModelFacts) -> None:
    """Every check format (and lineage), fed results full of hostile strings: no crash, JSON
    formats parse, Markdown holds no raw HTML from input, terminal text no raw escapes."""
    from smallprint.check import add_openness, check_facts
    from smallprint.kb import default_kb
    from smallprint.profiles import resolve_profile
    from smallprint.reports.context import ReportContext
    from smallprint.reports.registry import formats, render

    kb = default_kb()
    result = check_facts(facts, kb=kb, offline=True)
    try:
        add_openness(result, kb)
    except SmallprintError:
        pass
    from smallprint.policyfile import judge_results

    judge_results([result], resolve_profile("commercial-saas"), None, kb)
    ctx = ReportContext.create(kb, width=120)
    for fmt in formats("check"):
        out = render("check", fmt, [result], ctx)
        if fmt in ("json", "sarif", "cyclonedx", "spdx"):
            json.loads(out)
        elif fmt == "md":
            assert "<" not in _outside_code(out).replace("<br>", ""), out
        elif fmt == "table":
            assert "\x1b" not in out
        elif fmt == "html":
            assert "<script" not in out and "<svg" not in out.lower()
    for fmt in formats("lineage"):
        render("lineage", fmt, result, ctx)


def licence_renderers(text: str) -> None:
    """The licence views (table, Markdown, JSON) of a result read from hostile text."""
    from smallprint.api import identify_license_text
    from smallprint.reports.context import ReportContext
    from smallprint.reports.registry import formats, render

    result = identify_license_text(text, text[:40] or "-")
    for fmt in formats("license"):
        out = render("license", fmt, [result], ReportContext.create(width=120))
        if fmt == "md":
            assert "<" not in _outside_code(out), out
        elif fmt == "json":
            json.loads(out)
        else:
            assert "\x1b" not in out


TARGETS = (
    *TARGETS,
    Target("renderers", hostile_facts(), renderers, 20),
    Target("licence-views", hostile_text(300), licence_renderers, 30),
)
