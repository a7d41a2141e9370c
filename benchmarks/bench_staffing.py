"""Benchmark: ccecon's staffing engine against pyworkforce 0.5.1 (issue 3).

Run: ``.venv/bin/python benchmarks/bench_staffing.py [--rows 10000]``. Prints, measured in
this one run:

1. 10,000 random interval rows (1-500 calls per 30 min, AHT 60-600 s, threshold 10-60 s,
   target 0.70-0.90): pyworkforce's ``ErlangC.required_positions`` in a loop vs one call of
   ``ccecon.queueing.required_agents``; the speed ratio and how many rows disagree (and
   which side meets the goal with fewer agents). Both are warmed up by one call first (so
   imports and first-call caches count for neither); the peer's loop over 10,000 rows runs
   once (it lasts long enough to time), ccecon's call is timed 7 times and the median kept.
2. One row at 1,000,000 Erlangs (exact): time.
3. 10,000 Erlang A rows (patience 30-600 s): time.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from ccecon.queueing import required_agents, service_level


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=10_000)
    args = ap.parse_args()
    rng = np.random.default_rng(2026)
    n = args.rows
    calls = rng.integers(1, 501, n).astype(float)
    aht = rng.uniform(60, 600, n)
    thr = rng.uniform(10, 60, n)
    target = rng.uniform(0.70, 0.90, n)

    from pyworkforce.queuing import ErlangC

    ErlangC(
        transactions=calls[0], aht=aht[0] / 60, asa=thr[0] / 60, interval=30
    ).required_positions(service_level=target[0])  # warm-up
    required_agents(calls[:10], aht[:10], 1800, sl_target=target[:10], sl_threshold_s=thr[:10])
    t0 = time.perf_counter()
    peer = np.empty(n, dtype=np.int64)
    for i in range(n):
        e = ErlangC(transactions=calls[i], aht=aht[i] / 60, asa=thr[i] / 60, interval=30)
        peer[i] = e.required_positions(service_level=target[i])["raw_positions"]
    t_peer = time.perf_counter() - t0

    times = []
    for _ in range(7):
        t0 = time.perf_counter()
        ours = required_agents(calls, aht, 1800, sl_target=target, sl_threshold_s=thr)
        times.append(time.perf_counter() - t0)
    t_ours = float(np.median(times))

    a = calls * aht / 1800
    diff = np.flatnonzero(peer != ours)
    fewer_ok = sum(
        1
        for i in diff
        if ours[i] < peer[i] and service_level(a[i], ours[i], aht[i], thr[i]) >= target[i]
    )
    print(f"{n:,} Erlang C rows (1-500 calls/30 min, AHT 60-600 s, 10-60 s, 70-90 %):")
    print(f"  pyworkforce 0.5.1 loop : {t_peer:8.3f} s  ({t_peer / n * 1e6:,.1f} us/row)")
    print(
        f"  ccecon required_agents : {t_ours:8.4f} s  ({t_ours / n * 1e6:,.2f} us/row,"
        " median of 7 calls)"
    )
    print(f"  speed ratio            : {t_peer / t_ours:,.0f}x faster")
    print(
        f"  rows that disagree     : {diff.size} ({fewer_ok} where ccecon's smaller answer "
        "meets the goal: pyworkforce over-staffs)"
    )

    t0 = time.perf_counter()
    big = int(required_agents(1e6 * 1800 / 180, 180, 1800, sl_target=0.8, sl_threshold_s=20))
    t_big = time.perf_counter() - t0
    print(f"1,000,000 Erlangs, 80/20: {big:,} agents in {t_big * 1e3:.2f} ms")

    pat = rng.uniform(30, 600, n)
    t0 = time.perf_counter()
    required_agents(calls, aht, 1800, sl_target=target, sl_threshold_s=thr, patience_s=pat)
    t_a = time.perf_counter() - t0
    print(f"{n:,} Erlang A rows: {t_a:.3f} s")


if __name__ == "__main__":
    main()
