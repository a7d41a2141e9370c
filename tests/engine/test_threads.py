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
