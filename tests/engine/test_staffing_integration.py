"""Scenario workload -> agents -> paid FTE -> cost (issue 3, item 6)."""

from __future__ import annotations

import numpy as np
import pytest

from ccecon.cases import case_drivers
from ccecon.engine import evaluate
from ccecon.errors import InputError
from ccecon.queueing import required_agents
from ccecon.scenario.load import parse_scenario

BASE = """\
name: staffed
currency: USD
start: 2027-02
horizon_months: 2
channels: [{name: inbound_calls, kind: voice_inbound, per_month: 30000, aht_s: 300}]
staffing: {sl_target: 0.8, sl_threshold_s: 20, max_occupancy: 0.85, shrinkage: 0.3,
           paid_hours_per_fte_month: 160, open_hour: 8, close_hour: 20}
proposal:
  cost_lines: [{name: agents, family: operating, amount: 4300, timing: per_unit, driver: fte}]
"""


def test_fte_by_hand_flat_profile() -> None:
    """February 2027 has 28 days = 4 weeks: 30,000 calls -> 7,500 a week over 7 x 24
    half-hours -> 44.64 calls per interval; agents from Erlang C; FTE by hand."""
    sc = parse_scenario(BASE)
    _, d = case_drivers(sc, sc.proposal)
    per_interval = 30000 / 4 / (7 * 24)
    agents = int(
        required_agents(
            per_interval, 300, 1800, sl_target=0.8, sl_threshold_s=20, max_occupancy=0.85
        )
    )
    hours = agents * 7 * 24 * 0.5 * 4
    assert d["agent_hours"][0, 1] == pytest.approx(hours)
    assert d["fte"][0, 1] == pytest.approx(hours / (160 * 0.7))
    assert d["peak_agents"][0, 1] == agents
    res = evaluate(sc)
    assert res.metrics.total_cost[0] == pytest.approx(4300 * (d["fte"][0, 1] + d["fte"][0, 2]))


def test_deflection_lever_lowers_fte() -> None:
    lever = BASE.replace(
        "proposal:\n",
        "proposal:\n  levers: [{name: ivr, channel: inbound_calls, volume_factor: 0.7}]\n",
    )
    a = evaluate(parse_scenario(BASE)).metrics.total_cost[0]
    b = evaluate(parse_scenario(lever)).metrics.total_cost[0]
    assert b < a


def test_staffing_with_draws_matches_per_draw_runs() -> None:
    from ccecon.uncertainty.sampling import realize

    sc = parse_scenario(BASE)
    vols = np.array([10000.0, 30000.0, 50000.0])
    vec = evaluate(realize(sc, {"channels[0].per_month": vols}))
    for i, v in enumerate(vols):
        one = evaluate(realize(sc, {"channels[0].per_month": float(v)}))
        assert vec.metrics.total_cost[i] == pytest.approx(one.metrics.total_cost[0])


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (BASE.replace("staffing: {", "staffing: {channels: [chats], "), "staffing.channels[0]"),
        (
            BASE.replace("open_hour: 8, close_hour: 20", "open_hour: 20, close_hour: 8"),
            "close_hour must be after open_hour",
        ),
        (
            BASE.replace("name: inbound_calls, kind: voice_inbound", "name: calls, kind: chat"),
            "built-in driver",
        ),
        (
            BASE.replace("sl_target: 0.8,", "sl_target: 0.8, intraday_profile: [1, 2],"),
            "intraday_profile needs 24 weights",
        ),
    ],
)
def test_bad_staffing_sections(text: str, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment.replace("[", r"\[").replace("]", r"\]")):
        parse_scenario(text, "s.yaml")


def test_channel_named_like_a_builtin_counts_once() -> None:
    """Regression: a channel named inbound_calls was added to its own driver twice."""
    sc = parse_scenario(
        BASE.replace(
            "staffing: {sl_target: 0.8, sl_threshold_s: 20, max_occupancy: 0.85, "
            "shrinkage: 0.3,\n           paid_hours_per_fte_month: 160, open_hour: 8,"
            " close_hour: 20}\n",
            "unit_cost_basis: operating\n",
        ).replace("driver: fte", "driver: inbound_calls")
    )
    res = evaluate(sc)
    assert res.unit_costs.horizon["cost_per_inbound_call"] == pytest.approx(4300)
