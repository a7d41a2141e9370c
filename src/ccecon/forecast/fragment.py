"""A forecast as scenario channels: volumes as ranges, AHT and growth from the forecast.

For each series, the forecast is summed into calendar months (a day or week that spans two
months is counted in the month it starts in). Plan year 1 is the first 12 forecast
months (fewer when the horizon is shorter):

* ``per_month``: a truncated normal (at least 0) whose mean is the average forecast month
  of plan year 1 and whose standard deviation comes from the forecast's prediction
  interval: each period's interval half-width over the normal quantile of its level gives
  that period's sd, periods are taken as independent within a month (sds added in
  quadrature) and the year's months as one average (the sd of a mean of 12 months). So a
  Monte Carlo run of the scenario draws a plan-year-1 volume as uncertain as the forecast
  says;
* ``growth``: the forecast's average month of months 13-24 over that of months 1-12,
  minus 1, when the horizon reaches month 24; else the slope of a line through the monthly
  forecast, times 12, over its mean (a yearly rate);
* ``aht_s``: the AHT forecast's mean over plan year 1.

The channel's kind follows the series' channel (voice -> voice_inbound, chat, email,
anything else -> other); its name is the series id made a valid name.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from ccecon.forecast.models import SeriesForecast

KINDS = {"voice": "voice_inbound", "chat": "chat", "email": "email", "messaging": "chat"}


def _z(level: int) -> float:
    from statistics import NormalDist

    return NormalDist().inv_cdf(0.5 + level / 200.0)


def monthly(fc: SeriesForecast) -> list[tuple[str, float, float]]:
    """(month, mean, sd) of the forecast summed by calendar month."""
    z = _z(fc.level)
    months: dict[str, list[float]] = {}
    for ds, mean, lo, hi in zip(fc.ds, fc.mean, fc.lo, fc.hi, strict=True):
        key = ds[:7]
        acc = months.setdefault(key, [0.0, 0.0])
        acc[0] += mean
        acc[1] += ((hi - lo) / (2.0 * z)) ** 2
    return [(k, v[0], math.sqrt(v[1])) for k, v in sorted(months.items())]


def _name(uid: str) -> str:
    """A channel name from a series id: letters, digits and underscores; never a
    built-in driver's name (``sales`` -> ``sales_queue``)."""
    from ccecon.scenario.schema import BUILTIN_DRIVERS

    name = re.sub(r"[^0-9A-Za-z_]+", "_", uid).strip("_").lower() or "series"
    name = name if not name[0].isdigit() else f"q_{name}"
    return f"{name}_queue" if name in BUILTIN_DRIVERS else name


def scenario_fragment(
    contacts: Sequence[SeriesForecast],
    aht: Sequence[SeriesForecast],
    channel_of: dict[str, str],
    source: str,
) -> dict[str, Any]:
    """``channels`` (and a note of where they come from) for a scenario file."""
    by_aht = {f.unique_id: f for f in aht}
    channels = []
    for fc in contacts:
        months = monthly(fc)
        year1 = months[:12]
        if not year1:
            continue
        mean = sum(m for _, m, _ in year1) / len(year1)
        sd = math.sqrt(sum(s * s for _, _, s in year1)) / len(year1)
        if len(months) >= 24:
            year2 = months[12:24]
            growth = (sum(m for _, m, _ in year2) / 12) / mean - 1.0 if mean > 0 else 0.0
        elif len(months) >= 3 and mean > 0:
            xs = list(range(len(months)))
            ys = [m for _, m, _ in months]
            xbar, ybar = sum(xs) / len(xs), sum(ys) / len(ys)
            slope = sum((x - xbar) * (y - ybar) for x, y in zip(xs, ys, strict=True)) / sum(
                (x - xbar) ** 2 for x in xs
            )
            growth = slope * 12.0 / ybar if ybar > 0 else 0.0
        else:
            growth = 0.0
        growth = max(-0.9, min(growth, 10.0))
        a = by_aht.get(fc.unique_id)
        in_year1 = {k for k, _, _ in year1}
        ahts = [v for d, v in zip(a.ds, a.mean, strict=True) if d[:7] in in_year1] if a else []
        aht_s = sum(ahts) / len(ahts) if ahts else 300.0
        per_month: Any = round(mean, 1)
        if sd > 0:
            per_month = {
                "dist": "truncnormal",
                "mean": round(mean, 1),
                "sd": round(sd, 1),
                "min": 0,
            }
        kind = KINDS.get(channel_of.get(fc.unique_id, "voice"), "other")
        channels.append(
            {
                "name": _name(fc.unique_id),
                "kind": kind,
                "per_month": per_month,
                "aht_s": round(aht_s, 1),
                "growth": round(growth, 4),
                "note": (
                    f"forecast of {fc.unique_id} from {source}: {fc.model}"
                    f" (backtest WAPE {fc.backtest[fc.model]['wape'] * 100:.1f} %),"
                    f" plan-year-1 average month, {fc.level} % interval as the range"
                ),
            }
        )
    return {"channels": channels}


def monthly_bands(contacts: Sequence[SeriesForecast], grain: str) -> list[dict[str, Any]]:
    """Each series' forecast by calendar month with its prediction interval, for a
    report to draw (the fragment's ``forecast`` section).

    A month grain keeps each period's mean and bounds as forecast. A week or day grain sums
    a month's periods (a period counted in the month it starts in): the mean is the sum of
    the means and the interval's half-width is the normal quantile of the level times the
    root of the sum of the periods' variances, each period's sd being its upper half-width
    over that quantile (the upper bound, because the lower one is cut at 0), periods taken
    as independent; the lower bound is cut at 0.
    """
    z = _z(contacts[0].level) if contacts else 1.0
    out = []
    for fc in contacts:
        if grain == "month":
            months = [
                {"month": d[:7], "mean": round(m, 1), "lo": round(lo, 1), "hi": round(hi, 1)}
                for d, m, lo, hi in zip(fc.ds, fc.mean, fc.lo, fc.hi, strict=True)
            ]
        else:
            acc: dict[str, list[float]] = {}
            for d, m, hi in zip(fc.ds, fc.mean, fc.hi, strict=True):
                a = acc.setdefault(d[:7], [0.0, 0.0])
                a[0] += m
                a[1] += (max(0.0, hi - m) / z) ** 2
            months = [
                {
                    "month": k,
                    "mean": round(v[0], 1),
                    "lo": round(max(0.0, v[0] - z * math.sqrt(v[1])), 1),
                    "hi": round(v[0] + z * math.sqrt(v[1]), 1),
                }
                for k, v in sorted(acc.items())
            ]
        out.append({"series": fc.unique_id, "model": fc.model, "months": months})
    return out
