"""Forecasts from a store with a known history: the backtest, the intervals, the fragment.

The store is built in DuckDB from a stated generator (trend, weekly and yearly cycles,
multiplicative noise), so the truth of the held-out days is known exactly.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import duckdb
import numpy as np
import pytest
from typer.testing import CliRunner

from ccecon.cli.app import app
from ccecon.data.schema import DDL
from ccecon.forecast.models import forecast_frame
from ccecon.forecast.series import interval_profile, read_history

START = "2023-01-02"  # a Monday
DAYS = 3 * 364


def truth(day: np.ndarray, base: float) -> np.ndarray:
    """Expected contacts on day ``day`` (0 = START): 30 % more in three years, Monday
    +25 % and the weekend -40 %, a yearly wave of +-20 %."""
    weekly = np.array([1.25, 1.1, 1.0, 1.0, 0.95, 0.6, 0.6])[day % 7]
    yearly = 1.0 + 0.2 * np.sin(2 * np.pi * day / 364.0)
    return base * (1.0 + 0.3 * day / DAYS) * weekly * yearly


def build_store(path: Path, days: int, queues: dict[str, float], seed: int = 1) -> np.ndarray:
    """One row per contact, arriving at 10:00 (answered, 240 s talk + 60 s after-call work);
    counts = truth x lognormal noise (sd 5 %). Returns the counts per queue and day."""
    rng = np.random.default_rng(seed)
    con = duckdb.connect(str(path))
    for stmt in DDL:
        con.execute(stmt)
    counts = {}
    for q, base in queues.items():
        d = np.arange(days)
        n = np.round(truth(d, base) * np.exp(rng.normal(0, 0.05, days))).astype(int)
        counts[q] = n
        con.execute("CREATE OR REPLACE TEMP TABLE n (d INTEGER, k INTEGER)")
        con.executemany(
            "INSERT INTO n VALUES (?, ?)", list(zip(d.tolist(), n.tolist(), strict=True))
        )
        con.execute(
            f"""
            INSERT INTO interactions (interaction_id, channel, direction, queue, arrival_ts,
                                      answer_ts, end_ts, queue_wait_s, talk_s, hold_s, acw_s,
                                      abandoned, outcome)
            SELECT '{q}-' || d || '-' || i, 'voice', 'inbound', '{q}',
                   TIMESTAMP '{START} 10:00:00' + d * INTERVAL 1 DAY,
                   TIMESTAMP '{START} 10:00:10' + d * INTERVAL 1 DAY,
                   TIMESTAMP '{START} 10:05:10' + d * INTERVAL 1 DAY,
                   10, 240, 0, 60, false, 'queued'
            FROM n, range(k) AS r(i)
            """
        )
    con.close()
    return np.array(list(counts.values()))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fc") / "actuals.duckdb"
    build_store(path, DAYS - 56, {"sales": 400.0, "service": 150.0})
    return path


def test_history_is_what_the_generator_wrote(store: Path) -> None:
    hist = read_history(store, ("queue",), "day")
    rng = np.random.default_rng(1)
    d = np.arange(DAYS - 56)
    want = np.round(truth(d, 400.0) * np.exp(rng.normal(0, 0.05, d.size))).astype(int)
    got = hist.frame[hist.frame["unique_id"] == "sales"]["y"].to_numpy()
    np.testing.assert_array_equal(got, want)
    assert set(hist.frame["aht_s"].dropna().round(6)) == {300.0}  # (240 + 0 + 60) s


def test_chosen_model_beats_seasonal_naive_and_intervals_cover(store: Path) -> None:
    """Backtest WAPE of the chosen model below the seasonal naive's on both series; on the
    56 held-out days (the generator's truth, noise included) the 80 % interval holds the
    actual count on 65 % to 95 % of days (tolerance for 2 x 56 days and a model fit)."""
    hist = read_history(store, ("queue",), "day")
    out = forecast_frame(hist.frame, "day", 56, "contacts", 80)
    rng = np.random.default_rng(1)
    full = {}
    for q, base in (("sales", 400.0), ("service", 150.0)):
        d = np.arange(DAYS)
        full[q] = np.round(truth(d, base) * np.exp(rng.normal(0, 0.05, DAYS))).astype(int)
    inside = 0
    for fc in out:
        assert fc.fallback is None
        assert fc.backtest[fc.model]["wape"] < fc.backtest["SeasonalNaive"]["wape"], fc.backtest
        actual = full[fc.unique_id][DAYS - 56 :]
        lo, hi = np.array(fc.lo), np.array(fc.hi)
        inside += int(((actual >= lo) & (actual <= hi)).sum())
        # the forecast is close: mean absolute percentage error under 10 %
        assert np.mean(np.abs(np.array(fc.mean) - actual) / actual) < 0.10
    coverage = inside / (2 * 56)
    assert 0.65 <= coverage <= 0.95, coverage


def test_short_series_falls_back_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "short.duckdb"
    build_store(path, 40, {"new queue": 100.0})
    runner = CliRunner()
    r = runner.invoke(
        app,
        ["forecast", "--from", str(path), "--grain", "day", "--horizon", "7"],
        env={"COLUMNS": "200"},
    )
    assert r.exit_code == 0, r.output
    assert "too few for a season of 7" in r.output and "fallback" in r.output


def test_fragment_is_a_scenario_and_follows_the_forecast(store: Path, tmp_path: Path) -> None:
    """The fragment's per_month is the average calendar month of the first 12 forecast
    months (sum of the monthly forecast / 12), AHT 300 s, and it evaluates as a scenario."""
    from ccecon.engine import evaluate
    from ccecon.scenario.load import load_scenario

    out = tmp_path / "fragment.yaml"
    runner = CliRunner()
    r = runner.invoke(
        app,
        [
            "forecast",
            "--from",
            str(store),
            "--grain",
            "month",
            "--horizon",
            "12",
            "--out",
            str(out),
            "--format",
            "json",
        ],
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    series = {s["series"]: s for s in doc["series"]}
    ch = {c["name"]: c for c in doc["fragment"]["channels"]}
    months = [p["contacts"] for p in series["sales"]["forecast"]]
    # "sales" is a built-in driver's name, so the channel is called sales_queue
    assert ch["sales_queue"]["per_month"]["mean"] == pytest.approx(sum(months) / 12, abs=0.1)
    assert ch["sales_queue"]["aht_s"] == pytest.approx(300.0, abs=0.5)
    text = out.read_text(encoding="utf-8")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "name: from the forecast\ncurrency: EUR\nstart: 2026-01\nhorizon_months: 12\n"
        "proposal: {}\n" + text.split("staffing:")[0],
        encoding="utf-8",
    )
    res = evaluate(load_scenario(scenario))
    assert res.cases["proposal"].volumes["sales_queue"].shape[-1] == 13


def test_interval_profile_by_hand(tmp_path: Path) -> None:
    """Contacts all arrive at 10:00 every day (the generator): one busy half hour, so the
    lines open 10-11 h, the intraday profile is [2, 0] (shares x intervals), and the weekly
    profile is each weekday's share x 7 of the generator's counts."""
    path = tmp_path / "p.duckdb"
    counts = build_store(path, 14, {"q": 100.0})
    prof = interval_profile(path)
    assert (prof["open_hour"], prof["close_hour"]) == (10, 11)
    assert prof["intraday_profile"] == [2.0, 0.0]
    per_dow = np.array([counts[0][i::7].sum() for i in range(7)], dtype=float)
    np.testing.assert_allclose(prof["weekly_profile"], per_dow / per_dow.sum() * 7, atol=1e-4)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--grain", "year"], "expected day, week or month"),
        (["--by", "agent"], "keyed by queue"),
    ],
)
def test_bad_options_exit_2(store: Path, args: list[str], needle: str) -> None:
    r = CliRunner().invoke(app, ["forecast", "--from", str(store), *args])
    assert r.exit_code == 2, r.output
    assert needle in r.output


def test_missing_store_exit_2(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["forecast", "--from", str(tmp_path / "none.duckdb")])
    assert r.exit_code == 2 and "ccecon ingest" in r.output
    assert not math.isnan(0.0)


def test_event_days_scale_the_forecast(store: Path, tmp_path: Path) -> None:
    """A closed day (factor 0) inside the horizon is forecast at 0 and a campaign day
    (1.5) at 1.5 x the same model's forecast without the event (the history has no event
    days, so dividing it by the factors changes nothing)."""
    from ccecon.forecast.series import read_events

    hist = read_history(store, ("queue",), "day")
    last = hist.frame["ds"].max()
    import pandas as pd

    closed = (pd.Timestamp(last) + pd.Timedelta(days=3)).date().isoformat()
    campaign = (pd.Timestamp(last) + pd.Timedelta(days=5)).date().isoformat()
    csv_path = tmp_path / "events.csv"
    csv_path.write_text(f"date,factor\n{closed},0\n{campaign},1.5\n", encoding="utf-8")
    events = read_events(csv_path)
    plain = {f.unique_id: f for f in forecast_frame(hist.frame, "day", 7, "contacts", 80)}
    with_ev = {
        f.unique_id: f for f in forecast_frame(hist.frame, "day", 7, "contacts", 80, events=events)
    }
    for uid, fc in with_ev.items():
        assert fc.model == plain[uid].model
        i_closed, i_campaign = fc.ds.index(closed), fc.ds.index(campaign)
        assert fc.mean[i_closed] == 0.0
        assert fc.mean[i_campaign] == pytest.approx(1.5 * plain[uid].mean[i_campaign], rel=1e-9)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("day,factor\n2026-01-01,0\n", "columns date and factor"),
        ("date,factor\n2026-13-01,0\n", "row 2"),
        ("date,factor\n2026-01-01,-1\n", "at least 0"),
        ("date,factor\n2026-01-01,35%\n", "factor"),
    ],
)
def test_bad_events_files_exit_2(store: Path, tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "ev.csv"
    path.write_text(text, encoding="utf-8")
    r = CliRunner().invoke(
        app, ["forecast", "--from", str(store), "--events", str(path)], env={"COLUMNS": "200"}
    )
    assert r.exit_code == 2, r.output
    assert needle in r.output and "ev.csv" in r.output


def test_partial_first_and_last_months_are_left_out(tmp_path: Path) -> None:
    """A history from Monday 2023-01-02 over 100 days ends on 2023-04-11: January (from the
    2nd) and April (11 of 30 days) are partial and left out; February and March remain,
    with their generator counts."""
    path = tmp_path / "partial.duckdb"
    counts = build_store(path, 100, {"q": 100.0})
    hist = read_history(path, ("queue",), "month")
    assert [f"{d:%Y-%m}" for d in hist.frame["ds"]] == ["2023-02", "2023-03"]
    assert hist.partial_left_out == 2
    # February = days 30..57 of the generator (2023-02-01 is day 30 from 2023-01-02)
    assert hist.frame["y"].tolist()[0] == float(counts[0][30:58].sum())
