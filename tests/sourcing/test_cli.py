"""``ccecon compare``: the two examples run, bad input exits 2 with a clear message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from ccecon.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ["sourcing-cny-seed004.yaml", "sourcing-usd-shores.yaml"]
runner = CliRunner()


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_compare_four_options(name: str) -> None:
    res = runner.invoke(app, ["compare", str(ROOT / "examples" / name), "--format", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert set(doc["options"]) == {"in-house", "outsourced", "hosted", "hybrid"}
    assert "break_even" in doc
    tcos = [doc["options"][k]["tco"] for k in doc["ranking"]]
    pvs = [doc["options"][k]["pv_cost"] for k in doc["ranking"]]
    assert pvs == sorted(pvs)
    assert all(t > 0 for t in tcos)
    assert 0 < doc["options"]["hybrid"]["sent_out_share"] < 1


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_table_and_csv(fmt: str) -> None:
    res = runner.invoke(
        app, ["compare", str(ROOT / "examples" / EXAMPLES[0]), "--format", fmt, "--no-break-even"]
    )
    assert res.exit_code == 0, res.output
    assert "in-house" in res.stdout and "outsourced" in res.stdout


def _load(name: str) -> dict:
    return yaml.safe_load((ROOT / "examples" / name).read_text(encoding="utf-8"))


def _break(doc: dict, how: str) -> dict:
    s = doc["sourcing"]
    if how == "negative price":
        s["hosted"]["price"]["parts"][0]["price"] = -5
    elif how == "min above max":
        s["hosted"]["price"]["parts"][0]["max_seats"] = 10
    elif how == "unknown model":
        s["outsourced"]["price"] = {"model": "per_smile", "price": 1}
    elif how == "overlap":
        s["hybrid"]["routing"][1]["channels"] = ["outbound_calls", "inbound_calls"]
    elif how == "unassigned":
        s["hybrid"]["routing"] = s["hybrid"]["routing"][:1]
    elif how == "no options":
        for k in ("in-house", "hosted", "outsourced", "hybrid"):
            s.pop(k)
    elif how == "no sourcing":
        doc.pop("sourcing")
    elif how == "former workload":
        s["workload"] = {"interval_minutes": 30, "days_per_month": 30}
    return doc


@pytest.mark.parametrize(
    ("how", "needle"),
    [
        ("negative price", "sourcing.hosted.price"),
        ("min above max", "min_seats (30.0) is above max_seats"),
        ("unknown model", "per_smile"),
        ("overlap", "overlap"),
        ("unassigned", "unassigned"),
        ("no options", "no options"),
        ("no sourcing", "no `sourcing` section"),
        ("former workload", "top-level `staffing:`"),
    ],
)
def test_bad_input_exits_2(tmp_path: Path, how: str, needle: str) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text(yaml.safe_dump(_break(_load(EXAMPLES[0]), how), allow_unicode=True), "utf-8")
    res = runner.invoke(app, ["compare", str(p)])
    assert res.exit_code == 2, res.output
    assert needle in res.output
    assert "Traceback" not in res.output
    assert str(p) in res.output


def test_missing_file_exits_2(tmp_path: Path) -> None:
    res = runner.invoke(app, ["compare", str(tmp_path / "nope.yaml")])
    assert res.exit_code == 2
    assert "not found" in res.output


@pytest.mark.parametrize("command", ["validate", "evaluate", "simulate", "report"])
@pytest.mark.parametrize("how", ["overlap", "unassigned"])
def test_every_command_rejects_bad_routing(tmp_path: Path, command: str, how: str) -> None:
    """The sourcing section is part of the scenario: every command that reads the file
    stops on routing that overlaps or leaves a channel unassigned, naming the file."""
    p = tmp_path / "bad.yaml"
    p.write_text(yaml.safe_dump(_break(_load(EXAMPLES[0]), how), allow_unicode=True), "utf-8")
    args = [command, str(p)] + (["--out", str(tmp_path / "out")] if command == "report" else [])
    res = runner.invoke(app, args)
    assert res.exit_code == 2, res.output
    assert how in res.output and str(p) in res.output
    assert "Traceback" not in res.output
