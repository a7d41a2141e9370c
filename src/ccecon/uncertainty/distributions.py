"""Distributions a scenario may give instead of a number.

Any numeric scenario input (type :data:`ccecon.scenario.types.Num`) may be written as one of
these objects, told apart by the ``dist`` key::

    amount: {dist: triangular, min: 80000, mode: 100000, max: 150000}
    aht_s: {dist: pert, min: 240, mode: 300, max: 420}          # lamb defaults to 4
    growth: {dist: uniform, min: 0.0, max: 0.08}
    per_month: {dist: truncnormal, mean: 50000, sd: 5000, min: 0}
    amount: {dist: lognormal, median: 20000, p90: 35000}
    quantity: {dist: discrete, values: [10, 12, 15], probs: [0.2, 0.5, 0.3]}
    amount: {dist: three_point, low: 50, likely: 60, high: 90}  # PERT with lamb = 4

Every distribution exposes

* ``ppf(u)``: the inverse CDF (quantile function), vectorized over an array ``u`` in (0, 1);
  sampling is ``ppf(uniforms)`` so that rank correlation (a Gaussian copula) can be imposed
  on the uniforms (see :mod:`ccecon.uncertainty.sampling`);
* ``mean`` and ``variance``: exact moments (closed forms cited below);
* ``point``: the **base-case value** a deterministic run uses. It is the value the user
  states as "most likely": the mode for triangular, PERT and three-point; the location
  ``mean`` for a truncated normal (the peak of its density, which is also its mean when the
  truncation is symmetric); the ``median`` for a lognormal (the value the user typed; the
  mode of a skewed lognormal lies well below what people give as their central guess);
  the mean (mid-point) for a uniform; the most probable value for a discrete distribution
  (the first listed on a tie);
* ``p10`` and ``p90``: the 10th and 90th percentiles, the low and high settings of the
  one-at-a-time tornado. (They are not called ``low``/``high`` because ``three_point``
  uses those names for its minimum and maximum.)

Parameters are checked when the scenario is read: a minimum above the maximum, a
non-positive spread or probabilities that do not sum to 1 raise a pydantic
``ValidationError`` whose message says which value is wrong and what was expected.

Sources
-------
* Triangular and uniform moments: Johnson, Kotz & Balakrishnan, *Continuous Univariate
  Distributions* vol. 2 (1995), ch. 26; Evans, Hastings & Peacock, *Statistical
  Distributions* (2000), ch. 40 (triangular).
* PERT (beta-PERT): Malcolm, Roseboom, Clark & Fazar, "Application of a technique for
  research and development program evaluation", Operations Research 7(5), 1959; the
  modified-PERT shape ``lamb`` of Vose, *Risk Analysis* (2008), sec. 9.1.
  ``alpha = 1 + lamb (mode - min) / (max - min)``, ``beta = 1 + lamb (max - mode) / (max -
  min)``, mean ``(min + lamb mode + max) / (lamb + 2)``.
* Truncated normal moments: Johnson, Kotz & Balakrishnan vol. 1 (1994), sec. 10.1.
* Lognormal: ``ln X ~ Normal(mu, sigma)`` with ``mu = ln(median)`` and
  ``sigma = ln(p90 / median) / z_0.9`` (``z_0.9 = 1.2815515655446004``); mean
  ``exp(mu + sigma^2 / 2)``, variance ``(exp(sigma^2) - 1) exp(2 mu + sigma^2)``
  (Johnson, Kotz & Balakrishnan vol. 1, ch. 14).
"""

from __future__ import annotations

import math
import warnings
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias, Union

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from ccecon.units import RatioDomain

Array = npt.NDArray[np.float64]

Z90 = 1.2815515655446004
"""Standard normal 90th percentile, ``scipy.stats.norm.ppf(0.9)``."""

PROB_TOLERANCE = 1e-6
"""Discrete probabilities must sum to 1 within this absolute tolerance."""


def _finite(name: str, value: float) -> None:
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")


class _Dist(BaseModel):
    """Base class: frozen, unknown keys refused, numeric parameters finite."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def _frozen(self) -> Any:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def ppf(self, u: npt.ArrayLike) -> Array:
        """Inverse CDF: the value below which a share ``u`` of the distribution lies.

        Parameters
        ----------
        u : array_like
            Probabilities in (0, 1); any shape.

        Returns
        -------
        ndarray of float
            Same shape as ``u``.
        """
        q = np.asarray(u, dtype=float)
        return np.asarray(self._frozen().ppf(q), dtype=float)

    @property
    def mean(self) -> float:
        """Expected value."""
        return float(self._frozen().mean())

    @property
    def variance(self) -> float:
        """Variance."""
        return float(self._frozen().var())

    @property
    def point(self) -> float:  # pragma: no cover - every subclass overrides
        """Base-case value used by a deterministic run."""
        raise NotImplementedError

    @property
    def p10(self) -> float:
        """10th percentile: the tornado's low setting."""
        return float(self.ppf(0.1))

    @property
    def p90(self) -> float:
        """90th percentile: the tornado's high setting."""
        return float(self.ppf(0.9))

    @property
    def support(self) -> tuple[float, float]:
        """Smallest and largest possible values (``-inf``/``inf`` when unbounded)."""
        lo, hi = self._frozen().support()
        return float(lo), float(hi)

    # Comparisons with a number compare the whole support, so that a pydantic bound such as
    # ``Field(ge=0)`` on a number-or-distribution field checks every possible value.
    def __ge__(self, other: object) -> bool:
        """True when every possible value is >= ``other``."""
        if not isinstance(other, (int, float)):
            return NotImplemented
        return self.support[0] >= other

    def __gt__(self, other: object) -> bool:
        """True when every possible value is > ``other``."""
        if not isinstance(other, (int, float)):
            return NotImplemented
        return self.support[0] > other

    def __le__(self, other: object) -> bool:
        """True when every possible value is <= ``other``."""
        if not isinstance(other, (int, float)):
            return NotImplemented
        return self.support[1] <= other

    def __lt__(self, other: object) -> bool:
        """True when every possible value is < ``other``."""
        if not isinstance(other, (int, float)):
            return NotImplemented
        return self.support[1] < other

    def sample(self, n: int, rng: np.random.Generator) -> Array:
        """``n`` independent draws (inverse-CDF sampling of ``rng.random(n)``)."""
        return self.ppf(rng.random(n))


def _check_range(lo: float, hi: float, lo_name: str = "min", hi_name: str = "max") -> None:
    _finite(lo_name, lo)
    _finite(hi_name, hi)
    if lo > hi:
        raise ValueError(
            f"{lo_name} ({lo:g}) is above {hi_name} ({hi:g}); expected {lo_name} < {hi_name}"
        )
    if lo == hi:
        raise ValueError(
            f"{lo_name} equals {hi_name} ({lo:g}): a range of zero width is not uncertain; "
            "write the plain number instead"
        )


def _check_mode(
    lo: float,
    mode: float,
    hi: float,
    mode_name: str = "mode",
    lo_name: str = "min",
    hi_name: str = "max",
) -> None:
    _check_range(lo, hi, lo_name, hi_name)
    _finite(mode_name, mode)
    if not lo <= mode <= hi:
        raise ValueError(
            f"{mode_name} ({mode:g}) must lie between {lo_name} ({lo:g}) and {hi_name} ({hi:g})"
        )


class Triangular(_Dist):
    """Triangular distribution on [min, max] with its peak at ``mode``.

    Mean ``(min + mode + max) / 3``; variance
    ``(a^2 + b^2 + c^2 - ab - ac - bc) / 18`` with a = min, b = max, c = mode
    (Evans, Hastings & Peacock 2000, ch. 40). Base case: ``mode``.

    Examples
    --------
    >>> t = Triangular(dist="triangular", min=0, mode=5, max=10)
    >>> t.mean, t.variance, t.point
    (5.0, 4.166666666666667, 5.0)
    >>> round(t.p10, 6), round(t.p90, 6)  # 10 -/+ sqrt(0.1 x 10 x 5) from each end
    (2.236068, 7.763932)
    """

    dist: Literal["triangular"] = Field(description="Triangular distribution.")
    min: float = Field(description="Smallest possible value.")
    mode: float = Field(description="Most likely value (the base case).")
    max: float = Field(description="Largest possible value.")

    @model_validator(mode="after")
    def _check(self) -> Triangular:
        _check_mode(self.min, self.mode, self.max)
        return self

    def _frozen(self) -> Any:
        from scipy import stats

        width = self.max - self.min
        return stats.triang(c=(self.mode - self.min) / width, loc=self.min, scale=width)

    @property
    def mean(self) -> float:
        """``(min + mode + max) / 3``."""
        return (self.min + self.mode + self.max) / 3.0

    @property
    def variance(self) -> float:
        """``(a^2 + b^2 + c^2 - ab - ac - bc) / 18``."""
        a, b, c = self.min, self.max, self.mode
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0

    @property
    def point(self) -> float:
        """The mode."""
        return self.mode

    @property
    def support(self) -> tuple[float, float]:
        """``(min, max)``."""
        return self.min, self.max


_PPF_Z = np.linspace(-8.0, 8.0, 1025)
"""Table nodes of :func:`beta_ppf`, in normal scores ``z = Phi^-1(u)``."""


@lru_cache(maxsize=64)
def _beta_table(a: float, b: float) -> tuple[Array, Array, float]:
    """(nodes, Hermite slopes times the node step, ln B(a, b)) of :func:`beta_ppf`."""
    from scipy import special, stats

    h = float(_PPF_Z[1] - _PPF_Z[0])
    log_beta = float(special.betaln(a, b))
    q = special.ndtr(_PPF_Z)
    nodes = np.asarray(stats.beta.ppf(q, a, b), dtype=float)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        # scipy's inverse stops early in places (1e-8 off at q = 1/2 for a = b = 1.1875,
        # where the answer is exactly 1/2): two Newton steps on I_x(a, b) = q polish every
        # node, the upper half through the complement I_{1-x}(b, a) = 1 - q.
        upper = q > 0.5
        for _ in range(2):
            f = np.exp((a - 1.0) * np.log(nodes) + (b - 1.0) * np.log1p(-nodes) - log_beta)
            gap = np.where(
                upper,
                (1.0 - q) - special.betainc(b, a, 1.0 - nodes),
                special.betainc(a, b, nodes) - q,
            )
            new = nodes - gap / f
            good = np.isfinite(new) & (new > 0.0) & (new < 1.0)
            nodes = np.where(good, new, nodes)
        density = np.exp((a - 1.0) * np.log(nodes) + (b - 1.0) * np.log1p(-nodes) - log_beta)
        slope = h * np.exp(-0.5 * _PPF_Z**2) / np.sqrt(2.0 * np.pi) / density
    nodes.setflags(write=False)
    slope.setflags(write=False)
    return nodes, slope, log_beta


def beta_ppf(q: npt.ArrayLike, a: float, b: float) -> Array:
    """Quantiles of Beta(a, b): the ``x`` in [0, 1] with ``I_x(a, b) = q``, vectorized.

    Method: scipy's exact quantiles (boost ``ibeta_inv``) at 1,025 table nodes evenly spaced
    in the normal score ``z = Phi^-1(q)`` over [-8, 8] (so both tails are resolved), cubic
    Hermite interpolation in ``z`` with the exact slopes ``dx/dz = phi(z) / f(x)``, then one
    Newton step on ``I_x(a, b) - q``. A value is kept when that step is below 1e-8 of it
    (the Newton error is then of order the step squared: ~1e-16); any other value (outside
    the table, or not converged) is computed by scipy's inverse. Cost: one incomplete beta
    function per value instead of an inverse; agrees with scipy to ~1e-13 relative
    (tests/uncertainty/test_distributions.py).

    Parameters
    ----------
    q : array_like
        Probabilities in [0, 1].
    a, b : float
        Shape parameters (>= 1 for PERT).

    Returns
    -------
    ndarray
        Same shape as ``q``.
    """
    from scipy import special, stats

    q = np.asarray(q, dtype=float)
    flat = q.ravel()
    h = float(_PPF_Z[1] - _PPF_Z[0])
    nodes, slope, log_beta = _beta_table(float(a), float(b))
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        z = special.ndtri(flat)
        pos = (z - _PPF_Z[0]) / h
        i = np.clip(np.nan_to_num(pos, nan=0.0).astype(np.intp), 0, _PPF_Z.size - 2)
        t = pos - i
        t2 = t * t
        t3 = t2 * t
        x = (
            (2.0 * t3 - 3.0 * t2 + 1.0) * nodes[i]
            + (t3 - 2.0 * t2 + t) * slope[i]
            + (3.0 * t2 - 2.0 * t3) * nodes[i + 1]
            + (t3 - t2) * slope[i + 1]
        )
        f = np.exp((a - 1.0) * np.log(x) + (b - 1.0) * np.log1p(-x) - log_beta)
        # I_x - q; where q > 1/2 from the complement 1 - I_x = I_{1-x}(b, a) (1 - q and
        # 1 - x are exact there; I_x - q itself would cancel near 1). scipy's betaincc is
        # ~15x slower than betainc, hence the swapped shapes.
        upper = flat > 0.5
        gap = np.empty_like(x)
        gap[~upper] = special.betainc(a, b, x[~upper]) - flat[~upper]
        gap[upper] = (1.0 - flat[upper]) - special.betainc(b, a, 1.0 - x[upper])
        step = gap / f
        x = x - step
        ok = (
            (np.abs(step) <= 1e-8 * np.minimum(x, 1.0 - x))
            & (np.abs(z) <= 8.0)
            & (x > 0.0)
            & (x < 1.0)
        )
    if not ok.all():
        with warnings.catch_warnings():
            # boost's inverse may stop its root finding early in the far tails and say so;
            # the value it returns is then still within ~1e-9 relative (tested against the
            # defining equation), far inside what a draw needs: not the user's concern.
            warnings.filterwarnings(
                "ignore", message=".*boost::math::ibeta", category=RuntimeWarning
            )
            x[~ok] = stats.beta.ppf(flat[~ok], a, b)
    return np.asarray(x, dtype=float).reshape(q.shape)


class _PertLike(_Dist):
    """Beta-PERT on [lo, hi] with mode ``m`` and shape ``lamb`` (Vose 2008, sec. 9.1)."""

    def _abc(self) -> tuple[float, float, float, float]:  # pragma: no cover - overridden
        raise NotImplementedError

    def _shape(self) -> tuple[float, float, float, float]:
        lo, m, hi, lamb = self._abc()
        width = hi - lo
        alpha = 1.0 + lamb * (m - lo) / width
        beta = 1.0 + lamb * (hi - m) / width
        return alpha, beta, lo, width

    def _frozen(self) -> Any:
        from scipy import stats

        alpha, beta, lo, width = self._shape()
        return stats.beta(alpha, beta, loc=lo, scale=width)

    def ppf(self, u: npt.ArrayLike) -> Array:
        """Inverse CDF: ``min + (max - min) x`` with ``I_x(alpha, beta) = u``.

        Always through :func:`beta_ppf` (about 3x faster than scipy's inverse on many
        values, equal to it to ~1e-11 relative), whatever the number of values, so a draw
        is the same bits in a chunk of any size (same seed, same output).
        """
        q = np.asarray(u, dtype=float)
        alpha, beta, lo, width = self._shape()
        return np.asarray(lo + width * beta_ppf(q, alpha, beta), dtype=float)

    @property
    def mean(self) -> float:
        """``(min + lamb mode + max) / (lamb + 2)``."""
        lo, m, hi, lamb = self._abc()
        return (lo + lamb * m + hi) / (lamb + 2.0)

    @property
    def variance(self) -> float:
        """Beta variance ``alpha beta / ((alpha + beta)^2 (alpha + beta + 1))`` x width^2."""
        alpha, beta, _, width = self._shape()
        s = alpha + beta
        return alpha * beta / (s * s * (s + 1.0)) * width * width

    @property
    def point(self) -> float:
        """The mode (most likely value)."""
        return self._abc()[1]

    @property
    def support(self) -> tuple[float, float]:
        """``(min, max)``."""
        lo, _, hi, _ = self._abc()
        return lo, hi


class Pert(_PertLike):
    """Beta-PERT on [min, max] with mode ``mode`` and shape ``lamb`` (default 4).

    ``lamb = 4`` is the classic PERT (Malcolm et al. 1959): mean ``(min + 4 mode + max) / 6``.
    Larger ``lamb`` concentrates the mass around the mode. Base case: ``mode``.
    """

    dist: Literal["pert"] = Field(description="Beta-PERT distribution.")
    min: float = Field(description="Smallest possible value.")
    mode: float = Field(description="Most likely value (the base case).")
    max: float = Field(description="Largest possible value.")
    lamb: float = Field(4.0, description="Shape: weight of the mode (4 = classic PERT).")

    @model_validator(mode="after")
    def _check(self) -> Pert:
        _check_mode(self.min, self.mode, self.max)
        _finite("lamb", self.lamb)
        if self.lamb <= 0:
            raise ValueError(f"lamb must be positive (4 = classic PERT), got {self.lamb:g}")
        return self

    def _abc(self) -> tuple[float, float, float, float]:
        return self.min, self.mode, self.max, self.lamb


class ThreePoint(_PertLike):
    """Three-point estimate (low, likely, high) read as a classic PERT (``lamb = 4``).

    ``low`` and ``high`` are the minimum and maximum (not P10/P90); mean
    ``(low + 4 likely + high) / 6`` (Malcolm et al. 1959). Base case: ``likely``.
    """

    dist: Literal["three_point"] = Field(description="Three-point estimate -> PERT.")
    low: float = Field(description="Lowest plausible value (the minimum).")
    likely: float = Field(description="Most likely value (the base case).")
    high: float = Field(description="Highest plausible value (the maximum).")

    @model_validator(mode="after")
    def _check(self) -> ThreePoint:
        _check_mode(self.low, self.likely, self.high, "likely", "low", "high")
        return self

    def _abc(self) -> tuple[float, float, float, float]:
        return self.low, self.likely, self.high, 4.0


class Uniform(_Dist):
    """Uniform on [min, max]: mean ``(min + max) / 2``, variance ``(max - min)^2 / 12``.

    Base case: the mean (a uniform has no mode).
    """

    dist: Literal["uniform"] = Field(description="Uniform distribution.")
    min: float = Field(description="Smallest value.")
    max: float = Field(description="Largest value.")

    @model_validator(mode="after")
    def _check(self) -> Uniform:
        _check_range(self.min, self.max)
        return self

    def ppf(self, u: npt.ArrayLike) -> Array:
        """``min + u (max - min)``."""
        q = np.asarray(u, dtype=float)
        return np.asarray(self.min + q * (self.max - self.min), dtype=float)

    @property
    def mean(self) -> float:
        """``(min + max) / 2``."""
        return (self.min + self.max) / 2.0

    @property
    def variance(self) -> float:
        """``(max - min)^2 / 12``."""
        return (self.max - self.min) ** 2 / 12.0

    @property
    def point(self) -> float:
        """The mean."""
        return self.mean

    @property
    def support(self) -> tuple[float, float]:
        """``(min, max)``."""
        return self.min, self.max


class TruncNormal(_Dist):
    """Normal(mean, sd) truncated to [min, max]; either bound may be omitted (unbounded).

    Base case: the location ``mean`` (the peak of the density; equal to the distribution's
    mean when the truncation is symmetric or absent). ``mean`` must lie within the bounds.
    """

    dist: Literal["truncnormal"] = Field(description="Truncated normal distribution.")
    mean_: float = Field(alias="mean", description="Mean of the normal before truncation.")
    sd: float = Field(description="Standard deviation of the normal before truncation (> 0).")
    min: float | None = Field(None, description="Lower bound (none = unbounded).")
    max: float | None = Field(None, description="Upper bound (none = unbounded).")

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, serialize_by_alias=True
    )

    @model_validator(mode="after")
    def _check(self) -> TruncNormal:
        _finite("mean", self.mean_)
        _finite("sd", self.sd)
        if self.sd <= 0:
            raise ValueError(f"sd must be positive, got {self.sd:g} (negative or zero spread)")
        lo = -math.inf if self.min is None else self.min
        hi = math.inf if self.max is None else self.max
        if self.min is not None and self.max is not None:
            _check_range(self.min, self.max)
        if not lo <= self.mean_ <= hi:
            raise ValueError(
                f"mean ({self.mean_:g}) must lie between min ({lo:g}) and max ({hi:g})"
            )
        return self

    def _frozen(self) -> Any:
        from scipy import stats

        lo = -math.inf if self.min is None else self.min
        hi = math.inf if self.max is None else self.max
        return stats.truncnorm(
            (lo - self.mean_) / self.sd,
            (hi - self.mean_) / self.sd,
            loc=self.mean_,
            scale=self.sd,
        )

    @property
    def point(self) -> float:
        """The location ``mean``."""
        return self.mean_

    @property
    def support(self) -> tuple[float, float]:
        """``(min, max)`` with ``-inf``/``inf`` for an omitted bound."""
        lo = -math.inf if self.min is None else self.min
        hi = math.inf if self.max is None else self.max
        return lo, hi


class LogNormal(_Dist):
    """Lognormal given by its ``median`` and 90th percentile ``p90`` (both > 0, p90 > median).

    ``ln X ~ Normal(ln median, sigma)`` with ``sigma = ln(p90 / median) / 1.28155``. This
    parametrization asks for two values a user can picture ("typically 20 000, one time in
    ten above 35 000") instead of the log-scale parameters. Right-skewed, positive. Base
    case: the median.
    """

    dist: Literal["lognormal"] = Field(description="Lognormal given by median and P90.")
    median: float = Field(description="Median (50th percentile, > 0); the base case.")
    p90_: float = Field(alias="p90", description="90th percentile (> median).")

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, serialize_by_alias=True
    )

    @model_validator(mode="after")
    def _check(self) -> LogNormal:
        _finite("median", self.median)
        _finite("p90", self.p90_)
        if self.median <= 0:
            raise ValueError(f"median must be positive for a lognormal, got {self.median:g}")
        if self.p90_ <= self.median:
            raise ValueError(
                f"p90 ({self.p90_:g}) must be above the median ({self.median:g}) "
                "(zero or negative spread)"
            )
        return self

    @property
    def sigma(self) -> float:
        """Standard deviation of ``ln X``."""
        return math.log(self.p90_ / self.median) / Z90

    def _frozen(self) -> Any:
        from scipy import stats

        return stats.lognorm(s=self.sigma, scale=self.median)

    @property
    def mean(self) -> float:
        """``exp(mu + sigma^2 / 2)``."""
        return self.median * math.exp(self.sigma**2 / 2.0)

    @property
    def variance(self) -> float:
        """``(exp(sigma^2) - 1) exp(2 mu + sigma^2)``."""
        s2 = self.sigma**2
        return math.expm1(s2) * self.median**2 * math.exp(s2)

    @property
    def point(self) -> float:
        """The median."""
        return self.median

    @property
    def support(self) -> tuple[float, float]:
        """``(0, inf)``."""
        return 0.0, math.inf

    @property
    def p90(self) -> float:
        """The given 90th percentile."""
        return self.p90_


class Discrete(_Dist):
    """A choice among ``values`` with probabilities ``probs`` (summing to 1).

    Base case: the most probable value (the first listed on a tie). The inverse CDF orders
    the values ascending, so rank correlation acts on the value order.
    """

    dist: Literal["discrete"] = Field(description="Discrete choices with probabilities.")
    values: list[float] = Field(min_length=1, description="Possible values (distinct).")
    probs: list[float] = Field(min_length=1, description="Probability of each value.")

    @model_validator(mode="after")
    def _check(self) -> Discrete:
        if len(self.values) != len(self.probs):
            raise ValueError(
                f"values has {len(self.values)} entries but probs has {len(self.probs)}; "
                "expected one probability per value"
            )
        for i, v in enumerate(self.values):
            _finite(f"values[{i}]", v)
        if len(set(self.values)) != len(self.values):
            raise ValueError(f"values must be distinct, got {self.values}")
        for i, p in enumerate(self.probs):
            if not (math.isfinite(p) and 0 <= p <= 1):
                raise ValueError(f"probs[{i}] must be between 0 and 1, got {p!r}")
        total = math.fsum(self.probs)
        if abs(total - 1.0) > PROB_TOLERANCE:
            raise ValueError(f"probs must sum to 1, they sum to {total:.6g}")
        return self

    def _sorted(self) -> tuple[Array, Array]:
        order = np.argsort(self.values, kind="stable")
        vals = np.asarray(self.values, dtype=float)[order]
        probs = np.asarray(self.probs, dtype=float)[order]
        cum = np.cumsum(probs)
        cum /= cum[-1]
        return vals, cum

    def ppf(self, u: npt.ArrayLike) -> Array:
        """Smallest value whose cumulative probability exceeds ``u``."""
        q = np.asarray(u, dtype=float)
        vals, cum = self._sorted()
        idx = np.searchsorted(cum, q, side="right")
        return np.asarray(vals[np.minimum(idx, len(vals) - 1)], dtype=float)

    @property
    def mean(self) -> float:
        """``sum p_i x_i``."""
        return math.fsum(p * v for p, v in zip(self.probs, self.values, strict=True))

    @property
    def variance(self) -> float:
        """``sum p_i (x_i - mean)^2``."""
        m = self.mean
        return math.fsum(p * (v - m) ** 2 for p, v in zip(self.probs, self.values, strict=True))

    @property
    def point(self) -> float:
        """The most probable value (first listed on a tie)."""
        best = max(range(len(self.probs)), key=lambda i: (self.probs[i], -i))
        return self.values[best]

    @property
    def support(self) -> tuple[float, float]:
        """Smallest and largest of ``values``."""
        return min(self.values), max(self.values)


Distribution: TypeAlias = Annotated[
    Triangular | Pert | Uniform | TruncNormal | LogNormal | Discrete | ThreePoint,
    Field(discriminator="dist"),
]
"""Any distribution, told apart by its ``dist`` key."""

DISTRIBUTION_TYPES: tuple[type[_Dist], ...] = (
    Triangular,
    Pert,
    Uniform,
    TruncNormal,
    LogNormal,
    Discrete,
    ThreePoint,
)
"""The distribution classes; ``isinstance(x, DISTRIBUTION_TYPES)`` tells a distribution."""

DistributionBase = _Dist
"""Common base class of every distribution (for ``isinstance`` checks)."""


def is_distribution(value: object) -> bool:
    """True if ``value`` is one of the distribution objects."""
    return isinstance(value, _Dist)


_TAGS: dict[str, type[_Dist]] = {
    "triangular": Triangular,
    "pert": Pert,
    "uniform": Uniform,
    "truncnormal": TruncNormal,
    "lognormal": LogNormal,
    "discrete": Discrete,
    "three_point": ThreePoint,
}


def _which(value: Any) -> str | None:
    """Callable discriminator of :func:`number_or_distribution`."""
    if isinstance(value, dict):
        tag = value.get("dist")
        return tag if isinstance(tag, str) else None
    if isinstance(value, _Dist):
        return str(getattr(value, "dist", None))
    return "float"


def _support_check(ge: float | None, le: float | None) -> Any:
    def check(d: _Dist) -> _Dist:
        lo, hi = d.support
        if ge is not None and lo < ge:
            raise ValueError(
                f"the distribution can take values down to {lo:g}; this field must be >= {ge:g}"
                + (" (give a truncnormal a `min`)" if math.isinf(lo) else "")
            )
        if le is not None and hi > le:
            raise ValueError(
                f"the distribution can take values up to {hi:g}; this field must be <= {le:g}"
                + (" (give a truncnormal a `max`)" if math.isinf(hi) else "")
            )
        return d

    return check


RATIO_PARAMETERS: tuple[str, ...] = (
    "min",
    "mode",
    "max",
    "low",
    "likely",
    "high",
    "mean",
    "median",
    "p90",
)
"""Parameters of a distribution that are values of the field (in its unit); ``sd`` is a
spread in that unit; ``probs`` and ``lamb`` are not in the field's unit."""


def _ratio_parameters(domain: RatioDomain) -> Any:
    """Before-validator of a distribution on a ratio field: each parameter in the field's
    unit is a fraction or a percent string, read by :func:`ccecon.units.parse_ratio` (a
    bare number outside the domain refused, as for a plain value)."""
    from ccecon.errors import InputError
    from ccecon.units import parse_ratio

    def one(key: str, v: Any) -> Any:
        if v is None:
            return v
        try:
            if key == "sd":
                return _ratio_spread(v, domain)
            return parse_ratio(v, domain)
        except InputError as exc:
            raise InputError(f"{key}: {exc.message}", value=v) from None

    def convert(value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        out = dict(value)
        for key, v in value.items():
            if key in RATIO_PARAMETERS or key == "sd":
                out[key] = one(key, v)
            elif key == "values" and isinstance(v, list):
                out[key] = [one(f"values[{i}]", item) for i, item in enumerate(v)]
        return out

    return convert


def _ratio_spread(v: Any, domain: RatioDomain) -> float:
    """A standard deviation on a ratio field: a fraction or percent string, > 0; a bare
    one at most the width of the field's bare range (``sd: 5`` on a share is a unit slip)."""
    from ccecon.units import RatioDomain, parse_ratio

    spread = RatioDomain(
        f"a spread of {domain.what}", 0.0, math.inf, lo_open=True, bare_lo=0.0, bare_hi=domain.width
    )
    return parse_ratio(v, spread)


def _domain_support(domain: RatioDomain) -> Any:
    def check(d: _Dist) -> _Dist:
        lo, hi = d.support
        for end, x in (("down", lo), ("up", hi)):
            if not domain.contains(x, bare=False):
                raise ValueError(
                    f"the distribution can take values {end} to {x * 100:g} %; this field is"
                    f" {domain.what} in {domain.interval()}"
                    + (" (give a truncnormal a `min` and a `max`)" if math.isinf(x) else "")
                )
        return d

    return check


def number_or_distribution(
    ge: float | None = None, le: float | None = None, domain: RatioDomain | None = None
) -> Any:
    """The pydantic type "a number, or a distribution", optionally bounded.

    A dict goes to the distribution named by its ``dist`` key and anything else to the
    number branch, so an error names only the branch the user meant (``amount.triangular:
    min (5) is above max (4)``) instead of every branch of the union. With ``ge``/``le``
    the number must lie within the bounds and a distribution's whole support too.

    With a ratio ``domain`` (:class:`ccecon.units.RatioDomain`) the number is a fraction or
    a percent string (``"35%"``) read by :func:`ccecon.units.parse_ratio`, and so is each
    parameter of a distribution that is in the field's unit (:data:`RATIO_PARAMETERS`,
    ``values`` and ``sd``); the distribution's whole support must lie in the domain.
    """
    from pydantic import AfterValidator, BeforeValidator, Discriminator, Tag

    num: Any = Annotated[float, Field(ge=ge, le=le)] if (ge, le) != (None, None) else float
    if domain is not None:
        from ccecon.units import ratio_json_schema, ratio_type

        num = ratio_type(domain)
    choices: list[Any] = [Annotated[num, Tag("float")]]
    for tag, cls in _TAGS.items():
        if domain is not None:
            schema = ratio_json_schema(domain)
            choices.append(
                Annotated[
                    cls,
                    BeforeValidator(_ratio_parameters(domain)),
                    AfterValidator(_domain_support(domain)),
                    _RatioParamsSchema(schema),
                    Tag(tag),
                ]
            )
        elif ge is None and le is None:
            choices.append(Annotated[cls, Tag(tag)])
        else:
            choices.append(Annotated[cls, AfterValidator(_support_check(ge, le)), Tag(tag)])
    return Annotated[
        Union[tuple(choices)],  # noqa: UP007 - built from a list at runtime
        Discriminator(
            _which,
            custom_error_type="number_or_distribution",
            custom_error_message=(
                "expected a number or a distribution object whose `dist` is one of "
                + ", ".join(_TAGS)
            ),
            custom_error_context={},
        ),
    ]


class _RatioParamsSchema:
    """JSON Schema of a distribution on a ratio field: the distribution's own schema with
    every parameter in the field's unit given the ratio's schema (a fraction or a percent
    string), so an editor accepts ``min: 25%`` where the loader does. Built when a schema
    is asked for (``ccecon schema``), not at import."""

    def __init__(self, ratio: dict[str, Any]) -> None:
        self.ratio = ratio

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> Any:
        import copy

        own = copy.deepcopy(handler.resolve_ref_schema(handler(core_schema)))
        value = {"anyOf": self.ratio["anyOf"]}
        spread = {"anyOf": [{"type": "number", "exclusiveMinimum": 0}, self.ratio["anyOf"][1]]}
        props = own.get("properties", {})
        for key, prop in props.items():
            desc = {"description": prop["description"]} if "description" in prop else {}
            if key in RATIO_PARAMETERS:
                nullable = any(b.get("type") == "null" for b in prop.get("anyOf", []))
                props[key] = {
                    **({"anyOf": [*value["anyOf"], {"type": "null"}]} if nullable else value),
                    **desc,
                    **({"default": prop["default"]} if "default" in prop else {}),
                }
            elif key == "sd":
                props[key] = {**spread, **desc}
            elif key == "values":
                props[key] = {**prop, "items": value}
        own["title"] = f"{own.get('title', '')} (ratio parameters)"
        own["description"] = (
            own.get("description", "").split("\n")[0]
            + " Parameters in the field's unit: fractions or percent strings."
        )
        return own
