"""Record metrics follow the vendors' definitions, counted by hand on the public samples.

Each expected figure is derived here from the sample file itself with the standard library
(``csv``, ``json``) and the vendor's documented meaning of the field, not from ccecon:

* Amazon Connect, contact record data model (Amazon Connect Administrator Guide,
  "Contact records data model"): ``Queue`` holds the queue "if this contact was queued";
  a record whose ``Queue`` is null never reached a queue (IVR, bot or survey only).
* Asterisk CDR ``disposition`` is the furthest state the call reached: ``ANSWERED``,
  ``NO ANSWER`` (it rang, nobody answered), ``BUSY``, ``FAILED`` (Asterisk documentation,
  CDR fields; Van Meggelen, Smith and Madsen, *Asterisk: The Future of Telephony*, 2nd ed.,
  O'Reilly 2007). ``billsec`` is answer to end, so it is talk time of answered calls only.
* Genesys Cloud analytics conversation details: a participant with ``purpose`` ``acd`` is
  the queue, ``agent`` an agent.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb

from ccecon.data.adapters import asterisk
from ccecon.data.ingest import ingest
from ccecon.data.metrics import connect, metric_expr

SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "samples"
LAB = SAMPLES / "asterisk" / "Master-asterisk11-lab.csv"
CDRLIB = SAMPLES / "asterisk" / "Master-testsuite-cdrlib-good.csv"
# Master.csv column order (Asterisk cdr_csv): billsec is the 14th, disposition the 15th
BILLSEC, DISPOSITION = 13, 14


def _metrics(db: Path, by: tuple[str, ...]) -> list[dict[str, Any]]:
    con = connect(str(db))
    try:
        t = con.table("interactions")
        return list(metric_expr(t, by, sl_threshold_s=20.0).to_pyarrow().to_pylist())
    finally:
        con.disconnect()


def test_asterisk_dispositions_by_hand(tmp_path: Path) -> None:
    """Asterisk 11 lab: 105 records (94 ANSWERED, 7 NO ANSWER, 2 BUSY, 2 FAILED, counted
    below from the file). Offered = ANSWERED + NO ANSWER; BUSY is blocked and FAILED failed,
    neither an abandon; talk = billsec of ANSWERED records only."""
    with LAB.open(newline="") as fh:
        rows = list(csv.reader(fh))
    disp = Counter(r[DISPOSITION] for r in rows)
    assert disp == {"ANSWERED": 94, "NO ANSWER": 7, "BUSY": 2, "FAILED": 2}
    talk_answered = sum(float(r[BILLSEC]) for r in rows if r[DISPOSITION] == "ANSWERED")
    talk_all = sum(float(r[BILLSEC]) for r in rows)
    assert talk_answered < talk_all  # BUSY / NO ANSWER rows carry billsec too in this file

    db = tmp_path / "lab.duckdb"
    ingest([LAB], db)
    [m] = _metrics(db, ("channel",))
    assert m["offered"] == disp["ANSWERED"] + disp["NO ANSWER"]
    assert m["answered"] == disp["ANSWERED"]
    assert m["blocked"] == disp["BUSY"]
    assert m["failed"] == disp["FAILED"]
    assert m["self_service"] == 0
    # every NO ANSWER is an abandon (short or not), nothing else is
    assert m["abandoned"] + m["short_abandoned"] == disp["NO ANSWER"]
    assert m["talk_s"] == talk_answered
    # service level's denominator is offered minus short abandons: BUSY/FAILED not in it
    assert m["service_level"] == m["answered_in_sl"] / (m["offered"] - m["short_abandoned"])


def test_asterisk_testsuite_records_three_to_five() -> None:
    """The Asterisk test suite's cdrlib file: records 3, 4, 5 are FAILED, NO ANSWER, BUSY
    (read below). The adapter's records: one failed attempt, one abandon, one blocked call;
    none of the three has talk time."""
    with CDRLIB.open(newline="") as fh:
        rows = list(csv.reader(fh))
    assert [r[DISPOSITION] for r in rows[2:5]] == ["FAILED", "NO ANSWER", "BUSY"]
    recs = [rec for _, rec, _, _ in asterisk.parse(CDRLIB.read_text())]
    failed, no_answer, busy = recs[2], recs[3], recs[4]
    assert failed is not None and no_answer is not None and busy is not None
    assert (failed["outcome"], failed["abandoned"]) == ("failed", False)
    assert (no_answer["outcome"], no_answer["abandoned"]) == ("queued", True)
    assert (busy["outcome"], busy["abandoned"]) == ("blocked", False)
    assert [r["talk_s"] for r in (failed, no_answer, busy)] == [0.0, 0.0, 0.0]


def test_connect_self_service_contact_not_offered(tmp_path: Path) -> None:
    """ctr-sample.jsonl: two contacts after versions are merged; the one whose Queue is null
    (counted below) is self-service. The voice channel's service level is that of the one
    queued contact alone, not halved by the IVR-only contact."""
    text = (SAMPLES / "amazon-connect" / "ctr-sample.jsonl").read_text(encoding="utf-8")
    recs = [json.loads(line) for line in text.splitlines()]
    latest: dict[str, dict[str, Any]] = {}
    for r in recs:
        latest[r["ContactId"]] = r  # versions share the id; any version tells Queue null
    no_queue = [c for c, r in latest.items() if r.get("Queue") is None]
    queued = [c for c, r in latest.items() if r.get("Queue") is not None]
    assert len(no_queue) == 1 and len(queued) == 1
    db = tmp_path / "c.duckdb"
    ingest([SAMPLES / "amazon-connect" / "ctr-sample.jsonl"], db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        outcome = dict(con.execute("SELECT interaction_id, outcome FROM interactions").fetchall())
    finally:
        con.close()
    assert outcome == {no_queue[0]: "self_service", queued[0]: "queued"}
    [m] = _metrics(db, ("channel",))
    assert (m["offered"], m["self_service"], m["answered"]) == (1, 1, 1)
    # the queued contact waited Queue.Duration seconds (read from the record)
    wait = latest[queued[0]]["Queue"]["Duration"]
    assert m["service_level"] == (1.0 if wait <= 20 else 0.0)


def test_genesys_flow_only_conversation_is_self_service(tmp_path: Path) -> None:
    """A Genesys conversation with customer and ivr participants only (no acd, no agent)
    is self-service; the published samples, which all reach an acd or agent, stay offered."""
    conv = {
        "conversationId": "ivr-only-1",
        "conversationStart": "2027-01-04T09:00:00Z",
        "conversationEnd": "2027-01-04T09:02:00Z",
        "originatingDirection": "inbound",
        "participants": [
            {"purpose": "customer", "sessions": [{"mediaType": "voice", "segments": []}]},
            {
                "purpose": "ivr",
                "sessions": [
                    {
                        "mediaType": "voice",
                        "segments": [
                            {
                                "segmentStart": "2027-01-04T09:00:00Z",
                                "segmentEnd": "2027-01-04T09:02:00Z",
                                "segmentType": "interact",
                            }
                        ],
                    }
                ],
            },
        ],
    }
    f = tmp_path / "ivr.json"
    f.write_text(json.dumps({"conversations": [conv]}))
    db = tmp_path / "g.duckdb"
    ingest([f, SAMPLES / "genesys" / "conversation1.json"], db, fmt="genesys")
    con = duckdb.connect(str(db), read_only=True)
    try:
        got = dict(con.execute("SELECT interaction_id, outcome FROM interactions").fetchall())
    finally:
        con.close()
    sample = json.loads((SAMPLES / "genesys" / "conversation1.json").read_text())
    sample_id = sample["conversationId"] if isinstance(sample, dict) else None
    assert got["ivr-only-1"] == "self_service"
    if sample_id is not None and sample_id in got:
        purposes = {p.get("purpose") for p in sample.get("participants", [])}
        assert got[sample_id] == ("queued" if purposes & {"acd", "agent"} else "self_service")


def test_unknown_outcome_is_quarantined(tmp_path: Path) -> None:
    f = tmp_path / "calls.csv"
    f.write_text(
        "interaction_id,channel,arrival_ts,end_ts,outcome\n"
        "a,voice,2027-01-04 09:00:00,2027-01-04 09:05:00,queued\n"
        "b,voice,2027-01-04 09:00:00,2027-01-04 09:05:00,ivr\n"
        "c,voice,2027-01-04 09:00:00,2027-01-04 09:05:00,\n",
        encoding="utf-8",
    )
    db = tmp_path / "a.duckdb"
    cols = ("interaction_id", "channel", "arrival_ts", "end_ts", "outcome")
    rep = ingest([f], db, mapping={c: c for c in cols})
    assert (rep.read, rep.loaded, rep.quarantined) == (3, 2, 1)
    assert "unknown outcome" in next(iter(rep.files[0].reasons))


def test_metrics_table_has_human_headers_and_percentages(tmp_path: Path) -> None:
    """The terminal table labels columns in words and shows fractions as percentages; the
    JSON keeps the column names and the fractions."""
    from typer.testing import CliRunner

    from ccecon.cli.app import app

    db = tmp_path / "lab.duckdb"
    ingest([LAB], db)
    runner = CliRunner()
    js = runner.invoke(app, ["metrics", "--from", str(db), "--by", "channel", "-f", "json"])
    assert js.exit_code == 0, js.output
    [row] = json.loads(js.stdout)
    table = runner.invoke(app, ["metrics", "--from", str(db), "--by", "channel"])
    assert table.exit_code == 0, table.output
    out = " ".join(table.stdout.split())  # headers may wrap onto two lines
    assert "Channel" in out and "Offered" in out and "ASA (s)" in out
    assert f"{row['service_level'] * 100:.1f} %" in out
    assert "service_level" not in table.stdout and "0.94 " not in table.stdout
