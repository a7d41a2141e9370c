"""The work of a sourcing option, from the engine: volumes, drivers, agent hours and FTE.

Every option handles the scenario's channels (growth, the option's levers) through
:func:`ccecon.cases.case_drivers`, the function that builds every business case; its
agents come from the scenario's ``staffing`` section through the same
:func:`ccecon.cases.staffing_drivers` (:mod:`ccecon.queueing.workload`: interval
profile, Erlang C or A, occupancy caps, shrinkage, paid hours, calendar days). There is
no second demand or staffing model: an option's workload, agent hours and FTE are those
of ``evaluate`` on the same case (a test checks it on every example, exactly).

Routing (hybrid) is a share of each channel's volume per month, applied after the levers
(``case_drivers(..., shares=...)``), so each side's drivers and staffing follow the volume
it handles; a time-window rule also gives each side the interval-of-week profile of the
contacts it handles (``profiles``), so each side is staffed for its own hours. Arrays have
shape (draws or 1, months + 1); column 0 (signing) is 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ccecon.scenario.pricing import Usage, usage_from_drivers

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Work:
    """What one side of an option handles (its own agents, or the provider's).

    Attributes
    ----------
    volumes : dict of str to ndarray
        Contacts per channel and month handled by this side.
    drivers : mapping of str to ndarray
        The engine's drivers of this side (calls, contacts, minutes, sales, ...).
    agent_hours, fte : ndarray or None
        Agent hours on the phones and paid FTE per month from the scenario's ``staffing``
        (None when the scenario has no staffing section).
    """

    volumes: Mapping[str, Array]
    drivers: Mapping[str, Array]
    agent_hours: Array | None
    fte: Array | None

    def usage(self, revenue_per_sale: Any) -> Usage:
        """What a contract bills, plan months 1..M (seats and hours NaN without staffing)."""
        return usage_from_drivers(
            {**self.drivers, "fte": self.fte, "agent_hours": self.agent_hours}
            if self.fte is not None and self.agent_hours is not None
            else {k: v for k, v in self.drivers.items() if k not in ("fte", "agent_hours")},
            revenue_per_sale,
        )


def case_work(
    scenario: Any,
    levers: Sequence[Any] = (),
    shares: Mapping[str, Array] | None = None,
    profiles: Mapping[str, Array] | None = None,
) -> Work:
    """The engine's drivers of a case with ``levers``, each channel's volume x its share,
    staffed with each channel's interval-of-week profile in ``profiles`` (time-window
    routing; default the staffing's profiles)."""
    from ccecon.cases import case_drivers
    from ccecon.scenario.schema import Case

    case = Case.model_construct(
        label=None, cost_lines=[], benefit_lines=[], levers=list(levers), drivers={}
    )
    volumes, drivers = case_drivers(scenario, case, shares, profiles)
    return Work(volumes, drivers, drivers.get("agent_hours"), drivers.get("fte"))


def zero_work(scenario: Any) -> Work:
    """The work of a side that handles nothing: what :func:`case_work` gives with every
    share 0 (zeros), without running the staffing."""
    z: Array = np.zeros((1, int(scenario.horizon_months) + 1))
    names = [c.name for c in scenario.channels]
    drivers: dict[str, Array] = {
        k: z for k in ("calls", "inbound_calls", "outbound_calls", "contacts", "minutes", "sales")
    }
    for n in names:
        drivers[n] = z
        drivers[f"{n}.minutes"] = z
    staffed = scenario.staffing is not None
    if staffed:
        drivers.update({k: z for k in ("agent_hours", "fte", "peak_agents")})
    return Work(dict.fromkeys(names, z), drivers, z if staffed else None, z if staffed else None)


def staffing_goals(scenario: Any) -> dict[str, Any]:
    """The interval model and goals of the scenario's ``staffing`` section
    (:func:`ccecon.scenario.staffing.staffing_goals`, the one mapping, shared with the engine)."""
    from ccecon.scenario.staffing import staffing_goals as goals

    return goals(scenario)


def paid_fte(scenario: Any, hours: Array) -> Array:
    """Paid FTE of agent hours, the staffing's rule: ``hours / (paid hours x (1 - shrinkage))``."""
    st = scenario.staffing
    s = np.asarray(st.shrinkage, dtype=float).reshape(-1, 1)
    paid = np.asarray(st.paid_hours_per_fte_month, dtype=float).reshape(-1, 1)
    return np.asarray(hours / (paid * (1.0 - s)), dtype=float)


def staffed(scenario: Any) -> set[str]:
    """Names of the channels the staffing sizes (empty without staffing)."""
    if scenario.staffing is None:
        return set()
    from ccecon.scenario.staffing import staffed_channels

    return set(staffed_channels(scenario))
