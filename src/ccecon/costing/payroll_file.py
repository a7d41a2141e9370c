"""Read a payroll file (YAML or JSON) into :class:`~ccecon.costing.labour.LabourInputs`.

The format, field by field (amounts in ``currency``, totals over the period of ``months``
months; a full example is ``examples/payroll-seed004.yaml``)::

    name: text                    # optional, shown in the output title
    currency: CNY                 # ISO 4217 code, required
    months: 12                    # length of the period; default: len(monthly), else 12
    agents: 404                   # average agents on payroll over the period (> 0);
                                  #   may be left out when every monthly record has agents
    hours_per_day: 8              # scheduled hours per paid day (> 0)
    paid_days_per_month: 21.75    # paid (salaried) days a month (> 0)
    standard_aht_s: 43            # standard handle time, seconds, for equivalent calls
    traffic:                      # one entry per traffic type, at least one
      - name: 话务2               #   free text
        answered: 164509          #   answered calls over the period (>= 0)
        aht_s: 33                 #   average talk (handle) time, seconds (> 0)
        talk_minutes: 87746       #   optional: measured talk minutes; else answered x aht / 60
    cost_elements:                # payroll totals over the period, any subset, >= 0:
      wages: 14544000             #   wages, union_dues, welfare, disability_fund,
      overtime: 1200000           #   housing_fund, social_insurance, paid_leave, overtime
    hires: 419                    # hires over the period; may be left out with `monthly`
    recruitment_fee_per_hire: 400 # agency fee per hire
    training_days: 7              # training days per hire
    training_stipend_per_day: 30  # stipend per trainee per training day
    managers: 9                   # managers (average headcount); may come from `monthly`
    manager_salary_per_month: 4500
    tax_rate: 0.06                # gross-up rate: 0.06 or 6% (VAT)
    monthly:                      # optional: one record per month of the period
      - {month: 2012-11, hires: 25, leavers: 33}   # also: agents, managers (headcounts)

Consistency rules when ``monthly`` is given: it has exactly ``months`` records for
consecutive months, each once; ``hires``, when also given at the top, must equal the sum of
the monthly hires; ``agents`` (``managers``), when also given at the top and in every
record, must equal the monthly average within half a person (the source quotes a rounded
average); otherwise the top-level value is taken from the records. Every error names the
file, the field path and the value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ccecon.costing.labour import COST_ELEMENTS, LabourInputs, MonthRecord, Traffic
from ccecon.errors import InputError
from ccecon.scenario.types import ShareNumber
from ccecon.units import check_currency

NonNeg = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class _TrafficModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    answered: NonNeg
    aht_s: Positive
    talk_minutes: NonNeg | None = None


class _MonthModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    month: str
    hires: NonNeg = 0.0
    leavers: NonNeg = 0.0
    agents: Positive | None = None
    managers: NonNeg | None = None

    @field_validator("month", mode="before")
    @classmethod
    def _month(cls, v: object) -> str:
        text = str(v).strip()
        if not _MONTH.match(text):
            raise ValueError("expected a month YYYY-MM, e.g. 2012-11")
        return text


class PayrollFile(BaseModel):
    """The payroll file's schema (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")
    name: str = "payroll"
    currency: str
    months: int | None = Field(None, ge=1, le=120)
    agents: Positive | None = None
    hours_per_day: Annotated[float, Field(gt=0, le=24, allow_inf_nan=False)]
    paid_days_per_month: Annotated[float, Field(gt=0, le=31, allow_inf_nan=False)]
    standard_aht_s: Positive
    traffic: list[_TrafficModel] = Field(min_length=1)
    cost_elements: dict[str, NonNeg] = Field(default_factory=dict)
    hires: NonNeg | None = None
    recruitment_fee_per_hire: NonNeg = 0.0
    training_days: NonNeg = 0.0
    training_stipend_per_day: NonNeg = 0.0
    managers: NonNeg | None = None
    manager_salary_per_month: NonNeg = 0.0
    tax_rate: ShareNumber = 0.0
    monthly: list[_MonthModel] = Field(default_factory=list)

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

    def to_inputs(self, source: str | None = None) -> LabourInputs:
        """The pure-model inputs, with the consistency rules of the module docstring.

        Raises
        ------
        InputError
            Naming ``source`` (the file), the field path and the value.
        """

        def bad(message: str, fld: str, value: object = ...) -> InputError:
            return InputError(message, file=source, field=fld, value=value)

        recs = self.monthly
        months = self.months if self.months is not None else (len(recs) or 12)
        agents, hires, managers = self.agents, self.hires, self.managers
        if recs:
            if len(recs) != months:
                raise bad(f"expected {months} monthly records (months)", "monthly", len(recs))
            first = _month_number(recs[0].month)
            for i, rec in enumerate(recs):
                if _month_number(rec.month) != first + i:
                    raise bad(
                        f"months must be consecutive, starting {recs[0].month}",
                        f"monthly[{i}].month",
                        rec.month,
                    )
            total_hires = sum(r.hires for r in recs)
            if hires is None:
                hires = total_hires
            elif abs(hires - total_hires) > 1e-9:
                raise bad(
                    f"hires differ from the sum of the monthly hires ({total_hires:g})",
                    "hires",
                    hires,
                )
            agents = _average(recs, "agents", agents, bad)
            managers = _average(recs, "managers", managers, bad)
        if agents is None:
            raise bad(
                "required field is missing (or give agents in every monthly record)", "agents"
            )
        return LabourInputs(
            agents=agents,
            hours_per_day=self.hours_per_day,
            paid_days_per_month=self.paid_days_per_month,
            months=months,
            traffic=[Traffic(t.name, t.answered, t.aht_s, t.talk_minutes) for t in self.traffic],
            standard_aht_s=self.standard_aht_s,
            cost_elements=self.cost_elements,
            hires=hires or 0.0,
            recruitment_fee_per_hire=self.recruitment_fee_per_hire,
            training_days=self.training_days,
            training_stipend_per_day=self.training_stipend_per_day,
            manager_salary_per_month=self.manager_salary_per_month,
            managers=managers or 0.0,
            tax_rate=self.tax_rate,
            monthly=tuple(
                MonthRecord(r.month, r.hires, r.leavers, r.agents, r.managers) for r in recs
            ),
        )


def _month_number(label: str) -> int:
    year, month = label.split("-")
    return int(year) * 12 + int(month) - 1


def _average(
    recs: list[_MonthModel],
    attr: str,
    given: float | None,
    bad: Callable[..., InputError],
) -> float | None:
    """The monthly average of ``attr`` checked against the top-level value."""
    values = [getattr(r, attr) for r in recs]
    if any(v is None for v in values):
        return given
    mean = sum(values) / len(values)
    if given is not None and abs(given - mean) > 0.5:
        raise bad(f"{attr} differ from the monthly average ({mean:.2f})", attr, given)
    return given if given is not None else mean


def load_payroll(path: str | Path) -> PayrollFile:
    """Read and validate a payroll YAML/JSON file; errors name the file, field and value.

    Call ``.to_inputs(str(path))`` on the result for the model inputs (that step checks the
    monthly records against the totals).
    """
    from ccecon.io import read_document, validation_error

    p = Path(path)
    if not p.is_file():
        raise InputError("file not found; expected a payroll YAML file", file=str(p))
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=str(p)) from None
    if not text.strip():
        raise InputError("the file is empty; expected a payroll (YAML)", file=str(p))
    doc = read_document(text, str(p))
    if not isinstance(doc, dict):
        raise InputError(
            "expected a mapping of payroll fields", file=str(p), value=type(doc).__name__
        )
    try:
        return PayrollFile.model_validate(doc)
    except ValidationError as exc:
        err = validation_error(exc, str(p))
        # the shared translator points at the scenario schema; a payroll has its own fields
        err.message = err.message.replace(
            "`ccecon schema` lists the fields", "docs/seed-calculators.md lists the fields"
        )
        raise InputError(err.message, file=err.file, field=err.field, value=err.value) from None


def read_payroll(path: str | Path) -> LabourInputs:
    """:func:`load_payroll` then ``to_inputs``: the checked inputs of one payroll file."""
    return load_payroll(path).to_inputs(str(path))
