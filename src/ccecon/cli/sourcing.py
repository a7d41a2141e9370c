"""``ccecon compare``: in-house, outsourced, hosted and hybrid on the same demand."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ccecon.cli.output import Format, emit, user_errors
from ccecon.labels import label, phrase


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
            table=lambda: _table(result, rows, scenario.locale),
        )


def register(app: typer.Typer) -> None:
    """Add ``compare`` to ``app``."""
    app.command()(compare)


def _unit(value: float | None) -> str:
    """A unit cost with two decimals, "-" when nothing of that kind is handled."""
    return "-" if value is None else f"{value:,.2f}"


def _table(result: Any, rows: list[dict[str, Any]], loc: str = "en") -> None:
    """The ranking, the moves, the scorecard and the break-even volumes, headed in the
    scenario's language (``loc``)."""
    from ccecon.cli.output import print_table

    cur = result.currency

    def t(text: str, **fields: Any) -> str:
        return phrase(text, loc).format(**fields)

    money = [
        {
            t("rank"): r["rank"],
            t("option"): r["option"],
            t("TCO {currency}", currency=cur): f"{r['tco']:,.0f}",
            t("PV of cost {currency}", currency=cur): f"{r['pv_cost']:,.0f}",
            t("per contact"): _unit(r["cost_per_contact"]),
            t("per inbound call"): _unit(r["cost_per_inbound_call"]),
            t("binding terms"): r["binding_terms"],
        }
        for r in rows
    ]
    print_table(
        money,
        title=t("Sourcing options over {months} months, cheapest first", months=result.months),
    )
    moves = result.move_rows()
    if moves:
        print_table(
            [
                {
                    t("move to"): r["move to"],
                    t("NPV {currency}", currency=cur): f"{r['npv']:,.0f}",
                    t("ROI %"): "-" if r["roi_pct"] is None else f"{r['roi_pct']:,.1f}",
                    t("IRR % a year"): "-"
                    if r["irr_annual_pct"] is None
                    else f"{r['irr_annual_pct']:,.1f}",
                    t("payback (months)"): label("never", loc)
                    if r["payback_months"] is None or r["payback_months"] == float("inf")
                    else f"{r['payback_months']:,.1f}",
                }
                for r in moves
            ],
            title=t(
                "Moving from {current}: the business case of each move", current=result.current
            ),
        )
    if result.scorecard:
        print_table(
            [{t("option"): k, t("weighted score"): v} for k, v in result.scorecard.items()],
            title=t("Non-financial scorecard (beside the money, not added to it)"),
        )
    if result.break_even:
        print_table(
            [
                {
                    t("contacts / month"): f"{b.contacts_per_month:,.0f}",
                    t("volume x"): f"{b.factor:,.2f}",
                    t("cheapest below"): b.cheaper_below,
                    t("cheapest above"): b.cheaper_above,
                }
                for b in result.break_even
            ],
            title=t("Break-even volumes (where the cheapest option changes)"),
        )
    elif result.scan:
        only = result.scan[0]["ranking"][0]
        typer.echo(
            t("No break-even in the scanned range: {only} is cheapest throughout.", only=only)
        )
