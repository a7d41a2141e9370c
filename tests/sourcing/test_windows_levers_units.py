"""Time-window routing, per-option levers, and unit costs with the business case's definitions.

Expected values are derived by hand in each test (interval shares of a week, Erlang C agents
from the staffing exemplar ``required_agents``, sums of costs); the unit-cost reference is
``ccecon evaluate`` itself on a business case holding the same costs as cost lines.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from ccecon.engine import evaluate
from ccecon.errors import InputError
from ccecon.queueing import required_agents
from ccecon.scenario.load import check_scenario
from ccecon.scenario.schema import Scenario
from ccecon.scenario.sourcing import window_split
from ccecon.sourcing.compare import compare
from ccecon.uncertainty.sampling import realize

STAFFING = {
    "interval_minutes": 60,
    "open_hour": 8,
    "close_hour": 22,
    "weekly_profile": [1, 1, 1, 1, 1, 0.5, 0.5],
    "sl_target": 0.8,
    "sl_threshold_s": 20,
    "max_occupancy": 0.85,
    "shrinkage": 0.3,
    "paid_hours_per_fte_month": 160,
}
EVENINGS_AND_WEEKENDS = [
    {"days": ["mon", "tue", "wed", "thu", "fri"], "from_hour": 18},
    {"days": ["sat", "sun"]},
]


def doc(sourcing: dict[str, Any], channels: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "name": "after hours",
        "currency": "EUR",
        "start": "2027-04",  # April: 30 days, 30 / 7 weeks
        "horizon_months": 1,
        "discount_rate": 0.0,
        "channels": channels
        or [{"name": "voice", "kind": "voice_inbound", "per_month": 30000, "aht_s": 240}],
        "staffing": STAFFING,
        "proposal": {},
        "sourcing": sourcing,
    }


IN_HOUSE = {"name": "own team", "kind": "in-house", "agent_salary": 3000}
BPO = {
    "name": "bpo",
    "kind": "outsourced",
    "price": {"model": "per_call", "price": 4.0},
}


def test_window_split_by_hand() -> None:
    """Open 8-22 h, hourly intervals (14 a day), Monday..Friday weight 1, weekend 0.5 (the
    week weighs 6). Weekday evenings from 18 h are 4 of each weekday's 14 intervals:
    5 x (1/6) x 4/14 = 20/84 of the week; the weekend is 2 x 0.5/6 = 14/84. Sent out:
    34/84 = 17/42; kept 25/42, spread evenly over the 50 weekday daytime intervals."""
    sc = realize(Scenario.model_validate(doc({"options": [IN_HOUSE]})), {})
    from ccecon.scenario.sourcing import Window

    windows = [Window.model_validate(w) for w in EVENINGS_AND_WEEKENDS]
    split = window_split(sc, windows)
    assert split.sent_share == pytest.approx(17 / 42, abs=1e-15)
    assert split.kept_share == pytest.approx(25 / 42, abs=1e-15)
    kept = split.kept_profile.reshape(7, 14)
    sent = split.sent_profile.reshape(7, 14)
    np.testing.assert_allclose(kept[:5, :10], 1 / 50, rtol=1e-12)  # 8..17 h, weekdays
    assert not kept[:5, 10:].any() and not kept[5:].any()
    np.testing.assert_allclose(sent[:5, 10:], 1 / 34, rtol=1e-12)  # 18..21 h, weekdays
    np.testing.assert_allclose(sent[5:], 1 / 68, rtol=1e-12)  # weekend, every hour
    assert not sent[:5, :10].any()


def test_after_hours_hybrid_staffs_each_side_for_its_hours() -> None:
    """30,000 calls in April (30 days): 7,000 calls a week. Kept 25/42 of them, 1/50 of
    the kept week in each of 50 weekday daytime hours: 7,000 x 25/42 / 50 = 83.33 calls an
    hour at 240 s. Agents per hour from the Erlang C exemplar, hours = agents x 50 x 30/7
    weeks; paid FTE = hours / (160 x 0.7). The provider bills 4 EUR a call on
    30,000 x 17/42 calls."""
    mix = {
        "name": "mix",
        "kind": "hybrid",
        "routing": [
            {"channels": ["voice"], "to": "in-house", "after_hours": EVENINGS_AND_WEEKENDS}
        ],
    }
    sc = Scenario.model_validate(doc({"options": [IN_HOUSE, BPO, mix]}))
    check_scenario(sc, "t.yaml")
    res = compare(realize(sc, {}), break_even=False).option("mix")
    weekly = 30000 / (30 / 7)
    per_hour = weekly * (25 / 42) / 50
    agents = int(
        required_agents(per_hour, 240, 3600, sl_target=0.8, sl_threshold_s=20, max_occupancy=0.85)
    )
    hours = agents * 50 * 30 / 7
    assert res.own is not None and res.own.agent_hours is not None
    assert float(res.own.agent_hours[0, 1]) == pytest.approx(hours, rel=1e-12)
    assert float(res.paid_fte[0, 1]) == pytest.approx(hours / (160 * 0.7), rel=1e-12)
    assert float(res.components["provider charges"][0, 1]) == pytest.approx(
        4.0 * 30000 * 17 / 42, rel=1e-12
    )
    assert float(res.components["agent salaries"][0, 1]) == pytest.approx(
        3000 * hours / (160 * 0.7), rel=1e-12
    )
    # the provider's side is staffed for its own hours: 20 evening hours at 1/34 and 28
    # weekend hours at 1/68 of the 7,000 x 17/42 calls it gets a week
    assert res.provider is not None and res.provider.agent_hours is not None
    sent_week = weekly * 17 / 42
    eve = int(
        required_agents(
            sent_week / 34, 240, 3600, sl_target=0.8, sl_threshold_s=20, max_occupancy=0.85
        )
    )
    wkd = int(
        required_agents(
            sent_week / 68, 240, 3600, sl_target=0.8, sl_threshold_s=20, max_occupancy=0.85
        )
    )
    assert float(res.provider.agent_hours[0, 1]) == pytest.approx(
        (20 * eve + 28 * wkd) * 30 / 7, rel=1e-12
    )


@pytest.mark.parametrize(
    "window, needle",
    [
        ({"days": ["sat"], "from_hour": 22}, "holds no contacts"),
        ({"days": ["mon"], "from_hour": 19, "to_hour": 18}, "must be after from_hour"),
        ({"days": ["monday"]}, "mon"),
    ],
)
def test_bad_windows_are_refused(window: dict[str, Any], needle: str) -> None:
    mix = {
        "name": "mix",
        "kind": "hybrid",
        "routing": [{"channels": ["voice"], "to": "in-house", "after_hours": [window]}],
    }
    with pytest.raises((InputError, ValueError)) as err:
        sc = Scenario.model_validate(doc({"options": [IN_HOUSE, BPO, mix]}))
        check_scenario(sc, "t.yaml")
    assert needle in str(err.value)


def test_window_on_a_provider_rule_is_refused() -> None:
    mix = {
        "name": "mix",
        "kind": "hybrid",
        "routing": [
            {"channels": ["voice"], "to": "outsourced", "after_hours": [{"days": ["sat"]}]}
        ],
    }
    sc = Scenario.model_validate(doc({"options": [IN_HOUSE, BPO, mix]}))
    with pytest.raises(InputError, match="in-house rules only") as err:
        check_scenario(sc, "t.yaml")
    assert err.value.file == "t.yaml"


def test_option_levers_act_as_a_business_case_lever() -> None:
    """An in-house option with a self-service lever (volume x 0.8) has the work ``evaluate``
    gives for a proposal with the same lever, exactly; 0.8 x 30,000 calls are billed by a
    BPO option with the same lever at 4 EUR."""
    lever = {"name": "self-service", "channel": "voice", "volume_factor": 0.8}
    opts = [
        {**IN_HOUSE, "levers": [lever]},
        {**BPO, "levers": [lever]},
        {**IN_HOUSE, "name": "no lever"},
    ]
    sc = Scenario.model_validate(doc({"options": opts}))
    cmp_ = compare(realize(sc, {}), break_even=False)
    plain = doc({"options": [IN_HOUSE]})
    del plain["sourcing"]
    plain["proposal"] = {"levers": [lever]}
    case = evaluate(Scenario.model_validate(plain)).cases["proposal"]
    own = cmp_.option("own team").own
    assert own is not None
    np.testing.assert_array_equal(own.volumes["voice"], case.volumes["voice"])
    np.testing.assert_array_equal(own.fte, case.drivers["fte"])
    assert float(cmp_.option("bpo").tco[0]) == pytest.approx(4.0 * 0.8 * 30000, rel=1e-12)
    unlevered = cmp_.option("no lever").own
    assert unlevered is not None and float(unlevered.volumes["voice"][0, 1]) == 30000


def test_lever_on_an_unknown_channel_is_refused() -> None:
    lever = {"name": "self-service", "channel": "chat", "volume_factor": 0.8}
    sc = Scenario.model_validate(doc({"options": [{**IN_HOUSE, "levers": [lever]}]}))
    with pytest.raises(InputError, match="lever names a channel") as err:
        check_scenario(sc, "t.yaml")
    assert err.value.field == "sourcing.options[0].levers[0].channel"


CHANNELS = [
    {"name": "voice", "kind": "voice_inbound", "per_month": 30000, "aht_s": 240},
    {"name": "chat", "kind": "chat", "per_month": 10000, "aht_s": 480},
]


@pytest.mark.parametrize("basis", ["fully_loaded", "operating"])
def test_option_unit_costs_are_evaluates(basis: str) -> None:
    """An in-house option (build 120,000 at signing, platform 10,000 a month, telecom
    0.02 a minute, 3,000 per paid FTE) over 12 months, calls and chat, against ``evaluate``
    on a business case with the same costs as cost lines: cost per contact and cost per
    inbound call (cost allocated to voice by handle-minute share: calls 120,000 minutes,
    chat 80,000) must agree. Hand check of the allocation, operating basis: the voice
    share of the running cost is 120,000 / 200,000 = 60 %."""
    option = {
        **IN_HOUSE,
        "build": [{"name": "build", "amount": 120000}],
        "platform_per_month": 10000,
        "telecom_per_minute": 0.02,
    }
    staffing = {**STAFFING, "channels": ["voice", "chat"]}
    base = doc({"options": [option]}, CHANNELS)
    base.update(horizon_months=12, staffing=staffing, unit_cost_basis=basis)
    sc = Scenario.model_validate(base)
    res = compare(realize(sc, {}), break_even=False).option("own team")
    plain = {k: v for k, v in base.items() if k != "sourcing"}
    plain["proposal"] = {
        "cost_lines": [
            {"name": "build", "family": "initial", "amount": 120000, "timing": "once", "month": 0},
            {"name": "platform", "family": "operating", "amount": 10000},
            {
                "name": "telecom",
                "family": "operating",
                "amount": 0.02,
                "timing": "per_unit",
                "driver": "minutes",
            },
            {
                "name": "agents",
                "family": "operating",
                "amount": 3000,
                "timing": "per_unit",
                "driver": "fte",
            },
        ]
    }
    want = evaluate(Scenario.model_validate(plain)).unit_costs.horizon
    got = res.unit_costs()
    assert got["cost_per_contact"] == pytest.approx(want["cost_per_contact"], rel=1e-12)
    assert got["cost_per_inbound_call"] == pytest.approx(want["cost_per_inbound_call"], rel=1e-12)
    running = float(res.flows[0, 1:].sum())
    assert res.unit_totals["minutes"][0] == pytest.approx(12 * (30000 * 4 + 10000 * 8))
    if basis == "operating":
        assert got["cost_per_inbound_call"] == pytest.approx(
            running * 0.6 / (12 * 30000), rel=1e-12
        )
    else:
        assert got["cost_per_contact"] == pytest.approx(
            (running + 120000) / (12 * 40000), rel=1e-12
        )


def test_after_hours_example_answers_the_move_in_one_file() -> None:
    """examples/sourcing-after-hours-bpo.yaml: today's own team, the after-hours move with
    and without the self-service lever. Hand split of its profile: the week weighs
    1 + 3 x 0.95 + 0.9 + 0.5 + 0.35 = 5.6, weekdays 4.75; the 28 half-hour weights sum to
    124, those from 18:00 to 14. Sent out: 4.75/5.6 x 14/124 + 0.85/5.6 of the calls;
    month 1 (before the lever) the BPO bills 5.40 a call on 42,000 x that share (above
    its 9,000 minimum). The NPV of each move is the present value of the current option's
    cost minus the option's (the cost-of-change rule keeps the difference intact)."""
    from pathlib import Path

    from ccecon.scenario.load import load_scenario
    from ccecon.sourcing.compare import sourcing_document

    path = Path(__file__).resolve().parents[2] / "examples" / "sourcing-after-hours-bpo.yaml"
    cmp_ = sourcing_document(load_scenario(path), str(path), break_even=False)
    sent = 4.75 / 5.6 * 14 / 124 + 0.85 / 5.6
    bpo = cmp_.option("after-hours-bpo").components["provider charges"]
    assert float(bpo[0, 1]) == pytest.approx(5.40 * 42000 * sent, rel=1e-12)
    with_ivr = cmp_.option("after-hours-bpo+ivr").components["provider charges"]
    assert float(with_ivr[0, 1]) == pytest.approx(5.40 * 42000 * sent, rel=1e-12)
    # from month 10 the lever is at its full effect: 12 % fewer calls reach anyone
    ratio = float(with_ivr[0, 10] / bpo[0, 10])
    assert ratio == pytest.approx(0.88, rel=1e-12)
    current = cmp_.option("own-team")
    assert set(cmp_.moves) == {o.name for o in cmp_.options} - {"own-team"}
    for name, metrics in cmp_.moves.items():
        want = float(current.pv_cost[0] - cmp_.option(name).pv_cost[0])
        assert float(np.mean(metrics.npv)) == pytest.approx(want, rel=1e-9)
