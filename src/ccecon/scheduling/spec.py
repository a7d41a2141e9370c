"""The shift templates file: which shifts may be worked, when they may start, their breaks.

A file holds a list of templates. A template is a kind of shift that may start at any of its
allowed start times on any of its days of the week; it is paid ``paid_hours`` and lasts
``paid_hours`` plus its unpaid breaks. Each break lasts ``minutes`` and may start anywhere in
its window (``from`` .. ``to``, measured from the shift's start); a window of one time is a
fixed break. The schedule chooses how many agents start each template at each start time
of each day (``ccecon.scheduling.design``).

Times are ``HH:MM`` text (``"07:30"``) or minutes since midnight; durations in a break
window are measured from the shift's start (``"4:00"`` = four hours in).
"""

from __future__ import annotations

import itertools
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from ccecon.errors import InputError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Days of the week as the file names them, Monday first (Python's ``weekday()`` order)."""

Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
ALL_DAYS: tuple[Day, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def minutes_of(value: Any, *, what: str = "a time", most: int = 24 * 60) -> int:
    """``"07:30"`` or ``450`` -> 450 minutes; ValueError naming the expected spelling."""
    if isinstance(value, bool):
        raise ValueError(f"expected {what} as HH:MM text, e.g. '07:30'")
    if isinstance(value, int):
        minutes = value
    elif isinstance(value, float) and value.is_integer():
        minutes = int(value)
    elif isinstance(value, str) and (m := _TIME.match(value)):
        hours, mins = int(m.group(1)), int(m.group(2))
        if mins >= 60:
            raise ValueError(f"expected {what} as HH:MM with minutes below 60, e.g. '07:30'")
        minutes = hours * 60 + mins
    else:
        raise ValueError(f"expected {what} as HH:MM text, e.g. '07:30'")
    if not 0 <= minutes <= most:
        raise ValueError(f"expected {what} as HH:MM from 00:00 to {most // 60:02d}:{most % 60:02d}")
    return minutes


def clock(minutes: int) -> str:
    """450 -> ``"07:30"`` (hours may pass 24 for a duration)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Kind(StrEnum):
    """Contract of the agents who work a template (reported; rostering uses it)."""

    full_time = "full_time"
    part_time = "part_time"


class StartRange(_Model):
    """Start times every ``every`` minutes from ``from`` to ``to`` (both included)."""

    first: int = Field(alias="from", description='Earliest start, "HH:MM".')
    last: int = Field(alias="to", description='Latest start, "HH:MM".')
    every: int = Field(15, gt=0, le=24 * 60, description="Minutes between start times.")

    @field_validator("first", "last", mode="before")
    @classmethod
    def _time(cls, v: Any) -> int:
        return minutes_of(v, most=24 * 60 - 1)

    @model_validator(mode="after")
    def _order(self) -> StartRange:
        if self.last < self.first:
            raise ValueError("`to` must not be before `from` (a start range within one day)")
        return self

    def minutes(self) -> list[int]:
        return list(range(self.first, self.last + 1, self.every))


class Break(_Model):
    """A break of ``minutes`` starting anywhere from ``from`` to ``to`` after the shift start."""

    minutes: int = Field(gt=0, le=24 * 60, description="Length of the break, minutes.")
    paid: bool = Field(
        False, description="Paid breaks count in the paid hours; unpaid add to the shift's length."
    )
    earliest: int = Field(
        alias="from", description='Earliest start after the shift starts, "H:MM".'
    )
    latest: int | None = Field(
        None,
        alias="to",
        description='Latest start after the shift starts, "H:MM"; default: `from` (a fixed break).',
    )

    @field_validator("earliest", "latest", mode="before")
    @classmethod
    def _offset(cls, v: Any) -> int | None:
        if v is None:
            return None
        return minutes_of(v, what="a time after the shift start", most=24 * 60)

    @model_validator(mode="after")
    def _window(self) -> Break:
        if self.latest is None:
            self.latest = self.earliest
        if self.latest < self.earliest:
            raise ValueError("`to` must not be before `from` in a break window")
        return self

    @property
    def last_start(self) -> int:
        return self.earliest if self.latest is None else self.latest


def _starts_kind(value: Any) -> str:
    """Which spelling of ``starts`` a value is (errors then come from that one only)."""
    return "List" if isinstance(value, list) else "Range"


class Template(_Model):
    """One kind of shift: when it may start, how long it is paid, its breaks, its head count."""

    name: str = Field(min_length=1, max_length=80, description="Shown in the schedule.")
    kind: Kind = Field(Kind.full_time, description="full_time or part_time.")
    days: list[Day] = Field(
        default_factory=lambda: list(ALL_DAYS),
        min_length=1,
        description="Days of the week the shift may start on (mon..sun); default every day.",
    )
    starts: Annotated[
        Annotated[StartRange, Tag("Range")] | Annotated[list[int], Tag("List")],
        Discriminator(_starts_kind),
    ] = Field(description='Allowed start times: a list ["07:00", "07:30"] or {from, to, every}.')
    paid_hours: float = Field(gt=0, le=24, description="Paid length of the shift, hours.")
    breaks: list[Break] = Field(default_factory=list, description="Breaks, in the order taken.")
    min_headcount: int = Field(
        0, ge=0, description="Fewest agents starting it on each day it runs."
    )
    max_headcount: int | None = Field(
        None, ge=0, description="Most agents starting it on each day it runs; default no limit."
    )
    cost_per_paid_hour: float | None = Field(
        None, ge=0, description="Hourly cost of this template; default the file's."
    )

    @field_validator("starts", mode="before")
    @classmethod
    def _starts(cls, v: Any) -> Any:
        if isinstance(v, list):
            if not v:
                raise ValueError("give at least one start time")
            return [minutes_of(x, what="a start time", most=24 * 60 - 1) for x in v]
        return v

    @model_validator(mode="after")
    def _checks(self) -> Template:
        if self.max_headcount is not None and self.max_headcount < self.min_headcount:
            raise InputError(
                f"max_headcount must be at least min_headcount ({self.min_headcount})",
                field="max_headcount",
                value=self.max_headcount,
            )
        if len(set(self.days)) != len(self.days):
            raise InputError("a day is listed twice", field="days", value=self.days)
        order = sorted(range(len(self.breaks)), key=lambda i: self.breaks[i].earliest)
        for a, b in itertools.pairwise(order):
            first, second = self.breaks[a], self.breaks[b]
            if first.last_start + first.minutes > second.earliest:
                raise InputError(
                    f"break windows overlap: breaks[{a}] may run until"
                    f" {clock(first.last_start + first.minutes)} after the start, and"
                    f" breaks[{b}] may start at {clock(second.earliest)}; a break must end"
                    " before the next one's window opens",
                    field=f"breaks[{b}].from",
                    value=clock(second.earliest),
                )
        length = self.length_minutes
        for i, br in enumerate(self.breaks):
            if br.earliest == 0 or br.last_start + br.minutes >= length:
                raise InputError(
                    f"a break must start after the shift starts and end before it ends"
                    f" (the shift lasts {clock(length)})",
                    field=f"breaks[{i}].to" if br.latest != br.earliest else f"breaks[{i}].from",
                    value=clock(br.last_start),
                )
        return self

    @property
    def length_minutes(self) -> int:
        """Time at work: paid hours plus unpaid breaks, minutes (rounded to a minute)."""
        return round(self.paid_hours * 60) + sum(b.minutes for b in self.breaks if not b.paid)

    def start_minutes(self) -> list[int]:
        return self.starts.minutes() if isinstance(self.starts, StartRange) else list(self.starts)


class Cover(StrEnum):
    """hard: never fewer agents than required, least paid cost; soft: least cost of gaps."""

    hard = "hard"
    soft = "soft"


class ShiftsFile(_Model):
    """A shift templates file (YAML or JSON)."""

    name: str | None = Field(None, max_length=200, description="Title of the schedule.")
    currency: str | None = Field(None, description="ISO 4217 code of the costs.")
    cost_per_paid_hour: float = Field(
        0.0, ge=0, description="Hourly cost of a paid hour (wage and on-costs); 0 = not costed."
    )
    paid_hours_per_fte_week: float = Field(
        40.0, gt=0, le=168, description="Paid hours of one full-time equivalent in a week."
    )
    cover: Cover = Field(Cover.hard, description="hard or soft (see the docs).")
    under_cost: float = Field(
        1.0, ge=0, description="Soft cover: cost of one agent missing for one interval."
    )
    over_cost: float = Field(
        0.1, ge=0, description="Soft cover: cost of one agent more than required for one interval."
    )
    shifts: list[Template] = Field(min_length=1, max_length=2000)

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str | None) -> str | None:
        if v is None:
            return None
        from ccecon.units import check_currency

        return check_currency(v)

    @model_validator(mode="after")
    def _names(self) -> ShiftsFile:
        seen: dict[str, int] = {}
        for i, t in enumerate(self.shifts):
            if t.name in seen:
                raise InputError(
                    f"two templates are named alike (shifts[{seen[t.name]}] and shifts[{i}])",
                    field=f"shifts[{i}].name",
                    value=t.name,
                )
            seen[t.name] = i
        return self

    @property
    def costed(self) -> bool:
        """Whether the file gives any hourly cost: the hard cover then minimises paid cost
        rather than paid hours."""
        return self.cost_per_paid_hour > 0 or any(
            t.cost_per_paid_hour is not None for t in self.shifts
        )

    def rate(self, template: Template) -> float:
        """Hourly cost of one paid hour of ``template``."""
        if template.cost_per_paid_hour is not None:
            return template.cost_per_paid_hour
        return self.cost_per_paid_hour


def parse_shifts(text: str, source: str = "<shifts>") -> ShiftsFile:
    """A :class:`ShiftsFile` from YAML or JSON text; :class:`InputError` naming the field."""
    from ccecon.io import check_document, check_text, read_document, validation_error

    check_text(text, source)
    doc = read_document(text, source)
    check_document(doc, source)
    if not isinstance(doc, dict):
        raise InputError(
            "expected a mapping with a `shifts` list at the top level",
            file=source,
            value=type(doc).__name__,
        )
    try:
        return ShiftsFile.model_validate(doc)
    except ValidationError as exc:
        raise _nested(exc, source) or validation_error(exc, source) from None


def _nested(exc: ValidationError, source: str) -> InputError | None:
    """A template's own check (an :class:`InputError` naming a field inside the template)
    with the whole path: ``shifts[2].breaks[1].from``."""
    from ccecon.io import format_loc

    errors = exc.errors(include_url=False)
    if len(errors) != 1:
        return None
    cause = (errors[0].get("ctx") or {}).get("error")
    if not isinstance(cause, InputError) or not cause.field:
        return None
    where = format_loc(errors[0]["loc"])
    field = f"{where}.{cause.field}" if where else cause.field
    return InputError(cause.message, file=source, field=field, value=cause.value)


def load_shifts(path: str | Path) -> ShiftsFile:
    """Read a shift templates file (YAML or JSON, UTF-8)."""
    from ccecon.io import read_limited

    p = Path(path)
    raw = read_limited(p)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=str(p)) from None
    return parse_shifts(text, source=str(p))
