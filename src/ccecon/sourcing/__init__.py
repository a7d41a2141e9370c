"""Sourcing decision: in-house, outsourced, hosted and hybrid on the same demand.

Each option is a case of the engine: its work (volumes, agent hours, paid FTE) comes from
:func:`ccecon.cases.case_drivers` and the scenario's ``staffing``, as in every business
case.

* :mod:`ccecon.scenario.pricing`: contract price models (per seat, package, per call,
  per minute, per agent hour, commission, outbound, tiers, setup, term, sum).
* :mod:`ccecon.scenario.sourcing`: the scenario section :class:`SourcingSpec`.
* :mod:`ccecon.sourcing.work`: an option's work from the engine (routing shares).
* :mod:`ccecon.sourcing.compare`: :func:`compare` -> :class:`Comparison`.
"""

from ccecon.scenario.pricing import Charge as Charge
from ccecon.scenario.pricing import Usage as Usage
from ccecon.scenario.sourcing import SourcingSpec as SourcingSpec
from ccecon.sourcing.compare import Comparison as Comparison
from ccecon.sourcing.compare import compare as compare
from ccecon.sourcing.work import Work as Work

__all__ = [
    "Charge",
    "Comparison",
    "SourcingSpec",
    "Usage",
    "Work",
    "compare",
]
