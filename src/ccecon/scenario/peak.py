"""Levers that act in some hours of the day: deflection and callbacks at the peak.

A case's ``peak_levers`` change *when* a staffed channel's contacts arrive, not only how
many there are: ``deflect`` removes a share of the contacts offered in the lever's
``hours`` (self-service or chat taking them at the peak), ``callback`` moves a share of
them to ``callback_hours`` later the same day (virtual hold: the same work at another
time). The interval profile they give (:class:`ccecon.queueing.peak.IntervalProfile`)
is what the staffing (:mod:`ccecon.queueing.workload`) and the shift schedule
(:mod:`ccecon.scheduling.plan`) use, so a flatter day shows as fewer agents at the peak
and, with a schedule, fewer scheduled paid hours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ccecon.scenario.types import Share
from ccecon.scenario.window import Window

if TYPE_CHECKING:
    from ccecon.queueing.peak import IntervalProfile

Array = npt.NDArray[np.float64]


class PeakLever(BaseModel):
    """A lever acting on the contacts offered in some hours of the week on one channel.

    Of the contacts of ``channel`` arriving in ``hours``, a share ``deflect`` is removed
    and a share ``callback`` is answered later the same day, spread evenly over the open
    intervals of ``callback_hours``; from ``start_month`` (ramp-up linear over
    ``ramp_months``) to ``end_month``. The channel must be staffed (``staffing``).
    """

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="What the lever is, e.g. `callbacks at the lunch peak`.")
    channel: str = Field(description="Name of the staffed channel it acts on.")
    hours: Window = Field(
        description="The hours (and days) whose contacts it acts on, e.g."
        " `{days: [mon, tue, wed, thu, fri], from_hour: 11, to_hour: 14}`."
    )
    deflect: Share = Field(
        0.0,
        description='Share of the contacts offered in `hours` removed (0.2 or "20%"):'
        " self-service or chat takes them.",
    )
    callback: Share = Field(
        0.0,
        description="Share of the contacts offered in `hours` called back later the same day"
        ' (0.3 or "30%"): the same work, in `callback_hours`.',
    )
    callback_hours: Window | None = Field(
        None,
        description="Hours of the same day the callbacks are made, e.g. `{from_hour: 15,"
        " to_hour: 19}` (no `days`: a callback is made the day it was asked for); they are"
        " spread evenly over its open intervals.",
    )
    start_month: int = Field(1, ge=1, description="First month the lever acts.")
    ramp_months: int = Field(0, ge=0, description="Months to reach the full effect linearly.")
    end_month: int | None = Field(
        None, ge=1, description="Last month the lever acts (inclusive); none = to the end."
    )
    note: str | None = None

    @model_validator(mode="after")
    def _callbacks(self) -> PeakLever:
        if _highest(self.deflect) + _highest(self.callback) > 1 + 1e-12:
            raise ValueError(
                "deflect + callback is above 100 % of the contacts in `hours`"
                f" (at most {_highest(self.deflect) * 100:g} % +"
                f" {_highest(self.callback) * 100:g} %)"
            )
        calls_back = _highest(self.callback) > 0
        if calls_back and self.callback_hours is None:
            raise ValueError("callback needs callback_hours: when the calls are returned")
        if self.callback_hours is not None:
            if not calls_back:
                raise ValueError("callback_hours is given but callback is 0")
            if "days" in self.callback_hours.model_fields_set:
                raise ValueError(
                    "callback_hours takes from_hour and to_hour only: a callback is made the"
                    " day it was asked for (the days are those of `hours`)"
                )
            if self.callback_hours.from_hour < self.hours.to_hour - 1e-9:
                raise ValueError(
                    f"callback_hours must start when `hours` end or later (from_hour"
                    f" {self.callback_hours.from_hour:g} is before to_hour"
                    f" {self.hours.to_hour:g}): callbacks are returned later the same day"
                )
        return self


def _highest(value: Any) -> float:
    """The largest possible value of a number or a distribution (its support's top)."""
    support = getattr(value, "support", None)
    if support is not None:
        return float(support[1])
    return float(np.max(np.asarray(value, dtype=float)))


def ramp(lever: Any, months: int) -> Array:
    """Share of a lever's full effect in months 0..M, shape (1, months + 1): 0 before
    ``start_month``, linear over ``ramp_months``, 0 after ``end_month`` (the ramp of
    every lever, :func:`ccecon.engine.case_drivers`)."""
    m = np.arange(months + 1)[None, :].astype(float)
    if lever.ramp_months > 0:
        out = np.clip((m - lever.start_month + 1) / lever.ramp_months, 0.0, 1.0)
    else:
        out = (m >= lever.start_month).astype(float)
    if lever.end_month is not None:
        out = out * (m <= lever.end_month)
    return np.asarray(out, dtype=float)


def _grid(staffing: Any) -> dict[str, Any]:
    return {
        "interval_minutes": staffing.interval_minutes,
        "open_hour": staffing.open_hour,
        "close_hour": staffing.close_hour,
    }


def window_masks(staffing: Any, lever: PeakLever) -> tuple[Array, Array | None]:
    """The lever's window and its callback hours on the staffing's open week (1.0 for
    each interval in them; the callback hours on the window's days)."""
    from ccecon.queueing.workload import window_mask

    w = lever.hours
    window = window_mask([(list(w.days), w.from_hour, w.to_hour)], **_grid(staffing))
    if lever.callback_hours is None:
        return window, None
    t = lever.callback_hours
    target = window_mask([(list(w.days), t.from_hour, t.to_hour)], **_grid(staffing))
    return window, target


def base_shares(staffing: Any) -> Array:
    """The staffing's share of a week's contacts in each open interval of the week."""
    from ccecon.queueing.workload import interval_shares

    per_day = round((staffing.close_hour - staffing.open_hour) * 60 / staffing.interval_minutes)
    return interval_shares(staffing.weekly_profile, staffing.intraday_profile, per_day)


def peak_profiles(
    scenario: Any, levers: list[PeakLever], base: dict[str, Array] | None = None
) -> dict[str, IntervalProfile]:
    """Each channel's interval profile after its peak levers (channels without one are
    left out).

    ``base`` maps a channel to the profile the levers act on (time-window routing); the
    staffing's weekly and intraday profiles otherwise. Each lever's terms are its share
    (a number, or draws of shape (draws,)) times its ramp.
    """
    from ccecon.costing.lines import col
    from ccecon.queueing.peak import IntervalProfile, window_changes

    st = scenario.staffing
    if not levers or st is None:
        return {}
    months = int(scenario.horizon_months)
    per_day = round((st.close_hour - st.open_hour) * 60 / st.interval_minutes)
    plain = base_shares(st)
    out: dict[str, IntervalProfile] = {}
    for lever in levers:
        start = (base or {}).get(lever.channel, plain)
        prof = out.get(lever.channel, IntervalProfile(np.asarray(start, dtype=float)))
        window, target = window_masks(st, lever)
        deflect, back = window_changes(prof.base, window, target, per_day)
        r = ramp(lever, months)
        terms = list(prof.terms)
        if _highest(lever.deflect) > 0:
            terms.append((col(lever.deflect) * r, deflect))
        if target is not None:
            terms.append((col(lever.callback) * r, back))
        out[lever.channel] = IntervalProfile(prof.base, tuple(terms))
    return out


def check_peak_levers(scenario: Any, source: str) -> None:
    """Load-time checks of every case's ``peak_levers``: a staffing section, a staffed
    channel, a window and callback hours holding open intervals, no two windows of one
    channel overlapping, months within the horizon (:class:`InputError` with the file,
    field and value)."""
    from ccecon.errors import InputError

    for case_name, case in scenario.cases().items():
        levers = getattr(case, "peak_levers", None) or []
        seen: dict[str, list[tuple[int, Array]]] = {}
        for i, lever in enumerate(levers):
            where = f"{case_name}.peak_levers[{i}]"
            st = scenario.staffing
            if st is None:
                raise InputError(
                    "a lever acting in some hours of the day needs a `staffing` section (its"
                    " interval grid and profiles say which contacts arrive in those hours)",
                    file=source,
                    field=where,
                    value=lever.name,
                )
            staffed = st.channels or [
                c.name
                for c in scenario.channels
                if str(getattr(c.kind, "value", c.kind)) == "voice_inbound"
            ]
            if lever.channel not in staffed:
                raise InputError(
                    "the lever's channel is not staffed; staffed channels: "
                    + (", ".join(staffed) or "(none)"),
                    file=source,
                    field=f"{where}.channel",
                    value=lever.channel,
                )
            if lever.start_month > scenario.horizon_months:
                raise InputError(
                    f"start_month is outside the horizon (1..{scenario.horizon_months})",
                    file=source,
                    field=f"{where}.start_month",
                    value=lever.start_month,
                )
            window, target = window_masks(st, lever)
            if float((base_shares(st) * window).sum()) <= 0:
                raise InputError(
                    f"these hours hold no contacts: the lines are open {st.open_hour:g}-"
                    f"{st.close_hour:g} h (staffing open_hour, close_hour) on the days the"
                    " weekly profile does not set to 0",
                    file=source,
                    field=f"{where}.hours",
                    value=lever.hours.model_dump(),
                )
            if target is not None and not np.any(target > 0):
                raise InputError(
                    f"callback_hours hold no open interval: the lines are open"
                    f" {st.open_hour:g}-{st.close_hour:g} h",
                    file=source,
                    field=f"{where}.callback_hours",
                    value=lever.callback_hours.model_dump() if lever.callback_hours else None,
                )
            for j, other in seen.get(lever.channel, []):
                if np.any((window > 0) & (other > 0)):
                    raise InputError(
                        f"the hours overlap those of peak_levers[{j}] on the same channel:"
                        " give each hour of the week to one lever",
                        file=source,
                        field=f"{where}.hours",
                        value=lever.hours.model_dump(),
                    )
            seen.setdefault(lever.channel, []).append((i, window))
