"""Invariants of the business-case engine (Hypothesis)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccecon.engine import evaluate
from ccecon.scenario.load import dump_scenario, parse_scenario
from ccecon.scenario.schema import Scenario
from tests.strategies import cost_lines, scenarios

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _load(doc: dict[str, Any]) -> Scenario:
    return Scenario.model_validate(doc)


@SETTINGS
@given(doc=scenarios(baseline=False), extra=cost_lines())
def test_adding_a_cost_line_never_raises_roi(doc: dict[str, Any], extra: dict[str, Any]) -> None:
    before = evaluate(_load(doc)).metrics
    more = copy.deepcopy(doc)
    more["proposal"]["cost_lines"].append(extra)
    after = evaluate(_load(more)).metrics
    if before.roi_defined[0] and after.roi_defined[0]:
        assert after.roi_pct[0] <= before.roi_pct[0] + 1e-9 * max(1.0, abs(before.roi_pct[0]))
    assert after.net[0] <= before.net[0] + 1e-6 * max(1.0, abs(before.net[0]))


@SETTINGS
@given(doc=scenarios())
def test_at_discount_zero_npv_sign_equals_net_benefit_sign(doc: dict[str, Any]) -> None:
    doc["discount_rate"] = 0.0
    m = evaluate(_load(doc)).metrics
    assert np.isclose(m.npv[0], m.net[0], rtol=1e-9, atol=1e-6)
    if abs(m.net[0]) > 1e-6:
        assert np.sign(m.npv[0]) == np.sign(m.net[0])


@SETTINGS
@given(doc=scenarios())
def test_scenario_yaml_model_yaml_round_trips(doc: dict[str, Any]) -> None:
    model = _load(doc)
    text = dump_scenario(model)
    again = parse_scenario(text, source="<roundtrip>")
    assert again == model
    assert dump_scenario(again) == text
    assert yaml.safe_load(text)["currency"] == model.currency


@SETTINGS
@given(doc=scenarios(), data=st.data())
def test_draws_equal_one_deterministic_run_per_draw(
    doc: dict[str, Any], data: st.DataObject
) -> None:
    """One path: an array of draws gives, draw by draw, what a deterministic run gives."""
    from ccecon.uncertainty.sampling import realize

    model = _load(doc)
    values = data.draw(st.lists(st.floats(min_value=0, max_value=1e5), min_size=3, max_size=3))
    arr = np.array(values)
    path = "channels[0].per_month"
    vec = evaluate(realize(model, {path: arr}))
    for i, v in enumerate(values):
        one = evaluate(realize(model, {path: v}))
        np.testing.assert_allclose(vec.metrics.npv[i], one.metrics.npv[0], rtol=1e-9, atol=1e-6)
        np.testing.assert_allclose(vec.net[i], one.net[0], rtol=1e-9, atol=1e-6)


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize(
    "name",
    ["uncertain-onprem-to-cloud.yaml", "uncertain-chatbot.yaml", "uncertain-sourcing-cny.yaml"],
)
def test_every_drawn_input_at_once_equals_one_run_per_draw(name: str) -> None:
    """One evaluator: every uncertain input of a rich example (levers, growth, risk,
    discrete rates, correlations, sourcing options) drawn 5 times and evaluated in one
    vectorized pass equals 5 deterministic runs with the same values."""
    from ccecon.scenario.load import load_scenario
    from ccecon.uncertainty.sampling import draw_inputs, realize

    sc = load_scenario(EXAMPLES / name)
    values = draw_inputs(sc, 5, np.random.default_rng(11), sc.correlations)
    assert len(values) >= 8
    vec = evaluate(realize(sc, values))
    for i in range(5):
        one = evaluate(realize(sc, {k: float(v[i]) for k, v in values.items()}))
        for field in ("npv", "net", "roi_pct", "payback_months", "irr_annual"):
            np.testing.assert_allclose(
                getattr(vec.metrics, field)[i], getattr(one.metrics, field)[0], rtol=1e-9
            )
        np.testing.assert_allclose(vec.risk_adjusted.npv[i], one.risk_adjusted.npv[0], rtol=1e-9)
        for option, cost in (vec.extras.get("option_costs") or {}).items():
            np.testing.assert_allclose(
                np.ravel(cost)[i], np.ravel(one.extras["option_costs"][option])[0], rtol=1e-9
            )


def test_staffed_scenario_draws_equal_one_run_per_draw() -> None:
    """Erlang staffing inside the engine (driver fte) with drawn volume, AHT and shrinkage."""
    from ccecon.uncertainty.sampling import realize
    from tests.engine.test_staffing_integration import BASE

    sc = parse_scenario(BASE)
    values = {
        "channels[0].per_month": np.array([20_000.0, 30_000.0, 41_000.0]),
        "channels[0].aht_s": np.array([200.0, 240.0, 300.0]),
        "staffing.shrinkage": np.array([0.25, 0.3, 0.35]),
    }
    vec = evaluate(realize(sc, values))
    for i in range(3):
        one = evaluate(realize(sc, {k: float(v[i]) for k, v in values.items()}))
        np.testing.assert_allclose(vec.metrics.npv[i], one.metrics.npv[0], rtol=1e-9)
        np.testing.assert_allclose(vec.metrics.total_cost[i], one.metrics.total_cost[0], rtol=1e-9)
