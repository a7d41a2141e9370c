"""Forecast each series with statsforecast, the model chosen by a rolling-origin backtest.

Candidates per grain (statsforecast, Nixtla; ``season`` = :data:`series.SEASON`):

* ``SeasonalNaive`` (the baseline every other model must beat: the same period one
  season ago);
* ``AutoETS`` (exponential smoothing) with the season: for months its form chosen by
  AICc among all; for days one form, :data:`DAY_ETS` (statsforecast's ETS takes seasons
  up to 24, so none for weeks);
* ``MSTL`` (:class:`SeasonalMSTL`: seasonal-trend decomposition by LOESS with several
  seasons, the seasonally adjusted series forecast by damped Holt, :data:`MSTL_TREND`):
  weekly and yearly seasons for days (7 and 365, when the history holds two years), the
  year for weeks (52).

Backtest: ``windows`` origins, each ``h`` periods ahead (``h`` = 28 days, 13 weeks or 3
months), stepping by ``h``. Each model is fitted once, at the first origin, and carried
forward to the later origins with its parameters fixed (statsforecast's ``refit=False``:
the states are updated by the new actuals, as a fitted model is used in production
between refits). Each candidate's WAPE (sum |actual - forecast| / sum actual) over all
windows, and its MASE (mean absolute error over the in-sample mean absolute error of the
seasonal naive). The lowest WAPE wins for that series. The winner alone makes the
forecast: carried on to the last actual the same way when the backtest held out less
than :data:`REFIT_SHARE` of the history, else fitted again on the whole history. A
series too short for its season (fewer than two seasons plus the backtest) is forecast by
``AutoETS`` without season, or ``Naive`` when even that cannot be backtested, and the
result names the fallback and why.

Cost (benchmarks/bench_forecast.py, docs/forecast.md): on three years of days one fit of
AutoETS with a weekly season takes 30-110 ms of CPU, and AutoETS's search of every form
about 15 of them; the decomposition by STL with R's loess jumps about 15 ms.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ccecon.forecast.series import SEASON, freq_of

if TYPE_CHECKING:
    import pandas as pd

HORIZON_STEP = {"day": 28, "week": 13, "month": 3}
"""Periods ahead in each backtest window."""
WINDOWS = 3
"""Backtest windows (rolling origins)."""
DAY_ETS = {True: "MAM", False: "ANA"}
"""AutoETS's form for days (Hyndman's notation), by whether every day has contacts:
multiplicative error and weekly season with an additive trend (M,A,M), or additive error
and season without trend (A,N,A; multiplicative forms need values above 0, and a closed
day is a 0). AutoETS's search of all forms, at 5 to 15 times the cost, picks M,A,M for
14 of 18 of the benchmark's series (M,Ad,M for the others) and A,N,A for all 4 of
``ccecon synth``'s; the backtest WAPE of each series' winner is not worse on average
(docs/forecast.md)."""
MSTL_TREND = "AAdN"
"""The model of MSTL's seasonally adjusted series: damped Holt (A,Ad,N; Gardner &
McKenzie 1985), one form instead of AutoETS's search of six (backtest WAPE within 0.001
of the search, a quarter of the cost)."""
REFIT_SHARE = 0.10
"""The winner is fitted again on the whole history for the forecast when the backtest
held out this share of the history or more (months, weeks, short histories); below it
(years of days: 84 of 1,092 days) the backtested fit is carried to the last actual, its
states updated (on the benchmark's series, forecasting 56 held-out days, WAPE within
0.001 of a refit; docs/forecast.md)."""


@dataclass(frozen=True)
class SeriesForecast:
    """One series' forecast.

    Attributes
    ----------
    unique_id : the series (its keys' values joined by `` / ``).
    target : ``contacts`` or ``aht_s``.
    model : the chosen model's name.
    fallback : None, or why the series was forecast without its season.
    backtest : dict of model name to {"wape": float, "mase": float}.
    ds, mean, lo, hi : the forecast periods, mean and prediction interval bounds.
    level : the interval's level, percent.
    """

    unique_id: str
    target: str
    model: str
    fallback: str | None
    backtest: dict[str, dict[str, float]]
    ds: list[str]
    mean: list[float]
    lo: list[float]
    hi: list[float]
    level: int
    history_periods: int = 0
    notes: list[str] = field(default_factory=list)


def _stl_jumps(period: int, seasonal: int) -> dict[str, int]:
    """R's ``stl()`` defaults for one season: each loess evaluated at every
    ``ceiling(window / 10)``-th point (Cleveland et al. 1990), the trend window the next
    odd integer from ``1.5 period / (1 - 1.5 / seasonal)``, the low-pass window the next
    odd integer from the period (statsmodels' STL takes the same windows)."""

    def odd(x: float) -> int:
        k = math.ceil(x)
        return k if k % 2 else k + 1

    trend = odd(1.5 * period / (1 - 1.5 / seasonal))
    return {
        "seasonal_jump": math.ceil(seasonal / 10),
        "trend_jump": math.ceil(trend / 10),
        "low_pass_jump": math.ceil(odd(period) / 10),
    }


def mstl_decompose(y: np.ndarray, periods: list[int]) -> dict[str, np.ndarray]:
    """MSTL (Bandara, Hyndman & Bergmeir 2021; R's ``forecast::mstl``): STL by season,
    shortest first, two passes, seasonal windows 11, 15, ... (7 + 4 k) and seasonal
    degree 0, as statsforecast's ``mstl``; each season's loess jumps those of R's
    ``stl()`` for that season (:func:`_stl_jumps`) rather than one set for all.

    Returns ``trend``, ``seasonal{p}`` per period and ``remainder`` (same units as ``y``).
    """
    from statsmodels.tsa.seasonal import STL

    msts = sorted(periods)
    windows = [7 + 4 * (i + 1) for i in range(len(msts))]
    seas = np.zeros((len(msts), y.size))
    deseas = np.array(y, dtype=float)
    trend = deseas
    for _ in range(1 if len(msts) == 1 else 2):
        for i, p in enumerate(msts):
            deseas = deseas + seas[i]
            fit = STL(
                deseas, period=p, seasonal=windows[i], seasonal_deg=0, **_stl_jumps(p, windows[i])
            ).fit()
            seas[i] = fit.seasonal
            deseas = deseas - seas[i]
            trend = fit.trend
    out = {"trend": np.asarray(trend)}
    out.update({f"seasonal{p}": seas[i] for i, p in enumerate(msts)})
    out["remainder"] = deseas - out["trend"]
    return out


def _seasonal_ahead(parts: dict[str, np.ndarray], periods: list[int], h: int) -> np.ndarray:
    """Each season's last cycle repeated ``h`` periods ahead, summed (the seasonal naive
    of every component, as MSTL forecasts its seasons)."""
    total = np.zeros(h)
    for p in sorted(periods):
        last = parts[f"seasonal{p}"][-p:]
        total += np.tile(last, h // p + 1)[:h]
    return total


class SeasonalMSTL:
    """MSTL: the series decomposed by :func:`mstl_decompose`, the seasonally adjusted
    series (trend + remainder) forecast by ``trend`` (a statsforecast model; AutoETS
    without season by default, as statsforecast's MSTL), each season by its last cycle.
    The statsforecast interface the backtest uses: ``fit``, ``predict``, ``forward``,
    ``forecast``, ``alias``."""

    def __init__(self, season_length: list[int], trend: Any = None, alias: str = "MSTL"):
        from statsforecast.models import AutoETS

        self.season_length = list(season_length)
        self.trend = trend if trend is not None else AutoETS(model="ZZN")
        self.alias = alias
        self.parts_: dict[str, np.ndarray] = {}

    def fit(self, y: np.ndarray) -> SeasonalMSTL:
        self.parts_ = mstl_decompose(y, self.season_length)
        self.trend = self.trend.new().fit(y=self.parts_["trend"] + self.parts_["remainder"])
        return self

    def predict(self, h: int, level: list[int] | None = None) -> dict[str, np.ndarray]:
        res = self.trend.predict(h=h, level=level)
        seas = _seasonal_ahead(self.parts_, self.season_length, h)
        return {k: v + seas for k, v in res.items()}

    def forward(self, y: np.ndarray, h: int, level: list[int] | None = None) -> dict[str, Any]:
        parts = mstl_decompose(y, self.season_length)
        res = self.trend.forward(y=parts["trend"] + parts["remainder"], h=h, level=level)
        seas = _seasonal_ahead(parts, self.season_length, h)
        return {k: v + seas for k, v in res.items() if k == "mean" or k.startswith(("lo", "hi"))}

    def forecast(self, y: np.ndarray, h: int, level: list[int] | None = None) -> dict[str, Any]:
        return self.fit(y).predict(h=h, level=level)

    def new(self) -> SeasonalMSTL:
        return SeasonalMSTL(self.season_length, self.trend.new(), self.alias)


def _models(grain: str, n: int, positive: bool = True) -> tuple[list[Any], str | None]:
    """Candidate models for a series of ``n`` periods (and the fallback note, if any);
    ``positive``: every value of the series above 0 (multiplicative forms allowed)."""
    from statsforecast.models import AutoETS, Naive, SeasonalNaive

    m = SEASON[grain]
    h = HORIZON_STEP[grain]
    needed = 2 * m + WINDOWS * h
    if n < needed:
        if n >= 2 * WINDOWS * h + 2:
            return [Naive(), AutoETS(season_length=1)], (
                f"{n} periods are too few for a season of {m} (at least {needed} are"
                " needed with the backtest): forecast without season"
            )
        return [Naive()], (
            f"{n} periods are too few for a season of {m} or a backtest (at least"
            f" {2 * WINDOWS * h + 2} are needed): forecast by Naive (the last value), not"
            " backtested"
        )
    models: list[Any] = [SeasonalNaive(season_length=m)]
    if grain == "month":
        models.append(AutoETS(season_length=m))
    elif grain == "day":
        models.append(_ets(DAY_ETS[positive], m))
    if grain == "day":
        seasons = [7, 365] if n >= 2 * 365 + WINDOWS * h else [7]
        models.append(SeasonalMSTL(seasons, trend=_mstl_trend()))
    elif grain == "week":
        models.append(SeasonalMSTL([52], trend=_mstl_trend()))
    return models, None


def _mstl_trend() -> Any:
    return _ets(MSTL_TREND, 1)


def _ets(form: str, season: int) -> Any:
    """AutoETS of one form in Hyndman's notation (``MAdM``: multiplicative error, damped
    additive trend, multiplicative season; ``Z``: chosen by AICc)."""
    from statsforecast.models import AutoETS

    damped = True if "d" in form else (None if form[1] == "Z" else False)
    return AutoETS(
        season_length=season, model=form.replace("d", ""), damped=damped, alias="AutoETS"
    )


def _name(model: Any) -> str:
    return str(getattr(model, "alias", type(model).__name__))


@dataclass(frozen=True)
class _Job:
    uid: str
    y: np.ndarray
    grain: str
    horizon: int
    level: int


def _run_one(job: _Job) -> tuple[dict[str, dict[str, float]], str, dict[str, Any]]:
    """One series: the backtest of every candidate, then the winner's forecast
    ``horizon`` periods ahead.

    The backtest is statsforecast's ``cross_validation(n_windows=WINDOWS, step_size=h,
    refit=False)`` for one series: each model fitted once at the first origin, carried to
    the later origins by ``forward`` (its states updated by the new actuals, its
    parameters kept). The winner is carried on to the last actual the same way when the
    backtest holds out less than :data:`REFIT_SHARE` of the history, else fitted again on
    the whole history."""
    y = job.y
    n = y.size
    h = HORIZON_STEP[job.grain]
    models, _ = _models(job.grain, n, bool(np.all(y > 0)))
    names = [_name(mo) for mo in models]
    fitted: dict[str, Any] = {}
    if n >= 2 * WINDOWS * h + 2:
        cuts = [n - (WINDOWS - w) * h for w in range(WINDOWS)]
        actual = np.concatenate([y[c : c + h] for c in cuts])
        preds = {}
        for mo, k in zip(models, names, strict=True):
            fitted[k] = mo.new().fit(y=y[: cuts[0]])
            parts = [fitted[k].predict(h=h)["mean"]]
            parts += [fitted[k].forward(y=y[:c], h=h)["mean"] for c in cuts[1:]]
            preds[k] = np.concatenate(parts)
        scores = _scores(actual, y[: cuts[0]], preds, SEASON[job.grain])
    else:  # too short to backtest: the one model, unscored
        scores = {k: {"wape": math.nan, "mase": math.nan} for k in names}
    best = min(names, key=lambda k: (scores[k]["wape"], names.index(k)))
    if fitted and WINDOWS * h < REFIT_SHARE * n:
        return scores, best, fitted[best].forward(y=y, h=job.horizon, level=[job.level])
    model = models[names.index(best)]
    return scores, best, model.forecast(y=y, h=job.horizon, level=[job.level])


def forecast_frame(
    frame: pd.DataFrame,
    grain: str,
    horizon: int,
    target: str = "contacts",
    level: int = 80,
    n_jobs: int = 1,
    events: dict[str, float] | None = None,
) -> list[SeriesForecast]:
    """Backtest the candidates on every series of ``frame`` and forecast ``horizon``
    periods with the winner.

    Parameters
    ----------
    frame : DataFrame
        Long table with ``unique_id``, ``ds`` and the target column (``y`` for contacts,
        ``aht_s``), every period present.
    grain : str
        ``day``, ``week`` or ``month``.
    horizon : int
        Periods to forecast.
    target : str
        ``contacts`` or ``aht_s`` (AHT periods without answered contacts are filled from
        the neighbouring periods before fitting).
    level : int
        Prediction interval level, percent.
    n_jobs : int
        Processes statsforecast may use.
    events : dict, optional
        Day -> volume factor (holidays, campaigns; :func:`series.read_events`): the
        history is divided by each period's factor before fitting and the forecast
        multiplied by it (contacts only), so an event neither bends the model nor is
        forgotten in the forecast.
    """
    import pandas as pd

    col = "y" if target == "contacts" else "aht_s"
    out: list[SeriesForecast] = []
    freq = freq_of(grain)
    data = frame[["unique_id", "ds", col]].rename(columns={col: "y"}).copy()
    data["ds"] = pd.to_datetime(data["ds"])
    if target != "contacts":
        data["y"] = data.groupby("unique_id")["y"].transform(lambda s: s.ffill().bfill())
        data = data.dropna(subset=["y"])
        events = None
    if events:
        from ccecon.forecast.series import period_factors

        fac = period_factors(events, data["ds"], grain)
        data["y"] = np.where(fac > 0, data["y"].to_numpy(float) / np.where(fac > 0, fac, 1), 0)
    data = data.sort_values(["unique_id", "ds"], kind="stable")
    jobs, last = [], {}
    for uid, g in data.groupby("unique_id", sort=True):
        jobs.append(_Job(str(uid), g["y"].to_numpy(float), grain, horizon, level))
        last[str(uid)] = g["ds"].iloc[-1]
    for job, (scores, best, fc) in zip(jobs, _map(jobs, n_jobs), strict=True):
        ds = pd.date_range(last[job.uid], periods=horizon + 1, freq=freq)[1:]
        mean, lo, hi = (np.asarray(fc[k], float) for k in ("mean", f"lo-{level}", f"hi-{level}"))
        if events:
            from ccecon.forecast.series import period_factors

            fac = period_factors(events, pd.Series(ds), grain)
            mean, lo, hi = mean * fac, lo * fac, hi * fac
        out.append(
            SeriesForecast(
                unique_id=job.uid,
                target=target,
                model=best,
                fallback=_models(grain, job.y.size)[1],
                backtest=scores,
                ds=[f"{d:%Y-%m-%d}" for d in ds],
                mean=[max(0.0, float(v)) for v in mean],
                lo=[max(0.0, float(v)) for v in lo],
                hi=[max(0.0, float(v)) for v in hi],
                level=level,
                history_periods=int(job.y.size),
            )
        )
    return out


def _map(jobs: list[_Job], n_jobs: int) -> list[tuple[dict[str, dict[str, float]], str, Any]]:
    """:func:`_run_one` over the series, on ``n_jobs`` processes when there are several
    series (as statsforecast's ``n_jobs``: whole series to each process)."""
    if n_jobs <= 1 or len(jobs) < 2:
        return [_run_one(j) for j in jobs]
    from concurrent.futures import ProcessPoolExecutor

    workers = min(n_jobs, len(jobs))
    chunk = max(1, math.ceil(len(jobs) / (4 * workers)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_run_one, jobs, chunksize=chunk))


def _scores(
    actual: np.ndarray, train: np.ndarray, preds: dict[str, np.ndarray], season: int
) -> dict[str, dict[str, float]]:
    """WAPE and MASE of each model over every backtest window of one series (``train``:
    the history up to the first origin, for the seasonal naive's in-sample error)."""
    m = season if train.size > season else 1
    scale = float(np.mean(np.abs(train[m:] - train[:-m]))) if train.size > m else math.nan
    total = float(np.abs(actual).sum())
    res = {}
    for k, pred in preds.items():
        err = np.abs(actual - pred)
        res[k] = {
            "wape": float(err.sum() / total) if total > 0 else math.nan,
            "mase": float(err.mean() / scale) if scale and scale > 0 else math.nan,
        }
    return res
