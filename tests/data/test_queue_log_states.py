"""Asterisk queue_log to contacts and agent states; occupancy, utilization, FCR proxy."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ccecon.cli.app import app
from ccecon.data.ingest import detect_format, ingest
from ccecon.data.metrics import connect, metric_expr, state_expr
from tests.data.test_ingest_metrics import SAMPLES, _rows

runner = CliRunner()
T0 = 1_800_000_000  # 2027-01-15 08:00:00 UTC, on a quarter hour
PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _wazo_lines() -> str:
    """The psql rows of the Wazo queue_log page, cells stripped and joined with '|' (the
    realtime table's columns time, callid, queuename, agent, event, data1..data5)."""
    text = (SAMPLES / "asterisk" / "queue_log-wazo-doc-samples.rst").read_text(encoding="utf-8")
    rows = [
        "|".join(c.strip() for c in line.split("|"))
        for line in text.splitlines()
        if re.match(r"^\s*\d{4}-\d\d-\d\d \d", line)
    ]
    return "\n".join(rows) + "\n"


def test_documented_one_line_example(tmp_path: Path) -> None:
    """queue_log.docs-example: one RINGNOANSWER of a call whose visit never ends in the
    file: quarantined with the reason, nothing invented."""
    f = SAMPLES / "asterisk" / "queue_log.docs-example"
    assert detect_format(f) == "queue_log"
    db = tmp_path / "a.duckdb"
    rep = ingest([f], db)
    assert (rep.read, rep.loaded, rep.quarantined) == (1, 0, 1)
    assert _rows(db, "SELECT source_row, reason, raw FROM quarantine") == [
        (
            1,
            "queue visit with no end event (still queued or talking when the log ends?)",
            "1366720340|1366720340.303267|MYQUEUE|SIP/8007|RINGNOANSWER|1000",
        )
    ]


def test_wazo_documented_rows(tmp_path: Path) -> None:
    """The 12 documented rows (SOURCES.md: newest first within a block, datetime text):

    * JOINEMPTY, FULL, CLOSED: blocked contacts (Asterisk's "Queue Logs" documentation: the
      caller could not join: no members, queue full, closed), outcome ``blocked``: never
      offered, not abandoned, not answered;
    * COMPLETEAGENT alone (holdtime 2, calltime 12) at 07:37:46.601754: answered, answer
      = end - 12 s = 07:37:34.601754, arrival = answer - 2 s = 07:37:32.601754;
    * ABANDON alone (waittime 6) at 07:49:52.939802: arrival 07:49:46.939802;
    * ENTERQUEUE + CONNECT of 1341401601.24 with no end: 2 lines quarantined;
    * Agent/3001 logs in at 15:27:23.896208 and off at 15:28:06.249357: available for
      42.353149 s (the UNPAUSE lines come after the logoff and change nothing).
    """
    f = tmp_path / "wazo.queue_log"
    f.write_text(_wazo_lines(), encoding="utf-8")
    db = tmp_path / "w.duckdb"
    rep = ingest([f], db)
    assert (rep.read, rep.loaded, rep.quarantined) == (12, 10, 2)
    assert rep.files[0].rows == {"interactions": 5, "agent_states": 1}
    got = _rows(
        db,
        "SELECT interaction_id, disposition, abandoned, answer_ts IS NOT NULL, agent,"
        " queue_wait_s, talk_s, strftime(arrival_ts, '%H:%M:%S.%f') FROM interactions"
        " ORDER BY arrival_ts",
    )
    assert got == [
        ("1341401275.9", "JOINEMPTY", False, False, None, 0.0, 0.0, "07:27:55.640421"),
        ("1341401851.34", "COMPLETEAGENT", False, True, "Agent/3001", 2.0, 12.0, "07:37:32.601754"),
        ("1341402016.44", "FULL", False, False, None, 0.0, 0.0, "07:40:17.339945"),
        ("1341402482.49", "CLOSED", False, False, None, 0.0, 0.0, "07:48:03.455999"),
        ("1341402586.51", "ABANDON", True, False, None, 6.0, 0.0, "07:49:46.939802"),
    ]
    assert _rows(db, "SELECT disposition, outcome FROM interactions ORDER BY arrival_ts") == [
        ("JOINEMPTY", "blocked"),
        ("COMPLETEAGENT", "queued"),
        ("FULL", "blocked"),
        ("CLOSED", "blocked"),
        ("ABANDON", "queued"),
    ]
    assert _rows(db, "SELECT agent, state, duration_s FROM agent_states") == [
        ("Agent/3001", "available", pytest.approx(42.353149))
    ]
    assert sorted(r[0] for r in _rows(db, "SELECT source_row FROM quarantine")) == [7, 8]


FIXTURE = f"""\
{T0}|NONE|q1|SIP/100|ADDMEMBER|
{T0}|NONE|q2|SIP/100|ADDMEMBER|
{T0 + 60}|c1|q1|NONE|ENTERQUEUE||5551234|1
{T0 + 70}|c1|q1|SIP/100|CONNECT|10|c1.2|2
{T0 + 250}|c1|q1|SIP/100|COMPLETECALLER|10|180|1
{T0 + 300}|NONE|q1|SIP/100|PAUSE|lunch
{T0 + 300}|NONE|q2|SIP/100|PAUSE|lunch
{T0 + 400}|c2|q1|NONE|ENTERQUEUE||5551234|1
{T0 + 430}|c2|q1|NONE|ABANDON|1|1|30
{T0 + 600}|NONE|NONE|SIP/100|UNPAUSEALL|
{T0 + 900}|c3|q2|NONE|ENTERQUEUE||5559999|1
{T0 + 905}|c3|q2|SIP/100|CONNECT|5|c3.2|1
{T0 + 1025}|c3|q2|SIP/100|TRANSFER|200|default|5|120|1
{T0 + 1200}|NONE|q1|SIP/100|REMOVEMEMBER|
{T0 + 1200}|NONE|q2|SIP/100|REMOVEMEMBER|
{T0 + 1300}|NONE|NONE|NONE|QUEUESTART|
garbage line
{T0 + 1310}|c4|q1|NONE|ENTERQUEUE||5550000|1
{T0 + 1320}|c5|q1|SIP/100|COMPLETECALLER|ten|20|1
"""


@pytest.fixture
def store(tmp_path: Path) -> Path:
    f = tmp_path / "queue_log"
    f.write_text(FIXTURE, encoding="utf-8")
    db = tmp_path / "q.duckdb"
    rep = ingest([f], db)
    # 19 lines: QUEUESTART, the garbage line, c4 (no end) and c5 (holdtime 'ten') are
    # quarantined; the other 15 build 3 contacts and SIP/100's states
    assert (rep.read, rep.loaded, rep.quarantined) == (19, 15, 4)
    return db


def test_contacts_from_a_hand_built_log(store: Path) -> None:
    got = _rows(
        store,
        "SELECT interaction_id, customer_id, queue_wait_s, talk_s, abandoned, transferred,"
        " epoch(answer_ts) - epoch(arrival_ts), epoch(end_ts) - epoch(arrival_ts)"
        " FROM interactions ORDER BY arrival_ts",
    )
    assert got == [
        ("c1", "5551234", 10.0, 180.0, False, False, 10.0, 190.0),  # CONNECT at +70
        ("c2", "5551234", 30.0, 0.0, True, False, None, 30.0),
        ("c3", "5559999", 5.0, 120.0, False, True, 5.0, 125.0),
    ]
    reasons = dict(_rows(store, "SELECT reason, count(*) FROM quarantine GROUP BY 1"))
    assert reasons == {
        "system event QUEUESTART: no contact or agent state in it": 1,
        "expected time|callid|queue|agent|event|data..., found 1 fields": 1,
        "queue visit with no end event (still queued or talking when the log ends?)": 1,
        "COMPLETECALLER data1 is not a number of seconds: 'ten'": 1,
    }


def test_agent_states_occupancy_and_utilization(store: Path) -> None:
    """SIP/100, seconds after 08:00: available 0-70, on contact 70-250 (c1), available
    250-300, not ready (lunch) 300-600, available 600-905, on contact 905-1025 (c3),
    available 1025-1200, then logged off. Split at 08:15 (900 s): 8 rows.
    Whole: on contact 180+120 = 300, available 70+50+305+175 = 600, not ready 300,
    logged in 1200; occupancy = 300/900 = 1/3, utilization = 300/1200 = 0.25.
    08:00 quarter: available 70+50+300 = 420, on contact 180, not ready 300 -> occupancy
    180/600 = 0.3, utilization 180/900 = 0.2. 08:15 quarter: available 5+175 = 180, on
    contact 120 -> occupancy = utilization = 120/300 = 0.4."""
    rows = _rows(
        store,
        "SELECT state, reason, epoch(start_ts) - epoch(TIMESTAMP '2027-01-15 08:00:00'),"
        " duration_s FROM agent_states ORDER BY start_ts",
    )
    assert rows == [
        ("available", None, 0.0, 70.0),
        ("on_contact", None, 70.0, 180.0),
        ("available", None, 250.0, 50.0),
        ("not_ready", "lunch", 300.0, 300.0),
        ("available", None, 600.0, 300.0),
        ("available", None, 900.0, 5.0),
        ("on_contact", None, 905.0, 120.0),
        ("available", None, 1025.0, 175.0),
    ]
    con = connect(str(store))
    whole = state_expr(con.table("agent_states"), ["agent"]).to_pandas().iloc[0]
    assert (whole.on_contact_s, whole.available_s, whole.not_ready_s, whole.logged_in_s) == (
        300.0,
        600.0,
        300.0,
        1200.0,
    )
    assert whole.occupancy == pytest.approx(1 / 3) and whole.utilization == pytest.approx(0.25)
    q = state_expr(con.table("agent_states"), ["interval"]).to_pandas()
    assert q.occupancy.tolist() == pytest.approx([0.3, 0.4])
    assert q.utilization.tolist() == pytest.approx([0.2, 0.4])
    con.disconnect()


def test_repeat_contacts_fcr_proxy(store: Path) -> None:
    """c1 (answered, caller 5551234) is followed 340 s later by c2 of the same caller: a
    repeat within 1 day. c3 (answered, 5559999) has no later contact. c2 was not answered,
    so it is not in the base: identified 2, repeats 1, FCR proxy 1 - 1/2 = 0.5. With a
    window of 300 s (300/86400 day) c2 comes too late: repeats 0, FCR 1."""
    con = connect(str(store))
    t = con.table("interactions")
    r = metric_expr(t, [], repeat_days=1).to_pandas().iloc[0]
    assert (r.identified, r.repeats, r.fcr_proxy) == (2, 1, 0.5)
    r = metric_expr(t, [], repeat_days=300 / 86400).to_pandas().iloc[0]
    assert (r.identified, r.repeats, r.fcr_proxy) == (2, 0, 1.0)
    by_q = metric_expr(t, ["queue"], repeat_days=1).to_pandas()
    assert by_q[["queue", "identified", "repeats"]].values.tolist() == [["q1", 1, 1], ["q2", 1, 0]]
    con.disconnect()


def test_same_log_twice_adds_nothing_and_overlaps_are_quarantined(
    store: Path, tmp_path: Path
) -> None:
    again = tmp_path / "copy.queue_log"
    again.write_text(FIXTURE + "\n", encoding="utf-8")  # other bytes, same records
    rep = ingest([again], store, fmt="queue_log")
    assert (rep.read, rep.loaded, rep.quarantined) == (19, 0, 19)
    reasons = rep.files[0].reasons
    assert reasons["duplicate interaction_id"] == 8  # lines of c1 (3), c2 (2), c3 (3)
    # SIP/100's 7 member lines: 2 ADDMEMBER, 2 PAUSE, UNPAUSEALL, 2 REMOVEMEMBER
    assert reasons["agent states overlap states already loaded for this agent"] == 7
    assert _rows(store, "SELECT count(*) FROM agent_states") == [(8,)]


def test_cli_ingest_and_agent_metrics(store: Path) -> None:
    r = runner.invoke(
        app, ["metrics", "--from", str(store), "--kind", "agents", "--by", "agent", "-f", "json"]
    )
    assert r.exit_code == 0, r.output
    row = json.loads(r.stdout)[0]
    assert row["agent"] == "SIP/100" and row["utilization"] == pytest.approx(0.25)
    r = runner.invoke(app, ["metrics", "--from", str(store), "--kind", "agents", "--by", "queue"])
    assert r.exit_code == 2 and "queue" in r.stderr and "Traceback" not in r.output
    r = runner.invoke(app, ["metrics", "--from", str(store), "--kind", "people"])
    assert r.exit_code == 2 and "people" in r.stderr


STATE_HEADER = "agent,state,reason,start_ts,end_ts\n"


def test_agent_state_csv_quarantines_bad_rows(tmp_path: Path) -> None:
    f = tmp_path / "states.csv"
    f.write_text(
        STATE_HEADER
        + "a1,available,,2027-01-04 09:00:00,2027-01-04 09:20:00\n"  # split at 09:15
        + "a1,not_ready,break,2027-01-04 09:20:00,2027-01-04 09:25:00\n"
        + "a1,on_contact,,2027-01-04 09:24:00,2027-01-04 09:26:00\n"  # overlaps the break
        + "a2,sleeping,,2027-01-04 09:00:00,2027-01-04 09:10:00\n"
        + "a2,available,,yesterday,2027-01-04 09:10:00\n"
        + "a2,available,,2027-01-04 09:10:00,2027-01-04 09:10:00\n"
        + ",available,,2027-01-04 09:00:00,2027-01-04 09:10:00\n",
        encoding="utf-8",
    )
    assert detect_format(f) == "agent-states"
    db = tmp_path / "s.duckdb"
    r = runner.invoke(app, ["ingest", str(f), "--into", str(db)])
    assert r.exit_code == 0, r.output
    assert (
        "read 7 = loaded 2 + quarantined 5" in r.output
        and "-> 3 agent_states rows: 2 stretches split at each quarter hour (+1 pieces)" in r.output
    )
    reasons = dict(_rows(db, "SELECT reason, count(*) FROM quarantine GROUP BY 1"))
    assert reasons == {
        "overlaps the agent's previous stretch in the file": 1,
        "unknown state; expected acw, available, not_ready, on_contact": 1,
        "start_ts is not a timestamp": 1,
        "end_ts is not after start_ts": 1,
        "missing agent": 1,
    }
    assert _rows(db, "SELECT duration_s FROM agent_states ORDER BY start_ts") == [
        (900.0,),
        (300.0,),
        (300.0,),
    ]
    overlap = tmp_path / "more.csv"
    overlap.write_text(STATE_HEADER + "a1,acw,,2027-01-04 09:10:00,2027-01-04 09:12:00\n")
    rep = ingest([overlap], db)
    assert rep.files[0].reasons == {"overlaps agent states already loaded": 1}


def test_agent_state_file_missing_column_exit_2(tmp_path: Path) -> None:
    f = tmp_path / "s.csv"
    f.write_text("agent,state,start_ts\na,available,2027-01-04 09:00:00\n")
    r = runner.invoke(
        app, ["ingest", str(f), "--into", str(tmp_path / "a.duckdb"), "--format", "agent-states"]
    )
    assert r.exit_code == 2 and str(f) in r.stderr and "end_ts" in r.stderr
    assert "Traceback" not in r.output


EVENTS = [
    "ENTERQUEUE||555|1",
    "CONNECT|3|x|1",
    "COMPLETECALLER|3|40|1",
    "COMPLETEAGENT|x|40|1",
    "ABANDON|1|1|9",
    "EXITWITHKEY|5|1|1|4",
    "TRANSFER|200|ctx|3|40|1",
    "RINGNOANSWER|1000",
    "FULL",
    "QUEUESTART",
    "BOGUS|1",
]
MEMBER = ["ADDMEMBER", "REMOVEMEMBER", "PAUSE|lunch", "UNPAUSE", "PAUSEALL", "UNPAUSEALL"]


@PROPERTY
@given(
    lines=st.lists(
        st.one_of(
            st.tuples(
                st.integers(0, 3000),
                st.sampled_from(["c1", "c2", "c3", "NONE"]),
                st.sampled_from(["q1", "q2"]),
                st.sampled_from(["SIP/1", "NONE"]),
                st.sampled_from(EVENTS),
            ).map(lambda x: f"{T0 + x[0]}|{x[1]}|{x[2]}|{x[3]}|{x[4]}"),
            st.tuples(
                st.integers(0, 3000),
                st.sampled_from(["q1", "q2", "NONE"]),
                st.sampled_from(["SIP/1", "SIP/2", "NONE"]),
                st.sampled_from(MEMBER),
            ).map(lambda x: f"{T0 + x[0]}|NONE|{x[1]}|{x[2]}|{x[3]}"),
            st.sampled_from(["", "junk", "notatime|c1|q1|NONE|ABANDON|1|1|2"]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_queue_log_read_equals_loaded_plus_quarantined(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str]
) -> None:
    d = tmp_path_factory.mktemp("ql")
    f = d / "queue_log"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rep = ingest([f], d / "s.duckdb", fmt="queue_log")
    assert rep.read == sum(1 for x in lines if x.strip()) == rep.loaded + rep.quarantined
    n_q = _rows(d / "s.duckdb", "SELECT count(*) FROM quarantine")[0][0]
    n_i = _rows(d / "s.duckdb", "SELECT count(*) FROM interactions")[0][0]
    assert (n_q, n_i) == (rep.quarantined, rep.files[0].rows["interactions"])
    # stretches of one agent never overlap, and states lie inside the log's time span
    bad = _rows(
        d / "s.duckdb",
        "SELECT count(*) FROM agent_states a JOIN agent_states b ON a.agent = b.agent AND"
        " a.rowid < b.rowid AND a.start_ts < b.end_ts AND b.start_ts < a.end_ts",
    )
    assert bad == [(0,)]


@PROPERTY
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["a", "b", ""]),
            st.sampled_from(["available", "acw", "lunch"]),
            st.integers(0, 7200),
            st.integers(-60, 2000),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_agent_states_read_equals_loaded_plus_quarantined(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str, int, int]]
) -> None:
    d = tmp_path_factory.mktemp("st")
    f = d / "s.csv"
    base = 1_800_000_000
    import datetime as dt

    def ts(x: int) -> str:
        return dt.datetime.fromtimestamp(base + x, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")

    f.write_text(
        STATE_HEADER + "".join(f"{a},{s},,{ts(t)},{ts(t + n)}\n" for a, s, t, n in rows),
        encoding="utf-8",
    )
    rep = ingest([f], d / "s.duckdb")
    assert rep.read == len(rows) == rep.loaded + rep.quarantined
    n_q = _rows(d / "s.duckdb", "SELECT count(*) FROM quarantine")[0][0]
    assert n_q == rep.quarantined
    # splitting keeps the seconds: each loaded row's pieces add up to its length, and no
    # piece crosses a quarter hour
    pieces = _rows(
        d / "s.duckdb",
        "SELECT source_row, sum(duration_s), max(epoch(end_ts) - epoch(start_ts)) FROM"
        " agent_states GROUP BY 1",
    )
    assert len(pieces) == rep.loaded
    for row, seconds, longest in pieces:
        assert seconds == rows[row - 1][3] and longest <= 900


GROUP_CSV = (
    "interaction_id,channel,agent,arrival_ts,answer_ts,end_ts,queue_wait_s,talk_s\n"
    "1,voice,a1,2027-01-02 10:00:00,2027-01-02 10:00:10,2027-01-02 10:05:00,10,290\n"
    "2,voice,a1,2027-01-03 10:00:00,2027-01-03 10:00:10,2027-01-03 10:05:00,10,290\n"
    "3,voice,a2,2027-01-30 10:00:00,2027-01-30 10:00:10,2027-01-30 10:05:00,10,290\n"
    "4,voice,a1,2027-01-31 10:00:00,2027-01-31 10:00:10,2027-01-31 10:05:00,10,290\n"
    "5,voice,a3,2027-01-31 11:00:00,2027-01-31 11:00:10,2027-01-31 11:05:00,10,290\n"
)
TEAMS_CSV = "agent,team,valid_from,valid_to\na1,red,,2027-01-15\na1,blue,2027-01-16,\na2,red,,\n"


@pytest.fixture
def grouped(tmp_path: Path) -> tuple[Path, Path]:
    f = tmp_path / "c.csv"
    f.write_text(GROUP_CSV, encoding="utf-8")
    db = tmp_path / "g.duckdb"
    cols = "interaction_id channel agent arrival_ts answer_ts end_ts queue_wait_s talk_s"
    ingest([f], db, mapping={c: c for c in cols.split()})
    teams = tmp_path / "teams.csv"
    teams.write_text(TEAMS_CSV, encoding="utf-8")
    return db, teams


def test_team_and_fiscal_groupings(grouped: tuple[Path, Path]) -> None:
    """Teams: a1 red to 2027-01-15 then blue; a2 red; a3 has none. So red = contacts 1, 2
    (a1 in early January) and 3 (a2); blue = 4; no team = 5.
    Fiscal calendar of examples/targets-445.yaml (4-4-5, the year ends on the Saturday
    nearest 31 December): FY2026 ends Saturday 2027-01-02 (31 Dec 2026 is a Thursday), so
    contact 1 is in FY2026 P12 (week 52); FY2027 starts Sunday 2027-01-03: P01 = weeks 1-4
    = 3 to 30 January (contacts 2, 3), P02 starts 31 January (contacts 4, 5)."""
    db, teams_file = grouped
    from ccecon.data.metrics import load_fiscal_calendar, load_teams

    con = connect(str(db))
    t = con.table("interactions")
    teams = load_teams(teams_file)
    cal = load_fiscal_calendar(
        Path(__file__).resolve().parents[2] / "examples" / "targets-445.yaml"
    )
    by_team = metric_expr(t, ["team"], teams=teams).to_pandas()
    got = {(r.team if isinstance(r.team, str) else None): r.offered for r in by_team.itertuples()}
    assert got == {"blue": 1, "red": 3, None: 1}
    by_month = metric_expr(t, ["fiscal_month"], calendar=cal).to_pandas()
    assert by_month[["fiscal_month", "offered"]].values.tolist() == [
        ["FY2026 P12", 1],
        ["FY2027 P01", 2],
        ["FY2027 P02", 2],
    ]
    wk = metric_expr(t, ["fiscal_week", "team"], calendar=cal, teams=teams).to_pandas()
    assert wk.fiscal_week.tolist()[:3] == ["FY2026 W52", "FY2027 W01", "FY2027 W04"]
    q = metric_expr(t, ["fiscal_quarter", "fiscal_year"], calendar=cal).to_pandas()
    assert q.values[:, :3].tolist() == [["FY2026 Q4", "FY2026", 1], ["FY2027 Q1", "FY2027", 4]]
    con.disconnect()


def test_team_and_fiscal_cli_errors(grouped: tuple[Path, Path], tmp_path: Path) -> None:
    db, teams_file = grouped
    cal = tmp_path / "cal.yaml"
    cal.write_text("pattern: 4-4-5\nyear_end: {weekday: saturday, nearest: '12-31'}\n")
    r = runner.invoke(
        app,
        [
            *("metrics", "--from", str(db), "--by", "team,fiscal_month"),
            *("--teams", str(teams_file), "--fiscal-calendar", str(cal), "-f", "json"),
        ],
    )
    assert r.exit_code == 0, r.output
    assert sum(x["offered"] for x in json.loads(r.stdout)) == 5
    r = runner.invoke(app, ["metrics", "--from", str(db), "--by", "team"])
    assert r.exit_code == 2 and "--teams" in r.stderr
    r = runner.invoke(app, ["metrics", "--from", str(db), "--by", "fiscal_week"])
    assert r.exit_code == 2 and "--fiscal-calendar" in r.stderr
    bad = tmp_path / "t.csv"
    bad.write_text("agent,team,valid_from,valid_to\na1,red,,\na1,blue,2027-01-01,\n")
    r = runner.invoke(app, ["metrics", "--from", str(db), "--by", "team", "--teams", str(bad)])
    assert r.exit_code == 2 and str(bad) in r.stderr and "overlap" in r.stderr
    assert "3" in r.stderr  # the row
    cal.write_text("pattern: 4-4-4\n")
    r = runner.invoke(
        app, ["metrics", "--from", str(db), "--by", "fiscal_week", "--fiscal-calendar", str(cal)]
    )
    assert r.exit_code == 2 and "4-4-4" in r.stderr and "pattern" in r.stderr


def test_synth_folder_ingest_and_agent_metrics(tmp_path: Path) -> None:
    """synth writes interactions and agent states; the folder ingests both (detected by
    their columns); every scheduled agent is not ready 112.5 s of each 15 minutes it is
    logged in, so not ready / logged in = 1/8 exactly; the center is staffed to at most
    88 % occupancy for its forecast, so a week's occupancy stays below 95 %."""
    out = tmp_path / "syn"
    r = runner.invoke(
        app, ["synth", "--rows", "20000", "--days", "14", "--out", str(out), "--seed", "2"]
    )
    assert r.exit_code == 0, r.output
    db = tmp_path / "a.duckdb"
    r = runner.invoke(app, ["ingest", str(out), "--into", str(db)])
    assert r.exit_code == 0, r.output
    assert "[agent-states]" in r.output and "[parquet]" in r.output
    assert "read 20,000 = loaded 20,000 + quarantined 0" in r.output
    r = runner.invoke(app, ["metrics", "--from", str(db), "--kind", "agents", "--by", "day"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        app, ["metrics", "--from", str(db), "--kind", "agents", "--by", "week", "-f", "json"]
    )
    week = json.loads(r.stdout)[0]
    assert week["not_ready_s"] / week["logged_in_s"] == pytest.approx(1 / 8)
    assert week["occupancy"] < 0.95 and week["utilization"] < week["occupancy"]
    # the agents' time on contact is the contacts' own talk + hold, shared out (rounded to
    # whole seconds per agent and interval; capped at an interval's productive time)
    on = _rows(db, "SELECT sum(duration_s) FROM agent_states WHERE state = 'on_contact'")[0][0]
    talk = _rows(db, "SELECT sum(talk_s + hold_s) FROM interactions WHERE answer_ts IS NOT NULL")
    assert on == pytest.approx(talk[0][0], rel=0.02)
    r = runner.invoke(
        app, ["metrics", "--from", str(db), "--by", "week", "--repeat-days", "7", "-f", "json"]
    )
    week = json.loads(r.stdout)[0]
    assert 0 < week["repeats"] < week["identified"] and 0 < week["fcr_proxy"] < 1


def _store_rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    return {
        "interactions": _rows(db, "SELECT * EXCLUDE (source_file) FROM interactions ORDER BY ALL"),
        "agent_states": _rows(db, "SELECT * EXCLUDE (source_file) FROM agent_states ORDER BY ALL"),
        "quarantine": _rows(db, "SELECT source_row, reason, raw FROM quarantine ORDER BY ALL"),
    }


def test_queue_log_streams_in_chunks_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hand-built log and the Wazo rows (newest first) read 2 lines at a time give the
    same contacts, agent states and quarantine as read whole, and the file is never read
    into memory at once (Path.read_bytes / read_text fail)."""
    import ccecon.data.ingest.queue_log as ql_ingest

    for name, text in (("hand", FIXTURE), ("wazo", _wazo_lines())):
        f = tmp_path / f"{name}_queue_log"
        f.write_text(text, encoding="utf-8")
        whole = tmp_path / f"{name}-whole.duckdb"
        rep_whole = ingest([f], whole)
        with monkeypatch.context() as m:
            m.setattr(ql_ingest, "QUEUE_LOG_CHUNK", 2)

            def no_whole_read(self: Path, *a: object, **k: object) -> object:
                raise AssertionError(f"read whole: {self}")

            m.setattr(Path, "read_bytes", no_whole_read)
            m.setattr(Path, "read_text", no_whole_read)
            chunked = tmp_path / f"{name}-chunked.duckdb"
            rep = ingest([f], chunked)
        assert (rep.read, rep.loaded, rep.quarantined) == (
            rep_whole.read,
            rep_whole.loaded,
            rep_whole.quarantined,
        )
        assert rep.read == rep.loaded + rep.quarantined > 0
        assert _store_rows(chunked) == _store_rows(whole)


def test_queue_log_memory_does_not_grow_with_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """20,000 calls over a week (60,000 lines, 40 agents): peak Python memory while
    ingesting with 1,000-line chunks stays under an eighth of what the lines take as
    parsed objects held at once (the old whole-file reader held them all; measured here:
    ~2.9 MB against ~32 MB). A small log is ingested first, so imports are not counted."""
    import tracemalloc

    import ccecon.data.ingest.queue_log as ql_ingest
    from ccecon.data.adapters import queue_log as ql

    lines = []
    for i in range(40):
        lines.append(f"{T0}|NONE|q1|SIP/{i}|ADDMEMBER|")
    for c in range(20_000):
        t, agent = T0 + 10 + c * 30, f"SIP/{c % 40}"
        lines += [
            f"{t}|c{c}|q1|NONE|ENTERQUEUE||555{c}|1",
            f"{t + 1}|c{c}|q1|{agent}|CONNECT|1|c{c}.2|1",
            f"{t + 2}|c{c}|q1|{agent}|COMPLETECALLER|1|1|1",
        ]
    f = tmp_path / "queue_log"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tracemalloc.start()
    held = [ql.parse_line(i, raw) for i, raw in enumerate(lines, start=1)]
    whole = tracemalloc.get_traced_memory()[0]
    del held
    tracemalloc.stop()
    monkeypatch.setattr(ql_ingest, "QUEUE_LOG_CHUNK", 1_000)
    warm = tmp_path / "warm_queue_log"
    warm.write_text("\n".join([lines[0], *lines[40:43]]) + "\n", encoding="utf-8")
    assert ingest([warm], tmp_path / "warm.duckdb").loaded == 4
    tracemalloc.start()
    rep = ingest([f], tmp_path / "q.duckdb")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert (rep.read, rep.loaded, rep.quarantined) == (60_040, 60_040, 0)
    assert rep.files[0].rows["interactions"] == 20_000
    assert peak < whole / 8, (peak, whole)
