"""Fiscal calendar, exact decomposition, re-planning, attribution, CLI (issue 8)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ccecon.cli.app import app
from ccecon.errors import InputError
from ccecon.targets.attribution import attribute
from ccecon.targets.calendar import fiscal_year
from ccecon.targets.decompose import decompose, largest_remainder, replan

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()


def test_445_year_week_boundaries() -> None:
    """FY2027 ending on the Saturday nearest 31 Dec 2027 (= 1 Jan 2028) starts Sunday
    3 Jan 2027; months are 4, 4, 5 weeks: M01 3-30 Jan, M02 31 Jan-27 Feb, M03 28 Feb-3 Apr."""
    fy = fiscal_year(2027, pattern="4-4-5", weekday="saturday", nearest="12-31")
    assert (fy.start, fy.end, fy.n_weeks) == (dt.date(2027, 1, 3), dt.date(2028, 1, 1), 52)
    m = decompose(5200, fy, depth="month").level("month")
    assert (m.start[0], m.end[0]) == (dt.date(2027, 1, 3), dt.date(2027, 1, 30))
    assert (m.start[1], m.end[1]) == (dt.date(2027, 1, 31), dt.date(2027, 2, 27))
    assert (m.start[2], m.end[2]) == (dt.date(2027, 2, 28), dt.date(2027, 4, 3))
    assert m.amount.tolist()[:3] == [400, 400, 500]  # 100 a week


def test_nrf_53_week_year_puts_the_extra_week_in_q4() -> None:
    """NRF retail calendar: fiscal 2023 (ending the Saturday nearest 31 Jan 2024) ran from
    29 Jan 2023 to 3 Feb 2024, 53 weeks (NRF 4-5-4 calendar)."""
    fy = fiscal_year(
        2023, pattern="4-5-4", weekday="saturday", nearest="01-31", ends_in_next_calendar_year=True
    )
    assert (fy.start, fy.end, fy.n_weeks) == (dt.date(2023, 1, 29), dt.date(2024, 2, 3), 53)
    assert sum(1 for w in fy.weeks if w.quarter == 4) == 14
    assert sum(1 for w in fy.weeks if w.month == 12) == 5


def test_largest_remainder_is_exact() -> None:
    assert largest_remainder(100, [1, 1, 1]) == [34, 33, 33]
    assert largest_remainder(-10, [1, 2]) == [-3, -7]


year_kinds = st.sampled_from([(2027, "12-31", False), (2023, "01-31", True)])  # 52, 53 weeks


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=year_kinds,
    pattern=st.sampled_from(["4-4-5", "4-5-4", "5-4-4"]),
    goal=st.floats(min_value=0, max_value=1e9),
    decimals=st.integers(0, 2),
    months=st.lists(st.floats(min_value=0.01, max_value=10), min_size=12, max_size=12),
    weekdays=st.lists(st.floats(min_value=0.01, max_value=5), min_size=7, max_size=7),
    am=st.floats(min_value=0, max_value=1),
)
def test_children_sum_exactly_to_parents(  # type: ignore[no-untyped-def]
    kind, pattern, goal, decimals, months, weekdays, am
) -> None:
    year, nearest, nxt = kind
    fy = fiscal_year(
        year, pattern=pattern, weekday="saturday", nearest=nearest, ends_in_next_calendar_year=nxt
    )
    names = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    plan = decompose(
        goal,
        fy,
        decimals=decimals,
        month_weights=months,
        weekday_weights=dict(zip(names, weekdays, strict=True)),
        half_day_split=[am, 1 - am] if 0 < am < 1 else [0.5, 0.5],
    )
    t = plan.table
    assert int(t[t.level == "year"].units.iloc[0]) == round(goal * 10**decimals)
    kids = t.dropna(subset=["parent"]).groupby("parent")["units"].sum()
    parents = dict(zip(t["period"].astype(str), t["units"], strict=True))
    for parent, total in kids.items():
        assert int(total) == int(parents[str(parent)]), parent
    assert t.units.dtype.kind == "i"


def test_replanning_worked_by_hand() -> None:
    """Goal 5,200 over a flat 4-4-5 year (100 a week): months 400, 400, 500, ...
    Actuals M01 300, M02 450 -> 4,450 left over M03-M12, whose plan is 4,400
    (500, 400, 400, 500, 400, 400, 500, 400, 400, 500). x 4450/4400: 505.68 and 404.55;
    floors 4 x 505 + 6 x 404 = 4,444; the 6 units left go to the largest remainders: the
    four 500-months (.68) get 506, then the first two 400-months (M04, M05; .55) get 405.
    Gap = planned to date 800 - actual 750 = 50; run rate = 750 / 2 x 12 = 4,500."""
    fy = fiscal_year(2027, pattern="4-4-5", weekday="saturday", nearest="12-31")
    plan = decompose(5200, fy, depth="month")
    r = replan(plan, {"FY2027-M01": 300, "FY2027-M02": 450})
    assert r.table.replanned.tolist() == [
        300,
        450,
        506,
        405,
        405,
        506,
        404,
        404,
        506,
        404,
        404,
        506,
    ]
    assert sum(r.table.replanned) == 5200
    assert (r.gap, r.run_rate) == (50, 4500)


def _hier() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "agent": "a1",
                "team": "East",
                "supervisor": "S1",
                "manager": "M",
                "valid_from": "2027-01-01",
                "valid_to": "2027-03-14",
            },
            {
                "agent": "a1",
                "team": "South",
                "supervisor": "S2",
                "manager": "M",
                "valid_from": "2027-03-15",
                "valid_to": None,
            },
            {
                "agent": "a2",
                "team": "East",
                "supervisor": "S1",
                "manager": "M",
                "valid_from": "2027-01-01",
                "valid_to": None,
            },
        ]
    )


def test_agent_moving_team_counts_once_in_the_right_team() -> None:
    sales = pd.DataFrame(
        {
            "agent": ["a1", "a1", "a1", "a2", "a3"],
            "date": ["2027-03-14", "2027-03-15", "2027-05-01", "2027-03-15", "2027-03-15"],
            "revenue": [100.0, 200.0, 400.0, 50.0, 7.0],
            "profit": [10.0, 20.0, 40.0, 5.0, 0.7],
        }
    )
    att = attribute(sales, _hier())
    team = att.by_level["team"].set_index("team")["revenue"].to_dict()
    assert team == {"East": 150.0, "South": 600.0, "(unassigned)": 7.0}
    assert att.unassigned == 1
    for lvl, df in att.by_level.items():
        assert df.revenue.sum() == sales.revenue.sum(), lvl  # rolls up exactly
    assert att.by_level["agent"].set_index("agent").loc["a1", "revenue"] == 700.0


def test_overlapping_hierarchy_is_an_error() -> None:
    h = _hier()
    h.loc[1, "valid_from"] = "2027-03-10"
    with pytest.raises(InputError, match="overlapping"):
        attribute(pd.DataFrame({"agent": ["a1"], "date": ["2027-03-12"], "revenue": [1.0]}), h)


def test_example_targets_file_plans_and_replans() -> None:
    r = runner.invoke(app, ["targets", "plan", str(EXAMPLES / "targets-445.yaml"), "-f", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["weeks"] == 52
    assert sum(p["target"] for p in doc["periods"]) == doc["goal"]
    assert doc["periods"][0]["target"] == 850000  # locked
    assert sum(p["replanned"] for p in doc["periods"]) == doc["goal"]
    for level in ("quarter", "week", "day", "half_day"):
        r = runner.invoke(
            app,
            ["targets", "plan", str(EXAMPLES / "targets-445.yaml"), "--level", level, "-f", "json"],
        )
        assert sum(p["target"] for p in json.loads(r.stdout)["periods"]) == doc["goal"]


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (("goal: 12000000", "goal: -5"), "negative"),
        (
            (
                "months: [1.0, 0.7, 1.0, 1.0, 1.0, 1.0, 0.9, 0.9, 1.0, 1.0, 1.3, 1.4]",
                "months: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]",
            ),
            "sum to 0",
        ),
        (("valid_to: 2027-03-14}", "valid_to: 2027-03-20}"), "overlapping"),
        (("pattern: 4-4-5", "pattern: 4-4-4"), "calendar.pattern"),
        (("FY2027-M01: 850000", "FY2027-M13: 850000"), "locked"),
    ],
)
def test_bad_targets_exit_2(tmp_path: Path, change: tuple[str, str], fragment: str) -> None:
    text = (EXAMPLES / "targets-445.yaml").read_text(encoding="utf-8")
    assert change[0] in text
    f = tmp_path / "t.yaml"
    f.write_text(text.replace(change[0], change[1]), encoding="utf-8")
    args = ["targets", "plan", str(f)]
    if fragment == "overlapping":
        store = tmp_path / "a.duckdb"
        _store(store)
        args = ["targets", "track", str(f), "--from", str(store), "--by", "team"]
    r = runner.invoke(app, args)
    assert r.exit_code == 2, r.output
    assert fragment in r.stderr


def _store(path: Path) -> None:
    import duckdb

    con = duckdb.connect(str(path))
    con.execute(
        "create table interactions (interaction_id varchar, agent varchar, arrival_ts"
        " timestamp, sale boolean, revenue double, profit double)"
    )
    con.execute(
        "insert into interactions values"
        " ('i1', 'a01', '2027-01-05 10:00', true, 1000, 300),"
        " ('i2', 'a01', '2027-01-05 11:00', false, null, null),"
        " ('i3', 'a02', '2027-02-01 09:00', true, 2000, 500),"
        " ('i4', 'a02', '2027-03-20 09:00', true, 4000, 900),"
        " ('i5', 'a03', '2027-03-21 09:00', true, 800, 100)"
    )
    con.close()


def test_track_refuses_a_profit_goal_without_profits(tmp_path: Path) -> None:
    """A profit column that holds nothing (a store ingested from exports without profit)
    is refused with exit 2, not tracked as 0."""
    import duckdb

    store = tmp_path / "a.duckdb"
    _store(store)
    con = duckdb.connect(str(store))
    con.execute("update interactions set profit = null")
    con.close()
    r = runner.invoke(
        app, ["targets", "track", str(EXAMPLES / "targets-445.yaml"), "--from", str(store)]
    )
    assert r.exit_code == 2 and "no contact in the store has a profit" in r.stderr


def test_track_from_duckdb_store(tmp_path: Path) -> None:
    store = tmp_path / "actuals.duckdb"
    _store(store)
    chart = tmp_path / "burnup.html"
    r = runner.invoke(
        app,
        [
            "targets",
            "track",
            str(EXAMPLES / "targets-445.yaml"),
            "--from",
            str(store),
            "--chart",
            str(chart),
            "-f",
            "json",
        ],
    )
    assert r.exit_code == 0, r.output
    months = json.loads(r.stdout)["months"]
    # profit by fiscal month: M01 (3-30 Jan) 300; M02 (31 Jan-27 Feb) 500; M03 900 + 100
    assert [m["actual"] for m in months[:3]] == [300, 500, 1000]
    # the records end on 2027-03-21, in M03: M04..M12 have not happened, so their actual,
    # cumulative actual and gap are empty (null), not 0
    assert all(m["actual"] is None and m["cum_actual"] is None for m in months[3:])
    assert all(m["gap"] is None for m in months[3:]) and months[2]["cum_actual"] == 1800
    assert chart.stat().st_size > 1000
    r = runner.invoke(
        app,
        [
            "targets",
            "track",
            str(EXAMPLES / "targets-445.yaml"),
            "--from",
            str(store),
            "--by",
            "team",
            "-f",
            "json",
        ],
    )
    rows = {x["team"]: x["profit"] for x in json.loads(r.stdout)["attribution"]["rows"]}
    # a02 moved from East to South on 2027-03-15: February's sale counts in East
    assert rows == {"华东 East": 800.0, "华南 South": 1000.0}
