"""``staffing.schedule`` in the business case: agent cost follows the scheduled paid hours.

Every expected value is derived by hand in the test. The scenarios use an occupancy-only
goal (no service-level target, at most 60 % occupancy) with a handle time of one hour on
one-hour intervals, so the agents an interval needs are ``ceil(calls / 0.6)`` (the Erlang
traffic of an interval is its calls): 2 calls -> 4 agents, 6 calls -> 10 agents.
February 2027 has 28 days, so a month is exactly four representative weeks.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from ccecon.cli.app import app
from ccecon.engine import evaluate
from ccecon.errors import InputError
from ccecon.scenario.load import load_scenario, parse_scenario

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "schedule-business-case.yaml"

FTE_MONTH = 4000.0  # cost of one paid FTE-month in the scenarios below


def scenario_text(
    *,
    intraday: list[int],
    per_month: float,
    shifts: str,
    levers: str = "[]",
    shrinkage: float = 0.0,
) -> str:
    return f"""
name: schedule test
currency: USD
start: 2027-02
horizon_months: 1
discount_rate: 0
channels:
  - {{name: line, kind: voice_inbound, per_month: {per_month}, aht_s: 3600}}
staffing:
  interval_minutes: 60
  open_hour: 8
  close_hour: 16
  intraday_profile: {intraday}
  sl_target: null
  max_occupancy: 0.6
  shrinkage: {shrinkage}
  paid_hours_per_fte_month: 160
  schedule:
    shifts: {shifts}
baseline:
  cost_lines:
    - {{name: Agents, family: operating, amount: {FTE_MONTH}, timing: per_unit, driver: fte}}
proposal:
  levers: {levers}
  cost_lines:
    - {{name: Agents, family: operating, amount: {FTE_MONTH}, timing: per_unit, driver: fte}}
"""


EIGHT_HOURS = '[{name: Day, starts: ["08:00"], paid_hours: 8}]'
PEAK = [1, 1, 1, 1, 3, 3, 1, 1]  # weights sum to 12


def month_fte(sc_text: str, case: str = "baseline") -> tuple[float, float]:
    r = evaluate(parse_scenario(sc_text))
    d = r.cases[case].drivers
    return float(np.mean(d["fte"][:, 1])), float(np.mean(d["ideal_fte"][:, 1]))


def test_flat_requirement_covered_by_eight_hour_shifts_costs_the_ideal_fte() -> None:
    # 672 calls a month = 24 a day (28 days) = 3 in each of the 8 open hours: 3 / 0.6 = 5
    # agents every hour. Five 8-hour shifts from 08:00 cover the day exactly: scheduled paid
    # hours 5 x 8 = 40 a day = the requirement's 8 x 5 agent-hours.
    fte, ideal = month_fte(scenario_text(intraday=[1] * 8, per_month=672, shifts=EIGHT_HOURS))
    hours = 5 * 8 * 28  # agent-hours in February
    assert ideal == pytest.approx(hours / 160)  # 7.0 FTE
    assert fte == pytest.approx(ideal)


def test_a_peak_forces_excess_hours_and_the_agent_cost_follows_them() -> None:
    # 672 calls a month = 24 a day, weights [1,1,1,1,3,3,1,1]/12: 2 calls an hour, 6 at
    # 12:00 and 13:00 -> agents [4,4,4,4,10,10,4,4] = 44 agent-hours a day.
    # Only 8-hour shifts from 08:00: 10 agents all day = 80 paid hours a day.
    sc = scenario_text(intraday=PEAK, per_month=672, shifts=EIGHT_HOURS)
    fte, ideal = month_fte(sc)
    assert ideal == pytest.approx(44 * 28 / 160)  # 7.7
    assert fte == pytest.approx(80 * 28 / 160)  # 14.0
    r = evaluate(parse_scenario(sc))
    cost = float(r.cases["baseline"].operating[0, 1])
    # excess: 36 paid hours a day x 28 days = 1,008 h = 6.3 FTE = 25,200 USD
    assert cost == pytest.approx(14.0 * FTE_MONTH)
    assert cost - 7.7 * FTE_MONTH == pytest.approx(1008 / 160 * FTE_MONTH)
    st = r.staffing()
    assert st is not None
    assert st["baseline"]["fte_mean"] == pytest.approx(14.0)
    assert st["baseline"]["ideal_fte_mean"] == pytest.approx(7.7)
    assert st["baseline"]["schedule"]["all_optimal"] is True


def test_shorter_shifts_cover_the_peak_with_less_excess() -> None:
    # With a 4-hour shift at 08:00 or 12:00 as well: a Day, b Half at 08:00, c Half at
    # 12:00 need a + b >= 4 (08:00-12:00) and a + c >= 10 (12:00-14:00); paid hours
    # 8a + 4b + 4c with c = 10 - a, b = max(0, 4 - a) is 40 + 4a + 4 max(0, 4 - a): 56 for
    # any a <= 4 (e.g. 4 Day + 6 Half at 12:00), more for a > 4. So 56 paid hours a day.
    shifts = (
        '[{name: Day, starts: ["08:00"], paid_hours: 8},'
        ' {name: Half, kind: part_time, starts: ["08:00", "12:00"], paid_hours: 4}]'
    )
    fte, ideal = month_fte(scenario_text(intraday=PEAK, per_month=672, shifts=shifts))
    assert ideal == pytest.approx(7.7)
    assert fte == pytest.approx(56 * 28 / 160)  # 9.8


def test_a_lever_on_a_peaky_requirement_saves_more_with_the_schedule() -> None:
    # Halving the calls (volume factor 0.5): 1 call an hour, 3 at the peak ->
    # agents [2,2,2,2,5,5,2,2] = 22 agent-hours a day; 8-hour shifts: 5 agents = 40 h.
    # Ideal saving: (44 - 22) x 28 / 160 = 3.85 FTE; scheduled: (80 - 40) x 28 / 160 = 7 FTE.
    lever = "[{name: deflection, channel: line, volume_factor: 0.5}]"
    r = evaluate(
        parse_scenario(
            scenario_text(intraday=PEAK, per_month=672, shifts=EIGHT_HOURS, levers=lever)
        )
    )
    b, p = r.cases["baseline"].drivers, r.cases["proposal"].drivers
    ideal_saving = float(b["ideal_fte"][0, 1] - p["ideal_fte"][0, 1])
    scheduled_saving = float(b["fte"][0, 1] - p["fte"][0, 1])
    assert ideal_saving == pytest.approx(3.85)
    assert scheduled_saving == pytest.approx(7.0)
    assert float(r.net[0, 1]) == pytest.approx(7.0 * FTE_MONTH)


def test_shrinkage_of_the_schedule_raises_the_agents_at_work() -> None:
    # Flat 5 agents on the phones, shrinkage 0.2 (staffing and schedule): 5 / 0.8 = 6.25 ->
    # 7 agents at work every hour -> 7 x 8 = 56 paid hours a day; ideal paid hours
    # 40 / 0.8 = 50 a day: ideal FTE 50 x 28 / 160 = 8.75, scheduled 56 x 28 / 160 = 9.8.
    fte, ideal = month_fte(
        scenario_text(intraday=[1] * 8, per_month=672, shifts=EIGHT_HOURS, shrinkage=0.2)
    )
    assert ideal == pytest.approx(8.75)
    assert fte == pytest.approx(9.8)


def test_draws_apply_the_base_case_schedule_ratio() -> None:
    # The base case's ratio (80 / 44 paid hours) applied to every draw's ideal FTE: no
    # schedule is solved per draw.
    sc = parse_scenario(
        scenario_text(intraday=PEAK, per_month=672, shifts=EIGHT_HOURS).replace(
            "per_month: 672,", "per_month: {dist: uniform, min: 600, max: 744},"
        )
    )
    r = evaluate(sc, draws=64, rng=np.random.default_rng(1))
    plan = r.extras["schedule"]["baseline"]
    assert len(plan.weeks) == 1
    assert plan.ratio[0, 1] == pytest.approx(80 / 44)
    # the mean over draws of fte = ratio x mean of ideal_fte
    d = r.cases["baseline"].drivers
    assert float(d["fte"][0, 1]) == pytest.approx(80 / 44 * float(d["ideal_fte"][0, 1]))


def test_evaluate_shows_ideal_and_scheduled_fte() -> None:
    result = CliRunner().invoke(app, ["evaluate", str(EXAMPLE), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    for case in ("baseline", "proposal"):
        entry = doc["staffing"][case]
        assert entry["fte_mean"] >= entry["ideal_fte_mean"] - 1e-9  # hard cover
        assert entry["schedule"]["weeks_solved"] >= 1
    table = CliRunner().invoke(app, ["evaluate", str(EXAMPLE)])
    assert table.exit_code == 0, table.output
    assert "Ideal FTE" in table.stdout and "Scheduled" in table.stdout


# --------------------------------------------------------------------------- bad input
def evaluate_refused(tmp_path: Path, shifts: str) -> str:
    """``ccecon evaluate`` of the peak scenario with these shifts: exit 2, no traceback,
    the scenario file named; the output."""
    sc = tmp_path / "case.yaml"
    sc.write_text(scenario_text(intraday=PEAK, per_month=672, shifts=shifts), encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", str(sc)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert str(sc) in result.output
    return result.output


def test_unknown_shifts_file_exits_2_naming_it(tmp_path: Path) -> None:
    out = evaluate_refused(tmp_path, "no-such-shifts.yaml")
    assert "staffing.schedule.shifts" in out and "no-such-shifts.yaml" in out


def test_template_that_covers_no_interval_exits_2_with_its_field(tmp_path: Path) -> None:
    # the lines are open 08:00-16:00; a 4-hour shift from 20:00 ends at midnight
    out = evaluate_refused(
        tmp_path,
        '[{name: Day, starts: ["08:00"], paid_hours: 8},'
        ' {name: Night, starts: ["20:00"], paid_hours: 4}]',
    )
    assert "staffing.schedule.shifts[1].starts" in out and "Night" in out


def test_infeasible_hard_cover_names_the_intervals_short(tmp_path: Path) -> None:
    # at most 6 agents on the 8-hour shift, 10 needed at 12:00 and 13:00: 4 short in each
    # of those intervals, every day
    out = evaluate_refused(
        tmp_path, '[{name: Day, starts: ["08:00"], paid_hours: 8, max_headcount: 6}]'
    )
    assert "staffing.schedule.shifts" in out
    assert "Mon 12:00 by 4" in out and "Mon 13:00 by 4" in out


def test_template_off_the_grid_in_a_shifts_file_names_that_file(tmp_path: Path) -> None:
    (tmp_path / "shifts.yaml").write_text(
        'shifts:\n  - {name: Day, starts: ["08:30"], paid_hours: 8}\n', encoding="utf-8"
    )
    sc = tmp_path / "case.yaml"
    sc.write_text(
        scenario_text(intraday=PEAK, per_month=672, shifts="shifts.yaml"), encoding="utf-8"
    )
    with pytest.raises(InputError) as err:
        load_scenario(sc)
    assert err.value.file == str(tmp_path / "shifts.yaml")
    assert err.value.field == "shifts[0].starts"
    assert err.value.value == "08:30"


def test_a_scenario_from_text_may_not_name_a_file_on_the_server() -> None:
    with pytest.raises(InputError) as err:
        parse_scenario(scenario_text(intraday=PEAK, per_month=672, shifts="/etc/passwd"))
    assert err.value.field == "staffing.schedule.shifts"
    assert err.value.value == "/etc/passwd"


def test_the_example_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`ccecon evaluate examples/schedule-business-case.yaml`" in readme
    r = evaluate(load_scenario(EXAMPLE))
    st = r.staffing()
    assert st is not None
    p, b = st["proposal"], st["baseline"]
    # the proposal's deflection removes calls: fewer scheduled and ideal FTE
    assert p["fte_mean"] < b["fte_mean"] and p["ideal_fte_mean"] < b["ideal_fte_mean"]


def test_the_report_shows_ideal_and_scheduled_fte() -> None:
    from ccecon.reports.charts import staffing_figure
    from ccecon.reports.html import render_html

    r = evaluate(load_scenario(EXAMPLE))
    st = r.staffing()
    assert st is not None
    page = render_html(r)
    assert "Shift schedule" in page
    assert f"{st['baseline']['ideal_fte_mean']:,.1f}" in page
    fig = staffing_figure(r)
    assert fig is not None
    names = [t.name for t in fig.data]
    # one scheduled and one ideal line per case
    assert len(names) == 4 and sum("ideal" in n for n in names) == 2


def test_simulate_solves_the_schedule_once_not_per_draw_or_chunk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ccecon.scheduling.plan as plan
    from ccecon.uncertainty.montecarlo import simulate

    calls: list[int] = []
    real = plan.plan_schedule

    def counted(*args: object, **kwargs: object) -> plan.SchedulePlan:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(plan, "plan_schedule", counted)
    sc = parse_scenario(
        scenario_text(intraday=PEAK, per_month=672, shifts=EIGHT_HOURS).replace(
            "per_month: 672,", "per_month: {dist: uniform, min: 600, max: 744},"
        )
    )
    simulate(sc, 300, np.random.default_rng(3), chunk=50)
    # the base case's two cases (baseline, proposal): two plans for 300 draws in 6 chunks
    assert len(calls) == 2
