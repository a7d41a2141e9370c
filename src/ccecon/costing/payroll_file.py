"""Read a payroll file (YAML) into :class:`~ccecon.costing.labour.LabourInputs`.

The format, field by field (amounts in ``currency`` over the period of ``months`` months)::

    name: text
    currency: CNY                 # ISO 4217
    months: 12                    # length of the period the figures cover
    agents: 404                   # average agents on payroll (monthly headcount average)
    hours_per_day: 8
    paid_days_per_month: 21.75    # paid (salaried) days a month
    standard_aht_s: 43            # standard handle time for equivalent calls (D2.6)
    traffic:                      # one entry per traffic type
      - {name: 话务1, answered: 40600000, aht_s: 43}
      - {name: 话务2, answered: 164509, aht_s: 33, talk_minutes: 87746}   # measured minutes
    cost_elements:                # payroll totals over the period (D3.3); any subset
      wages: ...
      union_dues: ...             # also: welfare, disability_fund, housing_fund,
                                  # social_insurance, paid_leave, overtime
    hires: 419
    recruitment_fee_per_hire: 400
    training_days: 7
    training_stipend_per_day: 30
    managers: 9
    manager_salary_per_month: 4500
    tax_rate: 0.06                # gross-up (D3.4)
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ccecon.costing.labour import COST_ELEMENTS, LabourInputs, Traffic
from ccecon.errors import InputError
from ccecon.units import check_currency

NonNeg = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class _TrafficModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    answered: NonNeg
    aht_s: Positive
    talk_minutes: NonNeg | None = None


class PayrollFile(BaseModel):
    """The payroll file's schema (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")
    name: str = "payroll"
    currency: str
    months: int = Field(12, ge=1)
    agents: Positive
    hours_per_day: Positive
    paid_days_per_month: Positive
    standard_aht_s: Positive
    traffic: list[_TrafficModel] = Field(min_length=1)
    cost_elements: dict[str, NonNeg] = Field(default_factory=dict)
    hires: NonNeg = 0.0
    recruitment_fee_per_hire: NonNeg = 0.0
    training_days: NonNeg = 0.0
    training_stipend_per_day: NonNeg = 0.0
    managers: NonNeg = 0.0
    manager_salary_per_month: NonNeg = 0.0
    tax_rate: Annotated[float, Field(ge=0, le=1)] = 0.0

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str) -> str:
        return check_currency(v)

    @field_validator("cost_elements")
    @classmethod
    def _elements(cls, v: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(v) - set(COST_ELEMENTS))
        if unknown:
            raise ValueError(
                f"unknown cost element {unknown[0]!r}; expected " + ", ".join(COST_ELEMENTS)
            )
        return v

    def to_inputs(self) -> LabourInputs:
        """The pure-model inputs."""
        return LabourInputs(
            agents=self.agents,
            hours_per_day=self.hours_per_day,
            paid_days_per_month=self.paid_days_per_month,
            months=self.months,
            traffic=[Traffic(t.name, t.answered, t.aht_s, t.talk_minutes) for t in self.traffic],
            standard_aht_s=self.standard_aht_s,
            cost_elements=self.cost_elements,
            hires=self.hires,
            recruitment_fee_per_hire=self.recruitment_fee_per_hire,
            training_days=self.training_days,
            training_stipend_per_day=self.training_stipend_per_day,
            manager_salary_per_month=self.manager_salary_per_month,
            managers=self.managers,
            tax_rate=self.tax_rate,
        )


def load_payroll(path: str | Path) -> PayrollFile:
    """Read and validate a payroll YAML file; errors name the file, field and value."""
    from ccecon.scenario.load import read_document, validation_error

    p = Path(path)
    if not p.is_file():
        raise InputError("file not found", file=str(p))
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=str(p)) from None
    doc = read_document(text, str(p))
    if not isinstance(doc, dict):
        raise InputError(
            "expected a mapping of payroll fields", file=str(p), value=type(doc).__name__
        )
    try:
        return PayrollFile.model_validate(doc)
    except ValidationError as exc:
        raise validation_error(exc, str(p)) from None
