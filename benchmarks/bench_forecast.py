"""Benchmark: forecasting many daily series with the backtest, as ``ccecon forecast`` does.

Run: ``.venv/bin/python benchmarks/bench_forecast.py [--series 1000] [--years 3]``. Prints,
measured in this one run:

1. ccecon's path (``ccecon.forecast.models.forecast_frame``): every series in one
   statsforecast call per candidate set on 2 processes, the rolling-origin backtest
   (3 windows of 28 days) and a 56-day forecast; time, series per second and the goal
   (<= 60 s for 1,000 series of 3 years on 2 cores).
2. The plain loop a user would write: the same models, one ``StatsForecast`` per series,
   one process; time on a sample of the series (``--loop-sample``, default 50), scaled to
   all of them, and the ratio.
3. Peak memory (RSS) of the process.

The series: a level drawn per series (50-2,000 contacts a day), trend up to +30 % over the
history, weekly and yearly cycles, 5 % lognormal noise (the generator of
tests/forecast/test_forecast.py).
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd


def make_series(n: int, years: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = 364 * years
    d = np.arange(days)
    weekly = np.array([1.25, 1.1, 1.0, 1.0, 0.95, 0.6, 0.6])[d % 7]
    yearly = 1.0 + 0.2 * np.sin(2 * np.pi * d / 364.0)
    frames = []
    ds = pd.date_range("2023-01-02", periods=days, freq="D")
    for i in range(n):
        base = rng.uniform(50, 2000)
        y = base * (1 + rng.uniform(0, 0.3) * d / days) * weekly * yearly
        y = y * np.exp(rng.normal(0, 0.05, days))
        frames.append(pd.DataFrame({"unique_id": f"q{i:04d}", "ds": ds, "y": np.round(y)}))
    return pd.concat(frames, ignore_index=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--series", type=int, default=1000)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--loop-sample", type=int, default=50)
    args = ap.parse_args()
    from ccecon.forecast.models import forecast_frame

    data = make_series(args.series, args.years)
    warm = data[data["unique_id"].isin(["q0000"])]
    forecast_frame(warm, "day", 56, "contacts", 80, n_jobs=1)  # compile/import once

    t0 = time.perf_counter()
    out = forecast_frame(data, "day", 56, "contacts", 80, n_jobs=2)
    ccecon_s = time.perf_counter() - t0
    models: dict[str, int] = {}
    for f in out:
        models[f.model] = models.get(f.model, 0) + 1
    print(f"ccecon forecast_frame: {args.series:,} daily series x {args.years} years, backtest")
    print(f"  {ccecon_s:,.1f} s ({args.series / ccecon_s:,.1f} series/s), models chosen {models}")
    print(f"  goal <= 60 s for 1,000 series on 2 cores: {'met' if ccecon_s <= 60 else 'NOT met'}")

    sample = sorted(data["unique_id"].unique())[: args.loop_sample]
    t0 = time.perf_counter()
    for uid in sample:
        forecast_frame(data[data["unique_id"] == uid], "day", 56, "contacts", 80, n_jobs=1)
    loop_s = (time.perf_counter() - t0) * args.series / len(sample)
    print(
        f"plain per-series loop (one StatsForecast per series, 1 process; {len(sample)}"
        f" series timed, scaled to {args.series:,}): {loop_s:,.1f} s"
    )
    print(f"  ratio loop / ccecon: {loop_s / ccecon_s:,.2f}x")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
