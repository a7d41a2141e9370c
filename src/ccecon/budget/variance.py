"""Flexible-budget variance: why actual cost differs from budget, in money.

For a cost that is volume x usage per unit x price (personnel: contacts x paid hours per
contact x cost per hour; telecom: contacts x minutes per contact x rate per minute), the
standard three-way split (a flexible budget; e.g. Horngren, Datar and Rajan, *Cost
Accounting: A Managerial Emphasis*, chapter 7, "Flexible budgets, direct-cost variances")
is, with budget ``c_b, u_b, p_b`` and actual ``c_a, u_a, p_a``:

* **volume** = ``(c_a - c_b) x u_b x p_b``: more or fewer contacts at budgeted efficiency
  and price (the flexible budget minus the static budget);
* **efficiency** = ``c_a x (u_a - u_b) x p_b``: more or less time per contact (AHT,
  occupancy, shrinkage) on the actual contacts at the budgeted price;
* **rate** = ``c_a x u_a x (p_a - p_b)``: a higher or lower price per hour or minute on the
  usage actually bought.

The three telescope: volume + efficiency + rate = ``c_a u_a p_a - c_b u_b p_b`` = actual -
budget. In floating point each term is rounded, so the sum meets the total within a few
units in the last place; :func:`split` returns the terms as computed and a property test
holds the identity to 1e-9 relative (exactly, in rationals, in the test's own check).
Positive = over budget (unfavourable), negative = under (favourable).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ccecon.errors import InputError


@dataclass(frozen=True)
class Variance:
    """One cost element's variance in one period, scenario currency.

    Attributes
    ----------
    budget, actual : float
        ``c_b u_b p_b`` and ``c_a u_a p_a``.
    volume, efficiency, rate : float
        The three parts (see the module); positive = over budget.
    """

    budget: float
    actual: float
    volume: float
    efficiency: float
    rate: float

    @property
    def total(self) -> float:
        """Actual - budget."""
        return self.actual - self.budget


def split(
    budget_volume: float,
    budget_usage: float,
    budget_price: float,
    actual_volume: float,
    actual_usage: float,
    actual_price: float,
    *,
    where: str = "",
) -> Variance:
    """The volume, efficiency and rate variances of one element and period.

    Parameters
    ----------
    budget_volume, actual_volume : float
        Contacts (or any volume driver), >= 0.
    budget_usage, actual_usage : float
        Usage per unit of volume: paid hours per contact, minutes per contact, >= 0.
    budget_price, actual_price : float
        Price per unit of usage: cost per paid hour, rate per minute, >= 0.
    where : str
        Where the values come from (file, row), named by the error for a bad value.

    Returns
    -------
    Variance
    """
    values = {
        "budget_volume": budget_volume,
        "budget_usage": budget_usage,
        "budget_price": budget_price,
        "actual_volume": actual_volume,
        "actual_usage": actual_usage,
        "actual_price": actual_price,
    }
    for name, v in values.items():
        if not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
            raise InputError(
                "expected a finite number of at least 0", field=name, value=v, file=where or None
            )
    cb, ub, pb = budget_volume, budget_usage, budget_price
    ca, ua, pa = actual_volume, actual_usage, actual_price
    return Variance(
        budget=cb * ub * pb,
        actual=ca * ua * pa,
        volume=(ca - cb) * ub * pb,
        efficiency=ca * (ua - ub) * pb,
        rate=ca * ua * (pa - pb),
    )
