"""The engine's two-thread path gives exactly the serial result."""

from __future__ import annotations

import numpy as np
import pytest

import ccecon.engine as engine
from ccecon.cli.business import demo_scenario_path
from ccecon.scenario.load import load_scenario
from ccecon.uncertainty.sampling import numeric_inputs, realize


def test_threaded_equals_serial(monkeypatch: pytest.MonkeyPatch) -> None:
    sc = load_scenario(demo_scenario_path())
    rng = np.random.default_rng(8)
    draws = engine.PARALLEL_MIN_DRAWS + 1
    leaves = {p: v for p, v in numeric_inputs(sc).items() if isinstance(v, float)}
    values = {p: v * rng.uniform(0.9, 1.1, draws) for p, v in leaves.items()}
    realized = realize(sc, values)
    threaded = engine.evaluate(realized)
    monkeypatch.setattr(engine, "PARALLEL_MIN_DRAWS", 10**12)
    serial = engine.evaluate(realized)
    for view in ("metrics", "risk_adjusted"):
        a, b = getattr(threaded, view), getattr(serial, view)
        for name in a.__dataclass_fields__:
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    np.testing.assert_array_equal(threaded.net, serial.net)
    assert threaded.cases.keys() == serial.cases.keys()
    for k in threaded.cases:
        np.testing.assert_array_equal(threaded.cases[k].operating, serial.cases[k].operating)


@pytest.mark.parametrize(
    "example",
    [
        "uncertain-onprem-to-cloud.yaml",  # baseline and proposal
        "uncertain-chatbot.yaml",
        "uncertain-sourcing-cny.yaml",  # sourcing options per draw
        "eur-omnichannel-chat.yaml",  # nothing uncertain: every block the same
    ],
)
def test_blocks_equal_one_pass(example: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run cut into blocks of draws gives the one-pass result: per-draw metrics and net
    flows exactly, means (case flows, unit-cost tables) to rounding."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "examples" / example
    sc = load_scenario(path)
    draws = 1000
    one = engine.evaluate(sc, draws=draws, rng=np.random.default_rng(5))
    monkeypatch.setattr(engine, "BLOCK_DRAWS", 400)  # 3 blocks: 333, 333 and 334 draws
    monkeypatch.setattr(engine, "PARALLEL_MIN_DRAWS", 1)  # and over two threads
    cut = engine.evaluate(sc, draws=draws, rng=np.random.default_rng(5))
    assert cut.draws == one.draws == draws
    for view in ("metrics", "risk_adjusted"):
        a, b = getattr(cut, view), getattr(one, view)
        for name in a.__dataclass_fields__:
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    np.testing.assert_array_equal(cut.net, one.net)
    np.testing.assert_array_equal(cut.net_risk_adjusted, one.net_risk_adjusted)
    for k in one.cases:
        for name in ("operating", "initial", "benefit_direct", "adj_benefits"):
            np.testing.assert_allclose(
                getattr(cut.cases[k], name), getattr(one.cases[k], name), rtol=1e-12
            )
        for d in one.cases[k].drivers:
            np.testing.assert_allclose(
                cut.cases[k].drivers[d], one.cases[k].drivers[d], rtol=1e-12, err_msg=d
            )
    np.testing.assert_allclose(
        cut.unit_costs.table.select_dtypes("number").to_numpy(dtype=float),
        one.unit_costs.table.select_dtypes("number").to_numpy(dtype=float),
        rtol=1e-12,
    )
    assert cut.unit_costs.horizon.keys() == one.unit_costs.horizon.keys()
    for key, value in one.unit_costs.horizon.items():
        assert cut.unit_costs.horizon[key] == pytest.approx(value, rel=1e-12)
    for option, cost in one.extras.get("option_costs", {}).items():
        np.testing.assert_array_equal(cut.extras["option_costs"][option], cost)
    if one.unit_costs.cost_per_inbound_call_draws is not None:
        np.testing.assert_array_equal(
            cut.unit_costs.cost_per_inbound_call_draws, one.unit_costs.cost_per_inbound_call_draws
        )
    np.testing.assert_allclose(
        cut.monthly_frame().select_dtypes("number").to_numpy(dtype=float),
        one.monthly_frame().select_dtypes("number").to_numpy(dtype=float),
        rtol=1e-12,
    )
