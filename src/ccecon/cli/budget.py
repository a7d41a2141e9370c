"""``ccecon budget``: next year's cost budget by month and element, with a reserve."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ccecon.cli.output import Format, user_errors

budget_app = typer.Typer(
    help="Budgets: next year's cost by month and element from a scenario, with a reserve.",
    no_args_is_help=True,
)


@budget_app.command("plan")
def plan(
    file: Annotated[Path, typer.Argument(help="Scenario file (YAML or JSON).")],
    year: Annotated[str, typer.Option("--year", help="Fiscal year, e.g. 2028.")],
    fy_start: Annotated[
        int, typer.Option("--fy-start", help="First calendar month of the fiscal year (1-12).")
    ] = 1,
    case: Annotated[str, typer.Option("--case", help="proposal or baseline.")] = "proposal",
    reserve: Annotated[
        str | None,
        typer.Option(
            "--reserve",
            help='Reserve as a share ("5%" or 0.05); default P90 - P50 of simulated cost.',
        ),
    ] = None,
    draws: Annotated[int, typer.Option("--draws", min=100, help="Draws for the reserve.")] = 2000,
    forecast: Annotated[
        Path | None,
        typer.Option(
            "--forecast",
            help="A `ccecon forecast --out` fragment: its channels (and measured week)"
            " replace the scenario's.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the budget (JSON) here, for `ccecon budget track`."),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
) -> None:
    """The fiscal year's budget of a scenario's case: every included cost line, month by
    month, by element (personnel, technology, telecom, outsourcing, training, other), and a
    reserve for the unforeseen."""
    with user_errors():
        from ccecon.budget.plan import plan_budget, with_forecast, year_of
        from ccecon.cli.output import emit, print_table
        from ccecon.scenario.load import load_scenario
        from ccecon.units import SHARE, parse_ratio

        sc = load_scenario(file) if forecast is None else with_forecast(file, forecast)
        share = None if reserve is None else parse_ratio(reserve, SHARE, "--reserve")
        b = plan_budget(
            sc, year_of(year), fy_start=fy_start, case=case, reserve_share=share, draws=draws
        )
        rows = []
        for element, values in b.by_element.items():
            rows.append(
                {
                    "element": element,
                    **dict(zip(b.months, values, strict=True)),
                    "total": sum(values),
                }
            )
        cur = b.currency

        def table() -> None:
            # months down, elements across: 12 rows fit any terminal
            shown = []
            for k, month in enumerate(b.months):
                row = {"month": month}
                row.update({e: f"{v[k]:,.0f}" for e, v in b.by_element.items()})
                row["total"] = f"{sum(v[k] for v in b.by_element.values()):,.0f}"
                shown.append(row)
            year = {"month": "year"}
            year.update({e: f"{sum(v):,.0f}" for e, v in b.by_element.items()})
            year["total"] = f"{b.total:,.0f}"
            shown.append(year)
            title = f"Budget FY {b.fiscal_year}, {b.case} case, {cur}"
            print_table(shown, title=title)
            typer.echo(f"Budget {b.total:,.0f} {cur}")
            typer.echo(f"Reserve for the unforeseen {b.reserve:,.0f} {cur} ({b.reserve_basis})")
            typer.echo(f"Budget with reserve {b.total + b.reserve:,.0f} {cur}")

        if out is not None:
            import json

            out.write_text(json.dumps(b.to_dict(), indent=1) + "\n", encoding="utf-8")
        emit(fmt, rows=rows, data=b.to_dict(), table=table)
        if out is not None and fmt == Format.table:
            typer.echo(f"Wrote {out} (for `ccecon budget track {out} --from STORE`)")


def register(app: typer.Typer) -> None:
    """Add the ``budget`` sub-app."""
    app.add_typer(budget_app, name="budget")
