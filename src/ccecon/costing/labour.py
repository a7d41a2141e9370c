"""Labour cost measured from payroll (DOMAIN D3, seed 004). Pure functions, no I/O.

Formulas (seed 004, "呼叫中心外包人工成本测算")
---------------------------------------------
* Utilization (D3.2) = total talk minutes / (agents x hours per day x paid days per month x
  months x 60). The seed uses 12 months and arrives at 68 %.
* Cost build-up (D3.3): payroll cost elements (wages, union dues, welfare, disability-
  employment fund, housing fund, social insurance, paid leave, overtime) plus
  recruitment = hires x fee per hire (419 x 400 = 167,600), training = hires x training
  days x daily stipend (419 x 7 x 30 = 87,990) and management = monthly salary x months x
  managers (4,500 x 12 x 9 = 486,000).
* Tax gross-up (D3.4): total after tax = total x (1 + rate) (6 % VAT in the seed).
* Outputs (D3.5): cost per answered equivalent call = total after tax / equivalent calls
  (calls normalized to the standard handle time, D2.6) and cost per talk minute = total
  after tax / talk minutes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from ccecon.costing.normalize import equivalent_calls
from ccecon.errors import InputError

COST_ELEMENTS: tuple[str, ...] = (
    "wages",
    "union_dues",
    "welfare",
    "disability_fund",
    "housing_fund",
    "social_insurance",
    "paid_leave",
    "overtime",
)
"""The payroll cost elements of seed 004 (D3.3), in the seed's order."""


@dataclass(frozen=True)
class Traffic:
    """One traffic type: answered calls and their average talk time over the period."""

    name: str
    answered: float
    aht_s: float
    talk_minutes: float | None = None

    @property
    def minutes(self) -> float:
        """Talk minutes: as measured when given, else answered x AHT / 60."""
        return (
            self.talk_minutes
            if self.talk_minutes is not None
            else (self.answered * self.aht_s / 60.0)
        )


@dataclass(frozen=True)
class LabourInputs:
    """Everything the D3 build-up needs, for one period of ``months`` months."""

    agents: float
    hours_per_day: float
    paid_days_per_month: float
    months: int
    traffic: Sequence[Traffic]
    standard_aht_s: float
    cost_elements: Mapping[str, float]
    hires: float
    recruitment_fee_per_hire: float
    training_days: float
    training_stipend_per_day: float
    manager_salary_per_month: float
    managers: float
    tax_rate: float


@dataclass(frozen=True)
class LabourCost:
    """Result of :func:`labour_cost`; amounts in the payroll currency over the period."""

    utilization: float
    talk_minutes: float
    paid_minutes: float
    payroll: float
    recruitment: float
    training: float
    management: float
    total: float
    total_after_tax: float
    equivalent_calls: float
    cost_per_equivalent_call: float
    cost_per_talk_minute: float
    elements: Mapping[str, float]

    def to_frame(self) -> pd.DataFrame:
        """One row per figure: item, value."""
        rows = [(f"payroll: {k}", v) for k, v in self.elements.items()]
        rows += [
            ("payroll", self.payroll),
            ("recruitment", self.recruitment),
            ("training", self.training),
            ("management", self.management),
            ("total", self.total),
            ("total_after_tax", self.total_after_tax),
            ("talk_minutes", self.talk_minutes),
            ("paid_minutes", self.paid_minutes),
            ("utilization", self.utilization),
            ("equivalent_calls", self.equivalent_calls),
            ("cost_per_equivalent_call", self.cost_per_equivalent_call),
            ("cost_per_talk_minute", self.cost_per_talk_minute),
        ]
        return pd.DataFrame(rows, columns=["item", "value"])


def utilization(
    talk_minutes: float, agents: float, hours_per_day: float, paid_days: float, months: int
) -> float:
    """D3.2: talk minutes / (agents x hours per day x paid days x months x 60)."""
    paid = agents * hours_per_day * paid_days * months * 60.0
    if paid <= 0:
        raise InputError(
            "paid agent time is zero: agents, hours and days must be > 0",
            field="agents",
            value=agents,
        )
    return talk_minutes / paid


def recruitment_cost(hires: float, fee_per_hire: float) -> float:
    """D3.3: hires x fee per hire (seed: 419 x 400 = 167,600)."""
    return hires * fee_per_hire


def training_cost(hires: float, days: float, stipend_per_day: float) -> float:
    """D3.3: hires x training days x daily stipend (seed: 419 x 7 x 30 = 87,990)."""
    return hires * days * stipend_per_day


def management_cost(salary_per_month: float, months: int, managers: float) -> float:
    """D3.3: monthly salary x months x managers (seed: 4,500 x 12 x 9 = 486,000)."""
    return salary_per_month * months * managers


def gross_up(total: float, tax_rate: float) -> float:
    """D3.4: total after tax = total x (1 + rate)."""
    return total * (1.0 + tax_rate)


def labour_cost(inputs: LabourInputs) -> LabourCost:
    """The whole D3 build-up: utilization, cost elements, totals, unit costs."""
    unknown = set(inputs.cost_elements) - set(COST_ELEMENTS)
    if unknown:
        raise InputError(
            "unknown payroll cost element; expected " + ", ".join(COST_ELEMENTS),
            field="cost_elements",
            value=sorted(unknown),
        )
    talk = sum(t.minutes for t in inputs.traffic)
    paid = inputs.agents * inputs.hours_per_day * inputs.paid_days_per_month * inputs.months * 60
    util = utilization(
        talk, inputs.agents, inputs.hours_per_day, inputs.paid_days_per_month, inputs.months
    )
    elements = {k: float(inputs.cost_elements.get(k, 0.0)) for k in COST_ELEMENTS}
    payroll = sum(elements.values())
    rec = recruitment_cost(inputs.hires, inputs.recruitment_fee_per_hire)
    tra = training_cost(inputs.hires, inputs.training_days, inputs.training_stipend_per_day)
    man = management_cost(inputs.manager_salary_per_month, inputs.months, inputs.managers)
    total = payroll + rec + tra + man
    after = gross_up(total, inputs.tax_rate)
    eq = float(
        sum(
            equivalent_calls(t.answered, t.aht_s, inputs.standard_aht_s).item()
            for t in inputs.traffic
        )
    )
    if eq <= 0 or talk <= 0:
        raise InputError("no answered calls: unit costs need traffic", field="traffic", value=eq)
    return LabourCost(
        utilization=util,
        talk_minutes=talk,
        paid_minutes=float(paid),
        payroll=payroll,
        recruitment=rec,
        training=tra,
        management=man,
        total=total,
        total_after_tax=after,
        equivalent_calls=eq,
        cost_per_equivalent_call=after / eq,
        cost_per_talk_minute=after / talk,
        elements=elements,
    )
