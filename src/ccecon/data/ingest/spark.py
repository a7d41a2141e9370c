"""Ingest on Spark: the DuckDB path's rules, translated, run where a cluster holds the export.

A billion-row export in object storage is validated where it lies: Spark reads the
Parquet files (normalized interactions, or any columns with a mapping), runs the same
query the DuckDB path runs (:func:`ccecon.data.ingest.bulk.interaction_select`, written
once in DuckDB's SQL and translated to Spark SQL by sqlglot, so the rules and their order
are one text) and writes Parquet tables into a folder:

``INTO/interactions/``, ``INTO/quarantine/`` (``source_file``, ``source_row``, ``reason``,
``raw``) and ``INTO/ingested_files/`` (one row a file: ``sha256``, ``name``, ``read``,
``loaded``, ``quarantined``), each partitioned by ``ingest_id`` (the file's digest). A
file's rows are written to its own partition and its ``ingested_files`` row last, so a run
stopped part way leaves a file either recorded with all its rows or unrecorded; the rerun
overwrites an unrecorded file's partitions and skips recorded files. ``read = loaded +
quarantined`` for every file, as on DuckDB.

The translation changes only what the two dialects spell differently: ``isfinite(x)``
becomes ``NOT isnan(x) AND abs(x) <> inf``, the 64-bit ``hash`` becomes ``xxhash64``, a row
as JSON ``to_json(struct(s.*))``; the source row number is Parquet's own row index + 1
(DuckDB's ``file_row_number + 1``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ccecon.data.ingest.bulk import (
    id_tables_sql,
    interaction_select,
    source_columns,
    source_expr,
)
from ccecon.data.ingest.store import FileReport, IngestReport, sha256, sql_str
from ccecon.data.schema import INTERACTION_COLUMNS
from ccecon.errors import DataError

TABLES = ("interactions", "quarantine", "ingested_files")


def to_spark_sql(sql: str) -> str:
    """DuckDB SQL of the ingest rules in Spark SQL (sqlglot, plus the functions the two
    dialects name differently).

    Parameters
    ----------
    sql : str
        A query in DuckDB's dialect.

    Returns
    -------
    str
        The same query in Spark SQL.
    """
    import sqlglot
    from sqlglot import exp

    def fix(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Anonymous):
            fn = str(node.this).lower()
            args = node.expressions
            if fn == "isfinite":
                x = args[0]
                inf = exp.cast(exp.Literal.string("Infinity"), "DOUBLE")
                return exp.paren(
                    exp.and_(
                        exp.not_(exp.Anonymous(this="isnan", expressions=[x.copy()])),
                        exp.NEQ(this=exp.Abs(this=x.copy()), expression=inf),
                    )
                )
            if fn == "hash":
                return exp.Anonymous(this="xxhash64", expressions=args)
            if fn == "to_json" and isinstance(args[0], exp.Column) and not args[0].table:
                star = exp.Column(this=exp.Star(), table=exp.to_identifier(args[0].name))
                return exp.Anonymous(
                    this="to_json", expressions=[exp.Anonymous(this="struct", expressions=[star])]
                )
        return node

    tree = sqlglot.parse_one(sql, read="duckdb").transform(fix)
    return tree.sql(dialect="spark")


def ingest_spark(
    paths: Sequence[str | Path],
    into: str | Path,
    *,
    mapping: dict[str, str] | None = None,
    master: str = "local[2]",
    session: Any = None,
    progress: Callable[[FileReport], None] | None = None,
) -> IngestReport:
    """Validate interaction files on Spark and write Parquet tables into the folder ``into``.

    Parameters
    ----------
    paths : sequence of str or Path
        Parquet files, or folders whose ``*.parquet`` files are all ingested (sorted):
        local paths, or URIs Spark reads (``s3a://bucket/export/``, ``file:///data/x``),
        which are listed and read where they lie (their identity for "already ingested"
        is the URI, length and modification time, not a digest of the bytes).
    into : str or Path
        The folder of the Parquet tables (created if missing; a local path or a URI
        Spark can write, such as ``s3a://bucket/store``).
    mapping : dict, optional
        Normalized column name to the file's column (:func:`load_mapping`); default: the
        file's columns that have the normalized names.
    master : str, optional
        Spark master when no ``session`` is given: ``local[2]`` (default) or a cluster URL.
    session : pyspark.sql.SparkSession, optional
        A session to use (a cluster's); default one made by ``spark_session(master)``.
    progress : callable, optional
        ``progress(report)`` when a file is done.

    Returns
    -------
    IngestReport
        One :class:`FileReport` per file; ``read == loaded + quarantined``.
    """
    from ccecon.data.ingest import expand

    local = [p for p in map(str, paths) if "://" not in p]
    files: list[tuple[str, Path | None]] = [
        (str(p), p) for p, _ in (expand(local) if local else [])
    ]
    for _, path in files:  # every local file checked before Spark starts
        assert path is not None
        _parquet_only(str(path))
    from ccecon.data.metrics import spark_session

    spark = session if session is not None else spark_session(master)
    files += [(uri, None) for p in map(str, paths) if "://" in p for uri in _listed(spark, p)]
    root = str(into).rstrip("/")
    done = _recorded(spark, root)
    reports: list[FileReport] = []
    for name, path in files:
        digest = sha256(path) if path is not None else _uri_digest(spark, name)
        rep = FileReport(name, "mapped" if mapping else "parquet")
        if digest in done:
            rep.skipped = True
        else:
            _one_file(spark, name, digest, root, mapping, rep)
            done.add(digest)
        reports.append(rep)
        if progress:
            progress(rep)
    return IngestReport(reports)


def _parquet_only(name: str) -> None:
    """Refuse a file that is not Parquet, naming it."""
    if not name.lower().endswith(".parquet"):
        raise DataError(
            "the Spark engine reads Parquet files of interactions (normalized, or any"
            " columns with a column mapping); ingest other files with the DuckDB engine",
            file=name,
        )


def _fs(spark: Any, path: str) -> tuple[Any, Any]:
    """Hadoop's file system of ``path`` and the path as Hadoop's object."""
    hpath = spark.sparkContext._jvm.org.apache.hadoop.fs.Path(path)
    return hpath.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), hpath


def _listed(spark: Any, uri: str) -> list[str]:
    """A URI's Parquet files: the file itself, or a folder's ``*.parquet`` files (sorted,
    hidden ``_``/``.`` names left out, as Spark does)."""
    fs, hpath = _fs(spark, uri)
    if not fs.exists(hpath):
        raise DataError("file or folder not found", file=uri)
    if fs.getFileStatus(hpath).isFile():
        _parquet_only(uri)
        return [uri]
    out = []
    it = fs.listFiles(hpath, True)
    while it.hasNext():
        p = it.next().getPath()
        if p.getName().lower().endswith(".parquet") and not p.getName().startswith(("_", ".")):
            out.append(str(p.toString()))
    if not out:
        raise DataError("no Parquet files in the folder", file=uri)
    return sorted(out)


def _uri_digest(spark: Any, uri: str) -> str:
    """An object-store file's identity without reading it: sha256 of its URI, length and
    modification time (a file replaced in place is a new file)."""
    fs, hpath = _fs(spark, uri)
    st = fs.getFileStatus(hpath)
    return hashlib.sha256(f"{uri}|{st.getLen()}|{st.getModificationTime()}".encode()).hexdigest()


def _exists(spark: Any, path: str) -> bool:
    """Whether ``path`` exists, asked of Hadoop's file system (local folders and object
    stores alike), so a missing table is not an error Spark logs."""
    fs, hpath = _fs(spark, path)
    return bool(fs.exists(hpath))


def _recorded(spark: Any, root: str) -> set[str]:
    """Digests of the files recorded in ``root/ingested_files`` (none in a new folder)."""
    if not _exists(spark, f"{root}/ingested_files"):
        return set()
    return {r[0] for r in spark.read.parquet(f"{root}/ingested_files").select("sha256").collect()}


def _one_file(
    spark: Any,
    path: str,
    digest: str,
    root: str,
    mapping: dict[str, str] | None,
    rep: FileReport,
) -> None:
    """One Parquet file through the shared query; its partitions, then its record."""
    from pyspark.sql import functions as F

    part = f"ingest_id={hashlib.sha256(digest.encode()).hexdigest()[:16]}"
    try:
        src = spark.read.parquet(path)
    except Exception as exc:
        raise DataError(
            "not a readable Parquet file (truncated or corrupt?)", file=str(path)
        ) from (exc)
    cols = source_columns(mapping, set(src.columns), path)
    src.select("*", (F.col("_metadata.row_index") + 1).alias("_row")).createOrReplaceTempView(
        "_src"
    )
    name = sql_str(str(path))
    id_expr = source_expr(cols, name, "interaction_id", "VARCHAR")
    dupids, seen_sql, duprows = id_tables_sql(id_expr, "_stored")
    spark.sql(to_spark_sql(dupids)).createOrReplaceTempView("_dupids")
    dup_in_file = spark.sql("SELECT 1 FROM _dupids LIMIT 1").count() > 0
    if dup_in_file:
        spark.sql(to_spark_sql(duprows)).createOrReplaceTempView("_duprows")
    seen = False
    stored = _committed(spark, root)
    if stored is not None:
        stored.createOrReplaceTempView("_stored")
        spark.sql(to_spark_sql(seen_sql)).createOrReplaceTempView("_seen")
        seen = spark.sql("SELECT 1 FROM _seen LIMIT 1").count() > 0
    query = interaction_select(
        cols,
        name,
        dup_in_file=dup_in_file,
        seen=seen,
        extra="CAST(to_json(s) AS VARCHAR) AS _raw",
    )
    spark.sql(to_spark_sql(query)).createOrReplaceTempView("_checked")
    names = ", ".join(INTERACTION_COLUMNS)
    spark.sql(f"SELECT {names} FROM _checked WHERE _reason IS NULL").write.mode(
        "overwrite"
    ).parquet(f"{root}/interactions/{part}")
    spark.sql(
        "SELECT source_file, source_row, _reason AS reason, _raw AS raw FROM _checked"
        " WHERE _reason IS NOT NULL"
    ).write.mode("overwrite").parquet(f"{root}/quarantine/{part}")
    rep.read = int(src.count())
    rep.loaded = int(spark.read.parquet(f"{root}/interactions/{part}").count())
    for row in spark.read.parquet(f"{root}/quarantine/{part}").groupBy("reason").count().collect():
        rep.reasons[str(row[0])] = int(row[1])
    rep.quarantined = rep.read - rep.loaded
    if rep.quarantined != sum(rep.reasons.values()):
        raise DataError("the file changed while it was read; ingest it again", file=str(path))
    rep.rows = {"interactions": rep.loaded}
    spark.createDataFrame(
        [(digest, str(path), rep.read, rep.loaded, rep.quarantined)],
        "sha256 string, name string, read long, loaded long, quarantined long",
    ).coalesce(1).write.mode("overwrite").parquet(f"{root}/ingested_files/{part}")
    for view in ("_src", "_dupids", "_duprows", "_stored", "_seen", "_checked"):
        spark.catalog.dropTempView(view)


def _committed(spark: Any, root: str) -> Any:
    """The stored interactions of recorded files (``interaction_id``), or ``None``."""
    if not (_exists(spark, f"{root}/ingested_files") and _exists(spark, f"{root}/interactions")):
        return None
    files = spark.read.parquet(f"{root}/ingested_files").select("ingest_id")
    rows = spark.read.parquet(f"{root}/interactions").select("interaction_id", "ingest_id")
    return rows.join(files, "ingest_id", "left_semi").select("interaction_id")
