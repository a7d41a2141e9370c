"""Field types shared by every scenario section.

``Num`` is the type of every numeric input of a scenario: a plain number, or a
distribution such as ``{dist: triangular, min: 1, mode: 2, max: 4}`` (see
:mod:`ccecon.uncertainty.distributions` for the kinds and their parameters). In the JSON
Schema it is the definition ``Num``: "a number, or one of the distribution objects told
apart by ``dist``", so editors can complete and check both forms. A mapping is validated
only as the distribution its ``dist`` key names, so an error names that branch alone
(``amount.triangular: min (5) is above max (4)``).

Bounds work on both forms: ``Field(ge=0)`` on a ``Num`` field (or the ready-made
``NonNegNum``) requires a number within the bound, or a distribution whose whole support
is within it (a truncnormal amount then needs ``min: 0``).

Ratios have their own types, one per domain (:mod:`ccecon.units`): a fraction (``0.35``)
or a percent string (``"35%"``), a bare number outside the domain refused, the same rule
for every parameter of a distribution given instead:

=================  ==================  =========================================
type               values              fields
=================  ==================  =========================================
``Share``          [0 %, 100 %]        sales_rate, after_hours_share, revenue_share
``ShareBelowOne``  [0 %, 100 %)        shrinkage
``GoalShare``      (0 %, 100 %)        sl_target, max_abandon, max_occupancy
``YearlyRate``     (-100 %, 10,000 %]  growth, discount_rate (bare: at most 1)
``RiskShare``      [-100 %, 100 %]     risk (bare: strictly between -1 and 1)
=================  ==================  =========================================

``ShareNumber``, ``ShareBelowOneNumber`` and ``GoalShareNumber`` are the same without
distributions (the staffing goals, which are fixed; the web API; a payroll's tax rate).

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
    Share: TypeAlias = float | Distribution
    ShareBelowOne: TypeAlias = float | Distribution
    GoalShare: TypeAlias = float | Distribution
    YearlyRate: TypeAlias = float | Distribution
    RiskShare: TypeAlias = float | Distribution
    ShareNumber: TypeAlias = float
    ShareBelowOneNumber: TypeAlias = float
    GoalShareNumber: TypeAlias = float
else:
    # A named alias keeps the tagged union whole, so field constraints (ge=0) apply to the
    # value rather than to the union's branches.
    from typing_extensions import TypeAliasType

    from ccecon.uncertainty.distributions import number_or_distribution

    Num = TypeAliasType("Num", number_or_distribution())
    NonNegNum = TypeAliasType("NonNegNum", number_or_distribution(ge=0.0))
    from ccecon import units

    Share = TypeAliasType("Share", number_or_distribution(domain=units.SHARE))
    ShareBelowOne = TypeAliasType(
        "ShareBelowOne", number_or_distribution(domain=units.SHARE_BELOW_ONE)
    )
    GoalShare = TypeAliasType("GoalShare", number_or_distribution(domain=units.GOAL_SHARE))
    YearlyRate = TypeAliasType("YearlyRate", number_or_distribution(domain=units.YEARLY_RATE))
    RiskShare = TypeAliasType("RiskShare", number_or_distribution(domain=units.RISK))
    ShareNumber = TypeAliasType("ShareNumber", units.ratio_type(units.SHARE))
    ShareBelowOneNumber = TypeAliasType(
        "ShareBelowOneNumber", units.ratio_type(units.SHARE_BELOW_ONE)
    )
    GoalShareNumber = TypeAliasType("GoalShareNumber", units.ratio_type(units.GOAL_SHARE))
