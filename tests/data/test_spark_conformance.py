"""The same metric expressions on DuckDB and on Spark (local mode) give equal results."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from ccecon.data.metrics import (
    FiscalCalendar,
    interactions_table,
    labour_expr,
    loyalty_expr,
    metric_expr,
    state_expr,
)
from ccecon.data.synth import synth

pytestmark = [
    pytest.mark.spark,
    # pyspark's toPandas reads results through a local socket it leaves to the garbage
    # collector (pyspark/util.py, _load_from_socket): a third-party ResourceWarning, ignored
    # for the Spark tests only (ccecon opens no socket on this path)
    pytest.mark.filterwarnings(r"ignore:unclosed <socket\.socket:ResourceWarning"),
]

GROUPINGS = [
    ["queue", "day"],
    ["interval"],
    ["interval60", "channel"],
    ["week"],
    ["month", "direction"],
    ["agent", "interval30"],
    ["team", "fiscal_month"],
    ["fiscal_week"],
    ["fiscal_quarter", "fiscal_year", "queue"],
    [],
]
STATE_GROUPINGS = [["agent", "day"], ["team", "interval"], ["fiscal_week"], ["interval60"], []]
# agents 1-30 move from team A to team B on 2027-01-07 (mid synthetic week); 31-60 are C
TEAMS = [
    {"agent": f"agent-{i}", "team": "A", "valid_from": None, "valid_to": dt.date(2027, 1, 6)}
    for i in range(1, 31)
] + [
    {"agent": f"agent-{i}", "team": t, "valid_from": f, "valid_to": None}
    for i in range(1, 61)
    for t, f in [("B" if i <= 30 else "C", dt.date(2027, 1, 7) if i <= 30 else None)]
]
CAL = FiscalCalendar("4-4-5", "saturday", "01-06")  # FY2026 ends Sat 2027-01-09: a year inside


def _same(a: pd.DataFrame, b: pd.DataFrame, by: list[str]) -> None:
    assert len(a) == len(b) > 0
    for col in by:
        assert a[col].astype(str).tolist() == b[col].astype(str).tolist(), col
    for col in a.columns:
        if col in by:
            continue
        x = a[col].astype(float).to_numpy()
        y = b[col].astype(float).to_numpy()
        assert np.allclose(x, y, rtol=1e-12, atol=1e-9, equal_nan=True), col


@pytest.fixture(scope="module")
def parquet(tmp_path_factory: pytest.TempPathFactory) -> str:
    if shutil.which("java") is None:
        pytest.fail("Java is missing: scripts/setup-system.sh installs it")
    return str(synth(4000, tmp_path_factory.mktemp("spark"), seed=5))


@pytest.fixture(scope="module")
def tables(parquet: str):  # type: ignore[no-untyped-def]
    dcon, dt = interactions_table(parquet, "duckdb")
    scon, st = interactions_table(parquet, "spark", master="local[1]")
    yield dt, st
    scon.disconnect()
    dcon.disconnect()


@pytest.mark.parametrize("by", GROUPINGS, ids=["-".join(g) or "all" for g in GROUPINGS])
def test_metric_suite_equal_on_duckdb_and_spark(tables, by: list[str]) -> None:  # type: ignore[no-untyped-def]
    dt_, st = tables
    kw: dict[str, Any] = dict(
        sl_threshold_s=20,
        short_abandon_s=5,
        cost_per_agent_hour=32.5,
        cost_per_minute=0.012,
        repeat_days=2,
        teams=TEAMS,
        calendar=CAL,
    )
    a = metric_expr(dt_, by, **kw).to_pandas()
    b = metric_expr(st, by, **kw).to_pandas()
    _same(a, b, by)
    assert int(a.offered.sum()) == 4000
    assert 0 < int(a.repeats.sum()) < int(a.identified.sum())


@pytest.fixture(scope="module")
def state_tables(parquet: str):  # type: ignore[no-untyped-def]
    path = str(Path(parquet).parent / "agent_states.parquet")
    dcon, dt_ = interactions_table(path, "duckdb", table="agent_states")
    scon, st = interactions_table(path, "spark", master="local[1]", table="agent_states")
    yield dt_, st
    scon.disconnect()
    dcon.disconnect()


@pytest.mark.parametrize("by", STATE_GROUPINGS, ids=["-".join(g) or "all" for g in STATE_GROUPINGS])
def test_agent_state_metrics_equal_on_duckdb_and_spark(state_tables, by: list[str]) -> None:  # type: ignore[no-untyped-def]
    dt_, st = state_tables
    a = state_expr(dt_, by, teams=TEAMS, calendar=CAL).to_pandas()
    b = state_expr(st, by, teams=TEAMS, calendar=CAL).to_pandas()
    _same(a, b, by)
    assert float(a.not_ready_s.sum()) / float(a.logged_in_s.sum()) == pytest.approx(1 / 8)


@pytest.mark.parametrize("by", [["month"], ["team", "year"], []], ids=["month", "team", "all"])
def test_labour_and_loyalty_equal_on_duckdb_and_spark(parquet: str, by: list[str]) -> None:
    folder = Path(parquet).parent
    res = []
    for backend in ("duckdb", "spark"):
        kw = {"master": "local[1]"} if backend == "spark" else {}
        con, pay = interactions_table(
            str(folder / "payroll.parquet"), backend, table="payroll", **kw
        )
        hr = con.read_parquet(str(folder / "hr_events.parquet"), table_name="hr_events")
        sv = con.read_parquet(str(folder / "surveys.parquet"), table_name="surveys")
        lab = labour_expr(pay, by, hr=hr, teams=TEAMS).to_pandas()
        loy = loyalty_expr(sv, ["segment", "month"] if by else []).to_pandas()
        res.append((lab, loy))
        con.disconnect()
    (a, la), (b, lb) = res
    _same(a, b, [*by, "currency"])
    _same(la, lb, ["segment", "month"] if by else [])
    assert a.payroll.sum() > 0 and la.respondents.sum() > 0


def test_metrics_cli_on_spark(parquet: str) -> None:
    import json

    from typer.testing import CliRunner

    from ccecon.cli.app import app

    r = CliRunner().invoke(
        app,
        [
            "metrics",
            "--from",
            parquet,
            "--backend",
            "spark",
            "--spark-master",
            "local[1]",
            "--by",
            "queue",
            "-f",
            "json",
        ],
    )
    assert r.exit_code == 0, r.output
    assert sum(x["offered"] for x in json.loads(r.stdout)) == 4000
