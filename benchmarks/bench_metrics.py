"""Benchmark: metrics per queue per day with a cost join, Ibis-on-DuckDB vs hand-written SQL.

Run: ``.venv/bin/python benchmarks/bench_metrics.py [--rows 50000000]``. Writes a synthetic
Parquet log (``ccecon synth``), then computes, in one run, the same per-queue-per-day result
(offered, answered, answered within 20 s, wait, handle, cost from a per-queue rate table)
with ccecon's Ibis expression compiled to DuckDB and with a hand-written DuckDB SQL query,
directly over the Parquet file. Prints rows/s of each, the ratio, and peak memory (RSS);
also agent x 15-minute grouping throughput.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path


def rss_mib() -> float:
    """Peak resident memory of this process so far, MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=50_000_000)
    ap.add_argument("--dir", type=Path, default=None)
    args = ap.parse_args()
    import duckdb
    import ibis

    from ccecon.data.metrics import metric_expr
    from ccecon.data.synth import synth

    folder = args.dir or Path(tempfile.mkdtemp(prefix="ccecon-bench-"))
    path = folder / "interactions.parquet"
    if not path.exists():
        t0 = time.perf_counter()
        synth(args.rows, folder, seed=1)
        print(f"synth {args.rows:,} rows: {time.perf_counter() - t0:.1f} s -> {path}")
    n = args.rows

    con = ibis.duckdb.connect()
    con.raw_sql("SET threads TO 2")
    t = con.read_parquet(str(path), table_name="interactions")
    rates = ibis.memtable(
        {"queue": ["sales", "service", "billing", "tech"], "rate": [40.0, 32.0, 30.0, 45.0]}
    )

    def ibis_run() -> int:
        m = metric_expr(t, ["queue", "day"], sl_threshold_s=20)
        joined = m.join(rates, "queue").mutate(cost=m.handle_s / 3600.0 * rates.rate)
        return len(joined.to_pyarrow())

    raw = duckdb.connect()
    raw.execute("SET threads TO 2")
    sql = f"""
    SELECT a.queue, a.day, a.offered, a.answered, a.in_sl, a.wait_s, a.handle_s,
           a.handle_s / 3600.0 * r.rate AS cost,
           a.abandoned, a.transfers, a.talk_s,
           a.in_sl / NULLIF(a.offered - a.short_ab, 0) AS service_level,
           a.abandoned / NULLIF(a.offered - a.short_ab, 0) AS abandon_rate,
           a.wait_s / NULLIF(a.answered, 0) AS asa_s,
           a.handle_s / NULLIF(a.answered, 0) AS aht_s
    FROM (
      SELECT queue, CAST(arrival_ts AS DATE) AS day, count(*) AS offered,
             count(answer_ts) AS answered,
             sum(CASE WHEN answer_ts IS NOT NULL AND queue_wait_s <= 20 THEN 1 ELSE 0 END) AS in_sl,
             sum(CASE WHEN abandoned AND queue_wait_s < 5 THEN 1 ELSE 0 END) AS short_ab,
             sum(CASE WHEN abandoned AND queue_wait_s >= 5 THEN 1 ELSE 0 END) AS abandoned,
             sum(CASE WHEN transferred THEN 1 ELSE 0 END) AS transfers,
             sum(talk_s) AS talk_s,
             sum(CASE WHEN answer_ts IS NOT NULL THEN queue_wait_s ELSE 0 END) AS wait_s,
             sum(CASE WHEN answer_ts IS NOT NULL THEN talk_s + hold_s + acw_s ELSE 0 END)
               AS handle_s
      FROM read_parquet('{path}') GROUP BY 1, 2) a
    JOIN (VALUES ('sales', 40.0), ('service', 32.0), ('billing', 30.0), ('tech', 45.0))
      AS r(queue, rate) USING (queue)
    """

    def sql_run() -> int:
        return len(raw.execute(sql).fetchall())

    def best(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return min(times)

    t_ibis = best(ibis_run)
    t_sql = best(sql_run)
    print(f"per queue per day with a cost join, {n:,} rows (best of 3):")
    print(f"  ccecon Ibis on DuckDB : {t_ibis:7.3f} s  {n / t_ibis / 1e6:6.1f} M rows/s")
    print(f"  hand-written DuckDB SQL: {t_sql:7.3f} s  {n / t_sql / 1e6:6.1f} M rows/s")
    print(f"  throughput ratio Ibis/SQL: {t_sql / t_ibis:.2f}x")

    def agent_15() -> int:
        return len(metric_expr(t, ["agent", "interval"]).to_pyarrow())

    t_a = best(agent_15, 2)
    print(f"agent x 15-minute grouping: {t_a:.3f} s, {n / t_a / 1e6:.1f} M rows/s")
    print(f"peak memory (RSS): {rss_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
