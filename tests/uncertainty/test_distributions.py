"""Distributions: exact moments against textbook formulas, sample moments, validation."""

from __future__ import annotations

import json
import math
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from ccecon.errors import InputError
from ccecon.scenario.load import parse_scenario
from ccecon.scenario.schema import Scenario
from ccecon.uncertainty.distributions import Distribution

TA: TypeAdapter[Any] = TypeAdapter(Distribution)


def dist(**kw: Any) -> Any:
    return TA.validate_python(kw)


def _phi(x: float) -> float:
    return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)


def _Phi(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


# Theory written out here, independently of the implementation.
# Sources: triangular and uniform - Evans, Hastings & Peacock, Statistical Distributions
# (2000), ch. 40 and 41; beta-PERT - Vose, Risk Analysis (2008) sec. 9.1 and the beta
# moments; truncated normal - Johnson, Kotz & Balakrishnan vol. 1 (1994) eq. 13.134-13.135;
# lognormal - JKB vol. 1 eq. 14.8a-14.9; discrete - definition.
def tri_theory(a: float, c: float, b: float) -> tuple[float, float]:
    return (a + b + c) / 3, (a * a + b * b + c * c - a * b - a * c - b * c) / 18


def pert_theory(a: float, m: float, b: float, lamb: float = 4.0) -> tuple[float, float]:
    al = 1 + lamb * (m - a) / (b - a)
    be = 1 + lamb * (b - m) / (b - a)
    mean = a + (b - a) * al / (al + be)
    var = (b - a) ** 2 * al * be / ((al + be) ** 2 * (al + be + 1))
    return mean, var


def truncnorm_theory(mu: float, sd: float, lo: float, hi: float) -> tuple[float, float]:
    a, b = (lo - mu) / sd, (hi - mu) / sd
    z = _Phi(b) - _Phi(a)
    mean = mu + sd * (_phi(a) - _phi(b)) / z
    aphi = 0.0 if math.isinf(a) else a * _phi(a)
    bphi = 0.0 if math.isinf(b) else b * _phi(b)
    var = sd**2 * (1 + (aphi - bphi) / z - ((_phi(a) - _phi(b)) / z) ** 2)
    return mean, var


def lognorm_theory(median: float, p90: float) -> tuple[float, float]:
    s = math.log(p90 / median) / 1.2815515655446004
    mu = math.log(median)
    return math.exp(mu + s * s / 2), (math.exp(s * s) - 1) * math.exp(2 * mu + s * s)


CASES: list[tuple[dict[str, Any], tuple[float, float]]] = [
    ({"dist": "triangular", "min": 1, "mode": 2, "max": 5}, tri_theory(1, 2, 5)),
    ({"dist": "triangular", "min": -3, "mode": -3, "max": 4}, tri_theory(-3, -3, 4)),
    ({"dist": "pert", "min": 1, "mode": 2, "max": 5}, pert_theory(1, 2, 5)),
    ({"dist": "pert", "min": 0, "mode": 9, "max": 10, "lamb": 8}, pert_theory(0, 9, 10, 8)),
    ({"dist": "three_point", "low": 50, "likely": 60, "high": 90}, pert_theory(50, 60, 90)),
    ({"dist": "uniform", "min": 2, "max": 10}, (6.0, 64 / 12)),
    ({"dist": "truncnormal", "mean": 1, "sd": 2, "min": 0, "max": 5}, truncnorm_theory(1, 2, 0, 5)),
    ({"dist": "truncnormal", "mean": 10, "sd": 3}, (10.0, 9.0)),
    (
        {"dist": "truncnormal", "mean": 100, "sd": 30, "min": 0},
        truncnorm_theory(100, 30, 0, math.inf),
    ),
    ({"dist": "lognormal", "median": 20000, "p90": 35000}, lognorm_theory(20000, 35000)),
    (
        {"dist": "discrete", "values": [10, 12, 15], "probs": [0.2, 0.5, 0.3]},
        (
            0.2 * 10 + 0.5 * 12 + 0.3 * 15,
            0.2 * 10**2 + 0.5 * 12**2 + 0.3 * 15**2 - (0.2 * 10 + 0.5 * 12 + 0.3 * 15) ** 2,
        ),
    ),
]


@pytest.mark.parametrize(("params", "theory"), CASES, ids=[c[0]["dist"] for c in CASES])
def test_mean_and_variance_match_textbook_formulas(
    params: dict[str, Any], theory: tuple[float, float]
) -> None:
    d = dist(**params)
    assert d.mean == pytest.approx(theory[0], rel=1e-9, abs=1e-12)
    assert d.variance == pytest.approx(theory[1], rel=1e-9)


@pytest.mark.parametrize(("params", "theory"), CASES, ids=[c[0]["dist"] for c in CASES])
def test_sample_moments_match_theory_fixed_seed(
    params: dict[str, Any], theory: tuple[float, float]
) -> None:
    # Tolerance: the sample mean within 5 standard errors sqrt(var / n); the sample variance
    # within 3 % (n = 400 000; the relative standard error of a variance is
    # sqrt((kurtosis - 1) / n) < 0.5 % for these shapes, the lognormal's kurtosis ~ 6).
    n = 400_000
    x = dist(**params).sample(n, np.random.default_rng(20261122))
    mean, var = theory
    assert abs(x.mean() - mean) < 5 * math.sqrt(var / n)
    assert x.var() == pytest.approx(var, rel=0.03)


def test_points_and_percentiles_follow_the_documented_rules() -> None:
    assert dist(dist="triangular", min=1, mode=2, max=5).point == 2
    assert dist(dist="pert", min=1, mode=4, max=5).point == 4
    assert dist(dist="three_point", low=1, likely=3, high=5).point == 3
    assert dist(dist="uniform", min=2, max=4).point == 3
    assert dist(dist="truncnormal", mean=7, sd=2, min=5).point == 7
    assert dist(dist="lognormal", median=100, p90=150).point == 100
    # Most probable value, first listed on a tie.
    assert dist(dist="discrete", values=[3, 1, 2], probs=[0.4, 0.4, 0.2]).point == 3
    # Uniform P10/P90 = min + 0.1/0.9 (max - min).
    u = dist(dist="uniform", min=0, max=10)
    assert (u.p10, u.p90) == pytest.approx((1.0, 9.0))
    # Lognormal: P90 as given, P10 = median^2 / P90 (symmetric in log space).
    ln = dist(dist="lognormal", median=100, p90=150)
    assert (ln.p10, ln.p90) == pytest.approx((100 * 100 / 150, 150.0))
    # Triangular P10 = a + sqrt(0.1 (b - a)(c - a)) when 0.1 <= (c - a)/(b - a)
    # (inverse of the triangular CDF, Evans et al. ch. 40).
    t = dist(dist="triangular", min=0, mode=5, max=10)
    assert t.p10 == pytest.approx(math.sqrt(0.1 * 10 * 5))
    assert t.p90 == pytest.approx(10 - math.sqrt(0.1 * 10 * 5))
    # Discrete P10/P90 by cumulative probability of the sorted values.
    d = dist(dist="discrete", values=[15, 10, 12], probs=[0.3, 0.2, 0.5])
    assert (d.p10, d.p90) == (10.0, 15.0)


BAD: list[tuple[dict[str, Any], str]] = [
    ({"dist": "triangular", "min": 5, "mode": 2, "max": 4}, "above max"),
    ({"dist": "triangular", "min": 1, "mode": 5, "max": 4}, "must lie between"),
    ({"dist": "triangular", "min": 1, "mode": 1, "max": 1}, "zero width"),
    ({"dist": "pert", "min": 1, "mode": 2, "max": 4, "lamb": -1}, "lamb must be positive"),
    ({"dist": "three_point", "low": 9, "likely": 5, "high": 4}, r"low \(9\) is above high \(4\)"),
    ({"dist": "uniform", "min": 3, "max": 1}, "above max"),
    ({"dist": "truncnormal", "mean": 1, "sd": -1}, "sd must be positive"),
    ({"dist": "truncnormal", "mean": 1, "sd": 0}, "sd must be positive"),
    ({"dist": "truncnormal", "mean": -1, "sd": 1, "min": 0}, "must lie between"),
    ({"dist": "lognormal", "median": 10, "p90": 5}, "must be above the median"),
    ({"dist": "lognormal", "median": -1, "p90": 5}, "median must be positive"),
    ({"dist": "discrete", "values": [1, 2], "probs": [0.5, 0.6]}, "sum to 1"),
    ({"dist": "discrete", "values": [1, 2], "probs": [1.0]}, "one probability per value"),
    ({"dist": "discrete", "values": [1, 1], "probs": [0.5, 0.5]}, "distinct"),
    ({"dist": "discrete", "values": [1, 2], "probs": [1.5, -0.5]}, "between 0 and 1"),
    ({"dist": "uniform", "min": 0, "max": math.inf}, "finite"),
]


@pytest.mark.parametrize(
    ("params", "message"), BAD, ids=[f"{p['dist']}-{i}" for i, (p, _) in enumerate(BAD)]
)
def test_bad_parameters_raise_clear_validation_error(params: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        dist(**params)


def _scenario(amount: str) -> str:
    return f"""
name: t
currency: USD
start: 2027-01
horizon_months: 12
proposal:
  cost_lines:
    - {{name: a, family: initial, amount: 1, timing: once, month: 0}}
    - {{name: b, family: operating, amount: {amount}}}
"""


def test_bad_distribution_in_a_scenario_names_file_field_and_branch() -> None:
    with pytest.raises(InputError) as exc:
        parse_scenario(_scenario("{dist: triangular, min: 5, mode: 2, max: 4}"), "s.yaml")
    text = str(exc.value)
    assert "s.yaml" in text
    assert "proposal.cost_lines[1].amount.triangular" in text
    assert "min (5) is above max (4)" in text
    assert "valid number" not in text  # only the branch the user meant is reported


def test_unknown_dist_kind_lists_the_kinds() -> None:
    with pytest.raises(InputError, match="triangular, pert, uniform"):
        parse_scenario(_scenario("{dist: triangle, min: 1, mode: 2, max: 3}"), "s.yaml")


def test_json_schema_offers_number_or_each_distribution() -> None:
    schema = Scenario.model_json_schema()
    num = schema["$defs"]["Num"]
    kinds = {json.dumps(x) for x in num["oneOf"]}
    assert '{"type": "number"}' in kinds
    for name in (
        "Triangular",
        "Pert",
        "Uniform",
        "TruncNormal",
        "LogNormal",
        "Discrete",
        "ThreePoint",
    ):
        assert json.dumps({"$ref": f"#/$defs/{name}"}) in kinds
    assert schema["$defs"]["LogNormal"]["required"] == ["dist", "median", "p90"]


def test_non_negative_bound_checks_the_whole_support() -> None:
    from pydantic import BaseModel

    from ccecon.scenario.types import NonNegNum

    class M(BaseModel):
        x: NonNegNum

    assert M(x={"dist": "uniform", "min": 0, "max": 1}).x.mean == 0.5  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="must be >= 0"):
        M(x={"dist": "uniform", "min": -1, "max": 1})
    with pytest.raises(ValidationError, match="give a truncnormal a `min`"):
        M(x={"dist": "truncnormal", "mean": 5, "sd": 1})


def test_round_trip_through_json() -> None:
    for params, _ in CASES:
        d = dist(**params)
        again = dist(**json.loads(d.model_dump_json()))
        assert again == d


@st.composite
def any_distribution(draw: st.DrawFn) -> Any:
    fin = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
    a, b, c = sorted(draw(st.lists(fin, min_size=3, max_size=3)))
    if a == c:
        c = a + 1.0
    kind = draw(
        st.sampled_from(
            ["triangular", "pert", "three_point", "uniform", "truncnormal", "lognormal", "discrete"]
        )
    )
    if kind == "triangular":
        return dist(dist=kind, min=a, mode=min(max(b, a), c), max=c)
    if kind == "pert":
        return dist(dist=kind, min=a, mode=min(max(b, a), c), max=c, lamb=draw(st.floats(0.5, 20)))
    if kind == "three_point":
        return dist(dist=kind, low=a, likely=min(max(b, a), c), high=c)
    if kind == "uniform":
        return dist(dist=kind, min=a, max=c)
    if kind == "truncnormal":
        return dist(dist=kind, mean=min(max(b, a), c), sd=draw(st.floats(0.01, 1e5)), min=a, max=c)
    if kind == "lognormal":
        med = draw(st.floats(1e-3, 1e6))
        return dist(dist=kind, median=med, p90=med * draw(st.floats(1.01, 20)))
    vals = sorted(set(draw(st.lists(fin, min_size=1, max_size=6))))
    w = np.asarray(draw(st.lists(st.floats(0.01, 1), min_size=len(vals), max_size=len(vals))))
    return dist(dist=kind, values=vals, probs=list(w / w.sum()))


@settings(max_examples=150, deadline=None)
@given(any_distribution())
def test_ppf_is_monotone_and_stays_in_support(d: Any) -> None:
    u = np.linspace(1e-9, 1 - 1e-9, 201)
    x = d.ppf(u)
    lo, hi = d.support
    assert np.all(np.isfinite(x))
    assert np.all(np.diff(x) >= -1e-9 * max(1.0, abs(hi - lo) if math.isfinite(hi) else 1.0))
    span = abs(hi - lo) if math.isfinite(hi - lo) else 0.0
    tol = 1e-9 * max(1.0, abs(lo) if math.isfinite(lo) else 0.0, span)
    assert np.all(x >= lo - tol) and np.all(x <= hi + tol)
    assert d.p10 <= d.p90
    assert lo - tol <= d.point <= hi + tol


def test_scenario_checks_apply_to_a_range_as_a_whole() -> None:
    # A growth range that dips below zero is a valid input (the loader's rule for growth is
    # "above -1"); a parameter's name inside the range (`low`) must not be checked as if it
    # were an amount. And a range of amounts that can go negative is refused.
    text = _scenario("100").replace(
        "horizon_months: 12",
        "horizon_months: 12\nchannels:\n  - {name: c, kind: voice_inbound, per_month: 10,"
        " aht_s: 60, growth: {dist: three_point, low: -0.05, likely: 0.02, high: 0.06}}",
    )
    sc = parse_scenario(text, "s.yaml")
    assert sc.channels[0].growth.point == 0.02  # type: ignore[union-attr]
    with pytest.raises(InputError, match="negative"):
        parse_scenario(_scenario("{dist: uniform, min: -50, max: 100}"), "s.yaml")


@settings(max_examples=60, deadline=None)
@given(
    a=st.floats(1.0, 7.0),
    b=st.floats(1.0, 7.0),
    seed=st.integers(0, 2**31),
)
@example(a=1.1875, b=1.1875, seed=0)  # scipy's node at q = 1/2 was 1e-8 off (found by CI)
def test_fast_beta_quantiles_equal_scipy(a: float, b: float, seed: int) -> None:
    """beta_ppf (table + Hermite + one Newton step) against scipy's inverse (boost
    ibeta_inv), the reference, over the whole range including both tails and the ends."""
    from scipy import stats

    from ccecon.uncertainty.distributions import beta_ppf

    rng = np.random.default_rng(seed)
    u = np.concatenate(
        [
            rng.random(3000),
            10.0 ** -rng.uniform(3, 15, 300),  # lower tail
            1.0 - 10.0 ** -rng.uniform(3, 15, 300),  # upper tail
            [0.0, 1.0, 1e-300],
        ]
    )
    got = beta_ppf(u, a, b)
    with warnings.catch_warnings():  # the reference's own warning (below), not ccecon's
        warnings.filterwarnings("ignore", message=".*boost::math::ibeta", category=RuntimeWarning)
        want = stats.beta.ppf(u, a, b)
    # scipy's own root finder stops early in places (boost warns "root finding evaluation
    # exceeded"): seen up to 6e-10 relative at q = 1/2 with a = b, where the answer is
    # exactly 1/2 (checked below on its own), ~1e-11 elsewhere. So the comparison allows
    # 1e-10 and the defining equation I_x(a, b) = q is checked on the fast values, tighter.
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-300)
    from scipy import special

    inner = (u > 1e-6) & (u < 1 - 1e-6)
    np.testing.assert_allclose(special.betainc(a, b, got[inner]), u[inner], rtol=1e-12)
    if a == b:  # symmetric: the median is 1/2
        assert abs(beta_ppf(0.5, a, b) - 0.5) < 1e-15


def test_pert_quantiles_are_the_same_bits_in_any_batch() -> None:
    """A PERT draw does not depend on how many values are inverted at once (so a
    simulation's bytes do not depend on its chunk size)."""
    d = TypeAdapter(Distribution).validate_python(
        {"dist": "pert", "min": 90000, "mode": 100000, "max": 115000}
    )
    u = np.random.default_rng(3).random(10_007)
    many = d.ppf(u)
    for size in (1, 7, 100, 4096):
        few = np.concatenate([d.ppf(u[i : i + size]) for i in range(0, u.size, size)])
        np.testing.assert_array_equal(many, few)
