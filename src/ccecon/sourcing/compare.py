"""Compare in-house, outsourced, hosted and hybrid on the same demand.

Cash flows are costs (positive) per month, shape ``(draws, M + 1)``, index 0 = month 0
"at signing". TCO = sum over months 0..M. Present value of cost = ``-npv(r_m, -flows)``
with :func:`ccecon.finance.returns.npv` and the monthly rate ``(1 + r) ** (1/12) - 1``
(month 0 undiscounted, each month's flow at its end), the engine's ``monthly``
discounting. Cost per contact = TCO / contacts over the horizon; cost per call = TCO /
voice calls (inbound + outbound) over the horizon.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ccecon.errors import InputError
from ccecon.finance.returns import npv
from ccecon.sourcing.demand import (
    Demand,
    erlang_agent_hours,
    interval_calls,
    occupancy_hours,
    overflow_split,
    paid_fte_from_hours,
)
from ccecon.sourcing.pricing import Charge, PriceModel, Usage
from ccecon.sourcing.spec import OPTION_NAMES, QuoteLine, SourcingSpec, Workload

Array = npt.NDArray[np.float64]
VOICE = ("voice_inbound", "voice_outbound")


# --------------------------------------------------------------------------- helpers
def _v(x: Any) -> Array:
    """A spec number (float or draws) as a column that broadcasts over months."""
    a = np.asarray(x, dtype=float)
    return a[:, None] if a.ndim == 1 else a


def quote_flows(lines: list[QuoteLine], draws: int, months: int) -> Array:
    """Cash flows of quote lines: once in ``month``; monthly in 1..M; yearly in months
    1, 13, 25... (paid at the start of each plan year)."""
    out = np.zeros((draws, months + 1))
    for ln in lines:
        amt = _v(ln.amount) * _v(ln.quantity)
        amt = np.broadcast_to(amt, (draws, 1)) if np.ndim(amt) else np.full((draws, 1), amt)
        if ln.timing == "once":
            if ln.month <= months:
                out[:, ln.month : ln.month + 1] += amt
        elif ln.timing == "monthly":
            out[:, 1:] += amt
        else:
            out[:, 1::12] += amt
    return out


def _monthly(x: Any, draws: int, months: int) -> Array:
    """A per-month amount as flows (months 1..M)."""
    out = np.zeros((draws, months + 1))
    out[:, 1:] = np.broadcast_to(_v(x), (draws, months)) if np.ndim(_v(x)) else float(x)
    return out


def _padm(x: Array) -> Array:
    return np.concatenate([np.zeros((x.shape[0], 1)), x], axis=1)


@dataclass(frozen=True)
class Work:
    """Staffing of some demand: agent-hours and paid FTE per month, plus billing usage."""

    agent_hours: Array
    paid_fte: Array
    usage: Usage


def staff(demand: Demand, shares: dict[str, Array], spec: SourcingSpec, erlang: bool) -> Work:
    """Agent-hours, paid FTE and the billing usage of ``shares`` of each channel's volume.

    Voice inbound is staffed with Erlang C per interval when ``erlang`` (the spec has a
    workload); other work by handle hours / max occupancy. Seats = ceil(paid FTE).
    """
    wl = spec.workload or Workload()
    d, m = demand.shape
    hours = np.zeros((d, m))
    calls = np.zeros((d, m))
    out_calls = np.zeros((d, m))
    contacts = np.zeros((d, m))
    minutes = np.zeros((d, m))
    sales = np.zeros((d, m))
    for c in demand.channels:
        vol = c.volume * shares.get(c.name, 0.0)
        if erlang and c.kind == "voice_inbound":
            hours = hours + erlang_agent_hours(vol, c.aht_s, wl)
        else:
            hours = hours + occupancy_hours(vol, c.aht_s, wl)
        contacts += vol
        minutes += vol * c.aht_s / 60.0
        sales += vol * c.sales_rate
        if c.kind == "voice_inbound":
            calls += vol
        elif c.kind == "voice_outbound":
            out_calls += vol
    fte = paid_fte_from_hours(hours, wl)
    usage = Usage(
        calls=calls,
        outbound_calls=out_calls,
        contacts=contacts,
        minutes=minutes,
        sales=sales,
        revenue=sales * _v(spec.revenue_per_sale),
        seats=np.ceil(fte - 1e-9),
        agent_hours=hours,
    )
    return Work(hours, fte, usage)


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class OptionResult:
    """One option's costs over the horizon.

    Attributes
    ----------
    name : ``in-house``, ``outsourced``, ``hosted`` or ``hybrid``.
    flows : ndarray (draws, M + 1), cost per month (positive), month 0 at signing.
    components : dict of str to ndarray (draws, M + 1), the flows by cost component.
    tco, pv_cost, cost_per_contact, cost_per_call : ndarray (draws,).
    paid_fte : ndarray (draws, M), own paid agents (0 for outsourced).
    binding : dict of str to float, share of months each contract term binds.
    sent_out_share : ndarray (draws,), hybrid: share of contacts sent to the provider.
    """

    name: str
    flows: Array
    components: dict[str, Array]
    tco: Array
    pv_cost: Array
    cost_per_contact: Array
    cost_per_call: Array
    paid_fte: Array
    binding: dict[str, float]
    sent_out_share: Array | None = None


@dataclass(frozen=True)
class BreakEvenPoint:
    """Volume where the cheapest option changes (mean present value of cost over draws)."""

    factor: float
    contacts_per_month: float
    cheaper_below: str
    cheaper_above: str


@dataclass(frozen=True)
class Comparison:
    """All options on the same demand, with break-even volumes and the scorecard."""

    options: tuple[OptionResult, ...]
    currency: str
    months: int
    base_contacts_per_month: float
    break_even: tuple[BreakEvenPoint, ...] = ()
    scan: tuple[dict[str, Any], ...] = ()
    scorecard: dict[str, float] = field(default_factory=dict)

    def option(self, name: str) -> OptionResult:
        """The option called ``name``."""
        for o in self.options:
            if o.name == name:
                return o
        raise KeyError(name)

    def p_cheapest(self) -> dict[str, float]:
        """Share of draws in which each option has the lowest present value of cost."""
        pv = np.stack([o.pv_cost for o in self.options])
        best = np.argmin(pv, axis=0)
        return {o.name: float(np.mean(best == i)) for i, o in enumerate(self.options)}

    def ranked(self) -> list[OptionResult]:
        """Options by mean present value of cost, cheapest first."""
        return sorted(self.options, key=lambda o: float(np.mean(o.pv_cost)))

    def rows(self) -> list[dict[str, Any]]:
        """One row per option, cheapest first (means over draws)."""
        pc = self.p_cheapest()
        out = []
        for rank, o in enumerate(self.ranked(), start=1):
            binds = ", ".join(f"{k} ({v:.0%} of months)" for k, v in o.binding.items() if v > 0)
            out.append(
                {
                    "rank": rank,
                    "option": o.name,
                    "tco": float(np.mean(o.tco)),
                    "pv_cost": float(np.mean(o.pv_cost)),
                    "cost_per_contact": float(np.mean(o.cost_per_contact)),
                    "cost_per_call": float(np.mean(o.cost_per_call)),
                    "p_cheapest": pc[o.name],
                    "score": self.scorecard.get(o.name),
                    "binding_terms": binds or "-",
                }
            )
        return out

    def to_frame(self):  # type: ignore[no-untyped-def]
        """The ranked table as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.rows())

    def cashflow_frame(self):  # type: ignore[no-untyped-def]
        """Long table: option, month, mean cost."""
        import pandas as pd

        recs = [
            {"option": o.name, "month": m, "cost": float(v)}
            for o in self.options
            for m, v in enumerate(o.flows.mean(axis=0))
        ]
        return pd.DataFrame(recs)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: ``options`` keyed by name, ``ranking``, ``break_even``, ``scan``."""
        opts = {}
        for o in self.options:
            opts[o.name] = {
                "tco": float(np.mean(o.tco)),
                "pv_cost": float(np.mean(o.pv_cost)),
                "cost_per_contact": float(np.mean(o.cost_per_contact)),
                "cost_per_call": float(np.mean(o.cost_per_call)),
                "monthly_cost": [float(x) for x in o.flows.mean(axis=0)],
                "components_tco": {k: float(v.sum(axis=1).mean()) for k, v in o.components.items()},
                "paid_fte_month_1": float(o.paid_fte[:, 0].mean()) if o.paid_fte.size else 0.0,
                "binding_terms": o.binding,
                "score": self.scorecard.get(o.name),
            }
            if o.sent_out_share is not None:
                opts[o.name]["sent_out_share"] = float(np.mean(o.sent_out_share))
        return {
            "currency": self.currency,
            "months": self.months,
            "contacts_per_month": self.base_contacts_per_month,
            "options": opts,
            "ranking": [o.name for o in self.ranked()],
            "p_cheapest": self.p_cheapest(),
            "break_even": [
                {
                    "volume_factor": b.factor,
                    "contacts_per_month": b.contacts_per_month,
                    "cheaper_below": b.cheaper_below,
                    "cheaper_above": b.cheaper_above,
                }
                for b in self.break_even
            ],
            "scan": list(self.scan),
            "scorecard_note": "weighted non-financial score (0-max score), never added to money",
        }


# --------------------------------------------------------------------------- options
def _charge(price: PriceModel, usage: Usage) -> Charge:
    return price.charge(usage)


def _finish(
    name: str,
    comps: dict[str, Array],
    demand: Demand,
    rate_m: Array,
    fte: Array,
    binds: dict[str, float],
    sent: Array | None = None,
) -> OptionResult:
    flows = sum(comps.values(), start=np.zeros_like(next(iter(comps.values()))))
    tco = flows.sum(axis=1)
    pv = -npv(rate_m, -flows)
    contacts = demand.total().sum(axis=1)
    calls = demand.total(VOICE).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        cpc = np.where(contacts > 0, tco / contacts, np.nan)
        cpcall = np.where(calls > 0, tco / calls, np.nan)
    return OptionResult(name, flows, comps, tco, np.asarray(pv), cpc, cpcall, fte, binds, sent)


def _in_house_fixed(spec: SourcingSpec, d: int, m: int) -> dict[str, Array]:
    ih = spec.in_house
    assert ih is not None
    return {
        "build and quote lines": quote_flows(ih.build, d, m),
        "platform": _monthly(ih.platform_per_month, d, m),
        "management": _monthly(ih.management_per_month, d, m),
    }


def _option_in_house(spec: SourcingSpec, demand: Demand, rate_m: Array) -> OptionResult:
    ih = spec.in_house
    assert ih is not None
    d, m = demand.shape
    all_in = {c.name: np.ones(1) for c in demand.channels}
    if spec.workload is not None:
        work = staff(demand, all_in, spec, erlang=True)
        fte = work.paid_fte
        minutes = work.usage.minutes
    elif ih.agents is not None:
        fte = np.broadcast_to(_v(ih.agents), (d, m)).astype(float)
        minutes = sum((c.minutes for c in demand.channels), start=np.zeros((d, m)))
    else:
        raise InputError(
            "in-house needs `agents` or the spec's `workload` section to staff the demand",
            field="sourcing.in-house.agents",
        )
    comps = _in_house_fixed(spec, d, m)
    comps["agent salaries"] = _padm(fte * _v(ih.agent_salary))
    comps["telecom"] = _padm(minutes * _v(ih.telecom_per_minute))
    return _finish("in-house", comps, demand, rate_m, fte, {})


def _option_hosted(spec: SourcingSpec, demand: Demand, rate_m: Array) -> OptionResult:
    h = spec.hosted
    assert h is not None
    d, m = demand.shape
    work = staff(
        demand, {c.name: np.ones(1) for c in demand.channels}, spec, spec.workload is not None
    )
    ch = _charge(h.price, work.usage)
    comps = {
        "platform contract": ch.amount,
        "agent salaries": _padm(work.paid_fte * _v(h.agent_salary)),
        "telecom": _padm(work.usage.minutes * _v(h.telecom_per_minute)),
        "management": _monthly(h.management_per_month, d, m),
        "other": quote_flows(h.other, d, m),
    }
    return _finish("hosted", comps, demand, rate_m, work.paid_fte, ch.binding_share())


def _option_outsourced(spec: SourcingSpec, demand: Demand, rate_m: Array) -> OptionResult:
    o = spec.outsourced
    assert o is not None
    d, m = demand.shape
    work = staff(
        demand, {c.name: np.ones(1) for c in demand.channels}, spec, spec.workload is not None
    )
    ch = _charge(o.price, work.usage)
    trans = np.zeros((d, m + 1))
    if o.transition_month <= m:
        trans[:, o.transition_month] = np.broadcast_to(_v(o.transition_cost), (d, 1))[:, 0]
    comps = {
        "provider charges": ch.amount,
        "vendor management": _monthly(o.vendor_management_per_month, d, m),
        "transition": trans,
        "other": quote_flows(o.other, d, m),
    }
    return _finish("outsourced", comps, demand, rate_m, np.zeros((d, m)), ch.binding_share())


def check_routing(spec: SourcingSpec, demand: Demand) -> None:
    """Every channel in exactly one hybrid routing rule; else :class:`InputError`."""
    assert spec.hybrid is not None
    seen: dict[str, int] = {}
    known = {c.name for c in demand.channels}
    for i, r in enumerate(spec.hybrid.routing):
        for name in r.channels:
            if name not in known:
                raise InputError(
                    f"unknown channel; the demand has {sorted(known)}",
                    field=f"sourcing.hybrid.routing[{i}].channels",
                    value=name,
                )
            if name in seen:
                raise InputError(
                    f"routing rules overlap: channel in rules {seen[name]} and {i}",
                    field=f"sourcing.hybrid.routing[{i}].channels",
                    value=name,
                )
            seen[name] = i
        if r.to == "outsourced" and (r.overflow or float(np.max(_v(r.after_hours_share))) > 0):
            raise InputError(
                "after_hours_share and overflow apply to in-house rules only",
                field=f"sourcing.hybrid.routing[{i}]",
                value=r.to,
            )
        if r.overflow:
            kinds = {demand.channel(n).kind for n in r.channels}
            if kinds != {"voice_inbound"}:
                raise InputError(
                    "overflow (Erlang) applies to voice_inbound channels only",
                    field=f"sourcing.hybrid.routing[{i}].overflow",
                    value=sorted(kinds),
                )
    missing = known - set(seen)
    if missing:
        raise InputError(
            "routing leaves contacts unassigned: every channel needs one rule",
            field="sourcing.hybrid.routing",
            value=sorted(missing),
        )


@dataclass(frozen=True)
class HybridSplit:
    """Contacts per channel and month kept in-house and sent out (draws, months)."""

    kept: dict[str, Array]
    sent_out: dict[str, Array]


def hybrid_split(spec: SourcingSpec, demand: Demand) -> HybridSplit:
    """Route each channel: out entirely; or after-hours share out, then overflow above the
    in-house team's Erlang C capacity per interval out (all in-house overflow channels share
    one team and queue, with the call-weighted AHT)."""
    hy = spec.hybrid
    assert hy is not None
    check_routing(spec, demand)
    kept: dict[str, Array] = {}
    sent: dict[str, Array] = {}
    pooled: list[str] = []
    for r in hy.routing:
        for n in r.channels:
            vol = demand.channel(n).volume
            if r.to == "outsourced":
                kept[n], sent[n] = np.zeros_like(vol), vol.copy()
            else:
                ah = _v(r.after_hours_share)
                sent[n] = vol * ah
                kept[n] = vol - sent[n]
                if r.overflow:
                    pooled.append(n)
    if pooled:
        wl = spec.workload
        assert wl is not None
        vols = np.stack([kept[n] for n in pooled])
        ahts = np.stack([demand.channel(n).aht_s for n in pooled])
        tot = vols.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            aht = np.where(tot > 0, (vols * ahts).sum(axis=0) / tot, ahts.mean(axis=0))
        calls = interval_calls(tot, wl)
        ov = overflow_split(calls, aht[..., None], _v(hy.in_house_agents)[..., None], wl)
        days = np.asarray(wl.days_per_month, float)
        out_m = ov.sent_out.sum(axis=-1) * (days[:, None] if days.ndim else days)
        with np.errstate(invalid="ignore", divide="ignore"):
            share_out = np.where(tot > 0, out_m / tot, 0.0)
        for n in pooled:
            moved = kept[n] * share_out
            kept[n] = kept[n] - moved
            sent[n] = sent[n] + moved
    return HybridSplit(kept, sent)


def _option_hybrid(spec: SourcingSpec, demand: Demand, rate_m: Array) -> OptionResult:
    hy, ih = spec.hybrid, spec.in_house
    assert hy is not None and ih is not None
    d, m = demand.shape
    split = hybrid_split(spec, demand)
    wl = spec.workload or Workload()
    open_h = wl.n_intervals * wl.interval_minutes / 60.0
    team_hours = _v(hy.in_house_agents) * open_h * _v(wl.days_per_month)
    team_hours = np.broadcast_to(team_hours, (d, m)).astype(float)
    other_hours = np.zeros((d, m))
    in_minutes = np.zeros((d, m))
    overflow_ch = {n for r in hy.routing if r.overflow for n in r.channels}
    for c in demand.channels:
        k = split.kept[c.name]
        in_minutes += k * c.aht_s / 60.0
        if c.name not in overflow_ch:
            other_hours += occupancy_hours(k, c.aht_s, wl)
    fte = paid_fte_from_hours(team_hours + other_hours, wl)
    with np.errstate(invalid="ignore", divide="ignore"):
        vol = np.stack([c.volume for c in demand.channels]).sum(axis=0)
        shares = {
            c.name: np.where(c.volume > 0, split.sent_out[c.name] / c.volume, 0.0)
            for c in demand.channels
        }
    work = staff(demand, shares, spec, spec.workload is not None)
    price = hy.price if hy.price is not None else spec.outsourced.price  # type: ignore[union-attr]
    ch = _charge(price, work.usage)
    vm = hy.vendor_management_per_month
    if vm is None:
        vm = spec.outsourced.vendor_management_per_month if spec.outsourced else 0.0
    comps = _in_house_fixed(spec, d, m)
    comps["agent salaries"] = _padm(fte * _v(ih.agent_salary))
    comps["telecom"] = _padm(in_minutes * _v(ih.telecom_per_minute))
    comps["provider charges"] = ch.amount
    comps["vendor management"] = _monthly(vm, d, m)
    if spec.outsourced is not None:
        o = spec.outsourced
        trans = np.zeros((d, m + 1))
        if o.transition_month <= m:
            trans[:, o.transition_month] = np.broadcast_to(_v(o.transition_cost), (d, 1))[:, 0]
        comps["transition"] = trans
    sent_total = sum(split.sent_out.values(), start=np.zeros((d, m)))
    with np.errstate(invalid="ignore", divide="ignore"):
        sent_share = np.where(vol.sum(axis=1) > 0, sent_total.sum(axis=1) / vol.sum(axis=1), 0.0)
    return _finish("hybrid", comps, demand, rate_m, fte, ch.binding_share(), sent_share)


_BUILDERS = {
    "in-house": ("in_house", _option_in_house),
    "outsourced": ("outsourced", _option_outsourced),
    "hosted": ("hosted", _option_hosted),
    "hybrid": ("hybrid", _option_hybrid),
}


def evaluate_options(
    spec: SourcingSpec, demand: Demand, annual_rate: npt.ArrayLike = 0.0
) -> tuple[OptionResult, ...]:
    """Every option the spec gives, on ``demand``, without break-even scan."""
    r = np.asarray(annual_rate, dtype=float)
    if np.any(r <= -1):
        raise InputError("discount rate must be above -100 %", field="discount_rate", value=r)
    rate_m = (1.0 + r) ** (1.0 / 12.0) - 1.0
    rate_m = rate_m[:, None] if rate_m.ndim == 1 else rate_m
    out = []
    for name in OPTION_NAMES:
        attr, fn = _BUILDERS[name]
        if getattr(spec, attr) is not None:
            out.append(fn(spec, demand, rate_m))
    return tuple(out)


def _expected_pv(
    spec: SourcingSpec, demand: Demand, rate: npt.ArrayLike, f: float
) -> dict[str, float]:
    """Mean present value of cost per option at ``f`` x the demand (the ranking's measure)."""
    opts = evaluate_options(spec, demand.scaled(f), rate)
    return {o.name: float(np.mean(o.pv_cost)) for o in opts}


def break_even_scan(
    spec: SourcingSpec, demand: Demand, annual_rate: npt.ArrayLike = 0.0
) -> tuple[tuple[BreakEvenPoint, ...], tuple[dict[str, Any], ...]]:
    """Ranking by volume and the volumes where the cheapest option changes.

    Volume factors are log-spaced over ``spec.break_even``; each scales every channel's
    volume. Between two scan points where the cheapest option (by mean present value of
    cost, as in the ranking) changes from A to B, bisection (50 steps) on ``PV_A - PV_B``
    locates the switch.
    """
    be = spec.break_even
    base = float(demand.total()[:, 0].mean())
    factors = np.geomspace(be.min_factor, be.max_factor, be.points)
    pvs = [_expected_pv(spec, demand, annual_rate, float(f)) for f in factors]
    scan: list[dict[str, Any]] = []
    for f, t in zip(factors, pvs, strict=True):
        order = sorted(t, key=lambda k: t[k])
        scan.append(
            {
                "volume_factor": float(f),
                "contacts_per_month": float(f) * base,
                "pv_cost": t,
                "ranking": order,
            }
        )
    points = []
    for i in range(len(factors) - 1):
        a, b = scan[i]["ranking"][0], scan[i + 1]["ranking"][0]
        if a == b:
            continue
        lo, hi = float(factors[i]), float(factors[i + 1])
        for _ in range(50):
            mid = 0.5 * (lo + hi)
            t = _expected_pv(spec, demand, annual_rate, mid)
            if t[a] <= t[b]:
                lo = mid
            else:
                hi = mid
        f = 0.5 * (lo + hi)
        points.append(BreakEvenPoint(f, f * base, a, b))
    return tuple(points), tuple(scan)


def scorecard_scores(spec: SourcingSpec) -> dict[str, float]:
    """Weighted score per option: ``sum_k w_k s_k / sum_k w_k`` (user's scores)."""
    sc = spec.scorecard
    if sc is None:
        return {}
    w = {c.name: float(np.mean(np.asarray(c.weight, float))) for c in sc.criteria}
    tw = sum(w.values())
    if tw <= 0:
        raise InputError("scorecard weights must not all be 0", field="sourcing.scorecard.criteria")
    return {opt: sum(w[k] * row[k] for k in w) / tw for opt, row in sc.scores.items()}


def compare(
    spec: SourcingSpec,
    demand: Demand,
    *,
    discount_rate: npt.ArrayLike | None = None,
    currency: str = "",
    break_even: bool = True,
) -> Comparison:
    """Compare the spec's options on ``demand``.

    Parameters
    ----------
    spec : SourcingSpec
        Options and contracts; numbers may be arrays of draws (shape ``(draws,)``).
    demand : Demand
        Monthly work per channel, ``(draws, months)``.
    discount_rate : array_like, optional
        Annual rate; default ``spec.discount_rate`` or 0.
    currency : str
        ISO code, for display.
    break_even : bool
        Run the volume scan (on the mean present value of cost over draws).

    Returns
    -------
    Comparison
    """
    rate: Any = discount_rate if discount_rate is not None else spec.discount_rate
    rate = 0.0 if rate is None else rate
    opts = evaluate_options(spec, demand, rate)
    pts: tuple[BreakEvenPoint, ...] = ()
    scan: tuple[dict[str, Any], ...] = ()
    if break_even and len(opts) > 1:
        pts, scan = break_even_scan(spec, demand, rate)
    return Comparison(
        options=opts,
        currency=currency,
        months=demand.shape[1],
        base_contacts_per_month=float(demand.total()[:, 0].mean()),
        break_even=pts,
        scan=scan,
        scorecard=scorecard_scores(spec),
    )
