"""``peak_levers``: deflection and callbacks in some hours of the day, through the staffing
and the shift schedule.

Every expected value is derived by hand in the test (or with mpmath for Erlang C). As in
``test_business_case``, most scenarios use an occupancy-only goal (at most 60 %) with a
handle time of one hour on one-hour intervals, so an interval of ``c`` calls needs
``ceil(c / 0.6)`` agents; February 2027 has 28 days (four representative weeks).
The peak day: 672 calls a month = 24 a day, weights [1,1,1,1,3,3,1,1] / 12, so 2 calls an
hour from 08:00 to 16:00 but 6 at 12:00 and 13:00.
"""

from __future__ import annotations

from pathlib import Path

import mpmath
import numpy as np
import pytest
from typer.testing import CliRunner

from ccecon.cases import plan_cases
from ccecon.cli.app import app
from ccecon.engine import case_drivers, evaluate, realize_scenario
from ccecon.scenario.load import parse_scenario
from tests.scheduling.test_business_case import EIGHT_HOURS, PEAK, scenario_text

DAYS = 28  # February 2027


def with_peak_levers(levers: str, **kw: object) -> str:
    """The peak scenario of ``test_business_case`` whose proposal has these peak levers."""
    text = scenario_text(
        intraday=PEAK,
        per_month=kw.pop("per_month", 672),  # type: ignore[arg-type]
        shifts=str(kw.pop("shifts", EIGHT_HOURS)),
    )
    return text.replace("  levers: []\n", f"  peak_levers:\n{levers}")


CALLBACK = (
    "    - {name: callbacks, channel: line, hours: {from_hour: 12, to_hour: 14},"
    " callback: 0.25, callback_hours: {from_hour: 14, to_hour: 16}}\n"
)
DEFLECT = (
    "    - {name: chat at the peak, channel: line, hours: {from_hour: 12, to_hour: 14},"
    ' deflect: "25%"}\n'
)


def month(sc_text: str, case: str, key: str) -> float:
    r = evaluate(parse_scenario(sc_text))
    return float(np.mean(r.cases[case].drivers[key][:, 1]))


def test_callbacks_move_the_peak_to_later_hours_and_keep_every_call() -> None:
    # 25 % of the 6 calls at 12:00 and at 13:00 (1.5 + 1.5 = 3 a day) are called back,
    # spread evenly over 14:00 and 15:00 (+1.5 each): calls [2,2,2,2,4.5,4.5,3.5,3.5] = 24.
    # Agents ceil(c / 0.6): 2 -> 4, 4.5 -> 8 (7.5), 3.5 -> 6 (5.83): [4,4,4,4,8,8,6,6].
    sc = with_peak_levers(CALLBACK)
    assert month(sc, "proposal", "line") == 672  # no call lost (exactly)
    assert month(sc, "proposal", "peak_agents") == 8  # was 10
    agent_hours = (4 * 4 + 8 * 2 + 6 * 2) * DAYS
    assert month(sc, "proposal", "agent_hours") == pytest.approx(agent_hours)
    assert month(sc, "proposal", "ideal_fte") == pytest.approx(agent_hours / 160)


def test_callbacks_show_their_schedule_saving() -> None:
    # Only 8-hour shifts from 08:00: the schedule is the day's most agents all day long.
    # Before: 10 agents x 8 h = 80 paid hours a day -> 80 x 28 / 160 = 14.0 FTE.
    # After the callbacks: 8 agents x 8 h = 64 a day -> 64 x 28 / 160 = 11.2 FTE.
    # The ideal FTE barely moves (44 agent-hours a day both times), the schedule saves
    # 16 paid hours a day = 2.8 FTE.
    sc = with_peak_levers(CALLBACK)
    assert month(sc, "baseline", "fte") == pytest.approx(14.0)
    assert month(sc, "proposal", "fte") == pytest.approx(11.2)
    assert month(sc, "baseline", "ideal_fte") == pytest.approx(44 * DAYS / 160)
    assert month(sc, "proposal", "ideal_fte") == pytest.approx(44 * DAYS / 160)
    r = evaluate(parse_scenario(sc))
    st = r.staffing()
    assert st is not None
    assert st["proposal"]["fte_mean"] == pytest.approx(11.2)
    assert st["proposal"]["ideal_fte_mean"] == pytest.approx(7.7)
    saving = float(r.cases["baseline"].operating[0, 1] - r.cases["proposal"].operating[0, 1])
    assert saving == pytest.approx(16 * DAYS / 160 * 4000.0)


def test_a_deflection_window_removes_exactly_share_times_its_calls() -> None:
    # The window 12:00-14:00 holds 12 calls a day = 336 a month; 25 % deflected = 84.
    # Calls [2,2,2,2,4.5,4.5,2,2] -> agents [4,4,4,4,8,8,4,4] = 40 agent-hours a day.
    sc = with_peak_levers(DEFLECT)
    assert month(sc, "proposal", "line") == pytest.approx(672 - 0.25 * 12 * DAYS)
    assert month(sc, "proposal", "ideal_fte") == pytest.approx(40 * DAYS / 160)  # 7.0
    assert month(sc, "proposal", "fte") == pytest.approx(8 * 8 * DAYS / 160)  # 11.2


def test_a_lever_on_some_days_acts_on_those_days_only() -> None:
    # Deflect 40 % of 12:00-14:00 on Mondays only: 40 % of 12 calls on 4 Mondays = 19.2.
    # Mondays: 3.6 calls at 12:00 and 13:00 -> 6 agents; agents [4,4,4,4,6,6,4,4] = 36
    # agent-hours, other days 44: 6 x 44 + 36 = 300 a week -> ideal 300 x 4 / 160 = 7.5.
    # Schedule (8-hour shifts from 08:00, each day its own peak): Mondays 6 x 8 = 48 paid
    # hours, other days 80: 528 a week -> 528 x 4 / 160 = 13.2 FTE.
    lever = DEFLECT.replace("to_hour: 14}", "to_hour: 14, days: [mon]}").replace('"25%"', "0.4")
    sc = with_peak_levers(lever)
    assert month(sc, "proposal", "line") == pytest.approx(672 - 0.4 * 12 * 4)
    assert month(sc, "proposal", "peak_agents") == 10  # the other days keep their peak
    assert month(sc, "proposal", "ideal_fte") == pytest.approx(7.5)
    assert month(sc, "proposal", "fte") == pytest.approx(13.2)


def test_the_ramp_and_end_month_follow_the_levers_rule() -> None:
    # Deflect 40 % of 12:00-14:00 from month 2, ramp over 2 months, to month 3: effects
    # 0, 1/2, 1, 0 in months 1..4 (the ramp of every lever). The window holds half of
    # each day's calls (12 of 24), so a month keeps 1 - 0.4 x 1/2 x effect of its calls.
    lever = (
        "    - {name: chat, channel: line, hours: {from_hour: 12, to_hour: 14}, deflect: 0.4,"
        " start_month: 2, ramp_months: 2, end_month: 3}\n"
    )
    sc = with_peak_levers(lever).replace("horizon_months: 1", "horizon_months: 4")
    r = evaluate(parse_scenario(sc))
    vol = r.cases["proposal"].drivers["line"][0, 1:]
    base = r.cases["baseline"].drivers["line"][0, 1:]
    window_share = 12 / 24
    expected = base * (1 - 0.4 * window_share * np.array([0.0, 0.5, 1.0, 0.0]))
    np.testing.assert_allclose(vol, expected)


def erlang_c_agents(calls: float, aht_s: float, target: float, threshold_s: float) -> int:
    """Fewest agents with P(wait <= threshold) >= target, Erlang C (mpmath, 50 digits)."""
    mpmath.mp.dps = 50
    a = mpmath.mpf(calls) * aht_s / 3600
    n = int(mpmath.floor(a)) + 1
    while True:
        top = a**n / mpmath.factorial(n) * n / (n - a)
        c = top / (sum(a**k / mpmath.factorial(k) for k in range(n)) + top)
        if 1 - c * mpmath.e ** (-(n - a) * threshold_s / aht_s) >= target:
            return n
        n += 1


ERLANG = """
name: erlang two-interval day
currency: USD
start: 2027-02
horizon_months: 1
discount_rate: 0
channels:
  - {name: line, kind: voice_inbound, per_month: 3360, aht_s: 300}
staffing:
  interval_minutes: 60
  open_hour: 8
  close_hour: 10
  intraday_profile: [3, 1]
  sl_target: 0.8
  sl_threshold_s: 20
  max_occupancy: null
  shrinkage: 0
  paid_hours_per_fte_month: 160
proposal:
  peak_levers:
    - {name: virtual hold, channel: line, hours: {from_hour: 8, to_hour: 9},
       callback: "30%", callback_hours: {from_hour: 9, to_hour: 10}}
  cost_lines:
    - {name: Agents, family: operating, amount: 4000, timing: per_unit, driver: fte}
"""


def test_moving_part_of_the_peak_to_the_trough_lowers_the_erlang_requirement() -> None:
    # 3,360 calls / 28 days = 120 a day: 90 at 08:00, 30 at 09:00. Calling back 30 % of
    # the 08:00 calls (27) at 09:00 gives 63 and 57: the same 120 calls a day.
    before = [erlang_c_agents(c, 300, 0.8, 20) for c in (90, 30)]
    after = [erlang_c_agents(c, 300, 0.8, 20) for c in (63, 57)]
    assert max(after) < max(before)  # the peak needs fewer agents
    r = evaluate(parse_scenario(ERLANG))
    d = r.cases["proposal"].drivers
    assert float(d["line"][0, 1]) == pytest.approx(3360)
    assert float(d["peak_agents"][0, 1]) == max(after)
    assert float(d["agent_hours"][0, 1]) == pytest.approx(sum(after) * DAYS)
    flat = parse_scenario(
        ERLANG.replace('callback: "30%"', "callback: 0").replace(
            ", callback_hours: {from_hour: 9, to_hour: 10}", ""
        )
    )
    d0 = evaluate(flat).cases["proposal"].drivers
    assert float(d0["agent_hours"][0, 1]) == pytest.approx(sum(before) * DAYS)


def test_an_uncertain_share_is_drawn_per_draw_and_the_schedule_ratio_is_the_base_cases() -> None:
    # deflect ~ uniform(0.1, 0.4) of 12:00-14:00 (336 calls a month): in each draw the
    # volume is 672 - d x 336 and the 12:00/13:00 intervals need ceil(6 (1 - d) / 0.6)
    # agents, so the ideal FTE is (6 x 4 + 2 ceil(10 (1 - d))) x 28 / 160.
    lever = DEFLECT.replace('"25%"', "{dist: uniform, min: 0.1, max: 0.4}")
    sc = parse_scenario(with_peak_levers(lever))
    realized, draws = realize_scenario(sc, 40, np.random.default_rng(7))
    plans = plan_cases(sc)
    assert plans is not None and draws == 40
    _, d = case_drivers(realized, realized.proposal, schedule=plans["proposal"])
    vol = d["line"][:, 1]
    share = (672 - vol) / 336
    assert share.min() >= 0.1 and share.max() <= 0.4 and np.ptp(share) > 0.1
    peak = np.ceil(10 * (1 - share) - 1e-9)
    np.testing.assert_allclose(d["ideal_fte"][:, 1], (24 + 2 * peak) * DAYS / 160)
    # The schedule is solved once, on the base case (d = its mean, 0.25): 64 / 40 paid
    # hours (8 agents all day against 40 agent-hours), applied to every draw.
    plan = plans["proposal"]
    assert len(plan.weeks) == 1
    assert plan.ratio[0, 1] == pytest.approx(64 / 40)
    np.testing.assert_allclose(d["fte"][:, 1], 64 / 40 * d["ideal_fte"][:, 1])
    # and a Monte Carlo run applies that plan: its mean FTE is the ratio x mean ideal FTE
    r = evaluate(sc, draws=40, rng=np.random.default_rng(7))
    assert r.extras["schedule"]["proposal"].ratio[0, 1] == pytest.approx(64 / 40)
    mean = r.cases["proposal"].drivers
    assert float(mean["fte"][0, 1]) == pytest.approx(float(d["fte"][:, 1].mean()))


# --------------------------------------------------------------------------- bad input
def refused(tmp_path: Path, levers: str) -> str:
    """``ccecon evaluate`` of the peak scenario with these peak levers: exit 2, no
    traceback, the file named; the output."""
    sc = tmp_path / "case.yaml"
    sc.write_text(with_peak_levers(levers), encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", str(sc)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert str(sc) in result.output
    return " ".join(result.output.split())


def test_a_window_outside_the_day_exits_2(tmp_path: Path) -> None:
    out = refused(tmp_path, DEFLECT.replace("to_hour: 14", "to_hour: 25"))
    assert "peak_levers[0].hours.to_hour" in out and "25" in out


def test_a_share_given_as_a_percent_number_exits_2(tmp_path: Path) -> None:
    out = refused(tmp_path, DEFLECT.replace('"25%"', "35"))
    assert "peak_levers[0].deflect" in out and "35" in out and "35%" in out


def test_hours_when_the_lines_are_closed_exit_2(tmp_path: Path) -> None:
    out = refused(tmp_path, DEFLECT.replace("from_hour: 12, to_hour: 14", "from_hour: 18"))
    assert "peak_levers[0].hours" in out and "hold no contacts" in out


def test_callbacks_need_later_hours_of_the_same_day(tmp_path: Path) -> None:
    out = refused(tmp_path, CALLBACK.replace(", callback_hours: {from_hour: 14, to_hour: 16}", ""))
    assert "peak_levers[0]" in out and "callback_hours" in out
    out = refused(tmp_path, CALLBACK.replace("{from_hour: 14, to_hour: 16}", "{from_hour: 9}"))
    assert "later the same day" in out
    out = refused(
        tmp_path, CALLBACK.replace("{from_hour: 14, to_hour: 16}", "{from_hour: 14, days: [sat]}")
    )
    assert "the day it was asked for" in out
    out = refused(tmp_path, CALLBACK.replace("{from_hour: 14, to_hour: 16}", "{from_hour: 20}"))
    assert "peak_levers[0].callback_hours" in out and "no open interval" in out


def test_deflect_and_callback_above_the_window_exit_2(tmp_path: Path) -> None:
    out = refused(tmp_path, CALLBACK.replace("callback: 0.25", "callback: 0.7, deflect: 0.5"))
    assert "peak_levers[0]" in out and "above 100 %" in out


def test_an_unstaffed_channel_and_overlapping_windows_exit_2(tmp_path: Path) -> None:
    out = refused(tmp_path, DEFLECT.replace("channel: line", "channel: chat"))
    assert "peak_levers[0].channel" in out and "'chat'" in out
    out = refused(tmp_path, DEFLECT + DEFLECT.replace("from_hour: 12", "from_hour: 13"))
    assert "peak_levers[1].hours" in out and "overlap" in out


def test_the_example_runs_and_its_saving_is_the_schedules() -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "schedule-peak-levers.yaml"
    readme = (example.parents[1] / "README.md").read_text(encoding="utf-8")
    assert "`ccecon evaluate examples/schedule-peak-levers.yaml`" in readme
    from ccecon.scenario.load import load_scenario

    r = evaluate(load_scenario(example))
    st = r.staffing()
    assert st is not None
    p, b = st["proposal"], st["baseline"]
    # callbacks keep every call and the chat takes a few: the ideal FTE hardly moves, the
    # scheduled FTE falls by more, and the peak needs fewer agents
    ideal_saving = b["ideal_fte_mean"] - p["ideal_fte_mean"]
    assert 0 < ideal_saving < b["fte_mean"] - p["fte_mean"]
    assert p["peak_agents"] < b["peak_agents"]


def test_the_schedule_command_of_a_scenario_shows_the_reshaped_week(tmp_path: Path) -> None:
    # `ccecon schedule SCENARIO`: the proposal's week with the callbacks of CALLBACK, calls
    # per day [2,2,2,2,4.5,4.5,3.5,3.5] (Monday's eight hours; every day alike).
    from ccecon.scheduling.results import scenario_intervals

    frame = scenario_intervals(parse_scenario(with_peak_levers(CALLBACK)))
    np.testing.assert_allclose(frame["calls"][:8], [2, 2, 2, 2, 4.5, 4.5, 3.5, 3.5])
    assert float(frame["calls"].sum()) == pytest.approx(24 * 7)
