"""The targets file (YAML): a yearly goal, its fiscal calendar, weights, locks, hierarchy."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ccecon.errors import InputError
from ccecon.targets.calendar import FiscalYear, fiscal_year
from ccecon.targets.decompose import Plan, decompose


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class YearEnd(_M):
    """The fiscal year ends on ``weekday`` nearest ``nearest`` (MM-DD)."""

    weekday: str = "saturday"
    nearest: str = "12-31"
    in_next_calendar_year: bool = Field(
        False, description="FY N ends in calendar year N + 1 (retail habit)."
    )


class CalendarSpec(_M):
    """Fiscal calendar settings."""

    pattern: Literal["4-4-5", "4-5-4", "5-4-4"] = "4-4-5"
    fiscal_year: int
    year_end: YearEnd = Field(default_factory=YearEnd)
    workdays: list[str] = Field(
        default_factory=lambda: ["monday", "tuesday", "wednesday", "thursday", "friday"]
    )
    holidays: list[dt.date] = Field(default_factory=list)


class Weights(_M):
    """Seasonality per level (see ccecon.targets.decompose)."""

    quarters: list[float] | None = None
    months: list[float] | None = None
    weekdays: dict[str, float] | None = None
    half_day: list[float] = Field(default_factory=lambda: [0.5, 0.5])


class HierarchyRow(_M):
    """agent -> team -> supervisor -> manager, from valid_from to valid_to (inclusive)."""

    agent: str
    team: str
    supervisor: str
    manager: str
    valid_from: dt.date
    valid_to: dt.date | None = None


class TargetsFile(_M):
    """A targets file."""

    name: str
    metric: Literal["revenue", "profit", "calls", "sales"] = "profit"
    unit: str = Field("", description="Currency code or unit, for display.")
    goal: float
    decimals: int = Field(0, ge=0, le=4)
    allow_negative: bool = False
    calendar: CalendarSpec
    weights: Weights = Field(default_factory=Weights)
    locked: dict[str, float] = Field(default_factory=dict)
    actuals: dict[str, float] = Field(
        default_factory=dict, description="Achieved amounts of closed months (FY2027-M01: ...)."
    )
    hierarchy: list[HierarchyRow] = Field(default_factory=list)

    def fiscal_year(self) -> FiscalYear:
        """The calendar's fiscal year."""
        c = self.calendar
        return fiscal_year(
            c.fiscal_year,
            pattern=c.pattern,
            weekday=c.year_end.weekday,
            nearest=c.year_end.nearest,
            ends_in_next_calendar_year=c.year_end.in_next_calendar_year,
        )

    def plan(self, depth: str = "half_day") -> Plan:
        """Decompose the goal."""
        w = self.weights
        return decompose(
            self.goal,
            self.fiscal_year(),
            decimals=self.decimals,
            quarter_weights=w.quarters,
            month_weights=w.months,
            weekday_weights=w.weekdays,
            workday_names=self.calendar.workdays,
            holidays=self.calendar.holidays,
            half_day_split=w.half_day,
            locked=self.locked,
            allow_negative=self.allow_negative,
            depth=depth,
        )


def load_targets(path: str | Path) -> TargetsFile:
    """Read and validate a targets file; errors name the file, field and value."""
    p = Path(path)
    if not p.is_file():
        raise InputError("file not found", file=str(p))
    return parse_targets(p.read_bytes().decode("utf-8-sig"), str(p))


def parse_targets(text: str, source: str = "<targets>") -> TargetsFile:
    """Validate targets from YAML or JSON text; ``source`` names it in error messages."""
    from ccecon.io import read_document, validation_error

    doc = read_document(text, source)
    if not isinstance(doc, dict):
        raise InputError("expected a mapping of targets fields", file=source)
    try:
        return TargetsFile.model_validate(doc)
    except ValidationError as exc:
        raise validation_error(exc, source) from None
