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
from ccecon.queueing.staffing import capacity_calls
from ccecon.scenario.schema import Scenario
from ccecon.sourcing import SourcingSpec, compare
from ccecon.sourcing.compare import _Ctx, _rate_m, evaluate_options, hybrid_split
from ccecon.uncertainty.sampling import realize

SEED004_BUILD = [
    {"name": "build service", "amount": 30000, "quantity": 20},
    {"name": "equipment", "amount": 35000, "quantity": 6},
    {"name": "installation", "amount": 10000, "quantity": 5},
    {"name": "customization", "amount": 15000, "quantity": 10},
    {"name": "other", "amount": 5000, "quantity": 4},
    {"name": "maintenance", "amount": 5000, "quantity": 6, "timing": "yearly"},
]


def quote_in_house(**extra: Any) -> dict[str, Any]:
    return {
        "build": SEED004_BUILD,
        "agent_salary": 6000,
        "telecom_per_minute": 0.2,
        "platform_per_month": 10000,
        "management_per_month": 5000,
        **extra,
    }


def scenario(
    sourcing: dict[str, Any],
    channels: list[dict[str, Any]],
    months: int = 12,
    staffing: dict[str, Any] | None = None,
    rate: float = 0.0,
) -> Any:
    doc: dict[str, Any] = {
        "name": "t",
        "currency": "CNY",
        "start": "2027-01",
        "horizon_months": months,
        "discount_rate": rate,
        "channels": channels,
        "proposal": {},
        "sourcing": sourcing,
    }
    if staffing is not None:
        doc["staffing"] = staffing
    drawn = {}
    for i, ch in enumerate(channels):
        if isinstance(ch["per_month"], np.ndarray):  # draws: realized as the engine does
            drawn[f"channels[{i}].per_month"] = ch["per_month"]
            doc["channels"][i] = {**ch, "per_month": 1.0}
    return realize(Scenario.model_validate(doc), drawn)


def voice(per_month: Any, aht: float = 240.0, **kw: Any) -> list[dict[str, Any]]:
    return [
        {"name": "inbound", "kind": "voice_inbound", "per_month": per_month, "aht_s": aht, **kw}
    ]


def test_seed004_quote_50_agents_year_1() -> None:
    """The CNY self-build quote (a published call-center outsourcing cost guide), 50
    agents, 40,000 calls x 240 s a month, 12 months.

    One-off at signing: build 30,000 x 20 = 600,000; equipment 35,000 x 6 = 210,000;
    installation 10,000 x 5 = 50,000; customization 15,000 x 10 = 150,000; other
    5,000 x 4 = 20,000 -> 1,030,000. Maintenance 5,000 x 6 units = 30,000 in month 1.
    Monthly: salaries 50 x 6,000 = 300,000; telecom 0.2 x 40,000 x 240 / 60 = 0.2 x
    160,000 = 32,000; platform 10,000; management 5,000 -> 347,000 x 12 = 4,164,000.
    Year 1 = 1,030,000 + 30,000 + 4,164,000 = 5,224,000.
    """
    sc = scenario({"in-house": quote_in_house(agents=50)}, voice(40000))
    (ih,) = evaluate_options(sc)
    assert ih.flows[0, 0] == pytest.approx(1_030_000)
    assert ih.flows[0, 1] == pytest.approx(347_000 + 30_000)
    assert ih.flows[0, 2] == pytest.approx(347_000)
    assert ih.tco[0] == pytest.approx(5_224_000)
    # cost per inbound call, fully loaded (the business case's default basis): every cost
    # of the horizon over the calls of a voice-only center, 5,224,000 / (12 x 40,000)
    assert ih.cost_per_inbound_call[0] == pytest.approx(5_224_000 / 480_000)
    assert ih.unit_costs()["cost_per_contact"] == pytest.approx(5_224_000 / 480_000)


def test_in_house_agents_come_from_the_scenario_staffing() -> None:
    # One 30-minute interval a day, every day; January 2027 has 31 days: 3,100 calls give
    # 3,100 / (31 / 7) / 7 = 100 calls an interval. 100 calls at 180 s, 80/20 -> 14 agents
    # (the staffing engine's own doctest); 14 x 0.5 h x 7 intervals x 31 / 7 weeks = 217
    # agent-hours; paid FTE = 217 / (173.33 x (1 - 0.3)) with the default paid hours of a
    # 40-hour week (40 x 52 / 12) and the default shrinkage 30 %.
    st_ = {"interval_minutes": 30, "open_hour": 8, "close_hour": 8.5}
    sc = scenario({"in-house": quote_in_house()}, voice(3100, aht=180), months=1, staffing=st_)
    (ih,) = evaluate_options(sc)
    assert ih.paid_fte[0, 1] == pytest.approx(217 / (40 * 52 / 12 * 0.7))
    assert ih.components["agent salaries"][0, 1] == pytest.approx(217 / (40 * 52 / 12 * 0.7) * 6000)


def test_options_that_need_agents_ask_for_staffing() -> None:
    sc = scenario({"in-house": quote_in_house()}, voice(3100))
    with pytest.raises(InputError, match="`staffing`"):
        evaluate_options(sc)
    per_hour = {"outsourced": {"price": {"model": "per_agent_hour", "rate": 9}}}
    with pytest.raises(InputError, match="seats or agent hours"):
        evaluate_options(scenario(per_hour, voice(3100)))


def test_former_workload_section_says_what_to_change() -> None:
    with pytest.raises(ValidationError, match="top-level `staffing:`"):
        SourcingSpec.model_validate({"workload": {}, "in-house": quote_in_house()})


def test_npv_of_costs_uses_monthly_rate() -> None:
    sc = scenario(
        {"outsourced": {"price": {"model": "per_call", "price": 2}}}, voice(1000), 2, rate=0.1
    )
    (o,) = evaluate_options(sc)
    rm = 1.1 ** (1 / 12) - 1
    assert o.pv_cost[0] == pytest.approx(2000 / (1 + rm) + 2000 / (1 + rm) ** 2)


def hybrid_doc(agents: float, after_hours: float = 0.0, n_int: int = 4) -> dict[str, Any]:
    return {
        "in-house": quote_in_house(),
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
    }


def two_channels(calls: Any, emails: Any) -> list[dict[str, Any]]:
    return [
        {"name": "inbound", "kind": "voice_inbound", "per_month": calls, "aht_s": 200},
        {"name": "email", "kind": "email", "per_month": emails, "aht_s": 300},
    ]


def hybrid_scenario(agents: float, calls: Any, emails: Any, after: float = 0.0) -> Any:
    staffing = {"open_hour": 8, "close_hour": 10}
    return scenario(hybrid_doc(agents, after), two_channels(calls, emails), 3, staffing)


@settings(max_examples=40, deadline=None)
@given(
    calls=st.lists(st.floats(0, 400), min_size=1, max_size=6),
    aht=st.floats(30, 900),
    agents=st.integers(0, 40),
)
def test_capacity_is_what_the_team_answers_at_the_goal(
    calls: list[float], aht: float, agents: int
) -> None:
    """Per interval the kept calls min(calls, capacity) need at most the team (80/20,
    occupancy <= 85 %, the staffing defaults); slightly more than the capacity needs more."""
    goals: dict[str, Any] = {"sl_target": 0.8, "sl_threshold_s": 20, "max_occupancy": 0.85}
    cap = capacity_calls(agents, aht, 1800, **goals)
    kept = np.minimum(np.asarray(calls), cap)
    assert np.all(required_agents(kept, aht, 1800, **goals) <= agents)
    more = required_agents(cap * (1 + 1e-6) + 1e-6, aht, 1800, **goals)
    assert more > agents


@settings(max_examples=25, deadline=None)
@given(
    calls=st.floats(0, 50000),
    emails=st.floats(0, 5000),
    agents=st.integers(0, 30),
    after=st.floats(0, 1),
)
def test_hybrid_nothing_lost(calls: float, emails: float, agents: int, after: float) -> None:
    """In-house + sent out = demand, per channel and month (nothing lost, nothing added)."""
    sc = hybrid_scenario(agents, calls, emails, after)
    split = hybrid_split(_Ctx(sc, sc.sourcing, _rate_m(0.0)), sc.sourcing.option("hybrid"))
    full = {"inbound": calls, "email": emails}
    for name, vol in full.items():
        np.testing.assert_allclose(
            split.kept[name][:, 1:] + split.sent_out[name][:, 1:], vol, rtol=1e-12, atol=1e-9
        )
        assert np.all(split.kept[name] >= -1e-12)
    np.testing.assert_array_equal(split.kept["email"], 0.0)


def test_hybrid_overflow_equals_interval_excess_times_days() -> None:
    # Flat profile, 4 intervals a day (8-10 h), 7 days a week; January has 31 days: each
    # interval gets 12,000 / (31 x 4) calls; what a team of 5 cannot answer meeting the
    # goals in one interval, x 124 intervals, is the month's overflow. The team is paid
    # for 5 x 2 h x 31 days = 310 hours.
    sc = hybrid_scenario(5, 12000, 0)
    split = hybrid_split(_Ctx(sc, sc.sourcing, _rate_m(0.0)), sc.sourcing.option("hybrid"))
    per_interval = 12000 / 124
    cap = capacity_calls(5, 200, 1800, sl_target=0.8, sl_threshold_s=20, max_occupancy=0.85)
    assert split.sent_out["inbound"][0, 1] == pytest.approx((per_interval - cap) * 124)
    assert split.sent_out["inbound"][0, 1] > 0
    assert split.team_hours[0, 1] == pytest.approx(310)
    (hy,) = [o for o in evaluate_options(sc) if o.name == "hybrid"]
    assert hy.paid_fte[0, 1] == pytest.approx(310 / (40 * 52 / 12 * 0.7))


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
    doc = hybrid_doc(5)
    doc["hybrid"] = {"in_house_agents": 5 if needle == "voice_inbound" else 0, "routing": routing}
    sc = scenario(doc, two_channels(1000, 100), 3, {})
    with pytest.raises(InputError, match=needle):
        evaluate_options(sc)


def test_no_options_is_rejected() -> None:
    with pytest.raises(ValidationError, match="no options"):
        SourcingSpec.model_validate({"break_even": {}})


def test_a_team_without_overflow_is_rejected() -> None:
    doc = hybrid_doc(5)
    doc["hybrid"]["routing"][0]["overflow"] = False
    with pytest.raises(ValidationError, match="in_house_agents"):
        SourcingSpec.model_validate(doc)


def break_even_doc() -> dict[str, Any]:
    return {
        "in-house": quote_in_house(agents=10),
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


STAFF = {"open_hour": 9, "close_hour": 11}


def test_break_even_equals_brute_force_scan() -> None:
    """Every reported switch lies where a fine brute-force scan (one volume per draw, all
    evaluated in one vectorized call) sees the cheapest option change, and no switch of
    the fine scan is missed."""
    base = 20000.0
    cmp_ = compare(scenario(break_even_doc(), voice(base), staffing=STAFF, rate=0.08))
    grid = np.geomspace(0.1, 40, 1500)
    fine = evaluate_options(
        scenario(break_even_doc(), voice(base * grid), staffing=STAFF, rate=0.08)
    )
    names = [o.name for o in fine]
    best = np.argmin(np.stack([o.pv_cost for o in fine]), axis=0)
    switches = np.flatnonzero(best[1:] != best[:-1])
    assert len(switches) >= 1
    assert len(cmp_.break_even) == len(switches)
    for b, i in zip(cmp_.break_even, switches, strict=True):
        assert grid[i] * (1 - 1e-9) <= b.factor <= grid[i + 1] * (1 + 1e-9)
        assert b.cheaper_below == names[best[i]]
        assert b.cheaper_above == names[best[i + 1]]
        assert b.contacts_per_month == pytest.approx(b.factor * base)


def test_vectorized_over_draws_matches_single_runs() -> None:
    volumes = np.array([5000.0, 20000.0, 90000.0])
    together = compare(
        scenario(break_even_doc(), voice(volumes), staffing=STAFF, rate=0.05), break_even=False
    )
    for k, v in enumerate(volumes):
        alone = compare(
            scenario(break_even_doc(), voice(v), staffing=STAFF, rate=0.05), break_even=False
        )
        for o in alone.options:
            assert together.option(o.name).pv_cost[k] == pytest.approx(o.pv_cost[0])
    p = together.p_cheapest()
    assert sum(p.values()) == pytest.approx(1.0)
    assert set(together.to_dict()["options"]) == {"in-house", "outsourced", "hosted"}


def test_scorecard_is_beside_the_money() -> None:
    doc = break_even_doc()
    doc["scorecard"] = {
        "criteria": [{"name": "control", "weight": 3}, {"name": "speed", "weight": 1}],
        "scores": {
            "in-house": {"control": 5, "speed": 1},
            "outsourced": {"control": 2, "speed": 5},
        },
    }
    with_sc = compare(scenario(doc, voice(20000), staffing=STAFF), break_even=False)
    without = compare(scenario(break_even_doc(), voice(20000), staffing=STAFF), break_even=False)
    # (3 x 5 + 1 x 1) / 4 = 4.0 and (3 x 2 + 1 x 5) / 4 = 2.75
    assert with_sc.scorecard == {"in-house": 4.0, "outsourced": 2.75}
    for o in without.options:
        np.testing.assert_array_equal(with_sc.option(o.name).tco, o.tco)


OWN_CENTER = {
    "name": "own",
    "kind": "in-house",
    "agents": 10,
    "agent_salary": 6000,
    "platform_per_month": 10000,
}


def test_move_from_the_current_option_is_a_business_case() -> None:
    """Current: in-house with 10 fixed agents at 6,000 and platform 10,000 a month (70,000
    a month). Move: outsource at 2 per call on 20,000 calls (40,000 a month) with a
    transition of 60,000 at signing and vendor management 5,000. 12 months, rate 0.

    Lines by name (TEI): none shared, so the cost of the change is all the new spending,
    60,000 + 12 x 45,000 = 600,000, and the savings all the old, 12 x 70,000 = 840,000.
    ROI = (840,000 - 600,000) / 600,000 = 40 %; NPV at 0 % = 240,000; the monthly net is
    -60,000 at signing, then +25,000 a month: payback = 60,000 / 25,000 = 2.4 months.
    """
    doc = {
        "current": "own",
        "options": [
            OWN_CENTER,
            {
                "name": "bpo",
                "kind": "outsourced",
                "price": {"model": "per_call", "price": 2},
                "transition_cost": 60000,
                "vendor_management_per_month": 5000,
            },
        ],
    }
    cmp_ = compare(scenario(doc, voice(20000)), break_even=False)
    (row,) = cmp_.move_rows()
    assert row["move to"] == "bpo"
    assert row["cost_of_change"] == pytest.approx(600_000)
    assert row["cost_savings"] == pytest.approx(840_000)
    assert row["roi_pct"] == pytest.approx(40.0)
    assert row["npv"] == pytest.approx(240_000)
    assert row["payback_months"] == pytest.approx(2.4)
    assert cmp_.to_dict()["moves"]["bpo"]["npv"] == pytest.approx(240_000)


def test_a_kept_component_counts_only_its_change() -> None:
    """In-house -> hosted with the same agents and salary: the salary line is kept (same
    name in both), so only the seat rent is a cost of the change and only the dropped
    platform a saving: seats 10 x 500 = 5,000 a month vs platform 10,000 a month, 12
    months -> C = 60,000, savings = 120,000, ROI = 100 %."""
    doc = {
        "current": "own",
        "options": [
            OWN_CENTER,
            {
                "name": "ccaas",
                "kind": "hosted",
                "price": {"model": "per_seat", "price": 500, "seats": 10},
                "agent_salary": 6000,
            },
        ],
    }
    with pytest.raises(InputError, match="`staffing`"):  # hosted agents come from staffing
        compare(scenario(doc, voice(20000)), break_even=False)
    st_ = {"open_hour": 8, "close_hour": 8.5}
    calls = 3100 / 31 * 30  # the staffing of the test above, per day: the same FTE
    cmp_ = compare(scenario(doc, voice(calls), staffing=st_), break_even=False)
    hosted = cmp_.option("ccaas")
    fte = hosted.paid_fte[0, 1:]
    # own keeps 10 fixed agents; hosted pays its staffed FTE: the salary line changes by
    # (FTE - 10) x 6,000 a month, a cost where it rises, a saving where it falls
    diff = float(((fte - 10) * 6000).sum())
    (row,) = cmp_.move_rows()
    assert row["cost_of_change"] == pytest.approx(60_000 + max(diff, 0.0))
    assert row["cost_savings"] == pytest.approx(120_000 + max(-diff, 0.0))
