"""``ccecon synth --format``: the synthetic center's contacts as a vendor's export, read
back by ``ccecon ingest`` with no ``--format`` or ``--mapping`` (the project's own
fixtures for the adapters: no public sample is read here).

Every expected figure is counted by hand in the test from the file as written, with
``json`` and ``csv`` and the vendors' own field names (Amazon Connect's CTR data model,
Genesys Cloud's conversation detail segments, Asterisk's cdr_csv columns and queue_log
events), never by the adapters; and the counts are the synthetic center's own (the
Parquet ``synth`` writes with the same seed). The streaming reader is checked to give the
same records whatever the chunk size, and a 300,000-record export to ingest in bounded
memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from ccecon.cli.app import app
from ccecon.data.adapters import asterisk, connect, genesys
from ccecon.data.exports import EXPORT_FILES, ExportWriter
from ccecon.data.ingest import detect_format, ingest
from ccecon.data.synth import synth

runner = CliRunner()
ROWS, DAYS, SEED = 3000, 20, 7
FORMATS = ("connect", "genesys", "asterisk-cdr", "queue_log")
INGEST_NAME = {
    "connect": "connect",
    "genesys": "genesys",
    "asterisk-cdr": "asterisk",
    "queue_log": "queue_log",
}
SRC = Path(__file__).resolve().parents[2] / "src"

Counts = dict[str, dict[str, float]]


def _zero() -> dict[str, float]:
    return {"offered": 0, "answered": 0, "abandoned": 0, "talk": 0.0, "hold": 0.0}


def _connect_by_hand(path: Path) -> Counts:
    """Per Queue.Name: a CTR with a Queue was offered; with an Agent it was answered
    (talk = AgentInteractionDuration, hold = CustomerHoldDuration), without one abandoned."""
    out: Counts = defaultdict(_zero)
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        c = out[r["Queue"]["Name"]]
        c["offered"] += 1
        if r["Agent"] is None:
            c["abandoned"] += 1
        else:
            c["answered"] += 1
            c["talk"] += r["Agent"]["AgentInteractionDuration"]
            c["hold"] += r["Agent"]["CustomerHoldDuration"]
    return dict(out)


def _seconds(seg: dict[str, Any]) -> float:
    a, b = (dt.datetime.fromisoformat(seg[k]) for k in ("segmentStart", "segmentEnd"))
    return (b - a).total_seconds()


def _genesys_by_hand(path: Path) -> Counts:
    """Per acd participant (the queue): offered; an agent participant answered it (talk =
    its interact segments, hold = its hold segments), else abandoned."""
    out: Counts = defaultdict(_zero)
    for conv in json.loads(path.read_text(encoding="utf-8"))["conversations"]:
        by = {p["purpose"]: p for p in conv["participants"]}
        c = out[by["acd"]["participantName"]]
        c["offered"] += 1
        if "agent" not in by:
            c["abandoned"] += 1
            continue
        c["answered"] += 1
        for seg in by["agent"]["sessions"][0]["segments"]:
            if seg["segmentType"] == "interact":
                c["talk"] += _seconds(seg)
            elif seg["segmentType"] == "hold":
                c["hold"] += _seconds(seg)
    return dict(out)


def _cdr_by_hand(path: Path) -> Counts:
    """Per dcontext (column 4): ANSWERED was answered (talk = billsec, column 14), NO
    ANSWER abandoned; both offered."""
    out: Counts = defaultdict(_zero)
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            assert len(row) == 18
            c = out[row[3]]
            c["offered"] += 1
            if row[14] == "ANSWERED":
                c["answered"] += 1
                c["talk"] += int(row[13])
            else:
                assert row[14] == "NO ANSWER" and row[10] == ""
                c["abandoned"] += 1
    return dict(out)


def _queue_log_by_hand(path: Path) -> Counts:
    """Per queue (field 3): ENTERQUEUE offered, COMPLETECALLER answered (talk = calltime,
    its second data field), ABANDON abandoned."""
    out: Counts = defaultdict(_zero)
    last = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        t, _callid, queue, _agent, event, *data = line.split("|")
        assert int(t) >= last  # in time order, as Asterisk writes it
        last = int(t)
        c = out[queue]
        if event == "ENTERQUEUE":
            c["offered"] += 1
        elif event == "COMPLETECALLER":
            c["answered"] += 1
            c["talk"] += int(data[1])
        elif event == "ABANDON":
            c["abandoned"] += 1
    return dict(out)


BY_HAND = {
    "connect": _connect_by_hand,
    "genesys": _genesys_by_hand,
    "asterisk-cdr": _cdr_by_hand,
    "queue_log": _queue_log_by_hand,
}


@pytest.fixture(scope="module")
def center(tmp_path_factory: pytest.TempPathFactory) -> Counts:
    """The synthetic center's own contacts (its Parquet, same seed), counted by queue."""
    path = synth(ROWS, tmp_path_factory.mktemp("center"), seed=SEED, days=DAYS)
    out: Counts = defaultdict(_zero)
    for r in pq.read_table(path).to_pylist():
        c = out[r["queue"]]
        c["offered"] += 1
        c["abandoned"] += r["abandoned"]
        c["answered"] += not r["abandoned"]
        c["talk"] += r["talk_s"]
        c["hold"] += r["hold_s"]
    return dict(out)


@pytest.fixture(scope="module", params=FORMATS)
def export(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    fmt = request.param
    out = tmp_path_factory.mktemp(fmt.replace("-", "_"))
    r = runner.invoke(
        app,
        [
            *("synth", "--rows", str(ROWS), "--days", str(DAYS), "--seed", str(SEED)),
            *("--out", str(out), "--format", fmt),
        ],
    )
    assert r.exit_code == 0, r.output
    path = out / EXPORT_FILES[fmt]
    assert str(path) in r.output and f"as a {fmt} export" in r.output
    assert not (out / "interactions.parquet").exists()  # the export takes its place
    return path


def _store(db: Path) -> Counts:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT queue, count(*), count(answer_ts), sum(CAST(abandoned AS INT)),"
            " sum(talk_s), sum(hold_s) FROM interactions WHERE outcome = 'queued' GROUP BY 1"
        ).fetchall()
    keys = ("offered", "answered", "abandoned", "talk", "hold")
    return {q: dict(zip(keys, map(float, vals), strict=True)) for q, *vals in rows}


def test_export_round_trips_through_ingest(export: Path, tmp_path: Path, center: Counts) -> None:
    """synth --format X -> ingest (format told from the file) -> the store holds, by
    queue, the offered, answered and abandoned contacts and the talk (and hold where the
    format carries it) counted by hand from the file, and those are the center's own."""
    fmt = next(f for f, name in EXPORT_FILES.items() if name == export.name)
    db = tmp_path / "a.duckdb"
    r = runner.invoke(app, ["ingest", str(export), "--into", str(db)])
    assert r.exit_code == 0, r.output
    assert f"[{INGEST_NAME[fmt]}]" in r.output
    with duckdb.connect(str(db), read_only=True) as con:
        outcomes = dict(
            con.execute("SELECT outcome, count(*) FROM interactions GROUP BY 1").fetchall()
        )
        assert con.execute("SELECT count(*) FROM quarantine").fetchone() == (0,)
    assert outcomes == {"queued": ROWS}
    hand, stored = BY_HAND[fmt](export), _store(db)
    assert set(stored) == set(hand) == {"sales", "service", "billing", "tech"}
    for q, want in hand.items():
        got = stored[q]
        for key in ("offered", "answered", "abandoned"):
            assert got[key] == want[key] == center[q][key], (q, key)
        assert got["talk"] == pytest.approx(want["talk"], rel=1e-12)
        n = want["answered"]
        if fmt == "connect":  # whole seconds, each rounded
            assert got["hold"] == want["hold"]
            assert abs(got["talk"] - center[q]["talk"]) <= 0.5 * n
        elif fmt == "genesys":  # milliseconds: exact
            assert got["hold"] == pytest.approx(want["hold"], rel=1e-12)
            assert got["talk"] == pytest.approx(center[q]["talk"], rel=1e-12)
            assert got["hold"] == pytest.approx(center[q]["hold"], rel=1e-12)
        else:  # the bridged time (talk and hold), whole seconds from the timestamps
            assert got["hold"] == 0
            assert abs(got["talk"] - center[q]["talk"] - center[q]["hold"]) <= n


def test_detector_recognises_each_export(export: Path) -> None:
    """No --format, no --mapping: the file's head tells its format."""
    fmt = next(f for f, name in EXPORT_FILES.items() if name == export.name)
    assert detect_format(export) == INGEST_NAME[fmt]


def test_unknown_synth_format_exits_2(tmp_path: Path) -> None:
    r = runner.invoke(app, ["synth", "--rows", "10", "--out", str(tmp_path), "--format", "avaya"])
    assert r.exit_code == 2 and "--format" in r.stderr and "queue_log" in r.stderr


@pytest.fixture(scope="module")
def small_exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """40 contacts of the center in each JSON and CSV format, through the writers."""
    table = pq.read_table(synth(200, tmp_path_factory.mktemp("c"), seed=1, days=2)).slice(0, 40)
    folder = tmp_path_factory.mktemp("small")
    out = {}
    for fmt in ("connect", "genesys", "asterisk-cdr"):
        w = ExportWriter(fmt, folder / EXPORT_FILES[fmt])
        w.write(table)
        w.close()
        out[fmt] = folder / EXPORT_FILES[fmt]
    return out


@pytest.mark.parametrize("size", [1, 3, 64, 4096])
def test_chunk_boundaries_change_nothing(small_exports: dict[str, Path], size: int) -> None:
    """The adapters read text in chunks: cut anywhere (inside a number, a string, an
    escape, a CSV quote), the records are those of the whole text."""
    parsers = {"connect": connect.parse, "genesys": genesys.parse, "asterisk-cdr": asterisk.parse}
    for fmt, path in small_exports.items():
        text = path.read_text(encoding="utf-8")
        if fmt == "connect":  # a JSON array as well as JSON lines
            text = "[\n" + ",\n".join(text.splitlines()) + "\n]\n" + text
        whole = list(parsers[fmt](text))
        cut = list(parsers[fmt](text[i : i + size] for i in range(0, len(text), size)))
        assert cut == whole
        assert len(whole) == (80 if fmt == "connect" else 40)
        assert all(err is None for _, _, err, _ in whole)


def test_a_broken_item_of_a_json_array_costs_one_record(
    small_exports: dict[str, Path], tmp_path: Path
) -> None:
    """A JSON array streamed item by item: a broken item is quarantined, the others load."""
    lines = small_exports["connect"].read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5][:300]  # cut off
    f = tmp_path / "ctr-array.json"
    f.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")
    rep = ingest([f], tmp_path / "a.duckdb").files[0]
    assert (rep.format, rep.read, rep.loaded, rep.quarantined) == ("connect", 40, 39, 1)
    assert next(iter(rep.reasons)).startswith("not valid JSON")


def test_versions_and_already_loaded_ids_across_chunks(
    small_exports: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records are staged a chunk at a time: a later version in another chunk still
    supersedes, and an id already in the store is a duplicate."""
    from ccecon.data.ingest import records

    monkeypatch.setattr(records, "RECORDS_CHUNK", 7)
    recs = [json.loads(x) for x in small_exports["connect"].read_text().splitlines()]
    newer = dict(recs[0], LastUpdateTimestamp="2099-01-01T00:00:00Z")
    newer["Queue"] = dict(recs[0]["Queue"], Name="moved")
    f = tmp_path / "a.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in [*recs, newer]) + "\n")
    db = tmp_path / "a.duckdb"
    rep = ingest([f], db).files[0]
    assert (rep.read, rep.loaded, rep.quarantined) == (41, 40, 1)
    assert rep.reasons == {"superseded by a later version of the same id": 1}
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "SELECT queue FROM interactions WHERE interaction_id = ?", [recs[0]["ContactId"]]
        ).fetchall() == [("moved",)]
    g = tmp_path / "b.jsonl"
    g.write_text(json.dumps(recs[3]) + "\n")
    again = ingest([g], db).files[0]
    assert (again.read, again.loaded, again.reasons) == (
        1,
        0,
        {"duplicate interaction_id": 1},
    )


PEAK = (
    "import resource, subprocess, sys\n"
    "subprocess.run([sys.executable, '-c', sys.argv[1], *sys.argv[2:]], check=True)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)
INGEST = (
    "import sys\n"
    "from ccecon.data.ingest import Resources, ingest\n"
    "r = ingest([sys.argv[1]], sys.argv[2], resources=Resources('128MB', 1))\n"
    "assert r.read == r.loaded, (r.read, r.loaded)\n"
)
MARGIN_MIB = 350
"""The growth in peak memory allowed from a 5,000-record export to a 300,000-record one
(about 400 MiB of text): DuckDB may hold its memory limit (128 MB here) and Python a chunk
of records. Measured on 2026-12-03: 200 -> 473 MiB streamed; the whole-file read it
replaced went 199 -> 1,903 MiB (the text alone is larger than this margin)."""


def _peak_mib(path: Path, db: Path, src: Path) -> float:
    """Peak RSS (MiB) of a fresh process ingesting ``path``: ``ru_maxrss`` of the only
    child of a fresh parent, so no other process of the test run counts."""
    env = dict(os.environ, PYTHONPATH=str(src))
    out = subprocess.run(
        [sys.executable, "-c", PEAK, INGEST, str(path), str(db)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.strip()) / 1024  # Linux: KiB


@pytest.mark.slow
def test_large_connect_export_ingests_in_bounded_memory(tmp_path: Path) -> None:
    """300,000 Connect records (about 415 MB) ingest with a peak RSS under the peak of a
    5,000-record file plus :data:`MARGIN_MIB`: a whole-file read holds the text alone (the
    file's size) and every parsed record, far beyond it."""
    big = synth(300_000, tmp_path / "big", seed=3, days=60, fmt="connect")
    small = tmp_path / "small.jsonl"
    with big.open(encoding="utf-8") as src, small.open("w", encoding="utf-8") as dst:
        for _, line in zip(range(5000), src, strict=False):
            dst.write(line)
    size_mib = big.stat().st_size / 2**20
    assert size_mib > MARGIN_MIB  # the text of a whole-file read alone exceeds the margin
    p_small = _peak_mib(small, tmp_path / "s.duckdb", SRC)
    p_big = _peak_mib(big, tmp_path / "b.duckdb", SRC)
    with duckdb.connect(str(tmp_path / "b.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM interactions").fetchone() == (300_000,)
    assert p_big < p_small + MARGIN_MIB, (p_small, p_big, size_mib)


def test_progress_counts_records_within_an_export(
    small_exports: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The progress callback gets the records read so far within the file, and a total
    estimated from the bytes read that reaches the count at the end."""
    from ccecon.data.ingest import records

    monkeypatch.setattr(records, "RECORDS_CHUNK", 10)
    calls: list[tuple[int, int]] = []
    path = small_exports["asterisk-cdr"]
    ingest([path], tmp_path / "a.duckdb", progress_rows=lambda f, d, t: calls.append((d, t)))
    assert [d for d, _ in calls] == [10, 20, 30, 40, 40]
    assert all(t >= d for d, t in calls) and calls[-1] == (40, 40)
