"""Load on `smallprint serve`: concurrent clients on loopback against a full store.

    .venv/bin/python benchmarks/server_load.py                       # 50 clients, 60 s, 10,000 models, 50,000 audit entries
    .venv/bin/python benchmarks/server_load.py --clients 20 --duration 15 --models 2000 --audit 10000
    .venv/bin/python benchmarks/server_load.py --db postgresql://user@host/db   # a team store

Seeds a fresh store (SQLite in a tmp folder unless --db): real check results of catalogued
models (the pipeline and the HTML reporter, as the server records them) copied under
--models distinct ids with a review each, and --audit hash-chained audit entries. Then it
starts the real `smallprint serve` command in its own process and drives it with
asyncio httpx clients for --duration seconds: 80% model pages, 10% search pages, 10% API
model documents. Prints median / p95 / p99 per kind, requests per second and errors.
Goal: model page p95 < 200 ms and no errors. The clients run on the same machine as the
server, so on a small machine they compete with it for the CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "benchmark password 1234"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seed(db_spec: str, n_models: int, n_audit: int, n_real: int) -> tuple[list[str], str]:
    """Fill the store; returns the model ids and a viewer's API token."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from smallprint.kb import default_kb
    from smallprint.reviews import audit
    from smallprint.reviews.schema import audit_log, checked_models, reviews
    from smallprint.server import pipeline
    from smallprint.server.auth import User, create_token, create_user
    from smallprint.reviews.service import licence_text_hash

    from smallprint.store import open_store

    engine = open_store(db_spec).engine
    kb = default_kb()
    t0 = time.perf_counter()
    real = []
    for mid in list(kb.models)[: n_real]:
        r = pipeline.check(mid, "commercial-saas", pipeline.CheckOptions(offline=True), kb)[0]
        if not r.error:
            real.append((r, pipeline.report_body(r)))
    print(f"checked {len(real)} catalogued models through the pipeline in {time.perf_counter() - t0:.1f} s")
    now = audit.now()
    ids: list[str] = []
    t0 = time.perf_counter()
    with engine.begin() as conn:
        rows, revs = [], []
        for i in range(n_models):
            r, body = real[i % len(real)]
            mid = f"bench{i // len(real)}/{(r.model_id or r.target).split('/')[-1]}"
            ids.append(mid)
            lic = ",".join(m.id for m in r.license.licenses)
            rows.append(dict(model_id=mid, revision="", profile="commercial-saas", licenses=lic,
                             text_hash=licence_text_hash(r), verdict=(r.verdict or {}).get("verdict"),
                             result=audit.jsonable(r.to_dict()), report_html=body, checked_at=now, checked_by="bench"))
            revs.append(dict(model_id=mid, revision="", text_hash=licence_text_hash(r), profile="commercial-saas",
                             licenses=lic, state="to-review", reason="", public_note="", private_comment="",
                             duties=[], created_at=now, reopened_because=""))
            if len(rows) == 1000:
                conn.execute(checked_models.insert(), rows)
                conn.execute(reviews.insert(), revs)
                rows, revs = [], []
        if rows:
            conn.execute(checked_models.insert(), rows)
            conn.execute(reviews.insert(), revs)
    print(f"stored {n_models} checked models and reviews in {time.perf_counter() - t0:.1f} s")
    uid = create_user(engine, "bench", PASSWORD, "viewer", "setup")
    token = create_token(engine, User(uid, "bench", "viewer", "token"), "bench")
    # the audit trail: the chain computed exactly as audit.append does, inserted in batches
    t0 = time.perf_counter()
    with engine.begin() as conn:
        last = conn.execute(audit_log.select().order_by(audit_log.c.seq.desc()).limit(1)).first()
        seq, prev = (int(last.seq), str(last.hash)) if last else (0, audit.GENESIS)
        batch = []
        review_ids = [str(i) for i in range(1, n_models + 1)]
        for _ in range(n_audit):
            seq += 1
            oid = random.choice(review_ids)
            before, after = {"state": "to-review"}, {"state": "needs-legal", "reason": "load"}
            h = audit.entry_hash(seq, now, "bench", "decision", "review", oid, before, after, prev)
            batch.append(dict(seq=seq, at=now, actor="bench", action="decision", object_type="review", object_id=oid,
                              before=before, after=after, prev_hash=prev, hash=h))
            prev = h
            if len(batch) == 5000:
                conn.execute(audit_log.insert(), batch)
                batch = []
        if batch:
            conn.execute(audit_log.insert(), batch)
    print(f"appended {n_audit} audit entries in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    v = audit.verify(engine)
    print(f"audit-trail verify: {v.line()} in {time.perf_counter() - t0:.2f} s")
    engine.dispose()
    return ids, token


async def drive(base: str, token: str, ids: list[str], clients: int, duration: float) -> dict[str, Any]:
    import httpx

    lat: dict[str, list[float]] = {"model page": [], "search page": [], "api model": []}
    errors: list[str] = []
    stop = time.perf_counter() + duration
    headers = {"Authorization": f"Bearer {token}"}

    async def one(client: httpx.AsyncClient, rng: random.Random) -> None:
        while time.perf_counter() < stop:
            x = rng.random()
            mid = rng.choice(ids)
            if x < 0.8:
                kind, url = "model page", f"/models/{mid}?profile=commercial-saas"
            elif x < 0.9:
                kind, url = "search page", f"/?q={mid.split('/')[-1][:6]}"
            else:
                kind, url = "api model", f"/api/v1/models/{mid}"
            t = time.perf_counter()
            try:
                r = await client.get(url)
                if r.status_code != 200:
                    errors.append(f"{url}: {r.status_code}")
            except httpx.HTTPError as e:
                errors.append(f"{url}: {type(e).__name__}")
                continue
            lat[kind].append((time.perf_counter() - t) * 1000)

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30, limits=limits) as client:
        await asyncio.gather(*(one(client, random.Random(i)) for i in range(clients)))
    return {"lat": lat, "errors": errors}


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--models", type=int, default=10_000)
    ap.add_argument("--audit", type=int, default=50_000)
    ap.add_argument("--real", type=int, default=40, help="catalogued models checked for real (copied to --models ids)")
    ap.add_argument("--db", default=None, help="a PostgreSQL URL (default: a fresh SQLite store in a tmp folder)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="smallprint-load-") as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        db_spec = args.db or str(data / "smallprint.db")
        ids, token = seed(db_spec, args.models, args.audit, args.real)
        port = _free_port()
        cmd = [sys.executable, "-m", "smallprint", "serve", "--port", str(port), "--data", str(data), "--offline"]
        if args.db:
            cmd += ["--db", args.db]
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "SMALLPRINT_SECRET_KEY": "bench-" + "k" * 40}
        server = subprocess.Popen(cmd, env=env, cwd=tmp)
        try:
            import httpx

            base = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            else:
                print("server did not start")
                return 2
            asyncio.run(drive(base, token, ids[:200], 4, 2.0))  # warm up
            t0 = time.perf_counter()
            out = asyncio.run(drive(base, token, ids, args.clients, args.duration))
            took = time.perf_counter() - t0
        finally:
            server.terminate()
            server.wait(10)
    total = sum(len(v) for v in out["lat"].values())
    print(f"\n{args.clients} clients for {took:.0f} s on loopback; {args.models} models, {args.audit} audit entries")
    print(f"{'kind':<12} {'requests':>9} {'median ms':>10} {'p95 ms':>8} {'p99 ms':>8}")
    for kind, xs in out["lat"].items():
        print(f"{kind:<12} {len(xs):>9} {statistics.median(xs) if xs else float('nan'):>10.1f} "
              f"{_pct(xs, 95):>8.1f} {_pct(xs, 99):>8.1f}")
    print(f"throughput {total / took:.1f} requests/s; errors {len(out['errors'])}")
    for e in out["errors"][:5]:
        print("  error:", e)
    p95 = _pct(out["lat"]["model page"], 95)
    ok = p95 < 200 and not out["errors"]
    print(f"goal (model page p95 < 200 ms, no errors): {'met' if ok else 'NOT met'} (p95 {p95:.1f} ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
