"""CLV (D4.1-D4.2) and the satisfaction-driven ROI (D4.3-D4.5) from seed 003."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from ccecon.cli.app import app
from ccecon.errors import InputError, NoSolutionError
from ccecon.finance.clv import clv_annuity, clv_simple, loyal_years_from_clv
from ccecon.finance.satisfaction import classify, helpdesk_costs, satisfaction_roi

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
    assert (h.cost_per_ticket, h.minutes_per_ticket) == (15.0, 12.0)


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
    assert np.isfinite(float(clv_annuity(1, 0.1, 1)))
