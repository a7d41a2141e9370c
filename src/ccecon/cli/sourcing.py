"""``ccecon compare``: in-house, outsourced, hosted and hybrid on the same demand."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ccecon.cli.output import Format, emit, user_errors
from ccecon.labels import label


def compare(
    file: Annotated[Path, typer.Argument(help="Scenario file with a `sourcing` section.")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = (Format.table),
    no_break_even: Annotated[
        bool, typer.Option("--no-break-even", help="Skip the volume scan.")
    ] = False,
) -> None:
    """Rank the sourcing options by present value of cost, with break-even volumes."""
    with user_errors():
        from ccecon.sourcing.compare import sourcing_document
        from ccecon.sourcing.load import load_sourcing

        scenario, _ = load_sourcing(file)
        result = sourcing_document(scenario, str(file), break_even=not no_break_even)
        rows = result.rows()
        emit(
            fmt,
            rows=rows,
            data=result.to_dict(),
            table=lambda: _table(result, rows),
        )


def register(app: typer.Typer) -> None:
    """Add ``compare`` to ``app``."""
    app.command()(compare)


def _unit(value: float | None) -> str:
    """A unit cost with two decimals, "-" when nothing of that kind is handled."""
    return "-" if value is None else f"{value:,.2f}"


def _table(result: Any, rows: list[dict[str, Any]]) -> None:
    from ccecon.cli.output import print_table

    cur = result.currency
    money = [
        {
            "rank": r["rank"],
            "option": r["option"],
            f"TCO {cur}": f"{r['tco']:,.0f}",
            f"PV cost {cur}": f"{r['pv_cost']:,.0f}",
            "per contact": _unit(r["cost_per_contact"]),
            "per inbound call": _unit(r["cost_per_inbound_call"]),
            "binding terms": r["binding_terms"],
        }
        for r in rows
    ]
    print_table(money, title=f"Sourcing options over {result.months} months, cheapest first")
    moves = result.move_rows()
    if moves:
        print_table(
            [
                {
                    "move to": r["move to"],
                    f"NPV {cur}": f"{r['npv']:,.0f}",
                    "ROI %": "-" if r["roi_pct"] is None else f"{r['roi_pct']:,.1f}",
                    "IRR % a year": "-"
                    if r["irr_annual_pct"] is None
                    else f"{r['irr_annual_pct']:,.1f}",
                    "payback (months)": label("never")
                    if r["payback_months"] is None or r["payback_months"] == float("inf")
                    else f"{r['payback_months']:,.1f}",
                }
                for r in moves
            ],
            title=f"Moving from {result.current} (the business case of each move)",
        )
    if result.scorecard:
        print_table(
            [{"option": k, "weighted score": v} for k, v in result.scorecard.items()],
            title="Non-financial scorecard (beside the money, not added to it)",
        )
    if result.break_even:
        print_table(
            [
                {
                    "contacts / month": f"{b.contacts_per_month:,.0f}",
                    "volume x": f"{b.factor:,.2f}",
                    "cheapest below": b.cheaper_below,
                    "cheapest above": b.cheaper_above,
                }
                for b in result.break_even
            ],
            title="Break-even volumes (where the cheapest option changes)",
        )
    elif result.scan:
        only = result.scan[0]["ranking"][0]
        typer.echo(f"No break-even in the scanned range: {only} is cheapest throughout.")
