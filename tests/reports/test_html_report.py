"""The HTML report: self-contained, every chart rendered in real chromium, for every
example scenario."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from ccecon.engine import evaluate
from ccecon.errors import InputError
from ccecon.reports import write_report
from ccecon.scenario.load import load_scenario
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
        shot = screenshot(page, f"report-{path.stem}")
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
