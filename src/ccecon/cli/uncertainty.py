"""Uncertainty commands: ``simulate`` (Monte Carlo) and ``sensitivity`` (tornado, Sobol').

Only typer and the standard library are imported at module level; numpy, the engine and
rich are imported inside the commands so that ``ccecon --help`` stays fast.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ccecon.cli.output import Format, user_errors

if TYPE_CHECKING:
    from ccecon.scenario.schema import Scenario
    from ccecon.uncertainty.montecarlo import Histogram, Simulation
    from ccecon.uncertainty.sensitivity import SobolIndices, Tornado

FileArg = Annotated[Path, typer.Argument(help="Scenario file (YAML or JSON).", show_default=False)]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
SeedOpt = Annotated[
    int, typer.Option("--seed", "-s", help="Seed of the random generator (same seed, same output).")
]

BAR = "█"
BAR_WIDTH = 40


def _load(file: Path) -> Scenario:
    """Load a scenario and check its correlations up front, naming the file on error."""
    from ccecon.errors import InputError
    from ccecon.scenario.load import load_scenario
    from ccecon.uncertainty.sampling import check_correlations

    scenario = load_scenario(file)
    try:
        check_correlations(scenario, getattr(scenario, "correlations", None))
    except InputError as exc:
        raise InputError(exc.message, file=str(file), field=exc.field, value=exc.value) from None
    return scenario


def _parse_percentiles(text: str) -> list[float]:
    from ccecon.errors import InputError

    try:
        values = [float(p) for p in text.split(",") if p.strip()]
    except ValueError:
        raise InputError(
            "expected comma-separated numbers such as 5,10,50,90,95",
            field="--percentiles",
            value=text,
        ) from None
    if not values or any(not 0 <= p <= 100 for p in values):
        raise InputError(
            "percentiles must lie between 0 and 100", field="--percentiles", value=text
        )
    return values


def histogram_lines(hist: Histogram, currency: str, width: int = BAR_WIDTH) -> list[str]:
    """A text histogram: one line per bin, ``low .. high | bars count``."""
    from ccecon.cli.output import fmt_number

    if hist.counts.size == 0:
        return ["(no finite values)"]
    top = max(int(hist.counts.max()), 1)
    labels = [
        f"{fmt_number(float(lo), 0)} .. {fmt_number(float(hi), 0)}"
        for lo, hi in zip(hist.edges[:-1], hist.edges[1:], strict=True)
    ]
    pad = max(len(s) for s in labels)
    lines = []
    for label, c in zip(labels, hist.counts, strict=True):
        bar = BAR * round(width * int(c) / top)
        lines.append(f"{label.rjust(pad)} | {bar} {int(c)}")
    if hist.below or hist.above:
        lines.append(
            f"(outside the range shown: {hist.below} draws below, {hist.above} above; {currency})"
        )
    return lines


def _short(value: Any) -> str:
    """Compact number for wide tables: 2.23M, 78.3k, 940, 0.95 (JSON keeps every digit)."""
    from ccecon.cli.output import fmt_number

    if isinstance(value, float) and math.isfinite(value):
        a = abs(value)
        if a >= 1e6:
            return f"{value / 1e6:,.2f}M"
        if a >= 1e4:
            return f"{value / 1e3:,.1f}k"
        if 0 < a < 1:
            return f"{value:.3g}"
        return fmt_number(value, 0 if a >= 100 else 2)
    return fmt_number(value)


def _fixed(value: Any, digits: int | None) -> str:
    from ccecon.cli.output import fmt_number

    return _short(value) if digits is None else fmt_number(value, digits)


def _console() -> Any:
    """A rich console; 120 columns when the output is not a terminal (files, pipes)."""
    from rich.console import Console

    console = Console()
    if not console.is_terminal:
        console = Console(width=120)
    return console


_NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?( %)?$")
"""A number as a table shows it (``1,234.5``, ``29.4 %``): right-aligned."""


def _print_numbers(rows: list[dict[str, Any]], title: str, digits: int | None = None) -> None:
    """A rich table with the first column left-aligned and numbers right-aligned."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=escape(title))  # names are the user's text, never markup
    cols = list(rows[0]) if rows else []
    for c in cols:
        text = (
            all(isinstance(r.get(c), str) for r in rows)
            and not all(_NUMBER.match(str(r.get(c))) for r in rows)
            and c not in {"#", ""}
        )
        table.add_column(escape(c), justify="left" if text else "right")
    for r in rows:
        table.add_row(
            *[escape(r[c] if isinstance(r[c], str) else _fixed(r[c], digits)) for c in cols]
        )
    _console().print(table)


def _records(frame: Any) -> list[dict[str, Any]]:
    """Rows of a DataFrame as dicts with string keys."""
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict(orient="records")]


def _simulation_csv_rows(sim: Simulation) -> list[dict[str, Any]]:
    rows = _records(sim.to_frame())
    for name, p in sim.probabilities.items():
        rows.append(
            {
                "view": "probability",
                "metric": name,
                "mean": p,
                "se_mean": sim.probability_se[name],
                "n": sim.draws,
            }
        )
    return rows


def _render_simulation(sim: Simulation, fmt: Format, seed: int, locale: str = "en") -> None:
    from rich.markup import escape

    from ccecon.cli.output import emit, fmt_number
    from ccecon.labels import SIM_TEXT, probability_label

    if fmt == Format.json:
        emit(fmt, rows=[], data={"seed": seed, **sim.to_dict()})
        return
    if fmt == Format.csv:
        emit(fmt, rows=_simulation_csv_rows(sim))
        return
    loc = locale if locale in SIM_TEXT else "en"
    text = SIM_TEXT[loc]

    def table() -> None:
        console = _console()
        head = text["head"].format(
            currency=sim.currency, draws=f"{sim.draws:,}", seed=seed, inputs=len(sim.inputs)
        )
        console.print(f"[bold]{escape(sim.scenario)}[/bold]  ({head})")
        npv = sim.summary("npv")
        # A sourcing-only file: the business case has no lines (NPV 0 in every draw), so
        # the options lead: their present value of cost and P(cheapest), nothing else.
        decision = bool(sim.options) and npv.sd == 0 and npv.mean == 0
        rows = sim.table_rows(loc)
        if decision:
            rows = rows[len(rows) - len(sim.options) :]
            for r in rows:
                for column in list(r)[1:3]:  # the base case and its risk-adjusted view
                    r.pop(column, None)
        _print_numbers(rows, title=text["options"] if decision else text["percentiles"])
        prob_rows = [
            {
                text["probability"]: probability_label(k, loc),
                text["value"]: f"{v * 100:,.1f} %",
                text["se"]: f"{sim.probability_se[k] * 100:,.1f}",
            }
            for k, v in sim.probabilities.items()
            if not decision or k.startswith("cheapest_")
        ]
        _print_numbers(prob_rows, title=text["probabilities"])
        if decision:
            best = max(sim.options, key=lambda o: sim.probabilities[f"cheapest_{o.metric}"])
            p = sim.probabilities[f"cheapest_{best.metric}"]
            console.print(
                "\n" + text["cheapest"].format(option=best.metric, share=fmt_number(p * 100, 1))
            )
            return
        console.print(
            "\n" + text["histogram"].format(currency=sim.currency, draws=f"{sim.draws:,}")
        )
        for line in histogram_lines(sim.histogram, sim.currency):
            console.print(line, highlight=False)
        console.print(
            "\n"
            + text["npv_line"].format(
                share=fmt_number(sim.probabilities["npv_positive"] * 100, 1),
                mean=fmt_number(npv.mean, 0),
                se=fmt_number(npv.se_mean, 0),
            )
        )

    emit(fmt, rows=sim.table_rows(), table=table)


def _render_tornado(
    tor: Tornado, sob: SobolIndices | None, fmt: Format, currency: str, locale: str = "en"
) -> None:
    from rich.markup import escape

    from ccecon.cli.output import emit, fmt_number
    from ccecon.labels import TORNADO_TEXT, input_label
    from ccecon.uncertainty.montecarlo import LABELS, LABELS_ZH

    data: dict[str, Any] = {"tornado": tor.to_dict()}
    if sob is not None:
        data["sobol"] = sob.to_dict()
    rows = _records(tor.to_frame())
    if fmt != Format.table:
        emit(fmt, rows=rows, data=data)
        return
    loc = locale if locale in TORNADO_TEXT else "en"
    text = TORNADO_TEXT[loc]
    names = LABELS_ZH if loc == "zh" else LABELS

    def metric(key: str) -> str:
        return names.get(key, key.replace("_", " "))

    def table() -> None:
        console = _console()
        console.print(
            text["head"].format(
                metric=escape(metric(tor.metric)),
                low=f"{tor.low_pct:g}",
                high=f"{tor.high_pct:g}",
                base=fmt_number(tor.base),
            )
        )
        top = max((b.swing for b in tor.bars if b.swing == b.swing), default=0.0) or 1.0
        show = []
        for i, b in enumerate(tor.bars):
            swing = b.swing
            width = BAR_WIDTH // 2
            bar = BAR * round(width * swing / top) if swing == swing else "(undefined)"
            show.append(
                {
                    text["#"]: str(i + 1),
                    text["input"]: input_label(b.label, loc),
                    text["low .. high"]: f"{_short(b.input_low)} .. {_short(b.input_high)}",
                    text["at low"]: b.output_low,
                    text["at high"]: b.output_high,
                    text["swing"]: swing,
                    "": bar,
                }
            )
        _print_numbers(
            show, title=text["title"].format(metric=metric(tor.metric), currency=currency)
        )
        if sob is not None:
            srows = [
                {
                    text["input"]: input_label(r["label"], loc),
                    "S1": r["S1"],
                    "± S1": r["S1_conf"],
                    "ST": r["ST"],
                    "± ST": r["ST_conf"],
                    text["interactions"]: r["interactions"],
                }
                for r in _records(sob.to_frame())
            ]
            _print_numbers(
                srows,
                title=text["sobol"].format(
                    metric=metric(sob.metric), n=sob.n, rows=f"{sob.evaluations:,}"
                ),
                digits=3,
            )
            if sob.note:
                console.print(f"Note: {escape(sob.note)}.")

    emit(fmt, rows=rows, table=table)


def simulate(
    file: FileArg,
    draws: Annotated[int, typer.Option("--draws", "-n", help="Number of draws.")] = 10_000,
    seed: SeedOpt = 0,
    fmt: FormatOpt = Format.table,
    draws_out: Annotated[
        Path | None,
        typer.Option("--draws-out", help="Write every draw (inputs, metrics) to Parquet."),
    ] = None,
    percentiles: Annotated[
        str, typer.Option("--percentiles", help="Percentiles to report, comma-separated.")
    ] = "10,50,90",
    chunk: Annotated[
        int,
        typer.Option(
            "--chunk",
            help="Draws per engine call (bounds memory; the results do not depend on it).",
        ),
    ] = 100_000,  # montecarlo.DEFAULT_CHUNK (not imported here: --help stays fast)
) -> None:
    """Monte Carlo: percentiles of NPV, ROI, payback, cost per call; P(NPV > 0)."""
    with user_errors():
        import numpy as np

        from ccecon.errors import InputError
        from ccecon.uncertainty.montecarlo import simulate as run

        if draws < 1:
            raise InputError("expected at least 1 draw", field="--draws", value=draws)
        if chunk < 1:
            raise InputError("expected a chunk of at least 1", field="--chunk", value=chunk)
        from ccecon.uncertainty.montecarlo import check_uncertain

        pcts = _parse_percentiles(percentiles)
        scenario = _load(file)
        check_uncertain(scenario, str(file))
        rng = np.random.default_rng(seed)
        if fmt == Format.table:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            with Progress(
                TextColumn("simulating"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                transient=True,
            ) as bar:
                task = bar.add_task("draws", total=draws)
                sim = run(
                    scenario,
                    draws,
                    rng,
                    chunk=chunk,
                    percentiles=pcts,
                    keep_draws=draws_out is not None,
                    progress=lambda done: bar.update(task, completed=done),
                )
        else:
            sim = run(
                scenario,
                draws,
                rng,
                chunk=chunk,
                percentiles=pcts,
                keep_draws=draws_out is not None,
            )
        _render_simulation(sim, fmt, seed, scenario.locale)
        if draws_out is not None and sim.draws_frame is not None:
            draws_out.parent.mkdir(parents=True, exist_ok=True)
            sim.draws_frame.to_parquet(draws_out, index=False)
            typer.echo(f"wrote {sim.draws:,} draws to {draws_out}", err=True)


def sensitivity(
    file: FileArg,
    metric: Annotated[
        str, typer.Option("--metric", "-m", help="npv, roi_pct, payback_months, net, ...")
    ] = "npv",
    low: Annotated[float, typer.Option("--low", help="Low setting percentile.")] = 10.0,
    high: Annotated[float, typer.Option("--high", help="High setting percentile.")] = 90.0,
    sobol_n: Annotated[
        int,
        typer.Option("--sobol", help="Also Sobol' indices with this base sample (0 = off)."),
    ] = 0,
    seed: SeedOpt = 0,
    risk_adjusted: Annotated[
        bool, typer.Option("--risk-adjusted", help="Use the TEI risk-adjusted metric.")
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Tornado: each uncertain input at its low and high, ranked by swing (and Sobol')."""
    with user_errors():
        import numpy as np

        from ccecon.errors import InputError
        from ccecon.uncertainty.sensitivity import sobol, tornado

        if sobol_n < 0:
            raise InputError(
                "expected 0 (off) or a positive sample size", field="--sobol", value=sobol_n
            )
        scenario = _load(file)
        from ccecon.sourcing.compare import sourcing_only

        if sourcing_only(scenario):
            # an empty business case: its NPV is 0 whatever any input does
            raise InputError(
                "this scenario compares sourcing options and has no business case lines, so"
                " the tornado is flat at 0 for every input: run `ccecon simulate` for each"
                " option's range of cost and how often it is cheapest, and `ccecon compare`"
                " for the business case of moving from the current option",
                file=str(file),
                field="--metric",
                value=metric,
            )
        tor = tornado(scenario, metric, low_pct=low, high_pct=high, risk_adjusted=risk_adjusted)
        sob = None
        if sobol_n:
            sob = sobol(
                scenario,
                np.random.default_rng(seed),
                metric,
                n=sobol_n,
                risk_adjusted=risk_adjusted,
            )
        _render_tornado(tor, sob, fmt, scenario.currency, scenario.locale)


def register(app: typer.Typer) -> None:
    """Add ``simulate`` and ``sensitivity`` to ``app``."""
    app.command()(simulate)
    app.command()(sensitivity)
