"""The synthetic center is one a planner recognises, and the README walkthrough runs on it.

Expected values are the center's stated design (ccecon.data.synth's docstring), checked
against what the records say through the public commands; bands are those of a center
staffed to 80 % in 20 s with at most 3 % abandoned (Erlang A) on a forecast 6 % off.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from ccecon.cli.app import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()


@pytest.fixture(scope="module")
def center(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("center")
    out = d / "synthetic"
    r = runner.invoke(
        app, ["synth", "--rows", "300000", "--days", "728", "--out", str(out), "--seed", "7"]
    )
    assert r.exit_code == 0, r.output
    db = d / "actuals.duckdb"
    r = runner.invoke(app, ["ingest", str(out), "--into", str(db)])
    assert r.exit_code == 0, r.output
    assert "read 300,000 = loaded 300,000 + quarantined 0" in r.output
    assert "targets.yaml: skipped (not ingested: a YAML file" in r.output
    return out, db


def _q(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_service_level_and_abandonment_in_a_realistic_band(center: tuple[Path, Path]) -> None:
    _, db = center
    r = runner.invoke(app, ["metrics", "--from", str(db), "--by", "queue", "-f", "json"])
    assert r.exit_code == 0, r.output
    rows = {x["queue"]: x for x in json.loads(r.stdout)}
    assert set(rows) == {"sales", "service", "billing", "tech"}
    for q, x in rows.items():
        assert 0.72 <= x["service_level"] <= 0.95, (q, x["service_level"])
        assert 0.01 <= x["abandon_rate"] <= 0.07, (q, x["abandon_rate"])
    # AHT by queue: talk median x exp(0.5^2 / 2) + 20 % x 40 s hold + ACW mean
    # sales 260 x 1.1331 + 8 + 40 = 342.6; service 280 x 1.1331 + 8 + 30 = 355.3;
    # billing 200 x 1.1331 + 8 + 25 = 259.6; tech 420 x 1.1331 + 8 + 60 = 543.9
    for q, aht in (("sales", 342.6), ("service", 355.3), ("billing", 259.6), ("tech", 543.9)):
        assert rows[q]["aht_s"] == pytest.approx(aht, rel=0.02)


def test_trend_weekly_and_yearly_seasonality_and_holidays(center: tuple[Path, Path]) -> None:
    _, db = center
    y1, y2 = _q(
        db,
        "SELECT count(*) FILTER (WHERE arrival_ts < TIMESTAMP '2026-01-05'),"
        " count(*) FILTER (WHERE arrival_ts >= TIMESTAMP '2026-01-05') FROM interactions",
    )[0]
    # two 52-week years from Monday 2025-01-06 (728 days), each with 1 January closed:
    # +8 % a year
    assert int(y2) / int(y1) == pytest.approx(1.08, abs=0.02)
    by_dow = dict(_q(db, "SELECT isodow(arrival_ts), count(*) FROM interactions GROUP BY 1"))
    # Monday 1.25 vs Sunday 0.3 (holidays fall on both)
    assert by_dow[1] / by_dow[7] == pytest.approx(1.25 / 0.3, rel=0.1)
    closed = _q(
        db,
        "SELECT count(*) FROM interactions WHERE strftime(arrival_ts, '%m-%d') IN"
        " ('01-01', '12-25')",
    )[0][0]
    assert closed == 0
    jan, jul = _q(
        db,
        "SELECT count(*) FILTER (WHERE month(arrival_ts) = 1 AND year(arrival_ts) = 2026),"
        " count(*) FILTER (WHERE month(arrival_ts) = 7 AND year(arrival_ts) = 2025)"
        " FROM interactions",
    )[0]
    # winter high: 1 + 0.12 cos(0) in mid-January vs 1 - 0.12 in mid-July, a half year of
    # trend apart (1.08^0.5) and 1 January closed
    assert int(jan) / int(jul) == pytest.approx(1.12 / 0.88 * 1.08**0.5 * 30 / 31, rel=0.08)


def test_walkthrough_calibrate_evaluate_and_targets(
    center: tuple[Path, Path], tmp_path: Path
) -> None:
    out, db = center
    mine = tmp_path / "mine.yaml"
    r = runner.invoke(
        app,
        [
            "calibrate",
            str(EXAMPLES / "usd-onprem-to-cloud.yaml"),
            "--from",
            str(db),
            "--out",
            str(mine),
        ],
        env={"COLUMNS": "250"},
    )
    assert r.exit_code == 0, r.output
    assert "channels.inbound_calls.per_month" in r.output and "complete months" in r.output
    r = runner.invoke(app, ["evaluate", str(mine)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        app, ["targets", "track", str(out / "targets.yaml"), "--from", str(db), "-f", "json"]
    )
    assert r.exit_code == 0, r.output
    months = json.loads(r.stdout)["months"]
    # the records end on Sunday 2027-01-03, the first day of fiscal 2027 (4-4-5, the year
    # ending on the Saturday nearest 31 December): M01 has one day, M02..M12 none yet
    assert months[0]["actual"] > 0 and all(m["actual"] is None for m in months[1:])
    r = runner.invoke(
        app,
        [
            "targets",
            "track",
            str(out / "targets.yaml"),
            "--from",
            str(db),
            "--by",
            "team",
            "-f",
            "json",
        ],
    )
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)["attribution"]["rows"]
    # every sale's agent is in the hierarchy synth wrote: nothing unassigned
    assert "(unassigned)" not in {x["team"] for x in rows}
    assert {x["team"].split()[0] for x in rows if x["profit"] > 0} == {
        "sales",
        "service",
        "billing",
        "tech",
    }
