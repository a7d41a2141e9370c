"""Benchmark: the bundled example with 100,000 draws of every numeric input over 60 months.

Issue 2's goal: <= 1 s on 2 cores; and ``ccecon --help`` cold start <= 0.3 s.
Run: ``.venv/bin/python benchmarks/bench_evaluate.py [--draws N] [--months M]``.
Every numeric input of the example (amounts, quantities, growth, volumes, AHT, risk, ...)
is replaced by N draws of ``base x U(0.9, 1.1)``; the one engine evaluates them at once.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from ccecon.cli.business import demo_scenario_path
from ccecon.engine import evaluate
from ccecon.scenario.load import load_scenario
from ccecon.uncertainty.sampling import numeric_inputs, realize


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--draws", type=int, default=100_000)
    ap.add_argument("--months", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    scenario = load_scenario(demo_scenario_path()).model_copy(
        update={"horizon_months": args.months}
    )
    rng = np.random.default_rng(2026)
    leaves = {p: v for p, v in numeric_inputs(scenario).items() if isinstance(v, float)}
    values = {p: float(v) * rng.uniform(0.9, 1.1, args.draws) for p, v in leaves.items()}
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = evaluate(realize(scenario, values))
        times.append(time.perf_counter() - t0)
    best = min(times)
    print(f"evaluate: {args.draws:,} draws x {args.months} months, {len(leaves)} uncertain inputs")
    print(f"  best of {args.repeat}: {best:.3f} s  ({args.draws / best:,.0f} draws/s)")
    print(
        f"  NPV mean {np.mean(result.metrics.npv):,.0f} {scenario.currency}, "
        f"P(NPV > 0) = {np.mean(result.metrics.npv > 0):.3f}"
    )

    exe = Path(sys.executable).with_name("ccecon")
    cold = []
    for _ in range(7):
        t0 = time.perf_counter()
        subprocess.run([str(exe), "--help"], capture_output=True, check=True)
        cold.append(time.perf_counter() - t0)
    print(
        f"ccecon --help cold start: median {statistics.median(cold):.3f} s "
        f"(min {min(cold):.3f} s over 7 runs)"
    )


if __name__ == "__main__":
    main()
