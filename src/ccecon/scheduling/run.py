"""One shift design from start to end: what ``ccecon schedule`` and ``cc.schedule`` run.

Reads the requirement (an interval CSV, or a scenario's ``staffing`` in one plan month),
the shift templates file and, optionally, a roster of agents; designs the least-cost
shifts (:mod:`ccecon.scheduling.design`), reports coverage and service level
(:mod:`ccecon.scheduling.results`) and assigns the agents
(:mod:`ccecon.scheduling.roster`). The command line parses its options into the
arguments of :func:`run_schedule` and prints the :class:`ScheduleRun` it returns.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccecon.defaults import DEFAULT_SL_TARGET, DEFAULT_SL_THRESHOLD_S
from ccecon.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from ccecon.scheduling.roster import Rules

TABLES = ("coverage", "schedule", "roster", "assignments")
"""The tables of a run (``ScheduleRun.to_frame(table)``, ``ccecon schedule --rows``)."""


@dataclass(frozen=True)
class ScheduleRun:
    """A solved shift design: what ``ccecon schedule --format json`` prints.

    Attributes
    ----------
    title : str
        The shifts file's name, else "Schedule: <requirement file>".
    doc : Mapping
        ``summary`` (cover, solver status and gap, paid hours, schedule efficiency
        (required / paid hours, a fraction), paid FTE, cost in the shifts file's currency,
        understaffed intervals, call-weighted service level as a fraction), ``schedule``
        (head count per template, day and start), ``coverage`` (per interval: agents
        required and scheduled, with calls: service level and ASA in seconds) and, with a
        roster, ``roster`` (``summary``, ``agents``, ``assignments``, ``rules``).
    interval_minutes : int
        Length of an interval of the requirement, minutes.
    """

    title: str
    doc: Mapping[str, Any]
    interval_minutes: int

    @property
    def summary(self) -> dict[str, Any]:
        """The summary figures (see ``doc``)."""
        return dict(self.doc["summary"])

    def __repr__(self) -> str:
        """Shifts, paid hours, efficiency, cost and solver status in one line."""
        s = self.doc["summary"]
        eff = s.get("efficiency")
        cost = s.get("cost")
        parts = [
            f"{s['shifts']:,} shifts",
            f"{s['paid_hours']:,.1f} paid hours",
            f"{s['paid_fte']:,.1f} paid FTE",
        ]
        if eff is not None:
            parts.append(f"efficiency {eff * 100:.1f} %")
        if cost is not None:
            parts.append(f"cost {cost:,.2f} {s.get('currency') or ''}".rstrip())
        if s.get("service_level") is not None:
            parts.append(f"service level {s['service_level'] * 100:.1f} %")
        roster = self.doc.get("roster")
        if roster is not None:
            parts.append(f"{roster['summary']['agents']:,} agents rostered")
        return f"<ScheduleRun {self.title!r}: {', '.join(parts)}; {s['status']}>"

    def to_dict(self) -> dict[str, Any]:
        """The JSON-able document (a copy: changing it leaves the run as it is)."""
        return copy.deepcopy(dict(self.doc))

    def rows(self, table: str = "coverage") -> list[dict[str, Any]]:
        """The rows of one table: ``coverage`` (default, as ``--format csv``),
        ``schedule``, ``roster`` (hours per agent and week) or ``assignments``."""
        if table not in TABLES:
            raise InputError("expected " + ", ".join(TABLES), field="table", value=table)
        if table in ("roster", "assignments"):
            if "roster" not in self.doc:
                raise InputError(
                    f"the {table} table needs a roster of agents (roster=AGENTS.csv)",
                    field="table",
                    value=table,
                )
            key = "agents" if table == "roster" else "assignments"
            return [dict(r) for r in self.doc["roster"][key]]
        return [dict(r) for r in self.doc[table]]

    def to_frame(self, table: str = "coverage") -> pd.DataFrame:
        """One table (see :meth:`rows`) as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.rows(table))


def run_schedule(
    requirements: str | Path,
    shifts: str | Path,
    *,
    sl_target: float | None = DEFAULT_SL_TARGET,
    sl_threshold_s: float | None = DEFAULT_SL_THRESHOLD_S,
    patience_s: float | None = None,
    shrinkage: float = 0.0,
    interval_minutes: int | None = None,
    month: int = 1,
    cover: str | None = None,
    time_limit: float = 60.0,
    roster: str | Path | None = None,
    weeks: int = 1,
    rules: Rules | None = None,
) -> ScheduleRun:
    """Shifts that cover an interval requirement at the least paid hours (or gap cost).

    Parameters
    ----------
    requirements : str or Path
        An interval CSV (``start``, ``agents``; or ``calls`` and ``aht_s`` in seconds,
        staffed here to the goal) or a scenario file with a ``staffing`` section (its
        representative week of plan month ``month``, staffed to the scenario's goals).
    shifts : str or Path
        The shift templates file (YAML; docs/scheduling.md).
    sl_target : float or None
        Service level goal, a fraction (0.8: 80 % answered within ``sl_threshold_s``),
        for a CSV of calls without agents. A scenario brings its own goals.
    sl_threshold_s : float or None
        Its threshold, seconds; also the threshold of the service level reported.
    patience_s : float or None
        Mean patience of callers, seconds (Erlang A); default the scenario's, else
        Erlang C.
    shrinkage : float
        Time off the phones beyond the templates' breaks, a fraction in [0, 1):
        required agents = agents / (1 - shrinkage).
    interval_minutes : int or None
        Interval length, minutes; default read from the CSV's starts (a scenario's is
        its ``staffing.interval_minutes``).
    month : int
        Plan month (1 = the first month after signing) of a scenario requirement.
    cover : {"hard", "soft"} or None
        Never fewer agents than required, or the least cost of missing and excess
        agents; default the shifts file's.
    time_limit : float
        Solver time limit, seconds (the design and, separately, the roster).
    roster : str, Path or None
        An agents CSV (docs/scheduling.md) to assign to the designed shifts.
    weeks : int
        Weeks the designed week repeats in the roster (1-4).
    rules : Rules or None
        The roster's rules (days off, consecutive days, rest hours, preference cost);
        default :class:`ccecon.scheduling.roster.Rules`'s.

    Returns
    -------
    ScheduleRun
        Frozen: the summary, the shifts, the coverage and the roster.

    Raises
    ------
    InputError
        Naming the file, the field and the value of a bad input.
    NoSolutionError
        When no schedule covers the requirement (the reason is in the message).

    See Also
    --------
    ccecon.scheduling.design.solve : the mixed-integer program.
    """
    from ccecon.scheduling.design import build_model, solve
    from ccecon.scheduling.results import read_requirements, summarize
    from ccecon.scheduling.spec import Cover, load_shifts

    requirements, shifts = Path(requirements), Path(shifts)
    spec = load_shifts(shifts)
    goals: dict[str, Any] = {"sl_target": sl_target, "sl_threshold_s": sl_threshold_s}
    threshold = sl_threshold_s
    interval_min: float | None = interval_minutes
    frame, scenario_goals = _requirement_frame(requirements, month)
    if scenario_goals is not None:
        goals, threshold, scenario_patience, interval_min = scenario_goals
        patience_s = scenario_patience if patience_s is None else patience_s
    if cover is not None and cover not in ("hard", "soft"):
        raise InputError("expected hard or soft", field="cover", value=cover)
    req = read_requirements(
        frame,
        source=str(requirements),
        interval_minutes=None if interval_min is None else int(interval_min),
        shrinkage=shrinkage,
        goals=goals,
        patience_s=patience_s,
    )
    model = build_model(spec, req.grid, source=str(shifts))
    sol = solve(
        model,
        spec,
        cover=None if cover is None else Cover(cover),
        time_limit=time_limit,
        source=str(shifts),
    )
    doc = summarize(model, sol, spec, req, sl_threshold_s=threshold or 0.0, patience_s=patience_s)
    if roster is not None:
        from ccecon.scheduling.roster import Rules

        doc["roster"] = _roster(Path(roster), model, sol, spec, weeks, rules or Rules(), time_limit)
    title = spec.name or f"Schedule: {requirements.name}"
    return ScheduleRun(title, doc, req.grid.interval_minutes)


def _read_csv(path: Path, **options: Any) -> pd.DataFrame:
    """A user's CSV; a missing file, a folder, a pipe or an unreadable text: exit 2
    naming it."""
    import pandas as pd

    from ccecon.scenario.load import read_limited

    read_limited(path)
    try:
        return pd.read_csv(path, **options)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as e:
        raise InputError(f"cannot read as CSV: {e}", file=str(path)) from None


def _requirement_frame(
    requirements: Path, month: int
) -> tuple[Any, tuple[dict[str, Any], float | None, float | None, float] | None]:
    """The interval table of a requirement CSV, or of a scenario's staffing in plan month
    ``month`` with the scenario's goals, SL threshold (s), patience (s) and interval
    (minutes)."""
    from ccecon.scheduling.results import scenario_intervals

    source = str(requirements)
    if requirements.suffix.lower() not in (".yaml", ".yml", ".json"):
        return _read_csv(requirements), None
    from ccecon.scenario.load import load_scenario

    scenario = load_scenario(requirements)
    try:
        frame = scenario_intervals(scenario, month)
    except InputError as exc:
        raise InputError(exc.message, file=source, field=exc.field, value=exc.value) from None
    st = scenario.staffing
    assert st is not None
    goals = {
        "sl_target": st.sl_target,
        "sl_threshold_s": st.sl_threshold_s if st.sl_target is not None else None,
        "max_asa_s": st.max_asa_s,
        "max_abandon": st.max_abandon,
        "max_occupancy": st.max_occupancy,
    }
    return frame, (goals, st.sl_threshold_s, st.patience_s, float(st.interval_minutes))


def _roster(
    roster: Path,
    model: Any,
    sol: Any,
    spec: Any,
    weeks: int,
    rules: Any,
    time_limit: float,
) -> dict[str, Any]:
    """The agents of the roster CSV assigned to the designed shifts over ``weeks``."""
    from ccecon.scheduling.roster import designed_shifts, read_agents, solve_roster

    agents_frame = _read_csv(roster, dtype=str, keep_default_na=False)
    agents = read_agents(agents_frame, source=str(roster), shifts=spec, weeks=weeks, rules=rules)
    return solve_roster(
        agents,
        designed_shifts(model, sol, spec),
        weeks,
        rules,
        time_limit=time_limit,
        source=str(roster),
    )
