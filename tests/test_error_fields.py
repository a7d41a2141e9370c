"""A bad argument to a library function names that function's parameter (``by``,
``fy_start``), never a command-line flag a notebook or web user cannot give; the same
mistake on the command line still names the flag (``field --by``), the option the CLI
user typed (``ccecon.cli.output.user_errors(options=...)``)."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import ccecon as cc
from ccecon.cli.app import app
from ccecon.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "examples" / "usd-onprem-to-cloud.yaml"
STAFFED = ROOT / "examples" / "schedule-business-case.yaml"  # horizon_months: 12
SHIFTS = ROOT / "examples" / "schedule-shifts.yaml"
CALLS = (
    "id,channel,arrival,answer,end,wait,talk,abandoned\n"
    "a,voice,2027-01-04 09:00:00,2027-01-04 09:00:10,2027-01-04 09:05:10,10,300,false\n"
)
MAPPING = {
    "interaction_id": "id",
    "channel": "channel",
    "arrival_ts": "arrival",
    "answer_ts": "answer",
    "end_ts": "end",
    "queue_wait_s": "wait",
    "talk_s": "talk",
    "abandoned": "abandoned",
}
runner = CliRunner()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("records")
    (folder / "calls.csv").write_text(CALLS, encoding="utf-8")
    cc.ingest(folder / "calls.csv", folder / "calls.duckdb", mapping=MAPPING)
    return folder / "calls.duckdb"


def _library_error(call: object, field: str) -> InputError:
    """The InputError of ``call()``; its field is ``field`` and no flag is in its text."""
    assert callable(call)
    with pytest.raises(InputError) as err:
        call()
    assert err.value.field == field
    assert "--" not in str(err.value)
    return err.value


def _cli_error(*args: str) -> str:
    r = runner.invoke(app, list(args))
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.stderr
    return r.stderr


def test_metrics_names_by(store: Path) -> None:
    err = _library_error(lambda: cc.metrics(store, by="queue,nope"), "by")
    assert err.value == "nope"
    _library_error(lambda: cc.metrics(store, by=["queue", "queue"]), "by")
    # grouping by team needs the agents' teams, a parameter the caller did not give
    _library_error(lambda: cc.metrics(store, by="team"), "teams")
    _library_error(lambda: cc.metrics(store, by="queue", sl_threshold_s=-1), "sl_threshold_s")
    _library_error(lambda: cc.metrics(store, by="queue", short_abandon_s=-1), "short_abandon_s")
    assert "field --by" in _cli_error("metrics", "--from", str(store), "--by", "queue,nope")
    out = _cli_error("metrics", "--from", str(store), "--short-abandon", "-1")
    assert "field --short-abandon" in out and "(got -1.0)" in out


def test_budget_plan_names_fy_start_and_year() -> None:
    err = _library_error(lambda: cc.budget_plan(SCENARIO, 2028, fy_start=13), "fy_start")
    assert err.value == 13
    # the plan starts 2027-04 and runs 36 months: fiscal year 2040 lies outside it
    _library_error(lambda: cc.budget_plan(SCENARIO, 2040), "year")
    _library_error(lambda: cc.budget_plan(SCENARIO, 2028, case="nope"), "case")
    out = _cli_error("budget", "plan", str(SCENARIO), "--year", "2028", "--fy-start", "13")
    assert "field --fy-start: expected a month 1..12 (got 13)" in out
    assert "field --year" in _cli_error("budget", "plan", str(SCENARIO), "--year", "20x8")
    assert "field --year" in _cli_error("budget", "plan", str(SCENARIO), "--year", "2040")


def test_schedule_names_month_and_interval_minutes(tmp_path: Path) -> None:
    err = _library_error(lambda: cc.schedule(STAFFED, SHIFTS, month=13), "month")
    assert err.value == 13 and err.file == str(STAFFED)
    one = tmp_path / "one.csv"
    one.write_text("start,agents\n2027-01-04 09:00,3\n", encoding="utf-8")
    _library_error(lambda: cc.schedule(one, SHIFTS), "interval_minutes")
    out = _cli_error("schedule", str(STAFFED), "--shifts", str(SHIFTS), "--month", "13")
    assert "field --month: expected a plan month from 1 to 12 (got 13)" in out
    assert "field --per" in _cli_error("schedule", str(one), "--shifts", str(SHIFTS))


def test_ingest_names_threads_and_memory_limit(tmp_path: Path) -> None:
    from ccecon.data.ingest import Resources

    calls = tmp_path / "calls.csv"
    calls.write_text(CALLS, encoding="utf-8")
    into = tmp_path / "s.duckdb"
    err = _library_error(
        lambda: cc.ingest(calls, into, mapping=MAPPING, resources=Resources(threads=0)),
        "threads",
    )
    assert err.value == 0
    _library_error(
        lambda: cc.ingest(calls, into, mapping=MAPPING, resources=Resources(memory_limit="lots")),
        "memory_limit",
    )
    _library_error(lambda: cc.ingest(calls, into, fmt="nope"), "fmt")
    args = ("ingest", str(calls), "--into", str(into))
    assert "field --threads: threads must be at least 1 (got 0)" in _cli_error(
        *args, "--threads", "0"
    )
    assert "field --memory-limit" in _cli_error(*args, "--memory-limit", "lots")
    assert "field --format" in _cli_error(*args, "--format", "nope")


def test_an_undetected_file_is_named_in_words(tmp_path: Path) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        cc.ingest(odd, tmp_path / "s.duckdb")
    assert "cannot tell the format" in str(err.value) and "--" not in str(err.value)


def test_user_errors_rewrites_only_the_fields_it_maps(capsys: pytest.CaptureFixture[str]) -> None:
    from ccecon.cli.output import user_errors

    for field, shown in [("fy_start", "field --fy-start"), ("cost_lines[0]", "field cost_lines")]:
        with pytest.raises(typer.Exit) as done, user_errors(options={"fy_start": "--fy-start"}):
            raise InputError("expected a month 1..12", file="a.yaml", field=field, value=13)
        assert done.value.exit_code == 2
        assert f"error: a.yaml, {shown}" in capsys.readouterr().err
    with pytest.raises(typer.Exit), user_errors():
        raise InputError("expected a month 1..12", field="fy_start")
    assert "field fy_start:" in capsys.readouterr().err
