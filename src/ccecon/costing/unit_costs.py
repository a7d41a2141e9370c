"""Unit costs per case and per month, quarter, year and horizon.

Additive first, divide last: costs, contacts, calls and minutes are summed over the period,
then divided, so periods and draws merge exactly.

Definitions
-----------
* Cost basis: ``operating`` = operating + included hidden costs; ``fully_loaded`` (default)
  adds the case's initial costs spread evenly over months 1..horizon (straight-line), which
  is what published "fully loaded" bands include.
* ``cost_per_contact`` = cost / contacts of all channels.
* ``cost_per_minute`` = cost / handle minutes of all channels (the source's "total cost /
  total talk minutes").
* ``cost_per_inbound_call`` = the cost allocated to inbound voice / inbound calls
  handled. When a center runs several channels, the cost is allocated by handle-minute share
  (workload), since agents' time is the main cost; for a voice-only inbound center this is
  simply total cost / calls.
* ``cost_per_sale`` (outbound) = the cost allocated to outbound voice / sales made by
  outbound channels (handled calls x sales_rate).
Periods are plan periods counted from the scenario's start (quarter 1 = months 1-3).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

if TYPE_CHECKING:
    from ccecon.cases import CaseFlows
    from ccecon.scenario.schema import Scenario

Array = npt.NDArray[np.float64]

PERIODS = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True)
class UnitCosts:
    """Unit costs of every case.

    Attributes
    ----------
    records : list of dict
        One row per case and period (month, quarter, year): ``case``, ``period``,
        ``index``, ``months``, the sums (``cost``, ``contacts``, ``inbound_calls``,
        ``minutes``) and the ratios of the sums' means over draws (None where the
        denominator is zero), as plain Python values.
    horizon : dict
        The proposal's unit costs over the whole horizon (ratios of mean sums); keys
        ``cost_per_contact``, ``cost_per_inbound_call``, ``cost_per_minute``,
        ``cost_per_sale`` (absent when their denominator is zero), and the baseline's
        with a ``baseline_`` prefix.
    cost_per_inbound_call_draws : ndarray or None
        The proposal's horizon cost per inbound call per draw, for Monte Carlo summaries.
    """

    records: list[dict[str, Any]]
    horizon: dict[str, float]
    cost_per_inbound_call_draws: Array | None

    @cached_property
    def table(self) -> pd.DataFrame:
        """:attr:`records` as a table (built on first use: a JSON answer needs none)."""
        return pd.DataFrame(self.records)

    def to_frame(self) -> pd.DataFrame:
        """The per-period table."""
        return self.table


def _cost_basis(scenario: Scenario, flows: CaseFlows) -> Array:
    return cost_basis(scenario, flows.operating + flows.hidden_included, flows.initial)


def cost_basis(scenario: Scenario, recurring: Array, initial: Array) -> Array:
    """The cost a unit cost divides, per month (draws or 1, months + 1).

    ``recurring`` are the running costs (operating and included hidden costs), ``initial``
    the one-off (capital) costs. Basis ``operating``: the running costs alone;
    ``fully_loaded`` (default): plus the initial costs spread evenly over months 1..horizon
    (straight-line), what published "fully loaded" bands include.
    """
    months = scenario.horizon_months
    cost = recurring
    if scenario.unit_cost_basis == "fully_loaded":
        spread = initial.sum(axis=1, keepdims=True) / months
        in_plan = (np.arange(months + 1) >= 1).astype(float)[None, :]
        cost = cost + spread * in_plan
    return np.asarray(cost, dtype=float)


def _ratio(num: Array, den: Array) -> Array:
    out = np.full(np.broadcast_shapes(num.shape, den.shape), np.nan)
    with np.errstate(over="ignore"):
        np.divide(num, den, out=out, where=den > 0)
    return out


def _share(num: Array, den: Array) -> Array:
    """``num / den`` where ``den > 0``, else 0 (a month without minutes has no cost share)."""
    out = np.zeros(np.broadcast_shapes(num.shape, den.shape))
    np.divide(num, den, out=out, where=den > 0)
    return out


def _case_sums(scenario: Scenario, flows: CaseFlows) -> dict[str, Array]:
    return unit_cost_sums(scenario, _cost_basis(scenario, flows), flows.drivers)


def unit_cost_sums(scenario: Scenario, cost: Array, d: Mapping[str, Array]) -> dict[str, Array]:
    """The monthly sums every unit cost divides, shape (draws or 1, months + 1).

    Parameters
    ----------
    scenario : Scenario
        For its channels (kinds, sales rates).
    cost : ndarray
        Cost per month on the scenario's basis (:func:`cost_basis`), scenario currency.
    d : mapping
        The case's drivers (:func:`ccecon.cases.case_drivers`): contacts, inbound_calls,
        minutes and each channel's volume and minutes.

    Returns
    -------
    dict
        ``cost``, ``contacts``, ``inbound_calls``, ``minutes``, ``outbound_sales`` and the
        cost allocated by handle-minute share to inbound voice (``inbound_cost``) and to
        outbound voice (``outbound_cost``).
    """
    minutes = d["minutes"]
    from ccecon.scenario.schema import ChannelKind

    inbound = [ch for ch in scenario.channels if ch.kind == ChannelKind.voice_inbound]
    outbound = [ch for ch in scenario.channels if ch.kind == ChannelKind.voice_outbound]
    zero = np.zeros((1, minutes.shape[-1]))

    def minutes_of(channels: list[Any]) -> Array:
        if not channels:
            return zero
        total = d[f"{channels[0].name}.minutes"]
        for ch in channels[1:]:
            total = total + d[f"{ch.name}.minutes"]
        return total

    def cost_share(channels: list[Any]) -> Array:
        # the cost allocated by handle-minute share; all of it when these are every channel
        if not channels:
            return zero
        if len(channels) == len(scenario.channels):
            return np.asarray(cost * (minutes > 0), dtype=float)
        share = _share(minutes_of(channels), minutes)
        share *= cost
        return share

    out_sales = zero
    for ch in outbound:
        out_sales = out_sales + d[ch.name] * np.asarray(ch.sales_rate, dtype=float).reshape(-1, 1)
    return {
        "cost": cost,
        "contacts": d["contacts"],
        "inbound_calls": d["inbound_calls"],
        "minutes": minutes,
        "outbound_sales": out_sales,
        "inbound_cost": cost_share(inbound),
        "outbound_cost": cost_share(outbound),
    }


_RATIO_OF = (
    ("cost_per_contact", "cost", "contacts"),
    ("cost_per_inbound_call", "inbound_cost", "inbound_calls"),
    ("cost_per_minute", "cost", "minutes"),
    ("cost_per_sale", "outbound_cost", "outbound_sales"),
)
"""Each unit cost: its name, numerator and denominator (sums of the same period)."""


def horizon_totals(sums: Mapping[str, Array]) -> dict[str, Array]:
    """The numerators and denominators of the unit costs summed over months 1..T, per draw."""
    return {k: np.asarray(v, dtype=float)[:, 1:].sum(axis=1) for k, v in sums.items()}


def draw_unit_costs(totals: Mapping[str, Array]) -> dict[str, Array]:
    """Each unit cost per draw from :func:`horizon_totals`: arrays (draws,), NaN where the
    denominator is 0 (``cost_per_contact``, ``cost_per_inbound_call``, ``cost_per_minute``,
    ``cost_per_sale``)."""
    return {key: _ratio(totals[n], totals[d]) for key, n, d in _RATIO_OF}


def ratio_of_means(totals: Mapping[str, Array]) -> dict[str, float | None]:
    """Each unit cost as the ratio of the mean totals over draws (the convention of every
    horizon unit cost ccecon shows), None where the denominator is 0."""
    out: dict[str, float | None] = {}
    for key, n, d in _RATIO_OF:
        num, den = float(np.mean(totals[n])), float(np.mean(totals[d]))
        out[key] = num / den if den > 0 and math.isfinite(num / den) else None
    return out


def _by_period(a: Array, size: int) -> Array:
    """Sum months 1..T of ``a`` (rows x (T + 1)) into periods of ``size`` months."""
    months = a.shape[1] - 1
    count = -(-months // size)
    padded = np.zeros((a.shape[0], count * size))
    padded[:, :months] = a[:, 1:]
    return padded.reshape(a.shape[0], count, size).sum(axis=2)


@dataclass(frozen=True)
class CaseSums:
    """The additive sums behind one case's unit costs, for one block of draws.

    Attributes
    ----------
    draws : int
        Number of draws the means are taken over.
    mean : dict of str to ndarray
        Means over draws of the monthly sums, shape (1, months + 1): ``cost``, ``contacts``,
        ``inbound_calls``, ``minutes``, ``outbound_sales``, ``inbound_cost``,
        ``outbound_cost`` (scenario currency, contacts, calls, minutes, sales).
    inbound_cost, inbound_calls : ndarray
        Per draw, shape (draws,): the horizon's cost allocated to inbound voice and the
        inbound calls handled (months 1..T), for the per-draw cost per inbound call.
    """

    draws: int
    mean: dict[str, Array]
    inbound_cost: Array
    inbound_calls: Array


def case_sums(
    scenario: Scenario, flows: Mapping[str, CaseFlows], draws: int
) -> dict[str, CaseSums]:
    """The additive sums of every case (means over ``draws``; per-draw inbound totals)."""
    out: dict[str, CaseSums] = {}
    for name, fl in flows.items():
        sums = _case_sums(scenario, fl)
        mean = {k: np.asarray(v, dtype=float).mean(axis=0, keepdims=True) for k, v in sums.items()}
        cost = np.asarray(sums["inbound_cost"], dtype=float)[:, 1:].sum(axis=1)
        calls = np.asarray(sums["inbound_calls"], dtype=float)[:, 1:].sum(axis=1)
        out[name] = CaseSums(
            draws=draws,
            mean=mean,
            inbound_cost=np.broadcast_to(cost, (draws,)),
            inbound_calls=np.broadcast_to(calls, (draws,)),
        )
    return out


def merge_sums(blocks: Sequence[Mapping[str, CaseSums]]) -> dict[str, CaseSums]:
    """Merge the sums of consecutive blocks of draws: means weighted by draws, draws joined.

    Exact, because every sum is additive (divide last).
    """
    if len(blocks) == 1:
        return dict(blocks[0])
    out: dict[str, CaseSums] = {}
    for name in blocks[0]:
        parts = [b[name] for b in blocks]
        total = sum(p.draws for p in parts)
        mean = {k: sum(p.mean[k] * (p.draws / total) for p in parts) for k in parts[0].mean}
        out[name] = CaseSums(
            draws=total,
            mean={k: np.asarray(v, dtype=float) for k, v in mean.items()},
            inbound_cost=np.concatenate([p.inbound_cost for p in parts]),
            inbound_calls=np.concatenate([p.inbound_calls for p in parts]),
        )
    return out


def unit_costs(scenario: Scenario, flows: Mapping[str, CaseFlows]) -> UnitCosts:
    """Unit costs of each case by month, quarter, year, and over the horizon.

    With draws, the tables hold ratios of the mean sums over draws (additive, so periods
    merge exactly); the proposal's horizon cost per inbound call is also kept per draw.
    """
    draws = max(
        (
            np.shape(a)[0]
            for f in flows.values()
            for a in (f.initial, f.operating, f.hidden_included, *f.drivers.values())
        ),
        default=1,
    )
    return unit_costs_from_sums(scenario, case_sums(scenario, flows, draws))


def unit_costs_from_sums(scenario: Scenario, sums_by_case: Mapping[str, CaseSums]) -> UnitCosts:
    """Unit costs from the (merged) sums of every case; see :func:`unit_costs`."""
    months = scenario.horizon_months
    rows: list[dict[str, Any]] = []
    horizon: dict[str, float] = {}
    cpc_draws: Array | None = None
    for name, cs in sums_by_case.items():
        # every sum as one row of a matrix: each step below is one array operation for
        # all of them (a one-draw run is otherwise mostly per-call overhead)
        keys = list(cs.mean)
        at = {k: i for i, k in enumerate(keys)}
        stack = np.vstack([cs.mean[k] for k in keys])
        num = [at[n] for _, n, _ in _RATIO_OF]
        den = [at[d] for _, _, d in _RATIO_OF]
        for period, size in PERIODS.items():
            grouped = _by_period(stack, size)
            ratios = _ratio(grouped[num], grouped[den])
            finite = np.asarray(np.isfinite(ratios).all(axis=1))
            count = grouped.shape[1]
            columns: dict[str, list[Any]] = {
                "case": [name] * count,
                "period": [period] * count,
                "index": list(range(1, count + 1)),
                "months": [
                    f"{k * size + 1}-{last}" if k * size + 1 != last else str(last)
                    for k in range(count)
                    for last in (min((k + 1) * size, months),)
                ],
            }
            for key in ("cost", "contacts", "inbound_calls", "minutes"):
                columns[key] = grouped[at[key]].tolist()
            for j, (key, _, _) in enumerate(_RATIO_OF):
                values = ratios[j].tolist()
                columns[key] = (
                    values if bool(finite[j]) else [v if math.isfinite(v) else None for v in values]
                )
            keys_out = list(columns)
            rows.extend(
                dict(zip(keys_out, values, strict=True))
                for values in zip(*columns.values(), strict=True)
            )
        totals = stack[:, 1:].sum(axis=1)
        prefix = "" if name == "proposal" else f"{name}_"
        for (key, _, _), value in zip(
            _RATIO_OF, _ratio(totals[num], totals[den]).tolist(), strict=True
        ):
            if math.isfinite(value):
                horizon[prefix + key] = value
        if name == "proposal":
            cpc = _ratio(np.asarray(cs.inbound_cost), np.asarray(cs.inbound_calls))
            cpc_draws = cpc if np.all(np.isfinite(cpc)) else None
    return UnitCosts(records=rows, horizon=horizon, cost_per_inbound_call_draws=cpc_draws)


def _point(value: Any) -> float:
    """A band end as a number: a distribution's base-case value, or the mean of draws."""
    if hasattr(value, "point"):
        return float(value.point)
    return float(np.mean(np.asarray(value, dtype=float)))


def benchmark_position(scenario: Scenario, uc: UnitCosts) -> dict[str, Any] | None:
    """Where the proposal's cost per inbound call sits against the scenario's band.

    Returns None when the scenario names no band. ``position`` is ``below``, ``within`` or
    ``above``; ``fraction`` is ``(value - low) / (high - low)`` (0 at low, 1 at high).
    """
    from ccecon.costing.benchmarks import BENCHMARKS

    bench = scenario.benchmark
    if bench is None:
        return None
    if isinstance(bench, str):
        band = BENCHMARKS[bench]
        low, high, source, basis = band.low, band.high, f"{band.source}; {band.year}", band.basis
    else:
        low = _point(bench.low)
        high = _point(bench.high)
        source, basis = bench.source, bench.basis
    value = uc.horizon.get("cost_per_inbound_call")
    out: dict[str, Any] = {
        "metric": "cost_per_inbound_call",
        "low": low,
        "high": high,
        "source": source,
        "basis": basis,
        "unit_cost_basis": scenario.unit_cost_basis,
        "value": value,
    }
    if value is None:
        out["position"] = "not comparable: the scenario has no inbound calls"
        return out
    out["position"] = "below" if value < low else ("above" if value > high else "within")
    out["fraction"] = (value - low) / (high - low) if high > low else None
    if basis != scenario.unit_cost_basis:
        out["note"] = (
            f"the band is {basis.replace('_', ' ')} while the scenario's unit costs are"
            f" {scenario.unit_cost_basis.replace('_', ' ')}"
        )
    return out
