"""The plan document of a targets file: what ``ccecon targets plan`` and the web API show."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ccecon.targets.spec import TargetsFile


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
