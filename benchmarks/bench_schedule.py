"""Benchmark: ccecon's shift design (HiGHS) against pyworkforce 0.5.1 (OR-Tools CP-SAT).

Run: ``.venv/bin/python benchmarks/bench_schedule.py [--time-limit 60]``. Prints, measured
in this one run, on the same requirements and the same shift set:

* requirements: the bundled week of 15-minute intervals (``examples/schedule-week-15min.csv``,
  672 intervals, lines open 07:00-22:00), staffed to 80 % in 20 s with Erlang C;
* shifts, two sets, every day: (1) 111 patterns a day: starts every 15 minutes from 06:00
  to 15:00 of 4 and 6 paid hours, and of 8 paid hours with a fixed 30-minute unpaid break
  four hours in; (2) 225 patterns a day: starts every 15 minutes from 05:00 to 16:00 of 4
  and 6 paid hours and of 8 paid hours with the lunch at 3:30, 4:00 or 4:30 (pyworkforce
  takes each pattern as a fixed 0/1 coverage array of the day, so both sides get the same
  fixed patterns);
* hard cover, least paid hours: pyworkforce's ``MinRequiredResources`` with each shift's
  cost its paid quarter-hours (its costs must be integers), 2 search workers, the same
  time limit; ccecon's ``build_model`` + ``solve``;
* printed: paid hours, solver status and gap, wall time of each (model building and
  solving), and whether each schedule covers every interval (checked here, independently
  of both solvers).

``MinAbsDifference`` (the peer's soft cover) minimises the absolute gap, which is not paid
hours; it runs too with ``--abs`` and its paid hours and gap are printed for reference.
Each solver runs once (the machine is shared); the peer's limits on head count
(``max_shift_concurrency`` 200, ``max_period_concurrency`` 1,000) never bind here.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ccecon.scheduling import build_model, parse_shifts, read_requirements, solve

ROOT = Path(__file__).resolve().parents[1]
Pattern = tuple[str, int, tuple[int, int] | None]  # name, paid hours, (break min, offset)
INSTANCES: dict[str, tuple[tuple[int, int], tuple[Pattern, ...]]] = {
    # name: ((first start, last start) in quarter-hours, patterns)
    "111 patterns a day": (
        (6 * 4, 15 * 4),
        (("4 h", 4, None), ("6 h", 6, None), ("8 h + 30 min break", 8, (30, 240))),
    ),
    "225 patterns a day (lunch at 3:30, 4:00 or 4:30)": (
        (5 * 4, 16 * 4),
        (
            ("4 h", 4, None),
            ("6 h", 6, None),
            ("8 h, lunch 3:30", 8, (30, 210)),
            ("8 h, lunch 4:00", 8, (30, 240)),
            ("8 h, lunch 4:30", 8, (30, 270)),
        ),
    ),
}


def shifts_doc(starts: tuple[int, int], patterns: tuple[Pattern, ...]) -> dict[str, object]:
    first, last = (f"{q // 4:02d}:{15 * (q % 4):02d}" for q in starts)
    shifts = []
    for name, hours, brk in patterns:
        tpl: dict[str, object] = {
            "name": name,
            "starts": {"from": first, "to": last, "every": 15},
            "paid_hours": hours,
        }
        if brk:
            tpl["breaks"] = [{"minutes": brk[0], "from": f"{brk[1] // 60}:{brk[1] % 60:02d}"}]
        shifts.append(tpl)
    return {"shifts": shifts}


def peer_patterns(
    starts: tuple[int, int], patterns: tuple[Pattern, ...]
) -> tuple[dict[str, list[int]], dict[str, int]]:
    """The same shift set as pyworkforce's 0/1 coverage arrays of a day (96 quarter-hours)."""
    coverage, cost = {}, {}
    for name, hours, brk in patterns:
        for s in range(starts[0], starts[1] + 1):
            length = hours * 4 + (brk[0] // 15 if brk else 0)
            on = np.zeros(96, dtype=int)
            on[s : s + length] = 1
            if brk:
                on[s + brk[1] // 15 : s + (brk[1] + brk[0]) // 15] = 0
            key = f"{name} {s // 4:02d}:{15 * (s % 4):02d}"
            coverage[key] = on.tolist()
            cost[key] = hours * 4  # paid quarter-hours (integers)
    return coverage, cost


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--abs", action="store_true", help="also run MinAbsDifference")
    args = ap.parse_args()
    # Both sides' imports happen before their timers (scipy.optimize for ccecon, OR-Tools
    # through pyworkforce for the peer).
    import scipy.optimize  # noqa: F401
    from pyworkforce.scheduling import MinAbsDifference, MinRequiredResources

    frame = pd.read_csv(ROOT / "examples" / "schedule-week-15min.csv")
    req = read_requirements(frame, source="week", goals={"sl_target": 0.8, "sl_threshold_s": 20.0})
    grid = req.grid
    required = grid.required.reshape(7, 96)
    print(
        f"requirements: {grid.n} intervals of {grid.interval_minutes} min, peak"
        f" {int(grid.required.max())} agents, {grid.required.sum() / 4:,.2f} agent-hours"
    )
    for title, (starts, patterns) in INSTANCES.items():
        spec = parse_shifts(yaml.safe_dump(shifts_doc(starts, patterns)))
        coverage, cost = peer_patterns(starts, patterns)

        t0 = time.perf_counter()
        model = build_model(spec, grid)
        t_build = time.perf_counter() - t0
        sol = solve(model, spec, time_limit=args.time_limit)
        t_ours = time.perf_counter() - t0
        size = _program_size(model, spec)
        ours_cov = model.coverage(sol.x, sol.y)
        ours_hours = float(sol.x @ model.paid_hours)

        t0 = time.perf_counter()
        peer = MinRequiredResources(
            num_days=7,
            periods=96,
            shifts_coverage=coverage,
            required_resources=required.tolist(),
            max_period_concurrency=1000,
            max_shift_concurrency=200,
            cost_dict=cost,
            max_search_time=float(args.time_limit),
            num_search_workers=2,
        )
        res = peer.solve()
        t_peer = time.perf_counter() - t0
        peer_hours, peer_cov = _peer_result(res, coverage, cost)
        peer_bound = peer.solver.BestObjectiveBound() / 4

        print(f"\n{title}: {7 * len(coverage)} placements; hard cover, least paid hours")
        print(
            f"  ccecon (HiGHS):       {ours_hours:,.2f} paid hours, {sol.status}, gap"
            f" {sol.gap:.4%}, bound {sol.bound:,.2f}, {t_ours:.3f} s, covers every"
            f" interval: {bool((ours_cov >= grid.required).all())}"
        )
        print(
            f"  pyworkforce (CP-SAT): {peer_hours:,.2f} paid hours, {res['status']}, bound"
            f" {peer_bound:,.2f}, {t_peer:.3f} s, covers every interval:"
            f" {bool((peer_cov >= required).all())}"
        )
        print(
            f"  ccecon's program: {size[0]:,} integer columns, {size[1]:,} rows,"
            f" {size[2]:,} nonzeros; building {t_build:.3f} s, HiGHS {t_ours - t_build:.3f} s"
            f" (its LP relaxation alone {size[3]:.3f} s, measured after)"
        )
        print(f"  time ratio pyworkforce / ccecon = {t_peer / t_ours:,.1f}x")
        goals = {
            "objective <= pyworkforce's": ours_hours <= peer_hours + 1e-9,
            "time <= 1/10 of pyworkforce's": t_ours * 10 <= t_peer,
            "gap <= 0.5 % within 60 s": sol.gap <= 0.005 and t_ours <= 60,
        }
        for goal, met in goals.items():
            print(f"  goal {goal}: {'met' if met else 'NOT met'}")

        if args.abs:
            t0 = time.perf_counter()
            absd = MinAbsDifference(
                num_days=7,
                periods=96,
                shifts_coverage=coverage,
                required_resources=required.tolist(),
                max_period_concurrency=1000,
                max_shift_concurrency=200,
                max_search_time=float(args.time_limit),
                num_search_workers=2,
            )
            res_abs = absd.solve()
            t_abs = time.perf_counter() - t0
            hours, cov = _peer_result(res_abs, coverage, cost)
            short = int(np.clip(required - cov, 0, None).sum())
            print(
                f"  pyworkforce MinAbsDifference: {hours:,.2f} paid hours, {res_abs['status']},"
                f" |difference| {res_abs['cost']:,.0f} agent-intervals ({short:,} missing),"
                f" {t_abs:.3f} s"
            )


def _program_size(model: object, spec: object) -> tuple[int, int, int, float]:
    """(columns, rows, nonzeros, seconds of the LP relaxation) of the hard cover as HiGHS
    gets it (``ccecon.scheduling.design._constraints``): where the time goes."""
    from scipy.optimize import milp

    from ccecon.scheduling.design import _constraints
    from ccecon.scheduling.spec import Cover

    c, integrality, bounds, cons, _, _ = _constraints(model, spec, Cover.hard)  # type: ignore[arg-type]
    t0 = time.perf_counter()
    milp(c, integrality=np.zeros_like(integrality), bounds=bounds, constraints=cons)
    lp = time.perf_counter() - t0
    return c.size, sum(k.A.shape[0] for k in cons), sum(k.A.nnz for k in cons), lp


def _peer_result(
    res: dict[str, object], coverage: dict[str, list[int]], cost: dict[str, int]
) -> tuple[float, np.ndarray]:
    cov = np.zeros((7, 96), dtype=int)
    hours = 0.0
    for r in res["resources_shifts"]:  # type: ignore[attr-defined]
        if r["day"] < 0:
            return float("nan"), cov
        cov[r["day"]] += r["resources"] * np.asarray(coverage[r["shift"]])
        hours += r["resources"] * cost[r["shift"]] / 4
    return hours, cov


if __name__ == "__main__":
    main()
