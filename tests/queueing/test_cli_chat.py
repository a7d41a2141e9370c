"""``ccecon staff`` as a user runs it, and the chat concurrency model."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import ccecon.queueing.chat
import ccecon.queueing.erlang
import ccecon.queueing.staffing
from ccecon.cli.app import app
from ccecon.queueing import required_agents
from ccecon.queueing.chat import chat_agents

runner = CliRunner()


def test_one_line_calculator_json_has_agents() -> None:
    r = runner.invoke(
        app,
        [
            "staff",
            "--calls",
            "100",
            "--per",
            "30min",
            "--aht",
            "180",
            "--sl",
            "80%/20",
            "--format",
            "json",
        ],
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["agents"] == 14  # Call Centre Helper worked example
    assert doc["service_level"] == pytest.approx(0.8884, abs=5e-5)
    assert doc["fte"] == pytest.approx(14 / 0.7)  # the default shrinkage, 30 %


def test_calculator_with_patience_shrinkage_occupancy() -> None:
    r = runner.invoke(
        app,
        [
            "staff",
            "--calls",
            "100",
            "--per",
            "30min",
            "--aht",
            "180",
            "--sl",
            "0.8/20",
            "--patience",
            "300",
            "--shrinkage",
            "0.3",
            "--max-occupancy",
            "0.85",
            "-f",
            "json",
        ],
    )
    doc = json.loads(r.stdout)
    assert doc["model"] == "erlang_a"
    assert doc["occupancy"] <= 0.85 and doc["service_level"] >= 0.8
    assert doc["fte"] == pytest.approx(doc["agents"] / 0.7)


def test_interval_file_and_rollup(tmp_path: Path) -> None:
    f = tmp_path / "iv.csv"
    f.write_text(
        "start,calls,aht_s\n2027-01-04 08:00,100,180\n2027-01-04 08:30,140,190\n"
        "2027-01-05 08:00,0,180\n",
        encoding="utf-8",
    )
    r = runner.invoke(app, ["staff", str(f), "-f", "json"])
    rows = json.loads(r.stdout)
    assert [row["agents"] for row in rows] == [
        14,
        int(required_agents(140, 190, 1800, sl_target=0.8, sl_threshold_s=20)),
        0,
    ]
    r = runner.invoke(app, ["staff", str(f), "--by", "day", "-f", "json"])
    days = json.loads(r.stdout)
    assert [d["calls"] for d in days] == [240, 0]
    # volume-weighted daily service level: answered-in-time calls over calls
    sl = (100 * rows[0]["service_level"] + 140 * rows[1]["service_level"]) / 240
    assert days[0]["service_level"] == pytest.approx(sl)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--calls", "-5", "--aht", "180"], "calls"),
        (["--calls", "10", "--aht", "0"], "aht_s"),
        (["--calls", "10", "--aht", "180", "--sl", "80"], "80%/20"),
        (["--calls", "10", "--aht", "180", "--sl", "180/20"], '"180%"'),
        (["--calls", "10", "--aht", "180", "--sl", "80/20"], "0.8/20"),
        (["--calls", "10", "--aht", "180", "--shrinkage", "35"], '"35%"'),
        (["--calls", "10", "--aht", "180", "--shrinkage", "1"], "--shrinkage"),
        (["--calls", "10", "--aht", "180", "--max-occupancy", "85"], '"85%"'),
        (["--calls", "10", "--aht", "180", "--per", "soon"], "15min"),
        (["--calls", "nan", "--aht", "180"], "calls"),
    ],
)
def test_bad_input_exits_2(args: list[str], fragment: str) -> None:
    r = runner.invoke(app, ["staff", *args])
    assert r.exit_code == 2
    assert fragment in r.stderr


def test_bad_row_in_file_is_named(tmp_path: Path) -> None:
    f = tmp_path / "iv.csv"
    f.write_text("calls,aht_s\n100,180\n-3,180\n", encoding="utf-8")
    r = runner.invoke(app, ["staff", str(f)])
    assert r.exit_code == 2
    assert str(f) in r.stderr and "row 3" in r.stderr and "calls" in r.stderr


def test_chat_concurrency_picks_fewest_agents() -> None:
    r = chat_agents(120, 1800, {1: 420, 2: 510, 3: 660})
    t = r.table.set_index("concurrency")
    # each concurrency is an Erlang C queue of slots with that handle time
    for k, aht in {1: 420, 2: 510, 3: 660}.items():
        slots = int(required_agents(120, aht, 1800, sl_target=0.8, sl_threshold_s=60))
        assert t.loc[k, "slots"] == slots and t.loc[k, "agents"] == -(-slots // k)
    assert r.agents == t["agents"].min()


def test_queueing_docstring_examples_run() -> None:
    for mod in (ccecon.queueing.chat, ccecon.queueing.erlang, ccecon.queueing.staffing):
        failed, tried = doctest.testmod(mod)
        assert tried > 0 and failed == 0, mod.__name__


def test_single_interval_option_error_names_the_option_not_a_row() -> None:
    from typer.testing import CliRunner

    from ccecon.cli.app import app

    r = CliRunner().invoke(app, ["staff", "--calls", "-1", "--per", "30min", "--aht", "180"])
    assert r.exit_code == 2
    assert "field calls" in r.stderr and "-1" in r.stderr
    assert "row" not in r.stderr
