"""Header-only readers must not grow with weight size: a 10 GB file costs what a tiny one does.

Writes a tiny and a ~10 GB sparse GGUF and safetensors file (same header, the big
one extended with `truncate`, so no disk space is used) in a temporary folder and
prints the median time to read each header. Then serves both GGUF files from the
stand-in Hub on loopback (tests/hub_server.py) and reads them as Hub repos, through
HTTP range requests: bytes transferred and time must not grow with the file size.

    python benchmarks/headers.py [--runs 15] [--vocabulary 128000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import struct
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from gguf import GGUFWriter

from smallprint.sources.gguf_header import read_gguf_header
from smallprint.sources.hub import read_hub
from smallprint.sources.safetensors_header import read_safetensors_header

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from hub_server import FakeRepo, StandInHub  # noqa: E402

BIG = 10 * 1024**3


def write_gguf(path: Path, elements: int, vocabulary: int) -> None:
    """A llama-style header with a real-size vocabulary and one tensor of `elements` F32 values."""
    writer = GGUFWriter(str(path), "llama")
    writer.add_license("llama3.1")
    writer.add_base_model_count(1)
    writer.add_base_model_repo_url(0, "https://huggingface.co/meta-llama/Llama-3.1-8B")
    writer.add_token_list([f"tok{i}" for i in range(vocabulary)])
    writer.add_token_scores([0.0] * vocabulary)
    writer.add_token_types([1] * vocabulary)
    writer.add_tensor_info("weights", [elements], np.dtype(np.float32), elements * 4)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    writer.close()


def write_safetensors(path: Path, elements: int) -> None:
    """A header describing one F32 tensor of `elements` values; data is left as a hole."""
    header = {
        "__metadata__": {"format": "pt", "license": "apache-2.0"},
        "weights": {"dtype": "F32", "shape": [elements], "data_offsets": [0, elements * 4]},
    }
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    with path.open("wb") as handle:
        handle.write(struct.pack("<Q", len(raw)) + raw)


def extend(path: Path, size: int) -> None:
    os.truncate(path, max(size, path.stat().st_size))


def median_seconds(read: Callable[[Path], object], path: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        read(path)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--vocabulary", type=int, default=128_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = []
        for kind, write, read in (
            ("gguf", lambda p, n: write_gguf(p, n, args.vocabulary), read_gguf_header),
            ("safetensors", write_safetensors, read_safetensors_header),
        ):
            for label, elements in (("small", 16), ("10 GB", BIG // 4)):
                path = folder / f"{label.replace(' ', '')}.{kind}"
                write(path, elements)
                if elements > 16:
                    extend(path, BIG)
                seconds = median_seconds(read, path, args.runs)
                rows.append((kind, label, path.stat().st_size, seconds))
        print(f"{'format':<12} {'file':<6} {'size (bytes)':>15} {'median read (ms)':>17}")
        for kind, label, size, seconds in rows:
            print(f"{kind:<12} {label:<6} {size:>15,} {seconds * 1000:>17.2f}")
        for kind in ("gguf", "safetensors"):
            small, big = (s for k, _, _, s in rows if k == kind)
            print(f"{kind}: 10 GB / small = {big / small:.2f}x")
        remote_rows(folder, args.runs)


def remote_rows(folder: Path, runs: int) -> None:
    """Both GGUF files as Hub repos on the stand-in server: bytes sent and median read time."""
    os.environ.update(HF_HOME=str(folder / "hf-home"), HF_HUB_DISABLE_XET="1")
    os.environ.pop("HF_TOKEN", None)
    repos = [FakeRepo(f"bench/{p.stem}-GGUF", {}, disk_files={f"{p.stem}-Q4_K_M.gguf": p}) for p in
             (folder / "small.gguf", folder / "10GB.gguf")]
    print(f"\n{'remote gguf':<12} {'size (bytes)':>15} {'bytes sent':>12} {'requests':>9} {'median read (ms)':>17}")
    with StandInHub(repos) as hub:
        os.environ["HF_ENDPOINT"] = hub.url
        for repo in repos:
            path = next(iter(repo.disk_files.values()))
            times = []
            for _ in range(runs):
                hub.body_bytes = 0
                start = time.perf_counter()
                facts = read_hub(repo.repo_id)
                times.append(time.perf_counter() - start)
            outcome = facts.metadata["hub"]["weight_headers"][0]
            assert outcome["status"] == "read", outcome
            print(
                f"{path.stem:<12} {path.stat().st_size:>15,} {hub.body_bytes:>12,} {outcome['requests']:>9} "
                f"{statistics.median(times) * 1000:>17.2f}"
            )


if __name__ == "__main__":
    main()
