"""Rostering: named agents assigned to the designed shifts over one to four weeks.

The shift design (:mod:`ccecon.scheduling.design`) says how many agents work each
placement (a template at a start time on a day) of a representative week. The roster
repeats that week ``weeks`` times and assigns named agents to every one of those shifts,
as a mixed-integer program solved by HiGHS (``scipy.optimize.milp``).

Variables: ``z_awp`` in {0, 1}: agent ``a`` works placement ``p`` in week ``w`` (only where
``a`` may work ``p``'s template and is available that day). Rules (each agent, each week):

* **cover**: ``sum_a z_awp = x_p``, every designed shift is worked by its head count;
* one shift a day: ``sum_{p on day d} z_awp <= 1``;
* **hours**: ``min_hours_week <= sum_p paid_p z_awp <= max_hours_week``;
* **weekly rest**: at least ``min_days_off_week`` days off;
* **days off together**: with ``consecutive_days_off``, two consecutive days off in the
  week (a binary ``o_awj`` per pair of days ``j, j+1``, ``o <= 1 - work``, ``sum_j o >= 1``);
* **max consecutive work days**: in every run of ``max_consecutive_days + 1`` days, at
  least one day off;
* **rest between shifts**: a shift may not start less than ``min_rest_hours`` after the
  previous one ends (pairs of placements on different days that are too close exclude
  each other);
* **availability**: days an agent cannot work (``unavailable``) and templates they may
  work (``templates``) remove variables.

The roster is cyclic (it repeats after its last week: Sunday of the last week is followed
by Monday of the first), as the designed week is. Preferences are soft: each shift on a
day in ``prefer_off`` costs ``preference_cost``; the roster minimises that cost.

When no roster meets every rule, an elastic program (a non-negative slack on every rule,
weighed in hours: an hour of contracted hours 1, an agent missing on a designed shift its
paid hours, a day of a days rule or a pair of shifts too close the mean shift's paid
hours; a shift is never over-staffed) finds the least violation, and the error names the
rules, agents and weeks whose slack is positive. A rule **binds** when the roster without it
costs less (fewer preferences broken); it is **at its limit** for the agents and weeks
where its constraint holds with equality.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ccecon.errors import InputError
from ccecon.scheduling.design import Model, Solution
from ccecon.scheduling.spec import DAYS, ShiftsFile, clock

RULES: tuple[str, ...] = (
    "cover",
    "min_hours_week",
    "max_hours_week",
    "min_days_off_week",
    "consecutive_days_off",
    "max_consecutive_days",
    "min_rest_hours",
)
"""The roster's rules, in the order reported. ``cover`` (every designed shift worked) is
never relaxed when checking which rules bind."""

MAX_WEEKS = 4
MAX_VARIABLES = 200_000


@dataclass(frozen=True)
class Agent:
    """One agent of the roster file (hours per week; days as ``mon``, or ``w2-mon`` for one
    week only)."""

    name: str
    min_hours: float
    max_hours: float
    templates: frozenset[str] | None  # None: every template
    unavailable: frozenset[tuple[int | None, int]]  # (week or None for every week, weekday)
    prefer_off: frozenset[tuple[int | None, int]]
    min_days_off: int
    max_consecutive: int
    consecutive_off: bool
    min_rest_hours: float

    def off_on(self, days: frozenset[tuple[int | None, int]], week: int, day: int) -> bool:
        return (None, day) in days or (week, day) in days


@dataclass(frozen=True)
class Rules:
    """Defaults of the rules for agents whose row leaves them empty."""

    min_days_off_week: int = 2
    max_consecutive_days: int = 5
    consecutive_days_off: bool = True
    min_rest_hours: float = 11.0
    preference_cost: float = 1.0


COLUMNS = (
    "agent",
    "min_hours_week",
    "max_hours_week",
    "templates",
    "unavailable",
    "prefer_off",
    "min_days_off_week",
    "max_consecutive_days",
    "consecutive_days_off",
    "min_rest_hours",
)


def _line(i: int) -> int:
    return i + 2


def _days(
    text: str, weeks: int, source: str, row: int, col: str
) -> frozenset[tuple[int | None, int]]:
    out: set[tuple[int | None, int]] = set()
    for raw in str(text).replace(",", ";").split(";"):
        item = raw.strip().lower()
        if not item:
            continue
        week: int | None = None
        day = item
        head, dash, rest = item.partition("-")
        if dash:
            day = rest
            ok = head.startswith("w") and head[1:].isdigit() and 1 <= int(head[1:]) <= weeks
            week = int(head[1:]) - 1 if ok else -1
        if day not in DAYS or week == -1:
            raise InputError(
                f"expected a day (mon..sun) or a day of one week (w1-mon .. w{weeks}-sun)",
                file=source,
                row=row,
                field=col,
                value=raw.strip(),
            )
        out.add((week, DAYS.index(day)))
    return frozenset(out)


def read_agents(
    frame: pd.DataFrame, *, source: str, shifts: ShiftsFile, weeks: int, rules: Rules
) -> list[Agent]:
    """Agents from a roster CSV (columns :data:`COLUMNS`; only ``agent``, ``min_hours_week``
    and ``max_hours_week`` are required); :class:`InputError` naming the row and column."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise InputError(f"a roster covers 1 to {MAX_WEEKS} weeks", field="weeks", value=weeks)
    frame = frame.rename(columns=lambda c: str(c).strip())
    unknown = [c for c in frame.columns if c not in COLUMNS]
    if unknown:
        raise InputError(
            "unknown column; the roster's columns are " + ", ".join(COLUMNS),
            file=source,
            field=unknown[0],
            value=unknown[0],
        )
    for need in ("agent", "min_hours_week", "max_hours_week"):
        if need not in frame.columns:
            raise InputError(
                f"the roster needs a column `{need}`",
                file=source,
                field=need,
                value=list(map(str, frame.columns)),
            )
    if frame.empty:
        raise InputError("the roster has no agents", file=source)
    names = {t.name for t in shifts.shifts}
    agents: list[Agent] = []
    seen: dict[str, int] = {}

    def cell(i: int, col: str) -> str:
        if col not in frame.columns:
            return ""
        v = frame[col].iloc[i]
        return "" if pd.isna(v) else str(v).strip()

    def number(i: int, col: str, default: float | None, whole: bool = False) -> float:
        text = cell(i, col)
        if not text:
            if default is None:
                raise InputError(
                    "expected a number", file=source, row=_line(i), field=col, value=text
                )
            return default
        try:
            v = float(text)
        except ValueError:
            v = float("nan")
        if not np.isfinite(v) or v < 0 or (whole and not v.is_integer()) or v > 24 * 7:
            raise InputError(
                "expected a whole number >= 0"
                if whole
                else "expected a number of hours from 0 to 168",
                file=source,
                row=_line(i),
                field=col,
                value=text,
            )
        return v

    for i in range(len(frame)):
        name = cell(i, "agent")
        if not name:
            raise InputError("an agent needs a name", file=source, row=_line(i), field="agent")
        if name in seen:
            raise InputError(
                f"two rows name this agent (line {_line(seen[name])} and line {_line(i)})",
                file=source,
                row=_line(i),
                field="agent",
                value=name,
            )
        seen[name] = i
        lo = number(i, "min_hours_week", None)
        hi = number(i, "max_hours_week", None)
        if hi < lo:
            raise InputError(
                f"max_hours_week must be at least min_hours_week ({lo:g})",
                file=source,
                row=_line(i),
                field="max_hours_week",
                value=cell(i, "max_hours_week"),
            )
        allowed: frozenset[str] | None = None
        if cell(i, "templates"):
            allowed = frozenset(t.strip() for t in cell(i, "templates").split(";") if t.strip())
            bad = sorted(allowed - names)
            if bad:
                raise InputError(
                    "no template of that name in the shifts file; templates: "
                    + ", ".join(sorted(names)),
                    file=source,
                    row=_line(i),
                    field="templates",
                    value=bad[0],
                )
        off_text = cell(i, "consecutive_days_off").lower()
        if off_text not in ("", "true", "false", "yes", "no", "1", "0"):
            raise InputError(
                "expected true or false",
                file=source,
                row=_line(i),
                field="consecutive_days_off",
                value=off_text,
            )
        days_off = int(number(i, "min_days_off_week", rules.min_days_off_week, whole=True))
        if days_off > 7:
            raise InputError(
                "expected 0 to 7 days",
                file=source,
                row=_line(i),
                field="min_days_off_week",
                value=days_off,
            )
        agents.append(
            Agent(
                name=name,
                min_hours=lo,
                max_hours=hi,
                templates=allowed,
                unavailable=_days(cell(i, "unavailable"), weeks, source, _line(i), "unavailable"),
                prefer_off=_days(cell(i, "prefer_off"), weeks, source, _line(i), "prefer_off"),
                min_days_off=days_off,
                max_consecutive=max(
                    1, int(number(i, "max_consecutive_days", rules.max_consecutive_days, True))
                ),
                consecutive_off=rules.consecutive_days_off
                if not off_text
                else off_text in ("true", "yes", "1"),
                min_rest_hours=number(i, "min_rest_hours", rules.min_rest_hours),
            )
        )
    return agents


@dataclass
class _Rows:
    """Sparse constraint rows with the rule, agent and week each belongs to."""

    rows: list[int] = field(default_factory=list)
    cols: list[int] = field(default_factory=list)
    vals: list[float] = field(default_factory=list)
    lo: list[float] = field(default_factory=list)
    hi: list[float] = field(default_factory=list)
    rule: list[str] = field(default_factory=list)
    agent: list[int] = field(default_factory=list)  # -1: not an agent's (cover)
    week: list[int] = field(default_factory=list)
    what: list[str] = field(default_factory=list)

    def add(
        self,
        cols: list[int],
        vals: list[float],
        lo: float,
        hi: float,
        rule: str,
        agent: int,
        week: int,
        what: str = "",
    ) -> None:
        r = len(self.lo)
        self.rows += [r] * len(cols)
        self.cols += cols
        self.vals += vals
        self.lo.append(lo)
        self.hi.append(hi)
        self.rule.append(rule)
        self.agent.append(agent)
        self.week.append(week)
        self.what.append(what)


@dataclass(frozen=True)
class Shift:
    """A designed shift of the week: placement index, template, day, start/end (minutes
    from Monday 00:00), paid hours and head count."""

    place: int
    template: str
    day: int
    start: int
    end: int
    paid_hours: float
    headcount: int

    def label(self) -> str:
        return f"{DAYS[self.day].capitalize()} {clock(self.start % 1440)} {self.template}"


def designed_shifts(model: Model, sol: Solution, shifts: ShiftsFile) -> list[Shift]:
    """The placements the design staffs, as shifts of the week."""
    g = model.grid
    if g.days != 7 or (g.first_weekday != 0 and not g.cyclic):
        raise InputError(
            "a roster repeats a representative week: the requirements must cover exactly"
            " one week (7 days)",
            field="roster",
            value=f"{g.days} days",
        )
    out = []
    for p in np.flatnonzero(sol.x > 0):
        tpl = shifts.shifts[int(model.template[p])]
        start = int(model.start[p]) * g.interval_minutes
        day = (int(model.start[p]) // g.per_day + g.first_weekday) % 7
        start = day * 1440 + start % 1440
        out.append(
            Shift(
                place=int(p),
                template=tpl.name,
                day=day,
                start=start,
                end=start + tpl.length_minutes,
                paid_hours=float(tpl.paid_hours),
                headcount=int(sol.x[p]),
            )
        )
    return out


@dataclass(frozen=True)
class _Program:
    var_agent: npt.NDArray[np.int64]
    var_week: npt.NDArray[np.int64]
    var_shift: npt.NDArray[np.int64]
    n_z: int
    n_vars: int
    c: npt.NDArray[np.float64]
    rows: _Rows
    weights: npt.NDArray[np.float64]  # per row: cost of one unit of its slack, in hours


def _program(agents: list[Agent], shifts: list[Shift], weeks: int, rules: Rules) -> _Program:
    week_min = 7 * 1440
    horizon = weeks * week_min
    va: list[int] = []
    vw: list[int] = []
    vs: list[int] = []
    index: dict[tuple[int, int, int], int] = {}
    for a, ag in enumerate(agents):
        for w in range(weeks):
            for s, sh in enumerate(shifts):
                if ag.templates is not None and sh.template not in ag.templates:
                    continue
                if ag.off_on(ag.unavailable, w, sh.day):
                    continue
                index[(a, w, s)] = len(va)
                va.append(a)
                vw.append(w)
                vs.append(s)
    n_z = len(va)
    if n_z > MAX_VARIABLES:
        raise InputError(
            f"the roster has more than {MAX_VARIABLES:,} agent-shift choices; roster fewer"
            " weeks or fewer agents at once",
            field="roster",
            value=n_z,
        )
    c = np.zeros(n_z)
    for k in range(n_z):
        ag, w, sh = agents[va[k]], vw[k], shifts[vs[k]]
        if ag.off_on(ag.prefer_off, w, sh.day):
            c[k] = rules.preference_cost
    rows = _Rows()
    extra = n_z  # index of the next auxiliary variable (the days-off pairs)
    # cover: each designed shift, each week, worked by its head count
    for w in range(weeks):
        for s, sh in enumerate(shifts):
            cols = [index[(a, w, s)] for a in range(len(agents)) if (a, w, s) in index]
            rows.add(
                cols, [1.0] * len(cols), sh.headcount, sh.headcount, "cover", -1, w, sh.label()
            )
    by_day: dict[tuple[int, int, int], list[int]] = {}  # (agent, week, day) -> z columns
    for (a, w, s), k in index.items():
        by_day.setdefault((a, w, shifts[s].day), []).append(k)
    aux_rows: list[tuple[list[int], list[float], float, float, str, int, int]] = []
    for a, ag in enumerate(agents):
        for w in range(weeks):
            day_cols = [by_day.get((a, w, d), []) for d in range(7)]
            # one shift a day (structural, never relaxed)
            for d in range(7):
                if len(day_cols[d]) > 1:
                    rows.add(day_cols[d], [1.0] * len(day_cols[d]), -np.inf, 1.0, "one_a_day", a, w)
            cols = [k for d in range(7) for k in day_cols[d]]
            hours = [shifts[vs[k]].paid_hours for k in cols]
            rows.add(cols, hours, ag.min_hours, np.inf, "min_hours_week", a, w)
            rows.add(cols, hours, -np.inf, ag.max_hours, "max_hours_week", a, w)
            rows.add(
                cols, [1.0] * len(cols), -np.inf, 7 - ag.min_days_off, "min_days_off_week", a, w
            )
            if ag.consecutive_off:
                # o_j <= 1 - work_j and o_j <= 1 - work_{j+1}; sum_j o_j >= 1
                pair_cols = []
                for j in range(6):
                    o = extra
                    extra += 1
                    pair_cols.append(o)
                    for d in (j, j + 1):
                        aux_rows.append(
                            (
                                [o, *day_cols[d]],
                                [1.0] * (1 + len(day_cols[d])),
                                -np.inf,
                                1.0,
                                "pair",
                                a,
                                w,
                            )
                        )
                rows.add(pair_cols, [1.0] * 6, 1.0, np.inf, "consecutive_days_off", a, w)
        # max consecutive work days: every run of K + 1 days (cyclic over the weeks)
        total_days = 7 * weeks
        k_max = ag.max_consecutive
        if k_max < total_days:
            for first in range(total_days):
                run = [((first + i) % total_days) for i in range(k_max + 1)]
                cols = [k for day in run for k in by_day.get((a, day // 7, day % 7), [])]
                rows.add(
                    cols, [1.0] * len(cols), -np.inf, k_max, "max_consecutive_days", a, first // 7
                )
        # rest between shifts: a shift and the shifts of a later day that overlap it or
        # start less than min_rest_hours after it ends (cyclic) exclude each other, one
        # row per shift and later day: z_k + sum_(k' of that day, too close) z_k' <= 1
        # (one shift a day makes it the same as a row per pair)
        rest = round(ag.min_rest_hours * 60)
        ks = np.array([k for k in range(n_z) if va[k] == a], dtype=np.int64)
        if ks.size > 1:
            st_ = np.array([vw[k] * week_min + shifts[vs[k]].start for k in ks])
            en_ = np.array([vw[k] * week_min + shifts[vs[k]].end for k in ks])
            day_ = np.array([vw[k] * 7 + shifts[vs[k]].day for k in ks])
            ahead = (st_[None, :] - st_[:, None]) % horizon  # from k1's start to k2's
            later = (ahead > 0) & (ahead <= horizon // 2) & (day_[None, :] != day_[:, None])
            overlap = ahead < (en_ - st_)[:, None]
            close = (st_[None, :] - en_[:, None]) % horizon < rest
            clash = later & (overlap | close)
            for i in np.flatnonzero(clash.any(axis=1)):
                js = np.flatnonzero(clash[i])
                for d in np.unique(day_[js]):
                    grp = [int(ks[j]) for j in js if day_[j] == d]
                    rows.add(
                        [int(ks[i]), *grp],
                        [1.0] * (1 + len(grp)),
                        -np.inf,
                        1.0,
                        "min_rest_hours",
                        a,
                        vw[int(ks[i])],
                    )
    for r in aux_rows:
        rows.add(*r)
    # a unit of slack in hours: an hour of contracted hours, an agent missing on a shift
    # its paid hours, a day (or a pair of shifts too close) a mean designed shift's hours
    day = float(np.mean([sh.paid_hours for sh in shifts])) if shifts else 1.0
    cover_hours = iter([sh.paid_hours for _ in range(weeks) for sh in shifts])
    weights = np.array(
        [
            1.0 if "hours_week" in name else next(cover_hours) if name == "cover" else day
            for name in rows.rule
        ]
    )
    return _Program(
        var_agent=np.asarray(va, dtype=np.int64),
        var_week=np.asarray(vw, dtype=np.int64),
        var_shift=np.asarray(vs, dtype=np.int64),
        n_z=n_z,
        n_vars=extra,
        c=c,
        rows=rows,
        weights=weights,
    )


def _milp(
    prog: _Program,
    *,
    drop: frozenset[str] = frozenset(),
    elastic: bool = False,
    time_limit: float = 30.0,
) -> tuple[Any, npt.NDArray[np.float64] | None, npt.NDArray[np.int64]]:
    """Solve without the rules in ``drop``; ``elastic`` adds slacks on every rule row
    (weighed by :attr:`_Program.weights`) and minimises the weighted slack instead of
    the preferences. Returns (result, values, kept row indices)."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix, csr_matrix

    r = prog.rows
    lo = np.asarray(r.lo)
    hi = np.asarray(r.hi)
    rule = np.asarray(r.rule)
    keep = np.flatnonzero(~np.isin(rule, list(drop)))
    a = csr_matrix(coo_matrix((r.vals, (r.rows, r.cols)), shape=(len(lo), prog.n_vars)))[keep]
    lo, hi, rule = lo[keep], hi[keep], rule[keep]
    n = prog.n_vars
    c = prog.c.copy()
    c = np.concatenate([c, np.zeros(n - prog.n_z)])
    integrality = np.ones(n)
    ub = np.ones(n)
    if elastic:
        relax = np.flatnonzero(~np.isin(rule, ["one_a_day", "pair"]))
        m = relax.size
        # slack s raises a row to its lower bound, t lowers it to its upper bound; a
        # designed shift may be short of agents but never over-staffed (no t on cover)
        s_cols = n + np.arange(m)
        t_cols = n + m + np.arange(m)
        add = coo_matrix(
            (
                np.concatenate([np.ones(m), -np.ones(m)]),
                (np.concatenate([relax, relax]), np.concatenate([s_cols, t_cols])),
            ),
            shape=(keep.size, n + 2 * m),
        )
        base = a.tocoo()
        a = csr_matrix(
            coo_matrix((base.data, (base.row, base.col)), shape=(keep.size, n + 2 * m)) + add
        )
        weight = prog.weights[keep][relax]
        c = np.concatenate([np.zeros(n), weight, weight])
        integrality = np.concatenate([integrality, np.zeros(2 * m)])
        t_ub = np.where(rule[relax] == "cover", 0.0, np.inf)
        ub = np.concatenate([ub, np.full(m, np.inf), t_ub])
    res = milp(
        c,
        integrality=integrality,
        bounds=Bounds(np.zeros(c.size), ub),
        constraints=[LinearConstraint(a, lo, hi)] if keep.size else [],
        options={"time_limit": time_limit, "disp": False},
    )
    return res, (None if res.x is None else np.asarray(res.x)), keep


def solve_roster(
    agents: list[Agent],
    shifts: list[Shift],
    weeks: int,
    rules: Rules,
    *,
    time_limit: float = 30.0,
    source: str = "<roster>",
) -> dict[str, Any]:
    """The least-preference-cost roster, the rules that bind, or :class:`InputError`
    naming the rules and agents that cannot all be met."""
    from ccecon.errors import NoSolutionError

    began = time.perf_counter()
    prog = _program(agents, shifts, weeks, rules)
    res, x, _ = _milp(prog, time_limit=time_limit)
    if res.status == 2 or (x is None and res.status != 1):
        raise _infeasible(prog, agents, shifts, time_limit, source)
    if x is None:
        raise NoSolutionError(
            f"no roster found within the time limit of {time_limit:g} s; give a longer time limit"
        )
    z = np.rint(x[: prog.n_z]).astype(np.int64)
    objective = float(prog.c @ z)
    binding = _binding(prog, z, objective, agents, shifts, weeks, time_limit)
    doc: dict[str, Any] = {
        "summary": {
            "agents": len(agents),
            "weeks": weeks,
            "shifts_assigned": int(z.sum()),
            "preference_cost": objective,
            "status": "optimal" if res.status == 0 else "time limit reached",
            "gap": float(getattr(res, "mip_gap", 0.0) or 0.0),
            "solve_seconds": time.perf_counter() - began,
        },
        "assignments": _assignments(prog, z, agents, shifts, weeks),
        "agents": _agent_rows(prog, z, agents, shifts, weeks),
        "rules": binding,
    }
    return doc


def _assignments(
    prog: _Program, z: npt.NDArray[np.int64], agents: list[Agent], shifts: list[Shift], weeks: int
) -> list[dict[str, Any]]:
    out = []
    for k in np.flatnonzero(z > 0):
        a, w, s = int(prog.var_agent[k]), int(prog.var_week[k]), int(prog.var_shift[k])
        sh = shifts[s]
        out.append(
            {
                "agent": agents[a].name,
                "week": w + 1,
                "day": DAYS[sh.day],
                "template": sh.template,
                "start": clock(sh.start % 1440),
                "end": clock(sh.end % 1440),
                "paid_hours": sh.paid_hours,
                "preference_broken": bool(prog.c[k] > 0),
            }
        )
    out.sort(key=lambda r: (r["agent"], r["week"], DAYS.index(r["day"])))
    return out


def _agent_rows(
    prog: _Program, z: npt.NDArray[np.int64], agents: list[Agent], shifts: list[Shift], weeks: int
) -> list[dict[str, Any]]:
    rows = []
    for a, ag in enumerate(agents):
        for w in range(weeks):
            sel = np.flatnonzero((prog.var_agent == a) & (prog.var_week == w) & (z > 0))
            days = {shifts[int(prog.var_shift[k])].day: shifts[int(prog.var_shift[k])] for k in sel}
            row: dict[str, Any] = {"agent": ag.name, "week": w + 1}
            for d in range(7):
                sh = days.get(d)
                row[DAYS[d]] = "off" if sh is None else f"{clock(sh.start % 1440)} {sh.template}"
            row["paid_hours"] = float(sum(sh.paid_hours for sh in days.values()))
            rows.append(row)
    return rows


RULE_TEXT = {
    "cover": "every designed shift worked by its head count",
    "min_hours_week": "contracted hours: at least min_hours_week",
    "max_hours_week": "contracted hours: at most max_hours_week",
    "min_days_off_week": "weekly rest: at least min_days_off_week days off",
    "consecutive_days_off": "two consecutive days off each week",
    "max_consecutive_days": "at most max_consecutive_days work days in a row",
    "min_rest_hours": "at least min_rest_hours between shifts",
}


def _binding(
    prog: _Program,
    z: npt.NDArray[np.int64],
    objective: float,
    agents: list[Agent],
    shifts: list[Shift],
    weeks: int,
    time_limit: float,
) -> list[dict[str, Any]]:
    """Per rule: whether dropping it lowers the preference cost (it binds: None when the
    roster without it was not solved in time), and the agents and weeks where it is at its
    limit in the roster found (hours at the minimum or maximum, days off at the minimum,
    exactly one pair of consecutive days off, a run of exactly the most work days)."""
    from scipy.sparse import coo_matrix, csr_matrix

    r = prog.rows
    a = csr_matrix(coo_matrix((r.vals, (r.rows, r.cols)), shape=(len(r.lo), prog.n_vars)))
    activity = a[:, : prog.n_z] @ z.astype(float)
    lo, hi = np.asarray(r.lo), np.asarray(r.hi)
    rule = np.asarray(r.rule)
    works = np.zeros((len(agents), weeks, 7), dtype=bool)
    for k in np.flatnonzero(z > 0):
        works[prog.var_agent[k], prog.var_week[k], shifts[int(prog.var_shift[k])].day] = True
    out = []
    for name in RULES:
        sel = np.flatnonzero(rule == name)
        if not sel.size or name == "cover":
            continue
        where: set[str] = set()
        if name == "consecutive_days_off":
            for ai in (i for i, ag in enumerate(agents) if ag.consecutive_off):
                for w in range(weeks):
                    off = ~works[ai, w]
                    if int(np.sum(off[:-1] & off[1:])) == 1:
                        where.add(f"{agents[ai].name} (week {w + 1})")
        elif name != "min_rest_hours":
            bound = lo[sel] if name == "min_hours_week" else hi[sel]
            for i in sel[np.isclose(activity[sel], bound)]:
                where.add(f"{agents[r.agent[i]].name} (week {r.week[i] + 1})")
        binds: bool | None = False
        if objective > 0:
            _, x, _ = _milp(prog, drop=frozenset({name}), time_limit=time_limit)
            binds = None if x is None else float(prog.c @ np.rint(x[: prog.n_z])) < objective - 1e-9
        out.append(
            {
                "rule": name,
                "meaning": RULE_TEXT[name],
                "binds": binds,
                "at_limit": sorted(where),
            }
        )
    return out


def _infeasible(
    prog: _Program, agents: list[Agent], shifts: list[Shift], time_limit: float, source: str
) -> InputError:
    """The least violation of the rules (elastic program) named rule by rule."""
    _res, x, keep = _milp(prog, elastic=True, time_limit=time_limit)
    r = prog.rows
    rule = np.asarray(r.rule)[keep]
    if x is None:
        return InputError(
            "no roster meets every rule (the least violation was not found within the time"
            " limit); check the agents' hours, availability and the rules",
            file=source,
        )
    n = prog.n_vars
    relax = np.flatnonzero(~np.isin(rule, ["one_a_day", "pair"]))
    m = relax.size
    slack = x[n : n + m] + x[n + m : n + 2 * m]
    parts = []
    value: dict[str, Any] = {}
    for j in np.flatnonzero(slack > 1e-6):
        row = int(keep[relax[j]])
        name = r.rule[row]
        amount = float(slack[j])
        a = r.agent[row]
        who = agents[a].name if a >= 0 else r.what[row]
        unit = " h" if "hours_week" in name else (" agent(s)" if name == "cover" else "")
        if name == "cover":
            text = f"cover: {who} in week {r.week[row] + 1} short by {amount:,.0f} agent(s)"
        elif name == "min_rest_hours":
            text = f"{name}: agent {who}, week {r.week[row] + 1}"
        else:
            text = f"{name}: agent {who}, week {r.week[row] + 1}, by {amount:,.4g}{unit}"
        parts.append(text)
        value.setdefault(name, []).append(who)
    listed = "; ".join(parts[:12]) + (f"; and {len(parts) - 12} more" if len(parts) > 12 else "")
    return InputError(
        "no roster meets every rule; the least violation breaks: "
        + listed
        + " (change these agents' rows or the rule, or add agents)",
        file=source,
        field=next(iter(value)) if value else None,
        value={k: sorted(set(v)) for k, v in value.items()},
    )
