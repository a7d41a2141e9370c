"""CLV (D4.1-D4.2) and the satisfaction-driven ROI (D4.3-D4.5) from seed 003."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from ccecon.cli.app import app
from ccecon.errors import InputError, NoSolutionError
from ccecon.finance import clv as clv_module
from ccecon.finance import satisfaction as satisfaction_module
from ccecon.finance.clv import clv_annuity, clv_simple, loyal_years_from_clv
from ccecon.finance.satisfaction import (
    classify,
    helpdesk_costs,
    roi_on_net_cost,
    satisfaction_roi,
    segment_net,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_seed_003_simple_clv_3000_x_4_x_10_is_120000() -> None:
    assert float(clv_simple(3000, 4, 10)) == 120000.0


def test_annuity_clv_by_hand() -> None:
    want = 1200 / 1.1 + 1200 / 1.1**2 + 1200 / 1.1**3
    assert float(clv_annuity(1200, 0.1, 3)) == pytest.approx(want, rel=1e-12)
    assert float(clv_annuity(1200, 0.0, 3)) == 3600.0


@given(
    r=st.floats(min_value=1, max_value=1e6),
    i=st.floats(min_value=0.001, max_value=0.5),
    n=st.floats(min_value=0.1, max_value=60),
)
def test_solving_for_years_inverts_the_annuity(r: float, i: float, n: float) -> None:
    v = float(clv_annuity(r, i, n))
    if v >= r / i * (1 - 1e-9):
        return  # numerically a perpetuity
    assert float(loyal_years_from_clv(v, r, i)) == pytest.approx(n, rel=1e-6)


def test_clv_above_perpetuity_has_no_solution() -> None:
    with pytest.raises(NoSolutionError):
        loyal_years_from_clv(20000, 1200, 0.1)  # R / i = 12,000


def test_thresholds_are_strict_and_configurable() -> None:
    assert classify(85.0) == "neutral" and classify(85.1) == "loyal"
    assert classify(50.0) == "neutral" and classify(49.9) == "disloyal"
    assert classify(70, loyal_above=60) == "loyal"


def test_satisfaction_roi_by_segment_from_the_example_survey() -> None:
    """examples/survey.csv counted by hand with thresholds 85/50: VIP 92, 88, 97 loyal and 45
    disloyal; regular 86, 91 loyal and 42, 49 disloyal (85 and 50 are neutral); new 99, 86
    loyal and 30 disloyal."""
    from ccecon.finance.survey_file import read_survey

    res = satisfaction_roi(
        read_survey(EXAMPLES / "survey.csv"),
        {"VIP": 10000, "普通 regular": 3000, "新客 new": 2000},
        net_cost=20000,
    )
    seg = {s.segment: s for s in res.segments}
    assert (seg["VIP"].loyal, seg["VIP"].disloyal) == (3, 1)
    assert (seg["普通 regular"].loyal, seg["普通 regular"].disloyal) == (2, 2)
    assert (seg["新客 new"].loyal, seg["新客 new"].disloyal) == (2, 1)
    net = (3 - 1) * 10000 + (2 - 2) * 3000 + (2 - 1) * 2000
    assert res.net_profit == net
    assert res.roi_pct == pytest.approx((net - 20000) / 20000 * 100)


def test_satisfaction_cli_json(tmp_path: Path) -> None:
    r = CliRunner().invoke(
        app,
        [
            "satisfaction",
            str(EXAMPLES / "survey.csv"),
            "--clv",
            "3000",
            "--net-cost",
            "5000",
            "--format",
            "json",
        ],
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["net_profit"] == (7 - 4) * 3000
    assert doc["roi_pct"] == pytest.approx((9000 - 5000) / 5000 * 100)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("customer,segment,index\nC1,A,abc\n", "row 2"),
        ("customer,segment,index\nC1,A,120\n", "0 to 100"),
        ("customer,segment\nC1,A\n", "missing column"),
        ("customer,segment,index\nC1,A,50\nC1,A,60\n", "surveyed twice"),
        ("customer,segment,index\n", "no responses"),
        ("customer,segment,index\nC1,A,50\n\nC2,A,50,extra\n", "row 4"),
        ("customer,segment,index\nC1,A,50\n,A,60\n", "empty customer"),
        ("customer,segment,index\nC1,,50\n", "empty segment"),
        ("customer,segment,index\nC1,A,nan\n", "0 to 100"),
        ("customer,segment,index\nC1,A,-1\n", "0 to 100"),
    ],
)
def test_bad_survey_rows_exit_2(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "s.csv"
    path.write_text(content, encoding="utf-8")
    r = CliRunner().invoke(app, ["satisfaction", str(path), "--clv", "1", "--net-cost", "1"])
    assert r.exit_code == 2
    assert fragment in r.stderr and str(path) in r.stderr


def test_missing_segment_clv_is_an_error() -> None:
    with pytest.raises(InputError, match="no CLV"):
        satisfaction_roi([("A", 90)], {"B": 1.0}, 1.0)


def test_helpdesk_cost_per_ticket() -> None:
    h = helpdesk_costs(12000, 800, 9600)
    assert (float(h.cost_per_ticket), float(h.minutes_per_ticket)) == (15.0, 12.0)
    assert float(h.cost_per_minute) == 1.25
    draws = helpdesk_costs(np.array([8000.0, 12000.0]), 800, np.array([0.0, 9600.0]))
    np.testing.assert_allclose(draws.cost_per_ticket, [10.0, 15.0])
    assert draws.cost_per_minute.tolist() == [np.inf, 1.25]  # no minutes logged: inf, not NaN
    with pytest.raises(InputError, match="tickets"):
        helpdesk_costs(100, 0, 10)
    with pytest.raises(InputError, match="minutes"):
        helpdesk_costs(100, 10, -1)


def test_helpdesk_cli() -> None:
    r = CliRunner().invoke(
        app, ["helpdesk", "--cost", "12000", "--tickets", "800", "--minutes", "9600", "-f", "csv"]
    )
    assert r.exit_code == 0, r.output
    assert "cost_per_ticket,15.0" in r.stdout and "minutes_per_ticket,12.0" in r.stdout
    r = CliRunner().invoke(app, ["helpdesk", "--cost", "1", "--tickets", "0", "--minutes", "1"])
    assert r.exit_code == 2 and "tickets" in r.stderr


def test_survey_scaled_to_the_customer_base() -> None:
    """A sample survey stands for the month's customers: VIP 3 loyal / 1 disloyal of 5
    respondents, 500 VIP customers -> 300 loyal, 100 disloyal; CLV 1,000 -> net 200,000."""
    from ccecon.finance.survey_file import read_survey

    responses = read_survey(EXAMPLES / "survey.csv")
    res = satisfaction_roi(
        responses,
        1000.0,
        net_cost=50_000,
        customers={"VIP": 500, "普通 regular": 800, "新客 new": 300},
    )
    seg = {s.segment: s for s in res.segments}
    assert (seg["VIP"].loyal_customers, seg["VIP"].disloyal_customers) == (300, 100)
    assert (seg["普通 regular"].loyal_customers, seg["普通 regular"].disloyal_customers) == (
        200,
        200,
    )
    assert (seg["新客 new"].loyal_customers, seg["新客 new"].disloyal_customers) == (200, 100)
    assert res.net_profit == (200 + 0 + 100) * 1000.0
    assert res.roi_pct == pytest.approx((300_000 - 50_000) / 50_000 * 100)
    with pytest.raises(InputError, match="no customer count"):
        satisfaction_roi(responses, 1000.0, 1.0, customers={"VIP": 500})
    with pytest.raises(InputError, match="no survey respondents"):
        satisfaction_roi(responses, 1000.0, 1.0, customers={"VIP": 5, "X": 1})


@given(
    st.lists(st.tuples(st.sampled_from(["a", "b"]), st.floats(0, 100)), min_size=1, max_size=40),
    st.floats(0, 1e5),
    st.floats(1, 1e6),
)
def test_satisfaction_roi_equals_the_counting_definition(
    responses: list[tuple[str, float]], clv: float, cost: float
) -> None:
    """Invariant: net profit = CLV x (# index > 85 - # index < 50), whatever the segments."""
    res = satisfaction_roi(responses, clv, cost)
    loyal = sum(1 for _, i in responses if i > 85)
    disloyal = sum(1 for _, i in responses if i < 50)
    assert res.net_profit == pytest.approx(clv * (loyal - disloyal), abs=1e-6)
    assert res.roi_pct == pytest.approx((res.net_profit - cost) / cost * 100, abs=1e-6)


def test_money_functions_broadcast_over_draws() -> None:
    np.testing.assert_allclose(segment_net(3, 1, [1000.0, 2000.0]), [2000.0, 4000.0])
    np.testing.assert_allclose(roi_on_net_cost([1000.0, 500.0], 500.0), [100.0, 0.0])
    with pytest.raises(InputError, match="net cost"):
        roi_on_net_cost(1.0, [1.0, 0.0])


def test_thresholds_must_not_cross() -> None:
    with pytest.raises(InputError, match="disloyal_below"):
        satisfaction_roi([("A", 90)], 1.0, 1.0, loyal_above=40, disloyal_below=60)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--clv", "abc"], "--clv"),
        (["--clv", "VIP=1", "--clv", "x"], "SEGMENT=NUMBER"),
        (["--clv", "1", "--customers", "500"], "--customers"),
        (["--clv", "1", "--customers", "VIP=5"], "no customer count"),
        (["--clv", "VIP=1"], "no CLV given"),
        (["--clv", "1", "--net-cost", "0"], "net cost"),
    ],
)
def test_bad_satisfaction_options_exit_2(args: list[str], fragment: str) -> None:
    base = ["satisfaction", str(EXAMPLES / "survey.csv")]
    extra = [] if "--net-cost" in args else ["--net-cost", "100"]
    r = CliRunner().invoke(app, base + args + extra)
    assert r.exit_code == 2, r.output
    assert fragment in r.stderr


def test_satisfaction_cli_table_and_csv_with_customers() -> None:
    args = ["satisfaction", str(EXAMPLES / "survey.csv"), "--clv", "1000", "--net-cost", "50000"]
    args += ["--customers", "VIP=500", "--customers", "普通 regular=800"]
    args += ["--customers", "新客 new=300"]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "500.0 %" in r.stdout  # (300,000 - 50,000) / 50,000
    r = CliRunner().invoke(app, [*args, "-f", "csv"])
    assert r.exit_code == 0 and r.stdout.splitlines()[0].startswith("segment,respondents")
    assert "TOTAL" in r.stdout


def test_docstring_examples() -> None:
    for mod in (clv_module, satisfaction_module):
        res = doctest.testmod(mod)
        assert res.attempted >= 2 and res.failed == 0


def test_clv_cli() -> None:
    r = CliRunner().invoke(
        app,
        [
            "clv",
            "--purchase-value",
            "3000",
            "--purchases-per-year",
            "4",
            "--years",
            "10",
            "-f",
            "json",
        ],
    )
    assert r.exit_code == 0 and json.loads(r.stdout)["clv"] == 120000.0
    r = CliRunner().invoke(
        app, ["clv", "--monthly-profit", "100", "--rate", "0.1", "--solve-years-for", "20000"]
    )
    assert r.exit_code == 2 and "loyal forever" in r.stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--purchase-value", "3000", "--years", "10"], "--purchases-per-year"),
        (["--years", "3"], "exactly one of --yearly-profit"),
        (["--yearly-profit", "1200", "--monthly-profit", "100", "--years", "3"], "exactly one"),
        (["--yearly-profit", "1200"], "give --years"),
        (["--yearly-profit", "1200", "--years", "3", "--solve-years-for", "10"], "not both"),
        (["--yearly-profit", "1200", "--rate", "-1", "--years", "3"], "rate"),
    ],
)
def test_bad_clv_options_exit_2(args: list[str], fragment: str) -> None:
    r = CliRunner().invoke(app, ["clv", *args])
    assert r.exit_code == 2, r.output
    assert fragment in r.stderr


def test_clv_cli_annuity_and_solve_round_trip() -> None:
    """R = 100 x 12 = 1,200 at 10 % for 5 years = 1,200 x (1 - 1.1^-5) / 0.1 = 4,548.94."""
    r = CliRunner().invoke(
        app, ["clv", "--monthly-profit", "100", "--rate", "0.1", "--years", "5", "-f", "json"]
    )
    assert r.exit_code == 0, r.output
    value = json.loads(r.stdout)["clv"]
    assert value == pytest.approx(1200 * (1 - 1.1**-5) / 0.1)
    r = CliRunner().invoke(
        app,
        [
            "clv",
            "--yearly-profit",
            "1200",
            "--rate",
            "0.1",
            "--solve-years-for",
            str(value),
            "-f",
            "json",
        ],
    )
    assert r.exit_code == 0 and json.loads(r.stdout)["years"] == pytest.approx(5.0)


def test_survey_reader_handles_bom_quotes_and_extra_columns(tmp_path: Path) -> None:
    from ccecon.finance.survey_file import read_survey

    path = tmp_path / "s.csv"
    text = 'customer,segment,index,note\nC1,"VIP, gold",90,"two\nlines"\n\nC2,新客,40,\n'
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert read_survey(path) == [("VIP, gold", 90.0), ("新客", 40.0)]
