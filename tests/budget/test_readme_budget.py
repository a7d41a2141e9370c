"""The README's budget walkthrough, exactly as printed: five commands from synthetic records
to a tracked budget. The commands are read from the README, so the test fails when the
README and the program drift apart.

Expected values come from the synthetic center's stated design (``ccecon.data.synth``):
its BPO bills 5 % of the calls at 2.00 and their handle minutes at 0.25, its quantities
rounded to whole units, except the last whole month, which bills 2 % more calls than were
made; the check of the audit recomputes the calls from the store with its own SQL.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from ccecon.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
HEADING = "## From your own records to a budget, tracked month by month"
runner = CliRunner()


def readme_commands() -> list[list[str]]:
    """The commands of the README's budget section (its first bash block)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert HEADING in text, "the README's budget section is gone"
    section = text.split(HEADING, 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None
    lines = [ln.split("#", 1)[0].strip() for ln in block[1].splitlines()]
    return [shlex.split(ln) for ln in lines if ln]


def test_the_readme_walkthrough_is_five_commands() -> None:
    cmds = readme_commands()
    assert len(cmds) == 5
    assert [c[0] for c in cmds] == [".venv/bin/ccecon"] * 5
    assert [c[1:3] for c in cmds][3:] == [["budget", "plan"], ["budget", "track"]]


def track_json(folder: Path) -> dict[str, Any]:
    """``budget track`` of the walkthrough's budget and store, as JSON."""
    args = [str(folder / "budget.json"), "--from", str(folder / "actuals.duckdb"), "-f", "json"]
    r = runner.invoke(app, ["budget", "track", *args])
    assert r.exit_code == 0, r.output
    return dict(json.loads(r.stdout))


@pytest.fixture(scope="module")
def walkthrough(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """Run the five commands in a fresh folder, as a user would."""
    import os

    folder = tmp_path_factory.mktemp("readme-budget")
    outputs = []
    old = Path.cwd()
    os.chdir(folder)
    try:
        for cmd in readme_commands():
            r = runner.invoke(app, cmd[1:], env={"COLUMNS": "200"})
            assert r.exit_code == 0, (cmd, r.output)
            outputs.append(r.stdout)
    finally:
        os.chdir(old)
    return folder, outputs


def test_track_on_the_walkthrough(walkthrough: tuple[Path, list[str]]) -> None:
    folder, outputs = walkthrough
    assert "invoices.parquet [invoices]" in outputs[1]  # ingested once with the records
    track = " ".join(outputs[4].split())
    assert "Budget vs actual, FY 2027, to 2027-06 (6 of 12 months), USD" in track
    assert "Invoice audit" in track and "Variance split" in track
    # the same run as JSON, to check the figures
    doc = track_json(folder)
    assert doc["actual_months"] == [f"2027-{m:02d}" for m in range(1, 7)]
    elements = {x["element"] for x in doc["by_element"]}
    assert elements == {"personnel", "technology", "telecom", "outsourcing", "training"}
    # the licence and the coaching are billed as budgeted: no variance
    for x in doc["by_element"]:
        if x["element"] in ("technology", "training"):
            assert x["variance"] == 0
    # the split adds up to the variance, to the cent, every month
    assert {(x["element"]) for x in doc["variance_split"]} == {"personnel", "telecom"}
    for x in doc["variance_split"]:
        parts = [round(x[k] * 100) for k in ("volume", "efficiency", "rate")]
        assert sum(parts) == round(x["total"] * 100)
        assert x["total"] == pytest.approx(x["actual"] - x["budget"], abs=0.011)
    # the audit: per_call expected = 5 % of the month's offered inbound calls x 2.00
    con = duckdb.connect(str(folder / "actuals.duckdb"), read_only=True)
    calls = dict(
        con.execute(
            "SELECT strftime(arrival_ts, '%Y-%m'), count(*) FROM interactions"
            " WHERE arrival_ts >= TIMESTAMP '2027-01-01' AND arrival_ts < TIMESTAMP '2027-07-01'"
            " GROUP BY 1"
        ).fetchall()
    )
    con.close()
    audit = {(x["month"], x["charge"]): x for x in doc["audit"]}
    for m, n in calls.items():
        row = audit[m, "per_call"]
        assert row["expected"] == pytest.approx(0.05 * n * 2.0, abs=0.01)
        over = 0.02 if m == "2027-06" else 0.0
        assert row["billed_quantity"] == round(0.05 * n * (1 + over))
        assert abs(audit[m, "per_minute"]["difference"]) <= 0.125 + 0.01  # half a minute
    june = audit["2027-06", "per_call"]["difference"]
    assert june == pytest.approx(0.02 * 0.05 * calls["2027-06"] * 2.0, abs=1.01)
    # re-forecast: actual to date + the budget of July to December
    budget = json.loads((folder / "budget.json").read_text(encoding="utf-8"))
    rest = sum(sum(v[6:]) for v in budget["by_element"].values())
    assert doc["total"]["reforecast_year"] == pytest.approx(
        doc["total"]["actual_to_date"] + rest, abs=0.06
    )


def test_the_walkthrough_forecast_reaches_the_report(walkthrough: tuple[Path, list[str]]) -> None:
    """`budget plan --forecast` keeps the forecast's months and intervals; `track` puts
    the store's actual contacts beside them: June 2027 per queue, recounted here with
    SQL (contacts offered to a queue), is the last month before the forecast."""
    folder, _ = walkthrough
    budget = json.loads((folder / "budget.json").read_text(encoding="utf-8"))
    assert budget["forecast"]["level"] == 80 and budget["forecast"]["by"] == ["queue"]
    fc = track_json(folder)["forecast"]
    con = duckdb.connect(str(folder / "actuals.duckdb"), read_only=True)
    june = dict(
        con.execute(
            "SELECT queue, count(*) FROM interactions WHERE (outcome IS NULL OR outcome ="
            " 'queued') AND arrival_ts >= TIMESTAMP '2027-06-01'"
            " AND arrival_ts < TIMESTAMP '2027-07-01' GROUP BY 1"
        ).fetchall()
    )
    con.close()
    assert {s["series"] for s in fc["series"]} == set(june)
    for s in fc["series"]:
        assert s["months"][0]["month"] == "2027-07"
        assert s["history"][-1] == {"month": "2027-06", "actual": june[s["series"]]}
        assert len(s["history"]) == 12
        for m in s["months"]:
            assert 0 <= m["lo"] <= m["mean"] <= m["hi"]
