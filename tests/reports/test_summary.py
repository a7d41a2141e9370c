"""The report's first page and its year table: derived from the result, consistent with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ccecon.engine import evaluate
from ccecon.reports import write_report
from ccecon.reports.summary import executive_summary
from ccecon.scenario.load import load_scenario
from ccecon.scenario.schema import Scenario
from ccecon.sourcing.compare import sourcing_only
from tests.reports.test_html_report import SCENARIOS

CASES = [p for p in SCENARIOS if not sourcing_only(load_scenario(p))]


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_year_table_adds_up_to_the_headline(path: Path) -> None:
    """Each row's total is the headline figure of the same name and the net's present
    value is the NPV (plain and risk-adjusted), for every example business case."""
    res = evaluate(load_scenario(path))
    s = res.summary()
    rows = {r["row"]: r for r in res.year_table()}
    for key in ("total_cost", "total_benefit", "cost_savings", "net"):
        assert rows[key]["total"] == pytest.approx(s[key], rel=1e-9, abs=1e-6), key
    assert rows["net_risk_adjusted"]["total"] == pytest.approx(s["risk_adjusted_net"], rel=1e-9)
    assert rows["net"]["present value"] == pytest.approx(s["npv"], rel=1e-9, abs=1e-6)
    assert rows["net_risk_adjusted"]["present value"] == pytest.approx(
        s["risk_adjusted_npv"], rel=1e-9, abs=1e-6
    )
    years = [k for k in rows["net"] if k.startswith("year ")]
    assert len(years) == -(-res.scenario.horizon_months // 12)
    for key, row in rows.items():
        parts = row["initial"] + sum(row[y] for y in years)
        assert parts == pytest.approx(row["total"], rel=1e-12, abs=1e-6), key


def test_year_table_by_hand() -> None:
    """Baseline: a licence of 1,000 a month. Proposal: the licence at 700 a month, a new
    tool at 200 a month from month 13, 5,000 at signing; 24 months, no discounting.
    Licence falls by 300 x 24 = 7,200 (a saving, 3,600 a year); the tool and the signing
    cost are costs: initial 5,000, year 1: 0, year 2: 2,400."""
    doc: dict[str, Any] = {
        "name": "by hand",
        "currency": "EUR",
        "start": "2027-01",
        "horizon_months": 24,
        "discount_rate": 0.0,
        "baseline": {"cost_lines": [{"name": "licence", "family": "operating", "amount": 1000}]},
        "proposal": {
            "cost_lines": [
                {"name": "licence", "family": "operating", "amount": 700},
                {"name": "tool", "family": "operating", "amount": 200, "start_month": 13},
                {
                    "name": "set-up",
                    "family": "initial",
                    "amount": 5000,
                    "timing": "once",
                    "month": 0,
                },
            ]
        },
    }
    rows = {r["row"]: r for r in evaluate(Scenario.model_validate(doc)).year_table()}
    assert [rows["total_cost"][k] for k in ("initial", "year 1", "year 2")] == [5000, 0, 2400]
    assert [rows["cost_savings"][k] for k in ("initial", "year 1", "year 2")] == [0, 3600, 3600]
    assert [rows["net"][k] for k in ("initial", "year 1", "year 2")] == [-5000, 3600, 1200]
    assert rows["net"]["present value"] == -200  # 0 % a year: the plain sum


def _case(npv_sign: float, risk: float = 0.0, ranges: bool = False) -> Scenario:
    gain: Any = 12000 * npv_sign
    if ranges:
        gain = {"dist": "triangular", "min": -30000, "mode": 2000, "max": 30000}
    return Scenario.model_validate(
        {
            "name": "decision",
            "currency": "USD",
            "start": "2027-01",
            "horizon_months": 12,
            "discount_rate": 0.0,
            "proposal": {
                "cost_lines": [
                    {
                        "name": "tool",
                        "family": "initial",
                        "amount": 100000,
                        "timing": "once",
                        "month": 0,
                    }
                ],
                "benefit_lines": [
                    {
                        "name": "savings",
                        "kind": "direct",
                        "amount": 100000 / 12 + 1000,
                        "risk": risk,
                    },
                    {
                        "name": "extra",
                        "kind": "direct",
                        "amount": gain,
                        "timing": "once",
                        "month": 12,
                    },
                ],
            },
        }
    )


def _summary(sc: Scenario) -> dict[str, Any]:
    from ccecon.reports.charts import uncertainty_runs

    res = evaluate(sc)
    return executive_summary(res, uncertainty_runs(res))


def test_recommendation_follows_the_stated_rule() -> None:
    """NPV at 0 %: benefits 12 x (8,333.33 + 1,000) + extra - 100,000 = 12,000 + extra."""
    yes = _summary(_case(+1))  # NPV 24,000 > 0, no risk: recommended
    assert yes["decision"] == "recommended" and "24,000 USD" in yes["sentence"]
    # risk 25 % cuts the monthly benefit to 7,000: 84,000 + 12,000 - 100,000 = -4,000
    care = _summary(_case(+1, risk=0.25))
    assert care["decision"] == "managed" and "-4,000 USD" in care["sentence"]
    no = _summary(_case(-3))  # extra -36,000: NPV -24,000
    assert no["decision"] == "not" and "-24,000 USD" in no["sentence"]


def test_uncertain_case_names_its_range_and_drivers() -> None:
    """The extra benefit is a triangular(-30,000, 2,000, 30,000) range: NPV is 12,000 +
    extra, positive unless extra < -12,000: P = (18,000^2 / (60,000 x 32,000)) below, so
    P(NPV > 0) = 1 - 0.16875 = 83 % (triangular CDF by hand); the driver is that line."""
    res = _summary(_case(+1, ranges=True))
    assert res["range"] is not None and "P10" in res["range"]
    assert "83 %" in res["range"] or "84 %" in res["range"] or "82 %" in res["range"]
    assert res["drivers"] and res["drivers"][0].startswith("extra")


def test_report_leads_with_the_summary_and_the_year_table(tmp_path: Path) -> None:
    path = Path(__file__).resolve().parents[2] / "examples" / "usd-onprem-to-cloud.yaml"
    sc = load_scenario(path)
    html = write_report(sc, evaluate(sc), tmp_path).html
    assert html is not None
    text = html.read_text(encoding="utf-8")
    body = text.split("<body>", 1)[1]
    assert body.index('id="executive-summary"') < body.index('id="year-table"')
    assert body.index('id="year-table"') < body.index('class="chart"')
    assert "Recommended" in body and "USD" in body.split('id="year-table"')[0]


def test_chinese_summary_and_year_table(tmp_path: Path) -> None:
    from ccecon.labels import LABELS

    path = Path(__file__).resolve().parents[2] / "examples" / "cny-inhouse-build.yaml"
    sc = load_scenario(path)
    html = write_report(sc, evaluate(sc), tmp_path).html
    assert html is not None
    part = html.read_text(encoding="utf-8").split('id="executive-summary"', 1)[1]
    part = part.split("<h2>", 3)[2] if part.count("<h2>") >= 3 else part
    assert "执行摘要" in html.read_text(encoding="utf-8")
    assert "逐年成本与收益" in html.read_text(encoding="utf-8")
    section = html.read_text(encoding="utf-8").split('id="year-table"', 1)[1].split("</section>")[0]
    for key in ("total_cost", "total_benefit", "cost_savings", "net", "net_risk_adjusted"):
        assert LABELS["zh"][key] in section
        assert LABELS["en"][key] not in section


def test_scorecard_and_risk_register_are_shown(tmp_path: Path) -> None:
    """The CNY example's scorecard (CSAT, scalability) and its two risks with likelihood,
    impact, owner and mitigation reach the report, the evaluate table and its JSON."""
    from typer.testing import CliRunner

    from ccecon.cli.app import app

    path = Path(__file__).resolve().parents[2] / "examples" / "cny-inhouse-build.yaml"
    sc = load_scenario(path)
    assert sc.scorecard is not None and len(sc.scorecard.risks) == 2
    html = write_report(sc, evaluate(sc), tmp_path).html
    assert html is not None
    section = html.read_text(encoding="utf-8").split('id="scorecard"', 1)[1]
    section = section.split("</section>", 1)[0]
    for risk in sc.scorecard.risks:
        assert risk.name in section and str(risk.owner) in section
        assert str(risk.mitigation) in section
    assert "风险登记表" in section and "高" in section  # zh labels; impact high
    assert str(sc.scorecard.csat) in section
    runner = CliRunner()
    table = runner.invoke(app, ["evaluate", str(path)], env={"COLUMNS": "200"}).output
    assert "风险登记表" in table and "pilot in month 1" in table
    import json

    doc = json.loads(runner.invoke(app, ["evaluate", str(path), "--format", "json"]).stdout)
    assert [r["owner"] for r in doc["scorecard"]["risks"]] == ["IT", "compliance"]
    assert doc["scorecard"]["risks"][0]["impact"] == "high"


@pytest.mark.parametrize(
    "stem", ["cny-inhouse-build", "sourcing-cny-seed004", "uncertain-sourcing-cny"]
)
def test_zh_report_has_no_english_label_from_the_label_tables(stem: str) -> None:
    """The CNY example (locale zh): its visible text (scripts and styles left out) holds
    none of the English labels of the report's label tables (texts, settings, charts,
    ccecon.labels) of four letters or more, except inside the scenario's own words
    (names, notes and sources the user wrote, which are shown as written) and the
    bibliographic references of the sources section (titles as published)."""
    import html as html_lib
    import re

    from ccecon.labels import LABELS, WORKBOOK_ZH
    from ccecon.reports.charts import LABELS as CHART_LABELS
    from ccecon.reports.html import LABELS as REPORT_LABELS
    from ccecon.reports.html import TEXT, render_html

    path = Path(__file__).resolve().parents[2] / "examples" / f"{stem}.yaml"
    sc = load_scenario(path)
    assert sc.locale == "zh"
    text = render_html(evaluate(sc))
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", text, flags=re.S)
    visible = html_lib.unescape(re.sub(r"<[^>]+>", " ", text))
    user_words = path.read_text(encoding="utf-8")
    from ccecon.reports.sources import all_sources

    for src in all_sources():  # a title is cited as published, in its language
        visible = visible.replace(html_lib.unescape(src.reference), " ")
    english = {
        v
        for table in (TEXT["en"], REPORT_LABELS["en"], CHART_LABELS["en"], LABELS["en"])
        for v in table.values()
        if len(v) >= 4 and "{" not in v
    } | {v for v in WORKBOOK_ZH if len(v) >= 4 and "{" not in v}  # sourcing components ...
    leaked = sorted(
        v for v in english if re.search(rf"\b{re.escape(v)}\b", visible) and v not in user_words
    )
    assert leaked == []
    assert "来源：公式与数据" in visible and "使净现值为 0 的每一个利率" in visible
