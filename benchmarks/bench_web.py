"""Benchmark: the evaluate endpoint under 50 concurrent clients on loopback (issue 9).

Run: ``.venv/bin/python benchmarks/bench_web.py [--clients 50] [--seconds 10] [--workers 2]``.

Starts the real server (``ccecon serve``: uvicorn, ``--workers`` processes) on a fresh
SQLite store, then 50 clients (keep-alive HTTP/1.1 connections on one asyncio loop in this
process) post the bundled example to ``/api/evaluate`` as fast as they can, twice:

1. the same text every time: the server answers from its cache of evaluated texts (keyed
   by the SHA-256 of the text; the engine is deterministic, so the same text gives the
   same bytes);
2. a different text every time (a comment line with a counter): every request is parsed,
   validated, evaluated and encoded, nothing comes from the cache.

Prints p50/p99 latency and requests/s of each; goal: p99 <= 100 ms and >= 200 requests/s.
The clients share the machine's cores with the server. When ApacheBench (``ab``, Debian
``apache2-utils``) is installed, the cached case is also measured with it: a new
connection for every request, written in C.
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


async def _client(
    host: str,
    port: int,
    token: str,
    text: str,
    vary: bool,
    stop: float,
    lat: list[float],
    counter: list[int],
) -> int:
    """One client: a keep-alive HTTP/1.1 connection posting the scenario until ``stop``;
    returns the number of non-200 answers. Plain asyncio streams, so a request costs the
    client a few microseconds of CPU (httpx needs about a millisecond, which the server
    would miss on a 2-core machine)."""
    reader, writer = await asyncio.open_connection(host, port)
    errors = 0
    head = (
        f"POST /api/evaluate HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
    ).encode()
    fixed = json.dumps({"text": text}).encode()
    try:
        while time.perf_counter() < stop:
            counter[0] += 1
            body = (
                json.dumps({"text": f"{text}\n# request {counter[0]}\n"}).encode()
                if vary
                else fixed
            )
            t0 = time.perf_counter()
            writer.write(head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
            await writer.drain()
            answer = await reader.readuntil(b"\r\n\r\n")
            length = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", answer)
            await reader.readexactly(int(length.group(1)) if length else 0)
            lat.append(time.perf_counter() - t0)
            if answer.split(b" ", 2)[1] != b"200":
                errors += 1
    finally:
        writer.close()
    return errors


async def _run(
    host: str, port: int, token: str, text: str, clients: int, seconds: float, vary: bool
) -> tuple[np.ndarray, int, float]:
    """``clients`` concurrent clients for ``seconds``: latencies (s), errors, wall time."""
    lat: list[float] = []
    counter = [0]
    t0 = time.perf_counter()
    stop = t0 + seconds
    errors = await asyncio.gather(
        *(_client(host, port, token, text, vary, stop, lat, counter) for _ in range(clients))
    )
    return np.array(lat), sum(errors), time.perf_counter() - t0


def _ab(
    url: str, token: str, text: str, clients: int, seconds: float, vary: bool
) -> tuple[int, int, float, float, float]:
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
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--engine-processes", type=int, default=None)
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
        host, port = "127.0.0.1", _free_port()
        url = f"http://{host}:{port}"
        server = subprocess.Popen(
            [
                str(exe),
                "serve",
                "--port",
                str(port),
                "--db",
                db,
                "--workers",
                str(args.workers),
                *(
                    []
                    if args.engine_processes is None
                    else ["--engine-processes", str(args.engine_processes)]
                ),
            ],
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
            # warm-up: every worker imports the engine and evaluates a few texts
            asyncio.run(_run(host, port, token, text, args.workers * 4, 2.0, True))
            print(
                f"POST /api/evaluate, bundled example ({EXAMPLE.name}), {args.clients}"
                f" concurrent clients, {args.seconds:.0f} s each; server: `ccecon serve"
                f" --workers {args.workers}"
                + (
                    ""
                    if args.engine_processes is None
                    else f" --engine-processes {args.engine_processes}"
                )
                + f"`; {os.cpu_count()} cores shared with the clients:"
            )
            runs: list[tuple[str, str, bool]] = [
                ("same text (cached)", "asyncio", False),
                ("new text each time", "asyncio", True),
            ]
            if shutil.which("ab"):
                runs.insert(1, ("same text (cached)", "ab", False))
            for label, gen, vary in runs:
                if gen == "ab":
                    n, errors, p50, p99, rps = _ab(
                        url, token, text, args.clients, args.seconds, vary
                    )
                else:
                    lat, errors, wall = asyncio.run(
                        _run(host, port, token, text, args.clients, args.seconds, vary)
                    )
                    p50, p99 = np.percentile(lat, [50, 99]) * 1000
                    n, rps = lat.size, lat.size / wall
                ok = "met" if p99 <= 100 and rps >= 200 and errors == 0 else "NOT MET"
                print(
                    f"  {label:18s} [{gen:7s}]: {n:6d} requests, {errors} errors,"
                    f" p50 {p50:6.1f} ms, p99 {p99:6.1f} ms, {rps:6.0f} requests/s;"
                    f" goal p99 <= 100 ms and >= 200 req/s: {ok}"
                )
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
