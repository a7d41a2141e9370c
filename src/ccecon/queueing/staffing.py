"""Required agents: the exact minimum meeting every goal at once, vectorized over rows.

Goals (any combination; each is optional, at least one is needed):

* ``sl_target`` with ``sl_threshold_s``: share of calls answered within T (e.g. 0.8, 20 s);
* ``max_asa_s``: average speed of answer;
* ``max_abandon``: share of offered calls that abandon (Erlang A only; Erlang C has none);
* ``max_occupancy``: agent occupancy (Erlang C: A / N; Erlang A: carried traffic / N).

Method. Every metric is monotone in the number of agents N, so the minimum is found by
integer bisection per row: a feasible upper bound from the square-root staffing rule
``A + k sqrt(A)`` (doubled until feasible), an infeasible lower bound (``floor(A)`` for
Erlang C, which needs N > A; 0 for Erlang A, which may need fewer agents than the traffic
because callers abandon), then ~log2(range) vectorized steps. No linear search from a
guessed start (the source of pyworkforce's off-by-one: its search starts at round(A + 1)),
so the answer is exact for any traffic from 1e-3 to 1e6 Erlangs.

Fractional agents use the same metrics on real N (the incomplete-gamma extension of Erlang
B to real N) and bisect on reals to 1e-9 agents: the real N at which the binding goal is
met exactly. Planners who round it up get the integer answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ccecon.defaults import DEFAULT_SHRINKAGE
from ccecon.errors import InputError, NoSolutionError
from ccecon.queueing.erlang import erlang_a, erlang_a_goal_margins, erlang_c_metrics

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Goals:
    """Staffing goals, scalars or arrays per row; None means "no goal on this metric"."""

    sl_target: npt.ArrayLike | None = None
    sl_threshold_s: npt.ArrayLike | None = None
    max_asa_s: npt.ArrayLike | None = None
    max_abandon: npt.ArrayLike | None = None
    max_occupancy: npt.ArrayLike | None = None

    def check(self) -> None:
        """Raise InputError (naming the row) for goals outside their ranges, or no goal."""
        if all(
            g is None
            for g in (self.sl_target, self.max_asa_s, self.max_abandon, self.max_occupancy)
        ):
            raise InputError(
                "give at least one goal: service level, ASA, abandonment or occupancy",
                field="goals",
            )
        if self.sl_target is not None:
            _in_range(
                "sl_target",
                self.sl_target,
                lambda v: (v > 0) & (v < 1),
                "service level target must be in (0, 1), e.g. 0.8",
            )
            if self.sl_threshold_s is None:
                raise InputError(
                    "a service level target needs a threshold in seconds", field="sl_threshold_s"
                )
            _in_range(
                "sl_threshold_s",
                self.sl_threshold_s,
                lambda v: v >= 0,
                "the service level threshold must be >= 0 seconds",
            )
        if self.max_asa_s is not None:
            _in_range("max_asa_s", self.max_asa_s, lambda v: v > 0, "max ASA must be > 0 s")
        if self.max_abandon is not None:
            _in_range(
                "max_abandon",
                self.max_abandon,
                lambda v: (v > 0) & (v < 1),
                "max abandonment must be in (0, 1)",
            )
        if self.max_occupancy is not None:
            _in_range(
                "max_occupancy",
                self.max_occupancy,
                lambda v: (v > 0) & (v <= 1),
                "max occupancy must be in (0, 1]",
            )

    def take(self, rows: npt.NDArray[np.int64]) -> Goals:
        """The goals of the given rows (goals already flattened by :meth:`arrays`)."""

        def t(v: npt.ArrayLike | None) -> Array | None:
            return None if v is None else np.asarray(v)[rows]

        return Goals(
            t(self.sl_target),
            t(self.sl_threshold_s),
            t(self.max_asa_s),
            t(self.max_abandon),
            t(self.max_occupancy),
        )

    def arrays(self, shape: tuple[int, ...]) -> Goals:
        """The goals broadcast to ``shape`` and flattened (for the row-wise search)."""

        def b(v: npt.ArrayLike | None) -> Array | None:
            if v is None:
                return None
            return np.broadcast_to(np.asarray(v, dtype=float), shape).ravel()

        return Goals(
            b(self.sl_target),
            b(self.sl_threshold_s),
            b(self.max_asa_s),
            b(self.max_abandon),
            b(self.max_occupancy),
        )


def _in_range(name: str, value: npt.ArrayLike, ok: object, message: str) -> None:
    arr = np.asarray(value, dtype=float)
    good = np.isfinite(arr) & ok(arr)  # type: ignore[operator]
    if not np.all(good):
        i = int(np.flatnonzero(~np.broadcast_to(good, arr.shape).ravel())[0])
        raise InputError(
            message, field=name, row=i + 1 if arr.ndim else None, value=float(arr.ravel()[i])
        )


def traffic_erlangs(calls: npt.ArrayLike, aht_s: npt.ArrayLike, interval_s: npt.ArrayLike) -> Array:
    """Offered traffic in Erlangs: calls per interval x AHT / interval length."""
    return np.asarray(
        np.asarray(calls, dtype=float)
        * np.asarray(aht_s, dtype=float)
        / np.asarray(interval_s, dtype=float),
        dtype=float,
    )


def metrics(
    traffic: npt.ArrayLike,
    agents: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    *,
    sl_threshold_s: npt.ArrayLike = 20.0,
    patience_s: npt.ArrayLike | None = None,
) -> dict[str, Array]:
    """Service level, ASA, P(wait), abandonment and occupancy for given agents.

    Erlang C when ``patience_s`` is None, Erlang A otherwise (service level over all offered
    calls, ASA over all offered calls).
    """
    a = np.asarray(traffic, dtype=float)
    n = np.asarray(agents, dtype=float)
    if patience_s is None:
        m = erlang_c_metrics(a, n, aht_s, sl_threshold_s)
        m["p_abandon"] = np.zeros(np.broadcast(a, n).shape)
        return m
    return erlang_a(a, n, aht_s, patience_s, sl_threshold_s)


def _feasible(
    a: Array, n: Array, aht: Array, goals: Goals, patience: Array | None
) -> npt.NDArray[np.bool_]:
    """Rows whose agents meet every goal: strictly, as the user reads them.

    Each metric, as :func:`metrics` computes it (the value that is printed), must meet its
    goal with no tolerance. For Erlang A the service-level and abandonment goals must also
    hold beyond the last bit (:func:`ccecon.queueing.erlang.erlang_a_goal_margins`): with
    more traffic than agents the service level tends to ``N / A`` from below, so at 1e6
    Erlangs 800,000 agents give a service level that rounds to 0.8 but lies below it.
    """
    thr = 0.0 if goals.sl_threshold_s is None else goals.sl_threshold_s
    m = metrics(a, n, aht, sl_threshold_s=thr, patience_s=patience)
    ok = np.ones(n.shape, dtype=bool)

    def g(v: npt.ArrayLike) -> Array:
        return np.asarray(v, dtype=float)

    if goals.sl_target is not None:
        ok &= m["service_level"] >= g(goals.sl_target)
    if goals.max_asa_s is not None:
        ok &= m["asa"] <= g(goals.max_asa_s)
    if goals.max_abandon is not None:
        ok &= m["p_abandon"] <= g(goals.max_abandon)
    if goals.max_occupancy is not None:
        ok &= m["occupancy"] <= g(goals.max_occupancy)
    if patience is not None and (goals.sl_target is not None or goals.max_abandon is not None):
        # Where the printed value clears its goal by more than its own error, it decides.
        near = np.zeros(n.shape, dtype=bool)
        if goals.sl_target is not None:
            near |= np.abs(m["service_level"] - g(goals.sl_target)) <= _NEAR
        if goals.max_abandon is not None:
            near |= np.abs(m["p_abandon"] - g(goals.max_abandon)) <= _NEAR
        rows = np.flatnonzero(ok & near & (a > 0))
        if rows.size:

            def at(v: npt.ArrayLike | None) -> Array | None:
                return None if v is None else np.broadcast_to(g(v), ok.shape)[rows]

            margins = erlang_a_goal_margins(
                a[rows],
                n[rows],
                aht[rows],
                patience[rows],
                np.broadcast_to(g(thr), ok.shape)[rows],
                sl_target=at(goals.sl_target),
                max_abandon=at(goals.max_abandon),
            )
            met = np.ones(rows.size, dtype=bool)
            for margin in margins.values():
                met &= ~(margin < 0.0)  # NaN (no finer answer): the printed value decides
            ok[rows] = met
    return np.asarray(ok | (a <= 0), dtype=bool)


_NEAR = 1e-9
"""A printed metric within this of its goal is checked again finer (Erlang A margins, the
Erlang C table's answers against the printed metrics)."""


def _validate_rows(calls: Array, aht: Array, interval: Array, patience: Array | None) -> None:
    for name, arr, positive in (
        ("calls", calls, False),
        ("aht_s", aht, True),
        ("interval_s", interval, True),
    ):
        bad = ~np.isfinite(arr) | ((arr <= 0) if positive else (arr < 0))
        if bad.any():
            i = int(np.flatnonzero(bad.ravel())[0])
            want = "> 0" if positive else ">= 0"
            raise InputError(
                f"expected a finite number {want}",
                field=name,
                row=i + 1,
                value=float(arr.ravel()[i]),
            )
    if patience is not None:
        bad = ~np.isfinite(patience) | (patience <= 0)
        if bad.any():
            i = int(np.flatnonzero(bad.ravel())[0])
            raise InputError(
                "patience must be a finite number of seconds > 0",
                field="patience_s",
                row=i + 1,
                value=float(patience.ravel()[i]),
            )


MAX_TRAFFIC = 1e7
"""Most offered traffic in one interval, Erlangs (ten million agents busy at once; the
largest contact centers have about 10^5 agents). More is refused before the search, whose
arithmetic (and the agent counts, int64) would overflow."""


def _check_traffic(a: Array) -> None:
    bad = ~(a <= MAX_TRAFFIC)  # NaN too
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"the offered traffic is {float(a[i]):.3g} Erlangs in one interval; at most"
            f" {MAX_TRAFFIC:,.0f} can be staffed: check the volumes, handle times and"
            " interval length",
            field="calls",
            row=i + 1,
        )


TABLE_WIDTH = 160
"""Candidates per row of the Erlang C table search (rows whose answer lies further above
floor(A) + 1 fall back to bisection)."""


def _table_erlang_c(
    a: Array, aht: Array, goals: Goals
) -> tuple[Array, npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Integer minimum for Erlang C rows by walking N up from floor(A) + 1 in blocks.

    Erlang B is evaluated once per row at floor(A) + 1 (incomplete gamma) and carried up by
    its exact, stable forward recurrence ``B(N + 1) = A B(N) / (N + 1 + A B(N))``; every goal
    is checked on a block of candidates at once, and rows leave as soon as one meets them.
    Returns the answers, a mask of the rows found within ``TABLE_WIDTH`` candidates, and
    a mask of the rows whose goal was met, or missed one agent below, within ``_NEAR``
    (those are checked again on the printed metrics by :func:`_settle`).
    """
    from ccecon.queueing.erlang import erlang_b

    n = a.size
    out = np.full(n, np.nan)
    rows = np.arange(n)
    start = np.floor(a) + 1.0
    b_next = erlang_b(a, start)  # B at the first candidate of the next block
    thr = (
        None
        if goals.sl_threshold_s is None
        else np.broadcast_to(np.asarray(goals.sl_threshold_s, dtype=float), (n,))
    )
    tgt = (
        None
        if goals.sl_target is None
        else np.broadcast_to(np.asarray(goals.sl_target, dtype=float), (n,))
    )
    cap = (
        None
        if goals.max_asa_s is None
        else np.broadcast_to(np.asarray(goals.max_asa_s, dtype=float), (n,))
    )
    occ = (
        None
        if goals.max_occupancy is None
        else np.broadcast_to(np.asarray(goals.max_occupancy, dtype=float), (n,))
    )
    block = 8
    first = start.copy()
    close = np.zeros(n, dtype=bool)  # the goal met by a hair at the answer or one below
    was_near = np.zeros(n, dtype=bool)  # ... at the last candidate of the row's last block
    for _ in range(0, TABLE_WIDTH, block):
        if rows.size == 0:
            break
        ar, hr, fr = a[rows], aht[rows], first[rows]
        b = np.empty((block, rows.size))
        b[0] = b_next[rows]
        for k in range(1, block):
            prev = b[k - 1]
            b[k] = ar * prev / (fr + k + ar * prev)
        nn = fr[None, :] + np.arange(block, dtype=float)[:, None]
        gap = nn - ar[None, :]
        c = nn * b / (nn - ar[None, :] * (1.0 - b))
        ok = np.ones((block, rows.size), dtype=bool)
        near = np.zeros((block, rows.size), dtype=bool)
        if tgt is not None and thr is not None:
            # threshold / AHT overflows to inf for a subnormal AHT (5e-324 s, found by the
            # API's schema fuzzing): exp(-inf) = 0, the limit (every call answered at once)
            with np.errstate(over="ignore"):
                per_aht = thr[rows] / hr
            sl = 1.0 - c * np.exp(-gap * per_aht[None, :])
            ok &= sl >= tgt[rows]
            near |= np.abs(sl - tgt[rows]) <= _NEAR
        if cap is not None:
            wait = c * hr[None, :] / gap
            ok &= wait <= cap[rows]
            near |= np.abs(wait - cap[rows]) <= _NEAR * np.maximum(1.0, cap[rows])
        if occ is not None:
            ratio = ar[None, :] / nn
            ok &= ratio <= occ[rows]
            near |= np.abs(ratio - occ[rows]) <= _NEAR
        found = ok.any(axis=0)
        j = np.argmax(ok[:, found], axis=0)
        out[rows[found]] = fr[found] + j
        cols = np.flatnonzero(found)
        below = np.where(j > 0, near[np.maximum(j - 1, 0), cols], was_near[rows[found]])
        close[rows[found]] = near[j, cols] | below
        was_near[rows] = near[-1]
        last = b[-1]
        nxt = ar * last / (fr + block + ar * last)
        keep = ~found
        b_next[rows[keep]] = nxt[keep]
        first[rows[keep]] = fr[keep] + block
        rows = rows[keep]
    return out, ~np.isnan(out), close


def _settle(a: Array, aht: Array, goals: Goals, n: Array) -> Array:
    """Erlang C answers of the table search made the minimum by the printed metrics.

    The table carries Erlang B up by its recurrence; :func:`metrics` (what is printed)
    takes it from the incomplete gamma function. The two agree to the last few bits, so
    where a goal is met by a hair they may disagree: the answer then moves to the
    smallest N whose printed metrics meet every goal.
    """
    n = n.copy()
    for _ in range(4):
        bad = ~_feasible(a, n, aht, goals, None)
        if not bad.any():
            break
        n[bad] += 1.0
    floor = np.floor(a) + 1.0  # Erlang C needs N > A
    for _ in range(4):
        lower = np.flatnonzero(n - 1.0 >= floor)
        if lower.size == 0:
            break
        fits = _feasible(a[lower], n[lower] - 1.0, aht[lower], goals.take(lower), None)
        if not fits.any():
            break
        n[lower[fits]] -= 1.0
    return n


def _search(a: Array, aht: Array, goals: Goals, patience: Array | None, *, integer: bool) -> Array:
    if integer and patience is None and goals.max_abandon is None and a.size > 0:
        busy = np.flatnonzero(a > 0)
        out = np.zeros(a.shape)
        if busy.size == 0:
            return out
        sub = goals.take(busy)
        ans, found, close = _table_erlang_c(a[busy], aht[busy], sub)
        rows = np.flatnonzero(found & close)
        if rows.size:
            ans[rows] = _settle(a[busy][rows], aht[busy][rows], sub.take(rows), ans[rows])
        out[busy[found]] = ans[found]
        rest = busy[~found]
        if rest.size:
            out[rest] = _bisect(a[rest], aht[rest], goals.take(rest), None, integer=True)
        return out
    return _bisect(a, aht, goals, patience, integer=integer)


def _bisect(a: Array, aht: Array, goals: Goals, patience: Array | None, *, integer: bool) -> Array:
    lo = np.floor(a) if patience is None else np.zeros_like(a)
    if not integer and patience is None:
        lo = a.copy()
    hi = np.maximum(lo + 1.0, np.ceil(a + 3.0 * np.sqrt(a) + 2.0))
    ok = _feasible(a, hi, aht, goals, patience)
    for _ in range(64):
        if ok.all():
            break
        hi = np.where(ok, hi, lo + 2.0 * (hi - lo) + 1.0)
        ok = _feasible(a, hi, aht, goals, patience)
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        raise NoSolutionError(
            f"row {i + 1}: no number of agents meets the goals at traffic {a[i]:g} Erlangs"
        )
    tol = 1.0 if integer else 1e-9
    rows = np.flatnonzero(hi - lo > tol)
    for _ in range(200):
        if rows.size == 0:
            break
        mid = np.floor((lo[rows] + hi[rows]) / 2.0) if integer else 0.5 * (lo[rows] + hi[rows])
        sub = Goals(
            *(
                None if v is None else np.asarray(v)[rows]
                for v in (
                    goals.sl_target,
                    goals.sl_threshold_s,
                    goals.max_asa_s,
                    goals.max_abandon,
                    goals.max_occupancy,
                )
            )
        )
        f = _feasible(a[rows], mid, aht[rows], sub, None if patience is None else patience[rows])
        hi[rows] = np.where(f, mid, hi[rows])
        lo[rows] = np.where(f, lo[rows], mid)
        rows = rows[hi[rows] - lo[rows] > tol]  # only rows still open are evaluated again
    return np.where(a > 0, hi, 0.0)


def required_agents(
    calls: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    interval_s: npt.ArrayLike,
    *,
    sl_target: npt.ArrayLike | None = None,
    sl_threshold_s: npt.ArrayLike | None = None,
    max_asa_s: npt.ArrayLike | None = None,
    max_abandon: npt.ArrayLike | None = None,
    max_occupancy: npt.ArrayLike | None = None,
    patience_s: npt.ArrayLike | None = None,
    fractional: bool = False,
) -> Array:
    """Minimum agents meeting every given goal, per row (broadcasting).

    Parameters
    ----------
    calls : array_like
        Calls offered per interval (>= 0).
    aht_s : array_like
        Average handle time, seconds (> 0).
    interval_s : array_like
        Interval length, seconds (e.g. 1800 for 30 minutes).
    sl_target, sl_threshold_s, max_asa_s, max_abandon, max_occupancy : array_like, optional
        The goals (see the module docstring); scalars or one per row.
    patience_s : array_like, optional
        Mean caller patience, seconds; given -> Erlang A, else Erlang C.
    fractional : bool
        Return real agents (continuous Erlang) instead of the integer minimum.

    Returns
    -------
    ndarray
        Agents (int64 when ``fractional`` is False); 0 where there are no calls.

    Raises
    ------
    InputError
        Bad rows or goals, naming the row and field.
    NoSolutionError
        No number of agents meets the goals.

    Examples
    --------
    >>> int(required_agents(100, 180, 1800, sl_target=0.8, sl_threshold_s=20))
    14
    """
    goals = Goals(sl_target, sl_threshold_s, max_asa_s, max_abandon, max_occupancy)
    goals.check()
    c = np.asarray(calls, dtype=float)
    h = np.asarray(aht_s, dtype=float)
    t = np.asarray(interval_s, dtype=float)
    p = None if patience_s is None else np.asarray(patience_s, dtype=float)
    _validate_rows(c, h, t, p)
    arrays = [c, h, t] + ([p] if p is not None else [])
    shape = np.broadcast_shapes(*(x.shape for x in arrays))
    shape = np.broadcast_shapes(
        shape,
        *(
            np.shape(g)
            for g in (sl_target, sl_threshold_s, max_asa_s, max_abandon, max_occupancy)
            if g is not None
        ),
    )
    goals = goals.arrays(shape)
    a = np.broadcast_to(traffic_erlangs(c, h, t), shape).ravel()
    _check_traffic(a)
    hb = np.broadcast_to(h, shape).ravel()
    pb = None if p is None else np.broadcast_to(p, shape).ravel()
    out = _search(a, hb, goals, pb, integer=not fractional)
    out = out.reshape(shape)
    return out if fractional else out.astype(np.int64)


def capacity_calls(
    agents: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    interval_s: npt.ArrayLike,
    *,
    sl_target: npt.ArrayLike | None = None,
    sl_threshold_s: npt.ArrayLike | None = None,
    max_asa_s: npt.ArrayLike | None = None,
    max_abandon: npt.ArrayLike | None = None,
    max_occupancy: npt.ArrayLike | None = None,
    patience_s: npt.ArrayLike | None = None,
    iterations: int = 60,
) -> Array:
    """Most calls per interval that ``agents`` answer while meeting every goal (broadcasting).

    The inverse of :func:`required_agents`, with the same goals and model (Erlang C, or
    Erlang A when ``patience_s`` is given): every goal gets harder as the offered traffic
    ``A`` grows, so bisection on ``A`` finds the largest feasible traffic to within
    ``hi / 2 ** iterations``. The search runs on ``[0, N]`` (Erlang C: at ``A >= N`` the
    queue grows without bound; Erlang A: callers who abandon let more traffic through, so
    ``[0, 4N]``). Calls = ``A x interval_s / aht_s`` of the feasible side, less a relative
    1e-9 so that :func:`required_agents` (which evaluates the goals its own way) never asks
    for more than ``agents`` at the returned calls.

    Examples
    --------
    >>> calls = capacity_calls(14, 180, 1800, sl_target=0.8, sl_threshold_s=20)
    >>> int(required_agents(float(calls), 180, 1800, sl_target=0.8, sl_threshold_s=20))
    14
    """
    goals = Goals(sl_target, sl_threshold_s, max_asa_s, max_abandon, max_occupancy)
    goals.check()
    n = np.asarray(agents, dtype=float)
    h = np.asarray(aht_s, dtype=float)
    t = np.asarray(interval_s, dtype=float)
    p = None if patience_s is None else np.asarray(patience_s, dtype=float)
    shape = np.broadcast_shapes(
        n.shape,
        h.shape,
        t.shape,
        *([] if p is None else [p.shape]),
        *(
            np.shape(g)
            for g in (sl_target, sl_threshold_s, max_asa_s, max_abandon, max_occupancy)
            if g is not None
        ),
    )
    flat = goals.arrays(shape)
    nb = np.broadcast_to(n, shape).ravel()
    hb = np.broadcast_to(h, shape).ravel()
    pb = None if p is None else np.broadcast_to(p, shape).ravel()
    lo = np.zeros(nb.shape)
    hi = nb * (1.0 if p is None else 4.0)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        for _ in range(iterations):
            mid = 0.5 * (lo + hi)
            ok = _feasible(mid, nb, hb, flat, pb)
            lo = np.where(ok, mid, lo)
            hi = np.where(ok, hi, mid)
    calls = lo * (1.0 - 1e-9) * np.broadcast_to(t, shape).ravel() / hb
    return np.asarray(calls.reshape(shape), dtype=float)


# --------------------------------------------------------------------------- shrinkage
def total_shrinkage(components: dict[str, float] | list[float], method: str = "compound") -> float:
    """Total shrinkage from components (breaks, training, meetings, absence, ...).

    ``compound`` (default): ``1 - prod(1 - s_i)``: each component applies to the time left by
    the others, the usual planner's convention when components are measured as shares of
    the remaining time. ``additive``: ``sum(s_i)``, when every share is of paid time.
    """
    values = list(components.values()) if isinstance(components, dict) else list(components)
    for v in values:
        if not 0 <= v < 1:
            raise InputError("a shrinkage component must be in [0, 1)", field="shrinkage", value=v)
    if method == "compound":
        total = 1.0 - float(np.prod([1.0 - v for v in values]))
    elif method == "additive":
        total = float(sum(values))
    else:
        raise InputError("method must be compound or additive", field="method", value=method)
    if not total < 1:
        raise InputError("total shrinkage must be below 100 %", field="shrinkage", value=total)
    return total


def paid_fte(agents: npt.ArrayLike, shrinkage: npt.ArrayLike) -> Array:
    """Agents needed on the phones -> paid FTE: ``agents / (1 - shrinkage)``."""
    s = np.asarray(shrinkage, dtype=float)
    if np.any((s < 0) | (s >= 1)):
        raise InputError("shrinkage must be in [0, 1)", field="shrinkage", value=s.tolist())
    return np.asarray(np.asarray(agents, dtype=float) / (1.0 - s), dtype=float)


# --------------------------------------------------------------------------- tables
def staff_table(
    intervals: pd.DataFrame,
    *,
    interval_s: float,
    sl_target: float | None = None,
    sl_threshold_s: float | None = None,
    max_asa_s: float | None = None,
    max_abandon: float | None = None,
    max_occupancy: float | None = None,
    patience_s: float | None = None,
    shrinkage: float = DEFAULT_SHRINKAGE,
) -> pd.DataFrame:
    """Staff a table of intervals: columns ``calls`` and ``aht_s`` (optionally ``start``).

    Returns the same rows with ``traffic``, ``agents``, ``service_level``, ``asa``,
    ``p_wait``, ``p_abandon``, ``occupancy`` and ``fte`` (agents / (1 - shrinkage);
    shrinkage defaults to :data:`ccecon.defaults.DEFAULT_SHRINKAGE`, 30 %).
    """
    for col in ("calls", "aht_s"):
        if col not in intervals.columns:
            raise InputError(f"missing column {col!r}", field=col, value=list(intervals.columns))
    calls = pd.to_numeric(intervals["calls"], errors="coerce").to_numpy(dtype=float)
    aht = pd.to_numeric(intervals["aht_s"], errors="coerce").to_numpy(dtype=float)
    for name, arr, raw in (
        ("calls", calls, intervals["calls"]),
        ("aht_s", aht, intervals["aht_s"]),
    ):
        bad = np.isnan(arr)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError("expected a number", field=name, row=i + 1, value=raw.iloc[i])
    aht_fill = np.where(calls > 0, aht, np.where(aht > 0, aht, 1.0))
    agents = required_agents(
        calls,
        aht_fill,
        interval_s,
        sl_target=sl_target,
        sl_threshold_s=sl_threshold_s,
        max_asa_s=max_asa_s,
        max_abandon=max_abandon,
        max_occupancy=max_occupancy,
        patience_s=patience_s,
    )
    a = traffic_erlangs(calls, aht_fill, interval_s)
    m = metrics(a, agents, aht_fill, sl_threshold_s=sl_threshold_s or 0.0, patience_s=patience_s)
    out = intervals.copy()
    out["traffic"] = a
    out["agents"] = agents
    for k in ("service_level", "asa", "p_wait", "p_abandon", "occupancy"):
        out[k] = m[k]
    out["fte"] = paid_fte(agents, shrinkage)
    return out


def rollup(staffed: pd.DataFrame, by: str, interval_s: float) -> pd.DataFrame:
    """Roll staffed intervals up to ``day``, ``week`` or ``month`` (needs column ``start``).

    Sums calls and agent-hours; the service level is volume-weighted (calls answered within
    T over calls offered), ASA call-weighted; peak agents is the interval maximum.
    """
    if "start" not in staffed.columns:
        raise InputError("roll-up needs a 'start' column of timestamps", field="start")
    ts = pd.to_datetime(staffed["start"], errors="coerce")
    if ts.isna().any():
        i = int(np.flatnonzero(ts.isna().to_numpy())[0])
        raise InputError(
            "expected a timestamp", field="start", row=i + 1, value=staffed["start"].iloc[i]
        )
    freq = {"day": "D", "week": "W-MON", "month": "M"}
    if by not in freq:
        raise InputError("roll up by day, week or month", field="by", value=by)
    key = ts.dt.to_period(freq[by]).astype(str)
    df = staffed.assign(
        _key=key.to_numpy(),
        _in_sl=staffed["calls"] * staffed["service_level"],
        _wait=staffed["calls"] * staffed["asa"],
        _hours=staffed["agents"] * interval_s / 3600.0,
        _fte_hours=staffed["fte"] * interval_s / 3600.0,
    )
    g = df.groupby("_key", sort=True)
    res = pd.DataFrame(
        {
            "calls": g["calls"].sum(),
            "agent_hours": g["_hours"].sum(),
            "paid_hours": g["_fte_hours"].sum(),
            "peak_agents": g["agents"].max(),
            "_in_sl": g["_in_sl"].sum(),
            "_wait": g["_wait"].sum(),
        }
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        res["service_level"] = np.where(res["calls"] > 0, res["_in_sl"] / res["calls"], 1.0)
        res["asa"] = np.where(res["calls"] > 0, res["_wait"] / res["calls"], 0.0)
    res = res.drop(columns=["_in_sl", "_wait"]).reset_index(names=by)
    return res


def one_interval(
    calls: float,
    aht_s: float,
    interval_s: float,
    *,
    sl_target: float | None = None,
    sl_threshold_s: float | None = None,
    max_asa_s: float | None = None,
    max_abandon: float | None = None,
    max_occupancy: float | None = None,
    patience_s: float | None = None,
    shrinkage: float = DEFAULT_SHRINKAGE,
) -> dict[str, Any]:
    """Agents for one interval and what they give: the one-line Erlang calculator.

    Used by ``ccecon staff --calls ...`` and the web app's staffing endpoint.

    Returns
    -------
    dict
        ``model`` (erlang_c, or erlang_a with patience), ``calls``, ``interval_s``,
        ``aht_s``, ``traffic_erlangs``, ``agents`` (the exact integer minimum meeting every
        goal), ``fte`` (paid, after ``shrinkage``, default
        :data:`ccecon.defaults.DEFAULT_SHRINKAGE`, 30 %), ``service_level`` (share),
        ``asa_s``, ``p_wait``, ``p_abandon``, ``occupancy`` (share).
    """
    try:
        agents = int(
            required_agents(
                calls,
                aht_s,
                interval_s,
                sl_target=sl_target,
                sl_threshold_s=sl_threshold_s,
                max_asa_s=max_asa_s,
                max_abandon=max_abandon,
                max_occupancy=max_occupancy,
                patience_s=patience_s,
            )
        )
    except InputError as exc:  # one interval: no "row 1" in the message
        raise InputError(exc.message, field=exc.field, value=exc.value) from None
    a = float(traffic_erlangs(calls, aht_s, interval_s))
    m = metrics(a, agents, aht_s, sl_threshold_s=sl_threshold_s or 0.0, patience_s=patience_s)
    return {
        "model": "erlang_a" if patience_s is not None else "erlang_c",
        "calls": calls,
        "interval_s": interval_s,
        "aht_s": aht_s,
        "traffic_erlangs": a,
        "agents": agents,
        "fte": float(paid_fte(agents, shrinkage)),
        "service_level": float(m["service_level"]),
        "asa_s": float(m["asa"]),
        "p_wait": float(m["p_wait"]),
        "p_abandon": float(m["p_abandon"]),
        "occupancy": float(m["occupancy"]),
    }
