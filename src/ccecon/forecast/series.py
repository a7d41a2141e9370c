"""History series from the actuals store: contacts and AHT per series and period.

The aggregation runs in DuckDB (one ``GROUP BY`` over ``interactions``); only the
aggregated series (a few thousand rows per series at most) reach Python, so the size of
the log does not matter.

Definitions (as the metrics, docs/data.md): a contact counts when it was offered to a
queue (``outcome`` queued or NULL: self-service, blocked and failed attempts are not
work for agents); AHT is (talk + hold + after-contact work) / answered contacts, seconds.
Periods: ``day`` (calendar day of ``arrival_ts``), ``week`` (ISO week, labelled by its
Monday), ``month`` (calendar month, labelled by its first day).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccecon.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

GRAINS = {"day": "day", "week": "week", "month": "month"}
"""Grain -> DuckDB ``date_trunc`` part."""

KEYS = ("queue", "channel")
"""Columns a series may be keyed by."""

SEASON = {"day": 7, "week": 52, "month": 12}
"""The main season (periods per cycle) of each grain: a week of days, a year of weeks or
months."""


@dataclass(frozen=True)
class History:
    """Per series and period: ``contacts`` (offered), ``aht_s`` (NaN without answered
    contacts), in a long table with columns ``unique_id``, ``ds`` (period start), ``y``
    (contacts), ``aht_s``, ``answered``; plus the keys' values per series."""

    frame: pd.DataFrame
    grain: str
    by: tuple[str, ...]
    first: str
    last: str
    partial_left_out: int = 0


def read_history(store: str | Path, by: tuple[str, ...], grain: str) -> History:
    """Contacts and AHT per series and period from the store's ``interactions`` table.

    Parameters
    ----------
    store : path
        The DuckDB file written by ``ccecon ingest``.
    by : tuple of str
        Series keys, each ``queue`` or ``channel`` (empty: one series, the whole center).
    grain : str
        ``day``, ``week`` or ``month``.

    Returns
    -------
    History
        Every series with every period between its first and last contact (periods
        without a contact are 0 contacts); a first or last week or month the records do
        not cover whole is left out (counted in ``partial_left_out``).
    """
    import duckdb

    if grain not in GRAINS:
        raise InputError("expected day, week or month", field="grain", value=grain, file=str(store))
    for k in by:
        if k not in KEYS:
            raise InputError(f"a series is keyed by {' and/or '.join(KEYS)}", field="by", value=k)
    path = Path(store)
    if not path.is_file():
        raise InputError("no such store: run `ccecon ingest` first", file=str(store))
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = {
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        if "interactions" not in tables:
            raise InputError("the store has no interactions table", file=str(store))
        key_sql = ", ".join(f"coalesce({k}, '')" for k in by) if by else "'all'"
        uid = " || ' / ' || ".join(f"coalesce({k}, '(none)')" for k in by) if by else "'all'"
        period = f"date_trunc('{GRAINS[grain]}', arrival_ts)::DATE"
        sql = f"""
            SELECT {uid} AS unique_id, {period} AS ds,
                   count(*)::DOUBLE AS y,
                   sum(CASE WHEN answer_ts IS NOT NULL THEN 1 ELSE 0 END)::DOUBLE AS answered,
                   sum(CASE WHEN answer_ts IS NOT NULL
                            THEN coalesce(talk_s, 0) + coalesce(hold_s, 0) + coalesce(acw_s, 0)
                            ELSE 0 END) AS handle_s
            FROM interactions
            WHERE (outcome IS NULL OR outcome = 'queued') AND arrival_ts IS NOT NULL
            GROUP BY {key_sql}, unique_id, ds
            ORDER BY unique_id, ds
        """
        frame = con.execute(sql).df()
        span = con.execute(
            f"""
            SELECT {uid} AS unique_id, min(arrival_ts)::DATE, max(arrival_ts)::DATE
            FROM interactions
            WHERE (outcome IS NULL OR outcome = 'queued') AND arrival_ts IS NOT NULL
            GROUP BY unique_id
            """
        ).fetchall()
    finally:
        con.close()
    if frame.empty:
        raise InputError("the store holds no offered contacts to forecast", file=str(store))
    frame = _fill_periods(frame, grain)
    frame, dropped = _complete_periods(frame, grain, {str(u): (a, b) for u, a, b in span})
    import numpy as np

    with np.errstate(divide="ignore", invalid="ignore"):
        frame["aht_s"] = np.where(
            frame["answered"] > 0, frame["handle_s"] / frame["answered"], np.nan
        )
    first, last = frame["ds"].min(), frame["ds"].max()
    return History(
        frame[["unique_id", "ds", "y", "aht_s", "answered"]],
        grain,
        tuple(by),
        f"{first:%Y-%m-%d}",
        f"{last:%Y-%m-%d}",
        dropped,
    )


def _complete_periods(
    frame: pd.DataFrame, grain: str, span: dict[str, tuple[Any, Any]]
) -> tuple[pd.DataFrame, int]:
    """Leave out each series' first and last week or month when the records do not cover
    all of it (a history that starts on the 17th would read as a quiet month and bend
    the forecast); days are always whole. Returns the frame and how many were left out."""
    import pandas as pd

    if grain == "day":
        return frame, 0
    keep = []
    dropped = 0
    for uid, g in frame.groupby("unique_id", sort=True):
        first_day, last_day = (pd.Timestamp(x) for x in span[str(uid)])
        g = g.sort_values("ds")
        starts = pd.to_datetime(g["ds"])
        step = pd.Timedelta(days=6) if grain == "week" else pd.offsets.MonthEnd(0)
        ends = starts + step
        whole = (starts >= first_day) & (ends <= last_day)
        dropped += int((~whole).sum())
        keep.append(g[whole.to_numpy()])
    out = pd.concat(keep, ignore_index=True) if keep else frame.iloc[0:0]
    if out.empty:
        raise InputError(
            f"the records cover no whole {grain}: forecast by day, or ingest more history"
        )
    return out, dropped


def _fill_periods(frame: pd.DataFrame, grain: str) -> pd.DataFrame:
    """Every period of each series between its first and last, zeros where nothing came."""
    import pandas as pd

    freq = {"day": "D", "week": "W-MON", "month": "MS"}[grain]
    parts = []
    for uid, g in frame.groupby("unique_id", sort=True):
        g = g.set_index(pd.to_datetime(g["ds"]))
        full = pd.date_range(g.index.min(), g.index.max(), freq=freq)
        g = g.reindex(full)
        g["unique_id"] = uid
        g[["y", "answered", "handle_s"]] = g[["y", "answered", "handle_s"]].fillna(0.0)
        g["ds"] = g.index
        parts.append(g.reset_index(drop=True))
    return pd.concat(parts, ignore_index=True)


def freq_of(grain: str) -> str:
    """The pandas frequency of a grain (weeks start on Monday, months on the 1st)."""
    return {"day": "D", "week": "W-MON", "month": "MS"}[grain]


def interval_profile(store: str | Path, interval_minutes: int = 30) -> dict[str, Any]:
    """The week's shape measured from the store, as the staffing section takes it.

    ``weekly_profile``: each weekday's share of the week's offered contacts (Monday
    first); ``intraday_profile``: each interval's share of a day's contacts, averaged over
    the days, from ``open_hour`` to ``close_hour`` (the first and last hours holding at
    least 0.5 % of the contacts). The staffing model takes the week as the product of the
    two (every day the same intraday shape), so that is what is measured; ``shares`` keeps
    the full week-by-interval table for a reader who wants more.
    """
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    try:
        rows = con.execute(
            f"""
            SELECT isodow(arrival_ts) - 1 AS dow,
                   (extract(hour FROM arrival_ts) * 60 + extract(minute FROM arrival_ts))
                       // {int(interval_minutes)} AS slot,
                   count(*)::DOUBLE AS n
            FROM interactions
            WHERE (outcome IS NULL OR outcome = 'queued') AND arrival_ts IS NOT NULL
            GROUP BY dow, slot
            """
        ).fetchall()
    finally:
        con.close()
    per_day = 24 * 60 // interval_minutes
    table = [[0.0] * per_day for _ in range(7)]
    for dow, slot, n in rows:
        table[int(dow)][int(slot)] += float(n)
    total = sum(map(sum, table))
    if total <= 0:
        raise InputError("the store holds no offered contacts to profile", file=str(store))
    weekly = [sum(day) / total for day in table]
    by_slot = [sum(table[d][s] for d in range(7)) / total for s in range(per_day)]
    busy = [s for s, v in enumerate(by_slot) if v >= 0.005 / (60 / interval_minutes)]
    first, last = (busy[0], busy[-1]) if busy else (0, per_day - 1)
    per_hour = 60 // interval_minutes
    first -= first % per_hour
    last += per_hour - 1 - last % per_hour
    intraday = by_slot[first : last + 1]
    s = sum(intraday)
    return {
        "interval_minutes": interval_minutes,
        "open_hour": first // per_hour,
        "close_hour": (last + 1) // per_hour,
        "weekly_profile": [round(w * 7, 4) for w in weekly],
        "intraday_profile": [round(v / s * len(intraday), 4) for v in intraday],
        "outside_open_hours_share": round(1.0 - s, 6),
    }


def read_events(path: str | Path) -> dict[str, float]:
    """Holidays and known events: a CSV with ``date`` (YYYY-MM-DD) and ``factor`` (the
    day's volume over a normal day's: 0 = closed, 1.5 = a campaign day), per row.

    Errors name the file, row and value; a factor must be finite and at least 0.
    """
    import csv
    import datetime as dt
    import math

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the events file: {exc}", file=str(p)) from None
    rows = list(csv.DictReader(text.splitlines()))
    if not rows or not {"date", "factor"} <= set(rows[0]):
        raise InputError("expected the columns date and factor", file=str(p))
    out: dict[str, float] = {}
    for i, row in enumerate(rows, start=2):
        try:
            day = dt.date.fromisoformat(str(row["date"]).strip())
        except ValueError:
            raise InputError(
                "expected a date YYYY-MM-DD", file=str(p), row=i, field="date", value=row["date"]
            ) from None
        try:
            factor = float(str(row["factor"]).strip())
        except ValueError:
            factor = math.nan
        if not math.isfinite(factor) or factor < 0:
            raise InputError(
                "expected a factor of at least 0 (0 = closed, 1 = a normal day)",
                file=str(p),
                row=i,
                field="factor",
                value=row["factor"],
            )
        out[day.isoformat()] = factor
    return out


def period_factors(events: dict[str, float], periods: Any, grain: str) -> Any:
    """Each period's volume factor from the day factors in it: for a day, the day's
    factor; for a week or month, ``1 + sum(factor - 1) / days in the period`` (an event day
    moves its period by its share of the days)."""
    import pandas as pd

    idx = pd.to_datetime(pd.Series(periods))
    out = pd.Series(1.0, index=idx.index)
    for day, f in events.items():
        d = pd.Timestamp(day)
        if grain == "day":
            out[idx == d] *= f
            continue
        start = d - pd.Timedelta(days=d.weekday()) if grain == "week" else d.replace(day=1)
        days = 7 if grain == "week" else d.days_in_month
        out[idx == start] += (f - 1.0) / days
    return out.to_numpy()
