"""Benchmark: ``ccecon ingest`` of a Parquet interactions file beside DuckDB's own CTAS.

Run: ``.venv/bin/python benchmarks/bench_ingest.py [--rows 5000000] [--dir DIR] [--repeat 2]``.

Writes the synthetic center (``ccecon synth``) into ``DIR`` unless its
``interactions.parquet`` has that many rows already (generate once, reuse; the synth's own
time and peak memory are printed when it runs). Then, each in a fresh process and a fresh
store, interleaved ``--repeat`` times:

1. ccecon: :func:`ccecon.data.ingest.ingest` of ``interactions.parquet`` with every
   validation on (ids unique in the file and new to the store, timestamps, durations,
   channel, outcome...), ccecon's default resources (memory limit a quarter of RAM, at most
   1 GiB; the CPUs available; spilling to ``STORE.tmp``), the file recorded in
   ``ingested_files``;
2. DuckDB: ``CREATE TABLE t AS SELECT * FROM read_parquet(...)`` with DuckDB's defaults
   (same threads), no validation.

Prints each side's wall time (min-max), rows/s at the best time, the ratio of
throughputs (ccecon / DuckDB, best against best; goal >= 0.5x), each process's peak
resident memory (``getrusage`` of that process: goal <= 1.5 GiB) and the load average.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CCECON = """
import resource, sys, time
from ccecon.data.ingest import ingest
t = time.perf_counter()
rep = ingest([sys.argv[1]], sys.argv[2])
wall = time.perf_counter() - t
assert rep.read == rep.loaded + rep.quarantined
print(wall, rep.loaded, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
DUCKDB = """
import duckdb, resource, sys, time
t = time.perf_counter()
con = duckdb.connect(sys.argv[2])
con.execute("SET enable_progress_bar = false")
con.execute("CREATE TABLE t AS SELECT * FROM read_parquet(?)", [sys.argv[1]])
n = con.execute("SELECT count(*) FROM t").fetchone()[0]
con.close()
wall = time.perf_counter() - t
print(wall, n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
SYNTH = """
import resource, sys, time
from ccecon.data.synth import synth
t = time.perf_counter()
synth(int(sys.argv[1]), sys.argv[2], seed=1)
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _py(code: str, *args: str) -> list[float]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    ).stdout.split()
    return [float(x) for x in out]


def load() -> str:
    """The load average (other work on the machine)."""
    a, b, c = os.getloadavg()
    return f"load average {a:.1f} {b:.1f} {c:.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "bench_ingest")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    import pyarrow.parquet as pq

    src = args.dir / "interactions.parquet"
    if not src.exists() or pq.ParquetFile(str(src)).metadata.num_rows != args.rows:
        print(f"writing {args.rows:,} synthetic contacts to {args.dir} ...", flush=True)
        wall, rss = _py(SYNTH, str(args.rows), str(args.dir))
        print(f"  synth: {wall:,.1f} s, peak RSS {rss / 1024:,.0f} MiB; {load()}")
    size = src.stat().st_size
    print(f"file: {src} ({args.rows:,} rows, {size / 2**20:,.0f} MiB); {load()}")
    times: dict[str, list[float]] = {"ccecon": [], "duckdb": []}
    peaks: dict[str, list[float]] = {"ccecon": [], "duckdb": []}
    for k in range(args.repeat):
        for side, code in (("ccecon", CCECON), ("duckdb", DUCKDB)):
            store = args.dir / f"bench-{side}.duckdb"
            for p in (store, Path(str(store) + ".wal")):
                p.unlink(missing_ok=True)
            wall, n, rss = _py(code, str(src), str(store))
            assert int(n) == args.rows, (side, n)
            times[side].append(wall)
            peaks[side].append(rss / 1024)
            print(
                f"  run {k + 1} {side:6}: {wall:6.2f} s, {args.rows / wall / 1e6:5.2f} M rows/s,"
                f" peak RSS {rss / 1024:,.0f} MiB",
                flush=True,
            )
            store.unlink(missing_ok=True)
        time.sleep(1)
    best = {s: min(v) for s, v in times.items()}
    print(
        f"ccecon ingest (every validation on): {min(times['ccecon']):.2f}-"
        f"{max(times['ccecon']):.2f} s, best {args.rows / best['ccecon'] / 1e6:.2f} M rows/s,"
        f" peak RSS {max(peaks['ccecon']):,.0f} MiB"
    )
    print(
        f"DuckDB CREATE TABLE AS SELECT: {min(times['duckdb']):.2f}-{max(times['duckdb']):.2f} s,"
        f" best {args.rows / best['duckdb'] / 1e6:.2f} M rows/s,"
        f" peak RSS {max(peaks['duckdb']):,.0f} MiB"
    )
    print(
        f"ratio ccecon / DuckDB (throughput, best vs best): {best['duckdb'] / best['ccecon']:.2f}x"
        f" (goal >= 0.5x); ccecon peak {max(peaks['ccecon']) / 1024:.2f} GiB (goal <= 1.5);"
        f" {load()}"
    )


if __name__ == "__main__":
    main()
