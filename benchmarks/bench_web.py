"""Benchmark: the evaluate endpoint under 50 concurrent clients on loopback (issue 9).

Run: ``.venv/bin/python benchmarks/bench_web.py [--clients 50] [--seconds 10]
[--workers 1] [--engine-processes N]``.

Starts the real server (``ccecon serve``) on a fresh SQLite store, then 50 clients post the
bundled example to ``/api/evaluate`` as fast as they can, in two cases:

1. **same text (cached)**: the same text every time; the server answers from its cache of
   evaluated texts (keyed by the SHA-256 of the text; the engine is deterministic, so the
   same text gives the same bytes);
2. **new scenario each time (uncached)**: every request carries a different scenario (the
   inbound channel's ``per_month`` volume is a request counter above 40,000), so every
   request is parsed, validated, evaluated by an engine process and encoded; nothing comes
   from any cache, and every answer holds different numbers.

Each case is measured by the load generators found: always the built-in one (keep-alive
HTTP/1.1 connections on one asyncio loop in this process, written so a request costs the
client little CPU); ``wrk`` (Debian ``wrk``, written in C; both cases, the new scenarios
made by a Lua script) and ApacheBench (``ab``, Debian ``apache2-utils``; a new connection
per request; the cached case only, since it sends one body) when installed.

Prints p50/p99 latency and requests/s of each; goal: p99 <= 100 ms and >= 200 requests/s.
The clients share the machine's cores with the server; each line also says how much CPU
the server spent per request (its HTTP process and its engine processes, from /proc) and
the load average, so a run slowed by other work on the machine can be told apart.
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


VARIED = "per_month: 40000"
"""The line each new scenario changes (the inbound channel's monthly calls)."""


def new_scenario(text: str, n: int) -> str:
    """The example with ``n`` more inbound calls a month: a different scenario, so a
    different text and different results (no cache can answer it)."""
    return text.replace(VARIED, f"per_month: {40000 + n}", 1)


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
            body = json.dumps({"text": new_scenario(text, counter[0])}).encode() if vary else fixed
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


COUNTER = [0]
"""Requests sent by the built-in clients so far (over every run, so no new scenario of a
run repeats one of an earlier run, which the server would have cached)."""


async def _run(
    host: str, port: int, token: str, text: str, clients: int, seconds: float, vary: bool
) -> tuple[np.ndarray, int, float]:
    """``clients`` concurrent clients for ``seconds``: latencies (s), errors, wall time."""
    lat: list[float] = []
    counter = COUNTER
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


WRK_LUA = """
local n, id, nthreads = 0, 0, 1
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  nthreads = tonumber(args[1])
end
local headers = {["Authorization"] = "Bearer %(token)s",
                 ["Content-Type"] = "application/json"}
%(body)s
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("CCECON %%d %%d %%d %%.1f %%.1f\\n", summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(99)))
end
"""
WRK_FIXED = """
wrk.method = "POST"
wrk.headers = headers
wrk.body = [==[%(json)s]==]
"""
WRK_VARIED = """
request = function()
  n = n + 1
  -- a different scenario for every request of every thread
  local body = [==[%(before)s]==] .. tostring(%(base)d + n * nthreads + id) .. [==[%(after)s]==]
  return wrk.format("POST", "/api/evaluate", headers, body)
end
"""


def _wrk(
    url: str, token: str, text: str, clients: int, seconds: float, vary: bool
) -> tuple[int, int, float, float, float]:
    """One wrk run (two threads): (requests, errors, p50 ms, p99 ms, requests/s)."""
    if vary:
        marker = "@@N@@"
        before, after = json.dumps({"text": text.replace(VARIED, f"per_month: {marker}", 1)}).split(
            marker
        )
        # far above the built-in clients' counter: no scenario repeats one sent before
        COUNTER[0] += 10_000_000
        body = WRK_VARIED % {"before": before, "after": after, "base": 40000 + COUNTER[0]}
    else:
        body = WRK_FIXED % {"json": json.dumps({"text": text})}
    assert "]==]" not in body.replace("]==] ..", "").replace("]==]\n", "")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_LUA % {"token": token, "body": body})
    threads = 2
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{clients}",
            f"-d{int(seconds)}s",
            "--timeout",
            "30s",
            "-s",
            f.name,
            url + "/api/evaluate",
            "--",
            str(threads),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(f.name)
    m = re.search(r"^CCECON (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+)$", out, re.M)
    if m is None:
        raise RuntimeError(f"wrk printed no summary:\n{out}")
    n, errors, micros = int(m.group(1)), int(m.group(2)), int(m.group(3))
    return n, errors, float(m.group(4)) / 1000, float(m.group(5)) / 1000, n / (micros / 1e6)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    """Child process ids (Linux /proc; empty elsewhere)."""
    out: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            out += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass
    return out


def _machine_busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (all cores; Linux /proc/stat)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    except OSError:
        return float("nan")
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> list[int]:
    out: list[int] = []
    todo = [pid]
    while todo:
        kids = _children(todo.pop())
        out += kids
        todo += kids
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--engine-processes", type=int, default=None)
    args = ap.parse_args()
    exe = Path(sys.executable).with_name("ccecon")
    text = EXAMPLE.read_text(encoding="utf-8")
    assert VARIED in text, f"{EXAMPLE.name} no longer has `{VARIED}`"
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
            # warm-up: every process imports the engine and evaluates a few scenarios
            asyncio.run(_run(host, port, token, text, max(4, args.workers * 4), 2.0, True))
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
                ("new scenario each time", "asyncio", True),
            ]
            if shutil.which("wrk"):
                runs += [
                    ("same text (cached)", "wrk", False),
                    ("new scenario each time", "wrk", True),
                ]
            if shutil.which("ab"):
                runs.append(("same text (cached)", "ab", False))
            for label, gen, vary in runs:
                procs = [server.pid, *_descendants(server.pid)]
                cpu0 = {p: _cpu_seconds(p) for p in procs}
                busy0, me0 = _machine_busy_seconds(), time.process_time()
                kids0 = os.times()
                if gen == "ab":
                    n, errors, p50, p99, rps = _ab(
                        url, token, text, args.clients, args.seconds, vary
                    )
                elif gen == "wrk":
                    n, errors, p50, p99, rps = _wrk(
                        url, token, text, args.clients, args.seconds, vary
                    )
                else:
                    lat, errors, wall = asyncio.run(
                        _run(host, port, token, text, args.clients, args.seconds, vary)
                    )
                    p50, p99 = np.percentile(lat, [50, 99]) * 1000
                    n, rps = lat.size, lat.size / wall
                kids1 = os.times()
                used = {p: _cpu_seconds(p) - c for p, c in cpu0.items()}
                client = time.process_time() - me0
                client += (kids1.children_user + kids1.children_system) - (
                    kids0.children_user + kids0.children_system
                )
                others = _machine_busy_seconds() - busy0 - sum(used.values()) - client
                seconds = n / rps if rps else float("nan")
                ok = "met" if p99 <= 100 and rps >= 200 and errors == 0 else "NOT MET"
                print(
                    f"  {label:22s} [{gen:7s}]: {n:6d} requests, {errors} errors,"
                    f" p50 {p50:6.1f} ms, p99 {p99:6.1f} ms, {rps:6.0f} requests/s;"
                    f" goal p99 <= 100 ms and >= 200 req/s: {ok}"
                )
                ms = {p: 1000 * u / max(n, 1) for p, u in used.items()}
                where = (
                    f"HTTP process {ms[server.pid]:.2f} ms, engine processes"
                    f" {sum(v for p, v in ms.items() if p != server.pid):.2f} ms"
                    if args.workers == 1
                    else f"server processes {sum(ms.values()):.2f} ms"
                )
                print(
                    f"  {'':22s}  CPU per request: {where}, client"
                    f" {1000 * client / max(n, 1):.2f} ms; other work on the machine used"
                    f" {max(others, 0.0) / seconds:.1f} of {os.cpu_count()} cores meanwhile"
                )
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
