"""Line amounts as ``C @ E`` equal the timing rules written month by month.

Reference: the timing rules of ``ccecon.costing.lines`` (module docstring; DOMAIN D1.2),
evaluated here with plain Python loops, one draw and one month at a time.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ccecon.costing.lines import line_amounts
from ccecon.scenario.schema import CostLine, Timing


def _by_hand(line: Any, months: int, driver: np.ndarray, draw: int, m: int) -> float:
    def at(v: Any) -> float:
        a = np.asarray(v, dtype=float).ravel()
        return float(a[draw] if a.size > 1 else a[0])

    last = months if line.end_month is None else line.end_month
    if line.timing == Timing.once:
        due = m == line.month
    else:
        due = line.start_month <= m <= last
        if line.timing == Timing.yearly:
            due = due and m >= 1 and (m - 1) % 12 == 0
    if not due:
        return 0.0
    year = 0 if m == 0 else (m - 1) // 12
    value = at(line.amount) * at(line.quantity) * (1.0 + at(line.growth)) ** year
    if line.timing == Timing.per_unit:
        value *= float(driver[draw if driver.shape[0] > 1 else 0, m])
    return value


@settings(max_examples=200, deadline=None)
@given(
    timing=st.sampled_from(
        [t for t in Timing if t != Timing.contract]
    ),  # contract: test_contract_lines.py,
    months=st.integers(1, 40),
    draws=st.integers(1, 4),
    drawn_growth=st.booleans(),
    growth=st.floats(-0.5, 0.5),
    start=st.integers(0, 40),
    length=st.one_of(st.none(), st.integers(0, 40)),
    seed=st.integers(0, 2**31),
)
def test_line_amounts_follow_the_timing_rules(
    timing: Timing,
    months: int,
    draws: int,
    drawn_growth: bool,
    growth: float,
    start: int,
    length: int | None,
    seed: int,
) -> None:
    rng = np.random.default_rng(seed)
    start = min(start, months)
    end = None if length is None else min(months, start + length)
    fields: dict[str, Any] = {
        "name": "x",
        "family": "operating",
        "amount": 1000.0,
        "timing": timing.value,
        "growth": growth,
    }
    if timing == Timing.once:
        fields["month"] = start
    else:
        fields["start_month"] = start
        fields["end_month"] = end
    if timing == Timing.per_unit:
        fields["driver"] = "seats"
    line = CostLine.model_validate(fields)
    update: dict[str, Any] = {"amount": rng.uniform(10, 1000, draws), "quantity": 3.0}
    if drawn_growth:
        update["growth"] = rng.uniform(-0.2, 0.3, draws)
    line = line.model_copy(update=update)
    driver = rng.uniform(0, 50, (draws, months + 1))
    got = line_amounts(line, months, {"seats": driver})
    assert got.shape == (draws, months + 1)
    for d in range(draws):
        for m in range(months + 1):
            want = _by_hand(line, months, driver, d, m)
            assert got[d, m] == np.float64(want) or abs(got[d, m] - want) <= 1e-12 * abs(want)
