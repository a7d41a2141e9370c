"""Monthly staffing: answering each distinct question once gives exactly the plain loop's
answers (every month, every interval staffed on its own)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ccecon.queueing import required_agents
from ccecon.queueing.workload import interval_shares, staff_months


def _plain_loop(volume, aht_s, days, shares, interval_s, goals):  # type: ignore[no-untyped-def]
    """The definition: each month, each interval of the representative week, staffed."""
    rows = max(volume.shape[0], aht_s.shape[0])
    months = volume.shape[1] - 1
    hours = np.zeros((rows, months + 1))
    peak = np.zeros((rows, months + 1))
    for m in range(1, months + 1):
        weeks = days[m] / 7.0
        calls = np.broadcast_to(volume[:, m], (rows,))[:, None] / weeks * shares[None, :]
        aht = np.broadcast_to(aht_s[:, m], (rows,))[:, None]
        agents = required_agents(calls, np.where(aht > 0, aht, 1.0), interval_s, **goals)
        hours[:, m] = agents.sum(axis=1) * (interval_s / 3600.0) * weeks
        peak[:, m] = agents.max(axis=1)
    return hours, peak


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    draws=st.integers(1, 4),
    months=st.integers(1, 26),
    weekly=st.lists(st.sampled_from([0.0, 0.5, 1.0, 1.0, 1.25]), min_size=7, max_size=7),
    intraday=st.lists(st.sampled_from([0.2, 0.5, 1.0, 1.5]), min_size=4, max_size=4),
    erlang_a=st.booleans(),
)
def test_staffing_each_question_once_equals_the_plain_loop(
    seed: int,
    draws: int,
    months: int,
    weekly: list[float],
    intraday: list[float],
    erlang_a: bool,
) -> None:
    if sum(weekly) == 0:
        weekly[0] = 1.0
    rng = np.random.default_rng(seed)
    # yearly steps of volume (growth), drawn per row, and one row of AHT for all draws
    year = np.minimum(np.arange(months + 1) // 12, 2)
    volume = rng.uniform(2_000, 40_000, (draws, 1)) * (1.05 ** year[None, :])
    aht = np.full((1, months + 1), float(rng.choice([180.0, 240.0, 300.0])))
    if months > 3:  # a lever ramp: months that differ
        aht[:, 1:4] *= np.array([1.0, 0.95, 0.9])
    days = np.array([0, *[(28, 30, 31)[i % 3] for i in range(months)]], dtype=float)
    goals = {
        "sl_target": 0.8,
        "sl_threshold_s": 20.0,
        "max_asa_s": None,
        "max_abandon": 0.05 if erlang_a else None,
        "max_occupancy": 0.9,
        "patience_s": 120.0 if erlang_a else None,
    }
    res = staff_months(
        volume,
        aht,
        days,
        interval_minutes=60,
        open_hour=8,
        close_hour=12,
        weekly_profile=weekly,
        intraday_profile=intraday,
        shrinkage=0.3,
        paid_hours_per_fte_month=160.0,
        **goals,  # type: ignore[arg-type]
    )
    hours, peak = _plain_loop(
        volume, aht, days, interval_shares(weekly, intraday, 4), 3600.0, goals
    )
    np.testing.assert_array_equal(res.agent_hours, hours)
    np.testing.assert_array_equal(res.peak_agents, peak)
    np.testing.assert_allclose(res.fte, hours / (160.0 * 0.7), rtol=1e-15)
