"""Options, hybrid overflow, break-even and vectorization of the comparison."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from ccecon.errors import InputError
from ccecon.queueing import required_agents
from ccecon.sourcing import Demand, SourcingSpec, compare
from ccecon.sourcing.compare import evaluate_options, hybrid_split
from ccecon.sourcing.demand import overflow_split
from ccecon.sourcing.spec import Workload

D63_BUILD = [
    {"name": "build service", "amount": 30000, "quantity": 20},
    {"name": "equipment", "amount": 35000, "quantity": 6},
    {"name": "installation", "amount": 10000, "quantity": 5},
    {"name": "customization", "amount": 15000, "quantity": 10},
    {"name": "other", "amount": 5000, "quantity": 4},
    {"name": "maintenance", "amount": 5000, "quantity": 6, "timing": "yearly"},
]


def d63_in_house(**extra: Any) -> dict[str, Any]:
    return {
        "build": D63_BUILD,
        "agent_salary": 6000,
        "telecom_per_minute": 0.2,
        "platform_per_month": 10000,
        "management_per_month": 5000,
        **extra,
    }


def voice(per_month: Any, months: int = 12, aht: float = 240.0, **kw: Any) -> Demand:
    ch = {"name": "inbound", "kind": "voice_inbound", "per_month": per_month, "aht_s": aht}
    return Demand.build(months, [{**ch, **kw}])


def test_d63_quote_50_agents_year_1() -> None:
    """DOMAIN D6.3 (seed 004 quote), 50 agents, 40,000 calls x 240 s a month, 12 months.

    One-off at signing: build 30,000 x 20 = 600,000; equipment 35,000 x 6 = 210,000;
    installation 10,000 x 5 = 50,000; customization 15,000 x 10 = 150,000; other
    5,000 x 4 = 20,000 -> 1,030,000. Maintenance 5,000 x 6 units = 30,000 in month 1.
    Monthly: salaries 50 x 6,000 = 300,000; telecom 0.2 x 40,000 x 240 / 60 = 0.2 x
    160,000 = 32,000; platform 10,000; management 5,000 -> 347,000 x 12 = 4,164,000.
    Year 1 = 1,030,000 + 30,000 + 4,164,000 = 5,224,000.
    """
    spec = SourcingSpec.model_validate({"in-house": d63_in_house(agents=50)})
    (ih,) = evaluate_options(spec, voice(40000), 0.0)
    assert ih.flows[0, 0] == pytest.approx(1_030_000)
    assert ih.flows[0, 1] == pytest.approx(347_000 + 30_000)
    assert ih.flows[0, 2] == pytest.approx(347_000)
    assert ih.tco[0] == pytest.approx(5_224_000)
    # cost per call: 5,224,000 / (12 x 40,000) = 10.883...
    assert ih.cost_per_call[0] == pytest.approx(5_224_000 / 480_000)


def test_in_house_agents_come_from_erlang_when_workload_given() -> None:
    # 100 calls per 30-min interval, AHT 180 s, 80/20 -> 14 agents (the staffing engine's
    # own doctest); 1 interval a day, 30 days: 14 x 0.5 h x 30 = 210 agent-hours;
    # paid FTE = 210 / (173.33 x (1 - 0.3)) = 1.7307...: the default paid hours, a 40-hour
    # week (40 x 52 / 12), and the default shrinkage 30 %
    wl = {"interval_minutes": 30, "open_hour": 8, "close_hour": 8.5, "days_per_month": 30}
    spec = SourcingSpec.model_validate({"in-house": d63_in_house(), "workload": wl})
    (ih,) = evaluate_options(spec, voice(3000, months=1, aht=180), 0.0)
    assert ih.paid_fte[0, 0] == pytest.approx(210 / (40 * 52 / 12 * 0.7))


def test_npv_of_costs_uses_monthly_rate() -> None:
    spec = SourcingSpec.model_validate({"outsourced": {"price": {"model": "per_call", "price": 2}}})
    (o,) = evaluate_options(spec, voice(1000, months=2), 0.10)
    rm = 1.1 ** (1 / 12) - 1
    assert o.pv_cost[0] == pytest.approx(2000 / (1 + rm) + 2000 / (1 + rm) ** 2)


def hybrid_spec(agents: float, after_hours: float = 0.0, n_int: int = 4) -> SourcingSpec:
    return SourcingSpec.model_validate(
        {
            "in-house": d63_in_house(),
            "outsourced": {"price": {"model": "per_call", "price": 5, "basis": "contacts"}},
            "hybrid": {
                "in_house_agents": agents,
                "routing": [
                    {
                        "channels": ["inbound"],
                        "to": "in-house",
                        "overflow": True,
                        "after_hours_share": after_hours,
                    },
                    {"channels": ["email"], "to": "outsourced"},
                ],
            },
            "workload": {"open_hour": 8, "close_hour": 8 + n_int / 2, "days_per_month": 30},
        }
    )


def two_channels(calls: Any, emails: Any, months: int = 3) -> Demand:
    return Demand.build(
        months,
        [
            {"name": "inbound", "kind": "voice_inbound", "per_month": calls, "aht_s": 200},
            {"name": "email", "kind": "email", "per_month": emails, "aht_s": 300},
        ],
    )


@settings(max_examples=40, deadline=None)
@given(
    calls=st.lists(st.floats(0, 400), min_size=1, max_size=6),
    aht=st.floats(30, 900),
    agents=st.integers(0, 40),
)
def test_overflow_is_what_exceeds_erlang_capacity(
    calls: list[float], aht: float, agents: int
) -> None:
    """Per interval: kept + sent out = offered; the kept calls need at most the team
    (Erlang C, 80/20); when something is sent out, slightly more kept calls would need
    more agents than the team has."""
    wl = Workload()
    c = np.asarray(calls)
    ov = overflow_split(c, aht, agents, wl)
    np.testing.assert_allclose(ov.kept + ov.sent_out, c, rtol=0, atol=1e-9)
    assert np.all(ov.sent_out >= 0) and np.all(ov.kept >= 0)
    need = required_agents(ov.kept, aht, 1800, sl_target=0.8, sl_threshold_s=20)
    assert np.all(need <= agents)
    over = ov.sent_out > 1e-6
    if over.any():
        more = required_agents(
            ov.kept[over] * (1 + 1e-6) + 1e-6, aht, 1800, sl_target=0.8, sl_threshold_s=20
        )
        assert np.all(more > agents)


@settings(max_examples=25, deadline=None)
@given(
    calls=st.floats(0, 50000),
    emails=st.floats(0, 5000),
    agents=st.integers(0, 30),
    after=st.floats(0, 1),
)
def test_hybrid_nothing_lost(calls: float, emails: float, agents: int, after: float) -> None:
    """In-house + sent out = demand, per channel and month (nothing lost, nothing added)."""
    spec = hybrid_spec(agents, after)
    d = two_channels(calls, emails)
    split = hybrid_split(spec, d)
    for ch in d.channels:
        np.testing.assert_allclose(
            split.kept[ch.name] + split.sent_out[ch.name], ch.volume, rtol=1e-12, atol=1e-9
        )
        assert np.all(split.kept[ch.name] >= -1e-12)
    np.testing.assert_allclose(split.kept["email"], 0.0)


def test_hybrid_overflow_equals_interval_excess_times_days() -> None:
    # Flat profile, 4 intervals a day, 30 days: each interval gets calls / 120; what the
    # team of 5 cannot answer at 80/20 in one interval, x 120, is the month's overflow.
    spec = hybrid_spec(5)
    d = two_channels(12000, 0, months=1)
    split = hybrid_split(spec, d)
    assert spec.workload is not None
    ov = overflow_split(np.array([12000 / 120]), 200, 5, spec.workload)
    assert split.sent_out["inbound"][0, 0] == pytest.approx(ov.sent_out[0] * 120)
    assert split.sent_out["inbound"][0, 0] > 0


@pytest.mark.parametrize(
    ("routing", "needle"),
    [
        (
            [
                {"channels": ["inbound", "email"], "to": "in-house"},
                {"channels": ["email"], "to": "outsourced"},
            ],
            "overlap",
        ),
        ([{"channels": ["inbound"], "to": "in-house"}], "unassigned"),
        ([{"channels": ["inbound", "fax", "email"], "to": "in-house"}], "unknown channel"),
        (
            [
                {"channels": ["email"], "to": "in-house", "overflow": True},
                {"channels": ["inbound"], "to": "outsourced"},
            ],
            "voice_inbound",
        ),
    ],
)
def test_bad_routing_is_an_input_error(routing: list[dict[str, Any]], needle: str) -> None:
    spec = hybrid_spec(5).model_copy(deep=True)
    assert spec.hybrid is not None
    spec = SourcingSpec.model_validate(
        {**spec.model_dump(by_alias=True), "hybrid": {"in_house_agents": 5, "routing": routing}}
    )
    with pytest.raises(InputError, match=needle):
        evaluate_options(spec, two_channels(1000, 100), 0.0)


def test_no_options_is_rejected() -> None:
    with pytest.raises(ValidationError, match="no options"):
        SourcingSpec.model_validate({"workload": {}})


def break_even_spec(workload: bool) -> SourcingSpec:
    doc: dict[str, Any] = {
        "in-house": d63_in_house(agents=10),
        "outsourced": {
            "price": {"model": "per_call", "price": 9, "base_fee": 30000},
            "transition_cost": 20000,
        },
        "hosted": {
            "price": {"model": "per_seat", "price": 900, "min_seats": 8},
            "agent_salary": 6000,
            "telecom_per_minute": 0.2,
        },
        "break_even": {"min_factor": 0.1, "max_factor": 40, "points": 11},
    }
    if workload:
        doc["workload"] = {"open_hour": 9, "close_hour": 11, "days_per_month": 30}
    return SourcingSpec.model_validate(doc)


@pytest.mark.parametrize("workload", [False, True])
def test_break_even_equals_brute_force_scan(workload: bool) -> None:
    """Every reported switch lies where a fine brute-force scan (one volume per draw, all
    evaluated in one vectorized call) sees the cheapest option change, and no switch of
    the fine scan is missed."""
    spec = break_even_spec(workload)
    base = 20000.0
    cmp_ = compare(spec, voice(base), discount_rate=0.08)
    grid = np.geomspace(0.1, 40, 1500)
    fine = evaluate_options(spec, voice(base * grid), 0.08)
    names = [o.name for o in fine]
    best = np.argmin(np.stack([o.pv_cost for o in fine]), axis=0)
    switches = np.flatnonzero(best[1:] != best[:-1])
    assert len(switches) >= 1
    assert len(cmp_.break_even) == len(switches)
    for b, i in zip(cmp_.break_even, switches, strict=True):
        assert grid[i] <= b.factor <= grid[i + 1] * (1 + 1e-9)
        assert b.cheaper_below == names[best[i]]
        assert b.cheaper_above == names[best[i + 1]]
        assert b.contacts_per_month == pytest.approx(b.factor * base)


def test_vectorized_over_draws_matches_single_runs() -> None:
    spec = break_even_spec(True)
    volumes = np.array([5000.0, 20000.0, 90000.0])
    together = compare(spec, voice(volumes), discount_rate=0.05, break_even=False)
    for k, v in enumerate(volumes):
        alone = compare(spec, voice(v), discount_rate=0.05, break_even=False)
        for o in alone.options:
            assert together.option(o.name).pv_cost[k] == pytest.approx(o.pv_cost[0])
    p = together.p_cheapest()
    assert sum(p.values()) == pytest.approx(1.0)
    assert set(together.to_dict()["options"]) == {"in-house", "outsourced", "hosted"}


def test_scorecard_is_beside_the_money() -> None:
    doc = break_even_spec(False).model_dump(by_alias=True)
    doc["scorecard"] = {
        "criteria": [{"name": "control", "weight": 3}, {"name": "speed", "weight": 1}],
        "scores": {
            "in-house": {"control": 5, "speed": 1},
            "outsourced": {"control": 2, "speed": 5},
        },
    }
    with_sc = compare(SourcingSpec.model_validate(doc), voice(20000), break_even=False)
    without = compare(break_even_spec(False), voice(20000), break_even=False)
    # (3 x 5 + 1 x 1) / 4 = 4.0 and (3 x 2 + 1 x 5) / 4 = 2.75
    assert with_sc.scorecard == {"in-house": 4.0, "outsourced": 2.75}
    for o in without.options:
        np.testing.assert_array_equal(with_sc.option(o.name).tco, o.tco)
