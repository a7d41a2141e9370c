"""The SQL bulk path: files DuckDB reads, casts, validates and inserts itself, streaming,
so they scale to files far larger than memory.

* interactions: ``parquet`` files in the normalized schema (e.g. from ``ccecon synth``),
  CSV with the normalized header, and CSV/Parquet with a YAML column mapping
  (:func:`ingest_interactions`);
* the plain tables (agent states, payroll, HR events, surveys, cost rates: :class:`TableSpec`,
  :func:`table_specs`) from CSV or Parquet (:func:`ingest_table`).

A row that does not cast or breaks a rule goes to ``quarantine`` with the reason and the
source row as JSON; DuckDB's errors while reading (a truncated Parquet file, a CSV that
ends inside a quote) become a :class:`DataError` naming the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ccecon.data.ingest.records import DURATION_COLUMNS
from ccecon.data.ingest.store import FileReport, run_sql, split_insert, sql_str
from ccecon.data.schema import (
    AGENT_STATE_COLUMNS,
    BUDGET_ELEMENTS,
    CHANNELS,
    COST_RATE_COLUMNS,
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
    STATES,
    SURVEY_COLUMNS,
    TS_RANGE_TEXT,
)
from ccecon.errors import DataError

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
    """Insert through :func:`split_insert` (agent states: quarter-hour pieces)."""
    refusals: tuple[tuple[str, str, str], ...] = ()
    """``(condition on c, column, what was expected)``: a row meeting the condition makes
    the whole file refused (a :class:`DataError` naming the row; nothing of it loaded)."""
    one_currency: bool = False
    """Every row's ``currency`` must be the store's (that of payroll, cost rates and
    invoices already loaded; in a new store the file's first row's), else the file is
    refused."""


def table_specs() -> dict[str, TableSpec]:
    from ccecon.costing.labour import COST_ELEMENTS

    elements = ", ".join(sql_str(e) for e in COST_ELEMENTS)
    states = ", ".join(sql_str(x) for x in sorted(STATES))
    rate_elements = ", ".join(sql_str(x) for x in RATE_ELEMENTS)
    budget_elements = ", ".join(sql_str(x) for x in BUDGET_ELEMENTS)
    units = ", ".join(sql_str(x) for x in INVOICE_UNITS)
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


def ingest_table(con: Any, path: Path, spec: TableSpec, rep: FileReport) -> None:
    """A plain table (agent states, payroll, HR events, surveys) from CSV or Parquet, in SQL.

    Columns are cast (a value that does not cast is quarantined with the column and what
    was expected), required ones present, the spec's rules hold, the key is unique in the
    file and new to the store; the rest is inserted, the rejects go to ``quarantine``.
    """
    name = sql_str(str(path))
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
    case = " ".join(f"WHEN {c} THEN {sql_str(r)}" for c, r in rules)
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
        rep.rows = {spec.table: split_insert(con, "_tok")}
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
                    f"c._reason IS NULL AND c.currency <> {sql_str(cur)}",
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


def _value_rules(columns: dict[str, str]) -> list[tuple[str, str]]:
    """SQL rules (on the cast row ``c``) every table keeps: numbers finite, timestamps and
    dates within 1970..2200."""
    lo, hi = sql_str(FIRST_TS.date().isoformat()), sql_str(END_TS.date().isoformat())
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


def ingest_interactions(
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
    name = sql_str(str(path))
    cols = _interaction_source(con, path, mapping)
    phase = [0.0, 0.15]  # share of the file's progress each step takes

    def step(lo: float, hi: float) -> Callable[[float], None] | None:
        if tick is None:
            return None
        return lambda f: tick(lo + (hi - lo) * f)

    # (1) ids twice in the file, ids already loaded (small tables; usually empty)
    id_expr = source_expr(cols, name, "interaction_id", "VARCHAR")
    dup_in_file, seen = _known_ids(con, path, id_expr, step(*phase))

    def checked(extra: str = "") -> str:
        return interaction_select(cols, name, dup_in_file=dup_in_file, seen=seen, extra=extra)

    names = ", ".join(INTERACTION_COLUMNS)
    # (2) validate and insert in one streaming statement
    with _reading(path):
        res = run_sql(
            con,
            f"INSERT INTO interactions ({names}) SELECT {names} FROM ({checked()})"
            " WHERE _reason IS NULL",
            step(phase[1], 0.95),
        )
    rep.loaded = int(res[0][0]) if res else 0
    if path.suffix.lower() == ".parquet":
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


def source_expr(cols: dict[str, str], name: str, col: str, typ: str) -> str:
    """The SQL of normalized column ``col`` (type ``typ``) read from the source row ``s``:
    the file's column cast with ``TRY_CAST`` (``NULL`` when the file has none), the file's
    name (``name``, an SQL literal) or its row number."""
    if col == "source_file":
        return name
    if col == "source_row":
        return "s._row"
    if col not in cols:
        return f"CAST(NULL AS {typ})"
    return f"TRY_CAST(s.{_ident(cols[col])} AS {typ})"


def interaction_select(
    cols: dict[str, str], name: str, *, dup_in_file: bool, seen: bool, extra: str = ""
) -> str:
    """The one query that casts and judges every row of the view ``_src``: the normalized
    columns, and ``_reason``, the first rule the row breaks (``NULL`` for a good row).

    Written once in DuckDB's SQL; the DuckDB path runs it as it is, the Spark path
    (:mod:`ccecon.data.ingest.spark`) translates it with sqlglot, so both engines keep the
    same rules in the same order. It reads the tables ``_duprows`` (``_row``, ``_dup``:
    the rank of a row among the file's rows with its id, when ``dup_in_file``) and
    ``_seen`` (``id``: ids already loaded, when ``seen``).

    Parameters
    ----------
    cols : dict of str to str
        Normalized column -> the file's column.
    name : str
        The file's name as an SQL string literal (written to ``source_file``).
    dup_in_file : bool
        Some id occurs twice in the file (join ``_duprows``).
    seen : bool
        Some id is already loaded (join ``_seen``).
    extra : str, optional
        One more column of the source row ``s`` (the quarantine's raw record).

    Returns
    -------
    str
        ``SELECT c.*, CASE ... END AS _reason FROM (...) c``.
    """
    id_expr = source_expr(cols, name, "interaction_id", "VARCHAR")
    raw_checks, rules = _interaction_rules(cols, seen)
    flags = [f"({cond}) AS _bad{i}" for i, (cond, _) in enumerate(raw_checks)]
    case = " ".join(
        [f"WHEN c._bad{i} THEN {sql_str(r)}" for i, (_, r) in enumerate(raw_checks)]
        + [f"WHEN {c} THEN {sql_str(r)}" for c, r in rules]
    )
    join = " LEFT JOIN _duprows d ON d._row = s._row" if dup_in_file else ""
    if seen:
        join += f" LEFT JOIN _seen sn ON sn.id = {id_expr}"
    inner = ", ".join(
        [f"{source_expr(cols, name, n, t)} AS {n}" for n, t in INTERACTION_COLUMNS.items()]
        + flags
        + [f"{'coalesce(d._dup, 1)' if dup_in_file else '1'} AS _dup"]
        + (["(sn.id IS NOT NULL) AS _seen"] if seen else [])
        + ([extra] if extra else [])
    )
    return f"SELECT c.*, CASE {case} END AS _reason FROM (SELECT {inner} FROM _src s{join}) c"


def _interaction_source(con: Any, path: Path, mapping: dict[str, str] | None) -> dict[str, str]:
    """Create the view ``_src`` of the file's rows (``_row`` from 1); the normalized columns
    and the file column each is read from (``mapping``, else the same names)."""
    name = sql_str(str(path))
    if path.suffix.lower() == ".parquet":
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
    return source_columns(mapping, src_cols, path)


def source_columns(
    mapping: dict[str, str] | None, have: set[str], path: Path | str
) -> dict[str, str]:
    """The normalized columns and the file column each is read from: ``mapping``, else
    the file's columns (``have``) that carry the normalized names; a mapped column the
    file lacks is a :class:`DataError` naming the file."""
    cols = mapping or {c: c for c in INTERACTION_COLUMNS if c in have}
    missing = [v for v in cols.values() if v not in have]
    if missing:
        raise DataError(
            "the mapping names column(s) missing from the file: " + ", ".join(missing),
            file=str(path),
        )
    return cols


def id_tables_sql(id_expr: str, store: str) -> tuple[str, str, str]:
    """The three queries behind the duplicate rules, in DuckDB's SQL (the Spark path
    translates them): the 64-bit hashes of ids seen twice in ``_src`` (``h``); the
    ``_seen`` ids of ``_src`` already in the table ``store`` (``id``); and each row of a
    twice-seen hash ranked among the rows with its id (``_row``, ``_dup``; a hash
    collision ranks 1 and quarantines nothing)."""
    dupids = (
        f"SELECT hash({id_expr}) AS h FROM _src s"
        f" WHERE {id_expr} IS NOT NULL GROUP BY 1 HAVING count(*) > 1"
    )
    seen = (
        f"SELECT DISTINCT i.interaction_id AS id FROM {store} i"
        f" WHERE i.interaction_id IN (SELECT {id_expr} FROM _src s)"
    )
    duprows = (
        "SELECT s._row AS _row,"
        f" row_number() OVER (PARTITION BY {id_expr} ORDER BY s._row) AS _dup"
        f" FROM _src s WHERE hash({id_expr}) IN (SELECT h FROM _dupids)"
    )
    return dupids, seen, duprows


def _known_ids(
    con: Any, path: Path, id_expr: str, tick: Callable[[float], None] | None
) -> tuple[bool, bool]:
    """Tables ``_dupids`` / ``_duprows`` of ids seen twice in ``_src`` and ``_seen`` of ids
    already in the store: (any twice in the file, any already loaded)."""
    dupids, seen_sql, duprows = id_tables_sql(id_expr, "interactions")
    with _reading(path):
        # grouped by the id's 64-bit hash (far cheaper than by the text); a hash seen
        # twice is checked by the text in _duprows, so a collision quarantines nothing
        run_sql(con, f"CREATE OR REPLACE TEMP TABLE _dupids AS {dupids}", tick)
    dup_in_file = bool(con.execute("SELECT count(*) FROM _dupids").fetchone()[0])
    store_has_rows = con.execute("SELECT 1 FROM interactions LIMIT 1").fetchone() is not None
    con.execute("CREATE OR REPLACE TEMP TABLE _seen (id VARCHAR)")
    if store_has_rows:
        with _reading(path):
            con.execute(f"INSERT INTO _seen {seen_sql}")
    seen = bool(con.execute("SELECT count(*) FROM _seen").fetchone()[0])
    if dup_in_file:
        with _reading(path):
            con.execute(f"CREATE OR REPLACE TEMP TABLE _duprows AS {duprows}")
    return dup_in_file, seen


def _interaction_rules(
    cols: dict[str, str], seen: bool
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The checks of a source row ``s`` before casting (a value that does not cast) and the
    rules of the cast row ``c``, each with its quarantine reason, in the order tried."""
    raw_checks = [
        (
            f"s.{_ident(cols[n])} IS NOT NULL AND TRY_CAST(s.{_ident(cols[n])} AS {t}) IS NULL",
            f"{n} is not a {t.lower()}",
        )
        for n, t in INTERACTION_COLUMNS.items()
        if n in cols and t != "VARCHAR"
    ]
    chan = ", ".join(sql_str(c) for c in sorted(CHANNELS))
    outc = ", ".join(sql_str(c) for c in sorted(OUTCOMES))
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
        rules.append(("c._seen", "duplicate interaction_id: already loaded"))
    return raw_checks, rules


def row_estimate(path: Path) -> int:
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


def _ident(name: str) -> str:
    """A column name quoted for SQL (a name may hold any character, quotes too)."""
    return '"' + name.replace('"', '""') + '"'
