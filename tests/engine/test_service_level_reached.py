"""The service level the staffing reaches, per month (what the report and `evaluate` show).

Reference: the Erlang C service level ``1 - C(N, A) exp(-(N - A) T / AHT)`` in mpmath at
40 digits (Erlang B by its recurrence, C from B), with the fewest agents N meeting 80 % in
20 s found by counting up in the same arithmetic: an independent path from the engine's
vectorized search and its ``service_level``.
"""

from __future__ import annotations

import math

import mpmath as mp
import pytest

from ccecon.engine import evaluate
from ccecon.scenario.load import parse_scenario

SCENARIO = """
name: one interval a day
currency: EUR
start: 2027-04
horizon_months: 2
discount_rate: 0
channels:
  - {name: service_line, kind: voice_inbound, per_month: 3000, aht_s: 180}
staffing:
  interval_minutes: 60
  open_hour: 9
  close_hour: 10
  weekly_profile: [1, 1, 1, 1, 1, 1, 1]
  sl_target: 0.8
  sl_threshold_s: 20
  shrinkage: 0.3
  paid_hours_per_fte_month: 160
proposal:
  cost_lines:
    - {name: agents, family: operating, amount: 4000, timing: per_unit, driver: fte}
"""


def _sl(a: mp.mpf, n: int, aht: float, t: float) -> mp.mpf:
    b = mp.mpf(1)
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    c = n * b / (n - a * (1 - b))
    return 1 - c * mp.e ** (-(n - a) * t / aht)


def _reached(calls_per_interval: mp.mpf) -> float:
    """The level with the fewest agents meeting 80 % in 20 s: A = calls x 180 s / 3600 s."""
    a = calls_per_interval * 180 / 3600
    n = int(mp.floor(a)) + 1
    while _sl(a, n, 180.0, 20.0) < mp.mpf("0.8"):
        n += 1
    return float(_sl(a, n, 180.0, 20.0))


def test_one_interval_a_day_reaches_the_erlang_c_level_of_its_agents() -> None:
    """April (30 days): 3,000 calls are 700 a week, 100 in each day's one hour: 5 Erlangs.
    May (31 days): 3,000 x 7 / 31 = 677.4 a week, 96.77 an hour. Every interval of a month
    is alike, so the month's level is that one interval's."""
    result = evaluate(parse_scenario(SCENARIO))
    st = result.staffing()
    assert st is not None
    got = st["proposal"]["service_level_by_month"]
    with mp.workdps(40):
        april = _reached(mp.mpf(3000) * 7 / 30 / 7)
        may = _reached(mp.mpf(3000) * 7 / 31 / 7)
    assert got == pytest.approx([april, may], rel=1e-12)
    assert st["proposal"]["service_level_min"] == pytest.approx(min(april, may), rel=1e-12)
    assert min(april, may) >= 0.8


def test_every_month_meets_the_goal_on_the_bundled_example() -> None:
    """Each interval is staffed to 80 % in 20 s, so every month's calls-weighted level is at
    least 80 % (the USD example: two cases, a lever ramping in, 36 months)."""
    result = evaluate(__import__("ccecon").load("examples/usd-onprem-to-cloud.yaml"))
    st = result.staffing()
    assert st is not None
    for entry in st.values():
        levels = entry["service_level_by_month"]
        assert len(levels) == 36
        assert all(v is not None and 0.8 <= v < 1 for v in levels)
        assert entry["service_level_min"] == min(levels)
        assert not any(math.isnan(v) for v in levels)
