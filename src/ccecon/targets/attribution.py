"""Attribution of sales to agents, teams, supervisors and managers.

The org hierarchy is effective-dated: each row says that from ``valid_from`` to
``valid_to`` (inclusive; empty = still valid) an agent sat in a team under a supervisor
and a manager. Every sale counts once, for the agent, in the team the agent was in **on the
sale's date**, and rolls up exactly: the sum over teams equals the sum over agents equals
the total. Overlapping rows for one agent are an error (which team would count?). A sale on
a date with no hierarchy row is kept under ``(unassigned)`` and counted, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ccecon.errors import InputError

LEVELS = ("agent", "team", "supervisor", "manager")
UNASSIGNED = "(unassigned)"


def check_hierarchy(h: pd.DataFrame) -> pd.DataFrame:
    """Validate and normalize an effective-dated hierarchy; raise on overlaps."""
    missing = [c for c in (*LEVELS, "valid_from") if c not in h.columns]
    if missing:
        raise InputError(
            "hierarchy is missing column(s) " + ", ".join(missing),
            field="hierarchy",
            value=list(h.columns),
        )
    h = h.copy()
    if "valid_to" not in h.columns:
        h["valid_to"] = None
    h["valid_from"] = pd.to_datetime(h["valid_from"], errors="coerce")
    far = pd.Timestamp("2262-01-01")  # "still valid": beyond any sale date
    h["valid_to"] = pd.to_datetime(h["valid_to"], errors="coerce")
    h["valid_to"] = h["valid_to"].where(h["valid_to"].notna(), far).astype("datetime64[ns]")
    h["valid_from"] = h["valid_from"].astype("datetime64[ns]")
    if h["valid_from"].isna().any():
        i = int(h["valid_from"].isna().to_numpy().nonzero()[0][0])
        raise InputError("expected a date", field="hierarchy.valid_from", row=i + 1)
    bad = h["valid_to"] < h["valid_from"]
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(
            "valid_to is before valid_from",
            field="hierarchy.valid_to",
            row=i + 1,
            value=str(h["valid_to"].iloc[i].date()),
        )
    h = h.sort_values(["agent", "valid_from"]).reset_index(drop=True)
    same = h["agent"].eq(h["agent"].shift())
    overlap = same & (h["valid_from"] <= h["valid_to"].shift())
    if overlap.any():
        i = int(overlap.to_numpy().nonzero()[0][0])
        raise InputError(
            f"agent {h['agent'].iloc[i]!r} has overlapping hierarchy dates: a row from"
            f" {h['valid_from'].iloc[i].date()} starts before the previous one ends"
            f" ({h['valid_to'].iloc[i - 1].date()})",
            field="hierarchy",
            value=str(h["agent"].iloc[i]),
        )
    return h


@dataclass(frozen=True)
class Attribution:
    """Sales rolled up: one table per level, and the sales with their assignment."""

    by_level: dict[str, pd.DataFrame]
    sales: pd.DataFrame
    unassigned: int

    def to_frame(self) -> pd.DataFrame:
        """All levels stacked: level, name, revenue, profit, sales."""
        return pd.concat(
            [
                df.rename(columns={lvl: "name"}).assign(level=lvl)
                for lvl, df in self.by_level.items()
            ],
            ignore_index=True,
        )[["level", "name", "revenue", "profit", "sales"]]


def attribute(sales: pd.DataFrame, hierarchy: pd.DataFrame) -> Attribution:
    """Assign each sale (columns agent, date, revenue, profit, sales) to its team of the day.

    ``sales`` is usually already aggregated per agent and day by the data store.
    """
    for c in ("agent", "date", "revenue"):
        if c not in sales.columns:
            raise InputError(f"sales need column {c!r}", field=c, value=list(sales.columns))
    s = sales.copy()
    s["date"] = pd.to_datetime(s["date"]).astype("datetime64[ns]")
    if "profit" not in s.columns:
        s["profit"] = 0.0
    if "sales" not in s.columns:
        s["sales"] = 1
    h = check_hierarchy(hierarchy)
    s = s.reset_index(drop=True)
    s["_row"] = s.index
    merged = pd.merge_asof(
        s.sort_values("date"),
        h.sort_values("valid_from"),
        left_on="date",
        right_on="valid_from",
        by="agent",
        direction="backward",
    )
    ok = merged["valid_from"].notna() & (merged["date"] <= merged["valid_to"])
    for lvl in LEVELS[1:]:
        merged[lvl] = merged[lvl].where(ok, UNASSIGNED)
    merged = merged.sort_values("_row").drop(columns=["_row"]).reset_index(drop=True)
    assert len(merged) == len(s)
    by_level = {
        lvl: merged.groupby(lvl, sort=True, dropna=False)[["revenue", "profit", "sales"]]
        .sum()
        .reset_index()
        for lvl in LEVELS
    }
    return Attribution(by_level=by_level, sales=merged, unassigned=int((~ok).sum()))
