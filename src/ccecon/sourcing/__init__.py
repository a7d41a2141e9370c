"""Sourcing decision: in-house, outsourced, hosted and hybrid on the same demand.

* :mod:`ccecon.sourcing.pricing`: contract price models (per seat, package, per call,
  per minute, per agent hour, commission, outbound, tiers, setup, term, sum).
* :mod:`ccecon.sourcing.spec`: the scenario section :class:`SourcingSpec`.
* :mod:`ccecon.sourcing.demand`: monthly demand, Erlang staffing, hybrid overflow.
* :mod:`ccecon.sourcing.compare`: :func:`compare` -> :class:`Comparison`.
"""

from ccecon.sourcing.compare import Comparison as Comparison
from ccecon.sourcing.compare import compare as compare
from ccecon.sourcing.demand import Demand as Demand
from ccecon.sourcing.demand import demand_from_scenario as demand_from_scenario
from ccecon.sourcing.pricing import Charge as Charge
from ccecon.sourcing.pricing import Usage as Usage
from ccecon.sourcing.spec import SourcingSpec as SourcingSpec

__all__ = [
    "Charge",
    "Comparison",
    "Demand",
    "SourcingSpec",
    "Usage",
    "compare",
    "demand_from_scenario",
]
