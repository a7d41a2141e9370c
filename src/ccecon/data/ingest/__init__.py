"""Ingest contact records into a DuckDB actuals store; nothing is lost.

Every source record ends in exactly one place: ``interactions`` (loaded) or ``quarantine``
(with the reason and the source record), so ``read = loaded + quarantined`` for every run.
Ingest is idempotent: a file whose bytes were ingested before (same sha256) adds nothing,
and a record whose ``interaction_id`` is already loaded is quarantined as a duplicate.

Each file's format is told from its head (:mod:`.detect`), then one of three paths reads it:

* vendor exports (Amazon Connect CTR, Asterisk Master.csv, Genesys conversations) are
  streamed: read a megabyte at a time, parsed record by record by the adapters (a JSON
  array item by item), validated in Python and staged in the store in chunks through
  Arrow, the versions of an id sorted out in SQL (:mod:`.records`); an Asterisk
  ``queue_log`` likewise, streamed, its lines becoming contacts and agent states (read
  and quarantine count lines: :mod:`.queue_log`);
* ``parquet`` files already in the normalized schema (e.g. from ``ccecon synth``) and
  ``csv``/``parquet`` files with a YAML column mapping are validated and inserted by
  DuckDB itself in SQL, streaming, so they scale to files far larger than memory; the
  plain tables (agent states, payroll, HR events, surveys, cost rates) from CSV or Parquet
  the same way (:mod:`.bulk`).

The store's connection, the reports and the shared inserts are in :mod:`.store`.
Validation (both paths): an id is present and unique; timestamps parse; end_ts >= arrival_ts;
answer_ts within [arrival_ts, end_ts]; durations >= 0; channel is one of voice, chat, email,
task, messaging.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ccecon.data.ingest import queue_log
from ccecon.data.ingest.bulk import (
    TableSpec,
    ingest_interactions,
    ingest_table,
    row_estimate,
    table_specs,
)
from ccecon.data.ingest.detect import FORMATS, detect_format, not_records, parquet_columns
from ccecon.data.ingest.records import EXPORTS, ingest_export
from ccecon.data.ingest.store import (
    FileReport,
    IngestReport,
    Resources,
    RowProgress,
    connect,
    default_memory_limit,
    default_threads,
    sha256,
)
from ccecon.data.schema import INTERACTION_COLUMNS
from ccecon.errors import DataError


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

    Parameters
    ----------
    paths : sequence of str or Path
        Files, and folders whose files are all ingested (sorted; a file of another kind
        in a folder is reported as skipped, not read).
    into : str or Path
        The DuckDB store file.
    fmt : str, optional
        One of :data:`FORMATS`; default told from each file (:func:`detect_format`).
    mapping : dict, optional
        Normalized column name to the file's column (:func:`load_mapping`).
    progress : callable, optional
        ``progress(report)`` when a file is done.
    progress_rows : callable, optional
        ``progress_rows(file, done, total)`` while a bulk (Parquet or CSV) file is read
        (rows estimated from DuckDB's query progress) or a vendor export is streamed
        (records read; the total estimated from the share of its bytes read).
    resources : Resources, optional
        Bounds of DuckDB's memory, threads and spill directory.

    Returns
    -------
    IngestReport
        One :class:`FileReport` per file; ``read == loaded + quarantined``.
    """
    if fmt is not None and fmt not in FORMATS:
        raise DataError("unknown format; expected " + ", ".join(FORMATS), field="fmt", value=fmt)
    con = connect(Path(into), resources)
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
                    reasons={f"not ingested: {not_records(path) or exc.message}": 1},
                )
            else:
                rep = FileReport(str(path), kind)
                if con.execute(
                    "SELECT 1 FROM ingested_files WHERE sha256 = ?", [digest]
                ).fetchone():
                    rep.skipped = True
                else:
                    _ingest_file(con, path, digest, rep, mapping, progress_rows)
            reports.append(rep)
            if progress:
                progress(rep)
    finally:
        con.close()
    return IngestReport(reports)


def _ingest_file(
    con: Any,
    path: Path,
    digest: str,
    rep: FileReport,
    mapping: dict[str, str] | None,
    progress_rows: RowProgress | None,
) -> None:
    """One file of the format ``rep.format`` by its path, in one transaction with its
    ``ingested_files`` row (all of it or nothing)."""
    kind = rep.format
    con.execute("BEGIN TRANSACTION")
    try:
        if kind in ("parquet", "normalized", "mapped"):
            tick = None
            if progress_rows is not None:
                total = row_estimate(path)

                def tick(x: float, f: str = str(path), total: int = total) -> None:
                    progress_rows(f, round(x * total), total)

            ingest_interactions(con, path, mapping, rep, tick)
        elif kind in table_specs():
            ingest_table(con, path, table_specs()[kind], rep)
        elif kind == "queue_log":
            queue_log.ingest_queue_log(con, path, rep)
        else:
            export_tick = None
            if progress_rows is not None:

                def export_tick(records: int, share: float, f: str = str(path)) -> None:
                    # total estimated from the share of the bytes read so far
                    progress_rows(f, records, max(records, round(records / max(share, 1e-9))))

            ingest_export(con, path, kind, rep, export_tick)
        con.execute(
            "INSERT INTO ingested_files VALUES (?, ?, ?, ?, ?)",
            [digest, str(path), rep.read, rep.loaded, rep.quarantined],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    assert rep.read == rep.loaded + rep.quarantined


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


__all__ = [
    "EXPORTS",
    "FORMATS",
    "FileReport",
    "IngestReport",
    "Resources",
    "TableSpec",
    "default_memory_limit",
    "default_threads",
    "detect_format",
    "expand",
    "ingest",
    "load_mapping",
    "parquet_columns",
    "quarantine_sample",
]
