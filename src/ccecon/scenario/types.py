"""Field types shared by every scenario section.

``Num`` is the type of every numeric input of a scenario: a plain number, or a
distribution such as ``{dist: triangular, min: 1, mode: 2, max: 4}`` (see
:mod:`ccecon.uncertainty.distributions` for the kinds and their parameters). In the JSON
Schema it is the definition ``Num``: "a number, or one of the distribution objects told
apart by ``dist``", so editors can complete and check both forms. A mapping is validated
only as the distribution its ``dist`` key names, so an error names that branch alone
(``amount.triangular: min (5) is above max (4)``).

Bounds work on both forms: ``Field(ge=0)`` on a ``Num`` field (or the ready-made
``NonNegNum`` / ``Fraction``) requires a number within the bound, or a distribution whose
whole support is within it (a truncnormal amount then needs ``min: 0``).

The engine reads every ``Num`` with ``numpy.asarray`` after sampling
(:func:`ccecon.uncertainty.sampling.realize`), so a value is a float for a deterministic
run and an array of draws for a Monte Carlo run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from ccecon.uncertainty.distributions import Distribution

    Num: TypeAlias = float | Distribution
    NonNegNum: TypeAlias = float | Distribution
    Fraction: TypeAlias = float | Distribution
else:
    # A named alias keeps the tagged union whole, so field constraints (ge=0) apply to the
    # value rather than to the union's branches.
    from typing_extensions import TypeAliasType

    from ccecon.uncertainty.distributions import number_or_distribution

    Num = TypeAliasType("Num", number_or_distribution())
    NonNegNum = TypeAliasType("NonNegNum", number_or_distribution(ge=0.0))
    Fraction = TypeAliasType("Fraction", number_or_distribution(ge=0.0, le=1.0))
