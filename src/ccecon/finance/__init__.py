"""Finance: returns on cash flows (NPV, IRR, payback, ROI), CLV and the satisfaction model.

Conventions for every function here: flows on the last axis, index 0 = "now" (undiscounted),
flows at the end of each period, rates per period, inflows positive. See
``docs/formulas.md`` for formulas and sources.
"""

from ccecon.finance.clv import clv_annuity, clv_simple, loyal_years_from_clv
from ccecon.finance.returns import (
    IRRBatch,
    IRRResult,
    annualize,
    irr,
    irr_batch,
    npv,
    payback,
    roi_pct,
)
from ccecon.finance.satisfaction import (
    HelpdeskCosts,
    SatisfactionROI,
    SegmentValue,
    classify,
    helpdesk_costs,
    satisfaction_roi,
)
from ccecon.finance.survey_file import read_survey

__all__ = [
    "HelpdeskCosts",
    "IRRBatch",
    "IRRResult",
    "SatisfactionROI",
    "SegmentValue",
    "annualize",
    "classify",
    "clv_annuity",
    "clv_simple",
    "helpdesk_costs",
    "irr",
    "irr_batch",
    "loyal_years_from_clv",
    "npv",
    "payback",
    "read_survey",
    "roi_pct",
    "satisfaction_roi",
]
