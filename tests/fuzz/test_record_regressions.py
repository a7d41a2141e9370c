"""Each class of corrupted export the outside tester (issue 22) or the records corpus found,
as a small file generated here (synthetic records, no copy of a public sample), through
``ccecon ingest``. Run against main's code at dee369b, 35 of these 37 cases failed (a
traceback with exit 1, a NaN, infinity, negative or out-of-range value stored, an agent
state split into millions of rows, a BOM-prefixed or long-attribute file not recognized);
the two that already held there (``mapped-csv-truncated-in-a-quote`` and
``agent-states-csv-invalid-byte``: exit 2 naming the file) are kept as guards. Each now
exits 2 naming the file, or quarantines the record with the reason, and nothing it stores
is out of range (the corpus's SQL checks)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ccecon.cli.app import app as cli
from tests.fuzz.conftest import record
from tests.fuzz.records import BOM, MAPPING
from tests.fuzz.test_fuzz_records import _store_problems

T = "2027-01-04 08:00:00"


def _ctr(cid: object = "c-1", wait: object = 30, talk: object = 200, start: str = T) -> dict:
    """A Connect CTR as the admin guide's data model names its fields."""
    iso = start.replace(" ", "T") + "Z"
    return {
        "ContactId": cid,
        "Channel": "VOICE",
        "InitiationMethod": "INBOUND",
        "InitiationTimestamp": iso,
        "DisconnectTimestamp": "2027-01-04T08:10:00Z",
        "Queue": {"Name": "sales", "EnqueueTimestamp": iso, "Duration": wait},
        "Agent": {
            "Username": "a1",
            "ConnectedToAgentTimestamp": "2027-01-04T08:00:30Z",
            "AgentInteractionDuration": talk,
            "CustomerHoldDuration": 0,
            "AfterContactWorkDuration": 5,
        },
        "LastUpdateTimestamp": "2027-01-04T08:11:00Z",
    }


def _lines(*recs: dict) -> bytes:
    return b"\n".join(json.dumps(r).encode() for r in recs) + b"\n"


def _cdr(
    uid: str, duration: str = "60", billsec: str = "50", start: str = T, src: str = "100"
) -> str:
    """An Asterisk cdr_csv row (18 columns, Asterisk's documented order)."""
    end = "2027-01-04 08:01:00"
    cells = ["", src, "200", "sales", "x", "SIP/1", "SIP/2", "Dial", "", start, start, end]
    cells += [duration, billsec, "ANSWERED", "DOCUMENTATION", uid, ""]
    return ",".join(f'"{c}"' if not c.replace(".", "").isdigit() else c for c in cells)


def _queue_log(complete: str = "COMPLETECALLER|10|120|1", t0: int = 1_799_999_000) -> bytes:
    return (
        f"{t0}|c1|sales|NONE|ENTERQUEUE||555|1\n"
        f"{t0 + 10}|c1|sales|SIP/1|CONNECT|10|c1|1\n"
        f"{t0 + 130}|c1|sales|SIP/1|{complete}\n"
    ).encode()


def _mapped(*rows: str) -> bytes:
    head = "CallID,Start,Answered,Ended,Wait,Talk,Channel,Queue\n"
    return (head + "".join(r + "\n" for r in rows)).encode()


GOOD_ROW = f"m1,{T},2027-01-04 08:00:20,2027-01-04 08:05:00,20,280,voice,sales"


def _parquet(**cols: list) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(pa.table(cols), buf)
    return buf.getvalue()


def _interactions(wait: float = 20.0, arrival: str = T) -> bytes:
    import datetime as dt

    a = dt.datetime.fromisoformat(arrival)
    return _parquet(
        interaction_id=["p1", "p2"],
        channel=["voice", "voice"],
        arrival_ts=[a, dt.datetime(2027, 1, 4, 9)],
        end_ts=[dt.datetime(2027, 1, 4, 10), dt.datetime(2027, 1, 4, 10)],
        queue_wait_s=[wait, 5.0],
    )


# name, file name, bytes, extra args, expected exit, (loaded, quarantined) or None, a text
# the output or the quarantine reasons must hold
CASES: list[tuple[str, str, Callable[[], bytes], list[str], int, tuple[int, int] | None, str]] = [
    (
        "parquet-truncated",
        "x.parquet",
        lambda: _interactions()[:300],
        [],
        2,
        None,
        "not a readable Parquet file",
    ),
    (
        "parquet-corrupt-footer",
        "x.parquet",
        lambda: (lambda b: b[:-8] + (10**6).to_bytes(4, "little") + b"PAR1")(_interactions()),
        [],
        2,
        None,
        "not a readable Parquet file",
    ),
    (
        "mapped-csv-truncated-in-a-quote",
        "m.csv",
        lambda: _mapped(GOOD_ROW, '"m2,2027-01-04 09:00:00,2027'),
        ["--mapping", "{dir}/mapping.yaml"],
        2,
        None,
        "m.csv",
    ),
    (
        "mapped-csv-invalid-byte",
        "m.csv",
        lambda: _mapped(
            GOOD_ROW, GOOD_ROW.replace("m1", "m2").replace("sales", "sa\xffles")
        ).replace(b"\xc3\xbf", b"\xff"),
        ["--mapping", "{dir}/mapping.yaml"],
        2,
        None,
        "not UTF-8",
    ),
    (
        "agent-states-csv-invalid-byte",
        "states.csv",
        lambda: (
            b"agent,state,start_ts,end_ts\na1,available,2027-01-04 08:00:00,"
            b"2027-01-04 08:10:00\na\xff,available,2027-01-04 08:10:00,2027-01-04 08:20:00\n"
        ),
        [],
        2,
        None,
        "not UTF-8",
    ),
    (
        "connect-contactid-number",
        "c.json",
        lambda: _lines(_ctr(12345), _ctr("c-2")),
        [],
        0,
        (1, 1),
        "interaction_id is not text",
    ),
    (
        "connect-contactid-list",
        "c.json",
        lambda: _lines(_ctr(["a", "b"]), _ctr("c-2")),
        [],
        0,
        (1, 1),
        "interaction_id is not text",
    ),
    (
        "connect-queue-not-an-object",
        "c.json",
        lambda: _lines({**_ctr(), "Queue": 1.5}, _ctr("c-2")),
        [],
        0,
        (1, 1),
        "Queue is not an object",
    ),
    (
        "connect-duration-400-digits",
        "c.json",
        lambda: _lines(_ctr("c-1"), _ctr("c-2")).replace(
            b'"Duration": 30', b'"Duration": ' + b"9" * 400, 1
        ),
        [],
        0,
        (1, 1),
        "queue_wait_s is not a number",
    ),
    (
        "connect-nan-duration",
        "c.json",
        lambda: _lines(_ctr("c-1", talk=float("nan")), _ctr("c-2", wait=float("inf")), _ctr("c-3")),
        [],
        0,
        (1, 2),
        "not finite",
    ),
    (
        "connect-1e309-and-negative",
        "c.json",
        lambda: (
            _lines(_ctr("c-1", wait=-5))
            + _lines(_ctr("c-2")).replace(
                b'"AgentInteractionDuration": 200', b'"AgentInteractionDuration": 1e309'
            )
            + _lines(_ctr("c-3"))
        ),
        [],
        0,
        (1, 2),
        "negative",
    ),
    (
        "connect-year-9999",
        "c.json",
        lambda: _lines(_ctr("c-1", start="9999-12-31 23:00:00"), _ctr("c-2")),
        [],
        0,
        (1, 1),
        "outside 1970-01-01 .. 2200-12-31",
    ),
    (
        "connect-nested-100000-deep",
        "c.json",
        lambda: b"[" * 100_000 + b"]" * 100_000 + b"\n" + _lines(_ctr("c-2")),
        ["--format", "connect"],
        0,
        (1, 1),
        "nested more than 64 levels",
    ),
    (
        "connect-attributes-nested-5000-deep",
        "c.json",
        lambda: _lines(_ctr("c-2")).replace(
            b'"ContactId"', b'"Attributes": ' + b"[" * 5000 + b"]" * 5000 + b', "ContactId"'
        ),
        [],
        0,
        (0, 1),
        "nested more than 64 levels",
    ),
    (
        "connect-8kb-before-contactid",
        "c.json",
        lambda: _lines({"Attributes": {f"k{i}": "v" * 60 for i in range(120)}, **_ctr("c-1")}),
        [],
        0,
        (1, 0),
        "[connect]",
    ),
    ("connect-bom", "c.json", lambda: BOM + _lines(_ctr("c-1")), [], 0, (1, 0), "[connect]"),
    (
        "genesys-nested-50000-deep",
        "g.json",
        lambda: b'{"conversations": [' + b"[" * 50_000 + b"]" * 50_000 + b"]}",
        ["--format", "genesys"],
        0,
        (0, 1),
        "nested more than 64 levels",
    ),
    (
        "genesys-conversations-a-number",
        "g.json",
        lambda: b'{"conversations": 5, "conversationId": "x"}',
        [],
        0,
        (0, 1),
        "conversations is not a list",
    ),
    (
        "genesys-participant-a-number",
        "g.json",
        lambda: json.dumps(
            {
                "conversationId": "g1",
                "conversationStart": "2027-01-04T08:00:00Z",
                "participants": [1.5],
            }
        ).encode(),
        [],
        0,
        (0, 1),
        "not lists of objects",
    ),
    (
        "genesys-bom",
        "g.json",
        lambda: (
            BOM
            + json.dumps(
                {
                    "conversationId": "g1",
                    "conversationStart": "2027-01-04T08:00:00Z",
                    "conversationEnd": "2027-01-04T08:05:00Z",
                    "participants": [
                        {
                            "purpose": "acd",
                            "participantName": "sales",
                            "sessions": [{"mediaType": "voice"}],
                        }
                    ],
                }
            ).encode()
        ),
        [],
        0,
        (1, 0),
        "[genesys]",
    ),
    (
        "asterisk-field-over-128kb",
        "Master.csv",
        lambda: (_cdr("1.1", src="9" * 200_000) + "\n" + _cdr("1.2") + "\n").encode(),
        ["--format", "asterisk"],
        0,
        (1, 1),
        "not a cdr_csv record",
    ),
    (
        "asterisk-nan-inf-negative-durations",
        "Master.csv",
        lambda: "\n".join(
            [
                _cdr("1.1", "nan", "nan"),
                _cdr("1.2", "inf", "50"),
                _cdr("1.3", "-5", "-10"),
                _cdr("1.4"),
            ]
        ).encode(),
        [],
        0,
        (1, 3),
        "not a finite number of seconds",
    ),
    (
        "asterisk-year-1900",
        "Master.csv",
        lambda: (_cdr("1.1", start="1900-01-01 00:00:00") + "\n" + _cdr("1.2") + "\n").encode(),
        [],
        0,
        (1, 1),
        "outside 1970-01-01 .. 2200-12-31",
    ),
    (
        "asterisk-bom",
        "Master.csv",
        lambda: BOM + (_cdr("1.1") + "\n").encode(),
        [],
        0,
        (1, 0),
        "[asterisk]",
    ),
    (
        "queue-log-calltime-inf",
        "queue_log",
        lambda: _queue_log("COMPLETECALLER|10|inf|1"),
        [],
        0,
        (0, 3),
        "data2 is not finite",
    ),
    (
        "queue-log-calltime-1e309",
        "queue_log",
        lambda: _queue_log("COMPLETECALLER|10|1e309|1"),
        [],
        0,
        (0, 3),
        "data2 is not finite",
    ),
    (
        "queue-log-epoch-year-5138",
        "queue_log",
        lambda: _queue_log() + b"100000000000|c9|sales|NONE|ENTERQUEUE||555|1\n",
        [],
        0,
        (3, 1),
        "time is outside 1970-01-01 .. 2200-12-31",
    ),
    (
        "queue-log-member-for-two-centuries",
        "queue_log",
        lambda: b"31536000|NONE|sales|SIP/1|ADDMEMBER|\n7226000000|NONE|sales|SIP/2|ADDMEMBER|\n",
        [],
        0,
        None,
        "agent state longer than 7 days",
    ),
    ("queue-log-bom", "queue_log", lambda: BOM + _queue_log(), [], 0, (3, 0), "[queue_log]"),
    (
        "agent-state-1900-to-2100",
        "states.csv",
        lambda: (
            b"agent,state,start_ts,end_ts\na1,available,1900-01-01 00:00:00,2100-01-01 00:00:00\n"
            b"a2,available,2027-01-04 08:00:00,2027-01-04 08:10:00\n"
        ),
        [],
        0,
        (1, 1),
        "stretch longer than 7 days",
    ),
    (
        "agent-states-bom",
        "states.csv",
        lambda: (
            BOM
            + b"agent,state,start_ts,end_ts\na1,available,2027-01-04 08:00:00,2027-01-04 08:10:00\n"
        ),
        [],
        0,
        (1, 0),
        "[agent-states]",
    ),
    (
        "payroll-bom",
        "pay.csv",
        lambda: BOM + b"month,agent,element,amount,currency\n2027-01,a1,wages,3000,USD\n",
        [],
        0,
        (1, 0),
        "[payroll]",
    ),
    (
        "mapped-csv-nan-inf-negative-1e309",
        "m.csv",
        lambda: _mapped(
            GOOD_ROW,
            *(
                GOOD_ROW.replace("m1", f"m{i}").replace(",20,280,", f",{w},280,")
                for i, w in [(2, "nan"), (3, "inf"), (4, "1e309"), (5, "-infinity")]
            ),
        ),
        ["--mapping", "{dir}/mapping.yaml"],
        0,
        (1, 4),
        "a duration is not finite",
    ),
    (
        "mapped-csv-year-1",
        "m.csv",
        lambda: _mapped(GOOD_ROW, GOOD_ROW.replace("m1", "m2").replace(T, "0001-01-01 00:00:00")),
        ["--mapping", "{dir}/mapping.yaml"],
        0,
        (1, 1),
        "outside 1970-01-01 .. 2200-12-31",
    ),
    (
        "parquet-nan-duration",
        "x.parquet",
        lambda: _interactions(wait=float("nan")),
        [],
        0,
        (1, 1),
        "a duration is not finite",
    ),
    (
        "parquet-infinite-duration",
        "x.parquet",
        lambda: _interactions(wait=float("inf")),
        [],
        0,
        (1, 1),
        "a duration is not finite",
    ),
    (
        "parquet-year-1900",
        "x.parquet",
        lambda: _interactions(arrival="1900-01-01 00:00:00"),
        [],
        0,
        (1, 1),
        "outside 1970-01-01 .. 2200-12-31",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_record_regression(case: tuple, tmp_path: Path) -> None:
    import time

    import duckdb

    _name, fname, build, args, code, counts, text = case
    target = tmp_path / fname
    target.write_bytes(build())
    (tmp_path / "mapping.yaml").write_bytes(MAPPING)
    db = tmp_path / "s.duckdb"
    argv = ["ingest", str(target), "--into", str(db)] + [
        a.replace("{dir}", str(tmp_path)) for a in args
    ]
    t0 = time.perf_counter()
    out = CliRunner().invoke(cli, argv)
    record("record regressions", time.perf_counter() - t0, out.exit_code == 0)
    assert out.exception is None or isinstance(out.exception, SystemExit), repr(out.exception)
    assert out.exit_code == code, out.output[-500:]
    reasons = ""
    if db.exists():
        problems, _ = _store_problems(db)
        assert not problems, problems
        con = duckdb.connect(str(db), read_only=True)
        reasons = " | ".join(r[0] for r in con.execute("SELECT reason FROM quarantine").fetchall())
        con.close()
    if code == 2:
        assert str(target) in out.output
    if counts is not None:
        loaded, quarantined = counts
        assert f"loaded {loaded} + quarantined {quarantined}" in out.output, out.output[-500:]
    assert text in out.output + reasons, (out.output[-500:], reasons[:500])
