"""Ingest on Spark loads and quarantines the same rows, for the same reasons, as on DuckDB.

The rules are one query (``interaction_select``) that the Spark path translates; this
test builds a file with one row breaking each rule (and a duplicate id, and ids already
loaded by a first file), ingests it with both engines and compares every stored value.
Which row breaks which rule is written here by hand, so the expected reasons are known
independently of either engine.
"""

from __future__ import annotations

import math
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ccecon.data.ingest import ingest
from ccecon.data.ingest.spark import ingest_spark, to_spark_sql
from ccecon.data.synth import synth
from ccecon.errors import DataError

# the bad rows: (what is changed in a good row, the reason the DuckDB docs give)
BAD: list[tuple[dict[str, Any], str]] = [
    ({"talk_s": -5.0}, "negative duration"),
    ({"talk_s": math.nan}, "a duration is not finite (NaN or infinity)"),
    ({"hold_s": 2e12}, "a duration is more than 1e+10 seconds"),
    ({"profit": math.inf}, "profit is not finite (NaN or infinity)"),
    ({"end_ts": datetime(2001, 1, 1)}, "end_ts is before arrival_ts"),
    ({"channel": "fax"}, "unknown channel"),
    ({"interaction_id": None}, "missing interaction_id"),
    ({"arrival_ts": None}, "missing arrival_ts"),
    (
        {"outcome": "lost"},
        "unknown outcome; expected one of blocked, failed, queued, self_service",
    ),
]


def _rows(path: Path, n: int) -> list[dict[str, Any]]:
    return pq.read_table(path).slice(0, n).to_pylist()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, pa.Schema]:
    if shutil.which("java") is None:
        pytest.fail("Java is missing: scripts/setup-system.sh installs it")
    d = tmp_path_factory.mktemp("spark-ingest")
    syn = synth(3000, d / "syn", seed=7)
    table = pq.read_table(syn)
    good = table.to_pylist()
    rows = list(good)
    for i, (change, _) in enumerate(BAD):
        row = dict(good[i])
        row.update(change)
        if row["interaction_id"] is not None:
            row["interaction_id"] = f"bad-{i}"
        rows.append(row)
    rows.append(dict(good[0]))  # the same id twice in the file: the second is refused
    first = d / "first.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), first, row_group_size=700)
    # a second file: two ids the first loaded, one new
    again = [dict(good[5]), dict(good[6]), dict(good[7], interaction_id="new-1")]
    second = d / "second.parquet"
    pq.write_table(pa.Table.from_pylist(again, schema=table.schema), second)
    return first, second, table.schema


def test_the_rules_translate() -> None:
    sql = to_spark_sql("SELECT NOT isfinite(c.x) AS a, hash(c.y) AS h, to_json(s) AS r FROM t s")
    assert "ISNAN(" in sql.upper() and "XXHASH64(" in sql.upper()
    assert "STRUCT(s.*)" in sql.replace("`", "")
    assert "ISFINITE" not in sql.upper() and " HASH(" not in sql.upper()


def _duck(db: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT * FROM interactions ORDER BY source_file, source_row").df()
        q = con.execute("SELECT source_file, source_row, reason FROM quarantine ORDER BY 1, 2").df()
    finally:
        con.close()
    return rows, q


def _spark(out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    con = duckdb.connect()
    try:
        rows = con.execute(
            "SELECT * EXCLUDE (ingest_id) FROM read_parquet(?, hive_partitioning = true)"
            " ORDER BY source_file, source_row",
            [str(out / "interactions" / "*" / "*.parquet")],
        ).df()
        q = con.execute(
            "SELECT source_file, source_row, reason FROM read_parquet(?,"
            " hive_partitioning = true) ORDER BY 1, 2",
            [str(out / "quarantine" / "*" / "*.parquet")],
        ).df()
    finally:
        con.close()
    return rows, q


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.filterwarnings(r"ignore:unclosed <socket\.socket:ResourceWarning")
def test_spark_and_duckdb_store_and_quarantine_the_same_rows(
    files: tuple[Path, Path, pa.Schema], tmp_path: Path
) -> None:
    from ccecon.data.metrics import spark_session

    first, second, _ = files
    db = tmp_path / "store.duckdb"
    out = tmp_path / "lake"
    session = spark_session("local[2]")
    duck = [ingest([f], db).files[0] for f in (first, second)]
    spark = [ingest_spark([f], out, session=session).files[0] for f in (first, second)]
    # what the file holds, counted by hand: 3,000 good rows, one row per rule, one repeat
    assert duck[0].read == spark[0].read == 3000 + len(BAD) + 1
    want = {reason: 1 for _, reason in BAD}
    want["duplicate interaction_id in the file"] = 1
    assert duck[0].reasons == spark[0].reasons == want
    assert duck[0].loaded == spark[0].loaded == 3000
    assert duck[1].reasons == spark[1].reasons == {"duplicate interaction_id: already loaded": 2}
    assert duck[1].loaded == spark[1].loaded == 1
    d_rows, d_q = _duck(db)
    s_rows, s_q = _spark(out)
    pd.testing.assert_frame_equal(d_q, s_q, check_dtype=False)
    assert list(d_rows.columns) == list(s_rows.columns)
    pd.testing.assert_frame_equal(d_rows, s_rows[d_rows.columns], check_dtype=False)
    # the rerun skips both files on both engines
    assert all(f.skipped for f in ingest([first, second], db).files)
    assert all(f.skipped for f in ingest_spark([first, second], out, session=session).files)
    # a folder given as a URI is listed and read where it lies (Hadoop's file system); its
    # three ids are all loaded by now
    lake_in = tmp_path / "export"
    lake_in.mkdir()
    shutil.copy(second, lake_in / "part-0.parquet")
    (lake_in / "_SUCCESS").write_text("", encoding="utf-8")  # hidden, as Spark leaves it
    uri = lake_in.as_uri()
    rep = ingest_spark([uri], out, session=session).files
    assert [f.file.endswith("part-0.parquet") for f in rep] == [True]
    assert rep[0].reasons == {"duplicate interaction_id: already loaded": 3}
    assert ingest_spark([uri], out, session=session).files[0].skipped


@pytest.mark.spark
def test_spark_refuses_a_csv(tmp_path: Path) -> None:
    f = tmp_path / "calls.csv"
    f.write_text("interaction_id,arrival_ts\n1,2026-01-01 10:00\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        ingest_spark([f], tmp_path / "lake", session=object())
    assert err.value.file == str(f) and "Parquet" in err.value.message


def test_cli_engine_is_checked_before_anything_runs(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ccecon.cli.app import app

    f = tmp_path / "calls.csv"
    f.write_text("interaction_id,arrival_ts\n1,2026-01-01 10:00\n", encoding="utf-8")
    runner = CliRunner()
    bad = runner.invoke(app, ["ingest", str(f), "--into", str(tmp_path / "x"), "--engine", "dask"])
    assert bad.exit_code == 2 and "--engine" in bad.output and "dask" in bad.output
    csv = runner.invoke(app, ["ingest", str(f), "--into", str(tmp_path / "x"), "--engine", "spark"])
    assert csv.exit_code == 2 and "Parquet" in csv.output and "calls.csv" in csv.output
    assert "Traceback" not in csv.output and not (tmp_path / "x").exists()
