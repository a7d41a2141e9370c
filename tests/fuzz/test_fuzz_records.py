"""The records fuzz corpus in the suite (issue 22): seeded corrupted exports (the public
vendor samples damaged, synthetic mapped CSV/Parquet, normalized Parquet, queue_log and
plain tables) through ``ccecon ingest`` in process, each twice into its own store.

Every case: exit 0 or exit 2 naming the file, never a traceback; read = loaded +
quarantined (the CLI's counts, the store's ``ingested_files`` and its ``quarantine``
rows agree); the second ingest adds nothing; no NaN, infinity, negative duration or
timestamp outside 1970..2200 in any stored table (SQL below); under a per-case time limit.
Every class that ever failed is kept as a regression under ``regressions/records/``."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from ccecon.cli.app import app as cli
from tests.fuzz.conftest import record
from tests.fuzz.records import Case, hostile_exports
from tests.fuzz.test_fuzz import TIME_LIMIT_S, _limit, _Timeout

RECORD_CASES = 300
"""Corrupted exports a run checks."""
REGRESSIONS = Path(__file__).parent / "regressions" / "records"
TOTAL = re.compile(r"total: read ([\d,]+) = loaded ([\d,]+) \+ quarantined ([\d,]+)")


def _n(text: str) -> int:
    """A count as the CLI prints it (thousands separators)."""
    return int(text.replace(",", ""))


LO, HI = "TIMESTAMP '1970-01-01'", "TIMESTAMP '2201-01-01'"


def _bad_ts(col: str) -> str:
    return f"({col} < {LO} OR {col} >= {HI})"


def _bad_num(col: str, negative_ok: bool = False) -> str:
    return f"(NOT isfinite({col})" + ("" if negative_ok else f" OR {col} < 0") + ")"


NONSENSE: dict[str, str] = {
    "interactions": " OR ".join(
        [
            *(_bad_ts(c) for c in ("arrival_ts", "answer_ts", "end_ts")),
            *(_bad_num(c) for c in ("queue_wait_s", "talk_s", "hold_s", "acw_s")),
            _bad_num("revenue", negative_ok=True),
            "end_ts < arrival_ts",
        ]
    ),
    "agent_states": " OR ".join(
        [
            _bad_ts("start_ts"),
            _bad_ts("end_ts"),
            _bad_num("duration_s"),
            "duration_s > 900",
            "end_ts <= start_ts",
        ]
    ),
    "payroll": _bad_num("amount"),
    "surveys": _bad_num("satisfaction_index"),
    "cost_rates": _bad_num("rate"),
    "invoices": _bad_num("amount", negative_ok=True) + " OR " + _bad_num("quantity"),
}
"""Per stored table, the SQL condition of a row that should never have been stored."""


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> int:
    row = con.execute(sql, params or []).fetchone()
    assert row is not None
    return int(row[0])


def _store_problems(db: Path) -> tuple[list[str], tuple[int, ...]]:
    """What the store holds that it should not, and its row counts."""
    out = []
    con = duckdb.connect(str(db), read_only=True)
    try:
        for table, cond in NONSENSE.items():
            n = _count(con, f"SELECT count(*) FROM {table} WHERE {cond}")
            if n:
                out.append(f"{n} {table} rows with NaN, infinity, a negative or out-of-range value")
        n = _count(con, "SELECT count(*) FROM agent_states")
        if n > 100_000:
            out.append(f"{n:,} agent_states rows from a small file")
        for name, read, loaded, quarantined in con.execute(
            "SELECT name, read, loaded, quarantined FROM ingested_files"
        ).fetchall():
            held = _count(con, "SELECT count(*) FROM quarantine WHERE source_file = ?", [name])
            if read != loaded + quarantined or held != quarantined:
                out.append(f"{name}: read {read} != loaded {loaded} + quarantined {quarantined}")
        return out, _table_counts(con)
    finally:
        con.close()


TABLES = ("interactions", "agent_states", "payroll", "quarantine", "ingested_files")


def _table_counts(con: duckdb.DuckDBPyConnection) -> tuple[int, ...]:
    return tuple(_count(con, f"SELECT count(*) FROM {t}") for t in TABLES)


def _counts(db: Path) -> tuple[int, ...]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return _table_counts(con)
    finally:
        con.close()


def _invoke(args: list[str]) -> tuple[int, str, BaseException | None]:
    out = CliRunner().invoke(cli, args)
    exc = out.exception if not isinstance(out.exception, SystemExit) else None
    return out.exit_code, out.output, exc


def check_case(case: Case, folder: Path) -> tuple[str | None, bool]:
    """(None, exit 0) when the case behaves; (what went wrong, False) otherwise."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in case.files.items():
        (folder / name).write_bytes(data)
    target = folder / case.target
    db = folder / "store.duckdb"
    args = ["ingest", str(target), "--into", str(db)] + [
        a.replace("{dir}", str(folder)) for a in case.args
    ]
    try:
        with _limit():
            code, output, exc = _invoke(args)
            if exc is not None or "Traceback" in output:
                return f"exit {code}: {type(exc).__name__}: {str(exc)[:300]}", False
            if code not in (0, 2):
                return f"exit {code}: {output[-300:]}", False
            if code == 2 and case.target not in output:
                return f"exit 2 naming no file: {output[-300:]}", False
            m = None
            if not db.exists():
                return (f"not read: {output[-300:]}" if case.must_load else None), False
            problems, before = _store_problems(db)
            if problems:
                return "; ".join(problems), False
            if code == 0:
                m = TOTAL.search(output)
                if m is None or _n(m[1]) != _n(m[2]) + _n(m[3]):
                    return f"counts do not add up: {output[-300:]}", False
            if case.must_load and (code != 0 or m is None or _n(m[1]) == 0):
                return f"a readable file was not read: exit {code}: {output[-300:]}", False
            code2, output2, exc2 = _invoke(args)
            if exc2 is not None or code2 != code:
                return f"second ingest: exit {code2}: {exc2!r} {output2[-200:]}", False
            after = _counts(db)
            if after != before:
                return f"the second ingest added rows: {before} -> {after}", False
    except _Timeout:
        return f"still running after {TIME_LIMIT_S} s", False
    return None, code == 0


@pytest.fixture
def built_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's click command built once (typer rebuilds it on every invoke: half a
    second of a case's time)."""
    import typer.testing

    command = typer.main.get_command(cli)
    monkeypatch.setattr(typer.testing, "_get_command", lambda app: command)


@pytest.mark.usefixtures("built_cli")
def test_corrupted_exports(tmp_path: Path) -> None:
    failures = []
    for case in hostile_exports(RECORD_CASES):
        t0 = time.perf_counter()
        problem, accepted = check_case(case, tmp_path / case.name)
        record("record exports", time.perf_counter() - t0, accepted)
        if problem is not None:
            failures.append(f"{case.name}: {problem}")
    assert not failures, f"{len(failures)} failing cases:\n" + "\n".join(failures[:40])
