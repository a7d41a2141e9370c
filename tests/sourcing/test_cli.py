"""``ccecon compare``: the two examples run, bad input exits 2 with a clear message."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from ccecon.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ["sourcing-cny-seed004.yaml", "sourcing-usd-shores.yaml"]
NAMES = {
    "sourcing-cny-seed004.yaml": {"in-house", "outsourced", "hosted", "hybrid"},
    "sourcing-usd-shores.yaml": {"onshore", "onshore-ccaas", "offshore-bpo", "nearshore-mix"},
}
runner = CliRunner()


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_compare_their_named_options(name: str) -> None:
    res = runner.invoke(app, ["compare", str(ROOT / "examples" / name), "--format", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert set(doc["options"]) == NAMES[name]
    kinds = {o["kind"] for o in doc["options"].values()}
    assert kinds == {"in-house", "outsourced", "hosted", "hybrid"}
    assert "break_even" in doc
    tcos = [doc["options"][k]["tco"] for k in doc["ranking"]]
    pvs = [doc["options"][k]["pv_cost"] for k in doc["ranking"]]
    assert pvs == sorted(pvs)
    assert all(t > 0 for t in tcos)
    (hybrid,) = [o for o in doc["options"].values() if o["kind"] == "hybrid"]
    assert 0 < hybrid["sent_out_share"] < 1
    if "current" in doc:  # the move from today's option to each other one
        assert set(doc["moves"]) == NAMES[name] - {doc["current"]}
        base = doc["options"][doc["current"]]["tco"]
        for other, move in doc["moves"].items():
            saved = base - doc["options"][other]["tco"]
            assert move["cost_savings"] - move["cost_of_change"] == pytest.approx(saved)


FORMER = """
name: former format
currency: CNY
start: 2027-01
horizon_months: 12
channels:
  - {name: inbound_calls, kind: voice_inbound, per_month: 40000, aht_s: 240}
  - {name: outbound_calls, kind: voice_outbound, per_month: 6000, aht_s: 180}
staffing: {}
proposal: {}
sourcing:
  in-house: {agent_salary: 6000, telecom_per_minute: 0.2}
  outsourced:
    price: {model: per_call, basis: contacts, price: 9.5}
    vendor_management_per_month: 8000
  hybrid:
    routing:
      - {channels: [inbound_calls], to: in-house}
      - {channels: [outbound_calls], to: outsourced}
  scorecard:
    criteria: [{name: control, weight: 1}]
    scores: {in-house: {control: 5}, hybrid: {control: 3}}
"""


def test_former_format_still_loads_as_options_named_by_kind(tmp_path: Path) -> None:
    """One option per kind under the keys in-house / outsourced / hybrid (the format
    before named options) loads as three options named by their keys; the hybrid keeps
    the in-house option's costs and pays the outsourced option's price."""
    p = tmp_path / "former.yaml"
    p.write_text(FORMER, "utf-8")
    res = runner.invoke(app, ["compare", str(p), "--format", "json", "--no-break-even"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert set(doc["options"]) == {"in-house", "outsourced", "hybrid"}
    hy = doc["options"]["hybrid"]["components_tco"]
    # outbound 6,000 x 9.5 x 12 = 684,000 from the outsourced price; vendor management
    # 8,000 x 12 = 96,000 from the outsourced option
    assert hy["provider charges"] == pytest.approx(684_000)
    assert hy["vendor management"] == pytest.approx(96_000)
    assert doc["options"]["hybrid"]["score"] == 3.0


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ("  options: []\n", "not both"),
        ("  workload: {days_per_month: 30}\n", "top-level `staffing:`"),
    ],
)
def test_former_format_mixed_or_old_staffing_says_what_to_change(
    tmp_path: Path, change: str, needle: str
) -> None:
    p = tmp_path / "former.yaml"
    p.write_text(FORMER.replace("sourcing:\n", "sourcing:\n" + change), "utf-8")
    res = runner.invoke(app, ["compare", str(p)])
    assert res.exit_code == 2, res.output
    assert needle in res.output and str(p) in res.output
    assert "Traceback" not in res.output


def test_any_number_of_named_options(tmp_path: Path) -> None:
    """Two BPO bids and two hybrids with their own names; a hybrid names the in-house
    option and the provider it uses."""
    doc = yaml.safe_load(FORMER)
    doc["sourcing"] = {
        "options": [
            {"name": "own center", "kind": "in-house", "agent_salary": 6000},
            {
                "name": "BPO bid A",
                "kind": "outsourced",
                "price": {"model": "per_call", "price": 9, "basis": "contacts"},
            },
            {
                "name": "BPO bid B",
                "kind": "outsourced",
                "price": {"model": "per_call", "price": 8, "basis": "contacts"},
            },
            {
                "name": "outbound to B",
                "kind": "hybrid",
                "in_house": "own center",
                "provider": "BPO bid B",
                "routing": [
                    {"channels": ["inbound_calls"], "to": "in-house"},
                    {"channels": ["outbound_calls"], "to": "outsourced"},
                ],
            },
        ]
    }
    p = tmp_path / "named.yaml"
    p.write_text(yaml.safe_dump(doc), "utf-8")
    res = runner.invoke(app, ["compare", str(p), "--format", "json", "--no-break-even"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)["options"]
    assert set(out) == {"own center", "BPO bid A", "BPO bid B", "outbound to B"}
    # bid B: 46,000 calls x 8 x 12 = 4,416,000; the hybrid pays B's price on outbound:
    # 6,000 x 8 x 12 = 576,000
    assert out["BPO bid B"]["tco"] == pytest.approx(4_416_000)
    assert out["outbound to B"]["components_tco"]["provider charges"] == pytest.approx(576_000)
    doc["sourcing"]["options"][3].pop("provider")
    p.write_text(yaml.safe_dump(doc), "utf-8")
    res = runner.invoke(app, ["compare", str(p)])
    assert res.exit_code == 2 and "needs `provider`" in res.output


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
    opt = {o["kind"]: o for o in s["options"]}
    if how == "negative price":
        opt["hosted"]["price"]["parts"][0]["price"] = -5
    elif how == "min above max":
        opt["hosted"]["price"]["parts"][0]["max_seats"] = 10
    elif how == "unknown model":
        opt["outsourced"]["price"] = {"model": "per_smile", "price": 1}
    elif how == "overlap":
        opt["hybrid"]["routing"][1]["channels"] = ["outbound_calls", "inbound_calls"]
    elif how == "unassigned":
        opt["hybrid"]["routing"] = opt["hybrid"]["routing"][:1]
    elif how == "no options":
        s.pop("options")
    elif how == "no sourcing":
        doc.pop("sourcing")
    elif how == "former workload":
        s["workload"] = {"interval_minutes": 30, "days_per_month": 30}
    return doc


@pytest.mark.parametrize(
    ("how", "needle"),
    [
        ("negative price", "sourcing.options[1].hosted.price"),
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


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_sourcing_only_evaluate_leads_with_the_decision(fmt: str) -> None:
    """A file with options and no business case lines: `evaluate` shows the ranking of the
    options, never an empty business case (NPV 0.00, ROI nan)."""
    path = ROOT / "examples" / EXAMPLES[1]
    res = runner.invoke(app, ["evaluate", str(path), "--format", fmt])
    assert res.exit_code == 0, res.output
    assert "offshore-bpo" in res.stdout
    assert re.search(r"\bnan\b", res.stdout) is None
    for empty in ("NPV 0", "roi_pct", "payback_months", "Business case"):
        assert empty not in res.stdout


def test_sourcing_only_report_leads_with_the_decision(tmp_path: Path) -> None:
    path = ROOT / "examples" / EXAMPLES[1]
    res = runner.invoke(app, ["report", str(path), "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<span>1. offshore-bpo</span>" in html  # the cheapest option leads
    assert "IRR does not exist" not in html
    assert 'id="fig-cashflow"' not in html and 'id="fig-sourcing"' in html
