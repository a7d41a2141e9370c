"""The business-case engine against hand-computed values and the seed examples."""

from __future__ import annotations

import doctest
import math
from pathlib import Path

import numpy as np
import pytest

import ccecon.engine
from ccecon.engine import evaluate, yearly_flows
from ccecon.scenario.load import parse_scenario

HEAD = """\
name: t
currency: USD
start: 2027-01
horizon_months: {h}
discount_rate: {r}
"""


def scen(body: str, h: int = 24, r: float = 0.0, extra: str = "") -> ccecon.engine.Scenario:
    return parse_scenario(HEAD.format(h=h, r=r) + extra + body)


def test_seed_d1_1_roi_invest_10000_get_15000_is_50_percent() -> None:
    """DOMAIN D1.1 / seed 000: invest 10,000, get 15,000 back -> ROI 50 %."""
    sc = scen(
        """proposal:
  cost_lines: [{name: invest, family: initial, amount: 10000, timing: once, month: 0}]
  benefit_lines: [{name: back, kind: direct, amount: 15000, timing: once, month: 12}]
""",
        h=12,
    )
    res = evaluate(sc)
    assert res.metrics.roi_pct[0] == pytest.approx(50.0, abs=1e-12)
    assert res.metrics.total_cost[0] == 10000
    assert res.metrics.total_benefit[0] == 15000


def test_engine_docstring_examples_run() -> None:
    failures, tried = doctest.testmod(ccecon.engine, verbose=False)
    assert tried > 0 and failures == 0


def test_timing_rules_by_hand() -> None:
    """once / monthly / yearly / per_unit with growth, start and end months, by hand."""
    sc = scen(
        """drivers: {seats: 10}
channels: [{name: hotline, kind: voice_inbound, per_month: 1000, aht_s: 120, growth: 0.5}]
proposal:
  cost_lines:
    - {name: a, family: initial, amount: 500, timing: once, month: 3}
    - {name: b, family: operating, amount: 100, timing: monthly, start_month: 2, end_month: 14,
       growth: 0.1}
    - {name: c, family: operating, amount: 1200, timing: yearly}
    - {name: d, family: operating, amount: 2, timing: per_unit, driver: seats, quantity: 3}
    - {name: e, family: operating, amount: 0.1, timing: per_unit, driver: minutes}
""",
        h=24,
    )
    res = evaluate(sc)
    frame = res.cashflow_frame()

    def line(name: str) -> np.ndarray:
        return frame[frame.line == name].sort_values("month").amount.to_numpy()

    a = np.zeros(25)
    a[3] = 500
    b = np.zeros(25)
    b[2:13] = 100  # months 2..12: plan year 0
    b[13:15] = 110  # months 13, 14: plan year 1, +10 %
    c = np.zeros(25)
    c[1] = 1200
    c[13] = 1200
    d = np.zeros(25)
    d[1:] = 2 * 3 * 10
    e = np.zeros(25)
    e[1:13] = 0.1 * 1000 * 2  # 1000 calls x 2 minutes
    e[13:] = 0.1 * 1500 * 2  # volume +50 % in plan year 1
    for name, want in zip("abcde", (a, b, c, d, e), strict=True):
        np.testing.assert_allclose(line(name), want, rtol=0, atol=1e-9, err_msg=name)
    np.testing.assert_allclose(res.net[0], -(a + b + c + d + e), atol=1e-9)


def test_npv_monthly_and_tei_conventions_by_hand() -> None:
    body = """proposal:
  cost_lines: [{name: x, family: initial, amount: 1000, timing: once, month: 0}]
  benefit_lines: [{name: y, kind: direct, amount: 100, timing: monthly}]
"""
    r = 0.12
    res = evaluate(scen(body, h=24, r=r))
    rm = (1 + r) ** (1 / 12) - 1
    want = -1000 + sum(100 / (1 + rm) ** m for m in range(1, 25))
    assert res.metrics.npv[0] == pytest.approx(want, rel=1e-12)
    tei = evaluate(scen(body, h=24, r=r, extra="discounting: yearly_tei\n"))
    want_tei = -1000 + 1200 / 1.12 + 1200 / 1.12**2  # Forrester TEI: year 0 undiscounted
    assert tei.metrics.npv[0] == pytest.approx(want_tei, rel=1e-12)


def test_yearly_flows_sums_by_plan_year() -> None:
    net = np.arange(26, dtype=float)[None, :]  # months 0..25
    y = yearly_flows(net)
    assert y.shape == (1, 4)
    assert y[0, 0] == 0
    assert y[0, 1] == sum(range(1, 13))
    assert y[0, 2] == sum(range(13, 25))
    assert y[0, 3] == 25


def test_payback_and_irr_of_a_simple_flow() -> None:
    # -1000 at signing, +100 a month: cumulative reaches 0 at the end of month 10.
    res = evaluate(
        scen(
            """proposal:
  cost_lines: [{name: x, family: initial, amount: 1000, timing: once, month: 0}]
  benefit_lines: [{name: y, kind: direct, amount: 100, timing: monthly}]
""",
            h=24,
            r=0.1,
        )
    )
    assert res.metrics.payback_months[0] == pytest.approx(10.0)
    assert res.metrics.discounted_payback_months[0] > 10.0
    # IRR: monthly rate i with 1000 = 100 * (1 - (1+i)^-24) / i; check the NPV at it is 0.
    i = (1 + res.metrics.irr_annual[0]) ** (1 / 12) - 1
    assert abs(-1000 + sum(100 / (1 + i) ** m for m in range(1, 25))) < 1e-6
    assert res.metrics.irr_status[0] == "ok"


def test_risk_adjustment_raises_costs_and_cuts_benefits() -> None:
    res = evaluate(
        scen(
            """proposal:
  cost_lines: [{name: x, family: initial, amount: 1000, timing: once, month: 0, risk: 10%}]
  benefit_lines: [{name: y, kind: direct, amount: 2000, timing: once, month: 1, risk: 25%}]
""",
            h=12,
        )
    )
    assert res.metrics.roi_pct[0] == pytest.approx(100.0)
    assert res.risk_adjusted.total_cost[0] == pytest.approx(1100.0)
    assert res.risk_adjusted.total_benefit[0] == pytest.approx(1500.0)
    assert res.risk_adjusted.roi_pct[0] == pytest.approx((1500 - 1100) / 1100 * 100)


def test_hidden_costs_and_indirect_benefits_are_shown_but_not_counted_by_default() -> None:
    res = evaluate(
        scen(
            """proposal:
  cost_lines:
    - {name: x, family: initial, amount: 1000, timing: once, month: 0}
    - {name: mgmt time, family: hidden, amount: 50, timing: monthly}
  benefit_lines:
    - {name: y, kind: direct, amount: 2000, timing: once, month: 1}
    - {name: brand, kind: indirect, amount: 70, timing: monthly}
""",
            h=12,
        )
    )
    assert res.metrics.total_cost[0] == 1000
    assert res.metrics.total_benefit[0] == 2000
    hidden = res.cases["proposal"].hidden_excluded.sum()
    assert hidden == 600
    frame = res.cashflow_frame()
    assert set(frame[~frame.included].line) == {"mgmt time", "brand"}


def test_baseline_comparison_line_by_line_costs_and_savings() -> None:
    """TEI's rule, by hand: a line only in the proposal is a cost, a dropped baseline line a
    saving; linked by ``replaces`` the two are one line and only their difference counts."""
    text = """baseline:
  cost_lines: [{name: old platform, family: operating, amount: 1000, timing: monthly}]
proposal:
  cost_lines:
    - {name: migration, family: initial, amount: 6000, timing: once, month: 0}
    - {name: new platform, family: operating, amount: 400, timing: monthly%s}
"""
    apart = evaluate(scen(text % "", h=24)).metrics
    # new platform 24 x 400 = 9,600 is a new fee: cost 6,000 + 9,600; the old one dropped
    # is a saving of 24 x 1,000 = 24,000
    assert apart.net[0] == pytest.approx(24 * 600 - 6000)
    assert apart.total_cost[0] == pytest.approx(6000 + 9600)
    assert apart.cost_savings[0] == pytest.approx(24000)
    assert apart.total_benefit[0] == pytest.approx(24000)
    assert apart.roi_pct[0] == pytest.approx((24000 - 15600) / 15600 * 100)
    linked = evaluate(scen(text % ", replaces: old platform", h=24)).metrics
    # one platform line, 1,000 -> 400 a month: a saving of 24 x 600 = 14,400
    assert linked.net[0] == apart.net[0]
    assert linked.total_cost[0] == pytest.approx(6000)
    assert linked.cost_savings[0] == pytest.approx(24 * 600)
    assert linked.roi_pct[0] == pytest.approx((14400 - 6000) / 6000 * 100)
    assert linked.payback_months[0] == pytest.approx(10.0)


def test_roi_not_defined_when_nothing_is_invested() -> None:
    res = evaluate(
        scen(
            """proposal:
  benefit_lines: [{name: y, kind: direct, amount: 10, timing: monthly}]
""",
            h=6,
        )
    )
    assert not res.metrics.roi_defined[0]
    assert math.isnan(res.metrics.roi_pct[0])
    s = res.summary()
    assert s["roi_pct"] is None and "not defined" in s["roi_note"]


def test_levers_ramp_linearly_and_drive_costs() -> None:
    res = evaluate(
        scen(
            """channels: [{name: hotline, kind: voice_inbound, per_month: 1000, aht_s: 60}]
proposal:
  levers: [{name: ivr, channel: hotline, volume_factor: 0.8, start_month: 3, ramp_months: 4}]
  cost_lines: [{name: per call, family: operating, amount: 1, timing: per_unit,
                driver: inbound_calls}]
""",
            h=12,
        )
    )
    vol = res.cases["proposal"].volumes["hotline"][0]
    # months 1-2 full; month 3 = 1/4 of the cut, month 6 the full cut of 20 %.
    np.testing.assert_allclose(vol[1:8], [1000, 1000, 950, 900, 850, 800, 800])
    cost = res.cashflow_frame().query("line == 'per call'").amount.to_numpy()
    np.testing.assert_allclose(cost, vol)


def test_unit_costs_voice_only_is_total_over_calls() -> None:
    """D2.1: cost per inbound call = total cost of handling calls / calls handled."""
    res = evaluate(
        scen(
            """unit_cost_basis: operating
channels: [{name: hotline, kind: voice_inbound, per_month: 2000, aht_s: 180}]
proposal:
  cost_lines:
    - {name: agents, family: operating, amount: 7000, timing: monthly}
    - {name: telecom, family: operating, amount: 0.02, timing: per_unit, driver: minutes}
    - {name: capex, family: initial, amount: 1200, timing: once, month: 0}
""",
            h=12,
        )
    )
    total = 12 * 7000 + 0.02 * 2000 * 3 * 12
    assert res.unit_costs.horizon["cost_per_inbound_call"] == pytest.approx(total / 24000)
    assert res.unit_costs.horizon["cost_per_minute"] == pytest.approx(total / (24000 * 3))
    q = res.unit_costs.table.query("case == 'proposal' and period == 'quarter'")
    assert len(q) == 4
    assert q.cost_per_inbound_call.tolist() == pytest.approx([total / 24000] * 4)


def test_unit_costs_fully_loaded_spread_initial_and_allocate_by_minutes() -> None:
    res = evaluate(
        scen(
            """channels:
  - {name: hotline, kind: voice_inbound, per_month: 1000, aht_s: 300}
  - {name: mails, kind: email, per_month: 1000, aht_s: 100}
proposal:
  cost_lines:
    - {name: ops, family: operating, amount: 8000, timing: monthly}
    - {name: capex, family: initial, amount: 12000, timing: once, month: 0}
""",
            h=12,
        )
    )
    monthly_cost = 8000 + 12000 / 12
    share_voice = 300 / 400
    assert res.unit_costs.horizon["cost_per_inbound_call"] == pytest.approx(
        monthly_cost * share_voice / 1000
    )
    assert res.unit_costs.horizon["cost_per_contact"] == pytest.approx(monthly_cost / 2000)


def test_benchmark_position_in_band() -> None:
    res = evaluate(
        scen(
            """channels: [{name: hotline, kind: voice_inbound, per_month: 1000, aht_s: 180}]
benchmark: liveagent-cost-per-call
proposal:
  cost_lines: [{name: ops, family: operating, amount: 6000, timing: monthly}]
""",
            h=12,
        )
    )
    b = res.benchmark
    assert b is not None
    assert b["value"] == pytest.approx(6.0)
    assert b["position"] == "above"
    assert b["fraction"] == pytest.approx((6.0 - 2.70) / (5.60 - 2.70))


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize(
    "name", ["cny-inhouse-build.yaml", "usd-onprem-to-cloud.yaml", "eur-omnichannel-chat.yaml"]
)
def test_business_case_examples_evaluate(name: str) -> None:
    from ccecon.scenario.load import load_scenario

    res = evaluate(load_scenario(EXAMPLES / name))
    assert np.isfinite(res.metrics.npv[0])
    assert res.metrics.roi_defined[0]
    assert res.unit_costs.horizon["cost_per_inbound_call"] > 0


def test_avoided_baseline_capital_counts_as_benefit_not_negative_cost() -> None:
    res = evaluate(
        scen(
            """baseline:
  cost_lines: [{name: server refresh, family: initial, amount: 5000, timing: once, month: 6}]
proposal:
  cost_lines: [{name: migration, family: initial, amount: 3000, timing: once, month: 0}]
""",
            h=12,
        )
    )
    assert res.metrics.total_cost[0] == pytest.approx(3000)
    assert res.metrics.total_benefit[0] == pytest.approx(5000)
    assert res.metrics.roi_pct[0] == pytest.approx((5000 - 3000) / 3000 * 100)
    assert res.metrics.net[0] == pytest.approx(2000)


def test_cny_example_line_totals_follow_the_seed_004_quote() -> None:
    """Example (a) prices the D6.3 self-build quote (seed 004); each fixed line's total over
    the 36 months is recomputed here from the quote's unit prices."""
    from ccecon.scenario.load import load_scenario

    res = evaluate(load_scenario(EXAMPLES / "cny-inhouse-build.yaml"))
    totals = {name.split(" ", 1)[1]: float(m.sum()) for name, *_, m in res.cases["proposal"].lines}
    quote = {
        "build service": 30_000 * 20,  # per person-day, about 20 days
        "equipment": 35_000 * 6,  # 20,000-50,000 per unit: midpoint, 6 units
        "installation": 10_000 * 5,  # per day
        "customization": 15_000 * 10,  # per day
        "other": 5_000 * 4,  # per item
        "platform": 10_000 * 36,  # per month
        "staff management": 5_000 * 36,  # per month
        "maintenance": 5_000 * 6 * 2,  # per unit-year; years 2 and 3 (year 1 in warranty)
        "upgrade": 10_000 * 2,  # per upgrade, yearly from month 13: months 13 and 25
        "support": 3_000 * 2 * 36,  # per incident, 2 incidents a month
    }
    for line, want in quote.items():
        assert totals[line] == pytest.approx(want), line


def test_several_irrs_through_the_engine_show_the_root_nearest_zero() -> None:
    """The textbook "pump" flow -1,600 / +10,000 / -10,000 has IRRs of 25 % and 400 % a
    period (Brealey & Myers, Principles of Corporate Finance, ch. 5): the engine flags it
    and the summary shows 25 % a month annualized, not a blank."""
    res = evaluate(
        scen(
            """proposal:
  cost_lines:
    - {name: pump, family: initial, amount: 1600, timing: once, month: 0}
    - {name: cleanup, family: initial, amount: 10000, timing: once, month: 2}
  benefit_lines: [{name: oil, kind: direct, amount: 10000, timing: once, month: 1}]
""",
            h=2,
        )
    )
    assert res.metrics.irr_status[0] == "several"
    assert res.summary()["irr_status"] == "several"
    assert res.summary()["irr_annual_pct"] == pytest.approx((1.25**12 - 1) * 100)


def test_evaluate_notes_say_what_the_irr_status_means(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ccecon.cli.app import app

    f = tmp_path / "pump.yaml"
    f.write_text(
        HEAD.format(h=2, r=0.0)
        + """proposal:
  cost_lines:
    - {name: pump, family: initial, amount: 1600, timing: once, month: 0}
    - {name: cleanup, family: initial, amount: 10000, timing: once, month: 2}
  benefit_lines: [{name: oil, kind: direct, amount: 10000, timing: once, month: 1}]
""",
        encoding="utf-8",
    )
    out = CliRunner().invoke(app, ["evaluate", str(f)], terminal_width=200)
    assert out.exit_code == 0, out.output
    assert "IRR is not unique" in out.output
    assert "the one nearest 0 is shown" in out.output


def test_outbound_cost_per_sale_d2_2_by_hand() -> None:
    """D2.2: outbound cost per sale = cost of the outbound work / sales made. Operating
    basis; the cost is shared by handle minutes (inbound 2,000 x 3 min, outbound 1,000 x
    2 min: outbound carries 2,000 / 8,000 of it), sales = 1,000 calls x 5 %."""
    res = evaluate(
        scen(
            """unit_cost_basis: operating
channels:
  - {name: hotline, kind: voice_inbound, per_month: 2000, aht_s: 180}
  - {name: dialer, kind: voice_outbound, per_month: 1000, aht_s: 120, sales_rate: 0.05}
proposal:
  cost_lines: [{name: ops, family: operating, amount: 8000, timing: monthly}]
""",
            h=12,
        )
    )
    outbound_cost = 8000 * 2000 / 8000
    assert res.unit_costs.horizon["cost_per_sale"] == pytest.approx(outbound_cost / 50)
    assert res.unit_costs.horizon["cost_per_inbound_call"] == pytest.approx(8000 * 0.75 / 2000)


def test_unit_costs_by_month_quarter_and_year_d2_3() -> None:
    """D2.3: the same ratio for any period. Volume grows 10 % a year (12 x 1,000 then 12 x
    1,100) and the cost is fixed, so month 13's cost per call is 5,000 / 1,100 and year
    two's is 12 x 5,000 / 13,200; a period's ratio is its sums divided, not a mean of
    monthly ratios."""
    res = evaluate(
        scen(
            """unit_cost_basis: operating
channels: [{name: hotline, kind: voice_inbound, per_month: 1000, aht_s: 180, growth: 0.10}]
proposal:
  cost_lines: [{name: ops, family: operating, amount: 5000, timing: monthly}]
""",
            h=24,
        )
    )
    t = res.unit_costs.table.query("case == 'proposal'")
    months = t[t.period == "month"].cost_per_inbound_call.to_numpy()
    assert len(months) == 24
    np.testing.assert_allclose(months[:12], 5.0)
    np.testing.assert_allclose(months[12:], 5000 / 1100)
    years = t[t.period == "year"]
    np.testing.assert_allclose(
        years.cost_per_inbound_call.to_numpy(), [5.0, 12 * 5000 / (12 * 1100)]
    )
    quarters = t[t.period == "quarter"]
    assert len(quarters) == 8
    np.testing.assert_allclose(quarters.cost_per_inbound_call.to_numpy()[4:], 5000 / 1100)
    horizon = res.unit_costs.horizon["cost_per_inbound_call"]
    assert horizon == pytest.approx(24 * 5000 / (12 * 1000 + 12 * 1100))


def test_benchmark_band_given_in_the_scenario() -> None:
    """D2.5: a band the user states (with its source) is used as given."""
    res = evaluate(
        scen(
            """channels: [{name: hotline, kind: voice_inbound, per_month: 1000, aht_s: 180}]
benchmark: {low: 4, high: 8, source: "our 2026 peer survey"}
proposal:
  cost_lines: [{name: ops, family: operating, amount: 5000, timing: monthly}]
""",
            h=12,
        )
    )
    b = res.benchmark
    assert b is not None
    assert b["position"] == "within"
    assert b["fraction"] == pytest.approx((5.0 - 4) / (8 - 4))
    assert "peer survey" in b["source"]


def test_every_bundled_benchmark_names_its_source_and_year() -> None:
    from ccecon.costing.benchmarks import BENCHMARKS

    assert BENCHMARKS
    for key, band in BENCHMARKS.items():
        assert band.key == key
        assert 0 < band.low < band.high
        assert len(band.source) > 20 and band.year.strip(), key
        assert len(band.currency) == 3 and band.currency.isupper()


def test_a_bundled_band_in_another_currency_is_refused() -> None:
    """Bands are never converted silently: a USD band for a EUR scenario is a user error."""
    from ccecon.errors import InputError

    with pytest.raises(InputError, match="USD"):
        evaluate(
            parse_scenario(
                HEAD.replace("USD", "EUR").format(h=12, r=0)
                + """channels: [{name: hotline, kind: voice_inbound, per_month: 1000, aht_s: 180}]
benchmark: liveagent-cost-per-call
proposal:
  cost_lines: [{name: ops, family: operating, amount: 5000, timing: monthly}]
"""
            )
        )
