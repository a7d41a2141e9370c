"""Calculators from the source documents: ``labour``, ``clv``,
``satisfaction`` and ``helpdesk``.

Only typer and the standard library are imported at module level; the math is imported
inside each command so that ``ccecon --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ccecon.cli.output import Format, emit, print_table, user_errors

FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]

_LABOUR_UNITS = {
    "talk_minutes": "minutes",
    "paid_minutes": "minutes",
    "utilization": "share",
    "equivalent_calls": "calls",
    "hires": "people",
    "leavers": "people",
    "attrition": "share",
}


def parse_segment_values(items: list[str], option: str) -> float | dict[str, float]:
    """``["3000"]`` -> 3000.0; ``["VIP=10000", "new=2000"]`` -> a mapping per segment.

    Raises
    ------
    InputError
        Naming the option and the item that is neither a number nor ``SEGMENT=NUMBER``.
    """
    from ccecon.errors import InputError

    def number(text: str, item: str) -> float:
        try:
            return float(text)
        except ValueError:
            raise InputError(
                f"expected {option} NUMBER or {option} SEGMENT=NUMBER", field=option, value=item
            ) from None

    if len(items) == 1 and "=" not in items[0]:
        return number(items[0], items[0])
    out: dict[str, float] = {}
    for item in items:
        seg, eq, num = item.partition("=")
        if not eq or not seg.strip():
            raise InputError(
                f"expected {option} SEGMENT=NUMBER when several are given", field=option, value=item
            )
        if seg.strip() in out:
            raise InputError("segment given twice", field=option, value=seg.strip())
        out[seg.strip()] = number(num, item)
    return out


def labour(
    file: Annotated[Path, typer.Argument(help="Payroll file (YAML), format in docs/formulas.md.")],
    fmt: FormatOpt = Format.table,
) -> None:
    """Labour cost from payroll: utilization, cost build-up, cost per equivalent call.

    Example: ``ccecon labour examples/payroll-seed004.yaml``.
    """
    with user_errors():
        from ccecon.costing.labour import labour_cost
        from ccecon.costing.payroll_file import load_payroll

        payroll = load_payroll(file)
        res = labour_cost(payroll.to_inputs(str(file)))
        cur = payroll.currency
        units = {
            **_LABOUR_UNITS,
            "cost_per_equivalent_call": f"{cur}/call",
            "cost_per_talk_minute": f"{cur}/minute",
        }
        rows = [
            {
                "item": str(r["item"]),
                "value": float(r["value"]),
                "unit": units.get(str(r["item"]), cur),
            }
            for r in res.to_frame().to_dict("records")
        ]
        data = {
            "name": payroll.name,
            "currency": payroll.currency,
            "months": payroll.months or len(payroll.monthly) or 12,
            **{k: v for k, v in res.__dict__.items() if k != "elements"},
            "elements": dict(res.elements),
        }
        emit(
            fmt,
            rows=rows,
            data=data,
            table=lambda: print_table(
                [_labour_row(r) for r in rows], title=f"{payroll.name} ({payroll.currency})"
            ),
        )


_LABOUR_LABELS = {
    "payroll": "Payroll (the cost elements)",
    "recruitment": "Recruitment (hires x fee)",
    "training": "Training (hires x days x stipend)",
    "management": "Management",
    "total": "Labour cost",
    "total_after_tax": "Labour cost with VAT",
    "talk_minutes": "Talk minutes",
    "paid_minutes": "Paid minutes",
    "utilization": "Utilization (talk over paid minutes)",
    "equivalent_calls": "Equivalent calls (at the standard handle time)",
    "cost_per_equivalent_call": "Cost per equivalent call",
    "cost_per_talk_minute": "Cost per talk minute",
    "hires": "Hires",
    "leavers": "Leavers",
    "attrition": "Attrition (leavers over the average head count)",
}
"""The labour calculator's figures in words (the JSON keeps the keys)."""


def _labour_row(row: dict[str, Any]) -> dict[str, str]:
    item, value, unit = str(row["item"]), float(row["value"]), str(row["unit"])
    if item.startswith("payroll: "):
        name = "Payroll: " + item.removeprefix("payroll: ").replace("_", " ")
    else:
        name = _LABOUR_LABELS.get(item, item.replace("_", " "))
    if unit == "share":
        return {"figure": name, "value": f"{value * 100:,.1f} %", "unit": ""}
    if unit in ("minutes", "calls", "people"):
        return {"figure": name, "value": f"{value:,.0f}", "unit": unit}
    return {"figure": name, "value": f"{value:,.2f}", "unit": unit}


def clv(
    yearly_profit: Annotated[
        float | None, typer.Option(help="R: yearly profit of a loyal customer.")
    ] = None,
    monthly_profit: Annotated[
        float | None, typer.Option(help="Average monthly profit (R = 12 x this).")
    ] = None,
    rate: Annotated[
        str, typer.Option(help="Yearly discount rate i: 0.1 or 10%; above 100 % as 150%.")
    ] = "0",
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
    """Customer lifetime value: simple, annuity, or solve for loyal years.

    Examples: ``ccecon clv --purchase-value 3000 --purchases-per-year 4 --years 10``;
    ``ccecon clv --monthly-profit 100 --rate 0.1 --years 5``;
    ``ccecon clv --monthly-profit 100 --rate 0.1 --solve-years-for 4000``.
    """
    with user_errors():
        from ccecon.cli.output import fail
        from ccecon.finance.clv import clv_annuity, clv_simple, loyal_years_from_clv
        from ccecon.units import YEARLY_RATE, parse_ratio

        i = parse_ratio(rate, YEARLY_RATE, field="--rate")

        row: dict[str, Any]
        if purchase_value is not None or purchases_per_year is not None:
            if purchase_value is None or purchases_per_year is None or years is None:
                fail("simple CLV needs --purchase-value, --purchases-per-year and --years")
            if yearly_profit is not None or monthly_profit is not None or solve_years_for:
                fail("simple CLV (--purchase-value) cannot be mixed with the annuity options")
            row = {
                "method": "simple",
                "purchase_value": purchase_value,
                "purchases_per_year": purchases_per_year,
                "years": years,
                "clv": float(clv_simple(purchase_value, purchases_per_year, years)),
            }
            emit(
                fmt,
                rows=[row],
                data=row,
                table=lambda: print_table(_clv_rows(row), title="CLV, simple"),
            )
            return
        if (yearly_profit is None) == (monthly_profit is None):
            fail("give exactly one of --yearly-profit or --monthly-profit")
        r = yearly_profit if yearly_profit is not None else 12.0 * float(monthly_profit or 0)
        if solve_years_for is not None:
            if years is not None:
                fail("give --years or --solve-years-for, not both")
            row = {
                "method": "solve_years",
                "yearly_profit": r,
                "rate": i,
                "clv": solve_years_for,
                "years": float(loyal_years_from_clv(solve_years_for, r, i)),
            }
        else:
            if years is None:
                fail("give --years, or --solve-years-for an average CLV")
            row = {
                "method": "annuity",
                "yearly_profit": r,
                "rate": i,
                "years": years,
                "clv": float(clv_annuity(r, i, years)),
            }
        title = "CLV, loyal years solved" if row["method"] == "solve_years" else "CLV, annuity"
        emit(fmt, rows=[row], data=row, table=lambda: print_table(_clv_rows(row), title=title))


_CLV_LABELS = {
    "method": "Method",
    "purchase_value": "Value of one purchase",
    "purchases_per_year": "Purchases a year",
    "yearly_profit": "Yearly profit of a loyal customer",
    "rate": "Discount rate",
    "years": "Loyal years",
    "clv": "Customer lifetime value",
}
_CLV_METHODS = {
    "simple": "simple (value x purchases x years)",
    "annuity": "annuity (yearly profit discounted over the loyal years)",
    "solve_years": "loyal years that give this lifetime value (annuity)",
}


def _clv_rows(row: dict[str, Any]) -> list[dict[str, str]]:
    out = []
    for key, value in row.items():
        if key == "method":
            text = _CLV_METHODS.get(str(value), str(value))
        elif key == "rate":
            text = f"{float(value) * 100:,.1f} % a year"
        elif key in ("years", "purchases_per_year"):
            text = f"{float(value):,.2f}".rstrip("0").rstrip(".")
        else:
            text = f"{float(value):,.2f}"
        out.append({"figure": _CLV_LABELS.get(key, key), "value": text})
    return out


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
    customers: Annotated[
        list[str] | None,
        typer.Option(
            help="Customers served in the month per segment (SEG=N, repeat), to scale a "
            "sample survey up to the customer base."
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Satisfaction-driven ROI by segment from a month's survey.

    Example: ``ccecon satisfaction examples/survey.csv --clv VIP=10000
    --clv "普通 regular=3000" --clv "新客 new=2000" --net-cost 20000``.
    """
    with user_errors():
        from ccecon.errors import InputError
        from ccecon.finance.satisfaction import satisfaction_roi
        from ccecon.finance.survey_file import read_survey

        values = parse_segment_values(clv, "--clv")
        base = None
        if customers:
            parsed = parse_segment_values(customers, "--customers")
            if not isinstance(parsed, dict):
                raise InputError(
                    "expected --customers SEGMENT=NUMBER", field="--customers", value=parsed
                )
            base = parsed
        res = satisfaction_roi(
            read_survey(survey),
            values,
            net_cost,
            loyal_above=loyal_above,
            disloyal_below=disloyal_below,
            customers=base,
        )
        frame = res.to_frame()
        if base is None:
            frame = frame.drop(columns=["customers", "loyal_customers", "disloyal_customers"])
        rows = [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]
        data = {
            "segments": rows[:-1],
            "total": rows[-1],
            "net_profit": res.net_profit,
            "net_cost": res.net_cost,
            "roi_pct": res.roi_pct,
            "loyal_above": loyal_above,
            "disloyal_below": disloyal_below,
        }
        title = (
            f"Satisfaction ROI: {res.roi_pct:,.1f} % (net profit {res.net_profit:,.0f}"
            f" vs net cost {res.net_cost:,.0f}; loyal > {loyal_above:g},"
            f" disloyal < {disloyal_below:g})"
        )

        def table() -> None:
            from ccecon.cli.output import print_table

            scaled = base is not None
            compact = [
                {
                    "segment": r["segment"],
                    "surveyed": r["respondents"],
                    **({"customers": r["customers"]} if scaled else {}),
                    "loyal": r["loyal_customers"] if scaled else r["loyal"],
                    "disloyal": r["disloyal_customers"] if scaled else r["disloyal"],
                    "clv": r["clv"],
                    "gain": r["gain"],
                    "loss": r["loss"],
                    "net": r["net"],
                }
                for r in rows
            ]
            print_table(compact, title=title, digits=0)

        emit(fmt, rows=rows, data=data, title=title, table=table)


def helpdesk(
    cost: Annotated[float, typer.Option(help="The help desk's cost over the period.")],
    tickets: Annotated[float, typer.Option(help="Tickets handled in the period.")],
    minutes: Annotated[float, typer.Option(help="Handling minutes logged on them.")],
    fmt: FormatOpt = Format.table,
) -> None:
    """Internal help desk: cost per ticket and time consumed per ticket.

    Example: ``ccecon helpdesk --cost 12000 --tickets 800 --minutes 9600``.
    """
    with user_errors():
        from ccecon.finance.satisfaction import helpdesk_costs

        res = helpdesk_costs(cost, tickets, minutes)
        rows = [
            {"item": str(r["item"]), "value": float(r["value"])}
            for r in res.to_frame().to_dict("records")
        ]
        emit(
            fmt,
            rows=rows,
            data={r["item"]: r["value"] for r in rows},
            title="Help desk unit costs",
        )


def register(app: typer.Typer) -> None:
    """Add ``labour``, ``clv``, ``satisfaction`` and ``helpdesk`` to ``app``."""
    app.command()(labour)
    app.command()(clv)
    app.command()(satisfaction)
    app.command()(helpdesk)
