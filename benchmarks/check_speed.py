"""How long `check` takes: one local snapshot folder, and a directory of 1,000 generated models.

Each generated model is a folder with a model card (front matter with licence, base
model, datasets), a config.json and a small safetensors file written with the real
library. Everything runs offline against the bundled catalog.

    .venv/bin/python benchmarks/check_speed.py [--models 1000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

from smallprint.check import check_target
from smallprint.kb import default_kb

BASES = [
    ("meta-llama/Llama-3.1-8B-Instruct", "apache-2.0"),
    ("meta-llama/Meta-Llama-3-8B", "llama3"),
    ("google/gemma-2-9b-it", "mit"),
    ("mistralai/Mistral-7B-v0.1", "mit"),
    ("Qwen/Qwen2.5-7B-Instruct", "apache-2.0"),
    ("black-forest-labs/FLUX.1-dev", "cc0-1.0"),
]


def write_model(root: Path, i: int) -> Path:
    base, lic = BASES[i % len(BASES)]
    folder = root / f"model-{i:04d}"
    folder.mkdir(parents=True)
    (folder / "README.md").write_text(
        "---\n"
        f"license: {lic}\n"
        f"base_model: {base}\n"
        "datasets:\n- tatsu-lab/alpaca\n- HuggingFaceH4/ultrachat_200k\n"
        "tags:\n- text-generation\n"
        "---\n\n"
        f"# Model {i}\n\nA fine-tune of {base}. License: {lic}.\n",
        encoding="utf-8",
    )
    (folder / "config.json").write_text(
        '{"architectures": ["LlamaForCausalLM"], "model_type": "llama"}', encoding="utf-8"
    )
    save_file(
        {"w": np.zeros((4, 4), dtype=np.float32)},
        str(folder / "model.safetensors"),
        metadata={"format": "pt"},
    )
    return folder


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    kb = default_kb()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["HF_HOME"] = str(root / "hf")
        snapshot = write_model(root / "one", 0)
        check_target(str(snapshot), kb=kb, offline=True)  # warm caches (KB, reference texts)
        one = [
            timed(lambda: check_target(str(snapshot), kb=kb, offline=True))
            for _ in range(args.repeat)
        ]
        many_root = root / "many"
        folders = [write_model(many_root, i) for i in range(args.models)]
        per_model: list[float] = []
        t0 = time.perf_counter()
        for f in folders:
            per_model.append(timed(lambda f=f: check_target(str(f), kb=kb, offline=True)))
        total = time.perf_counter() - t0
        # the whole command on the directory: expansion, checks, openness, JSON, cold process
        t0 = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "smallprint", "check", str(many_root), "--offline", "--format", "json"],
            capture_output=True, check=False,
        )
        cli_total = time.perf_counter() - t0
        n_results = len(json.loads(done.stdout)["results"]) if done.returncode == 0 else 0
    print(f"snapshot folder: median {statistics.median(one) * 1000:.1f} ms over {args.repeat} runs")
    print(
        f"{args.models} model folders: total {total:.2f} s, median {statistics.median(per_model) * 1000:.1f} ms/model, "
        f"p95 {sorted(per_model)[int(0.95 * len(per_model)) - 1] * 1000:.1f} ms/model"
    )
    print(f"smallprint check DIR --format json on the {args.models}-model directory (cold process, "
          f"with openness): {cli_total:.2f} s for {n_results} results")


if __name__ == "__main__":
    main()
