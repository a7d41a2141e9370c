"""Payroll, HR events and surveys in the store: D3 build-up and D4.3 loyalty (issue 6)."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from ccecon.cli.app import app
from ccecon.costing.labour import labour_cost
from ccecon.costing.payroll_file import read_payroll
from ccecon.data.ingest import detect_format, ingest
from ccecon.data.metrics import connect, labour_expr, load_teams, loyalty_expr
from ccecon.finance.satisfaction import classify
from ccecon.finance.survey_file import read_survey
from tests.data.test_ingest_metrics import _rows
from tests.data.test_queue_log_states import PROPERTY

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()
PAY_HEADER = "month,agent,element,amount,currency\n"


def test_survey_file_loyalty_matches_the_finance_model(tmp_path: Path) -> None:
    """examples/survey.csv (the `ccecon roi` format: customer, segment, index) loads as
    it is; loyal (> 85) and disloyal (< 50) per segment equal what
    ccecon.finance.satisfaction.classify gives: VIP 3 loyal 1 disloyal of 5, 新客 new 2
    and 1 of 3, 普通 regular 2 and 2 of 8 (neutral 4)."""
    f = EXAMPLES / "survey.csv"
    assert detect_format(f) == "surveys"
    db = tmp_path / "a.duckdb"
    rep = ingest([f], db)
    assert (rep.read, rep.loaded, rep.quarantined) == (16, 16, 0)
    con = connect(str(db))
    got = loyalty_expr(con.table("surveys"), ["segment"]).to_pandas()
    con.disconnect()
    table = {r.segment: (r.respondents, r.loyal, r.disloyal) for r in got.itertuples()}
    assert table == {"VIP": (5, 3, 1), "新客 new": (3, 2, 1), "普通 regular": (8, 2, 2)}
    model = Counter((seg, classify(i)) for seg, i in read_survey(f))
    for seg, (n, loyal, disloyal) in table.items():
        assert (model[(seg, "loyal")], model[(seg, "disloyal")]) == (loyal, disloyal)
        assert sum(v for (s, _), v in model.items() if s == seg) == n


def test_survey_thresholds_and_bad_rows(tmp_path: Path) -> None:
    """Strict thresholds as in classify: 85 and 50 are neutral; 90 loyal, 49 disloyal.
    A second answer of c1 on the same date, an index of 101 and a text index are
    quarantined; survey_date gives the month."""
    f = tmp_path / "s.csv"
    f.write_text(
        "customer_id,segment,satisfaction_index,survey_date\n"
        "c1,A,85,2027-01-05\nc2,A,50,2027-01-05\nc3,A,90,2027-02-01\nc4,A,49,2027-02-01\n"
        "c1,A,70,2027-01-05\nc5,A,101,2027-02-01\nc6,A,good,2027-02-01\n",
        encoding="utf-8",
    )
    db = tmp_path / "a.duckdb"
    rep = ingest([f], db)
    assert (rep.read, rep.loaded, rep.quarantined) == (7, 4, 3)
    assert rep.files[0].reasons == {
        "duplicate customer_id, survey_date in the file": 1,
        "satisfaction_index is not within 0..100": 1,
        "satisfaction_index is not a number": 1,
    }
    con = connect(str(db))
    by = loyalty_expr(con.table("surveys"), ["month"]).to_pandas()
    assert by[["month", "loyal", "disloyal", "neutral"]].values.tolist() == [
        ["2027-01", 0, 0, 2],
        ["2027-02", 1, 1, 0],
    ]
    r = loyalty_expr(con.table("surveys"), [], loyal_above=80, disloyal_below=60).to_pandas()
    assert (r.loyal[0], r.disloyal[0]) == (2, 2)  # 85, 90 loyal; 50, 49 disloyal
    con.disconnect()


PAYROLL = (
    PAY_HEADER + "2027-01,a1,wages,3000,USD\n"
    "2027-01,a2,wages,3100,USD\n"
    "2027-01,a1,social_insurance,900,USD\n"
    "2027-02,a1,wages,3000,USD\n"
    "2027-02,,overtime,100,USD\n"
)
HR = "agent,event,date\na2,hire,2026-12-20\na2,leave,2027-01-31\na3,hire,2027-02-01\n"


@pytest.fixture
def people(tmp_path: Path) -> Path:
    pay, hr = tmp_path / "payroll.csv", tmp_path / "hr.csv"
    pay.write_text(PAYROLL, encoding="utf-8")
    hr.write_text(HR, encoding="utf-8")
    db = tmp_path / "p.duckdb"
    rep = ingest([pay, hr], db)
    assert [f.format for f in rep.files] == ["payroll", "hr-events"]
    assert rep.read == rep.loaded == 8
    return db


def test_payroll_build_up_and_attrition(people: Path, tmp_path: Path) -> None:
    """January: wages 3000 + 3100 = 6100, social insurance 900, payroll 7000, 2 agents
    paid, a2 leaves on 31 January: attrition 1/2. February: wages 3000 + center overtime
    100 = 3100, 1 agent, a3 hired. Whole period: payroll 10,100; agent-months 3 over 2
    months = 1.5 average agents; leavers 1 -> attrition 1/1.5; hires 1 (a2's hire in
    December 2026 is before the payroll's months and is not counted)."""
    con = connect(str(people))
    p, h = con.table("payroll"), con.table("hr_events")
    by = labour_expr(p, ["month"], hr=h).to_pandas()
    cols = ["month", "wages", "social_insurance", "overtime", "payroll", "avg_agents"]
    assert by[cols].values.tolist() == [
        ["2027-01", 6100.0, 900.0, 0.0, 7000.0, 2.0],
        ["2027-02", 3000.0, 0.0, 100.0, 3100.0, 1.0],
    ]
    assert by[["hires", "leavers", "attrition"]].values.tolist() == [[0, 1, 0.5], [1, 0, 0.0]]
    whole = labour_expr(p, [], hr=h).to_pandas().iloc[0]
    assert (whole.payroll, whole.agent_months, whole.months) == (10100.0, 3, 2)
    assert (whole.hires, whole.leavers) == (1, 1)
    assert whole.attrition == pytest.approx(1 / 1.5)
    teams = tmp_path / "t.csv"
    teams.write_text("agent,team\na1,red\na2,blue\na3,red\n")
    t = labour_expr(p, ["team"], hr=h, teams=load_teams(teams)).to_pandas()
    got = {(r.team if isinstance(r.team, str) else None): r.payroll for r in t.itertuples()}
    assert got == {"blue": 3100.0, "red": 6900.0, None: 100.0}  # overtime is center-level
    con.disconnect()


def test_payroll_elements_sum_like_the_d3_model(tmp_path: Path) -> None:
    """The seed-004 payroll's cost elements stored as one center-level row each sum to the
    payroll figure of ccecon.costing.labour.labour_cost: 14,544,000 + 290,880 + 2,036,160
    + 218,160 + 1,018,080 + 4,363,200 + 436,320 + 1,200,000 = 24,106,800 CNY."""
    inputs = read_payroll(EXAMPLES / "payroll-seed004.yaml")
    f = tmp_path / "p.csv"
    f.write_text(
        PAY_HEADER + "".join(f"2013-10,,{k},{v},CNY\n" for k, v in inputs.cost_elements.items())
    )
    db = tmp_path / "a.duckdb"
    ingest([f], db)
    con = connect(str(db))
    r = labour_expr(con.table("payroll"), []).to_pandas().iloc[0]
    con.disconnect()
    assert r.payroll == pytest.approx(labour_cost(inputs).payroll) == 24_106_800
    assert r.wages == 14_544_000 and r.currency == "CNY"


def test_payroll_bad_rows_quarantined_and_cli(tmp_path: Path) -> None:
    f = tmp_path / "pay.csv"
    f.write_text(
        PAY_HEADER + "2027-01,a1,wages,3000,USD\n"
        "2027-01,a1,wages,3000,USD\n"
        "2027-13,a1,wages,1,USD\n"
        "2027-01,a1,bonus,1,USD\n"
        "2027-01,,overtime,-1,USD\n"
        "2027-01,a2,wages,x,USD\n"
        "2027-01,a3,wages,10,usd\n"
        "2027-02,,overtime,,USD\n",
        encoding="utf-8",
    )
    db = tmp_path / "a.duckdb"
    r = runner.invoke(app, ["ingest", str(f), "--into", str(db)])
    assert r.exit_code == 0, r.output
    assert "read 8 = loaded 1 + quarantined 7" in r.output
    reasons = dict(_rows(db, "SELECT reason, count(*) FROM quarantine GROUP BY 1"))
    assert reasons == {
        "duplicate month, agent, element in the file": 1,
        "month is not YYYY-MM": 1,
        "unknown cost element; expected wages, union_dues, welfare, disability_fund,"
        " housing_fund, social_insurance, paid_leave, overtime": 1,
        "amount is negative or not finite": 1,
        "amount is not a number": 1,
        "currency is not an ISO 4217 code": 1,
        "missing amount": 1,
    }
    again = tmp_path / "again.csv"
    again.write_text(PAY_HEADER + "2027-01,a1,wages,3000,USD\n")
    rep = ingest([again], db)
    assert rep.files[0].reasons == {"duplicate month, agent, element: already loaded": 1}
    r = runner.invoke(
        app, ["metrics", "--from", str(db), "--kind", "labour", "--by", "month", "-f", "json"]
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)[0]["payroll"] == 3000.0
    r = runner.invoke(app, ["metrics", "--from", str(db), "--kind", "labour", "--by", "queue"])
    assert r.exit_code == 2 and "queue" in r.stderr
    r = runner.invoke(app, ["metrics", "--from", str(db), "--kind", "loyalty", "--by", "segment"])
    assert r.exit_code == 0  # the table exists, empty
    bad = tmp_path / "s.csv"
    bad.write_text("customer,segment\nc1,A\n")
    r = runner.invoke(app, ["ingest", str(bad), "--into", str(db), "--format", "surveys"])
    assert r.exit_code == 2 and str(bad) in r.stderr and "satisfaction_index" in r.stderr
    assert "Traceback" not in r.output


@PROPERTY
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["2027-01", "2027-02", "2027-1", ""]),
            st.sampled_from(["a1", "a2", ""]),
            st.sampled_from(["wages", "overtime", "tips"]),
            st.sampled_from(["100", "-5", "1e3", "abc", ""]),
            st.sampled_from(["USD", "usd", "EUR"]),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_payroll_read_equals_loaded_plus_quarantined(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, ...]]
) -> None:
    d = tmp_path_factory.mktemp("pay")
    f = d / "p.csv"
    f.write_text(PAY_HEADER + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    rep = ingest([f], d / "s.duckdb", fmt="payroll")
    assert rep.read == len(rows) == rep.loaded + rep.quarantined
    counts = _rows(
        d / "s.duckdb", "SELECT (SELECT count(*) FROM payroll), (SELECT count(*) FROM quarantine)"
    )
    assert counts == [(rep.loaded, rep.quarantined)]


@PROPERTY
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["c1", "c2", "c3", ""]),
            st.sampled_from(["A", "B", ""]),
            st.sampled_from(["0", "85", "100", "100.5", "-1", "x"]),
            st.sampled_from(["2027-01-05", "2027-02-30", ""]),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_surveys_read_equals_loaded_plus_quarantined(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, ...]]
) -> None:
    d = tmp_path_factory.mktemp("sv")
    f = d / "s.csv"
    f.write_text(
        "customer_id,segment,satisfaction_index,survey_date\n"
        + "".join(",".join(r) + "\n" for r in rows),
        encoding="utf-8",
    )
    rep = ingest([f], d / "s.duckdb", fmt="surveys")
    assert rep.read == len(rows) == rep.loaded + rep.quarantined
    counts = _rows(
        d / "s.duckdb", "SELECT (SELECT count(*) FROM surveys), (SELECT count(*) FROM quarantine)"
    )
    assert counts == [(rep.loaded, rep.quarantined)]


def test_synth_people_tables_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "syn"
    r = runner.invoke(
        app, ["synth", "--rows", "20000", "--days", "120", "--out", str(out), "--seed", "4"]
    )
    assert r.exit_code == 0, r.output
    db = tmp_path / "a.duckdb"
    r = runner.invoke(app, ["ingest", str(out), "--into", str(db)])
    assert r.exit_code == 0, r.output
    for kind in ("[payroll]", "[hr-events]", "[surveys]"):
        assert kind in r.output
    total = re.search(r"total: read ([\d,]+) = loaded ([\d,]+) \+ quarantined ([\d,]+)", r.output)
    assert total is not None and total[1] == total[2] and total[3] == "0"
    r = runner.invoke(
        app, ["metrics", "--from", str(db), "--kind", "labour", "--by", "month", "-f", "json"]
    )
    months = json.loads(r.stdout)
    jan = months[0]
    # the agents on the books in January 2025 (teams.csv: valid from 2025-01-06, the first
    # day, and not gone before February) each have wages; social insurance is 30 % of
    # wages, paid leave 3 %
    with (out / "teams.csv").open(encoding="utf-8", newline="") as fh:
        teams = list(csv.DictReader(fh))
    on_books = [
        t
        for t in teams
        if t["valid_from"] <= "2025-01-31" and (t["valid_to"] or "9") >= "2025-01-01"
    ]
    assert jan["avg_agents"] == len(on_books) and jan["social_insurance"] == pytest.approx(
        0.30 * jan["wages"], rel=1e-4
    )
    assert jan["paid_leave"] == pytest.approx(0.03 * jan["wages"], rel=1e-4)
    # every agent who left (a valid_to in teams.csv) is one leaver, in the month they left
    assert sum(m["leavers"] for m in months) == sum(1 for t in teams if t["valid_to"])
    r = runner.invoke(
        app, ["metrics", "--from", str(db), "--kind", "loyalty", "--by", "segment", "-f", "json"]
    )
    seg = json.loads(r.stdout)
    assert {x["segment"] for x in seg} == {"VIP", "standard", "basic"}
    assert all(x["loyal"] + x["disloyal"] + x["neutral"] == x["respondents"] for x in seg)


def test_hr_events_bad_rows(tmp_path: Path) -> None:
    f = tmp_path / "hr.csv"
    f.write_text(
        "agent,event,date\na1,hire,2027-01-04\na1,hire,2027-01-04\na2,fired,2027-01-04\n"
        "a3,leave,2027-02-30\n,leave,2027-01-05\n",
        encoding="utf-8",
    )
    db = tmp_path / "a.duckdb"
    rep = ingest([f], db)
    assert (rep.files[0].format, rep.read, rep.loaded, rep.quarantined) == ("hr-events", 5, 1, 4)
    assert rep.files[0].reasons == {
        "duplicate agent, event, date in the file": 1,
        "event is not hire or leave": 1,
        "date is not a date (YYYY-MM-DD)": 1,  # 30 February
        "missing agent": 1,
    }


@PROPERTY
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["a1", "a2", ""]),
            st.sampled_from(["hire", "leave", "HIRE", ""]),
            st.sampled_from(["2027-01-04", "2027-01-05", "04/01/2027", ""]),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_hr_events_read_equals_loaded_plus_quarantined(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, ...]]
) -> None:
    d = tmp_path_factory.mktemp("hr")
    f = d / "h.csv"
    f.write_text("agent,event,date\n" + "".join(",".join(r) + "\n" for r in rows))
    rep = ingest([f], d / "s.duckdb", fmt="hr-events")
    assert rep.read == len(rows) == rep.loaded + rep.quarantined
    counts = _rows(
        d / "s.duckdb",
        "SELECT (SELECT count(*) FROM hr_events), (SELECT count(*) FROM quarantine)",
    )
    assert counts == [(rep.loaded, rep.quarantined)]
