"""Contract price models as cost lines of any business case (timing ``contract``).

Each expected value is a hand computation written in the test from the contract's terms
and the case's volumes; the sourcing comparison (its own use of the same price models) is
the cross-check for a whole BPO option.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from ccecon.engine import evaluate
from ccecon.errors import InputError
from ccecon.scenario.schema import Scenario
from ccecon.sourcing.compare import compare
from ccecon.uncertainty.sampling import realize


def case(lines: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "name": "contract lines",
        "currency": "EUR",
        "start": "2027-01",
        "horizon_months": 12,
        "discount_rate": 0.0,
        "channels": [
            {"name": "voice", "kind": "voice_inbound", "per_month": 12000, "aht_s": 300},
            {
                "name": "telesales",
                "kind": "voice_outbound",
                "per_month": 5000,
                "aht_s": 240,
                "sales_rate": 0.04,
            },
        ],
        "proposal": {"cost_lines": lines},
    }
    doc.update(extra)
    return doc


def operating(doc: dict[str, Any]) -> np.ndarray:
    return evaluate(Scenario.model_validate(doc)).cases["proposal"].operating[0]


def test_package_with_overage() -> None:
    """Package of 10,000 inbound calls for 30,000 a month, 2.50 per extra call: 12,000
    calls -> 30,000 + 2,000 x 2.50 = 35,000 a month. From month 7 a lever cuts voice by
    25 % (9,000 calls): the package binds, 30,000."""
    line = {
        "name": "BPO package",
        "family": "operating",
        "timing": "contract",
        "contract": {"model": "package", "included": 10000, "fee": 30000, "overage_price": 2.5},
    }
    doc = case([line])
    doc["proposal"]["levers"] = [
        {"name": "self-service", "channel": "voice", "volume_factor": 0.75, "start_month": 7}
    ]
    flows = operating(doc)
    assert flows[0] == 0.0
    np.testing.assert_allclose(flows[1:7], 35000.0, rtol=1e-15)
    np.testing.assert_allclose(flows[7:], 30000.0, rtol=1e-15)


def test_per_call_with_base_fee_and_share() -> None:
    """A provider takes 30 % of the inbound calls at 3.20 a call, at least 15,000 a month:
    3,600 x 3.20 = 11,520 < 15,000, so the base fee binds; at 50 %: 6,000 x 3.20 = 19,200."""
    base = {
        "name": "overflow BPO",
        "family": "operating",
        "timing": "contract",
        "contract": {"model": "per_call", "price": 3.2, "base_fee": 15000},
    }
    np.testing.assert_allclose(operating(case([{**base, "contract_share": 0.3}]))[1:], 15000.0)
    np.testing.assert_allclose(operating(case([{**base, "contract_share": "50%"}]))[1:], 19200.0)


def test_outbound_commission_and_minimum() -> None:
    """Outbound at 0.90 a call with a 2,000 minimum plus 12 % of sales revenue at 150 a
    sale: 5,000 x 0.90 = 4,500; sales 5,000 x 4 % = 200, revenue 30,000, commission 3,600;
    8,100 a month."""
    line = {
        "name": "outbound BPO",
        "family": "operating",
        "timing": "contract",
        "revenue_per_sale": 150,
        "contract": {
            "model": "sum",
            "parts": [
                {"model": "outbound", "price": 0.9, "minimum": 2000},
                {"model": "commission", "revenue_share": "12%"},
            ],
        },
    }
    np.testing.assert_allclose(operating(case([line]))[1:], 8100.0, rtol=1e-15)


def test_setup_at_signing_growth_quantity_and_risk() -> None:
    """Per minute 0.05 on 12,000 x 5 + 5,000 x 4 = 80,000 handle minutes = 4,000 a month,
    setup 20,000 at signing, 3 % yearly escalation (a 24-month plan: year 2 at 1.03),
    amount 1.1 (a 10 % uplift the user states); risk 20 % raises the adjusted cost."""
    line = {
        "name": "CCaaS minutes",
        "family": "operating",
        "timing": "contract",
        "amount": 1.1,
        "growth": 0.03,
        "risk": "20%",
        "contract": {
            "model": "sum",
            "parts": [{"model": "per_minute", "price": 0.05}, {"model": "setup", "amount": 20000}],
        },
    }
    res = evaluate(Scenario.model_validate(case([line], horizon_months=24))).cases["proposal"]
    flows = res.operating[0]
    assert flows[0] == pytest.approx(1.1 * 20000, rel=1e-15)
    np.testing.assert_allclose(flows[1:13], 1.1 * 4000, rtol=1e-14)
    np.testing.assert_allclose(flows[13:], 1.1 * 4000 * 1.03, rtol=1e-14)
    np.testing.assert_allclose(res.adj_operating[0], flows * 1.2, rtol=1e-14)


def test_per_seat_from_staffing_equals_the_sourcing_option() -> None:
    """A hosted platform at 140 a seat (at least 30 seats) on the staffed FTE: the cost
    line of the business case equals the same price model in a hosted sourcing option, and
    each month is 140 x max(ceil(FTE), 30)."""
    price = {"model": "per_seat", "price": 140, "min_seats": 30}
    staffing = {"channels": ["voice"], "shrinkage": 0.3}
    line = {"name": "platform", "family": "operating", "timing": "contract", "contract": price}
    doc = case([line], staffing=staffing)
    res = evaluate(Scenario.model_validate(doc)).cases["proposal"]
    fte = res.drivers["fte"][0]
    np.testing.assert_allclose(
        res.operating[0][1:], 140 * np.maximum(np.ceil(fte[1:] - 1e-9), 30), rtol=1e-15
    )
    src = {
        **doc,
        "proposal": {},
        "sourcing": {
            "options": [{"name": "ccaas", "kind": "hosted", "price": price, "agent_salary": 0.0}]
        },
    }
    opt = compare(realize(Scenario.model_validate(src), {}), break_even=False).option("ccaas")
    np.testing.assert_array_equal(opt.components["platform contract"][0], res.operating[0])


def test_contract_lines_need_a_contract_and_staffing_for_seats() -> None:
    with pytest.raises(ValidationError, match="needs `contract`"):
        Scenario.model_validate(case([{"name": "x", "family": "operating", "timing": "contract"}]))
    with pytest.raises(ValidationError, match="only for timing `contract`"):
        Scenario.model_validate(
            case(
                [
                    {
                        "name": "x",
                        "family": "operating",
                        "amount": 5,
                        "contract": {"model": "per_call", "price": 1},
                    }
                ]
            )
        )
    with pytest.raises(ValidationError, match="needs `amount`"):
        Scenario.model_validate(case([{"name": "x", "family": "operating"}]))
    seats = {
        "name": "x",
        "family": "operating",
        "timing": "contract",
        "contract": {"model": "per_seat", "price": 100},
    }
    with pytest.raises(InputError, match="staffing") as err:
        evaluate(Scenario.model_validate(case([seats])))
    assert err.value.field == "proposal.cost_lines[0].contract"


def test_benefit_lines_cannot_be_contracts() -> None:
    doc = case([])
    doc["proposal"]["benefit_lines"] = [
        {"name": "x", "kind": "direct", "timing": "contract", "amount": 1}
    ]
    with pytest.raises(ValidationError, match="for cost lines"):
        Scenario.model_validate(doc)
