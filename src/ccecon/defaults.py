"""Staffing defaults: one value per concept, used by the library, the scenario's
``staffing`` and ``sourcing.workload`` sections, ``ccecon staff`` and the web app's
staffing page (documented once, in docs/staffing.md, "Defaults").

Each is a starting point for a question that does not say, not a benchmark: measure your own.

* Service level goal 80 % of calls answered within 20 seconds (the common "80/20").
* Shrinkage 30 %: the share of paid time not available for contacts (breaks, training,
  meetings, absence). Paid FTE = agents / (1 - shrinkage). Give 0 to count agents on the
  phones only.
* Maximum occupancy 85 %, in a scenario's staffing sections only: the calculator
  (``ccecon staff``, the web page) applies only the goals it is given.
* Paid hours of one full-time agent in a month: 40 h x 52 weeks / 12 = 173.3.
"""

from __future__ import annotations

from typing import Final

DEFAULT_SL_TARGET: Final = 0.8
DEFAULT_SL_THRESHOLD_S: Final = 20.0
DEFAULT_SHRINKAGE: Final = 0.30
DEFAULT_MAX_OCCUPANCY: Final = 0.85
DEFAULT_PAID_HOURS_PER_FTE_MONTH: Final = 40.0 * 52.0 / 12.0
