"""The flexible-budget variance: a worked example by hand and the identity as a property."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccecon.budget.variance import split
from ccecon.errors import InputError


def test_worked_example_by_hand() -> None:
    """Personnel, one month. Budget: 40,000 contacts x 0.12 paid hours a contact (AHT 300 s
    at 85 % occupancy and 30 % shrinkage, rounded for the example) x 25 EUR an hour =
    120,000 EUR. Actual: 44,000 contacts x 0.125 h x 24 EUR = 132,000 EUR; 12,000 over.
    Volume: 4,000 more contacts x 0.12 x 25 = 12,000 (over). Efficiency: 44,000 x 0.005 h
    x 25 = 5,500 (over: longer per contact). Rate: 44,000 x 0.125 x (24 - 25) = -5,500
    (under: cheaper hours). 12,000 + 5,500 - 5,500 = 12,000 = the total."""
    v = split(40_000, 0.12, 25.0, 44_000, 0.125, 24.0)
    assert v.budget == pytest.approx(120_000)
    assert v.actual == pytest.approx(132_000)
    assert v.volume == pytest.approx(12_000)
    assert v.efficiency == pytest.approx(5_500)
    assert v.rate == pytest.approx(-5_500)
    assert v.total == pytest.approx(12_000)


finite = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)


@given(cb=finite, ub=finite, pb=finite, ca=finite, ua=finite, pa=finite)
def test_the_three_parts_sum_to_the_total(
    cb: float, ub: float, pb: float, ca: float, ua: float, pa: float
) -> None:
    """Exactly in rationals (the same formulas on Fractions of the same floats), and within
    1e-9 of the largest term in floating point."""
    v = split(cb, ub, pb, ca, ua, pa)
    f = [Fraction(x) for x in (cb, ub, pb, ca, ua, pa)]
    exact_total = f[3] * f[4] * f[5] - f[0] * f[1] * f[2]
    parts = (f[3] - f[0]) * f[1] * f[2] + f[3] * (f[4] - f[1]) * f[2] + f[3] * f[4] * (f[5] - f[2])
    assert parts == exact_total
    scale = max(abs(v.budget), abs(v.actual), abs(v.volume), abs(v.efficiency), abs(v.rate), 1.0)
    assert abs(v.volume + v.efficiency + v.rate - v.total) <= 1e-9 * scale


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf")])
def test_bad_values_are_refused(bad: float) -> None:
    with pytest.raises(InputError, match="at least 0") as err:
        split(1.0, 1.0, 1.0, bad, 1.0, 1.0, where="actuals.csv row 3")
    assert err.value.field == "actual_volume"


money = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)
usage = st.floats(min_value=0, max_value=10, allow_nan=False, allow_infinity=False)
price = st.floats(min_value=0, max_value=1e3, allow_nan=False, allow_infinity=False)


@given(cb=money, ub=usage, pb=price, ca=money, ua=usage, pa=price)
def test_in_cents_the_parts_add_up_exactly(
    cb: float, ub: float, pb: float, ca: float, ua: float, pa: float
) -> None:
    """What ``budget track`` shows: volume + efficiency + rate = total, in whole cents,
    always; the rate carries the rounding, within 2 cents of its own rounded value (three
    roundings of half a cent each, plus the floating-point error of amounts up to 1e10)."""
    from ccecon.budget.track import cents, split_cents

    v = split(cb, ub, pb, ca, ua, pa)
    vol, eff, rate, total = split_cents(v)
    assert vol + eff + rate == total
    assert abs(rate - v.rate * 100) <= 2.0 + 1e-13 * max(v.actual, v.budget) * 100
    assert total == cents(v.actual) - cents(v.budget)
