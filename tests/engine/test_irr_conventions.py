"""IRR, NPV and payback under one convention; every IRR root reaches the engine."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from ccecon.cli.app import app
from ccecon.engine import NEVER, evaluate
from ccecon.scenario.load import parse_scenario

TWO_IRRS = """\
name: two irrs
currency: USD
start: 2027-01
horizon_months: 2
discount_rate: {r}
proposal:
  cost_lines:
    - {{name: setup, family: initial, amount: 100, timing: once, month: 0}}
    - {{name: wind-down, family: initial, amount: 132, timing: once, month: 2}}
  benefit_lines:
    - {{name: gain, kind: direct, amount: 230, timing: once, month: 1}}
"""


def conventional(discounting: str, rate: float, monthly: float, months: int = 36) -> str:
    return f"""\
name: c
currency: USD
start: 2027-01
horizon_months: {months}
discount_rate: "{rate * 100!r}%"
discounting: {discounting}
proposal:
  cost_lines: [{{name: invest, family: initial, amount: 1000, timing: once, month: 0}}]
  benefit_lines: [{{name: back, kind: direct, amount: {monthly}, timing: monthly}}]
"""


def test_a_flow_with_irrs_of_10_and_20_percent_a_month_reports_both(tmp_path: Path) -> None:
    """-100, +230, -132 by month: by hand NPV = -100 (1 - 1.1 x)(1 - 1.2 x) / ... has the
    monthly roots 10 % and 20 %; the one nearest 0 annualized is 1.1^12 - 1."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = evaluate(parse_scenario(TWO_IRRS.format(r=0.1)))
    assert res.metrics.irr_status.tolist() == ["several"]
    assert res.metrics.irr_annual[0] == pytest.approx(1.1**12 - 1, rel=1e-12)
    path = tmp_path / "two.yaml"
    path.write_text(TWO_IRRS.format(r=0.1), encoding="utf-8")
    out = CliRunner().invoke(app, ["evaluate", str(path)], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    assert "does not exist" not in out.output and "not unique" in out.output


@pytest.mark.parametrize("discounting", ["monthly", "yearly_tei"])
@pytest.mark.parametrize("monthly", [20.0, 30.0, 34.0, 40.0, 80.0])
def test_npv_at_the_reported_irr_is_zero(discounting: str, monthly: float) -> None:
    """Evaluate, then evaluate again at the reported IRR as the discount rate: NPV is 0
    under the same convention (relative to the 1,000 invested)."""
    res = evaluate(parse_scenario(conventional(discounting, 0.1, monthly)))
    assert res.metrics.irr_status.tolist() == ["ok"]
    irr = float(res.metrics.irr_annual[0])
    again = evaluate(parse_scenario(conventional(discounting, irr, monthly)))
    assert abs(float(again.metrics.npv[0])) <= 1e-9 * 1000


@pytest.mark.parametrize("discounting", ["monthly", "yearly_tei"])
@pytest.mark.parametrize("monthly", [25.0, 30.0, 31.0, 32.0, 33.0, 34.0, 40.0])
def test_npv_irr_and_discounted_payback_never_contradict(discounting: str, monthly: float) -> None:
    """A conventional flow (one outlay, then inflows) has one IRR: NPV < 0 at the rate
    exactly when the IRR is below the rate, and the discounted payback is reached exactly
    when NPV >= 0 (it is the last discounted cumulative value)."""
    res = evaluate(parse_scenario(conventional(discounting, 0.1, monthly)))
    m = res.metrics
    npv, irr = float(m.npv[0]), float(m.irr_annual[0])
    assert (npv < 0) == (irr < 0.1)
    assert np.isfinite(m.discounted_payback_months[0]) == (npv >= 0)
    doc = res.to_dict()["metrics"]
    assert doc["discounted_payback_reached"] == (npv >= 0)


def test_yearly_tei_irr_is_the_annual_irr_of_the_plan_year_flows() -> None:
    """1,000 at month 0, 40 a month for 36 months: plan years 0..3 are -1,000, 480, 480,
    480; the annual IRR solves 480 (1/(1+r) + 1/(1+r)^2 + 1/(1+r)^3) = 1,000: checked by
    substitution at the reported rate, and the monthly-convention IRR is another number."""
    tei = evaluate(parse_scenario(conventional("yearly_tei", 0.1, 40.0))).metrics
    r = float(tei.irr_annual[0])
    assert 480 * sum((1 + r) ** -k for k in (1, 2, 3)) == pytest.approx(1000, rel=1e-12)
    monthly = evaluate(parse_scenario(conventional("monthly", 0.1, 40.0))).metrics
    assert abs(float(monthly.irr_annual[0]) - r) > 0.01


def test_payback_never_reached_is_null_with_a_flag_and_plain_words(tmp_path: Path) -> None:
    text = conventional("monthly", 0.1, 10.0)  # 360 back for 1,000: never pays back
    path = tmp_path / "never.yaml"
    path.write_text(text, encoding="utf-8")
    res = evaluate(parse_scenario(text))
    doc = res.to_dict()["metrics"]
    assert doc["payback_months"] is None and doc["payback_reached"] is False
    assert doc["discounted_payback_months"] is None and doc["discounted_payback_reached"] is False
    out = CliRunner().invoke(app, ["evaluate", str(path), "--format", "json"])
    assert out.exit_code == 0, out.output
    parsed = json.loads(out.output)
    assert parsed["metrics"]["payback_months"] is None
    assert '"inf"' not in out.output
    rows = {r["metric"]: r for r in res.summary_rows()}
    assert rows["payback_months"]["value"] == NEVER == "never within the horizon"
    table = CliRunner().invoke(app, ["evaluate", str(path)], env={"COLUMNS": "200"})
    assert "never within the horizon" in table.output and "inf" not in table.output
    reached = evaluate(parse_scenario(conventional("monthly", 0.0, 50.0))).to_dict()["metrics"]
    assert reached["payback_reached"] is True and reached["payback_months"] == pytest.approx(20)
