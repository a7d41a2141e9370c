"""Calculators from the seed documents: labour (D3), clv (D4.1-D4.2), satisfaction (D4.3-4)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ccecon.cli.output import Format, emit, user_errors

FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


def register(app: typer.Typer) -> None:
    """Add ``labour``, ``clv`` and ``satisfaction`` to ``app``."""

    @app.command()
    def labour(
        file: Annotated[Path, typer.Argument(help="Payroll file (YAML), see docs/formulas.md.")],
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Labour cost from payroll: utilization, cost build-up, cost per equivalent call."""
        with user_errors():
            from ccecon.costing.labour import labour_cost
            from ccecon.costing.payroll_file import load_payroll

            payroll = load_payroll(file)
            res = labour_cost(payroll.to_inputs(str(file)))
            rows = [{str(k): v for k, v in r.items()} for r in res.to_frame().to_dict("records")]
            data = {
                "name": payroll.name,
                "currency": payroll.currency,
                "months": payroll.months,
                **{k: v for k, v in res.__dict__.items() if k != "elements"},
                "elements": dict(res.elements),
            }
            emit(fmt, rows=rows, data=data, title=f"{payroll.name} ({payroll.currency})")

    @app.command()
    def clv(
        yearly_profit: Annotated[
            float | None, typer.Option(help="R: yearly profit of a loyal customer.")
        ] = None,
        monthly_profit: Annotated[
            float | None, typer.Option(help="Average monthly profit (R = 12 x this).")
        ] = None,
        rate: Annotated[float, typer.Option(help="Yearly discount rate i.")] = 0.0,
        years: Annotated[float | None, typer.Option(help="Loyal years n.")] = None,
        solve_years_for: Annotated[
            float | None,
            typer.Option("--solve-years-for", help="Given an average CLV, solve for n."),
        ] = None,
        purchase_value: Annotated[
            float | None, typer.Option(help="Simple CLV: value of one purchase.")
        ] = None,
        purchases_per_year: Annotated[
            float | None, typer.Option(help="Simple CLV: purchases a year.")
        ] = None,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Customer lifetime value: simple (D4.1), annuity (D4.2), or solve for loyal years.

        Examples: ``ccecon clv --purchase-value 3000 --purchases-per-year 4 --years 10``;
        ``ccecon clv --monthly-profit 100 --rate 0.1 --years 5``;
        ``ccecon clv --monthly-profit 100 --rate 0.1 --solve-years-for 4000``.
        """
        with user_errors():
            from ccecon.cli.output import fail
            from ccecon.finance.clv import clv_annuity, clv_simple, loyal_years_from_clv

            if purchase_value is not None or purchases_per_year is not None:
                if purchase_value is None or purchases_per_year is None or years is None:
                    fail("simple CLV needs --purchase-value, --purchases-per-year and --years")
                value = float(clv_simple(purchase_value, purchases_per_year, years))
                rows = [
                    {
                        "method": "simple",
                        "purchase_value": purchase_value,
                        "purchases_per_year": purchases_per_year,
                        "years": years,
                        "clv": value,
                    }
                ]
                emit(fmt, rows=rows, data=rows[0], title="CLV (D4.1)")
                return
            if (yearly_profit is None) == (monthly_profit is None):
                fail("give exactly one of --yearly-profit or --monthly-profit")
            r = yearly_profit if yearly_profit is not None else 12.0 * float(monthly_profit or 0)
            if solve_years_for is not None:
                n = float(loyal_years_from_clv(solve_years_for, r, rate))
                rows = [
                    {
                        "method": "solve_years",
                        "yearly_profit": r,
                        "rate": rate,
                        "clv": solve_years_for,
                        "years": n,
                    }
                ]
            else:
                if years is None:
                    fail("give --years, or --solve-years-for an average CLV")
                value = float(clv_annuity(r, rate, years))
                rows = [
                    {
                        "method": "annuity",
                        "yearly_profit": r,
                        "rate": rate,
                        "years": years,
                        "clv": value,
                    }
                ]
            emit(fmt, rows=rows, data=rows[0], title="CLV (D4.2)")

    @app.command()
    def satisfaction(
        survey: Annotated[Path, typer.Argument(help="Survey CSV: customer,segment,index.")],
        clv: Annotated[
            list[str],
            typer.Option(
                help="CLV for all segments (a number) or per segment (SEG=VALUE); "
                "repeat the option for several segments."
            ),
        ],
        net_cost: Annotated[float, typer.Option(help="The center's net cost of the month.")],
        loyal_above: Annotated[float, typer.Option(help="Index above which = loyal.")] = 85.0,
        disloyal_below: Annotated[float, typer.Option(help="Index below which = disloyal.")] = 50.0,
        fmt: FormatOpt = Format.table,
    ) -> None:
        """Satisfaction-driven ROI by segment (D4.3-D4.4) from a month's survey."""
        with user_errors():
            from ccecon.errors import InputError
            from ccecon.finance.satisfaction import satisfaction_roi
            from ccecon.finance.survey_file import read_survey

            values: float | dict[str, float]
            try:
                if len(clv) == 1 and "=" not in clv[0]:
                    values = float(clv[0])
                else:
                    values = {}
                    for item in clv:
                        seg, _, num = item.partition("=")
                        if not _:
                            raise ValueError(item)
                        values[seg.strip()] = float(num)
            except ValueError:
                raise InputError(
                    "expected --clv NUMBER or --clv SEGMENT=NUMBER", field="--clv", value=clv
                ) from None
            res = satisfaction_roi(
                read_survey(survey),
                values,
                net_cost,
                loyal_above=loyal_above,
                disloyal_below=disloyal_below,
            )
            frame = res.to_frame()
            rows = [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]
            data = {
                "segments": rows[:-1],
                "net_profit": res.net_profit,
                "net_cost": res.net_cost,
                "roi_pct": res.roi_pct,
                "loyal_above": loyal_above,
                "disloyal_below": disloyal_below,
            }
            emit(
                fmt,
                rows=rows,
                data=data,
                title=f"Satisfaction ROI: {res.roi_pct:,.1f} % (net profit "
                f"{res.net_profit:,.0f} vs cost {res.net_cost:,.0f})",
            )
