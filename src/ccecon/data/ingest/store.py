"""The actuals store an ingest writes to: its connection, the run's reports, the inserts
that every path shares (interactions through Arrow, agent states in quarter-hour pieces)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ccecon.data.schema import (
    AGENT_STATE_COLUMNS,
    DDL,
    INTERACTION_COLUMNS,
    STATE_SPLIT_S,
)
from ccecon.errors import DataError


@dataclass
class FileReport:
    """One file's outcome."""

    file: str
    format: str
    read: int = 0
    loaded: int = 0
    quarantined: int = 0
    skipped: bool = False
    reasons: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    """Rows written per table (a queue_log's lines become contacts and agent states)."""


@dataclass
class IngestReport:
    """All files of one run; ``read == loaded + quarantined`` always holds."""

    files: list[FileReport]

    @property
    def read(self) -> int:
        """Records read from files not skipped."""
        return sum(f.read for f in self.files)

    @property
    def loaded(self) -> int:
        """Records inserted into ``interactions``."""
        return sum(f.loaded for f in self.files)

    @property
    def quarantined(self) -> int:
        """Records inserted into ``quarantine``."""
        return sum(f.quarantined for f in self.files)


def sha256(path: Path) -> str:
    """sha256 of a file's bytes (read in 1 MiB blocks)."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class Resources:
    """What DuckDB may use while ingesting: ``memory_limit`` (DuckDB's own syntax,
    ``1GB``), ``threads`` and a ``temp_directory`` it spills to when memory runs out.
    ``None`` = the default: memory a quarter of the machine's RAM, at most 1 GiB; threads
    the CPUs this process may use; the temp directory ``<store>.tmp`` beside the store."""

    memory_limit: str | None = None
    threads: int | None = None
    temp_directory: str | None = None


def default_memory_limit() -> str:
    """A quarter of physical memory, at most 1 GiB, at least 256 MiB (``NNNMiB``)."""
    import os

    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        total = 4 << 30
    return f"{max(256, min(1024, total // 4 >> 20))}MiB"


def default_threads() -> int:
    """The CPUs this process may run on."""
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def connect(into: Path, res: Resources | None = None) -> Any:
    """A DuckDB connection to the store ``into`` (its tables created when missing), bounded
    by ``res``; a :class:`DataError` naming the option for a bad thread count or memory
    size."""
    import duckdb

    res = res or Resources()
    threads = res.threads if res.threads is not None else default_threads()
    if threads < 1:
        raise DataError("threads must be at least 1", field="threads", value=threads)
    memory = res.memory_limit or default_memory_limit()
    temp = res.temp_directory or str(into) + ".tmp"
    con = duckdb.connect(str(into))
    try:
        con.execute(f"SET memory_limit = {sql_str(memory)}")
    except duckdb.Error:
        con.close()
        raise DataError(
            "not a memory size; expected e.g. 512MB or 2GiB", field="memory_limit", value=memory
        ) from None
    con.execute(f"SET threads = {int(threads)}")
    con.execute(f"SET temp_directory = {sql_str(temp)}")
    # rows need not keep the file's order (source_row says where each came from): DuckDB
    # can then insert in parallel without buffering to restore the order
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    for stmt in DDL:
        con.execute(stmt)
    return con


RowProgress = Callable[[str, int, int], None]
"""``progress_rows(file, rows_done, rows_total)`` while a file is read."""


def run_sql(con: Any, sql: str, tick: Callable[[float], None] | None = None) -> Any:
    """Execute ``sql``; with ``tick``, report DuckDB's query progress (0..1) meanwhile."""
    if tick is None:
        return con.execute(sql).fetchall()
    import threading

    out: dict[str, Any] = {}

    def work() -> None:
        try:
            out["rows"] = con.execute(sql).fetchall()
        except BaseException as exc:  # handed to the caller's thread
            out["error"] = exc

    th = threading.Thread(target=work, daemon=True)
    th.start()
    while th.is_alive():
        th.join(0.2)
        try:
            p = float(con.query_progress())
        except Exception:  # progress is a nicety, never an error
            p = -1.0
        if p >= 0:
            tick(min(p, 100.0) / 100.0)
    if "error" in out:
        raise out["error"]
    tick(1.0)
    return out["rows"]


def arrow_table(rows: list[dict[str, Any]], columns: dict[str, str]) -> Any:
    """``rows`` as an Arrow table of ``columns`` (name to DuckDB type), missing keys null."""
    import pyarrow as pa

    types = {
        "VARCHAR": pa.string(),
        "TIMESTAMP": pa.timestamp("us"),
        "DOUBLE": pa.float64(),
        "BOOLEAN": pa.bool_(),
        "BIGINT": pa.int64(),
    }
    return pa.Table.from_pylist(
        [{k: r.get(k) for k in columns} for r in rows],
        schema=pa.schema([(k, types[v]) for k, v in columns.items()]),
    )


def insert_interactions(
    con: Any, rows: list[dict[str, Any]], quarantine: list[tuple[Any, ...]]
) -> None:
    """Insert validated ``rows`` into ``interactions`` and ``quarantine`` rows (file, row,
    reason, source record) into ``quarantine``."""
    if rows:
        con.register("_batch", arrow_table(rows, INTERACTION_COLUMNS))
        names = ", ".join(INTERACTION_COLUMNS)
        con.execute(f"INSERT INTO interactions ({names}) SELECT {names} FROM _batch")
        con.unregister("_batch")
    if quarantine:
        con.executemany(
            "INSERT INTO quarantine VALUES (?, ?, ?, ?)",
            [(f, k, _storable(why), _storable(raw)) for f, k, why, raw in quarantine],
        )


def _storable(text: str) -> str:
    """Text the store can hold: a lone surrogate (parsed from a JSON escape) written as
    its escape again."""
    return text if unicode_ok(text) else text.encode("utf-8", "backslashreplace").decode()


def unicode_ok(text: str) -> bool:
    """False for a lone surrogate (JSON ``"\\ud800"``), which no store can hold as text."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def sql_str(s: str) -> str:
    """``s`` as an SQL string literal."""
    return "'" + s.replace("'", "''") + "'"


def split_insert(con: Any, view: str) -> int:
    """Insert agent-state stretches from ``view`` split at multiples of STATE_SPLIT_S."""
    w = STATE_SPLIT_S
    names = ", ".join(AGENT_STATE_COLUMNS)
    before = int(con.execute("SELECT count(*) FROM agent_states").fetchone()[0])
    con.execute(
        f"INSERT INTO agent_states ({names}) SELECT agent, state, reason, s, e,"
        " (epoch_us(e) - epoch_us(s)) / 1e6, source_file, source_row FROM ("
        " SELECT agent, state, reason, greatest(start_ts, b) AS s,"
        f" least(end_ts, b + INTERVAL {w} SECOND) AS e, source_file, source_row FROM ("
        " SELECT *, unnest(generate_series(make_timestamp(CAST(floor(epoch_us(start_ts)"
        f" / {w}e6) * {w}e6 AS BIGINT)), end_ts - INTERVAL 1 MICROSECOND,"
        f" INTERVAL {w} SECOND)) AS b FROM {view}))"
    )
    return int(con.execute("SELECT count(*) FROM agent_states").fetchone()[0]) - before
