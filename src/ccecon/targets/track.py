"""Target versus actual from the actuals store (a DuckDB file), aggregated inside DuckDB.

The ``interactions`` table (see docs/data.md) is grouped by agent and day with Ibis; only
that aggregate reaches pandas, never the log. Sales are the rows with ``sale`` true;
the metric is the sum of ``revenue`` or ``profit`` (or the count of sales or calls).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ccecon.errors import InputError
from ccecon.targets.decompose import Plan


def daily_actuals(path: str | Path, metric: str) -> pd.DataFrame:
    """Per agent and day: revenue, profit (0 when the store has none), sales, calls."""
    import ibis

    p = Path(path)
    if not p.is_file():
        raise InputError("actuals store not found", file=str(p))
    con = ibis.duckdb.connect(str(p), read_only=True)
    if "interactions" not in con.list_tables():
        raise InputError(
            "no 'interactions' table: ingest records first (ccecon ingest)", file=str(p)
        )
    t = con.table("interactions")
    cols = set(t.columns)
    for c in ("agent", "arrival_ts"):
        if c not in cols:
            raise InputError(f"the interactions table has no column {c!r}", file=str(p))
    if metric == "profit" and (
        "profit" not in cols or int(t.filter(t.profit.notnull()).count().execute()) == 0
    ):
        con.disconnect()
        raise InputError(
            "the goal is profit but no contact in the store has a profit (the interactions'"
            " profit column); set metric: revenue, or ingest records with profit (ccecon"
            " synth writes it)",
            file=str(p),
            field="metric",
        )
    is_sale = t.sale.cast("boolean").fill_null(False) if "sale" in cols else ibis.literal(False)
    rev = t.revenue.cast("float64").fill_null(0.0) if "revenue" in cols else ibis.literal(0.0)
    prof = t.profit.cast("float64").fill_null(0.0) if "profit" in cols else ibis.literal(0.0)
    m = t.mutate(date=t.arrival_ts.date(), _sale=is_sale, _rev=rev, _prof=prof)
    agg = m.group_by(["agent", "date"]).aggregate(
        revenue=m._rev.sum(),
        profit=m._prof.sum(),
        sales=m._sale.cast("int64").sum(),
        calls=m.count(),
    )
    out = agg.to_pandas()
    con.disconnect()
    out["date"] = pd.to_datetime(out["date"])
    out["agent"] = out["agent"].fillna("(no agent)")
    return out


@dataclass(frozen=True)
class Tracking:
    """Month by month: target, actual, cumulative both, and the gap."""

    table: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """Columns period, start, end, target, actual, cum_target, cum_actual, gap."""
        return self.table


def track(plan: Plan, daily: pd.DataFrame, metric: str) -> Tracking:
    """Actuals summed into the plan's fiscal months, against the targets.

    A month that starts after the last day of the records has not happened (as far as the
    store knows): its actual, cumulative actual and gap are empty (NaN), not 0; a month
    the records end in is summed over the days they have.
    """
    months = plan.level("month")
    value = daily[metric] if metric in daily.columns else daily["revenue"]
    last = daily["date"].max() if len(daily) else None
    rows = []
    for _, m in months.iterrows():
        start, end = pd.Timestamp(m["start"]), pd.Timestamp(m["end"])
        mask = (daily["date"] >= start) & (daily["date"] <= end)
        happened = last is not None and not pd.isna(last) and start <= last
        rows.append(
            {
                "period": m["period"],
                "start": m["start"],
                "end": m["end"],
                "target": float(m["amount"]),
                "actual": float(value[mask].sum()) if happened else float("nan"),
            }
        )
    t = pd.DataFrame(rows)
    t["cum_target"] = t["target"].cumsum()
    t["cum_actual"] = t["actual"].cumsum(skipna=False)
    t["gap"] = t["cum_target"] - t["cum_actual"]
    return Tracking(table=t)
