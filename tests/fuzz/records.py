"""A seeded generator of corrupted contact-record exports (issue 22): the public vendor
samples (read from ``../shared/samples``, never copied into the repository) and small
synthetic files of the other formats (queue_log, mapped CSV and Parquet, normalized
Parquet, agent states, payroll), damaged the ways real exports are damaged: truncated,
an invalid byte, a byte-order mark, CRLF, NUL; a value made NaN, Infinity, 1e309, negative,
a 400-digit integer, a list, an object; a timestamp in year 1 or 9999; an id that is a
number or a list; nesting thousands deep; a 200 KB field; 5 KB of attributes before
``ContactId``; an agent state from 1900 to 2100. The same seed gives the same files on
every machine."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fuzz.hostile import _leaves

SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "samples"

BOM = b"\xef\xbb\xbf"
INF_TOKEN = "__INF_LITERAL__"
"""Written as the JSON number ``1e309`` (Python's json writes ``Infinity``)."""
BIG_TOKEN = "__BIG_LITERAL__"
"""Written as a 400-digit JSON integer."""


@dataclass
class Case:
    """One export: files by name (the first is ingested) and extra ``ccecon ingest``
    arguments, ``{dir}`` standing for the folder the files are written to."""

    name: str
    files: dict[str, bytes]
    args: list[str] = field(default_factory=list)
    must_load: bool = False
    """A file a reader must read (exit 0, records read): a clean sample with a byte-order
    mark, CRLF line ends, Firehose's joined records, kilobytes before ``ContactId``."""

    @property
    def target(self) -> str:
        return next(iter(self.files))


HOSTILE_JSON: list[Any] = [
    float("nan"),
    float("inf"),
    float("-inf"),
    INF_TOKEN,
    BIG_TOKEN,
    -5,
    -1e-9,
    1e300,
    0,
    "",
    None,
    True,
    [],
    {},
    [1, 2],
    {"a": 1},
    12345,
    "\ud800",
    "x\u0000y",
    "x" * 200_000,
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00Z",
    "1900-01-01T00:00:00Z",
    "2500-01-01T00:00:00Z",
    "2022-13-45T99:99:99Z",
    "NaN",
    "inf",
]

HOSTILE_CELLS = [
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "1e309",
    "-5",
    "-0.001",
    "9" * 400,
    "",
    "x" * 200_000,
    "9999-12-31 23:59:59",
    "0001-01-01 00:00:00",
    "1900-01-01 00:00:00",
    "2500-06-01 00:00:00",
    "infinity",
    "-infinity",
    "2022-02-30 10:00:00",
    "\u00e9\u4e2d",
]

HOSTILE_EPOCHS = ["inf", "-inf", "nan", "1e309", "-2208988800", "1e11", "9" * 400, "-1"]
HOSTILE_SECONDS = ["inf", "nan", "1e309", "-5", "1e20", "9" * 400, "-inf", "Infinity"]


def _sample(*parts: str) -> bytes:
    return (SAMPLES.joinpath(*parts)).read_bytes()


def _wazo_queue_log() -> str:
    """The Wazo page's psql rows as queue_log lines (as tests/data does)."""
    text = _sample("asterisk", "queue_log-wazo-doc-samples.rst").decode("utf-8")
    rows = [
        "|".join(c.strip() for c in line.split("|"))
        for line in text.splitlines()
        if re.match(r"^\s*\d{4}-\d\d-\d\d \d", line)
    ]
    return "\n".join(rows) + "\n"


def _synth_queue_log(rng: random.Random) -> str:
    """A small queue_log: an agent logs in, two calls are answered, one abandons."""
    t = 1_800_000_000 + rng.randrange(0, 86_400)
    agent = "SIP/" + str(rng.randrange(1000, 9999))
    lines = [f"{t}|NONE|sales|{agent}|ADDMEMBER|"]
    for i in range(rng.randrange(1, 4)):
        cid = f"{t}.{i}"
        t += rng.randrange(10, 300)
        lines.append(f"{t}|{cid}|sales|NONE|ENTERQUEUE||5551234{i}|1")
        wait = rng.randrange(1, 60)
        if rng.random() < 0.3:
            lines.append(f"{t + wait}|{cid}|sales|NONE|ABANDON|1|1|{wait}")
            t += wait
            continue
        talk = rng.randrange(20, 600)
        lines.append(f"{t + wait}|{cid}|sales|{agent}|CONNECT|{wait}|{cid}|2")
        lines.append(f"{t + wait + talk}|{cid}|sales|{agent}|COMPLETECALLER|{wait}|{talk}|1")
        t += wait + talk
    lines.append(f"{t + 60}|NONE|sales|{agent}|REMOVEMEMBER|")
    return "\n".join(lines) + "\n"


MAPPING = (
    b"columns:\n  interaction_id: CallID\n  arrival_ts: Start\n  answer_ts: Answered\n"
    b"  end_ts: Ended\n  queue_wait_s: Wait\n  talk_s: Talk\n  channel: Channel\n"
    b"  queue: Queue\n"
)
MAPPED_HEADER = ["CallID", "Start", "Answered", "Ended", "Wait", "Talk", "Channel", "Queue"]


def _mapped_rows(rng: random.Random, n: int) -> list[list[str]]:
    base = dt.datetime(2027, 1, 4, 8) + dt.timedelta(minutes=rng.randrange(0, 10_000))
    rows = []
    for i in range(n):
        start = base + dt.timedelta(minutes=7 * i)
        wait, talk = rng.randrange(0, 120), rng.randrange(30, 900)
        ans = start + dt.timedelta(seconds=wait)
        end = ans + dt.timedelta(seconds=talk)
        rows.append(
            [
                f"c{rng.randrange(10**9)}-{i}",
                start.isoformat(sep=" "),
                ans.isoformat(sep=" "),
                end.isoformat(sep=" "),
                str(wait),
                str(talk),
                rng.choice(["voice", "chat", "email"]),
                rng.choice(["sales", "care"]),
            ]
        )
    return rows


STATE_HEADER = ["agent", "state", "reason", "start_ts", "end_ts"]


def _state_rows(rng: random.Random, n: int) -> list[list[str]]:
    t = dt.datetime(2027, 1, 4, 8) + dt.timedelta(minutes=rng.randrange(0, 10_000))
    rows = []
    for _ in range(n):
        d = dt.timedelta(seconds=rng.randrange(60, 3_000))
        state = rng.choice(["available", "on_contact", "acw", "not_ready"])
        rows.append(["a1", state, "break" if state == "not_ready" else "", str(t), str(t + d)])
        t += d
    return rows


PAYROLL_HEADER = ["month", "agent", "element", "amount", "currency"]


def _payroll_rows(rng: random.Random, n: int) -> list[list[str]]:
    return [
        [f"2027-{m:02d}", f"a{rng.randrange(9)}", "wages", str(rng.randrange(1000, 9000)), "USD"]
        for m in range(1, n + 1)
    ]


def _csv_bytes(header: list[str] | None, rows: list[list[str]], quote_all: bool = False) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    if header is not None:
        w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8", "surrogatepass")


def _json_bytes(doc: Any) -> bytes:
    text = json.dumps(doc, ensure_ascii=False)
    text = text.replace(f'"{INF_TOKEN}"', "1e309").replace(f'"{BIG_TOKEN}"', "9" * 400)
    text = re.sub(f'"{NEST_TOKEN}(\\d+)"', lambda m: "[" * int(m[1]) + "1" + "]" * int(m[1]), text)
    return text.encode("utf-8", "surrogatepass")


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> None:
    for p in path[:-1]:
        doc = doc[p]
    doc[path[-1]] = value


NEST_TOKEN = "__NESTED_LITERAL__"


def _nested(depth: int) -> str:
    """A placeholder written as ``depth`` nested JSON arrays (too deep for json.dumps)."""
    return f"{NEST_TOKEN}{depth}"


def _parquet(table: dict[str, list[Any]]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(pa.table(table), buf)
    return buf.getvalue()


def _normalized_parquet(rng: random.Random, n: int, hostile: bool) -> bytes:
    """A Parquet file in the normalized interactions schema (as ``ccecon synth`` writes)."""
    base = dt.datetime(2027, 1, 4, 8)
    arrival = [base + dt.timedelta(minutes=5 * i) for i in range(n)]
    wait = [float(rng.randrange(0, 90)) for _ in range(n)]
    talk = [float(rng.randrange(30, 600)) for _ in range(n)]
    if hostile:
        i = rng.randrange(n)
        col = rng.choice(["wait", "talk", "arrival"])
        if col == "arrival":
            arrival[i] = rng.choice(
                [dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31), dt.datetime(1900, 1, 1)]
            )
        else:
            (wait if col == "wait" else talk)[i] = rng.choice(
                [float("nan"), float("inf"), float("-inf"), -3.0, 1e308 * 10]
            )
    answer = [a + dt.timedelta(seconds=w) for a, w in zip(arrival, [0.0] * n, strict=True)]
    end = [a + dt.timedelta(seconds=600) for a in arrival]
    return _parquet(
        {
            "interaction_id": [f"p{rng.randrange(10**9)}-{i}" for i in range(n)],
            "channel": ["voice"] * n,
            "queue": ["sales"] * n,
            "arrival_ts": arrival,
            "answer_ts": answer,
            "end_ts": end,
            "queue_wait_s": wait,
            "talk_s": talk,
        }
    )


# -- damage to bytes, any format -------------------------------------------------------


def _truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(1, max(2, len(data)))]


def _invalid_byte(rng: random.Random, data: bytes) -> bytes:
    i = rng.randrange(len(data) // 2, max(len(data) // 2 + 1, len(data)))
    return data[:i] + rng.choice([b"\xff", b"\xc3", b"\x80\x80", b"\xed\xa0\x80"]) + data[i:]


def _flip(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randrange(1, 8)):
        i = rng.randrange(len(b))
        b[i] = rng.randrange(256)
    return bytes(b)


def _bom(rng: random.Random, data: bytes) -> bytes:
    return BOM + data


def _crlf(rng: random.Random, data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _nul(rng: random.Random, data: bytes) -> bytes:
    i = rng.randrange(len(data))
    return data[:i] + b"\x00" + data[i:]


BYTE_DAMAGE: list[Callable[[random.Random, bytes], bytes]] = [
    _truncate,
    _invalid_byte,
    _flip,
    _bom,
    _crlf,
    _nul,
]

# -- damage to values, per format -------------------------------------------------------


def _json_value_case(rng: random.Random, doc: Any) -> Any:
    doc = json.loads(json.dumps(doc))
    paths = [p for p in _leaves(doc) if p]  # every value below the root
    for _ in range(rng.randrange(1, 3)):
        _set(doc, rng.choice(paths), rng.choice(HOSTILE_JSON))
    return doc


def _connect_records(rng: random.Random) -> list[dict[str, Any]]:
    lines = _sample("amazon-connect", "ctr-sample.jsonl").decode("utf-8").splitlines()
    return [json.loads(x) for x in lines if x.strip()]


def _connect_case(rng: random.Random, k: int) -> Case:
    recs = _connect_records(rng)
    how = rng.randrange(9)
    name = f"connect-{k}.json"
    if how == 0:  # an id of the wrong type
        r = rng.choice(recs)
        r["ContactId"] = rng.choice([12345, 1.5, ["a", "b"], {"id": 1}, None, True, ""])
        data = b"\n".join(_json_bytes(r) for r in recs)
    elif how == 1:  # attributes before ContactId push it past 4 KB
        pad = {f"attr{i}": "v" * 40 for i in range(rng.randrange(100, 400))}
        recs = [
            {"Attributes": pad, **{k2: v for k2, v in r.items() if k2 != "Attributes"}}
            for r in recs
        ]
        data = b"\n".join(_json_bytes(r) for r in recs)
    elif how == 2:  # nested thousands deep, alone or as a field
        r = rng.choice(recs)
        if rng.random() < 0.5:
            r["Attributes"] = _nested(rng.choice([500, 5_000, 100_000]))
            data = b"\n".join(_json_bytes(r) for r in recs)
        else:
            depth = rng.choice([2_000, 100_000])
            data = b"[" * depth + b"]" * depth + b"\n" + _json_bytes(recs[0])
    elif how == 3:  # Firehose: records back to back, no delimiter
        data = b"".join(_json_bytes(r) for r in recs)
    elif how == 4:  # a JSON array
        data = _json_bytes(recs)
    else:  # durations and timestamps
        for _ in range(rng.randrange(1, 3)):
            r = rng.choice(recs)
            agent = r["Agent"] if isinstance(r.get("Agent"), dict) else {}
            queue = r["Queue"] if isinstance(r.get("Queue"), dict) else {}
            target = rng.choice(
                [
                    (agent, "AgentInteractionDuration"),
                    (agent, "CustomerHoldDuration"),
                    (agent, "AfterContactWorkDuration"),
                    (queue, "Duration"),
                    (r, "InitiationTimestamp"),
                    (r, "DisconnectTimestamp"),
                    (agent, "ConnectedToAgentTimestamp"),
                    (r, "Agent"),
                    (r, "Queue"),
                    (r, "CustomerEndpoint"),
                    (r, "Channel"),
                ]
            )
            target[0][target[1]] = rng.choice(HOSTILE_JSON)
        data = b"\n".join(_json_bytes(r) for r in recs)
    if rng.random() < 0.25:
        data = rng.choice(BYTE_DAMAGE)(rng, data)
    return Case(name, {name: data})


def _genesys_case(rng: random.Random, k: int) -> Case:
    src = rng.choice(
        [
            "conversation1.json",
            "conversation2.json",
            "conversation-details-query-response-2016.json",
        ]
    )
    doc = json.loads(_sample("genesys", src))
    how = rng.randrange(6)
    if how == 0:
        data = BOM + _json_bytes(doc)
    elif how == 1:
        data = _json_bytes(
            {"conversations": rng.choice([5, "x", None, [1, "a"], {"a": 1}, _nested(3_000)])}
        )
    elif how == 2:
        data = _json_bytes(_nested(rng.choice([1_500, 50_000])))
    else:
        data = _json_bytes(_json_value_case(rng, doc))
    if rng.random() < 0.25:
        data = rng.choice(BYTE_DAMAGE)(rng, data)
    name = f"genesys-{k}.json"
    return Case(name, {name: data})


def _asterisk_case(rng: random.Random, k: int) -> Case:
    src = rng.choice(
        ["Master.csv", "Master-testsuite-cdrlib-good.csv", "Master-asterisk11-lab.csv"]
    )
    rows = list(csv.reader(io.StringIO(_sample("asterisk", src).decode("utf-8"))))
    rows = [r for r in rows if r]
    for _ in range(rng.randrange(1, 3)):
        r = rng.choice(rows)
        col = rng.choice([9, 10, 11, 12, 13, 16, 1, 6])  # times, durations, ids, names
        r[col] = rng.choice(HOSTILE_CELLS)
    data = _csv_bytes(None, rows, quote_all=True)
    if rng.random() < 0.35:
        data = rng.choice(BYTE_DAMAGE)(rng, data)
    name = f"Master-{k}.csv"
    return Case(name, {name: data})


def _queue_log_case(rng: random.Random, k: int) -> Case:
    text = _wazo_queue_log() if rng.random() < 0.3 else _synth_queue_log(rng)
    lines = text.splitlines()
    how = rng.randrange(4)
    if how == 0:  # a time that is no time, or far away
        i = rng.randrange(len(lines))
        parts = lines[i].split("|")
        parts[0] = rng.choice([*HOSTILE_EPOCHS, "9999-12-31 23:59:59", "0001-01-01 00:00:00"])
        lines[i] = "|".join(parts)
    elif how == 1:  # durations of the end events
        ends = [i for i, ln in enumerate(lines) if "|COMPLETE" in ln or "|ABANDON|" in ln]
        if ends:
            i = rng.choice(ends)
            parts = lines[i].split("|")
            j = rng.randrange(5, len(parts))
            parts[j] = rng.choice(HOSTILE_SECONDS)
            lines[i] = "|".join(parts)
    elif how == 2:  # an agent logged in for two centuries
        lines = [
            "31536000|NONE|sales|SIP/1|ADDMEMBER|",
            f"{rng.choice([7_226_000_000, 4_102_444_800])}|NONE|sales|SIP/2|ADDMEMBER|",
        ]
    else:  # a 200 KB field
        i = rng.randrange(len(lines))
        lines[i] += "|" + "y" * 200_000
    data = ("\n".join(lines) + "\n").encode("utf-8")
    if rng.random() < 0.3:
        data = rng.choice(BYTE_DAMAGE)(rng, data)
    name = f"queue_log-{k}"
    return Case(name, {name: data}, ["--format", "queue_log"] if rng.random() < 0.5 else [])


def _mapped_case(rng: random.Random, k: int) -> Case:
    rows = _mapped_rows(rng, rng.randrange(3, 30))
    for _ in range(rng.randrange(1, 3)):
        r = rng.choice(rows)
        r[rng.randrange(1, 6)] = rng.choice(HOSTILE_CELLS)
    as_parquet = rng.random() < 0.3
    if as_parquet:
        table: dict[str, list[Any]] = {h: [r[i] for r in rows] for i, h in enumerate(MAPPED_HEADER)}
        data = _parquet(table)
        name = f"mapped-{k}.parquet"
    else:
        data = _csv_bytes(MAPPED_HEADER, rows)
        name = f"mapped-{k}.csv"
    if rng.random() < 0.4:
        data = rng.choice(BYTE_DAMAGE)(rng, data)
    return Case(name, {name: data, "mapping.yaml": MAPPING}, ["--mapping", "{dir}/mapping.yaml"])


def _parquet_case(rng: random.Random, k: int) -> Case:
    data = _normalized_parquet(rng, rng.randrange(2, 20), hostile=rng.random() < 0.6)
    if rng.random() < 0.4:
        data = rng.choice([_truncate, _flip])(rng, data)
    name = f"interactions-{k}.parquet"
    return Case(name, {name: data})


def _table_case(rng: random.Random, k: int) -> Case:
    if rng.random() < 0.6:
        header, rows = STATE_HEADER, _state_rows(rng, rng.randrange(2, 15))
        r = rng.choice(rows)
        how = rng.randrange(3)
        if how == 0:
            r[3], r[4] = "1900-01-01 00:00:00", "2100-01-01 00:00:00"
        else:
            r[rng.choice([3, 4])] = rng.choice(HOSTILE_CELLS)
        name = f"agent-states-{k}.csv"
    else:
        header, rows = PAYROLL_HEADER, _payroll_rows(rng, rng.randrange(2, 12))
        rng.choice(rows)[3] = rng.choice(HOSTILE_CELLS)
        name = f"payroll-{k}.csv"
    data = _csv_bytes(header, rows)
    if rng.random() < 0.4:
        data = rng.choice(BYTE_DAMAGE)(rng, data)
    return Case(name, {name: data})


def _clean_variant_case(rng: random.Random, k: int) -> Case:
    """An undamaged export in a form a reader must still read."""
    kind = rng.choice(
        ["connect", "asterisk", "genesys", "queue_log", "states", "payroll", "mapped"]
    )
    args: list[str] = []
    if kind == "connect":
        recs = _connect_records(rng)
        form = rng.randrange(3)
        if form == 0:  # 5-15 KB of attributes before ContactId, JSON lines
            pad = {f"attr{i}": "v" * 40 for i in range(rng.randrange(100, 300))}
            recs = [
                {"Attributes": pad, **{a: b for a, b in r.items() if a != "Attributes"}}
                for r in recs
            ]
            data = b"\n".join(_json_bytes(r) for r in recs)
        elif form == 1:  # Firehose without a delimiter
            data = b"".join(_json_bytes(r) for r in recs)
        else:
            data = _sample(
                "amazon-connect", rng.choice(["ctr-duplicated-samples.json", "ctr-sample.jsonl"])
            )
        name = f"clean-connect-{k}.json"
    elif kind == "asterisk":
        data = _sample(
            "asterisk",
            rng.choice(
                ["Master.csv", "Master-testsuite-cdrlib-good.csv", "Master-asterisk11-lab.csv"]
            ),
        )
        name = f"clean-Master-{k}.csv"
    elif kind == "genesys":
        data = _sample(
            "genesys",
            rng.choice(
                [
                    "conversation1.json",
                    "conversation2.json",
                    "conversation-details-query-response-2016.json",
                ]
            ),
        )
        name = f"clean-genesys-{k}.json"
    elif kind == "queue_log":
        data = (_wazo_queue_log() if rng.random() < 0.5 else _synth_queue_log(rng)).encode()
        name = f"clean-queue_log-{k}"
    elif kind == "states":
        data = _csv_bytes(STATE_HEADER, _state_rows(rng, 5))
        name = f"clean-agent-states-{k}.csv"
    elif kind == "payroll":
        data = _csv_bytes(PAYROLL_HEADER, _payroll_rows(rng, 4))
        name = f"clean-payroll-{k}.csv"
    else:
        data = _csv_bytes(MAPPED_HEADER, _mapped_rows(rng, 5))
        name = f"clean-mapped-{k}.csv"
        args = ["--mapping", "{dir}/mapping.yaml"]
    if rng.random() < 0.8:
        data = BOM + data
    if rng.random() < 0.4:
        data = _crlf(rng, data)
    files = {name: data, **({"mapping.yaml": MAPPING} if args else {})}
    return Case(name, files, args, must_load=True)


MAKERS: list[tuple[Callable[[random.Random, int], Case], int]] = [
    (_clean_variant_case, 3),
    (_connect_case, 5),
    (_genesys_case, 2),
    (_asterisk_case, 4),
    (_queue_log_case, 4),
    (_mapped_case, 4),
    (_parquet_case, 2),
    (_table_case, 3),
]


def hostile_exports(n: int, seed: int = 22) -> Iterator[Case]:
    """``n`` corrupted exports, the same ones for the same seed."""
    rng = random.Random(seed)
    makers = [m for m, w in MAKERS for _ in range(w)]
    for k in range(n):
        yield rng.choice(makers)(rng, k)
