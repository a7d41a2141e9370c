"""An interval-of-week profile that levers reshape: deflection and callbacks in some hours.

A channel's contacts are spread over the open intervals of a representative week by a
profile ``p`` (one share per interval, Monday's intervals first, summing to 1). A lever
acting in a window ``W`` of the day (the intervals whose start lies in its hours, on its
days) changes the profile linearly in its share:

* **deflection** of a share ``d`` of the window's contacts (self-service or chat at the
  peak) removes ``d x p_i`` from each interval ``i`` in ``W``: ``p' = p + d x D`` with
  ``D_i = -p_i [i in W]``; the week keeps ``1 - d x sum_W p`` of its contacts;
* **callbacks** (virtual hold) of a share ``c`` move ``c x p_i`` out of each interval of
  ``W`` and spread each day's moved contacts evenly over the open intervals of that day's
  callback hours ``T``: ``p' = p + c x B`` with ``B_i = -p_i [i in W] + (sum over the
  day's W of p) / |T_day| [i in T_day]``; ``sum B = 0``, so the day's contacts, and the
  work, are unchanged.

A lever's share may differ by draw and its effect ramps in by month, so an
:class:`IntervalProfile` holds the base profile and the terms ``coef x change``, a
coefficient of shape (draws or 1, months + 1) per change vector; the staffing
(:mod:`ccecon.queueing.workload`) reads the profile of one month of every draw with
:meth:`IntervalProfile.shares_at`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class IntervalProfile:
    """Share of a channel's offered contacts per open interval of the week, per draw and
    month: ``(base + sum_k coef_k[r, m] x change_k) / factor[r, m]``.

    ``base`` has shape (7 x intervals per day,) and sums to 1; each ``coef`` broadcasts to
    (draws, months + 1) and each ``change`` has the shape of ``base``. ``factor`` (see
    :meth:`factor`) is the share of the week's contacts the levers keep, so the shares of
    a month sum to 1 and multiply the month's volume after the levers.
    """

    base: Array
    terms: tuple[tuple[Array, Array], ...] = ()

    def factor(self) -> Array:
        """Share of the contacts kept, ``1 + sum_k coef_k x sum(change_k)``, shape
        (draws or 1, months + 1) (or (1, 1) without terms)."""
        out: Array = np.ones((1, 1))
        for coef, change in self.terms:
            moved = float(change.sum())
            if abs(moved) > 1e-12:  # a callback's change sums to 0 (rounding aside)
                out = out + coef * moved
        shape = np.broadcast_shapes(out.shape, *[coef.shape for coef, _ in self.terms])
        return np.asarray(np.broadcast_to(out, shape), dtype=float)

    def month_keys(self) -> list[Array]:
        """The coefficients: what, besides volume and handle time, makes two months
        differ (months with equal keys have equal profiles)."""
        return [coef for coef, _ in self.terms]

    def columns(self) -> tuple[Array, npt.NDArray[np.intp]]:
        """The distinct intervals: columns of ``[base; change_1; ...]`` (shape (1 + terms,
        distinct)) and, for each interval, the index of its column. Intervals with the same
        base share and the same changes have the same share in every draw and month."""
        stack = np.vstack([self.base, *[change for _, change in self.terms]])
        unique, inverse = np.unique(stack, axis=1, return_inverse=True)
        return unique, inverse.ravel()

    def shares_at(self, unique: Array, month: int) -> Array:
        """Shares of the distinct intervals ``unique`` (from :meth:`columns`) in plan month
        ``month``, shape (draws or 1, distinct); zeros where the levers keep no contact."""
        if not self.terms:
            return unique[:1]
        out = unique[:1]
        for k, (coef, _) in enumerate(self.terms):
            out = out + coef[:, month, None] * unique[k + 1][None, :]
        total = self.factor()[:, month, None]
        safe = np.where(total > 0, total, 1.0)
        return np.asarray(np.where(total > 0, out / safe, 0.0), dtype=float)

    def first_row(self) -> IntervalProfile:
        """The profile of the first draw only (one row of coefficients)."""
        return IntervalProfile(self.base, tuple((c[:1], v) for c, v in self.terms))

    def mean_rows(self) -> IntervalProfile:
        """The profile of the mean coefficients over draws (one row): the profile a
        schedule of the mean volume covers."""
        return IntervalProfile(
            self.base,
            tuple(
                (np.asarray(c, dtype=float).mean(axis=0, keepdims=True), v) for c, v in self.terms
            ),
        )


def window_changes(
    base: Array, window: Array, target: Array | None, per_day: int
) -> tuple[Array, Array]:
    """The change vectors ``D`` (deflection) and ``B`` (callbacks) of one window.

    Parameters
    ----------
    base : ndarray
        The profile, shape (7 x per_day,), Monday's intervals first.
    window : ndarray
        1.0 for the intervals in the lever's window (see
        :func:`ccecon.queueing.workload.window_mask`), else 0.
    target : ndarray or None
        1.0 for the open intervals of the callback hours, on every day; None without
        callbacks (``B`` is then zero).
    per_day : int
        Open intervals per day.

    Returns
    -------
    (D, B) : tuple of ndarray
        Per unit share: ``p + d x D + c x B`` is the profile after deflecting ``d`` and
        calling back ``c`` of the window's contacts.
    """
    out = np.asarray(base, dtype=float) * np.asarray(window, dtype=float)
    deflect = -out
    if target is None:
        return deflect, np.zeros_like(deflect)
    day_out = out.reshape(7, per_day).sum(axis=1)
    t = np.asarray(target, dtype=float).reshape(7, per_day)
    count = t.sum(axis=1)
    back = t * np.divide(day_out, count, out=np.zeros(7), where=count > 0)[:, None]
    return deflect, np.asarray(-out + back.ravel(), dtype=float)
