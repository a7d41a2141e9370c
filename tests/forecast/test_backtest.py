"""The backtest loop and the MSTL decomposition against independent sources: statsforecast's
own ``cross_validation`` and R's ``stl()`` defaults."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ccecon.forecast import models as m


def _series(days: int, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    d = np.arange(days)
    weekly = np.array([1.25, 1.1, 1.0, 1.0, 0.95, 0.6, 0.6])[d % 7]
    yearly = 1.0 + 0.2 * np.sin(2 * np.pi * d / 364.0)
    noise = np.exp(rng.normal(0, 0.05, days))
    return np.round(500 * (1 + 0.2 * d / days) * weekly * yearly * noise)


def test_stl_jumps_are_r_defaults() -> None:
    """R's stl(): t.window = nextodd(ceiling(1.5 period / (1 - 1.5 / s.window))), l.window =
    nextodd(period), each jump = ceiling(window / 10). Weekly, s.window 11: t.window =
    nextodd(ceiling(12.16)) = 13 -> 2, l.window 7 -> 1, s.jump 2. Yearly, s.window 15:
    t.window = nextodd(ceiling(608.33)) = 609 -> 61, l.window 365 -> 37, s.jump 2."""
    assert m._stl_jumps(7, 11) == {"seasonal_jump": 2, "trend_jump": 2, "low_pass_jump": 1}
    assert m._stl_jumps(365, 15) == {"seasonal_jump": 2, "trend_jump": 61, "low_pass_jump": 37}


def test_one_season_decomposition_is_statsmodels_stl() -> None:
    """With one season MSTL is one STL pass (statsmodels, seasonal window 11, degree 0):
    the parts equal STL's with the same jumps, and add up to the series."""
    from statsmodels.tsa.seasonal import STL

    y = _series(200)
    parts = m.mstl_decompose(y, [7])
    ref = STL(
        y, period=7, seasonal=11, seasonal_deg=0, seasonal_jump=2, trend_jump=2, low_pass_jump=1
    ).fit()
    np.testing.assert_allclose(parts["seasonal7"], ref.seasonal, rtol=0, atol=1e-9)
    np.testing.assert_allclose(parts["trend"], ref.trend, rtol=0, atol=1e-9)
    np.testing.assert_allclose(parts["trend"] + parts["seasonal7"] + parts["remainder"], y)


def test_backtest_is_statsforecast_cross_validation() -> None:
    """The per-series loop scores what statsforecast's cross_validation (3 windows of 28
    days, refit=False) forecasts for the same models: WAPE = sum |y - f| / sum y per model."""
    from statsforecast import StatsForecast

    y = _series(3 * 364)
    models, _ = m._models("day", y.size, True)
    names = [m._name(mo) for mo in models]
    scores, _best, _fc = m._run_one(m._Job("q", y, "day", 7, 80))
    sf_models = [mo for mo in models if not isinstance(mo, m.SeasonalMSTL)]
    df = pd.DataFrame(
        {"unique_id": "q", "ds": pd.date_range("2023-01-02", periods=y.size, freq="D"), "y": y}
    )
    cv = StatsForecast(models=sf_models, freq="D", n_jobs=1).cross_validation(
        df=df, h=28, n_windows=3, step_size=28, refit=False
    )
    assert len(cv) == 84
    for mo in sf_models:
        k = m._name(mo)
        want = float(np.abs(cv["y"] - cv[k]).sum() / cv["y"].sum())
        assert scores[k]["wape"] == pytest.approx(want, rel=1e-9), k
    assert set(scores) == set(names)


def test_weekly_mstl_is_statsforecast_mstl() -> None:
    """With one season (and so one STL pass) SeasonalMSTL is statsforecast's MSTL given the
    same loess jumps and trend model: the same forecast, interval and forward."""
    from statsforecast.models import MSTL, AutoETS

    y = _series(400)
    ours = m.SeasonalMSTL([7], trend=AutoETS(model="AAN", damped=True))
    theirs = MSTL(
        season_length=7,
        trend_forecaster=AutoETS(model="AAN", damped=True),
        stl_kwargs=m._stl_jumps(7, 11),
    )
    a, b = ours.forecast(y=y, h=30, level=[80]), theirs.forecast(y=y, h=30, level=[80])
    for k in ("mean", "lo-80", "hi-80"):
        np.testing.assert_allclose(a[k], b[k], rtol=1e-9)
    fa = ours.new().fit(y[:300]).forward(y=y, h=30, level=[80])
    fb = theirs.new().fit(y[:300]).forward(y=y, h=30, level=[80])
    np.testing.assert_allclose(fa["mean"], fb["mean"], rtol=1e-9)
