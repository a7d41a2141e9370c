"""The notebook API: ``import ccecon as cc``.

Each function here is a thin door into the one implementation the CLI and the web app
use; nothing is computed twice. A scenario argument is a :class:`~ccecon.scenario.schema.
Scenario` or the path of a YAML/JSON scenario file (loaded and validated as ``ccecon
validate`` does, errors naming the file and field). Conventions (rates as fractions per
period, money in the scenario's currency, durations in seconds) are those of the
functions named in each "See also".

Examples
--------
>>> import ccecon as cc
>>> r = cc.evaluate("examples/usd-onprem-to-cloud.yaml")  # doctest: +SKIP
>>> r.summary()["npv"]  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from ccecon.data.ingest import IngestReport
    from ccecon.engine import Result
    from ccecon.scenario.schema import Scenario
    from ccecon.sourcing.compare import Comparison
    from ccecon.uncertainty.montecarlo import Simulation
    from ccecon.uncertainty.sensitivity import Tornado


def load(path: str | Path) -> Scenario:
    """Load and validate a scenario file (YAML or JSON).

    Parameters
    ----------
    path : str or Path
        The scenario file.

    Returns
    -------
    Scenario
        The validated scenario (a frozen pydantic model).

    Raises
    ------
    InputError
        Naming the file, the field and the value, as ``ccecon validate`` prints it.

    See Also
    --------
    ccecon.scenario.load.load_scenario
    """
    from ccecon.scenario.load import load_scenario

    return load_scenario(path)


def _scenario(scenario: Any) -> tuple[Scenario, str]:
    """A scenario and the name of its source (the file, or the scenario's name)."""
    if isinstance(scenario, (str, Path)):
        return load(scenario), str(scenario)
    return scenario, str(getattr(scenario, "name", "scenario"))


def evaluate(scenario: Any) -> Result:
    """The business case of a scenario at its base case (every distribution at its base value).

    Parameters
    ----------
    scenario : Scenario, str or Path
        A scenario or the path of a scenario file.

    Returns
    -------
    Result
        Frozen: ``summary()`` (headline figures: NPV, ROI %, IRR % a year, payback months,
        in the scenario's currency), ``to_dict()`` (the ``ccecon evaluate --format json``
        document), ``monthly_frame()``, ``cashflow_frame()``.

    See Also
    --------
    ccecon.engine.evaluate_checked : the same path as ``ccecon evaluate``.
    """
    from ccecon.engine import evaluate_checked

    sc, source = _scenario(scenario)
    return evaluate_checked(sc, source)


def simulate(scenario: Any, draws: int = 10_000, seed: int = 0, **options: Any) -> Simulation:
    """Monte Carlo of a scenario's distributions through the same engine.

    Parameters
    ----------
    scenario : Scenario, str or Path
        Holds at least one distribution.
    draws : int
        Number of draws (>= 1).
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same result.
    **options
        Passed on to :func:`ccecon.uncertainty.montecarlo.simulate` (``percentiles``,
        ``keep_draws``, ``chunk``).

    Returns
    -------
    Simulation
        Percentiles of every metric, probabilities (``npv_positive``...), histogram.
    """
    import numpy as np

    from ccecon.uncertainty.montecarlo import simulate as _simulate

    sc, _ = _scenario(scenario)
    return _simulate(sc, draws, np.random.default_rng(seed), **options)


def sensitivity(scenario: Any, metric: str = "npv", **options: Any) -> Tornado:
    """One-at-a-time tornado of ``metric`` over every uncertain input (P10 / P90 swings).

    Parameters
    ----------
    scenario : Scenario, str or Path
        Holds at least one distribution.
    metric : str
        ``npv`` (default), ``roi_pct``, ``payback_months``... (see
        :data:`ccecon.uncertainty.sensitivity.OUTPUTS`).
    **options
        ``low_pct``, ``high_pct`` (percentiles, default 10 and 90), ``risk_adjusted``.
    """
    from ccecon.uncertainty.sensitivity import tornado

    sc, _ = _scenario(scenario)
    return tornado(sc, metric, **options)


def compare(scenario: Any, *, break_even: bool = True) -> Comparison:
    """Build, outsource, rent or mix: every sourcing option of a scenario as a case of the
    one engine, ranked by present value of cost (as ``ccecon compare``).

    Parameters
    ----------
    scenario : Scenario, str or Path
        Holds a ``sourcing`` section (the options, and optionally the ``current`` one).
    break_even : bool
        Also scan the monthly volume at which the ranking changes (default True).

    Returns
    -------
    Comparison
        Frozen: ``rows()`` / ``to_frame()`` (the ranked table: TCO and PV of cost in the
        scenario's currency, cost per contact and per inbound call as ``cc.evaluate``
        defines them, paid FTE, binding contract terms), ``move_rows()`` (NPV, ROI, IRR
        and payback of moving from the current option to each other one), ``to_dict()``
        (the ``ccecon compare --format json`` document).
    """
    from ccecon.sourcing.compare import sourcing_document

    sc, source = _scenario(scenario)
    return sourcing_document(sc, source, break_even=break_even)


def ingest(paths: Any, into: str | Path, **options: Any) -> IngestReport:
    """Load vendor exports or mapped CSV/Parquet into a DuckDB store (as ``ccecon ingest``).

    Parameters
    ----------
    paths : str, Path or list of them
        Files to load; the format is detected (or ``fmt="connect"``...).
    into : str or Path
        The DuckDB file (created if missing).
    **options
        ``fmt``, ``mapping`` (normalized column -> source column), ``progress``.

    Returns
    -------
    IngestReport
        Per file: read = loaded + quarantined, with the reasons.
    """
    from ccecon.data.ingest import ingest as _ingest

    if isinstance(paths, (str, Path)):
        paths = [paths]
    return _ingest(list(paths), into, **options)


def metrics(
    store: str | Path,
    by: str | list[str] = "queue,day",
    *,
    sl_threshold_s: float = 20.0,
    short_abandon_s: float = 5.0,
    cost_per_agent_hour: float | None = None,
    cost_per_minute: float | None = None,
) -> pd.DataFrame:
    """Contact metrics from a store (as ``ccecon metrics --kind contacts``).

    Parameters
    ----------
    store : str or Path
        A DuckDB store written by :func:`ingest`.
    by : str or list of str
        Group keys: queue, channel, direction, agent, interval, day, week, month...
    sl_threshold_s : float
        Service-level threshold T, seconds (answered within T).
    short_abandon_s : float
        Abandons quicker than this (seconds) are counted apart and leave the service-level
        denominator.
    cost_per_agent_hour, cost_per_minute : float, optional
        Rates for the cost columns (money per handle hour, per talk minute); without
        them the store's cost rates, else the cost is unknown (empty).

    Returns
    -------
    pandas.DataFrame
        One row per group: offered, self_service, blocked, failed, answered, abandoned,
        service_level (a fraction), asa_s, aht_s, cost, handle_cost_per_call (handle
        hours x agent-hour rate + talk minutes x telecom rate; not a scenario's fully
        loaded cost per inbound call)...
    """
    from ccecon.data.metrics import connect, load_cost_rates, metric_expr
    from ccecon.errors import InputError

    if not Path(store).is_file():
        raise InputError("store not found; run ingest first", file=str(store))
    keys = [k.strip() for k in by.split(",") if k.strip()] if isinstance(by, str) else list(by)
    con = connect(str(store))
    try:
        expr = metric_expr(
            con.table("interactions"),
            keys,
            cost_rates=load_cost_rates(con),
            sl_threshold_s=sl_threshold_s,
            short_abandon_s=short_abandon_s,
            cost_per_agent_hour=cost_per_agent_hour,
            cost_per_minute=cost_per_minute,
        )
        return expr.to_pyarrow().to_pandas()
    finally:
        con.disconnect()
