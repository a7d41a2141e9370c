"""Benchmark: the evaluate endpoint under 50 concurrent clients on loopback (issue 9).

Run: ``.venv/bin/python benchmarks/bench_web.py [--clients 50] [--seconds 10] [--workers 2]``.

Starts the real server (``ccecon serve``: uvicorn, ``--workers`` processes) on a fresh
SQLite store, then 50 clients (httpx, one asyncio loop in this process) post the bundled
example to ``/api/evaluate`` as fast as they can, twice:

1. the same text every time: the server answers from its cache of evaluated texts (the
   engine is deterministic, so the same text gives the same bytes);
2. a different text every time (a comment line with a counter): every request is parsed,
   validated and evaluated.

Prints p50/p99 latency and requests/s of each; goal: p99 <= 100 ms and >= 200 requests/s.
The clients share the machine's 2 cores with the server. The load generator is ApacheBench
(``ab``, Debian package ``apache2-utils``; written in C, so it takes little of the CPU the
server needs) when installed, else a Python client (httpx), which needs about as much CPU
as the server and so measures less than the server can do; the output says which ran.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "cny-inhouse-build.yaml"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _run(url: str, token: str, text: str, clients: int, seconds: float, vary: bool):
    lat: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds
    counter = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=60) as c:

        async def client() -> None:
            nonlocal errors, counter
            while time.perf_counter() < stop:
                counter += 1
                body = {"text": f"{text}\n# request {counter}\n" if vary else text}
                t0 = time.perf_counter()
                r = await c.post("/api/evaluate", json=body)
                lat.append(time.perf_counter() - t0)
                if r.status_code != 200:
                    errors += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        wall = time.perf_counter() - t0
    return np.array(lat), errors, wall


def _ab(url: str, token: str, text: str, clients: int, seconds: float, vary: bool):
    """One ApacheBench run for the cached case (ab sends the same body every time):
    (requests, errors, p50 ms, p99 ms, requests/s)."""
    assert not vary
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"text": text}, f)
    out = subprocess.run(
        [
            "ab",
            "-q",
            "-t",
            str(int(seconds)),
            "-n",
            "10000000",
            "-c",
            str(clients),
            "-p",
            f.name,
            "-T",
            "application/json",
            "-H",
            f"Authorization: Bearer {token}",
            url + "/api/evaluate",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(f.name)

    def grab(pattern: str) -> float:
        m = re.search(pattern, out, re.M)
        return float(m.group(1)) if m else float("nan")

    n = int(grab(r"^Complete requests:\s+(\d+)"))
    errors = int(grab(r"^Failed requests:\s+(\d+)"))
    non2xx = re.search(r"^Non-2xx responses:\s+(\d+)", out, re.M)
    errors += int(non2xx.group(1)) if non2xx else 0
    return (
        n,
        errors,
        grab(r"^\s+50%\s+(\d+)"),
        grab(r"^\s+99%\s+(\d+)"),
        grab(r"^Requests per second:\s+([\d.]+)"),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    exe = Path(sys.executable).with_name("ccecon")
    text = EXAMPLE.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="ccecon-bench-web-") as d:
        db = f"sqlite:///{Path(d) / 'bench.sqlite3'}"
        env = {**os.environ, "CCECON_PASSWORD": "bench-password"}
        subprocess.run(
            [str(exe), "users", "add", "bench", "--workspace", "bench", "--db", db],
            check=True,
            env=env,
            capture_output=True,
        )
        token = subprocess.run(
            [str(exe), "users", "token", "bench", "--db", db],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [str(exe), "serve", "--port", str(port), "--db", db, "--workers", str(args.workers)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(url + "/login", timeout=2)
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            # warm-up: every worker imports the engine and evaluates once
            asyncio.run(_run(url, token, text, args.workers * 2, 2.0, True))
            print(
                f"POST /api/evaluate, bundled example, {args.clients} concurrent clients,"
                f" {args.seconds:.0f} s each, server with {args.workers} worker processes:"
            )
            runs = [("same text (cached)", False), ("new text each time", True)]
            for label, vary in runs:
                if shutil.which("ab") and not vary:
                    gen = "ab"
                    n, errors, p50, p99, rps = _ab(
                        url, token, text, args.clients, args.seconds, vary
                    )
                else:
                    gen = "httpx"
                    lat, errors, wall = asyncio.run(
                        _run(url, token, text, args.clients, args.seconds, vary)
                    )
                    p50, p99 = np.percentile(lat, [50, 99]) * 1000
                    n, rps = lat.size, lat.size / wall
                ok = "meets" if p99 <= 100 and rps >= 200 else "MISSES"
                print(
                    f"  {label:20s} [{gen:5s}]: {n:6d} requests, {errors} errors,"
                    f" p50 {p50:6.1f} ms, p99 {p99:6.1f} ms, {rps:6.0f} requests/s;"
                    f" goal p99 <= 100 ms and >= 200 req/s: {ok}"
                )
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
