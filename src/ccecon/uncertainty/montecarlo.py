"""Monte Carlo through the one engine: percentiles, probabilities, convergence.

:func:`simulate` draws every uncertain input of a scenario (rank-correlated when the
scenario says so), hands the realized scenario to :func:`ccecon.engine.evaluate` **in
chunks** (one vectorized call per chunk; there is no second evaluator), and keeps only the
per-draw metrics, so memory grows with ``draws x metrics``, never with
``draws x months``. Chunks draw consecutive rows from the one ``rng``, so the result does
not depend on the chunk size (see :mod:`ccecon.uncertainty.sampling`).

Conventions
-----------
* Percentiles use linear interpolation between order statistics (Hyndman & Fan 1996,
  definition 7; numpy's default). A percentile whose interpolation touches ``+inf`` (a
  payback never reached within the horizon) is ``+inf`` in the library's objects; the
  documents (JSON, CSV, web) show it as ``null`` beside ``within_horizon``, the share of
  draws that pay back within the horizon, and the terminal table in words.
* Draws where a metric is not defined (ROI when nothing is invested, IRR without a sign
  change) are left out of that metric's statistics; ``n_defined`` says how many remain.
* The standard error of the mean is ``sd / sqrt(n)`` (sample standard deviation, ddof=1);
  the standard error of a probability ``p`` is ``sqrt(p (1 - p) / n)``. Both shrink as
  ``1 / sqrt(n)``: the user sees whether more draws would change the answer.
* The **risk-adjusted** (Forrester TEI) view raises each cost line by its ``risk`` percent
  and cuts each benefit line by its ``risk`` percent; it is shown beside the distribution,
  for the base case and as its own distribution.
* Sourcing options: when the engine's result carries ``extras["option_costs"]``, a mapping
  of option name to total cost per draw (scenario currency over the horizon), each option
  gets its percentiles and the probability that it is the cheapest (ties share the win).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ccecon.errors import InputError

Array = npt.NDArray[np.float64]

DEFAULT_PERCENTILES: tuple[float, ...] = (5, 10, 25, 50, 75, 90, 95)
DEFAULT_CHUNK = 100_000
"""Draws per engine call. The engine itself works in blocks of ``engine.BLOCK_DRAWS`` on two
threads, so a chunk bounds only what one call keeps: its per-draw monthly net flows
(two ``chunk x (months + 1)`` arrays, ~100 MB at 60 months) and the drawn inputs."""

METRICS: tuple[tuple[str, str], ...] = (
    ("npv", "currency"),
    ("roi_pct", "%"),
    ("irr_annual_pct", "% a year"),
    ("payback_months", "months"),
    ("discounted_payback_months", "months"),
    ("total_benefit", "currency"),
    ("total_cost", "currency"),
    ("net", "currency"),
)
"""Metrics summarized per draw, with their unit (``currency`` = the scenario's)."""

LABELS = {
    "npv": "NPV",
    "roi_pct": "ROI",
    "irr_annual_pct": "IRR",
    "payback_months": "payback",
    "discounted_payback_months": "disc. payback",
    "total_benefit": "benefit",
    "total_cost": "cost",
    "net": "net",
    "cost_per_inbound_call": "cost/inbound call",
}
"""Short names for terminal tables."""

LABELS_ZH = {
    "npv": "净现值",
    "roi_pct": "投资回报率",
    "irr_annual_pct": "内部收益率",
    "payback_months": "回收期",
    "discounted_payback_months": "折现回收期",
    "total_benefit": "收益",
    "total_cost": "成本",
    "net": "净额",
    "cost_per_inbound_call": "每通呼入电话成本",
}
"""The same names in Chinese (a scenario with ``locale: zh``)."""

_UNITS_ZH = {"% a year": "%/年", "months": "个月", "/call": "/通"}
_COLUMNS_ZH = {
    "metric": "指标",
    "base case": "基准情形",
    "TEI risk-adj.": "TEI 风险调整后",
    "mean": "均值",
    "± SE": "± 标准误",
}

PAYBACK_METRICS = frozenset({"payback_months", "discounted_payback_months"})
"""Metrics whose ``+inf`` means "never within the horizon"
(:func:`ccecon.finance.returns.payback`)."""


def _finite_or_none(x: float) -> float | None:
    """A payback statistic for a document: ``None`` where it is not reached (``+inf``)."""
    return x if math.isfinite(x) else None


def pct_key(p: float) -> str:
    """Key of a percentile: ``p10``, ``p50``, ``p2.5``."""
    return f"p{p:g}"


def quantiles(x: npt.ArrayLike, percentiles: Sequence[float]) -> Array:
    """Percentiles of ``x`` (NaN left out) by linear interpolation, ``+inf``-safe.

    Parameters
    ----------
    x : array_like
        Values; NaN is ignored, ``+inf``/``-inf`` are kept as values.
    percentiles : sequence of float
        In [0, 100].

    Returns
    -------
    ndarray
        One value per percentile; NaN when ``x`` has no non-NaN value.
    """
    v = np.asarray(x, dtype=float).ravel()
    v = v[~np.isnan(v)]
    p = np.asarray(percentiles, dtype=float)
    if np.any((p < 0) | (p > 100)):
        raise InputError(
            "percentiles must lie between 0 and 100", field="percentiles", value=list(percentiles)
        )
    if v.size == 0:
        return np.full(p.shape, np.nan)
    pos = p / 100.0 * (v.size - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, v.size - 1)
    frac = pos - lo
    # only the order statistics needed, by selection (O(n)) rather than a full sort
    v = np.partition(v, np.unique(np.concatenate([lo, hi])))
    a, b = v[lo], v[hi]
    with np.errstate(invalid="ignore"):
        out = a + (b - a) * frac
    # Interpolating into an infinite order statistic gives that infinity (not NaN).
    out = np.where(frac == 0, a, out)
    out = np.where(np.isinf(b) & (frac > 0), b, out)
    out = np.where(np.isinf(a), a, out)
    return np.asarray(out, dtype=float)


@dataclass(frozen=True)
class Summary:
    """Distribution of one metric over the draws.

    Attributes
    ----------
    metric, unit : str
    n : int
        Draws.
    n_defined : int
        Draws where the metric is defined (not NaN).
    mean, sd, se_mean : float
        Mean, sample standard deviation (ddof=1) and standard error of the mean
        ``sd / sqrt(n_defined)``; NaN when fewer than 2 draws are defined; ``inf`` when some
        draw is infinite (payback never reached).
    minimum, maximum : float
    percentiles : Mapping[str, float]
        ``{"p10": ..., "p50": ..., "p90": ...}``.
    within_horizon : float or None
        For a payback: the share of the defined draws that pay back within the horizon
        (finite); ``None`` for other metrics.
    """

    metric: str
    unit: str
    n: int
    n_defined: int
    mean: float
    sd: float
    se_mean: float
    minimum: float
    maximum: float
    percentiles: Mapping[str, float]
    within_horizon: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-able mapping. For a payback, a statistic not reached within the horizon
        (``+inf``) is ``None`` (JSON ``null``) and ``within_horizon`` gives the share of
        draws that pay back; other non-finite values are kept as floats."""
        if self.metric in PAYBACK_METRICS:
            return {
                "metric": self.metric,
                "unit": self.unit,
                "n": self.n,
                "n_defined": self.n_defined,
                "within_horizon": self.within_horizon,
                "mean": _finite_or_none(self.mean),
                # no spread of a mean that is not reached (every draw never pays back)
                "sd": _finite_or_none(self.sd) if math.isfinite(self.mean) else None,
                "se_mean": _finite_or_none(self.se_mean) if math.isfinite(self.mean) else None,
                "min": _finite_or_none(self.minimum),
                "max": _finite_or_none(self.maximum),
                **{k: _finite_or_none(v) for k, v in self.percentiles.items()},
            }
        return {
            "metric": self.metric,
            "unit": self.unit,
            "n": self.n,
            "n_defined": self.n_defined,
            "mean": self.mean,
            "sd": self.sd,
            "se_mean": self.se_mean,
            "min": self.minimum,
            "max": self.maximum,
            **dict(self.percentiles),
        }


def summarize(
    values: npt.ArrayLike, metric: str, unit: str, percentiles: Sequence[float]
) -> Summary:
    """Summary statistics of one metric's draws (see :class:`Summary`)."""
    x = np.asarray(values, dtype=float).ravel()
    ok = x[~np.isnan(x)]
    k = int(ok.size)
    if k == 0:
        nan = math.nan
        return Summary(
            metric,
            unit,
            int(x.size),
            0,
            nan,
            nan,
            nan,
            nan,
            nan,
            {pct_key(p): nan for p in percentiles},
        )
    if ok.min() == ok.max():
        # Every draw equal (no uncertainty reaches this metric): exactly zero spread.
        mean, sd, se = float(ok[0]), 0.0, 0.0
    elif np.all(np.isfinite(ok)):
        mean = float(np.mean(ok))
        sd = float(np.std(ok, ddof=1)) if k > 1 else math.nan
        se = sd / math.sqrt(k) if k > 1 else math.nan
    else:
        both = bool(np.any(ok == np.inf) and np.any(ok == -np.inf))
        mean = math.nan if both else float(np.mean(ok))
        sd = math.inf
        se = math.inf
    q = quantiles(ok, percentiles)
    return Summary(
        metric=metric,
        unit=unit,
        n=int(x.size),
        n_defined=k,
        mean=mean,
        sd=sd,
        se_mean=se,
        minimum=float(ok.min()),
        maximum=float(ok.max()),
        percentiles={pct_key(p): float(v) for p, v in zip(percentiles, q, strict=True)},
        within_horizon=float(np.count_nonzero(np.isfinite(ok))) / k
        if metric in PAYBACK_METRICS
        else None,
    )


@dataclass(frozen=True)
class Histogram:
    """Counts of a metric's finite draws in equal-width bins (``edges`` has bins + 1)."""

    metric: str
    edges: Array
    counts: npt.NDArray[np.int64]
    below: int = 0
    above: int = 0

    def to_frame(self) -> pd.DataFrame:
        """One row per bin: low, high, count."""
        return pd.DataFrame({"low": self.edges[:-1], "high": self.edges[1:], "count": self.counts})


def histogram(values: npt.ArrayLike, metric: str, bins: int = 20) -> Histogram:
    """Equal-width histogram of the finite draws between their P0.5 and P99.5.

    Draws outside that range are counted in ``below``/``above`` so one extreme draw does
    not squash every other bar into one.
    """
    x = np.asarray(values, dtype=float).ravel()
    x = x[np.isfinite(x)]
    if x.size == 0:
        return Histogram(metric, np.zeros(1), np.zeros(0, dtype=np.int64))
    lo, hi = (float(v) for v in quantiles(x, [0.5, 99.5]))
    # Bins need a width that floats can tell apart at this magnitude (an NPV near 1e88
    # with a spread of a few units cannot be cut into 20 bars: numpy raised ValueError).
    tiny = max(abs(lo), abs(hi)) * 1e-12 * bins
    if hi - lo <= tiny:
        pad = max(0.5, tiny)
        lo, hi = lo - pad, hi + pad
    counts, edges = np.histogram(x, bins=bins, range=(lo, hi))
    return Histogram(
        metric,
        np.asarray(edges, dtype=float),
        np.asarray(counts, dtype=np.int64),
        below=int(np.sum(x < lo)),
        above=int(np.sum(x > hi)),
    )


@dataclass(frozen=True)
class Simulation:
    """Result of :func:`simulate`.

    Attributes
    ----------
    scenario, currency : str
        Scenario name and currency.
    draws, chunk : int
    inputs : tuple of str
        Paths of the uncertain inputs drawn.
    summaries : tuple of Summary
        Unadjusted metrics (see :data:`METRICS`), plus ``cost_per_inbound_call`` when the
        scenario has inbound calls.
    risk_adjusted : tuple of Summary
        The same metrics in the TEI risk-adjusted view.
    base_case, base_case_risk_adjusted : Mapping[str, float | None]
        Deterministic run (every distribution at its base-case value): what
        ``ccecon evaluate`` shows, unadjusted and TEI risk-adjusted.
    probabilities : Mapping[str, float]
        ``npv_positive``, ``npv_positive_risk_adjusted``, ``payback_within_horizon``,
        ``roi_positive`` (among draws where ROI is defined), and
        ``cheapest_<option>`` for sourcing options.
    probability_se : Mapping[str, float]
        Standard error of each probability.
    options : tuple of Summary
        Total cost per sourcing option (empty without options).
    histogram : Histogram
        Of the NPV draws.
    draws_frame : DataFrame or None
        Per draw: every input drawn and every metric (when asked with ``keep_draws``).
    input_ranges : tuple of mapping
        Per uncertain input: ``path``, ``dist``, ``point`` (base case), ``mean``, ``p10``,
        ``p90``.
    """

    scenario: str
    currency: str
    draws: int
    chunk: int
    inputs: tuple[str, ...]
    percentiles: tuple[float, ...]
    summaries: tuple[Summary, ...]
    risk_adjusted: tuple[Summary, ...]
    base_case: Mapping[str, float | None]
    base_case_risk_adjusted: Mapping[str, float | None]
    probabilities: Mapping[str, float]
    probability_se: Mapping[str, float]
    options: tuple[Summary, ...]
    histogram: Histogram
    draws_frame: pd.DataFrame | None = field(default=None, repr=False)
    input_ranges: tuple[Mapping[str, Any], ...] = ()

    def __repr__(self) -> str:
        """The NPV's spread and P(NPV > 0) in one line (the rest: ``to_frame()``)."""
        npv = next((s for s in self.summaries if s.metric == "npv"), None)
        if npv is None:
            return f"<Simulation {self.scenario!r}: {self.draws:,} draws>"
        pct = npv.percentiles
        lo, hi = pct.get("p10"), pct.get("p90")
        spread = f" (P10 {lo:,.0f}, P90 {hi:,.0f})" if lo is not None and hi is not None else ""
        p = self.probabilities.get("npv_positive")
        prob = f"; P(NPV > 0) {p * 100:.1f} %" if p is not None else ""
        return (
            f"<Simulation {self.scenario!r}: {self.draws:,} draws; NPV mean"
            f" {npv.mean:,.0f} {self.currency}{spread}{prob}>"
        )

    def summary(self, metric: str, risk_adjusted: bool = False) -> Summary:
        """The summary of one metric."""
        for s in self.risk_adjusted if risk_adjusted else self.summaries:
            if s.metric == metric:
                return s
        raise KeyError(metric)

    def to_frame(self) -> pd.DataFrame:
        """One row per metric and view: base case, mean, SE, percentiles."""
        rows = []
        for view, items, base in (
            ("unadjusted", self.summaries, _base_document(self.base_case)),
            ("risk_adjusted", self.risk_adjusted, _base_document(self.base_case_risk_adjusted)),
        ):
            for s in items:
                rows.append({"view": view, "base_case": base.get(s.metric), **s.to_dict()})
        for s in self.options:
            rows.append({"view": "option", "base_case": None, **s.to_dict()})
        return pd.DataFrame(rows)

    def unit_of(self, summary: Summary) -> str:
        """The unit with ``currency`` replaced by the scenario's code."""
        return summary.unit.replace("currency", self.currency)

    def table_rows(self, locale: str = "en") -> list[dict[str, Any]]:
        """Rows for the terminal: metric (unit), base case, TEI risk-adjusted base case,
        mean, its standard error and the percentiles; headed and named in ``locale``
        (``en`` or ``zh``)."""
        rows = self._table_rows(locale)
        if locale != "zh":
            return rows
        return [{_COLUMNS_ZH.get(k, k): v for k, v in r.items()} for r in rows]

    def _table_rows(self, locale: str) -> list[dict[str, Any]]:
        from ccecon.labels import label

        never = label("never", locale)  # the words of ``ccecon evaluate``'s table
        names = LABELS_ZH if locale == "zh" else LABELS

        def unit(text: str) -> str:
            if locale != "zh":
                return text
            for en, zh in _UNITS_ZH.items():
                text = text.replace(en, zh)
            return text

        rows: list[dict[str, Any]] = []
        for s in self.summaries:
            pay = s.metric in PAYBACK_METRICS

            def shown(x: float | None, pay: bool = pay) -> Any:
                # a payback not reached within the horizon, in words (never "inf")
                return never if pay and x is not None and x == math.inf else x

            row: dict[str, Any] = {
                "metric": f"{names.get(s.metric, s.metric)} ({unit(self.unit_of(s))})",
                "base case": shown(self.base_case.get(s.metric)),
                "TEI risk-adj.": shown(self.base_case_risk_adjusted.get(s.metric)),
                # a mean or spread over draws some of which never pay back has no value
                "mean": _finite_or_none(s.mean) if pay else s.mean,
                "± SE": (_finite_or_none(s.se_mean) if math.isfinite(s.mean) else None)
                if pay
                else s.se_mean,
            }
            for p in self.percentiles:
                row[pct_key(p).upper()] = shown(s.percentiles[pct_key(p)])
            rows.append(row)
        for s in self.options:
            row = {
                "metric": f"{'方案' if locale == 'zh' else 'option'} {s.metric} ({self.currency})",
                "base case": None,
                "TEI risk-adj.": None,
                "mean": s.mean,
                "± SE": s.se_mean,
            }
            for p in self.percentiles:
                row[pct_key(p).upper()] = s.percentiles[pct_key(p)]
            rows.append(row)
        return rows

    def to_dict(self) -> dict[str, Any]:
        """JSON-able document: what ``ccecon simulate --format json`` prints."""
        return {
            "scenario": self.scenario,
            "currency": self.currency,
            "draws": self.draws,
            "inputs": list(self.inputs),
            "input_ranges": [dict(r) for r in self.input_ranges],
            "metrics": {s.metric: s.to_dict() for s in self.summaries},
            "risk_adjusted": {s.metric: s.to_dict() for s in self.risk_adjusted},
            "base_case": _base_document(self.base_case),
            "base_case_risk_adjusted": _base_document(self.base_case_risk_adjusted),
            "probabilities": dict(self.probabilities),
            "probability_se": dict(self.probability_se),
            "options": {s.metric: s.to_dict() for s in self.options},
            "histogram": {
                "metric": self.histogram.metric,
                "edges": self.histogram.edges.tolist(),
                "counts": self.histogram.counts.tolist(),
                "below": self.histogram.below,
                "above": self.histogram.above,
            },
        }


def _base_document(base: Mapping[str, float | None]) -> dict[str, Any]:
    """A base case for a document: a payback not reached within the horizon is ``None``
    with ``<metric>_reached`` false (as ``ccecon evaluate``'s JSON), never ``inf``."""
    out: dict[str, Any] = dict(base)
    for k in PAYBACK_METRICS:
        if k in out:
            x = out[k]
            out[f"{k.removesuffix('_months')}_reached"] = x is not None and math.isfinite(x)
            out[k] = None if x is None else _finite_or_none(x)
    return out


def _metric_arrays(metrics: Any) -> dict[str, Array]:
    out = {
        "npv": metrics.npv,
        "roi_pct": metrics.roi_pct,
        "irr_annual_pct": metrics.irr_annual * 100.0,
        "payback_months": metrics.payback_months,
        "discounted_payback_months": metrics.discounted_payback_months,
        "total_benefit": metrics.total_benefit,
        "total_cost": metrics.total_cost,
        "net": metrics.net,
    }
    return {k: np.asarray(v, dtype=float).reshape(-1) for k, v in out.items()}


def _base_values(metrics: Any) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for k, v in _metric_arrays(metrics).items():
        x = float(v[0])
        out[k] = None if math.isnan(x) else x
    return out


def _option_costs(result: Any) -> Mapping[str, Array]:
    extras = getattr(result, "extras", None) or {}
    costs = extras.get("option_costs") if isinstance(extras, Mapping) else None
    if not costs:
        return {}
    return {str(k): np.asarray(v, dtype=float).reshape(-1) for k, v in costs.items()}


def cheapest_probabilities(costs: Mapping[str, npt.ArrayLike]) -> dict[str, float]:
    """Probability that each option has the lowest cost, over draws (ties share the win).

    Parameters
    ----------
    costs : mapping of str to array_like
        Option name -> total cost per draw (same number of draws each).

    Returns
    -------
    dict of str to float
        Summing to 1 (empty when there is no option).
    """
    if not costs:
        return {}
    names = list(costs)
    c = np.stack([np.asarray(costs[o], dtype=float).reshape(-1) for o in names])
    best = c.min(axis=0)
    wins = c == best
    share = wins / wins.sum(axis=0)
    return {o: float(share[i].mean()) for i, o in enumerate(names)}


def run_chunks(
    scenario: Any,
    draws: int,
    rng: np.random.Generator,
    chunk: int = DEFAULT_CHUNK,
    progress: Callable[[int], None] | None = None,
    keep_inputs: bool = False,
    schedule: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Array], dict[str, Array], dict[str, Array], dict[str, Array]]:
    """Evaluate ``draws`` draws in chunks; return per-draw arrays.

    Returns ``(metrics, risk_adjusted_metrics, extra, inputs)``: each a mapping of name to an
    array of shape ``(draws,)``. ``extra`` holds ``cost_per_inbound_call`` (when defined)
    and ``option:<name>`` costs; ``inputs`` the drawn inputs when ``keep_inputs``.
    ``schedule``: each case's shift schedule (``staffing.schedule``) applied to every
    chunk; default the base case's, solved once here (never per chunk or per draw).
    """
    from ccecon.engine import evaluate
    from ccecon.uncertainty.sampling import draw_inputs, realize

    if draws < 1:
        raise InputError("draws must be at least 1", field="draws", value=draws)
    if chunk < 1:
        raise InputError("chunk must be at least 1", field="chunk", value=chunk)
    if schedule is None:
        from ccecon.cases import plan_cases

        schedule = plan_cases(scenario)
    correlations = getattr(scenario, "correlations", None)
    parts: dict[str, list[Array]] = {}
    adj_parts: dict[str, list[Array]] = {}
    extra_parts: dict[str, list[Array]] = {}
    input_parts: dict[str, list[Array]] = {}
    done = 0
    while done < draws:
        n = min(chunk, draws - done)
        values = draw_inputs(scenario, n, rng, correlations)
        realized = realize(scenario, values)
        # The realized scenario holds arrays of n draws and no distribution: the engine
        # draws nothing more from rng and evaluates the n rows in one vectorized pass.
        result = evaluate(realized, draws=n, rng=rng, schedule=schedule)
        for k, v in _metric_arrays(result.metrics).items():
            parts.setdefault(k, []).append(np.broadcast_to(v, (n,)))
        for k, v in _metric_arrays(result.risk_adjusted).items():
            adj_parts.setdefault(k, []).append(np.broadcast_to(v, (n,)))
        cpc = getattr(result.unit_costs, "cost_per_inbound_call_draws", None)
        if cpc is not None:
            extra_parts.setdefault("cost_per_inbound_call", []).append(
                np.broadcast_to(np.asarray(cpc, dtype=float).reshape(-1), (n,))
            )
        for name, cost in _option_costs(result).items():
            extra_parts.setdefault(f"option:{name}", []).append(np.broadcast_to(cost, (n,)))
        if keep_inputs:
            for k, v in values.items():
                input_parts.setdefault(k, []).append(np.asarray(v, dtype=float))
        done += n
        if progress is not None:
            progress(done)

    def cat(d: dict[str, list[Array]]) -> dict[str, Array]:
        return {k: np.concatenate(v) for k, v in d.items()}

    return cat(parts), cat(adj_parts), cat(extra_parts), cat(input_parts)


RANGE_EXAMPLE = "aht_s: {dist: triangular, min: 300, mode: 360, max: 450}"
"""How a number becomes a range in a scenario (shown when nothing is uncertain)."""

NOTHING_UNCERTAIN = (
    "nothing in this scenario is uncertain: every input is a single number, so every draw "
    "would give the same result as the base case. Make the inputs you are unsure of ranges "
    "(minimum, most likely, maximum), e.g. `" + RANGE_EXAMPLE + "`; "
    "examples/uncertain-chatbot.yaml has nine"
)
"""What a Monte Carlo run of a scenario without ranges says instead of running."""


def check_uncertain(scenario: Any, file: str | None = None) -> None:
    """:class:`InputError` saying so when no input of ``scenario`` is a range (a Monte
    Carlo run would repeat the base case draw after draw and report, say, P(NPV > 0) as
    0 % without saying that nothing varied)."""
    from ccecon.uncertainty.sampling import uncertain_inputs

    if not uncertain_inputs(scenario):
        raise InputError(NOTHING_UNCERTAIN, file=file)


def simulate(
    scenario: Any,
    draws: int,
    rng: np.random.Generator,
    *,
    chunk: int = DEFAULT_CHUNK,
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
    keep_draws: bool = False,
    bins: int = 20,
    progress: Callable[[int], None] | None = None,
) -> Simulation:
    """Monte Carlo of a scenario through :func:`ccecon.engine.evaluate`.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario; its distributions are drawn, the rest stays fixed.
    draws : int
        Number of draws (>= 1).
    rng : numpy.random.Generator
        The only source of randomness (``np.random.default_rng(seed)``); the same seed
        gives the same result whatever ``chunk`` is.
    chunk : int
        Draws per engine call (memory ~ ``chunk x (months + 1) x 8`` bytes per array).
    percentiles : sequence of float
        Percentiles reported (10, 50 and 90 are always added).
    keep_draws : bool
        Keep a per-draw table (inputs and metrics) in ``draws_frame``.
    bins : int
        Bins of the NPV histogram.
    progress : callable, optional
        Called with the number of draws done after each chunk (for a progress bar).

    Returns
    -------
    Simulation

    Examples
    --------
    >>> import numpy as np
    >>> from ccecon.scenario.load import parse_scenario
    >>> sc = parse_scenario('''
    ... name: doc
    ... currency: USD
    ... start: 2027-01
    ... horizon_months: 12
    ... discount_rate: 0
    ... proposal:
    ...   cost_lines: [{name: invest, family: initial, amount: 1000, timing: once, month: 0}]
    ...   benefit_lines:
    ...     - {name: saving, kind: direct, amount: {dist: uniform, min: 50, max: 150}}
    ... ''')
    >>> sim = simulate(sc, 20_000, np.random.default_rng(1))
    >>> round(sim.summary("npv").percentiles["p50"], -1)  # 12 x 100 - 1000
    200.0
    """
    from ccecon.engine import evaluate
    from ccecon.uncertainty.sampling import uncertain_inputs

    pcts = tuple(sorted(set(percentiles) | {10.0, 50.0, 90.0}))
    quantiles([], pcts)  # validates the range
    dists = uncertain_inputs(scenario)
    inputs = tuple(dists)
    ranges = tuple(
        {
            "path": p,
            "dist": str(getattr(d, "dist", "")),
            "point": d.point,
            "mean": d.mean,
            "p10": d.p10,
            "p90": d.p90,
        }
        for p, d in dists.items()
    )
    base = evaluate(scenario)
    met, adj, extra, drawn = run_chunks(
        scenario,
        draws,
        rng,
        chunk=chunk,
        progress=progress,
        keep_inputs=keep_draws,
        schedule=base.extras.get("schedule"),
    )
    units = dict(METRICS)
    summaries = [summarize(met[k], k, units[k], pcts) for k, _ in METRICS]
    adjusted = [summarize(adj[k], k, units[k], pcts) for k, _ in METRICS]
    base_vals = _base_values(base.metrics)
    base_adj = _base_values(base.risk_adjusted)
    if "cost_per_inbound_call" in extra:
        summaries.append(
            summarize(
                extra["cost_per_inbound_call"], "cost_per_inbound_call", "currency/call", pcts
            )
        )
        cpc = getattr(base.unit_costs, "cost_per_inbound_call_draws", None)
        base_vals["cost_per_inbound_call"] = (
            float(np.asarray(cpc).reshape(-1)[0]) if cpc is not None else None
        )

    probs: dict[str, float] = {}
    ses: dict[str, float] = {}

    def prob(name: str, hits: npt.NDArray[np.bool_], among: int) -> None:
        p = float(np.sum(hits)) / among if among else math.nan
        probs[name] = p
        ses[name] = math.sqrt(p * (1 - p) / among) if among else math.nan

    prob("npv_positive", met["npv"] > 0, draws)
    prob("npv_positive_risk_adjusted", adj["npv"] > 0, draws)
    prob("payback_within_horizon", np.isfinite(met["payback_months"]), draws)
    roi = met["roi_pct"]
    defined = ~np.isnan(roi)
    prob("roi_positive", roi[defined] > 0, int(defined.sum()))

    option_costs = {k.split(":", 1)[1]: v for k, v in extra.items() if k.startswith("option:")}
    options = [summarize(v, o, "currency", pcts) for o, v in option_costs.items()]
    for o, p in cheapest_probabilities(option_costs).items():
        probs[f"cheapest_{o}"] = p
        ses[f"cheapest_{o}"] = math.sqrt(p * (1 - p) / draws)

    frame = None
    if keep_draws:
        data: dict[str, Any] = {"draw": np.arange(draws)}
        data.update({f"input:{k}": v for k, v in drawn.items()})
        data.update(met)
        data.update({f"risk_adjusted_{k}": v for k, v in adj.items()})
        data.update(extra)
        frame = pd.DataFrame(data)

    return Simulation(
        scenario=str(getattr(scenario, "name", "")),
        currency=str(getattr(scenario, "currency", "")),
        draws=draws,
        chunk=chunk,
        inputs=inputs,
        percentiles=pcts,
        summaries=tuple(summaries),
        risk_adjusted=tuple(adjusted),
        base_case=base_vals,
        base_case_risk_adjusted=base_adj,
        probabilities=probs,
        probability_se=ses,
        options=tuple(options),
        histogram=histogram(met["npv"], "npv", bins=bins),
        draws_frame=frame,
        input_ranges=ranges,
    )
