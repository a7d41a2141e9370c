"""Shift design: tiny problems solved by hand, the coverage identity, and generated problems
checked against a brute-force search (the reference is exhaustive enumeration, independent
of the solver)."""

from __future__ import annotations

import itertools
import re
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccecon.errors import InputError
from ccecon.scheduling.spec import clock, minutes_of
from tests.scheduling.helpers import hourly, run


def test_three_two_hour_shifts_cover_a_hump_at_six_paid_hours() -> None:
    # Required 1, 2, 2, 1 agents at 08, 09, 10 and 11 h; two-hour shifts may start at 08, 09
    # or 10 h. By hand: the 08 h interval is covered only by x8 and the 11 h interval only
    # by x10... and 10 h by x9 + x10 >= 2, so x8 + x9 + x10 >= 1 + 2 = 3 shifts = 6 paid
    # hours; x8 = x9 = x10 = 1 reaches it (coverage 1, 2, 2, 1). Efficiency 6 / 6 = 100 %.
    shifts = {"shifts": [{"name": "two", "starts": ["08:00", "09:00", "10:00"], "paid_hours": 2}]}
    _, _, _, sol, doc = run(shifts, hourly([1, 2, 2, 1]))
    assert sol.optimal and sol.objective == pytest.approx(6.0)
    assert sol.gap <= 1e-9 and sol.bound == pytest.approx(6.0)
    assert [(r["start"], r["headcount"]) for r in doc["schedule"]] == [
        ("08:00", 1),
        ("09:00", 1),
        ("10:00", 1),
    ]
    assert [r["scheduled"] for r in doc["coverage"]] == [1, 2, 2, 1]
    s = doc["summary"]
    assert s["paid_hours"] == 6.0 and s["efficiency"] == pytest.approx(1.0)
    # FTE over the horizon: 6 paid hours a day x 7 days / 40 hours a week = 1.05
    assert s["paid_fte"] == pytest.approx(6.0 * 7 / 40.0)


def test_a_flexible_break_staggers_two_agents() -> None:
    # One 08:00 shift of 3 paid hours with a one-hour unpaid break at 09 or 10 h (4 hours
    # at work). Required 2, 1, 1, 2. x agents: 08 h and 11 h need x >= 2; with y9 + y10 = x
    # on break, 09 h has x - y9 >= 1 and 10 h x - y10 >= 1: x = 2, y9 = y10 = 1, 6 paid
    # hours. A fixed break at 09 h leaves 09 h uncovered whatever the head count.
    brk = {"minutes": 60, "from": "1:00", "to": "2:00"}
    shifts = {"shifts": [{"name": "s", "starts": ["08:00"], "paid_hours": 3, "breaks": [brk]}]}
    _, _, _, sol, doc = run(shifts, hourly([2, 1, 1, 2]))
    assert sol.objective == pytest.approx(6.0)
    assert doc["schedule"][0]["headcount"] == 2
    assert doc["schedule"][0]["breaks"] == "09:00 x1, 10:00 x1 (60 min, unpaid)"
    assert [r["scheduled"] for r in doc["coverage"]] == [2, 1, 1, 2]
    fixed = {"shifts": [{**shifts["shifts"][0], "breaks": [{"minutes": 60, "from": "1:00"}]}]}
    with pytest.raises(InputError, match=r"1 interval cannot .*Mon 09:00 by 1 \(no shift works"):
        run(fixed, hourly([2, 1, 1, 2]))


def test_soft_cover_trades_missing_against_excess_agents() -> None:
    # Required 1, 3, 1; one three-hour shift at 08:00. With x agents the missing and excess
    # agent-intervals are (x=1) 2 and 0, (x=2) 1 and 2, (x=3) 0 and 4, (x=4) 0 and 7.
    # under 10, over 1: costs 20, 12, 4, 7 -> x = 3 at 4. under 1, over 1: 2, 3, 4, 7 -> x = 1.
    tpl = {"name": "s", "starts": ["08:00"], "paid_hours": 3}
    base = {"cover": "soft", "shifts": [tpl]}
    _, _, _, sol, doc = run({**base, "under_cost": 10, "over_cost": 1}, hourly([1, 3, 1]))
    assert sol.objective == pytest.approx(4.0) and int(sol.x.sum()) == 3
    assert doc["summary"]["overstaffed_agent_intervals"] == 4
    _, _, _, sol, doc = run({**base, "under_cost": 1, "over_cost": 1}, hourly([1, 3, 1]))
    assert sol.objective == pytest.approx(2.0) and int(sol.x.sum()) == 1
    assert doc["summary"]["understaffed_agent_intervals"] == 2
    assert doc["summary"]["understaffed_intervals"] == 1


def test_max_headcount_and_hourly_costs() -> None:
    # Two agents needed at 08 and 09 h. Template a (10 an hour) is limited to 1 a day, b
    # costs 15: by hand 1 x a + 1 x b = 2 x 10 + 2 x 15 = 50; without the limit 2 x a = 40.
    tpl_a = {"name": "a", "starts": ["08:00"], "paid_hours": 2, "max_headcount": 1}
    tpl_b = {"name": "b", "starts": ["08:00"], "paid_hours": 2, "cost_per_paid_hour": 15}
    shifts = {"currency": "EUR", "cost_per_paid_hour": 10, "shifts": [tpl_a, tpl_b]}
    _, _, _, sol, doc = run(shifts, hourly([2, 2]))
    assert sol.objective == pytest.approx(50.0)
    assert doc["summary"]["cost"] == pytest.approx(50.0)
    assert doc["summary"]["objective_is"] == "paid cost"
    tpl_a.pop("max_headcount")
    _, _, _, sol, _ = run(shifts, hourly([2, 2]))
    assert sol.objective == pytest.approx(40.0)


def test_min_headcount_is_honoured() -> None:
    # Nothing is required at 09 h but the template must be started by 2 agents a day.
    shifts = {"shifts": [{"name": "s", "starts": ["08:00"], "paid_hours": 1, "min_headcount": 2}]}
    _, _, _, sol, _ = run(shifts, hourly([0, 0]))
    assert sol.objective == pytest.approx(2.0)


def test_a_week_wraps_a_night_shift_into_monday() -> None:
    # A representative week (7 days) is cyclic: a Sunday 22:00 shift of 4 hours covers
    # Monday 00:00 and 01:00, so one shift a night covers a requirement of 1 at Monday
    # 00:00-01:00 and Sunday 22:00-23:00: 7 nights of the template, but Monday's 00:00 and
    # 01:00 are covered by Sunday's shift.
    import pandas as pd

    starts = pd.date_range("2027-01-04 00:00", periods=7 * 24, freq="h")
    req = [1 if t.hour in (22, 23, 0, 1) else 0 for t in starts]
    frame = pd.DataFrame({"start": starts.strftime("%Y-%m-%d %H:%M"), "agents": req})
    shifts = {"shifts": [{"name": "night", "starts": ["22:00"], "paid_hours": 4}]}
    _, r, _, sol, doc = run(shifts, frame)
    assert r.grid.cyclic and sol.objective == pytest.approx(7 * 4.0)
    sunday = [x for x in doc["schedule"] if x["day"] == "Sun"]
    assert sunday and sunday[0]["end"] == "02:00"


def _coverage_from_schedule(doc: dict[str, Any], interval: int, n: int, per_day: int) -> np.ndarray:
    """Agents on the phones per interval rebuilt from the printed schedule rows alone."""
    days = {"Mon": 0, "Tue": 1, "Wed": 2, "Thu": 3, "Fri": 4, "Sat": 5, "Sun": 6}
    out = np.zeros(n, dtype=int)
    for row in doc["schedule"]:
        d = days[row["day"]]
        first = d * per_day + minutes_of(row["start"]) // interval
        length = (minutes_of(row["end"]) - minutes_of(row["start"])) % 1440 // interval
        for k in range(length):
            out[(first + k) % n] += row["headcount"]
        for part in filter(None, row["breaks"].split("; ")):
            times, minutes = re.match(r"(.*) \((\d+) min", part).groups()  # type: ignore[union-attr]
            for item in times.split(", "):
                at, _, count = item.partition(" x")
                k0 = (minutes_of(at) - minutes_of(row["start"])) % 1440 // interval
                for k in range(int(minutes) // interval):
                    out[(first + k0 + k) % n] -= int(count) if count else row["headcount"]
    return out


def test_coverage_identity_on_a_week_with_break_windows() -> None:
    # scheduled = sum of the active templates per interval: rebuilt from the schedule rows
    # (start, end, head count, break times) and compared with the coverage column.
    import pandas as pd

    starts = pd.date_range("2027-01-04 07:00", periods=4 * 13, freq="15min")
    rows = []
    for d in range(7):
        for t in starts + pd.Timedelta(days=d):
            h = t.hour + t.minute / 60
            rows.append(
                {
                    "start": t.strftime("%Y-%m-%d %H:%M"),
                    "agents": int(4 + 6 * np.exp(-(((h - 12) / 3) ** 2))),
                }
            )
    brk = [
        {"minutes": 30, "from": "3:00", "to": "4:30"},
        {"minutes": 15, "paid": True, "from": "5:30", "to": "6:30"},
    ]
    shifts = {
        "shifts": [
            {
                "name": "day",
                "starts": {"from": "07:00", "to": "12:00", "every": 15},
                "paid_hours": 8,
                "breaks": brk,
            },
            {
                "name": "half",
                "kind": "part_time",
                "starts": {"from": "10:00", "to": "16:00", "every": 30},
                "paid_hours": 4,
            },
        ]
    }
    _, req, model, sol, doc = run(shifts, pd.DataFrame(rows))
    g = req.grid
    rebuilt = _coverage_from_schedule(doc, g.interval_minutes, g.n, g.per_day)
    assert np.array_equal(rebuilt, model.coverage(sol.x, sol.y))
    shown = {r["start"]: r["scheduled"] for r in doc["coverage"]}
    for i, stamp in enumerate(req.stamps):
        assert shown.get(stamp, 0) == rebuilt[i]
    assert (rebuilt >= g.required).all()
    assert doc["summary"]["paid_hours"] == pytest.approx(
        sum(r["paid_hours"] for r in doc["schedule"])
    )


# --------------------------------------------------------------------------- generated
@st.composite
def problems(draw: st.DrawFn) -> tuple[dict[str, Any], list[int]]:
    """One day of 8 hourly intervals from 08:00 and at most 4 placements (brute-forceable)."""
    required = draw(st.lists(st.integers(0, 4), min_size=8, max_size=8))
    templates = []
    starts_left = 4
    for t in range(draw(st.integers(1, 3))):
        if starts_left == 0:
            break
        k = draw(st.integers(1, min(2, starts_left)))
        starts_left -= k
        hours = sorted(draw(st.sets(st.integers(8, 15), min_size=k, max_size=k)))
        paid = draw(st.integers(1, 5))
        tpl: dict[str, Any] = {
            "name": f"t{t}",
            "starts": [clock(h * 60) for h in hours],
            "paid_hours": paid,
        }
        if paid >= 3 and draw(st.booleans()):
            tpl["breaks"] = [{"minutes": 60, "from": "1:00"}]  # fixed: no break variables
        if draw(st.booleans()):
            tpl["max_headcount"] = draw(st.integers(1, 5))
        if draw(st.booleans()):
            tpl["cost_per_paid_hour"] = draw(st.integers(1, 3))
        templates.append(tpl)
    cover = draw(st.sampled_from(["hard", "soft"]))
    if cover == "hard":  # mostly coverable: nothing required where no shift works
        reach = np.zeros(24, dtype=bool)
        for tpl in templates:
            for s in tpl["starts"]:
                h0 = minutes_of(s) // 60
                span = np.arange(h0, h0 + tpl["paid_hours"] + (1 if tpl.get("breaks") else 0))
                if tpl.get("breaks"):
                    span = span[span != h0 + 1]
                reach[span[span < 24]] = True
        required = [r if reach[8 + i] else 0 for i, r in enumerate(required)]
    doc = {
        "cover": cover,
        "under_cost": draw(st.integers(1, 5)),
        "over_cost": draw(st.integers(0, 2)),
    }
    return {**doc, "shifts": templates}, required


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_generated_problems_match_a_brute_force_optimum(
    problem: tuple[dict[str, Any], list[int]],
) -> None:
    shifts, required = problem
    try:
        spec, req, model, sol, _ = run(shifts, hourly(required))
    except InputError as exc:
        # refused only when the hard cover has no solution (or a template reaches no hour)
        assert "infeasible" in exc.message or "cannot cover any interval" in exc.message
        if "infeasible" in exc.message:
            assert _brute(shifts, required) is None
        return
    cov = model.coverage(sol.x, sol.y)
    g = req.grid
    if spec.cover.value == "hard":
        assert (cov >= g.required).all()  # feasible
        value = float(sol.x @ model.weight)
    else:
        diff = cov - g.required
        value = spec.under_cost * -diff[diff < 0].sum() + spec.over_cost * diff[diff > 0].sum()
    assert sol.objective == pytest.approx(value, abs=1e-6)
    assert sol.bound <= sol.objective + 1e-6
    assert sol.objective - sol.bound <= sol.gap * max(abs(sol.objective), 1.0) + 1e-6
    best = _brute(shifts, required)
    assert best is not None and sol.objective == pytest.approx(best, abs=1e-6)
    assert (model.upper >= sol.x).all()


def _brute(shifts: dict[str, Any], required: list[int]) -> float | None:
    """The optimum by enumerating every head count 0..5 of every placement (or None)."""
    place = []  # (coverage over the 24 hours, paid hours, weight, template)
    costed = any("cost_per_paid_hour" in t for t in shifts["shifts"])
    for t, tpl in enumerate(shifts["shifts"]):
        length = tpl["paid_hours"] + (1 if tpl.get("breaks") else 0)
        for s in tpl["starts"]:
            h0 = minutes_of(s) // 60
            if h0 + length > 24:
                continue
            on = np.zeros(24, dtype=int)
            on[h0 : h0 + length] = 1
            if tpl.get("breaks"):
                on[h0 + 1] = 0
            rate = tpl.get("cost_per_paid_hour", 0) if costed else 1
            place.append((on, tpl["paid_hours"] * rate, t, bool(on[8:16].any())))
    place = [p for p in place if p[3]]  # placements covering no open hour are not offered
    req = np.zeros(24, dtype=int)
    req[8:16] = required
    best: float | None = None
    caps = [shifts["shifts"][p[2]].get("max_headcount", 5) for p in place]
    for xs in itertools.product(*[range(min(c, 5) + 1) for c in caps]):
        per_tpl: dict[int, int] = {}
        for x, p in zip(xs, place, strict=True):
            per_tpl[p[2]] = per_tpl.get(p[2], 0) + x
        if any(
            per_tpl.get(t, 0) > tpl.get("max_headcount", 10**9)
            for t, tpl in enumerate(shifts["shifts"])
        ):
            continue
        cov = sum((x * p[0] for x, p in zip(xs, place, strict=True)), np.zeros(24, dtype=int))
        if shifts["cover"] == "hard":
            if (cov < req).any():
                continue
            value = float(sum(x * p[1] for x, p in zip(xs, place, strict=True)))
        else:
            d = cov - req
            value = float(
                shifts["under_cost"] * -d[d < 0].sum() + shifts["over_cost"] * d[d > 0].sum()
            )
        best = value if best is None else min(best, value)
    return best


def test_a_program_too_large_to_build_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import ccecon.scheduling.design as design

    # two placements of 2 intervals each = 4 coverage entries; the limit set to 3
    monkeypatch.setattr(design, "MAX_ENTRIES", 3)
    shifts = {"shifts": [{"name": "two", "starts": ["08:00", "09:00"], "paid_hours": 2}]}
    with pytest.raises(InputError, match="more than 3 agent-interval entries") as err:
        run(shifts, hourly([1, 1, 1]))
    assert err.value.field == "shifts[0].starts"
