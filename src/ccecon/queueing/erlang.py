"""Erlang B, C and A: probabilities, service level, ASA and occupancy. Vectorized, stable.

All functions broadcast over numpy arrays (traffic, agents, handle times, thresholds) and
hold from 1e-3 to 1e6 Erlangs without factorials:

* Erlang B is the ratio of a Poisson probability to a Poisson distribution function,
  ``B(N, A) = p(N; A) / P(X <= N; A)``. The probability is computed in log space with
  Loader's saddle-point expansion (``stirlerr`` and the deviance ``bd0``; C. Loader, "Fast
  and accurate computation of binomial probabilities", 2000, as in R's ``dpois``), which
  keeps full relative precision where ``N ln A - ln N!`` would cancel; the distribution
  function is the regularized upper incomplete gamma ``Q(N + 1, A)`` (scipy). A real
  (fractional) N uses the same continuous extension.
* Erlang C: ``C = N B / (N - A (1 - B))`` for N > A; for N <= A the queue is unstable and
  C = 1, service level 0 and ASA infinite (defined results, no exception).
* Erlang A (M/M/N+M, exponential patience): Mandelbaum & Zeltyn, "The Palm/Erlang-A queue,
  with applications to call centers" (2005) and Garnett, Mandelbaum & Reiman (2002). With
  ``x = N mu / theta`` and ``y = lambda / theta`` (theta = 1 / mean patience),
  ``S = Gamma(x + 1) e^y y^-x P(x, y)`` (P the regularized lower incomplete gamma),
  ``P(wait) = B S / (1 + B (S - 1))``, ``P(abandon | wait) = 1 / (rho S) + 1 - 1 / rho``
  with ``rho = lambda / (N mu)``, and the offered wait's survival
  ``P(V > t) = P(wait) P(x, y e^(-theta t)) / P(x, y)``.

Units: traffic ``A`` in Erlangs (= calls per interval x AHT / interval length), times in
seconds. Service level is "the share of calls answered within T seconds".
"""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.special import gammainc, gammaincc, gammaln

Array = npt.NDArray[np.float64]
_LN_SQRT_2PI = 0.5 * np.log(2 * np.pi)


def _stirlerr(n: Array) -> Array:
    """``ln(n!) - (n + 1/2) ln n + n - ln sqrt(2 pi)``, accurate for all n > 0."""
    n = np.asarray(n, dtype=float)
    big = n > 15.0
    nb = np.where(big, n, 16.0)
    nn = nb * nb
    series = (
        1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - (1.0 / 1680 - 1.0 / 1188 / nn) / nn) / nn) / nn
    ) / nb
    ns = np.where(big, 1.0, np.maximum(n, 1e-300))
    direct = gammaln(ns + 1.0) - (ns + 0.5) * np.log(ns) + ns - _LN_SQRT_2PI
    return np.where(big, series, direct)


def _bd0(x: Array, m: Array) -> Array:
    """Deviance ``x ln(x / m) + m - x`` without cancellation (Loader 2000)."""
    x = np.asarray(x, dtype=float)
    m = np.asarray(m, dtype=float)
    near = np.abs(x - m) < 0.1 * (x + m)
    v = np.where(near, (x - m) / np.where(near, x + m, 1.0), 0.0)
    s = (x - m) * v
    ej = 2.0 * x * v
    v2 = v * v
    total = s
    for j in range(1, 12):  # |v| < 0.1: each term is below 1/100 of the last
        ej = ej * v2
        total = total + ej / (2 * j + 1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        direct = x * np.log(np.where(x > 0, x / m, 1.0)) + m - x
    return np.where(near, total, direct)


def poisson_logpmf(k: npt.ArrayLike, mean: npt.ArrayLike) -> Array:
    """``ln(e^-m m^k / k!)`` for real k >= 0, accurate to full relative precision."""
    k = np.asarray(k, dtype=float)
    m = np.asarray(mean, dtype=float)
    kk = np.where(k > 0, k, 1.0)
    out = -_stirlerr(kk) - _bd0(kk, m) - _LN_SQRT_2PI - 0.5 * np.log(kk)
    return np.asarray(np.where(k > 0, out, -m), dtype=float)


def erlang_b(traffic: npt.ArrayLike, agents: npt.ArrayLike) -> Array:
    """Blocking probability of M/M/N/N (Erlang B), for real agents N >= 0.

    Examples
    --------
    >>> round(float(erlang_b(10.0, 14)), 10)
    0.0568191434
    """
    a = np.asarray(traffic, dtype=float)
    n = np.asarray(agents, dtype=float)
    a_safe = np.where(a > 0, a, 1.0)
    with np.errstate(divide="ignore"):
        log_b = poisson_logpmf(n, a_safe) - np.log(gammaincc(n + 1.0, a_safe))
    # B(0, A) = 1 exactly; rounding may put exp(log_b) a hair above 1 there.
    return np.asarray(np.where(a > 0, np.minimum(np.exp(log_b), 1.0), 0.0), dtype=float)


def erlang_c_metrics(
    traffic: npt.ArrayLike,
    agents: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    threshold_s: npt.ArrayLike,
) -> dict[str, Array]:
    """P(wait), service level, ASA and occupancy of Erlang C from one Erlang B evaluation.

    The same values as :func:`erlang_c`, :func:`service_level`, :func:`asa` and
    :func:`occupancy`, computed together (the staffing search calls this in its loop).
    """
    a = np.asarray(traffic, dtype=float)
    n = np.asarray(agents, dtype=float)
    h = np.asarray(aht_s, dtype=float)
    b = erlang_b(a, n)
    stable = n > a
    busy = a > 0
    gap = np.where(stable, n - a, 1.0)
    c = np.where(stable, n * b / np.where(stable, n - a * (1.0 - b), 1.0), 1.0)
    c = np.where(busy, c, 0.0)
    with np.errstate(over="ignore"):
        sl = 1.0 - c * np.exp(-gap * np.asarray(threshold_s, dtype=float) / h)
    sl = np.where(stable, sl, np.where(busy, 0.0, 1.0))
    wait = np.where(stable, c * h / gap, np.where(busy, np.inf, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        occ = np.where(n > 0, np.minimum(a / np.where(n > 0, n, 1.0), 1.0), 0.0)
    return {"p_wait": c, "service_level": sl, "asa": wait, "occupancy": occ}


def erlang_c(traffic: npt.ArrayLike, agents: npt.ArrayLike) -> Array:
    """Probability that a call waits (Erlang C); 1 when agents <= traffic.

    Examples
    --------
    >>> round(float(erlang_c(10.0, 14)), 4)  # 100 calls / 30 min, AHT 180 s
    0.1741
    """
    a = np.asarray(traffic, dtype=float)
    n = np.asarray(agents, dtype=float)
    b = erlang_b(a, n)
    stable = n > a
    denom = np.where(stable, n - a * (1.0 - b), 1.0)
    c = np.where(stable, n * b / denom, 1.0)
    return np.asarray(np.where(a > 0, c, 0.0), dtype=float)


def _aht_rate(aht_s: npt.ArrayLike) -> Array:
    return np.asarray(aht_s, dtype=float)


def service_level(
    traffic: npt.ArrayLike,
    agents: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    threshold_s: npt.ArrayLike,
) -> Array:
    """Erlang C share of calls answered within ``threshold_s`` seconds.

    ``1 - C exp(-(N - A) T / AHT)``; 0 when agents <= traffic (the queue grows without
    bound), 1 when there is no traffic.
    """
    a = np.asarray(traffic, dtype=float)
    n = np.asarray(agents, dtype=float)
    c = erlang_c(a, n)
    with np.errstate(over="ignore"):
        sl = 1.0 - c * np.exp(-(n - a) * np.asarray(threshold_s, dtype=float) / _aht_rate(aht_s))
    return np.asarray(np.where(n > a, sl, np.where(a > 0, 0.0, 1.0)), dtype=float)


def asa(traffic: npt.ArrayLike, agents: npt.ArrayLike, aht_s: npt.ArrayLike) -> Array:
    """Erlang C average speed of answer, seconds: ``C AHT / (N - A)``; inf if N <= A."""
    a = np.asarray(traffic, dtype=float)
    n = np.asarray(agents, dtype=float)
    c = erlang_c(a, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = c * np.asarray(aht_s, dtype=float) / (n - a)
    return np.asarray(np.where(n > a, out, np.where(a > 0, np.inf, 0.0)), dtype=float)


def occupancy(traffic: npt.ArrayLike, agents: npt.ArrayLike) -> Array:
    """Erlang C occupancy ``A / N`` (capped at 1 when N <= A; 0 with no agents or traffic)."""
    a = np.asarray(traffic, dtype=float)
    n = np.asarray(agents, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(n > 0, np.minimum(a / n, 1.0), 0.0)
    return np.asarray(out, dtype=float)


# --------------------------------------------------------------------------- Erlang A
def _ln_s(x: Array, y: Array) -> Array:
    """``ln S(x, y)``, ``S = Gamma(x + 1) e^y y^-x P(x, y) = sum_j y^j / ((x+1)...(x+j))``.

    From the series where its terms fall geometrically (``y < 0.95 x``) and ``x`` is large or
    ``P(x, y)`` underflows (very patient callers); elsewhere from the incomplete gamma.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    x, y = np.broadcast_arrays(x, y)
    p = gammainc(x, y)
    # The gamma form cancels (terms ~ x ln y) when x is large; where the series falls
    # geometrically (y < 0.95 x), it is used instead, to full precision.
    ok = (p > 1e-280) & ~((x > 200.0) & (y < 0.95 * x))
    out = np.empty(x.shape)
    with np.errstate(divide="ignore"):
        out[ok] = gammaln(x[ok] + 1.0) + y[ok] - x[ok] * np.log(y[ok]) + np.log(p[ok])
    rest = ~ok
    if rest.any():
        xr, yr = x[rest], y[rest]
        term = np.ones(xr.shape)
        total = np.ones(xr.shape)
        for j in range(1, 20000):
            term = term * yr / (xr + j)
            total = total + term
            if np.all(term <= 1e-17 * total):
                break
        out[rest] = np.log(total)
    return out


def _erlang_a_parts(
    traffic: npt.ArrayLike, agents: npt.ArrayLike, aht_s: npt.ArrayLike, patience_s: npt.ArrayLike
) -> tuple[Array, Array, Array, Array, Array, Array]:
    """(A, N, x, y, P(wait), ln S(x, y)) of M/M/N+M."""
    a = np.asarray(traffic, dtype=float)
    n = np.asarray(agents, dtype=float)
    # extreme inputs (a patience of 1e-300 s) overflow to inf here; the callers' checks of
    # finite results turn those into a clear error, not a numpy warning
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        ratio = np.asarray(aht_s, dtype=float) / np.asarray(patience_s, dtype=float)  # theta/mu
        x = n / ratio
        y = a / ratio
    y_safe = np.where(y > 0, y, 1.0)
    x_safe = np.where(x > 0, x, 1.0)
    ln_s = _ln_s(x_safe, y_safe)
    with np.errstate(divide="ignore"):
        b = erlang_b(a, n)
        # P(wait) = B S / (1 - B + B S) = 1 / (1 + (1 - B) / (B S))
        ln_q = np.log1p(-b) - np.log(b) - ln_s
    with np.errstate(over="ignore"):
        p_wait = 1.0 / (1.0 + np.exp(ln_q))
    p_wait = np.where(n > 0, p_wait, 1.0)
    p_wait = np.where(a > 0, p_wait, 0.0)
    return a, n, x_safe, y_safe, np.asarray(p_wait, dtype=float), ln_s


def erlang_a(
    traffic: npt.ArrayLike,
    agents: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    patience_s: npt.ArrayLike,
    threshold_s: npt.ArrayLike = 0.0,
    *,
    convention: Literal["all", "answered"] = "all",
) -> dict[str, Array]:
    """Erlang A (M/M/N+M) metrics for every row.

    Parameters
    ----------
    traffic : array_like
        Offered traffic A in Erlangs.
    agents : array_like
        Agents N (real, >= 0).
    aht_s, patience_s : array_like
        Mean handle time and mean patience (exponential), seconds.
    threshold_s : array_like
        Service-level threshold T, seconds.
    convention : {"all", "answered"}
        Denominator of the service level. ``all``: calls answered within T / all offered
        calls (abandoned calls count against the goal). ``answered``: calls answered within
        T / calls answered (abandoned calls leave the denominator).

    Returns
    -------
    dict of ndarray
        ``p_wait`` (an arriving call waits), ``p_abandon`` (it abandons), ``service_level``,
        ``asa`` (mean wait of all offered calls, answered or not, seconds: by Little's law
        ``P(abandon) x patience``), ``occupancy`` (carried traffic / N).
    """
    a, n, x, y, p_wait, ln_s = _erlang_a_parts(traffic, agents, aht_s, patience_s)
    patience = np.asarray(patience_s, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rho = np.where(n > 0, a / np.where(n > 0, n, 1.0), np.inf)
        inv_s = np.exp(-ln_s)
        p_ab_w = np.where(n > 0, inv_s / rho + 1.0 - 1.0 / rho, 1.0)
    p_ab_w = np.clip(p_ab_w, 0.0, 1.0)
    p_ab = p_wait * p_ab_w
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        theta_t = np.asarray(threshold_s, dtype=float) / patience
        z = y * np.exp(-theta_t)
    ln_s_z = _ln_s(x, np.where(z > 0, z, 1e-300))
    # served with 0 < V <= T = P(wait) (x / y) [P(x+1, y) - P(x+1, z)] / P(x, y), written with
    # S only: P(x+1, y) / P(x, y) = 1 - 1/S(x, y); P(x+1, z) / P(x, y) = R (1 - 1/S(x, z)),
    # R = P(x, z) / P(x, y) = S(x, z) / S(x, y) exp(-x theta T + y - z).
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ln_r = ln_s_z - ln_s - x * theta_t + y - z
        ratio_r = np.exp(ln_r)
        served_wait = p_wait * (x / y) * ((1.0 - inv_s) - ratio_r * (1.0 - np.exp(-ln_s_z)))
    answered_in_t = (1.0 - p_wait) + np.where(p_wait > 0, served_wait, 0.0)
    answered = 1.0 - p_ab
    if convention == "all":
        sl = answered_in_t
    else:
        sl = np.where(answered > 0, answered_in_t / np.where(answered > 0, answered, 1.0), 0.0)
    sl = np.where(a > 0, np.clip(sl, 0.0, 1.0), 1.0)
    occ = np.where(n > 0, np.minimum(a * (1.0 - p_ab) / np.where(n > 0, n, 1.0), 1.0), 0.0)
    return {
        "p_wait": np.asarray(p_wait, dtype=float),
        "p_abandon": np.asarray(np.where(a > 0, p_ab, 0.0), dtype=float),
        "service_level": np.asarray(sl, dtype=float),
        "asa": np.asarray(np.where(a > 0, p_ab * patience, 0.0), dtype=float),
        "occupancy": np.asarray(occ, dtype=float),
    }


def _ratio_gap(n: Array, a: Array, c: Array, d: Array) -> Array:
    """``n / a - c - d`` with its exact sign (0 exactly when it is 0), a > 0.

    Rows where the rounded difference is within 1e-9 of zero are done again in exact
    rational arithmetic (:class:`fractions.Fraction`), ``c`` and ``d`` taken as the decimals
    they print as (the goal a user typed: 0.8, not the double nearest to it, which is
    0.8 + 4.4e-17): ``N = 0.8 A`` is then exactly 0, as it must be for the staffing test
    to see the sign of what lies beyond.
    """
    n, a, c, d = (np.asarray(v, dtype=float) for v in np.broadcast_arrays(n, a, c, d))
    out = np.asarray(n / a - c - d, dtype=float)
    close = np.flatnonzero(np.abs(out).ravel() <= 1e-9)
    flat = out.reshape(-1)
    for i in close.tolist():
        ni, ai = float(n.flat[i]), float(a.flat[i])
        exact = (
            Fraction(ni) / Fraction(ai)
            - Fraction(repr(float(c.flat[i])))
            - Fraction(repr(float(d.flat[i])))
        )
        flat[i] = float(exact)
        if flat[i] == 0.0 and exact != 0:
            flat[i] = 5e-324 if exact > 0 else -5e-324
    return out


def erlang_a_goal_margins(
    traffic: npt.ArrayLike,
    agents: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    patience_s: npt.ArrayLike,
    threshold_s: npt.ArrayLike,
    *,
    sl_target: npt.ArrayLike | None = None,
    max_abandon: npt.ArrayLike | None = None,
) -> dict[str, Array]:
    """By how much Erlang A meets a service-level or abandonment goal, with the right sign
    even where the difference is far below double precision.

    Returns ``service_level`` = SL - ``sl_target`` and ``p_abandon`` = ``max_abandon`` -
    P(abandon) (the goal is met where the margin is >= 0), for the goals given.

    Why. With more calls than agents can carry (``N < A``) nearly every caller waits and
    the service level tends to ``N / A`` from below: every answered call is answered within
    the threshold, and the agents are almost never idle. At 1e6 Erlangs and 800,000 agents
    (80/20, patience 60 s) the service level is ``0.8 - d`` with ``d`` about ``e^-7000``:
    in doubles it rounds to 0.8 (or a neighbour), so comparing the rounded value with the
    goal calls 800,000 agents enough. They are not: calls are answered at most at the rate
    ``N / AHT`` at which ``N`` agents can serve them, and strictly less because the agents
    are idle with positive probability, so ``SL <= 1 - P(abandon) < N / A = 0.8``.

    How. Written around ``N / A`` (``x / y`` of :func:`erlang_a`; ``S`` and ``R`` as there):

    * ``SL - N/A = (1 - P(wait)) (1 - N/A) - P(wait) (N/A) (1/S(x, y) + R (1 - 1/S(x, z)))``,
    * ``P(abandon) - (1 - N/A) = P(wait) (N/A) / S(x, y) - (1 - P(wait)) (1 - N/A)``,

    so ``margin = (N/A - target) + terms``, where ``N/A - target`` is taken with its exact
    sign (rational arithmetic where it is near 0) and the terms from their logarithms
    (they underflow when the queue is overloaded). Where ``N/A`` equals the goal exactly,
    the sign is that of the terms, compared in log space.
    """
    a, n, x, y, _, ln_s = _erlang_a_parts(traffic, agents, aht_s, patience_s)
    patience = np.asarray(patience_s, dtype=float)
    theta_t = np.asarray(threshold_s, dtype=float) / patience
    n_safe = np.where(n > 0, n, 1.0)
    a_safe = np.where(a > 0, a, 1.0)
    ratio = n_safe / a_safe
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        b = erlang_b(a, n)
        ln_q = np.log1p(-b) - np.log(b) - ln_s  # ln((1 - P(wait)) / P(wait))
        ln_pw = -np.logaddexp(0.0, ln_q)
        ln_not_pw = -np.logaddexp(0.0, -ln_q)
        spare = np.where(n < a, (a - n) / a_safe, 0.0)  # 1 - N/A where positive
        ln_spare = np.log(spare)
        z = y * np.exp(-theta_t)
        ln_s_z = _ln_s(x, np.where(z > 0, z, 1e-300))
        ln_r = ln_s_z - ln_s - x * theta_t + y - z
        # ln(1/S + R (1 - 1/S_z)); S_z >= 1 (rounding may put ln S_z a hair below 0)
        late = np.logaddexp(-ln_s, ln_r + np.log1p(-np.minimum(np.exp(-ln_s_z), 1.0)))
        ln_t_idle = ln_not_pw + ln_spare  # ln((1 - P(wait)) (1 - N/A))
        ln_t_late = ln_pw + np.log(ratio) + late
        ln_t_never = ln_pw + np.log(ratio) - ln_s
        t_idle = np.exp(ln_t_idle)
        over = 1.0 - ratio  # 1 - N/A when N >= A (<= 0): the idle term is then <= 0
        t_idle = np.where(n < a, t_idle, np.exp(ln_not_pw) * over)
    out: dict[str, Array] = {}

    def signed(gap: Array, plus: Array, minus: Array, ln_plus: Array, ln_minus: Array) -> Array:
        m = gap + (plus - minus)
        tie = (m == 0.0) & (gap == 0.0)
        tiny = np.where(ln_plus >= ln_minus, 5e-324, -5e-324)
        return np.asarray(np.where(tie, tiny, m), dtype=float)

    if sl_target is not None:
        tgt = np.asarray(sl_target, dtype=float)
        gap = _ratio_gap(n_safe, a_safe, tgt, np.zeros_like(tgt))
        m = signed(gap, t_idle, np.exp(ln_t_late), ln_t_idle, ln_t_late)
        # no traffic: SL 1; no agents: SL 0 (every caller abandons)
        m = np.where(a > 0, np.where(n > 0, m, -tgt), 1.0 - tgt)
        out["service_level"] = np.asarray(m, dtype=float)
    if max_abandon is not None:
        cap = np.asarray(max_abandon, dtype=float)
        # max_abandon - P(ab) = (N/A - (1 - cap)) + idle term - never-served term
        gap = _ratio_gap(n_safe, a_safe, np.ones_like(cap), -cap)
        m = signed(gap, t_idle, np.exp(ln_t_never), ln_t_idle, ln_t_never)
        m = np.where(a > 0, np.where(n > 0, m, cap - 1.0), cap)
        out["p_abandon"] = np.asarray(m, dtype=float)
    return out
