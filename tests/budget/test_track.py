"""``ccecon budget track``: a worked example computed by hand on a store built here.

The store (DuckDB, the normalized tables of ``ccecon.data.schema``) holds two whole months
of fiscal year 2027, January and February, with known contacts, handle times, staffed
agent hours, payroll and invoices. The budget (a hand-written budget document, as
``ccecon budget plan --out`` writes) is the same every month:

| element | budget a month | drivers |
|---|---:|---|
| personnel | 120,000 | 40,000 contacts x 0.12 staffed hours a contact (4,800 h) x 25 an hour |
| telecom | 2,000 | 40,000 contacts x 5 handle minutes a contact (200,000 min) x 0.01 |
| technology | 5,000 | |
| outsourcing | 3,000 | the BPO: 2.5 % of the calls at 2.00 + their minutes at 0.20 |

January's actuals: 44,000 contacts of 330 s (270 s talk + 60 s after-call work: 5.5
minutes), 5,500 staffed hours (0.125 a contact; 500 not-ready hours beside them do not
count), payroll 132,000 (24 an hour), the carrier's invoice 2,530, the licence 5,400, the
BPO's 1,150 calls (2,300) and 6,050 minutes (1,210). February's are the budget exactly
(40,000 contacts of 300 s, 4,800 hours, payroll 120,000, the carrier 2,000, the licence
5,000, the BPO 1,000 calls and 5,000 minutes).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from ccecon.cli.app import app
from ccecon.data.schema import DDL

runner = CliRunner()

BUDGET: dict[str, Any] = {
    "fiscal_year": 2027,
    "fy_start_month": 1,
    "case": "proposal",
    "currency": "USD",
    "months": [f"2027-{m:02d}" for m in range(1, 13)],
    "by_element": {
        "personnel": [120_000.0] * 12,
        "technology": [5_000.0] * 12,
        "telecom": [2_000.0] * 12,
        "outsourcing": [3_000.0] * 12,
    },
    "reserve": 10_000.0,
    "reserve_basis": "a stated amount",
    "locale": "en",
    "drivers": {
        "contacts": [40_000.0] * 12,
        "minutes": [200_000.0] * 12,
        "agent_hours": [4_800.0] * 12,
    },
    "plan_month": list(range(1, 13)),
    "contracts": [
        {
            "line": "BPO overflow",
            "share": 0.025,
            "revenue_per_sale": 0.0,
            "model": {
                "model": "sum",
                "parts": [
                    {"model": "per_call", "price": 2.0},
                    {"model": "per_minute", "price": 0.2},
                ],
            },
            "months": [3_000.0] * 12,
        }
    ],
}

# month, first day, days, contacts, talk_s, staffed hours, payroll, carrier, licence,
# BPO calls billed, BPO minutes billed
MONTHS = [
    ("2027-01", "2027-01-01", 31, 44_000, 270, 5_500, 132_000, 2_530, 5_400, 1_150, 6_050),
    ("2027-02", "2027-02-01", 28, 40_000, 240, 4_800, 120_000, 2_000, 5_000, 1_000, 5_000),
]


def build_store(path: Path, months: list[tuple[Any, ...]] = MONTHS) -> Path:
    """The store of the module docstring, written with DuckDB's SQL."""
    con = duckdb.connect(str(path))
    for stmt in DDL:
        con.execute(stmt)
    for month, first, days, n, talk, hours, pay, carrier, licence, calls, minutes in months:
        # n contacts spread over the month's days (08:00 + a few seconds each)
        con.execute(
            "INSERT INTO interactions (interaction_id, channel, direction, queue, arrival_ts,"
            " answer_ts, end_ts, queue_wait_s, talk_s, hold_s, acw_s, abandoned, source_file,"
            " source_row) SELECT ? || '-' || i, 'voice', 'inbound', 'service',"
            " CAST(? AS TIMESTAMP) + to_days(CAST(i % ? AS INTEGER)) + INTERVAL 8 HOUR,"
            " CAST(? AS TIMESTAMP) + to_days(CAST(i % ? AS INTEGER)) + INTERVAL 8 HOUR,"
            " CAST(? AS TIMESTAMP) + to_days(CAST(i % ? AS INTEGER)) + INTERVAL 8 HOUR"
            " + to_seconds(CAST(? AS INTEGER)), 0, ?, 0, 60, false, 'test', i FROM range(?) t(i)",
            [month, first, days, first, days, first, days, talk, talk, n],
        )
        # staffed hours as quarter hours (on contact / available), plus not-ready time
        con.execute(
            "INSERT INTO agent_states SELECT 'agent-' || (i % 50),"
            " CASE WHEN i % 2 = 0 THEN 'on_contact' ELSE 'available' END, NULL,"
            " CAST(? AS TIMESTAMP) + to_minutes(CAST(15 * (i // 50) AS INTEGER)),"
            " CAST(? AS TIMESTAMP) + to_minutes(CAST(15 * (i // 50) + 15 AS INTEGER)),"
            " 900.0, 'test', i FROM range(?) t(i)",
            [first, first, hours * 4],
        )
        con.execute(
            "INSERT INTO agent_states SELECT 'agent-nr', 'not_ready', 'break',"
            " CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP) + INTERVAL 15 MINUTE, 900.0, 'test',"
            " i FROM range(2000) t(i)",
            [first, first],
        )
        wages = pay - pay * 3 // 13 - 2_000
        for element, amount, agent in (
            ("wages", wages, "agent-1"),
            ("social_insurance", pay * 3 // 13, "agent-1"),
            ("welfare", 2_000, None),
        ):
            con.execute(
                "INSERT INTO payroll VALUES (?, ?, ?, ?, 'USD', 'payroll.csv', 1)",
                [month, agent, element, float(amount)],
            )
        for element, vendor, charge, qty, unit, amount in (
            ("telecom", "carrier", "minutes", None, None, carrier),
            ("technology", "CRM", "licences", None, None, licence),
            ("outsourcing", "BPO overflow", "per_call", calls, "calls", calls * 2.0),
            ("outsourcing", "BPO overflow", "per_minute", minutes, "minutes", minutes * 0.2),
        ):
            con.execute(
                "INSERT INTO invoices VALUES (?, ?, ?, ?, ?, ?, ?, 'USD', 'invoices.csv', 1)",
                [month, element, vendor, charge, qty, unit, float(amount)],
            )
    con.close()
    return path


@pytest.fixture
def case(tmp_path: Path) -> tuple[Path, Path]:
    budget = tmp_path / "budget.json"
    budget.write_text(json.dumps(BUDGET), encoding="utf-8")
    return budget, build_store(tmp_path / "actuals.duckdb")


def run_track(budget: Path, store: Path, *extra: str) -> dict[str, Any]:
    r = runner.invoke(
        app, ["budget", "track", str(budget), "--from", str(store), "-f", "json", *extra]
    )
    assert r.exit_code == 0, r.output
    return dict(json.loads(r.stdout))


def test_worked_example_by_hand(case: tuple[Path, Path]) -> None:
    """Every figure below is hand arithmetic from the module docstring."""
    doc = run_track(*case)
    assert doc["actual_months"] == ["2027-01", "2027-02"]
    month = {(x["month"], x["element"]): x for x in doc["monthly"]}
    # January: actual per element
    assert month["2027-01", "personnel"]["actual"] == 132_000  # payroll
    assert month["2027-01", "telecom"]["actual"] == 2_530  # the carrier's invoice
    assert month["2027-01", "technology"]["actual"] == 5_400
    assert month["2027-01", "outsourcing"]["actual"] == 2_300 + 1_210
    assert month["2027-01", "technology"]["flag"] == "over"  # 400 / 5,000 = 8 % > 5 %
    assert month["2027-02", "personnel"]["variance"] == 0
    split = {(x["month"], x["element"]): x for x in doc["variance_split"]}
    p = split["2027-01", "personnel"]
    # volume 4,000 x 0.12 x 25; efficiency 44,000 x 0.005 x 25; rate 44,000 x 0.125 x -1
    assert (p["volume"], p["efficiency"], p["rate"], p["total"]) == (12_000, 5_500, -5_500, 12_000)
    assert p["basis"] == "agent hours"
    assert p["actual_usage_per_contact"] == pytest.approx(0.125)  # not-ready excluded
    t = split["2027-01", "telecom"]
    # volume 4,000 x 5 x 0.01; efficiency 44,000 x 0.5 x 0.01; rate 2,530 - 44,000 x 5.5 x 0.01
    assert (t["volume"], t["efficiency"], t["rate"], t["total"]) == (200, 220, 110, 530)
    for x in doc["variance_split"]:  # the identity, to the cent
        assert round(x["volume"] * 100) + round(x["efficiency"] * 100) + round(
            x["rate"] * 100
        ) == round(x["total"] * 100)
    feb = split["2027-02", "personnel"]
    assert (feb["volume"], feb["efficiency"], feb["rate"]) == (0, 0, 0)
    # year to date and the re-forecast: 2 months actual + 10 months of budget
    el = {x["element"]: x for x in doc["by_element"]}
    assert el["personnel"]["variance"] == 12_000
    assert el["personnel"]["flag"] == ""  # 12,000 / 240,000 = 5 %: not beyond 5 %
    assert el["telecom"]["flag"] == "over"  # 530 / 4,000 = 13.25 %
    assert el["technology"]["flag"] == ""  # 400 / 10,000 = 4 %
    assert el["outsourcing"]["variance"] == 510 and el["outsourcing"]["flag"] == "over"
    assert doc["total"]["actual_to_date"] == 252_000 + 4_530 + 10_400 + 6_510
    assert doc["total"]["budget_to_date"] == 260_000
    assert doc["total"]["reforecast_year"] == 273_440 + 10 * 130_000
    assert doc["total"]["budget_year"] == 1_560_000
    assert doc["reserve"]["used_to_date"] == 13_440
    assert doc["reserve"]["used_share"] == pytest.approx(1.344)
    assert doc["reserve"]["needed_for_year"] == 13_440
    assert [x["basis"] for x in doc["reforecast"]] == ["actual"] * 2 + ["budget"] * 10
    # invoice audit: 2.5 % of 44,000 calls = 1,100 at 2.00 = 2,200 expected, 2,300 billed;
    # 2.5 % of 242,000 minutes = 6,050 at 0.20 = 1,210 expected and billed
    audit = {(x["month"], x["charge"]): x for x in doc["audit"]}
    jan_calls = audit["2027-01", "per_call"]
    assert jan_calls["measured_quantity"] == pytest.approx(1_100)
    assert jan_calls["billed_quantity"] == 1_150
    assert (jan_calls["expected"], jan_calls["billed"], jan_calls["difference"]) == (
        2_200,
        2_300,
        100,
    )
    assert audit["2027-01", "per_minute"]["difference"] == 0
    assert audit["2027-02", "per_call"]["difference"] == 0


def test_table_and_csv_read_for_people(case: tuple[Path, Path]) -> None:
    wide = {"COLUMNS": "200"}
    r = runner.invoke(app, ["budget", "track", str(case[0]), "--from", str(case[1])], env=wide)
    assert r.exit_code == 0, r.output
    out = " ".join(r.stdout.split())
    assert "Budget vs actual, FY 2027, to 2027-02 (2 of 12 months), USD" in out
    assert "12,000.00" in out and "-5,500.00" in out  # the split, formatted
    assert "over budget" in out and "e+" not in out
    assert "13,440" in out  # the reserve used
    r = runner.invoke(
        app, ["budget", "track", str(case[0]), "--from", str(case[1]), "--locale", "zh"], env=wide
    )
    assert r.exit_code == 0 and "预算与实际" in r.stdout and "人员" in r.stdout
    r = runner.invoke(app, ["budget", "track", str(case[0]), "--from", str(case[1]), "-f", "csv"])
    assert r.exit_code == 0
    head = r.stdout.splitlines()[0]
    assert head.startswith("month,element,budget,actual,variance")


def test_without_payroll_the_rates_price_the_hours(tmp_path: Path) -> None:
    """No payroll: handle hours at the agent-hour rate (January 44,000 x 330 s = 4,033 1/3
    h x 24 = 96,800) and, without a carrier invoice, talk minutes at the minute rate
    (44,000 x 4.5 min x 0.01 = 1,980)."""
    store = build_store(tmp_path / "a.duckdb")
    con = duckdb.connect(str(store))
    con.execute("DELETE FROM payroll")
    con.execute("DELETE FROM invoices WHERE element = 'telecom'")
    con.execute(
        "INSERT INTO cost_rates VALUES ('agent_hour', 24, 'USD', DATE '2027-01-01', NULL, 'r', 1),"
        " ('telecom_minute', 0.01, 'USD', DATE '2027-01-01', NULL, 'r', 2)"
    )
    con.close()
    budget = tmp_path / "b.json"
    budget.write_text(json.dumps(BUDGET), encoding="utf-8")
    doc = run_track(budget, store)
    month = {(x["month"], x["element"]): x for x in doc["monthly"]}
    assert month["2027-01", "personnel"]["actual"] == pytest.approx(96_800)
    assert month["2027-01", "personnel"]["source"] == "handle hours x cost rate"
    assert month["2027-01", "telecom"]["actual"] == pytest.approx(1_980)


def test_reforecast_from_a_re_plan(case: tuple[Path, Path], tmp_path: Path) -> None:
    """A budget re-planned from a newer forecast with personnel at 110,000 a month: the
    re-forecast is the actual to date (273,440) + 10 x (110,000 + 2,000 + 5,000 + 3,000) =
    1,473,440; the variances stay against the budget. A re-plan of another year exits 2."""
    again = json.loads(json.dumps(BUDGET))
    again["by_element"]["personnel"] = [110_000.0] * 12
    path = tmp_path / "replan.json"
    path.write_text(json.dumps(again), encoding="utf-8")
    doc = run_track(*case, "--reforecast", str(path))
    assert doc["total"]["reforecast_year"] == 1_473_440
    assert doc["total"]["variance"] == 13_440
    assert doc["reforecast"][2]["basis"] == "re-plan"
    assert doc["reforecast"][2]["personnel"] == 110_000
    again["fiscal_year"] = 2028
    path.write_text(json.dumps(again), encoding="utf-8")
    r = runner.invoke(
        app,
        ["budget", "track", str(case[0]), "--from", str(case[1]), "--reforecast", str(path)],
    )
    assert r.exit_code == 2 and "replan.json" in r.stderr and "fiscal_year" in r.stderr
