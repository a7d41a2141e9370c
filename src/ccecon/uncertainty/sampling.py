"""Find the uncertain inputs of a model, draw them, and realize the model with the draws.

A scenario (any pydantic model tree) may hold a distribution wherever a number is allowed.

* :func:`uncertain_inputs` lists them by **path**, written like pydantic error locations:
  ``discount_rate``, ``channels[0].aht_s``, ``proposal.cost_lines[2].amount``,
  ``drivers.seats`` (a mapping key).
* :func:`draw_inputs` draws ``n`` values of each, by inverse-CDF sampling of uniforms drawn
  from the ``rng`` passed in: one ``rng.random((n, k))`` call, so drawing ``n1`` then ``n2``
  rows from one generator gives the same numbers as drawing ``n1 + n2`` at once (chunked
  Monte Carlo equals unchunked). Optional **rank correlation** between inputs is imposed by
  a Gaussian copula (below).
* :func:`realize` returns a copy of the model with each distribution replaced by its draws
  (or by its base-case value :attr:`~ccecon.uncertainty.distributions._Dist.point` when not
  named), without re-validation, so numeric fields may hold numpy arrays of shape
  ``(n,)``. The engine reads them with ``numpy.asarray``.

Rank correlation (Gaussian copula)
----------------------------------
The user gives Spearman rank correlations ``rho_s`` between pairs of inputs. Independent
uniforms ``U`` are mapped to normals ``Z = Phi^-1(U)``, correlated by the Cholesky factor
``L`` of the matrix ``R`` with ``R_ab = 2 sin(pi rho_s / 6)`` (the Pearson correlation of a
bivariate normal whose Spearman correlation is ``rho_s``; Pearson 1907, see Kruskal,
"Ordinal measures of association", JASA 53, 1958, eq. 3.3), and mapped back ``U' =
Phi(Z L^T)``. Each input keeps its own distribution exactly; the pairs get the requested
rank correlation in expectation. Unlike Iman-Conover (1982), which reorders a finished
sample, the copula works row by row, so chunked draws stay identical to unchunked ones.
A matrix that is not positive definite (inconsistent correlations such as a-b 0.9, b-c 0.9,
a-c -0.9) raises :class:`~ccecon.errors.InputError`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from ccecon.errors import InputError
from ccecon.uncertainty.distributions import DistributionBase

Array = npt.NDArray[np.float64]

U_EPS = 2.0**-53
"""Uniforms are kept within ``[U_EPS, 1 - U_EPS]`` so unbounded inverse CDFs stay finite."""


class Correlation(BaseModel):
    """A rank (Spearman) correlation between two uncertain inputs of a scenario.

    Example (YAML)::

        correlations:
          - {a: channels[0].per_month, b: proposal.benefit_lines[0].amount, rho: 0.6}
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    a: str = Field(description="Path of the first uncertain input, e.g. `channels[0].aht_s`.")
    b: str = Field(description="Path of the second uncertain input.")
    rho: float = Field(
        ge=-1.0, le=1.0, description="Spearman rank correlation between -1 and 1 (exclusive)."
    )


def _walk(obj: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Yield (path, leaf) for every distribution and every plain number, recursively."""
    if isinstance(obj, DistributionBase):
        yield path, obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _walk(getattr(obj, name), f"{path}.{name}" if path else name)
    elif isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            yield from _walk(item, f"{path}[{i}]")
    elif isinstance(obj, dict):
        for key, item in obj.items():
            yield from _walk(item, f"{path}.{key}" if path else str(key))
    elif isinstance(obj, (int, float, np.ndarray)) and not isinstance(obj, bool):
        yield path, obj


def uncertain_inputs(model: BaseModel) -> dict[str, DistributionBase]:
    """Every distribution in a model tree, keyed by its path, in field order.

    Parameters
    ----------
    model : pydantic.BaseModel
        A scenario or any model tree (lists, dicts and nested models are walked).

    Returns
    -------
    dict of str to distribution
        ``{"proposal.cost_lines[2].amount": Triangular(...), ...}``; empty when the model
        holds only numbers.
    """
    return {p: leaf for p, leaf in _walk(model, "") if isinstance(leaf, DistributionBase)}


def _pearson_of_spearman(rho_s: float) -> float:
    """Pearson correlation of a bivariate normal with Spearman correlation ``rho_s``."""
    return 2.0 * math.sin(math.pi * rho_s / 6.0)


MAX_CORRELATED = 200
"""Most uncertain inputs that ``correlations`` may join (the copula's matrix is m x m)."""

Copula = tuple[npt.NDArray[np.intp], Array]
"""Indices (ascending) of the inputs that take part in a correlation, and their m x m
normal-scale correlation matrix; the other inputs are independent and not in it."""


def correlation_matrix(
    paths: Sequence[str], correlations: Sequence[Correlation] | None
) -> Copula | None:
    """The Gaussian copula of the correlated inputs only, or None when all independent.

    Only the inputs named in ``correlations`` enter the matrix (one correlation among
    10,000 uncertain inputs built and eigen-decomposed a 10,000 x 10,000 matrix: 56 s,
    1.7 GB); the others are independent. Inputs whose correlations are all 0 are left out
    of the returned indices (their uniforms are drawn as they are).

    Raises
    ------
    InputError
        A path that is not an uncertain input, a pair given twice or an input correlated
        with itself (field ``correlations[i]``), more than :data:`MAX_CORRELATED` inputs
        joined, or a matrix that is not positive definite (field ``correlations``).
    """
    if not correlations:
        return None
    index = {p: i for i, p in enumerate(paths)}
    pairs: dict[tuple[int, int], int] = {}
    for n, c in enumerate(correlations):
        for side in ("a", "b"):
            p = getattr(c, side)
            if p not in index:
                known = (
                    ", ".join(paths[:20]) if paths else "(none: the scenario has no distributions)"
                )
                more = f" and {len(paths) - 20:,} more" if len(paths) > 20 else ""
                raise InputError(
                    f"not an uncertain input; expected the path of a field holding a "
                    f"distribution: {known}{more}",
                    field=f"correlations[{n}].{side}",
                    value=p,
                )
        i, j = index[c.a], index[c.b]
        if i == j:
            raise InputError(
                "an input cannot be correlated with itself; expected two different paths",
                field=f"correlations[{n}].b",
                value=c.b,
            )
        key = (min(i, j), max(i, j))
        if key in pairs:
            raise InputError(
                f"this pair is already correlated in correlations[{pairs[key]}]; give each "
                "pair once",
                field=f"correlations[{n}]",
                value=f"{c.a} ~ {c.b}",
            )
        pairs[key] = n
    named = sorted({i for key in pairs for i in key})
    if len(named) > MAX_CORRELATED:
        raise InputError(
            f"the correlations join {len(named):,} inputs; at most {MAX_CORRELATED} can be"
            " correlated",
            field="correlations",
        )
    at = {i: n for n, i in enumerate(named)}
    r: Array = np.eye(len(named))
    for (i, j), n in pairs.items():
        r[at[i], at[j]] = r[at[j], at[i]] = _pearson_of_spearman(correlations[n].rho)
    eig = float(np.linalg.eigvalsh(r).min())
    if eig <= 1e-10:
        raise InputError(
            "the correlations are inconsistent: their matrix is not positive definite "
            f"(smallest eigenvalue {eig:.3g}); weaken some of them (|rho| = 1 is never "
            "allowed) so that they can hold together",
            field="correlations",
            value=[(c.a, c.b, c.rho) for c in correlations],
        )
    joined = np.flatnonzero((np.abs(r - np.eye(len(named))) > 0).any(axis=0))
    return np.asarray(named, dtype=np.intp)[joined], r[np.ix_(joined, joined)]


def check_correlations(model: BaseModel, correlations: Sequence[Correlation] | None) -> None:
    """Validate correlations against a model's uncertain inputs (see correlation_matrix)."""
    correlation_matrix(list(uncertain_inputs(model)), correlations)


def draw_uniforms(n: int, k: int, rng: np.random.Generator, corr: Copula | None = None) -> Array:
    """``n x k`` uniforms in (0, 1), independent or joined by a Gaussian copula ``corr``
    (see :func:`correlation_matrix`).

    Consumes exactly ``n * k`` doubles of ``rng`` (row by row), so consecutive calls
    concatenate to one call with the summed ``n``. Only the columns that take part in a
    correlation go through the copula (normal scores and back); the others are the
    uniforms as drawn.
    """
    u: Array = rng.random((n, k))
    if corr is not None:
        from scipy.special import ndtr, ndtri

        joined, sub = corr
        if joined.size:
            z = ndtri(np.clip(u[:, joined], U_EPS, 1.0 - U_EPS))
            u[:, joined] = ndtr(lower_times(z, cholesky(sub)))
    np.clip(u, U_EPS, 1.0 - U_EPS, out=u)
    return u


def cholesky(r: Array) -> Array:
    """Lower Cholesky factor ``L`` of a positive definite matrix (``L L^T = r``), computed
    in a fixed order: the same bits on every CPU and BLAS.

    Column by column (Cholesky-Crout): ``L[i, j] = (r[i, j] - sum_k<j L[i, k] L[j, k]) /
    L[j, j]``, the sum added in ascending ``k`` by element-wise operations. LAPACK's
    ``potrf`` (numpy.linalg.cholesky) sums in blocks whose order depends on the BLAS
    kernel, so its factor, and every correlated draw after it, could differ in the last
    bit between machines. At most ``MAX_CORRELATED`` inputs: ``n^2 / 2`` short operations.
    """
    a = np.asarray(r, dtype=float)
    n = a.shape[0]
    out = np.zeros((n, n))
    for j in range(n):
        v = a[j:, j].copy()
        for k in range(j):
            if out[j, k] != 0.0:
                v -= out[j:, k] * out[j, k]
        if not v[0] > 0.0:
            raise InputError(
                "the correlation matrix is not positive definite", field="correlations"
            )
        d = math.sqrt(float(v[0]))
        out[j, j] = d
        out[j + 1 :, j] = v[1:] / d
    return out


def lower_times(z: Array, lower: Array) -> Array:
    """``z @ lower.T`` for a lower-triangular ``lower``, in a fixed order (no BLAS).

    Column ``i`` of the result is ``sum_k<=i z[:, k] lower[i, k]`` over the non-zero
    ``lower[i, k]``, added in ascending ``k``: a row's values do not depend on how many rows
    are drawn together (so chunked draws equal unchunked ones bit for bit), on the BLAS
    threads or on the CPU, as a matrix product's would.
    """
    zt = np.ascontiguousarray(np.asarray(z, dtype=float).T)  # one input per row
    m = zt.shape[0]
    out = np.empty_like(zt)
    term = np.empty(zt.shape[1])
    for i in range(m):
        acc = out[i]
        first = True
        for k in range(i + 1):
            w = float(lower[i, k])
            if w == 0.0:
                continue
            if first:
                np.multiply(zt[k], w, out=acc)
                first = False
            else:
                np.multiply(zt[k], w, out=term)
                acc += term
        if first:
            acc[...] = 0.0
    return np.ascontiguousarray(out.T)


def draw_inputs(
    model: BaseModel,
    draws: int,
    rng: np.random.Generator,
    correlations: Sequence[Correlation] | None = None,
) -> dict[str, Array]:
    """Draw every uncertain input of a model ``draws`` times.

    Parameters
    ----------
    model : pydantic.BaseModel
        The scenario (or any model tree) holding distributions.
    draws : int
        Number of draws, >= 1.
    rng : numpy.random.Generator
        Source of randomness; nothing is drawn when the model has no distributions.
    correlations : sequence of Correlation, optional
        Rank correlations between inputs (Gaussian copula, see the module docstring).

    Returns
    -------
    dict of str to ndarray
        Path -> array of shape ``(draws,)``.

    Raises
    ------
    InputError
        ``draws < 1``, or correlations that name unknown inputs or are inconsistent.
    """
    if draws < 1:
        raise InputError("draws must be at least 1", field="draws", value=draws)
    inputs = uncertain_inputs(model)
    paths = list(inputs)
    corr = correlation_matrix(paths, correlations)
    if not paths:
        return {}
    u = draw_uniforms(draws, len(paths), rng, corr)
    if draws < PARALLEL_PPF_DRAWS:
        return {p: inputs[p].ppf(u[:, i]) for i, p in enumerate(paths)}
    # Inverse CDFs (a beta's for PERT is ~1 us a value) release the GIL: both halves of
    # every input on two threads. The values are the same as one call's.
    from concurrent.futures import ThreadPoolExecutor

    out = {p: np.empty(draws) for p in paths}
    half = draws // 2

    def fill(i: int, a: int, b: int) -> None:
        out[paths[i]][a:b] = inputs[paths[i]].ppf(u[a:b, i])

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [
            pool.submit(fill, i, a, b)
            for i in range(len(paths))
            for a, b in ((0, half), (half, draws))
        ]
        for f in futures:
            f.result()
    return out


PARALLEL_PPF_DRAWS = 8192
"""From this many draws, :func:`draw_inputs` computes the inverse CDFs on two threads."""


def _realize(obj: Any, path: str, values: Mapping[str, Any], used: set[str]) -> Any:
    if isinstance(obj, DistributionBase):
        if path in values:
            used.add(path)
            return values[path]
        return obj.point
    if isinstance(obj, BaseModel):
        update: dict[str, Any] = {}
        for name in type(obj).model_fields:
            old = getattr(obj, name)
            new = _realize(old, f"{path}.{name}" if path else name, values, used)
            if new is not old:
                update[name] = new
        return obj.model_copy(update=update) if update else obj
    if isinstance(obj, list):
        items = [_realize(item, f"{path}[{i}]", values, used) for i, item in enumerate(obj)]
        return items if any(a is not b for a, b in zip(items, obj, strict=True)) else obj
    if isinstance(obj, dict):
        out = {
            k: _realize(v, f"{path}.{k}" if path else str(k), values, used) for k, v in obj.items()
        }
        return out if any(out[k] is not obj[k] for k in obj) else obj
    if isinstance(obj, (int, float, np.ndarray)) and not isinstance(obj, bool) and path in values:
        used.add(path)
        return values[path]
    return obj


def realize(model: Any, values: Mapping[str, npt.ArrayLike | float]) -> Any:
    """A copy of ``model`` with its uncertain inputs replaced by values.

    Parameters
    ----------
    model : pydantic.BaseModel
        A model tree holding distributions and numbers.
    values : mapping of str to float or ndarray
        Path -> value (a float, or an array of draws). A path may name a distribution or a
        plain number (to set it, e.g. for a one-at-a-time sensitivity). Distributions not
        named take their base-case value ``.point``.

    Returns
    -------
    pydantic.BaseModel
        A new tree of the same type (the input is not changed). Copies are made with
        ``model_copy(update=...)``, i.e. without re-validation, so fields may hold arrays.
        A top-level ``correlations`` field is emptied in the copy (it has no distribution
        left to correlate).

    Raises
    ------
    InputError
        A path in ``values`` that names no numeric field of the model.
    """
    used: set[str] = set()
    out = _realize(model, "", values, used)
    if isinstance(out, BaseModel) and getattr(out, "correlations", None):
        # The copy holds no distribution any more, so correlations between them are moot;
        # dropping them lets the engine evaluate the copy as it is.
        out = out.model_copy(update={"correlations": []})
    unknown = sorted(set(values) - used)
    if unknown:
        raise InputError(
            "no numeric input at this path; expected a path such as "
            "`proposal.cost_lines[0].amount`",
            field=unknown[0],
            value=unknown[0],
        )
    return out


def _base_case(obj: Any, sizes: set[int]) -> Any:
    t = type(obj)
    if t is float or t is int or t is str or t is bool or obj is None:
        return obj  # the common leaves first, by exact type
    if isinstance(obj, DistributionBase):
        return obj.point
    if isinstance(obj, BaseModel):
        update: dict[str, Any] = {}
        for name, old in obj.__dict__.items():  # the field values of a pydantic model
            new = _base_case(old, sizes)
            if new is not old:
                update[name] = new
        return obj.model_copy(update=update) if update else obj
    if t is list:
        items = [_base_case(item, sizes) for item in obj]
        return items if any(a is not b for a, b in zip(items, obj, strict=True)) else obj
    if t is dict:
        out = {k: _base_case(v, sizes) for k, v in obj.items()}
        return out if any(out[k] is not obj[k] for k in obj) else obj
    if isinstance(obj, np.ndarray):
        sizes.add(int(obj.size))
    elif isinstance(obj, tuple):
        for item in obj:
            _base_case(item, sizes)
    return obj


def realize_base_case(model: Any) -> tuple[Any, set[int]]:
    """:func:`realize` with no values (every distribution at its base-case value), in one
    walk that also returns the sizes of the arrays of draws the model already holds.

    The engine's deterministic run: the same tree as ``realize(model, {})``, and the sizes
    that :func:`numeric_inputs` would give for arrays, without building a path per leaf
    (the walk is most of a one-draw run's bookkeeping).
    """
    sizes: set[int] = set()
    out = _base_case(model, sizes)
    if isinstance(out, BaseModel) and getattr(out, "correlations", None):
        out = out.model_copy(update={"correlations": []})  # as in realize
    return out, sizes


def numeric_inputs(model: BaseModel) -> dict[str, Any]:
    """Every numeric leaf (number or distribution) of a model tree, keyed by path."""
    return dict(_walk(model, ""))
