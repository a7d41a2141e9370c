"""Erlang staffing of sourcing demand: each distinct question solved once gives exactly the
plain answer (every month, every interval staffed on its own)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ccecon.queueing import required_agents
from ccecon.sourcing.demand import erlang_agent_hours, interval_calls
from ccecon.sourcing.spec import Workload


def _plain(volume, aht_s, wl):  # type: ignore[no-untyped-def]
    """The definition, as the docstring states it."""
    calls = interval_calls(volume, wl)
    t = wl.interval_minutes * 60.0
    sl = np.asarray(wl.sl_target, float)
    thr = np.asarray(wl.sl_threshold_s, float)
    agents = required_agents(
        calls,
        aht_s[..., None],
        t,
        sl_target=sl[..., None, None] if sl.ndim else sl,
        sl_threshold_s=thr[..., None, None] if thr.ndim else thr,
    )
    days = np.asarray(wl.days_per_month, dtype=float)
    hours = agents.sum(axis=-1) * (t / 3600.0)
    return hours * (days[..., None] if days.ndim else days)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    draws=st.integers(1, 5),
    months=st.integers(1, 30),
    weights=st.lists(st.sampled_from([0.5, 1.0, 1.0, 2.0]), min_size=4, max_size=4),
    drawn_goals=st.booleans(),
)
def test_each_question_once_equals_the_plain_staffing(
    seed: int, draws: int, months: int, weights: list[float], drawn_goals: bool
) -> None:
    rng = np.random.default_rng(seed)
    year = np.arange(months) // 12
    volume = rng.uniform(5_000, 60_000, (draws, 1)) * 1.04 ** year[None, :]
    aht = np.broadcast_to(rng.uniform(150, 400, (draws, 1)), (draws, months)).copy()
    if months > 2:  # a ramp: months that differ
        aht[:, :2] *= 1.1
    wl = Workload(
        interval_minutes=60, open_hour=8, close_hour=12, intraday_profile=weights
    ).model_copy(
        update={
            "sl_target": rng.uniform(0.7, 0.9, draws),
            "days_per_month": rng.uniform(20, 30, draws),
        }
        if drawn_goals
        else {}
    )
    np.testing.assert_array_equal(erlang_agent_hours(volume, aht, wl), _plain(volume, aht, wl))
