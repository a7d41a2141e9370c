"""The scenario's shift schedule: the templates ``staffing.schedule`` names or holds.

Read when the scenario is read (:func:`check_schedule`, from
:func:`ccecon.scenario.load.parse_scenario`) and again by the business case's schedule
(:mod:`ccecon.scheduling.plan`): the shifts file (cached by path, modification time and
size) or the inline templates, with the section's overrides, and the name their errors
carry. The templates file format and the shift-design model are
:mod:`ccecon.scheduling.spec` and :mod:`ccecon.scheduling.design`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccecon.errors import InputError
from ccecon.scheduling.design import build_model, week_grid
from ccecon.scheduling.spec import ShiftsFile, load_shifts

if TYPE_CHECKING:
    from ccecon.scenario.schema import Scenario, Schedule


def resolve_shifts(schedule: Schedule, source: str | None = None) -> tuple[ShiftsFile, str]:
    """The shifts of a ``staffing.schedule`` section, with its overrides, and the name its
    errors carry (the shifts file, or the scenario's field path for inline templates)."""
    if isinstance(schedule.shifts, str):
        path = Path(schedule.shifts)
        shifts = _load_cached(str(path), *_stamp(path, source))
        name = str(path)
    else:
        shifts = ShiftsFile.model_validate({"shifts": [t.model_dump() for t in schedule.shifts]})
        name = "" if source is None else source
    update: dict[str, Any] = {}
    if schedule.cover is not None:
        update["cover"] = schedule.cover
    if schedule.under_cost is not None:
        update["under_cost"] = schedule.under_cost
    if schedule.over_cost is not None:
        update["over_cost"] = schedule.over_cost
    return (shifts.model_copy(update=update) if update else shifts), name


def _stamp(path: Path, source: str | None) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        raise InputError(
            f"the shifts file was not found (looked for {path})",
            file=source,
            field="staffing.schedule.shifts",
            value=str(path),
        ) from None
    return st.st_mtime_ns, st.st_size


@lru_cache(maxsize=16)
def _load_cached(path: str, mtime_ns: int, size: int) -> ShiftsFile:
    return load_shifts(path)


def inline_field(exc: InputError, inline: bool, source: str | None = None) -> InputError:
    """An error of inline templates names the scenario's field: ``shifts[2].starts`` ->
    ``staffing.schedule.shifts[2].starts``, in ``source`` (None: the caller adds it)."""
    if not inline:
        return exc
    field = f"staffing.schedule.{exc.field}" if exc.field else "staffing.schedule.shifts"
    return InputError(exc.message, file=source, field=field, value=exc.value, row=exc.row)


def check_schedule(scenario: Scenario, source: str) -> None:
    """Load-time check: the shifts can be read and every template covers an interval of
    the staffing's open week (:class:`InputError` naming the file, field and value)."""
    st = scenario.staffing
    assert st is not None and st.schedule is not None
    inline = not isinstance(st.schedule.shifts, str)
    shifts, name = resolve_shifts(st.schedule, source)
    grid, _ = week_grid(st.interval_minutes, st.open_hour, st.close_hour, st.weekly_profile)
    try:
        build_model(shifts, grid, source=name)
    except InputError as exc:
        raise inline_field(exc, inline, source) from None
