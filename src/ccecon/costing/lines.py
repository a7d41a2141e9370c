"""Cost and benefit lines -> monthly amounts, vectorized over draws.

Pure functions: no I/O. Arrays have shape ``(draws, months + 1)``; column 0 is month 0
("at signing"), column ``m`` is plan month ``m``. A scalar input broadcasts as one draw.

Timing rules (see :mod:`ccecon.scenario.schema`):

* ``once``: ``amount x quantity`` in ``month``;
* ``monthly``: each month from ``start_month`` to ``end_month`` (inclusive);
* ``yearly``: in the first month of each plan year (1, 13, 25, ...) that is active;
* ``per_unit``: ``amount x quantity x driver[m]`` each active month;
* ``contract``: ``amount x quantity x charge[m]`` each active month and month 0 (the
  contract's setup terms), ``charge`` the price model's bill on the case's usage
  (:func:`ccecon.scenario.pricing.contract_charge`).

Growth is yearly and compounds by plan year: month ``m >= 1`` lies in plan year
``(m - 1) // 12``; month 0 lies in year 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


class Timing(StrEnum):
    """When a line's amount falls due."""

    once = "once"
    monthly = "monthly"
    yearly = "yearly"
    per_unit = "per_unit"
    contract = "contract"


def col(value: Any) -> Array:
    """A scenario value as a column: scalar -> shape (1, 1), draws (n,) -> shape (n, 1)."""
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        return arr.reshape(1, 1)
    return arr.reshape(-1, 1)


@lru_cache(maxsize=64)
def _months(months: int) -> npt.NDArray[np.int64]:
    """``0..months`` (read-only: shared by every line of every run of this horizon)."""
    m = np.arange(months + 1)
    m.setflags(write=False)
    return m


@lru_cache(maxsize=64)
def plan_year(months: int) -> npt.NDArray[np.int64]:
    """Plan year of months 0..months: month 0 and months 1-12 are year 0, 13-24 year 1.

    Read-only (computed once per horizon)."""
    m = _months(months)
    years = np.where(m == 0, 0, (m - 1) // 12)
    years.setflags(write=False)
    return years


def growth_profile(growth: Any, months: int) -> Array:
    """``(1 + growth) ** plan_year`` for months 0..months, shape (draws or 1, months + 1).

    Powers are taken once per plan year and gathered to months (a horizon has few years).
    """
    g = col(growth)
    years = plan_year(months)
    if not g.any():
        return np.ones((1, months + 1))
    per_year = np.power(1.0 + g, np.arange(int(years.max()) + 1)[None, :])
    return np.asarray(per_year[:, years], dtype=float)


def active_mask(
    timing: Timing,
    months: int,
    *,
    month: int | None,
    start_month: int,
    end_month: int | None,
) -> Array:
    """0/1 mask of the months a line falls due in, shape (1, months + 1)."""
    m = _months(months)
    if timing == Timing.once:
        mask = m == month
    else:
        last = months if end_month is None else end_month
        mask = (m >= start_month) & (m <= last)
        if timing == Timing.yearly:
            mask &= (m >= 1) & ((m - 1) % 12 == 0)
        elif timing == Timing.contract:
            mask |= m == 0  # the contract's setup terms fall at signing
    return mask.astype(float)[None, :]


def line_amounts(
    line: Any,
    months: int,
    drivers: Mapping[str, Array],
    *,
    risk_sign: float = 0.0,
) -> Array:
    """Monthly amounts of one cost or benefit line.

    Parameters
    ----------
    line : CostLine or BenefitLine
        The line (numeric fields may hold arrays of draws).
    months : int
        Horizon in months.
    drivers : mapping
        Driver name -> array (draws or 1, months + 1), used by ``per_unit`` lines.
    risk_sign : float
        0 for the unadjusted view; +1 raises the amount by its ``risk`` share (costs), -1
        cuts it (benefits), the Forrester TEI risk adjustment.

    Returns
    -------
    ndarray
        Shape (draws or 1, months + 1), in the scenario currency.
    """
    coef, pattern = line_terms(line, months)
    if risk_sign:
        coef = coef * risk_factor(line, risk_sign)
    amounts = expand(coef, pattern)
    if line.timing == Timing.per_unit:
        amounts = _times(amounts, drivers[line.driver])
    return amounts


def expand(coef: Array, pattern: Array) -> Array:
    """``coef @ pattern`` for a 0/1-like ``pattern``, summed in a fixed order, no BLAS.

    Parameters
    ----------
    coef : ndarray
        Shape (rows, k): one row per draw (or one row), e.g. ``[C_1 ... C_L]``.
    pattern : ndarray
        Shape (k, months + 1), mostly zeros (e.g. ``[E_1; ...; E_L]``).

    Returns
    -------
    ndarray
        Shape (rows, months + 1), C-contiguous: ``out[i, m] = sum_k coef[i, k] pattern[k, m]``
        over the ``k`` with ``pattern[k, m] != 0``, added in ascending ``k`` (each product
        and each sum rounded once, as IEEE 754 prescribes).

    Notes
    -----
    A BLAS matrix product (numpy's ``@``) adds the terms in an order chosen by its kernel:
    it varies with the number of rows, the number of BLAS threads and the CPU (OpenBLAS's
    Haswell and Sandybridge kernels differ in the last bit). Here every element is summed
    by element-wise operations in the order above, so a draw gets the same bits whether it
    is evaluated alone, in a block of 333 or of 32,768 draws, on any thread count or
    kernel. Months whose column of ``pattern`` is the same (every month of a plan year, for
    most lines) share one sum, gathered to the months at the end, so the (rows x months)
    result is written once.
    """
    coef = np.asarray(coef, dtype=float)
    pattern = np.asarray(pattern, dtype=float)
    rows, k = coef.shape
    if pattern.shape[0] != k:
        raise ValueError(f"coef has {k} columns but pattern has {pattern.shape[0]} rows")
    columns, inverse = _distinct_columns(pattern)
    if rows == 1:  # Python floats: the same IEEE operations, without per-call array costs
        c = coef[0].tolist()
        values = []
        for terms in columns:
            acc = 0.0
            for j, (i, w) in enumerate(terms):
                acc = c[i] * w if j == 0 else acc + c[i] * w
            values.append(acc)
        return np.asarray(values, dtype=float)[inverse][None, :]
    coef_t = np.ascontiguousarray(coef.T)  # (k, rows): each term a contiguous row
    sums = np.zeros((len(columns), rows))
    for u, terms in enumerate(columns):
        acc = sums[u]
        for j, (i, w) in enumerate(terms):
            term = coef_t[i] if w == 1.0 else coef_t[i] * w
            if j == 0:
                acc[...] = term
            else:
                acc += term
    return np.take(np.ascontiguousarray(sums.T), inverse, axis=1)


def _distinct_columns(
    pattern: Array,
) -> tuple[list[list[tuple[int, float]]], npt.NDArray[np.intp]]:
    """The distinct columns of ``pattern`` as lists of (row, weight) of their non-zero
    entries (ascending row), and for each column the index of its distinct column."""
    pt = np.ascontiguousarray(pattern.T)  # (months + 1, k)
    if pt.shape[1] == 0:
        return [[]], np.zeros(pt.shape[0], dtype=np.intp)
    keys = pt.view(np.dtype((np.void, pt.dtype.itemsize * pt.shape[1]))).ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    columns = []
    for col_values in pt[first].tolist():
        columns.append([(i, w) for i, w in enumerate(col_values) if w != 0.0])
    return columns, np.asarray(inverse, dtype=np.intp).ravel()


def _times(a: Array, b: Array) -> Array:
    """``a * b``, written into ``a`` when ``a`` already has the result's shape."""
    if a.shape == np.broadcast_shapes(a.shape, b.shape) and a.flags.writeable:
        a *= b
        return a
    return np.asarray(a * b, dtype=float)


def risk_factor(line: Any, risk_sign: float) -> Array:
    """Column of ``1 + risk_sign x risk`` (``risk`` a fraction: 0.2 = 20 %): the TEI
    adjustment of one line's amounts."""
    return 1.0 + risk_sign * col(line.risk)


def line_terms(line: Any, months: int) -> tuple[Array, Array]:
    """A line's monthly amounts as a product of two small matrices (before any driver).

    ``amounts = C @ E`` (times ``driver[m]`` for ``per_unit`` lines), where ``C`` holds the
    amount in each plan year, ``amount x quantity x (1 + growth) ** y``, shape
    (draws or 1, years), and ``E`` is 1 where month ``m`` lies in plan year ``y`` and the
    line is due, shape (years, months + 1). Without growth ``years`` collapses to 1.
    Summing many lines is then one product, ``[C_1 ... C_L] @ [E_1; ...; E_L]``, which
    writes the (draws x months) result once instead of once per line; :func:`expand`
    computes it in a fixed order (never a BLAS matrix product).

    Returns
    -------
    C, E : ndarray
        See above; same values as :func:`line_amounts` (each month has one non-zero term).
    """
    base = col(line.amount) * col(line.quantity)
    mask = active_mask(
        line.timing,
        months,
        month=line.month,
        start_month=line.start_month,
        end_month=line.end_month,
    )
    g = col(line.growth)
    if not g.any():
        return np.asarray(base, dtype=float), mask
    years = plan_year(months)
    span = np.arange(int(years.max()) + 1)
    coef = base * np.power(1.0 + g, span[None, :])
    pattern = (years[None, :] == span[:, None]) * mask
    return np.asarray(coef, dtype=float), np.asarray(pattern, dtype=float)
