"""The one evaluation path: scenario -> monthly cash flows -> ROI, NPV, IRR, payback, unit costs.

:func:`evaluate` is vectorized over draws. A deterministic run is a run with one draw (every
distribution at its base-case value); a Monte Carlo run samples every uncertain input and
runs the same code on arrays of shape ``(draws, months + 1)``. There is no second evaluator.

Conventions
-----------
* Column 0 of every monthly array is month 0, "at signing"; column ``m`` is plan month ``m``.
  Flows fall at the end of their month.
* **Net cash flow** of the proposal against the baseline (an empty baseline when none is
  given): ``net = (benefits_proposal - benefits_baseline) - (costs_proposal - costs_baseline)``
  using included lines only (hidden costs and indirect benefits count when ``include: true``).
* **ROI** (DOMAIN D1.1) ``= (B - C) / C x 100`` over the horizon, where ``C`` is the cost of
  the change: the proposal's initial and included hidden costs plus any *increase* in
  operating cost; and ``B`` its benefit: the increase in included benefits, the baseline's
  initial and hidden costs avoided, and any *decrease* in operating cost (cost avoidance and
  savings count as benefits, as in TEI). Without a baseline this is total benefit against
  total cost. When ``C <= 0`` (nothing is invested) ROI is not
  defined: the value is NaN and ``roi_defined`` is False, and every renderer says so.
* **NPV** at the scenario's annual rate: ``monthly`` discounting uses the equivalent monthly
  rate ``(1 + r) ** (1/12) - 1`` with month 0 undiscounted; ``yearly_tei`` sums months by
  plan year (month 0 is year 0, months 1-12 year 1, ...) and discounts year ``k`` by
  ``(1 + r) ** k`` with year 0 undiscounted (Forrester TEI).
* **IRR** of the monthly net flow, annualized ``(1 + irr_m) ** 12 - 1``; rows with no root or
  several roots are flagged in ``irr_status``.
* **Payback** in fractional months from month 0 (linear within the month); ``inf`` when the
  cumulative flow never turns non-negative within the horizon.
* **Risk-adjusted** metrics raise each cost line by its ``risk`` percent and cut each benefit
  line by its ``risk`` percent (Forrester TEI).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from ccecon.costing.lines import col, growth_profile, line_amounts, risk_factor
from ccecon.costing.unit_costs import UnitCosts, benchmark_position, unit_costs
from ccecon.scenario.schema import Case, ChannelKind, Family, Scenario
from ccecon.units import annual_to_monthly_rate, month_label

Array = npt.NDArray[np.float64]

VOICE_IN = {ChannelKind.voice_inbound}
VOICE_OUT = {ChannelKind.voice_outbound}


# --------------------------------------------------------------------------- case flows
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


def case_drivers(scenario: Scenario, case: Case) -> tuple[dict[str, Array], dict[str, Array]]:
    """Volumes per channel and every driver of a case, shape (draws or 1, months + 1).

    Returns ``(volumes, drivers)``; ``drivers`` holds the built-in drivers (calls,
    inbound_calls, outbound_calls, contacts, minutes, sales), ``<channel>``,
    ``<channel>.minutes``, ``<channel>.aht_s`` and the user drivers.
    """
    months = scenario.horizon_months
    in_plan = (np.arange(months + 1) >= 1).astype(float)[None, :]
    zero: Array = np.zeros((1, months + 1))
    volumes: dict[str, Array] = {}
    drivers: dict[str, Array] = {
        k: zero.copy()
        for k in ("calls", "inbound_calls", "outbound_calls", "contacts", "minutes", "sales")
    }
    totals = dict(drivers)
    for ch in scenario.channels:
        vol = col(ch.per_month) * (growth_profile(ch.growth, months) * in_plan)
        vol = vol * _lever_factor(case, ch.name, months, "volume_factor")
        aht = col(ch.aht_s) * _lever_factor(case, ch.name, months, "aht_factor")
        minutes = vol * aht / 60.0
        volumes[ch.name] = vol
        drivers[ch.name] = vol
        drivers[f"{ch.name}.minutes"] = minutes
        drivers[f"{ch.name}.aht_s"] = aht * in_plan
        totals["contacts"] = totals["contacts"] + vol
        totals["minutes"] = totals["minutes"] + minutes
        totals["sales"] = totals["sales"] + vol * col(ch.sales_rate)
        if ch.kind in VOICE_IN:
            totals["inbound_calls"] = totals["inbound_calls"] + vol
        if ch.kind in VOICE_OUT:
            totals["outbound_calls"] = totals["outbound_calls"] + vol
        if ch.kind in VOICE_IN | VOICE_OUT:
            totals["calls"] = totals["calls"] + vol
    # A channel may carry a built-in's name only when it is that built-in's sole channel
    # (checked when the scenario is read), so the two values are then the same.
    drivers.update(totals)
    for name, value in {**scenario.drivers, **case.drivers}.items():
        drivers[name] = col(value) * in_plan
    if scenario.staffing is not None:
        drivers.update(_staffing_drivers(scenario, drivers))
    return volumes, drivers


def _staffing_drivers(scenario: Scenario, drivers: Mapping[str, Array]) -> dict[str, Array]:
    """agent_hours, fte and peak_agents per month from the staffed channels (Erlang)."""
    import calendar

    from ccecon.queueing.workload import staff_months

    st = scenario.staffing
    assert st is not None
    months = scenario.horizon_months
    days = np.zeros(months + 1)
    for m in range(1, months + 1):
        label = month_label(scenario.start, m)
        days[m] = calendar.monthrange(int(label[:4]), int(label[5:]))[1]
    names = st.channels or [c.name for c in scenario.channels if c.kind in VOICE_IN]
    out = {k: np.zeros((1, months + 1)) for k in ("agent_hours", "fte", "peak_agents")}
    for name in names:
        res = staff_months(
            drivers[name],
            drivers[f"{name}.aht_s"],
            days,
            interval_minutes=st.interval_minutes,
            open_hour=st.open_hour,
            close_hour=st.close_hour,
            weekly_profile=st.weekly_profile,
            intraday_profile=st.intraday_profile,
            sl_target=st.sl_target,
            sl_threshold_s=st.sl_threshold_s,
            max_asa_s=st.max_asa_s,
            max_abandon=st.max_abandon,
            max_occupancy=st.max_occupancy,
            patience_s=st.patience_s,
            shrinkage=col(st.shrinkage),
            paid_hours_per_fte_month=col(st.paid_hours_per_fte_month),
        )
        out["agent_hours"] = out["agent_hours"] + res.agent_hours
        out["fte"] = out["fte"] + res.fte
        out["peak_agents"] = out["peak_agents"] + res.peak_agents
    return out


def case_flows(scenario: Scenario, name: str, case: Case) -> CaseFlows:
    """Expand every line of a case into monthly amounts (unadjusted and risk-adjusted)."""
    months = scenario.horizon_months
    volumes, drivers = case_drivers(scenario, case)
    z: Array = np.zeros((1, months + 1))
    fam = {"initial": z, "operating": z, "hidden_in": z, "hidden_out": z}
    ben = {"direct": z, "indirect_in": z, "out": z}
    adj = {"initial": z, "operating": z, "hidden_in": z, "benefits": z}
    lines: list[tuple[str, str, str, bool, Array]] = []

    def add(acc: dict[str, Array], key: str, x: Array) -> None:
        # Accumulate in place once the sum owns a full-size buffer (no 50 MB temporaries
        # per line at 100,000 draws); ``x`` is never written to.
        cur = acc[key]
        if cur is z:
            acc[key] = x.copy()
        elif cur.shape == np.broadcast_shapes(cur.shape, x.shape):
            cur += x
        else:
            acc[key] = cur + x

    for line in case.cost_lines:
        amounts = line_amounts(line, months, drivers)
        included = line.included
        if line.family == Family.hidden:
            key = "hidden_in" if included else "hidden_out"
        else:
            key = line.family.value
        add(fam, key, amounts)
        if included:
            amounts_adj = amounts * risk_factor(line, +1.0)
            add(adj, key, amounts_adj)
        lines.append((line.name, "cost", line.family.value, included, amounts.mean(axis=0)))
    for bline in case.benefit_lines:
        amounts = line_amounts(bline, months, drivers)
        included = bline.included
        key = ("direct" if bline.kind == "direct" else "indirect_in") if included else "out"
        add(ben, key, amounts)
        if included:
            add(adj, "benefits", amounts * risk_factor(bline, -1.0))
        lines.append((bline.name, "benefit", bline.kind, included, amounts.mean(axis=0)))
    adj_b = adj["benefits"]
    return CaseFlows(
        name=name,
        label=case.label or name,
        initial=fam["initial"],
        operating=fam["operating"],
        hidden_included=fam["hidden_in"],
        hidden_excluded=fam["hidden_out"],
        benefit_direct=ben["direct"],
        benefit_indirect_included=ben["indirect_in"],
        benefit_excluded=ben["out"],
        adj_initial=adj["initial"],
        adj_operating=adj["operating"],
        adj_hidden_included=adj["hidden_in"],
        adj_benefits=adj_b,
        volumes=volumes,
        drivers=drivers,
        lines=tuple(lines),
    )


# --------------------------------------------------------------------------- metrics
@dataclass(frozen=True)
class Metrics:
    """Investment metrics, each an array of shape (draws,).

    Attributes
    ----------
    total_benefit, total_cost : ndarray
        ``B`` and ``C`` of the ROI definition, scenario currency over the horizon.
    net : ndarray
        ``B - C`` = sum of the monthly net cash flow.
    roi_pct : ndarray
        ``(B - C) / C x 100``; NaN where ``roi_defined`` is False (C <= 0).
    roi_defined : ndarray of bool
    npv : ndarray
        Net present value at the scenario's discount rate and convention.
    irr_annual : ndarray
        Annualized IRR of the monthly net flow; NaN where ``irr_status`` is not ``"ok"``.
    irr_status : ndarray of str
        ``ok``, ``none`` (no sign change: no IRR) or ``several`` (several roots; the one
        nearest 0 is reported).
    payback_months, discounted_payback_months : ndarray
        Fractional months from month 0; ``inf`` if never within the horizon.
    """

    total_benefit: Array
    total_cost: Array
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
) -> tuple[Metrics, Array]:
    """Metrics of the proposal against the baseline.

    ``prop`` and ``base`` are (benefits, initial, operating, hidden) monthly flows.
    """
    from ccecon.finance import returns

    def total(a: Array) -> Array:
        return _broadcast(a, n).sum(axis=1)

    zero: tuple[Array, ...] = tuple(np.zeros((1, p.shape[-1])) for p in prop)
    b = base if base is not None else zero
    net = _broadcast((prop[0] - b[0]) - (prop[1] - b[1]) - (prop[2] - b[2]) - (prop[3] - b[3]), n)
    d_op = total(prop[2]) - total(b[2])
    # Cost of the change: the proposal's capital and hidden costs, plus any rise in operating
    # cost. Benefit: the rise in benefits, the baseline's capital and hidden costs avoided,
    # and any fall in operating cost (cost avoidance and savings are benefits, as in TEI).
    cost = total(prop[1]) + total(prop[3]) + np.maximum(0.0, d_op)
    benefit = total(prop[0]) - total(b[0]) + total(b[1]) + total(b[3]) + np.maximum(0.0, -d_op)
    defined = cost > 0
    roi = np.full(n, np.nan)
    np.divide((benefit - cost) * 100.0, cost, out=roi, where=defined)

    rate = np.broadcast_to(col(scenario.discount_rate)[:, 0], (n,))
    if scenario.discounting == "monthly":
        r_m = annual_to_monthly_rate(rate)
        npv = returns.npv(r_m[:, None], net)
    else:
        npv = returns.npv(rate[:, None], yearly_flows(net))
    r_m = annual_to_monthly_rate(rate)
    batch = returns.irr_batch(net)
    status = np.where(batch.n_roots == 0, "none", np.where(batch.n_roots > 1, "several", "ok"))
    irr = np.where(batch.n_roots >= 1, returns.annualize(np.nan_to_num(batch.rates)), np.nan)
    payback = returns.payback(net)
    dpayback = returns.payback(net, rate=r_m[:, None])
    m = Metrics(
        total_benefit=benefit,
        total_cost=cost,
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
    out = np.zeros((*net.shape[:-1], years + 1))
    out[..., 0] = net[..., 0]
    idx = (np.arange(1, months + 1) - 1) // 12 + 1
    np.add.at(out, (..., idx), net[..., 1:])  # type: ignore[arg-type]
    return out


# --------------------------------------------------------------------------- result
@dataclass(frozen=True)
class Result:
    """What :func:`evaluate` returns. Arrays are per draw; tables hold means over draws."""

    scenario: Scenario
    draws: int
    month_labels: tuple[str, ...]
    cases: Mapping[str, CaseFlows]
    net: Array
    net_risk_adjusted: Array
    metrics: Metrics
    risk_adjusted: Metrics
    unit_costs: UnitCosts
    benchmark: Mapping[str, Any] | None
    extras: Mapping[str, Any] = field(default_factory=dict)

    @property
    def has_baseline(self) -> bool:
        """True when a baseline ('as is') case is compared."""
        return "baseline" in self.cases

    def cashflow_frame(self) -> pd.DataFrame:
        """Long table: case, line, type (cost/benefit), family, included, month, label, amount.

        Amounts are means over draws (the values themselves for a deterministic run).
        """
        rows: list[pd.DataFrame] = []
        months = np.arange(len(self.month_labels))
        for case in self.cases.values():
            for name, typ, fam, included, amounts in case.lines:
                rows.append(
                    pd.DataFrame(
                        {
                            "case": case.name,
                            "line": name,
                            "type": typ,
                            "family": fam,
                            "included": included,
                            "month": months,
                            "label": list(self.month_labels),
                            "amount": amounts,
                        }
                    )
                )
        if not rows:
            return pd.DataFrame(
                columns=["case", "line", "type", "family", "included", "month", "label", "amount"]
            )
        return pd.concat(rows, ignore_index=True)

    def monthly_frame(self) -> pd.DataFrame:
        """Per month: costs and benefits by family per case, the net flow and its cumsum."""
        data: dict[str, Any] = {
            "month": np.arange(len(self.month_labels)),
            "label": list(self.month_labels),
        }
        for case in self.cases.values():
            p = case.name
            data[f"{p}_initial"] = case.initial.mean(axis=0)
            data[f"{p}_operating"] = case.operating.mean(axis=0)
            data[f"{p}_hidden"] = case.hidden_included.mean(axis=0)
            data[f"{p}_benefits"] = case.benefits.mean(axis=0)
        data["net"] = self.net.mean(axis=0)
        data["cumulative"] = np.cumsum(data["net"])
        data["net_risk_adjusted"] = self.net_risk_adjusted.mean(axis=0)
        return pd.DataFrame(data)

    def summary(self) -> dict[str, Any]:
        """Headline figures (means over draws) as plain Python values."""
        return _summary(self.metrics) | {
            f"risk_adjusted_{k}": v for k, v in _summary(self.risk_adjusted).items()
        }

    def summary_rows(self) -> list[dict[str, Any]]:
        """Rows for the terminal table: metric, value, risk-adjusted value, unit."""
        cur = self.scenario.currency
        s, r = _summary(self.metrics), _summary(self.risk_adjusted)
        units = {
            "total_benefit": cur,
            "total_cost": cur,
            "net": cur,
            "roi_pct": "%",
            "npv": cur,
            "irr_annual_pct": "% a year",
            "payback_months": "months",
            "discounted_payback_months": "months",
        }
        rows = []
        for key, unit in units.items():
            rows.append({"metric": key, "value": s[key], "risk_adjusted": r[key], "unit": unit})
        cpc = self.unit_costs.horizon.get("cost_per_inbound_call")
        if cpc is not None:
            rows.append(
                {
                    "metric": "cost_per_inbound_call",
                    "value": cpc,
                    "risk_adjusted": None,
                    "unit": f"{cur}/call",
                }
            )
        return rows

    def to_dict(self) -> dict[str, Any]:
        """JSON-able document: what ``ccecon evaluate --format json`` prints."""
        sc = self.scenario
        return {
            "scenario": sc.name,
            "currency": sc.currency,
            "start": f"{sc.start.year:04d}-{sc.start.month:02d}",
            "horizon_months": sc.horizon_months,
            "draws": self.draws,
            "discounting": sc.discounting,
            "metrics": _summary(self.metrics),
            "risk_adjusted": _summary(self.risk_adjusted),
            "unit_costs": {
                "basis": sc.unit_cost_basis,
                "horizon": self.unit_costs.horizon,
                "by_period": self.unit_costs.table.to_dict(orient="records"),
            },
            "benchmark": self.benchmark,
            "monthly": self.monthly_frame().to_dict(orient="records"),
            **(
                {"sourcing": self.extras["sourcing"].to_dict()} if "sourcing" in self.extras else {}
            ),
        }


def _mean(x: Array) -> float:
    return float(np.mean(x))


def _summary(m: Metrics) -> dict[str, Any]:
    roi_ok = bool(np.all(m.roi_defined))
    irr_status = str(m.irr_status[0]) if m.irr_status.size == 1 else _mode(m.irr_status)
    irr_ok = m.irr_status == "ok"
    return {
        "total_benefit": _mean(m.total_benefit),
        "total_cost": _mean(m.total_cost),
        "net": _mean(m.net),
        "roi_pct": _mean(m.roi_pct) if roi_ok else None,
        "roi_note": None if roi_ok else "not defined: the change invests nothing (cost <= 0)",
        "npv": _mean(m.npv),
        "irr_annual_pct": float(np.mean(m.irr_annual[irr_ok]) * 100) if irr_ok.any() else None,
        "irr_status": irr_status,
        "payback_months": _mean(m.payback_months),
        "discounted_payback_months": _mean(m.discounted_payback_months),
    }


def _mode(values: npt.NDArray[np.str_]) -> str:
    uniq, counts = np.unique(values, return_counts=True)
    return str(uniq[np.argmax(counts)])


# --------------------------------------------------------------------------- evaluate
def realize_scenario(
    scenario: Scenario, draws: int | None, rng: np.random.Generator | None
) -> tuple[Scenario, int]:
    """Replace every distribution by draws (or by its base-case value when ``draws`` is None).

    Returns the realized scenario (numeric fields may hold arrays of shape (draws,)) and
    the number of draws.
    """
    from ccecon.uncertainty import sampling

    if draws is None:
        realized = sampling.realize(scenario, {})
        sizes = {int(np.size(v)) for v in sampling.numeric_inputs(realized).values()}
        n = max(sizes, default=1)
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


def evaluate(
    scenario: Scenario,
    draws: int | None = None,
    rng: np.random.Generator | None = None,
) -> Result:
    """Evaluate a scenario: cash flows, ROI, NPV, IRR, payback and unit costs.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (see :func:`ccecon.scenario.load.load_scenario`).
    draws : int, optional
        None for the deterministic base case (each distribution at its base-case value; a
        scenario already realized with arrays of draws keeps them); N for a Monte Carlo run
        of N draws of every uncertain input.
    rng : numpy.random.Generator, optional
        Required when ``draws`` is given; randomness is never global.

    Returns
    -------
    Result
        Metrics per draw, monthly flows, unit costs and the benchmark position.

    Examples
    --------
    >>> from ccecon.scenario.load import parse_scenario
    >>> sc = parse_scenario('''
    ... name: seed D1.1
    ... currency: USD
    ... start: 2027-01
    ... horizon_months: 12
    ... discount_rate: 0
    ... proposal:
    ...   cost_lines: [{name: invest, family: initial, amount: 10000, timing: once, month: 0}]
    ...   benefit_lines: [{name: return, kind: direct, amount: 15000, timing: once, month: 12}]
    ... ''')
    >>> round(float(evaluate(sc).metrics.roi_pct[0]), 6)
    50.0
    """
    realized, n = realize_scenario(scenario, draws, rng)
    months = realized.horizon_months
    cases = realized.cases()
    flows = dict(
        zip(
            cases,
            _in_parallel([partial(case_flows, realized, k, c) for k, c in cases.items()], n),
            strict=True,
        )
    )
    prop = flows["proposal"]
    base = flows.get("baseline")

    def parts(case: CaseFlows, adjusted: bool) -> tuple[Array, Array, Array, Array]:
        if adjusted:
            return (
                case.adj_benefits,
                case.adj_initial,
                case.adj_operating,
                case.adj_hidden_included,
            )
        return (case.benefits, case.initial, case.operating, case.hidden_included)

    # The plain view and the risk-adjusted view (each cost line raised and each benefit
    # line cut by its risk, as in TEI) are independent.
    (metrics, net), (risk_adjusted, net_adj) = _in_parallel(
        [
            partial(_metrics, realized, parts(prop, a), None if base is None else parts(base, a), n)
            for a in (False, True)
        ],
        n,
    )

    labels = ("M0 (signing)", *(month_label(realized.start, m) for m in range(1, months + 1)))
    uc = unit_costs(realized, flows)
    bench = benchmark_position(realized, uc)
    return Result(
        scenario=scenario,
        draws=n,
        month_labels=labels,
        cases=flows,
        net=net,
        net_risk_adjusted=net_adj,
        metrics=metrics,
        risk_adjusted=risk_adjusted,
        unit_costs=uc,
        benchmark=bench,
        extras=_sourcing_extras(realized),
    )


_T = TypeVar("_T")

PARALLEL_MIN_DRAWS = 4096
"""Below this many draws the engine runs on one thread (a thread costs more than it saves)."""


def _in_parallel(tasks: list[Callable[[], _T]], draws: int) -> list[_T]:
    """Run independent parts of one evaluation on two threads when the draws are many.

    NumPy releases the GIL inside its array loops, so the two parts (the cases, or the
    plain and risk-adjusted views) use both cores; results come back in task order.
    """
    if draws < PARALLEL_MIN_DRAWS or len(tasks) < 2:
        return [t() for t in tasks]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(2, len(tasks))) as pool:
        futures = [pool.submit(t) for t in tasks]
        return [f.result() for f in futures]


def _sourcing_extras(realized: Scenario) -> dict[str, Any]:
    """Per-option present value of cost when the scenario has a ``sourcing`` section.

    The comparison runs on the realized (possibly drawn) spec and demand, without the
    break-even scan, so a Monte Carlo run gets each option's cost per draw
    (``extras["option_costs"]``) and the probability that each one is cheapest.
    """
    spec = realized.sourcing
    if spec is None:
        return {}
    from ccecon.sourcing.compare import compare
    from ccecon.sourcing.demand import demand_from_scenario

    # realized: numbers or arrays of draws, never a distribution
    rate: Any = spec.discount_rate if spec.discount_rate is not None else realized.discount_rate
    comparison = compare(
        spec,
        demand_from_scenario(realized),
        discount_rate=rate,
        currency=realized.currency,
        break_even=False,
    )
    return {
        "option_costs": {o.name: o.pv_cost for o in comparison.options},
        "sourcing": comparison,
    }
