"""``ccecon targets plan`` and ``ccecon targets track``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ccecon.cli.output import Format, emit, user_errors
from ccecon.targets.document import plan_document as plan_document

if TYPE_CHECKING:
    pass

targets_app = typer.Typer(
    help="Profit and sales targets over a fiscal calendar.", no_args_is_help=True
)
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


@targets_app.command("plan")
def plan_cmd(
    file: Annotated[Path, typer.Argument(help="Targets file (YAML).")],
    level: Annotated[
        str, typer.Option(help="Rows to print: quarter, month, week, day or half_day.")
    ] = "month",
    fmt: FormatOpt = Format.table,
) -> None:
    """Decompose the yearly goal; with actuals in the file, re-plan the open months."""
    with user_errors():
        from ccecon.targets.spec import load_targets

        spec = load_targets(file)
        out, data = plan_document(spec, level, field="--level")
        emit(
            fmt,
            rows=out,
            data=data,
            title=f"{spec.name}: {spec.goal:,.{spec.decimals}f} {spec.unit} "
            f"({spec.fiscal_year().n_weeks} weeks)",
        )


@targets_app.command("track")
def track_cmd(
    targets: Annotated[Path, typer.Argument(help="Targets file (YAML).")],
    store: Annotated[Path, typer.Option("--from", help="Actuals store (DuckDB file).")],
    chart: Annotated[
        Path | None, typer.Option(help="Write the burn-up chart as HTML here.")
    ] = None,
    by: Annotated[
        str | None, typer.Option(help="Also attribute to agent, team, supervisor or manager.")
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Target versus actual per fiscal month, from the actuals store; attribution by level."""
    with user_errors():
        from ccecon.targets.document import track_document
        from ccecon.targets.spec import load_targets

        spec = load_targets(targets)
        metric = spec.metric
        rows, data, tr = track_document(spec, store, by, source=str(targets), field="--by")
        if chart is not None:
            from ccecon.targets.charts import burnup_figure

            burnup_figure(tr, f"{spec.name}: target vs actual", spec.unit).write_html(
                chart, include_plotlyjs=True
            )
            typer.echo(f"wrote {chart}", err=True)
        emit(fmt, rows=rows, data=data, title=f"{spec.name}: {metric}")


def register(app: typer.Typer) -> None:
    """Add the ``targets`` sub-app."""
    app.add_typer(targets_app, name="targets")
