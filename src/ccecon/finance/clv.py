"""Customer lifetime value (a published guide to service-center cost-effectiveness).

* Simple CLV = purchase value x purchases per year x years (3,000 x 4 x 10 = 120,000).
* Discounted CLV as an annuity of the yearly profit of a loyal customer:
  ``CLV = R x (1 - (1 + i) ** -n) / i`` with R = average monthly profit x 12, i the yearly
  discount rate and n the loyal years (end-of-year payments; ``CLV = R n`` when i = 0).
* When finance gives an average CLV instead of n, the annuity is solved for n:
  ``n = -ln(1 - CLV i / R) / ln(1 + i)``, which exists only while ``CLV < R / i`` (the value
  of a perpetuity); otherwise no number of years gives that CLV.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ccecon.errors import InputError, NoSolutionError

Array = npt.NDArray[np.float64]


def _finite(name: str, value: npt.ArrayLike) -> Array:
    arr = np.asarray(value, dtype=float)
    if np.any(~np.isfinite(arr)):
        raise InputError("must be a finite number", field=name, value=arr.tolist())
    return arr


def _nonneg(name: str, value: npt.ArrayLike) -> Array:
    arr = np.asarray(value, dtype=float)
    if np.any(~np.isfinite(arr)) or np.any(arr < 0):
        raise InputError("must be a finite number >= 0", field=name, value=arr.tolist())
    return arr


def clv_simple(
    purchase_value: npt.ArrayLike, purchases_per_year: npt.ArrayLike, years: npt.ArrayLike
) -> Array:
    """Undiscounted CLV = purchase value x purchases per year x years.

    Examples
    --------
    >>> float(clv_simple(3000, 4, 10))  # the published example
    120000.0
    """
    return np.asarray(
        _nonneg("purchase_value", purchase_value)
        * _nonneg("purchases_per_year", purchases_per_year)
        * _nonneg("years", years),
        dtype=float,
    )


def clv_annuity(yearly_profit: npt.ArrayLike, rate: npt.ArrayLike, years: npt.ArrayLike) -> Array:
    """Discounted CLV: ``R (1 - (1 + i)^-n) / i``, end-of-year profits.

    Parameters
    ----------
    yearly_profit : array_like
        R, profit a loyal customer brings in a year (= average monthly profit x 12).
    rate : array_like
        i, yearly discount rate (> -1); at 0 the CLV is ``R n``.
    years : array_like
        n, loyal years (>= 0, may be fractional).

    Examples
    --------
    >>> round(float(clv_annuity(1000, 0.1, 3)), 6)  # 1000/1.1 + 1000/1.21 + 1000/1.331
    2486.851991
    """
    r = _finite("yearly_profit", yearly_profit)
    i = _finite("rate", rate)
    n = _nonneg("years", years)
    if np.any(i <= -1):
        raise InputError("the discount rate must be above -1", field="rate", value=i.tolist())
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(i == 0, n, (1.0 - np.power(1.0 + i, -n)) / np.where(i == 0, 1.0, i))
    return np.asarray(r * factor, dtype=float)


def loyal_years_from_clv(
    clv: npt.ArrayLike, yearly_profit: npt.ArrayLike, rate: npt.ArrayLike
) -> Array:
    """Solve ``CLV = R (1 - (1 + i)^-n) / i`` for the loyal years n.

    Raises
    ------
    NoSolutionError
        When ``CLV >= R / i`` with i > 0 (no finite n reaches it), or R <= 0.

    Examples
    --------
    >>> round(float(loyal_years_from_clv(2486.851991, 1000, 0.1)), 6)
    3.0
    """
    v = _nonneg("clv", clv)
    r = _finite("yearly_profit", yearly_profit)
    i = _finite("rate", rate)
    if np.any(r <= 0):
        raise NoSolutionError("a loyal customer with no yearly profit has no finite loyal years")
    if np.any(i <= -1):
        raise InputError("the discount rate must be above -1", field="rate", value=i.tolist())
    zero = i == 0
    ratio = np.where(zero, 0.0, v * i / r)
    if np.any((~zero) & (ratio >= 1)):
        raise NoSolutionError(
            "the CLV is at or above R / i, the value of a customer loyal forever: no number of"
            " years gives it; check the CLV, the yearly profit or the rate"
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        n = np.where(zero, v / r, -np.log1p(-ratio) / np.log1p(np.where(zero, 1.0, i)))
    return np.asarray(n, dtype=float)
