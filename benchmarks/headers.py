"""Header-only readers must not grow with weight size: a 10 GB file costs what a tiny one does.

Writes a tiny and a ~10 GB sparse GGUF and safetensors file (same header, the big
one extended with `truncate`, so no disk space is used) in a temporary folder and
prints the median time to read each header. Then serves both GGUF files from the
stand-in Hub on loopback (tests/hub_server.py) and reads them as Hub repos, through
HTTP range requests: bytes transferred and time must not grow with the file size.

    python benchmarks/headers.py [--runs 15] [--vocabulary 128000]

Works with HF_HUB_OFFLINE=1 set in the shell: the stand-in Hub is on loopback.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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


def seconds(read: Callable[[Path], object], path: Path, runs: int) -> tuple[float, float]:
    """Median and p95 of reading one header."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        read(path)
        times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))]


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
                median, p95 = seconds(read, path, args.runs)
                rows.append((kind, label, path.stat().st_size, median, p95))
        print(f"{'format':<12} {'file':<6} {'size (bytes)':>15} {'median read (ms)':>17} {'p95 (ms)':>9}")
        for kind, label, size, median, p95 in rows:
            print(f"{kind:<12} {label:<6} {size:>15,} {median * 1000:>17.2f} {p95 * 1000:>9.2f}")
        for kind in ("gguf", "safetensors"):
            small, big = (m for k, _, _, m, _ in rows if k == kind)
            print(f"{kind}: 10 GB / small = {big / small:.2f}x")
        remote_rows(folder, args.runs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory of this process (all reads, both 10 GB files included): {peak:.0f} MiB")


def remote_rows(folder: Path, runs: int) -> None:
    """Both GGUF files as Hub repos on the stand-in server: bytes sent and median read time."""
    os.environ.update(HF_HOME=str(folder / "hf-home"), HF_HUB_DISABLE_XET="1")
    for name in ("HF_TOKEN", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_CACHE"):
        os.environ.pop(name, None)  # the stand-in Hub is on loopback: reachable whatever the shell says
    from huggingface_hub import constants

    constants.HF_HUB_OFFLINE = False  # read by the library at its import, perhaps before the lines above
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
                facts = read_hub(repo.repo_id, offline=False)
                times.append(time.perf_counter() - start)
            outcome = facts.metadata["hub"]["weight_headers"][0]
            assert outcome["status"] == "read", outcome
            print(
                f"{path.stem:<12} {path.stat().st_size:>15,} {hub.body_bytes:>12,} {outcome['requests']:>9} "
                f"{statistics.median(times) * 1000:>17.2f}"
            )


if __name__ == "__main__":
    main()
