"""Monthly workload -> agent-hours and paid FTE, through interval staffing (Erlang C or A).

A month's volume of one channel is spread over a representative week (weekly profile,
Monday first) and over the open hours of each day (intraday profile, one weight per
interval); every interval is staffed with :func:`ccecon.queueing.required_agents` to meet
all goals; the week's agent-hours are scaled to the month by ``days in month / 7``; and

``paid FTE = agent-hours / (paid hours per FTE-month x (1 - shrinkage))``.

Limits (documented decisions): one representative week a month (no holidays or month-end
peaks), each channel its own queue (no pooling across channels), and agents are the
interval minimum, so schedule inefficiency (agents cannot start and stop every interval)
is not included; add it to shrinkage if your rosters lose time that way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ccecon.queueing.peak import IntervalProfile
from ccecon.queueing.staffing import capacity_calls, required_agents

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class MonthlyStaffing:
    """Arrays of shape (draws or 1, months + 1); column 0 (signing) is 0."""

    agent_hours: Array
    fte: Array
    peak_agents: Array


def interval_shares(
    weekly_profile: list[float], intraday_profile: list[float] | None, intervals_per_day: int
) -> Array:
    """Share of a week's volume in each of the week's open intervals (sums to 1)."""
    w = np.asarray(weekly_profile, dtype=float)
    p = (
        np.ones(intervals_per_day)
        if intraday_profile is None
        else np.asarray(intraday_profile, dtype=float)
    )
    shares = np.outer(w / w.sum(), p / p.sum()).ravel()
    return np.asarray(shares, dtype=float)


DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Days of the week as a routing window names them, Monday first (the weekly profile's order)."""


def window_mask(
    windows: list[tuple[list[str], float, float]],
    *,
    interval_minutes: int,
    open_hour: float,
    close_hour: float,
) -> Array:
    """1.0 for each open interval of the week that starts inside one of ``windows``, else 0.

    Parameters
    ----------
    windows : list of (days, from_hour, to_hour)
        Days by name (``mon`` .. ``sun``) and a half-open span of local hours
        ``[from_hour, to_hour)``; an interval belongs to the window when its start lies in
        the span.
    interval_minutes, open_hour, close_hour : the staffing's interval grid.

    Returns
    -------
    ndarray
        Shape (7 x intervals per day,), Monday's intervals first.
    """
    per_day = round((close_hour - open_hour) * 60 / interval_minutes)
    starts = open_hour + np.arange(per_day) * interval_minutes / 60.0
    mask = np.zeros((7, per_day))
    for days, lo, hi in windows:
        inside = (starts >= lo - 1e-9) & (starts < hi - 1e-9)
        for d in days:
            mask[DAYS.index(d)] = np.maximum(mask[DAYS.index(d)], inside)
    return np.asarray(mask.ravel(), dtype=float)


def staff_months(
    volume: Array,
    aht_s: Array,
    days_in_month: npt.ArrayLike,
    *,
    interval_minutes: int,
    open_hour: float,
    close_hour: float,
    weekly_profile: list[float],
    intraday_profile: list[float] | None,
    sl_target: float | None,
    sl_threshold_s: float,
    max_asa_s: float | None,
    max_abandon: float | None,
    max_occupancy: float | None,
    patience_s: float | None,
    shrinkage: npt.ArrayLike,
    paid_hours_per_fte_month: npt.ArrayLike,
    shares: Array | IntervalProfile | None = None,
) -> MonthlyStaffing:
    """Agent-hours, paid FTE and peak agents per month for one channel.

    Parameters
    ----------
    volume, aht_s : ndarray
        Contacts per month and AHT (s), shape (draws or 1, months + 1).
    days_in_month : array_like
        Calendar days of each month, length months + 1 (index 0 unused).
    shares : ndarray or IntervalProfile, optional
        Share of the week's volume in each open interval of the week (Monday's intervals
        first, length 7 x intervals per day, summing to 1), instead of the product of
        ``weekly_profile`` and ``intraday_profile``: the profile of the contacts one side
        of a time-window routing handles (see :func:`window_mask`); or an
        :class:`~ccecon.queueing.peak.IntervalProfile` whose shares differ by draw and
        month (levers acting in some hours of the day).
    """
    intervals = round((close_hour - open_hour) * 60 / interval_minutes)
    profile = _profile(shares, weekly_profile, intraday_profile, intervals)
    interval_s = interval_minutes * 60.0
    goals = _Goals(sl_target, sl_threshold_s, max_asa_s, max_abandon, max_occupancy, patience_s)
    rows = max(volume.shape[0], aht_s.shape[0], *[k.shape[0] for k in profile.month_keys()])
    months = volume.shape[1] - 1
    days = np.asarray(days_in_month, dtype=float)
    weeks = days[1:] / 7.0
    hours = np.zeros((rows, months + 1))
    peak = np.zeros((rows, months + 1))
    if months == 0:
        return MonthlyStaffing(agent_hours=hours, fte=hours.copy(), peak_agents=peak)
    # The same question is answered once (exactly the same answers, far less work): months
    # with the same weekly volume and AHT in every draw (months of equal length within a
    # plan year, outside lever ramps), and intervals with the same share of the week
    # (equal day weights, repeated intraday weights).
    # (Months also differ by the levers' profile: its coefficients are part of the key.)
    weekly, aht_all, first, month_of = _distinct_months(
        volume, aht_s, weeks, rows, profile.month_keys()
    )
    unique, share_of = profile.columns()
    repeats = np.bincount(share_of, minlength=unique.shape[1]).astype(float)
    sums = np.empty((rows, first.size))
    peaks = np.empty((rows, first.size))
    for k, m in enumerate(first):
        at = profile.shares_at(unique, int(m) + 1)
        agents = _interval_agents(weekly[:, m], aht_all[:, m], at, interval_s, goals)
        sums[:, k] = agents @ repeats  # integer counts: the same sum in any order
        peaks[:, k] = agents.max(axis=1)
    month_of = month_of.ravel()
    hours[:, 1:] = sums[:, month_of] * (interval_s / 3600.0) * weeks[None, :]
    peak[:, 1:] = peaks[:, month_of]
    s = np.asarray(shrinkage, dtype=float).reshape(-1, 1)
    paid = np.asarray(paid_hours_per_fte_month, dtype=float).reshape(-1, 1)
    fte = hours / (paid * (1.0 - s))
    return MonthlyStaffing(agent_hours=hours, fte=np.asarray(fte, dtype=float), peak_agents=peak)


def service_level_months(
    volume: Array,
    aht_s: Array,
    days_in_month: npt.ArrayLike,
    *,
    interval_minutes: int,
    open_hour: float,
    close_hour: float,
    weekly_profile: list[float],
    intraday_profile: list[float] | None,
    sl_target: float | None,
    sl_threshold_s: float,
    max_asa_s: float | None,
    max_abandon: float | None,
    max_occupancy: float | None,
    patience_s: float | None,
    shares: Array | IntervalProfile | None = None,
) -> tuple[Array, Array]:
    """Service level the staffing of :func:`staff_months` reaches, and the calls it is
    weighed by, per month for one channel (one row of volumes: a base case or means).

    Each open interval of the week is staffed as :func:`staff_months` staffs it (the
    fewest agents meeting every goal), and its service level with those agents is the
    share of its calls answered within ``sl_threshold_s`` (Erlang C, or Erlang A with
    ``patience_s``: answered in time over offered). A month's level is the mean over its
    intervals weighed by their calls, the way a wallboard adds intervals up.

    Returns
    -------
    (service_level, calls) : tuple of ndarray
        Each shape (months + 1,): the month's service level (a fraction; NaN for month 0
        and for a month without calls) and its calls per week (the weight to combine
        channels).
    """
    from ccecon.queueing.erlang import erlang_a, service_level

    req = requirement_weeks(  # the agents of every interval, as the staffing answers them
        volume[:1],
        aht_s[:1],
        days_in_month,
        interval_minutes=interval_minutes,
        open_hour=open_hour,
        close_hour=close_hour,
        weekly_profile=weekly_profile,
        intraday_profile=intraday_profile,
        sl_target=sl_target,
        sl_threshold_s=sl_threshold_s,
        max_asa_s=max_asa_s,
        max_abandon=max_abandon,
        max_occupancy=max_occupancy,
        patience_s=patience_s,
        shares=shares,
    )
    intervals = round((close_hour - open_hour) * 60 / interval_minutes)
    profile = _profile(shares, weekly_profile, intraday_profile, intervals).first_row()
    unique, share_of = profile.columns()
    interval_s = interval_minutes * 60.0
    months = volume.shape[1] - 1
    days = np.asarray(days_in_month, dtype=float)
    weekly, aht, first, month_of = _distinct_months(
        volume[:1], aht_s[:1], days[1:] / 7.0, 1, profile.month_keys()
    )
    level = np.full(months + 1, np.nan)
    calls = np.zeros(months + 1)
    for k, m in enumerate(first.tolist()):  # months alike are answered once
        if weekly[0, m] <= 0:
            continue
        offered = weekly[0, m] * profile.shares_at(unique, m + 1)[0][share_of]
        traffic = offered * aht[0, m] / interval_s
        agents = req.agents[k]
        if patience_s is None:
            sl = service_level(traffic, agents, aht[0, m], sl_threshold_s)
        else:
            sl = erlang_a(traffic, agents, aht[0, m], patience_s, sl_threshold_s)["service_level"]
        busy = offered > 0
        alike = 1 + np.flatnonzero(month_of == k)
        calls[alike] = float(offered[busy].sum())
        level[alike] = float((sl[busy] * offered[busy]).sum() / calls[alike[0]])
    return level, calls


@dataclass(frozen=True)
class _Goals:
    sl_target: float | None
    sl_threshold_s: float
    max_asa_s: float | None
    max_abandon: float | None
    max_occupancy: float | None
    patience_s: float | None


def _profile(
    shares: Array | IntervalProfile | None,
    weekly_profile: list[float],
    intraday_profile: list[float] | None,
    intervals: int,
) -> IntervalProfile:
    if isinstance(shares, IntervalProfile):
        _week_shares(shares.base, weekly_profile, intraday_profile, intervals)  # its shape
        return shares
    return IntervalProfile(_week_shares(shares, weekly_profile, intraday_profile, intervals))


def _week_shares(
    shares: Array | None,
    weekly_profile: list[float],
    intraday_profile: list[float] | None,
    intervals: int,
) -> Array:
    if shares is None:
        return interval_shares(weekly_profile, intraday_profile, intervals)
    if shares.shape != (7 * intervals,):
        raise ValueError(f"shares needs {7 * intervals} values, got shape {shares.shape}")
    return shares


def _distinct_months(
    volume: Array, aht_s: Array, weeks: Array, rows: int, keys: list[Array] | None = None
) -> tuple[Array, Array, npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """(weekly volume, AHT, first month of each distinct column, column of each month):
    plan months 1..M as (rows, M) arrays, a handle time of 0 read as 1 s. ``keys``
    (arrays broadcasting to (rows, months + 1)) also tell months apart."""
    months = volume.shape[1] - 1
    weekly = np.broadcast_to(volume, (rows, months + 1))[:, 1:] / weeks[None, :]
    aht = np.broadcast_to(aht_s, (rows, months + 1))[:, 1:]
    aht = np.where(aht > 0, aht, 1.0)
    extra = [np.broadcast_to(k, (rows, months + 1))[:, 1:] for k in keys or []]
    _, first, month_of = np.unique(
        np.vstack([weekly, aht, *extra]), axis=1, return_index=True, return_inverse=True
    )
    return weekly, aht, first, month_of.ravel()


def _interval_agents(
    weekly: Array, aht_s: Array, shares: Array, interval_s: float, goals: _Goals
) -> Array:
    """Agents on the phones (rows, distinct intervals) for weekly volumes and AHTs (rows,)
    and the intervals' shares (distinct intervals,) or (rows or 1, distinct intervals):
    each interval's calls are ``weekly x share``, staffed to every goal."""
    return np.asarray(
        required_agents(
            weekly[:, None] * np.atleast_2d(shares),
            aht_s[:, None],
            interval_s,
            sl_target=goals.sl_target,
            sl_threshold_s=goals.sl_threshold_s if goals.sl_target is not None else None,
            max_asa_s=goals.max_asa_s,
            max_abandon=goals.max_abandon,
            max_occupancy=goals.max_occupancy,
            patience_s=goals.patience_s,
        ),
        dtype=float,
    )


@dataclass(frozen=True)
class RequirementWeeks:
    """The distinct weeks of interval requirements of one channel's plan months.

    ``agents[k]``: agents on the phones in each open interval of the week (Monday's
    intervals first, 7 x intervals per day), for the ``k``-th distinct (weekly volume, AHT)
    of the months; ``month_of[m - 1]`` = the week of plan month ``m``.
    """

    agents: Array
    month_of: npt.NDArray[np.int64]


def requirement_weeks(
    volume: Array,
    aht_s: Array,
    days_in_month: npt.ArrayLike,
    *,
    interval_minutes: int,
    open_hour: float,
    close_hour: float,
    weekly_profile: list[float],
    intraday_profile: list[float] | None,
    sl_target: float | None,
    sl_threshold_s: float,
    max_asa_s: float | None,
    max_abandon: float | None,
    max_occupancy: float | None,
    patience_s: float | None,
    shares: Array | IntervalProfile | None = None,
) -> RequirementWeeks:
    """Agents per interval of each month's representative week, for one draw.

    The same spreading and staffing as :func:`staff_months` (the same function answers
    each interval), for ``volume`` and ``aht_s`` of shape (1, months + 1): what a shift
    schedule of the month has to cover (``ccecon.scheduling.plan``).
    """
    intervals = round((close_hour - open_hour) * 60 / interval_minutes)
    profile = _profile(shares, weekly_profile, intraday_profile, intervals).first_row()
    goals = _Goals(sl_target, sl_threshold_s, max_asa_s, max_abandon, max_occupancy, patience_s)
    months = volume.shape[1] - 1
    if months == 0:
        return RequirementWeeks(np.zeros((0, profile.base.size)), np.zeros(0, dtype=np.int64))
    weeks = np.asarray(days_in_month, dtype=float)[1:] / 7.0
    weekly, aht, first, month_of = _distinct_months(
        np.asarray(volume, dtype=float).reshape(1, -1),
        np.asarray(aht_s, dtype=float).reshape(1, -1),
        weeks,
        1,
        profile.month_keys(),
    )
    unique, share_of = profile.columns()
    agents = np.empty((first.size, profile.base.size))
    for k, m in enumerate(first):
        at = profile.shares_at(unique, int(m) + 1)
        agents[k] = _interval_agents(weekly[:, m], aht[:, m], at, interval_minutes * 60.0, goals)[
            0
        ][share_of]
    return RequirementWeeks(agents, month_of.ravel().astype(np.int64))


@dataclass(frozen=True)
class TeamOverflow:
    """A fixed team on one queue, per month (draws or 1, months + 1; column 0 is 0).

    ``kept + sent_out`` is the offered volume; ``team_hours`` are the hours the team is on
    the phones (every interval of every open day, busy or not).
    """

    kept: Array
    sent_out: Array
    team_hours: Array


def team_overflow(
    volume: Array,
    aht_s: Array,
    days_in_month: npt.ArrayLike,
    agents: npt.ArrayLike,
    *,
    interval_minutes: int,
    open_hour: float,
    close_hour: float,
    weekly_profile: list[float],
    intraday_profile: list[float] | None,
    sl_target: float | None,
    sl_threshold_s: float,
    max_asa_s: float | None,
    max_abandon: float | None,
    max_occupancy: float | None,
    patience_s: float | None,
) -> TeamOverflow:
    """Calls a team of ``agents`` keeps and the calls above its capacity, per month.

    The month's volume is spread over the week's intervals exactly as :func:`staff_months`
    spreads it; in each interval the team answers at most :func:`capacity_calls` (the
    calls it serves meeting every goal, same model and goals as the staffing) and the rest
    goes out: ``kept = sum_i min(calls_i, capacity) x days / 7``. ``agents`` is a scalar or
    one value per draw.
    """
    intervals = round((close_hour - open_hour) * 60 / interval_minutes)
    shares = interval_shares(weekly_profile, intraday_profile, intervals)
    interval_s = interval_minutes * 60.0
    team = np.asarray(agents, dtype=float).reshape(-1, 1)
    rows = max(volume.shape[0], aht_s.shape[0], team.shape[0])
    months = volume.shape[1] - 1
    weeks = np.asarray(days_in_month, dtype=float)[1:] / 7.0
    kept = np.zeros((rows, months + 1))
    open_days = int(np.count_nonzero(np.asarray(weekly_profile, dtype=float) > 0))
    team_hours = np.zeros((team.shape[0], months + 1))
    team_hours[:, 1:] = team * (open_days * intervals * interval_s / 3600.0) * weeks[None, :]
    if months == 0:
        return TeamOverflow(kept, np.zeros_like(kept), team_hours)
    weekly = np.broadcast_to(volume, (rows, months + 1))[:, 1:] / weeks[None, :]
    aht = np.broadcast_to(aht_s, (rows, months + 1))[:, 1:]
    aht = np.where(aht > 0, aht, 1.0)
    # The capacity depends on the handle time only: each distinct month column once.
    _, first, month_of = np.unique(aht, axis=1, return_index=True, return_inverse=True)
    cap = capacity_calls(
        np.broadcast_to(team, (rows, 1)),
        aht[:, first],
        interval_s,
        sl_target=sl_target,
        sl_threshold_s=sl_threshold_s if sl_target is not None else None,
        max_asa_s=max_asa_s,
        max_abandon=max_abandon,
        max_occupancy=max_occupancy,
        patience_s=patience_s,
    )[:, month_of.ravel()]
    unique_shares, share_of = np.unique(shares, return_inverse=True)
    repeats = np.bincount(share_of.ravel(), minlength=unique_shares.size).astype(float)
    per_week = np.zeros((rows, months))
    for s, r in zip(unique_shares, repeats, strict=True):
        per_week += r * np.minimum(weekly * s, cap)
    kept[:, 1:] = np.minimum(per_week * weeks[None, :], np.broadcast_to(volume, kept.shape)[:, 1:])
    full = np.broadcast_to(volume, kept.shape)
    return TeamOverflow(kept, full - kept, team_hours)
