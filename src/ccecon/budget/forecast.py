"""The forecast behind a budget, with its prediction intervals, beside the actuals.

``ccecon forecast --out`` writes, beside the scenario channels, a ``forecast`` section:
each series' contacts by calendar month, the mean and the bounds of its prediction
interval (:func:`ccecon.forecast.fragment.monthly_bands`). ``budget plan --forecast``
copies that section into the budget document; ``budget track`` (or ``budget track
--forecast F``, a newer forecast) puts each series' actual contacts beside it, counted as
the forecast counts them (:func:`ccecon.forecast.series.read_history`: contacts offered to
a queue, months the records cover whole), and how many of the months with an actual fell
inside the interval.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ccecon.errors import InputError


def _finite(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def check_section(section: Any, where: str, field: str = "forecast") -> dict[str, Any]:
    """A forecast section, checked: errors name the file, the field and the value."""
    if not isinstance(section, dict):
        raise InputError(
            "expected the forecast's months and intervals (a mapping)",
            file=where,
            field=field,
            value=section,
        )
    level: Any = section.get("level")
    if not _finite(level) or not 0 < level < 100:
        raise InputError(
            "expected the interval's level, a percent between 0 and 100",
            file=where,
            field=f"{field}.level",
            value=level,
        )
    by = section.get("by", [])
    if not isinstance(by, list) or not all(k in ("queue", "channel") for k in by):
        raise InputError(
            "expected the series keys, queue and/or channel",
            file=where,
            field=f"{field}.by",
            value=by,
        )
    series = section.get("series")
    if not isinstance(series, list) or not series:
        raise InputError(
            "expected a list of series", file=where, field=f"{field}.series", value=series
        )
    out = []
    for i, s in enumerate(series):
        at = f"{field}.series[{i}]"
        if not isinstance(s, dict) or not isinstance(s.get("series"), str):
            raise InputError("expected a series with its name", file=where, field=at, value=s)
        months = s.get("months")
        if not isinstance(months, list) or not months:
            raise InputError(
                "expected the forecast months", file=where, field=f"{at}.months", value=months
            )
        rows = []
        for j, m in enumerate(months):
            mat = f"{at}.months[{j}]"
            month = m.get("month") if isinstance(m, dict) else None
            if not (
                isinstance(month, str)
                and len(month) == 7
                and month[4] == "-"
                and month[:4].isdigit()
                and month[5:].isdigit()
                and 1 <= int(month[5:]) <= 12
            ):
                raise InputError(
                    "expected a month, YYYY-MM", file=where, field=f"{mat}.month", value=month
                )
            for key in ("mean", "lo", "hi"):
                if not _finite(m.get(key)) or m[key] < 0:
                    raise InputError(
                        "expected a finite number of contacts, at least 0",
                        file=where,
                        field=f"{mat}.{key}",
                        value=m.get(key),
                    )
            if not m["lo"] <= m["mean"] <= m["hi"]:
                raise InputError(
                    "expected lo <= mean <= hi",
                    file=where,
                    field=mat,
                    value=f"lo {m['lo']}, mean {m['mean']}, hi {m['hi']}",
                )
            rows.append(
                {
                    "month": month,
                    "mean": float(m["mean"]),
                    "lo": float(m["lo"]),
                    "hi": float(m["hi"]),
                }
            )
        out.append({"series": s["series"], "model": str(s.get("model", "")), "months": rows})
    return {
        "target": "contacts",
        "level": level,
        "grain": str(section.get("grain", "month")),
        "by": list(by),
        "store": str(section.get("store", "")),
        "series": out,
    }


def read_fragment(path: str | Path, *, required: bool = True) -> dict[str, Any] | None:
    """The checked ``forecast`` section of a ``ccecon forecast --out`` file; None when it
    has none and ``required`` is false (a fragment written before the section existed)."""
    import yaml

    from ccecon.scenario.load import read_limited

    p = Path(path)
    where = str(p)
    if not p.is_file():
        raise InputError("file not found; expected `ccecon forecast --out`", file=where)
    try:
        doc = yaml.safe_load(read_limited(p).decode("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"not a readable YAML file: {str(exc)[:200]}", file=where) from None
    if isinstance(doc, dict) and "forecast" not in doc and not required:
        return None
    if not isinstance(doc, dict) or "forecast" not in doc:
        raise InputError(
            "the file has no `forecast:` section (the months with their intervals);"
            " write it again with `ccecon forecast --out`",
            file=where,
            field="forecast",
        )
    return check_section(doc["forecast"], where)


def with_actuals(section: dict[str, Any], store: str | Path) -> dict[str, Any]:
    """The section with each month's actual contacts from ``store`` (None where the
    records do not cover the month whole or the series has no contact), each series'
    months with an actual and how many fell inside the interval, and the store's actual
    months before the forecast (up to 12, for the chart's context: ``history``)."""
    from ccecon.forecast.series import read_history

    hist = read_history(store, tuple(section["by"]), "month")
    actual: dict[tuple[str, str], float] = {
        (str(u), f"{ds:%Y-%m}"): float(y)
        for u, ds, y in zip(hist.frame["unique_id"], hist.frame["ds"], hist.frame["y"], strict=True)
    }
    series = []
    for s in section["series"]:
        name = s["series"]
        first = s["months"][0]["month"]
        months = [{**m, "actual": actual.get((name, m["month"]))} for m in s["months"]]
        known = [m for m in months if m["actual"] is not None]
        inside = sum(1 for m in known if m["lo"] <= m["actual"] <= m["hi"])
        before = sorted(
            (month, y) for (u, month), y in actual.items() if u == name and month < first
        )[-12:]
        series.append(
            {
                **s,
                "months": months,
                "history": [{"month": m, "actual": y} for m, y in before],
                "months_with_actual": len(known),
                "inside_interval": inside,
            }
        )
    return {**section, "series": series}
