"""One case of the engine: its drivers, its staffing, and the metrics of a change.

The parts of the one evaluation path that every case shares, the business case's
baseline and proposal as much as each sourcing option (:mod:`ccecon.sourcing.work`) and
the shift schedule of a case (:mod:`ccecon.scheduling.plan`):

* :func:`case_drivers`: channels and levers -> volumes, minutes, sales and the user
  drivers per month; with a ``staffing`` section, :func:`staffing_drivers` (queueing per
  interval, and the shift schedule's ratio) adds agent hours and FTE;
* :func:`change_overlap` and :func:`_metrics`: the TEI rule of a change and its ROI, NPV,
  IRR and payback (:class:`Metrics`);
* :func:`realize_scenario` and :func:`plan_cases`: the draws (or the base case) of a
  scenario, and each case's schedule from its base case.

:mod:`ccecon.engine` prices the cost and benefit lines of each case on these drivers and
runs the blocks of draws; see its docstring for the conventions (arrays of shape
``(draws or 1, months + 1)``, column 0 "at signing").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ccecon.costing.lines import col, growth_profile
from ccecon.labels import LABELS
from ccecon.scenario.schema import Case, Scenario
from ccecon.scenario.staffing import (
    VOICE_IN,
    VOICE_OUT,
    month_days,
    staffed_channels,
    staffing_goals,
)
from ccecon.units import annual_to_monthly_rate

if TYPE_CHECKING:
    from ccecon.scheduling.plan import SchedulePlan

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class CaseFlows:
    """Monthly flows of one case, each of shape (draws or 1, months + 1).

    ``lines`` holds, per line, the mean over draws of its monthly amounts (unadjusted), for
    tables and reports.
    """

    name: str
    label: str
    initial: Array
    operating: Array
    hidden_included: Array
    hidden_excluded: Array
    benefit_direct: Array
    benefit_indirect_included: Array
    benefit_excluded: Array
    adj_initial: Array
    adj_operating: Array
    adj_hidden_included: Array
    adj_benefits: Array
    volumes: Mapping[str, Array]
    drivers: Mapping[str, Array]
    lines: tuple[tuple[str, str, str, bool, Array], ...]
    cost_line_totals: tuple[tuple[str, Array, Array], ...] = ()
    """Per included cost line: (match key, horizon total, risk-adjusted horizon total), each
    of shape (draws or 1,). The key is the line's name, or for a proposal line its
    ``replaces``; lines of two cases with one key are one line before and after the change.
    Only held while the metrics are computed (empty in stored results)."""

    @property
    def costs(self) -> Array:
        """Included costs: initial + operating + included hidden."""
        return self.initial + self.operating + self.hidden_included

    @property
    def benefits(self) -> Array:
        """Included benefits: direct + included indirect."""
        return self.benefit_direct + self.benefit_indirect_included


def _lever_factor(case: Case, channel: str, months: int, attr: str) -> Array:
    m = np.arange(months + 1)[None, :].astype(float)
    out: Array = np.ones((1, months + 1))
    for lever in case.levers:
        if lever.channel != channel:
            continue
        target = col(getattr(lever, attr))
        if lever.ramp_months > 0:
            ramp = np.clip((m - lever.start_month + 1) / lever.ramp_months, 0.0, 1.0)
        else:
            ramp = (m >= lever.start_month).astype(float)
        if lever.end_month is not None:
            ramp = ramp * (m <= lever.end_month)
        out = out * (1.0 + (target - 1.0) * ramp)
    return out


def _sum_terms(terms: Sequence[Array], months: int) -> Array:
    """Sum of (draws or 1, months + 1) arrays; zeros of shape (1, months + 1) for none."""
    if not terms:
        return np.zeros((1, months + 1))
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total


def _peak_profiles(
    scenario: Scenario, case: Case, profiles: Mapping[str, Any] | None
) -> tuple[Mapping[str, Any] | None, dict[str, Any]]:
    """The case's peak levers as interval profiles (:mod:`ccecon.scenario.peak`): the
    profiles the staffing uses (``profiles`` with the levers' channels replaced) and the
    levers' profiles alone (their ``factor()`` is the share of the volume they keep)."""
    levers = getattr(case, "peak_levers", None)
    if not levers:
        return profiles, {}
    from ccecon.scenario.peak import peak_profiles

    peak = peak_profiles(scenario, list(levers), None if profiles is None else dict(profiles))
    return {**(profiles or {}), **peak}, peak


def case_profiles(scenario: Scenario, case: Case) -> dict[str, Any] | None:
    """Each staffed channel's interval profile in ``case`` when its peak levers change
    it (:class:`~ccecon.queueing.peak.IntervalProfile`), else None: what
    :func:`service_levels` and a schedule of the case read."""
    profiles, _ = _peak_profiles(scenario, case, None)
    return None if profiles is None else dict(profiles)


def case_drivers(
    scenario: Scenario,
    case: Case,
    shares: Mapping[str, Array] | None = None,
    profiles: Mapping[str, Array] | None = None,
    schedule: SchedulePlan | bool | None = None,
) -> tuple[dict[str, Array], dict[str, Array]]:
    """Volumes per channel and every driver of a case, shape (draws or 1, months + 1).

    Returns ``(volumes, drivers)``; ``drivers`` holds the built-in drivers (calls,
    inbound_calls, outbound_calls, contacts, minutes, sales), ``<channel>``,
    ``<channel>.minutes``, ``<channel>.aht_s`` and the user drivers.

    ``shares`` (sourcing routing) maps a channel to the share of its volume this case
    handles, an array that broadcasts to (draws or 1, months + 1); a channel it does not
    name is handled whole. The share multiplies the volume after the levers, so every
    driver, and the staffing, follows the routed volume. ``profiles`` (time-window
    routing) gives a channel's interval-of-week profile for the staffing
    (:func:`staffing_drivers`). ``schedule`` (a ``staffing.schedule`` section): the
    case's :class:`~ccecon.scheduling.plan.SchedulePlan` to apply, None to solve it from
    these drivers, False for the ideal FTE only (see :func:`staffing_drivers`).
    """
    months = scenario.horizon_months
    in_plan = (np.arange(months + 1) >= 1).astype(float)[None, :]
    volumes: dict[str, Array] = {}
    drivers: dict[str, Array] = {}
    # Built-in totals over channels. A total with one term is that term itself (no copy:
    # nothing writes into a driver), and a term that is zero in every draw is left out,
    # so a one-channel case spends no (draws x months) arithmetic on its totals.
    totals: dict[str, list[Array]] = {
        k: [] for k in ("calls", "inbound_calls", "outbound_calls", "contacts", "minutes", "sales")
    }
    profiles, peak = _peak_profiles(scenario, case, profiles)
    for ch in scenario.channels:
        vol = col(ch.per_month) * (growth_profile(ch.growth, months) * in_plan)
        vol = vol * _lever_factor(case, ch.name, months, "volume_factor")
        if ch.name in peak:
            vol = vol * peak[ch.name].factor()
        if shares is not None and ch.name in shares:
            vol = vol * shares[ch.name]
        aht = col(ch.aht_s) * _lever_factor(case, ch.name, months, "aht_factor")
        minutes = vol * aht / 60.0
        volumes[ch.name] = vol
        drivers[ch.name] = vol
        drivers[f"{ch.name}.minutes"] = minutes
        drivers[f"{ch.name}.aht_s"] = aht * in_plan
        totals["contacts"].append(vol)
        totals["minutes"].append(minutes)
        rate = col(ch.sales_rate)
        if np.any(rate != 0):
            totals["sales"].append(vol * rate)
        if ch.kind in VOICE_IN:
            totals["inbound_calls"].append(vol)
        if ch.kind in VOICE_OUT:
            totals["outbound_calls"].append(vol)
        if ch.kind in VOICE_IN | VOICE_OUT:
            totals["calls"].append(vol)
    # A channel may carry a built-in's name only when it is that built-in's sole channel
    # (checked when the scenario is read), so the two values are then the same.
    for k, terms in totals.items():
        drivers[k] = _sum_terms(terms, months)
    for name, value in {**scenario.drivers, **case.drivers}.items():
        drivers[name] = col(value) * in_plan
    if scenario.staffing is not None:
        drivers.update(staffing_drivers(scenario, drivers, profiles, schedule))
    return volumes, drivers


def staffing_drivers(
    scenario: Scenario,
    drivers: Mapping[str, Array],
    profiles: Mapping[str, Array] | None = None,
    schedule: SchedulePlan | bool | None = None,
) -> dict[str, Array]:
    """agent_hours, fte, ideal_fte and peak_agents per month from the staffed channels.

    ``drivers`` holds each staffed channel's volume (``<channel>``) and handle time
    (``<channel>.aht_s``) per month, as :func:`case_drivers` builds them. ``profiles``
    (time-window routing) maps a channel to the share of its weekly volume in each open
    interval of the week (see :func:`ccecon.queueing.workload.staff_months`); a channel it
    does not name follows the staffing's weekly and intraday profiles.

    ``ideal_fte`` is the paid FTE of the interval requirement (Erlang per interval). With
    a ``staffing.schedule`` section ``fte = ideal_fte x ratio``, the ratio of the shift
    schedule's paid hours to the ideal paid hours of each month
    (:mod:`ccecon.scheduling.plan`): from ``schedule`` when it is a plan (a run of draws
    applies the base case's), solved from these drivers when None (their mean over
    draws); ``schedule=False`` leaves ``fte`` ideal. Without the section ``fte`` is ideal.
    """
    from ccecon.queueing.workload import staff_months

    st = scenario.staffing
    assert st is not None
    months = scenario.horizon_months
    days = month_days(scenario)
    out = {k: np.zeros((1, months + 1)) for k in ("agent_hours", "fte", "peak_agents")}
    goals = staffing_goals(scenario)
    for name in staffed_channels(scenario):
        res = staff_months(
            drivers[name],
            drivers[f"{name}.aht_s"],
            days,
            **goals,
            shrinkage=col(st.shrinkage),
            paid_hours_per_fte_month=col(st.paid_hours_per_fte_month),
            shares=None if profiles is None else profiles.get(name),
        )
        out["agent_hours"] = out["agent_hours"] + res.agent_hours
        out["fte"] = out["fte"] + res.fte
        out["peak_agents"] = out["peak_agents"] + res.peak_agents
    out["ideal_fte"] = out["fte"]
    if st.schedule is not None and schedule is not False:
        if schedule is None or schedule is True:
            from ccecon.scheduling.plan import plan_schedule

            schedule = plan_schedule(
                scenario, dict(drivers), None if profiles is None else dict(profiles)
            )
        out["fte"] = out["ideal_fte"] * schedule.ratio
    return out


def service_levels(
    scenario: Scenario, drivers: Mapping[str, Array], profiles: Mapping[str, Any] | None = None
) -> Array:
    """Service level the staffing reaches per month over the staffed channels, shape
    (months + 1,), NaN for month 0 and months without calls.

    For the first row of ``drivers`` (a base case, or the means over draws): each channel
    staffed per interval as :func:`staffing_drivers` staffs it, its level with those
    agents (:func:`ccecon.queueing.workload.service_level_months`), and the channels
    combined weighed by their calls; ``profiles`` as in :func:`staffing_drivers` (a case's
    peak levers, :func:`case_profiles`). At least the goal wherever the goal is a service
    level, since every interval is staffed to meet it.
    """
    from ccecon.queueing.workload import service_level_months

    months = scenario.horizon_months
    days = month_days(scenario)
    goals = staffing_goals(scenario)
    answered = np.zeros(months + 1)
    calls = np.zeros(months + 1)
    for name in staffed_channels(scenario):
        level, weight = service_level_months(
            np.asarray(drivers[name], dtype=float)[:1],
            np.asarray(drivers[f"{name}.aht_s"], dtype=float)[:1],
            days,
            **goals,
            shares=None if profiles is None else profiles.get(name),
        )
        answered += np.nan_to_num(level) * weight
        calls += weight
    out = np.full(months + 1, np.nan)
    np.divide(answered, calls, out=out, where=calls > 0)
    return out


def change_overlap(prop: CaseFlows, base: CaseFlows | None) -> tuple[Array, Array]:
    """Spending that the change keeps: for every cost line in both cases, the smaller of
    its totals before and after, summed (plain and risk-adjusted), shape (draws or 1,).

    With it the cost of the change is the proposal's costs less this overlap (new lines
    and increases), and the cost savings the baseline's costs less it (removed lines and
    decreases): each line is a cost or a saving on its own, as Forrester TEI tables them.
    """
    z = np.zeros(1)
    if base is None:
        return z, z
    groups: dict[str, list[list[Array]]] = {}
    for which, flows in ((0, prop), (1, base)):
        for key, total, adjusted in flows.cost_line_totals:
            g = groups.setdefault(key, [[z, z], [z, z]])
            g[which] = [g[which][0] + total, g[which][1] + adjusted]
    keep, keep_adj = z, z
    for key, (p, b) in groups.items():
        if any(k == key for k, _, _ in prop.cost_line_totals) and any(
            k == key for k, _, _ in base.cost_line_totals
        ):
            keep = keep + np.minimum(p[0], b[0])
            keep_adj = keep_adj + np.minimum(p[1], b[1])
    return keep, keep_adj


@dataclass(frozen=True)
class Metrics:
    """Investment metrics, each an array of shape (draws,).

    Attributes
    ----------
    total_benefit, total_cost : ndarray
        ``B`` and ``C`` of the ROI definition, scenario currency over the horizon.
    cost_savings : ndarray
        The part of ``total_benefit`` that is spending reduced or removed by the change
        (cost lines of the baseline that fall or go), scenario currency over the horizon.
    net : ndarray
        ``B - C`` = sum of the monthly net cash flow.
    roi_pct : ndarray
        ``(B - C) / C x 100``; NaN where ``roi_defined`` is False (C <= 0).
    roi_defined : ndarray of bool
    npv : ndarray
        Net present value at the scenario's discount rate and convention.
    irr_annual : ndarray
        IRR as an annual rate, under the NPV's convention (``monthly``: of the monthly net
        flow, annualized; ``yearly_tei``: of the yearly flows): NaN where ``irr_status`` is
        ``"none"``; the root nearest 0 where it is ``"several"``.
    irr_status : ndarray of str
        ``ok``, ``none`` (no sign change: no IRR) or ``several`` (several roots; the one
        nearest 0 is reported).
    payback_months, discounted_payback_months : ndarray
        Fractional months from month 0; ``inf`` if never within the horizon (documents
        show ``null`` and ``payback_reached: false``). The discounted payback discounts as
        the NPV does.
    """

    total_benefit: Array
    total_cost: Array
    cost_savings: Array
    net: Array
    roi_pct: Array
    roi_defined: npt.NDArray[np.bool_]
    npv: Array
    irr_annual: Array
    irr_status: npt.NDArray[np.str_]
    payback_months: Array
    discounted_payback_months: Array

    def to_frame(self) -> pd.DataFrame:
        """One row per draw."""
        return pd.DataFrame({k: getattr(self, k) for k in self.__dataclass_fields__})


def _broadcast(a: Array, n: int) -> Array:
    return np.broadcast_to(a, (n, a.shape[-1])) if a.shape[0] != n else a


def _metrics(
    scenario: Scenario,
    prop: tuple[Array, Array, Array, Array],
    base: tuple[Array, Array, Array, Array] | None,
    n: int,
    overlap: Array | None = None,
) -> tuple[Metrics, Array]:
    """Metrics of the proposal against the baseline.

    ``prop`` and ``base`` are (benefits, initial, operating, hidden) monthly flows;
    ``overlap`` is the spending the change keeps (:func:`change_overlap`), per draw.
    """
    from ccecon.finance import returns

    months = prop[0].shape[-1] - 1

    def total(a: Array) -> Array:
        # row sums (numpy's pairwise sum: the same bits whatever the number of rows)
        return np.broadcast_to(a.sum(axis=1), (n,))

    # net = (benefits - base benefits) - (initial - base initial) - ..., built in place
    net = prop[0] - prop[1]
    if net.shape[0] != n:
        net = np.broadcast_to(net, (n, months + 1)).copy()
    net -= prop[2]
    net -= prop[3]
    if base is not None:
        net -= base[0]
        net += base[1]
        net += base[2]
        net += base[3]
    b_tot = [total(x) for x in base] if base is not None else [np.zeros(n)] * 4
    p_tot = [total(x) for x in prop]
    # Line by line, as Forrester TEI: a new line or the rise of a kept line is a cost of the
    # change; a removed line or the fall of a kept line is a cost saving, counted among the
    # benefits. ``overlap`` (the smaller total of each kept line) is what both cases spend.
    keep = np.zeros(n) if overlap is None else np.broadcast_to(overlap, (n,))
    cost = p_tot[1] + p_tot[2] + p_tot[3] - keep
    savings = b_tot[1] + b_tot[2] + b_tot[3] - keep
    benefit = p_tot[0] - b_tot[0] + savings
    defined = cost > 0
    roi = np.full(n, np.nan)
    with np.errstate(over="ignore"):  # a cost too small to divide by: not defined, below
        np.divide((benefit - cost) * 100.0, cost, out=roi, where=defined)
    defined &= np.isfinite(roi)
    roi[~defined] = np.nan

    rate_col = col(scenario.discount_rate)  # (draws or 1, 1), annual
    rate = np.broadcast_to(rate_col[:, 0], (n,))
    # NPV, IRR and discounted payback under one convention, so that NPV is 0 at the IRR
    # and the discounted payback is reached exactly when NPV >= 0 at the horizon.
    if scenario.discounting == "monthly":
        # (1 + r_m) ** -t, once: for the NPV and the discounted payback
        r_m = annual_to_monthly_rate(rate_col)
        disc = np.exp(-np.log1p(r_m) * np.arange(months + 1, dtype=float))
        discounted = net * disc
        npv = discounted.sum(axis=1)
        batch = returns.irr_batch(net, all_roots=False)  # monthly; annualized below
        irr = np.where(batch.n_roots >= 1, returns.annualize(np.nan_to_num(batch.rates)), np.nan)
    else:
        # yearly_tei: month m falls in plan year ceil(m / 12), discounted (1 + r) ** -year
        year = -(-np.arange(months + 1) // 12)
        discounted = net * np.exp(-np.log1p(rate_col) * year.astype(float))
        yearly = yearly_flows(net)
        npv = returns.npv(rate[:, None], yearly)
        batch = returns.irr_batch(yearly, all_roots=False)  # annual rate of yearly flows
        irr = np.where(batch.n_roots >= 1, batch.rates, np.nan)
    status = np.where(batch.n_roots == 0, "none", np.where(batch.n_roots > 1, "several", "ok"))
    payback = returns.payback(net)
    dpayback = returns.payback(discounted)
    m = Metrics(
        total_benefit=benefit,
        total_cost=cost,
        cost_savings=savings,
        net=net.sum(axis=1),
        roi_pct=roi,
        roi_defined=defined,
        npv=np.asarray(npv, dtype=float).reshape(n),
        irr_annual=np.asarray(irr, dtype=float).reshape(n),
        irr_status=np.asarray(status).reshape(n),
        payback_months=np.asarray(payback, dtype=float).reshape(n),
        discounted_payback_months=np.asarray(dpayback, dtype=float).reshape(n),
    )
    return m, net


def yearly_flows(net: Array) -> Array:
    """Sum monthly flows by plan year: column 0 = month 0, column k = months 12k-11..12k."""
    months = net.shape[-1] - 1
    years = -(-months // 12)
    lead = net.shape[:-1]
    padded = np.zeros((*lead, years * 12))
    padded[..., :months] = net[..., 1:]
    out = np.empty((*lead, years + 1))
    out[..., 0] = net[..., 0]
    out[..., 1:] = padded.reshape(*lead, years, 12).sum(axis=-1)
    return out


def _roots(roots: list[float] | None) -> dict[str, Any]:
    """``irr_roots_annual_pct`` for a document when the IRR is not unique."""
    return {} if roots is None else {"irr_roots_annual_pct": roots}


def _mean(x: Array) -> float:
    return float(x[0]) if x.size == 1 else float(np.mean(x))  # one draw: itself, exactly


def _summary(m: Metrics) -> dict[str, Any]:
    roi_ok = bool(np.all(m.roi_defined))
    irr_status = str(m.irr_status[0]) if m.irr_status.size == 1 else _mode(m.irr_status)
    irr_ok = m.irr_status != "none"  # "several": the root nearest 0, flagged
    return {
        "total_benefit": _mean(m.total_benefit),
        "total_cost": _mean(m.total_cost),
        "cost_savings": _mean(m.cost_savings),
        "net": _mean(m.net),
        "roi_pct": _mean(m.roi_pct) if roi_ok else None,
        "roi_note": None
        if roi_ok
        else "not defined: the change invests nothing (or too little to divide by)",
        "npv": _mean(m.npv),
        "irr_annual_pct": float(np.mean(m.irr_annual[irr_ok]) * 100) if irr_ok.any() else None,
        "irr_status": irr_status,
        **_payback("payback", m.payback_months),
        **_payback("discounted_payback", m.discounted_payback_months),
    }


NEVER = LABELS["en"]["never"]
"""What every renderer shows for a payback that does not happen within the horizon."""


def _payback(name: str, months: Array) -> dict[str, Any]:
    """``{name}_months``: the mean over draws when every draw pays back within the horizon,
    else None (JSON ``null``); ``{name}_reached``: whether every draw does."""
    reached = bool(np.all(np.isfinite(months)))
    return {f"{name}_months": _mean(months) if reached else None, f"{name}_reached": reached}


def _mode(values: npt.NDArray[np.str_]) -> str:
    uniq, counts = np.unique(values, return_counts=True)
    return str(uniq[np.argmax(counts)])


def realize_scenario(
    scenario: Scenario, draws: int | None, rng: np.random.Generator | None
) -> tuple[Scenario, int]:
    """Replace every distribution by draws (or by its base-case value when ``draws`` is None).

    Returns the realized scenario (numeric fields may hold arrays of shape (draws,)) and
    the number of draws.
    """
    from ccecon.uncertainty import sampling

    if draws is None:
        realized, sizes = sampling.realize_base_case(scenario)
        sizes.add(1)  # a scenario always holds plain numbers too (horizon_months at least)
        n = max(sizes)
        if sizes - {1, n}:
            from ccecon.errors import InputError

            raise InputError(
                "inputs hold arrays of draws of different lengths; give every uncertain"
                " input the same number of draws",
                value=sorted(sizes),
            )
        return realized, n
    if draws < 1:
        from ccecon.errors import InputError

        raise InputError("draws must be at least 1", field="draws", value=draws)
    if rng is None:
        from ccecon.errors import InputError

        raise InputError("a Monte Carlo run needs rng=np.random.default_rng(seed)", field="rng")
    values = sampling.draw_inputs(scenario, draws, rng, scenario.correlations or None)
    return sampling.realize(scenario, values), draws


def plan_cases(scenario: Scenario) -> dict[str, SchedulePlan] | None:
    """Each case's schedule from the base case (each distribution at its base-case value;
    an input given as an array of draws at its mean), or None without a schedule."""
    st = getattr(scenario, "staffing", None)
    if st is None or st.schedule is None:
        return None
    from ccecon.scheduling.plan import plan_schedule

    base, _ = realize_scenario(scenario, None, None)
    out: dict[str, SchedulePlan] = {}
    for name, case in base.cases().items():
        _, drivers = case_drivers(base, case, schedule=False)
        out[name] = plan_schedule(base, drivers, case_profiles(base, case))
    return out
