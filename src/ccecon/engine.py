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
* **ROI** ``= (B - C) / C x 100`` over the horizon, line by line as in Forrester's Total
  Economic Impact: ``C``, the cost of the change, is new or increased spending (a cost line
  only in the proposal, and the rise of a line kept from the baseline); ``B`` is the rise in
  included benefits plus the **cost savings**, spending reduced or removed (a baseline line
  the proposal drops, and the fall of a kept line). A line is kept when both cases have a
  line of that name, or the proposal's line names it in ``replaces``; each kept line
  counts its own difference over the horizon, so a new fee never disappears into a saving
  elsewhere. Without a baseline this is total benefit against total cost. When ``C <= 0``
  (nothing is invested) ROI is not defined: the value is NaN and ``roi_defined`` is False,
  and every renderer says so.
* **NPV** at the scenario's annual rate: ``monthly`` discounting uses the equivalent monthly
  rate ``(1 + r) ** (1/12) - 1`` with month 0 undiscounted; ``yearly_tei`` sums months by
  plan year (month 0 is year 0, months 1-12 year 1, ...) and discounts year ``k`` by
  ``(1 + r) ** k`` with year 0 undiscounted (Forrester TEI).
* **IRR** under the NPV's convention, so that NPV at the IRR is 0: with ``monthly``
  discounting the IRR of the monthly net flow, annualized ``(1 + irr_m) ** 12 - 1``; with
  ``yearly_tei`` the annual IRR of the flows summed by plan year. Every root is found
  (:func:`ccecon.finance.returns.irr_batch`); rows with no root (NaN) or several roots
  (the one nearest 0 is given) are flagged in ``irr_status``.
* **Payback** in fractional months from month 0 (linear within the month); the discounted
  payback discounts each month as the NPV does (``yearly_tei``: by its plan year). In the
  arrays ``inf`` means never within the horizon; result documents say ``null`` with
  ``payback_reached: false`` instead.
* **Risk-adjusted** metrics raise each cost line by its ``risk`` percent and cut each benefit
  line by its ``risk`` percent (Forrester TEI).
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache, partial
from typing import TYPE_CHECKING, Any, TypeVar, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from ccecon.cases import (
    NEVER,
    CaseFlows,
    Metrics,
    _metrics,
    _roots,
    _summary,
    case_drivers,
    case_profiles,
    change_overlap,
    plan_cases,
    realize_scenario,
    service_levels,
    yearly_flows,
)
from ccecon.costing.lines import (
    col,
    expand,
    line_terms,
    risk_factor,
)
from ccecon.costing.unit_costs import (
    CaseSums,
    UnitCosts,
    benchmark_position,
    case_sums,
    merge_sums,
    unit_costs_from_sums,
)
from ccecon.errors import InputError, NoSolutionError
from ccecon.scenario.pricing import contract_charge
from ccecon.scenario.schema import (
    STAFFING_DRIVERS,
    Case,
    Family,
    Scenario,
    Timing,
)
from ccecon.units import month_label

if TYPE_CHECKING:
    from ccecon.scheduling.plan import SchedulePlan

Array = npt.NDArray[np.float64]


# --------------------------------------------------------------------------- case flows


def case_flows(
    scenario: Scenario, name: str, case: Case, schedule: SchedulePlan | None = None
) -> CaseFlows:
    """Expand every line of a case into monthly amounts (unadjusted and risk-adjusted).

    Each line is ``C @ E`` (times its driver for ``per_unit`` lines; see
    :func:`ccecon.costing.lines.line_terms`), so the lines that sum into one family and
    share a driver are summed by one product: the (draws x months) arrays are written
    once per family and driver, not once per line. The product is
    :func:`ccecon.costing.lines.expand`, a sum in a fixed order (never a BLAS matrix
    product, whose rounding depends on the number of draws, the threads and the CPU), so
    every draw's flows have the same bits whatever the block of draws it is evaluated in.
    """
    months = scenario.horizon_months
    volumes, drivers = case_drivers(scenario, case, schedule=schedule)
    groups: dict[tuple[str, str | None], list[tuple[Array, Array]]] = {}
    lines: list[tuple[str, str, str, bool, Array]] = []
    # A contract line is a per-unit line whose driver is its own charge: the price model's
    # bill on this case's usage (kept apart from the case's drivers, which users name).
    charges: dict[str, Array] = {}
    for i, line in enumerate(case.cost_lines):
        if line.timing == Timing.contract:
            charges[f"\x00contract {i}"] = contract_charge(
                line, drivers, months, f"{name}.cost_lines[{i}]"
            )
    per_month = {**drivers, **charges} if charges else drivers

    def put(key: str, driver: str | None, coef: Array, pattern: Array) -> None:
        groups.setdefault((key, driver), []).append((coef, pattern))

    totals: list[tuple[str, Array, Array]] = []
    for i, line in enumerate(case.cost_lines):
        coef, pattern = line_terms(line, months)
        driver = (
            line.driver
            if line.timing == Timing.per_unit
            else f"\x00contract {i}"
            if line.timing == Timing.contract
            else None
        )
        included = line.included
        if line.family == Family.hidden:
            key = "hidden_in" if included else "hidden_out"
        else:
            key = line.family.value
        put(key, driver, coef, pattern)
        if included:
            factor = risk_factor(line, +1.0)
            put(f"adj_{key}", driver, coef * factor, pattern)
            if name == "proposal" or name == "baseline":
                t = _line_total(coef, pattern, None if driver is None else per_month[driver])
                match = getattr(line, "replaces", None) or line.name
                totals.append((match, t, t * factor[:, 0]))
        mean = _line_mean(coef, pattern, None if driver is None else per_month[driver])
        lines.append((line.name, "cost", line.family.value, included, mean))
    for bline in case.benefit_lines:
        coef, pattern = line_terms(bline, months)
        driver = bline.driver if bline.timing == Timing.per_unit else None
        included = bline.included
        key = ("direct" if bline.kind == "direct" else "indirect_in") if included else "out"
        put(key, driver, coef, pattern)
        if included:
            put("adj_benefits", driver, coef * risk_factor(bline, -1.0), pattern)
        mean = _line_mean(coef, pattern, None if driver is None else drivers[driver])
        lines.append((bline.name, "benefit", bline.kind, included, mean))

    z: Array = np.zeros((1, months + 1))
    acc: dict[str, Array] = {}
    for (key, driver), terms in groups.items():
        if len(terms) == 1:
            coef, pattern = terms[0]
        else:
            rows = max(c.shape[0] for c, _ in terms)
            coef = np.hstack(
                [
                    c if c.shape[0] == rows else np.broadcast_to(c, (rows, c.shape[1]))
                    for c, _ in terms
                ]
            )
            pattern = np.vstack([e for _, e in terms])
        part = expand(coef, pattern)
        if driver is not None:
            d = per_month[driver]
            part = part * d if part.shape[0] < d.shape[0] else np.multiply(part, d, out=part)
        cur = acc.get(key)
        if cur is None:
            acc[key] = part
        elif cur.shape == np.broadcast_shapes(cur.shape, part.shape):
            cur += part  # in place: no new (draws x months) array
        else:
            acc[key] = cur + part
    return CaseFlows(
        name=name,
        label=case.label or name,
        initial=acc.get("initial", z),
        operating=acc.get("operating", z),
        hidden_included=acc.get("hidden_in", z),
        hidden_excluded=acc.get("hidden_out", z),
        benefit_direct=acc.get("direct", z),
        benefit_indirect_included=acc.get("indirect_in", z),
        benefit_excluded=acc.get("out", z),
        adj_initial=acc.get("adj_initial", z),
        adj_operating=acc.get("adj_operating", z),
        adj_hidden_included=acc.get("adj_hidden_in", z),
        adj_benefits=acc.get("adj_benefits", z),
        volumes=volumes,
        drivers=drivers,
        lines=tuple(lines),
        cost_line_totals=tuple(totals),
    )


def _line_total(coef: Array, pattern: Array, driver: Array | None) -> Array:
    """Horizon total of one line, ``sum_m (C @ E)[:, m] x driver[:, m]``, shape (draws or 1,).

    Summed in a fixed order with no matrix product, so a draw's total has the same bits
    whatever the number of draws evaluated with it.
    """
    if driver is None:
        weights = pattern.sum(axis=1)[None, :]  # (1, years)
    else:
        weights = np.stack([(driver * pattern[y]).sum(axis=1) for y in range(len(pattern))], 1)
    return np.asarray((coef * weights).sum(axis=1), dtype=float)


def _line_mean(coef: Array, pattern: Array, driver: Array | None) -> Array:
    """Mean over draws of one line's monthly amounts ``(coef @ pattern) x driver``.

    Every product is :func:`ccecon.costing.lines.expand` and the mean adds the draws in
    their order (no BLAS), so the means have the same bits on any thread count or CPU.
    """
    if driver is None:
        return np.asarray(expand(_mean_rows(coef), pattern), dtype=float)[0]
    if coef.shape[0] == 1 or driver.shape[0] == 1:
        amount = expand(_mean_rows(coef), pattern)
        return np.asarray(amount[0] * _mean_rows(driver)[0], dtype=float)
    amounts = expand(coef, pattern)
    amounts *= driver
    return np.asarray(_mean_rows(amounts)[0], dtype=float)


# --------------------------------------------------------------------------- result
@dataclass(frozen=True)
class Result:
    """What :func:`evaluate` returns. Arrays are per draw; tables hold means over draws.

    ``cases`` hold each case's monthly flows as means over draws (shape (1, months + 1));
    ``net`` and ``net_risk_adjusted`` are the per-draw monthly net flows, shape
    (draws, months + 1), joined from the engine's blocks of draws on first use (a Monte
    Carlo run that reads only the metrics never builds them).
    """

    scenario: Scenario
    draws: int
    month_labels: tuple[str, ...]
    cases: Mapping[str, CaseFlows]
    net_blocks: tuple[Array, ...]
    net_risk_adjusted_blocks: tuple[Array, ...]
    metrics: Metrics
    risk_adjusted: Metrics
    unit_costs: UnitCosts
    benchmark: Mapping[str, Any] | None
    extras: Mapping[str, Any] = field(default_factory=dict)

    @cached_property
    def net(self) -> Array:
        """Monthly net flow per draw (proposal against baseline), shape (draws, months + 1)."""
        return _join_rows(list(self.net_blocks), self.draws)

    @cached_property
    def net_risk_adjusted(self) -> Array:
        """The risk-adjusted monthly net flow per draw, shape (draws, months + 1)."""
        return _join_rows(list(self.net_risk_adjusted_blocks), self.draws)

    def __repr__(self) -> str:
        """The headline in one line (the arrays are in the attributes, not in the repr)."""
        s, cur = self.summary(), self.scenario.currency

        def num(key: str, unit: str, digits: int) -> str:
            v = s.get(key)
            return "n/a" if v is None else f"{v:,.{digits}f}{unit}"

        return (
            f"<Result {self.scenario.name!r}: NPV {num('npv', ' ' + cur, 0)},"
            f" ROI {num('roi_pct', ' %', 1)}, IRR {num('irr_annual_pct', ' % a year', 1)},"
            f" payback {num('payback_months', ' months', 1) if s['payback_reached'] else NEVER};"
            f" draws={self.draws:,}>"
        )

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

    def _monthly_columns(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "month": np.arange(len(self.month_labels)),
            "label": list(self.month_labels),
        }
        for case in self.cases.values():
            p = case.name
            data[f"{p}_initial"] = _mean_rows(case.initial)[0]
            data[f"{p}_operating"] = _mean_rows(case.operating)[0]
            data[f"{p}_hidden"] = _mean_rows(case.hidden_included)[0]
            data[f"{p}_benefits"] = _mean_rows(case.benefits)[0]
        data["net"] = _mean_of_blocks(self.net_blocks, self.draws)
        data["cumulative"] = np.cumsum(data["net"])
        data["net_risk_adjusted"] = _mean_of_blocks(self.net_risk_adjusted_blocks, self.draws)
        return data

    def monthly_frame(self) -> pd.DataFrame:
        """Per month: costs and benefits by family per case, the net flow and its cumsum."""
        return pd.DataFrame(self._monthly_columns())

    def monthly_records(self) -> list[dict[str, Any]]:
        """:meth:`monthly_frame` as one dict of plain Python values per month (without
        building the frame: the JSON document needs only these)."""
        data = self._monthly_columns()
        keys = list(data)
        columns = [v if isinstance(v, list) else v.tolist() for v in data.values()]
        return [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]

    def staffing(self) -> dict[str, dict[str, Any]] | None:
        """Per staffed case: what the staffing gives (means over draws), or None.

        ``fte_mean`` and ``fte_max``: paid FTE, mean over plan months and highest month;
        ``peak_agents``: agents on the phones at the busiest interval of the busiest month;
        ``agent_hours``: agent hours on the phones over the horizon. With a shift schedule
        (``staffing.schedule``) ``fte_*`` are the scheduled FTE and ``ideal_fte_mean``,
        ``ideal_fte_max`` the FTE of the interval requirement, with ``schedule`` (weeks
        solved, mean ratio of scheduled to ideal paid hours, worst solver gap). With a ``seats``
        driver, ``seats`` (its highest month) and ``months_peak_above_seats``: the months
        whose peak interval needs more agents than there are seats.
        ``service_level_by_month`` (plan months 1..M, fractions, None for a month without
        calls) and ``service_level_min``: the level the interval requirement reaches at the
        mean volumes (:func:`service_levels`; before shifts, which add agents).
        """
        if self.scenario.staffing is None:
            return None
        out: dict[str, dict[str, Any]] = {}
        for case in self.cases.values():
            d = case.drivers
            if "fte" not in d:
                continue
            fte = _mean_rows(d["fte"])[0][1:]
            peak = _mean_rows(d["peak_agents"])[0][1:]
            entry: dict[str, Any] = {
                "fte_mean": float(fte.mean()) if fte.size else 0.0,
                "fte_max": float(fte.max()) if fte.size else 0.0,
                "peak_agents": float(peak.max()) if peak.size else 0.0,
                "agent_hours": float(_mean_rows(d["agent_hours"])[0][1:].sum()),
            }
            sl = service_levels(self.scenario, d, self._profiles(case.name))[1:]
            entry["service_level_by_month"] = [None if np.isnan(v) else float(v) for v in sl]
            entry["service_level_min"] = float(np.nanmin(sl)) if np.isfinite(sl).any() else None
            plan = self.extras.get("schedule", {}).get(case.name)
            if plan is not None and "ideal_fte" in d:
                ideal = _mean_rows(d["ideal_fte"])[0][1:]
                entry["ideal_fte_mean"] = float(ideal.mean()) if ideal.size else 0.0
                entry["ideal_fte_max"] = float(ideal.max()) if ideal.size else 0.0
                entry["schedule"] = plan.to_dict()
            if "seats" in d:
                seats = np.broadcast_to(_mean_rows(d["seats"])[0][1:], peak.shape)
                entry["seats"] = float(seats.max()) if seats.size else 0.0
                entry["months_peak_above_seats"] = [
                    self.month_labels[i + 1] for i in np.nonzero(peak > seats + 1e-9)[0]
                ]
            out[case.name] = entry
        return out

    def _profiles(self, case_name: str) -> dict[str, Any] | None:
        """The interval profiles of a case's peak levers at their base-case values."""
        case = self.scenario.cases().get(case_name)
        if case is None or not getattr(case, "peak_levers", None):
            return None
        base, _ = realize_scenario(self.scenario, None, None)
        return case_profiles(base, base.cases()[case_name])

    def year_table(self) -> list[dict[str, Any]]:
        """The Forrester TEI table by plan year: initial (month 0), year 1..n, total, PV.

        Rows (each a dict with ``row`` and one value per column ``initial``, ``year 1``..,
        ``total``, ``present value``): ``total_cost`` (the cost of the change),
        ``total_benefit`` (benefits, cost savings included), ``cost_savings``, ``net``
        and ``net_risk_adjusted``. Line by line as the headline figures: a cost line in
        both cases whose horizon total rises counts its yearly difference as a cost, one
        that falls as a saving; a new line is a cost, a dropped one a saving. So each row's
        total is the headline figure of the same name (a test checks it), and the net's
        present value is the NPV. Amounts are means over draws; with draws, a line that
        rises in some draws and falls in others is classified by its mean, so the cost and
        benefit rows can then differ from the means of the per-draw figures (the net rows
        never do).
        """
        sc = self.scenario
        months = len(self.month_labels) - 1
        years = -(-np.arange(months + 1) // 12)  # month 0 -> 0, 1-12 -> 1, ...
        n_years = int(years.max()) if months else 0
        heads = ["initial"] + [f"year {y}" for y in range(1, n_years + 1)]

        def by_year(a: Array) -> Array:
            out = np.zeros(n_years + 1)
            np.add.at(out, years, np.asarray(a, dtype=float))
            return out

        def cost_lines(case_name: str) -> dict[str, Array]:
            """Included cost lines' mean monthly amounts by matching key."""
            flows = self.cases.get(case_name)
            case = sc.cases().get(case_name)
            if flows is None or case is None:
                return {}
            out: dict[str, Array] = {}
            for line, (_, typ, _, included, amounts) in zip(
                case.cost_lines, flows.lines, strict=False
            ):
                if typ == "cost" and included:
                    key = getattr(line, "replaces", None) or line.name
                    out[key] = out.get(key, 0.0) + np.asarray(amounts, dtype=float)
            return out

        zero = np.zeros(months + 1)
        prop, base = cost_lines("proposal"), cost_lines("baseline")
        cost, savings = zero.copy(), zero.copy()
        for key in sorted(prop.keys() | base.keys()):
            p, b = prop.get(key), base.get(key)
            if b is None:
                assert p is not None
                cost += p
            elif p is None:
                savings += b
            elif p.sum() >= b.sum():
                cost += p - b
            else:
                savings += b - p
        benefits = _mean_rows(self.cases["proposal"].benefits)[0].astype(float)
        if "baseline" in self.cases:
            benefits = benefits - _mean_rows(self.cases["baseline"].benefits)[0]
        benefits = benefits + savings
        data = self._monthly_columns()
        dr = sc.discount_rate
        rate = float(dr.point) if hasattr(dr, "point") else float(np.mean(col(dr)))
        if sc.discounting == "monthly":
            r_m = (1.0 + rate) ** (1.0 / 12.0) - 1.0
            disc = (1.0 + r_m) ** -np.arange(months + 1, dtype=float)
        else:
            disc = (1.0 + rate) ** -years.astype(float)
        rows = []
        for key, monthly in (
            ("total_cost", cost),
            ("total_benefit", benefits),
            ("cost_savings", savings),
            ("net", np.asarray(data["net"], dtype=float)),
            ("net_risk_adjusted", np.asarray(data["net_risk_adjusted"], dtype=float)),
        ):
            yearly = by_year(monthly)
            row: dict[str, Any] = {"row": key}
            row.update(zip(heads, yearly.tolist(), strict=True))
            row["total"] = float(yearly.sum())
            row["present value"] = float((monthly * disc).sum())
            rows.append(row)
        return rows

    def irr_roots(self, risk_adjusted: bool = False) -> list[float] | None:
        """Every IRR of a one-draw result whose IRR is not unique, in % a year, ascending;
        None otherwise. The same root isolation as the headline IRR
        (:func:`ccecon.finance.returns.irr_batch`), on the same flows under the same
        convention (monthly flows annualized, or the yearly TEI flows)."""
        from ccecon.finance import returns

        m = self.risk_adjusted if risk_adjusted else self.metrics
        if self.draws != 1 or str(m.irr_status[0]) != "several":
            return None
        net = self.net_risk_adjusted if risk_adjusted else self.net
        if self.scenario.discounting == "monthly":
            batch = returns.irr_batch(net)
            roots = returns.annualize(batch.roots[0])
        else:
            batch = returns.irr_batch(yearly_flows(net))
            roots = np.asarray(batch.roots[0], dtype=float)
        return [float(r) * 100.0 for r in roots if np.isfinite(r)]

    def summary(self) -> dict[str, Any]:
        """Headline figures (means over draws) as plain Python values; with several IRRs
        (one draw), ``irr_roots_annual_pct`` lists them all."""
        out = _summary(self.metrics) | {
            f"risk_adjusted_{k}": v for k, v in _summary(self.risk_adjusted).items()
        }
        for prefix, adjusted in (("", False), ("risk_adjusted_", True)):
            roots = self.irr_roots(adjusted)
            if roots is not None:
                out[f"{prefix}irr_roots_annual_pct"] = roots
        return out

    def summary_rows(self) -> list[dict[str, Any]]:
        """Rows for the terminal table: metric, value, risk-adjusted value, unit."""
        cur = self.scenario.currency
        s, r = _summary(self.metrics), _summary(self.risk_adjusted)
        units = {
            "total_benefit": cur,
            "cost_savings": cur,
            "total_cost": cur,
            "net": cur,
            "roi_pct": "%",
            "npv": cur,
            "irr_annual_pct": "% a year",
            "payback_months": "months",
            "discounted_payback_months": "months",
        }

        def shown(doc: dict[str, Any], key: str) -> Any:
            if key.endswith("payback_months") and not doc[key.replace("_months", "_reached")]:
                return NEVER
            return doc[key]

        rows = []
        for key, unit in units.items():
            rows.append(
                {
                    "metric": key,
                    "value": shown(s, key),
                    "risk_adjusted": shown(r, key),
                    "unit": unit,
                }
            )
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
            "metrics": _summary(self.metrics) | _roots(self.irr_roots(False)),
            "risk_adjusted": _summary(self.risk_adjusted) | _roots(self.irr_roots(True)),
            "unit_costs": {
                "basis": sc.unit_cost_basis,
                "horizon": self.unit_costs.horizon,
                "by_period": [dict(r) for r in self.unit_costs.records],
            },
            "benchmark": self.benchmark,
            **({"staffing": st} if (st := self.staffing()) is not None else {}),
            **(
                {"scorecard": sc.scorecard.model_dump(mode="json", exclude_none=True)}
                if sc.scorecard is not None
                else {}
            ),
            "monthly": self.monthly_records(),
            **(
                {"sourcing": self.extras["sourcing"].to_dict()} if "sourcing" in self.extras else {}
            ),
        }


# --------------------------------------------------------------------------- evaluate


def evaluate(
    scenario: Scenario,
    draws: int | None = None,
    rng: np.random.Generator | None = None,
    *,
    schedule: Mapping[str, SchedulePlan] | None = None,
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
    schedule : mapping of case name to SchedulePlan, optional
        With a ``staffing.schedule`` section: each case's shift schedule (its ratio of
        scheduled to ideal paid hours per month) to apply to every draw; default solved
        on this scenario's base case (:func:`ccecon.cases.plan_cases`). A run
        of chunks of draws passes the base case's, so no draw solves a schedule.

    Returns
    -------
    Result
        Metrics per draw, monthly flows, unit costs and the benchmark position.

    Examples
    --------
    >>> from ccecon.scenario.load import parse_scenario
    >>> sc = parse_scenario('''
    ... name: invest 10,000, get 15,000
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
    if schedule is None and scenario.staffing is not None and scenario.staffing.schedule:
        schedule = plan_cases(scenario)
    realized, n = realize_scenario(scenario, draws, rng)
    months = realized.horizon_months
    blocks = _blocks(realized, n)
    with _one_blas_thread(n):
        if len(blocks) == 1:
            parts = [_evaluate_block(realized, n, parallel=True, schedule=schedule)]
        else:
            # Blocks of draws over two threads; each block is evaluated serially.
            parts = _in_parallel(
                [
                    partial(_evaluate_block, sc, b - a, parallel=False, schedule=schedule)
                    for sc, a, b in blocks
                ],
                n,
            )
    labels = _month_labels(realized.start, months)
    uc = unit_costs_from_sums(realized, merge_sums([p.sums for p in parts]))
    bench = benchmark_position(realized, uc)
    return Result(
        scenario=scenario,
        draws=n,
        month_labels=labels,
        cases=_merge_flows([(p.draws, p.flows) for p in parts]),
        net_blocks=tuple(p.net for p in parts),
        net_risk_adjusted_blocks=tuple(p.net_adj for p in parts),
        metrics=_join_metrics([p.metrics for p in parts], n),
        risk_adjusted=_join_metrics([p.risk_adjusted for p in parts], n),
        unit_costs=uc,
        benchmark=bench,
        extras={
            **_sourcing_extras(realized),
            **({"schedule": dict(schedule)} if schedule else {}),
        },
    )


def evaluate_checked(scenario: Scenario, source: str) -> Result:
    """:func:`evaluate` of the base case, refusing a result that is not finite.

    What ``ccecon validate`` and ``ccecon evaluate`` both run (one validation: a file that
    validates evaluates). An :class:`~ccecon.errors.InputError` raised while evaluating
    names ``source``; a cost or benefit line, a driver, staffing or a headline metric that
    comes out infinite or NaN (numbers within the limits that still overflow, e.g. an
    amount near 1e308 times a quantity) is refused naming the field that causes it,
    without numpy warnings.

    Raises
    ------
    InputError
        Naming ``source`` and, for a non-finite result, the line or field.
    """
    try:
        with np.errstate(all="ignore"):
            result = evaluate(scenario)
    except NoSolutionError as exc:  # e.g. no number of agents for 1e96 Erlangs
        raise InputError(f"{exc}; check the volumes, handle times and goals", file=source) from None
    except InputError as exc:
        if exc.file:
            raise
        try:  # e.g. "NPV needs finite flows": which line or driver
            problem = _non_finite_flows(scenario)
        except InputError:
            problem = None
        if problem is not None:
            raise _not_finite(problem, source) from None
        raise InputError(
            exc.message, file=source, field=_user_field(scenario, exc.field), value=exc.value
        ) from None
    problem = _first_non_finite(result)
    if problem is not None:
        raise _not_finite(problem, source)
    return result


def _not_finite(problem: tuple[str | None, str], source: str) -> InputError:
    return InputError(
        f"the result is not finite ({problem[1]} is infinite or undefined): give smaller"
        " amounts, quantities, growth or volumes",
        file=source,
        field=problem[0],
    )


def _user_field(scenario: Scenario, field: str | None) -> str | None:
    """The scenario's path of a field named by a computation (``sl_target`` ->
    ``staffing.sl_target``)."""
    if field is None or scenario.staffing is None:
        return field
    head = field.split(".")[0].split("[")[0]
    return f"staffing.{field}" if head in type(scenario.staffing).model_fields else field


def _non_finite_flows(scenario: Scenario) -> tuple[str | None, str] | None:
    """The first line or driver of the base case whose monthly amounts are not finite."""
    realized, _ = realize_scenario(scenario, None, None)
    with np.errstate(all="ignore"):
        for name, case in realized.cases().items():
            problem = _non_finite_case(realized, name, case_flows(realized, name, case))
            if problem is not None:
                return problem
    return None


def _non_finite_case(sc: Scenario, name: str, case: CaseFlows) -> tuple[str | None, str] | None:
    channels = {c.name: i for i, c in enumerate(sc.channels)}
    for driver, values in case.drivers.items():
        if not np.isfinite(values).all():
            if driver in STAFFING_DRIVERS:
                return "staffing", f"the staffing driver {driver}"
            if driver in sc.drivers:
                return f"drivers.{driver}", f"driver {driver}"
            if driver.split(".")[0] in channels:
                return f"channels[{channels[driver.split('.')[0]]}]", f"channel {driver}"
            return f"{name}.drivers.{driver}", f"driver {driver}"
    counts = {"cost": 0, "benefit": 0}
    for line_name, kind, _family, _included, mean in case.lines:
        i = counts[kind]
        counts[kind] += 1
        if not np.isfinite(mean).all():
            return f"{name}.{kind}_lines[{i}]", f"line {line_name!r}"
    return None


def _first_non_finite(result: Result) -> tuple[str | None, str] | None:
    """(field path, what) of the first non-finite line, driver or headline metric."""
    for name, case in result.cases.items():
        problem = _non_finite_case(result.scenario, name, case)
        if problem is not None:
            return problem
    for label, m in (("", result.metrics), ("risk-adjusted ", result.risk_adjusted)):
        for metric in ("total_cost", "total_benefit", "net", "npv"):
            if not np.isfinite(getattr(m, metric)).all():
                field = "discount_rate" if metric == "npv" else None
                return field, f"the {label}{metric.replace('_', ' ')}"
    return None


@lru_cache(maxsize=256)
def _month_labels(start: Any, months: int) -> tuple[str, ...]:
    """Labels of months 0..months (a tuple of strings: shared safely between results)."""
    return ("M0 (signing)", *(month_label(start, m) for m in range(1, months + 1)))


BLOCK_DRAWS = 32_768
"""Draws evaluated in one vectorized pass. A larger run goes block by block (on two
threads): every temporary stays a few megabytes (cache- and allocator-friendly: 50 MB
temporaries cost a page fault per 4 KiB each time), memory stays bounded by the per-draw
results, and the results are the same as one pass (every table is a sum, divided last)."""


@dataclass(frozen=True)
class _Block:
    """One block of draws, evaluated: case flows as means over its draws, the rest per draw."""

    draws: int
    flows: dict[str, CaseFlows]
    metrics: Metrics
    risk_adjusted: Metrics
    net: Array
    net_adj: Array
    sums: dict[str, CaseSums]


def _blocks(realized: Scenario, n: int) -> list[tuple[Scenario, int, int]]:
    """The realized scenario cut into consecutive blocks of at most BLOCK_DRAWS draws."""
    if n <= BLOCK_DRAWS:
        return [(realized, 0, n)]
    from ccecon.uncertainty import sampling

    drawn = {
        p: v
        for p, v in sampling.numeric_inputs(realized).items()
        if isinstance(v, np.ndarray) and v.size == n
    }
    count = -(-n // BLOCK_DRAWS)
    edges = [n * i // count for i in range(count + 1)]
    return [
        (sampling.realize(realized, {p: v.reshape(n)[a:b] for p, v in drawn.items()}), a, b)
        for a, b in itertools.pairwise(edges)
    ]


def _parts(case: CaseFlows, adjusted: bool) -> tuple[Array, Array, Array, Array]:
    """(benefits, initial, operating, hidden) of a case, plain or risk-adjusted."""
    if adjusted:
        return (case.adj_benefits, case.adj_initial, case.adj_operating, case.adj_hidden_included)
    return (case.benefits, case.initial, case.operating, case.hidden_included)


def _evaluate_block(
    realized: Scenario,
    n: int,
    parallel: bool,
    schedule: Mapping[str, SchedulePlan] | None = None,
) -> _Block:
    """Flows, metrics and unit-cost sums of ``n`` draws in one vectorized pass."""
    cases = realized.cases()
    plans = schedule or {}
    tasks = [partial(case_flows, realized, k, c, plans.get(k)) for k, c in cases.items()]
    flows = dict(zip(cases, _in_parallel(tasks, n if parallel else 1), strict=True))
    prop = flows["proposal"]
    base = flows.get("baseline")
    # The plain view and the risk-adjusted view (each cost line raised and each benefit
    # line cut by its risk, as in TEI) are independent.
    keep = change_overlap(prop, base)
    (metrics, net), (risk_adjusted, net_adj) = _in_parallel(
        [
            partial(
                _metrics,
                realized,
                _parts(prop, a),
                None if base is None else _parts(base, a),
                n,
                keep[int(a)],
            )
            for a in (False, True)
        ],
        n if parallel else 1,
    )
    return _Block(
        draws=n,
        flows={k: _mean_flows(f) for k, f in flows.items()},
        metrics=metrics,
        risk_adjusted=risk_adjusted,
        net=net,
        net_adj=net_adj,
        sums=case_sums(realized, flows, n),
    )


def _mean_rows(a: Array) -> Array:
    return a if a.shape[0] == 1 else a.mean(axis=0, keepdims=True)


_FLOW_FIELDS = (
    "initial",
    "operating",
    "hidden_included",
    "hidden_excluded",
    "benefit_direct",
    "benefit_indirect_included",
    "benefit_excluded",
    "adj_initial",
    "adj_operating",
    "adj_hidden_included",
    "adj_benefits",
)


def _mean_flows(f: CaseFlows) -> CaseFlows:
    """The case's monthly flows as means over draws (shape (1, months + 1))."""
    means: dict[str, Any] = {k: _mean_rows(getattr(f, k)) for k in _FLOW_FIELDS}
    return replace(
        f,
        **means,
        volumes={k: _mean_rows(v) for k, v in f.volumes.items()},
        drivers={k: _mean_rows(v) for k, v in f.drivers.items()},
        cost_line_totals=(),
    )


def _merge_flows(parts: list[tuple[int, dict[str, CaseFlows]]]) -> dict[str, CaseFlows]:
    """Means over draws of several blocks' mean flows (weighted by their draws)."""
    if len(parts) == 1:
        return parts[0][1]
    total = sum(d for d, _ in parts)
    weights = [d / total for d, _ in parts]

    def avg(arrays: list[Array]) -> Array:
        return np.asarray(sum(a * w for a, w in zip(arrays, weights, strict=True)), dtype=float)

    out: dict[str, CaseFlows] = {}
    for name, first in parts[0][1].items():
        cases = [fl[name] for _, fl in parts]
        means: dict[str, Any] = {k: avg([getattr(c, k) for c in cases]) for k in _FLOW_FIELDS}
        out[name] = replace(
            first,
            **means,
            volumes={v: avg([c.volumes[v] for c in cases]) for v in first.volumes},
            drivers={v: avg([c.drivers[v] for c in cases]) for v in first.drivers},
            lines=tuple(
                (*line[:4], avg([c.lines[i][4] for c in cases]))
                for i, line in enumerate(first.lines)
            ),
        )
    return out


def _join_rows(parts: list[Array], n: int) -> Array:
    """Stack blocks' per-draw rows into one (n, months + 1) array."""
    if len(parts) == 1:
        return parts[0]
    out = np.empty((n, parts[0].shape[-1]))
    a = 0
    for p in parts:
        b = a + p.shape[0]
        out[a:b] = p
        a = b
    return out


def _mean_of_blocks(blocks: tuple[Array, ...], n: int) -> Array:
    """Mean over all draws of rows held in consecutive blocks, shape (months + 1,)."""
    if len(blocks) == 1:
        return np.asarray(blocks[0].mean(axis=0), dtype=float)
    return np.asarray(sum(b.sum(axis=0) for b in blocks) / n, dtype=float)


def _join_metrics(parts: list[Metrics], n: int) -> Metrics:
    """Concatenate blocks' per-draw metrics."""
    if len(parts) == 1:
        return parts[0]
    return Metrics(
        **{k: np.concatenate([getattr(p, k) for p in parts]) for k in Metrics.__dataclass_fields__}
    )


_T = TypeVar("_T")

PARALLEL_MIN_DRAWS = 4096
"""Below this many draws the engine runs on one thread (a thread costs more than it saves)."""


def _in_parallel(tasks: Sequence[Callable[[], _T]], draws: int) -> list[_T]:
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


_BLAS: Any = None


def _one_blas_thread(draws: int) -> contextlib.AbstractContextManager[Any]:
    """One BLAS thread while the engine runs its own two (when the draws are many).

    OpenBLAS keeps its worker threads spinning after a matrix product; beside the engine's
    threads they would take the cores the engine needs (measured: twice the CPU time).
    """
    global _BLAS
    if draws < PARALLEL_MIN_DRAWS:
        return contextlib.nullcontext()
    if _BLAS is None:
        from threadpoolctl import ThreadpoolController

        _BLAS = ThreadpoolController()
    return cast("contextlib.AbstractContextManager[Any]", _BLAS.limit(limits=1, user_api="blas"))


def _sourcing_extras(realized: Scenario) -> dict[str, Any]:
    """Per-option present value of cost when the scenario has a ``sourcing`` section.

    The comparison runs on the realized (possibly drawn) scenario, each option a case of
    this engine (:mod:`ccecon.sourcing.work`), without the break-even scan, so a Monte
    Carlo run gets each option's cost per draw (``extras["option_costs"]``) and the
    probability that each one is cheapest.
    """
    if realized.sourcing is None:
        return {}
    from ccecon.sourcing.compare import compare

    comparison = compare(realized, break_even=False)
    return {
        "option_costs": {o.name: o.pv_cost for o in comparison.options},
        "sourcing": comparison,
    }
