"""What the scenario's ``staffing`` section says, read once for every case of the engine.

The channels it sizes, the calendar days of each plan month it scales by, and its
interval model and goals as the keyword arguments of the queueing model
(:mod:`ccecon.queueing.workload`). The business case (:mod:`ccecon.cases`), the shift
schedule (:mod:`ccecon.scheduling.plan`) and every sourcing option
(:mod:`ccecon.sourcing.work`) read the section through these functions.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ccecon.scenario.schema import ChannelKind, Scenario
from ccecon.units import month_label

Array = npt.NDArray[np.float64]

VOICE_IN = {ChannelKind.voice_inbound}
"""Channel kinds that are inbound calls."""


VOICE_OUT = {ChannelKind.voice_outbound}
"""Channel kinds that are outbound calls."""


def month_days(scenario: Scenario) -> Array:
    """Calendar days of plan months 0..M (index 0, signing, is 0): what staffing scales by."""
    import calendar

    months = scenario.horizon_months
    days = np.zeros(months + 1)
    for m in range(1, months + 1):
        label = month_label(scenario.start, m)
        days[m] = calendar.monthrange(int(label[:4]), int(label[5:]))[1]
    return days


def staffed_channels(scenario: Scenario) -> list[str]:
    """The channels the ``staffing`` section sizes: its list, or every voice_inbound one."""
    st = scenario.staffing
    assert st is not None
    return st.channels or [c.name for c in scenario.channels if c.kind in VOICE_IN]


def staffing_goals(scenario: Scenario) -> dict[str, Any]:
    """The interval model and goals of the scenario's ``staffing`` section, as the keyword
    arguments of :func:`ccecon.queueing.workload.staff_months` and ``team_overflow``: the
    one mapping from the scenario to the queueing model (the business case and every
    sourcing option use it)."""
    st = scenario.staffing
    assert st is not None
    return {
        "interval_minutes": st.interval_minutes,
        "open_hour": st.open_hour,
        "close_hour": st.close_hour,
        "weekly_profile": st.weekly_profile,
        "intraday_profile": st.intraday_profile,
        "sl_target": st.sl_target,
        "sl_threshold_s": st.sl_threshold_s,
        "max_asa_s": st.max_asa_s,
        "max_abandon": st.max_abandon,
        "max_occupancy": st.max_occupancy,
        "patience_s": st.patience_s,
    }
