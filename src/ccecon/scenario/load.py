"""Load scenario files (YAML or JSON) into :class:`~ccecon.scenario.schema.Scenario`.

Every problem becomes an :class:`~ccecon.errors.InputError` naming the file, the field path
(``proposal.cost_lines[2].amount``) and the bad value: pydantic's errors are translated, and
the checks pydantic cannot express (months outside the horizon, unknown drivers, mixed
currencies, negative volumes) run in :func:`check_scenario`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ccecon.errors import InputError
from ccecon.io import check_document, check_text, read_document, read_limited, validation_error
from ccecon.scenario.peak import check_peak_levers
from ccecon.scenario.schema import BUILTIN_DRIVERS, STAFFING_DRIVERS, ChannelKind, Scenario, Timing

MAX_MAGNITUDE = 1e15
"""Largest magnitude of any number in a scenario, integer or not, and of every parameter of
a distribution: 10^15 in any currency (a quadrillion) is beyond any contact center's plan,
and a product of such numbers over 600 months stays finite, so an implausible value is
refused naming its field instead of overflowing into an infinite total."""
FIRST_MONTH = (1970, 1)
LAST_MONTH = (2200, 12)
"""The plan, from ``start`` to its last month, lies within these months."""


def parse_scenario(text: str, source: str = "<scenario>", base_dir: Path | None = None) -> Scenario:
    """Parse and validate a scenario from YAML or JSON text.

    Parameters
    ----------
    text : str
        The file's content.
    source : str
        Name used in error messages (the file path).
    base_dir : Path, optional
        The scenario file's directory: a shifts file it names (``staffing.schedule.shifts``)
        is read relative to it. Without it (text from the web app or the API) a scenario
        may not name a file on the server, only give its templates inline.

    Raises
    ------
    InputError
        Naming ``source``, the field path and the bad value.
    """
    check_text(text, source)
    doc = read_document(text, source)
    check_document(doc, source)
    if not isinstance(doc, dict):
        raise InputError(
            "expected a mapping of scenario fields at the top level",
            file=source,
            value=type(doc).__name__,
        )
    try:
        scenario = Scenario.model_validate(doc)
    except ValidationError as exc:
        raise validation_error(exc, source) from None
    check_scenario(scenario, source)
    if scenario.staffing is not None and scenario.staffing.schedule is not None:
        _check_schedule(scenario, source, base_dir)
    return scenario


def _check_schedule(scenario: Scenario, source: str, base_dir: Path | None) -> None:
    """A named shifts file is read relative to the scenario's directory (its path is then
    held absolute) and only from a scenario file; the templates must fit the staffing's
    interval grid and open week (:func:`ccecon.scenario.shifts.check_schedule`)."""
    from ccecon.scenario.shifts import check_schedule

    st = scenario.staffing
    assert st is not None and st.schedule is not None
    if isinstance(st.schedule.shifts, str):
        if base_dir is None:
            raise InputError(
                "a shifts file can be named only in a scenario file read from disk (the"
                " command line); give the shift templates inline as a list",
                file=source,
                field="staffing.schedule.shifts",
                value=st.schedule.shifts,
            )
        path = Path(st.schedule.shifts).expanduser()
        st.schedule.shifts = str(path if path.is_absolute() else (base_dir / path).resolve())
    check_schedule(scenario, source)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (``.yaml``, ``.yml`` or ``.json``, UTF-8)."""
    p = Path(path)
    raw = read_limited(p)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 text (byte {exc.start}); save the file as UTF-8", file=str(p)
        ) from None
    return parse_scenario(text, source=str(p), base_dir=p.resolve().parent)


def _is_distribution(value: Any) -> bool:
    return isinstance(value, BaseModel) and hasattr(value, "ppf")


def _numbers(model: BaseModel, path: str) -> Iterator[tuple[str, str, Any]]:
    """(path, field name, value) of every numeric field, recursively, in field order.

    A distribution is yielded whole (not descended into): its own model checks its
    parameters, and the caller checks its support against the field's bounds.
    """
    out: list[tuple[str, str, Any]] = []
    _numbers_into(model, path, out)
    return iter(out)


def _numbers_into(model: BaseModel, path: str, out: list[tuple[str, str, Any]]) -> None:
    # plain recursion into a list (nested generators cost a new scenario ~0.1 ms more)
    for name in type(model).model_fields:
        value = getattr(model, name)
        t = type(value)
        if t is str or t is bool or value is None:
            continue  # the common leaves that are not numbers, by exact type
        here = f"{path}.{name}" if path else name
        if t is float or t is int or _is_distribution(value):
            out.append((here, name, value))
        elif isinstance(value, BaseModel):
            _numbers_into(value, here, out)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    _numbers_into(item, f"{here}[{i}]", out)
        elif isinstance(value, dict):
            for k, item in value.items():
                if _is_distribution(item) or (
                    isinstance(item, (int, float)) and not isinstance(item, bool)
                ):
                    out.append((f"{here}.{k}", name, item))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out.append((here, name, value))


_NON_NEGATIVE = {
    "per_month",
    "aht_s",
    "amount",
    "quantity",
    "drivers",
    "volume_factor",
    "aht_factor",
    "low",
    "high",
}


def check_scenario(scenario: Scenario, source: str = "<scenario>") -> None:
    """Cross-field checks pydantic cannot express; raise the first problem found.

    * plain numbers must be finite and at most :data:`MAX_MAGNITUDE` in magnitude (so are
      a distribution's parameters); volumes, AHT, amounts, quantities and drivers >= 0
      (ratios, shares, rates and risk, are checked by their types, :mod:`ccecon.units`);
    * months of lines and levers within ``0 .. horizon_months``;
    * ``per_unit`` drivers must exist; levers must name a channel (peak levers a staffed
      one, with hours holding open intervals: :func:`ccecon.scenario.peak.check_peak_levers`);
    * a line's optional ``currency`` must equal the scenario's (no silent mixing);
    * a benchmark band must have ``low <= high``.
    """
    _check_months(scenario, source)
    _check_numbers(scenario, source)
    channels = {c.name for c in scenario.channels}
    staffing_drivers = _check_staffing(scenario, source, channels)
    _check_cases(scenario, source, channels, staffing_drivers)
    check_peak_levers(scenario, source)
    _check_benchmark(scenario, source)
    if scenario.sourcing is not None:
        _check_sourcing(scenario, source)


def _check_months(scenario: Scenario, source: str) -> None:
    """The plan's months lie within the calendar the engine knows."""
    horizon = scenario.horizon_months
    first = scenario.start.year * 12 + scenario.start.month - 1
    last = first + horizon - 1
    if first < FIRST_MONTH[0] * 12 + FIRST_MONTH[1] - 1 or last > LAST_MONTH[0] * 12 + 11:
        raise InputError(
            f"the plan must lie within {FIRST_MONTH[0]}-{FIRST_MONTH[1]:02d} .."
            f" {LAST_MONTH[0]}-{LAST_MONTH[1]:02d} (its last month is"
            f" {last // 12}-{last % 12 + 1:02d} with horizon_months {horizon})",
            file=source,
            field="start",
            value=scenario.start.strftime("%Y-%m"),
        )


def _check_numbers(scenario: Scenario, source: str) -> None:
    """Every number finite and plausible, and a distribution's parameters too; the
    non-negative fields (and the ranges of them) at least 0."""

    import numpy as np

    for path, name, value in _numbers(scenario, ""):
        if _is_distribution(value):
            for key, param in value.model_dump(by_alias=True).items():
                for x in param if isinstance(param, list) else [param]:
                    if isinstance(x, (int, float)) and abs(x) > MAX_MAGNITUDE:
                        raise InputError(
                            f"{key}: a number beyond {MAX_MAGNITUDE:.0e} in magnitude is not"
                            " a plausible plan input",
                            file=source,
                            field=path,
                            value=x,
                        )
            lowest = float(value.ppf(np.array([0.0]))[0])
            if name in _NON_NEGATIVE and lowest < 0:
                raise InputError(
                    f"a range for a non-negative field must not reach below 0 (its minimum"
                    f" is {lowest:g}); give the distribution a minimum of 0",
                    file=source,
                    field=path,
                    value=value.model_dump(),
                )
            continue
        if not math.isfinite(value):
            raise InputError("expected a finite number", file=source, field=path, value=value)
        if abs(value) > MAX_MAGNITUDE:
            raise InputError(
                f"a number beyond {MAX_MAGNITUDE:.0e} in magnitude is not a plausible plan input",
                file=source,
                field=path,
                value=value,
            )
        if name in _NON_NEGATIVE and value < 0:
            raise InputError("must not be negative", file=source, field=path, value=value)


def _check_staffing(scenario: Scenario, source: str, channels: set[str]) -> set[str]:
    """The staffed channels exist and no user driver takes a computed staffing driver's
    name; returns the staffing drivers lines may use."""
    staffing_drivers: set[str] = set()
    if scenario.staffing is not None:
        staffing_drivers = set(STAFFING_DRIVERS)
        staffed = scenario.staffing.channels
        if staffed is None:
            staffed = [c.name for c in scenario.channels if c.kind == ChannelKind.voice_inbound]
            if not staffed:
                raise InputError(
                    "staffing needs channels: name them, or add a voice_inbound channel",
                    file=source,
                    field="staffing.channels",
                )
        for i, name in enumerate(staffed):
            if name not in channels:
                raise InputError(
                    "staffing names a channel that does not exist; channels: "
                    + (", ".join(sorted(channels)) or "(none)"),
                    file=source,
                    field=f"staffing.channels[{i}]",
                    value=name,
                )
        clash = staffing_drivers & set(scenario.drivers)
        if clash:
            raise InputError(
                "this driver name is computed from staffing; rename the user driver",
                file=source,
                field=f"drivers.{sorted(clash)[0]}",
                value=sorted(clash)[0],
            )
    return staffing_drivers


def _check_cases(
    scenario: Scenario, source: str, channels: set[str], staffing_drivers: set[str]
) -> None:
    """Each case's lines: one currency, months within the horizon, known drivers; its
    levers name a channel and start within the horizon."""
    horizon = scenario.horizon_months
    per_channel = channels | {f"{c}.minutes" for c in channels}
    for case_name, case in scenario.cases().items():
        known = (
            set(BUILTIN_DRIVERS)
            | per_channel
            | staffing_drivers
            | set(scenario.drivers)
            | set(case.drivers)
        )
        lines: list[tuple[str, Any]] = [
            (f"{case_name}.cost_lines[{i}]", ln) for i, ln in enumerate(case.cost_lines)
        ] + [(f"{case_name}.benefit_lines[{i}]", ln) for i, ln in enumerate(case.benefit_lines)]
        for path, line in lines:
            if line.currency is not None and line.currency.upper() != scenario.currency:
                raise InputError(
                    f"amounts are in {scenario.currency}; a line in another currency would be"
                    " mixed silently: convert it first",
                    file=source,
                    field=f"{path}.currency",
                    value=line.currency,
                )
            if line.timing == Timing.once and line.month is not None and line.month > horizon:
                raise InputError(
                    f"month is outside the horizon (0..{horizon})",
                    file=source,
                    field=f"{path}.month",
                    value=line.month,
                )
            if line.start_month > horizon:
                raise InputError(
                    f"start_month is outside the horizon (0..{horizon})",
                    file=source,
                    field=f"{path}.start_month",
                    value=line.start_month,
                )
            if line.end_month is not None and line.end_month > horizon:
                raise InputError(
                    f"end_month is outside the horizon (0..{horizon})",
                    file=source,
                    field=f"{path}.end_month",
                    value=line.end_month,
                )
            if line.timing == Timing.per_unit and line.driver not in known:
                raise InputError(
                    "unknown driver; expected one of " + ", ".join(sorted(known)),
                    file=source,
                    field=f"{path}.driver",
                    value=line.driver,
                )
        for i, lever in enumerate(case.levers):
            if lever.channel not in channels:
                raise InputError(
                    "lever names a channel that does not exist; channels: "
                    + (", ".join(sorted(channels)) or "(none)"),
                    file=source,
                    field=f"{case_name}.levers[{i}].channel",
                    value=lever.channel,
                )
            if lever.start_month > horizon:
                raise InputError(
                    f"start_month is outside the horizon (1..{horizon})",
                    file=source,
                    field=f"{case_name}.levers[{i}].start_month",
                    value=lever.start_month,
                )


def _check_benchmark(scenario: Scenario, source: str) -> None:
    """A band has low <= high; a bundled benchmark exists and is in the scenario's
    currency."""
    bench = scenario.benchmark
    if bench is not None and not isinstance(bench, str):
        low, high = bench.low, bench.high
        if isinstance(low, (int, float)) and isinstance(high, (int, float)) and low > high:
            raise InputError(
                "benchmark low is above high", file=source, field="benchmark.low", value=low
            )
    if isinstance(bench, str):
        from ccecon.costing.benchmarks import BENCHMARKS

        if bench not in BENCHMARKS:
            raise InputError(
                "unknown bundled benchmark; expected one of " + ", ".join(sorted(BENCHMARKS)),
                file=source,
                field="benchmark",
                value=bench,
            )
        band = BENCHMARKS[bench]
        if band.currency != scenario.currency:
            raise InputError(
                f"the bundled benchmark is in {band.currency} but the scenario is in"
                f" {scenario.currency}; bands are never converted silently: give a band in"
                f" {scenario.currency} (benchmark: {{low, high, source}})",
                file=source,
                field="benchmark",
                value=bench,
            )


def _check_sourcing(scenario: Scenario, source: str) -> None:
    """The sourcing comparison needs channels, and hybrid routing that covers each channel
    exactly once (checked on base-case values; ranges do not change channel names)."""
    from ccecon.scenario.sourcing import check_routing
    from ccecon.uncertainty.sampling import realize

    point = realize(scenario, {})
    try:
        if not point.channels:
            raise InputError(
                "the sourcing comparison needs channels (the demand)", field="channels"
            )
        if point.sourcing is not None:
            check_routing(point.sourcing, point)
    except InputError as exc:
        raise InputError(exc.message, file=source, field=exc.field, value=exc.value) from None


def dump_scenario(scenario: Scenario) -> str:
    """YAML text of a scenario, loadable again by :func:`parse_scenario`.

    Writes the fields that were given (in the file, or set by code such as ``calibrate``),
    whether or not they equal a default: a reviewed file keeps its stated discount rate
    and horizon, and tagged unions keep their tag (``model: sum``, ``dist: pert``), which a
    dump without defaults would drop and then fail to read back.
    """
    data = scenario.model_dump(mode="json", exclude_unset=True)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
