"""The forecast of a store's series: what ``ccecon forecast`` and ``cc.forecast`` run.

:func:`run_forecast` reads the history (:func:`ccecon.forecast.series.read_history`),
forecasts contacts and AHT per series (:func:`ccecon.forecast.models.forecast_frame`) and
builds the scenario fragment (:func:`ccecon.forecast.fragment.scenario_fragment`); the
command line prints the :class:`Forecast` it returns.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccecon.errors import InputError

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Forecast:
    """A store's forecast: what ``ccecon forecast --format json`` prints.

    Attributes
    ----------
    doc : Mapping
        ``store``, ``grain``, ``by``, ``history`` (first and last period, partial periods
        left out), ``level`` (percent), ``series`` (per series: ``model``, ``fallback``,
        ``backtest`` (per model: WAPE, a fraction, and MASE), ``history_periods``,
        ``forecast``: per period ``contacts``, ``lo``, ``hi`` and ``aht_s``, seconds) and
        ``fragment`` (the scenario channels, measured week and forecast section).
    """

    doc: Mapping[str, Any]

    def __repr__(self) -> str:
        """Series, grain, horizon and the history in one line."""
        d = self.doc
        n = len(d["series"])
        ahead = len(d["series"][0]["forecast"]) if n else 0
        by = ", ".join(d["by"]) or "center"
        h = d["history"]
        return (
            f"<Forecast of {n} series by {by}: {ahead} {d['grain']}s ahead,"
            f" {d['level']} % interval; history {h['first']} .. {h['last']}>"
        )

    @property
    def fragment(self) -> dict[str, Any]:
        """The scenario fragment (``channels``, ``staffing``, ``forecast``), a copy."""
        return copy.deepcopy(dict(self.doc["fragment"]))

    def to_dict(self) -> dict[str, Any]:
        """The JSON-able document (a copy)."""
        return copy.deepcopy(dict(self.doc))

    def to_frame(self) -> pd.DataFrame:
        """One row per series and period: series, model, period, contacts, lo, hi, aht_s."""
        import pandas as pd

        rows = [
            {"series": s["series"], "model": s["model"], **f}
            for s in self.doc["series"]
            for f in s["forecast"]
        ]
        cols = ["series", "model", "period", "contacts", "lo", "hi", "aht_s"]
        return pd.DataFrame(rows, columns=cols)


def run_forecast(
    store: str | Path,
    by: str | Sequence[str] = "queue",
    horizon: int = 18,
    grain: str = "month",
    level: int = 80,
    out: str | Path | None = None,
    events_path: str | Path | None = None,
) -> Forecast:
    """Contacts and AHT per series from a store, each series' model chosen by a
    rolling-origin backtest against the seasonal naive (as ``ccecon forecast``).

    Parameters
    ----------
    store : str or Path
        The DuckDB store of ``ccecon ingest``.
    by : str or sequence of str
        Series keys: ``queue``, ``channel`` or both (``"queue,channel"``); empty: the
        whole center as one series.
    horizon : int
        Periods ahead (>= 1), in ``grain`` periods.
    grain : {"month", "week", "day"}
        The period of the history and of the forecast.
    level : int
        Prediction interval, percent (50-99).
    out : str, Path or None
        Also write the scenario fragment (YAML: ``channels``, ``staffing``, ``forecast``)
        here, for a scenario or ``ccecon budget plan --forecast``.
    events_path : str, Path or None
        A CSV of holidays and known events (``date``, ``factor``: 0 closed, 1.2 = 20 %
        more contacts).

    Returns
    -------
    Forecast
        Frozen: per series the model, its backtest (WAPE, MASE) and the forecast
        (contacts, interval, AHT in seconds per period); the scenario fragment.
    """
    import os

    if isinstance(by, str):
        by = by.split(",")
    if not 50 <= level <= 99:
        raise InputError("expected a percent from 50 to 99", field="level", value=level)
    if horizon < 1:
        raise InputError("expected at least 1 period ahead", field="horizon", value=horizon)
    store = Path(store)

    from ccecon.forecast.fragment import monthly_bands, scenario_fragment
    from ccecon.forecast.models import forecast_frame
    from ccecon.forecast.series import interval_profile, read_events, read_history

    keys = tuple(k.strip() for k in by if k.strip())
    events = read_events(events_path) if events_path is not None else None
    hist = read_history(store, keys, grain)
    jobs = min(2, os.cpu_count() or 1)
    contacts = forecast_frame(
        hist.frame, grain, horizon, "contacts", level, n_jobs=jobs, events=events
    )
    aht = forecast_frame(hist.frame, grain, horizon, "aht_s", level, n_jobs=jobs)
    channel_of = {}
    if "channel" in keys:
        i = keys.index("channel")
        channel_of = {f.unique_id: f.unique_id.split(" / ")[i] for f in contacts}
    fragment = scenario_fragment(contacts, aht, channel_of, str(store))
    fragment["staffing"] = {
        k: v for k, v in interval_profile(store).items() if k != "outside_open_hours_share"
    }
    # not scenario fields: what `budget plan --forecast` and `budget track` chart
    fragment["forecast"] = {
        "target": "contacts",
        "level": level,
        "grain": grain,
        "by": list(keys),
        "store": str(store),
        "history": {"first": hist.first, "last": hist.last},
        "series": monthly_bands(contacts, grain),
    }
    doc = {
        "store": str(store),
        "grain": grain,
        "by": list(keys),
        "history": {
            "first": hist.first,
            "last": hist.last,
            "partial_periods_left_out": hist.partial_left_out,
        },
        "level": level,
        "series": [
            {
                "series": c.unique_id,
                "model": c.model,
                "fallback": c.fallback,
                "backtest": c.backtest,
                "history_periods": c.history_periods,
                "forecast": [
                    {"period": d, "contacts": m, "lo": lo, "hi": hi, "aht_s": am}
                    for d, m, lo, hi, am in zip(
                        c.ds,
                        c.mean,
                        c.lo,
                        c.hi,
                        _aht_for(aht, c.unique_id, len(c.ds)),
                        strict=True,
                    )
                ],
            }
            for c in contacts
        ],
        "fragment": fragment,
    }
    if out is not None:
        _write_fragment(Path(out), fragment, doc)
    return Forecast(doc)


def _aht_for(aht: list[Any], uid: str, n: int) -> list[float | None]:
    for a in aht:
        if a.unique_id == uid:
            return list(a.mean)
    return [None] * n


def _write_fragment(out: Path, fragment: dict[str, Any], doc: dict[str, Any]) -> None:
    import yaml

    head = (
        f"# Channels forecast from {doc['store']} ({doc['grain']}, history"
        f" {doc['history']['first']} .. {doc['history']['last']}) by ccecon forecast.\n"
        "# Paste `channels` (and `staffing` for its measured week) into a scenario;"
        " per_month is a range from the\n"
        f"# forecast's {doc['level']} % prediction interval. `forecast` (the months with"
        " their interval) is for\n# `ccecon budget plan --forecast` and"
        " `ccecon budget track --forecast`; it is not a scenario field.\n"
    )
    out.write_text(
        head + yaml.safe_dump(fragment, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
