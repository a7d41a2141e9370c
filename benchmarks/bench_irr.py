"""Benchmark: IRR, NPV and payback of 100,000 monthly flows of 61 periods (Monte Carlo draws).

Goal (issue 2, for the engine): ``irr_batch`` under 0.5 s for 100,000 x 61 on 2 cores.
Peer: numpy-financial 1.0's ``irr`` called row by row (it has no batch form; it solves an
eigenvalue problem per flow), timed on a subset and scaled to the same row count; and
ccecon's own single-flow ``irr`` (all roots; the same computation as ``irr_batch`` on
one row) in a loop, likewise.
Run: ``.venv/bin/python benchmarks/bench_irr.py [--rows N] [--periods T]``.

The flows look like an engine's net cash flow: an outlay at month 0, a ramp-up with
negative early months, then noisy monthly net benefits, some of which are negative (so a
share of the rows has several sign changes, and a few several IRRs).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from ccecon.errors import NoSolutionError
from ccecon.finance.returns import irr, irr_batch, npv, payback


def flows(rows: int, periods: int, rng: np.random.Generator) -> np.ndarray:
    """Synthetic engine-like monthly net flows (draws x periods)."""
    v = np.empty((rows, periods))
    v[:, 0] = -rng.uniform(5e5, 2e6, rows)
    v[:, 1:] = rng.normal(3e4, 2e4, (rows, periods - 1))
    v[:, 1:4] -= rng.uniform(0, 1e5, (rows, 1))
    return v


def best_of(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--periods", type=int, default=61)
    ap.add_argument("--peer-rows", type=int, default=2_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    import numpy_financial as npf

    rng = np.random.default_rng(2026)
    v = flows(args.rows, args.periods, rng)
    rate = np.full((args.rows, 1), 0.008)

    t_irr = best_of(lambda: irr_batch(v), args.repeat)
    t_npv = best_of(lambda: npv(rate, v), args.repeat)
    t_pay = best_of(lambda: payback(v, rate=rate), args.repeat)
    batch = irr_batch(v)

    sub = v[: args.peer_rows]
    t0 = time.perf_counter()
    peer = np.array([npf.irr(row) for row in sub])
    t_peer = (time.perf_counter() - t0) * args.rows / len(sub)

    t0 = time.perf_counter()
    singles = []
    for row in sub[:500]:
        try:
            singles.append(irr(row).rate)
        except NoSolutionError:
            singles.append(np.nan)
    t_single = (time.perf_counter() - t0) * args.rows / 500

    one = batch.n_roots[: len(sub)] == 1
    both = one & np.isfinite(peer)
    diff = float(np.max(np.abs(batch.rates[: len(sub)][both] - peer[both]))) if both.any() else 0.0
    counts = np.bincount(batch.n_roots, minlength=3)
    print(f"flows: {args.rows:,} rows x {args.periods} periods")
    print(f"irr_batch:            {t_irr:8.3f} s  ({args.rows / t_irr:,.0f} rows/s; goal < 0.5 s)")
    print(f"npv (rate per row):   {t_npv:8.3f} s")
    print(f"discounted payback:   {t_pay:8.3f} s")
    print(
        f"peer numpy-financial irr, row loop: {t_peer:8.2f} s (scaled from {len(sub):,} rows)"
        f" -> irr_batch is {t_peer / t_irr:,.0f}x faster"
    )
    print(
        f"ccecon irr (single flow, all roots), loop: {t_single:8.2f} s (scaled from 500 rows)"
        f" -> {t_single / t_irr:,.0f}x"
    )
    print(
        f"roots per row: none {counts[0]:,}, one {counts[1]:,}, several {counts[2:].sum():,};"
        f" numpy-financial NaN on {int(np.isnan(peer).sum()):,} of {len(sub):,} peer rows"
    )
    print(f"max |irr_batch - numpy-financial| on one-root rows: {diff:.2e}")


if __name__ == "__main__":
    main()
