"""The documents of a targets file: the plan (what ``ccecon targets plan`` and the web API
show) and the tracking against a store (``ccecon targets track``)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from ccecon.targets.spec import TargetsFile
    from ccecon.targets.track import Tracking


def _number(v: Any, decimals: int = 0) -> str:
    """A figure for people (thousands separators), or "n/a" for a missing one."""
    if v is None or v != v:  # None or NaN
        return "n/a"
    return f"{float(v):,.{decimals}f}"


@dataclass(frozen=True)
class TargetsPlan:
    """A decomposed goal: what ``ccecon targets plan`` prints.

    Attributes
    ----------
    level : str
        The level of ``rows`` (quarter, month, week, day, half_day or year).
    rows : tuple of dict
        One per period: ``period``, ``start``, ``end``, ``target`` (in the goal's
        unit), ``locked``; at month level with actuals also ``actual`` and ``replanned``.
    doc : Mapping
        The JSON document: ``name``, ``metric``, ``unit``, ``goal``, ``weeks``,
        ``periods`` and, with actuals, ``replan`` (actual and planned to date, gap, run
        rate, the months re-planned).
    """

    level: str
    rows: tuple[dict[str, object], ...]
    doc: Mapping[str, Any]

    def __repr__(self) -> str:
        """The goal, its periods and (with actuals) the gap in one line."""
        d = self.doc
        gap = ""
        if "replan" in d:
            rp = d["replan"]
            gap = (
                f"; actual to date {_number(rp['actual_to_date'])},"
                f" planned {_number(rp['planned_to_date'])}, gap {_number(rp['gap'])}"
            )
        return (
            f"<TargetsPlan {d['name']!r}: {d['metric']} goal {_number(d['goal'])} {d['unit']}"
            f" over {d['weeks']} weeks, {len(self.rows)} {self.level} rows{gap}>"
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON-able document (``ccecon targets plan --format json``)."""
        from ccecon.documents import jsonable

        return dict(jsonable(copy.deepcopy(dict(self.doc))))

    def to_frame(self) -> pd.DataFrame:
        """The rows as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(list(self.rows))


@dataclass(frozen=True)
class TargetsTracking:
    """Target against actual per fiscal month: what ``ccecon targets track`` prints.

    Attributes
    ----------
    doc : Mapping
        ``name``, ``metric``, ``months`` (per fiscal month: ``period``, ``start``,
        ``end``, ``target``, ``actual``, ``cum_target``, ``cum_actual``, ``gap``, in the
        goal's unit; a month after the records is empty) and, when attributed,
        ``attribution`` (``level``, ``rows``, ``unassigned_days``).
    unit : str
        The goal's unit.
    tracking : Tracking
        The month table (for :func:`ccecon.targets.charts.burnup_figure`).
    """

    doc: Mapping[str, Any]
    unit: str
    tracking: Tracking = field(repr=False)

    def __repr__(self) -> str:
        """Months with actuals, the actual and the target to date, the gap."""
        months = self.doc["months"]
        seen = [m for m in months if m.get("cum_actual") == m.get("cum_actual")]
        seen = [m for m in seen if m.get("cum_actual") is not None]
        head = f"<TargetsTracking {self.doc['name']!r} ({self.doc['metric']}, {self.unit})"
        if not seen:
            return f"{head}: no actuals in the fiscal year's {len(months)} months>"
        last = seen[-1]
        return (
            f"{head}: {len(seen)} of {len(months)} months, to {last['period']}: actual"
            f" {_number(last['cum_actual'])} vs target {_number(last['cum_target'])},"
            f" gap {_number(last['gap'])}>"
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON-able document (``ccecon targets track --format json``; an empty
        month's figures are null)."""
        from ccecon.documents import jsonable

        return dict(jsonable(copy.deepcopy(dict(self.doc))))

    def to_frame(self, table: str = "months") -> pd.DataFrame:
        """``months`` (default) or ``attribution`` (per member of the level) as a
        DataFrame."""
        import pandas as pd

        from ccecon.errors import InputError

        if table == "months":
            return pd.DataFrame(list(self.doc["months"]))
        if table == "attribution" and "attribution" in self.doc:
            return pd.DataFrame(list(self.doc["attribution"]["rows"]))
        raise InputError(
            "expected months, or attribution for a tracking made with by=",
            field="table",
            value=table,
        )


def plan_document(
    spec: TargetsFile, level: str, field: str = "level"
) -> tuple[list[dict[str, object]], dict[str, object]]:
    """The rows and the JSON document of ``ccecon targets plan`` (also the web API's).

    Parameters
    ----------
    spec : TargetsFile
        A validated targets file.
    level : str
        Rows to list: year, quarter, month, week, day or half_day.
    field : str
        How an error names the level (``--level`` on the command line, ``level`` in the
        web API).

    Returns
    -------
    tuple
        The rows of the level (period, start, end, target, locked; with actuals and
        ``level="month"`` also actual and replanned) and the whole document.
    """
    from ccecon.errors import InputError
    from ccecon.targets.decompose import replan

    levels = ("year", "quarter", "month", "week", "day", "half_day")
    if level not in levels:
        raise InputError("unknown level; expected " + ", ".join(levels), field=field, value=level)
    depth = level if level in ("quarter", "month", "week", "day", "half_day") else "month"
    plan = spec.plan(depth=depth)
    rows = plan.level(level)
    out: list[dict[str, object]] = [
        {
            "period": str(p),
            "start": str(a),
            "end": str(b),
            "target": float(v),
            "locked": bool(lk),
        }
        for p, a, b, v, lk in zip(
            rows["period"],
            rows["start"],
            rows["end"],
            rows["amount"].astype(float).tolist(),
            rows["locked"],
            strict=True,
        )
    ]
    data: dict[str, object] = {
        "name": spec.name,
        "metric": spec.metric,
        "unit": spec.unit,
        "goal": spec.goal,
        "weeks": spec.fiscal_year().n_weeks,
        "periods": out,
    }
    if spec.actuals:
        rp = replan(spec.plan(depth="month"), spec.actuals)
        data["replan"] = {
            "actual_to_date": rp.actual_to_date,
            "planned_to_date": rp.planned_to_date,
            "gap": rp.gap,
            "run_rate": rp.run_rate,
            "months": rp.table.where(rp.table.notna(), None).to_dict(orient="records"),
        }
        if level == "month":
            actual = rp.table["actual"].astype(float).tolist()
            again = rp.table["replanned"].astype(float).tolist()
            for row, a, rv in zip(out, actual, again, strict=True):
                row["actual"] = None if a != a else a  # NaN: an open month
                row["replanned"] = rv
    return out, data


def track_document(
    spec: TargetsFile,
    store: str | Path,
    by: str | None = None,
    *,
    source: str = "<targets>",
    field: str = "by",
) -> tuple[list[dict[str, object]], dict[str, object], Tracking]:
    """The rows, the JSON document and the tracking of ``ccecon targets track``.

    Parameters
    ----------
    spec : TargetsFile
        A validated targets file.
    store : str or Path
        The actuals store (DuckDB) whose interactions carry the metric (revenue,
        profit, sales).
    by : {"agent", "team", "supervisor", "manager"} or None
        Also attribute the actuals to this level of the file's ``hierarchy``.
    source : str
        The targets file's name, for errors.
    field : str
        How an error names ``by`` (``--by`` on the command line).

    Returns
    -------
    tuple
        The rows (per fiscal month: period, start, end, target, actual, cumulative
        target and actual, gap, in the goal's unit; with ``by``: per member of the
        level), the document (``name``, ``metric``, ``months``, ``attribution``) and the
        :class:`~ccecon.targets.track.Tracking` (for the burn-up chart).
    """
    import pandas as pd

    from ccecon.errors import InputError
    from ccecon.targets.attribution import LEVELS, attribute
    from ccecon.targets.track import daily_actuals, track

    metric = spec.metric
    daily = daily_actuals(store, metric)
    tr = track(spec.plan(depth="month"), daily, metric)
    rows = [
        {str(k): v for k, v in r.items()}
        for r in tr.table.assign(
            start=tr.table["start"].astype(str), end=tr.table["end"].astype(str)
        ).to_dict(orient="records")
    ]
    data: dict[str, object] = {"name": spec.name, "metric": metric, "months": rows}
    if by is not None:
        if by not in LEVELS:
            raise InputError("expected agent, team, supervisor or manager", field=field, value=by)
        if not spec.hierarchy:
            raise InputError(
                "attribution needs a hierarchy in the targets file",
                file=source,
                field="hierarchy",
            )
        h = pd.DataFrame([r.model_dump() for r in spec.hierarchy])
        # agent-days with nothing to attribute (calls without a sale, abandoned calls
        # that reached no agent) would only add empty rows
        worth = (daily["revenue"] != 0) | (daily["profit"] != 0) | (daily["sales"] != 0)
        att = attribute(daily[worth], h)
        lvl = att.by_level[by]
        rows = [{str(k): v for k, v in r.items()} for r in lvl.to_dict(orient="records")]
        data["attribution"] = {"level": by, "rows": rows, "unassigned_days": att.unassigned}
    return rows, data, tr
