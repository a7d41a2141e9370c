"""NPV, IRR, payback, ROI against published values and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccecon.errors import InputError, NoSolutionError
from ccecon.finance.returns import annualize, irr, irr_batch, npv, payback, roi_pct


def test_npv_matches_excel_npv_docs_example() -> None:
    """Microsoft Excel NPV help, example 1: rate 10 %, -10,000 one year from today, then
    3,000, 4,200, 6,800 -> 1,188.44. Excel discounts its first value, so in our t=0
    convention the flow starts with 0."""
    assert float(npv(0.10, [0, -10000, 3000, 4200, 6800])) == pytest.approx(1188.44, abs=0.005)


def test_irr_matches_excel_irr_docs_example() -> None:
    """Microsoft Excel IRR help: -70,000, 12,000, 15,000, 18,000, 21,000, 26,000 -> 8.66 %;
    the first four years -> -2.12 %."""
    assert irr([-70000, 12000, 15000, 18000, 21000, 26000]).rate == pytest.approx(0.0866, abs=5e-5)
    assert irr([-70000, 12000, 15000, 18000, 21000]).rate == pytest.approx(-0.0212, abs=5e-5)


def test_irr_matches_numpy_financial_docs_example() -> None:
    """numpy-financial irr docstring: [-100, 39, 59, 55, 20] -> 0.28094842115996066."""
    assert irr([-100, 39, 59, 55, 20]).rate == pytest.approx(0.28094842115996066, rel=1e-9)


def test_several_irrs_are_reported() -> None:
    # (x - 1)(x - 2)(x - 3) with x = 1 + r: roots 0 %, 100 %, 200 %.
    res = irr([-1, 6, -11, 6])
    assert res.multiple
    assert res.roots == pytest.approx((0.0, 1.0, 2.0), abs=1e-9)
    batch = irr_batch(np.array([[-1.0, 6, -11, 6]]))
    assert batch.n_roots[0] == 3


def test_no_irr_raises_no_solution() -> None:
    with pytest.raises(NoSolutionError):
        irr([100, 50, 25])
    batch = irr_batch(np.array([[100.0, 50, 25], [-100.0, 60, 60]]))
    assert batch.n_roots.tolist() == [0, 1]
    assert np.isnan(batch.rates[0]) and np.isfinite(batch.rates[1])


flows = st.lists(st.floats(min_value=1, max_value=1e6), min_size=1, max_size=40).flatmap(
    lambda pos: st.floats(min_value=1, max_value=1e7).map(lambda inv: [-inv, *pos])
)


@settings(max_examples=200, deadline=None)
@given(flows)
def test_npv_at_irr_is_zero(values: list[float]) -> None:
    """Conventional flows (one outlay, then inflows) have one IRR, and NPV(IRR) = 0."""
    try:
        res = irr(values)
    except NoSolutionError:
        # the root lies outside -99.9999 % .. +10,000 %: inflows tiny against the outlay
        assert sum(values[1:]) * 1e6 < values[0] * -1 or sum(values[1:]) > 100 * -values[0]
        return
    scale = sum(abs(v) for v in values)
    assert abs(float(npv(res.rate, values))) <= 1e-8 * scale
    b = irr_batch(np.array([values]))
    assert b.rates[0] == pytest.approx(res.rate, rel=1e-8, abs=1e-10)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=-1e6, max_value=1e6), min_size=1, max_size=30))
def test_at_rate_zero_npv_is_the_sum(values: list[float]) -> None:
    assert float(npv(0.0, values)) == pytest.approx(sum(values), rel=1e-9, abs=1e-6)


def test_payback_interpolates_within_the_period() -> None:
    assert float(payback([-1000, 400, 400, 400])) == pytest.approx(2.5)
    assert float(payback([100, 5])) == 0.0
    assert float(payback([-1000, 100, 100])) == np.inf
    # stays: a later dip below zero moves payback to the last crossing
    assert float(payback([-100, 150, -100, 100])) == pytest.approx(2.5)  # cum -100,50,-50,50
    disc = float(payback([-1000, 400, 400, 400], rate=0.05))  # PV 381.0, 362.8, 345.5
    assert 2.5 < disc < 3.0


def test_roi_seed_example_and_no_cost() -> None:
    assert float(roi_pct(15000, 10000)) == 50.0  # seed 000 / DOMAIN D1.1
    with pytest.raises(InputError):
        roi_pct(100, 0)


def test_annualize() -> None:
    assert float(annualize(0.01)) == pytest.approx(1.01**12 - 1)
