"""``ccecon ingest``, ``ccecon metrics`` and ``ccecon synth``: actuals from real records."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from ccecon.cli.output import Format, emit, user_errors

FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


def _cell_row(row: dict[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    """A metrics row for output: group keys as text (a date ``2027-01-04``, an interval
    start ``2027-01-04 08:15:00``, a missing key empty), NaN as null, numbers unchanged."""
    out: dict[str, Any] = {}
    for k, v in row.items():
        if k in keys:
            if v is None:
                v = ""
            elif isinstance(v, dt.datetime):
                v = v.isoformat(sep=" ")
            elif isinstance(v, dt.date):
                v = v.isoformat()
            else:
                v = str(v)
        elif isinstance(v, float) and math.isnan(v):
            v = None
        out[str(k)] = v
    return out


TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "contacts": (
        "offered",
        "service_level",
        "abandon_rate",
        "asa_s",
        "aht_s",
        "handle_cost_per_call",
    ),
    "agents": ("logged_in_s", "on_contact_s", "occupancy", "utilization"),
    "labour": ("currency", "payroll", "avg_agents", "hires", "leavers", "attrition"),
    "loyalty": ("respondents", "loyal", "disloyal", "mean_index", "loyal_share"),
}
"""What ``ccecon metrics`` shows in a terminal table unless ``--columns`` says otherwise
(every column fits at 80 characters; CSV and JSON carry all of them)."""

LABELS: dict[str, str] = {
    "queue": "Queue",
    "channel": "Channel",
    "direction": "Direction",
    "agent": "Agent",
    "team": "Team",
    "interval": "Interval (15 min)",
    "interval30": "Interval (30 min)",
    "interval60": "Interval (60 min)",
    "day": "Day",
    "week": "Week",
    "month": "Month",
    "year": "Year",
    "segment": "Segment",
    "fiscal_year": "Fiscal year",
    "fiscal_quarter": "Fiscal quarter",
    "fiscal_month": "Fiscal month",
    "fiscal_week": "Fiscal week",
    "offered": "Offered",
    "self_service": "Self-service",
    "blocked": "Blocked",
    "failed": "Failed",
    "answered": "Answered",
    "abandoned": "Abandoned",
    "short_abandoned": "Short abandons",
    "answered_in_sl": "Answered in SL",
    "transfers": "Transfers",
    "service_level": "Service level",
    "abandon_rate": "Abandon rate",
    "asa_s": "ASA (s)",
    "aht_s": "AHT (s)",
    "wait_s": "Wait (s)",
    "handle_s": "Handle (s)",
    "talk_s": "Talk (s)",
    "cost": "Cost",
    "handle_cost_per_call": "Handle cost per call",
    "cost_per_minute": "Cost per minute",
    "fcr_proxy": "FCR (proxy)",
    "identified": "Identified callers",
    "repeats": "Repeats",
    "uncosted": "Uncosted",
    "logged_in_s": "Logged in (s)",
    "on_contact_s": "On contact (s)",
    "occupancy": "Occupancy",
    "utilization": "Utilization",
    "currency": "Currency",
    "payroll": "Payroll",
    "avg_agents": "Agents (avg)",
    "hires": "Hires",
    "leavers": "Leavers",
    "attrition": "Attrition",
    "respondents": "Respondents",
    "loyal": "Loyal",
    "disloyal": "Disloyal",
    "mean_index": "Mean index",
    "loyal_share": "Loyal share",
}
"""Terminal-table headers of the metrics columns (CSV and JSON keep the column names)."""

PERCENT = frozenset(
    {"service_level", "abandon_rate", "fcr_proxy", "occupancy", "utilization", "attrition"}
    | {"loyal_share"}
)
"""Metrics columns that are fractions, shown as percentages in the terminal table."""


def _select_columns(
    rows: list[dict[str, Any]],
    keys: list[str],
    asked: str | None,
    table_default: tuple[str, ...] | None,
) -> list[dict[str, Any]]:
    """Rows with the asked columns (or the table's default ones), group keys first.

    An unknown column in ``asked`` is an InputError naming it and listing the known ones;
    the table's default leaves out what the result does not have, and says on standard
    error how many columns it left out.
    """
    from ccecon.errors import InputError

    available = list(rows[0]) if rows else []
    if asked is not None:
        wanted = [c.strip() for c in asked.split(",") if c.strip()]
        unknown = [c for c in wanted if c not in available]
        if rows and unknown:
            raise InputError(
                f"unknown column; expected some of {', '.join(available)}",
                field="--columns",
                value=unknown[0],
            )
    elif table_default is not None:
        wanted = [c for c in table_default if c in available]
    else:
        return rows
    keep = [k for k in keys if k in available] + [c for c in wanted if c not in keys]
    hidden = [c for c in available if c not in keep]
    if hidden and asked is None:
        typer.echo(
            f"{len(hidden)} more columns ({', '.join(hidden)}): --columns a,b or --format csv",
            err=True,
        )
    return [{c: r.get(c) for c in keep} for r in rows]


def _derived(f: Any) -> str:
    """What a file's loaded records became, when that is not one row each: agent-state
    stretches split at quarter hours, queue_log lines turned into contacts and states."""
    rows = {t: n for t, n in f.rows.items() if n}
    if not rows or rows == {"interactions": f.loaded}:
        return ""
    if f.format == "queue_log":
        parts = [f"{rows.get('interactions', 0):,} contacts"]
        if "agent_states" in rows:
            parts.append(f"{rows['agent_states']:,} agent-state rows")
        return (
            " -> " + " and ".join(parts) + " (the lines of a call make one contact; member"
            " and pause lines make agent-state stretches, split at each quarter hour)"
        )
    if set(rows) == {"agent_states"}:
        n = rows["agent_states"]
        if n == f.loaded:
            return ""
        return (
            f" -> {n:,} agent_states rows: {f.loaded:,} stretches split at each quarter"
            f" hour (+{n - f.loaded:,} pieces) so every interval's time is exact"
        )
    if len(rows) == 1 and next(iter(rows.values())) == f.loaded:
        return ""
    return " -> " + ", ".join(f"{n:,} {t} rows" for t, n in rows.items())


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest.")],
    into: Annotated[Path, typer.Option("--into", help="DuckDB store (created if needed).")],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="connect, asterisk, genesys, queue_log, agent-states, payroll,"
            " hr-events, surveys, cost-rates, invoices, parquet or normalized (a CSV with the"
            " documented interaction columns) (detected if omitted).",
        ),
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option(help="YAML column mapping for other CSV/Parquet files.")
    ] = None,
    memory_limit: Annotated[
        str | None,
        typer.Option(
            help="Memory DuckDB may use (e.g. 512MB, 4GB); it spills to --temp-dir"
            " beyond. Default: a quarter of the RAM, at most 1 GiB."
        ),
    ] = None,
    threads: Annotated[
        int | None, typer.Option(help="DuckDB threads. Default: the CPUs available.")
    ] = None,
    temp_dir: Annotated[
        Path | None,
        typer.Option(help="Where DuckDB spills when memory runs out. Default: STORE.tmp."),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            help="duckdb (a .duckdb store) or spark (Parquet interaction files validated by"
            " the same rules on Spark; --into is then a folder of Parquet tables)."
        ),
    ] = "duckdb",
    spark_master: Annotated[
        str, typer.Option(help="Spark master for --engine spark: local[2] or a cluster URL.")
    ] = "local[2]",
) -> None:
    """Load contact records; bad rows go to quarantine with a reason; prints the counts."""
    with user_errors(
        options={"fmt": "--format", "threads": "--threads", "memory_limit": "--memory-limit"}
    ):
        import time

        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        from ccecon.data.ingest import Resources, expand, load_mapping
        from ccecon.data.ingest import ingest as run

        if engine not in ("duckdb", "spark"):
            from ccecon.errors import InputError

            raise InputError("expected duckdb or spark", field="--engine", value=engine)
        cols = load_mapping(mapping) if mapping is not None else None
        if engine == "spark":
            _print_ingest(_ingest_on_spark(paths, into, cols, spark_master), into)
            return
        files = expand(paths)
        sizes = {str(p): max(1, p.stat().st_size) for p, _ in files}
        state = {"bytes": 0, "rows": 0, "file_rows": 0, "t0": time.monotonic()}
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f} %"),
            TextColumn("{task.fields[rows]}"),
            TimeRemainingColumn(),
            transient=True,
        ) as bar:
            task = bar.add_task("ingesting", total=sum(sizes.values()), rows="")

            def show(name: str, within: float, rows_now: int) -> None:
                dt_s = max(time.monotonic() - state["t0"], 1e-6)
                rows_all = state["rows"] + rows_now
                bar.update(
                    task,
                    completed=state["bytes"] + within * sizes.get(name, 1),
                    description=Path(name).name,
                    rows=f"{rows_all:,} rows ({rows_all / dt_s:,.0f}/s)",
                )

            def file_done(r: Any) -> None:
                state["bytes"] += sizes.get(r.file, 0)
                state["rows"] += r.read
                show(r.file, 0.0, 0)

            def rows_done(name: str, done: int, total: int) -> None:
                show(name, done / total if total else 0.0, done)

            report = run(
                paths,
                into,
                fmt=fmt,
                mapping=cols,
                progress=file_done,
                progress_rows=rows_done,
                resources=Resources(memory_limit, threads, str(temp_dir) if temp_dir else None),
            )
        _print_ingest(report, into)


def _print_ingest(report: Any, into: Path) -> None:
    """Each file's counts (read = loaded + quarantined, the reasons) and the total."""
    for f in report.files:
        if f.skipped and f.reasons:
            why = next(iter(f.reasons))
            typer.echo(f"{f.file}: skipped ({why})")
        elif f.skipped:
            typer.echo(f"{f.file}: already ingested, nothing added")
        else:
            detail = "; ".join(f"{n:,} {r}" for r, n in sorted(f.reasons.items()))
            typer.echo(
                f"{f.file} [{f.format}]: read {f.read:,} = loaded {f.loaded:,}"
                f" + quarantined {f.quarantined:,}"
                + (f" ({detail})" if detail else "")
                + _derived(f)
            )
    typer.echo(
        f"total: read {report.read:,} = loaded {report.loaded:,} + quarantined"
        f" {report.quarantined:,} -> {into}"
    )


def _ingest_on_spark(paths: list[Path], into: Path, cols: Any, master: str) -> Any:
    """:func:`ccecon.data.ingest.spark.ingest_spark` with a line a file as it is done
    (Spark shows its own stages' progress)."""
    from ccecon.data.ingest.spark import ingest_spark

    typer.echo(f"starting Spark ({master}) ...", err=True)
    return ingest_spark(
        paths,
        into,
        mapping=cols,
        master=master,
        progress=lambda r: typer.echo(f"{r.file}: done", err=True),
    )


METRICS_OPTIONS = {
    "by": "--by",
    "teams": "--teams",
    "calendar": "--fiscal-calendar",
    "sl_threshold_s": "--sl-threshold",
    "short_abandon_s": "--short-abandon",
    "repeat_days": "--repeat-days",
    "loyal_above": "--loyal-above",
    "backend": "--backend",
    "source": "--from",
}
"""The metric functions' parameters (as their errors name them) to ``metrics``' options."""


def metrics(
    store: Annotated[Path, typer.Option("--from", help="DuckDB store.")],
    by: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated: queue, channel, direction,"
            " agent, team, interval, interval30, interval60, day, week,"
            " month, fiscal_year, fiscal_quarter, fiscal_month, fiscal_week"
            " (agents: no queue, channel or direction). Default: queue,day;"
            " agent,day for agents; month for labour; segment for loyalty."
        ),
    ] = None,
    kind: Annotated[
        str,
        typer.Option(
            help="contacts (interactions), agents (occupancy and utilization from"
            " agent_states), labour (payroll build-up and attrition: payroll,"
            " hr_events; by month, year, agent, team) or loyalty (loyal and disloyal"
            " respondents from surveys; by segment, month, year)."
        ),
    ] = "contacts",
    loyal_above: Annotated[
        float, typer.Option(help="Loyalty: an index above this is loyal (0-100).")
    ] = 85.0,
    disloyal_below: Annotated[
        float, typer.Option(help="Loyalty: an index below this is disloyal (0-100).")
    ] = 50.0,
    repeat_days: Annotated[
        float | None,
        typer.Option(help="Repeat-contact window, days: adds the FCR proxy columns."),
    ] = None,
    teams: Annotated[
        Path | None,
        typer.Option(help="CSV agent,team[,valid_from,valid_to] for --by team."),
    ] = None,
    fiscal_calendar: Annotated[
        Path | None,
        typer.Option(
            help="YAML fiscal calendar (pattern, year_end; or a targets file) for --by fiscal_*."
        ),
    ] = None,
    sl_threshold: Annotated[float, typer.Option(help="Service level threshold, s.")] = 20.0,
    short_abandon: Annotated[
        float, typer.Option(help="Abandons quicker than this (s) are short.")
    ] = 5.0,
    agent_hour_cost: Annotated[
        float | None,
        typer.Option(
            help="Loaded cost of an agent hour (for the handle cost per call); overrides the"
            " store's cost_rates (default: those rates, else the cost is unknown)."
        ),
    ] = None,
    minute_cost: Annotated[
        float | None,
        typer.Option(
            help="Telecom cost per talk minute; overrides the store's cost_rates"
            " (default: those rates, else the cost is unknown)."
        ),
    ] = None,
    backend: Annotated[
        str, typer.Option(help="duckdb (a .duckdb store or Parquet) or spark (Parquet).")
    ] = "duckdb",
    spark_master: Annotated[
        str, typer.Option(help="Spark master: local[2] or a cluster URL.")
    ] = "local[2]",
    columns: Annotated[
        str | None,
        typer.Option(
            help="Columns to show, comma-separated (the group keys always come first); "
            "default: every column for CSV and JSON, the main ones for the table."
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Contacts (offered, SL, ASA, AHT, cost, FCR proxy) or agents (occupancy), by group."""
    with user_errors(options=METRICS_OPTIONS):
        from ccecon.data.metrics import (
            interactions_table,
            labour_expr,
            load_cost_rates,
            load_fiscal_calendar,
            load_teams,
            loyalty_expr,
            metric_expr,
            state_expr,
        )
        from ccecon.errors import InputError

        tables = {
            "contacts": "interactions",
            "agents": "agent_states",
            "labour": "payroll",
            "loyalty": "surveys",
        }
        if kind not in tables:
            raise InputError(
                "expected contacts, agents, labour or loyalty", field="--kind", value=kind
            )
        if not store.exists():
            raise InputError("store not found; run `ccecon ingest` first", file=str(store))
        default = {
            "contacts": "queue,day",
            "agents": "agent,day",
            "labour": "month",
            "loyalty": "segment",
        }
        keys = [k.strip() for k in (by or default[kind]).split(",") if k.strip()]
        team_rows = load_teams(teams) if teams is not None else None
        cal = load_fiscal_calendar(fiscal_calendar) if fiscal_calendar is not None else None
        con, table = interactions_table(
            str(store), backend, master=spark_master, table=tables[kind]
        )
        try:
            if kind == "contacts":
                expr = metric_expr(
                    table,
                    keys,
                    sl_threshold_s=sl_threshold,
                    short_abandon_s=short_abandon,
                    cost_per_agent_hour=agent_hour_cost,
                    cost_per_minute=minute_cost,
                    repeat_days=repeat_days,
                    teams=team_rows,
                    calendar=cal,
                    cost_rates=load_cost_rates(con) if backend == "duckdb" else None,
                )
            elif kind == "agents":
                expr = state_expr(table, keys, teams=team_rows, calendar=cal)
            elif kind == "labour":
                hr = con.table("hr_events") if "hr_events" in con.list_tables() else None
                expr = labour_expr(table, keys, hr=hr, teams=team_rows)
            else:
                expr = loyalty_expr(
                    table, keys, loyal_above=loyal_above, disloyal_below=disloyal_below
                )
            rows = [_cell_row(r, keys) for r in expr.to_pyarrow().to_pylist()]
        finally:
            con.disconnect()
        rows = _select_columns(
            rows, keys, columns, TABLE_COLUMNS[kind] if fmt == Format.table else None
        )
        emit(
            fmt,
            rows=rows,
            data=rows,
            title=f"{kind.title()} metrics by {', '.join(keys)}",
            labels=LABELS,
            percent=PERCENT,
        )


def calibrate(
    scenario: Annotated[Path, typer.Argument(help="Scenario file to calibrate.")],
    store: Annotated[Path, typer.Option("--from", help="DuckDB store.")],
    out: Annotated[
        Path | None, typer.Option(help="Write the calibrated scenario here (else stdout).")
    ] = None,
    warn_ratio: Annotated[
        float,
        typer.Option(
            help="Warn when a value moves by more than this factor either way, and when"
            " drivers the records do not give stay put while the FTE or workload does."
        ),
    ] = 1.5,
) -> None:
    """Write a scenario whose channel volumes, AHT and profiles come from the actuals.

    Prints every field it changed (old -> new, from which records) and warnings; the
    file keeps its comments and layout.
    """
    with user_errors(options={"warn_ratio": "--warn-ratio"}):
        from ccecon.data.calibrate import apply_changes, calibrate_explained, show
        from ccecon.scenario.load import load_scenario, read_limited

        result = calibrate_explained(load_scenario(scenario), store, warn_ratio=warn_ratio)
        source = read_limited(scenario).decode("utf-8-sig")
        text = apply_changes(source, result.changes, json_file=scenario.suffix.lower() == ".json")
        # the text written must read back as the calibrated scenario
        from ccecon.scenario.load import parse_scenario

        parse_scenario(text, source=str(out or scenario))
        if out is None:
            typer.echo(text, nl=False)
        else:
            out.write_text(text, encoding="utf-8")
        rows = [
            {"field": c.label, "old": show(c.old), "new": show(c.new), "from": c.source}
            for c in result.changes
            if c.path[-1] != "note"
        ]
        import sys

        from rich.console import Console
        from rich.table import Table

        console = Console(file=sys.stdout if out is not None else sys.stderr)
        table = Table(title=f"Calibrated from {store}: {len(rows)} field(s) changed")
        for col in ("Field", "Old", "New", "From the records"):
            table.add_column(col, overflow="fold")
        for r in rows:
            table.add_row(r["field"], r["old"], r["new"], r["from"])
        console.print(table)
        notes = [c for c in result.changes if c.path[-1] == "note"]
        if notes:
            console.print(f"{len(notes)} channel note(s) now say where the figures came from.")
        for w in result.warnings:
            typer.echo(f"warning: {w}", err=out is None)
        if out is not None:
            typer.echo(f"wrote {out}")


def synth(
    rows: Annotated[int, typer.Option(help="Number of interactions.")] = 100_000,
    out: Annotated[
        Path, typer.Option(help="Folder for interactions.parquet and the other tables.")
    ] = Path("synthetic"),
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    start: Annotated[str, typer.Option(help="First day (YYYY-MM-DD).")] = "2025-01-06",
    days: Annotated[int, typer.Option(help="Days of history (default 2 1/2 years).")] = 912,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="How the contacts are written: parquet (interactions.parquet, the"
            " normalized schema) or as a vendor's export: connect (Amazon Connect contact"
            " trace records, ctr.jsonl), genesys (Genesys Cloud conversation details,"
            " conversations.json), asterisk-cdr (Asterisk Master.csv) or queue_log"
            " (an Asterisk queue_log).",
        ),
    ] = "parquet",
) -> None:
    """Write a synthetic contact center (Parquet): contacts staffed by its own Erlang
    model, agent states, payroll, HR events, surveys, its teams and a profit goal; the
    contacts optionally as a vendor's export (``--format``)."""
    with user_errors(options={"rows": "--rows", "days": "--days", "fmt": "--format"}):
        import datetime as _dt

        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        from ccecon.data.synth import synth as run
        from ccecon.errors import InputError

        try:
            _dt.date.fromisoformat(start)
        except ValueError:
            raise InputError("expected a date YYYY-MM-DD", field="--start", value=start) from None
        with Progress(
            TextColumn("synth"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("contacts"),
            TimeRemainingColumn(),
            transient=True,
        ) as bar:
            task = bar.add_task("synth", total=rows)
            path = run(
                rows,
                out,
                seed=seed,
                start=start,
                days=days,
                progress=lambda done, _total: bar.update(task, completed=done),
                fmt=fmt,
            )
        what = "interactions" if fmt == "parquet" else f"interactions as a {fmt} export"
        typer.echo(f"wrote {rows:,} {what} ({days:,} days from {start}) to {path}")
        typer.echo(
            "wrote agent_states, payroll, hr_events, surveys and invoices (.parquet),"
            f" teams.csv, targets.yaml and center.yaml to {path.parent}"
        )


def register(app: typer.Typer) -> None:
    """Add the actuals commands to ``app``."""
    app.command()(ingest)
    app.command()(metrics)
    app.command()(calibrate)
    app.command()(synth)
