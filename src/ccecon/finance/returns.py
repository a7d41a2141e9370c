"""Returns on a cash flow: NPV, IRR, payback, ROI. Pure numpy/scipy, vectorized.

Conventions (as numpy-financial, stated once for every function here)
---------------------------------------------------------------------
* ``values[..., t]`` is the net flow of period ``t``; ``t = 0`` is "now" and is **not**
  discounted; flows fall at the end of each period. Leading axes are draws.
* Rates are per period (a month for the engine). Inflows are positive, outflows negative.
* Excel's ``NPV(rate, v1, ..., vn)`` discounts its first value too: Excel's
  ``NPV(r, v1..vn) + v0`` equals ``npv(r, [v0, v1, ..., vn])`` here.
* Nothing here returns NaN silently: IRR reports the number of roots, payback returns
  ``inf`` for "never", and ROI with no cost raises (scalars) or is masked by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import brentq

from ccecon.errors import InputError, NoSolutionError

Array = npt.NDArray[np.float64]

# IRR search domain in u = ln(1 + rate): rates from -99.9999 % to +10,000 % a period.
_U_LOW = float(np.log(1e-6))
_U_HIGH = float(np.log(101.0))


def npv(rate: npt.ArrayLike, values: npt.ArrayLike) -> Array:
    """Net present value, first value at t = 0 undiscounted.

    ``sum_t values[..., t] / (1 + rate) ** t``.

    Parameters
    ----------
    rate : array_like
        Rate per period; broadcasts against ``values[..., :1]`` (shape (draws, 1) for one
        rate per draw).
    values : array_like
        Flows, time on the last axis.

    Returns
    -------
    ndarray
        NPV over the leading axes (a 0-d array for one flow).

    Examples
    --------
    >>> float(npv(0.1, [-100, 60, 60]))  # -100 + 60/1.1 + 60/1.21
    4.132231404958677
    """
    v = np.asarray(values, dtype=float)
    r = np.asarray(rate, dtype=float)
    t = np.arange(v.shape[-1], dtype=float)
    disc = np.power(1.0 + r, -t) if r.ndim == 0 else np.power(1.0 + r, -t[None, :])
    return np.asarray(np.sum(v * disc, axis=-1), dtype=float)


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


@dataclass(frozen=True)
class IRRBatch:
    """IRRs of many flows (rows).

    Attributes
    ----------
    rates : ndarray
        Per row, the root nearest to 0; NaN exactly where ``n_roots == 0``.
    n_roots : ndarray of int
        Number of roots found per row (0 = no IRR, >1 = several).
    """

    rates: Array
    n_roots: npt.NDArray[np.int64]


def _g(vt: Array, u: Array) -> Array:
    """A continuous function with the sign of NPV at rate ``exp(u) - 1``, row by row.

    ``vt`` is the flows transposed (periods x rows, contiguous). ``sum_t v_t e^(-u t)`` for
    ``u >= 0`` and ``e^(u T)`` times that for ``u < 0``: both are
    polynomials in a factor <= 1 (evaluated by Horner's rule), equal at ``u = 0``, so no
    power overflows whatever the horizon.
    """
    T = vt.shape[0] - 1
    pos = u >= 0
    d = np.exp(-np.abs(u))  # e^-u for u >= 0, e^u for u < 0; always <= 1
    out = np.empty(vt.shape[1])
    ip = np.nonzero(pos)[0]
    if ip.size:
        vp, dp = vt[:, ip], d[ip]
        acc = np.zeros(ip.size)
        for t in range(T, -1, -1):  # sum v_t d^t
            acc *= dp
            acc += vp[t]
        out[ip] = acc
    ineg = np.nonzero(~pos)[0]
    if ineg.size:
        vn, dn = vt[:, ineg], d[ineg]
        acc = np.zeros(ineg.size)
        for t in range(T + 1):  # sum v_t d^(T - t)
            acc *= dn
            acc += vn[t]
        out[ineg] = acc
    return out


def _g_grid(values: Array, grid: Array) -> Array:
    """``_g`` of every row at every grid point at once (one matrix product)."""
    T = values.shape[1] - 1
    t = np.arange(T + 1, dtype=float)[:, None]
    u = grid[None, :]
    basis = np.exp(np.where(u >= 0, -u * t, u * (T - t)))
    return np.asarray(values @ basis, dtype=float)


def _g_dg(vt: Array, u: Array) -> tuple[Array, Array]:
    """``_g`` and its derivative in ``u``, by Horner's rule on both branches."""
    T = vt.shape[0] - 1
    pos = u >= 0
    d = np.exp(-np.abs(u))
    g = np.empty(vt.shape[1])
    dg = np.empty(vt.shape[1])
    ip = np.nonzero(pos)[0]
    if ip.size:  # P(d) = sum v_t d^t, dG/du = -d P'(d)
        vp, dp = vt[:, ip], d[ip]
        p = np.zeros(ip.size)
        q = np.zeros(ip.size)
        for t in range(T, -1, -1):
            q *= dp
            q += p
            p *= dp
            p += vp[t]
        g[ip] = p
        dg[ip] = -dp * q
    ineg = np.nonzero(~pos)[0]
    if ineg.size:  # Q(x) = sum v_t x^(T-t), dH/du = x Q'(x)
        vn, xn = vt[:, ineg], d[ineg]
        p = np.zeros(ineg.size)
        q = np.zeros(ineg.size)
        for t in range(T + 1):
            q *= xn
            q += p
            p *= xn
            p += vn[t]
        g[ineg] = p
        dg[ineg] = xn * q
    return g, dg


def _illinois(vt: Array, a: Array, b: Array, iterations: int = 100) -> Array:
    """Safeguarded Newton on ``_g`` within sign-changing brackets ``[a, b]``, vectorized.

    A Newton step that leaves the bracket is replaced by bisection; rows leave the loop when
    the step is below 1e-14 in ``ln(1 + rate)`` or ``g`` is zero to 1e-13 of the flow's scale.
    """
    a = a.copy()
    b = b.copy()
    fa = _g(vt, a)
    scale = np.sum(np.abs(vt), axis=0)
    x = 0.5 * (a + b)
    active = np.arange(a.size)
    for _ in range(iterations):
        if active.size == 0:
            break
        X = x[active]
        G, DG = _g_dg(vt[:, active], X)
        A, B, FA = a[active], b[active], fa[active]
        same = np.sign(G) == np.sign(FA)
        A = np.where(same, X, A)
        FA = np.where(same, G, FA)
        B = np.where(same, B, X)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.where(DG != 0, G / DG, np.inf)
        newton = X - step
        inside = (newton > np.minimum(A, B)) & (newton < np.maximum(A, B))
        nxt = np.where(inside, newton, 0.5 * (A + B))
        a[active], b[active], fa[active] = A, B, FA
        x[active] = nxt
        done = (np.abs(nxt - X) <= 1e-14 * np.maximum(1.0, np.abs(X))) | (
            np.abs(G) <= 1e-13 * scale[active]
        )
        x[active] = np.where(np.abs(G) <= 1e-13 * scale[active], X, nxt)
        active = active[~done]
    return x


def _sign_changes(vt: Array) -> npt.NDArray[np.int64]:
    """Sign changes of each row's non-zero coefficients (Descartes' bound on IRRs)."""
    s = np.sign(vt)
    out = np.zeros(vt.shape[1], dtype=np.int64)
    last = np.zeros(vt.shape[1])
    for t in range(vt.shape[0]):
        st = s[t]
        out += ((last * st) < 0).astype(np.int64)
        last = np.where(st != 0, st, last)
    return out


_SCAN = np.concatenate(
    [
        np.linspace(_U_LOW, -0.05, 24),
        np.linspace(-0.05, 0.05, 41)[1:-1],
        np.linspace(0.05, _U_HIGH, 32),
    ]
)


def irr_batch(values: npt.ArrayLike) -> IRRBatch:
    """IRR of every row of a 2-D array of flows (draws x periods), vectorized.

    Method: a flow whose coefficients never change sign has no IRR (Descartes' rule of
    signs). Other rows are scanned on a fixed grid of ``ln(1 + rate)`` from -99.9999 % to
    +10,000 % (one matrix product); the sign changes found are the roots counted, and the
    bracket nearest rate 0 is refined by safeguarded Newton steps to about 1e-14 in
    ``ln(1 + rate)``. Two roots closer together than the grid step (about 0.25 points of
    rate near 0) can be missed; :func:`irr` scans a finer grid for a single flow.

    Returns
    -------
    IRRBatch
        ``rates`` (NaN exactly where ``n_roots == 0``) and ``n_roots``.
    """
    v = np.atleast_2d(np.asarray(values, dtype=float))
    n = v.shape[0]
    rates = np.full(n, np.nan)
    n_roots = np.zeros(n, dtype=np.int64)
    vt = np.ascontiguousarray(v.T)
    sc = _sign_changes(vt)
    a = np.full(n, _U_LOW)
    b = np.full(n, _U_HIGH)
    many = np.nonzero(sc >= 1)[0]
    if many.size:
        sgn = np.sign(_g_grid(v[many], _SCAN))
        change = sgn[:, :-1] * sgn[:, 1:] < 0
        zero = sgn == 0
        n_roots[many] = change.sum(axis=1) + zero.sum(axis=1)
        mid = 0.5 * (_SCAN[:-1] + _SCAN[1:])
        dist = np.where(change, np.abs(mid)[None, :], np.inf)
        k = np.argmin(dist, axis=1)
        a[many] = _SCAN[k]
        b[many] = _SCAN[k + 1]
        # a root exactly on a grid point, nearer to rate 0 than any bracket: an exact answer
        zdist = np.where(zero, np.abs(_SCAN)[None, :], np.inf)
        kz = np.argmin(zdist, axis=1)
        exact = zdist[np.arange(many.size), kz] < dist[np.arange(many.size), k]
        a[many[exact]] = _SCAN[kz[exact]]
        b[many[exact]] = _SCAN[kz[exact]]
    solve = np.nonzero((n_roots >= 1) & (a != b))[0]
    point = np.nonzero((n_roots >= 1) & (a == b))[0]
    rates[point] = np.expm1(a[point])
    if solve.size:
        u = _illinois(vt[:, solve], a[solve], b[solve])
        rates[solve] = np.expm1(u)
    return IRRBatch(rates=rates, n_roots=n_roots)


def irr(values: npt.ArrayLike) -> IRRResult:
    """Internal rate of return of one flow, with every root reported.

    Parameters
    ----------
    values : array_like, 1-D
        Flows per period, t = 0 first.

    Returns
    -------
    IRRResult
        ``rate`` (root nearest 0), all ``roots``, and ``multiple``.

    Raises
    ------
    NoSolutionError
        When NPV never crosses zero for rates in (-100 %, +10,000 %): a flow that never
        changes sign has no IRR.

    Examples
    --------
    >>> round(irr([-100, 39, 59, 55, 20]).rate, 6)  # numpy-financial docs example
    0.280948
    >>> irr([-1, 6, -11, 6]).roots  # (x-1)(x-2)(x-3): 0 %, 100 %, 200 %
    (0.0, 1.0, 2.0)
    """
    v = np.asarray(values, dtype=float)
    if v.ndim != 1 or v.size < 2:
        raise InputError("IRR needs a 1-D flow of at least two periods", value=v.shape)
    if not np.all(np.isfinite(v)):
        raise InputError("IRR needs finite flows", value=v.tolist())
    grid = np.unique(
        np.concatenate([_SCAN, np.linspace(_U_LOW, _U_HIGH, 2000), np.linspace(-0.1, 0.1, 2001)])
    )
    row = v[None, :]
    g = _g_grid(row, grid)[0]
    roots: list[float] = []
    for i in range(grid.size - 1):
        if g[i] == 0:
            roots.append(float(np.expm1(grid[i])))
        elif g[i] * g[i + 1] < 0:
            u = brentq(
                lambda z: float(_g(row.T, np.array([z]))[0]),
                grid[i],
                grid[i + 1],
                xtol=1e-16,
                rtol=4 * np.finfo(float).eps,
                maxiter=200,
            )
            roots.append(float(np.expm1(u)))
    if g[-1] == 0:
        roots.append(float(np.expm1(grid[-1])))
    if not roots:
        raise NoSolutionError(
            "the flow has no internal rate of return (NPV never crosses zero between -100 %"
            " and +10,000 % a period); judge it by NPV"
        )
    unique: list[float] = []
    for r in sorted(roots):  # a root on a grid point may be found twice
        if not unique or abs(np.log1p(r) - np.log1p(unique[-1])) > 1e-12:
            unique.append(r)
    roots = unique
    nearest = min(roots, key=abs)
    return IRRResult(rate=nearest, roots=tuple(roots), multiple=len(roots) > 1)


def payback(values: npt.ArrayLike, rate: npt.ArrayLike | None = None) -> Array:
    """Payback period in fractional periods, from t = 0.

    The first time after which the cumulative (discounted, if ``rate`` is given) net flow
    is non-negative and stays so; within that period the crossing is interpolated linearly.
    ``0`` when the cumulative flow is never negative; ``inf`` when it is negative at the
    end (it never pays back within the flow).

    Examples
    --------
    >>> float(payback([-1000, 400, 400, 400]))
    2.5
    """
    v = np.atleast_2d(np.asarray(values, dtype=float))
    if rate is not None:
        t = np.arange(v.shape[-1], dtype=float)
        r = np.asarray(rate, dtype=float)
        v = v * (np.power(1.0 + r, -t) if r.ndim == 0 else np.power(1.0 + r, -t[None, :]))
    cum = np.cumsum(v, axis=-1)
    neg = cum < 0
    never_neg = ~neg.any(axis=-1)
    # last period whose cumulative is negative
    last_neg = v.shape[-1] - 1 - np.argmax(neg[:, ::-1], axis=-1)
    out = np.full(v.shape[0], np.inf)
    ok = ~never_neg & (last_neg < v.shape[-1] - 1)
    i = np.nonzero(ok)[0]
    k = last_neg[i]
    before = cum[i, k]
    step = v[i, k + 1]
    out[i] = k + (-before) / step
    out[never_neg] = 0.0
    shape = np.asarray(values).shape[:-1]
    return out.reshape(shape) if shape else out.reshape(())


def roi_pct(benefit: npt.ArrayLike, cost: npt.ArrayLike) -> Array:
    """Return on investment in percent (DOMAIN D1.1): ``(benefit - cost) / cost x 100``.

    Raises
    ------
    InputError
        When any cost is <= 0: ROI is not defined without an investment.

    Examples
    --------
    >>> float(roi_pct(15000, 10000))  # seed 000: invest 10,000, get 15,000 back
    50.0
    """
    b = np.asarray(benefit, dtype=float)
    c = np.asarray(cost, dtype=float)
    if np.any(c <= 0):
        raise InputError(
            "ROI is not defined when the total cost is zero or negative",
            field="cost",
            value=float(np.min(c)),
        )
    return np.asarray((b - c) / c * 100.0, dtype=float)


def annualize(rate_per_month: npt.ArrayLike) -> Array:
    """Monthly rate to effective annual rate: ``(1 + r) ** 12 - 1``."""
    return np.power(1.0 + np.asarray(rate_per_month, dtype=float), 12.0) - 1.0
