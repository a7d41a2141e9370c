"""Monthly demand per channel, staffing of it, and the hybrid split (overflow by Erlang C).

Shapes: every array is ``(draws, months)`` for plan months 1..M (a deterministic run has
one draw); per-interval arrays add a last axis of the day's open intervals.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from ccecon.queueing import required_agents, service_level
from ccecon.sourcing.spec import Workload

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ChannelDemand:
    """One channel's monthly work.

    Attributes
    ----------
    name, kind : channel name and kind (``voice_inbound``, ``voice_outbound``, ``chat``...).
    volume : contacts handled per month, shape (draws, months).
    aht_s : average handle time, seconds, broadcast to the same shape.
    sales_rate : share of contacts ending in a sale, same shape.
    """

    name: str
    kind: str
    volume: Array
    aht_s: Array
    sales_rate: Array

    @property
    def minutes(self) -> Array:
        """Handle minutes per month: volume x AHT / 60."""
        return self.volume * self.aht_s / 60.0


@dataclass(frozen=True)
class Demand:
    """The work every option must handle, per channel and month (the same for all)."""

    channels: tuple[ChannelDemand, ...]

    def __post_init__(self) -> None:
        names = [c.name for c in self.channels]
        if not names:
            raise ValueError("demand has no channels")
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate channel names {names}")

    @property
    def shape(self) -> tuple[int, int]:
        """``(draws, months)``."""
        s = np.broadcast_shapes(*(np.shape(c.volume) for c in self.channels))
        return (int(s[0]), int(s[1]))

    def scaled(self, factor: float) -> Demand:
        """Every channel's volume x ``factor`` (AHT, sales rate unchanged)."""
        return Demand(tuple(replace(c, volume=c.volume * factor) for c in self.channels))

    def channel(self, name: str) -> ChannelDemand:
        """The channel called ``name``."""
        for c in self.channels:
            if c.name == name:
                return c
        raise KeyError(name)

    def total(self, kinds: tuple[str, ...] | None = None) -> Array:
        """Contacts per month, all channels or those of ``kinds``."""
        tot = np.zeros(self.shape)
        for c in self.channels:
            if kinds is None or c.kind in kinds:
                tot = tot + c.volume
        return tot

    @classmethod
    def build(
        cls,
        months: int,
        channels: list[dict[str, Any]],
    ) -> Demand:
        """Demand from plain numbers: each channel dict has name, kind, per_month, aht_s and
        optionally growth (yearly, applied by plan year) and sales_rate. Each number may be
        an array of draws (shape ``(draws,)``)."""
        out = []
        year = (np.arange(months) // 12).astype(float)
        for ch in channels:
            pm = np.atleast_1d(np.asarray(ch["per_month"], dtype=float))[:, None]
            g = np.atleast_1d(np.asarray(ch.get("growth", 0.0), dtype=float))[:, None]
            vol = pm * (1.0 + g) ** year[None, :]
            aht = np.atleast_1d(np.asarray(ch["aht_s"], dtype=float))[:, None]
            sr = np.atleast_1d(np.asarray(ch.get("sales_rate", 0.0), dtype=float))[:, None]
            shape = np.broadcast_shapes(vol.shape, aht.shape, sr.shape)
            out.append(
                ChannelDemand(
                    name=str(ch["name"]),
                    kind=str(ch["kind"]),
                    volume=np.broadcast_to(vol, shape).astype(float),
                    aht_s=np.broadcast_to(aht, shape).astype(float),
                    sales_rate=np.broadcast_to(sr, shape).astype(float),
                )
            )
        d = max(c.volume.shape[0] for c in out)
        out = [
            replace(
                c,
                volume=np.broadcast_to(c.volume, (d, months)).copy(),
                aht_s=np.broadcast_to(c.aht_s, (d, months)).copy(),
                sales_rate=np.broadcast_to(c.sales_rate, (d, months)).copy(),
            )
            for c in out
        ]
        return cls(tuple(out))


def demand_from_scenario(scenario: Any) -> Demand:
    """The scenario's channels as monthly demand over its horizon.

    Volume in plan month m (1-based) = ``per_month x (1 + growth) ** floor((m - 1) / 12)``,
    the engine's by-plan-year growth. Case levers are not applied: the sourcing options are
    compared on the scenario's own demand.
    """
    chans = [
        {
            "name": c.name,
            "kind": str(getattr(c.kind, "value", c.kind)),
            "per_month": c.per_month,
            "aht_s": c.aht_s,
            "growth": c.growth,
            "sales_rate": c.sales_rate,
        }
        for c in scenario.channels
    ]
    if not chans:
        from ccecon.errors import InputError

        raise InputError("the sourcing comparison needs channels (the demand)", field="channels")
    return Demand.build(int(scenario.horizon_months), chans)


# --------------------------------------------------------------------------- staffing
def interval_weights(wl: Workload) -> Array:
    """Share of a day's volume in each open interval (sums to 1)."""
    n = wl.n_intervals
    w = np.ones(n) if wl.intraday_profile is None else np.asarray(wl.intraday_profile, float)
    return np.asarray(w / w.sum(), dtype=float)


def interval_calls(volume: Array, wl: Workload) -> Array:
    """Calls per interval, shape (draws, months, intervals): month / open days x weights."""
    days = np.asarray(wl.days_per_month, dtype=float)
    per_day = volume / (days[..., None] if days.ndim else days)
    return np.asarray(per_day[..., None] * interval_weights(wl), dtype=float)


def erlang_agent_hours(volume: Array, aht_s: Array, wl: Workload) -> Array:
    """Agent-hours on the phones per month to meet the service goal in every interval.

    ``sum_i required_agents(calls_i) x interval_h x days_per_month``
    (:func:`ccecon.queueing.required_agents`, Erlang C).
    """
    t = wl.interval_minutes * 60.0
    sl = np.asarray(wl.sl_target, float)
    thr = np.asarray(wl.sl_threshold_s, float)
    days = np.asarray(wl.days_per_month, dtype=float)
    per_day = volume / (days[..., None] if days.ndim else days)
    aht = np.broadcast_to(aht_s, per_day.shape)
    # Each distinct question once (the same answers): months whose calls per day and AHT
    # are equal in every draw (the goals and open days are per draw, not per month), and
    # intervals of equal weight.
    weights, weight_of = np.unique(interval_weights(wl), return_inverse=True)
    repeats = np.bincount(weight_of.ravel(), minlength=weights.size).astype(float)
    if per_day.ndim == 2:
        _, first, month_of = np.unique(
            np.vstack([per_day, aht]), axis=1, return_index=True, return_inverse=True
        )
    else:  # pragma: no cover - demand is (draws, months)
        first = np.arange(per_day.shape[-1])
        month_of = first
    agents = required_agents(
        per_day[..., first, None] * weights,
        aht[..., first, None],
        t,
        sl_target=sl[..., None, None] if sl.ndim else sl,
        sl_threshold_s=thr[..., None, None] if thr.ndim else thr,
    )
    hours = (agents @ repeats)[..., month_of.ravel()] * (t / 3600.0)
    return np.asarray(hours * (days[..., None] if days.ndim else days), dtype=float)


def occupancy_hours(volume: Array, aht_s: Array, wl: Workload) -> Array:
    """Agent-hours for work not staffed by Erlang: handle hours / max occupancy."""
    occ = np.asarray(wl.max_occupancy, float)
    return np.asarray(volume * aht_s / 3600.0 / (occ[..., None] if occ.ndim else occ), float)


def paid_fte_from_hours(hours: Array, wl: Workload) -> Array:
    """Paid FTE = agent-hours / (paid hours per FTE-month x (1 - shrinkage))."""
    from ccecon.queueing import paid_fte

    ph = np.asarray(wl.paid_hours_per_fte_month, float)
    sh = np.asarray(wl.shrinkage, float)
    per = ph[..., None] if ph.ndim else ph
    s = sh[..., None] if sh.ndim else sh
    return np.asarray(paid_fte(hours / per, s), dtype=float)


def _col(x: Any) -> Array:
    a = np.asarray(x, dtype=float)
    return a[..., None, None] if a.ndim else a


def capacity_calls(
    agents: npt.ArrayLike, aht_s: npt.ArrayLike, wl: Workload, *, iterations: int = 60
) -> Array:
    """Most calls per interval ``agents`` can answer at the service goal (Erlang C).

    Bisection on the offered traffic A in [0, N): the service level falls as A grows, so
    the largest A with ``service_level(A, N, AHT, T) >= target`` is found to within
    ``N / 2 ** iterations``; calls = A x interval / AHT. Returns the feasible side.
    """
    n = np.asarray(agents, dtype=float)
    h = np.asarray(aht_s, dtype=float)
    target = _col(wl.sl_target)
    thr = _col(wl.sl_threshold_s)
    shape = np.broadcast_shapes(n.shape, h.shape, np.shape(target), np.shape(thr))
    lo = np.zeros(shape)
    hi = np.broadcast_to(n, shape).astype(float).copy()
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        # A = 0 rows make the Erlang helpers divide by zero on the way to SL = 1; harmless.
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            ok = service_level(mid, n, h, thr) >= target
        lo = np.where(ok, mid, lo)
        hi = np.where(ok, hi, mid)
    return np.asarray(lo * (wl.interval_minutes * 60.0) / h, dtype=float)


@dataclass(frozen=True)
class Overflow:
    """Split of interval calls between an in-house team and the provider.

    Attributes
    ----------
    offered, kept, sent_out : ndarray, shape (draws, months, intervals)
        Calls per interval; ``kept + sent_out == offered``.
    capacity : ndarray
        Calls per interval the team answers at the service goal.
    """

    offered: Array
    kept: Array
    sent_out: Array
    capacity: Array


def overflow_split(
    calls: npt.ArrayLike, aht_s: npt.ArrayLike, agents: npt.ArrayLike, wl: Workload
) -> Overflow:
    """Calls above the team's capacity in each interval go out; the rest stay.

    ``kept = min(calls, capacity)``, ``sent_out = calls - kept`` (nothing lost by
    construction; checked as a property in the tests).
    """
    c = np.asarray(calls, dtype=float)
    cap = capacity_calls(agents, aht_s, wl)
    kept = np.minimum(c, cap)
    return Overflow(offered=c, kept=kept, sent_out=c - kept, capacity=cap)
