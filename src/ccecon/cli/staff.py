"""``ccecon staff``: the one-line Erlang calculator and interval files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ccecon.cli.output import Format, emit, user_errors
from ccecon.defaults import DEFAULT_SHRINKAGE, DEFAULT_SL_TARGET, DEFAULT_SL_THRESHOLD_S

SL_DEFAULT = f"{DEFAULT_SL_TARGET * 100:g}%/{DEFAULT_SL_THRESHOLD_S:g}"
"""``80%/20``: the library's default goal, spelled as the option takes it."""
SHRINKAGE_DEFAULT = f"{DEFAULT_SHRINKAGE * 100:g}%"


def parse_sl(text: str | None) -> tuple[float | None, float | None]:
    """``80%/20`` or ``0.8/20`` -> (0.8, 20.0): 80 % answered within 20 seconds.

    The share is read by :func:`ccecon.units.parse_ratio`, like every ratio: a bare number
    outside (0, 1), such as the 80 of ``80/20``, is refused rather than guessed.
    """
    from ccecon.errors import InputError
    from ccecon.units import GOAL_SHARE, parse_ratio

    if text is None:
        return None, None
    share, sep, sec = text.partition("/")
    try:
        if not sep:
            raise ValueError
        seconds = float(sec)
    except ValueError:
        raise InputError(
            "expected SHARE/SECONDS such as 80%/20 or 0.8/20 (80 % answered within 20 s)",
            field="--sl",
            value=text,
        ) from None
    try:
        target = parse_ratio(share.strip(), GOAL_SHARE)
    except InputError as exc:
        raise InputError(
            f"the service level share: {exc.message}; e.g. --sl 80%/20 or --sl 0.8/20",
            field="--sl",
            value=text,
        ) from None
    return target, seconds


def _ratio(text: str | None, domain: object, option: str) -> float | None:
    from ccecon.units import RatioDomain, parse_ratio

    assert isinstance(domain, RatioDomain)
    return None if text is None else parse_ratio(text, domain, field=option)


def staff(
    file: Annotated[
        Path | None,
        typer.Argument(help="Interval CSV with columns calls, aht_s (and start)."),
    ] = None,
    calls: Annotated[float | None, typer.Option(help="Calls offered per interval.")] = None,
    per: Annotated[str, typer.Option(help="Interval length: 15min, 30min, 1h.")] = "30min",
    aht: Annotated[float | None, typer.Option(help="Average handle time, seconds.")] = None,
    sl: Annotated[
        str | None,
        typer.Option(help="Service level goal SHARE/SECONDS: 80%/20 or 0.8/20 (80 % within 20 s)."),
    ] = SL_DEFAULT,
    max_asa: Annotated[float | None, typer.Option(help="Maximum ASA, seconds.")] = None,
    max_abandon: Annotated[
        str | None,
        typer.Option(help="Maximum abandonment, 0.05 or 5% (needs --patience)."),
    ] = None,
    max_occupancy: Annotated[
        str | None, typer.Option(help="Maximum occupancy, 0.85 or 85%.")
    ] = None,
    patience: Annotated[
        float | None, typer.Option(help="Mean patience, seconds: Erlang A.")
    ] = None,
    shrinkage: Annotated[
        str,
        typer.Option(
            help="Shrinkage for paid FTE = agents / (1 - shrinkage), 0.3 or 30%;"
            " 0 counts agents on the phones only."
        ),
    ] = SHRINKAGE_DEFAULT,
    by: Annotated[
        str | None, typer.Option(help="Roll an interval file up: day, week or month.")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = (Format.table),
) -> None:
    """Agents needed for a goal: one interval (--calls --aht) or a CSV of intervals.

    Example: ``ccecon staff --calls 100 --per 30min --aht 180 --sl 80%/20``. Defaults
    (the library's, the scenario's and the web page's): 80%/20, shrinkage 30%.
    """
    with user_errors():
        import numpy as np

        from ccecon.cli.output import fail
        from ccecon.queueing import one_interval
        from ccecon.units import GOAL_SHARE, SHARE_BELOW_ONE, interval_seconds

        interval_s = interval_seconds(per)
        target, threshold = parse_sl(sl)
        abandon = _ratio(max_abandon, GOAL_SHARE, "--max-abandon")
        occupancy = _ratio(max_occupancy, GOAL_SHARE, "--max-occupancy")
        shrink = float(_ratio(shrinkage, SHARE_BELOW_ONE, "--shrinkage") or 0.0)
        goals: dict[str, float | None] = dict(
            sl_target=target,
            sl_threshold_s=threshold,
            max_asa_s=max_asa,
            max_abandon=abandon,
            max_occupancy=occupancy,
        )
        if max_abandon is not None and patience is None:
            fail("--max-abandon needs --patience (Erlang A)")
        if file is None:
            if calls is None or aht is None:
                fail("give --calls and --aht, or an interval CSV file")
            data = one_interval(
                calls,
                aht,
                interval_s,
                sl_target=target,
                sl_threshold_s=threshold,
                max_asa_s=max_asa,
                max_abandon=abandon,
                max_occupancy=occupancy,
                patience_s=patience,
                shrinkage=shrink,
            )
            from ccecon.cli.output import print_table

            emit(
                fmt,
                rows=[data],
                data=data,
                table=lambda: print_table(
                    _interval_rows(data, threshold, shrink), title="Required agents"
                ),
            )
            return
        import pandas as pd

        from ccecon.errors import InputError
        from ccecon.queueing import rollup, staff_table

        if not file.is_file():
            raise InputError("file not found", file=str(file))
        try:
            frame = pd.read_csv(file)
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
            raise InputError(f"cannot read as CSV: {exc}", file=str(file)) from None
        try:
            out = staff_table(
                frame, interval_s=interval_s, patience_s=patience, shrinkage=shrink, **goals
            )
            if by is not None:
                out = rollup(out, by, interval_s)
        except InputError as exc:
            exc.file = str(file)
            if exc.row is not None:
                exc.row += 1  # the header is line 1 of the file
            raise InputError(
                exc.message, file=str(file), field=exc.field, row=exc.row, value=exc.value
            ) from None
        records = out.replace({np.inf: None}).to_dict(orient="records")
        table_rows = [{str(k): v for k, v in r.items()} for r in records]
        emit(
            fmt,
            rows=table_rows,
            data=table_rows,
            title=f"Staffing: {file}",
            labels=INTERVAL_LABELS,
            percent=("service_level", "p_wait", "p_abandon", "occupancy"),
        )


INTERVAL_LABELS = {
    "calls": "calls",
    "aht_s": "AHT (s)",
    "traffic": "traffic (Erlangs)",
    "agents": "agents",
    "service_level": "service level",
    "asa": "ASA (s)",
    "p_wait": "wait",
    "p_abandon": "abandon",
    "occupancy": "occupancy",
    "fte": "paid FTE",
    "agent_hours": "agent hours",
    "start": "start",
}
"""Column headings of the interval table (the CSV and JSON keep the keys)."""


def _interval_rows(
    data: dict[str, Any], threshold: float | None, shrink: float
) -> list[dict[str, str]]:
    """The one-interval answer as a person reads it: words, units, percentages (the JSON
    keeps the keys and every digit)."""
    model = "Erlang A (callers abandon)" if data["model"] == "erlang_a" else "Erlang C"
    minutes = data["interval_s"] / 60

    def pct(v: float) -> str:
        return f"{v * 100:,.1f} %"

    calls = data["calls"]
    offered = f"{calls:,.0f}" if float(calls).is_integer() else f"{calls:,.2f}"
    within = "at once" if not threshold else f"within {threshold:,.0f} s"

    rows = [
        ("Model", model),
        ("Calls offered in the interval", offered),
        ("Interval", f"{minutes:,.0f} min"),
        ("Average handle time", f"{data['aht_s']:,.0f} s"),
        ("Traffic", f"{data['traffic_erlangs']:,.2f} Erlangs"),
        ("Agents on the phones", f"{data['agents']:,}"),
        (f"Paid FTE (shrinkage {shrink * 100:,.0f} %)", f"{data['fte']:,.1f}"),
        (f"Service level (answered {within})", pct(data["service_level"])),
        ("Average speed of answer", f"{data['asa_s']:,.1f} s"),
        ("Callers who wait", pct(data["p_wait"])),
        ("Callers who abandon", pct(data["p_abandon"])),
        ("Occupancy", pct(data["occupancy"])),
    ]
    return [{"figure": k, "value": v} for k, v in rows]


def register(app: typer.Typer) -> None:
    """Add ``staff`` to ``app``."""
    app.command()(staff)
