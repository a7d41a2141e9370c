"""The satisfaction-driven ROI of a service center (after a published guide to
service-center cost-effectiveness).

Seed 003 takes this model from John Anton, *Call Center Management by the Numbers*
(the "ROI model" of a customer-service center). From a month's satisfaction survey,
customers with an index **above** ``loyal_above`` (85 by default) count as loyal and those
**below** ``disloyal_below`` (50) as disloyal; the thresholds are settings, and the
comparisons are strict (an index of exactly 85 or 50 is neither). Per customer segment:

* gain = CLV x loyal customers; loss = CLV x disloyal customers;
* net profit of the month = sum over segments of (gain - loss);
* ``ROI % = (net profit - net cost) / net cost x 100``, net cost being the center's
  cost of the month.

Loyal and disloyal customers are the survey's counts, as in the source. When the survey is a
sample, give ``customers`` (customers served in the month, per segment): each segment's
counts are then scaled by ``customers / respondents`` (the survey shares applied to the
customer base), a decision of ccecon's where the source is silent.

Internal-support centers (an IT help desk) have no revenue: their value is reported
as cost per ticket and time consumed (:func:`helpdesk_costs`); the internal measures that
value the time saved are the user's own.

The money functions (:func:`segment_net`, :func:`roi_on_net_cost`, :func:`helpdesk_costs`)
broadcast over numpy arrays of draws; :func:`satisfaction_roi` works on one survey.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from ccecon.errors import InputError

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class SegmentValue:
    """One segment: survey counts, the customers they stand for, and money.

    ``loyal`` and ``disloyal`` count respondents; ``loyal_customers`` and
    ``disloyal_customers`` are the customers valued (equal to the counts unless the survey
    was scaled to a customer base).
    """

    segment: str
    respondents: int
    loyal: int
    disloyal: int
    clv: float
    gain: float
    loss: float
    customers: float | None = None
    loyal_customers: float = 0.0
    disloyal_customers: float = 0.0

    @property
    def net(self) -> float:
        """gain - loss."""
        return self.gain - self.loss


@dataclass(frozen=True)
class SatisfactionROI:
    """Result of :func:`satisfaction_roi`."""

    segments: tuple[SegmentValue, ...]
    net_profit: float
    net_cost: float
    roi_pct: float
    loyal_above: float
    disloyal_below: float

    def to_frame(self) -> pd.DataFrame:
        """One row per segment, plus a ``TOTAL`` row."""
        rows = [
            {
                "segment": s.segment,
                "respondents": s.respondents,
                "loyal": s.loyal,
                "disloyal": s.disloyal,
                "customers": s.customers,
                "loyal_customers": s.loyal_customers,
                "disloyal_customers": s.disloyal_customers,
                "clv": s.clv,
                "gain": s.gain,
                "loss": s.loss,
                "net": s.net,
            }
            for s in self.segments
        ]
        scaled = [s.customers for s in self.segments if s.customers is not None]
        rows.append(
            {
                "segment": "TOTAL",
                "respondents": sum(s.respondents for s in self.segments),
                "loyal": sum(s.loyal for s in self.segments),
                "disloyal": sum(s.disloyal for s in self.segments),
                "customers": sum(scaled) if scaled else None,
                "loyal_customers": sum(s.loyal_customers for s in self.segments),
                "disloyal_customers": sum(s.disloyal_customers for s in self.segments),
                "clv": None,
                "gain": sum(s.gain for s in self.segments),
                "loss": sum(s.loss for s in self.segments),
                "net": self.net_profit,
            }
        )
        return pd.DataFrame(rows)


def classify(index: float, loyal_above: float = 85.0, disloyal_below: float = 50.0) -> str:
    """``loyal``, ``disloyal`` or ``neutral`` for a satisfaction index (strict thresholds).

    Examples
    --------
    >>> classify(85), classify(85.5), classify(49)
    ('neutral', 'loyal', 'disloyal')
    """
    if index > loyal_above:
        return "loyal"
    if index < disloyal_below:
        return "disloyal"
    return "neutral"


def segment_net(
    loyal_customers: npt.ArrayLike, disloyal_customers: npt.ArrayLike, clv: npt.ArrayLike
) -> Array:
    """gain - loss = CLV x loyal customers - CLV x disloyal customers (broadcasts).

    Examples
    --------
    >>> segment_net(3, 1, [1000.0, 2000.0]).tolist()  # CLV uncertain: two draws
    [2000.0, 4000.0]
    """
    v = np.asarray(clv, dtype=float)
    return np.asarray(
        v * np.asarray(loyal_customers, dtype=float)
        - v * np.asarray(disloyal_customers, dtype=float),
        dtype=float,
    )


def roi_on_net_cost(net_profit: npt.ArrayLike, net_cost: npt.ArrayLike) -> Array:
    """``(net profit - net cost) / net cost x 100``; net cost must be > 0.

    Examples
    --------
    >>> float(roi_on_net_cost(1000.0, 500.0))
    100.0
    """
    c = np.asarray(net_cost, dtype=float)
    if np.any(~np.isfinite(c)) or np.any(c <= 0):
        raise InputError(
            "ROI needs a positive net cost of the month", field="net_cost", value=c.tolist()
        )
    return np.asarray((np.asarray(net_profit, dtype=float) - c) / c * 100.0, dtype=float)


def satisfaction_roi(
    responses: Sequence[tuple[str, float]],
    clv: float | Mapping[str, float],
    net_cost: float,
    *,
    loyal_above: float = 85.0,
    disloyal_below: float = 50.0,
    customers: Mapping[str, float] | None = None,
) -> SatisfactionROI:
    """Gain, loss, net profit and ROI from survey responses.

    Parameters
    ----------
    responses : sequence of (segment, index)
        One pair per surveyed customer; the index is on the survey's scale (0-100).
    clv : float or mapping segment -> float
        Customer lifetime value (money, >= 0), one for all segments or one per segment
        (every surveyed segment needs one).
    net_cost : float
        The center's net cost of the month (money, > 0).
    loyal_above, disloyal_below : float
        Thresholds (strict); ``disloyal_below`` must not exceed ``loyal_above``.
    customers : mapping segment -> float, optional
        Customers served in the month per segment, to scale a sample survey up; every
        surveyed segment then needs an entry, and every entry respondents.

    Returns
    -------
    SatisfactionROI
        Segments in order of first appearance in ``responses``, net profit, ROI.

    Raises
    ------
    InputError
        Thresholds crossed, no positive net cost, a missing or negative CLV, a segment
        without customers or without respondents.

    Examples
    --------
    >>> r = satisfaction_roi([("A", 90), ("A", 40), ("A", 95)], 1000.0, 500.0)
    >>> r.net_profit, r.roi_pct  # gain 2 x 1000, loss 1 x 1000 -> (1000 - 500) / 500
    (1000.0, 100.0)
    >>> r = satisfaction_roi([("A", 90), ("A", 40), ("A", 95)], 10.0, 500.0,
    ...                      customers={"A": 300})  # 200 loyal, 100 disloyal customers
    >>> r.net_profit
    1000.0
    """
    if disloyal_below > loyal_above:
        raise InputError(
            f"disloyal_below is above loyal_above ({loyal_above:g})",
            field="disloyal_below",
            value=disloyal_below,
        )
    if not np.isfinite(net_cost) or not net_cost > 0:
        raise InputError(
            "ROI needs a positive net cost of the month", field="net_cost", value=net_cost
        )
    segs: dict[str, list[int]] = {}
    for seg, idx in responses:
        counts = segs.setdefault(seg, [0, 0, 0])
        counts[0] += 1
        kind = classify(idx, loyal_above, disloyal_below)
        if kind == "loyal":
            counts[1] += 1
        elif kind == "disloyal":
            counts[2] += 1
    if not segs:
        raise InputError("the survey has no responses", field="responses", value=0)
    if customers is not None:
        extra = sorted(set(customers) - set(segs))
        if extra:
            raise InputError(
                "customers given for a segment with no survey respondents",
                field="customers",
                value=extra[0],
            )
    out = []
    for seg in segs:  # in order of first appearance in the survey
        if isinstance(clv, Mapping):
            if seg not in clv:
                raise InputError("no CLV given for this surveyed segment", field="clv", value=seg)
            value = float(clv[seg])
        else:
            value = float(clv)
        if not np.isfinite(value) or value < 0:
            raise InputError("a CLV must be a number >= 0", field=f"clv[{seg}]", value=value)
        n, loyal, disloyal = segs[seg]
        base: float | None = None
        scale = 1.0
        if customers is not None:
            if seg not in customers:
                raise InputError(
                    "no customer count given for this surveyed segment",
                    field="customers",
                    value=seg,
                )
            base = float(customers[seg])
            if not np.isfinite(base) or base < 0:
                raise InputError(
                    "customers must be a number >= 0", field=f"customers[{seg}]", value=base
                )
            scale = base / n
        lc, dc = loyal * scale, disloyal * scale
        out.append(
            SegmentValue(
                segment=seg,
                respondents=n,
                loyal=loyal,
                disloyal=disloyal,
                clv=value,
                gain=value * lc,
                loss=value * dc,
                customers=base,
                loyal_customers=lc,
                disloyal_customers=dc,
            )
        )
    net = float(
        sum(float(segment_net(s.loyal_customers, s.disloyal_customers, s.clv)) for s in out)
    )
    return SatisfactionROI(
        segments=tuple(out),
        net_profit=net,
        net_cost=float(net_cost),
        roi_pct=float(roi_on_net_cost(net, net_cost)),
        loyal_above=loyal_above,
        disloyal_below=disloyal_below,
    )


@dataclass(frozen=True)
class HelpdeskCosts:
    """an internal support center's unit costs (arrays when inputs are draws).

    Attributes
    ----------
    tickets, cost, minutes : ndarray
        Tickets handled, cost (money) and handling minutes over the same period.
    cost_per_ticket : ndarray
        cost / tickets (money per ticket).
    minutes_per_ticket : ndarray
        minutes / tickets: the time each ticket consumed.
    cost_per_minute : ndarray
        cost / minutes (money per handling minute); inf where no minutes were logged.
    """

    tickets: Array
    cost: Array
    minutes: Array
    cost_per_ticket: Array
    minutes_per_ticket: Array
    cost_per_minute: Array

    def to_frame(self) -> pd.DataFrame:
        """One row per figure (means over draws when the inputs were arrays)."""
        names = (
            "tickets",
            "cost",
            "minutes",
            "cost_per_ticket",
            "minutes_per_ticket",
            "cost_per_minute",
        )
        return pd.DataFrame(
            {"item": list(names), "value": [float(np.mean(getattr(self, n))) for n in names]}
        )


def helpdesk_costs(
    cost: npt.ArrayLike, tickets: npt.ArrayLike, minutes: npt.ArrayLike
) -> HelpdeskCosts:
    """Cost per ticket and time consumed per ticket, broadcasting over draws.

    Parameters
    ----------
    cost : array_like
        The help desk's cost over the period (money, >= 0).
    tickets : array_like
        Tickets handled in the period (> 0).
    minutes : array_like
        Minutes of handling time logged on them (>= 0).

    Examples
    --------
    >>> h = helpdesk_costs(12000, 800, 9600)
    >>> float(h.cost_per_ticket), float(h.minutes_per_ticket), float(h.cost_per_minute)
    (15.0, 12.0, 1.25)
    """
    c = np.asarray(cost, dtype=float)
    t = np.asarray(tickets, dtype=float)
    m = np.asarray(minutes, dtype=float)
    if np.any(~np.isfinite(t)) or np.any(t <= 0):
        raise InputError("cost per ticket needs tickets > 0", field="tickets", value=t.tolist())
    for name, arr in (("cost", c), ("minutes", m)):
        if np.any(~np.isfinite(arr)) or np.any(arr < 0):
            raise InputError("must be a number >= 0", field=name, value=arr.tolist())
    with np.errstate(divide="ignore"):
        per_minute = np.where(m > 0, c / np.where(m > 0, m, 1.0), np.inf)
    return HelpdeskCosts(
        tickets=t,
        cost=c,
        minutes=m,
        cost_per_ticket=c / t,
        minutes_per_ticket=m / t,
        cost_per_minute=np.asarray(per_minute, dtype=float),
    )
