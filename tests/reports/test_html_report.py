"""The HTML report: self-contained, every chart rendered in real chromium, for every
example scenario."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest

from ccecon.engine import evaluate
from ccecon.errors import InputError
from ccecon.reports import write_report
from ccecon.scenario.load import load_scenario
from ccecon.scenario.schema import Scenario
from tests.browser import browser, open_page, screenshot

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _scenario_examples() -> list[Path]:
    """Every example file that is a scenario (others are payroll, survey, targets, ...)."""
    out = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        try:
            load_scenario(path)
        except InputError:
            continue
        out.append(path)
    return out


SCENARIOS = _scenario_examples()


def test_there_are_scenario_examples() -> None:
    assert len(SCENARIOS) >= 3


@pytest.fixture(scope="module")
def chromium():  # type: ignore[no-untyped-def]
    with browser() as b:
        yield b


@pytest.mark.browser
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_report_renders_offline_in_chromium(path: Path, tmp_path: Path, chromium) -> None:  # type: ignore[no-untyped-def]
    scenario = load_scenario(path)
    paths = write_report(scenario, evaluate(scenario), tmp_path, source_path=path)
    assert paths.html is not None
    text = paths.html.read_text(encoding="utf-8")
    assert "<script src=" not in text and '<link rel="stylesheet" href="http' not in text
    assert hashlib.sha256(path.read_bytes()).hexdigest() in text  # fingerprint
    with open_page(chromium, paths.html.as_uri()) as (page, log):
        page.wait_for_function(
            "document.querySelectorAll('.js-plotly-plot').length > 0 && "
            "[...document.querySelectorAll('.js-plotly-plot')]"
            ".every(p => p.querySelector('svg.main-svg'))",
            timeout=30_000,
        )
        charts = page.locator(".chart").count()
        rendered = page.locator(".chart .js-plotly-plot svg.main-svg").count()
        # a sourcing-only scenario shows the options' cumulative cost alone (no flat
        # charts of an empty business case)
        from ccecon.sourcing.compare import sourcing_only

        assert charts >= (1 if sourcing_only(scenario) else 2)
        assert page.locator(".chart .js-plotly-plot").count() == charts
        assert rendered >= charts
        shown = page.inner_text("body")  # what a reader sees (charts included), no scripts
        sections = page.evaluate("[...document.querySelectorAll('section[id]')].map(s => s.id)")
        money = money_problems(page, scenario.currency)
        shot = screenshot(page, f"report-{path.stem}")
    assert set(expected_sections(scenario)) <= set(sections), sections
    assert money == {"unclassified": [], "without_currency": [], "bare": []}, money
    for word in ("DOMAIN", "seed"):  # internal codes and run details stay out of the text
        assert not re.search(rf"\b{word}\b", shown, flags=re.I), word
    if scenario.locale == "zh":  # what the reader sees, the charts' texts included
        assert untranslated(shown, path) == []
    assert shot.stat().st_size > 10_000
    # numbers for people: no scientific notation, no settings or metrics as raw keys
    assert not re.search(r"\b\d(?:\.\d+)?e[+-]?\d+\b", shown), re.findall(
        r".{30}\de[+-]\d.{10}", shown
    )
    for key in ("horizon_months", "discount_rate", "unit_cost_basis", "cost_per_", "fully_loaded"):
        assert key not in shown, key
    assert not re.search(r"\w\[\d+\]\.\w", shown)  # no JSON path (levers[0].volume_factor)
    assert log.console_errors == []
    assert [u for u in log.requests if not u.startswith("file://")] == []


def expected_sections(scenario: Scenario) -> list[str]:
    """The report's sections (their ids) for ``scenario``: the summary, year table (not for
    a sourcing-only scenario, which has no business case), charts, unit costs,
    assumptions and sources always; staffing, sourcing and the scorecard when the scenario
    has them."""
    from ccecon.sourcing.compare import sourcing_only

    out = ["executive-summary", "charts", "unit-costs", "assumptions", "sources"]
    if not sourcing_only(scenario):
        out.append("year-table")
    if scenario.staffing is not None:
        out.append("staffing")
    if scenario.sourcing is not None:
        out.append("sourcing")
    if scenario.scorecard is not None:
        out.append("scorecard")
    return out


MONEY_CHECK = """
(cur) => {
  // a number as the report writes it: 1,234,567.89 or 12.5 or -3 (not the 10 of P10)
  const num = new RegExp(
    '(?<![\\\\w.,])-?\\\\d{1,3}(?:,\\\\d{3})+(?:\\\\.\\\\d+)?(?!\\\\w|[.,]\\\\d)'
    + '|(?<![\\\\w.,])-?\\\\d+(?:\\\\.\\\\d+)?(?!\\\\w|[.,]\\\\d)', 'g');
  const out = {unclassified: [], without_currency: [], bare: []};
  // 1. every numeric cell says what its number is (money or another unit)
  for (const td of document.querySelectorAll('td.num')) {
    if (!td.closest('[data-unit]')) out.unclassified.push(td.textContent.trim());
  }
  // 2. every number in a money figure carries the currency (words the user wrote and
  //    other units inside it, e.g. "x 20" of a quantity, left out)
  for (const el of document.querySelectorAll('[data-unit="money"]')) {
    const bare = el.cloneNode(true);
    bare.querySelectorAll('[data-text], [data-unit]:not([data-unit="money"])')
      .forEach(n => n.remove());
    const text = bare.textContent.replace(/\\s+/g, ' ').trim();
    const found = [...text.matchAll(num)];
    if (!found.length && text !== '-') out.without_currency.push(text);
    for (const m of found) {
      if (!text.slice(m.index + m[0].length).startsWith(' ' + cur)) {
        out.without_currency.push(text);
        break;
      }
    }
  }
  // 3. anywhere else (charts, code, dates, the user's own words and marked figures left
  //    out), a number of 1,000 or more reads as money to a person: it must carry the
  //    currency, or a unit word must follow it
  const units = [' ' + cur, ' draws', ' simulated', ' months', ' %', ' 次', ' 个月'];
  const skip = 'script, style, .chart, code, time, [data-unit], [data-text]';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement.closest(skip)) continue;
    const text = n.textContent;
    for (const m of text.matchAll(num)) {
      const whole = m[0].replace(/,/g, '').replace(/^-/, '').split('.')[0];
      const after = text.slice(m.index + m[0].length);
      if (whole.length >= 4 && !units.some(u => after.startsWith(u))) {
        out.bare.push(text.trim().slice(0, 120));
      }
    }
  }
  return out;
}
"""
"""A JavaScript function of the currency code: what in the page breaks "currency on every
money figure" (empty lists when nothing does). The report marks each figure's kind with
``data-unit`` (``money``, ``percent``, ``months``, ``FTE`` ...) and the user's own words
with ``data-text``; the check does not trust the marks alone: an unmarked number of four
digits or more anywhere in the text fails too."""


def money_problems(page: Any, currency: str) -> dict[str, list[str]]:
    """:data:`MONEY_CHECK` run in ``page``."""
    found: dict[str, list[str]] = page.evaluate(MONEY_CHECK, currency)
    return found


def untranslated(visible: str, path: Path) -> list[str]:
    """The English labels of the report's label tables (texts, settings, charts, the
    workbook's phrases, ccecon.labels; four letters or more) found in ``visible``, except
    inside the scenario's own words (the file's text) and the sources' references (titles
    as published)."""
    from ccecon.labels import LABELS, WORKBOOK_ZH
    from ccecon.reports.charts import LABELS as CHART_LABELS
    from ccecon.reports.html import LABELS as REPORT_LABELS
    from ccecon.reports.html import TEXT
    from ccecon.reports.sources import all_sources

    for src in all_sources():
        visible = visible.replace(src.reference, " ")
    user_words = path.read_text(encoding="utf-8")
    tables = (TEXT["en"], REPORT_LABELS["en"], CHART_LABELS["en"], LABELS["en"])
    english = {v for table in tables for v in table.values()} | set(WORKBOOK_ZH)
    return sorted(
        v
        for v in english
        if len(v) >= 4
        and "{" not in v
        and v not in user_words
        and re.search(rf"(?<![\w.]){re.escape(v)}(?![\w.])", visible)
    )


def test_chinese_locale_labels(tmp_path: Path) -> None:
    path = EXAMPLES / "cny-inhouse-build.yaml"
    scenario = load_scenario(path)
    assert scenario.locale == "zh"
    html = write_report(scenario, evaluate(scenario), tmp_path).html
    assert html is not None
    text = html.read_text(encoding="utf-8")
    assert "净现值" in text and "假设" in text and 'lang="zh"' in text
    for label in ("折现率", "评估期", "每次联络成本", "全成本"):  # settings and unit costs
        assert label in text, label
    assert "horizon_months" not in text.split("<h2>", 1)[1].split("<script", 1)[0]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (250_000.0, "250,000"),  # was 2.5e+05
        (40_000, "40,000"),  # was 4e+04
        (1.5, "1.5"),
        (0.0125, "0.0125"),
        (1234.5678, "1,235"),  # four significant digits
        (0.3, "0.3"),
        (0.0, "0"),
        (-58_823.5, "-58,824"),
    ],
)
def test_plain_numbers_never_use_scientific_notation(value: float, shown: str) -> None:
    from ccecon.reports.html import _plain

    assert _plain(value) == shown


def test_distributions_show_their_range() -> None:
    """A bounded distribution shows min / most likely / max; an unbounded one P10 / base /
    P90 (the lognormal with median 100,000 and P90 170,000 has P10 100,000^2 / 170,000 =
    58,824 by symmetry in the logarithm)."""
    from ccecon.reports.html import _pct, _value
    from ccecon.uncertainty.distributions import LogNormal, Triangular

    tri = Triangular(dist="triangular", min=0.3, mode=0.4, max=0.7)
    assert _value(tri) == "triangular: 0.3 / 0.4 / 0.7 (min / most likely / max)"
    logn = LogNormal.model_validate({"dist": "lognormal", "median": 100_000, "p90": 170_000})
    assert _value(logn) == "lognormal: 58,824 / 100,000 / 170,000 (P10 / base / P90)"
    assert _pct(0.2) == "20 %" and _pct(0.125) == "12.5 %"


def test_report_cli_and_demo_write_report(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ccecon.cli.app import app

    r = CliRunner().invoke(
        app, ["report", str(EXAMPLES / "eur-omnichannel-chat.yaml"), "--out", str(tmp_path)]
    )
    assert r.exit_code == 0, r.output
    assert (tmp_path / "report.html").stat().st_size > 100_000  # plotly.js is inline


def test_sourcing_figure_in_report(tmp_path: Path) -> None:
    """A scenario with a sourcing section gets the cumulative-cost chart; its last point per
    option is the option's TCO from the comparison."""
    from ccecon.reports.charts import sourcing_figure

    path = EXAMPLES / "sourcing-usd-shores.yaml"
    scenario = load_scenario(path)
    result = evaluate(scenario)
    fig = sourcing_figure(result)
    assert fig is not None
    comparison = result.extras["sourcing"]
    ends = {tr.name.split(" (")[0]: float(tr.y[-1]) for tr in fig.data}
    assert ends == pytest.approx({o.name: float(o.tco[0]) for o in comparison.options})
    html = write_report(scenario, result, tmp_path).html
    assert html is not None
    assert 'id="fig-sourcing"' in html.read_text(encoding="utf-8")
    plain = evaluate(load_scenario(EXAMPLES / "usd-onprem-to-cloud.yaml"))
    assert sourcing_figure(plain) is None


def test_sourcing_only_report_has_no_chart_of_an_empty_business_case() -> None:
    """A sourcing-only scenario with ranges: its business case is empty (NPV 0 in every
    draw), so no NPV distribution or tornado; its options' cumulative cost is drawn."""
    from ccecon.reports.charts import business_case_figures, uncertainty_figures
    from ccecon.sourcing.compare import sourcing_only
    from ccecon.uncertainty.sampling import uncertain_inputs

    sc = load_scenario(EXAMPLES / "uncertain-sourcing-cny.yaml")
    assert sourcing_only(sc) and uncertain_inputs(sc)
    result = evaluate(sc)
    assert uncertainty_figures(result) == []
    assert [cid for cid, _ in business_case_figures(result)] == ["sourcing"]
