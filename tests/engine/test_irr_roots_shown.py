"""A flow with two IRRs shows both, in the JSON, the table's note and the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ccecon.cli.app import app

TWO_ROOTS = """\
name: two roots
currency: USD
start: 2027-01
horizon_months: 2
discount_rate: 0.1
discounting: monthly
proposal:
  cost_lines:
    - {name: outlay, family: initial, amount: 100, timing: once, month: 0}
    - {name: closing, family: operating, amount: 132, timing: once, month: 2}
  benefit_lines:
    - {name: gain, kind: direct, amount: 230, timing: once, month: 1}
"""


def test_both_roots_of_minus_100_plus_230_minus_132(tmp_path: Path) -> None:
    """-100 + 230 x - 132 x^2 = 0 with x = 1 / (1 + r): r = 10 % and 20 % a month
    (by hand: -100 (1 + r)^2 + 230 (1 + r) - 132 = 0 has roots 1 + r = 1.1 and 1.2), i.e.
    1.1^12 - 1 and 1.2^12 - 1 a year."""
    path = tmp_path / "two.yaml"
    path.write_text(TWO_ROOTS, encoding="utf-8")
    runner = CliRunner()
    doc = json.loads(runner.invoke(app, ["evaluate", str(path), "-f", "json"]).stdout)
    want = [(1.1**12 - 1) * 100, (1.2**12 - 1) * 100]
    assert doc["metrics"]["irr_status"] == "several"
    assert doc["metrics"]["irr_roots_annual_pct"] == pytest.approx(want, rel=1e-12)
    text = runner.invoke(app, ["evaluate", str(path)], env={"COLUMNS": "200"}).output
    assert "NPV is zero at 213.8 % and 791.6 % a year" in text
    from ccecon.engine import evaluate
    from ccecon.reports import write_report
    from ccecon.scenario.load import load_scenario

    sc = load_scenario(path)
    html = write_report(sc, evaluate(sc), tmp_path / "r").html
    assert html is not None and "213.8 % and 791.6 % a year" in html.read_text(encoding="utf-8")


def test_one_root_lists_none() -> None:
    from ccecon.engine import evaluate
    from ccecon.scenario.load import parse_scenario

    res = evaluate(parse_scenario(TWO_ROOTS.replace("amount: 132", "amount: 0")))
    assert res.irr_roots() is None and "irr_roots_annual_pct" not in res.to_dict()["metrics"]
