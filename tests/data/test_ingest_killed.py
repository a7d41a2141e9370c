"""A kill -9 during ingest leaves each file fully loaded and recorded, or absent; the rerun
gives the clean run's counts (each file is one DuckDB transaction, made durable by its
write-ahead log)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from ccecon.data.ingest import ingest
from ccecon.data.synth import synth

TABLES = ("interactions", "agent_states", "quarantine", "ingested_files")
KILLED: list[int] = []
"""Files recorded when a run was killed (the last test checks some kill fell mid-way)."""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three interaction files (distinct ids), one with a duplicate and a bad row, and
    the synthetic agent states."""
    base = tmp_path_factory.mktemp("killed")
    syn = base / "syn"
    synth(120_000, syn, seed=11, days=60)
    data = base / "data"
    data.mkdir()
    t = pq.read_table(syn / "interactions.parquet")
    for k, prefix in enumerate("abc"):
        ids = pc.binary_join_element_wise(prefix + "-", t["interaction_id"], "")
        u = t.set_column(0, "interaction_id", ids)
        if k == 1:  # a duplicate id and a row whose end is before its arrival
            extra = u.slice(0, 2).to_pylist()
            extra[1]["interaction_id"] = "b-bad"
            extra[1]["end_ts"] = extra[1]["arrival_ts"].replace(year=2000)
            u = pa.concat_tables([u, pa.Table.from_pylist(extra, schema=u.schema)])
        pq.write_table(u, data / f"calls-{prefix}.parquet", row_group_size=20_000)
    (data / "agent_states.parquet").write_bytes((syn / "agent_states.parquet").read_bytes())
    return data


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list[str] | None = None) -> int:
    """The single number a count query returns."""
    row = con.execute(sql, params or []).fetchone()
    assert row is not None
    return int(row[0])


def _counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: _one(con, f"SELECT count(*) FROM {t}") for t in TABLES}
    finally:
        con.close()


def _consistent(db: Path, files: list[Path]) -> int:
    """Each file: recorded with exactly its rows stored, or not recorded with none."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if "ingested_files" not in tables:
            # killed before the store's schema was complete (a slow start under load):
            # nothing recorded, so nothing may be stored either
            for table in tables & {"interactions", "agent_states", "quarantine"}:
                assert _one(con, f"SELECT count(*) FROM {table}") == 0, table
            return 0
        done = {
            name: (loaded, quarantined)
            for name, loaded, quarantined in con.execute(
                "SELECT name, loaded, quarantined FROM ingested_files"
            ).fetchall()
        }
        for f in files:
            table = "agent_states" if "agent_states" in f.name else "interactions"
            rows = _one(
                con,
                f"SELECT count(DISTINCT source_row) FROM {table} WHERE source_file = ?",
                [str(f)],
            )
            q = _one(con, "SELECT count(*) FROM quarantine WHERE source_file = ?", [str(f)])
            if str(f) in done:
                assert (rows, q) == done[str(f)], f
            else:
                assert (rows, q) == (0, 0), f
        return len(done)
    finally:
        con.close()


@pytest.mark.slow
@pytest.mark.parametrize("after", [0, 1, 2, 3])
def test_kill_during_ingest_then_rerun(folder: Path, tmp_path: Path, after: int) -> None:
    """Killed 0.3 s after ``after`` files were recorded (inside the next file)."""
    files = sorted(folder.iterdir())
    clean = tmp_path / "clean.duckdb"
    rep = ingest([folder], clean)
    assert rep.quarantined == 2 and rep.read == rep.loaded + rep.quarantined
    want = _counts(clean)
    db = tmp_path / "killed.duckdb"
    code = (
        "import sys; from ccecon.data.ingest import ingest;"
        " ingest([sys.argv[1]], sys.argv[2], progress=lambda r: print(r.file, flush=True))"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(folder), str(db)], env=os.environ, stdout=subprocess.PIPE
    )
    assert proc.stdout is not None
    for _ in range(after):
        proc.stdout.readline()
    time.sleep(0.3 if after else 1.0)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    if proc.returncode == -signal.SIGKILL:
        recorded = _consistent(db, files) if db.exists() else 0
        assert recorded >= after
        KILLED.append(recorded)
    ingest([folder], db)  # the rerun skips what was recorded, loads the rest
    assert _consistent(db, files) == len(files)
    assert _counts(db) == want


@pytest.mark.slow
def test_some_kill_fell_between_files() -> None:
    """The kills above do stop ingest part way (after some files, before the last)."""
    assert any(0 < n < 4 for n in KILLED), KILLED
