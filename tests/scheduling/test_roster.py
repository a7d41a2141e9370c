"""Rostering (``ccecon schedule ... --roster AGENTS.csv``): tiny problems whose optimum,
binding rules and infeasibility are derived by hand in each test.

The requirement: one agent on the phones 08:00-16:00 every day of one week (hourly rows
from Monday 2024-01-01); the only template is an 8-hour shift from 08:00, so the design
is one shift a day: seven shifts of 8 paid hours.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ccecon.cli.app import app

SHIFTS = 'shifts:\n  - {name: Day, starts: ["08:00"], paid_hours: 8}\n'


def week_csv(days: int = 7) -> str:
    rows = ["start,agents"]
    for d in range(days):
        rows += [f"2024-01-{1 + d:02d} {h:02d}:00,1" for h in range(8, 16)]
    return "\n".join(rows) + "\n"


def run(tmp_path: Path, agents: str, *extra: str) -> tuple[int, dict, str]:
    (tmp_path / "week.csv").write_text(week_csv(), encoding="utf-8")
    (tmp_path / "shifts.yaml").write_text(SHIFTS, encoding="utf-8")
    (tmp_path / "agents.csv").write_text(agents, encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            "schedule",
            str(tmp_path / "week.csv"),
            "--shifts",
            str(tmp_path / "shifts.yaml"),
            "--roster",
            str(tmp_path / "agents.csv"),
            "--format",
            "json",
            *extra,
        ],
    )
    assert "Traceback" not in result.output
    doc = json.loads(result.stdout) if result.exit_code == 0 else {}
    return result.exit_code, doc, result.output


def worked(doc: dict, agent: str) -> list[tuple[int, str]]:
    return [(a["week"], a["day"]) for a in doc["roster"]["assignments"] if a["agent"] == agent]


def rule(doc: dict, name: str) -> dict:
    return next(r for r in doc["roster"]["rules"] if r["rule"] == name)


def test_a_saturday_someone_must_work_costs_one_preference(tmp_path: Path) -> None:
    # Ana prefers Saturday and Sunday off, Ben Saturday. Saturday's shift must be worked
    # by one of them: at least one preference is broken. One is enough: Ana Mon-Thu
    # (4 days, 32 h), Ben Fri-Sun (3 days, 24 h, breaking his Saturday): both have 2+
    # consecutive days off, at most 5 days in a row (the week repeats), 16 h rest.
    code, doc, out = run(
        tmp_path,
        "agent,min_hours_week,max_hours_week,prefer_off\nAna,0,40,sat;sun\nBen,0,40,sat\n",
    )
    assert code == 0, out
    r = doc["roster"]
    assert r["summary"]["preference_cost"] == pytest.approx(1.0)
    assert r["summary"]["shifts_assigned"] == 7
    # Sunday is Ben's (Ana's Sunday would be a second broken preference)
    assert (1, "sun") in worked(doc, "Ben")
    # every designed shift worked once; nobody works two shifts a day
    days = [d for _, d in worked(doc, "Ana") + worked(doc, "Ben")]
    assert sorted(days) == sorted(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
    # no rule binds: without any one of them Saturday still needs one of the two
    assert all(rr["binds"] is False for rr in r["rules"])


def test_a_binding_rule_is_named(tmp_path: Path) -> None:
    # Ben may work 8 h a week (one shift); Ana the other six (48 h; she takes 1 day off,
    # no pair of days off, at most 6 days in a row). Ana prefers the weekend off: Ben can
    # take only one of Saturday and Sunday, so Ana breaks one preference (cost 1).
    # Without Ben's 8-hour limit he would take both and the cost would be 0: the
    # contracted maximum binds. Ana's single day off is at its limit but does not bind.
    agents = (
        "agent,min_hours_week,max_hours_week,prefer_off,min_days_off_week,"
        "consecutive_days_off,max_consecutive_days\n"
        "Ana,0,48,sat;sun,1,false,6\n"
        "Ben,0,8,,,,\n"
    )
    code, doc, out = run(tmp_path, agents)
    assert code == 0, out
    assert doc["roster"]["summary"]["preference_cost"] == pytest.approx(1.0)
    assert len(worked(doc, "Ana")) == 6 and len(worked(doc, "Ben")) == 1
    assert rule(doc, "max_hours_week")["binds"] is True
    assert "Ben (week 1)" in rule(doc, "max_hours_week")["at_limit"]
    assert rule(doc, "min_days_off_week")["binds"] is False
    assert "Ana (week 1)" in rule(doc, "min_days_off_week")["at_limit"]


def test_two_weeks_repeat_the_design_and_keep_the_rules(tmp_path: Path) -> None:
    # 14 shifts over two weeks; three agents of 16-40 h with the default rules (2 days
    # off, two of them consecutive, at most 5 in a row, 11 h rest).
    agents = "agent,min_hours_week,max_hours_week\nAna,16,40\nBen,16,40\nCy,16,40\n"
    code, doc, out = run(tmp_path, agents, "--weeks", "2")
    assert code == 0, out
    r = doc["roster"]
    assert r["summary"]["shifts_assigned"] == 14
    for row in r["agents"]:
        days_worked = sum(
            row[d] != "off" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        )
        assert 16 <= row["paid_hours"] <= 40 and days_worked <= 5
        assert row["paid_hours"] == 8 * days_worked


def test_infeasible_contracted_hours_name_the_rule_and_the_agent(tmp_path: Path) -> None:
    # 7 shifts of 8 h = 56 h. Ana must work exactly 48 h (six shifts; 1 day off allowed)
    # and Ben 12-16 h: at least two shifts, 64 h > 56 h, and a shift is never worked by
    # two. The least violation (slack weighed in hours): Ana 6 shifts and Ben 1 (8 h),
    # Ben 4 h short; Ana 5 and Ben 2 leaves Ana 8 h short; a shift left unworked costs
    # its 8 h and still leaves someone short.
    agents = (
        "agent,min_hours_week,max_hours_week,min_days_off_week,consecutive_days_off,"
        "max_consecutive_days\n"
        "Ana,48,48,1,false,6\n"
        "Ben,12,16,,,\n"
    )
    code, _, out = run(tmp_path, agents)
    assert code == 2
    assert "agents.csv" in out
    assert "min_hours_week" in out and "Ben" in out and "by 4 h" in out


EARLY_LATE = (
    "shifts:\n"
    '  - {name: Early, starts: ["06:00"], paid_hours: 8}\n'
    '  - {name: Late, starts: ["14:00"], paid_hours: 8}\n'
)


def test_rest_between_shifts_binds(tmp_path: Path) -> None:
    # One agent Monday 14:00-22:00 and Tuesday 06:00-14:00 (a Sunday row needing nobody
    # makes the file one week): the design is Late on Monday and Early on Tuesday. Monday's
    # Late ends at 22:00, Tuesday's Early starts at 06:00: 8 h of rest, less than 11 h, so
    # Ana cannot work both. Ben (one shift at most) prefers both days off: he breaks one
    # preference (cost 1). With the rest rule dropped Ana works both (cost 0): it binds.
    rows = ["start,agents"]
    rows += [f"2024-01-01 {h:02d}:00,1" for h in range(14, 22)]
    rows += [f"2024-01-02 {h:02d}:00,1" for h in range(6, 14)]
    rows += ["2024-01-07 12:00,0"]
    (tmp_path / "shifts2.yaml").write_text(EARLY_LATE, encoding="utf-8")
    (tmp_path / "week2.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    agents = "agent,min_hours_week,max_hours_week,prefer_off\nAna,0,40,\nBen,0,8,mon;tue\n"
    (tmp_path / "agents.csv").write_text(agents, encoding="utf-8")

    def roster(*extra: str) -> dict:
        result = CliRunner().invoke(
            app,
            [
                "schedule",
                str(tmp_path / "week2.csv"),
                "--shifts",
                str(tmp_path / "shifts2.yaml"),
                "--roster",
                str(tmp_path / "agents.csv"),
                "-f",
                "json",
                *extra,
            ],
        )
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    doc = roster()
    assert doc["roster"]["summary"]["preference_cost"] == pytest.approx(1.0)
    assert rule(doc, "min_rest_hours")["binds"] is True
    # 8 h of rest is enough at --min-rest-hours 8: Ana works both, nothing broken
    relaxed = roster("--min-rest-hours", "8")
    assert relaxed["roster"]["summary"]["preference_cost"] == pytest.approx(0.0)
    assert len(worked(relaxed, "Ana")) == 2


def test_unavailable_days_and_allowed_templates_are_kept(tmp_path: Path) -> None:
    # Ana cannot work Monday or Tuesday; Ben may work only a template named Day (the one
    # template): Ben takes Monday and Tuesday, whoever works the rest.
    agents = (
        "agent,min_hours_week,max_hours_week,unavailable,templates\n"
        "Ana,0,40,mon;tue,\n"
        "Ben,0,40,,Day\n"
    )
    code, doc, out = run(tmp_path, agents)
    assert code == 0, out
    assert not {d for _, d in worked(doc, "Ana")} & {"mon", "tue"}
    assert {(1, "mon"), (1, "tue")} <= set(worked(doc, "Ben"))
    # a day of one week only: Cy cannot work the second week's Monday, Dee works no
    # Monday, so the Monday of week 2 is Eve's
    agents = (
        "agent,min_hours_week,max_hours_week,unavailable\nCy,0,40,w2-mon\nDee,0,40,mon\nEve,0,40,\n"
    )
    code, doc, out = run(tmp_path, agents, "--weeks", "2")
    assert code == 0, out
    assert (2, "mon") not in worked(doc, "Cy") and (2, "mon") in worked(doc, "Eve")
    assert not [d for _, d in worked(doc, "Dee") if d == "mon"]


def test_bad_roster_rows_exit_2_with_row_and_column(tmp_path: Path) -> None:
    code, _, out = run(tmp_path, "agent,min_hours_week,max_hours_week\nAna,40,30\n")
    assert code == 2 and ("line 2" in out.lower() or "row 2" in out.lower())
    assert "max_hours_week" in out and "30" in out
    code, _, out = run(
        tmp_path, "agent,min_hours_week,max_hours_week,unavailable\nAna,0,40,funday\n"
    )
    assert code == 2 and "unavailable" in out and "funday" in out
    code, _, out = run(tmp_path, "agent,min_hours_week,max_hours_week,templates\nAna,0,40,Night\n")
    assert code == 2 and "templates" in out and "Night" in out
    code, _, out = run(tmp_path, "agent,min_hours_week,max_hours_week\nAna,0,40\n", "--weeks", "5")
    assert code == 2 and "--weeks" in out


@pytest.mark.slow
def test_the_bundled_roster_example_covers_every_designed_shift() -> None:
    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert (
        "`ccecon schedule examples/schedule-week-15min.csv --shifts examples/schedule-shifts.yaml"
        " --roster examples/schedule-agents.csv`" in readme
    )
    result = CliRunner().invoke(
        app,
        [
            "schedule",
            str(root / "examples" / "schedule-week-15min.csv"),
            "--shifts",
            str(root / "examples" / "schedule-shifts.yaml"),
            "--roster",
            str(root / "examples" / "schedule-agents.csv"),
            "-f",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    r = doc["roster"]
    # every designed shift is worked by its head count: assignments per (day, template,
    # start) equal the design's head counts
    design = {
        (s["day"].lower(), s["template"], s["start"]): s["headcount"] for s in doc["schedule"]
    }
    got: dict[tuple[str, str, str], int] = {}
    for a in r["assignments"]:
        key = (a["day"], a["template"], a["start"])
        got[key] = got.get(key, 0) + 1
    assert got == design
    # each agent within their contracted hours and one shift a day
    hours = {row["agent"]: row["paid_hours"] for row in r["agents"]}
    assert all(16 <= h <= 40 for h in hours.values())
    per_day = [(a["agent"], a["day"]) for a in r["assignments"]]
    assert len(per_day) == len(set(per_day))
