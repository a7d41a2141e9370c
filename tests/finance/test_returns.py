"""NPV, IRR, payback, ROI against published values, an independent solver, and invariants."""

from __future__ import annotations

import doctest
import itertools
import math
import warnings
from fractions import Fraction

import mpmath
import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ccecon.errors import InputError, NoSolutionError
from ccecon.finance import returns
from ccecon.finance.returns import annualize, irr, irr_batch, npv, payback, roi_pct
from ccecon.units import annual_to_monthly_rate
from tests.finance.exact_roots import positive_roots

# ----------------------------------------------------------------------------- references


def test_npv_matches_excel_npv_docs_example_1() -> None:
    """Microsoft Excel NPV help, example 1: rate 10 %, -10,000 one year from today, then
    3,000, 4,200, 6,800 -> 1,188.44. Excel discounts its first value, so in our t=0
    convention the flow starts with 0."""
    assert float(npv(0.10, [0, -10000, 3000, 4200, 6800])) == pytest.approx(1188.44, abs=0.005)


def test_npv_matches_excel_npv_docs_example_2() -> None:
    """Microsoft Excel NPV help, example 2: rate 8 %, initial cost 40,000 at the start of
    the period (added outside NPV), then 8,000, 9,200, 10,000, 12,000, 14,500 -> 1,922.06;
    with a loss of 9,000 in year 6 -> -3,749.47. Here the t=0 flow is part of the flow."""
    flow = [-40000, 8000, 9200, 10000, 12000, 14500]
    assert float(npv(0.08, flow)) == pytest.approx(1922.06, abs=0.005)
    assert float(npv(0.08, [*flow, -9000])) == pytest.approx(-3749.47, abs=0.005)


def test_npv_matches_numpy_financial_docs_example() -> None:
    """numpy-financial npv docstring: npv(0.08, [-40000, 5000, 8000, 12000, 30000]) is
    3065.22 (numpy-financial shares our t=0 convention)."""
    assert float(npv(0.08, [-40_000, 5000, 8000, 12000, 30000])) == pytest.approx(
        3065.22, abs=0.005
    )


def test_irr_matches_excel_irr_docs_example() -> None:
    """Microsoft Excel IRR help: -70,000, 12,000, 15,000, 18,000, 21,000, 26,000 -> 8.66 %;
    the first four years -> -2.12 %; the first two years with a guess -> -44.35 %."""
    assert irr([-70000, 12000, 15000, 18000, 21000, 26000]).rate == pytest.approx(0.0866, abs=5e-5)
    assert irr([-70000, 12000, 15000, 18000, 21000]).rate == pytest.approx(-0.0212, abs=5e-5)
    assert irr([-70000, 12000, 15000]).rate == pytest.approx(-0.4435, abs=5e-5)


def test_irr_matches_numpy_financial_docs_examples() -> None:
    """numpy-financial irr docstring: [-100, 39, 59, 55, 20] -> 0.28094842115996066,
    [-100, 0, 0, 74] -> -0.0955, [-100, 100, 0, -7] -> -0.0833, [-100, 100, 0, 7] -> 0.0621,
    [-5, 10.5, 1, -8, 1] -> 0.0886."""
    assert irr([-100, 39, 59, 55, 20]).rate == pytest.approx(0.28094842115996066, rel=1e-9)
    assert irr([-100, 0, 0, 74]).rate == pytest.approx(-0.0955, abs=5e-5)
    assert irr([-100, 100, 0, -7]).rate == pytest.approx(-0.0833, abs=5e-5)
    assert irr([-100, 100, 0, 7]).rate == pytest.approx(0.0621, abs=5e-5)
    assert irr([-5, 10.5, 1, -8, 1]).rate == pytest.approx(0.0886, abs=5e-5)


def test_several_irrs_are_reported() -> None:
    # (x - 1)(x - 2)(x - 3) with x = 1 + r: roots 0 %, 100 %, 200 %.
    res = irr([-1, 6, -11, 6])
    assert res.multiple
    assert res.roots == pytest.approx((0.0, 1.0, 2.0), abs=1e-9)
    assert res.rate == pytest.approx(0.0, abs=1e-12)  # the root nearest 0
    batch = irr_batch(np.array([[-1.0, 6, -11, 6]]))
    assert batch.n_roots[0] == 3
    assert batch.status.tolist() == ["several"]


def test_mine_reclamation_flow_has_two_irrs() -> None:
    """The textbook 'pump problem' (Brealey & Myers, Principles of Corporate Finance):
    -1,600 now, +10,000, -10,000 -> IRRs of 25 % and 400 %."""
    res = irr([-1600, 10000, -10000])
    assert res.multiple
    assert res.roots == pytest.approx((0.25, 4.0), rel=1e-9)
    assert irr_batch(np.array([-1600.0, 10000, -10000])).n_roots.tolist() == [2]


def test_no_irr_raises_no_solution() -> None:
    with pytest.raises(NoSolutionError):
        irr([100, 50, 25])  # never changes sign
    with pytest.raises(NoSolutionError):
        irr([-100, 150, -100])  # changes sign twice, but NPV < 0 at every rate
    batch = irr_batch(np.array([[100.0, 50, 25], [-100.0, 60, 60], [-100.0, 150, -100]]))
    assert batch.n_roots.tolist() == [0, 1, 0]
    assert batch.status.tolist() == ["none", "ok", "none"]
    assert np.isnan(batch.rates[[0, 2]]).all() and np.isfinite(batch.rates[1])


def test_irr_rejects_bad_flows() -> None:
    with pytest.raises(InputError, match="finite"):
        irr([-100, float("nan"), 50])
    with pytest.raises(InputError, match="finite"):
        irr_batch(np.array([[-100.0, 50, np.inf]]))
    with pytest.raises(InputError):
        irr([-100])
    with pytest.raises(InputError):
        irr([[-100, 50, 60]])


def test_batch_agrees_with_numpy_financial_on_conventional_flows() -> None:
    """One outlay then inflows: one IRR, which numpy-financial 1.0 also finds."""
    rng = np.random.default_rng(7)
    v = np.concatenate([-rng.uniform(500, 2000, (50, 1)), rng.uniform(0, 100, (50, 36))], axis=1)
    b = irr_batch(v)
    assert (b.n_roots == 1).all()
    ref = np.array([npf.irr(row) for row in v])
    np.testing.assert_allclose(b.rates, ref, rtol=1e-8, atol=1e-10)


def test_npv_agrees_with_numpy_financial() -> None:
    rng = np.random.default_rng(3)
    v = rng.normal(0, 100, (20, 13))
    for rate in (0.0, 0.01, 0.1, -0.05):
        ref = [npf.npv(rate, row) for row in v]
        np.testing.assert_allclose(npv(rate, v), ref, rtol=1e-12, atol=1e-9)


def test_npv_rate_shape_is_explicit() -> None:
    v = np.ones((3, 3))
    with pytest.raises(InputError, match="last axis of length 1"):
        npv(np.array([0.1, 0.2, 0.3]), v)  # would otherwise pair rates with periods
    with pytest.raises(InputError, match="-100"):
        npv(-1.0, v)
    per_draw = npv(np.array([[0.0], [0.1], [1.0]]), [[-1, 2], [-1, 2], [-1, 2]])
    np.testing.assert_allclose(per_draw, [1.0, -1 + 2 / 1.1, 0.0])


# ----------------------------------------------------------------------------- properties

flows = st.lists(st.floats(min_value=1, max_value=1e6), min_size=1, max_size=40).flatmap(
    lambda pos: st.floats(min_value=1, max_value=1e7).map(lambda inv: [-inv, *pos])
)


@settings(max_examples=200, deadline=None)
@given(flows)
def test_npv_at_irr_is_zero(values: list[float]) -> None:
    """Conventional flows (one outlay, then inflows) have one IRR, and NPV(IRR) = 0."""
    try:
        res = irr(values)
    except NoSolutionError:
        # the root lies outside -99.9999 % .. +10,000 %: inflows tiny against the outlay
        assert sum(values[1:]) * 1e6 < values[0] * -1 or sum(values[1:]) > 100 * -values[0]
        return
    assert not res.multiple
    scale = sum(abs(v) * (1 + res.rate) ** -t for t, v in enumerate(values))
    assert abs(float(npv(res.rate, values))) <= 1e-9 * scale
    b = irr_batch(np.array([values]))
    assert b.rates[0] == pytest.approx(res.rate, rel=1e-8, abs=1e-10)


mixed = st.lists(st.integers(-20, 20), min_size=2, max_size=8)


@settings(max_examples=300, deadline=None)
@given(mixed)
def test_irr_roots_match_an_independent_polynomial_solver(values: list[int]) -> None:
    """Any flow, any number of sign changes: the roots in x = 1/(1+r) of sum v_t x^t,
    found by mpmath's polyroots (Durand-Kerner in extended precision), are the IRRs."""
    while values and values[-1] == 0:
        values = values[:-1]
    assume(len(values) >= 2 and any(values))
    try:
        with mpmath.workdps(60):
            found = mpmath.polyroots(values, maxsteps=400, extraprec=400, asc=True)
    except mpmath.libmp.NoConvergence:  # repeated roots: the reference itself is unsure
        assume(False)
    real = sorted(
        float(1 / z.real - 1)
        for z in found
        if abs(z.imag) < 1e-20 and z.real > 0 and 1e-6 < z.real < 1e6 and 1 / z.real - 1 < 100
    )
    # skip near-double roots: the reference's own tolerance (1e-20 on the imaginary part)
    assume(all(np.log1p(b) - np.log1p(a) > 1e-6 for a, b in itertools.pairwise(real)))
    assume(all(abs(np.log1p(r) - lim) > 1e-3 for r in real for lim in (np.log(1e-6), np.log(101))))
    if not real:
        with pytest.raises(NoSolutionError):
            irr(values)
        assert irr_batch(np.array([values], dtype=float)).n_roots[0] == 0
        return
    res = irr(values)
    assert res.roots == pytest.approx(tuple(real), rel=1e-9, abs=1e-12)
    assert res.multiple == (len(real) > 1)
    b = irr_batch(np.array([values], dtype=float))
    assert b.n_roots[0] == len(real)
    assert b.roots[0, : len(real)] == pytest.approx(real, rel=1e-9, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-(10**6), 10**6), min_size=1, max_size=30))
def test_at_rate_zero_the_sign_of_npv_is_the_sign_of_the_sum(values: list[int]) -> None:
    assert np.sign(float(npv(0.0, values))) == np.sign(sum(values))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(min_value=-1e6, max_value=1e6), min_size=2, max_size=24),
    st.floats(min_value=0, max_value=0.5),
)
def test_payback_is_where_cumulative_turns_non_negative_for_good(
    values: list[float], rate: float
) -> None:
    for r in (None, rate):
        p = float(payback(values, rate=r))
        disc = np.asarray(values) * (1 + (r or 0.0)) ** -np.arange(len(values))
        cum = np.cumsum(disc)
        noise = 1e-9 * np.abs(disc).sum()  # two ways of summing differ by rounding only
        if p == np.inf:
            assert cum[-1] < noise
        else:
            assert 0 <= p <= len(values) - 1
            assert (cum[int(np.ceil(p)) :] >= -noise).all()
            if p > 0:
                assert cum[int(np.floor(p))] < noise


# ----------------------------------------------------------------------------- others


def test_payback_interpolates_within_the_period() -> None:
    assert float(payback([-1000, 400, 400, 400])) == pytest.approx(2.5)
    assert float(payback([100, 5])) == 0.0
    assert float(payback([-1000, 100, 100])) == np.inf
    # stays: a later dip below zero moves payback to the last crossing
    assert float(payback([-100, 150, -100, 100])) == pytest.approx(2.5)  # cum -100,50,-50,50
    # discounted at 5 %: PV 381.0, 362.8, 345.5; cum -619.0, -256.2, +89.3 -> 2 + 256.2/345.5
    assert float(payback([-1000, 400, 400, 400], rate=0.05)) == pytest.approx(
        2 + (1000 - 400 / 1.05 - 400 / 1.05**2) / (400 / 1.05**3)
    )


def test_payback_broadcasts_over_leading_axes() -> None:
    v = np.array([[[-1000, 400, 400, 400], [-100, 200, 0, 0]]] * 2, dtype=float)
    assert payback(v).shape == (2, 2)
    np.testing.assert_allclose(payback(v)[0], [2.5, 0.5])
    rates = np.array([[[0.0], [0.05]], [[0.0], [0.05]]])
    assert payback(v, rate=rates).shape == (2, 2)


def test_roi_seed_example_and_no_cost() -> None:
    assert float(roi_pct(15000, 10000)) == 50.0  # seed 000 / DOMAIN D1.1
    with pytest.raises(InputError, match="cost"):
        roi_pct(100, 0)
    with pytest.raises(InputError):
        roi_pct([100, 200], [50, -1])
    out = roi_pct([150, 200], [100, 0], undefined="nan")
    assert out[0] == 50.0 and np.isnan(out[1])


def test_annualize_inverts_units_monthly_rate() -> None:
    assert float(annualize(0.01)) == pytest.approx(1.01**12 - 1)
    with pytest.raises(InputError):
        annualize([0.01, -1.0])
    with pytest.raises(InputError):
        annualize(float("nan"))
    r = np.array([0.0, 0.05, 0.10, 0.30])
    np.testing.assert_allclose(annualize(annual_to_monthly_rate(r)), r, rtol=1e-12, atol=1e-15)


def test_docstring_examples() -> None:
    res = doctest.testmod(returns)
    assert res.attempted >= 5 and res.failed == 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=-1e6, max_value=1e6), min_size=2, max_size=61))
def test_every_reported_root_zeroes_npv(values: list[float]) -> None:
    """Any flow: NPV at each root IRR reports is zero, relative to the size of the
    discounted flows (the only meaningful scale when (1 + r)^-t spans many decades), and
    no numpy warning on the way (subnormal values included)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            res = irr(values)
        except NoSolutionError:
            assert irr_batch(np.array([values])).n_roots[0] == 0  # one computation, two doors
            return
        irr_batch(np.array([values] * (returns._FEW_ROWS + 1)))  # the array path too
    t = np.arange(len(values))
    for r in res.roots:
        disc = (1.0 + r) ** -t.astype(float)
        scale = float(np.sum(np.abs(values) * disc))
        assert abs(float(npv(r, values))) <= 1e-9 * scale
    b = irr_batch(np.array([values]))
    if b.n_roots[0] >= 1:
        r = float(b.rates[0])
        scale = float(np.sum(np.abs(values) * (1.0 + r) ** -t.astype(float)))
        assert abs(float(npv(r, values))) <= 1e-9 * scale


def test_irr_batch_in_blocks_equals_one_block(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(11)
    v = np.concatenate([-rng.uniform(500, 2000, (300, 1)), rng.normal(60, 60, (300, 24))], axis=1)
    whole = irr_batch(v)
    monkeypatch.setattr(returns, "_CHUNK_ROWS", 64)
    blocks = irr_batch(v)
    np.testing.assert_array_equal(blocks.n_roots, whole.n_roots)
    np.testing.assert_allclose(blocks.rates, whole.rates, rtol=1e-12, equal_nan=True)
    assert (whole.n_roots > 1).any() and (whole.n_roots == 1).any()  # both kinds exercised


def test_results_to_frame() -> None:
    f = irr([-1, 6, -11, 6]).to_frame()
    assert len(f) == 3 and f["shown"].sum() == 1
    b = irr_batch(np.array([[-100.0, 60, 60], [100.0, 5, 5]])).to_frame()
    assert b["status"].tolist() == ["ok", "none"] and b["n_roots"].tolist() == [1, 0]


@given(
    rows=st.integers(1, 3000),
    cols=st.integers(2, 70),
    block=st.integers(1, 2048),
)
@settings(max_examples=40, deadline=None)
def test_blocked_transpose_equals_numpy_transpose(rows: int, cols: int, block: int) -> None:
    """The IRR's blocked copy of the flows' transpose is the transpose, for any shape."""
    v = np.random.default_rng(rows * cols).random((rows, cols))
    t = returns._transposed(v, block=block)
    assert t.flags.c_contiguous
    np.testing.assert_array_equal(t, v.T)


def test_horner_in_python_floats_has_the_bits_of_the_array_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Up to _FEW_ROWS columns, _horner runs Horner's rule in Python floats: the same value
    and derivative, bit for bit, as the array version, and so do the values of flows on
    both sides of rate 0 (u >= 0 and u < 0, the row reversed)."""
    rng = np.random.default_rng(11)
    for _ in range(100):
        v = rng.normal(size=(returns._FEW_ROWS, 61)) * rng.uniform(1, 1e6)
        v[:, 0] -= 5 * np.abs(v).max()
        u = np.asarray(rng.uniform(-3, 3, size=v.shape[0]), dtype=float)
        u[:2] = [0.0, -0.0]
        ct = returns._side_coefs(v, np.arange(v.shape[0]), u < 0)
        f = np.exp(-np.abs(u))
        few = returns._horner(ct, f)
        few_values = returns._values(v, np.arange(v.shape[0]), u)
        with monkeypatch.context() as m:
            m.setattr(returns, "_FEW_ROWS", 0)
            arrays = returns._horner(ct, f)
            array_values = returns._values(v, np.arange(v.shape[0]), u)
        np.testing.assert_array_equal(few[0], arrays[0])
        np.testing.assert_array_equal(few[1], arrays[1])
        np.testing.assert_array_equal(few_values, array_values)
        # and they are the flows' values, by the definition: sum v_t e^(-t u) at u >= 0,
        # e^(T u) times that (a positive multiple, the same sign) at u < 0
        t = np.arange(v.shape[1])
        T = v.shape[1] - 1
        direct = np.sum(v * np.exp(-np.outer(u, t) + np.where(u < 0, T * u, 0.0)[:, None]), axis=1)
        np.testing.assert_allclose(few_values, direct, rtol=1e-9, atol=1e-9 * np.abs(v).max())


def test_irr_of_a_few_rows_is_the_array_versions_bit_for_bit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """irr_batch of up to _FEW_ROWS rows (Newton and Horner in Python floats) gives the
    rates and root counts of the array version exactly, for flows with one or several
    sign changes, on both sides of rate 0."""
    rng = np.random.default_rng(7)
    for _ in range(20):
        v = rng.normal(size=(returns._FEW_ROWS, 37)) * rng.uniform(1, 1e6)
        v[:, 0] -= rng.uniform(0.5, 30) * np.abs(v[:, 1:]).mean(axis=1)
        v[::3, 20:] *= -1  # several sign changes in some rows
        few = returns.irr_batch(v)
        with monkeypatch.context() as m:
            m.setattr(returns, "_FEW_ROWS", 0)
            arrays = returns.irr_batch(v)
        np.testing.assert_array_equal(few.rates, arrays.rates)
        np.testing.assert_array_equal(few.n_roots, arrays.n_roots)


# ------------------------------------------------------------------ every root, exactly


def test_two_irrs_of_exactly_10_and_20_percent() -> None:
    """-100, +230, -132: NPV = -(x (1.1) - 1)(x (1.2) - 1) x 100 with x = 1 / (1 + r),
    by hand: roots r = 10 % and 20 %, and NPV(15 %) = -100 + 200 - 99.81 = 0.19 > 0."""
    b = irr_batch([-100.0, 230.0, -132.0])
    assert b.n_roots.tolist() == [2]
    assert b.roots[0].tolist() == pytest.approx([0.1, 0.2], abs=1e-14)
    assert b.rates[0] == pytest.approx(0.1, abs=1e-14)  # nearest 0
    assert irr([-100, 230, -132]).roots == pytest.approx((0.1, 0.2), abs=1e-14)
    assert float(npv(0.15, [-100, 230, -132])) == pytest.approx(0.1890359168, abs=1e-9)


_LO, _HI = Fraction(1, 101), Fraction(10**6)  # x = 1/(1 + r): r from +10,000 % to -99.9999 %


def _integer_flows(rng: np.random.Generator, n: int) -> list[list[int]]:
    """Random integer flows with 0 to 4 sign changes: mostly 3 to 11 periods, 1 in 14
    of 12 to 37 periods; magnitudes log-uniform in [1, 10^6], 1 in 20 values zero."""
    out = []
    for _ in range(n):
        t = int(rng.integers(2, 11)) if rng.random() < 0.93 else int(rng.integers(11, 37))
        k = min(int(rng.integers(0, 5)), t)
        sign = np.full(t + 1, 1 if rng.random() < 0.5 else -1, dtype=np.int64)
        for p in rng.choice(np.arange(1, t + 1), size=k, replace=False):
            sign[p:] *= -1
        mag = np.round(np.exp(rng.uniform(0, np.log(1e6), t + 1))).astype(np.int64)
        mag[rng.random(t + 1) < 0.05] = 0
        out.append([int(x) for x in sign * mag])
    return out


def test_every_root_of_10000_random_flows_matches_exact_isolation() -> None:
    """10,000 random flows with 0 to 4 sign changes (seed 14): irr_batch (batched by
    length, and one row at a time for 1 in 10, the one-draw path) and irr give the same
    root count as exact real-root isolation in integer arithmetic (tests/finance/
    exact_roots.py, Collins & Akritas 1976) and the same roots to 1e-10 in ln(1 + r)."""
    rng = np.random.default_rng(14)
    flows = _integer_flows(rng, 10_000)
    ref = [sorted(-math.log(x) for x in positive_roots(c, _LO, _HI)) for c in flows]
    by_len: dict[int, list[int]] = {}
    for i, c in enumerate(flows):
        by_len.setdefault(len(c), []).append(i)
    got: dict[int, np.ndarray] = {}
    for idx in by_len.values():
        b = irr_batch(np.array([flows[i] for i in idx], dtype=float))
        for row, i in enumerate(idx):
            got[i] = b.roots[row, : b.n_roots[row]]
            if i % 10 == 0:  # one row alone: the same bits as inside the batch
                one = irr_batch(np.array(flows[i], dtype=float))
                np.testing.assert_array_equal(one.roots[0, : one.n_roots[0]], got[i])
    counts = np.bincount([len(r) for r in ref], minlength=5)
    assert counts[0] > 1000 and counts[1] > 1000 and counts[2] > 500 and counts[3] > 50
    bad = [
        i
        for i in range(len(flows))
        if len(got[i]) != len(ref[i])
        or (len(ref[i]) and np.max(np.abs(np.log1p(got[i]) - ref[i])) > 1e-10)
    ]
    assert not bad, [(flows[i], ref[i], np.log1p(got[i]).tolist()) for i in bad[:5]]
    for i in range(0, len(flows), 97):  # irr: the same roots, or NoSolutionError for none
        if ref[i]:
            assert irr(flows[i]).roots == tuple(got[i].tolist())
        else:
            with pytest.raises(NoSolutionError):
                irr(flows[i])


@pytest.mark.parametrize("exponent", [-250, -200, -100, -10, 0, 10, 100, 200, 250])
def test_roots_do_not_depend_on_the_scale_of_the_flow(exponent: int) -> None:
    """The same flows times 10^e (e = -250 .. 250): the same roots (to the rounding of the
    scaled inputs), no numpy warning."""
    base = [np.array(f) for f in ([-1.0, 0.5, 0.7], [-100.0, 230.0, -132.0], [-1.0, 6, -11, 6])]
    x = (-0.5 + math.sqrt(0.25 + 4 * 0.7)) / (2 * 0.7)  # -1 + 0.5 x + 0.7 x^2 = 0, by hand
    ref = [[1 / x - 1], [0.1, 0.2], [0.0, 1.0, 2.0]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for row, want in zip(base, ref, strict=True):
            v = row * 10.0**exponent
            assert irr(v).roots == pytest.approx(want, abs=1e-12)
            b = irr_batch(np.stack([v, v]))
            assert b.n_roots.tolist() == [len(want)] * 2


def test_subnormal_and_huge_flows_give_their_roots_without_warnings() -> None:
    """Subnormal flows (5e-324 is the smallest double) and flows near 1.8e308: one sign
    change gives exactly one root (Descartes), no spurious roots, no overflow warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tiny = np.array([-4.0, 1.0, 1.0, 1.0, 1.0]) * 5e-324  # exact multiples of 2^-1074
        assert irr(tiny).roots == pytest.approx(irr([-4, 1, 1, 1, 1]).roots, abs=1e-15)
        huge = np.array([-1.0, 0.5, 0.7]) * 1.7e308
        assert irr_batch(huge).n_roots.tolist() == [1]
        big = np.array([-1e300, 3e300, -2.0e300])  # (1 - x)(1 - 2x): 0 % and 100 %
        assert irr(big).roots == pytest.approx((0.0, 1.0), abs=1e-12)


def test_one_change_solver_in_python_floats_has_the_bits_of_the_array_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The one-sign-change solver of up to _FEW_ROWS rows (Python floats) gives the array
    version's roots bit for bit, roots above and below rate 0, long and short flows."""
    rng = np.random.default_rng(5)
    for _ in range(40):
        n = int(rng.integers(3, 62))
        v = np.abs(rng.normal(size=(returns._FEW_ROWS, n))) * rng.uniform(1, 1e6)
        v[:, : int(rng.integers(1, n - 1))] *= -1
        v[::2] *= rng.uniform(0.2, 3.0)
        v[1::3, 0] *= 50  # roots far below 0
        few = returns._one_change(v)
        with monkeypatch.context() as m:
            m.setattr(returns, "_FEW_ROWS", 0)
            arrays = returns._one_change(v)
        np.testing.assert_array_equal(few, arrays)


def test_nearest_root_mode_gives_the_same_rate_and_count_bit_for_bit() -> None:
    """``all_roots=False`` (what the engine uses for many draws) counts every root and
    solves only the nearest to 0 on each side: on the 10,000 random flows of the exact
    isolation test (each root count checked there against integer arithmetic) and on
    2,000 flows of 61 months with two to four sign changes, ``rates`` and ``n_roots``
    are those of the full solve, bit for bit, and ``roots`` holds the rate alone."""
    rng = np.random.default_rng(14)
    flows = _integer_flows(rng, 10_000)
    by_len: dict[int, list[list[int]]] = {}
    for c in flows:
        by_len.setdefault(len(c), []).append(c)
    months = np.random.default_rng(5)
    long = months.normal(0, 1, (2_000, 61)) + 0.3
    long[:, 0] = -20.0
    long[:, 24] -= months.uniform(10, 40, 2_000)  # a reinvestment in month 24
    groups = [np.array(g, dtype=float) for g in by_len.values()] + [long]
    several = 0
    for v in groups:
        full = irr_batch(v)
        near = irr_batch(v, all_roots=False)
        np.testing.assert_array_equal(near.n_roots, full.n_roots)
        np.testing.assert_array_equal(near.rates, full.rates)
        np.testing.assert_array_equal(near.roots[:, 0], full.rates)
        assert near.roots.shape == (v.shape[0], 1)
        several += int(np.count_nonzero(full.n_roots >= 2))
    assert several > 500  # the mode is exercised on rows with several roots


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(-(10**6), 10**6), min_size=3, max_size=40))
def test_a_flow_settled_by_its_partial_sums_has_no_root_at_all(values: list[int]) -> None:
    """The partial-sum test of ``_no_root`` is sufficient: a flow it settles has no root
    ``x = 1 / (1 + r) > 0`` at all, by exact real-root isolation in integer arithmetic
    (tests/finance/exact_roots.py) over x in [1e-30, 1e30], far beyond the IRR's domain."""
    from ccecon.finance.returns import _no_root, _normalized

    row = np.array([values], dtype=float)
    if bool(_no_root(_normalized(row))[0]):
        assert positive_roots(values, Fraction(1, 10**30), Fraction(10**30)) == []


def test_the_partial_sum_test_settles_flows_that_never_pay_back() -> None:
    """Flows whose cumulative sum stays below 0 from both ends (an investment never paid
    back, with late costs): settled without solving (no root), while a flow that pays
    back (-100 then +60 twice: 13.07 %) or has two roots (-100, 230, -132) is not. By
    hand, -100, 10, 5, -20, -30: partial sums -100, -90, -85, -105, -135 and from the end
    -30, -50, -45, -35, -135, all below 0."""
    from ccecon.finance.returns import _no_root, _normalized

    rows = np.array([[-100.0, 10, 5, -20, -30], [-100.0, 60, 60, 0, 0], [-100.0, 230, -132, 0, 0]])
    assert _no_root(_normalized(rows)).tolist() == [True, False, False]
    b = irr_batch(rows)
    assert b.n_roots.tolist() == [0, 1, 2]
    rng = np.random.default_rng(14)
    flows = [f for f in _integer_flows(rng, 3_000) if len(f) > 3]
    settled = 0
    for f in flows:
        row = np.array([f], dtype=float)
        if bool(_no_root(_normalized(row))[0]):
            settled += 1
            assert positive_roots(f, Fraction(1, 10**30), Fraction(10**30)) == []
    assert settled > 100
