"""The cost_rates table: ingest checks and cost per call from dated rates (issue 6)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ccecon.cli.app import app
from ccecon.data.ingest import detect_format, ingest
from ccecon.data.metrics import connect, load_cost_rates, metric_expr
from ccecon.errors import InputError
from tests.data.test_ingest_metrics import _rows

runner = CliRunner()
HEADER = "element,rate,currency,valid_from,valid_to\n"
CALLS = (
    "interaction_id,channel,queue,arrival_ts,answer_ts,end_ts,queue_wait_s,talk_s,"
    "hold_s,acw_s,abandoned\n"
    "1,voice,q,2027-01-04 09:00:00,2027-01-04 09:00:10,2027-01-04 09:02:10,10,100,20,10,false\n"
    "2,voice,q,2027-01-05 09:10:00,2027-01-05 09:10:30,2027-01-05 09:14:00,30,200,0,0,false\n"
    "3,voice,q,2027-01-05 09:20:00,,2027-01-05 09:20:03,3,0,0,0,true\n"
    "4,voice,q,2026-12-31 23:00:00,2026-12-31 23:00:05,2026-12-31 23:01:05,5,60,0,0,false\n"
)
COLUMNS = (
    "interaction_id",
    "channel",
    "queue",
    "arrival_ts",
    "answer_ts",
    "end_ts",
    "queue_wait_s",
    "talk_s",
    "hold_s",
    "acw_s",
    "abandoned",
)


def test_bad_rates_are_quarantined_with_the_reason(tmp_path: Path) -> None:
    f = tmp_path / "rates.csv"
    f.write_text(
        HEADER + "agent_hour,36,USD,2027-01-01,2027-01-04\n"  # ok
        "Agent_Hour,72,USD,2027-01-05,\n"  # ok (element lower-cased), open
        "agent_hour,50,USD,2027-02-01,2027-03-01\n"  # inside the open period above
        "telecom_minute,0.06,USD,2027-01-01,\n"  # ok
        "telecom_minute,-1,USD,2026-01-01,2026-06-30\n"
        "parking,3,USD,2027-01-01,\n"
        "telecom_minute,0.05,usd,2025-01-01,2025-12-31\n"
        "telecom_minute,0.05,USD,2024-12-31,2024-01-01\n"
        "telecom_minute,cheap,USD,2023-01-01,2023-01-31\n"
        "telecom_minute,0.05,USD,,2022-01-31\n",
        encoding="utf-8",
    )
    assert detect_format(f) == "cost-rates"
    db = tmp_path / "a.duckdb"
    rep = ingest([f], db)
    assert (rep.read, rep.loaded, rep.quarantined) == (10, 3, 7)
    reasons = dict(_rows(db, "SELECT reason, count(*) FROM quarantine GROUP BY 1"))
    assert reasons == {
        "overlaps the element's previous period in the file": 1,
        "rate is negative or not finite": 1,
        "unknown rate element; expected agent_hour, telecom_minute": 1,
        "currency is not an ISO 4217 code": 1,
        "valid_to is before valid_from": 1,
        "rate is not a number": 1,
        "missing valid_from": 1,
    }
    rows = _rows(db, "SELECT source_row FROM quarantine WHERE reason LIKE 'overlaps%'")
    assert rows == [(3,)]
    again = tmp_path / "later.csv"
    again.write_text(HEADER + "telecom_minute,0.07,USD,2027-06-01,\nagent_hour,40,,2026-01-01,\n")
    rep = ingest([again], db)
    assert (rep.loaded, rep.quarantined) == (0, 2)
    assert rep.files[0].reasons == {"overlaps a period of the element already loaded": 2}


@pytest.fixture
def store(tmp_path: Path) -> Path:
    calls = tmp_path / "calls.csv"
    calls.write_text(CALLS)
    rates = tmp_path / "rates.csv"
    rates.write_text(
        HEADER + "agent_hour,36,USD,2027-01-01,2027-01-04\nagent_hour,72,USD,2027-01-05,\n"
        "telecom_minute,0.06,USD,2027-01-01,\n"
    )
    db = tmp_path / "a.duckdb"
    ingest([calls], db, mapping={c: c for c in COLUMNS})
    ingest([rates], db)
    return db


def test_cost_per_call_from_dated_rates(store: Path) -> None:
    """By hand: 2027-01-04 call 1, handle 130 s, talk 100 s at 36 per hour and 0.06 per
    minute: 1.3 + 0.1 = 1.4. 2027-01-05 call 2, handle 200 s, talk 200 s at 72 per hour:
    4.0 + 0.2 = 4.2 (call 3 abandoned: no handle, no talk). 2026-12-31 call 4: no rate
    valid that day, so its cost is unknown (NULL), counted as uncosted; by month,
    January is 5.6 over 2 answered calls = 2.8 per call."""
    r = runner.invoke(app, ["metrics", "--from", str(store), "--by", "day", "-f", "json"])
    assert r.exit_code == 0, r.output
    rows = {x["day"]: x for x in json.loads(r.stdout)}
    assert rows["2027-01-04"]["cost"] == pytest.approx(1.4)
    assert rows["2027-01-05"]["cost"] == pytest.approx(4.2)
    assert rows["2027-01-05"]["handle_cost_per_call"] == pytest.approx(4.2)
    assert [rows[d]["uncosted"] for d in sorted(rows)] == [1, 0, 0]
    assert rows["2026-12-31"]["cost"] is None and rows["2026-12-31"]["handle_cost_per_call"] is None
    con = connect(str(store))
    m = metric_expr(
        con.table("interactions"),
        ["month"],
        cost_per_agent_hour=None,
        cost_per_minute=None,
        cost_rates=load_cost_rates(con),
    ).to_pandas()
    con.disconnect()
    jan = m[m.month.astype(str) == "2027-01-01"].iloc[0]
    assert jan.cost == pytest.approx(5.6) and jan.handle_cost_per_call == pytest.approx(2.8)


def test_flags_override_the_table(store: Path) -> None:
    """--agent-hour-cost 36 replaces the hourly rates: 2027-01-05 is 200/3600 x 36 + 0.2 =
    2.2; the minute rate still comes from the table, so 2026-12-31 stays uncosted. With
    both flags the table is not read: 2026-12-31 costs 60/3600 x 36 + 1 x 0.06 = 0.66."""
    args = ["metrics", "--from", str(store), "--by", "day", "-f", "json"]
    r = runner.invoke(app, [*args, "--agent-hour-cost", "36"])
    rows = {x["day"]: x for x in json.loads(r.stdout)}
    assert rows["2027-01-05"]["cost"] == pytest.approx(2.2)
    assert rows["2026-12-31"]["uncosted"] == 1
    r = runner.invoke(app, [*args, "--agent-hour-cost", "36", "--minute-cost", "0.06"])
    rows = {x["day"]: x for x in json.loads(r.stdout)}
    assert "uncosted" not in rows["2026-12-31"]
    assert rows["2026-12-31"]["cost"] == pytest.approx(0.66)
    assert rows["2027-01-05"]["cost"] == pytest.approx(2.2)


def test_rates_in_two_currencies_are_refused(store: Path, tmp_path: Path) -> None:
    eur = tmp_path / "eur.csv"
    eur.write_text(HEADER + "agent_hour,30,EUR,2020-01-01,2020-12-31\n")
    ingest([eur], store)
    con = connect(str(store))
    with pytest.raises(InputError, match="more than one currency"):
        load_cost_rates(con)
    con.disconnect()
    r = runner.invoke(app, ["metrics", "--from", str(store), "--by", "day"])
    assert r.exit_code == 2 and "EUR" in r.stderr and "Traceback" not in r.output
