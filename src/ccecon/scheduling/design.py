"""Shift design as a mixed-integer program, solved by HiGHS (``scipy.optimize.milp``).

Variables: ``x_p`` = agents working placement ``p`` (a template starting at one allowed
time of one day of the horizon), and for every break whose window allows more than one
start, ``y_pbw`` = agents of ``p`` who take break ``b`` at position ``w`` of its window
(``sum_w y_pbw = x_p``). Agents of ``p`` are on the phones in every interval of the shift
except a fixed break's; a flexible break takes them off in the interval(s) of the chosen
position. So the agents on the phones in interval ``i`` are

    s_i = sum_p a_ip x_p - sum_pbw b_pbwi y_pbw

with ``a_ip = 1`` when ``i`` lies in ``p``'s shift outside its fixed breaks and ``b_pbwi =
1`` when break ``b`` at position ``w`` covers ``i``. Hard cover: minimise ``sum_p c_p x_p``
(paid hours x hourly cost, or paid hours when there is no cost) subject to ``s_i >= r_i``.
Soft cover: minimise ``sum_i (under u_i + over o_i)`` subject to ``s_i + u_i - o_i = r_i``.
Both: ``min <= sum_{p of template t on day d} x_p <= max`` for every template and day.
The break windows of a template do not overlap (the file is refused otherwise), so every
choice of positions is a valid shift. docs/scheduling.md writes the model out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ccecon.errors import InputError
from ccecon.scheduling.spec import DAYS, Cover, ShiftsFile, clock

IntArray = npt.NDArray[np.int64]
Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Grid:
    """The horizon: whole days of intervals from midnight of the first day.

    ``required[i]`` agents on the phones in interval ``i``; ``open[i]`` is False where the
    requirements have no row (the lines are closed: nothing is required). ``first_weekday``
    is the weekday (0 = Monday) of day 0. ``cyclic``: a shift running past the end of the
    horizon continues at its start (a representative week).
    """

    interval_minutes: int
    required: IntArray
    open: npt.NDArray[np.bool_]
    first_weekday: int
    cyclic: bool

    @property
    def n(self) -> int:
        return int(self.required.size)

    @property
    def per_day(self) -> int:
        return 24 * 60 // self.interval_minutes

    @property
    def days(self) -> int:
        return self.n // self.per_day

    def label(self, i: int) -> str:
        """``Mon 07:15`` (with the day number when the horizon is longer than a week)."""
        d, k = divmod(int(i), self.per_day)
        name = DAYS[(self.first_weekday + d) % 7].capitalize()
        if self.days > 7:
            name = f"{name} {d + 1}"
        return f"{name} {clock(k * self.interval_minutes)}"


MAX_ENTRIES = 5_000_000
"""Most coverage entries (placements x intervals, break positions x break lengths) a shifts
file may give: about 80 MB of indices, and a program HiGHS can still work on."""


@dataclass(frozen=True)
class Model:
    """The placements and break choices of a shifts file on a grid, as sparse columns."""

    grid: Grid
    template: IntArray  # per placement: index into shifts.shifts
    day: IntArray  # per placement: day of the horizon
    start: IntArray  # per placement: interval index of the start
    paid_hours: Array  # per placement
    weight: Array  # per placement: objective coefficient of the hard cover
    on_rows: IntArray  # coverage entries of x: interval index ...
    on_cols: IntArray  # ... and placement index
    brk_place: IntArray  # per break variable: its placement
    brk_index: IntArray  # per break variable: which break of the template
    brk_offset: IntArray  # per break variable: start, intervals after the shift start
    brk_rows: IntArray  # coverage entries of y (subtracted): interval index ...
    brk_cols: IntArray  # ... and break-variable index
    upper: Array  # per placement: most agents (inf: no limit)
    phone: Array  # per placement: intervals an agent is on the phones (shift less breaks)

    @property
    def placements(self) -> int:
        return int(self.template.size)

    @property
    def break_vars(self) -> int:
        return int(self.brk_place.size)

    def coverage(self, x: npt.ArrayLike, y: npt.ArrayLike) -> IntArray:
        """Agents on the phones per interval for placement counts ``x`` and break counts ``y``."""
        xs = np.asarray(x, dtype=np.int64)
        ys = np.asarray(y, dtype=np.int64)
        out = np.zeros(self.grid.n, dtype=np.int64)
        np.add.at(out, self.on_rows, xs[self.on_cols])
        if ys.size:
            np.subtract.at(out, self.brk_rows, ys[self.brk_cols])
        return out


def _steps(
    minutes: int, interval: int, field: str, source: str, what: str, shown: object = ...
) -> int:
    if minutes % interval:
        raise InputError(
            f"{what} must be a whole number of {interval}-minute intervals (the"
            " requirements' interval length)",
            file=source,
            field=field,
            value=(clock(minutes) if "time" in what or "start" in what else minutes)
            if shown is ...
            else shown,
        )
    return minutes // interval


def build_model(shifts: ShiftsFile, grid: Grid, source: str = "<shifts>") -> Model:
    """Every placement of every template on the grid, with its coverage and break choices.

    Raises :class:`InputError` (naming ``source`` and the template) for times off the
    interval grid and for a template none of whose placements covers an open interval.
    """
    iv = grid.interval_minutes
    n, per_day = grid.n, grid.per_day
    cols: dict[str, list[npt.NDArray[np.int64]]] = {
        k: [] for k in ("template", "day", "start", "on_r", "on_c", "bp", "bi", "bo", "br", "bc")
    }
    paid: list[Array] = []
    weight: list[Array] = []
    upper: list[Array] = []
    phone: list[Array] = []
    placements = 0
    nbreak = 0
    entries = 0
    costed = shifts.costed
    for t, tpl in enumerate(shifts.shifts):
        here = f"shifts[{t}]"
        length = _steps(
            tpl.length_minutes,
            iv,
            f"{here}.paid_hours",
            source,
            f"the shift length ({clock(tpl.length_minutes)} with its unpaid breaks)",
            tpl.paid_hours,
        )
        starts = sorted(
            {_steps(m, iv, f"{here}.starts", source, "a start time") for m in tpl.start_minutes()}
        )
        fixed = np.ones(length, dtype=bool)
        flexible: list[tuple[int, int, IntArray]] = []  # (break index, length, offsets)
        for b, br in enumerate(tpl.breaks):
            blen = _steps(br.minutes, iv, f"{here}.breaks[{b}].minutes", source, "a break")
            lo = _steps(br.earliest, iv, f"{here}.breaks[{b}].from", source, "a break start time")
            hi = _steps(br.last_start, iv, f"{here}.breaks[{b}].to", source, "a break start time")
            if lo == hi:
                fixed[lo : lo + blen] = False
            else:
                flexible.append((b, blen, np.arange(lo, hi + 1, dtype=np.int64)))
        on = np.flatnonzero(fixed).astype(np.int64)
        weekdays = {DAYS.index(d) for d in tpl.days}
        day_idx = [d for d in range(grid.days) if (grid.first_weekday + d) % 7 in weekdays]
        st = np.array(
            [d * per_day + s for d in day_idx for s in starts if s < per_day], dtype=np.int64
        )
        if not grid.cyclic:
            st = st[st + length <= n]
        span = (st[:, None] + np.arange(length, dtype=np.int64)[None, :]) % n
        useful = grid.open[span].any(axis=1) if st.size else np.zeros(0, dtype=bool)
        if not useful.any():
            open_days = sorted(
                {DAYS[(grid.first_weekday + i // per_day) % 7] for i in np.flatnonzero(grid.open)},
                key=DAYS.index,
            )
            raise InputError(
                f"template {tpl.name!r} cannot cover any interval of the requirements: it"
                f" starts on {', '.join(tpl.days)} at {clock(starts[0] * iv)} to"
                f" {clock(starts[-1] * iv)} and lasts {clock(length * iv)}; the requirements"
                f" have intervals on {', '.join(open_days) or 'no day'}"
                + ("" if grid.cyclic else " (a shift must end within the requirements)"),
                file=source,
                field=f"{here}.starts",
                value=tpl.name,
            )
        st = st[useful]
        k = st.size
        entries += k * (on.size + sum(o.size * blen for _, blen, o in flexible))
        if entries > MAX_ENTRIES:
            raise InputError(
                f"the templates give more than {MAX_ENTRIES:,} agent-interval entries (from"
                f" shifts[{t}] on): too large a program to build; use fewer start times,"
                " narrower break windows or a shorter horizon",
                file=source,
                field=f"{here}.starts",
                value=tpl.name,
            )
        ids = placements + np.arange(k, dtype=np.int64)
        cols["template"].append(np.full(k, t, dtype=np.int64))
        cols["day"].append(st // per_day)
        cols["start"].append(st)
        cols["on_r"].append(((st[:, None] + on[None, :]) % n).ravel())
        cols["on_c"].append(np.repeat(ids, on.size))
        paid.append(np.full(k, tpl.paid_hours))
        weight.append(np.full(k, tpl.paid_hours * (shifts.rate(tpl) if costed else 1.0)))
        upper.append(np.full(k, np.inf if tpl.max_headcount is None else float(tpl.max_headcount)))
        phone.append(np.full(k, float(on.size - sum(blen for _, blen, _ in flexible))))
        for b, blen, offsets in flexible:
            w = offsets.size
            vid = nbreak + np.arange(k * w, dtype=np.int64)
            cols["bp"].append(np.repeat(ids, w))
            cols["bi"].append(np.full(k * w, b, dtype=np.int64))
            off = np.tile(offsets, k)
            cols["bo"].append(off)
            first = np.repeat(st, w) + off
            cols["br"].append(((first[:, None] + np.arange(blen)[None, :]) % n).ravel())
            cols["bc"].append(np.repeat(vid, blen))
            nbreak += k * w
        placements += k

    def cat(key: str) -> IntArray:
        return np.concatenate(cols[key]) if cols[key] else np.zeros(0, dtype=np.int64)

    return Model(
        grid=grid,
        template=cat("template"),
        day=cat("day"),
        start=cat("start"),
        paid_hours=np.concatenate(paid),
        weight=np.concatenate(weight),
        on_rows=cat("on_r"),
        on_cols=cat("on_c"),
        brk_place=cat("bp"),
        brk_index=cat("bi"),
        brk_offset=cat("bo"),
        brk_rows=cat("br"),
        brk_cols=cat("bc"),
        upper=np.concatenate(upper),
        phone=np.concatenate(phone),
    )


@dataclass(frozen=True)
class Solution:
    """What the solver returned: counts, objective, bound, gap, status and time."""

    x: IntArray
    y: IntArray
    objective: float
    bound: float
    gap: float
    optimal: bool
    status: str
    seconds: float
    cover: Cover


def _constraints(model: Model, shifts: ShiftsFile, cover: Cover) -> tuple[Any, ...]:
    """(c, integrality, bounds, constraints, offset, substitution) for ``scipy.optimize.milp``.

    The soft cover is solved in an equivalent form with one row per interval, like the hard
    cover: with ``u_i >= r_i - s_i`` (missing agents) the excess is ``o_i = s_i - r_i + u_i``,
    so ``under sum u + over sum o = (under + over) sum u + over sum_p n_p x_p - over sum r``
    (``n_p`` = intervals an agent of ``p`` is on the phones); ``offset`` is the constant.
    ``substitution`` maps the solver's variables back to ``(x, y, u)``.
    """
    from scipy.optimize import Bounds, LinearConstraint
    from scipy.sparse import coo_matrix, csr_matrix

    g = model.grid
    P, Y = model.placements, model.break_vars
    soft = cover == Cover.soft
    req = g.required.astype(float)
    need = np.flatnonzero(req > 0)
    nu = need.size if soft else 0
    nv = P + Y + nu
    rows = [model.on_rows, model.brk_rows]
    cols = [model.on_cols, P + model.brk_cols]
    vals = [np.ones(model.on_rows.size), -np.ones(model.brk_rows.size)]
    if soft:
        rows.append(need)
        cols.append(P + Y + np.arange(nu, dtype=np.int64))
        vals.append(np.ones(nu))
    cover_m = csr_matrix(
        coo_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(g.n, nv)
        )
    )
    constraints = [LinearConstraint(cover_m[need], req[need], np.inf)]
    if Y:
        # sum_w y_pbw - x_p = 0 for every flexible break of every placement
        key = model.brk_place * (int(model.brk_index.max()) + 1) + model.brk_index
        groups, link_row = np.unique(key, return_inverse=True)
        place_of = groups // (int(model.brk_index.max()) + 1)
        m = len(groups)
        link = coo_matrix(
            (
                np.concatenate([np.ones(Y), -np.ones(m)]),
                (
                    np.concatenate([link_row.ravel(), np.arange(m)]),
                    np.concatenate([P + np.arange(Y), place_of]),
                ),
            ),
            shape=(m, nv),
        )
        constraints.append(LinearConstraint(csr_matrix(link), 0.0, 0.0))
    lo_day, hi_day = [], []
    for t, tpl in enumerate(shifts.shifts):
        if tpl.min_headcount > 0 or tpl.max_headcount is not None:
            lo_day.append((t, float(tpl.min_headcount)))
            hi_day.append(np.inf if tpl.max_headcount is None else float(tpl.max_headcount))
    if lo_day:
        wanted = {t for t, _ in lo_day}
        mask = np.isin(model.template, list(wanted))
        key = model.template[mask] * (g.days + 1) + model.day[mask]
        groups, row = np.unique(key, return_inverse=True)
        lo_of = {t: lo for t, lo in lo_day}
        hi_of = {t: hi for (t, _), hi in zip(lo_day, hi_day, strict=True)}
        tpl_of = groups // (g.days + 1)
        day_m = coo_matrix(
            (np.ones(int(mask.sum())), (row.ravel(), np.flatnonzero(mask))),
            shape=(len(groups), nv),
        )
        constraints.append(
            LinearConstraint(
                csr_matrix(day_m),
                np.array([lo_of[int(t)] for t in tpl_of]),
                np.array([hi_of[int(t)] for t in tpl_of]),
            )
        )
    c = np.zeros(nv)
    offset = 0.0
    if soft:
        c[:P] = shifts.over_cost * model.phone
        c[P + Y :] = shifts.under_cost + shifts.over_cost
        offset = -shifts.over_cost * float(req.sum())
    else:
        c[:P] = model.weight
    integrality = np.zeros(nv)
    integrality[: P + Y] = 1
    ub = np.full(nv, np.inf)
    ub[:P] = model.upper
    if Y:
        ub[P : P + Y] = model.upper[model.brk_place]
    # A placement with one flexible break: substitute x_p = sum_w y_pw, so its break
    # columns are whole shift patterns (no x_p, no link row). HiGHS solves that form far
    # faster (945 placements with a lunch window: 0.6 s against 10 s). With two or more
    # flexible breaks x_p and the link rows stay, and so they do in the soft cover: on
    # the bundled example week neither form closes the soft gap reliably within a minute,
    # and the form with x_p reached the optimum in one of two runs, the substituted form
    # in none of three.
    first = np.full(P, np.iinfo(np.int64).max)
    np.minimum.at(first, model.brk_place, model.brk_index)
    last = np.full(P, -1)
    np.maximum.at(last, model.brk_place, model.brk_index)
    flex = (first == last) & (not soft)
    kept = np.flatnonzero(np.concatenate([~flex, np.ones(nv - P, dtype=bool)]))
    col_of = np.full(nv, -1)
    col_of[kept] = np.arange(kept.size)
    lead = np.flatnonzero(model.brk_index == first[model.brk_place]) if Y else kept[:0]
    e_rows = np.concatenate([kept, model.brk_place[lead]])
    e_cols = np.concatenate([col_of[kept], col_of[P + lead]])
    sub = csr_matrix(coo_matrix((np.ones(e_rows.size), (e_rows, e_cols)), shape=(nv, kept.size)))
    reduced = []
    for con in constraints:
        a = csr_matrix(con.A @ sub)
        a.eliminate_zeros()
        lo = np.broadcast_to(con.lb, (a.shape[0],))
        hi = np.broadcast_to(con.ub, (a.shape[0],))
        # an empty row is dropped only when 0 satisfies it (an interval that no shift
        # reaches but that needs agents keeps its row: the program is then infeasible)
        live = np.flatnonzero((a.getnnz(axis=1) > 0) | (lo > 0) | (hi < 0))
        lb, hb = lo[live], hi[live]
        if live.size:
            reduced.append(LinearConstraint(a[live], lb, hb))
    return (
        np.asarray(sub.T @ c),
        integrality[kept],
        Bounds(np.zeros(kept.size), ub[kept]),
        reduced,
        offset,
        sub,
    )


def solve(
    model: Model,
    shifts: ShiftsFile,
    *,
    cover: Cover | None = None,
    time_limit: float = 60.0,
    mip_rel_gap: float = 1e-4,
    source: str = "<shifts>",
) -> Solution:
    """Solve the design program with HiGHS within ``time_limit`` seconds.

    The soft cover starts from the hard cover's schedule (solved first with a quarter of
    the time, when the hard cover is feasible): HiGHS's own first schedules of a soft cover
    can be far worse, so the better of the two is returned, with HiGHS's bound of the soft
    program and the gap between them.

    Raises :class:`InputError` when the hard cover is infeasible (naming the intervals that
    cannot be covered and by how much) and :class:`ccecon.errors.NoSolutionError` when no
    schedule was found within the time limit.
    """
    from ccecon.errors import NoSolutionError

    cover = shifts.cover if cover is None else cover
    began = time.perf_counter()
    fallback: Solution | None = None
    if cover == Cover.soft:
        first = _run(model, shifts, Cover.hard, time_limit / 4, mip_rel_gap)
        if first is not None and first.x.size:
            fallback = _rescore(model, shifts, first)
    left = max(time_limit - (time.perf_counter() - began), 0.01)
    sol = _run(model, shifts, cover, left, mip_rel_gap)
    if sol is None and cover == Cover.hard:
        left = max(time_limit - (time.perf_counter() - began), 0.5)
        raise _infeasible(model, shifts, left, source)
    if fallback is not None and (
        sol is None or not sol.x.size or fallback.objective < sol.objective
    ):
        bound = fallback.bound if sol is None else min(sol.bound, fallback.objective)
        gap = (fallback.objective - bound) / abs(fallback.objective) if fallback.objective else 0.0
        sol = Solution(
            x=fallback.x,
            y=fallback.y,
            objective=fallback.objective,
            bound=bound,
            gap=max(gap, 0.0),
            optimal=gap <= mip_rel_gap,
            status="optimal" if gap <= mip_rel_gap else "time limit reached",
            seconds=0.0,
            cover=cover,
        )
    if sol is None or (not sol.x.size and model.placements):
        raise NoSolutionError(
            f"no schedule found within the time limit of {time_limit:g} s; give a longer"
            " time limit or fewer start times"
        )
    return Solution(**{**sol.__dict__, "seconds": time.perf_counter() - began})


def _rescore(model: Model, shifts: ShiftsFile, sol: Solution) -> Solution:
    """A hard cover's schedule with its soft-cover objective (bound: none known, -inf)."""
    diff = model.coverage(sol.x, sol.y) - model.grid.required
    value = float(
        shifts.under_cost * -diff[diff < 0].sum() + shifts.over_cost * diff[diff > 0].sum()
    )
    return Solution(
        x=sol.x,
        y=sol.y,
        objective=value,
        bound=-np.inf,
        gap=np.inf,
        optimal=False,
        status="",
        seconds=0.0,
        cover=Cover.soft,
    )


def _run(
    model: Model, shifts: ShiftsFile, cover: Cover, time_limit: float, mip_rel_gap: float
) -> Solution | None:
    """One HiGHS run; None when the program is infeasible, empty counts when no schedule
    was found in time."""
    from scipy.optimize import milp

    c, integrality, bounds, constraints, offset, sub = _constraints(model, shifts, cover)
    began = time.perf_counter()
    res = milp(
        c,
        integrality=integrality,
        bounds=bounds,
        constraints=constraints,
        options={"time_limit": float(time_limit), "mip_rel_gap": mip_rel_gap, "disp": False},
    )
    seconds = time.perf_counter() - began
    if res.status == 2:
        return None
    P, Y = model.placements, model.break_vars
    if res.x is None:
        empty = np.zeros(0, dtype=np.int64)
        return Solution(empty, empty, np.inf, -np.inf, np.inf, False, res.message, seconds, cover)
    full = sub @ res.x
    x = np.rint(full[:P]).astype(np.int64)
    y = np.rint(full[P : P + Y]).astype(np.int64)
    objective = float(res.fun) + offset
    dual = getattr(res, "mip_dual_bound", None)
    bound = objective if dual is None or not np.isfinite(dual) else float(dual) + offset
    bound = min(bound, objective)
    # HiGHS's relative gap, |objective - bound| / |objective|, on the objective with its
    # constant (the soft cover's), 0 when both are 0
    gap = (objective - bound) / abs(objective) if objective != 0 else 0.0
    return Solution(
        x=x,
        y=y,
        objective=objective,
        bound=bound,
        gap=max(gap, 0.0),
        optimal=res.status == 0,
        status="optimal" if res.status == 0 else "time limit reached",
        seconds=seconds,
        cover=cover,
    )


MAX_LISTED = 12
"""Intervals named in the message of an infeasible hard cover (the rest are counted)."""


def _infeasible(model: Model, shifts: ShiftsFile, time_limit: float, source: str) -> InputError:
    """The hard cover's shortfall: the least total shortfall, per interval (a soft cover
    with a cost of 1 per missing agent and none for excess)."""
    from ccecon.errors import NoSolutionError

    relaxed = shifts.model_copy(update={"under_cost": 1.0, "over_cost": 0.0})
    try:
        sol = solve(model, relaxed, cover=Cover.soft, time_limit=time_limit, source=source)
    except NoSolutionError:
        return InputError(
            "the hard cover is infeasible: no schedule covers every interval (the shortfall"
            " per interval was not found within the time limit); raise max_headcount, add"
            " start times or templates, or use cover: soft",
            file=source,
            field="shifts",
        )
    short = model.grid.required - model.coverage(sol.x, sol.y)
    where = np.flatnonzero(short > 0)
    reached = np.zeros(model.grid.n, dtype=bool)
    reached[model.on_rows] = True

    def one(i: int) -> str:
        why = "" if reached[i] else " (no shift works then)"
        return f"{model.grid.label(i)} by {int(short[i]):,}{why}"

    listed = ", ".join(one(int(i)) for i in where[:MAX_LISTED])
    more = f" and {where.size - MAX_LISTED:,} more" if where.size > MAX_LISTED else ""
    return InputError(
        f"the hard cover is infeasible: {where.size:,}"
        f" {'interval cannot' if where.size == 1 else 'intervals cannot'} be covered by the"
        f" templates' start times and max_headcount ({int(short[where].sum()):,}"
        f" agent-intervals short in all, at the least): {listed}{more}; raise max_headcount,"
        " add start times or templates, or use cover: soft",
        file=source,
        field="shifts",
        value={model.grid.label(i): int(short[i]) for i in where[:3]},
    )


def week_grid(
    interval_minutes: int, open_hour: float, close_hour: float, weekly_profile: list[float]
) -> tuple[Grid, npt.NDArray[np.int64]]:
    """The staffing's week on a grid of whole days (Monday 00:00 first, cyclic) and the
    grid index of each of the staffing's open intervals (Monday's first)."""
    per_day = 24 * 60 // interval_minutes
    first = round(open_hour * 60 / interval_minutes)
    count = round((close_hour - open_hour) * 60 / interval_minutes)
    index = (np.arange(7)[:, None] * per_day + first + np.arange(count)[None, :]).ravel()
    is_open = np.zeros(7 * per_day, dtype=bool)
    open_day = np.repeat(np.asarray(weekly_profile, dtype=float) > 0, count)
    is_open[index[open_day]] = True
    grid = Grid(interval_minutes, np.zeros(7 * per_day, dtype=np.int64), is_open, 0, cyclic=True)
    return grid, index.astype(np.int64)
