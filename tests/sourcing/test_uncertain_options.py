"""Sourcing options under uncertainty: the one engine run on draws of the scenario and of
the contracts, per-option percentiles and the probability that each option is cheapest."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from ccecon.cli.app import app
from ccecon.engine import evaluate
from ccecon.scenario.load import load_scenario
from ccecon.sourcing import compare
from ccecon.uncertainty.montecarlo import simulate
from ccecon.uncertainty.sampling import draw_inputs, realize, uncertain_inputs

ROOT = Path(__file__).resolve().parents[2]
UNCERTAIN = ROOT / "examples" / "uncertain-sourcing-cny.yaml"
PLAIN = ROOT / "examples" / "sourcing-cny-seed004.yaml"
runner = CliRunner()


def test_example_has_uncertain_demand_salaries_and_prices() -> None:
    paths = set(uncertain_inputs(load_scenario(UNCERTAIN)))
    assert "channels[0].per_month" in paths
    assert "sourcing.options[0].agent_salary" in paths
    assert "sourcing.options[1].price.parts[0].price" in paths  # a contract term drawn
    assert "sourcing.options[2].price.parts[0].overage_price" in paths


def test_batch_of_draws_equals_one_comparison_per_draw() -> None:
    """The engine's option costs for 6 draws at once equal 6 separate ``compare`` runs on
    the scenario realized at each draw's values (price terms as arrays broadcast right)."""
    sc = load_scenario(UNCERTAIN)
    values = draw_inputs(sc, 6, np.random.default_rng(3))
    batch = evaluate(realize(sc, values)).extras["option_costs"]
    for i in range(6):
        one = realize(sc, {k: float(v[i]) for k, v in values.items()})
        alone = compare(one, break_even=False)
        for o in alone.options:
            assert batch[o.name][i] == pytest.approx(float(o.pv_cost[0]), rel=1e-12)


def test_deterministic_file_has_no_spread_and_equals_compare() -> None:
    sc = load_scenario(PLAIN)
    sim = simulate(sc, 50, np.random.default_rng(0))
    ref = compare(realize(sc, {}), break_even=False)
    for o in sim.options:
        assert o.sd == 0
        assert o.mean == pytest.approx(float(ref.option(o.metric).pv_cost[0]), rel=1e-12)
    cheapest = min(ref.options, key=lambda o: float(o.pv_cost[0])).name
    assert sim.probabilities[f"cheapest_{cheapest}"] == 1.0


def test_probability_cheapest_is_the_share_of_draws_where_it_wins() -> None:
    sim = simulate(load_scenario(UNCERTAIN), 400, np.random.default_rng(5), keep_draws=True)
    frame = sim.draws_frame
    assert frame is not None
    names = [o.metric for o in sim.options]
    costs = np.stack([frame[f"option:{n}"].to_numpy() for n in names])
    wins = np.bincount(costs.argmin(axis=0), minlength=len(names)) / costs.shape[1]
    for n, w in zip(names, wins, strict=True):
        assert sim.probabilities[f"cheapest_{n}"] == pytest.approx(w)
    # in this example in-house and hosted are close: neither wins every draw
    assert 0 < sim.probabilities["cheapest_in-house"] < 1
    assert sum(sim.probabilities[f"cheapest_{n}"] for n in names) == pytest.approx(1.0)
    for o in sim.options:
        p = o.percentiles
        assert p["p10"] < p["p50"] < p["p90"]


def test_cli_simulate_reports_options(tmp_path: Path) -> None:
    args = ["simulate", str(UNCERTAIN), "--draws", "300", "--seed", "2", "--format", "json"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert set(doc["options"]) == {"in-house", "outsourced", "hosted", "hybrid"}
    hosted = doc["options"]["hosted"]
    assert hosted["p10"] < hosted["p50"] < hosted["p90"]
    again = runner.invoke(app, args)
    assert again.stdout == res.stdout  # same seed, same bytes
    table = runner.invoke(app, ["simulate", str(UNCERTAIN), "--draws", "300", "--seed", "2"])
    assert table.exit_code == 0, table.output
    # the example's locale is zh: the tables speak Chinese
    assert "最常成本最低的方案" in table.stdout  # the cheapest option most often
    assert "净现值（CNY）" not in table.stdout  # no histogram of an empty case
    # the options lead; no row of the empty business case (NPV, ROI, payback of nothing)
    assert "外包 / 自建方案：各次抽样的成本现值" in table.stdout
    for empty in ("NPV (", "ROI", "Payback", "npv positive", "投资回报率", "回收期", "P(净现值"):
        assert empty not in table.stdout, empty


def test_evaluate_json_carries_the_comparison() -> None:
    res = runner.invoke(app, ["evaluate", str(PLAIN), "--format", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["sourcing"]["ranking"][0] in doc["sourcing"]["options"]
