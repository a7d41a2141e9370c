"""Returns on a cash flow: NPV, IRR, payback, ROI. Pure numpy/scipy, vectorized.

Conventions (as numpy-financial, stated once for every function here)
---------------------------------------------------------------------
* ``values[..., t]`` is the net flow of period ``t``; ``t = 0`` is "now" and is **not**
  discounted; flows fall at the end of each period. Leading axes are draws.
* Rates are per period (a month for the engine). Inflows are positive, outflows negative.
* Excel's ``NPV(rate, v1, ..., vn)`` discounts its first value too: Excel's
  ``NPV(r, v1..vn) + v0`` equals ``npv(r, [v0, v1, ..., vn])`` here.
* Rate arrays are scalars or shaped ``(..., 1)`` (one rate per draw); others are refused.
* Nothing here returns NaN silently: ``irr`` raises :class:`NoSolutionError` when there is
  no IRR and ``irr_batch`` gives NaN exactly where its ``status`` is ``"none"``; payback
  returns ``inf`` for "never"; ROI with no cost raises unless ``undefined="nan"`` is asked
  for; non-finite flows and rates <= -100 % raise :class:`InputError`.

Formulas and sources: ``docs/formulas.md``; speed: ``benchmarks/bench_irr.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt
from scipy.optimize import brentq

from ccecon.errors import InputError, NoSolutionError

if TYPE_CHECKING:
    import pandas as pd

Array = npt.NDArray[np.float64]

# IRR search domain in u = ln(1 + rate): rates from -99.9999 % to +10,000 % a period.
_U_LOW = float(np.log(1e-6))
_U_HIGH = float(np.log(101.0))


def _as_flows(values: npt.ArrayLike, what: str, min_periods: int = 2) -> Array:
    """Flows as a float array, checked: at least ``min_periods`` periods, all finite."""
    v = np.asarray(values, dtype=float)
    if v.ndim == 0 or v.shape[-1] < min_periods:
        raise InputError(
            f"{what} needs flows of at least {min_periods} period(s) on the last axis",
            field="values",
            value=v.shape,
        )
    if not np.all(np.isfinite(v)):
        bad = np.argwhere(~np.isfinite(v))[0]
        raise InputError(
            f"{what} needs finite flows",
            field="values[" + ", ".join(str(int(i)) for i in bad) + "]",
            value=float(v[tuple(bad)]),
        )
    return v


def npv(rate: npt.ArrayLike, values: npt.ArrayLike) -> Array:
    """Net present value, first value at t = 0 undiscounted.

    ``sum_t values[..., t] / (1 + rate) ** t``.

    Parameters
    ----------
    rate : array_like
        Rate per period (> -1): a scalar, or shaped ``(..., 1)`` so that it broadcasts over
        the leading axes of ``values`` (``rate[:, None]`` for one rate per draw). Any other
        shape raises :class:`InputError` rather than silently pairing rates with periods.
    values : array_like
        Flows, time on the last axis, t = 0 first (undiscounted), each flow at the end of
        its period; inflows positive, outflows negative.

    Returns
    -------
    ndarray
        NPV over the leading axes (a 0-d array for one flow).

    Examples
    --------
    >>> round(float(npv(0.1, [-100, 60, 60])), 6)  # -100 + 60/1.1 + 60/1.21
    4.132231
    >>> npv(0.1, [[-100, 60, 60], [-100, 0, 133.1]]).round(6).tolist()  # one NPV per row
    [4.132231, 10.0]
    >>> npv([[0.0], [0.1]], [-100, 60, 60]).round(6).tolist()  # one rate per draw
    [20.0, 4.132231]

    Excel's ``NPV(rate, value1, ...)`` discounts ``value1`` by one period; the same result
    here needs a leading 0 (or add the t = 0 flow outside Excel's NPV).
    """
    v = _as_flows(values, "NPV", min_periods=1)
    disc = _discount_factors(rate, v.shape[-1])
    return np.asarray(np.sum(v * disc, axis=-1), dtype=float)


def _discount_factors(rate: npt.ArrayLike, periods: int) -> Array:
    """``(1 + rate) ** -t`` for t = 0..periods-1; ``rate`` is a scalar or shaped (..., 1)."""
    r = np.asarray(rate, dtype=float)
    if r.ndim > 0 and r.shape[-1] != 1:
        raise InputError(
            "the rate must be a scalar or have a last axis of length 1 (rate[..., None]) so"
            " that it broadcasts over the leading axes of the flows",
            field="rate",
            value=r.shape,
        )
    if not np.all(np.isfinite(r)) or np.any(r <= -1.0):
        raise InputError(
            "the rate per period must be finite and > -100 %",
            field="rate",
            value=float(np.min(r)) if np.all(np.isfinite(r)) else "nan/inf",
        )
    t = np.arange(periods, dtype=float)
    return np.asarray(np.power(1.0 + r, -t), dtype=float)


@dataclass(frozen=True)
class IRRResult:
    """The internal rate(s) of return of one flow.

    Attributes
    ----------
    rate : float
        The root nearest to 0 (per period).
    roots : tuple of float
        Every root found in (-100 %, +10,000 %), ascending.
    multiple : bool
        True when there are several roots: IRR is then ambiguous; judge by NPV.
    """

    rate: float
    roots: tuple[float, ...]
    multiple: bool

    def to_frame(self) -> pd.DataFrame:
        """One row per root: rate (per period), and whether it is the one shown."""
        import pandas as pd

        return pd.DataFrame(
            {"rate": list(self.roots), "shown": [r == self.rate for r in self.roots]}
        )


@dataclass(frozen=True)
class IRRBatch:
    """IRRs of many flows (rows).

    Attributes
    ----------
    rates : ndarray
        Per row, the root nearest to 0 (per period); NaN exactly where ``n_roots == 0``
        (``status == "none"``).
    n_roots : ndarray of int
        Number of roots found per row on the scan grid (0 = no IRR, > 1 = several).
    """

    rates: Array
    n_roots: npt.NDArray[np.int64]

    @property
    def status(self) -> npt.NDArray[np.str_]:
        """Per row: ``"none"`` (no IRR), ``"ok"`` (one root) or ``"several"`` (ambiguous)."""
        return np.where(self.n_roots == 0, "none", np.where(self.n_roots > 1, "several", "ok"))

    def to_frame(self) -> pd.DataFrame:
        """One row per flow: rate, n_roots, status."""
        import pandas as pd

        return pd.DataFrame({"rate": self.rates, "n_roots": self.n_roots, "status": self.status})


def _g(vt: Array, u: Array) -> Array:
    """A continuous function with the sign of NPV at rate ``exp(u) - 1``, row by row.

    ``vt`` is the flows transposed (periods x rows, contiguous). ``sum_t v_t e^(-u t)`` for
    ``u >= 0`` and ``e^(u T)`` times that for ``u < 0``: both are
    polynomials in a factor <= 1 (evaluated by Horner's rule), equal at ``u = 0``, so no
    power overflows whatever the horizon.
    """
    return _g_dg(vt, u, derivative=False)[0]


@lru_cache(maxsize=16)
def _basis(periods: int, grid: tuple[float, ...]) -> Array:
    """``_g``'s weights of each period at each grid point: ``_g(grid) = values @ basis``."""
    T = periods - 1
    t = np.arange(periods, dtype=float)[:, None]
    u = np.asarray(grid)[None, :]
    basis = np.exp(np.where(u >= 0, -u * t, u * (T - t)))
    basis.setflags(write=False)
    return basis


def _g_grid(values: Array, grid: Array) -> Array:
    """``_g`` of every row at every grid point, with signs that do not depend on the BLAS.

    One matrix product gives every value at once, but its rounding depends on the number
    of rows, the BLAS threads and the CPU kernel. Only the signs (and exact zeros) of these
    values are used, so every value within ``_SIGN_SLACK`` of zero, where summation in
    another order could change the sign, is evaluated again by Horner's rule (:func:`_g`,
    element-wise operations in a fixed order). A row's brackets are then the same whatever
    rows share its batch and whatever machine runs it. (Any order of summation of ``P``
    terms is within ``P eps sum_t |v_t| w_t`` of the exact sum, and Horner's rule within a
    few times that; the slack is four times their sum, so a sign taken from the product is
    the exact sign and a sign taken from Horner's rule is too wherever the product's is.)
    Values far from zero are the product's: use :func:`_g` for values that matter.
    """
    basis = _basis(values.shape[1], tuple(grid.tolist()))
    out = np.asarray(values @ basis, dtype=float)
    weight = basis.sum(axis=0)  # sum_t w_t at each grid point
    scale = (_SIGN_SLACK * values.shape[1]) * np.abs(values).max(axis=1)
    # Rows with a value near zero somewhere (few): first against the largest weight, then
    # value by value.
    near = np.abs(out).min(axis=1) <= scale * weight.max()
    if near.any():
        rows = np.flatnonzero(near)
        r, j = np.nonzero(np.abs(out[rows]) <= scale[rows, None] * weight[None, :])
        if r.size:
            r = rows[r]
            out[r, j] = _g(np.ascontiguousarray(values[r].T), np.asarray(grid, dtype=float)[j])
    return out


_SIGN_SLACK = 16 * np.finfo(float).eps
"""Per period, the relative distance from zero within which :func:`_g_grid` takes a sign
from Horner's rule rather than from the matrix product (see there)."""


def _g_dg(vt: Array, u: Array, derivative: bool = True) -> tuple[Array, Array]:
    """``_g`` and its derivative in ``u``, by Horner's rule on both branches.

    For ``u >= 0``: ``P(d) = sum v_t d^t`` with ``d = e^-u``, ``dG/du = -d P'(d)``; for
    ``u < 0``: ``Q(x) = sum v_t x^(T-t)`` with ``x = e^u``, ``dH/du = x Q'(x)``. Each branch
    runs over every row with its factor clipped to 1 on the other side (no gathering of
    columns, no overflow), and is skipped when no row needs it.
    """
    T = vt.shape[0] - 1
    pos = u >= 0
    n = vt.shape[1]
    if n <= _FEW_ROWS:
        return _g_dg_few(vt, u, pos, derivative)
    g = np.zeros(n)
    dg = np.zeros(n)
    if pos.any():
        d = np.exp(-np.maximum(u, 0.0))
        p = np.zeros(n)
        q = np.zeros(n)
        for t in range(T, -1, -1):
            if derivative:
                q *= d
                q += p
            p *= d
            p += vt[t]
        np.copyto(g, p, where=pos)
        np.copyto(dg, -d * q, where=pos)
    if not pos.all():
        x = np.exp(np.minimum(u, 0.0))
        p = np.zeros(n)
        q = np.zeros(n)
        for t in range(T + 1):
            if derivative:
                q *= x
                q += p
            p *= x
            p += vt[t]
        neg = ~pos
        np.copyto(g, p, where=neg)
        np.copyto(dg, x * q, where=neg)
    return g, dg


_FEW_ROWS = 8
"""Up to this many rows :func:`_g_dg` runs Horner's rule in Python floats: four array
operations per period cost far more than the arithmetic for one row (a one-draw IRR of
37 months: ~0.02 ms a step instead of ~0.15 ms)."""


def _g_dg_few(
    vt: Array, u: Array, pos: npt.NDArray[np.bool_], derivative: bool
) -> tuple[Array, Array]:
    """:func:`_g_dg` row by row in Python floats: the same IEEE operations in the same
    order (a product, then a sum, each rounded; no fused multiply-add), so the same bits,
    and a row's IRR does not depend on how many rows share its batch."""
    d = np.exp(-np.maximum(u, 0.0)).tolist()
    x = np.exp(np.minimum(u, 0.0)).tolist()
    g = np.zeros(vt.shape[1])
    dg = np.zeros(vt.shape[1])
    for i, (up, flows) in enumerate(zip(pos.tolist(), vt.T.tolist(), strict=True)):
        f = d[i] if up else x[i]
        p = q = 0.0
        for v in reversed(flows) if up else flows:
            if derivative:
                q = q * f + p
            p = p * f + v
        g[i] = p
        dg[i] = -f * q if up else f * q
    return g, dg


def _newton_bracketed(
    vt: Array, a: Array, b: Array, fa: Array, x0: Array, iterations: int = 100
) -> Array:
    """Safeguarded Newton on ``_g`` within sign-changing brackets ``[a, b]``, vectorized.

    Starts at ``x0`` (inside the bracket). A Newton step that leaves the bracket is replaced
    by bisection, so each row converges; a row leaves the loop after a Newton step below
    1e-9 in ``ln(1 + rate)`` (quadratic convergence: the result is then good to ~1e-15),
    when its bracket is below 1e-14 (relative above 1), or when ``g`` is exactly zero.
    """
    if a.size <= _FEW_ROWS:
        return _newton_few(vt, a, b, fa, x0, iterations)
    x = x0.copy()
    # Working set: rows still iterating plus, until it pays to compact them away, rows that
    # are done (evaluating them is cheaper than gathering the flows of the others).
    cur = np.arange(a.size)
    wv, wa, wb, wfa, wx = vt, a.copy(), b.copy(), fa.copy(), x0.copy()
    live = np.ones(a.size, dtype=bool)
    for _ in range(iterations):
        n_live = int(np.count_nonzero(live))
        if n_live == 0:
            break
        if n_live < 0.5 * cur.size:
            x[cur] = wx
            cur, wv = cur[live], wv[:, live]
            wa, wb, wfa, wx = wa[live], wb[live], wfa[live], wx[live]
            live = np.ones(cur.size, dtype=bool)
        X = wx
        G, DG = _g_dg(wv, X)
        same = np.sign(G) == np.sign(wfa)
        A = np.where(same, X, wa)
        FA = np.where(same, G, wfa)
        B = np.where(same, wb, X)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.where(DG != 0, G / DG, np.inf)
        newton = X - step
        inside = (newton > np.minimum(A, B)) & (newton < np.maximum(A, B))
        nxt = np.where(inside, newton, 0.5 * (A + B))
        exact = G == 0
        size = np.maximum(1.0, np.abs(X))
        # A Newton step below 1e-9 leaves an error of order step^2 x g''/g' (< 1e-15): its
        # result is accepted without another evaluation.
        converged = inside & (np.abs(nxt - X) <= 1e-9 * size)
        done = converged | (np.abs(B - A) <= 1e-14 * size) | exact
        upd = live  # rows already done keep their answer
        wa = np.where(upd, A, wa)
        wb = np.where(upd, B, wb)
        wfa = np.where(upd, FA, wfa)
        wx = np.where(upd, np.where(exact, X, nxt), wx)
        live = live & ~done
    x[cur] = wx
    return x


def _sign(v: float) -> float:
    """``np.sign`` of a float (NaN for NaN)."""
    return 1.0 if v > 0 else (-1.0 if v < 0 else (0.0 if v == 0 else math.nan))


def _newton_few(vt: Array, a: Array, b: Array, fa: Array, x0: Array, iterations: int) -> Array:
    """:func:`_newton_bracketed` row by row in Python floats: the same steps and tests in
    the same IEEE operations, so the same bits (a one-draw run's IRR: a few Python loops
    instead of some twenty array operations per step)."""
    out = np.empty(a.size)
    for i in range(a.size):
        row = vt[:, i : i + 1]
        ai, bi, fai, x = float(a[i]), float(b[i]), float(fa[i]), float(x0[i])
        for _ in range(iterations):
            g_arr, dg_arr = _g_dg(row, np.array([x]))
            g, dg = float(g_arr[0]), float(dg_arr[0])
            same = _sign(g) == _sign(fai)
            lo_a, lo_fa, lo_b = (x, g, bi) if same else (ai, fai, x)
            step = g / dg if dg != 0 else math.inf
            newton = x - step
            inside = min(lo_a, lo_b) < newton < max(lo_a, lo_b)
            nxt = newton if inside else 0.5 * (lo_a + lo_b)
            exact = g == 0
            size = max(1.0, abs(x))
            converged = inside and abs(nxt - x) <= 1e-9 * size
            done = converged or abs(lo_b - lo_a) <= 1e-14 * size or exact
            ai, bi, fai = lo_a, lo_b, lo_fa
            x = x if exact else nxt
            if done:
                break
        out[i] = x
    return out


def _sign_changes(v: Array) -> npt.NDArray[np.int64]:
    """Sign changes of each row's non-zero coefficients (Descartes' bound on the IRRs).

    Descartes' rule of signs, in ``x = 1 / (1 + rate)``: the number of IRRs in
    (-100 %, +inf) is the number of sign changes or less by an even number.
    """
    s = np.sign(np.atleast_2d(v))
    idx = np.where(s != 0, np.arange(s.shape[1])[None, :], 0)
    np.maximum.accumulate(idx, axis=1, out=idx)
    filled = np.take_along_axis(s, idx, axis=1)  # zeros take the previous non-zero sign
    return np.count_nonzero(filled[:, 1:] * filled[:, :-1] < 0, axis=1).astype(np.int64)


def _scan_grid() -> Array:
    grid = np.unique(
        np.concatenate(
            [
                np.linspace(_U_LOW, -0.05, 24),
                np.linspace(-0.05, 0.05, 41),
                np.linspace(0.05, _U_HIGH, 32),
            ]
        )
    )
    grid[np.argmin(np.abs(grid))] = 0.0  # rate 0 exactly on the grid (sum of the flow)
    return grid


_SCAN = _scan_grid()
# brackets [_SCAN[k], _SCAN[k + 1]] ordered by the distance of their midpoint from rate 0
_BRACKET_ORDER = np.argsort(np.abs(0.5 * (_SCAN[:-1] + _SCAN[1:])), kind="stable")


def irr_batch(values: npt.ArrayLike) -> IRRBatch:
    """IRR of every row of a 2-D array of flows (draws x periods), vectorized.

    Method: a row whose flows do not take both signs has no IRR (Descartes' rule of signs).
    The other rows are scanned on a fixed grid of 95 values of ``ln(1 + rate)`` from
    -99.9999 % to +10,000 % a period (one matrix product, in a form that cannot overflow);
    the sign changes found are the roots counted, and the bracket nearest rate 0 is refined
    from its linear interpolate by safeguarded Newton steps to about 1e-14 in
    ``ln(1 + rate)``. Two roots closer together than the grid step (0.25 points of rate
    near 0, wider far from it) can be missed; :func:`irr` scans a much finer grid for a
    single flow.

    Parameters
    ----------
    values : array_like, shape (rows, periods) or (periods,)
        Flows, time on the last axis, t = 0 undiscounted.

    Returns
    -------
    IRRBatch
        ``rates`` per period (NaN exactly where ``n_roots == 0``), ``n_roots``, ``status``.

    Raises
    ------
    InputError
        When a flow is not finite or has fewer than two periods.
    """
    v = _as_flows(values, "IRR")
    if v.ndim == 1:
        v = v[None, :]
    if v.ndim != 2:
        raise InputError("irr_batch needs a 2-D array (rows x periods)", value=v.shape)
    if v.shape[0] > _CHUNK_ROWS:  # bound memory: the scan holds rows x 95 values
        parts = [_irr_rows(v[i : i + _CHUNK_ROWS]) for i in range(0, v.shape[0], _CHUNK_ROWS)]
        return IRRBatch(
            rates=np.concatenate([p[0] for p in parts]),
            n_roots=np.concatenate([p[1] for p in parts]),
        )
    rates, n_roots = _irr_rows(v)
    return IRRBatch(rates=rates, n_roots=n_roots)


_CHUNK_ROWS = 65_536


def _transposed(rows: Array, block: int = 1024) -> Array:
    """``rows.T`` as a C-contiguous array, copied ``block`` rows at a time.

    A block's columns stay in cache while they are written out, so this is about 1.6x
    faster than ``np.ascontiguousarray(rows.T)`` on (25,000 x 61) flows, with equal values.
    """
    out = np.empty((rows.shape[1], rows.shape[0]))
    for i in range(0, rows.shape[0], block):
        out[:, i : i + block] = rows[i : i + block].T
    return out


def _irr_rows(v: Array) -> tuple[Array, npt.NDArray[np.int64]]:
    """:func:`irr_batch` on one block of rows: (rates, n_roots)."""
    n = v.shape[0]
    rates = np.full(n, np.nan)
    n_roots = np.zeros(n, dtype=np.int64)
    mixed = np.nonzero((v > 0).any(axis=1) & (v < 0).any(axis=1))[0]
    if mixed.size == 0:
        return rates, n_roots
    vm = v if mixed.size == n else v[mixed]
    m = vm.shape[0]
    rows = np.arange(m)
    G = _g_grid(vm, _SCAN)
    pos = G > 0
    change = pos[:, 1:] != pos[:, :-1]
    counts = np.count_nonzero(change, axis=1)
    exact_u = np.full(m, np.nan)  # a root exactly on a grid point, nearer 0 than any bracket
    zero_rows = np.nonzero((G == 0).any(axis=1))[0]
    if zero_rows.size:  # rare: integer flows summing to 0, roots on grid points
        s = np.sign(G[zero_rows])
        strict = s[:, :-1] * s[:, 1:] < 0
        z = s == 0
        counts[zero_rows] = strict.sum(axis=1) + z.sum(axis=1)
        change[zero_rows] = strict
        mid = np.abs(0.5 * (_SCAN[:-1] + _SCAN[1:]))
        bdist = np.where(strict, mid[None, :], np.inf).min(axis=1)
        zdist = np.where(z, np.abs(_SCAN)[None, :], np.inf)
        kz = np.argmin(zdist, axis=1)
        nearer = zdist[np.arange(zero_rows.size), kz] < bdist
        exact_u[zero_rows[nearer]] = _SCAN[kz[nearer]]
    n_roots[mixed] = counts
    ordered = change[:, _BRACKET_ORDER]
    j = np.argmax(ordered, axis=1)
    k = _BRACKET_ORDER[j]
    solve = np.nonzero(ordered[rows, j] & np.isnan(exact_u))[0]
    point = np.nonzero(~np.isnan(exact_u))[0]
    rates[mixed[point]] = np.expm1(exact_u[point])
    if solve.size:
        ks = k[solve]
        a, b = _SCAN[ks], _SCAN[ks + 1]
        vt = _transposed(vm if solve.size == m else vm[solve])
        # The bracket's values by Horner's rule (fixed order), not the product's: the start
        # of Newton's steps, and so the root's last bits, do not depend on the BLAS.
        ga, gb = _g(vt, a), _g(vt, b)
        x0 = a + (b - a) * ga / (ga - gb)  # linear interpolate: Newton then needs few steps
        u = _newton_bracketed(vt, a, b, ga, np.clip(x0, a, b))
        rates[mixed[solve]] = np.expm1(u)
    return rates, n_roots


def irr(values: npt.ArrayLike) -> IRRResult:
    """Internal rate of return of one flow, with every root reported.

    Method: Descartes' rule of signs first (a flow with no sign change has no IRR, one with
    a single change has exactly one in (-100 %, +inf)); then NPV's sign is scanned on a
    grid of about 4,000 values of ``ln(1 + rate)`` from -99.9999 % to +10,000 % a period
    (dense near 0), and each bracket with a sign change is solved with Brent's method
    (``scipy.optimize.brentq``) to machine precision. numpy-financial's ``irr`` is not used:
    its eigenvalue method returns NaN on some valid flows and only one root.

    Parameters
    ----------
    values : array_like, 1-D
        Flows per period, t = 0 first and undiscounted.

    Returns
    -------
    IRRResult
        ``rate`` (the root nearest 0, per period), all ``roots`` ascending, and
        ``multiple`` (True when there are several: the IRR is then ambiguous).

    Raises
    ------
    NoSolutionError
        When NPV never crosses zero for rates in (-99.9999 %, +10,000 %) a period, e.g. a
        flow whose values never change sign.
    InputError
        When the flow is not 1-D, shorter than two periods, or not finite.

    Examples
    --------
    >>> round(irr([-100, 39, 59, 55, 20]).rate, 6)  # numpy-financial docs example
    0.280948
    >>> res = irr([-1, 6, -11, 6])  # (x-1)(x-2)(x-3) with x = 1 + rate
    >>> [round(r, 9) for r in res.roots], res.multiple  # 0 %, 100 %, 200 %
    ([0.0, 1.0, 2.0], True)
    """
    v = _as_flows(values, "IRR")
    if v.ndim != 1:
        raise InputError("irr takes one 1-D flow; use irr_batch for rows", value=v.shape)
    changes = int(_sign_changes(v)[0])
    if changes == 0:
        raise NoSolutionError(
            "the flow has no internal rate of return: its values never change sign"
            " (Descartes' rule of signs); judge it by NPV"
        )
    row = v[None, :]
    grid = _FINE if changes > 1 else _SCAN  # one change: exactly one root, any bracket holds it
    g = _g_grid(row, grid)[0]
    roots = [float(np.expm1(grid[i])) for i in np.nonzero(g == 0)[0]]
    vt = np.ascontiguousarray(row.T)
    for i in np.nonzero(g[:-1] * g[1:] < 0)[0]:
        u = brentq(
            lambda z: float(_g(vt, np.array([z]))[0]),
            grid[i],
            grid[i + 1],
            xtol=1e-16,
            rtol=4 * np.finfo(float).eps,
            maxiter=200,
        )
        roots.append(float(np.expm1(u)))
    if not roots:
        raise NoSolutionError(
            "the flow has no internal rate of return between -99.9999 % and +10,000 % a"
            " period (NPV never crosses zero there); judge it by NPV"
        )
    unique: list[float] = []
    for r in sorted(roots):  # a root on a grid point may be found twice
        if not unique or abs(np.log1p(r) - np.log1p(unique[-1])) > 1e-12:
            unique.append(r)
    nearest = min(unique, key=abs)
    return IRRResult(rate=nearest, roots=tuple(unique), multiple=len(unique) > 1)


_FINE = np.unique(
    np.concatenate([_SCAN, np.linspace(_U_LOW, _U_HIGH, 2000), np.linspace(-0.1, 0.1, 2001)])
)


def payback(values: npt.ArrayLike, rate: npt.ArrayLike | None = None) -> Array:
    """Payback period in fractional periods, counted from t = 0.

    The time after which the cumulative (discounted at ``rate`` per period, if given) net
    flow becomes non-negative **and stays so** until the end of the flow; within that
    period the crossing is interpolated linearly (flows are spread evenly over a period
    for this purpose only). Conventions, explicit:

    * ``0.0`` when the cumulative flow is never negative (nothing to pay back);
    * ``inf`` when the cumulative flow is negative at the last period (it does not pay
      back within the flow), never NaN;
    * a later dip below zero moves payback to the last crossing.

    Parameters
    ----------
    values : array_like
        Flows, time on the last axis, t = 0 first.
    rate : array_like, optional
        Discount rate per period for discounted payback: a scalar or shaped ``(..., 1)``.

    Returns
    -------
    ndarray
        Payback in periods, shape ``values.shape[:-1]``.

    Examples
    --------
    >>> float(payback([-1000, 400, 400, 400]))  # cumulative -1000, -600, -200, 200
    2.5
    """
    v = _as_flows(values, "payback", min_periods=1)
    if rate is not None:
        v = v * _discount_factors(rate, v.shape[-1])
    shape = v.shape[:-1]
    v = v.reshape(-1, v.shape[-1])
    T = v.shape[1]
    cum = np.cumsum(v, axis=1)
    neg = cum < 0
    never_neg = ~neg.any(axis=1)
    last_neg = T - 1 - np.argmax(neg[:, ::-1], axis=1)  # last period still below zero
    out = np.full(v.shape[0], np.inf)
    i = np.nonzero(~never_neg & (last_neg < T - 1))[0]
    k = last_neg[i]
    out[i] = k + (-cum[i, k]) / v[i, k + 1]
    out[never_neg] = 0.0
    return out.reshape(shape)


def roi_pct(
    benefit: npt.ArrayLike, cost: npt.ArrayLike, *, undefined: Literal["raise", "nan"] = "raise"
) -> Array:
    """Return on investment in percent: ``(benefit - cost) / cost x 100``.

    Seed 000: invest 10,000, get 15,000 back -> 50 %.

    Parameters
    ----------
    benefit, cost : array_like
        Totals over the same evaluation period, same currency; broadcast together.
    undefined : {"raise", "nan"}
        What to do where ``cost <= 0`` (ROI has no meaning without an investment; a
        negative "cost" is a saving and belongs in the benefit). ``"raise"`` (default)
        raises :class:`InputError`; ``"nan"`` returns NaN exactly there, for Monte Carlo
        callers that report the share of draws without a defined ROI (mask: ``cost > 0``).

    Raises
    ------
    InputError
        When any cost is <= 0 or not finite and ``undefined="raise"``.

    Examples
    --------
    >>> float(roi_pct(15000, 10000))  # invest 10,000, get 15,000 back
    50.0
    """
    b, c = np.broadcast_arrays(np.asarray(benefit, dtype=float), np.asarray(cost, dtype=float))
    if not (np.all(np.isfinite(b)) and np.all(np.isfinite(c))):
        raise InputError("ROI needs finite benefit and cost", field="benefit/cost")
    bad = c <= 0
    if np.any(bad) and undefined == "raise":
        raise InputError(
            "ROI is not defined when the total cost is zero or negative; expected a cost > 0",
            field="cost",
            value=float(np.min(c)),
        )
    out = np.full(c.shape, np.nan)
    np.divide((b - c) * 100.0, c, out=out, where=~bad)
    return out


def annualize(rate_per_month: npt.ArrayLike) -> Array:
    """Effective monthly rate to effective annual rate: ``(1 + r) ** 12 - 1``.

    The inverse is :func:`ccecon.units.annual_to_monthly_rate`. Raises
    :class:`InputError` for a rate that is not finite or not above -100 %.

    Examples
    --------
    >>> round(float(annualize(0.01)), 6)  # 1 % a month is 12.6825 % a year
    0.126825
    """
    r = np.asarray(rate_per_month, dtype=float)
    if not np.all(np.isfinite(r)) or np.any(r <= -1.0):
        raise InputError(
            "a monthly rate must be finite and > -100 %",
            field="rate_per_month",
            value=float(np.min(r)) if np.all(np.isfinite(r)) else "nan/inf",
        )
    return np.asarray(np.power(1.0 + r, 12.0) - 1.0, dtype=float)
