"""The business-case commands as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ccecon.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "usd-onprem-to-cloud.yaml"
runner = CliRunner()


def test_evaluate_table_shows_metrics_and_benchmark() -> None:
    r = runner.invoke(app, ["evaluate", str(EXAMPLE)], env={"COLUMNS": "120"})
    assert r.exit_code == 0, r.output
    for words in ("ROI", "NPV", "Payback", "Cost per inbound call", "band", "risk-adjusted"):
        assert words in r.output
    # keys are for JSON and CSV; a person reads words, each value with its unit
    for key in ("roi_pct", "total_benefit", "payback_months", "risk_adjusted", "cost_per_"):
        assert key not in r.output, key
    assert " USD" in r.output and " % a year" in r.output and " months" in r.output


def test_evaluate_shows_the_staffing_it_costs() -> None:
    """The example staffs both cases: the table and the JSON give paid FTE and the peak
    interval's agents; the JSON's mean FTE is the mean of the engine's monthly FTE driver
    over plan months (computed here from the monthly drivers)."""
    from ccecon.engine import evaluate
    from ccecon.scenario.load import load_scenario

    r = runner.invoke(app, ["evaluate", str(EXAMPLE)], env={"COLUMNS": "120"})
    assert "Paid FTE" in r.output and "Agents at the peak interval" in r.output
    doc = json.loads(runner.invoke(app, ["evaluate", str(EXAMPLE), "--format", "json"]).stdout)
    fte = evaluate(load_scenario(EXAMPLE)).cases["proposal"].drivers["fte"][0, 1:]
    assert doc["staffing"]["proposal"]["fte_mean"] == pytest.approx(sum(fte) / len(fte))
    assert doc["staffing"]["proposal"]["fte_max"] == pytest.approx(max(fte))
    assert doc["staffing"]["proposal"]["months_peak_above_seats"] == []  # 110 seats


def test_evaluate_warns_when_the_peak_needs_more_agents_than_seats(tmp_path: Path) -> None:
    """6,000 calls a month at 300 s over 8-20 h every day need more than 3 agents at the
    peak (about 6,000 / 30 days / 24 half hours = 8.3 calls a half hour, 1.4 Erlangs: 80/20
    needs 3 or more agents with occupancy at most 85 %); a `seats: 2` driver is too few."""
    text = EXAMPLE.read_text(encoding="utf-8")
    small = tmp_path / "small.yaml"
    small.write_text(
        "name: seats check\ncurrency: USD\nstart: 2027-04\nhorizon_months: 3\n"
        "channels:\n  - {name: voice, kind: voice_inbound, per_month: 6000, aht_s: 300}\n"
        "drivers: {seats: 2}\nstaffing: {}\n"
        "proposal:\n  cost_lines:\n    - {name: seat rent, family: operating, amount: 50,"
        " timing: per_unit, driver: seats}\n",
        encoding="utf-8",
    )
    assert "seats" in text  # the example's own seats driver is the one this guards
    r = runner.invoke(app, ["evaluate", str(small)], env={"COLUMNS": "150"})
    assert r.exit_code == 0, r.output
    assert "Warning" in r.output and "`seats` driver" in r.output
    doc = json.loads(runner.invoke(app, ["evaluate", str(small), "--format", "json"]).stdout)
    assert doc["staffing"]["proposal"]["peak_agents"] > 2
    assert doc["staffing"]["proposal"]["months_peak_above_seats"] == [
        "2027-04",
        "2027-05",
        "2027-06",
    ]


def test_evaluate_json_is_deterministic_and_complete() -> None:
    a = runner.invoke(app, ["evaluate", str(EXAMPLE), "--format", "json"])
    b = runner.invoke(app, ["evaluate", str(EXAMPLE), "--format", "json"])
    assert a.exit_code == 0 and a.stdout == b.stdout
    doc = json.loads(a.stdout)
    assert doc["currency"] == "USD"
    assert set(doc["metrics"]) >= {"roi_pct", "npv", "irr_annual_pct", "payback_months"}
    assert doc["benchmark"]["position"] in {"below", "within", "above"}
    assert len(doc["monthly"]) == doc["horizon_months"] + 1


def test_evaluate_csv_parses() -> None:
    r = runner.invoke(app, ["evaluate", str(EXAMPLE), "--format", "csv"])
    assert r.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert {row["metric"] for row in rows} >= {"npv", "roi_pct"}


def test_evaluate_out_writes_tables(tmp_path: Path) -> None:
    r = runner.invoke(app, ["evaluate", str(EXAMPLE), "--out", str(tmp_path)])
    assert r.exit_code == 0
    for name in ("result.json", "monthly.csv", "cashflows.csv", "unit_costs.csv"):
        assert (tmp_path / name).stat().st_size > 0


def test_schema_is_json_schema_with_fields() -> None:
    r = runner.invoke(app, ["schema"])
    assert r.exit_code == 0
    schema = json.loads(r.stdout)
    assert schema["title"] == "Scenario"
    assert {"currency", "proposal", "horizon_months"} <= set(schema["properties"])


def test_schema_lists_fields_as_table_and_csv() -> None:
    """--format csv: one row per field of every model, the same rows as the reference."""
    from ccecon.scenario.docs import field_rows

    r = runner.invoke(app, ["schema", "--format", "csv"])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == len(field_rows()) > 30
    currency = next(x for x in rows if x["field"] == "currency")
    assert currency["default"] == "required" and "ISO 4217" in currency["meaning"]
    t = runner.invoke(app, ["schema", "--format", "table"], terminal_width=200)
    assert t.exit_code == 0 and "currency" in t.output and "ISO" in t.output


def test_demo_json_keeps_stdout_for_data(tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "ccecon.cli.app", "demo", "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)  # only the result on stdout
    assert doc["currency"] == "CNY" and doc["metrics"]["npv"] is not None
    assert "Outputs written to" in r.stderr
    c = runner.invoke(app, ["demo", "--format", "csv", "--out", str(tmp_path / "c")])
    assert c.exit_code == 0
    assert c.stdout.splitlines()[0].startswith("metric")


def test_scenario_reference_doc_is_up_to_date() -> None:
    from ccecon.scenario.docs import reference_markdown

    text = (ROOT / "docs" / "scenario-reference.md").read_text(encoding="utf-8")
    assert text.strip() == reference_markdown().strip(), "run `make docs`"


def test_chinese_names_and_notes_in_utf8(tmp_path: Path) -> None:
    path = tmp_path / "中文.yaml"
    path.write_text(
        "name: 客服中心升级\ncurrency: CNY\nlocale: zh\nstart: 2027-01\nhorizon_months: 12\n"
        "notes: 备注：全部使用中文\nproposal:\n"
        "  cost_lines: [{name: 服务器, family: initial, amount: 1000, timing: once, month: 0}]\n"
        "  benefit_lines: [{name: 客户保留, kind: direct, amount: 200, timing: monthly}]\n",
        encoding="utf-8",
    )
    r = runner.invoke(app, ["evaluate", str(path), "--format", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["scenario"] == "客服中心升级"
    out = tmp_path / "out"
    runner.invoke(app, ["evaluate", str(path), "--out", str(out)])
    assert "服务器" in (out / "cashflows.csv").read_text(encoding="utf-8")


def test_demo_writes_outputs_in_the_working_directory(tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "120"}
    proc = subprocess.run(
        [sys.executable, "-m", "ccecon.cli.app", "demo"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Outputs written to" in proc.stdout
    assert (tmp_path / "ccecon-demo" / "result.json").is_file()


def test_version() -> None:
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and r.stdout.startswith("ccecon ")


@pytest.mark.parametrize("args", [["evaluate"], ["evaluate", "a.yaml", "--format", "xml"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert runner.invoke(app, args).exit_code == 2
