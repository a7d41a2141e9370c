"""Business-case commands: evaluate, validate, schema, demo."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ccecon.cli.output import Format, user_errors
from ccecon.documents import demo_scenario_path as demo_scenario_path
from ccecon.labels import LOCALES, label, phrase

if TYPE_CHECKING:
    from ccecon.engine import Result

FileArg = Annotated[Path, typer.Argument(help="Scenario file (YAML or JSON).", show_default=False)]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


def _render(result: Result, fmt: Format) -> None:
    from ccecon.cli.output import emit, fmt_number, print_table, write_csv

    if fmt == Format.json:
        emit(fmt, rows=[], data=result.to_dict())
        return
    from ccecon.sourcing.compare import sourcing_only

    comparison = result.extras.get("sourcing") if sourcing_only(result.scenario) else None
    if fmt == Format.csv:
        write_csv(result.summary_rows() if comparison is None else comparison.rows())
        return

    def table() -> None:
        from rich.console import Console
        from rich.markup import escape

        sc = result.scenario
        console = Console()
        loc = sc.locale if sc.locale in LOCALES else "en"
        if comparison is not None:
            # A sourcing-only file: the decision is the ranking of its options, not an
            # empty business case (NPV 0, no ROI).
            from ccecon.cli.sourcing import _table as sourcing_table

            head = phrase(
                "{currency}, {months} months from {start}: sourcing options; no business"
                " case lines",
                loc,
            ).format(currency=sc.currency, months=sc.horizon_months, start=f"{sc.start:%Y-%m}")
            console.print(f"[bold]{escape(sc.name)}[/bold]  ({head})")
            sourcing_table(comparison, comparison.rows(), loc)
            console.print(
                phrase(
                    "Break-even volumes: ccecon compare FILE. NPV of a move: give the business"
                    " case a baseline and a proposal.",
                    loc,
                )
            )
            return
        kind = (
            label("proposal", loc)
            if not result.has_baseline
            else phrase("proposal vs baseline", loc)
        )
        head = phrase(
            "{currency}, {months} months from {start}, {kind}, discount {rate} a year,"
            " {discounting}",
            loc,
        ).format(
            currency=sc.currency,
            months=sc.horizon_months,
            start=f"{sc.start:%Y-%m}",
            kind=kind,
            rate=_pct(sc.discount_rate),
            discounting=phrase(f"{sc.discounting} discounting", loc),
        )
        console.print(f"[bold]{escape(sc.name)}[/bold]  ({head})")
        print_table(_summary_table(result, loc), title=label("business_case", loc))
        st = result.staffing()
        if st:
            print_table(_staffing_table(st, loc), title=label("staffing_title", loc))
            for case, entry in st.items():
                over = entry.get("months_peak_above_seats") or []
                if over:
                    console.print(
                        f"Warning: in {len(over)} month(s) of the {case} case (first"
                        f" {over[0]}) the peak interval needs"
                        f" {fmt_number(entry['peak_agents'])} agents but the `seats` driver"
                        f" gives at most {fmt_number(entry['seats'])}: add seats, or the"
                        " seat-driven costs are too low."
                    )
        from ccecon.reports.summary import scorecard_rows

        fields, risks = scorecard_rows(result)
        if fields:
            print_table(
                [{label("metric", loc): k, "": v} for k, v in fields],
                title=label("scorecard", loc),
            )
        if risks:
            print_table(
                [{label(k, loc): v for k, v in r.items()} for r in risks],
                title=label("risk_register", loc),
            )
        uc = result.unit_costs.horizon
        if uc:
            rows = [
                {label("metric", loc): label(k, loc), sc.currency: f"{v:,.2f}"}
                for k, v in uc.items()
            ]
            basis = label(f"basis_{sc.unit_cost_basis}", loc)
            wrap = "（{}）" if loc == "zh" else " ({})"
            print_table(rows, title=label("unit_costs_title", loc) + wrap.format(basis))
        b = result.benchmark
        if b is not None:
            val = fmt_number(b.get("value"))
            source = escape(str(b["source"]))
            console.print(
                f"Cost per inbound call {val} {sc.currency} is [bold]{b['position']}[/bold] the"
                f" band {fmt_number(b['low'])}-{fmt_number(b['high'])} ({source})."
            )
            if b.get("note"):
                console.print(f"Note: {escape(str(b['note']))}.")
        for which, m in (("", result.metrics), ("risk-adjusted ", result.risk_adjusted)):
            if not bool(m.roi_defined.all()):
                console.print(f"Note: {which}ROI is not defined: the change invests nothing.")
            status = set(m.irr_status.tolist())
            if "none" in status:
                console.print(f"Note: {which}IRR does not exist: no discount rate makes NPV zero.")
            if "several" in status:
                roots = result.irr_roots(risk_adjusted=bool(which))
                listed = (
                    " and ".join(f"{r:,.1f} %" for r in roots) + " a year"
                    if roots
                    else "several discount rates"
                )
                console.print(
                    f"Note: {which}IRR is not unique: NPV is zero at {listed}; the one nearest"
                    " 0 is shown: judge by NPV."
                )

    emit(fmt, rows=result.summary_rows(), table=table)


def _summary_table(result: Result, loc: str) -> list[dict[str, str]]:
    """The headline figures in words, each value with its unit (machine outputs keep
    :meth:`Result.summary_rows`' keys)."""
    cur = result.scenario.currency

    def shown(key: str, value: Any) -> str:
        if value is None:
            return "-"
        if isinstance(value, str):  # a payback never reached
            return label("never", loc)
        if key in ("roi_pct",):
            return f"{value:,.1f} %"
        if key == "irr_annual_pct":
            return f"{value:,.1f} % {label('a_year', loc)}"
        if key.endswith("payback_months"):
            return f"{value:,.1f} {label('months', loc)}"
        if key.startswith("cost_per"):
            return f"{value:,.2f} {cur}"
        return f"{value:,.0f} {cur}"

    return [
        {
            label("metric", loc): label(r["metric"], loc),
            label("value", loc): shown(r["metric"], r["value"]),
            label("risk_adjusted", loc): shown(r["metric"], r["risk_adjusted"]),
        }
        for r in result.summary_rows()
    ]


def _staffing_table(st: dict[str, dict[str, Any]], loc: str) -> list[dict[str, str]]:
    """One row per staffing figure, one column per case (as is, proposal); with a shift
    schedule, the scheduled FTE beside the ideal FTE of the interval requirement."""
    cases = list(st)
    scheduled = all("ideal_fte_mean" in st[c] for c in cases)
    keys: tuple[tuple[str, str], ...] = (
        (
            ("scheduled_fte", "fte_mean"),
            ("scheduled_fte_max", "fte_max"),
            ("ideal_fte", "ideal_fte_mean"),
            ("schedule_ratio", "schedule_ratio"),
            ("schedule_gap", "schedule_gap"),
        )
        if scheduled
        else (("fte", "fte_mean"), ("fte_max", "fte_max"))
    ) + (
        ("peak_agents", "peak_agents"),
        ("agent_hours", "agent_hours"),
        ("service_level_min", "service_level_min"),
    )
    rows = []
    for key, field in keys:
        row = {label("metric", loc): label(key, loc)}
        for c in cases:
            head = label("as_is", loc) if c == "baseline" else label(c, loc)
            if field == "schedule_ratio":
                row[head] = f"{st[c]['schedule']['schedule_ratio_mean']:,.3f}"
            elif field == "schedule_gap":
                row[head] = f"{st[c]['schedule']['worst_gap'] * 100:,.2f} %"
            elif field == "service_level_min":
                v = st[c][field]
                row[head] = "-" if v is None else f"{v * 100:,.1f} %"
            else:
                v = st[c][field]
                row[head] = f"{v:,.1f}" if "fte" in key else f"{v:,.0f}"
        rows.append(row)
    return rows


def _pct(value: Any) -> str:
    import numpy as np

    if hasattr(value, "point"):  # a distribution: show its base-case value
        return f"{float(value.point) * 100:g} % (base case of a range)"
    return f"{float(np.mean(value)) * 100:g} %"


def write_outputs(result: Result, out: Path) -> list[Path]:
    """Write result.json, monthly.csv, cashflows.csv and unit_costs.csv into ``out``."""
    from ccecon.cli.output import dumps_json

    out.mkdir(parents=True, exist_ok=True)
    paths = []
    p = out / "result.json"
    p.write_text(dumps_json(result.to_dict()) + "\n", encoding="utf-8")
    paths.append(p)
    for name, frame in (
        ("monthly.csv", result.monthly_frame()),
        ("cashflows.csv", result.cashflow_frame()),
        ("unit_costs.csv", result.unit_costs.table),
    ):
        p = out / name
        frame.to_csv(p, index=False)
        paths.append(p)
    return paths


def evaluate(
    file: FileArg,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Folder for result.json and CSV tables."),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Evaluate a scenario: ROI, NPV, IRR, payback, unit costs (deterministic base case)."""
    with user_errors():
        from ccecon.engine import evaluate_checked
        from ccecon.scenario.load import load_scenario

        result = evaluate_checked(load_scenario(file), str(file))
        _render(result, fmt)
        if out is not None:
            paths = write_outputs(result, out)
            typer.echo(f"wrote {len(paths)} files to {out}", err=True)


def report(
    file: FileArg,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the report.")] = Path(
        "ccecon-report"
    ),
    html: Annotated[bool, typer.Option("--html/--no-html", help="Write report.html.")] = True,
    xlsx: Annotated[
        bool, typer.Option("--xlsx", help="Also write report.xlsx (live formulas).")
    ] = False,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Also print report.pdf (needs chromium).")
    ] = False,
    paper: Annotated[
        str | None,
        typer.Option(
            "--paper",
            help="Printed page: a4 or letter (default: letter for USD, CAD, MXN; else a4).",
        ),
    ] = None,
) -> None:
    """Write the report of a scenario: HTML (charts, assumptions, formulas), Excel, PDF."""
    with user_errors(options={"paper": "--paper"}):
        from ccecon.engine import evaluate as run
        from ccecon.reports import write_report
        from ccecon.scenario.load import load_scenario

        scenario = load_scenario(file)
        paths = write_report(
            scenario,
            run(scenario),
            out,
            html=html,
            xlsx=xlsx,
            pdf=pdf,
            source_path=file,
            paper=paper,
        )
        for p in (paths.html, paths.xlsx, paths.pdf):
            if p is not None:
                typer.echo(f"wrote {p}")


def validate(file: FileArg, fmt: FormatOpt = Format.table) -> None:
    """Check a scenario file; exit 0 if valid, 2 with the field and value if not."""
    with user_errors():
        from ccecon.cli.output import write_json
        from ccecon.engine import evaluate_checked
        from ccecon.scenario.load import load_scenario

        sc = load_scenario(file)
        evaluate_checked(sc, str(file))  # every check evaluate runs: one validation
        n_lines = sum(len(c.cost_lines) + len(c.benefit_lines) for c in sc.cases().values())
        info = {
            "valid": True,
            "file": str(file),
            "name": sc.name,
            "currency": sc.currency,
            "cases": list(sc.cases()),
            "channels": len(sc.channels),
            "lines": n_lines,
        }
        if fmt == Format.json:
            write_json(info)
        elif fmt == Format.csv:
            from ccecon.cli.output import write_csv

            write_csv([{**info, "cases": "+".join(sc.cases())}])
        else:
            typer.echo(
                f"ok: {file}: '{sc.name}', {sc.currency}, cases {', '.join(sc.cases())},"
                f" {len(sc.channels)} channels, {n_lines} lines"
            )


def schema(fmt: FormatOpt = Format.json) -> None:
    """Print the scenario JSON Schema (point your editor's YAML plugin at it).

    ``--format json`` (the default here: the schema is the product) prints the JSON
    Schema; ``table`` and ``csv`` list every field with its type, default and meaning.
    """
    if fmt == Format.json:
        import json

        from ccecon.scenario.schema import Scenario

        typer.echo(json.dumps(Scenario.model_json_schema(), indent=2, ensure_ascii=False))
        return
    from ccecon.cli.output import print_table, write_csv
    from ccecon.scenario.docs import field_rows

    if fmt == Format.csv:
        write_csv(field_rows())
    else:
        print_table(field_rows(), title="Scenario fields (ccecon schema --format json for editors)")


def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the demo outputs.")] = Path(
        "ccecon-demo"
    ),
    fmt: FormatOpt = Format.table,
) -> None:
    """Evaluate the bundled example, print the summary and write its outputs."""
    with user_errors():
        from ccecon.engine import evaluate as run
        from ccecon.scenario.load import load_scenario

        path = demo_scenario_path()
        scenario = load_scenario(path)
        result = run(scenario)
        _render(result, fmt)
        paths = write_outputs(result, out)
        from ccecon.reports import write_report

        report = write_report(scenario, result, out, source_path=path)
        assert report.html is not None
        paths.append(report.html)
        # JSON and CSV keep standard output for the data; where things went goes to stderr
        err = fmt != Format.table
        typer.echo(f"\nExample: {path}", err=err)
        typer.echo(f"Outputs written to {out.resolve()}:", err=err)
        for p in paths:
            typer.echo(f"  {p}", err=err)
        typer.echo(f"Open the report: {report.html.resolve()}", err=err)


def register(app: typer.Typer) -> None:
    """Add the business-case commands to ``app``."""
    app.command()(evaluate)
    app.command()(report)
    app.command()(validate)
    app.command()(schema)
    app.command()(demo)
