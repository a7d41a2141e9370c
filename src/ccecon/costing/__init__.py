"""Costing: unit costs, normalization of calls and labour cost from payroll.

Re-exported here: the calculators of the source documents (``equivalent_calls``, the
payroll labour build-up and its payroll-file reader). Other modules of this package (cost
lines, unit costs, benchmarks) are imported from their own modules.
"""

from ccecon.costing.labour import (
    COST_ELEMENTS,
    LabourCost,
    LabourInputs,
    MonthRecord,
    Traffic,
    attrition,
    gross_up,
    labour_cost,
    management_cost,
    paid_minutes,
    recruitment_cost,
    training_cost,
    utilization,
)
from ccecon.costing.normalize import equivalent_calls
from ccecon.costing.payroll_file import PayrollFile, load_payroll, read_payroll

__all__ = [
    "COST_ELEMENTS",
    "LabourCost",
    "LabourInputs",
    "MonthRecord",
    "PayrollFile",
    "Traffic",
    "attrition",
    "equivalent_calls",
    "gross_up",
    "labour_cost",
    "load_payroll",
    "management_cost",
    "paid_minutes",
    "read_payroll",
    "recruitment_cost",
    "training_cost",
    "utilization",
]
