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
    options = {"by": "--by", "grain": "--grain", "horizon": "--horizon", "level": "--level"}
    with user_errors(options=options):
        from ccecon.forecast.run import run_forecast

        doc = run_forecast(store, by, horizon, grain, level, out, events).to_dict()
        _show(doc, fmt)


def register(app: typer.Typer) -> None:
    """Add ``forecast`` to ``app``."""
    app.command()(forecast)


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
