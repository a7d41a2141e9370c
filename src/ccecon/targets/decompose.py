"""Split a yearly goal over the fiscal calendar so that every sum is exact.

Levels: year -> quarters -> months -> weeks -> workdays -> half days. At each
level a parent's amount is split over its children in proportion to their weights and
rounded by the **largest remainder** method in integer units of ``10 ** -decimals``, so the
children always add up to the parent exactly, at every level, whatever the weights.

Weights: a month weighs its seasonality rate (``month_weights``, 1 unless given) times its
number of weeks, so a 5-week month of a 4-4-5 quarter gets 5/13 of a flat quarter; a
quarter weighs the sum of its months unless ``quarter_weights`` are given (then months
split their quarter); weeks of a month weigh the same; a workday weighs its weekday's
weight (1 unless given); half days split 50/50 unless given. Locked
periods keep the value given; their parent's remainder is spread over the other children.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ccecon.errors import InputError
from ccecon.targets.calendar import WEEKDAYS, FiscalYear, Week, workdays


def largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """Integers proportional to ``weights`` that sum to ``total`` exactly.

    Each share is floored, then the units left over go to the largest fractional parts
    (ties to the earlier child). ``total`` may be negative (its magnitude is split).

    Examples
    --------
    >>> largest_remainder(100, [1, 1, 1])
    [34, 33, 33]
    """
    w = np.asarray(weights, dtype=float)
    if w.size == 0:
        if total != 0:
            raise InputError("cannot split a non-zero amount over no periods", value=total)
        return []
    if np.any(~np.isfinite(w)) or np.any(w < 0):
        raise InputError("weights must be finite and >= 0", field="weights", value=w.tolist())
    if w.sum() <= 0:
        raise InputError(
            "weights sum to 0; at least one period needs a positive weight",
            field="weights",
            value=w.tolist(),
        )
    sign = -1 if total < 0 else 1
    mag = abs(int(total))
    exact = mag * w / w.sum()
    base = np.floor(exact).astype(np.int64)
    left = mag - int(base.sum())
    order = np.argsort(-(exact - base), kind="stable")
    base[order[:left]] += 1
    return [sign * int(v) for v in base]


@dataclass(frozen=True)
class Plan:
    """A decomposed goal: one row per period at every level, amounts in goal units."""

    table: pd.DataFrame
    goal: float
    decimals: int

    def to_frame(self) -> pd.DataFrame:
        """Columns: level, period, parent, start, end, weight, amount, locked."""
        return self.table

    def level(self, name: str) -> pd.DataFrame:
        """Rows of one level (year, quarter, month, week, day, half_day)."""
        return self.table[self.table["level"] == name].reset_index(drop=True)


def decompose(
    goal: float,
    fy: FiscalYear,
    *,
    decimals: int = 0,
    quarter_weights: Sequence[float] | None = None,
    month_weights: Sequence[float] | None = None,
    weekday_weights: Mapping[str, float] | None = None,
    workday_names: Sequence[str] = ("monday", "tuesday", "wednesday", "thursday", "friday"),
    holidays: Sequence[dt.date] = (),
    half_day_split: Sequence[float] = (0.5, 0.5),
    locked: Mapping[str, float] | None = None,
    allow_negative: bool = False,
    depth: str = "half_day",
) -> Plan:
    """Decompose ``goal`` over fiscal year ``fy`` down to ``depth``.

    Period ids: ``FY2027``, ``FY2027-Q1``, ``FY2027-M01``, ``FY2027-W01``, ``2027-02-03``
    (a workday), ``2027-02-03-AM`` / ``-PM``. ``locked`` maps period ids to fixed amounts.

    Parameters
    ----------
    goal : float
        The year's goal, in goal units (calls, currency, hours: whatever is planned).
    fy : FiscalYear
        The fiscal calendar's year (quarters, months, weeks).
    decimals : int
        Decimals of every amount (the rounding unit is ``10 ** -decimals`` goal units).
    quarter_weights, month_weights : sequence of float, optional
        4 and 12 relative weights (seasonality); default by weeks in the period.
    weekday_weights : mapping, optional
        Weekday name to relative weight of its workdays (default 1 each).
    workday_names : sequence of str
        The weekdays worked.
    holidays : sequence of date
        Days not worked.
    half_day_split : sequence of float
        Morning and afternoon shares of a workday.
    locked : mapping, optional
        Period id to a fixed amount (goal units); its parent's rest goes to the others.
    allow_negative : bool
        Accept a negative goal (a loss budget).
    depth : str
        Lowest level: quarter, month, week, day or half_day.
    """
    wd_w = _weekday_weights(
        goal,
        allow_negative=allow_negative,
        quarter_weights=quarter_weights,
        month_weights=month_weights,
        weekday_weights=weekday_weights,
        workday_names=workday_names,
        half_day_split=half_day_split,
    )
    sp = _Splitter(dict(locked or {}), 10**decimals)
    yid = f"FY{fy.fiscal_year}"
    total = round(goal * sp.scale)
    sp.rows.append(
        {
            "level": "year",
            "parent": None,
            "period": yid,
            "weight": 1.0,
            "units": total,
            "locked": False,
            "start": fy.start,
            "end": fy.end,
        }
    )

    def month_weight(month: int) -> float:
        rate = float(month_weights[month - 1]) if month_weights is not None else 1.0
        return rate * sum(1 for w in fy.weeks if w.month == month)

    qw = (
        list(quarter_weights)
        if quarter_weights is not None
        else [sum(month_weight(m) for m in range(3 * q - 2, 3 * q + 1)) for q in range(1, 5)]
    )
    q_units = sp.split(
        yid,
        total,
        [
            (
                f"{yid}-Q{q}",
                float(qw[q - 1]),
                {
                    "level": "quarter",
                    "start": min(w.start for w in fy.weeks if w.quarter == q),
                    "end": max(w.end for w in fy.weeks if w.quarter == q),
                },
            )
            for q in range(1, 5)
        ],
    )
    for q in range(1, 5):
        months = sorted({w.month for w in fy.weeks if w.quarter == q})
        m_units = sp.split(
            f"{yid}-Q{q}",
            q_units[q - 1],
            [
                (
                    f"{yid}-M{m:02d}",
                    month_weight(m),
                    {
                        "level": "month",
                        "start": min(w.start for w in fy.weeks if w.month == m),
                        "end": max(w.end for w in fy.weeks if w.month == m),
                    },
                )
                for m in months
            ],
        )
        if depth in ("quarter", "month"):
            continue
        for m, mu in zip(months, m_units, strict=True):
            weeks = [w for w in fy.weeks if w.month == m]
            w_units = sp.split(
                f"{yid}-M{m:02d}",
                mu,
                [
                    (f"{yid}-W{w.week:02d}", 1.0, {"level": "week", "start": w.start, "end": w.end})
                    for w in weeks
                ],
            )
            if depth == "week":
                continue
            for w, wu in zip(weeks, w_units, strict=True):
                days = workdays(w, workday_names, holidays)
                _split_week(sp, f"{yid}-W{w.week:02d}", w, wu, days, wd_w, half_day_split, depth)
    unknown = set(sp.locks) - sp.used
    if unknown:
        raise InputError(
            "locked period not found in this year at the chosen depth",
            field="locked",
            value=sorted(unknown)[0],
        )
    table = pd.DataFrame(sp.rows)
    table["amount"] = table["units"] / sp.scale
    cols = ["level", "period", "parent", "start", "end", "weight", "amount", "units", "locked"]
    return Plan(table=table[cols], goal=goal, decimals=decimals)


def _weekday_weights(
    goal: float,
    *,
    allow_negative: bool,
    quarter_weights: Sequence[float] | None,
    month_weights: Sequence[float] | None,
    weekday_weights: Mapping[str, float] | None,
    workday_names: Sequence[str],
    half_day_split: Sequence[float],
) -> dict[str, float]:
    """Check :func:`decompose`'s inputs (an :class:`InputError` naming the field); the
    weight of each weekday."""
    if not allow_negative and goal < 0:
        raise InputError(
            "the goal is negative; pass allow_negative for a loss budget", field="goal", value=goal
        )
    if quarter_weights is not None and len(quarter_weights) != 4:
        raise InputError(
            "quarter weights need 4 numbers", field="weights.quarters", value=list(quarter_weights)
        )
    if month_weights is not None and len(month_weights) != 12:
        raise InputError(
            "month weights need 12 numbers", field="weights.months", value=list(month_weights)
        )
    for name in workday_names:
        if name not in WEEKDAYS:
            raise InputError("unknown weekday", field="calendar.workdays", value=name)
    wd_w = {d: 1.0 for d in WEEKDAYS}
    for k, v in (weekday_weights or {}).items():
        if k not in WEEKDAYS:
            raise InputError("unknown weekday", field="weights.weekdays", value=k)
        wd_w[k] = float(v)
    if len(half_day_split) != 2:
        raise InputError(
            "half_day split needs 2 numbers (morning, afternoon)",
            field="weights.half_day",
            value=list(half_day_split),
        )
    return wd_w


class _Splitter:
    """The rows of a plan as they are split, in integer units of ``1 / scale``, with the
    locked periods' fixed amounts and which of them were met."""

    def __init__(self, locks: dict[str, float], scale: int) -> None:
        self.locks, self.scale = locks, scale
        self.rows: list[dict[str, object]] = []
        self.used: set[str] = set()

    def split(
        self, parent: str, total: int, children: list[tuple[str, float, dict[str, object]]]
    ) -> list[int]:
        """``total`` units of ``parent`` over ``children`` (id, weight, row fields): the
        locked ones keep their amount, the rest by :func:`largest_remainder`."""
        locks, scale = self.locks, self.scale
        ids = [c[0] for c in children]
        fixed = {i: round(locks[c] * scale) for i, c in enumerate(ids) if c in locks}
        self.used.update(ids[i] for i in fixed)
        free = [i for i in range(len(ids)) if i not in fixed]
        rest = total - sum(fixed.values())
        if free:
            weights = [children[i][1] for i in free]
            if sum(weights) <= 0:
                raise InputError(
                    f"the weights of the periods of {parent} sum to 0",
                    field="weights",
                    value=weights,
                )
            parts = largest_remainder(rest, weights)
        elif rest != 0:
            raise InputError(
                f"every period of {parent} is locked but they do not add up to"
                f" it (difference {rest / scale:g})",
                field="locked",
                value=parent,
            )
        else:
            parts = []
        out = [0] * len(ids)
        for i, v in fixed.items():
            out[i] = v
        for i, v in zip(free, parts, strict=True):
            out[i] = v
        for (cid, w, extra), v in zip(children, out, strict=True):
            self.rows.append(
                {
                    "parent": parent,
                    "period": cid,
                    "weight": w,
                    "units": v,
                    "locked": cid in locks,
                    **extra,
                }
            )
        return out


def _split_week(
    sp: _Splitter,
    wid: str,
    w: Week,
    units: int,
    days: list[dt.date],
    wd_w: dict[str, float],
    half_day_split: Sequence[float],
    depth: str,
) -> None:
    """A week's units over its workdays by weekday weight, and each day's over its
    morning and afternoon (unless ``depth`` is ``day``)."""
    dw = [wd_w[WEEKDAYS[d.weekday()]] for d in days]
    if not days or sum(dw) <= 0:
        if units != 0:
            raise InputError(
                f"week {w.week} ({w.start}) has no workday with a weight, but a"
                " target; add workdays or weight",
                field="calendar.workdays",
                value=str(w.start),
            )
        return
    d_units = sp.split(
        wid,
        units,
        [
            (d.isoformat(), dwi, {"level": "day", "start": d, "end": d})
            for d, dwi in zip(days, dw, strict=True)
        ],
    )
    if depth == "day":
        return
    for d, du in zip(days, d_units, strict=True):
        sp.split(
            d.isoformat(),
            du,
            [
                (
                    f"{d.isoformat()}-AM",
                    float(half_day_split[0]),
                    {"level": "half_day", "start": d, "end": d},
                ),
                (
                    f"{d.isoformat()}-PM",
                    float(half_day_split[1]),
                    {"level": "half_day", "start": d, "end": d},
                ),
            ],
        )


@dataclass(frozen=True)
class Replan:
    """Re-planned months after actuals: the remaining goal over the remaining months."""

    table: pd.DataFrame
    goal: float
    actual_to_date: float
    planned_to_date: float
    gap: float
    run_rate: float

    def to_frame(self) -> pd.DataFrame:
        """One row per month: planned, actual, replanned."""
        return self.table


def replan(plan: Plan, actuals: Mapping[str, float]) -> Replan:
    """Spread what is left of the goal over the months without actuals, by plan weights.

    ``actuals`` maps month ids (``FY2027-M01``...) to achieved amounts; months with actuals
    are closed. ``gap`` = planned to date - actual to date (positive = behind plan);
    ``run_rate`` = actual to date / closed months x 12 months (a straight-line projection).
    """
    months = plan.level("month")
    ids = months["period"].tolist()
    unknown = [k for k in actuals if k not in ids]
    if unknown:
        raise InputError("no such month in the plan", field="actuals", value=unknown[0])
    closed = [m in actuals for m in ids]
    scale = 10**plan.decimals
    actual = sum(float(v) for v in actuals.values())
    planned = float(months.loc[closed, "amount"].sum())
    remaining_units = round(plan.goal * scale) - round(actual * scale)
    open_idx = [i for i, c in enumerate(closed) if not c]
    weights = months.loc[open_idx, "units"].astype(float).tolist()
    if open_idx and sum(weights) <= 0:
        weights = [1.0] * len(open_idx)
    parts = largest_remainder(remaining_units, weights) if open_idx else []
    new = [float(actuals[m]) if c else 0.0 for m, c in zip(ids, closed, strict=True)]
    for i, v in zip(open_idx, parts, strict=True):
        new[i] = v / scale
    table = pd.DataFrame(
        {
            "period": ids,
            "planned": months["amount"],
            "actual": [actuals.get(m) for m in ids],
            "replanned": new,
        }
    )
    n_closed = sum(closed)
    run_rate = actual / n_closed * len(ids) if n_closed else 0.0
    return Replan(
        table=table,
        goal=plan.goal,
        actual_to_date=actual,
        planned_to_date=planned,
        gap=planned - actual,
        run_rate=run_rate,
    )
