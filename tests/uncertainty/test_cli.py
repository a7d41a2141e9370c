"""``ccecon simulate`` and ``ccecon sensitivity`` as a user runs them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ccecon.cli.app import app
from tests.uncertainty.helpers import UNCERTAIN_EXAMPLE

runner = CliRunner()

SMALL = """
name: small
currency: USD
start: 2027-01
horizon_months: 12
discount_rate: 0
proposal:
  cost_lines: [{name: invest, family: initial, amount: 1000, timing: once, month: 0}]
  benefit_lines:
    - {name: saving, kind: direct, amount: {dist: uniform, min: 50, max: 150}}
    - {name: upsell, kind: direct, amount: {dist: triangular, min: 0, mode: 10, max: 40}}
"""


@pytest.fixture
def small(tmp_path: Path) -> Path:
    p = tmp_path / "small.yaml"
    p.write_text(SMALL, encoding="utf-8")
    return p


def test_simulate_json_has_percentiles_and_probabilities(small: Path) -> None:
    r = runner.invoke(
        app, ["simulate", str(small), "--draws", "4000", "--seed", "3", "--format", "json"]
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    npv = doc["metrics"]["npv"]
    assert {"p10", "p50", "p90", "mean", "se_mean"} <= set(npv)
    assert npv["p10"] < npv["p50"] < npv["p90"]
    assert 0 < doc["probabilities"]["npv_positive"] < 1
    assert doc["seed"] == 3 and doc["draws"] == 4000
    assert doc["risk_adjusted"]["npv"]["p50"] == pytest.approx(npv["p50"])  # no risk given


def test_simulate_same_seed_same_bytes_other_seed_differs(small: Path) -> None:
    args = ["simulate", str(small), "--draws", "3000", "--format", "json"]
    a = runner.invoke(app, [*args, "--seed", "11"])
    b = runner.invoke(app, [*args, "--seed", "11", "--chunk", "1000"])
    c = runner.invoke(app, [*args, "--seed", "12"])
    assert a.exit_code == b.exit_code == c.exit_code == 0
    assert a.stdout.encode() == b.stdout.encode()
    assert a.stdout != c.stdout


def test_simulate_table_shows_percentiles_histogram_and_probability(small: Path) -> None:
    r = runner.invoke(app, ["simulate", str(small), "--draws", "2000"])
    assert r.exit_code == 0, r.output
    for text in ("P10", "P50", "P90", "Probabilities", "█", "P(NPV > 0)"):
        assert text in r.stdout
    # probabilities in words and percent, never their JSON keys or a bare fraction
    assert "P(NPV > 0), TEI risk-adjusted" in r.stdout
    assert "npv positive" not in r.stdout and "npv_positive" not in r.stdout
    import re

    row = next(line for line in r.stdout.splitlines() if "P(NPV > 0), TEI" in line)
    assert re.search(r"\d+\.\d %", row), row


def test_simulate_csv_parses(small: Path) -> None:
    r = runner.invoke(app, ["simulate", str(small), "--draws", "500", "--format", "csv"])
    assert r.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert {"npv", "npv_positive"} <= {row["metric"] for row in rows}
    assert "p50" in rows[0]


def test_simulate_writes_every_draw_to_parquet(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "draws.parquet"
    r = runner.invoke(
        app, ["simulate", str(small), "--draws", "700", "--format", "json", "--draws-out", str(out)]
    )
    assert r.exit_code == 0, r.output
    df = pd.read_parquet(out)
    assert len(df) == 700
    assert {"npv", "input:proposal.benefit_lines[0].amount"} <= set(df.columns)


def test_simulate_the_uncertain_example() -> None:
    r = runner.invoke(
        app, ["simulate", str(UNCERTAIN_EXAMPLE), "--draws", "2000", "--format", "json"]
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert len(doc["inputs"]) >= 10
    assert "cost_per_inbound_call" in doc["metrics"]


def test_sensitivity_prints_the_tornado(small: Path) -> None:
    r = runner.invoke(app, ["sensitivity", str(small)])
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "Tornado" in out and "█" in out
    assert out.index("saving: amount") < out.index("upsell: amount")  # wider range first


def test_sensitivity_json_with_sobol(small: Path) -> None:
    r = runner.invoke(app, ["sensitivity", str(small), "--sobol", "256", "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["tornado"]["bars"][0]["input"] == "proposal.benefit_lines[0].amount"
    assert {x["input"] for x in doc["sobol"]["indices"]} == {
        "proposal.benefit_lines[0].amount",
        "proposal.benefit_lines[1].amount",
    }


BAD = [
    ("{dist: triangular, min: 5, mode: 2, max: 4}", "min (5) is above max (4)"),
    ("{dist: truncnormal, mean: 10, sd: -2, min: 0}", "sd must be positive"),
    ("{dist: pert, min: 9, mode: 9, max: 9}", "zero width"),
    ("{dist: discrete, values: [1, 2], probs: [0.5, 0.4]}", "probs must sum to 1"),
    ("{dist: lognormal, median: 100, p90: 50}", "must be above the median"),
    ("{dist: gamma, shape: 2}", "expected a number or a distribution"),
]


@pytest.mark.parametrize(("dist", "message"), BAD, ids=[m for _, m in BAD])
@pytest.mark.parametrize("command", ["simulate", "sensitivity"])
def test_bad_distribution_exits_2_with_a_clear_message(
    tmp_path: Path, dist: str, message: str, command: str
) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text(SMALL.replace("{dist: uniform, min: 50, max: 150}", dist), encoding="utf-8")
    r = runner.invoke(app, [command, str(p)])
    assert r.exit_code == 2
    assert message in r.stderr
    assert "bad.yaml" in r.stderr and "proposal.benefit_lines[0].amount" in r.stderr
    assert "Traceback" not in r.output


def test_inconsistent_correlations_exit_2(tmp_path: Path) -> None:
    text = SMALL.replace(
        "    - {name: upsell,",
        "    - {name: third, kind: direct, amount: {dist: uniform, min: 0, max: 1}}\n"
        "    - {name: upsell,",
    ) + (
        "correlations:\n"
        '  - {a: "proposal.benefit_lines[0].amount", b: "proposal.benefit_lines[1].amount",'
        " rho: 0.9}\n"
        '  - {a: "proposal.benefit_lines[1].amount", b: "proposal.benefit_lines[2].amount",'
        " rho: 0.9}\n"
        '  - {a: "proposal.benefit_lines[0].amount", b: "proposal.benefit_lines[2].amount",'
        " rho: -0.9}\n"
    )
    p = tmp_path / "corr.yaml"
    p.write_text(text, encoding="utf-8")
    r = runner.invoke(app, ["simulate", str(p), "--draws", "10"])
    assert r.exit_code == 2
    assert "not positive definite" in r.stderr and "corr.yaml" in r.stderr


def test_correlation_naming_an_unknown_input_exits_2(tmp_path: Path) -> None:
    text = SMALL + (
        "correlations:\n"
        '  - {a: "proposal.benefit_lines[0].amount", b: "proposal.cost_lines[0].amount",'
        " rho: 0.5}\n"
    )
    p = tmp_path / "corr.yaml"
    p.write_text(text, encoding="utf-8")
    r = runner.invoke(app, ["sensitivity", str(p)])
    assert r.exit_code == 2
    assert "correlations[0].b" in r.stderr and "not an uncertain input" in r.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--draws", "0"], "--draws"),
        (["--percentiles", "10,abc"], "--percentiles"),
        (["--percentiles", "10,150"], "between 0 and 100"),
    ],
)
def test_bad_options_exit_2(small: Path, args: list[str], message: str) -> None:
    r = runner.invoke(app, ["simulate", str(small), *args])
    assert r.exit_code == 2
    assert message in r.stderr


def test_sensitivity_unknown_metric_and_missing_file_exit_2(small: Path) -> None:
    r = runner.invoke(app, ["sensitivity", str(small), "--metric", "profit"])
    assert r.exit_code == 2 and "unknown metric" in r.stderr
    r = runner.invoke(app, ["simulate", str(small.parent / "nope.yaml")])
    assert r.exit_code == 2 and "not found" in r.stderr


def test_evaluate_runs_the_uncertain_example_at_its_base_case() -> None:
    # A scenario with ranges is still a scenario: `ccecon evaluate` shows its base case.
    r = runner.invoke(app, ["evaluate", str(UNCERTAIN_EXAMPLE), "--format", "json"])
    assert r.exit_code == 0, r.output
    from ccecon.engine import evaluate
    from ccecon.scenario.load import load_scenario

    base = evaluate(load_scenario(UNCERTAIN_EXAMPLE))
    assert json.loads(r.stdout)["metrics"]["npv"] == pytest.approx(float(base.metrics.npv[0]))
    t = runner.invoke(app, ["evaluate", str(UNCERTAIN_EXAMPLE)])
    assert t.exit_code == 0, t.output


def test_simulate_and_sensitivity_run_the_chatbot_example() -> None:
    path = UNCERTAIN_EXAMPLE.parent / "uncertain-chatbot.yaml"
    r = runner.invoke(app, ["simulate", str(path), "--draws", "5000", "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    # The point estimate is a small loss, the distribution gives a real chance of a gain:
    # both shown.
    assert doc["base_case"]["npv"] < 0
    assert 0.1 < doc["probabilities"]["npv_positive"] < 0.5
    assert doc["metrics"]["npv"]["p10"] < 0 < doc["metrics"]["npv"]["p90"]
    s = runner.invoke(app, ["sensitivity", str(path), "--format", "csv"])
    assert s.exit_code == 0, s.output
    rows = list(csv.DictReader(io.StringIO(s.stdout)))
    assert len(rows) == 9 and float(rows[0]["swing"]) >= float(rows[-1]["swing"])
    # every uncertain input moves NPV (chat labour is per handle minute, so aht_factor too)
    assert all(float(r["swing"]) > 1000 for r in rows)


def test_cli_chunk_default_is_the_library_default() -> None:
    """The CLI, the library and the web app run the same chunk unless told otherwise."""
    import typer

    from ccecon.uncertainty.montecarlo import DEFAULT_CHUNK

    command = typer.main.get_command(app).commands["simulate"]  # type: ignore[attr-defined]
    (chunk,) = [p for p in command.params if p.name == "chunk"]
    assert chunk.default == DEFAULT_CHUNK


def test_simulate_without_ranges_says_nothing_is_uncertain(tmp_path: Path) -> None:
    """A scenario of single numbers: no 10,000 identical draws with P(NPV > 0) 0.0 %, but
    exit 2 saying nothing is uncertain and how to write a range."""
    p = tmp_path / "fixed.yaml"
    fixed = SMALL.replace("{dist: uniform, min: 50, max: 150}", "100")
    p.write_text(fixed.replace("{dist: triangular, min: 0, mode: 10, max: 40}", "10"), "utf-8")
    assert "dist:" not in p.read_text(encoding="utf-8")
    r = runner.invoke(app, ["simulate", str(p)])
    assert r.exit_code == 2, r.output
    assert f"{p}: nothing in this scenario is uncertain" in r.output
    assert "{dist: triangular, min: 300, mode: 360, max: 450}" in r.output
    assert "P(NPV" not in r.output and "Traceback" not in r.output
