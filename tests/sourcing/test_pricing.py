"""Price models: hand-computed charges, binding terms, vectorization, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from ccecon.scenario.pricing import PriceModel, Usage

TA: TypeAdapter[object] = TypeAdapter(PriceModel)


def price(doc: dict[str, object]):  # type: ignore[no-untyped-def]
    return TA.validate_python(doc)


def test_per_seat_minimum_binding_and_not() -> None:
    # 800 per seat, at least 20 seats. 15 seats -> 20 x 800 = 16,000 (minimum binds);
    # 25 seats -> 25 x 800 = 20,000 (does not bind).
    m = price({"model": "per_seat", "price": 800, "min_seats": 20})
    c = m.charge(Usage.zeros(1, 2, seats=[[15, 25]]))
    assert c.amount.tolist() == [[0.0, 16000.0, 20000.0]]
    assert c.binds["minimum seats"].tolist() == [[False, True, False]]
    assert c.binding_share() == {"minimum seats": 0.5}


def test_package_with_and_without_overage() -> None:
    # 1,000 calls for 5,000 a month + 4 per extra call. 800 calls -> 5,000 (200 unused);
    # 1,300 calls -> 5,000 + 300 x 4 = 6,200.
    m = price({"model": "package", "included": 1000, "fee": 5000, "overage_price": 4})
    c = m.charge(Usage.zeros(1, 2, calls=[[800, 1300]]))
    assert c.amount[0, 1:].tolist() == [5000.0, 6200.0]
    assert c.binds["package (unused units paid)"][0, 1:].tolist() == [True, False]


def test_per_call_base_fee_binding() -> None:
    # 3 per call, base fee 2,000. 500 calls -> 1,500 < 2,000 -> 2,000 (binds);
    # 1,000 calls -> 3,000.
    m = price({"model": "per_call", "price": 3, "base_fee": 2000})
    c = m.charge(Usage.zeros(1, 2, calls=[[500, 1000]]))
    assert c.amount[0, 1:].tolist() == [2000.0, 3000.0]
    assert c.binds["base fee"][0, 1:].tolist() == [True, False]


def test_commission_per_sale_and_revenue_share() -> None:
    # 20 per sale x 30 sales + 5 % of 9,000 revenue = 600 + 450 = 1,050.
    m = price({"model": "commission", "per_sale": 20, "revenue_share": 0.05})
    c = m.charge(Usage.zeros(1, 1, sales=30, revenue=9000))
    assert c.amount[0, 1] == pytest.approx(1050.0)


def test_tiers_graduated_and_volume() -> None:
    tiers = [{"up_to": 1000, "price": 2}, {"up_to": 3000, "price": 1.5}, {"price": 1}]
    g = price({"model": "tiers", "tiers": tiers})
    v = price({"model": "tiers", "mode": "volume", "tiers": tiers})
    u = Usage.zeros(1, 3, calls=[[500, 2000, 3500]])
    # graduated: 500 x 2 = 1,000; 1,000 x 2 + 1,000 x 1.5 = 3,500;
    # 1,000 x 2 + 2,000 x 1.5 + 500 x 1 = 5,500.
    assert g.charge(u).amount[0, 1:].tolist() == [1000.0, 3500.0, 5500.0]
    # volume (all units at the band reached): 500 x 2; 2,000 x 1.5; 3,500 x 1.
    cv = v.charge(u)
    assert cv.amount[0, 1:].tolist() == [1000.0, 3000.0, 3500.0]
    assert cv.binds["tier 3"][0, 1:].tolist() == [False, False, True]


def test_per_minute_agent_hour_outbound_minimums() -> None:
    u = Usage.zeros(
        1, 2, minutes=[[1000, 10000]], agent_hours=[[50, 500]], outbound_calls=[[10, 1000]]
    )
    # 0.2 per minute, minimum 500: 200 -> 500; 2,000.
    pm = price({"model": "per_minute", "price": 0.2, "minimum": 500}).charge(u)
    assert pm.amount[0, 1:].tolist() == [500.0, 2000.0]
    # 11 per hour, at least 100 hours: 1,100; 5,500.
    ph = price({"model": "per_agent_hour", "rate": 11, "min_hours": 100}).charge(u)
    assert ph.amount[0, 1:].tolist() == [1100.0, 5500.0]
    # outbound 4 per call, minimum 1,000: 40 -> 1,000; 4,000.
    ob = price({"model": "outbound", "price": 4, "minimum": 1000}).charge(u)
    assert ob.amount[0, 1:].tolist() == [1000.0, 4000.0]
    assert ob.binds["outbound minimum"][0, 1:].tolist() == [True, False]


def test_setup_term_and_sum() -> None:
    u = Usage.zeros(1, 12, seats=10)
    m = price(
        {
            "model": "sum",
            "parts": [
                {"model": "per_seat", "price": 100},
                {"model": "setup", "amount": 5000},
                {
                    "model": "term",
                    "min_term_months": 24,
                    "exit_fee": 1000,
                    "exit_fee_per_remaining_month": 200,
                    "exit_at_horizon_end": True,
                },
            ],
        }
    )
    c = m.charge(u)
    # month 0: setup 5,000; months 1..12: 10 seats x 100 = 1,000; month 12 also the exit
    # fee 1,000 + 200 x (24 - 12) = 3,400.
    assert c.amount[0, 0] == 5000.0
    assert c.amount[0, 1:12].tolist() == [1000.0] * 11
    assert c.amount[0, 12] == 1000.0 + 3400.0
    assert c.binds["minimum term (exit fee)"][0, 12]


def test_charges_broadcast_over_draws() -> None:
    # Each draw computed alone equals the same draw in one vectorized call.
    rng = np.random.default_rng(4)
    calls = rng.uniform(0, 3000, size=(5, 7))
    m = price(
        {
            "model": "sum",
            "parts": [
                {"model": "per_call", "price": 3, "base_fee": 2000},
                {"model": "tiers", "tiers": [{"up_to": 1000, "price": 2}, {"price": 1}]},
            ],
        }
    )
    whole = m.charge(Usage.zeros(5, 7, calls=calls)).amount
    for d in range(5):
        one = m.charge(Usage.zeros(1, 7, calls=calls[d : d + 1])).amount
        np.testing.assert_allclose(whole[d], one[0])


@pytest.mark.parametrize(
    ("doc", "needle"),
    [
        ({"model": "per_seat", "price": -1}, "price"),
        ({"model": "per_seat", "price": 10, "min_seats": 30, "max_seats": 20}, "min_seats"),
        ({"model": "per_banana", "price": 1}, "per_banana"),
        (
            {
                "model": "tiers",
                "tiers": [{"up_to": 10, "price": 1}, {"up_to": 5, "price": 1}, {"price": 1}],
            },
            "increase",
        ),
        ({"model": "tiers", "tiers": [{"up_to": 10, "price": 1}]}, "last tier"),
        ({"model": "commission", "revenue_share": 1.5}, "revenue_share"),
    ],
)
def test_bad_price_models_are_rejected(doc: dict[str, object], needle: str) -> None:
    with pytest.raises(ValidationError, match=needle):
        price(doc)
