"""``ccecon budget``: next year's cost budget by month and element, with a reserve."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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
    with user_errors(options={"year": "--year", "fy_start": "--fy-start", "case": "--case"}):
        from ccecon.budget.plan import plan_budget_file, year_of
        from ccecon.cli.output import emit, print_table
        from ccecon.units import SHARE, parse_ratio

        share = None if reserve is None else parse_ratio(reserve, SHARE, "--reserve")
        b = plan_budget_file(
            file,
            year_of(year),
            forecast=forecast,
            fy_start=fy_start,
            case=case,
            reserve_share=share,
            draws=draws,
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


@budget_app.command("track")
def track_cmd(
    budget: Annotated[
        Path, typer.Argument(help="Budget document (`ccecon budget plan --out`, JSON).")
    ],
    store: Annotated[Path, typer.Option("--from", help="Actuals store (DuckDB).")],
    threshold: Annotated[
        str,
        typer.Option("--threshold", help='Flag a variance beyond this share of budget ("5%").'),
    ] = "5%",
    locale: Annotated[
        str | None, typer.Option("--locale", help="en or zh (default: the budget's).")
    ] = None,
    report: Annotated[
        list[Path] | None,
        typer.Option(
            "--report",
            help="Also write the report here, by the file's extension: .html (a page),"
            " .xlsx (a workbook of formulas), .pdf (the page printed; needs chromium)."
            " Repeat for several.",
        ),
    ] = None,
    paper: Annotated[
        str | None,
        typer.Option("--paper", help="The PDF's paper: a4 or letter (default by currency)."),
    ] = None,
    reforecast: Annotated[
        Path | None,
        typer.Option(
            "--reforecast",
            help="A budget of the same year re-planned from a newer forecast: its months"
            " after the actuals make the re-forecast (default: the budget's own).",
        ),
    ] = None,
    forecast: Annotated[
        Path | None,
        typer.Option(
            "--forecast",
            help="A `ccecon forecast --out` file whose months and intervals the report"
            " charts beside the actuals (default: the forecast the budget was planned from).",
        ),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
) -> None:
    """Budget vs actual, month by month and element by element: the variance, its split
    into volume, efficiency and rate (personnel, telecom), the re-forecast of the year,
    the reserve used, and the BPO invoices checked against their contract."""
    with user_errors(options={"report": "--report", "paper": "--paper"}):
        from ccecon.budget.track import track_files
        from ccecon.cli.output import emit
        from ccecon.errors import InputError
        from ccecon.labels import LOCALES
        from ccecon.units import SHARE, parse_ratio

        share = parse_ratio(threshold, SHARE, "--threshold")
        if locale is not None and locale not in LOCALES:
            raise InputError(
                "unknown locale; expected " + ", ".join(LOCALES), field="--locale", value=locale
            )
        res = track_files(budget, store, share, reforecast, forecast)
        doc = res.to_dict()
        loc = locale or res.locale
        emit(fmt, rows=doc["monthly"], data=doc, table=lambda: show_tracking(doc, loc))
        from ccecon.reports.budget import check_report_paths, write_track_report

        for path in check_report_paths(report or [], paper):
            write_track_report(doc, path, loc, paper=paper)
            if fmt == Format.table:
                typer.echo(f"Wrote {path}")


def show_tracking(doc: dict[str, Any], loc: str) -> None:
    """The tracking as tables (labels in ``loc``)."""
    from ccecon.cli.output import print_table
    from ccecon.labels import label

    cur = doc["currency"]

    def money(x: float | None, digits: int = 0) -> str:
        return "" if x is None else f"{x:,.{digits}f}"

    def pct(x: float | None) -> str:
        return "" if x is None else f"{x * 100:+.1f} %"

    def flag(x: str) -> str:
        return label(f"flag_{x.replace(' ', '_')}", loc) if x else ""

    months = doc["actual_months"]
    title = label("budget_track_title", loc).format(
        year=doc["fiscal_year"], last=months[-1], n=len(months), cur=cur
    )
    rows = []
    t = doc["total"]
    for x in [*doc["by_element"], t]:
        name = "total" if x is t else f"element_{x['element']}"
        rows.append(
            {
                "element": label(name, loc),
                "budget_to_date": money(x["budget_to_date"]),
                "actual_to_date": money(x["actual_to_date"]),
                "variance": money(x["variance"]),
                "variance_pct": pct(x["variance_pct"]),
                "flag": flag(x["flag"]),
                "budget_year": money(x["budget_year"]),
                "reforecast_year": money(x["reforecast_year"]),
            }
        )
    heads = {k: label(k, loc) for k in rows[0]}
    print_table(rows, title=title, labels=heads)
    monthly = [
        {
            "month": x["month"],
            "element": label(f"element_{x['element']}", loc),
            "budget": money(x["budget"]),
            "actual": money(x["actual"]),
            "variance": money(x["variance"]),
            "variance_pct": pct(x["variance_pct"]),
            "flag": flag(x["flag"]),
        }
        for x in doc["monthly"]
        if x["flag"]
    ]
    if monthly:
        print_table(
            monthly,
            title=label("flagged_months_title", loc).format(t=f"{doc['threshold'] * 100:g} %"),
            labels={k: label(k, loc) for k in monthly[0]},
        )
    split_rows = [
        {
            "month": x["month"],
            "element": label(f"element_{x['element']}", loc),
            "volume": money(x["volume"], 2),
            "efficiency": money(x["efficiency"], 2),
            "rate": money(x["rate"], 2),
            "variance": money(x["total"], 2),
        }
        for x in doc["variance_split"]
    ]
    if split_rows:
        print_table(
            split_rows,
            title=label("variance_split_title", loc).format(cur=cur),
            labels={k: label(k, loc) for k in split_rows[0]},
        )
    r = doc["reserve"]
    typer.echo(
        f"{label('reforecast_year', loc)}: {money(t['reforecast_year'])} {cur}"
        f" ({label('budget_year', loc)} {money(t['budget_year'])} {cur})"
    )
    used = "" if r["used_share"] is None else f" ({r['used_share'] * 100:.1f} %)"
    need = "" if r["needed_share"] is None else f" ({r['needed_share'] * 100:.1f} %)"
    typer.echo(
        f"{label('reserve', loc)}: {money(r['reserve'])} {cur}; {label('reserve_used', loc)}"
        f" {money(r['used_to_date'])} {cur}{used}; {label('reserve_needed', loc)}"
        f" {money(r['needed_for_year'])} {cur}{need}"
    )
    audit = [
        {
            "month": x["month"],
            "vendor": x["vendor"],
            "charge": x["charge"],
            "billed_quantity": money(x["billed_quantity"]),
            "measured_quantity": money(x["measured_quantity"]),
            "billed": money(x["billed"], 2),
            "expected": money(x["expected"], 2),
            "difference": money(x["difference"], 2),
            "note": x["note"],
        }
        for x in doc["audit"]
    ]
    if audit:
        if not any(x["note"] for x in audit):
            for x in audit:
                del x["note"]
        print_table(
            audit,
            title=label("invoice_audit_title", loc).format(cur=cur),
            labels={k: label(k, loc) for k in audit[0]},
        )
    for note in doc["notes"]:
        typer.echo(f"Note: {note}")


def register(app: typer.Typer) -> None:
    """Add the ``budget`` sub-app."""
    app.add_typer(budget_app, name="budget")
