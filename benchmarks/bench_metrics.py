"""Benchmark: contact metrics per queue per day with a cost join, Ibis-on-DuckDB vs hand SQL.

Run: ``.venv/bin/python benchmarks/bench_metrics.py [--rows 50000000] [--dir DIR] [--spark]``.

Writes a synthetic Parquet log (``ccecon synth``) into ``DIR`` unless one of that many rows
is there already (generate once, reuse), then, in one run and one DuckDB connection (same
threads and memory limit for both):

1. per queue per day with a cost join: ccecon's :func:`ccecon.data.metrics.metric_expr`
   (built, compiled by Ibis and executed each time, result to Arrow), joined to a per-queue
   agent-hour rate table for cost and handle cost per call, against a hand-written DuckDB SQL query
   computing the same columns (one ``GROUP BY`` with ``count(*) FILTER`` and sums, the rate
   join and the ratios, ordered the same way) over the same Parquet file. The two results
   are checked equal (keys and counts exactly, sums and ratios to 1e-9 relative: a parallel
   sum's order varies run to run) before any time is printed;
2. agent x 15-minute grouping (all contact metrics), the result streamed in Arrow batches
   (it has millions of rows; nothing holds it whole), sorted by agent and interval (the
   default) and unsorted (``order=False``, for results written to files);
3. with ``--spark``: case 1 on Spark local mode (the same Ibis expression) for reference,
   checked equal to DuckDB's result.

Prints each case's wall and CPU time (min-max over ``--repeat`` runs, Ibis and SQL runs
interleaved; CPU time counts DuckDB's threads and is the steadier measure when other work
shares the machine), the best wall time as rows/s, the throughput ratio by best wall time
and by median CPU time, the load average (other work), and the peak resident memory of
this process (``getrusage``; Spark's JVM is another process and not included).
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import statistics
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
       a.handle_s / 3600.0 * r.rate / nullif(a.answered, 0) AS handle_cost_per_call
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
    "handle_cost_per_call",
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
        cost=cost,
        handle_cost_per_call=(j.answered > 0).ifelse(cost / j.answered, ibis.null("float64")),
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


def cpu_s() -> float:
    """CPU seconds (user + system) this process has used so far, all threads."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Run ``fn`` once: wall seconds, CPU seconds (DuckDB's threads included), result."""
    c0, w0 = cpu_s(), time.perf_counter()
    out = fn()
    return time.perf_counter() - w0, cpu_s() - c0, out


def describe(label: str, runs: list[tuple[float, float]], rows: int) -> str:
    """One line: wall and CPU seconds, min-max over the runs, and the best wall's rate."""
    wall, cpu = [w for w, _ in runs], [c for _, c in runs]
    return (
        f"  {label:24s} wall {min(wall):6.2f}-{max(wall):.2f} s, CPU {min(cpu):6.2f}-{max(cpu):.2f}"
        f" s over {len(runs)} runs; best {rows / min(wall) / 1e6:5.1f} M rows/s"
    )


def load() -> str:
    """The 1, 5 and 15 minute load averages (other work on the machine)."""
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=50_000_000)
    ap.add_argument("--dir", type=Path, default=None, help="Folder of the synthetic log.")
    ap.add_argument("--repeat", type=int, default=5)
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
    print(f"{n:,} rows, {a.num_rows} queue-days; results equal (Ibis vs hand SQL); {load()}")
    r_ibis: list[tuple[float, float]] = []
    r_sql: list[tuple[float, float]] = []
    for _ in range(args.repeat):  # interleaved, so a burst of other work hits both alike
        w, c, _res = timed(ibis_run)
        r_ibis.append((w, c))
        w, c, _res = timed(sql_run)
        r_sql.append((w, c))
    print(f"per queue per day with a cost join ({args.threads} DuckDB threads):")
    print(describe("ccecon Ibis on DuckDB", r_ibis, n))
    print(describe("hand-written DuckDB SQL", r_sql, n))
    best_wall = min(w for w, _ in r_sql) / min(w for w, _ in r_ibis)
    med_cpu = statistics.median(c for _, c in r_sql) / statistics.median(c for _, c in r_ibis)
    print(
        f"  throughput ratio Ibis/SQL: {best_wall:.2f}x by best wall time,"
        f" {med_cpu:.2f}x by median CPU time"
    )
    print(f"  peak memory (RSS) so far: {peak_rss_mib():,.0f} MiB; {load()}")

    def agent_15(order: bool) -> Callable[[], int]:
        def run() -> int:
            expr = metric_expr(t, ["agent", "interval"], order=order)
            return sum(batch.num_rows for batch in expr.to_pyarrow_batches(chunk_size=100_000))

        return run

    r_a: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    groups = 0
    for _ in range(max(1, args.repeat - 1)):
        for order in (True, False):
            w, c, groups = timed(agent_15(order))
            r_a[order].append((w, c))
    print(f"agent x 15-minute grouping ({groups:,} groups, streamed in Arrow batches):")
    print(describe("ordered (the default)", r_a[True], n))
    print(describe("unordered (order=False)", r_a[False], n))
    print(f"peak memory (RSS) of the process: {peak_rss_mib():,.0f} MiB; {load()}")
    con.disconnect()

    if args.spark:
        from ccecon.data.metrics import interactions_table

        scon, st = interactions_table(str(path), "spark", master="local[2]")
        srates = scon.create_table(
            "bench_rates", ibis.memtable({"queue": list(RATES), "rate": list(RATES.values())})
        )
        w, c, sp = timed(lambda: ccecon_expr(st, srates).to_pyarrow())
        assert_same(a, sp.cast(a.schema), "queue x day: DuckDB vs Spark")
        print("Spark local[2], same expression (reference; results equal to DuckDB's):")
        print(describe("ccecon Ibis on Spark", [(w, c)], n) + " (CPU: the driver only)")
        scon.disconnect()


if __name__ == "__main__":
    main()
