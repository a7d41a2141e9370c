"""Ingest real exports, quarantine bad rows, metrics checked by hand (issue 6)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ccecon.cli.app import app
from ccecon.data.ingest import ingest
from ccecon.data.metrics import connect, metric_expr
from ccecon.errors import DataError

SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "samples"
runner = CliRunner()


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_connect_ctr_versions_keep_the_latest(tmp_path: Path) -> None:
    """ctr-sample.jsonl: 6 records of one ContactId (3 versions, each twice) + 1 IVR-only
    contact (SOURCES.md). The latest version (2022-01-11T04:09:47Z) is loaded."""
    db = tmp_path / "a.duckdb"
    rep = ingest([SAMPLES / "amazon-connect" / "ctr-sample.jsonl"], db)
    assert (rep.read, rep.loaded, rep.quarantined) == (7, 2, 5)
    rows = _rows(
        db,
        "SELECT interaction_id, queue, agent, queue_wait_s, talk_s, hold_s, acw_s,"
        " abandoned, transferred FROM interactions ORDER BY interaction_id",
    )
    ivr, call = rows[0], rows[1]
    assert call == (
        "6fe40d2a-1a89-4d73-bfcf-5d9c33894f47",
        "TCC Refrig AC LLA",
        "agent.redacted",
        346.0,
        239.0,
        221.0,
        5.0,
        False,
        True,
    )
    assert ivr[1] is None and ivr[7] is False  # never queued: not an abandon
    # CustomerEndpoint.Address, the leading blank of the published record stripped
    assert _rows(db, "SELECT customer_id FROM interactions ORDER BY interaction_id") == [
        ("19182690528",),
        ("+190011112222",),
    ]
    reasons = _rows(db, "SELECT reason, count(*) FROM quarantine GROUP BY 1")
    assert reasons == [("superseded by a later version of the same id", 5)]


def test_connect_array_and_back_to_back_forms(tmp_path: Path) -> None:
    arr = ingest(
        [SAMPLES / "amazon-connect" / "ctr-duplicated-samples.json"], tmp_path / "a.duckdb"
    )
    assert (arr.read, arr.loaded) == (6, 1)
    text = "".join(
        json.dumps(json.loads(line), separators=(",", ":"))
        for line in (SAMPLES / "amazon-connect" / "ctr-sample.jsonl").read_text().splitlines()
    )
    f = tmp_path / "firehose.json"
    f.write_text(text)  # objects back to back, no delimiter
    rep = ingest([f], tmp_path / "b.duckdb", fmt="connect")
    assert (rep.read, rep.loaded, rep.quarantined) == (7, 2, 5)


def test_asterisk_cdr_files(tmp_path: Path) -> None:
    """Master-asterisk11-lab.csv: 105 records, 94 ANSWERED (SOURCES.md). The testsuite
    file's records 2-5 reuse record 1's uniqueid; record 2 has billsec 7 > duration 5."""
    db = tmp_path / "a.duckdb"
    lab = ingest([SAMPLES / "asterisk" / "Master-asterisk11-lab.csv"], db)
    assert (lab.read, lab.loaded, lab.quarantined) == (105, 105, 0)
    # 7 NO ANSWER are abandons; 2 BUSY and 2 FAILED are not (test_record_definitions.py)
    assert _rows(db, "SELECT count(*) FROM interactions WHERE abandoned") == [(7,)]
    assert _rows(db, "SELECT count(*) FROM interactions WHERE answer_ts IS NULL") == [(11,)]
    # customer_id = src: the first lab record is from extension 100
    assert _rows(db, "SELECT customer_id FROM interactions WHERE interaction_id = '1427211880.0'")[
        0
    ] == ("100",)
    good = ingest([SAMPLES / "asterisk" / "Master-testsuite-cdrlib-good.csv"], db)
    assert (good.read, good.loaded, good.quarantined) == (5, 1, 4)
    assert good.files[0].reasons == {
        "billsec 7 is above duration 5": 1,
        "duplicate interaction_id in the file": 3,
    }


def test_ingest_is_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    ingest([SAMPLES / "asterisk" / "Master.csv"], db)
    again = ingest([SAMPLES / "asterisk" / "Master.csv"], db)
    assert again.files[0].skipped and again.read == 0
    assert _rows(db, "SELECT count(*) FROM interactions") == [(2,)]
    copy = tmp_path / "copy.csv"  # same records under another file: quarantined, not doubled
    copy.write_bytes((SAMPLES / "asterisk" / "Master.csv").read_bytes() + b"\n")
    rep = ingest([copy], db)
    assert (rep.loaded, rep.quarantined) == (0, 2)
    assert _rows(db, "SELECT count(*) FROM interactions") == [(2,)]


HEADER = "interaction_id,channel,arrival_ts,answer_ts,end_ts,queue_wait_s,talk_s\n"


def test_malformed_rows_are_quarantined_with_reasons(tmp_path: Path) -> None:
    f = tmp_path / "calls.csv"
    f.write_text(
        HEADER
        + "c1,voice,2027-01-04 09:00:00,2027-01-04 09:00:10,2027-01-04 09:05:00,10,290\n"
        + "c2,voice,not a time,,2027-01-04 09:05:00,10,290\n"
        + "c3,voice,2027-01-04 09:00:00,,2027-01-04 08:00:00,10,290\n"
        + "c4,voice,2027-01-04 09:00:00,,2027-01-04 09:05:00,-3,290\n"
        + "c5,fax,2027-01-04 09:00:00,,2027-01-04 09:05:00,10,290\n"
        + "c1,voice,2027-01-04 10:00:00,,2027-01-04 10:05:00,10,290\n",
        encoding="utf-8",
    )
    m = tmp_path / "map.yaml"
    m.write_text(
        "columns: {interaction_id: interaction_id, channel: channel, arrival_ts:"
        " arrival_ts, answer_ts: answer_ts, end_ts: end_ts, queue_wait_s:"
        " queue_wait_s, talk_s: talk_s}\n"
    )
    db = tmp_path / "a.duckdb"
    r = runner.invoke(app, ["ingest", str(f), "--into", str(db), "--mapping", str(m)])
    assert r.exit_code == 0, r.output
    assert "read 6 = loaded 1 + quarantined 5" in r.output
    reasons = dict(_rows(db, "SELECT reason, count(*) FROM quarantine GROUP BY 1"))
    assert reasons == {
        "arrival_ts is not a timestamp": 1,
        "end_ts is before arrival_ts": 1,
        "negative duration": 1,
        "unknown channel": 1,
        "duplicate interaction_id in the file": 1,
    }
    raw = _rows(db, "SELECT raw FROM quarantine WHERE reason = 'unknown channel'")[0][0]
    assert "fax" in raw  # the source row is kept


def test_wrong_encoding_is_a_clear_error(tmp_path: Path) -> None:
    f = tmp_path / "Master.csv"
    f.write_bytes(
        '"","张三","1","default","","Console/dsp","","Hangup","","2010-04-02 00:26:32",'
        '"2010-04-02 00:26:32","2010-04-02 00:26:39",7,7,"ANSWERED","DOCUMENTATION",'
        '"1.0",""\n'.encode("gbk")
    )
    r = runner.invoke(
        app, ["ingest", str(f), "--into", str(tmp_path / "a.duckdb"), "--format", "asterisk"]
    )
    assert r.exit_code == 2 and "UTF-8" in r.stderr and str(f) in r.stderr


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c", "d"]),
            st.sampled_from(["voice", "chat", "fax"]),
            st.integers(-5, 600),
            st.booleans(),
        ),
        max_size=25,
    )
)
def test_read_equals_loaded_plus_quarantined(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str, int, bool]]
) -> None:
    d = tmp_path_factory.mktemp("p")
    f = d / "x.csv"
    lines = [HEADER.strip()]
    for iid, ch, wait, bad_end in rows:
        end = "2027-01-04 08:00:00" if bad_end else "2027-01-04 09:30:00"
        lines.append(f"{iid},{ch},2027-01-04 09:00:00,,{end},{wait},1")
    f.write_text("\n".join(lines) + "\n")
    m = d / "m.yaml"
    m.write_text(
        "columns: {interaction_id: interaction_id, channel: channel, arrival_ts:"
        " arrival_ts, end_ts: end_ts, queue_wait_s: queue_wait_s, talk_s: talk_s}\n"
    )
    from ccecon.data.ingest import load_mapping

    if not rows:
        return
    rep = ingest([f], d / "s.duckdb", mapping=load_mapping(m))
    assert rep.read == len(rows) == rep.loaded + rep.quarantined
    n_int = _rows(d / "s.duckdb", "SELECT count(*) FROM interactions")[0][0]
    n_q = _rows(d / "s.duckdb", "SELECT count(*) FROM quarantine")[0][0]
    assert (n_int, n_q) == (rep.loaded, rep.quarantined)


def test_metrics_by_hand(tmp_path: Path) -> None:
    """Four calls in queue q, one day: waits 10 s (answered), 30 s (answered), 3 s
    (abandoned: short), 60 s (abandoned); talk 100 and 200 s, hold 20, ACW 10 and 0.
    SL(20 s) = 1 answered in time / (4 - 1 short) = 1/3; ASA = 40/2; AHT = 330/2;
    abandon rate = 1/3; cost at 36 per agent hour and 0.06 per talk minute =
    330/3600*36 + 300/60*0.06 = 3.3 + 0.3 = 3.6, per answered call 1.8."""
    f = tmp_path / "c.csv"
    f.write_text(
        "interaction_id,channel,queue,arrival_ts,answer_ts,end_ts,queue_wait_s,talk_s,"
        "hold_s,acw_s,abandoned\n"
        "1,voice,q,2027-01-04 09:00:00,2027-01-04 09:00:10,2027-01-04 09:02:10,10,100,20,10,false\n"
        "2,voice,q,2027-01-04 09:10:00,2027-01-04 09:10:30,2027-01-04 09:14:00,30,200,0,0,false\n"
        "3,voice,q,2027-01-04 09:20:00,,2027-01-04 09:20:03,3,0,0,0,true\n"
        "4,voice,q,2027-01-04 09:30:00,,2027-01-04 09:31:00,60,0,0,0,true\n"
    )
    db = tmp_path / "a.duckdb"
    cols = {
        c: c
        for c in (
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
    }
    ingest([f], db, mapping=cols)
    con = connect(str(db))
    df = metric_expr(
        con.table("interactions"),
        ["queue", "day"],
        sl_threshold_s=20,
        short_abandon_s=5,
        cost_per_agent_hour=36,
        cost_per_minute=0.06,
    ).to_pandas()
    r = df.iloc[0]
    assert (r.offered, r.answered, r.abandoned, r.short_abandoned) == (4, 2, 1, 1)
    assert r.service_level == pytest.approx(1 / 3)
    assert r.asa_s == pytest.approx(20.0) and r.aht_s == pytest.approx(165.0)
    assert r.abandon_rate == pytest.approx(1 / 3)
    assert r.cost == pytest.approx(3.6) and r.handle_cost_per_call == pytest.approx(1.8)
    # additive: by interval then summed gives the same counts as by day
    by_iv = metric_expr(con.table("interactions"), ["interval"]).to_pandas()
    assert by_iv.offered.sum() == 4 and by_iv.answered_in_sl.sum() == 1
    # the CLI writes a day as a date and an interval as its start (not a pandas Timestamp)
    r = runner.invoke(app, ["metrics", "--from", str(db), "--by", "queue,day", "-f", "json"])
    assert r.exit_code == 0, r.output
    (row,) = json.loads(r.stdout)
    assert (row["queue"], row["day"], row["offered"]) == ("q", "2027-01-04", 4)
    r = runner.invoke(app, ["metrics", "--from", str(db), "--by", "interval", "-f", "csv"])
    assert r.exit_code == 0, r.output
    firsts = [line.split(",")[0] for line in r.stdout.splitlines()[1:]]
    assert firsts == [f"2027-01-04 09:{m}:00" for m in ("00", "15", "30")]
    r = runner.invoke(app, ["metrics", "--from", str(db), "--by", "week", "-f", "csv"])
    assert r.stdout.splitlines()[1].startswith("2027-01-04,4,")  # a Monday: its ISO week


def test_synth_ingest_metrics_end_to_end(tmp_path: Path) -> None:
    r = runner.invoke(
        app, ["synth", "--rows", "5000", "--days", "28", "--out", str(tmp_path), "--seed", "3"]
    )
    assert r.exit_code == 0, r.output
    db = tmp_path / "a.duckdb"
    r = runner.invoke(app, ["ingest", str(tmp_path / "interactions.parquet"), "--into", str(db)])
    assert "read 5,000 = loaded 5,000 + quarantined 0" in r.output
    r = runner.invoke(app, ["metrics", "--from", str(db), "--by", "queue,week", "-f", "json"])
    rows = json.loads(r.stdout)
    assert sum(x["offered"] for x in rows) == 5000
    assert all(0 <= x["service_level"] <= 1 for x in rows)
    # no cost rate given and none stored: the cost is unknown (null), not 0
    assert all(x["cost"] is None and x["handle_cost_per_call"] is None for x in rows)
    priced = runner.invoke(
        app,
        [
            "metrics",
            "--from",
            str(db),
            "--by",
            "queue,week",
            "--agent-hour-cost",
            "30",
            "-f",
            "json",
        ],
    )
    assert all(x["handle_cost_per_call"] > 0 for x in json.loads(priced.stdout))
    # the terminal table at 80 columns: every week and every offered count shown whole
    t = runner.invoke(app, ["metrics", "--from", str(db), "--by", "queue,week"])
    assert t.exit_code == 0
    for x in rows:
        assert str(x["week"])[:10] in t.stdout
        assert f"{x['offered']:,}" in t.stdout
    assert "…" not in t.stdout
    assert "more columns" in t.stderr
    only = runner.invoke(
        app,
        ["metrics", "--from", str(db), "--by", "queue", "--columns", "offered,aht_s", "-f", "csv"],
    )
    assert only.stdout.splitlines()[0] == "queue,offered,aht_s"
    bad = runner.invoke(app, ["metrics", "--from", str(db), "--columns", "offerd"])
    assert bad.exit_code == 2 and "--columns" in bad.stderr and "offerd" in bad.stderr


def test_unknown_grouping_and_missing_store_exit_2(tmp_path: Path) -> None:
    r = runner.invoke(app, ["metrics", "--from", str(tmp_path / "none.duckdb")])
    assert r.exit_code == 2 and "not found" in r.stderr
    db = tmp_path / "a.duckdb"
    ingest([SAMPLES / "asterisk" / "Master.csv"], db)
    r = runner.invoke(app, ["metrics", "--from", str(db), "--by", "planet"])
    assert r.exit_code == 2 and "planet" in r.stderr
    with pytest.raises(DataError):
        ingest([tmp_path / "missing.csv"], db)


def test_genesys_conversation_details(tmp_path: Path) -> None:
    """2016 envelope: 25 conversations (SOURCES.md); conversation1.json: one chat with
    customer, acd and agent; conversation2.json has segment timestamps like
    '2021-04-2T15:30:51.418Z' (not ISO-8601): quarantined with that reason, not dropped."""
    db = tmp_path / "g.duckdb"
    rep = ingest([SAMPLES / "genesys"], db)
    by_file = {Path(f.file).name: f for f in rep.files}
    env = by_file["conversation-details-query-response-2016.json"]
    assert (env.format, env.read, env.loaded) == ("genesys", 25, 25)
    c1 = by_file["conversation1.json"]
    assert (c1.read, c1.loaded) == (1, 1)
    c2 = by_file["conversation2.json"]
    assert (c2.read, c2.quarantined) == (1, 1)
    assert next(iter(c2.reasons)).startswith("segment timestamp is not ISO-8601")
    row = _rows(
        db,
        "SELECT channel, direction, queue, agent, abandoned, queue_wait_s FROM"
        " interactions WHERE interaction_id = '1bc96a39-6725-40c4-9345-db72aa67b8c6'",
    )[0]
    # the acd participant is named Yuri; the agent participant has only a userId
    assert row[:5] == ("chat", "inbound", "Yuri", "50fcd33c-f432-4726-abc9-979f3ca01555", False)
    assert row[5] == pytest.approx(11.179)  # acd segment 12:27:53.388 -> 12:28:04.567
    assert rep.read == rep.loaded + rep.quarantined == 27
    # no customer participant in the 2016 sample: the acd session's ani is the caller key
    assert _rows(
        db, "SELECT customer_id FROM interactions WHERE interaction_id LIKE '585f63eb%'"
    ) == [("tel:+81399999998",)]


def test_unordered_result_has_the_same_rows(tmp_path: Path) -> None:
    """order=False (for big results written to files) leaves out only the sort."""
    from ccecon.data.metrics import interactions_table
    from ccecon.data.synth import synth

    con, t = interactions_table(str(synth(3000, tmp_path, seed=2)), "duckdb")
    keys = ["agent", "interval"]
    a = metric_expr(t, keys).to_pandas()
    b = metric_expr(t, keys, order=False).to_pandas()
    con.disconnect()
    assert len(a) == len(b) > 100 and int(a.offered.sum()) == 3000
    b = b.sort_values(keys, na_position="last").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)


def test_normalized_csv_with_the_documented_header_needs_no_mapping(tmp_path: Path) -> None:
    """A CSV whose header is exactly the documented interaction columns (schema.py, less
    source_file and source_row, which ingest writes) is detected and loaded as is."""
    from ccecon.data.ingest import detect_format
    from ccecon.data.schema import INTERACTION_COLUMNS

    cols = [c for c in INTERACTION_COLUMNS if c not in ("source_file", "source_row")]
    values = {
        "interaction_id": ["n1", "n2", "n3"],
        "initial_id": ["n1", "n2", "n3"],
        "channel": ["voice", "voice", "chat"],
        "direction": ["inbound"] * 3,
        "queue": ["sales", "sales", "service"],
        "agent": ["a1", "", "a2"],
        "customer_id": ["c1", "c2", "c1"],
        "arrival_ts": ["2027-01-04 09:00:00", "2027-01-04 09:01:00", "2027-01-04 09:02:00"],
        "answer_ts": ["2027-01-04 09:00:12", "", "2027-01-04 09:02:30"],
        "end_ts": ["2027-01-04 09:05:12", "2027-01-04 09:01:40", "2027-01-04 09:06:30"],
        "queue_wait_s": ["12", "40", "30"],
        "talk_s": ["300", "0", "240"],
        "hold_s": ["0", "0", "0"],
        "acw_s": ["20", "0", "10"],
        "disposition": ["ANSWERED", "ABANDONED", "ANSWERED"],
        "abandoned": ["false", "true", "false"],
        "transferred": ["false", "false", "true"],
        "wrap_code": ["general"] * 3,
        "sale": ["true", "false", "false"],
        "revenue": ["80.5", "0", "0"],
        "outcome": ["queued", "queued", ""],
        "profit": ["24.15", "", ""],
    }
    assert set(values) == set(cols)  # the test covers every documented column
    f = tmp_path / "calls.csv"
    f.write_text(
        ",".join(cols)
        + "\n"
        + "".join(",".join(values[c][i] for c in cols) + "\n" for i in range(3)),
        encoding="utf-8",
    )
    assert detect_format(f) == "normalized"
    db = tmp_path / "a.duckdb"
    r = runner.invoke(app, ["ingest", str(f), "--into", str(db)])
    assert r.exit_code == 0, r.output
    assert "read 3 = loaded 3 + quarantined 0" in r.output
    # by hand: handle = talk + hold + ACW of the answered: (300 + 20) and (240 + 10)
    got = _rows(
        db,
        "SELECT interaction_id, queue, answer_ts IS NULL, abandoned, talk_s + hold_s + acw_s,"
        " sale, revenue, profit, source_row FROM interactions ORDER BY 1",
    )
    assert got == [
        ("n1", "sales", False, False, 320.0, True, 80.5, 24.15, 1),
        ("n2", "sales", True, True, 0.0, False, 0.0, None, 2),
        ("n3", "service", False, False, 250.0, False, 0.0, None, 3),
    ]
