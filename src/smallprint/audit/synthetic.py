"""A synthetic registry dump that mixes like the Hugging Face Hub, for benchmarks and tests.

Shares are rough public figures for the Hub's model repos: most declare no licence,
Apache-2.0 and MIT lead the rest, a few percent say `other` (with or without
`license_name`), Llama/Gemma/OpenRAIL/CC-NC follow. About four in ten name a base:
fine-tunes, adapters, quantizations and merges on popular catalogued bases, and chains of
depth 1 to 4 through models of the same dump. A few percent have broken front matter
(unclosed fences, tabs, invalid YAML, alias bombs). Real cards can be mixed in.
Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

LICENSES: list[tuple[str | None, float]] = [
    (None, 0.45), ("apache-2.0", 0.20), ("mit", 0.09), ("other", 0.05), ("openrail", 0.03),
    ("creativeml-openrail-m", 0.025), ("cc-by-4.0", 0.02), ("cc-by-nc-4.0", 0.015), ("llama3.1", 0.012),
    ("llama3", 0.01), ("llama2", 0.01), ("llama3.2", 0.008), ("gemma", 0.015), ("cc-by-sa-4.0", 0.01),
    ("cc-by-nc-sa-4.0", 0.005), ("bsd-3-clause", 0.005), ("gpl-3.0", 0.005), ("unknown", 0.01),
    ("openrail++", 0.005), ("afl-3.0", 0.004), ("cc0-1.0", 0.004), ("agpl-3.0", 0.002),
    ("bigscience-openrail-m", 0.003), ("llama3.3", 0.003),
]
OTHER_NAMES: list[tuple[str | None, str | None]] = [
    ("flux-1-dev-non-commercial-license", "https://huggingface.co/black-forest-labs/FLUX.1-dev/blob/main/LICENSE.md"),
    ("qwen", "https://huggingface.co/Qwen/Qwen2.5-72B-Instruct/blob/main/LICENSE"),
    ("deepseek", "LICENSE"),
    ("llama3", None),
    ("custom-research-license", "LICENSE"),
    (None, None),
    ("stabilityai-ai-community", "LICENSE.md"),
    ("my-license-1.0", "https://example.org/license"),
]
POPULAR_BASES = [
    "meta-llama/Llama-3.1-8B-Instruct", "meta-llama/Llama-3.1-8B", "meta-llama/Meta-Llama-3-8B-Instruct",
    "meta-llama/Llama-3.2-1B", "meta-llama/Llama-3.2-3B-Instruct", "meta-llama/Llama-2-7b-hf",
    "Qwen/Qwen2.5-7B-Instruct", "Qwen/Qwen2.5-0.5B", "Qwen/Qwen3-0.6B", "mistralai/Mistral-7B-v0.1",
    "mistralai/Mistral-7B-Instruct-v0.2", "google/gemma-2-9b-it", "google/gemma-3-1b-it",
    "stabilityai/stable-diffusion-xl-base-1.0", "black-forest-labs/FLUX.1-dev", "google-bert/bert-base-uncased",
    "FacebookAI/roberta-base", "microsoft/phi-2", "openai/whisper-small", "TinyLlama/TinyLlama-1.1B-Chat-v1.0",
    "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", "HuggingFaceTB/SmolLM2-135M", "unknown-org/never-published-base",
]
RELATIONS = [("finetune", 0.5), ("adapter", 0.2), ("quantized", 0.2), ("merge", 0.1)]
DATASETS = ["tatsu-lab/alpaca", "HuggingFaceH4/ultrachat_200k", "Open-Orca/OpenOrca", "databricks/databricks-dolly-15k",
            "anon8231489123/ShareGPT_Vicuna_unfiltered", "wikipedia", "imdb"]
WORDS = ("model fine tuned evaluation training data results usage limitations bias language tasks "
         "performance benchmark inference dataset parameters checkpoint hardware").split()


def _pick(rng: random.Random, table: list[tuple[Any, float]]) -> Any:
    x = rng.random() * sum(w for _, w in table)
    for value, w in table:
        x -= w
        if x <= 0:
            return value
    return table[-1][0]


def _paragraphs() -> list[str]:
    rng = random.Random(12345)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 90))).capitalize() + "." for _ in range(300)]


_PARAGRAPHS = _paragraphs()


def _body(rng: random.Random, name: str, license_id: str | None) -> str:
    paras = rng.sample(_PARAGRAPHS, rng.choice((1, 2, 3, 4, 6, 10, 16)))
    if license_id and rng.random() < 0.3:
        paras.append(f"## License\n\nThis model is released under the {license_id} license.")
    if rng.random() < 0.2:
        paras.append("```python\nfrom transformers import AutoModel\nmodel = AutoModel.from_pretrained(\"" + name + "\")\n```")
    return f"# {name.split('/')[-1]}\n\n" + "\n\n".join(paras) + "\n"


def _yaml_list(key: str, values: list[str]) -> str:
    return f"{key}:\n" + "".join(f"- {v}\n" for v in values)


def synthetic_rows(n: int, seed: int = 0, start: dt.datetime | None = None) -> Iterator[dict[str, Any]]:
    """N rows in the dump schema (modelId, author, last_modified, ..., card)."""
    rng = random.Random(seed)
    start = start or dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    made: list[tuple[str, int]] = []  # (id, chain depth) of models that may serve as bases
    for i in range(n):
        org = f"org{rng.randint(0, max(1, n // 20))}"
        mid = f"{org}/model-{seed}-{i}"
        lic = _pick(rng, LICENSES)
        fm: list[str] = []
        tags = []
        if lic:
            fm.append(f"license: {lic}\n")
            tags.append(f"license:{lic}")
        if lic == "other":
            name, link = rng.choice(OTHER_NAMES)
            if name:
                fm.append(f"license_name: {name}\n")
            if link:
                fm.append(f"license_link: {link}\n")
        bases: list[str] = []
        relation = None
        if rng.random() < 0.4:
            relation = _pick(rng, RELATIONS)
            count = rng.randint(2, 3) if relation == "merge" else 1
            for _ in range(count):
                if made and rng.random() < 0.35:
                    base, depth = rng.choice(made[-5000:])
                    if depth >= 4:
                        base = rng.choice(POPULAR_BASES)
                else:
                    base = rng.choice(POPULAR_BASES)
                if base not in bases:
                    bases.append(base)
            fm.append(_yaml_list("base_model", bases) if len(bases) > 1 or rng.random() < 0.5 else f"base_model: {bases[0]}\n")
            if rng.random() < 0.3:
                fm.append(f"base_model_relation: {relation}\n")
            for b in bases:
                tags.append(f"base_model:{b}")
                tags.append(f"base_model:{relation}:{b}")
            if relation == "quantized":
                mid = mid + rng.choice(["-GGUF", "-AWQ", "-4bit", "-Q4_K_M-GGUF"])
            if relation == "adapter":
                tags.append("lora")
        if rng.random() < 0.15:
            fm.append(_yaml_list("datasets", rng.sample(DATASETS, rng.randint(1, 2))))
        if rng.random() < 0.5:
            fm.append(_yaml_list("tags", rng.sample(["text-generation", "llama", "chat", "gguf", "mergekit", "peft", "nlp"], 2)))
        if rng.random() < 0.3:
            fm.append("library_name: " + rng.choice(["transformers", "peft", "diffusers", "gguf"]) + "\n")
        if rng.random() < 0.1:
            fm.append("model-index:\n- name: " + mid.split("/")[-1] + "\n  results:\n  - task:\n      type: text-generation\n"
                      "    metrics:\n    - type: accuracy\n      value: 0." + str(rng.randint(100, 999)) + "\n")
        card = _card(rng, fm, _body(rng, mid, lic))
        depth = 1 + max((d for b, d in made[-5000:] if b in bases), default=0) if bases else 0
        made.append((mid, depth))
        when = start + dt.timedelta(minutes=i)
        yield {
            "modelId": mid, "author": org, "last_modified": when, "downloads": rng.randint(0, 10000),
            "likes": rng.randint(0, 100), "library_name": None, "tags": tags, "pipeline_tag": "text-generation",
            "createdAt": when - dt.timedelta(days=3), "card": card,
        }


def _card(rng: random.Random, fm: list[str], body: str) -> str:
    roll = rng.random()
    if not fm and roll < 0.5:
        return body  # no front matter at all
    yaml = "".join(fm)
    if roll < 0.005:
        return "---\n" + yaml + body  # never closed
    if roll < 0.01:
        return "---\n" + yaml.replace("\n- ", "\n\t- ", 1) + "widget:\n  - text: [\n\t\"a\"]\n---\n" + body
    if roll < 0.015:
        return "---\n" + yaml + "bad: [unclosed\n---\n" + body
    if roll < 0.017:
        return "---\na: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nd: &d [*c, *c, *c, *c]\n" \
               "e: [*d, *d, *d, *d]\nf: [*d, *d, *d, *d]\ng: [*d, *d, *d, *d]\nh: [*d, *d, *d, *d]\n" + yaml + "---\n" + body
    return "---\n" + yaml + "---\n" + body


def corpus_rows(corpus: Path) -> list[dict[str, Any]]:
    """The real cards of the corpus (cards/<slug>/README.md), with their model ids."""
    index = json.loads((corpus / "cards" / "index.json").read_text(encoding="utf-8"))
    out = []
    when = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    for e in index:
        readme = corpus / "cards" / e["slug"] / "README.md"
        if not readme.exists():
            continue
        mid = e.get("model_id") or e["slug"].replace("--", "/", 1)
        out.append({"modelId": mid, "author": mid.split("/")[0], "last_modified": when, "downloads": 0, "likes": 0,
                    "library_name": None, "tags": [], "pipeline_tag": None, "createdAt": when,
                    "card": readme.read_text(encoding="utf-8", errors="replace")})
    return out


DUMP_SCHEMA = pa.schema([
    ("modelId", pa.string()), ("author", pa.string()), ("last_modified", pa.timestamp("us", tz="UTC")),
    ("downloads", pa.int64()), ("likes", pa.int64()), ("library_name", pa.string()), ("tags", pa.list_(pa.string())),
    ("pipeline_tag", pa.string()), ("createdAt", pa.timestamp("us", tz="UTC")), ("card", pa.string()),
])


def write_dump(path: Path, n: int, *, seed: int = 0, corpus: Path | None = None, row_group: int = 10_000) -> int:
    """Write N synthetic rows (plus the corpus cards) as one Parquet file; returns the row count."""
    rows_written = 0
    with pq.ParquetWriter(path, DUMP_SCHEMA, compression="zstd") as writer:
        chunk: list[dict[str, Any]] = corpus_rows(corpus) if corpus else []
        for row in synthetic_rows(n, seed):
            chunk.append(row)
            if len(chunk) >= row_group:
                writer.write_table(pa.Table.from_pylist(chunk, schema=DUMP_SCHEMA))
                rows_written += len(chunk)
                chunk = []
        if chunk:
            writer.write_table(pa.Table.from_pylist(chunk, schema=DUMP_SCHEMA))
            rows_written += len(chunk)
    return rows_written
