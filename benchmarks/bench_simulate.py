"""Benchmark: Monte Carlo of the uncertain example through the one engine.

Issue 5's goal: 100,000 draws x 60 months of ``examples/uncertain-onprem-to-cloud.yaml``
in <= 1 s on 2 cores, peak memory <= 2 GiB, and 1,000,000 draws in bounded memory
(chunked). The peer is the loop a spreadsheet Monte Carlo add-in runs: one deterministic
evaluation per draw (here: :func:`ccecon.engine.evaluate` called once per draw on a
realized scenario), timed on a few hundred draws and scaled.

Run: ``.venv/bin/python benchmarks/bench_simulate.py [--draws N] [--months M]
[--chunk C] [--million/--no-million]``.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from pathlib import Path

import numpy as np

from ccecon.engine import evaluate
from ccecon.scenario.load import parse_scenario
from ccecon.uncertainty.montecarlo import DEFAULT_CHUNK, Simulation, simulate
from ccecon.uncertainty.sampling import draw_inputs, realize, uncertain_inputs

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "uncertain-onprem-to-cloud.yaml"
GIB = 1024**3


def load(months: int):  # type: ignore[no-untyped-def]
    """The uncertain example with its horizon set to ``months``."""
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "horizon_months: 36", f"horizon_months: {months}"
    )
    return parse_scenario(text, str(EXAMPLE))


def timed(scenario, draws: int, chunk: int, seed: int = 1) -> tuple[float, Simulation]:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    sim = simulate(scenario, draws, np.random.default_rng(seed), chunk=chunk)
    return time.perf_counter() - t0, sim


def peak_traced(scenario, draws: int, chunk: int) -> float:  # type: ignore[no-untyped-def]
    """Peak bytes allocated (numpy included) during one simulate call."""
    tracemalloc.start()
    simulate(scenario, draws, np.random.default_rng(1), chunk=chunk)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def per_draw_loop(scenario, draws: int) -> float:  # type: ignore[no-untyped-def]
    """Seconds per draw of the peer: one engine call per draw."""
    values = draw_inputs(
        scenario, draws, np.random.default_rng(3), getattr(scenario, "correlations", None)
    )
    t0 = time.perf_counter()
    for i in range(draws):
        evaluate(realize(scenario, {k: float(v[i]) for k, v in values.items()}))
    return (time.perf_counter() - t0) / draws


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--draws", type=int, default=100_000)
    ap.add_argument("--months", type=int, default=60)
    ap.add_argument("--chunk", type=int, default=DEFAULT_CHUNK)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--loop-draws", type=int, default=200)
    ap.add_argument("--million", action=argparse.BooleanOptionalAction, default=True)
    args = ap.parse_args()

    sc = load(args.months)
    k = len(uncertain_inputs(sc))
    simulate(sc, 1000, np.random.default_rng(0), chunk=args.chunk)  # warm-up (imports)
    print(f"simulate: {EXAMPLE.name}, {k} uncertain inputs, {args.months} months")

    times = []
    sim = None
    for _ in range(args.repeat):
        t, sim = timed(sc, args.draws, args.chunk)
        times.append(t)
    best = min(times)
    goal = "meets" if best <= 1.0 else "MISSES"
    print(
        f"  {args.draws:,} draws, chunk {args.chunk:,}: best of {args.repeat} {best:.3f} s"
        f" ({args.draws / best:,.0f} draws/s); goal <= 1 s: {goal}"
    )
    assert sim is not None
    npv = sim.summary("npv")
    print(
        f"  NPV P10/P50/P90 {npv.percentiles['p10']:,.0f} / {npv.percentiles['p50']:,.0f} /"
        f" {npv.percentiles['p90']:,.0f} {sc.currency}, mean {npv.mean:,.0f}"
        f" ± {npv.se_mean:,.0f} (SE)"
    )

    for chunk in (5_000, 20_000):
        t, _ = timed(sc, args.draws, chunk)
        print(f"  same draws, chunk {chunk:,}: {t:.3f} s ({args.draws / t:,.0f} draws/s)")

    peak = peak_traced(sc, args.draws, args.chunk)
    goal = "meets" if peak <= 2 * GIB else "MISSES"
    print(
        f"  peak traced memory, {args.draws:,} draws: {peak / 2**20:,.0f} MiB;"
        f" goal <= 2 GiB: {goal}"
    )

    per = per_draw_loop(sc, args.loop_draws)
    print(
        f"peer: one evaluate() per draw ({args.loop_draws} draws timed): {per * 1e3:.2f} ms/draw"
        f" -> {args.draws:,} draws ~ {per * args.draws:,.0f} s;"
        f" vectorized and chunked is {per * args.draws / best:,.0f}x faster"
    )

    if args.million:
        n = 1_000_000
        t0 = time.perf_counter()
        peak = peak_traced(sc, n, args.chunk)
        t = time.perf_counter() - t0
        print(
            f"  {n:,} draws chunked by {args.chunk:,}: {t:.1f} s under tracemalloc,"
            f" peak traced {peak / 2**20:,.0f} MiB (bounded: per-draw metrics only)"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"process max RSS: {rss / 2**20:,.0f} MiB")


if __name__ == "__main__":
    main()
