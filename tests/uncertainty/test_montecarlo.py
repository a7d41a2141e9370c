"""Monte Carlo through the engine: closed-form answers, zero spread, seeds, chunks."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import stats

from ccecon.engine import evaluate
from ccecon.errors import InputError
from ccecon.scenario.load import load_scenario
from ccecon.uncertainty.montecarlo import (
    cheapest_probabilities,
    quantiles,
    simulate,
    summarize,
)
from ccecon.uncertainty.sampling import uncertain_inputs
from tests.uncertainty.helpers import PLAIN_EXAMPLE, UNCERTAIN_EXAMPLE, uniform_saving


def test_scenario_without_distributions_has_zero_spread_and_equals_evaluate() -> None:
    sc = load_scenario(PLAIN_EXAMPLE)
    assert uncertain_inputs(sc) == {}
    det = evaluate(sc)
    sim = simulate(sc, 300, np.random.default_rng(1), chunk=128)
    for name, expected in (
        ("npv", det.metrics.npv[0]),
        ("roi_pct", det.metrics.roi_pct[0]),
        ("payback_months", det.metrics.payback_months[0]),
        ("total_cost", det.metrics.total_cost[0]),
    ):
        s = sim.summary(name)
        assert s.sd == 0.0 and s.se_mean == 0.0
        assert s.mean == expected
        assert set(s.percentiles.values()) == {float(expected)}
        assert sim.base_case[name] == expected
    ra = sim.summary("npv", risk_adjusted=True)
    assert ra.percentiles["p50"] == det.risk_adjusted.npv[0]
    assert sim.probabilities["npv_positive"] == float(det.metrics.npv[0] > 0)


def test_npv_percentiles_match_the_uniform_closed_form() -> None:
    # NPV = 12 A - 1000 with A ~ U(50, 150): NPV ~ U(-400, 800), so Pq = -400 + 1200 q,
    # mean 200, sd 1200 / sqrt(12), P(NPV > 0) = 800 / 1200. Tolerance: 4 standard errors
    # (sd / sqrt(n) for the mean; sqrt(q(1-q)/n) / density for a percentile).
    n = 40_000
    sim = simulate(uniform_saving(), n, np.random.default_rng(2026))
    npv = sim.summary("npv")
    sd = 1200 / math.sqrt(12)
    assert abs(npv.mean - 200) < 4 * sd / math.sqrt(n)
    assert npv.sd == pytest.approx(sd, rel=0.02)
    assert npv.se_mean == pytest.approx(npv.sd / math.sqrt(n))
    for q in (0.1, 0.5, 0.9):
        tol = 4 * math.sqrt(q * (1 - q) / n) * 1200
        assert abs(npv.percentiles[f"p{q * 100:g}"] - (-400 + 1200 * q)) < tol
    p = sim.probabilities["npv_positive"]
    assert abs(p - 2 / 3) < 4 * math.sqrt(2 / 9 / n)
    assert sim.probability_se["npv_positive"] == pytest.approx(math.sqrt(p * (1 - p) / n))
    assert npv.minimum >= -400 and npv.maximum <= 800


def test_risk_adjusted_view_cuts_benefits_by_their_risk() -> None:
    # TEI: the benefit is cut by 25 %: NPV_adj = 12 x 0.75 A - 1000 > 0 iff A > 1000 / 9,
    # so P = (150 - 111.1) / 100 = 0.3889; the base case (A = 100) gives -100.
    n = 40_000
    sim = simulate(uniform_saving(risk=0.25), n, np.random.default_rng(5))
    p = sim.probabilities["npv_positive_risk_adjusted"]
    expected = (150 - 1000 / 9) / 100
    assert abs(p - expected) < 4 * math.sqrt(expected * (1 - expected) / n)
    assert sim.base_case_risk_adjusted["npv"] == pytest.approx(-100.0)
    assert sim.base_case["npv"] == pytest.approx(200.0)


def test_payback_never_reached_gives_infinite_upper_percentiles() -> None:
    # Cumulative flow after 12 months is 12 A - 1000 < 0 when A < 83.3 (probability 1/3):
    # those draws never pay back, so P90 is inf; the median A = 100 pays back at month 10.
    n = 20_000
    sim = simulate(uniform_saving(), n, np.random.default_rng(9))
    pb = sim.summary("payback_months")
    assert pb.percentiles["p90"] == math.inf
    assert pb.mean == math.inf and pb.se_mean == math.inf
    # P10 of payback is reached by the P90 saving A = 140: -1000 + 140 m = 0 at m = 7.14
    # (payback is linear within the month, DOMAIN convention of the engine).
    assert pb.percentiles["p10"] == pytest.approx(1000 / 140, abs=0.1)
    within = sim.probabilities["payback_within_horizon"]
    assert abs(within - 2 / 3) < 4 * math.sqrt(2 / 9 / n)


def test_same_seed_gives_identical_output_whatever_the_chunk() -> None:
    sc = uniform_saving()
    a = simulate(sc, 5000, np.random.default_rng(42), chunk=5000)
    b = simulate(sc, 5000, np.random.default_rng(42), chunk=777)
    assert json.dumps(a.to_dict(), sort_keys=True) == json.dumps(b.to_dict(), sort_keys=True)


def test_same_seed_same_bytes_whatever_the_chunk_with_every_distribution() -> None:
    """The on-premises-to-cloud example draws PERT, three-point, triangular, uniform,
    lognormal, truncated normal and discrete inputs, two of them correlated: chunks below
    and above any batch-size switch give the same bytes."""
    sc = load_scenario(UNCERTAIN_EXAMPLE)
    outs = {
        chunk: json.dumps(
            simulate(sc, 9000, np.random.default_rng(5), chunk=chunk).to_dict(), sort_keys=True
        )
        for chunk in (9000, 5000, 1000, 333)
    }
    assert len(set(outs.values())) == 1


def test_different_seeds_are_statistically_compatible() -> None:
    sc = uniform_saving()
    a = simulate(sc, 20_000, np.random.default_rng(1), keep_draws=True)
    b = simulate(sc, 20_000, np.random.default_rng(2), keep_draws=True)
    assert a.to_dict() != b.to_dict()
    sa, sb = a.summary("npv"), b.summary("npv")
    assert abs(sa.mean - sb.mean) < 4 * math.hypot(sa.se_mean, sb.se_mean)
    assert a.draws_frame is not None and b.draws_frame is not None
    ks = stats.ks_2samp(a.draws_frame["npv"], b.draws_frame["npv"])
    assert ks.pvalue > 0.001
    pa, pb = a.probabilities["npv_positive"], b.probabilities["npv_positive"]
    assert abs(pa - pb) < 4 * math.hypot(
        a.probability_se["npv_positive"], b.probability_se["npv_positive"]
    )


def test_kept_draws_align_inputs_with_outputs() -> None:
    sim = simulate(uniform_saving(), 1000, np.random.default_rng(3), keep_draws=True, chunk=300)
    df = sim.draws_frame
    assert df is not None and len(df) == 1000
    a = df["input:proposal.benefit_lines[0].amount"].to_numpy()
    np.testing.assert_allclose(df["npv"].to_numpy(), 12 * a - 1000, rtol=1e-12, atol=1e-9)


def test_uncertain_example_has_ten_inputs_and_runs() -> None:
    sc = load_scenario(UNCERTAIN_EXAMPLE)
    assert len(uncertain_inputs(sc)) >= 10
    sim = simulate(sc, 2000, np.random.default_rng(0))
    npv = sim.summary("npv")
    assert npv.sd > 0
    assert npv.percentiles["p10"] < npv.percentiles["p50"] < npv.percentiles["p90"]
    assert sim.base_case["npv"] == evaluate(sc).metrics.npv[0]
    assert "cost_per_inbound_call" in {s.metric for s in sim.summaries}


def test_example_correlation_is_imposed_on_the_draws() -> None:
    sc = load_scenario(UNCERTAIN_EXAMPLE)
    corr = sc.correlations[0]
    sim = simulate(sc, 20_000, np.random.default_rng(4), keep_draws=True)
    df = sim.draws_frame
    assert df is not None
    rho = stats.spearmanr(df[f"input:{corr.a}"], df[f"input:{corr.b}"]).statistic
    assert rho == pytest.approx(corr.rho, abs=0.03)


def test_quantiles_match_numpy_linear_on_finite_data() -> None:
    # Hyndman & Fan (1996) definition 7 is numpy's default "linear" method.
    x = np.random.default_rng(0).normal(size=1001)
    ps = [0, 2.5, 10, 50, 90, 99.9, 100]
    np.testing.assert_allclose(quantiles(x, ps), np.percentile(x, ps), rtol=0, atol=1e-12)


def test_quantiles_with_infinities_and_nan() -> None:
    x = np.array([1.0, 2.0, np.inf, np.inf, np.nan])
    q = quantiles(x, [0, 25, 50, 75, 100])
    assert q[0] == 1.0 and q[1] == pytest.approx(1.75)
    assert np.isinf(q[2]) and np.isinf(q[3]) and np.isinf(q[4])
    assert np.isnan(quantiles([np.nan], [50])[0])
    with pytest.raises(InputError):
        quantiles(x, [101])


def test_summary_leaves_undefined_draws_out() -> None:
    s = summarize([1.0, np.nan, 3.0], "roi_pct", "%", [50])
    assert (s.n, s.n_defined, s.mean, s.percentiles["p50"]) == (3, 2, 2.0, 2.0)


def test_cheapest_probabilities_share_ties() -> None:
    p = cheapest_probabilities({"a": [1, 5, 2, 3], "b": [2, 4, 2, 9], "c": [3, 6, 9, 1]})
    # draw 1: a; draw 2: b; draw 3: a and b tie; draw 4: c
    assert p == pytest.approx({"a": 1.5 / 4, "b": 1.5 / 4, "c": 1 / 4})
    assert sum(p.values()) == pytest.approx(1.0)


def test_bad_draws_and_chunk_raise_input_error() -> None:
    with pytest.raises(InputError, match="draws"):
        simulate(uniform_saving(), 0, np.random.default_rng(0))
    with pytest.raises(InputError, match="chunk"):
        simulate(uniform_saving(), 10, np.random.default_rng(0), chunk=0)


@pytest.mark.slow
def test_one_million_draws_run_in_bounded_memory() -> None:
    # Chunked: memory grows with draws x metrics (about 16 arrays of 8 bytes a draw, plus
    # their concatenation), never with draws x months. Unchunked, the engine's
    # (draws, months + 1) arrays alone would take 1e6 x 13 x 8 B = 104 MB *each*, dozens
    # of them at once. Bound: the 100k-draw peak plus 300 bytes per extra draw.
    import tracemalloc

    sc = uniform_saving(horizon=12)
    peaks = {}
    for n in (100_000, 1_000_000):
        tracemalloc.start()
        sim = simulate(sc, n, np.random.default_rng(0), chunk=50_000)
        peaks[n] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert sim.draws == n
    assert peaks[1_000_000] < peaks[100_000] + 300 * 900_000


def test_docstring_examples_run() -> None:
    import doctest

    from ccecon.uncertainty import distributions, montecarlo, sampling, sensitivity

    tried = 0
    for mod in (distributions, sampling, montecarlo, sensitivity):
        failures, n = doctest.testmod(mod, verbose=False)
        assert failures == 0, mod.__name__
        tried += n
    assert tried >= 2
