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

from ccecon.defaults import DEFAULT_SL_TARGET, DEFAULT_SL_THRESHOLD_S

if TYPE_CHECKING:
    import pandas as pd

    from ccecon.budget.plan import Budget
    from ccecon.budget.track import Tracking
    from ccecon.data.ingest import IngestReport
    from ccecon.engine import Result
    from ccecon.forecast.run import Forecast
    from ccecon.scenario.schema import Scenario
    from ccecon.scheduling.roster import Rules
    from ccecon.scheduling.run import ScheduleRun
    from ccecon.sourcing.compare import Comparison
    from ccecon.targets.document import TargetsPlan, TargetsTracking
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


def forecast_contacts(
    store: str | Path,
    by: str | list[str] = "queue",
    *,
    horizon: int = 18,
    grain: str = "month",
    level: int = 80,
    out: str | Path | None = None,
    events: str | Path | None = None,
) -> Forecast:
    """Contacts and AHT per series of a store, each series' model chosen by a
    rolling-origin backtest against the seasonal naive (as ``ccecon forecast``).

    Parameters
    ----------
    store : str or Path
        A DuckDB store written by :func:`ingest`.
    by : str or list of str
        Series keys: ``queue``, ``channel`` or both (``"queue,channel"``).
    horizon : int
        Periods ahead (>= 1), in ``grain`` periods.
    grain : {"month", "week", "day"}
        The period of the history and of the forecast.
    level : int
        Prediction interval, percent (50-99).
    out : str, Path or None
        Also write the scenario fragment (YAML) here, for :func:`budget_plan`'s
        ``forecast`` or a scenario's ``channels``.
    events : str, Path or None
        CSV of holidays and known events: ``date``, ``factor`` (0 = closed).

    Returns
    -------
    Forecast
        Frozen: ``to_frame()`` (series, model, period, contacts, lo, hi, aht_s in
        seconds), ``to_dict()`` (the ``ccecon forecast --format json`` document),
        ``fragment`` (the scenario channels with ranges).

    See Also
    --------
    ccecon.forecast.run.run_forecast : the same path as ``ccecon forecast``.
    """
    from ccecon.forecast.run import run_forecast

    return run_forecast(store, by, horizon, grain, level, out, events)


def budget_plan(
    scenario: Any,
    year: int,
    *,
    fy_start: int = 1,
    case: str = "proposal",
    reserve: float | None = None,
    draws: int = 2000,
    seed: int = 0,
    forecast: str | Path | None = None,
    out: str | Path | None = None,
) -> Budget:
    """A fiscal year's cost budget of a scenario's case, by month and element, with a
    reserve for the unforeseen (as ``ccecon budget plan``).

    Parameters
    ----------
    scenario : Scenario, str or Path
        A scenario or the path of a scenario file (a path when ``forecast`` is given).
    year : int
        The fiscal year (it starts in month ``fy_start`` of that calendar year).
    fy_start : int
        First calendar month of the fiscal year, 1-12.
    case : {"proposal", "baseline"}
        The case budgeted.
    reserve : float or None
        Reserve as a share of the budget (0.05 = 5 %); default P90 - P50 of the
        year's simulated cost when the scenario has ranges, else none.
    draws : int
        Draws of the simulated reserve (>= 100).
    seed : int
        Seed of the simulated reserve.
    forecast : str, Path or None
        A :func:`forecast_contacts` fragment (``out=``): its channels replace the scenario's.
    out : str, Path or None
        Also write the budget document (JSON) here, for :func:`budget_track`.

    Returns
    -------
    Budget
        Frozen: ``by_element`` (element -> 12 monthly amounts in ``currency``),
        ``lines``, ``reserve``, ``total``; ``to_frame()`` (a row per month),
        ``to_dict()`` (the ``ccecon budget plan --format json`` document).
    """
    import json

    from ccecon.budget.plan import plan_budget, plan_budget_file
    from ccecon.errors import InputError

    if draws < 100:
        raise InputError("expected at least 100 draws", field="draws", value=draws)
    options: dict[str, Any] = {
        "fy_start": fy_start,
        "case": case,
        "reserve_share": reserve,
        "draws": draws,
        "seed": seed,
    }
    if isinstance(scenario, (str, Path)):
        b = plan_budget_file(scenario, int(year), forecast=forecast, **options)
    elif forecast is not None:
        raise InputError(
            "a forecast is merged into a scenario file: give the scenario's path",
            field="forecast",
            value=str(forecast),
        )
    else:
        b = plan_budget(scenario, int(year), **options)
    if out is not None:
        Path(out).write_text(json.dumps(b.to_dict(), indent=1) + "\n", encoding="utf-8")
    return b


def budget_track(
    budget: str | Path,
    store: str | Path,
    *,
    threshold: float = 0.05,
    reforecast: str | Path | None = None,
    forecast: str | Path | None = None,
    report: str | Path | list[str | Path] | None = None,
    locale: str | None = None,
    paper: str | None = None,
) -> Tracking:
    """Budget vs actual, month by month and element by element (as ``ccecon budget
    track``): the variance, its split into volume, efficiency and rate, the re-forecast
    of the year, the reserve used and the BPO invoices checked against their contract.

    Parameters
    ----------
    budget : str or Path
        A budget document (:func:`budget_plan`'s ``out``, JSON).
    store : str or Path
        The actuals store (DuckDB) of :func:`ingest`: interactions, agent states,
        payroll, invoices.
    threshold : float
        Flag a variance beyond this share of budget (0.05 = 5 %).
    reforecast : str, Path or None
        A budget of the same year re-planned from a newer forecast: its months after
        the actuals make the re-forecast.
    forecast : str, Path or None
        A :func:`forecast_contacts` fragment to chart beside the actuals.
    report : str, Path, list of them, or None
        Also write the report, by extension: ``.html``, ``.xlsx`` (live formulas),
        ``.pdf`` (needs chromium).
    locale : {"en", "zh"} or None
        The report's language; default the budget's.
    paper : {"a4", "letter"} or None
        The PDF's paper; default by currency.

    Returns
    -------
    Tracking
        Frozen: ``to_frame(table)`` (``monthly``, ``by_element``, ``variance_split``,
        ``reforecast``, ``audit``; money in the budget's currency), ``to_dict()`` (the
        ``ccecon budget track --format json`` document).
    """
    from ccecon.budget.track import track_files
    from ccecon.errors import InputError
    from ccecon.labels import LOCALES
    from ccecon.units import SHARE, parse_ratio

    share = parse_ratio(threshold, SHARE, "threshold")
    if locale is not None and locale not in LOCALES:
        raise InputError(
            "unknown locale; expected " + ", ".join(LOCALES), field="locale", value=locale
        )
    res = track_files(budget, store, share, reforecast, forecast)
    if report is not None:
        from ccecon.reports.budget import check_report_paths, write_track_report

        paths = [report] if isinstance(report, (str, Path)) else list(report)
        for path in check_report_paths([Path(p) for p in paths], paper):
            write_track_report(res.to_dict(), path, locale or res.locale, paper=paper)
    return res


def schedule(
    requirements: str | Path,
    shifts: str | Path,
    *,
    sl_target: float | None = DEFAULT_SL_TARGET,
    sl_threshold_s: float | None = DEFAULT_SL_THRESHOLD_S,
    patience_s: float | None = None,
    shrinkage: float = 0.0,
    interval_minutes: int | None = None,
    month: int = 1,
    cover: str | None = None,
    time_limit: float = 60.0,
    roster: str | Path | None = None,
    weeks: int = 1,
    rules: Rules | None = None,
) -> ScheduleRun:
    """Shifts that cover an interval requirement at the least paid hours (or the least
    cost of missing and excess agents), as ``ccecon schedule``.

    Parameters
    ----------
    requirements : str or Path
        An interval CSV (``start``, ``agents``; or ``calls`` and ``aht_s`` in seconds,
        staffed here to the goal) or a scenario file with ``staffing`` (its week of
        plan month ``month``, staffed to the scenario's goals).
    shifts : str or Path
        The shift templates file (YAML; docs/scheduling.md).
    sl_target : float or None
        Service level goal, a fraction (0.8 = 80 % answered within ``sl_threshold_s``),
        for a CSV of calls.
    sl_threshold_s : float or None
        Its threshold, seconds (also of the service level reported).
    patience_s : float or None
        Mean patience, seconds: Erlang A (default the scenario's, else Erlang C).
    shrinkage : float
        Time off the phones beyond the breaks, a fraction in [0, 1).
    interval_minutes : int or None
        Interval length, minutes; default read from the starts.
    month : int
        Plan month of a scenario requirement (1 = the first after signing).
    cover : {"hard", "soft"} or None
        Default the shifts file's.
    time_limit : float
        Solver time limit, seconds.
    roster : str, Path or None
        An agents CSV to assign to the designed shifts.
    weeks : int
        Weeks the designed week repeats in the roster (1-4).
    rules : Rules or None
        The roster's rules (:class:`ccecon.scheduling.roster.Rules`).

    Returns
    -------
    ScheduleRun
        Frozen: ``summary`` (paid hours, efficiency and service level as fractions,
        paid FTE, cost in the shifts file's currency, solver status and gap),
        ``to_frame(table)`` (``coverage``, ``schedule``, ``roster``, ``assignments``),
        ``to_dict()`` (the ``ccecon schedule --format json`` document).

    See Also
    --------
    ccecon.scheduling.run.run_schedule : the same path as ``ccecon schedule``.
    """
    from ccecon.scheduling.run import run_schedule

    return run_schedule(
        requirements,
        shifts,
        sl_target=sl_target,
        sl_threshold_s=sl_threshold_s,
        patience_s=patience_s,
        shrinkage=shrinkage,
        interval_minutes=interval_minutes,
        month=month,
        cover=cover,
        time_limit=time_limit,
        roster=roster,
        weeks=weeks,
        rules=rules,
    )


def targets_plan(targets: str | Path, level: str = "month") -> TargetsPlan:
    """A yearly goal decomposed over a fiscal calendar (4-4-5, 4-5-4, 5-4-4 or calendar
    months) and, with actuals in the file, the open months re-planned (as ``ccecon
    targets plan``).

    Parameters
    ----------
    targets : str or Path
        A targets file (YAML; docs/targets.md).
    level : {"year", "quarter", "month", "week", "day", "half_day"}
        The rows returned.

    Returns
    -------
    TargetsPlan
        Frozen: ``rows`` / ``to_frame()`` (period, start, end, target in the goal's
        unit, locked; at month level with actuals also actual and replanned),
        ``to_dict()`` (the ``ccecon targets plan --format json`` document).
    """
    from ccecon.targets.document import TargetsPlan, plan_document
    from ccecon.targets.spec import load_targets

    spec = load_targets(targets)
    rows, doc = plan_document(spec, level)
    return TargetsPlan(level, tuple(rows), doc)


def targets_track(targets: str | Path, store: str | Path, by: str | None = None) -> TargetsTracking:
    """Target versus actual per fiscal month from a store (as ``ccecon targets track``),
    optionally attributed to agents, teams, supervisors or managers.

    Parameters
    ----------
    targets : str or Path
        A targets file (YAML).
    store : str or Path
        The actuals store (DuckDB) of :func:`ingest`; the file's ``metric`` (revenue,
        profit or sales) is summed from its interactions.
    by : {"agent", "team", "supervisor", "manager"} or None
        Also attribute the actuals to this level of the file's ``hierarchy``.

    Returns
    -------
    TargetsTracking
        Frozen: ``to_frame()`` (per fiscal month: target, actual, cumulative both and
        the gap, in the goal's unit; ``to_frame("attribution")`` with ``by``),
        ``to_dict()`` (the ``ccecon targets track --format json`` document).
    """
    from ccecon.targets.document import TargetsTracking, track_document
    from ccecon.targets.spec import load_targets

    spec = load_targets(targets)
    _, doc, tracking = track_document(spec, store, by, source=str(targets))
    return TargetsTracking(doc, spec.unit, tracking)
