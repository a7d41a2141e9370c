"""The budget plan: every included cost line by month and element; the reserve."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from ccecon.budget.plan import element_of, fiscal_months, plan_budget
from ccecon.cli.app import app
from ccecon.errors import InputError
from ccecon.scenario.schema import Scenario


def doc(**extra: Any) -> dict[str, Any]:
    d: dict[str, Any] = {
        "name": "budget",
        "currency": "EUR",
        "start": "2027-01",
        "horizon_months": 24,
        "channels": [{"name": "voice", "kind": "voice_inbound", "per_month": 10000, "aht_s": 300}],
        "proposal": {
            "cost_lines": [
                {
                    "name": "agents",
                    "family": "operating",
                    "category": "salaries",
                    "amount": 50000,
                    "growth": 0.04,
                },
                {
                    "name": "SIP trunks",
                    "family": "operating",
                    "category": "telecom",
                    "amount": 0.01,
                    "timing": "per_unit",
                    "driver": "minutes",
                },
                {"name": "CRM", "family": "operating", "category": "licences", "amount": 3000},
                {
                    "name": "go-live training",
                    "family": "initial",
                    "category": "training",
                    "amount": 12000,
                    "timing": "once",
                    "month": 4,
                },
                {
                    "name": "dual running",
                    "family": "hidden",
                    "category": "opportunity cost",
                    "amount": 9999,
                },
                {
                    "name": "bpo overflow",
                    "family": "operating",
                    "timing": "contract",
                    "contract": {"model": "per_call", "price": 3.0},
                    "contract_share": 0.1,
                },
            ]
        },
    }
    d.update(extra)
    return d


def test_fiscal_year_from_april() -> None:
    assert fiscal_months(2027, 4)[0] == "2027-04" and fiscal_months(2027, 4)[-1] == "2028-03"


def test_budget_by_hand() -> None:
    """FY 2027 from April: agents 50,000 a month (Apr-Dec 2027) and 52,000 (Jan-Mar 2028,
    plan year 2 at +4 %); telecom 10,000 x 5 minutes x 0.01 = 500 a month; CRM 3,000;
    training 12,000 in April (month 4); the BPO 10 % x 10,000 calls x 3 = 3,000 a month
    (outsourcing, a contract line); the hidden line is not counted."""
    b = plan_budget(Scenario.model_validate(doc()), 2027, fy_start=4)
    assert b.months[0] == "2027-04"
    assert b.by_element["personnel"] == [50000.0] * 9 + [52000.0] * 3
    assert b.by_element["telecom"] == pytest.approx([500.0] * 12)
    assert b.by_element["technology"] == [3000.0] * 12
    assert b.by_element["training"] == [12000.0] + [0.0] * 11
    assert b.by_element["outsourcing"] == pytest.approx([3000.0] * 12)
    assert "other" not in b.by_element  # the hidden line is excluded
    want = 9 * 50000 + 3 * 52000 + 12 * (500 + 3000 + 3000) + 12000
    assert b.total == pytest.approx(want)
    assert b.reserve == 0.0 and "no ranges" in b.reserve_basis


def test_reserve_as_a_share_and_from_the_simulation() -> None:
    """5 % of the budget; and with the CRM licence uniform in [2,000, 4,000] a month, the
    year's cost varies by 12 x the licence: P90 - P50 = 12 x 2,000 x (0.9 - 0.5) = 9,600
    (uniform quantiles by hand), within the sampling error of 4,000 draws."""
    sc = Scenario.model_validate(doc())
    b = plan_budget(sc, 2027, fy_start=4, reserve_share=0.05)
    assert b.reserve == pytest.approx(0.05 * b.total)
    d = doc()
    d["proposal"]["cost_lines"][2]["amount"] = {"dist": "uniform", "min": 2000, "max": 4000}
    b = plan_budget(Scenario.model_validate(d), 2027, fy_start=4, draws=4000)
    assert b.reserve == pytest.approx(9600, rel=0.06)
    assert "P90 - P50" in b.reserve_basis


def test_elements_from_categories_and_explicit() -> None:
    from types import SimpleNamespace

    def line(category: str, **kw: Any) -> Any:
        return SimpleNamespace(category=category, timing="monthly", **kw)

    assert element_of(line("Supervisors")) == "personnel"
    assert element_of(line("cloud seat licences")) == "technology"
    assert element_of(line("telephony")) == "telecom"
    assert element_of(line("agent training")) == "training"
    assert element_of(line("brand")) == "other"
    assert element_of(line("brand", element="technology")) == "technology"


def test_year_outside_the_plan_exit_2(tmp_path: Any) -> None:
    path = tmp_path / "s.yaml"
    import yaml

    path.write_text(yaml.safe_dump(doc()), encoding="utf-8")
    r = CliRunner().invoke(app, ["budget", "plan", str(path), "--year", "2031"])
    assert r.exit_code == 2 and "outside the plan" in r.output
    r = CliRunner().invoke(app, ["budget", "plan", str(path), "--year", "2027", "--reserve", "5"])
    assert r.exit_code == 2 and "5%" in r.output
    r = CliRunner().invoke(app, ["budget", "plan", str(path), "--year", "2027", "-f", "json"])
    assert r.exit_code == 0
    with pytest.raises(InputError):
        plan_budget(Scenario.model_validate(doc()), 2027, case="baseline")


def test_the_budget_document_keeps_what_tracking_needs() -> None:
    """Drivers per month (10,000 contacts of 300 s = 50,000 handle minutes), each fiscal
    month's plan month (April 2027 is month 4 of a plan starting in January 2027) and the
    contract line with its share and price model."""
    b = plan_budget(Scenario.model_validate(doc()), 2027, fy_start=4).to_dict()
    assert b["drivers"]["contacts"] == pytest.approx([10_000.0] * 12)
    assert b["drivers"]["minutes"] == pytest.approx([50_000.0] * 12)
    assert "agent_hours" not in b["drivers"]  # no staffing section
    assert b["plan_month"] == list(range(4, 16))
    (bpo,) = b["contracts"]
    assert bpo["line"] == "bpo overflow" and bpo["share"] == 0.1
    assert bpo["model"]["model"] == "per_call" and bpo["model"]["price"] == 3.0
    assert bpo["months"] == pytest.approx([3000.0] * 12)


def test_plan_with_a_forecast_fragment(tmp_path: Any) -> None:
    """The fragment's channel (20,000 calls of 240 s) replaces the scenario's: telecom is
    20,000 x 4 minutes x 0.01 = 800 a month and the BPO 10 % x 20,000 x 3 = 6,000."""
    import json

    import yaml

    sc = tmp_path / "s.yaml"
    sc.write_text(yaml.safe_dump(doc()), encoding="utf-8")
    fragment = tmp_path / "forecast.yaml"
    channel = {"name": "service", "kind": "voice_inbound", "per_month": 20000, "aht_s": 240}
    fragment.write_text(yaml.safe_dump({"channels": [channel]}), encoding="utf-8")
    out = tmp_path / "budget.json"
    args = ["budget", "plan", str(sc), "--year", "2027", "--forecast", str(fragment)]
    r = CliRunner().invoke(app, [*args, "--out", str(out)])
    assert r.exit_code == 0, r.output
    b = json.loads(out.read_text(encoding="utf-8"))
    assert b["by_element"]["telecom"] == pytest.approx([800.0] * 12)
    assert b["by_element"]["outsourcing"] == pytest.approx([6000.0] * 12)
    fragment.write_text("channels: []\n", encoding="utf-8")
    r = CliRunner().invoke(
        app, ["budget", "plan", str(sc), "--year", "2027", "--forecast", str(fragment)]
    )
    assert r.exit_code == 2 and "forecast.yaml" in r.output and "channels" in r.output
