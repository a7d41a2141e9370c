"""Tornado and Sobol' indices: analytic cases and the Ishigami function."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pytest
from pydantic import TypeAdapter

from ccecon.engine import evaluate
from ccecon.errors import InputError
from ccecon.scenario.load import parse_scenario
from ccecon.uncertainty.distributions import Distribution
from ccecon.uncertainty.sensitivity import sobol, sobol_indices, tornado
from tests.uncertainty.helpers import PLAIN_EXAMPLE, uniform_saving

LINEAR = """
name: linear
currency: USD
start: 2027-01
horizon_months: 12
discount_rate: 0
proposal:
  cost_lines:
    - {name: build, family: initial, timing: once, month: 0,
       amount: {dist: triangular, min: 0, mode: 500, max: 2000}}
  benefit_lines:
    - {name: wide, kind: direct, amount: {dist: uniform, min: 0, max: 100}}
    - {name: narrow, kind: direct, amount: {dist: uniform, min: 40, max: 60}}
    - {name: priced, kind: direct, amount: {dist: uniform, min: 10, max: 20},
       quantity: {dist: uniform, min: 1, max: 5}}
"""


def test_tornado_order_and_swings_match_the_analytic_linear_case() -> None:
    # NPV (rate 0, 12 months) = 12 (wide + narrow + priced x quantity) - build.
    # One at a time, others at their points (uniform -> mid-point, triangular -> mode):
    #   wide:     12 x (90 - 10)                       = 960
    #   narrow:   12 x (58 - 42)                       = 192
    #   priced:   12 x (19 - 11) x quantity point 3    = 288
    #   quantity: 12 x (4.6 - 1.4) x priced point 15   = 576
    #   build:    P90 - P10 of triangular(0, 500, 2000); its inverse CDF (Evans et al. 2000,
    #             ch. 40): F^-1(q) = a + sqrt(q (b-a)(c-a)) for q <= (c-a)/(b-a) = 0.25,
    #             else b - sqrt((1-q)(b-a)(b-c)).
    a, c, b = 0.0, 500.0, 2000.0
    p10 = a + math.sqrt(0.1 * (b - a) * (c - a))
    p90 = b - math.sqrt(0.1 * (b - a) * (b - c))
    expected = {
        "proposal.benefit_lines[0].amount": 960.0,
        "proposal.benefit_lines[2].quantity": 576.0,
        "proposal.benefit_lines[2].amount": 288.0,
        "proposal.benefit_lines[1].amount": 192.0,
        "proposal.cost_lines[0].amount": p90 - p10,
    }
    sc = parse_scenario(LINEAR)
    tor = tornado(sc)
    got = {bar.path: bar.swing for bar in tor.bars}
    assert got == pytest.approx(expected, rel=1e-9)
    order = sorted(expected, key=lambda k: -expected[k])
    assert [bar.path for bar in tor.bars] == order
    # The cost bar goes the other way: higher cost, lower NPV.
    build = next(b for b in tor.bars if b.path == "proposal.cost_lines[0].amount")
    assert build.output_high < build.output_low
    # Base = deterministic evaluate: 12 (50 + 50 + 15 x 3) - 500 = 1240.
    assert tor.base == pytest.approx(1240.0)
    assert tor.base == pytest.approx(float(evaluate(sc).metrics.npv[0]))
    assert tor.bars[0].label == "build: amount"  # the line's name and the field in words
    assert tor.bars[0].path == "proposal.cost_lines[0].amount"


def test_tornado_on_roi_and_risk_adjusted_runs_and_orders() -> None:
    tor = tornado(uniform_saving(risk=0.2), "npv", risk_adjusted=True)
    (bar,) = tor.bars
    # Risk-adjusted: 12 x 0.8 x (P90 - P10) of U(50, 150) = 9.6 x 80.
    assert bar.swing == pytest.approx(9.6 * 80)


def test_tornado_refuses_a_scenario_without_distributions() -> None:
    from ccecon.scenario.load import load_scenario

    with pytest.raises(InputError, match="no uncertain input"):
        tornado(load_scenario(PLAIN_EXAMPLE))


def test_tornado_refuses_an_unknown_metric() -> None:
    with pytest.raises(InputError, match="unknown metric"):
        tornado(uniform_saving(), "npvv")


def _ishigami(x: Mapping[str, npt.NDArray[np.float64]]) -> npt.NDArray[np.float64]:
    a, b = 7.0, 0.1
    return np.sin(x["x1"]) + a * np.sin(x["x2"]) ** 2 + b * x["x3"] ** 4 * np.sin(x["x1"])


def test_sobol_indices_of_the_ishigami_function() -> None:
    # Ishigami & Homma (1990), a = 7, b = 0.1, X_i ~ U(-pi, pi); analytic variances
    # (Sobol' & Levitan 1999; Saltelli et al., Global Sensitivity Analysis, 2008, p. 179):
    # V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2, V1 = (1 + b pi^4/5)^2 / 2, V2 = a^2/8,
    # V13 = b^2 pi^8 (1/18 - 1/50). Tolerance 0.04 at n = 4096 (bootstrap CI ~0.03).
    a, b, pi = 7.0, 0.1, math.pi
    v = a**2 / 8 + b * pi**4 / 5 + b**2 * pi**8 / 18 + 0.5
    v1 = (1 + b * pi**4 / 5) ** 2 / 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    s1 = [v1 / v, v2 / v, 0.0]
    st = [(v1 + v13) / v, v2 / v, v13 / v]
    u = TypeAdapter(Distribution).validate_python({"dist": "uniform", "min": -pi, "max": pi})
    res = sobol_indices(_ishigami, {"x1": u, "x2": u, "x3": u}, 4096, np.random.default_rng(7))
    np.testing.assert_allclose(res.s1, s1, atol=0.04)
    np.testing.assert_allclose(res.st, st, atol=0.04)
    assert res.evaluations == 4096 * 5


def test_sobol_of_an_additive_scenario_has_no_interactions() -> None:
    # NPV = 12 (A + B) - 1000 with A ~ U(0, 100), B ~ U(40, 60): S1 = ST = share of
    # variance, 100^2 : 20^2 = 0.9615 : 0.0385.
    sc = parse_scenario(
        """
name: additive
currency: USD
start: 2027-01
horizon_months: 12
discount_rate: 0
proposal:
  cost_lines: [{name: invest, family: initial, amount: 1000, timing: once, month: 0}]
  benefit_lines:
    - {name: A, kind: direct, amount: {dist: uniform, min: 0, max: 100}}
    - {name: B, kind: direct, amount: {dist: uniform, min: 40, max: 60}}
"""
    )
    res = sobol(sc, np.random.default_rng(3), n=1024, chunk=1000)
    share = np.array([100**2, 20**2]) / (100**2 + 20**2)
    np.testing.assert_allclose(res.s1, share, atol=0.03)
    np.testing.assert_allclose(res.st, share, atol=0.03)
    assert res.to_frame()["input"].iloc[0] == "proposal.benefit_lines[0].amount"


def test_sobol_refuses_a_non_finite_metric() -> None:
    # Payback is inf for draws that never pay back: no variance decomposition.
    with pytest.raises(InputError, match="not finite"):
        sobol(uniform_saving(), np.random.default_rng(0), "payback_months", n=64)
