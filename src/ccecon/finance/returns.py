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
  returns ``inf`` for "never" (result documents turn it into ``null`` and a flag); ROI
  with no cost raises unless ``undefined="nan"`` is asked for; non-finite flows and rates
  <= -100 % raise :class:`InputError`.

Formulas and sources: ``docs/formulas.md``; speed: ``benchmarks/bench_irr.py``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

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
        Number of roots per row in (-99.9999 %, +10,000 %) a period (0 = no IRR, > 1 =
        several).
    roots : ndarray
        Every root per row (per period), ascending, shape ``(rows, max n_roots)``, padded
        with NaN.
    """

    rates: Array
    n_roots: npt.NDArray[np.int64]
    roots: Array

    @property
    def status(self) -> npt.NDArray[np.str_]:
        """Per row: ``"none"`` (no IRR), ``"ok"`` (one root) or ``"several"`` (ambiguous)."""
        return np.where(self.n_roots == 0, "none", np.where(self.n_roots > 1, "several", "ok"))

    def to_frame(self) -> pd.DataFrame:
        """One row per flow: rate, n_roots, status."""
        import pandas as pd

        return pd.DataFrame({"rate": self.rates, "n_roots": self.n_roots, "status": self.status})


# ------------------------------------------------------------------ Horner's rule
def _horner(ct: Array, f: Array, derivative: bool = True) -> tuple[Array, Array]:
    """``P = sum_s ct[s] f^s`` and ``S = sum_s s ct[s] f^s`` per column (``ct`` is periods x
    columns, ascending powers), by Horner's rule; ``S`` is zeros unless ``derivative``.

    Every evaluation of the IRR goes through here with a factor ``f = e^(-|u|) <= 1`` (see
    :func:`_side_coefs`), so no power overflows whatever the horizon. Up to ``_FEW_ROWS``
    columns run in Python floats: the same IEEE operations in the same order (a product,
    then a sum, each rounded; no fused multiply-add), so the same bits, and a row's IRR
    does not depend on how many rows share its batch.
    """
    if ct.shape[1] <= _FEW_ROWS:
        return _horner_few(ct, f, derivative)
    p = ct[-1].copy()
    q = np.zeros_like(p)
    for s in range(ct.shape[0] - 2, -1, -1):
        if derivative:
            q *= f
            q += p
        p *= f
        p += ct[s]
    return p, f * q


_FEW_ROWS = 8
"""Up to this many rows (columns) Horner's rule and the safeguarded Newton steps run in
Python floats: some twenty array operations per step cost far more than the arithmetic
for one row (a one-draw IRR of 37 months: a few Python loops per step)."""


def _horner_few(ct: Array, f: Array, derivative: bool) -> tuple[Array, Array]:
    """:func:`_horner` column by column in Python floats (same operations, same order)."""
    n = ct.shape[1]
    p_out = np.empty(n)
    s_out = np.empty(n)
    for i, (c, fi) in enumerate(zip(ct.T.tolist(), f.tolist(), strict=True)):
        p = c[-1]
        q = 0.0
        for s in range(len(c) - 2, -1, -1):
            if derivative:
                q = q * fi + p
            p = p * fi + c[s]
        p_out[i] = p
        s_out[i] = fi * q
    return p_out, s_out


def _side_coefs(coef: Array, rows: npt.NDArray[np.intp], neg: npt.NDArray[np.bool_]) -> Array:
    """Rows ``coef[rows]`` as columns (periods x len(rows)) in ascending powers of
    ``f = e^(-|u|)`` for a point ``u`` on their side of rate 0.

    For ``u >= 0`` the function is ``sum_t c_t e^(-t u)`` (the row as it is); for ``u < 0``
    it is ``e^(T u)`` times that, ``sum_t c_t e^((T - t) u)`` (the row reversed): a positive
    multiple, so the same signs and roots, and both sides are one Horner pass in a factor
    ``<= 1`` (``neg`` marks the points below 0).
    """
    sel = coef[rows]
    if neg.any():
        sel[neg] = sel[neg][:, ::-1]
    return _transposed(sel)


def _values(coef: Array, rows: npt.NDArray[np.intp], u: Array) -> Array:
    """The function of :func:`_side_coefs` of each row ``coef[rows[i]]`` at its point ``u[i]``."""
    ct = _side_coefs(coef, rows, u < 0)
    return _horner(ct, np.exp(-np.abs(u)), derivative=False)[0]


# ------------------------------------------------------------------ safeguarded Newton
_Fn = Callable[[list[Array], list[Array], Array], tuple[Array, Array]]


def _bracketed_newton(
    fn: _Fn,
    cols: list[Array],
    rows: list[Array],
    lo: Array,
    hi: Array,
    u: Array,
    m_lo: Array,
    m_hi: Array,
) -> Array:
    """One root per row of ``F(u) = 0`` by safeguarded Newton, vectorized: the one solver of
    both root-isolation paths (one sign change, and between separators).

    ``fn(cols, rows, u)`` returns ``F`` and ``F'`` at ``u`` for the rows, from per-row data:
    ``cols`` (arrays with a column per row, e.g. coefficients) and ``rows`` (an entry per
    row); the solver compacts them as rows finish. ``F`` is negative below the root and
    positive above it, inside ``[lo, hi]`` (bounds may be infinite); ``m_lo <= F' <= m_hi``
    there (``0`` and ``inf`` when nothing is known), so one value also bounds the root to
    ``[u - F/m_lo, u - F/m_hi]``. A Newton step that leaves the bracket is replaced by
    bisection, so each row converges. A row stops after a Newton step below 1e-9 (its error
    is then of order 1e-18: quadratic convergence), a bracket below 1e-14 (relative above
    1), ``F`` exactly 0, or a bracket wholly outside the search domain (the value returned
    is then outside it too).
    """
    if u.size <= _FEW_ROWS:
        return _bracketed_newton_few(fn, cols, rows, lo, hi, u, m_lo, m_hi)
    out = u.copy()
    cur = np.arange(u.size)
    live = np.ones(u.size, dtype=bool)
    for _ in range(_ITERATIONS):
        n_live = int(np.count_nonzero(live))
        if n_live == 0:
            break
        if n_live < 0.5 * cur.size:  # compact the working set
            out[cur] = u
            cur = cur[live]
            cols = [c[:, live] for c in cols]
            rows = [r[live] for r in rows]
            lo, hi, u, m_lo, m_hi = lo[live], hi[live], u[live], m_lo[live], m_hi[live]
            live = np.ones(cur.size, dtype=bool)
        f, df = fn(cols, rows, u)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            b1 = u - f / m_lo
            b2 = u - f / m_hi
            newton = u - f / df
        nlo = np.maximum(lo, np.minimum(b1, b2))
        nhi = np.minimum(hi, np.maximum(b1, b2))
        inside = (newton >= nlo) & (newton <= nhi)
        nxt = np.where(inside, newton, 0.5 * (nlo + nhi))
        size = np.maximum(1.0, np.abs(u))
        exact = f == 0
        outside = (nlo > _U_HIGH) | (nhi < _U_LOW)
        nxt = np.where(outside, np.where(nlo > _U_HIGH, nlo, nhi), nxt)
        done = (inside & (np.abs(nxt - u) <= 1e-9 * size)) | (nhi - nlo <= 1e-14 * size)
        done |= exact | outside
        lo = np.where(live, nlo, lo)
        hi = np.where(live, nhi, hi)
        u = np.where(live, np.where(exact, u, nxt), u)
        live &= ~done
    out[cur] = u
    return out


_ITERATIONS = 100


def _div(a: float, b: float) -> float:
    """``a / b`` as numpy divides floats: ``+-inf`` for a non-zero over zero, NaN for 0/0."""
    if b != 0:
        return a / b
    if a == 0 or math.isnan(a):
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1.0, b)


def _bracketed_newton_few(
    fn: _Fn,
    cols: list[Array],
    rows: list[Array],
    lo: Array,
    hi: Array,
    u: Array,
    m_lo: Array,
    m_hi: Array,
) -> Array:
    """:func:`_bracketed_newton` row by row in Python floats: the same steps and tests in
    the same IEEE operations (``fn`` on one row), so the same bits."""
    out = np.empty(u.size)
    for i in range(u.size):
        c_i = [c[:, i : i + 1] for c in cols]
        r_i = [r[i : i + 1] for r in rows]
        a, b, x = float(lo[i]), float(hi[i]), float(u[i])
        mlo, mhi = float(m_lo[i]), float(m_hi[i])
        for _ in range(_ITERATIONS):
            f_arr, df_arr = fn(c_i, r_i, np.array([x]))
            f, df = float(f_arr[0]), float(df_arr[0])
            b1 = x - _div(f, mlo)
            b2 = x - _div(f, mhi)
            newton = x - _div(f, df)
            nlo = max(a, min(b1, b2))
            nhi = min(b, max(b1, b2))
            inside = nlo <= newton <= nhi
            nxt = newton if inside else 0.5 * (nlo + nhi)
            size = max(1.0, abs(x))
            exact = f == 0
            outside = nlo > _U_HIGH or nhi < _U_LOW
            if outside:
                nxt = nlo if nlo > _U_HIGH else nhi
            done = (inside and abs(nxt - x) <= 1e-9 * size) or nhi - nlo <= 1e-14 * size
            a, b = nlo, nhi
            x = x if exact else nxt
            if done or exact or outside:
                break
        out[i] = x
    return out


def _sign_changes(v: Array) -> npt.NDArray[np.int64]:
    """Sign changes of each row's non-zero coefficients (Descartes' bound on the IRRs).

    Descartes' rule of signs, in ``x = 1 / (1 + rate)``: the number of IRRs in
    (-100 %, +inf) is the number of sign changes or less by an even number.
    """
    v = np.atleast_2d(v)
    if v.shape[1] < 2:
        return np.zeros(v.shape[0], dtype=np.int64)
    pos = v > 0
    if np.all(v != 0):  # the usual case: no zero to skip
        return np.count_nonzero(pos[:, 1:] != pos[:, :-1], axis=1).astype(np.int64)
    s = np.sign(v)
    idx = np.where(s != 0, np.arange(s.shape[1])[None, :], 0)
    np.maximum.accumulate(idx, axis=1, out=idx)
    filled = np.take_along_axis(s, idx, axis=1)  # zeros take the previous non-zero sign
    return np.count_nonzero(filled[:, 1:] * filled[:, :-1] < 0, axis=1).astype(np.int64)


def _normalized(v: Array) -> Array:
    """Each row times the power of two that brings its largest ``|value|`` into [0.5, 1).

    Exact (a power of two only changes the exponent, subnormal inputs included), so the
    roots of a flow and of the same flow times any scale are computed on the same numbers,
    and nothing after this can overflow or lose digits to subnormals.
    """
    _, e = np.frexp(np.max(np.abs(v), axis=1))
    if np.all(np.abs(e) < 1000):  # the usual case: one exact multiplication per value
        return np.asarray(v * np.ldexp(1.0, -e)[:, None], dtype=float)
    return np.asarray(np.ldexp(v, -e[:, None]), dtype=float)


def _smoothed(w: Array, times: int = 1) -> Array:
    """Coefficients of ``(1 + x)^times p(x)`` from those of ``p`` (rows, ascending powers).

    In ``u = ln(1 + rate)`` the factor ``1 + e^-u`` is positive, so the roots are the same;
    Descartes' count never rises (``(1, 1)`` is a Polya frequency sequence: Schoenberg's
    variation-diminishing property) and usually falls, e.g. for an isolated negative month
    between larger positive ones. Computed as one binomial convolution.
    """
    r, n = w.shape
    out = np.empty((r, n + times))
    for a in range(0, r, 2048):  # blocks of rows that stay in cache through the sums
        src, dst = w[a : a + 2048], out[a : a + 2048]
        dst[:, :n] = src
        dst[:, n:] = 0.0
        for j in range(1, times + 1):
            c = math.comb(times, j)
            dst[:, j : j + n] += src if c == 1 else c * src
    return out


_SMOOTH_STEPS = (2, 2, 4)
"""Factors ``1 + x`` applied between two counts of sign changes (8 in all at most) before
the exact isolation of :func:`_several`."""


# ------------------------------------------------------------------ one sign change
def _blocks(
    w: Array, start: npt.NDArray[np.intp], step: npt.NDArray[np.intp], length: npt.NDArray[np.intp]
) -> Array:
    """Per row ``|w[start + step * s]|`` for ``s = 0..length`` (0 beyond), transposed
    (one column per row), gathered at once from the flat array of ``w``."""
    r, n = w.shape
    s = np.arange(int(length.max()) + 1)[:, None]
    valid = s <= length[None, :]
    at = (np.arange(r) * n + start)[None, :] + np.where(valid, step[None, :] * s, 0)
    out = np.take(np.ascontiguousarray(w).reshape(-1), at)
    np.abs(out, out=out)
    out *= valid
    return out


def _one_change_setup(w: Array) -> dict[str, Any]:
    """Per row of ``w`` (exactly one sign change each) what :func:`_one_change` needs.

    The first block of ``w`` runs from its first non-zero index ``e0`` to ``i``, the second
    from ``j`` to its last non-zero index ``l``. The sign of the sum of ``w`` tells on which
    side of rate 0 the root lies (``D(0)``'s sign); each block is then stored from the
    end that keeps the factor of Horner's rule ``<= 1`` on that side: from ``e0`` and ``j``
    for a root at ``u >= 0``, from ``i`` and ``l`` backwards for ``u < 0``.
    """
    r, n = w.shape
    t = np.arange(n)
    nz = w != 0
    e0 = np.argmax(nz, axis=1)
    last = n - 1 - np.argmax(nz[:, ::-1], axis=1)
    rows = np.arange(r)
    first_pos = w[rows, e0] > 0
    other = nz & ((w > 0) != first_pos[:, None])
    j = np.argmax(other, axis=1)
    before = nz & (t[None, :] < j[:, None])
    i = n - 1 - np.argmax(before[:, ::-1], axis=1)
    total = np.sum(w, axis=1)
    # D(0) = ln(E(0) / L(0)) < 0, i.e. the first block's sign times the sum < 0: root > 0
    first_sign = np.where(first_pos, 1.0, -1.0)
    up = first_sign * total <= 0
    ones = np.ones(r, dtype=np.intp)
    e_start = np.where(up, e0, i)
    l_start = np.where(up, j, last)
    step = np.where(up, ones, -ones)
    return {
        "e_start": e_start,
        "l_start": l_start,
        "step": step,
        "e_len": i - e0,
        "l_len": last - j,
        "ae": e_start.astype(float),
        "al": l_start.astype(float),
        "dir": np.where(up, 1.0, -1.0),
        "m_lo": (j - i).astype(float),
        "m_hi": (last - e0).astype(float),
        "zero": total == 0,
    }


def _one_change(w: Array) -> Array:
    """The one root in ``u = ln(1 + rate)``, on the whole real line, of rows of ``w`` that
    have exactly one sign change (Descartes: exactly one root), vectorized.

    With ``E(u) = sum_{t <= i} |w_t| e^(-t u)`` (the first block) and ``L(u)`` the same over
    the second block, the root solves ``D(u) = ln E(u) - ln L(u) = 0``. ``D`` is increasing
    with ``j - i <= D'(u) <= l - e0`` (``D'`` is the difference of the blocks' mean times),
    so one value of ``D`` bounds the root to ``[u - D/m, u - D/M]``: safeguarded Newton on
    ``D`` (:func:`_bracketed_newton`) within the bracket so built, from ``u = 0`` (rate 0),
    on the side of 0 that the sign of the flow's sum gives. Each block is summed by
    Horner's rule in a factor ``e^(-|u|) <= 1`` from the block's end nearest in weight, so
    nothing overflows or underflows to 0 at any rate.
    """
    st = _one_change_setup(w)
    out = np.zeros(w.shape[0])
    go = np.nonzero(~st["zero"])[0]  # a zero sum: the root is rate 0 exactly
    for part in _by_block_lengths(go, st["e_len"][go], st["l_len"][go]):
        up = st["dir"][part] > 0
        out[part] = _bracketed_newton(
            _d_value,
            [
                _blocks(w[part], st["e_start"][part], st["step"][part], st["e_len"][part]),
                _blocks(w[part], st["l_start"][part], st["step"][part], st["l_len"][part]),
            ],
            [st["ae"][part], st["al"][part], st["dir"][part]],
            np.where(up, 0.0, -np.inf),
            np.where(up, np.inf, 0.0),
            np.zeros(part.size),
            st["m_lo"][part],
            st["m_hi"][part],
        )
    return out


def _by_block_lengths(
    rows: npt.NDArray[np.intp], e_len: npt.NDArray[np.intp], l_len: npt.NDArray[np.intp]
) -> list[npt.NDArray[np.intp]]:
    """``rows`` in up to four groups of similar block lengths when that saves Horner steps.

    Each group's blocks are padded with zeros to its longest (zeros at the high powers
    change no bit of Horner's rule), so a group of long first blocks and one of long
    second blocks cost far less than one group padded to both (the critical points of
    the several-sign-change path mix them). The answer of a row is the same in any group.
    """
    if rows.size < 4 * 1024:
        return [rows] if rows.size else []
    whole = rows.size * (int(e_len.max()) + int(l_len.max()) + 2)
    order = np.argsort(e_len - l_len, kind="stable")
    parts = np.array_split(order, 4)
    split = sum(p.size * (int(e_len[p].max()) + int(l_len[p].max()) + 2) for p in parts)
    if split > 0.8 * whole:
        return [rows]
    return [rows[np.sort(p)] for p in parts]


def _d_value(cols: list[Array], rows: list[Array], u: Array) -> tuple[Array, Array]:
    """``D = ln E - ln L`` of :func:`_one_change` and ``D'`` at ``u``, each block by Horner's
    rule from its anchor ``ae`` / ``al`` in the factor ``e^(-dir u) <= 1``."""
    ce, cl = cols
    ae, al, dirn = rows
    f = np.exp(-(dirn * u))
    he, se = _horner(ce, f)
    hl, sl = _horner(cl, f)
    with np.errstate(over="ignore", under="ignore"):
        ratio = he / hl
    # ln(E / L), one logarithm: near the root its argument is near 1, where log rounds
    # the same on every SIMD level numpy may run (a difference of two logarithms of O(1)
    # would carry their last-bit differences into the root); a ratio beyond the range of
    # floats (a subnormal block) as that difference
    far = (ratio == np.inf) | (ratio == 0)
    if far.any():
        ratio[far] = 1.0
        logs = np.log(ratio)
        logs[far] = np.log(he[far]) - np.log(hl[far])
    else:
        logs = np.log(ratio)
    d = (al - ae) * u + logs
    dp = (al + dirn * (sl / hl)) - (ae + dirn * (se / he))
    return d, dp


# ------------------------------------------------------------------ several sign changes
def _derived(w: Array) -> Array:
    """One step down Descartes' proof: ``(c - t) w_t`` with ``c`` inside the first sign
    change of each row (half a period after the last non-zero value before it).

    In u, ``sum_t (c - t) w_t e^(-t u) = e^(-c u) d/du [e^(c u) sum_t w_t e^(-t u)]``: its
    roots are the critical points of a positive multiple of the row's function, so they
    separate the row's roots (Rolle); it has one sign change fewer. Rescaled by a power of
    two (exact) so that repeated steps stay in range.
    """
    n = w.shape[1]
    t = np.arange(n)
    nz = w != 0
    e0 = np.argmax(nz, axis=1)
    first_pos = w[np.arange(w.shape[0]), e0] > 0
    other = nz & ((w > 0) != first_pos[:, None])
    j = np.argmax(other, axis=1)
    before = nz & (t[None, :] < j[:, None])
    i = n - 1 - np.argmax(before[:, ::-1], axis=1)
    return _normalized((i[:, None] + 0.5 - t[None, :]) * w)


def _g_value(cols: list[Array], rows: list[Array], u: Array) -> tuple[Array, Array]:
    """``F = sigma g`` and ``F'`` at ``u`` for :func:`_roots_between`: ``g`` the function of
    :func:`_side_coefs` (columns already side-ordered), ``sigma`` the sign making ``F``
    negative below the root, ``slope`` = ``sigma`` times ``-1`` above rate 0 (``g = P(f)``
    with ``f = e^-u``) or ``+1`` below it (``f = e^u``)."""
    (ct,) = cols
    sigma, slope = rows
    p, s = _horner(ct, np.exp(-np.abs(u)))
    return sigma * p, slope * s


_F_LOW = float(np.exp(_U_LOW))
_F_HIGH = float(np.exp(-_U_HIGH))


def _roots_between(coef: Array, seps: Array, nearest: bool = False) -> Array:
    """Every root in the search domain of each row's function (:func:`_side_coefs`), given
    separators ``seps`` (ascending, NaN last) such that a positive multiple of the function
    is monotone between consecutive ones.

    The points are the domain's ends, rate 0 (so that no interval straddles it) and the
    separators; the values at the three fixed points are one Horner pass each over all
    rows (no copy of a row per point). A point where the value is exactly 0 is a root,
    and each interval whose ends have opposite signs holds one (:func:`_bracketed_newton`
    from the linear interpolate). Returns the roots ascending, NaN-padded, ``seps.shape[1]
    + 2`` columns. With ``nearest``, only the root nearest rate 0 on each side is solved;
    each other root is counted and stands at its interval's midpoint.
    """
    r, m = seps.shape
    ct = _transposed(coef)
    points = np.empty((r, m + 3))
    vals = np.empty((r, m + 3))
    points[:, 0], points[:, 1], points[:, 2] = _U_LOW, 0.0, _U_HIGH
    vals[:, 0] = _horner(ct[::-1], np.full(r, _F_LOW), derivative=False)[0]
    vals[:, 1] = _horner(ct, np.ones(r), derivative=False)[0]
    vals[:, 2] = _horner(ct, np.full(r, _F_HIGH), derivative=False)[0]
    points[:, 3:] = seps
    flat = seps.reshape(-1)
    ok = np.nonzero(~np.isnan(flat))[0]
    sep_vals = np.full(r * m, np.nan)
    if ok.size:
        sep_vals[ok] = _values(coef, ok // m, flat[ok])
    vals[:, 3:] = sep_vals.reshape(r, m)
    order = np.argsort(points, axis=1, kind="stable")  # NaN last
    points = np.take_along_axis(points, order, axis=1)
    vals = np.take_along_axis(vals, order, axis=1)
    k = m + 3
    sign = np.sign(vals)  # NaN for a missing point: compares False below
    change = sign[:, :-1] * sign[:, 1:] < 0
    roots = np.full((r, 2 * k - 1), np.nan)
    roots[:, 0::2] = np.where(vals == 0, points, np.nan)
    rr, q = np.nonzero(change)
    if nearest and rr.size:
        # Only the interval nearest rate 0 on each side is solved (the others' roots lie
        # farther from 0 on the same side): each unsolved one holds its midpoint, which
        # counts its root and is never the nearest (the solved root on its side is nearer).
        a, b = points[rr, q], points[rr, q + 1]
        pos = a >= 0  # 0 is one of the points, so an interval lies on one side of it
        pick = np.zeros(rr.size, dtype=bool)
        at = np.nonzero(pos)[0]
        pick[at[np.unique(rr[at], return_index=True)[1]]] = True  # first above 0
        at = np.nonzero(~pos)[0][::-1]
        pick[at[np.unique(rr[at], return_index=True)[1]]] = True  # last below 0
        roots[rr[~pick], 2 * q[~pick] + 1] = 0.5 * (a[~pick] + b[~pick])
        rr, q = rr[pick], q[pick]
    if rr.size:
        a, b = points[rr, q], points[rr, q + 1]
        ga, gb = vals[rr, q], vals[rr, q + 1]
        neg = a < 0  # the whole interval: 0 is one of the points
        sigma = -sign[rr, q]
        x0 = np.clip(a + (b - a) * ga / (ga - gb), a, b)
        roots[rr, 2 * q + 1] = _bracketed_newton(
            _g_value,
            [_side_coefs(coef, rr, neg)],
            [sigma, np.where(neg, sigma, -sigma)],
            a,
            b,
            x0,
            np.zeros(rr.size),
            np.full(rr.size, np.inf),
        )
    roots.sort(axis=1)
    roots[:, 1:][roots[:, 1:] == roots[:, :-1]] = np.nan  # a point met twice: one root
    roots.sort(axis=1)
    return roots[:, : k - 1]


def _several(v: Array, w: Array, s: int, nearest: bool = False) -> Array:
    """Every root in the search domain of rows whose ``w`` has ``s >= 2`` sign changes.

    ``w`` is ``v`` times a positive factor (same roots). The chain ``w -> _derived(w) ->
    ...`` ends, after ``s - 1`` steps, with one sign change (one root: :func:`_one_change`);
    going back up, the roots of each level inside the domain, with rate 0, cut it into
    pieces on which the level above is monotone (Rolle), so each piece holds at most one
    of its roots, and exactly one where its ends differ in sign. The top level is
    evaluated on ``v`` itself. Returns ``(rows, s)`` roots in u, ascending, NaN-padded
    (with ``nearest``, the top level's roots as :func:`_roots_between` gives them).
    """
    chain = [w]
    for _ in range(s - 1):
        chain.append(_derived(chain[-1]))
    crit = _one_change(chain[-1])
    found = np.where((crit >= _U_LOW) & (crit <= _U_HIGH), crit, np.nan)[:, None]
    for level in range(2, s + 1):
        coef = v if level == s else chain[s - level]
        found = _roots_between(coef, found, nearest and level == s)[:, :level]
    return found


def _roots_rows(v: Array, nearest: bool = False) -> Array:
    """Every root in u of each row in the domain, ascending, NaN-padded (rows, width);
    with ``nearest``, only the root nearest 0 on each side is solved (:func:`_several`)."""
    n = v.shape[0]
    if n == 0:
        return np.full((0, 1), np.nan)
    vn = _normalized(v)
    k = _sign_changes(vn)
    width = max(1, int(k.max()))
    out = np.full((n, width), np.nan)

    # rows with one sign change, as they are or after factors 1 + x
    ones: list[tuple[npt.NDArray[np.intp], Array]] = []
    one = np.nonzero(k == 1)[0]
    ones.append((one, vn[one]))
    rest = np.nonzero(k >= 2)[0]
    rest = rest[~_no_root(vn[rest])]  # NaN: no root, shown without solving
    w = vn[rest]
    kr = k[rest]
    for steps in _SMOOTH_STEPS:
        if rest.size == 0:
            break
        w = _smoothed(w, steps)
        kr = _sign_changes(w)
        done = kr <= 1  # 0: no positive root at all (an even count can fall to 0)
        one = kr == 1
        ones.append((rest[one], w[one]))
        rest, w, kr = rest[~done], w[~done], kr[~done]
    for rows, flows in ones:
        if rows.size:
            u = _one_change(flows)
            out[rows, 0] = np.where((u >= _U_LOW) & (u <= _U_HIGH), u, np.nan)
    # several sign changes: rows with the same count share one chain of the same length
    for s in np.unique(kr).tolist():
        group = np.nonzero(kr == s)[0]
        for i in range(0, group.size, _SEVERAL_ROWS):
            part = group[i : i + _SEVERAL_ROWS]
            roots = _several(vn[rest[part]], w[part], s, nearest)
            out[rest[part], : roots.shape[1]] = roots
    out.sort(axis=1)
    used = int(np.max(np.count_nonzero(~np.isnan(out), axis=1)))
    return out[:, : max(1, used)]


def _no_root(w: Array) -> npt.NDArray[np.bool_]:
    """Rows shown to have no root at any rate by their partial sums (a sufficient test).

    With ``x = 1 / (1 + rate)`` and ``S_k = w_0 + ... + w_k``, Abel's summation gives
    ``sum_t w_t x^t = sum_{k<n} S_k (x^k - x^(k+1)) + S_n x^n``: for ``0 < x <= 1`` (rates
    >= 0) every term has the sign of the ``S_k`` when they all share one, so the sum is
    not 0. The same with the partial sums from the last period, ``S_n - S_(k-1)``, covers
    ``x > 1`` (rates below 0: the flow read backwards in ``1 / x``). A row whose partial
    sums from both ends keep one sign by more than a bound on their rounding (``4 n
    2^-52`` times the sum of ``|w|``: recursive summation and one subtraction err by less,
    so floating point never decides it) has no IRR. Most draws whose cumulative net never
    turns (a risk-adjusted case that never pays back) are settled here, by one cumulative
    sum and its extremes.
    """
    if w.shape[0] == 0:
        return np.zeros(0, dtype=bool)
    partial = np.cumsum(w, axis=1)
    total = partial[:, -1]
    head = partial[:, :-1]
    hi = head.max(axis=1)
    lo = head.min(axis=1)
    slack = (4.0 * w.shape[1] * 2.0**-52) * np.abs(w).sum(axis=1)
    below = (total < -slack) & (hi < -slack) & (total - lo < -slack)
    above = (total > slack) & (lo > slack) & (total - hi > slack)
    return below | above


_SEVERAL_ROWS = 16_384
"""Rows isolated at once by :func:`_several` (it holds one copy of the flows per level)."""


def irr_batch(values: npt.ArrayLike, *, all_roots: bool = True) -> IRRBatch:
    """IRR of every row of a 2-D array of flows (draws x periods): every root, vectorized.

    Method, exact up to rounding (no grid, so no pair of close roots is missed):

    1. each row is scaled by a power of two so that its largest ``|value|`` is in [0.5, 1)
       (exact: the same roots for a flow of cents or of 1e250, no overflow or subnormals);
    2. Descartes' rule of signs: no sign change, no IRR; one sign change, exactly one root,
       found by safeguarded Newton on ``ln E(u) - ln L(u)`` (the two blocks of the flow),
       whose slope is bounded so one value brackets the root;
    3. more sign changes: up to eight factors ``1 + x`` (``x = 1/(1 + rate)``; the roots do
       not move, the count of sign changes often falls to one); if still several, the
       roots are isolated exactly by the chain of Descartes' proof (each level the
       derivative of a positive multiple of the one above, one sign change fewer; its
       roots separate those above, Rolle's theorem) and each is solved by safeguarded
       Newton between its separators.

    Roots are reported in (-99.9999 %, +10,000 %) a period, to about 1e-15 in
    ``ln(1 + rate)``. Every step is element-wise, so a row's result does not depend on
    the other rows of its batch, bit for bit.

    Parameters
    ----------
    values : array_like, shape (rows, periods) or (periods,)
        Flows, time on the last axis, t = 0 undiscounted.
    all_roots : bool
        True (default): every root is solved. False: every root is still counted (the
        isolation is exact), but of a row with several only the nearest to 0 on each
        side of it is solved; ``rates`` and ``n_roots`` are the same, bit for bit, and
        ``roots`` holds ``rates`` alone (what a Monte Carlo run of many draws needs).

    Returns
    -------
    IRRBatch
        ``rates`` per period (the root nearest 0; NaN exactly where ``n_roots == 0``),
        ``n_roots``, ``roots`` (all, ascending, NaN-padded; see ``all_roots``) and
        ``status``.

    Raises
    ------
    InputError
        When a flow is not finite or has fewer than two periods.

    Examples
    --------
    >>> b = irr_batch([[-100, 230, -132], [-100, 60, 60]])  # 10 % and 20 %; 13.07 %
    >>> b.n_roots.tolist(), b.roots.round(12).tolist()
    ([2, 1], [[0.1, 0.2], [0.130662386292, nan]])
    """
    v = _as_flows(values, "IRR")
    if v.ndim == 1:
        v = v[None, :]
    if v.ndim != 2:
        raise InputError("irr_batch needs a 2-D array (rows x periods)", value=v.shape)
    parts = [
        _roots_rows(v[i : i + _CHUNK_ROWS], not all_roots)
        for i in range(0, v.shape[0], _CHUNK_ROWS)
    ]
    if not parts:
        parts = [np.full((0, 1), np.nan)]
    width = max(p.shape[1] for p in parts)
    u = np.full((v.shape[0], width), np.nan)
    at = 0
    for p in parts:
        u[at : at + p.shape[0], : p.shape[1]] = p
        at += p.shape[0]
    roots = np.expm1(u)
    n_roots = np.count_nonzero(~np.isnan(u), axis=1).astype(np.int64)
    nearest = np.argmin(np.where(np.isnan(roots), np.inf, np.abs(roots)), axis=1)
    rates = np.where(n_roots > 0, roots[np.arange(v.shape[0]), nearest], np.nan)
    if not all_roots:
        roots = rates[:, None].copy()  # the others were counted, not solved
    return IRRBatch(rates=rates, n_roots=n_roots, roots=roots)


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


def irr(values: npt.ArrayLike) -> IRRResult:
    """Internal rate of return of one flow, with every root reported.

    The same computation as :func:`irr_batch` (Descartes' rule of signs, exact isolation of
    every root, safeguarded Newton), for one flow. numpy-financial's ``irr`` is not used:
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
        When NPV is zero at no rate in (-99.9999 %, +10,000 %) a period, e.g. a flow whose
        values never change sign.
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
    if int(_sign_changes(v)[0]) == 0:
        raise NoSolutionError(
            "the flow has no internal rate of return: its values never change sign"
            " (Descartes' rule of signs); judge it by NPV"
        )
    b = irr_batch(v[None, :])
    if b.n_roots[0] == 0:
        raise NoSolutionError(
            "the flow has no internal rate of return between -99.9999 % and +10,000 % a"
            " period (NPV is zero at no rate there); judge it by NPV"
        )
    roots = tuple(float(r) for r in b.roots[0, : b.n_roots[0]])
    return IRRResult(rate=float(b.rates[0]), roots=roots, multiple=len(roots) > 1)


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
