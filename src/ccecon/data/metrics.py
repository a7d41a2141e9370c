"""Contact-center metrics as Ibis expressions: one definition for every backend.

Aggregate additively, divide last: each group carries counts and sums (offered, answered,
abandoned, answered within the threshold, wait and handle seconds, cost), and the ratios
(service level, ASA, AHT, abandonment rate, cost per call) are computed from those sums at
the end, so partial results merge exactly (by day -> by month adds up).

Definitions (per group):

* offered = contacts; answered = contacts with an ``answer_ts``; abandoned = ``abandoned``
  contacts that waited at least ``short_abandon_s`` (shorter ones are ``short_abandoned``
  and leave the service-level denominator, the common convention);
* service level = answered within T / (offered - short abandoned);
* ASA = queue wait of answered contacts / answered; AHT = (talk + hold + ACW) / answered;
* cost = handle hours x ``cost_per_agent_hour`` + talk minutes x ``cost_per_minute``;
  cost per call = cost / answered, cost per minute = cost / talk minutes.

Group keys: ``queue``, ``channel``, ``direction``, ``agent``, and time buckets ``interval``
(15-minute; ``interval30``, ``interval60``), ``day``, ``week`` (ISO, Monday), ``month``.
Time buckets are computed from epoch seconds, which every backend supports.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ccecon.errors import InputError

KEYS = (
    "queue",
    "channel",
    "direction",
    "agent",
    "interval",
    "interval30",
    "interval60",
    "day",
    "week",
    "month",
)


def _bucket(t: Any, key: str) -> Any:
    ts = t.arrival_ts
    if key.startswith("interval"):
        width = {"interval": 900, "interval30": 1800, "interval60": 3600}[key]
        epoch = ts.epoch_seconds()
        return (epoch - epoch % width).cast("int64").as_timestamp("s")
    if key == "day":
        return ts.date()
    if key == "week":
        # Monday of the ISO week, from epoch seconds (1970-01-01 was a Thursday).
        epoch = ts.epoch_seconds().cast("int64")
        day0 = epoch - epoch % 86400
        offset = ((day0 // 86400 + 3) % 7) * 86400
        return (day0 - offset).as_timestamp("s").date()
    if key == "month":
        return ts.truncate("M").date()
    return t[key]


def metric_expr(
    t: Any,
    by: Sequence[str],
    *,
    sl_threshold_s: float = 20.0,
    short_abandon_s: float = 5.0,
    cost_per_agent_hour: float = 0.0,
    cost_per_minute: float = 0.0,
) -> Any:
    """Ibis expression of the metrics of table ``t`` grouped by ``by``."""
    import ibis

    for k in by:
        if k not in KEYS:
            raise InputError("unknown grouping; expected " + ", ".join(KEYS), field="--by", value=k)
    if sl_threshold_s < 0 or short_abandon_s < 0:
        raise InputError("thresholds must be >= 0 seconds", field="--sl-threshold")
    zero = ibis.literal(0.0)
    answered = t.answer_ts.notnull()
    wait = t.queue_wait_s.cast("float64").fill_null(zero)
    talk = t.talk_s.cast("float64").fill_null(zero)
    handle = (
        talk + t.hold_s.cast("float64").fill_null(zero) + t.acw_s.cast("float64").fill_null(zero)
    )
    aband = t.abandoned.fill_null(False)
    short = aband & (wait < ibis.literal(float(short_abandon_s)))
    m = t.mutate(
        **{k: _bucket(t, k) for k in by},
        _one=ibis.literal(1).cast("int64"),
        _ans=answered.cast("int64"),
        _ab=(aband & ~short).cast("int64"),
        _short=short.cast("int64"),
        _in_sl=(answered & (wait <= ibis.literal(float(sl_threshold_s)))).cast("int64"),
        _wait_ans=answered.ifelse(wait, zero),
        _handle=answered.ifelse(handle, zero),
        _talk=talk,
        _transfer=t.transferred.fill_null(False).cast("int64"),
    )
    g = m.group_by(list(by)) if by else m
    agg = g.aggregate(
        offered=m._one.sum(),
        answered=m._ans.sum(),
        abandoned=m._ab.sum(),
        short_abandoned=m._short.sum(),
        answered_in_sl=m._in_sl.sum(),
        transfers=m._transfer.sum(),
        wait_s=m._wait_ans.sum(),
        handle_s=m._handle.sum(),
        talk_s=m._talk.sum(),
    )
    cost = agg.handle_s / ibis.literal(3600.0) * ibis.literal(
        float(cost_per_agent_hour)
    ) + agg.talk_s / ibis.literal(60.0) * ibis.literal(float(cost_per_minute))
    denom = agg.offered - agg.short_abandoned
    out = agg.mutate(cost=cost).mutate(
        service_level=(denom > 0).ifelse(
            agg.answered_in_sl / denom.cast("float64"), ibis.null("float64")
        ),
        abandon_rate=(denom > 0).ifelse(
            agg.abandoned / denom.cast("float64"), ibis.null("float64")
        ),
        asa_s=(agg.answered > 0).ifelse(
            agg.wait_s / agg.answered.cast("float64"), ibis.null("float64")
        ),
        aht_s=(agg.answered > 0).ifelse(
            agg.handle_s / agg.answered.cast("float64"), ibis.null("float64")
        ),
    )
    out = out.mutate(
        cost_per_call=(out.answered > 0).ifelse(
            out.cost / out.answered.cast("float64"), ibis.null("float64")
        ),
        cost_per_minute=(out.talk_s > 0).ifelse(
            out.cost / (out.talk_s / 60.0), ibis.null("float64")
        ),
    )
    return out.order_by(list(by)) if by else out


def connect(path: str, backend: str = "duckdb") -> Any:
    """An Ibis connection to a DuckDB store file (read only)."""
    import ibis

    if backend != "duckdb":
        raise InputError(
            "a DuckDB store is read with the duckdb backend; for Spark give"
            " Parquet files (interactions_table)",
            field="--backend",
            value=backend,
        )
    return ibis.duckdb.connect(path, read_only=True)


def spark_session(master: str = "local[2]") -> Any:
    """A SparkSession for the Ibis PySpark backend (UTC session time zone, no UI)."""
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(master)
        .appName("ccecon")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )


def interactions_table(
    source: str, backend: str = "duckdb", *, master: str = "local[2]"
) -> tuple[Any, Any]:
    """``(connection, interactions table)`` for a DuckDB store or Parquet file(s).

    ``backend="duckdb"``: a ``.duckdb`` store, or Parquet read by an in-memory DuckDB.
    ``backend="spark"``: Parquet file(s) or folder read by PySpark (``master`` = a local
    mode such as ``local[2]`` or a cluster URL). The same :func:`metric_expr` runs on both.
    """
    import ibis

    if backend == "duckdb":
        if source.endswith(".duckdb"):
            con = connect(source)
            return con, con.table("interactions")
        con = ibis.duckdb.connect()
        return con, con.read_parquet(source, table_name="interactions")
    if backend == "spark":
        if source.endswith(".duckdb"):
            raise InputError(
                "Spark reads Parquet, not a DuckDB file: export the interactions"
                " table to Parquet (COPY interactions TO 'x.parquet')",
                field="--from",
                value=source,
            )
        con = ibis.pyspark.connect(spark_session(master))
        return con, con.read_parquet(source, table_name="interactions")
    raise InputError("backend must be duckdb or spark", field="--backend", value=backend)
