"""Benchmark: contact metrics per queue per day with a cost join, Ibis-on-DuckDB vs hand SQL.

Run: ``.venv/bin/python benchmarks/bench_metrics.py [--rows 50000000] [--dir DIR] [--spark]``.

Writes a synthetic Parquet log (``ccecon synth``) into ``DIR`` unless one of that many rows
is there already (generate once, reuse), then, in one run and one DuckDB connection (same
threads and memory limit for both):

1. per queue per day with a cost join: ccecon's :func:`ccecon.data.metrics.metric_expr`
   (built, compiled by Ibis and executed each time, result to Arrow), joined to a per-queue
   agent-hour rate table for cost and cost per call, against a hand-written DuckDB SQL query
   computing the same columns (one ``GROUP BY`` with ``count(*) FILTER`` and sums, the rate
   join and the ratios, ordered the same way) over the same Parquet file. The two results
   are checked equal (keys and counts exactly, sums and ratios to 1e-9 relative: a parallel
   sum's order varies run to run) before any time is printed;
2. agent x 15-minute grouping (all contact metrics), the result streamed in Arrow batches
   (it has millions of rows; nothing holds it whole);
3. with ``--spark``: case 1 on Spark local mode (the same Ibis expression) for reference,
   checked equal to DuckDB's result.

Prints each run's time (min-max over ``--repeat`` runs and the best as rows/s), the
throughput ratio, and the peak resident memory of this process (``getrusage``; Spark's JVM
is another process and not included).
"""

from __future__ import annotations

import argparse
import math
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RATES = {"sales": 40.0, "service": 32.0, "billing": 30.0, "tech": 45.0}  # money per agent hour

HAND_SQL = """
WITH a AS (
  SELECT queue, CAST(arrival_ts AS DATE) AS day,
         count(*) AS offered,
         count(answer_ts) AS answered,
         count(*) FILTER (WHERE abandoned AND coalesce(queue_wait_s, 0) >= {short})
           AS abandoned,
         count(*) FILTER (WHERE abandoned AND coalesce(queue_wait_s, 0) < {short})
           AS short_abandoned,
         count(*) FILTER (WHERE answer_ts IS NOT NULL AND coalesce(queue_wait_s, 0) <= {sl})
           AS answered_in_sl,
         count(*) FILTER (WHERE transferred) AS transfers,
         sum(CASE WHEN answer_ts IS NOT NULL THEN coalesce(queue_wait_s, 0) ELSE 0 END)
           AS wait_s,
         sum(CASE WHEN answer_ts IS NOT NULL
                  THEN coalesce(talk_s, 0) + coalesce(hold_s, 0) + coalesce(acw_s, 0)
                  ELSE 0 END) AS handle_s,
         sum(coalesce(talk_s, 0)) AS talk_s
  FROM read_parquet('{path}')
  GROUP BY ALL
)
SELECT a.*,
       a.answered_in_sl / nullif(a.offered - a.short_abandoned, 0) AS service_level,
       a.abandoned / nullif(a.offered - a.short_abandoned, 0) AS abandon_rate,
       a.wait_s / nullif(a.answered, 0) AS asa_s,
       a.handle_s / nullif(a.answered, 0) AS aht_s,
       a.handle_s / 3600.0 * r.rate AS cost,
       a.handle_s / 3600.0 * r.rate / nullif(a.answered, 0) AS cost_per_call
FROM a JOIN bench_rates AS r USING (queue)
ORDER BY a.queue, a.day
"""
COLUMNS = [
    "queue",
    "day",
    "offered",
    "answered",
    "abandoned",
    "short_abandoned",
    "answered_in_sl",
    "transfers",
    "wait_s",
    "handle_s",
    "talk_s",
    "service_level",
    "abandon_rate",
    "asa_s",
    "aht_s",
    "cost",
    "cost_per_call",
]


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ccecon_expr(t: Any, rates: Any) -> Any:
    """Case 1 through ccecon: the metric suite by queue and day, joined to the rate table."""
    import ibis

    from ccecon.data.metrics import metric_expr

    m = metric_expr(t, ["queue", "day"], sl_threshold_s=20, short_abandon_s=5)
    j = m.join(rates, "queue")
    cost = j.handle_s / 3600.0 * j.rate
    j = j.mutate(
        cost=cost, cost_per_call=(j.answered > 0).ifelse(cost / j.answered, ibis.null("float64"))
    )
    return j.select(COLUMNS).order_by(["queue", "day"])


def assert_same(a: Any, b: Any, what: str) -> None:
    """Raise AssertionError unless Arrow tables ``a`` and ``b`` hold the same result."""
    assert a.column_names == b.column_names, (what, a.column_names, b.column_names)
    assert a.num_rows == b.num_rows > 0, (what, a.num_rows, b.num_rows)
    for name in a.column_names:
        x, y = a[name].to_pylist(), b[name].to_pylist()
        if a.schema.field(name).type.equals(b.schema.field(name).type) and not str(
            a.schema.field(name).type
        ).startswith("double"):
            assert x == y, (what, name)
            continue
        for i, (u, v) in enumerate(zip(x, y, strict=True)):
            same = (u is None and v is None) or (
                u is not None and v is not None and math.isclose(u, v, rel_tol=1e-9, abs_tol=1e-9)
            )
            assert same, (what, name, i, u, v)


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    """Run ``fn`` ``repeat`` times; the wall times (s) and the last result."""
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return times, out


def describe(label: str, times: list[float], rows: int) -> str:
    """One line: min-max seconds and the best run's throughput."""
    lo, hi = min(times), max(times)
    return (
        f"  {label:26s} {lo:7.2f}-{hi:.2f} s over {len(times)} runs;"
        f" best {rows / lo / 1e6:5.1f} M rows/s"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=50_000_000)
    ap.add_argument("--dir", type=Path, default=None, help="Folder of the synthetic log.")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2, help="DuckDB threads.")
    ap.add_argument("--memory-limit", default="512MB", help="DuckDB memory_limit.")
    ap.add_argument("--spark", action="store_true", help="Also case 1 on Spark local[2].")
    args = ap.parse_args()
    import ibis
    import pyarrow.parquet as pq

    from ccecon.data.metrics import metric_expr
    from ccecon.data.synth import synth

    folder = args.dir or Path(tempfile.mkdtemp(prefix="ccecon-bench-"))
    path = folder / "interactions.parquet"
    if not path.exists():
        t0 = time.perf_counter()
        synth(args.rows, folder, seed=1)
        print(f"synth {args.rows:,} rows: {time.perf_counter() - t0:.1f} s -> {path}")
    n = pq.ParquetFile(path).metadata.num_rows
    if n != args.rows:
        raise SystemExit(f"{path} has {n:,} rows, not --rows {args.rows:,}: use another --dir")

    con = ibis.duckdb.connect(threads=args.threads, memory_limit=args.memory_limit)
    t = con.read_parquet(str(path), table_name="interactions")
    rates = con.create_table(
        "bench_rates", ibis.memtable({"queue": list(RATES), "rate": list(RATES.values())})
    )
    sql = HAND_SQL.format(path=str(path).replace("'", "''"), sl=20.0, short=5.0)
    raw = con.con  # the same DuckDB connection: same settings, same Arrow materialization

    def ibis_run() -> Any:
        return ccecon_expr(t, rates).to_pyarrow()

    def sql_run() -> Any:
        return raw.execute(sql).to_arrow_table()

    a, b = ibis_run(), sql_run()
    b = b.cast(a.schema)  # DuckDB's own types (e.g. BIGINT counts) to the Ibis schema
    assert_same(a, b, "queue x day: Ibis vs hand SQL")
    print(f"{n:,} rows, {a.num_rows} queue-days; results equal (Ibis vs hand SQL)")
    t_ibis, _ = timed(ibis_run, args.repeat)
    t_sql, _ = timed(sql_run, args.repeat)
    print(f"per queue per day with a cost join ({args.threads} DuckDB threads):")
    print(describe("ccecon Ibis on DuckDB", t_ibis, n))
    print(describe("hand-written DuckDB SQL", t_sql, n))
    ratios = [s / i for i, s in zip(t_ibis, t_sql, strict=True)]
    print(
        f"  throughput ratio Ibis/SQL: best {min(t_sql) / min(t_ibis):.2f}x"
        f" (run by run {min(ratios):.2f}-{max(ratios):.2f}x)"
    )
    print(f"  peak memory (RSS) so far: {peak_rss_mib():,.0f} MiB")

    def agent_15() -> int:
        reader = metric_expr(t, ["agent", "interval"]).to_pyarrow_batches(chunk_size=100_000)
        return sum(batch.num_rows for batch in reader)

    times, groups = timed(agent_15, max(1, args.repeat - 1))
    print(f"agent x 15-minute grouping ({groups:,} groups, streamed):")
    print(describe("ccecon Ibis on DuckDB", times, n))
    print(f"peak memory (RSS) of the process: {peak_rss_mib():,.0f} MiB")
    con.disconnect()

    if args.spark:
        from ccecon.data.metrics import interactions_table

        scon, st = interactions_table(str(path), "spark", master="local[2]")
        srates = scon.create_table(
            "bench_rates", ibis.memtable({"queue": list(RATES), "rate": list(RATES.values())})
        )
        t_sp, s = timed(lambda: ccecon_expr(st, srates).to_pyarrow(), 1)
        assert_same(a, s.cast(a.schema), "queue x day: DuckDB vs Spark")
        print("Spark local[2], same expression (reference; results equal to DuckDB's):")
        print(describe("ccecon Ibis on Spark", t_sp, n))
        scon.disconnect()


if __name__ == "__main__":
    main()
