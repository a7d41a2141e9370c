"""Sums in a fixed order: a draw's numbers do not depend on the draws evaluated with it.

The reference for each product is its definition, summed term by term in Python floats
(IEEE 754 double: each product and each sum rounded once), in the order the functions
document; numpy's matrix product agrees to rounding only.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ccecon.costing.lines import expand
from ccecon.finance.returns import irr_batch
from ccecon.uncertainty.sampling import cholesky, lower_times


def _expand_by_hand(coef: np.ndarray, pattern: np.ndarray) -> np.ndarray:
    out = np.zeros((coef.shape[0], pattern.shape[1]))
    for i in range(coef.shape[0]):
        for m in range(pattern.shape[1]):
            acc = None
            for k in range(pattern.shape[0]):
                w = float(pattern[k, m])
                if w != 0.0:
                    term = float(coef[i, k]) * w
                    acc = term if acc is None else acc + term
            out[i, m] = 0.0 if acc is None else acc
    return out


@settings(max_examples=60, deadline=None)
@given(
    rows=st.integers(1, 40),
    k=st.integers(1, 12),
    months=st.integers(1, 30),
    seed=st.integers(0, 2**32 - 1),
)
def test_expand_is_the_sum_in_ascending_order(rows: int, k: int, months: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    coef = rng.normal(size=(rows, k)) * 10.0 ** rng.integers(-3, 7, size=(rows, k))
    pattern = (rng.random((k, months)) < 0.4).astype(float)
    got = expand(coef, pattern)
    assert got.flags.c_contiguous and got.shape == (rows, months)
    np.testing.assert_array_equal(got, _expand_by_hand(coef, pattern))
    np.testing.assert_allclose(got, coef @ pattern, rtol=1e-12, atol=1e-9 * np.abs(coef).max())
    # one row alone, or any slice of rows: the same bits
    for i in (0, rows - 1, rows // 2):
        np.testing.assert_array_equal(expand(coef[i : i + 1], pattern)[0], got[i])
    np.testing.assert_array_equal(expand(coef[1:], pattern), got[1:])


def test_expand_weights_and_empty_columns() -> None:
    # month 0: no term (0); month 1: 2 x 3 + 5 x 0.5 = 8.5; month 2: 5 x 0.5 = 2.5
    coef = np.array([[2.0, 5.0]])
    pattern = np.array([[0.0, 3.0, 0.0], [0.0, 0.5, 0.5]])
    np.testing.assert_array_equal(expand(coef, pattern), [[0.0, 8.5, 2.5]])
    np.testing.assert_array_equal(expand(np.vstack([coef, coef]), pattern), [[0, 8.5, 2.5]] * 2)


def test_expand_sums_where_the_order_shows() -> None:
    # 1e16 + 1 + 1 in ascending order is 1e16 (each 1 is lost); 1 + 1 + 1e16 would be
    # 1e16 + 2. A kernel free to reorder could give either.
    coef = np.array([[1e16, 1.0, 1.0]] * 5)
    pattern = np.ones((3, 1))
    np.testing.assert_array_equal(expand(coef, pattern), np.full((5, 1), 1e16))


def test_irr_of_a_row_is_the_same_alone_or_in_a_batch() -> None:
    rng = np.random.default_rng(11)
    flows = rng.normal(size=(1500, 37)) + 0.05
    flows[:, 0] = -np.abs(flows[:, 0]) * 20.0
    batch = irr_batch(flows)
    for part in (slice(0, 1), slice(3, 12), slice(0, 333), slice(1000, 1500)):
        sub = irr_batch(flows[part])
        np.testing.assert_array_equal(sub.rates, batch.rates[part])
        np.testing.assert_array_equal(sub.n_roots, batch.n_roots[part])


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 12),
    seed=st.integers(0, 2**32 - 1),
)
def test_cholesky_matches_its_definition(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n + 3, n))
    cov = x.T @ x + n * np.eye(n)
    d = np.sqrt(np.diag(cov))
    r = cov / d[:, None] / d[None, :]
    got = cholesky(r)
    assert np.all(np.triu(got, 1) == 0.0)
    np.testing.assert_allclose(got @ got.T, r, atol=1e-14)
    np.testing.assert_allclose(got, np.linalg.cholesky(r), atol=1e-13)


@given(
    z=arrays(
        np.float64, st.tuples(st.integers(1, 30), st.integers(1, 6)), elements=st.floats(-8, 8)
    )
)
@settings(max_examples=60, deadline=None)
def test_lower_times_is_the_sum_in_ascending_order(z: np.ndarray) -> None:
    m = z.shape[1]
    r = np.full((m, m), 0.3) + 0.7 * np.eye(m)
    lower = cholesky(r)
    got = lower_times(z, lower)
    ref = np.zeros_like(z)
    for row in range(z.shape[0]):
        for i in range(m):
            acc = None
            for k in range(i + 1):
                if lower[i, k] != 0.0:
                    term = float(z[row, k]) * float(lower[i, k])
                    acc = term if acc is None else acc + term
            ref[row, i] = 0.0 if acc is None else acc
    np.testing.assert_array_equal(got, ref)
    np.testing.assert_array_equal(lower_times(z[:1], lower), got[:1])
