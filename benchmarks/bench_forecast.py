"""Benchmark: forecasting many daily series with the backtest, as ``ccecon forecast`` does.

Run: ``nice .venv/bin/python benchmarks/bench_forecast.py [--series 1000] [--years 3]
[--loop-sample 20] [--store actuals.duckdb --by queue]``. Prints, measured in this one run:

1. ccecon's path (``ccecon.forecast.models.forecast_frame``): every series on 2
   processes, the rolling-origin backtest (3 windows of 28 days) of each candidate and a
   56-day forecast by the winner; wall time, CPU time (user + system, this process and its
   worker processes), the load average before and after (the machine may be shared), the
   CPU time a series and the goal (<= 60 s for 1,000 series of 3 years on 2 cores).
2. The plain loop a user would write: one ``StatsForecast`` per series, one process, its
   ``cross_validation`` (the same windows, ``refit=False``) and ``forecast``, with the
   previous candidate set (AutoETS's full search of forms, statsforecast's MSTL with one
   set of loess jumps for both seasons, its trend by AutoETS's search); time on a sample
   of the series (``--loop-sample``), scaled to all of them, and the ratio.
3. Accuracy on the loop's sample: the backtest WAPE of each series' winner, mean over the
   series, for ccecon's candidates and the previous set, and whether the new set stays
   within the stated tolerance (:data:`WAPE_TOLERANCE`). With ``--store``, the same for
   the daily series of an actuals store (e.g. one written by ``ccecon synth`` and
   ``ccecon ingest``).
4. Peak memory (RSS) of the process.

The series: a level drawn per series (50-2,000 contacts a day), trend up to +30 % over the
history, weekly and yearly cycles, 5 % lognormal noise (the generator of
tests/forecast/test_forecast.py).
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from typing import Any

import numpy as np
import pandas as pd

WAPE_TOLERANCE = 0.002
"""How much worse (absolute WAPE, mean over the series) the candidates may backtest than
the previous set: 0.2 points."""
OLD_STL_JUMPS = {"seasonal_jump": 2, "trend_jump": 10, "low_pass_jump": 10}
"""The previous set's loess jumps, one set for the weekly and the yearly season."""


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


def cpu_s() -> float:
    """User + system CPU seconds of this process and its finished children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def previous_set(part: pd.DataFrame) -> dict[str, float]:
    """The previous candidate set on one series, as a plain loop: one StatsForecast, its
    cross_validation and forecast; returns the backtest WAPE of the winner per series."""
    from statsforecast import StatsForecast
    from statsforecast.models import MSTL, AutoETS, SeasonalNaive

    models: list[Any] = [
        SeasonalNaive(season_length=7),
        AutoETS(season_length=7),
        MSTL(season_length=[7, 365], stl_kwargs=OLD_STL_JUMPS),
    ]
    sf = StatsForecast(models=models, freq="D", n_jobs=1)
    cv = sf.cross_validation(df=part, h=28, n_windows=3, step_size=28, refit=False)
    sf.forecast(df=part, h=56, level=[80])
    out = {}
    for uid, g in cv.groupby("unique_id"):
        total = float(g["y"].abs().sum())
        wapes = [float((g["y"] - g[repr(m)]).abs().sum() / total) for m in models]
        out[str(uid)] = min(wapes)
    return out


def compare(label: str, data: pd.DataFrame, sample: list[str], scale_to: int = 0) -> None:
    """ccecon's winner WAPE beside the previous set's on ``sample``, with the time of each."""
    from ccecon.forecast.models import forecast_frame

    part = data[data["unique_id"].isin(sample)]
    c0, t0 = cpu_s(), time.perf_counter()
    new = {f.unique_id: f.backtest[f.model]["wape"] for f in forecast_frame(part, "day", 56)}
    c1, t1 = cpu_s(), time.perf_counter()
    old: dict[str, float] = {}
    for uid in sample:
        old.update(previous_set(data[data["unique_id"] == uid]))
    c2, t2 = cpu_s(), time.perf_counter()
    a = float(np.mean([new[u] for u in sample]))
    b = float(np.mean([old[u] for u in sample]))
    k = len(sample)
    print(f"{label} ({k} series, 1 process each way; load {load()}):")
    print(
        f"  ccecon's candidates: winner WAPE {a:.4f}, {1000 * (c1 - c0) / k:,.0f} ms CPU"
        f" a series ({1000 * (t1 - t0) / k:,.0f} ms wall)"
    )
    print(
        f"  previous set, plain loop: winner WAPE {b:.4f}, {1000 * (c2 - c1) / k:,.0f} ms"
        f" CPU a series ({1000 * (t2 - t1) / k:,.0f} ms wall)"
    )
    if scale_to:
        print(
            f"  the plain loop scaled to {scale_to:,} series: {(t2 - t1) * scale_to / k:,.0f} s"
            f" wall, {(c2 - c1) * scale_to / k:,.0f} s CPU"
        )
    verdict = "within" if a <= b + WAPE_TOLERANCE else "NOT within"
    print(f"  difference {a - b:+.4f}: {verdict} the tolerance of +{WAPE_TOLERANCE}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--series", type=int, default=1000)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--loop-sample", type=int, default=20)
    ap.add_argument("--store", default=None, help="an actuals store to compare on as well")
    ap.add_argument("--by", default="queue")
    args = ap.parse_args()
    from ccecon.forecast.models import forecast_frame

    data = make_series(args.series, args.years)
    warm = data[data["unique_id"].isin(["q0000"])]
    forecast_frame(warm, "day", 56, "contacts", 80, n_jobs=1)  # imports once

    before = load()
    c0, t0 = cpu_s(), time.perf_counter()
    out = forecast_frame(data, "day", 56, "contacts", 80, n_jobs=2)
    wall, cpu = time.perf_counter() - t0, cpu_s() - c0
    models: dict[str, int] = {}
    for f in out:
        models[f.model] = models.get(f.model, 0) + 1
    n = args.series
    print(f"ccecon forecast_frame: {n:,} daily series x {args.years} years, backtest, 2 processes")
    print(
        f"  wall {wall:,.1f} s ({n / wall:,.1f} series/s), CPU {cpu:,.1f} s"
        f" ({1000 * cpu / n:,.0f} ms a series), load average before {before}, after"
        f" {load()}; models chosen {models}"
    )
    print(
        f"  on 2 free cores: ~{cpu / 2 * 1000 / n:,.1f} s for 1,000 series (CPU / 2);"
        f" goal <= 60 s: {'met' if cpu / 2 * 1000 / n <= 60 else 'NOT met'};"
        f" this run's wall time {'met' if wall * 1000 / n <= 60 else 'did not meet'} it"
    )

    sample = sorted(data["unique_id"].unique())[: args.loop_sample]
    compare("benchmark series", data, sample, scale_to=n)
    if args.store:
        from ccecon.forecast.series import read_history

        hist = read_history(args.store, tuple(args.by.split(",")), "day").frame
        hist = hist[["unique_id", "ds", "y"]].assign(ds=lambda f: pd.to_datetime(f["ds"]))
        compare(f"store {args.store}", hist, sorted(hist["unique_id"].unique()))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
