"""Requirements in, schedule out: the interval table read onto a grid, and what a solved
schedule gives (coverage, service level per interval, efficiency, paid FTE, cost)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ccecon.errors import InputError
from ccecon.scheduling.design import Array, Grid, Model, Solution
from ccecon.scheduling.spec import Cover, ShiftsFile, clock


@dataclass(frozen=True)
class Requirements:
    """The grid to cover, with the calls and handle times where the table gives them."""

    grid: Grid
    calls: Array | None  # per grid interval; 0 where closed
    aht_s: Array | None
    stamps: list[str]  # per grid interval, ISO text of its start
    shrinkage: float


def _line(i: int) -> int:
    return i + 2  # the header is line 1 of the file


def read_requirements(
    frame: pd.DataFrame,
    *,
    source: str,
    interval_minutes: int | None = None,
    shrinkage: float = 0.0,
    goals: dict[str, Any] | None = None,
    patience_s: float | None = None,
) -> Requirements:
    """Put an interval table (``ccecon staff``'s output, or calls and handle times) on a grid.

    Needs a ``start`` column of timestamps and either ``agents`` (required agents on the
    phones, as ``ccecon staff`` writes) or ``calls`` and ``aht_s`` (then staffed here to
    ``goals``). ``shrinkage`` (time paid but off the phones beyond the scheduled breaks)
    raises the requirement to ``ceil(agents / (1 - shrinkage))`` agents at work.
    """
    if "start" not in frame.columns:
        raise InputError(
            "the requirements need a `start` column of interval start times (as `ccecon"
            " staff intervals.csv --format csv` writes it)",
            file=source,
            field="start",
            value=list(map(str, frame.columns)),
        )
    if frame.empty:
        raise InputError("the requirements have no rows", file=source)
    ts = pd.to_datetime(frame["start"], errors="coerce")
    if ts.isna().any():
        i = int(np.flatnonzero(ts.isna().to_numpy())[0])
        raise InputError(
            "expected a timestamp such as 2027-01-04 08:00",
            file=source,
            row=_line(i),
            field="start",
            value=frame["start"].iloc[i],
        )
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_localize(None)
    ordered = np.unique(ts.to_numpy(dtype="datetime64[m]").astype(np.int64))
    if interval_minutes is None:
        if ordered.size < 2:
            raise InputError(
                "one interval only: give the interval length (15, 30 or 60 minutes, say)",
                file=source,
                field="interval_minutes",
            )
        interval_minutes = int(np.diff(ordered).min())
    if interval_minutes <= 0 or (24 * 60) % interval_minutes:
        raise InputError(
            "the interval length must divide a day (15, 30 or 60 minutes, say)",
            file=source,
            field="start",
            value=f"{interval_minutes} minutes",
        )
    minute = ts.to_numpy(dtype="datetime64[m]").astype(np.int64)
    day0 = (minute.min() // 1440) * 1440
    offset = minute - day0
    if ((ts.dt.second != 0) | (offset % interval_minutes != 0)).any():
        i = int(np.flatnonzero((offset % interval_minutes != 0) | (ts.dt.second != 0))[0])
        raise InputError(
            f"an interval must start on the {interval_minutes}-minute grid from midnight",
            file=source,
            row=_line(i),
            field="start",
            value=frame["start"].iloc[i],
        )
    idx = offset // interval_minutes
    dup = pd.Series(idx).duplicated().to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise InputError(
            "two rows for the same interval",
            file=source,
            row=_line(i),
            field="start",
            value=frame["start"].iloc[i],
        )
    per_day = 1440 // interval_minutes
    days = int(idx.max()) // per_day + 1
    n = days * per_day
    if n > 7 * 5 * per_day * 2:
        raise InputError(
            f"the requirements span {days:,} days; at most 70 days are scheduled at once",
            file=source,
            field="start",
        )

    def numbers(col: str) -> Array:
        vals = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(vals) | (vals < 0)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(
                "expected a number >= 0",
                file=source,
                row=_line(i),
                field=col,
                value=frame[col].iloc[i],
            )
        return vals

    has_calls = "calls" in frame.columns and "aht_s" in frame.columns
    if "agents" in frame.columns:
        agents = numbers("agents")
    elif has_calls:
        from ccecon.queueing import staff_table

        try:
            staffed = staff_table(
                frame[["calls", "aht_s"]],
                interval_s=interval_minutes * 60.0,
                patience_s=patience_s,
                shrinkage=0.0,
                **(goals or {}),
            )
        except InputError as exc:
            raise InputError(
                exc.message,
                file=source,
                field=exc.field,
                row=None if exc.row is None else exc.row + 1,
                value=exc.value,
            ) from None
        agents = staffed["agents"].to_numpy(dtype=float)
    else:
        raise InputError(
            "the requirements need a column `agents` (required agents per interval) or"
            " `calls` and `aht_s` to staff them",
            file=source,
            field="agents",
            value=list(map(str, frame.columns)),
        )
    need = np.ceil(agents / (1.0 - shrinkage) - 1e-9).astype(np.int64)
    required = np.zeros(n, dtype=np.int64)
    required[idx] = need
    is_open = np.zeros(n, dtype=bool)
    is_open[idx] = True
    calls = aht = None
    if has_calls:
        calls = np.zeros(n)
        aht = np.ones(n)
        calls[idx] = numbers("calls")
        aht[idx] = np.where(numbers("aht_s") > 0, numbers("aht_s"), 1.0)
    first_weekday = int(pd.Timestamp(int(day0), unit="m").weekday())
    stamps = [
        str(pd.Timestamp(int(day0 + i * interval_minutes), unit="m").strftime("%Y-%m-%d %H:%M"))
        for i in range(n)
    ]
    grid = Grid(interval_minutes, required, is_open, first_weekday, cyclic=days == 7)
    return Requirements(grid, calls, aht, stamps, shrinkage)


def _breaks_text(model: Model, shifts: ShiftsFile, sol: Solution, p: int) -> str:
    """When the agents of placement ``p`` take their breaks: ``12:00 30 min; 14:15 x2 ...``."""
    tpl = shifts.shifts[int(model.template[p])]
    iv = model.grid.interval_minutes
    start_min = int(model.start[p] % model.grid.per_day) * iv
    parts = []
    for b, br in enumerate(tpl.breaks):
        kind = "paid" if br.paid else "unpaid"
        if br.earliest == br.last_start:
            at = clock((start_min + br.earliest) % 1440)
        else:
            sel = np.flatnonzero((model.brk_place == p) & (model.brk_index == b) & (sol.y > 0))
            at = ", ".join(
                f"{clock((start_min + int(model.brk_offset[v]) * iv) % 1440)} x{int(sol.y[v])}"
                for v in sel
            )
        parts.append(f"{at} ({br.minutes} min, {kind})")
    return "; ".join(parts)


def summarize(
    model: Model,
    sol: Solution,
    shifts: ShiftsFile,
    req: Requirements,
    *,
    sl_threshold_s: float = 20.0,
    patience_s: float | None = None,
) -> dict[str, Any]:
    """The schedule, the coverage per interval and the summary of a solved design."""
    from ccecon.queueing import metrics

    g = model.grid
    iv_h = g.interval_minutes / 60.0
    scheduled = model.coverage(sol.x, sol.y)
    diff = scheduled - g.required
    schedule = []
    for p in np.flatnonzero(sol.x > 0):
        tpl = shifts.shifts[int(model.template[p])]
        k = int(model.start[p] % g.per_day) * g.interval_minutes
        schedule.append(
            {
                "template": tpl.name,
                "kind": tpl.kind.value,
                "day": g.label(int(model.start[p])).rsplit(" ", 1)[0],
                "start": clock(k),
                "end": clock((k + tpl.length_minutes) % 1440),
                "headcount": int(sol.x[p]),
                "paid_hours": float(sol.x[p] * tpl.paid_hours),
                "breaks": _breaks_text(model, shifts, sol, int(p)),
            }
        )
    sl = asa = None
    if req.calls is not None and req.aht_s is not None:
        traffic = req.calls * req.aht_s / (g.interval_minutes * 60.0)
        on_phones = scheduled * (1.0 - req.shrinkage)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            m = metrics(
                traffic, on_phones, req.aht_s, sl_threshold_s=sl_threshold_s, patience_s=patience_s
            )
        sl, asa = m["service_level"], m["asa"]
    shown = np.flatnonzero(g.open | (scheduled > 0))
    coverage = []
    for i in shown:
        row: dict[str, Any] = {
            "interval": g.label(int(i)),
            "start": req.stamps[i],
            "open": bool(g.open[i]),
            "required": int(g.required[i]),
            "scheduled": int(scheduled[i]),
            "difference": int(diff[i]),
        }
        if sl is not None and asa is not None and req.calls is not None:
            row["calls"] = float(req.calls[i])
            row["service_level"] = float(sl[i])
            row["asa_s"] = float(asa[i]) if math.isfinite(asa[i]) else None
        coverage.append(row)
    rates = np.array([shifts.rate(shifts.shifts[int(t)]) for t in model.template])
    paid_hours = float(sol.x @ model.paid_hours)
    cost = float(sol.x @ (model.paid_hours * rates))
    required_hours = float(g.required.sum() * iv_h)
    weeks = g.days / 7.0
    summary: dict[str, Any] = {
        "cover": sol.cover.value,
        "status": sol.status,
        "objective": sol.objective,
        "objective_is": "paid hours"
        if sol.cover == Cover.hard and not shifts.costed
        else ("paid cost" if sol.cover == Cover.hard else "cost of under- and over-staffing"),
        "bound": sol.bound,
        "gap": sol.gap,
        "solve_seconds": sol.seconds,
        "intervals": int(g.open.sum()),
        "days": g.days,
        "interval_minutes": g.interval_minutes,
        "shifts": int(sol.x.sum()),
        "required_agent_hours": required_hours,
        "scheduled_agent_hours": float(scheduled.sum() * iv_h),
        "paid_hours": paid_hours,
        "efficiency": required_hours / paid_hours if paid_hours > 0 else None,
        "paid_fte": paid_hours / (shifts.paid_hours_per_fte_week * weeks),
        "cost": cost if shifts.costed else None,
        "currency": shifts.currency,
        "understaffed_intervals": int((diff < 0).sum()),
        "understaffed_agent_intervals": int(-diff[diff < 0].sum()),
        "overstaffed_agent_intervals": int(diff[diff > 0].sum()),
    }
    if sl is not None and req.calls is not None:
        total = float(req.calls.sum())
        summary["service_level"] = float((sl * req.calls).sum() / total) if total > 0 else 1.0
    return {"summary": summary, "schedule": schedule, "coverage": coverage}


WEEK_OF = "2024-01-01"
"""A Monday: the dates given to a scenario's representative week (only weekdays matter)."""


def scenario_intervals(scenario: Any, month: int = 1, case: str = "proposal") -> pd.DataFrame:
    """A representative week of one plan month as an interval table (``start``, ``calls``,
    ``aht_s``; one row per open interval), spread exactly as the scenario's ``staffing``
    spreads the month (``ccecon.queueing.workload``; with the case's peak levers, its
    reshaped profile). Several staffed channels are summed into one queue of calls with
    their call-weighted handle time."""
    from ccecon.cases import case_drivers, case_profiles, realize_scenario
    from ccecon.queueing.workload import interval_shares
    from ccecon.scenario.staffing import month_days, staffed_channels

    st = scenario.staffing
    if st is None:
        raise InputError(
            "the scenario has no `staffing` section: nothing to schedule (give an interval"
            " CSV, or add `staffing`)",
            field="staffing",
        )
    if not 1 <= month <= scenario.horizon_months:
        raise InputError(
            f"expected a plan month from 1 to {scenario.horizon_months}",
            field="month",
            value=month,
        )
    realized, _ = realize_scenario(scenario, None, None)
    chosen = (
        realized.proposal
        if case == "proposal" or realized.baseline is None
        else (realized.baseline)
    )
    _, drivers = case_drivers(realized, chosen, schedule=False)
    weeks = float(month_days(realized)[month]) / 7.0
    per_day = round((st.close_hour - st.open_hour) * 60 / st.interval_minutes)
    shares = interval_shares(st.weekly_profile, st.intraday_profile, per_day)
    calls = np.zeros(shares.size)
    minutes = np.zeros(shares.size)
    profiles = case_profiles(realized, chosen) or {}
    for name in staffed_channels(realized):
        weekly = float(np.mean(drivers[name][:, month])) / weeks
        aht = float(np.mean(drivers[f"{name}.aht_s"][:, month]))
        own = shares
        if name in profiles:  # the case's peak levers reshape this channel's week
            prof = profiles[name].mean_rows()
            unique, share_of = prof.columns()
            own = prof.shares_at(unique, month)[0][share_of]
        calls += weekly * own
        minutes += weekly * own * aht
    aht_s = np.where(calls > 0, minutes / np.where(calls > 0, calls, 1.0), 1.0)
    day0 = pd.Timestamp(WEEK_OF) + pd.Timedelta(minutes=round(st.open_hour * 60))
    starts = [
        day0 + pd.Timedelta(days=d, minutes=k * st.interval_minutes)
        for d in range(7)
        for k in range(per_day)
    ]
    frame = pd.DataFrame(
        {"start": [s.strftime("%Y-%m-%d %H:%M") for s in starts], "calls": calls, "aht_s": aht_s}
    )
    open_day = np.repeat(np.asarray(st.weekly_profile, dtype=float) > 0, per_day)
    return frame[open_day].reset_index(drop=True)
