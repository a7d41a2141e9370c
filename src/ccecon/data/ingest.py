"""Ingest contact records into a DuckDB actuals store; nothing is lost.

Every source record ends in exactly one place: ``interactions`` (loaded) or ``quarantine``
(with the reason and the source record), so ``read = loaded + quarantined`` for every run.
Ingest is idempotent: a file whose bytes were ingested before (same sha256) adds nothing,
and a record whose ``interaction_id`` is already loaded is quarantined as a duplicate.

Three paths:

* vendor exports (Amazon Connect CTR, Asterisk Master.csv, Genesys conversations) are
  parsed record by record by the adapters, validated in Python and inserted in batches
  through Arrow; an Asterisk ``queue_log`` likewise, its lines becoming contacts and agent
  states (read and quarantine count lines);
* ``parquet`` files already in the normalized schema (e.g. from ``ccecon synth``) and
  ``csv``/``parquet`` files with a YAML column mapping are validated and inserted by
  DuckDB itself in SQL, streaming, so they scale to files far larger than memory;
* the plain tables (agent states, payroll, HR events, surveys: :class:`TableSpec`) from
  CSV or Parquet, the same way in SQL.

Validation (both paths): an id is present and unique; timestamps parse; end_ts >= arrival_ts;
answer_ts within [arrival_ts, end_ts]; durations >= 0; channel is one of voice, chat, email,
task, messaging.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ccecon.data.schema import (
    AGENT_STATE_COLUMNS,
    BUDGET_ELEMENTS,
    CHANNELS,
    COST_RATE_COLUMNS,
    DDL,
    END_TS,
    FIRST_TS,
    HR_COLUMNS,
    INTERACTION_COLUMNS,
    INVOICE_COLUMNS,
    INVOICE_UNITS,
    MAX_DURATION_S,
    MAX_STATE_S,
    OUTCOMES,
    PAYROLL_COLUMNS,
    RATE_ELEMENTS,
    STATE_SPLIT_S,
    STATES,
    SURVEY_COLUMNS,
    TS_RANGE_TEXT,
)
from ccecon.errors import DataError, short_repr

FORMATS = (
    "connect",
    "asterisk",
    "genesys",
    "queue_log",
    "agent-states",
    "payroll",
    "hr-events",
    "surveys",
    "cost-rates",
    "invoices",
    "parquet",
    "normalized",
    "mapped",
)
NORMALIZED_REQUIRED = ("interaction_id", "arrival_ts")
"""A CSV whose header has these documented column names (``ccecon.data.schema``) is read
as normalized interactions without a mapping."""
STATE_KEY_COLUMNS = ("agent", "state", "start_ts", "end_ts")
STATE_INPUT_COLUMNS = ("agent", "state", "reason", "start_ts", "end_ts")


@dataclass(frozen=True)
class TableSpec:
    """A plain table loaded from CSV or Parquet by the bulk SQL path.

    ``aliases`` name other accepted source columns (the ``ccecon roi`` survey's
    ``customer`` and ``index``); ``rules`` are SQL conditions on the cast row ``c`` that
    quarantine it with the reason; ``key`` must be unique in the file and in the store.
    """

    table: str
    columns: dict[str, str]
    required: tuple[str, ...]
    key: tuple[str, ...]
    rules: tuple[tuple[str, str], ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)
    transforms: dict[str, str] = field(default_factory=dict)
    """SQL applied to a cleaned source value, ``{}`` standing for it (``lower({})``)."""
    windows: tuple[str, ...] = ()
    """Extra columns over the cast rows that ``rules`` may use (a ``lag`` over the key)."""
    in_store: tuple[str, str] | None = None
    """Rule against rows already loaded; default: the key is already in the table."""
    split: bool = False
    """Insert through :func:`_split_insert` (agent states: quarter-hour pieces)."""
    refusals: tuple[tuple[str, str, str], ...] = ()
    """``(condition on c, column, what was expected)``: a row meeting the condition makes
    the whole file refused (a :class:`DataError` naming the row; nothing of it loaded)."""
    one_currency: bool = False
    """Every row's ``currency`` must be the store's (that of payroll, cost rates and
    invoices already loaded; in a new store the file's first row's), else the file is
    refused."""


def _table_specs() -> dict[str, TableSpec]:
    from ccecon.costing.labour import COST_ELEMENTS

    elements = ", ".join(_sql_str(e) for e in COST_ELEMENTS)
    states = ", ".join(_sql_str(x) for x in sorted(STATES))
    rate_elements = ", ".join(_sql_str(x) for x in RATE_ELEMENTS)
    budget_elements = ", ".join(_sql_str(x) for x in BUDGET_ELEMENTS)
    units = ", ".join(_sql_str(x) for x in INVOICE_UNITS)
    return {
        # before payroll: an invoice file has payroll's required columns and a vendor
        "invoices": TableSpec(
            "invoices",
            INVOICE_COLUMNS,
            required=("month", "element", "vendor", "amount", "currency"),
            key=("month", "vendor", "charge"),
            rules=(
                (
                    "NOT regexp_full_match(c.month, '[0-9]{4}-(0[1-9]|1[0-2])')",
                    "month is not YYYY-MM",
                ),
                (
                    "NOT regexp_full_match(c.currency, '[A-Z]{3}')",
                    "currency is not an ISO 4217 code",
                ),
                ("c.quantity < 0", "quantity is negative"),
                (
                    f"c.unit IS NOT NULL AND c.unit NOT IN ({units})",
                    "unknown unit; expected " + ", ".join(INVOICE_UNITS),
                ),
                ("c.quantity IS NOT NULL AND c.unit IS NULL", "a quantity needs its unit"),
            ),
            transforms={"element": "lower({})", "unit": "lower({})"},
            refusals=(
                (
                    f"c.element IS NOT NULL AND c.element NOT IN ({budget_elements})",
                    "element",
                    "unknown budget element; expected one of " + ", ".join(BUDGET_ELEMENTS),
                ),
            ),
            one_currency=True,
        ),
        "agent-states": TableSpec(
            "agent_states",
            {k: v for k, v in AGENT_STATE_COLUMNS.items() if k in STATE_INPUT_COLUMNS},
            required=STATE_KEY_COLUMNS,
            key=("agent", "start_ts"),
            rules=(
                (
                    f"c.state NOT IN ({states})",
                    "unknown state; expected " + ", ".join(sorted(STATES)),
                ),
                ("c.end_ts <= c.start_ts", "end_ts is not after start_ts"),
                (
                    f"epoch(c.end_ts) - epoch(c.start_ts) > {MAX_STATE_S}",
                    f"stretch longer than {MAX_STATE_S // 86_400} days (a missing logoff?)",
                ),
                ("c._prev_end > c.start_ts", "overlaps the agent's previous stretch in the file"),
            ),
            transforms={"state": "lower({})"},
            windows=(
                "lag(end_ts) OVER (PARTITION BY agent ORDER BY start_ts, source_row) AS _prev_end",
            ),
            in_store=(
                "EXISTS (SELECT 1 FROM agent_states x WHERE x.agent = c.agent AND x.start_ts <"
                " c.end_ts AND c.start_ts < x.end_ts)",
                "overlaps agent states already loaded",
            ),
            split=True,
        ),
        "payroll": TableSpec(
            "payroll",
            PAYROLL_COLUMNS,
            required=("month", "element", "amount", "currency"),
            key=("month", "agent", "element"),
            rules=(
                (
                    "NOT regexp_full_match(c.month, '[0-9]{4}-(0[1-9]|1[0-2])')",
                    "month is not YYYY-MM",
                ),
                (
                    f"c.element NOT IN ({elements})",
                    "unknown cost element; expected " + ", ".join(COST_ELEMENTS),
                ),
                ("c.amount < 0 OR NOT isfinite(c.amount)", "amount is negative or not finite"),
                (
                    "NOT regexp_full_match(c.currency, '[A-Z]{3}')",
                    "currency is not an ISO 4217 code",
                ),
            ),
        ),
        "hr-events": TableSpec(
            "hr_events",
            HR_COLUMNS,
            required=("agent", "event", "date"),
            key=("agent", "event", "date"),
            rules=(("c.event NOT IN ('hire', 'leave')", "event is not hire or leave"),),
            transforms={"event": "lower({})"},
        ),
        "surveys": TableSpec(
            "surveys",
            SURVEY_COLUMNS,
            required=("customer_id", "segment", "satisfaction_index"),
            key=("customer_id", "survey_date"),
            rules=(
                (
                    "c.satisfaction_index < 0 OR c.satisfaction_index > 100",
                    "satisfaction_index is not within 0..100",
                ),
            ),
            aliases={"customer_id": "customer", "satisfaction_index": "index"},
        ),
        "cost-rates": TableSpec(
            "cost_rates",
            COST_RATE_COLUMNS,
            required=("element", "rate", "valid_from"),
            key=("element", "valid_from"),
            rules=(
                (
                    f"c.element NOT IN ({rate_elements})",
                    "unknown rate element; expected " + ", ".join(RATE_ELEMENTS),
                ),
                ("c.rate < 0 OR NOT isfinite(c.rate)", "rate is negative or not finite"),
                (
                    "c.currency IS NOT NULL AND NOT regexp_full_match(c.currency, '[A-Z]{3}')",
                    "currency is not an ISO 4217 code",
                ),
                ("c.valid_to < c.valid_from", "valid_to is before valid_from"),
                (
                    "c._prev_to >= c.valid_from",
                    "overlaps the element's previous period in the file",
                ),
            ),
            transforms={"element": "lower({})"},
            windows=(
                "lag(coalesce(valid_to, DATE '9999-12-31')) OVER (PARTITION BY element"
                " ORDER BY valid_from, source_row) AS _prev_to",
            ),
            in_store=(
                "EXISTS (SELECT 1 FROM cost_rates x WHERE x.element = c.element AND"
                " x.valid_from <= coalesce(c.valid_to, DATE '9999-12-31') AND"
                " c.valid_from <= coalesce(x.valid_to, DATE '9999-12-31'))",
                "overlaps a period of the element already loaded",
            ),
        ),
    }


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


DETECT_BYTES = 1 << 20
"""Bytes read to tell a file's format (a Connect record may carry kilobytes of contact
attributes before ``ContactId``)."""


def _json_kind(text: str) -> str | None:
    """``connect`` or ``genesys`` from the first JSON value of ``text`` (which may be cut
    off): its top-level keys when it parses, else which key comes first in the text."""
    from ccecon.data.adapters.connect import first_object

    obj = first_object(text)
    if isinstance(obj, dict):
        if "conversationId" in obj or "conversations" in obj:
            return "genesys"
        if "ContactId" in obj:
            return "connect"
    conv, ctr = text.find('"conversationId"'), text.find('"ContactId"')
    if conv >= 0 and (ctr < 0 or conv < ctr):
        return "genesys"
    if ctr >= 0:
        return "connect"
    return None


def detect_format(path: Path) -> str:
    """Guess a file's format from its name and first bytes (a UTF-8 byte-order mark is
    skipped; a file that is not Parquet or UTF-8 text is a :class:`DataError`)."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return _table_format(set(parquet_columns(path))) or "parquet"
    import codecs

    with path.open("rb") as fh:
        head = fh.read(4096)
        if head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] in (b"{", b"["):
            head += fh.read(DETECT_BYTES - len(head))  # JSON: attributes may come first
        complete = not fh.read(1)
    try:
        # incremental: a character cut by the end of the head is not an error
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
    except UnicodeDecodeError as exc:
        raise DataError(
            f"not UTF-8 text (byte {exc.start}); name the format and re-encode the file as UTF-8",
            file=str(path),
        ) from None
    text = text.removeprefix("\ufeff")
    if text.lstrip().startswith(("{", "[")):
        kind = _json_kind(text)
        if kind:
            return kind
    text = text[:4096]
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    import csv

    try:
        row = next(csv.reader([first[:100_000]]), [])
    except csv.Error:
        row = []
    if len(row) == 18 and first.startswith('"'):
        return "asterisk"
    names = {c.strip() for c in row}
    table_kind = _table_format(names)
    if table_kind:
        return table_kind
    if all(c in names for c in NORMALIZED_REQUIRED):
        return "normalized"
    if _looks_like_queue_log(first):
        return "queue_log"
    raise DataError(
        "cannot tell the format; name it with --format (" + ", ".join(FORMATS[:-1]) + ") or"
        " give a column mapping with --mapping",
        file=str(path),
    )


def parquet_columns(path: Path) -> list[str]:
    """The column names of a Parquet file; a :class:`DataError` when it cannot be read
    (truncated, corrupt, not Parquet)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return list(pq.read_schema(str(path)).names)
    except (pa.ArrowException, OSError) as exc:
        raise DataError(
            f"not a readable Parquet file (truncated or corrupt?): {str(exc)[:200]}",
            file=str(path),
        ) from None


def _table_format(names: set[str]) -> str | None:
    """The plain-table format whose required columns (or aliases) ``names`` has."""
    for kind, spec in _table_specs().items():
        if "interaction_id" not in names and all(
            c in names or spec.aliases.get(c) in names for c in spec.required
        ):
            return kind
    return None


def _looks_like_queue_log(line: str) -> bool:
    """``epoch|callid|queue|agent|EVENT|...``: five or more fields, a time, an event name."""
    from ccecon.data.adapters.queue_log import _time

    parts = [p.strip() for p in line.split("|")]
    if len(parts) < 5 or not parts[4].replace("_", "").isalpha() or not parts[4].isupper():
        return False
    try:
        _time(parts[0])
    except ValueError:
        return False
    return True


def _ts(value: Any) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value
    text = str(value).strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed


_TEXT_COLUMNS = tuple(
    c for c, t in INTERACTION_COLUMNS.items() if t == "VARCHAR" and c != "source_file"
)
_FLAG_COLUMNS = tuple(c for c, t in INTERACTION_COLUMNS.items() if t == "BOOLEAN")
DURATION_COLUMNS = ("queue_wait_s", "talk_s", "hold_s", "acw_s")


def _unicode_ok(text: str) -> bool:
    """False for a lone surrogate (JSON ``"\\ud800"``), which no store can hold as text."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def in_range(t: dt.datetime) -> bool:
    """A timestamp the store accepts: within :data:`ccecon.data.schema.FIRST_TS` ..
    :data:`ccecon.data.schema.END_TS` (1970..2200)."""
    return FIRST_TS <= t < END_TS


def _validate(rec: dict[str, Any]) -> str | None:
    """Normalize a record in place; return the reason it is invalid, or None.

    Text columns hold text (an id that is a number or a list is refused, not turned into
    ``"[1, 2]"``), flags hold booleans, timestamps parse and lie in 1970..2200, durations
    are finite numbers in 0..:data:`MAX_DURATION_S`, revenue is finite.
    """
    iid = rec.get("interaction_id")
    if iid is None or iid == "":
        return "missing interaction_id"
    for col in _TEXT_COLUMNS:
        v = rec.get(col)
        if v is None:
            continue
        if not isinstance(v, str):
            return f"{col} is not text: {short_repr(v)}"
        if not _unicode_ok(v):
            return f"{col} is not valid Unicode text (a lone surrogate)"
    for col in _FLAG_COLUMNS:
        v = rec.get(col)
        if v is not None and not isinstance(v, bool):
            return f"{col} is not true or false: {short_repr(v)}"
    for col in ("arrival_ts", "answer_ts", "end_ts"):
        try:
            rec[col] = _ts(rec.get(col))
        except (ValueError, TypeError, OverflowError):
            return f"{col} is not a timestamp: {short_repr(rec.get(col))}"
        if rec[col] is not None and not in_range(rec[col]):
            return f"{col} is outside {TS_RANGE_TEXT}: {rec[col]}"
    if rec["arrival_ts"] is None:
        return "missing arrival_ts"
    if rec["end_ts"] is not None and rec["end_ts"] < rec["arrival_ts"]:
        return "end_ts is before arrival_ts"
    if rec["answer_ts"] is not None and (
        rec["answer_ts"] < rec["arrival_ts"]
        or (rec["end_ts"] is not None and rec["answer_ts"] > rec["end_ts"])
    ):
        return "answer_ts is outside arrival_ts..end_ts"
    for col in (*DURATION_COLUMNS, "revenue", "profit"):
        v = rec.get(col)
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float, str)):
            return f"{col} is not a number: {short_repr(v)}"
        try:
            x = float(v)
        except (ValueError, OverflowError):
            return f"{col} is not a number: {short_repr(v)}"
        if not math.isfinite(x):
            return f"{col} is not finite: {short_repr(v)}"
        if col in DURATION_COLUMNS and x < 0:
            return f"{col} is negative: {short_repr(v)}"
        if col in DURATION_COLUMNS and x > MAX_DURATION_S:
            return f"{col} is more than {MAX_DURATION_S:.0e} seconds: {short_repr(v)}"
        rec[col] = x
    if rec.get("channel") not in CHANNELS:
        return f"unknown channel {short_repr(rec.get('channel'))}"
    if rec.get("outcome") is not None and rec["outcome"] not in OUTCOMES:
        return f"unknown outcome {short_repr(rec['outcome'])}; expected one of " + ", ".join(
            sorted(OUTCOMES)
        )
    return None


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


def _connect_db(into: Path, res: Resources | None = None) -> Any:
    import duckdb

    res = res or Resources()
    threads = res.threads if res.threads is not None else default_threads()
    if threads < 1:
        raise DataError("threads must be at least 1", field="--threads", value=threads)
    memory = res.memory_limit or default_memory_limit()
    temp = res.temp_directory or str(into) + ".tmp"
    con = duckdb.connect(str(into))
    try:
        con.execute(f"SET memory_limit = {_sql_str(memory)}")
    except duckdb.Error:
        con.close()
        raise DataError(
            "not a memory size; expected e.g. 512MB or 2GiB", field="--memory-limit", value=memory
        ) from None
    con.execute(f"SET threads = {int(threads)}")
    con.execute(f"SET temp_directory = {_sql_str(temp)}")
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


def _run(con: Any, sql: str, tick: Callable[[float], None] | None = None) -> Any:
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


def _arrow(rows: list[dict[str, Any]], columns: dict[str, str]) -> Any:
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


def _insert(con: Any, rows: list[dict[str, Any]], quarantine: list[tuple[Any, ...]]) -> None:
    if rows:
        con.register("_batch", _arrow(rows, INTERACTION_COLUMNS))
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
    return text if _unicode_ok(text) else text.encode("utf-8", "backslashreplace").decode()


def _ingest_records(
    con: Any,
    path: Path,
    records: Iterator[tuple[int, dict[str, Any] | None, str | None, str]],
    rep: FileReport,
) -> None:
    existing = {r[0] for r in con.execute("SELECT interaction_id FROM interactions").fetchall()}
    keep: dict[str, tuple[int, dict[str, Any], str]] = {}
    quarantine: list[tuple[Any, ...]] = []

    def q(k: int, reason: str, raw: str) -> None:
        quarantine.append((str(path), k, reason, raw))
        rep.reasons[reason.split(":")[0]] = rep.reasons.get(reason.split(":")[0], 0) + 1

    for k, rec, err, raw in records:
        rep.read += 1
        if rec is None:
            q(k, err or "unreadable", raw)
            continue
        reason = _validate(rec)
        if reason:
            q(k, reason, raw)
            continue
        iid = str(rec["interaction_id"])
        if iid in existing:
            q(k, "duplicate interaction_id: already loaded", raw)
            continue
        version = rec.pop("_version", None)
        if iid in keep:
            old_k, old, old_raw = keep[iid]
            if version is not None and str(version) > str(old.get("_v", "")):
                q(old_k, "superseded by a later version of the same id", old_raw)
                rec["_v"] = version
                keep[iid] = (k, rec, raw)
            elif version is not None:
                q(k, "superseded by a later version of the same id", raw)
            else:
                q(k, "duplicate interaction_id in the file", raw)
            continue
        rec["_v"] = version
        keep[iid] = (k, rec, raw)
    rows = []
    for k, rec, _raw in keep.values():
        rec.pop("_v", None)
        rec["source_file"] = str(path)
        rec["source_row"] = k
        rows.append(rec)
    _insert(con, rows, quarantine)
    rep.loaded = len(rows)
    rep.quarantined = len(quarantine)
    rep.rows["interactions"] = len(rows)


def _too_long(a: dt.datetime, b: dt.datetime, row: int) -> str:
    """The reason an agent's stretch is refused: longer than :data:`MAX_STATE_S`."""
    return (
        f"agent state longer than {MAX_STATE_S // 86_400} days (a missing logoff?); the"
        f" agent's member lines are not loaded: line {row}, {a} to {b}"
    )


def _split_insert(con: Any, view: str) -> int:
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


QUEUE_LOG_CHUNK = 100_000
"""Lines a queue_log is read, sorted and turned into contacts by, at a time."""
_QL_COLUMNS = "no, t, callid, queue, agent, event, data, raw"


def _ingest_queue_log(con: Any, path: Path, rep: FileReport, chunk: int = QUEUE_LOG_CHUNK) -> None:
    """Asterisk queue_log: lines to contacts and agent states; every line accounted for.

    Streams: the file is read ``chunk`` lines at a time into a temporary DuckDB table,
    sorted there by time (DuckDB spills to disk if it must), and read back in time order
    ``chunk`` lines at a time; Python holds one chunk, the calls still in a queue or
    talking, and one agent's member lines and answered calls at a time, never the file.
    """
    import pyarrow as pa

    from ccecon.data.adapters import queue_log as ql

    src = str(path)
    quarantine: list[tuple[Any, ...]] = []
    n_quarantined = 0

    def q(no: int, reason: str, raw: str) -> None:
        nonlocal n_quarantined
        quarantine.append((src, no, reason, raw))
        n_quarantined += 1
        key = reason.split(":")[0]
        rep.reasons[key] = rep.reasons.get(key, 0) + 1
        if len(quarantine) >= chunk:
            flush_quarantine()

    def flush_quarantine() -> None:
        if quarantine:
            con.executemany("INSERT INTO quarantine VALUES (?, ?, ?, ?)", quarantine)
            quarantine.clear()

    schema = pa.schema(
        [
            ("no", pa.int64()),
            ("t", pa.timestamp("us")),
            *((c, pa.string()) for c in ("callid", "queue", "agent", "event")),
            ("data", pa.list_(pa.string())),
            ("raw", pa.string()),
        ]
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _ql (no BIGINT, t TIMESTAMP, callid VARCHAR,"
        " queue VARCHAR, agent VARCHAR, event VARCHAR, data VARCHAR[], raw VARCHAR)"
    )
    buf: list[ql.Line] = []

    def flush_lines() -> None:
        if buf:
            cols = list(
                zip(
                    *(
                        (x.no, x.t, x.callid, x.queue, x.agent, x.event, list(x.data), x.raw)
                        for x in buf
                    ),
                    strict=True,
                )
            )
            con.register("_qchunk", pa.table(cols, schema=schema))
            con.execute(f"INSERT INTO _ql SELECT {_QL_COLUMNS} FROM _qchunk")
            con.unregister("_qchunk")
            buf.clear()

    # 1. read: parse each line; rejects to quarantine, the rest to _ql
    with path.open("rb") as fh:
        for no, data in enumerate(fh, start=1):
            try:
                raw = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise DataError(
                    f"not UTF-8 text (line {no}, byte {exc.start} of the line); re-encode"
                    " the file as UTF-8",
                    file=src,
                    row=no,
                ) from None
            if no == 1:
                raw = raw.removeprefix("\ufeff")
            raw = raw.rstrip("\r\n")
            if not raw.strip():
                continue
            rep.read += 1
            parsed = ql.parse_line(no, raw)
            if isinstance(parsed, ql.Line):
                buf.append(parsed)
                if len(buf) >= chunk:
                    flush_lines()
            else:
                q(*parsed)
    flush_lines()

    # 2. in time order: call lines to contacts, chunk by chunk
    total, horizon = con.execute("SELECT count(*), max(t) FROM _ql").fetchone()
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _qs AS SELECT row_number() OVER (ORDER BY t, no) AS k, *"
        " FROM _ql ORDER BY k"
    )
    con.execute("DROP TABLE _ql")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _qcalls (agent VARCHAR, a TIMESTAMP, b TIMESTAMP, no BIGINT)"
    )
    visits = ql.Visits()
    used = 0
    n_contacts = 0
    members: set[str] = set()
    done: list[tuple[dict[str, Any], list[ql.Line]]] = []

    def reject_visit(lines: list[ql.Line], reason: str) -> None:
        for x in lines:
            q(x.no, reason, x.raw)

    def flush_contacts() -> None:
        nonlocal used, n_contacts
        good = []
        for rec, lines in done:
            reason = _validate(rec)
            if reason is not None:
                reject_visit(lines, reason)
            else:
                good.append((rec, lines))
        done.clear()
        if not good:
            return
        con.register("_qids", pa.table({"id": [rec["interaction_id"] for rec, _ in good]}))
        dup = {
            r[0]
            for r in con.execute(
                "SELECT interaction_id FROM interactions WHERE interaction_id IN"
                " (SELECT id FROM _qids)"
            ).fetchall()
        }
        con.unregister("_qids")
        rows, calls = [], []
        for rec, lines in good:
            if rec["interaction_id"] in dup:
                reject_visit(lines, "duplicate interaction_id: already loaded")
                continue
            rec["source_file"] = src
            rec["source_row"] = lines[0].no
            rows.append(rec)
            used += len(lines)
            if rec["agent"] and rec["answer_ts"] is not None:
                calls.append((rec["agent"], rec["answer_ts"], rec["end_ts"], lines[-1].no))
        _insert(con, rows, [])
        n_contacts += len(rows)
        if calls:
            cols = list(zip(*calls, strict=True))
            con.register(
                "_qc",
                pa.table(
                    cols,
                    schema=pa.schema(
                        [
                            ("agent", pa.string()),
                            ("a", pa.timestamp("us")),
                            ("b", pa.timestamp("us")),
                            ("no", pa.int64()),
                        ]
                    ),
                ),
            )
            con.execute("INSERT INTO _qcalls SELECT * FROM _qc")
            con.unregister("_qc")

    for lo in range(0, total, chunk):
        page = con.execute(
            f"SELECT {_QL_COLUMNS} FROM _qs WHERE k > ? AND k <= ? ORDER BY k", [lo, lo + chunk]
        ).fetchall()
        for no, t, callid, queue, agent, event, data, raw in page:
            ln = ql.Line(no, t, callid, queue, agent, event, tuple(data or ()), raw)
            k = ql.kind(ln)
            if k == "member":
                members.add(agent)
            elif k == "call":
                for rec, lines, why in visits.add(ln):
                    if rec is None:
                        reject_visit(lines, str(why))
                    else:
                        done.append((rec, lines))
            else:
                assert not isinstance(k, str)
                q(*k)
        flush_contacts()
        if page:
            visits.forget(page[-1][1])
    for lines in visits.finish():
        reject_visit(lines, ql.UNFINISHED)

    # 3. agent states, one agent at a time (its member lines and answered calls)
    n_states = 0
    if members:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _qm AS SELECT row_number() OVER (ORDER BY agent, k)"
            f" AS j, {_QL_COLUMNS} FROM _qs WHERE event IN"
            f" ({', '.join(_sql_str(e) for e in sorted(ql.MEMBER_EVENTS))})"
            " AND agent NOT IN ('', 'NONE') ORDER BY j"
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _qcs AS SELECT row_number() OVER (ORDER BY agent)"
            " AS j, * FROM _qcalls ORDER BY j"
        )
        spans = con.execute(
            "SELECT m.agent, m.lo, m.hi, c.lo, c.hi FROM (SELECT agent, min(j) AS lo, max(j)"
            " AS hi FROM _qm GROUP BY agent) m LEFT JOIN (SELECT agent, min(j) AS lo,"
            " max(j) AS hi FROM _qcs GROUP BY agent) c USING (agent) ORDER BY m.agent"
        ).fetchall()
        for agent, mlo, mhi, clo, chi in spans:
            lines = [
                ql.Line(no, t, callid, queue, ag, event, tuple(data or ()), raw)
                for no, t, callid, queue, ag, event, data, raw in con.execute(
                    f"SELECT {_QL_COLUMNS} FROM _qm WHERE j BETWEEN ? AND ? ORDER BY j",
                    [mlo, mhi],
                ).fetchall()
            ]
            calls = (
                con.execute(
                    "SELECT a, b, no FROM _qcs WHERE j BETWEEN ? AND ?", [clo, chi]
                ).fetchall()
                if clo is not None
                else []
            )
            states = [
                {
                    "agent": agent,
                    "state": state,
                    "reason": pause,
                    "start_ts": a,
                    "end_ts": b,
                    "source_file": src,
                    "source_row": no,
                }
                for state, pause, a, b, no in ql.agent_states(lines, calls, horizon)
            ]
            long = next(
                (x for x in states if (x["end_ts"] - x["start_ts"]).total_seconds() > MAX_STATE_S),
                None,
            )
            if long is not None:
                reject_visit(lines, _too_long(long["start_ts"], long["end_ts"], long["source_row"]))
                continue
            clash = False
            if states:
                con.register("_qst", _arrow(states, AGENT_STATE_COLUMNS))
                clash = bool(
                    con.execute(
                        "SELECT 1 FROM _qst n JOIN agent_states s ON s.agent = n.agent"
                        " AND s.start_ts < n.end_ts AND n.start_ts < s.end_ts LIMIT 1"
                    ).fetchall()
                )
            if clash:
                reject_visit(lines, "agent states overlap states already loaded for this agent")
            else:
                used += len(lines)
                if states:
                    n_states += _split_insert(con, "_qst")
            if states:
                con.unregister("_qst")
        con.execute("DROP TABLE _qm")
        con.execute("DROP TABLE _qcs")
    for name in ("_qs", "_qcalls"):
        con.execute(f"DROP TABLE {name}")
    flush_quarantine()
    rep.loaded = used
    rep.quarantined = n_quarantined
    rep.rows = {"interactions": n_contacts, "agent_states": n_states}


def _ingest_table_sql(con: Any, path: Path, spec: TableSpec, rep: FileReport) -> None:
    """A plain table (agent states, payroll, HR events, surveys) from CSV or Parquet, in SQL.

    Columns are cast (a value that does not cast is quarantined with the column and what
    was expected), required ones present, the spec's rules hold, the key is unique in the
    file and new to the store; the rest is inserted, the rejects go to ``quarantine``.
    """
    name = _sql_str(str(path))
    reader = (
        f"read_parquet({name})"
        if path.suffix.lower() == ".parquet"
        else f"read_csv({name}, header = true, all_varchar = true)"
    )
    with _reading(path):
        con.execute(
            "CREATE OR REPLACE TEMP VIEW _src AS SELECT *, row_number() OVER () AS _row"
            f" FROM {reader}"
        )
        src_cols = {r[0] for r in con.execute("DESCRIBE _src").fetchall()}

    def source(col: str) -> str | None:
        if col in src_cols:
            return col
        alias = spec.aliases.get(col)
        return alias if alias in src_cols else None

    missing = [c for c in spec.required if source(c) is None]
    if missing:
        raise DataError(
            f"{spec.table} records need the column(s) " + ", ".join(missing),
            file=str(path),
            value=sorted(src_cols - {"_row"}),
        )
    sel, bad = [], []
    for col, typ in spec.columns.items():
        src = source(col)
        if src is None:
            sel.append(f"CAST(NULL AS {typ}) AS {col}")
            continue
        raw = spec.transforms.get(col, "{}").format(
            f"NULLIF(trim(CAST(s.{_ident(src)} AS VARCHAR)), '')"
        )
        sel.append(f"TRY_CAST({raw} AS {typ}) AS {col}")
        if typ != "VARCHAR":
            what = {"DOUBLE": "number", "DATE": "date (YYYY-MM-DD)"}.get(typ, typ.lower())
            bad.append((f"{raw} IS NOT NULL AND TRY_CAST({raw} AS {typ}) IS NULL", col, what))
    flags = [f"{cond} AS _bad_{col}" for cond, col, _ in bad]
    with _reading(path):
        con.execute(
            "CREATE OR REPLACE TEMP VIEW _t0 AS SELECT "
            + ", ".join(sel + flags)
            + f", {name} AS source_file, s._row AS source_row FROM _src s"
        )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _t AS SELECT *, row_number() OVER (PARTITION BY "
        + ", ".join(spec.key)
        + " ORDER BY source_row) AS _dup"
        + "".join(f", {w}" for w in spec.windows)
        + " FROM _t0"
    )
    key_match = " AND ".join(f"x.{k} IS NOT DISTINCT FROM c.{k}" for k in spec.key)
    rules = [
        *((f"c._bad_{col}", f"{col} is not a {what}") for _, col, what in bad),
        *((f"c.{col} IS NULL", f"missing {col}") for col in spec.required),
        *spec.rules,
        *_value_rules(spec.columns),
        ("c._dup > 1", "duplicate " + ", ".join(spec.key) + " in the file"),
        spec.in_store
        or (
            f"EXISTS (SELECT 1 FROM {spec.table} x WHERE {key_match})",
            "duplicate " + ", ".join(spec.key) + ": already loaded",
        ),
    ]
    case = " ".join(f"WHEN {c} THEN {_sql_str(r)}" for c, r in rules)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _tf AS SELECT c.*, CASE {case} END AS _reason FROM _t c"
    )
    con.execute("DROP TABLE _t")  # one working copy at a time
    _refuse(con, path, spec)
    read, loaded = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE _reason IS NULL) FROM _tf"
    ).fetchone()
    rep.read, rep.loaded = int(read), int(loaded)
    if spec.split:
        con.execute("CREATE OR REPLACE TEMP VIEW _tok AS SELECT * FROM _tf WHERE _reason IS NULL")
        rep.rows = {spec.table: _split_insert(con, "_tok")}
        con.execute("DROP VIEW _tok")
    else:
        names = ", ".join([*spec.columns, "source_file", "source_row"])
        con.execute(
            f"INSERT INTO {spec.table} ({names}) SELECT {names} FROM _tf WHERE _reason IS NULL"
        )
        rep.rows = {spec.table: rep.loaded}
    if rep.read > rep.loaded:  # the source record as JSON, for the refused rows only
        with _reading(path):
            con.execute(
                "INSERT INTO quarantine SELECT f.source_file, f.source_row, f._reason,"
                " CAST(to_json(s) AS VARCHAR) FROM _tf f JOIN _src s ON s._row = f.source_row"
                " WHERE f._reason IS NOT NULL"
            )
    rep.quarantined = rep.read - rep.loaded
    for why, n in con.execute(
        "SELECT _reason, count(*) FROM _tf WHERE _reason IS NOT NULL GROUP BY 1"
    ).fetchall():
        rep.reasons[why] = int(n)
    con.execute("DROP TABLE IF EXISTS _tf")
    con.execute("DROP VIEW IF EXISTS _t0")


def _store_currency(con: Any) -> str | None:
    """The currency of the money already in the store (payroll, cost rates, invoices)."""
    for table in ("invoices", "payroll", "cost_rates"):
        row = con.execute(
            f"SELECT currency FROM {table} WHERE currency IS NOT NULL LIMIT 1"
        ).fetchone()
        if row:
            return str(row[0])
    return None


def _refuse(con: Any, path: Path, spec: TableSpec) -> None:
    """Raise a :class:`DataError` for the first row meeting one of ``spec.refusals`` (or,
    with ``one_currency``, in another currency); the caller's transaction then loads
    nothing of the file."""
    checks = list(spec.refusals)
    if spec.one_currency:
        first = con.execute(
            "SELECT currency FROM _tf WHERE _reason IS NULL ORDER BY source_row LIMIT 1"
        ).fetchone()
        store = _store_currency(con)
        cur = store or (str(first[0]) if first else None)
        if cur is not None:
            where = "the store's" if store else "the file's first row's"
            checks.append(
                (
                    f"c._reason IS NULL AND c.currency <> {_sql_str(cur)}",
                    "currency",
                    f"one currency per store: expected {cur} ({where}); convert the amounts first",
                )
            )
    for cond, col, expected in checks:
        hit = con.execute(
            f"SELECT c.source_row, c.{col} FROM _tf c WHERE {cond} ORDER BY c.source_row LIMIT 1"
        ).fetchone()
        if hit:
            raise DataError(
                f"{expected}; nothing of the file was loaded",
                file=str(path),
                row=int(hit[0]),
                field=col,
                value=hit[1],
            )


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _ident(name: str) -> str:
    """A column name quoted for SQL (a name may hold any character, quotes too)."""
    return '"' + name.replace('"', '""') + '"'


def _value_rules(columns: dict[str, str]) -> list[tuple[str, str]]:
    """SQL rules (on the cast row ``c``) every table keeps: numbers finite, timestamps and
    dates within 1970..2200."""
    lo, hi = _sql_str(FIRST_TS.date().isoformat()), _sql_str(END_TS.date().isoformat())
    out = []
    for col, typ in columns.items():
        if typ == "DOUBLE":
            out.append((f"NOT isfinite(c.{col})", f"{col} is not finite (NaN or infinity)"))
        elif typ in ("TIMESTAMP", "DATE"):
            out.append(
                (
                    f"c.{col} < CAST({lo} AS {typ}) OR c.{col} >= CAST({hi} AS {typ})",
                    f"{col} is outside {TS_RANGE_TEXT}",
                )
            )
    return out


class _reading:
    """DuckDB's errors while it reads a user's file (a truncated or corrupt Parquet file,
    a CSV that ends inside a quote or holds bytes that are not UTF-8) as a
    :class:`DataError` naming the file and the line where DuckDB gives it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        return None

    def __exit__(self, typ: Any, exc: BaseException | None, tb: Any) -> None:
        import duckdb

        if (
            exc is None
            or not isinstance(exc, duckdb.Error)
            or isinstance(exc, duckdb.InterruptException)
        ):
            return
        text = str(exc)
        m = re.search(r"CSV Error on Line: (\d+)", text)
        line = int(m[1]) if m else None
        if self.path.suffix.lower() == ".parquet":
            msg = "not a readable Parquet file (truncated or corrupt?)"
        elif "unicode" in text.lower() or "utf-8" in text.lower():
            msg = "not UTF-8 text; re-encode the file as UTF-8"
        else:
            first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
            first = re.sub(r"^[A-Za-z ]*Error: ", "", first)
            msg = f"cannot read the file as CSV: {first[:200]}"
        raise DataError(msg, file=str(self.path), row=line) from None


def _ingest_sql(
    con: Any,
    path: Path,
    mapping: dict[str, str] | None,
    rep: FileReport,
    tick: Callable[[float], None] | None = None,
) -> None:
    """Bulk path: normalized Parquet or CSV, or CSV/Parquet with a column mapping.

    Streaming SQL in DuckDB, nothing read into Python: (1) the ids that occur twice in the
    file (an aggregate over the ids' 64-bit hashes, then the text of the few hashes seen
    twice) and those already in the store (a semi join) are collected, usually none; (2) one
    ``INSERT ... SELECT`` casts and validates every row as DuckDB reads it and inserts the
    good ones; (3) only when some rows were not inserted, a second pass writes those to
    ``quarantine`` with the reason and the source row as JSON. No copy of the file is made;
    memory stays within DuckDB's limit.
    """
    name = _sql_str(str(path))
    parquet = path.suffix.lower() == ".parquet"
    if parquet:
        reader = (
            "SELECT *, file_row_number + 1 AS _row FROM"
            f" read_parquet({name}, file_row_number = true)"
        )
    else:
        reader = f"SELECT *, row_number() OVER () AS _row FROM read_csv_auto({name})"
    with _reading(path):
        con.execute(f"CREATE OR REPLACE TEMP VIEW _src AS {reader}")
        src_cols = {r[0] for r in con.execute("DESCRIBE _src").fetchall()} - {
            "_row",
            "file_row_number",
        }
    cols = mapping or {c: c for c in INTERACTION_COLUMNS if c in src_cols}
    missing = [v for v in cols.values() if v not in src_cols]
    if missing:
        raise DataError(
            "the mapping names column(s) missing from the file: " + ", ".join(missing),
            file=str(path),
        )

    def expr(col: str, typ: str) -> str:
        if col == "source_file":
            return name
        if col == "source_row":
            return "s._row"
        if col not in cols:
            return f"CAST(NULL AS {typ})"
        return f"TRY_CAST(s.{_ident(cols[col])} AS {typ})"

    id_expr = expr("interaction_id", "VARCHAR")
    phase = [0.0, 0.15]  # share of the file's progress each step takes

    def step(lo: float, hi: float) -> Callable[[float], None] | None:
        if tick is None:
            return None
        return lambda f: tick(lo + (hi - lo) * f)

    # (1) ids twice in the file, ids already loaded (small tables; usually empty)
    with _reading(path):
        _run(
            con,
            # grouped by the id's 64-bit hash (far cheaper than by the text); a hash seen
            # twice is checked by the text below, so a collision quarantines nothing
            f"CREATE OR REPLACE TEMP TABLE _dupids AS SELECT hash({id_expr}) AS h FROM _src s"
            f" WHERE {id_expr} IS NOT NULL GROUP BY 1 HAVING count(*) > 1",
            step(*phase),
        )
    dup_in_file = bool(con.execute("SELECT count(*) FROM _dupids").fetchone()[0])
    store_has_rows = con.execute("SELECT 1 FROM interactions LIMIT 1").fetchone() is not None
    con.execute("CREATE OR REPLACE TEMP TABLE _seen (id VARCHAR)")
    if store_has_rows:
        with _reading(path):
            con.execute(
                "INSERT INTO _seen SELECT DISTINCT i.interaction_id FROM interactions i"
                f" WHERE i.interaction_id IN (SELECT {id_expr} FROM _src s)"
            )
    seen = bool(con.execute("SELECT count(*) FROM _seen").fetchone()[0])
    if dup_in_file:
        with _reading(path):
            con.execute(
                "CREATE OR REPLACE TEMP TABLE _duprows AS SELECT s._row AS _row,"
                f" row_number() OVER (PARTITION BY {id_expr} ORDER BY s._row) AS _dup"
                f" FROM _src s WHERE hash({id_expr}) IN (SELECT h FROM _dupids)"
            )
    raw_checks = [
        (
            f"s.{_ident(cols[n])} IS NOT NULL AND TRY_CAST(s.{_ident(cols[n])} AS {t}) IS NULL",
            f"{n} is not a {t.lower()}",
        )
        for n, t in INTERACTION_COLUMNS.items()
        if n in cols and t != "VARCHAR"
    ]
    chan = ", ".join(_sql_str(c) for c in sorted(CHANNELS))
    outc = ", ".join(_sql_str(c) for c in sorted(OUTCOMES))
    rules = [
        ("c.interaction_id IS NULL", "missing interaction_id"),
        ("c.arrival_ts IS NULL", "missing arrival_ts"),
        ("c.end_ts < c.arrival_ts", "end_ts is before arrival_ts"),
        (
            "c.answer_ts < c.arrival_ts OR c.answer_ts > c.end_ts",
            "answer_ts is outside arrival..end",
        ),
        ("c.queue_wait_s < 0 OR c.talk_s < 0 OR c.hold_s < 0 OR c.acw_s < 0", "negative duration"),
        (
            " OR ".join(f"NOT isfinite(c.{d})" for d in DURATION_COLUMNS),
            "a duration is not finite (NaN or infinity)",
        ),
        (
            " OR ".join(f"c.{d} > {MAX_DURATION_S}" for d in DURATION_COLUMNS),
            f"a duration is more than {MAX_DURATION_S:.0e} seconds",
        ),
        ("NOT isfinite(c.revenue)", "revenue is not finite (NaN or infinity)"),
        ("NOT isfinite(c.profit)", "profit is not finite (NaN or infinity)"),
        *_value_rules({c: t for c, t in INTERACTION_COLUMNS.items() if t == "TIMESTAMP"}),
        (f"c.channel IS NULL OR c.channel NOT IN ({chan})", "unknown channel"),
        (
            f"c.outcome IS NOT NULL AND c.outcome NOT IN ({outc})",
            "unknown outcome; expected one of " + ", ".join(sorted(OUTCOMES)),
        ),
        ("c._dup > 1", "duplicate interaction_id in the file"),
    ]
    if seen:
        rules.append(
            (
                "c.interaction_id IN (SELECT id FROM _seen)",
                "duplicate interaction_id: already loaded",
            )
        )
    flags = [f"({cond}) AS _bad{i}" for i, (cond, _) in enumerate(raw_checks)]
    case = " ".join(
        [f"WHEN c._bad{i} THEN {_sql_str(r)}" for i, (_, r) in enumerate(raw_checks)]
        + [f"WHEN {c} THEN {_sql_str(r)}" for c, r in rules]
    )
    join = " LEFT JOIN _duprows d ON d._row = s._row" if dup_in_file else ""
    dup = "coalesce(d._dup, 1)" if dup_in_file else "1"

    def checked(extra: str = "") -> str:
        inner = ", ".join(
            [f"{expr(n, t)} AS {n}" for n, t in INTERACTION_COLUMNS.items()]
            + flags
            + [f"{dup} AS _dup"]
            + ([extra] if extra else [])
        )
        return f"SELECT c.*, CASE {case} END AS _reason FROM (SELECT {inner} FROM _src s{join}) c"

    names = ", ".join(INTERACTION_COLUMNS)
    # (2) validate and insert in one streaming statement
    with _reading(path):
        res = _run(
            con,
            f"INSERT INTO interactions ({names}) SELECT {names} FROM ({checked()})"
            " WHERE _reason IS NULL",
            step(phase[1], 0.95),
        )
    rep.loaded = int(res[0][0]) if res else 0
    if parquet:
        import pyarrow.parquet as pq

        rep.read = int(pq.ParquetFile(str(path)).metadata.num_rows)
    else:
        rep.read = int(con.execute("SELECT count(*) FROM _src").fetchone()[0])
    # (3) the rows not inserted, with their reasons (a second pass only when there are any)
    if rep.read > rep.loaded:
        with _reading(path):
            con.execute(
                "CREATE OR REPLACE TEMP TABLE _q AS SELECT source_file, source_row, _reason,"
                " _raw FROM ("
                + checked("CAST(to_json(s) AS VARCHAR) AS _raw")
                + ") WHERE _reason IS NOT NULL"
            )
        con.execute("INSERT INTO quarantine SELECT * FROM _q")
        for reason, n in con.execute("SELECT _reason, count(*) FROM _q GROUP BY 1").fetchall():
            rep.reasons[reason] = int(n)
        con.execute("DROP TABLE _q")
    rep.quarantined = rep.read - rep.loaded
    if rep.quarantined != sum(rep.reasons.values()):
        raise DataError("the file changed while it was read; ingest it again", file=str(path))
    rep.rows = {"interactions": rep.loaded}
    for t in ("_dupids", "_seen", "_duprows"):
        con.execute(f"DROP TABLE IF EXISTS {t}")
    con.execute("DROP VIEW IF EXISTS _src")
    if tick is not None:
        tick(1.0)


def expand(paths: Sequence[str | Path]) -> list[tuple[Path, bool]]:
    """Files named, and the files inside folders named (sorted): (path, found in a folder)."""
    out: list[tuple[Path, bool]] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(
                (q, True) for q in p.rglob("*") if q.is_file() and not q.name.startswith(".")
            )
        elif p.is_file():
            out.append((p, False))
        else:
            raise DataError("file or folder not found", file=str(p))
    if not out:
        raise DataError("no files to ingest", value=[str(p) for p in paths])
    return out


def ingest(
    paths: Sequence[str | Path],
    into: str | Path,
    *,
    fmt: str | None = None,
    mapping: dict[str, str] | None = None,
    progress: Callable[[FileReport], None] | None = None,
    progress_rows: RowProgress | None = None,
    resources: Resources | None = None,
) -> IngestReport:
    """Ingest files into the DuckDB store ``into`` (created if missing).

    ``progress(report)`` is called when a file is done, ``progress_rows(file, done,
    total)`` while a bulk (Parquet or CSV) file is read (rows estimated from DuckDB's
    query progress); ``resources`` bounds DuckDB's memory, threads and spill directory.
    """
    from ccecon.data.adapters import asterisk, connect, genesys

    if fmt is not None and fmt not in FORMATS:
        raise DataError(
            "unknown format; expected " + ", ".join(FORMATS), field="--format", value=fmt
        )
    con = _connect_db(Path(into), resources)
    reports: list[FileReport] = []
    try:
        for path, in_folder in expand(paths):
            digest = sha256(path)
            try:
                kind = "mapped" if mapping else (fmt or detect_format(path))
            except DataError as exc:
                if not in_folder:
                    raise
                # a file of another kind in a folder: reported, not read
                rep = FileReport(
                    str(path),
                    "unknown",
                    skipped=True,
                    reasons={f"not ingested: {_not_records(path) or exc.message}": 1},
                )
                reports.append(rep)
                if progress:
                    progress(rep)
                continue
            rep = FileReport(str(path), kind)
            if con.execute("SELECT 1 FROM ingested_files WHERE sha256 = ?", [digest]).fetchone():
                rep.skipped = True
                reports.append(rep)
                if progress:
                    progress(rep)
                continue
            con.execute("BEGIN TRANSACTION")
            try:
                if kind in ("parquet", "normalized", "mapped"):
                    tick = None
                    if progress_rows is not None:
                        total = _row_estimate(path)
                        f = str(path)

                        def tick(x: float, f: str = f, total: int = total) -> None:
                            progress_rows(f, round(x * total), total)

                    _ingest_sql(con, path, mapping, rep, tick)
                elif kind in _table_specs():
                    _ingest_table_sql(con, path, _table_specs()[kind], rep)
                elif kind == "queue_log":
                    _ingest_queue_log(con, path, rep, QUEUE_LOG_CHUNK)
                else:
                    try:
                        text = path.read_bytes().decode("utf-8-sig")
                    except UnicodeDecodeError as exc:
                        raise DataError(
                            f"not UTF-8 text (byte {exc.start}); re-encode the file as UTF-8",
                            file=str(path),
                        ) from None
                    parser = {
                        "connect": connect.parse,
                        "asterisk": asterisk.parse,
                        "genesys": genesys.parse,
                    }[kind]
                    _ingest_records(con, path, parser(text), rep)
                con.execute(
                    "INSERT INTO ingested_files VALUES (?, ?, ?, ?, ?)",
                    [digest, str(path), rep.read, rep.loaded, rep.quarantined],
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            assert rep.read == rep.loaded + rep.quarantined
            reports.append(rep)
            if progress:
                progress(rep)
    finally:
        con.close()
    return IngestReport(reports)


def _not_records(path: Path) -> str | None:
    """Why a file found in a folder is not records, when it is a known other kind (the
    targets file and team list ``ccecon synth`` writes beside its tables)."""
    if path.suffix.lower() in (".yaml", ".yml"):
        return "a YAML file (a scenario, targets or mapping file), not records"
    if path.suffix.lower() == ".csv":
        with path.open("rb") as fh:
            head = fh.readline(4096).decode("utf-8", "replace").lstrip("\ufeff").strip()
        cols = [c.strip() for c in head.split(",")]
        if cols[:2] == ["agent", "team"]:
            return "a team list (agent, team): give it to `ccecon metrics --teams`"
    return None


def _row_estimate(path: Path) -> int:
    """Rows of a Parquet file (its metadata), or of a CSV estimated from its size and
    first lines (for the progress bar only)."""
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        try:
            return int(pq.ParquetFile(str(path)).metadata.num_rows)
        except Exception:  # a corrupt file is reported when it is read
            return 0
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    lines = max(1, head.count(b"\n"))
    return max(1, round(size / (len(head) / lines)) - 1) if head else 0


def load_mapping(path: str | Path) -> dict[str, str]:
    """A YAML column mapping ``{columns: {interaction_id: CallID, arrival_ts: Start, ...}}``."""
    import yaml

    p = Path(path)
    if not p.is_file():
        raise DataError("mapping file not found", file=str(p))
    doc = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    cols = doc.get("columns") if isinstance(doc, dict) else None
    if not isinstance(cols, dict) or not cols:
        raise DataError(
            "expected `columns:` mapping normalized names to file columns",
            file=str(p),
            field="columns",
        )
    unknown = [k for k in cols if k not in INTERACTION_COLUMNS]
    if unknown:
        raise DataError(
            "unknown normalized column; expected one of " + ", ".join(INTERACTION_COLUMNS),
            file=str(p),
            field="columns",
            value=unknown[0],
        )
    return {str(k): str(v) for k, v in cols.items()}


def quarantine_sample(into: str | Path, limit: int = 20) -> list[dict[str, Any]]:
    """The last quarantined rows, for display."""
    import duckdb

    con = duckdb.connect(str(into), read_only=True)
    try:
        rows = con.execute(
            "SELECT source_file, source_row, reason, raw FROM quarantine ORDER BY rowid DESC"
            " LIMIT ?",
            [limit],
        ).fetchall()
    finally:
        con.close()
    return [dict(zip(("source_file", "source_row", "reason", "raw"), r, strict=True)) for r in rows]


__all__ = ["FileReport", "IngestReport", "ingest", "load_mapping"]
