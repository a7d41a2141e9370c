"""Staffing goals are met strictly: the service level printed for the answer meets the goal,
and one agent fewer does not (checked against mpmath at high precision).

References: the mpmath Erlang A and Erlang C formulas of ``test_erlang.py`` (Mandelbaum &
Zeltyn 2005; the Erlang C service level ``1 - C exp(-(N - A) T / AHT)``), at 50 digits.
"""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ccecon.queueing import erlang_a, one_interval, required_agents, service_level
from ccecon.queueing.erlang import erlang_a_goal_margins
from tests.queueing.test_erlang import _a_mp, _b_mp

# A tie is a service level equal to the goal in exact arithmetic: it meets the goal. The
# 50-digit references round near 1e-50, so a difference within TIE of the goal is a tie
# (e.g. one agent at 0.5 Erlang with no threshold: C = A, so SL = 1 - 0.5 = 0.5 exactly,
# which mpmath at 50 digits gives as 0.5 - 1.3e-51). "Meets" is ref >= goal - TIE and
# "one fewer does not" is ref < goal - TIE, so a tie one agent lower still fails the test.
TIE = mp.mpf("1e-45")


def _sl_c_mp(a: float, n: int, aht: float, t: float) -> mp.mpf:
    if n <= a:
        return mp.mpf(0)
    b = _b_mp(n, a)
    c = n * b / (n - a * (1 - b))
    return 1 - c * mp.e ** (-(mp.mpf(n) - mp.mpf(a)) * mp.mpf(t) / mp.mpf(aht))


@pytest.mark.parametrize("aht", [180.0, 300.0])
def test_one_million_erlangs_80_20_patience_60_needs_800001(aht: float) -> None:
    """1e6 Erlangs, 80 % in 20 s, mean patience 60 s.

    800,000 agents are not enough, by a closed-form argument: calls are answered at most at
    the rate N / AHT at which N agents serve them, and strictly less, because the agents
    are idle with positive probability; so SL <= 1 - P(abandon) < N / A = 0.8 exactly.
    The shortfall is about e^-7000, far below double precision, which is why the rounded
    value looked like 0.8. With 800,001 agents the service level is 0.800001 to 30 digits
    (mpmath at 40 digits; its incomplete gamma converges there for AHT 180 s), so
    800,001 is the minimum."""
    calls = 1e6 * 1800 / aht
    n = int(required_agents(calls, aht, 1800, sl_target=0.8, sl_threshold_s=20, patience_s=60))
    assert n == 800_001
    if aht == 180.0:
        with mp.workdps(40):
            ref_ok = _a_mp(1e6, 800_001, aht, 60.0, 20.0)["service_level"]
        assert abs(ref_ok - mp.mpf("0.800001")) < mp.mpf("1e-30")
    got = erlang_a(1e6, np.array([800_000.0, 800_001.0]), aht, 60.0, 20.0)["service_level"]
    assert got[1] >= 0.8
    assert abs(got[1] - 0.800001) < 1e-12
    # the margins see the sign beyond the last bit: below at 800,000, above at 800,001
    m = erlang_a_goal_margins(
        1e6, np.array([800_000.0, 800_001.0]), aht, 60.0, 20.0, sl_target=0.8, max_abandon=0.2
    )
    assert m["service_level"][0] < 0 <= m["service_level"][1]
    assert m["p_abandon"][0] < 0 <= m["p_abandon"][1]  # P(abandon) > 1 - N/A = 0.2 too
    # what the command prints
    out = one_interval(calls, aht, 1800, sl_target=0.8, sl_threshold_s=20, patience_s=60)
    assert out["agents"] == 800_001
    assert out["service_level"] >= 0.8
    ab = int(required_agents(calls, aht, 1800, max_abandon=0.2, patience_s=60))
    assert ab == 800_001


def test_a_goal_that_n_over_a_meets_exactly_in_decimals() -> None:
    """30 % abandonment allowed at 1e5 Erlangs, patience 30 s: P(abandon) > 1 - N/A, so
    70,000 agents (N/A = 0.7) abandon a hair more than 30 % and 70,001 are needed, though
    the double nearest 0.3 lies below 0.3 (the goal is the decimal the user typed)."""
    n = int(required_agents(1e5 * 1800 / 120, 120, 1800, max_abandon=0.3, patience_s=30))
    assert n == 70_001
    p = erlang_a(1e5, float(n), 120.0, 30.0)["p_abandon"]
    assert float(p) <= 0.3


@settings(max_examples=60, deadline=None)
@given(
    traffic=st.floats(0.05, 400.0),
    aht=st.floats(30.0, 600.0),
    patience_ratio=st.floats(0.2, 10.0),
    target=st.floats(0.05, 0.95),
    threshold=st.sampled_from([0.0, 5.0, 20.0, 60.0]),
)
@example(traffic=1000.0, aht=180.0, patience_ratio=1 / 3, target=0.8, threshold=20.0)
@example(traffic=50.0, aht=120.0, patience_ratio=0.25, target=0.5, threshold=0.0)
def test_erlang_a_answer_meets_the_goal_and_one_fewer_does_not(
    traffic: float, aht: float, patience_ratio: float, target: float, threshold: float
) -> None:
    patience = aht * patience_ratio
    calls = traffic * 1800 / aht
    a = calls * aht / 1800
    n = int(
        required_agents(
            calls, aht, 1800, sl_target=target, sl_threshold_s=threshold, patience_s=patience
        )
    )
    printed = float(erlang_a(a, float(n), aht, patience, threshold)["service_level"])
    assert printed >= target
    with mp.workdps(50):
        goal = mp.mpf(repr(target))
        assert _a_mp(a, n, aht, patience, threshold)["service_level"] >= goal - TIE
        if n >= 2:  # with no agent every caller abandons: SL 0
            below = _a_mp(a, n - 1, aht, patience, threshold)["service_level"]
            assert below < goal - TIE


@settings(max_examples=60, deadline=None)
@given(
    traffic=st.floats(0.05, 3000.0),
    aht=st.floats(30.0, 600.0),
    target=st.floats(0.05, 0.99),
    threshold=st.sampled_from([0.0, 5.0, 20.0, 60.0, 600.0]),
)
@example(traffic=0.5, aht=30.0, target=0.5, threshold=0.0)  # an exact tie: SL = 1 - A = 0.5
def test_erlang_c_answer_meets_the_goal_and_one_fewer_does_not(
    traffic: float, aht: float, target: float, threshold: float
) -> None:
    calls = traffic * 1800 / aht
    a = calls * aht / 1800
    n = int(required_agents(calls, aht, 1800, sl_target=target, sl_threshold_s=threshold))
    assert float(service_level(a, n, aht, threshold)) >= target
    with mp.workdps(50):
        goal = mp.mpf(repr(target))
        assert _sl_c_mp(a, n, aht, threshold) >= goal - TIE
        assert _sl_c_mp(a, n - 1, aht, threshold) < goal - TIE
