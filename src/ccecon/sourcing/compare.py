"""Compare the sourcing options on the same demand, each one a case of the engine.

Every option's work (volumes, handle minutes, sales, agent hours, paid FTE) comes from
:mod:`ccecon.sourcing.work`, i.e. from :func:`ccecon.cases.case_drivers` and the
scenario's ``staffing``: the numbers ``ccecon evaluate`` gives for the same case. Cash
flows are costs (positive) per month, shape ``(draws, M + 1)``, index 0 = month 0 "at
signing". TCO = sum over months 0..M. Present value of cost = ``-npv(r_m, -flows)`` with
:func:`ccecon.finance.returns.npv` and the monthly rate ``(1 + r) ** (1/12) - 1`` (month
0 undiscounted, each month's flow at its end), the engine's ``monthly`` discounting. Cost
per contact = TCO / contacts over the horizon; cost per call = TCO / voice calls (inbound
+ outbound) over the horizon.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ccecon.costing.unit_costs import (
    cost_basis,
    draw_unit_costs,
    horizon_totals,
    ratio_of_means,
    unit_cost_sums,
)
from ccecon.errors import InputError
from ccecon.finance.returns import npv
from ccecon.scenario.pricing import Charge, PriceModel
from ccecon.scenario.sourcing import (
    Hosted,
    Hybrid,
    InHouse,
    Outsourced,
    QuoteLine,
    SourcingSpec,
    check_hybrid_routing,
    needs_staffing,
    window_split,
)
from ccecon.sourcing.work import (
    Work,
    case_work,
    paid_fte,
    staffing_goals,
    zero_work,
)

Array = npt.NDArray[np.float64]


# --------------------------------------------------------------------------- helpers
def _v(x: Any) -> Array:
    """A spec number (float or draws) as a column that broadcasts over months."""
    a = np.asarray(x, dtype=float)
    return a[:, None] if a.ndim == 1 else a


def quote_flows(lines: list[QuoteLine], months: int) -> Array:
    """Cash flows of quote lines, (draws or 1, M + 1): once in ``month``; monthly in 1..M;
    yearly in months 1, 13, 25... (paid at the start of each plan year)."""
    sizes = [np.size(np.asarray(x)) for ln in lines for x in (ln.amount, ln.quantity)]
    rows = max([1, *sizes])
    out = np.zeros((rows, months + 1))
    for ln in lines:
        amt = np.broadcast_to(_v(ln.amount) * _v(ln.quantity), (rows, 1))
        if ln.timing == "once":
            if ln.month <= months:
                out[:, ln.month : ln.month + 1] += amt
        elif ln.timing == "monthly":
            out[:, 1:] += amt
        else:
            out[:, 1::12] += amt
    return out


def _monthly(x: Any, months: int) -> Array:
    """A per-month amount as flows (months 1..M), (draws or 1, M + 1)."""
    v = _v(x)
    out = np.zeros((v.shape[0] if v.ndim else 1, months + 1))
    out[:, 1:] = v
    return out


def _once(x: Any, month: int, months: int) -> Array:
    """A one-off amount in ``month`` (nothing beyond the horizon)."""
    v = _v(x)
    out = np.zeros((v.shape[0] if v.ndim else 1, months + 1))
    if month <= months:
        out[:, month] = v[:, 0] if v.ndim else v
    return out


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class OptionResult:
    """One option's costs over the horizon.

    Attributes
    ----------
    name : the option's name.
    kind : its model kind (in-house, outsourced, hosted, hybrid).
    flows : ndarray (draws, M + 1), cost per month (positive), month 0 at signing.
    components : dict of str to ndarray (draws or 1, M + 1), the flows by cost component.
    tco, pv_cost : ndarray (draws,), total and present value of cost.
    cost_per_contact, cost_per_inbound_call : ndarray (draws,)
        Unit costs with the business case's definitions
        (:mod:`ccecon.costing.unit_costs`): the scenario's cost basis (fully loaded:
        one-off costs spread over the months; operating: running costs only), per contact
        of every channel, and the cost allocated to inbound voice by handle-minute share
        per inbound call. NaN where nothing is handled.
    unit_totals : dict of str to ndarray (draws,)
        The horizon sums those unit costs divide (cost, contacts, inbound_cost,
        inbound_calls, minutes, ...), for ratios of means over draws.
    paid_fte : ndarray (draws or 1, M + 1), the company's own paid FTE (0 for outsourced).
    binding : dict of str to float, share of months each contract term binds.
    sent_out_share : ndarray (draws,), hybrid: share of contacts sent to the provider.
    own, provider : Work or None
        The work the company's own agents handle and the work the provider handles, from
        the engine (volumes, drivers, agent hours, FTE).
    """

    name: str
    kind: str
    flows: Array
    components: dict[str, Array]
    tco: Array
    pv_cost: Array
    cost_per_contact: Array
    cost_per_inbound_call: Array
    paid_fte: Array
    binding: dict[str, float]
    sent_out_share: Array | None = None
    own: Work | None = None
    provider: Work | None = None
    unit_totals: dict[str, Array] = field(default_factory=dict)

    def unit_costs(self) -> dict[str, float | None]:
        """Horizon unit costs as ratios of the mean sums over draws (as ``evaluate``)."""
        return ratio_of_means(self.unit_totals)


@dataclass(frozen=True)
class BreakEvenPoint:
    """Volume where the cheapest option changes (mean present value of cost over draws)."""

    factor: float
    contacts_per_month: float
    cheaper_below: str
    cheaper_above: str


def _month1(a: Array | None) -> float | None:
    return None if a is None or a.shape[-1] < 2 else float(a[:, 1].mean())


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
    current: str | None = None
    moves: dict[str, Any] = field(default_factory=dict)
    """Option name -> the engine's :class:`~ccecon.engine.Metrics` of moving to it from
    ``current`` (empty without ``current``)."""

    def __repr__(self) -> str:
        ranked = self.ranked()
        if not ranked:
            return f"<Comparison: no options, {self.currency}>"
        best = ranked[0]
        now = f", current {self.current!r}" if self.current else ""
        return (
            f"<Comparison of {len(self.options)} options{now}: cheapest {best.name!r},"
            f" PV of cost {float(np.mean(best.pv_cost)):,.0f} {self.currency}"
            f" over {self.months} months>"
        )

    def move_rows(self) -> list[dict[str, Any]]:
        """One row per option moved to from ``current`` (means over draws), in rank order."""
        from ccecon.cases import _summary

        out = []
        for o in self.ranked():
            m = self.moves.get(o.name)
            if m is None:
                continue
            s = _summary(m)
            out.append(
                {
                    "move to": o.name,
                    "npv": s["npv"],
                    "roi_pct": s["roi_pct"],
                    "irr_annual_pct": s["irr_annual_pct"],
                    "payback_months": s["payback_months"],
                    "cost_of_change": s["total_cost"],
                    "cost_savings": s["cost_savings"],
                }
            )
        return out

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
                    "cost_per_contact": o.unit_costs()["cost_per_contact"],
                    "cost_per_inbound_call": o.unit_costs()["cost_per_inbound_call"],
                    "paid_fte_month_1": _month1(o.paid_fte) or 0.0,
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
                "kind": o.kind,
                "tco": float(np.mean(o.tco)),
                "pv_cost": float(np.mean(o.pv_cost)),
                "cost_per_contact": o.unit_costs()["cost_per_contact"],
                "cost_per_inbound_call": o.unit_costs()["cost_per_inbound_call"],
                "monthly_cost": [float(x) for x in o.flows.mean(axis=0)],
                "components_tco": {k: float(v.sum(axis=1).mean()) for k, v in o.components.items()},
                "paid_fte_month_1": _month1(o.paid_fte) or 0.0,
                "agent_hours_month_1": None if o.own is None else _month1(o.own.agent_hours),
                "provider_fte_month_1": None if o.provider is None else _month1(o.provider.fte),
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
            **(
                {"current": self.current, "moves": {r["move to"]: r for r in self.move_rows()}}
                if self.current is not None
                else {}
            ),
        }


# --------------------------------------------------------------------------- options
@dataclass
class _Ctx:
    """One evaluation of the options: the scenario, the spec, the volume scale, a cache."""

    scenario: Any
    spec: SourcingSpec
    rate_m: Array
    scale: float = 1.0
    _works: dict[tuple[int, ...], Work] = field(default_factory=dict)

    @property
    def months(self) -> int:
        return int(self.scenario.horizon_months)

    def shares(self, by_channel: dict[str, Any] | None = None) -> dict[str, Array] | None:
        """Routing shares x the volume scale (None: every channel whole, unscaled)."""
        if by_channel is None and self.scale == 1.0:
            return None
        names = [c.name for c in self.scenario.channels]
        base = by_channel or {}
        return {n: np.asarray(base.get(n, 1.0), dtype=float) * self.scale for n in names}

    def full(self, option: Any = None) -> Work:
        """The whole demand with ``option``'s levers, handled by one side (computed once
        for the options with the same levers; the demand without levers when None)."""
        levers = [] if option is None else list(option.levers)
        key = tuple(id(lv) for lv in levers)
        if key not in self._works:
            self._works[key] = case_work(self.scenario, levers, self.shares())
        return self._works[key]


def _finish(
    ctx: _Ctx,
    option: Any,
    comps: dict[str, Array],
    fte: Array,
    binds: dict[str, float],
    *,
    own: Work | None,
    provider: Work | None,
    sent: Array | None = None,
    one_off: Array | None = None,
) -> OptionResult:
    """An option's result from its cost components.

    ``one_off`` are the one-off costs outside month 0 (quote lines paid once, a
    transition): with every component's month 0 (signing) they are the option's initial
    costs, which the unit costs treat as a business case treats its initial costs.
    """
    rows = max(c.shape[0] for c in comps.values())
    flows = np.zeros((rows, ctx.months + 1))
    for c in comps.values():
        flows = flows + c
    tco = flows.sum(axis=1)
    pv = -npv(ctx.rate_m, -flows)
    initial = np.zeros_like(flows)
    initial[:, 0] = flows[:, 0]
    if one_off is not None:
        initial = initial + one_off
        initial[:, 0] = flows[:, 0]
    sums = unit_cost_sums(
        ctx.scenario, cost_basis(ctx.scenario, flows - initial, initial), ctx.full(option).drivers
    )
    totals = horizon_totals(sums)
    unit = draw_unit_costs(totals)
    return OptionResult(
        option.name,
        option.kind,
        flows,
        comps,
        tco,
        np.asarray(pv),
        unit["cost_per_contact"],
        unit["cost_per_inbound_call"],
        fte,
        binds,
        sent,
        own,
        provider,
        totals,
    )


def _once_flows(lines: list[QuoteLine], months: int) -> Array:
    """The quote lines paid once, as flows (their one-off part)."""
    return quote_flows([ln for ln in lines if ln.timing == "once"], months)


def _charge(ctx: _Ctx, price: PriceModel, work: Work, field: str) -> Charge:
    """The contract's charge on ``work``; a price on seats or agent hours needs staffing."""
    with np.errstate(invalid="ignore"):
        ch = price.charge(work.usage(ctx.spec.revenue_per_sale))
    if not np.isfinite(ch.amount).all():
        needs_staffing(ctx.scenario, "a price on seats or agent hours", field)
    return ch


def _own_fte(ctx: _Ctx, work: Work, what: str, field: str) -> Array:
    needs_staffing(ctx.scenario, what, field)
    assert work.fte is not None
    return work.fte


def _field(ctx: _Ctx, option: Any) -> str:
    return f"sourcing.options[{ctx.spec.options.index(option)}]"


def _in_house_fixed(ctx: _Ctx, ih: InHouse) -> dict[str, Array]:
    m = ctx.months
    return {
        "build and quote lines": quote_flows(ih.build, m),
        "platform": _monthly(ih.platform_per_month, m),
        "management": _monthly(ih.management_per_month, m),
    }


def _option_in_house(ctx: _Ctx, ih: InHouse) -> OptionResult:
    work = ctx.full(ih)
    if ih.agents is not None:
        fte = _monthly(ih.agents, ctx.months)
    else:
        what = f"the in-house option {ih.name!r} (without `agents`)"
        fte = _own_fte(ctx, work, what, _field(ctx, ih))
    comps = _in_house_fixed(ctx, ih)
    comps["agent salaries"] = fte * _v(ih.agent_salary)
    comps["telecom"] = work.drivers["minutes"] * _v(ih.telecom_per_minute)
    one_off = _once_flows(ih.build, ctx.months)
    return _finish(ctx, ih, comps, fte, {}, own=work, provider=None, one_off=one_off)


def _option_hosted(ctx: _Ctx, h: Hosted) -> OptionResult:
    work = ctx.full(h)
    fte = _own_fte(ctx, work, f"the hosted option {h.name!r} (own agents)", _field(ctx, h))
    ch = _charge(ctx, h.price, work, f"{_field(ctx, h)}.price")
    m = ctx.months
    comps = {
        "platform contract": ch.amount,
        "agent salaries": fte * _v(h.agent_salary),
        "telecom": work.drivers["minutes"] * _v(h.telecom_per_minute),
        "management": _monthly(h.management_per_month, m),
        "other": quote_flows(h.other, m),
    }
    one_off = _once_flows(h.other, m)
    return _finish(ctx, h, comps, fte, ch.binding_share(), own=work, provider=None, one_off=one_off)


def _option_outsourced(ctx: _Ctx, o: Outsourced) -> OptionResult:
    work = ctx.full(o)
    ch = _charge(ctx, o.price, work, f"{_field(ctx, o)}.price")
    m = ctx.months
    comps = {
        "provider charges": ch.amount,
        "vendor management": _monthly(o.vendor_management_per_month, m),
        "transition": _once(o.transition_cost, o.transition_month, m),
        "other": quote_flows(o.other, m),
    }
    zero = np.zeros((1, m + 1))
    one_off = comps["transition"] + _once_flows(o.other, m)
    return _finish(
        ctx, o, comps, zero, ch.binding_share(), own=None, provider=work, one_off=one_off
    )


@dataclass(frozen=True)
class HybridSplit:
    """Contacts per channel and month kept in-house and sent out (draws or 1, M + 1), the
    in-house work staffed by the engine (``own``: every kept channel but the overflow
    pool), the provider's work, and the overflow team's hours."""

    kept: dict[str, Array]
    sent_out: dict[str, Array]
    own: Work
    provider: Work
    team_hours: Array
    pool_minutes: Array


def hybrid_split(ctx: _Ctx, hy: Hybrid) -> HybridSplit:
    """Route each channel: out entirely; or the after-hours share out, then the calls above
    the in-house team's capacity per interval out (every in-house overflow channel shares
    one team and queue, with the call-weighted AHT; the interval profile and goals are the
    scenario's staffing)."""
    from ccecon.queueing.workload import team_overflow
    from ccecon.scenario.staffing import month_days

    sc = ctx.scenario
    check_hybrid_routing(hy, sc, f"{_field(ctx, hy)}.routing")
    full = ctx.full(hy)
    keep_share: dict[str, Any] = {}
    out_share: dict[str, Any] = {}
    own_profile: dict[str, Array] = {}
    out_profile: dict[str, Array] = {}
    pooled: list[str] = []
    for r in hy.routing:
        for n in r.channels:
            if r.to == "outsourced":
                keep_share[n], out_share[n] = 0.0, 1.0
            elif r.after_hours:
                split = window_split(sc, r.after_hours)
                keep_share[n], out_share[n] = split.kept_share, split.sent_share
                if split.kept_share > 0:
                    own_profile[n] = split.kept_profile
                if split.sent_share > 0:
                    out_profile[n] = split.sent_profile
            else:
                ah = _v(r.after_hours_share)
                keep_share[n], out_share[n] = 1.0 - ah, ah
                if r.overflow:
                    pooled.append(n)
    team_hours = np.zeros((1, ctx.months + 1))
    pool_minutes = np.zeros((1, ctx.months + 1))
    kept: dict[str, Array] = {}
    sent: dict[str, Array] = {}
    if pooled:
        vols = [full.volumes[n] * keep_share[n] for n in pooled]
        ahts = [full.drivers[f"{n}.aht_s"] for n in pooled]
        tot = sum(vols[1:], start=vols[0])
        with np.errstate(invalid="ignore", divide="ignore"):
            weighted = sum((v * a for v, a in zip(vols, ahts, strict=True)), start=0 * tot)
            aht = np.where(tot > 0, weighted / tot, sum(ahts) / len(ahts))
        team = team_overflow(
            tot, aht, month_days(sc), np.asarray(hy.in_house_agents, float), **staffing_goals(sc)
        )
        team_hours = team.team_hours
        with np.errstate(invalid="ignore", divide="ignore"):
            kept_share = np.where(tot > 0, team.kept / tot, 0.0)
        for n, v, a in zip(pooled, vols, ahts, strict=True):
            kept[n] = v * kept_share
            pool_minutes = pool_minutes + kept[n] * a / 60.0
            sent[n] = full.volumes[n] - kept[n]
            with np.errstate(invalid="ignore", divide="ignore"):
                vol = full.volumes[n]
                out_share[n] = np.where(vol > 0, sent[n] / vol, 0.0)
    own_shares = {**keep_share, **dict.fromkeys(pooled, 0.0)}
    levers = list(hy.levers)
    if all(np.all(np.asarray(v) == 0) for v in own_shares.values()):
        own = zero_work(sc)  # nothing kept but the overflow pool: no staffing run
    else:
        own = case_work(sc, levers, ctx.shares(own_shares), own_profile or None)
    provider = case_work(sc, levers, ctx.shares(out_share), out_profile or None)
    for n in full.volumes:
        if n not in pooled:
            kept[n] = own.volumes[n]
            sent[n] = provider.volumes[n]
    return HybridSplit(kept, sent, own, provider, team_hours, pool_minutes)


def _option_hybrid(ctx: _Ctx, hy: Hybrid) -> OptionResult:
    spec = ctx.spec
    ih = spec.in_house_of(hy)
    provider = spec.provider_of(hy)
    m = ctx.months
    split = hybrid_split(ctx, hy)
    own = split.own
    if own.fte is None and any(np.any(v > 0) for v in own.volumes.values()):
        what = f"the in-house work of the hybrid option {hy.name!r}"
        needs_staffing(ctx.scenario, what, _field(ctx, hy))
    # The engine's FTE of the kept channels plus the overflow team's (0 without a pool).
    team_fte = split.team_hours * 0.0
    if ctx.scenario.staffing is not None:
        team_fte = paid_fte(ctx.scenario, split.team_hours)
    hours = split.team_hours if own.agent_hours is None else own.agent_hours + split.team_hours
    fte = team_fte if own.fte is None else own.fte + team_fte
    price = hy.price if hy.price is not None else provider.price  # type: ignore[union-attr]
    ch = _charge(ctx, price, split.provider, f"{_field(ctx, hy)}.price")
    vm = hy.vendor_management_per_month
    if vm is None:
        vm = provider.vendor_management_per_month if provider is not None else 0.0
    comps = _in_house_fixed(ctx, ih)
    comps["agent salaries"] = fte * _v(ih.agent_salary)
    comps["telecom"] = (own.drivers["minutes"] + split.pool_minutes) * _v(ih.telecom_per_minute)
    comps["provider charges"] = ch.amount
    comps["vendor management"] = _monthly(vm, m)
    if provider is not None:
        comps["transition"] = _once(provider.transition_cost, provider.transition_month, m)
    contacts = ctx.full(hy).drivers["contacts"].sum(axis=1)
    sent_total = split.provider.drivers["contacts"].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(contacts > 0, sent_total / contacts, 0.0)
    if hy.other:
        comps["other"] = quote_flows(hy.other, m)
    work = Work(split.kept, own.drivers, hours, fte)
    one_off = _once_flows(ih.build, m) + _once_flows(hy.other, m) + comps.get("transition", 0.0)
    return _finish(
        ctx,
        hy,
        comps,
        fte,
        ch.binding_share(),
        own=work,
        provider=split.provider,
        sent=share,
        one_off=one_off,
    )


_BUILDERS: dict[str, Any] = {
    "in-house": _option_in_house,
    "outsourced": _option_outsourced,
    "hosted": _option_hosted,
    "hybrid": _option_hybrid,
}


def _rate_m(annual_rate: npt.ArrayLike) -> Array:
    r = np.asarray(annual_rate, dtype=float)
    if np.any(r <= -1):
        raise InputError("discount rate must be above -100 %", field="discount_rate", value=r)
    rate_m = (1.0 + r) ** (1.0 / 12.0) - 1.0
    return rate_m[:, None] if rate_m.ndim == 1 else rate_m


def evaluate_options(
    scenario: Any, annual_rate: npt.ArrayLike | None = None, scale: float = 1.0
) -> tuple[OptionResult, ...]:
    """Every option of the scenario's ``sourcing`` section, without break-even scan.

    ``scale`` multiplies every channel's volume (the break-even scan); ``annual_rate``
    defaults to the section's ``discount_rate``, else the scenario's.
    """
    if annual_rate is None:
        annual_rate = _discount_rate(scenario)
    return _evaluate(scenario, annual_rate, scale)[0]


def _evaluate(
    scenario: Any, annual_rate: npt.ArrayLike, scale: float
) -> tuple[tuple[OptionResult, ...], _Ctx]:
    if scenario.sourcing is None:
        raise InputError("no `sourcing` section: nothing to compare", field="sourcing")
    if not scenario.channels:
        raise InputError("the sourcing comparison needs channels (the demand)", field="channels")
    ctx = _Ctx(scenario, scenario.sourcing, _rate_m(annual_rate), scale)
    out = [_BUILDERS[o.kind](ctx, o) for o in scenario.sourcing.options]
    rows = max(o.flows.shape[0] for o in out)
    return tuple(_rows(o, rows) for o in out), ctx


def _rows(o: OptionResult, n: int) -> OptionResult:
    """Per-draw results broadcast to ``n`` draws (an option with no drawn input has one)."""
    from dataclasses import replace

    def b(a: Array) -> Array:
        return np.broadcast_to(a, (n, *a.shape[1:])) if a.shape[0] != n else a

    return replace(
        o,
        flows=b(o.flows),
        tco=b(o.tco),
        pv_cost=b(np.atleast_1d(o.pv_cost)),
        cost_per_contact=b(o.cost_per_contact),
        cost_per_inbound_call=b(o.cost_per_inbound_call),
        unit_totals={k: b(np.atleast_1d(v)) for k, v in o.unit_totals.items()},
        sent_out_share=None if o.sent_out_share is None else b(o.sent_out_share),
    )


def _discount_rate(scenario: Any) -> Any:
    spec = scenario.sourcing
    rate = spec.discount_rate if spec is not None else None
    return scenario.discount_rate if rate is None else rate


def _expected_pv(scenario: Any, rate: npt.ArrayLike, f: float) -> dict[str, float]:
    """Mean present value of cost per option at ``f`` x the demand (the ranking's measure)."""
    opts = evaluate_options(scenario, rate, scale=f)
    return {o.name: float(np.mean(o.pv_cost)) for o in opts}


def break_even_scan(
    scenario: Any, annual_rate: npt.ArrayLike
) -> tuple[tuple[BreakEvenPoint, ...], tuple[dict[str, Any], ...]]:
    """Ranking by volume and the volumes where the cheapest option changes.

    Volume factors are log-spaced over ``sourcing.break_even``; each scales every channel's
    volume (every option costed again, agents staffed again by the engine). Between two
    scan points where the cheapest option (by mean present value of cost, as in the
    ranking) changes from A to B, bisection (50 steps) on ``PV_A - PV_B`` locates the switch.
    """
    be = scenario.sourcing.break_even
    base = float(case_work(scenario).drivers["contacts"][:, 1].mean())
    factors = np.geomspace(be.min_factor, be.max_factor, be.points)
    pvs = [_expected_pv(scenario, annual_rate, float(f)) for f in factors]
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
            t = _expected_pv(scenario, annual_rate, mid)
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


def compare(scenario: Any, *, break_even: bool = True) -> Comparison:
    """Compare the options of a (realized) scenario's ``sourcing`` section.

    Parameters
    ----------
    scenario : Scenario
        Realized: every number a float or an array of draws (shape ``(draws,)``), e.g.
        from :func:`ccecon.uncertainty.sampling.realize`.
    break_even : bool
        Run the volume scan (on the mean present value of cost over draws).

    Returns
    -------
    Comparison
    """
    rate = _discount_rate(scenario)
    opts, ctx = _evaluate(scenario, rate, 1.0)
    pts: tuple[BreakEvenPoint, ...] = ()
    scan: tuple[dict[str, Any], ...] = ()
    if break_even and len(opts) > 1:
        pts, scan = break_even_scan(scenario, rate)
    full = ctx.full().drivers["contacts"]
    current = scenario.sourcing.current
    return Comparison(
        options=opts,
        currency=scenario.currency,
        months=int(scenario.horizon_months),
        base_contacts_per_month=float(full[:, 1].mean()) if full.shape[1] > 1 else 0.0,
        break_even=pts,
        scan=scan,
        scorecard=scorecard_scores(scenario.sourcing),
        current=current,
        moves={} if current is None else moves_from(scenario, opts, current),
    )


def moves_from(scenario: Any, options: tuple[OptionResult, ...], current: str) -> dict[str, Any]:
    """The move from ``current`` to each other option as a business case of the engine.

    Baseline = the current option's cost flows, proposal = the other option's, each cost
    component a line (components of one name in both are one line before and after:
    :func:`ccecon.cases.change_overlap`, the TEI rule of every business case). The cost of
    the change is new or risen spending, the cost savings the fallen or dropped spending
    (a benefit); NPV, ROI, IRR and payback are the engine's (``cases._metrics``) at the
    comparison's discount rate with the scenario's convention.
    """
    from types import SimpleNamespace

    from ccecon.cases import _metrics, change_overlap

    rate = _discount_rate(scenario)
    sc = (
        scenario
        if rate is scenario.discount_rate
        else scenario.model_copy(update={"discount_rate": rate})
    )
    base = next(o for o in options if o.name == current)
    n = base.flows.shape[0]

    def lines(o: OptionResult) -> Any:
        totals = tuple((k, v.sum(axis=1), v.sum(axis=1)) for k, v in o.components.items())
        return SimpleNamespace(cost_line_totals=totals)

    def parts(o: OptionResult) -> tuple[Array, Array, Array, Array]:
        z = np.zeros((1, o.flows.shape[1]))
        return (z, z, o.flows, z)

    out: dict[str, Any] = {}
    for o in options:
        if o.name == current:
            continue
        keep, _ = change_overlap(lines(o), lines(base))
        out[o.name], _ = _metrics(sc, parts(o), parts(base), n, keep)
    return out


def sourcing_document(scenario: Any, source: str, *, break_even: bool = True) -> Comparison:
    """The comparison of a scenario file's base case: what ``ccecon compare`` and the web
    service show (``.to_dict()`` is the JSON document). Input errors name ``source``."""
    from ccecon.uncertainty.sampling import realize

    if scenario.sourcing is None:
        raise InputError(
            "no `sourcing` section: nothing to compare (give the options to compare)",
            file=source,
            field="sourcing",
        )
    try:
        return compare(realize(scenario, {}), break_even=break_even)
    except InputError as exc:
        if exc.file is None:
            raise InputError(
                exc.message, file=source, field=exc.field, row=exc.row, value=exc.value
            ) from None
        raise


def sourcing_only(scenario: Any) -> bool:
    """True when a scenario has a ``sourcing`` section and an empty business case (no
    baseline, no cost or benefit line): its results lead with the sourcing decision."""
    if scenario.sourcing is None or scenario.baseline is not None:
        return False
    p = scenario.proposal
    return not p.cost_lines and not p.benefit_lines
