"""``ccecon staff``: the one-line Erlang calculator and interval files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ccecon.cli.output import Format, emit, user_errors


def _parse_sl(text: str | None) -> tuple[float | None, float | None]:
    """``80/20`` -> (0.8, 20.0): 80 % answered within 20 seconds."""
    from ccecon.errors import InputError

    if text is None:
        return None, None
    pct, sep, sec = text.partition("/")
    try:
        if not sep:
            raise ValueError
        return float(pct) / 100.0, float(sec)
    except ValueError:
        raise InputError(
            "expected PERCENT/SECONDS such as 80/20", field="--sl", value=text
        ) from None


def register(app: typer.Typer) -> None:
    """Add ``staff`` to ``app``."""

    @app.command()
    def staff(
        file: Annotated[
            Path | None,
            typer.Argument(help="Interval CSV with columns calls, aht_s (and start)."),
        ] = None,
        calls: Annotated[float | None, typer.Option(help="Calls offered per interval.")] = None,
        per: Annotated[str, typer.Option(help="Interval length: 15min, 30min, 1h.")] = "30min",
        aht: Annotated[float | None, typer.Option(help="Average handle time, seconds.")] = None,
        sl: Annotated[
            str | None, typer.Option(help="Service level goal PERCENT/SECONDS, e.g. 80/20.")
        ] = "80/20",
        max_asa: Annotated[float | None, typer.Option(help="Maximum ASA, seconds.")] = None,
        max_abandon: Annotated[
            float | None, typer.Option(help="Maximum abandonment share (needs --patience).")
        ] = None,
        max_occupancy: Annotated[float | None, typer.Option(help="Maximum occupancy.")] = None,
        patience: Annotated[
            float | None, typer.Option(help="Mean patience, seconds: Erlang A.")
        ] = None,
        shrinkage: Annotated[float, typer.Option(help="Shrinkage share, for paid FTE.")] = 0.0,
        by: Annotated[
            str | None, typer.Option(help="Roll an interval file up: day, week or month.")
        ] = None,
        fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = (
            Format.table
        ),
    ) -> None:
        """Agents needed for a goal: one interval (--calls --aht) or a CSV of intervals.

        Example: ``ccecon staff --calls 100 --per 30min --aht 180 --sl 80/20``.
        """
        with user_errors():
            import numpy as np

            from ccecon.cli.output import fail
            from ccecon.queueing import one_interval
            from ccecon.units import interval_seconds

            interval_s = interval_seconds(per)
            target, threshold = _parse_sl(sl)
            goals: dict[str, float | None] = dict(
                sl_target=target,
                sl_threshold_s=threshold,
                max_asa_s=max_asa,
                max_abandon=max_abandon,
                max_occupancy=max_occupancy,
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
                    max_abandon=max_abandon,
                    max_occupancy=max_occupancy,
                    patience_s=patience,
                    shrinkage=shrinkage,
                )
                from ccecon.cli.output import print_table

                emit(
                    fmt,
                    rows=[data],
                    data=data,
                    table=lambda: print_table(
                        [{"metric": k, "value": v} for k, v in data.items()],
                        title="Required agents",
                        digits=4,
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
                    frame, interval_s=interval_s, patience_s=patience, shrinkage=shrinkage, **goals
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
            emit(fmt, rows=table_rows, data=table_rows, title=f"Staffing: {file}")
