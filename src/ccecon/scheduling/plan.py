"""The business case's shift schedule: each month's requirement week covered by shifts.

The engine's staffing (:mod:`ccecon.queueing.workload`) spreads a month's volume over a
representative week and staffs every interval with Erlang; that week is the requirement
the shift design of :mod:`ccecon.scheduling.design` covers. For each plan month:

* required agents at work per interval ``w_i = ceil(a_i / (1 - s'))``, where ``a_i`` are the
  agents on the phones the staffing computes and ``s'`` the schedule's shrinkage (time off
  the phones beyond the templates' breaks);
* ideal paid hours of the week ``H_ideal = sum_i a_i x interval hours / (1 - s)`` with the
  staffing's shrinkage ``s`` (what the ideal FTE pays);
* scheduled paid hours ``H_sched``: the paid hours of the least-cost schedule;
* the **schedule ratio** ``H_sched / H_ideal`` (1 when nothing is required), and

  ``fte (scheduled) = ideal_fte x ratio``,

  so in a run of one draw the scheduled FTE is exactly ``H_sched x weeks in the month /
  paid hours per FTE-month``. A run of many draws (``simulate``, sensitivity) applies the
  ratio of the base case to every draw's ideal FTE: one design per distinct requirement
  week, never one per draw.

Months whose requirement weeks are equal share one solve, and solves are cached by
requirement (the same week in another case or another run is not solved again).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import numpy.typing as npt

from ccecon.errors import InputError
from ccecon.queueing.peak import IntervalProfile
from ccecon.scenario.shifts import inline_field, resolve_shifts
from ccecon.scheduling.design import Grid, Model, build_model, solve, week_grid
from ccecon.scheduling.spec import ShiftsFile

if TYPE_CHECKING:
    from ccecon.scenario.schema import Scenario

Array = npt.NDArray[np.float64]

SCHEDULE_GAP = 1e-3
"""Relative optimality gap at which a month's design stops (0.1 % of its paid hours)."""


@dataclass(frozen=True)
class WeekSchedule:
    """One distinct requirement week and the schedule that covers it (hours per week)."""

    required_agent_hours: float  # agents on the phones x interval hours, sum over the week
    ideal_paid_hours: float  # required_agent_hours / (1 - staffing shrinkage)
    scheduled_paid_hours: float  # paid hours of the schedule
    shifts: int  # agents (shifts) in the week
    gap: float  # solver's relative gap
    optimal: bool
    status: str

    @property
    def ratio(self) -> float:
        """Scheduled over ideal paid hours (1 when nothing is required)."""
        if self.ideal_paid_hours <= 0:
            return 1.0
        return self.scheduled_paid_hours / self.ideal_paid_hours


@dataclass(frozen=True)
class SchedulePlan:
    """The schedule of one case: a ratio per month and the weeks solved.

    ``ratio`` has shape (1, months + 1) (column 0, signing, is 1); ``month_of[m - 1]`` is
    the index in ``weeks`` of plan month ``m``.
    """

    ratio: Array
    weeks: tuple[WeekSchedule, ...]
    month_of: npt.NDArray[np.int64]

    def to_dict(self) -> dict[str, Any]:
        """Summary for result documents: paid hours over the horizon's weeks, worst gap."""
        w = self.weeks
        return {
            "weeks_solved": len(w),
            "schedule_ratio_mean": float(self.ratio[0, 1:].mean()) if self.ratio.size > 1 else 1.0,
            "worst_gap": max((x.gap for x in w), default=0.0),
            "all_optimal": all(x.optimal for x in w),
        }


@lru_cache(maxsize=8)
def _model(shifts_json: str, interval_minutes: int, open_bytes: bytes, name: str) -> Model:
    shifts = ShiftsFile.model_validate_json(shifts_json)
    is_open = np.frombuffer(open_bytes, dtype=bool).copy()
    grid = Grid(interval_minutes, np.zeros(is_open.size, dtype=np.int64), is_open, 0, True)
    return build_model(shifts, grid, source=name)


@lru_cache(maxsize=512)
def _solve_week(
    shifts_json: str,
    interval_minutes: int,
    open_bytes: bytes,
    required_bytes: bytes,
    time_limit: float,
    name: str,
) -> tuple[float, int, float, bool, str]:
    """(paid hours, shifts, gap, optimal, status) of the least-cost schedule of one week."""
    shifts = ShiftsFile.model_validate_json(shifts_json)
    base = _model(shifts_json, interval_minutes, open_bytes, name)
    required = np.frombuffer(required_bytes, dtype=np.int64).copy()
    model = replace(base, grid=replace(base.grid, required=required))
    sol = solve(model, shifts, time_limit=time_limit, mip_rel_gap=SCHEDULE_GAP, source=name)
    return (
        float(sol.x @ model.paid_hours),
        int(sol.x.sum()),
        float(sol.gap),
        bool(sol.optimal),
        sol.status,
    )


def plan_schedule(
    scenario: Scenario,
    drivers: dict[str, Array],
    profiles: dict[str, Array | IntervalProfile] | None = None,
) -> SchedulePlan:
    """The schedule of one case from its drivers (each staffed channel's volume and AHT per
    month; the mean over draws when they hold draws): one design per distinct week.

    Several staffed channels are scheduled as one team: their agents per interval are
    summed (each channel is staffed as its own queue, as the FTE is). ``profiles`` maps a
    channel to its interval-of-week profile (time-window routing, a case's peak levers).
    """
    from ccecon.queueing.workload import requirement_weeks
    from ccecon.scenario.staffing import month_days, staffed_channels, staffing_goals

    st = scenario.staffing
    assert st is not None and st.schedule is not None
    sched = st.schedule
    months = scenario.horizon_months
    days = month_days(scenario)
    goals = staffing_goals(scenario)
    total = np.zeros((months, 7 * round((st.close_hour - st.open_hour) * 60 / st.interval_minutes)))
    for ch in staffed_channels(scenario):
        vol = np.asarray(drivers[ch], dtype=float).mean(axis=0, keepdims=True)
        aht = np.asarray(drivers[f"{ch}.aht_s"], dtype=float).mean(axis=0, keepdims=True)
        shares = None if profiles is None else profiles.get(ch)
        if isinstance(shares, IntervalProfile):
            shares = shares.mean_rows()  # the levers' mean share, as the mean volume
        weeks = requirement_weeks(vol, aht, days, **goals, shares=shares)
        if months:
            total += weeks.agents[weeks.month_of]
    staff_s = float(np.mean(cast(Any, st.shrinkage)))  # realized: a number (or draws)
    sched_s = staff_s if sched.shrinkage is None else float(sched.shrinkage)
    inline = not isinstance(sched.shifts, str)
    shifts, name = resolve_shifts(sched)
    grid, index = week_grid(st.interval_minutes, st.open_hour, st.close_hour, st.weekly_profile)
    iv_h = st.interval_minutes / 60.0
    distinct, month_of = (
        np.unique(total, axis=0, return_inverse=True)
        if months
        else (np.zeros((0, total.shape[1])), np.zeros(0, dtype=np.int64))
    )
    shifts_json = shifts.model_dump_json()
    open_bytes = grid.open.tobytes()
    solved: list[WeekSchedule] = []
    for agents in distinct:
        required = np.zeros(grid.n, dtype=np.int64)
        required[index] = np.ceil(agents / (1.0 - sched_s) - 1e-9).astype(np.int64)
        try:
            hours, count, gap, optimal, status = _solve_week(
                shifts_json,
                st.interval_minutes,
                open_bytes,
                required.tobytes(),
                float(sched.time_limit_s),
                name,
            )
        except InputError as exc:
            raise inline_field(exc, inline) from None
        agent_hours = float(agents.sum() * iv_h)
        solved.append(
            WeekSchedule(
                required_agent_hours=agent_hours,
                ideal_paid_hours=agent_hours / (1.0 - staff_s),
                scheduled_paid_hours=hours,
                shifts=count,
                gap=gap,
                optimal=optimal,
                status=status,
            )
        )
    ratio = np.ones((1, months + 1))
    month_of = np.asarray(month_of, dtype=np.int64).ravel()
    if months:
        ratio[0, 1:] = np.array([w.ratio for w in solved])[month_of]
    return SchedulePlan(ratio=ratio, weeks=tuple(solved), month_of=month_of)
