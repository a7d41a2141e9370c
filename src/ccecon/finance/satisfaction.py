"""The satisfaction-driven ROI of a service center (DOMAIN D4.3-D4.5, seed 003).

From a month's satisfaction survey, customers with an index **above** ``loyal_above``
(85 by default) count as loyal and those **below** ``disloyal_below`` (50) as disloyal;
the thresholds are settings, and the comparisons are strict (an index of exactly 85 is
neither). Per customer segment:

* gain = CLV x loyal customers; loss = CLV x disloyal customers (D4.3);
* net profit of the month = sum over segments of (gain - loss) (D4.4);
* ``ROI % = (net profit - net cost) / net cost x 100`` (D4.4), net cost being the center's
  cost of the month.

Internal-support centers (D4.5, an IT help desk) have no revenue: their value is reported
as cost per ticket and time consumed (:func:`helpdesk_costs`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from ccecon.errors import InputError


@dataclass(frozen=True)
class SegmentValue:
    """One segment's counts and money."""

    segment: str
    respondents: int
    loyal: int
    disloyal: int
    clv: float
    gain: float
    loss: float

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
        """One row per segment, plus a total row."""
        rows = [
            {
                "segment": s.segment,
                "respondents": s.respondents,
                "loyal": s.loyal,
                "disloyal": s.disloyal,
                "clv": s.clv,
                "gain": s.gain,
                "loss": s.loss,
                "net": s.net,
            }
            for s in self.segments
        ]
        rows.append(
            {
                "segment": "TOTAL",
                "respondents": sum(s.respondents for s in self.segments),
                "loyal": sum(s.loyal for s in self.segments),
                "disloyal": sum(s.disloyal for s in self.segments),
                "clv": None,
                "gain": sum(s.gain for s in self.segments),
                "loss": sum(s.loss for s in self.segments),
                "net": self.net_profit,
            }
        )
        return pd.DataFrame(rows)


def classify(index: float, loyal_above: float = 85.0, disloyal_below: float = 50.0) -> str:
    """``loyal``, ``disloyal`` or ``neutral`` for a satisfaction index (strict thresholds)."""
    if index > loyal_above:
        return "loyal"
    if index < disloyal_below:
        return "disloyal"
    return "neutral"


def satisfaction_roi(
    responses: Sequence[tuple[str, float]],
    clv: float | Mapping[str, float],
    net_cost: float,
    *,
    loyal_above: float = 85.0,
    disloyal_below: float = 50.0,
) -> SatisfactionROI:
    """Gain, loss, net profit and ROI from survey responses (D4.3-D4.4).

    Parameters
    ----------
    responses : sequence of (segment, index)
        One pair per surveyed customer; the index is on the survey's scale (0-100).
    clv : float or mapping segment -> float
        Customer lifetime value, one for all segments or one per segment.
    net_cost : float
        The center's net cost of the month (> 0).
    loyal_above, disloyal_below : float
        Thresholds; ``disloyal_below`` must not exceed ``loyal_above``.

    Examples
    --------
    >>> r = satisfaction_roi([("A", 90), ("A", 40), ("A", 95)], 1000.0, 500.0)
    >>> r.net_profit, r.roi_pct  # gain 2 x 1000, loss 1 x 1000 -> (1000 - 500) / 500
    (1000.0, 100.0)
    """
    if disloyal_below > loyal_above:
        raise InputError(
            "disloyal_below is above loyal_above", field="disloyal_below", value=disloyal_below
        )
    if not net_cost > 0:
        raise InputError("ROI needs a positive net cost", field="net_cost", value=net_cost)
    segs: dict[str, list[int]] = {}
    for seg, idx in responses:
        counts = segs.setdefault(seg, [0, 0, 0])
        counts[0] += 1
        kind = classify(idx, loyal_above, disloyal_below)
        if kind == "loyal":
            counts[1] += 1
        elif kind == "disloyal":
            counts[2] += 1
    out = []
    for seg in sorted(segs):
        if isinstance(clv, Mapping):
            if seg not in clv:
                raise InputError("no CLV given for this segment", field="clv", value=seg)
            value = float(clv[seg])
        else:
            value = float(clv)
        n, loyal, disloyal = segs[seg]
        out.append(SegmentValue(seg, n, loyal, disloyal, value, value * loyal, value * disloyal))
    net = sum(s.net for s in out)
    return SatisfactionROI(
        segments=tuple(out),
        net_profit=net,
        net_cost=net_cost,
        roi_pct=(net - net_cost) / net_cost * 100.0,
        loyal_above=loyal_above,
        disloyal_below=disloyal_below,
    )


@dataclass(frozen=True)
class HelpdeskCosts:
    """D4.5: an internal support center's unit costs."""

    tickets: float
    cost: float
    minutes: float
    cost_per_ticket: float
    minutes_per_ticket: float


def helpdesk_costs(cost: float, tickets: float, minutes: float) -> HelpdeskCosts:
    """Cost per ticket and time consumed per ticket (D4.5).

    Examples
    --------
    >>> helpdesk_costs(12000, 800, 9600).cost_per_ticket
    15.0
    """
    if not tickets > 0:
        raise InputError("cost per ticket needs tickets > 0", field="tickets", value=tickets)
    return HelpdeskCosts(tickets, cost, minutes, cost / tickets, minutes / tickets)
