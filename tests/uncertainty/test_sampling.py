"""Sampling on generic pydantic models: paths, draws, correlation, realize."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from scipy import stats

from ccecon.errors import InputError
from ccecon.scenario.types import Num
from ccecon.uncertainty.sampling import (
    Correlation,
    draw_inputs,
    numeric_inputs,
    realize,
    uncertain_inputs,
)


class Line(BaseModel):
    name: str
    amount: Num
    risk: Num = 0.0


class Case(BaseModel):
    lines: list[Line]
    drivers: dict[str, Num] = {}


class Model(BaseModel):
    rate: Num
    case: Case
    flag: bool = True


def model() -> Model:
    return Model.model_validate(
        {
            "rate": {"dist": "uniform", "min": 0.05, "max": 0.15},
            "case": {
                "lines": [
                    {"name": "a", "amount": 100.0},
                    {"name": "b", "amount": {"dist": "triangular", "min": 1, "mode": 2, "max": 6}},
                    {
                        "name": "c",
                        "amount": {"dist": "lognormal", "median": 50, "p90": 80},
                        "risk": 10,
                    },
                ],
                "drivers": {
                    "seats": {"dist": "discrete", "values": [10, 20], "probs": [0.25, 0.75]}
                },
            },
        }
    )


def test_uncertain_inputs_are_keyed_by_path_in_field_order() -> None:
    assert list(uncertain_inputs(model())) == [
        "rate",
        "case.lines[1].amount",
        "case.lines[2].amount",
        "case.drivers.seats",
    ]


def test_realize_without_values_uses_base_case_points_and_keeps_original() -> None:
    m = model()
    r = realize(m, {})
    assert r.rate == pytest.approx(0.10)
    assert r.case.lines[1].amount == 2.0
    assert r.case.lines[2].amount == 50.0
    assert r.case.drivers["seats"] == 20.0
    assert r.case.lines[0] is m.case.lines[0]  # untouched branches are shared, not copied
    assert uncertain_inputs(m)  # the original still holds its distributions
    assert uncertain_inputs(r) == {}


def test_realize_puts_arrays_in_fields_and_can_set_plain_numbers() -> None:
    m = model()
    arr = np.array([1.0, 2.0, 3.0])
    r = realize(m, {"case.lines[1].amount": arr, "case.lines[0].amount": 7.0})
    assert r.case.lines[1].amount is arr
    assert r.case.lines[0].amount == 7.0
    assert r.rate == pytest.approx(0.10)


def test_realize_refuses_an_unknown_path() -> None:
    with pytest.raises(InputError, match=r"case\.lines\[9\]\.amount"):
        realize(model(), {"case.lines[9].amount": 1.0})


def test_draws_have_the_shape_asked_and_stay_in_support() -> None:
    v = draw_inputs(model(), 1000, np.random.default_rng(1))
    assert set(v) == set(uncertain_inputs(model()))
    for x in v.values():
        assert x.shape == (1000,)
    assert np.all((v["rate"] >= 0.05) & (v["rate"] <= 0.15))
    assert set(np.unique(v["case.drivers.seats"])) == {10.0, 20.0}


def test_same_seed_same_draws_and_chunks_concatenate() -> None:
    a = draw_inputs(model(), 1000, np.random.default_rng(7))
    b = draw_inputs(model(), 1000, np.random.default_rng(7))
    rng = np.random.default_rng(7)
    c1 = draw_inputs(model(), 300, rng)
    c2 = draw_inputs(model(), 700, rng)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])
        np.testing.assert_array_equal(a[k], np.concatenate([c1[k], c2[k]]))
    d = draw_inputs(model(), 1000, np.random.default_rng(8))
    assert not np.array_equal(a["rate"], d["rate"])


def test_correlated_chunks_concatenate_too() -> None:
    corr = [Correlation(a="rate", b="case.lines[1].amount", rho=0.7)]
    a = draw_inputs(model(), 1000, np.random.default_rng(3), corr)
    rng = np.random.default_rng(3)
    c = [draw_inputs(model(), n, rng, corr) for n in (1, 499, 500)]
    np.testing.assert_array_equal(a["rate"], np.concatenate([x["rate"] for x in c]))


def test_no_distribution_draws_nothing_and_leaves_rng_alone() -> None:
    plain = Model.model_validate({"rate": 0.1, "case": {"lines": [{"name": "a", "amount": 1}]}})
    rng = np.random.default_rng(5)
    assert draw_inputs(plain, 10, rng) == {}
    assert rng.random() == np.random.default_rng(5).random()


@pytest.mark.parametrize("rho", [-0.8, -0.3, 0.4, 0.9])
def test_rank_correlation_is_imposed_and_marginals_kept(rho: float) -> None:
    # Target: the Spearman correlation the user asked for; tolerance 0.02 at n = 40 000
    # (the standard error of Spearman's rho is about (1 - rho^2) / sqrt(n) < 0.005).
    corr = [Correlation(a="rate", b="case.lines[2].amount", rho=rho)]
    v = draw_inputs(model(), 40_000, np.random.default_rng(11), corr)
    got = stats.spearmanr(v["rate"], v["case.lines[2].amount"]).statistic
    assert got == pytest.approx(rho, abs=0.02)
    # The marginal stays lognormal(median 50, p90 80): Kolmogorov-Smirnov against it.
    sigma = np.log(80 / 50) / stats.norm.ppf(0.9)
    ks = stats.kstest(v["case.lines[2].amount"], stats.lognorm(s=sigma, scale=50).cdf)
    assert ks.pvalue > 0.001
    # Inputs not named stay independent of the correlated pair.
    other = stats.spearmanr(v["rate"], v["case.lines[1].amount"]).statistic
    assert abs(other) < 0.02


def test_inconsistent_correlations_are_refused() -> None:
    corr = [
        Correlation(a="rate", b="case.lines[1].amount", rho=0.9),
        Correlation(a="case.lines[1].amount", b="case.lines[2].amount", rho=0.9),
        Correlation(a="rate", b="case.lines[2].amount", rho=-0.9),
    ]
    with pytest.raises(InputError, match="not positive definite") as exc:
        draw_inputs(model(), 10, np.random.default_rng(0), corr)
    assert exc.value.field == "correlations"


@pytest.mark.parametrize(
    ("corr", "field"),
    [
        ([Correlation(a="rate", b="case.lines[0].amount", rho=0.5)], "correlations[0].b"),
        ([Correlation(a="nope", b="rate", rho=0.5)], "correlations[0].a"),
        ([Correlation(a="rate", b="rate", rho=0.5)], "correlations[0].b"),
        (
            [
                Correlation(a="rate", b="case.lines[1].amount", rho=0.5),
                Correlation(a="case.lines[1].amount", b="rate", rho=0.2),
            ],
            "correlations[1]",
        ),
        ([Correlation(a="rate", b="case.lines[1].amount", rho=1.0)], "correlations"),
    ],
)
def test_bad_correlations_name_the_field(corr: list[Correlation], field: str) -> None:
    with pytest.raises(InputError) as exc:
        draw_inputs(model(), 10, np.random.default_rng(0), corr)
    assert exc.value.field == field


def test_correlation_rho_outside_minus_one_one_is_a_validation_error() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Correlation(a="x", b="y", rho=1.5)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    cuts=st.lists(st.integers(1, 200), min_size=1, max_size=5),
    rho=st.floats(-0.95, 0.95),
)
def test_chunked_draws_equal_one_draw_for_any_chunking(
    seed: int, cuts: list[int], rho: float
) -> None:
    corr = [Correlation(a="case.lines[1].amount", b="case.drivers.seats", rho=rho)]
    whole = draw_inputs(model(), sum(cuts), np.random.default_rng(seed), corr)
    rng = np.random.default_rng(seed)
    parts = [draw_inputs(model(), n, rng, corr) for n in cuts]
    for k, v in whole.items():
        np.testing.assert_array_equal(v, np.concatenate([p[k] for p in parts]))
        lo, hi = uncertain_inputs(model())[k].support
        assert np.all((v >= lo) & (v <= hi))


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            ["rate", "case.lines[1].amount", "case.drivers.seats", "case.lines[0].risk"]
        ),
        st.floats(-1e6, 1e6),
        max_size=4,
    )
)
def test_realize_sets_exactly_the_named_values_and_points_elsewhere(
    values: dict[str, float],
) -> None:
    m = model()
    before = m.model_dump()
    r = realize(m, values)
    assert m.model_dump() == before  # the input is never changed
    leaves = dict(numeric_inputs(r))
    for path, d in uncertain_inputs(m).items():
        assert leaves[path] == values.get(path, d.point)
    for path, v in values.items():
        assert leaves[path] == v
