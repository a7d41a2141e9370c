"""Fiscal calendars: 4-4-5 style quarters of 13 weeks, 52- and 53-week years.

Rule for the year (the retail "52-53 week" calendar, e.g. the NRF 4-5-4 calendar): a fiscal
year **ends on the given weekday nearest to an anchor date** (``year_end: {weekday:
saturday, nearest: "01-31"}``: the Saturday nearest 31 January). The year starts the day
after the previous year's end, so it has 52 weeks, or 53 when the nearest weekday drifts
past the anchor (every 5 or 6 years).

The 53rd week is added to the **last month of the fourth quarter** (4-4-5 becomes 4-4-6 in
Q4), the usual convention; a 53-week year's Q4 has 14 weeks.

Patterns: ``4-4-5``, ``4-5-4``, ``5-4-4``: the number of weeks in the three months of every
quarter. Weeks start on the day after the year-end weekday.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ccecon.errors import InputError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
PATTERNS = {"4-4-5": (4, 4, 5), "4-5-4": (4, 5, 4), "5-4-4": (5, 4, 4)}


@dataclass(frozen=True)
class Week:
    """One fiscal week: year, quarter (1-4), month (1-12), week of year (1-53), dates."""

    fiscal_year: int
    quarter: int
    month: int
    week: int
    start: dt.date

    @property
    def end(self) -> dt.date:
        """Last day of the week."""
        return self.start + dt.timedelta(days=6)

    @property
    def days(self) -> list[dt.date]:
        """The seven dates of the week."""
        return [self.start + dt.timedelta(days=i) for i in range(7)]


def year_end(year: int, weekday: str, anchor: str) -> dt.date:
    """The ``weekday`` nearest to ``anchor`` (``MM-DD``) of calendar year ``year``."""
    if weekday not in WEEKDAYS:
        raise InputError(
            "unknown weekday; expected one of " + ", ".join(WEEKDAYS),
            field="calendar.year_end.weekday",
            value=weekday,
        )
    try:
        month, day = (int(x) for x in anchor.split("-"))
        target = dt.date(year, month, day)
    except (ValueError, TypeError):
        raise InputError(
            "expected an anchor date MM-DD such as 01-31",
            field="calendar.year_end.nearest",
            value=anchor,
        ) from None
    wd = WEEKDAYS.index(weekday)
    delta = (wd - target.weekday() + 7) % 7  # days forward to that weekday
    return target + dt.timedelta(days=delta if delta <= 3 else delta - 7)


@dataclass(frozen=True)
class FiscalYear:
    """One fiscal year of a 52-53 week calendar."""

    fiscal_year: int
    start: dt.date
    end: dt.date
    pattern: tuple[int, int, int]
    weeks: tuple[Week, ...]

    @property
    def n_weeks(self) -> int:
        """52 or 53."""
        return len(self.weeks)


def fiscal_year(
    fiscal_year: int,
    *,
    pattern: str = "4-4-5",
    weekday: str = "saturday",
    nearest: str = "12-31",
    ends_in_next_calendar_year: bool = False,
) -> FiscalYear:
    """Build fiscal year ``fiscal_year``: its weeks with quarter and month.

    The year ends on ``weekday`` nearest ``nearest`` of calendar year ``fiscal_year`` (or
    of ``fiscal_year + 1`` when ``ends_in_next_calendar_year``, as retailers whose FY2027
    ends in January 2028 name it).
    """
    if pattern not in PATTERNS:
        raise InputError(
            "unknown pattern; expected 4-4-5, 4-5-4 or 5-4-4",
            field="calendar.pattern",
            value=pattern,
        )
    shift = 1 if ends_in_next_calendar_year else 0
    end = year_end(fiscal_year + shift, weekday, nearest)
    start = year_end(fiscal_year + shift - 1, weekday, nearest) + dt.timedelta(days=1)
    n = (end - start).days + 1
    assert n % 7 == 0 and n // 7 in (52, 53), n
    weeks_per_month = list(PATTERNS[pattern]) * 4
    if n // 7 == 53:
        weeks_per_month[-1] += 1
    weeks: list[Week] = []
    w = 0
    for month, count in enumerate(weeks_per_month, start=1):
        for _ in range(count):
            weeks.append(
                Week(
                    fiscal_year,
                    (month - 1) // 3 + 1,
                    month,
                    w + 1,
                    start + dt.timedelta(days=7 * w),
                )
            )
            w += 1
    return FiscalYear(fiscal_year, start, end, PATTERNS[pattern], tuple(weeks))


def workdays(
    week: Week, workday_names: Sequence[str], holidays: Sequence[dt.date] = ()
) -> list[dt.date]:
    """The dates of ``week`` that are workdays and not holidays."""
    wanted = {WEEKDAYS.index(d) for d in workday_names}
    hol = set(holidays)
    return [d for d in week.days if d.weekday() in wanted and d not in hol]
