"""Labour cost measured from payroll. Pure functions, no I/O.

Formulas (from "呼叫中心外包人工成本测算", a published outsourced call center's cost study)
--------------------------------------------------------------------------------
* Utilization = total talk minutes / (agents x hours per day x paid days per month x
  months x 60). The seed uses 12 months and arrives at 68 %.
* Cost build-up: payroll cost elements (wages, union dues, welfare, disability-
  employment fund, housing fund, social insurance, paid leave, overtime) plus
  recruitment = hires x fee per hire (419 x 400 = 167,600), training = hires x training
  days x daily stipend (419 x 7 x 30 = 87,990) and management = monthly salary x months x
  managers (4,500 x 12 x 9 = 486,000). With monthly manager headcounts, ``months x
  managers`` is their sum (manager-months).
* Tax gross-up: total after tax = total x (1 + rate) (6 % VAT in the source).
* Outputs: cost per answered equivalent call = total after tax / equivalent calls
  (calls normalized to the standard handle time, truncated as the source does) and
  cost per talk minute = total after tax / talk minutes.
* Beyond the source, from the same monthly records: attrition over the period =
  leavers / average agents (the source's 12 months give 478 / 404 = 118 %).

Conventions: amounts in the payroll's currency over the whole period of ``months`` months;
the small functions broadcast over numpy arrays (Monte Carlo draws), :func:`labour_cost`
works on one payroll.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from ccecon.costing.normalize import equivalent_calls
from ccecon.errors import InputError

Array = npt.NDArray[np.float64]

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
"""The payroll cost elements of the outsourcing cost study, in its order: 工资, 工会经费,
福利费用, 残疾人基金, 公积金, 社保成本, 休假成本, 加班费."""


@dataclass(frozen=True)
class Traffic:
    """One traffic type: answered calls and their average talk time over the period.

    ``talk_minutes``, when measured (the source gives it), wins over ``answered x aht_s / 60``.
    """

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
class MonthRecord:
    """One payroll month: headcounts (optional) and staff movements."""

    month: str
    hires: float = 0.0
    leavers: float = 0.0
    agents: float | None = None
    managers: float | None = None


@dataclass(frozen=True)
class LabourInputs:
    """Everything the payroll build-up needs, for one period of ``months`` months.

    ``agents`` is the average agent headcount over the period and ``hires`` the hires of
    the period; ``monthly`` (optional) holds the month-by-month records they come from.
    """

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
    monthly: Sequence[MonthRecord] = field(default_factory=tuple)


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
    hires: float
    leavers: float | None
    attrition: float | None

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
            ("hires", self.hires),
        ]
        if self.leavers is not None:
            rows.append(("leavers", self.leavers))
        if self.attrition is not None:
            rows.append(("attrition", self.attrition))
        return pd.DataFrame(rows, columns=["item", "value"])


def _arr(value: npt.ArrayLike) -> Array:
    return np.asarray(value, dtype=float)


def paid_minutes(
    agents: npt.ArrayLike,
    hours_per_day: npt.ArrayLike,
    paid_days: npt.ArrayLike,
    months: npt.ArrayLike = 12,
) -> Array:
    """Paid agent minutes: agents x hours per day x paid days a month x months x 60.

    Examples
    --------
    >>> float(paid_minutes(404, 8, 21.75, 12))
    50613120.0
    """
    return _arr(agents) * _arr(hours_per_day) * _arr(paid_days) * _arr(months) * 60.0


def utilization(
    talk_minutes: npt.ArrayLike,
    agents: npt.ArrayLike,
    hours_per_day: npt.ArrayLike,
    paid_days: npt.ArrayLike,
    months: npt.ArrayLike = 12,
) -> Array:
    """talk minutes / (agents x hours per day x paid days x months x 60).

    Raises
    ------
    InputError
        When the paid time is not positive (no agents, hours or days).
    """
    paid = paid_minutes(agents, hours_per_day, paid_days, months)
    if np.any(~(paid > 0)):
        raise InputError(
            "paid agent time is zero: agents, hours per day and paid days must be > 0",
            field="agents",
            value=_arr(agents).tolist(),
        )
    return np.asarray(_arr(talk_minutes) / paid, dtype=float)


def recruitment_cost(hires: npt.ArrayLike, fee_per_hire: npt.ArrayLike) -> Array:
    """hires x fee per hire (the source's example: 419 x 400 = 167,600)."""
    return _arr(hires) * _arr(fee_per_hire)


def training_cost(
    hires: npt.ArrayLike, days: npt.ArrayLike, stipend_per_day: npt.ArrayLike
) -> Array:
    """hires x training days x daily stipend (the source's example: 419 x 7 x 30 = 87,990)."""
    return _arr(hires) * _arr(days) * _arr(stipend_per_day)


def management_cost(
    salary_per_month: npt.ArrayLike, months: npt.ArrayLike, managers: npt.ArrayLike
) -> Array:
    """monthly salary x months x managers (the source's example: 4,500 x 12 x 9 = 486,000)."""
    return _arr(salary_per_month) * _arr(months) * _arr(managers)


def gross_up(total: npt.ArrayLike, tax_rate: npt.ArrayLike) -> Array:
    """total after tax = total x (1 + rate) (the source's example: 6 % VAT)."""
    return _arr(total) * (1.0 + _arr(tax_rate))


def attrition(leavers: npt.ArrayLike, average_agents: npt.ArrayLike) -> Array:
    """Leavers over the period / average agent headcount (a share; 1.18 = 118 %).

    Not in the source's build-up, but computed from the same payroll records: the
    driver of the recruitment and training costs.
    """
    return _arr(leavers) / _arr(average_agents)


def labour_cost(inputs: LabourInputs) -> LabourCost:
    """The whole payroll build-up: utilization, cost elements, totals, unit costs.

    Parameters
    ----------
    inputs : LabourInputs
        One payroll (e.g. from :func:`ccecon.costing.payroll_file.load_payroll`).

    Returns
    -------
    LabourCost
        Every intermediate figure, so the build-up can be audited line by line.

    Raises
    ------
    InputError
        Unknown cost element, no paid time, or no answered calls.
    """
    unknown = set(inputs.cost_elements) - set(COST_ELEMENTS)
    if unknown:
        raise InputError(
            "unknown payroll cost element; expected " + ", ".join(COST_ELEMENTS),
            field="cost_elements",
            value=sorted(unknown),
        )
    talk = float(sum(t.minutes for t in inputs.traffic))
    paid = float(
        paid_minutes(inputs.agents, inputs.hours_per_day, inputs.paid_days_per_month, inputs.months)
    )
    util = float(
        utilization(
            talk, inputs.agents, inputs.hours_per_day, inputs.paid_days_per_month, inputs.months
        )
    )
    elements = {k: float(inputs.cost_elements.get(k, 0.0)) for k in COST_ELEMENTS}
    payroll = float(sum(elements.values()))
    rec = float(recruitment_cost(inputs.hires, inputs.recruitment_fee_per_hire))
    tra = float(training_cost(inputs.hires, inputs.training_days, inputs.training_stipend_per_day))
    manager_months = (
        sum(float(m.managers) for m in inputs.monthly if m.managers is not None)
        if inputs.monthly and all(m.managers is not None for m in inputs.monthly)
        else inputs.months * inputs.managers
    )
    man = float(management_cost(inputs.manager_salary_per_month, 1, manager_months))
    total = payroll + rec + tra + man
    after = float(gross_up(total, inputs.tax_rate))
    eq = float(
        sum(
            equivalent_calls(t.answered, t.aht_s, inputs.standard_aht_s).item()
            for t in inputs.traffic
        )
    )
    if eq <= 0 or talk <= 0:
        raise InputError(
            "no answered calls or talk minutes: unit costs need traffic",
            field="traffic",
            value=eq,
        )
    leavers = float(sum(m.leavers for m in inputs.monthly)) if inputs.monthly else None
    return LabourCost(
        utilization=util,
        talk_minutes=talk,
        paid_minutes=paid,
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
        hires=float(inputs.hires),
        leavers=leavers,
        attrition=None if leavers is None else float(attrition(leavers, inputs.agents)),
    )
