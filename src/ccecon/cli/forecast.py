"""``ccecon forecast``: contacts and AHT per series from the records, with a backtest."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ccecon.cli.output import Format, user_errors


def forecast(
    store: Annotated[
        Path, typer.Option("--from", help="The actuals store (DuckDB) from `ccecon ingest`.")
    ],
    by: Annotated[
        str, typer.Option("--by", help="Series keys: queue, channel or queue,channel.")
    ] = "queue",
    horizon: Annotated[int, typer.Option("--horizon", help="Periods ahead.", min=1)] = 18,
    grain: Annotated[str, typer.Option("--grain", help="month, week or day.")] = "month",
    level: Annotated[
        int, typer.Option("--level", help="Prediction interval, percent.", min=50, max=99)
    ] = 80,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write a scenario fragment (channels, staffing) here."),
    ] = None,
    events: Annotated[
        Path | None,
        typer.Option(
            "--events", help="CSV of holidays and known events: date, factor (0 = closed)."
        ),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
) -> None:
    """Forecast contacts and AHT per series; the model per series is chosen by a
    rolling-origin backtest against the seasonal naive (statsforecast)."""
    with user_errors():
        doc = run_forecast(store, by, horizon, grain, level, out, events)
        _show(doc, fmt)


def register(app: typer.Typer) -> None:
    """Add ``forecast`` to ``app``."""
    app.command()(forecast)


def run_forecast(
    store: Path,
    by: str,
    horizon: int,
    grain: str,
    level: int,
    out: Path | None,
    events_path: Path | None = None,
) -> dict[str, Any]:
    """The forecast document (what ``--format json`` prints); writes ``out`` if given."""
    import os

    from ccecon.forecast.fragment import monthly_bands, scenario_fragment
    from ccecon.forecast.models import forecast_frame
    from ccecon.forecast.series import interval_profile, read_events, read_history

    keys = tuple(k.strip() for k in by.split(",") if k.strip())
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
        _write_fragment(out, fragment, doc)
    return doc


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


def _show(doc: dict[str, Any], fmt: Format) -> None:
    from ccecon.cli.output import emit, print_table

    rows = []
    for s in doc["series"]:
        best = s["backtest"][s["model"]]
        naive = s["backtest"].get("SeasonalNaive")
        first = s["forecast"][0] if s["forecast"] else {}
        rows.append(
            {
                "series": s["series"],
                "model": s["model"] + (" (fallback)" if s["fallback"] else ""),
                "backtest WAPE": "-"
                if best["wape"] != best["wape"]
                else f"{best['wape'] * 100:.1f} %",
                "seasonal naive WAPE": "-"
                if naive is None or naive["wape"] != naive["wape"]
                else f"{naive['wape'] * 100:.1f} %",
                "MASE": "-" if best["mase"] != best["mase"] else f"{best['mase']:.2f}",
                "next period": f"{first.get('contacts', 0):,.0f}",
                f"{doc['level']} % interval": (
                    f"{first.get('lo', 0):,.0f} - {first.get('hi', 0):,.0f}" if first else "-"
                ),
                "AHT (s)": "-" if first.get("aht_s") is None else f"{first['aht_s']:,.0f}",
            }
        )

    def table() -> None:
        print_table(
            rows,
            title=(
                f"Forecast by {', '.join(doc['by']) or 'center'} ({doc['grain']},"
                f" history {doc['history']['first']} .. {doc['history']['last']})"
            ),
        )
        left = doc["history"]["partial_periods_left_out"]
        if left:
            typer.echo(
                f"Note: {left} first or last {doc['grain']}(s) the records do not cover whole"
                " were left out of the history."
            )
        for s in doc["series"]:
            if s["fallback"]:
                typer.echo(f"Note: {s['series']}: {s['fallback']}.")

    emit(fmt, rows=rows, data=doc, table=table)
