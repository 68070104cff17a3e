"""`watch run` over many watched Hub models on the stand-in Hub when nothing changed.

Goal (issue 12): at most one request per unchanged model, and under 60 s for 1,000
models on 2 cores. Half the models are fine-tunes of ten base models that are watched
too (a base is probed once per run, shared by its descendants). The stand-in Hub runs
in this process on loopback (tests/hub_server.py), through the real huggingface_hub
client; the store is a SQLite file in a temporary folder.

    .venv/bin/python benchmarks/watch_run.py [--models 1000] [--repeat 3]

Prints the first run (every model read through the full pipeline), the median of the
unchanged runs through the library, one unchanged run of the real command in a
subprocess, and Hub requests per model.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hub_server import FakeRepo, StandInHub  # noqa: E402

LICENSES = ["apache-2.0", "mit", "llama3.1", "cc-by-nc-4.0", "gemma"]


def repos(n: int) -> list[FakeRepo]:
    out = []
    bases = [f"base-org/base-{b}" for b in range(10)]
    for i in range(n):
        name = bases[i] if i < 10 else f"acme/model-{i:04d}"
        lic = LICENSES[i % len(LICENSES)]
        meta = {"license": lic}
        if i >= 10 and i % 2 == 0:
            meta["base_model"] = bases[i % 10]
        front = "".join(f"{k}: {v}\n" for k, v in meta.items())
        card = f"---\n{front}---\n# {name}\n\nModel {i}.\n".encode()
        out.append(FakeRepo(name, {"README.md": card}, sha=f"{i:040x}", card_data=meta, tags=[f"license:{lic}"]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="smallprint-watch-bench-"))
    os.environ.update(HF_HOME=str(tmp / "hf"), HF_HUB_DISABLE_TELEMETRY="1", SMALLPRINT_DB=f"sqlite:///{tmp / 'store.db'}")
    os.environ.pop("HF_HUB_OFFLINE", None)
    with StandInHub(repos(args.models)) as hub:
        os.environ["HF_ENDPOINT"] = hub.url
        from smallprint.store import open_store
        from smallprint.watch import run_watch
        from smallprint.watch.ledger import WatchSpec, add_watches

        store = open_store()
        add_watches(store, [WatchSpec(r, "hub", []) for r in hub.repos])
        t0 = time.perf_counter()
        first = run_watch(store)
        t_first = time.perf_counter() - t0
        print(f"models: {args.models}; first run (full pipeline for each): {t_first:.1f} s, "
              f"{len(hub.requests)} requests, errors {sum(m.status != 'ok' for m in first.models)}")
        times, per_model = [], []
        for _ in range(args.repeat):
            hub.requests.clear()
            t0 = time.perf_counter()
            rep = run_watch(store)
            times.append(time.perf_counter() - t0)
            assert all(m.unchanged for m in rep.models), [m.target for m in rep.models if not m.unchanged][:5]
            per_model.append(len(hub.requests) / args.models)
        store.close()
        print(f"unchanged run (library), median of {args.repeat}: {statistics.median(times):.2f} s "
              f"(min {min(times):.2f}, max {max(times):.2f}); {statistics.median(times) / args.models * 1000:.2f} ms/model")
        print(f"Hub requests per unchanged model: {statistics.median(per_model):.3f} "
              f"({int(per_model[-1] * args.models)} for {args.models} models; all GET /api/models/<id>: "
              f"{all(r.startswith('GET /api/models/') for r in hub.requests)})")
        hub.requests.clear()
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "smallprint", "watch", "run", "--no-progress", "-f", "json"],
                              capture_output=True, text=True, env=dict(os.environ))
        t_cli = time.perf_counter() - t0
        print(f"`smallprint watch run` (subprocess, start-up included): {t_cli:.2f} s, exit {proc.returncode}, "
              f"{len(hub.requests)} requests")
        if args.models >= 1000:
            ok = statistics.median(per_model) <= 1.0 and t_cli < 60
            print(f"goal: <= 1 request per unchanged model and < 60 s for 1,000 models -> {'met' if ok else 'NOT met'}")
        else:
            print("goal check needs --models 1000 (the command's start-up does not scale with the model count)")


if __name__ == "__main__":
    main()
