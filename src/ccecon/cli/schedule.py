"""``ccecon schedule``: shifts that cover an interval requirement, and what they cost."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ccecon.cli.output import Format, emit, user_errors
from ccecon.cli.staff import SL_DEFAULT


class Rows(StrEnum):
    """Which table ``--format csv`` writes."""

    coverage = "coverage"
    schedule = "schedule"
    roster = "roster"
    assignments = "assignments"


class CoverOption(StrEnum):
    """``--cover``: override the shifts file's cover."""

    hard = "hard"
    soft = "soft"


SUMMARY_LABELS = {
    "cover": "Cover",
    "status": "Solver status",
    "objective": "Objective",
    "bound": "Best bound",
    "gap": "Optimality gap",
    "solve_seconds": "Solve time, s",
    "days": "Days",
    "intervals": "Open intervals",
    "shifts": "Shifts scheduled",
    "required_agent_hours": "Required agent-hours",
    "scheduled_agent_hours": "Scheduled agent-hours on the phones",
    "paid_hours": "Paid hours",
    "efficiency": "Schedule efficiency (required / paid hours)",
    "paid_fte": "Paid FTE",
    "cost": "Cost",
    "understaffed_intervals": "Understaffed intervals",
    "understaffed_agent_intervals": "Agents missing (agent-intervals)",
    "overstaffed_agent_intervals": "Agents in excess (agent-intervals)",
    "service_level": "Service level reached (call-weighted)",
}

COVER_TEXT = {
    "hard": "hard: never fewer agents than required",
    "soft": "soft: least cost of missing and excess agents",
}


def summary_rows(summary: dict[str, Any]) -> list[dict[str, str]]:
    """The summary as label / value rows, every number written for people."""
    from ccecon.cli.output import fmt_number, fmt_percent

    out = []
    for key, label in SUMMARY_LABELS.items():
        if key not in summary or summary[key] is None:
            continue
        v = summary[key]
        if key == "cover":
            text = COVER_TEXT[v]
        elif key in ("objective", "bound"):
            label = f"{label} ({summary['objective_is']})"
            cur = summary.get("currency") if summary["objective_is"] == "paid cost" else None
            text = f"{cur} {v:,.2f}" if cur else fmt_number(float(v), 2)
        elif key in ("gap", "efficiency", "service_level"):
            text = fmt_percent(float(v), 2 if key == "gap" else 1)
        elif key == "cost":
            cur = summary.get("currency")
            text = f"{cur} {v:,.2f}" if cur else fmt_number(float(v), 2)
        elif isinstance(v, float):
            text = fmt_number(v, 2)
        else:
            text = fmt_number(v)
        out.append({"metric": label, "value": text})
    return out


def day_rows(coverage: list[dict[str, Any]], interval_minutes: int) -> list[dict[str, Any]]:
    """Coverage rolled up by day: agent-hours required and scheduled, short intervals."""
    h = interval_minutes / 60.0
    days: dict[str, dict[str, Any]] = {}
    for r in coverage:
        day = r["interval"].rsplit(" ", 1)[0]
        d = days.setdefault(
            day,
            {"day": day, "required": 0.0, "scheduled": 0.0, "short": 0, "_in": 0.0, "_calls": 0.0},
        )
        d["required"] += r["required"] * h
        d["scheduled"] += r["scheduled"] * h
        d["short"] += int(r["difference"] < 0)
        if "calls" in r:
            d["_calls"] += r["calls"]
            d["_in"] += r["calls"] * r["service_level"]
    out = []
    for d in days.values():
        row = {
            "day": d["day"],
            "required agent-hours": d["required"],
            "scheduled agent-hours": d["scheduled"],
            "understaffed intervals": d["short"],
        }
        if d["_calls"] > 0:
            row["service level"] = d["_in"] / d["_calls"]
        out.append(row)
    return out


def chart(doc: dict[str, Any], path: Path, title: str) -> None:
    """Required vs scheduled agents per interval: an offline HTML page (plotly) or a PNG/SVG
    image (matplotlib, installed with SALib) by the file's suffix."""
    from ccecon.errors import InputError

    cov = doc["coverage"]
    labels = [r["interval"] for r in cov]
    req = [r["required"] for r in cov]
    sch = [r["scheduled"] for r in cov]
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        from ccecon.reports.charts import schedule_figure

        schedule_figure(labels, req, sch, title).write_html(path, include_plotlyjs=True)
    elif suffix in (".png", ".svg", ".pdf"):
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import FuncFormatter

        fig, ax = plt.subplots(figsize=(14, 4.5), dpi=110)
        x = range(len(labels))
        ax.fill_between(x, req, step="mid", color="#d1495b", alpha=0.25, label="required")
        ax.step(x, sch, where="mid", color="#30638e", linewidth=1.2, label="scheduled")
        step = max(1, len(labels) // 14)
        ax.set_xticks(list(x)[::step], labels[::step], rotation=30, ha="right", fontsize=8)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.set_ylabel("agents on the phones")
        ax.set_title(title)
        ax.legend(loc="upper right")
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        fig.savefig(path)
        plt.close(fig)
    else:
        raise InputError(
            "the chart is written as .html, .png, .svg or .pdf", field="--chart", value=str(path)
        )


def roster_tables(roster: dict[str, Any]) -> None:
    """The roster (agent by week and day), and which rules bind."""
    from ccecon.cli.output import fmt_number, print_table

    s = roster["summary"]
    print_table(
        [
            {"metric": "Agents", "value": fmt_number(s["agents"])},
            {"metric": "Weeks", "value": fmt_number(s["weeks"])},
            {"metric": "Shifts assigned", "value": fmt_number(s["shifts_assigned"])},
            {"metric": "Preferences broken (cost)", "value": fmt_number(s["preference_cost"], 2)},
            {"metric": "Solver status", "value": s["status"]},
        ],
        title="Roster",
    )
    print_table(
        roster["agents"], title="Roster by agent and week", labels={"paid_hours": "paid hours"}
    )
    print_table(
        [
            {
                "rule": r["meaning"],
                "binds": "yes" if r["binds"] else ("not solved" if r["binds"] is None else "no"),
                "at its limit for": ", ".join(r["at_limit"]) or "-",
            }
            for r in roster["rules"]
        ],
        title="Rules (binds: the roster would break fewer preferences without it)",
    )


SCHEDULE_OPTIONS = {
    "month": "--month",
    "interval_minutes": "--per",
    "roster": "--roster",
    "weeks": "--weeks",
}
"""The scheduling functions' parameters (as their errors name them) to ``schedule``'s
options."""


def schedule(
    requirements: Annotated[
        Path,
        typer.Argument(
            help="Interval CSV (as `ccecon staff FILE --format csv` writes: start,"
            " agents, calls, aht_s) or a scenario with a `staffing` section."
        ),
    ],
    shifts: Annotated[Path, typer.Option("--shifts", help="Shift templates file (YAML).")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = (Format.table),
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Solver time limit, seconds.", min=0.01)
    ] = 60.0,
    cover: Annotated[
        CoverOption | None, typer.Option(help="hard or soft; default the shifts file's.")
    ] = None,
    per: Annotated[
        str | None,
        typer.Option(help="Interval length (15min, 30min); default: read from the starts."),
    ] = None,
    sl: Annotated[
        str | None,
        typer.Option(
            help="Service level goal SHARE/SECONDS (80%/20): staffs a file of calls"
            " without agents; its seconds are the threshold of the service level shown."
        ),
    ] = SL_DEFAULT,
    patience: Annotated[
        float | None, typer.Option(help="Mean patience, seconds: Erlang A.")
    ] = None,
    shrinkage: Annotated[
        str,
        typer.Option(
            help="Time off the phones beyond the scheduled breaks (absence, training),"
            " 0.1 or 10%: required = agents / (1 - shrinkage)."
        ),
    ] = "0",
    month: Annotated[int, typer.Option(help="Scenario input: the plan month.")] = 1,
    rows: Annotated[Rows, typer.Option(help="Which table --format csv writes.")] = Rows.coverage,
    chart_file: Annotated[
        Path | None,
        typer.Option("--chart", help="Write required vs scheduled: .html, .png or .svg."),
    ] = None,
    roster: Annotated[
        Path | None,
        typer.Option(
            "--roster",
            help="Agents CSV (agent, min_hours_week, max_hours_week, templates,"
            " unavailable, prefer_off, rule columns): assign them to the designed shifts.",
        ),
    ] = None,
    weeks: Annotated[int, typer.Option(help="Roster: weeks the designed week repeats (1-4).")] = 1,
    min_days_off: Annotated[
        int, typer.Option(help="Roster: days off each week (weekly rest).", min=0, max=7)
    ] = 2,
    max_consecutive_days: Annotated[
        int, typer.Option(help="Roster: most work days in a row.", min=1)
    ] = 5,
    consecutive_days_off: Annotated[
        bool,
        typer.Option(
            "--consecutive-days-off/--no-consecutive-days-off",
            help="Roster: two consecutive days off each week.",
        ),
    ] = True,
    min_rest_hours: Annotated[
        float, typer.Option(help="Roster: least rest between two shifts, hours.", min=0)
    ] = 11.0,
    preference_cost: Annotated[
        float,
        typer.Option(help="Roster: cost of a shift on a day the agent prefers off.", min=0),
    ] = 1.0,
) -> None:
    """Shifts covering an interval requirement at the least paid hours (or gap cost).

    Example: ``ccecon schedule week.csv --shifts shifts.yaml``. Prints the schedule
    (template, day, start, head count), the coverage and the service level each
    interval reaches, schedule efficiency, paid FTE, cost and the solver's gap.
    """
    with user_errors(options=SCHEDULE_OPTIONS):
        from ccecon.cli.staff import parse_sl
        from ccecon.errors import InputError
        from ccecon.scheduling.roster import Rules
        from ccecon.scheduling.run import run_schedule
        from ccecon.units import SHARE_BELOW_ONE, interval_seconds, parse_ratio

        shrink = parse_ratio(shrinkage, SHARE_BELOW_ONE, field="--shrinkage")
        target, threshold = parse_sl(sl)
        interval_min = None if per is None else interval_seconds(per) / 60.0
        if interval_min is not None and not float(interval_min).is_integer():
            raise InputError("expected whole minutes, e.g. 15min", field="--per", value=per)
        if rows in (Rows.roster, Rows.assignments) and roster is None:
            raise InputError(
                "--rows roster and --rows assignments need --roster AGENTS.csv",
                field="--rows",
                value=rows.value,
            )
        run = run_schedule(
            requirements,
            shifts,
            sl_target=target,
            sl_threshold_s=threshold,
            patience_s=patience,
            shrinkage=shrink,
            interval_minutes=None if interval_min is None else int(interval_min),
            month=month,
            cover=None if cover is None else cover.value,
            time_limit=time_limit,
            roster=roster,
            weeks=weeks,
            rules=Rules(
                min_days_off_week=min_days_off,
                max_consecutive_days=max_consecutive_days,
                consecutive_days_off=consecutive_days_off,
                min_rest_hours=min_rest_hours,
                preference_cost=preference_cost,
            ),
        )
        doc = run.to_dict()
        if chart_file is not None:
            chart(doc, chart_file, run.title)
            typer.echo(f"wrote {chart_file}", err=True)

        def table() -> None:
            _print_tables(doc, run.title, run.interval_minutes)

        emit(fmt, rows=run.rows(rows.value), data=doc, table=table)


def _print_tables(doc: dict[str, Any], title: str, interval_minutes: int) -> None:
    """The terminal tables: summary, shifts, coverage by day, and the roster's."""
    from ccecon.cli.output import print_table

    print_table(summary_rows(doc["summary"]), title=title)
    print_table(
        [{k: v for k, v in r.items() if k != "kind"} for r in doc["schedule"]],
        title="Shifts (head count by template, day and start)",
        labels={"headcount": "head count", "paid_hours": "paid hours"},
    )
    print_table(
        day_rows(doc["coverage"], interval_minutes),
        title="Coverage by day (every interval: --format csv)",
        percent=("service level",),
    )
    if "roster" in doc:
        roster_tables(doc["roster"])


def register(app: typer.Typer) -> None:
    """Add ``schedule`` to ``app``."""
    app.command()(schedule)
