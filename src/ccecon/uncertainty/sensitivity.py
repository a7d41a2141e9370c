"""Which inputs matter: a one-at-a-time tornado and Sobol' indices, through the one engine.

Tornado (one at a time)
-----------------------
Every uncertain input in turn is set to its low value (P10 by default) and to its high value
(P90), all other inputs staying at their base-case values (``.point``); the swing of a
metric is ``|metric(high) - metric(low)|``, and bars are ranked by swing, largest first.
All ``2 k + 1`` settings (base case + two per input) go through
:func:`ccecon.engine.evaluate` as ``2 k + 1`` rows of one vectorized call. One-at-a-time
swings miss interactions; Sobol' indices show them.

Sobol' indices (global, variance-based)
---------------------------------------
First-order ``S1_i = Var(E[Y | X_i]) / Var(Y)`` (the share of the output's variance due to
input ``i`` alone) and total ``ST_i = E[Var(Y | X_~i)] / Var(Y)`` (including every
interaction of ``i``); ``ST_i - S1_i`` measures interactions. Estimated with SALib's
Saltelli sampling and estimators (Saltelli et al., "Variance based sensitivity analysis of
model output", Computer Physics Communications 181, 2010; Herman & Usher, "SALib", JOSS
2017) on the unit hypercube, mapped to each input's distribution by its inverse CDF. The
method assumes independent inputs: a scenario's ``correlations`` are not used here (the
result says so). Cost: ``n (k + 2)`` model rows (``n (2 k + 2)`` with second order).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ccecon.errors import InputError
from ccecon.uncertainty.distributions import DistributionBase

Array = npt.NDArray[np.float64]

OUTPUTS = (
    "npv",
    "roi_pct",
    "irr_annual_pct",
    "payback_months",
    "discounted_payback_months",
    "total_benefit",
    "total_cost",
    "net",
    "cost_per_inbound_call",
)
"""Metrics a sensitivity analysis can rank inputs by."""


# --------------------------------------------------------------------------- helpers
FIELD_WORDS: dict[str, str] = {
    "aht_s": "AHT (s)",
    "aht_factor": "AHT factor",
    "volume_factor": "volume factor",
    "sl_target": "service-level goal",
    "sl_threshold_s": "service-level threshold (s)",
    "discount_rate": "discount rate",
    "max_occupancy": "occupancy cap",
    "patience_s": "patience (s)",
    "paid_hours_per_fte": "paid hours per FTE",
    "start_month": "start month",
    "ramp_months": "ramp (months)",
}
"""Words for scenario field names where replacing ``_`` by a space is not enough."""


def _field_words(part: str) -> str:
    if part in FIELD_WORDS:
        return FIELD_WORDS[part]
    if part.endswith("_s"):
        return part[:-2].replace("_", " ") + " (s)"
    return part.replace("_", " ")


def describe_path(model: Any, path: str) -> str:
    """A person's label of an input: the name of the item it sits in and the field in words.

    ``proposal.cost_lines[2].amount`` -> ``Agent salaries: amount``;
    ``channels[0].aht_s`` -> ``Voice: AHT (s)``; ``staffing.sl_target`` ->
    ``Staffing: service-level goal``. Machines keep the path (``TornadoBar.path``, the JSON
    ``input`` column); the label is what tables, reports and charts show.
    """
    import re

    parts = re.findall(r"[^.\[\]]+|\[\d+\]", path)
    obj = model
    label = None
    for part in parts[:-1]:
        if part.startswith("["):
            obj = obj[int(part[1:-1])] if isinstance(obj, (list, tuple)) else None
        elif isinstance(obj, dict):
            obj = obj.get(part)
        else:
            obj = getattr(obj, part, None)
        name = getattr(obj, "name", None)
        if isinstance(name, str) and name.strip():
            label = name.strip()
    names = [p for p in parts if not p.startswith("[")]
    if not names:
        return path
    field = _field_words(names[-1])
    if parts[-1].startswith("["):  # an element of a list of values: intraday [3]
        field = f"{field} {parts[-1]}"
    owner = label or (_field_words(names[0]).capitalize() if len(names) > 1 else None)
    return f"{owner}: {field}" if owner else field.capitalize()


def evaluate_rows(
    scenario: Any,
    values: Mapping[str, npt.ArrayLike | float],
    rows: int,
    metric: str,
    *,
    risk_adjusted: bool = False,
) -> Array:
    """Evaluate a scenario with some inputs set per row; return one metric per row.

    Inputs not in ``values`` stay at their base-case value. The ``rows`` settings are
    evaluated by one call of :func:`ccecon.engine.evaluate` (no sampling happens: the
    generator passed to it is never drawn from).
    """
    from ccecon.engine import evaluate
    from ccecon.uncertainty.montecarlo import _metric_arrays
    from ccecon.uncertainty.sampling import realize

    if metric not in OUTPUTS:
        raise InputError(
            "unknown metric; expected one of " + ", ".join(OUTPUTS), field="metric", value=metric
        )
    from ccecon.cases import plan_cases

    realized = realize(scenario, values)
    # a shift schedule (staffing.schedule) is the base case's, applied to every row
    result = evaluate(
        realized, draws=rows, rng=np.random.default_rng(0), schedule=plan_cases(scenario)
    )
    if metric == "cost_per_inbound_call":
        cpc = result.unit_costs.cost_per_inbound_call_draws
        if cpc is None:
            raise InputError(
                "the scenario has no inbound calls, so no cost per inbound call",
                field="metric",
                value=metric,
            )
        out = np.asarray(cpc, dtype=float).reshape(-1)
    else:
        out = _metric_arrays(result.risk_adjusted if risk_adjusted else result.metrics)[metric]
    return np.asarray(np.broadcast_to(out, (rows,)), dtype=float)


# --------------------------------------------------------------------------- tornado
@dataclass(frozen=True)
class TornadoBar:
    """One input of the tornado: its low and high settings and the metric at each."""

    path: str
    label: str
    input_low: float
    input_base: float
    input_high: float
    output_low: float
    output_high: float

    @property
    def swing(self) -> float:
        """``|output_high - output_low|`` (NaN when the metric is undefined at a setting)."""
        return abs(self.output_high - self.output_low)


@dataclass(frozen=True)
class Tornado:
    """One-at-a-time sensitivity of a metric, bars ranked by swing (largest first)."""

    metric: str
    base: float
    low_pct: float
    high_pct: float
    bars: tuple[TornadoBar, ...]

    def __repr__(self) -> str:
        """The base value and the widest bars in one line (all bars: ``to_frame()``)."""
        top = ", ".join(f"{b.label or b.path} {b.swing:,.0f}" for b in self.bars[:3])
        more = f", ... ({len(self.bars)} inputs)" if len(self.bars) > 3 else ""
        return f"<Tornado of {self.metric} around {self.base:,.0f}: swings {top}{more}>"

    def to_frame(self) -> pd.DataFrame:
        """One row per input, in rank order."""
        return pd.DataFrame(
            [
                {
                    "rank": i + 1,
                    "input": b.path,
                    "label": b.label,
                    "input_low": b.input_low,
                    "input_base": b.input_base,
                    "input_high": b.input_high,
                    f"{self.metric}_at_low": b.output_low,
                    f"{self.metric}_at_high": b.output_high,
                    "swing": b.swing,
                }
                for i, b in enumerate(self.bars)
            ]
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able document."""
        return {
            "metric": self.metric,
            "base": self.base,
            "low_pct": self.low_pct,
            "high_pct": self.high_pct,
            "bars": self.to_frame().to_dict(orient="records"),
        }


def tornado(
    scenario: Any,
    metric: str = "npv",
    *,
    low_pct: float = 10.0,
    high_pct: float = 90.0,
    risk_adjusted: bool = False,
) -> Tornado:
    """One-at-a-time tornado of ``metric`` over every uncertain input.

    Parameters
    ----------
    scenario : Scenario
        Holds at least one distribution.
    metric : str
        One of :data:`OUTPUTS`.
    low_pct, high_pct : float
        Percentiles used as each input's low and high settings (default P10 and P90).
    risk_adjusted : bool
        Rank by the TEI risk-adjusted metric instead.

    Raises
    ------
    InputError
        No uncertain input, an unknown metric or percentiles outside ``0 < low < high < 100``.
    """
    from ccecon.uncertainty.sampling import uncertain_inputs

    if not 0 < low_pct < high_pct < 100:
        raise InputError(
            "expected 0 < low percentile < high percentile < 100",
            field="low_pct/high_pct",
            value=(low_pct, high_pct),
        )
    inputs = uncertain_inputs(scenario)
    if not inputs:
        raise InputError(
            "the scenario has no uncertain input; give some inputs a distribution such as "
            "{dist: triangular, min: .., mode: .., max: ..}"
        )
    k = len(inputs)
    rows = 2 * k + 1
    values: dict[str, Array] = {}
    lows, highs, points = {}, {}, {}
    for i, (path, d) in enumerate(inputs.items()):
        points[path] = d.point
        lows[path] = float(d.ppf(low_pct / 100.0))
        highs[path] = float(d.ppf(high_pct / 100.0))
        col = np.full(rows, d.point, dtype=float)
        col[1 + 2 * i] = lows[path]
        col[2 + 2 * i] = highs[path]
        values[path] = col
    out = evaluate_rows(scenario, values, rows, metric, risk_adjusted=risk_adjusted)
    bars = [
        TornadoBar(
            path=path,
            label=describe_path(scenario, path),
            input_low=lows[path],
            input_base=points[path],
            input_high=highs[path],
            output_low=float(out[1 + 2 * i]),
            output_high=float(out[2 + 2 * i]),
        )
        for i, path in enumerate(inputs)
    ]
    order = sorted(
        range(k), key=lambda i: (math.isnan(bars[i].swing), -np.nan_to_num(bars[i].swing), i)
    )
    return Tornado(
        metric=metric,
        base=float(out[0]),
        low_pct=low_pct,
        high_pct=high_pct,
        bars=tuple(bars[i] for i in order),
    )


# --------------------------------------------------------------------------- Sobol
@dataclass(frozen=True)
class SobolIndices:
    """First-order and total Sobol' indices with bootstrap 95 % confidence half-widths."""

    metric: str
    names: tuple[str, ...]
    labels: tuple[str, ...]
    s1: Array
    s1_conf: Array
    st: Array
    st_conf: Array
    n: int
    evaluations: int
    note: str = ""

    def to_frame(self) -> pd.DataFrame:
        """One row per input, ranked by total index."""
        df = pd.DataFrame(
            {
                "input": list(self.names),
                "label": list(self.labels),
                "S1": self.s1,
                "S1_conf": self.s1_conf,
                "ST": self.st,
                "ST_conf": self.st_conf,
                "interactions": self.st - self.s1,
            }
        )
        return df.sort_values("ST", ascending=False, kind="stable").reset_index(drop=True)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able document."""
        return {
            "metric": self.metric,
            "n": self.n,
            "evaluations": self.evaluations,
            "note": self.note,
            "indices": self.to_frame().to_dict(orient="records"),
        }


def _pow2(n: int) -> int:
    return 1 << max(0, math.ceil(math.log2(max(n, 1))))


def sobol_indices(
    fn: Callable[[Mapping[str, Array]], npt.ArrayLike],
    inputs: Mapping[str, DistributionBase],
    n: int,
    rng: np.random.Generator,
    *,
    metric: str = "y",
    labels: Sequence[str] | None = None,
    num_resamples: int = 100,
) -> SobolIndices:
    """Sobol' indices of a vectorized function of independent random inputs.

    Parameters
    ----------
    fn : callable
        Maps ``{name: array of m values}`` to an array of ``m`` outputs.
    inputs : mapping of str to distribution
        The inputs, independent.
    n : int
        Base sample size, rounded up to a power of two (Sobol' sequences need one); the
        function is evaluated on ``n (k + 2)`` points.
    rng : numpy.random.Generator
        Seeds the scrambling of the Sobol' sequence and the bootstrap.

    Raises
    ------
    InputError
        Fewer than one input, or an output that is NaN or infinite somewhere (the
        variance decomposition needs a finite output everywhere).
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    from ccecon.uncertainty.sampling import U_EPS

    names = list(inputs)
    if not names:
        raise InputError("Sobol' indices need at least one uncertain input")
    n2 = _pow2(n)
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    seed = int(rng.integers(0, 2**31 - 1))
    u = sobol_sample.sample(problem, n2, calc_second_order=False, seed=seed)
    u = np.clip(u, U_EPS, 1.0 - U_EPS)
    x = {name: inputs[name].ppf(u[:, j]) for j, name in enumerate(names)}
    y = np.asarray(fn(x), dtype=float).reshape(-1)
    if not np.all(np.isfinite(y)):
        raise InputError(
            f"{metric} is not finite for some input values (e.g. a payback never reached or "
            "an undefined ROI); Sobol' indices need a finite output: choose npv or net",
            field="metric",
            value=metric,
        )
    res = sobol_analyze.analyze(
        problem,
        y,
        calc_second_order=False,
        num_resamples=num_resamples,
        print_to_console=False,
        seed=int(rng.integers(0, 2**31 - 1)),
    )
    return SobolIndices(
        metric=metric,
        names=tuple(names),
        labels=tuple(labels) if labels is not None else tuple(names),
        s1=np.asarray(res["S1"], dtype=float),
        s1_conf=np.asarray(res["S1_conf"], dtype=float),
        st=np.asarray(res["ST"], dtype=float),
        st_conf=np.asarray(res["ST_conf"], dtype=float),
        n=n2,
        evaluations=int(y.size),
    )


def sobol(
    scenario: Any,
    rng: np.random.Generator,
    metric: str = "npv",
    *,
    n: int = 1024,
    chunk: int = 20_000,
    risk_adjusted: bool = False,
) -> SobolIndices:
    """Sobol' indices of a scenario's metric over its uncertain inputs (through the engine).

    The ``n (k + 2)`` rows are evaluated in chunks of ``chunk`` rows.
    """
    from ccecon.uncertainty.sampling import uncertain_inputs

    inputs = uncertain_inputs(scenario)
    if not inputs:
        raise InputError(
            "the scenario has no uncertain input; give some inputs a distribution such as "
            "{dist: triangular, min: .., mode: .., max: ..}"
        )

    def fn(x: Mapping[str, Array]) -> Array:
        m = len(next(iter(x.values())))
        parts = []
        for start in range(0, m, chunk):
            stop = min(m, start + chunk)
            vals = {k: v[start:stop] for k, v in x.items()}
            parts.append(
                evaluate_rows(scenario, vals, stop - start, metric, risk_adjusted=risk_adjusted)
            )
        return np.concatenate(parts)

    res = sobol_indices(
        fn,
        inputs,
        n,
        rng,
        metric=metric,
        labels=[describe_path(scenario, p) for p in inputs],
    )
    if getattr(scenario, "correlations", None):
        res = SobolIndices(
            **{
                **res.__dict__,
                "note": "correlations are ignored: Sobol' indices assume independent inputs",
            }
        )
    return res
