"""Calibrate a scenario's channels from measured actuals, and say what changed and why.

For each channel of the scenario, the matching traffic in the store (voice_inbound: voice
and inbound; voice_outbound: voice and outbound; chat, email, messaging: that channel) gives
``per_month`` = the mean contacts handled (answered) per **complete** calendar month in the
store, and ``aht_s`` = handle seconds / answered contacts over those months. A scenario
with two channels of one kind is ambiguous and refused. When the scenario has a
``staffing`` section, its ``weekly_profile`` and ``intraday_profile`` are replaced by the
measured **shares** (summing to 1) of the staffed channels' offered contacts by weekday
and by interval of the open hours, over the same months.

:func:`calibrate_explained` returns the changes (field, old, new, which records), and
warnings: a value that moves by more than ``warn_ratio`` (either way), and drivers the
records do not give (``seats``...) left as they were while the workload or the staffing's
FTE moved by more than that ratio. :func:`apply_changes` writes the changes into the
scenario's own text (round-trip YAML: comments, order and layout kept).
Aggregation runs in DuckDB through Ibis; each channel's note records what was measured.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ccecon.errors import InputError
from ccecon.scenario.schema import ChannelKind, Scenario
from ccecon.units import DAYS_PER_MONTH

KIND = {
    ChannelKind.voice_inbound: ("voice", "inbound"),
    ChannelKind.voice_outbound: ("voice", "outbound"),
    ChannelKind.chat: ("chat", None),
    ChannelKind.email: ("email", None),
    ChannelKind.messaging: ("messaging", None),
}
WARN_RATIO = 1.5
"""A calibrated value more than this many times (or less than 1 / this) the old one is
warned about."""
PROFILE_DIGITS = 4
"""Profile shares are rounded to this many decimals."""


@dataclass(frozen=True)
class Change:
    """One field the calibration changed: ``path`` into the scenario document."""

    path: tuple[str | int, ...]
    label: str
    old: Any
    new: Any
    source: str


@dataclass
class Calibration:
    """The calibrated scenario, what changed and what to look at."""

    scenario: Scenario
    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def calibrate(scenario: Scenario, store: str | Path) -> Scenario:
    """A copy of ``scenario`` with channel volumes, AHT and profiles from the store."""
    return calibrate_explained(scenario, store).scenario


def _months_text(start: Any, end: Any, full: int) -> str:
    import pandas as pd

    last = pd.Timestamp(end) - pd.offsets.MonthBegin(1)
    first_txt, last_txt = pd.Timestamp(start).strftime("%Y-%m"), last.strftime("%Y-%m")
    span = first_txt if first_txt == last_txt else f"{first_txt} .. {last_txt}"
    return f"{full} complete month{'s' if full != 1 else ''} ({span})"


def calibrate_explained(
    scenario: Scenario, store: str | Path, *, warn_ratio: float = WARN_RATIO
) -> Calibration:
    """Calibrate ``scenario`` from ``store``; the changes and the warnings with it.

    Parameters
    ----------
    scenario : Scenario
        The scenario to calibrate; channels of a kind found in the actuals get their
        monthly volume (contacts per month) and AHT (seconds), the staffing its weekly and
        intraday profiles (shares).
    store : str or Path
        The DuckDB actuals store (``ccecon ingest``).
    warn_ratio : float
        A value moved by more than this factor (either way) is warned about; above 1.

    Returns
    -------
    Calibration
        The calibrated copy, every field changed (old, new, from which records) and the
        warnings.
    """
    from ccecon.data.metrics import connect

    if not warn_ratio > 1:
        raise InputError("the warning ratio must be above 1", field="warn_ratio", value=warn_ratio)
    kinds = [c.kind for c in scenario.channels]
    dup = {k for k in kinds if kinds.count(k) > 1}
    if dup:
        raise InputError(
            "two channels of one kind cannot be told apart in the actuals",
            field="channels",
            value=sorted(d.value for d in dup),
        )
    if not Path(store).is_file():
        raise InputError("store not found", file=str(store))
    con = connect(str(store))
    changes: list[Change] = []
    try:
        t = con.table("interactions")
        span = _Span.of(t, store)
        channels = []
        selectors: dict[str, Any] = {}
        for i, ch in enumerate(scenario.channels):
            if ch.kind not in KIND:
                channels.append(ch)
                continue
            name, direction = KIND[ch.kind]
            sel = t.channel == name
            if direction is not None:
                sel = sel & (t.direction == direction)
            selectors[ch.name] = sel
            channels.append(_channel(t, i, ch, sel, span, store, changes))
        update: dict[str, Any] = {"channels": channels}
        if scenario.staffing is not None and selectors:
            staffing = _profiles(t, scenario, selectors, span, changes)
            if staffing is not None:
                update["staffing"] = staffing
        new = scenario.model_copy(update=update)
    finally:
        con.disconnect()
    changes = [c for c in changes if c.old != c.new]
    return Calibration(new, changes, _warnings(scenario, new, changes, warn_ratio))


@dataclass(frozen=True)
class _Span:
    """The months calibrated from: the complete calendar months inside the records' first
    and last arrival, or, without one, all of it scaled to a mean month."""

    in_span: Any
    """Ibis condition on ``arrival_ts`` (always true when ``use_all``)."""
    full: int
    """Complete months."""
    use_all: bool
    days: float
    """Days from the first arrival to the last (at least 1)."""
    text: str
    """The span in words, for the changes' sources."""

    @classmethod
    def of(cls, t: Any, store: str | Path) -> _Span:
        import ibis
        import pandas as pd

        span = t.aggregate(first=t.arrival_ts.min(), last=t.arrival_ts.max()).to_pandas()
        if span.empty or span["first"].isna().iloc[0]:
            raise InputError("the store has no interactions", file=str(store))
        f, last_ts = pd.Timestamp(span["first"].iloc[0]), pd.Timestamp(span["last"].iloc[0])
        start = f.normalize().replace(day=1)
        if start < f.normalize() or f != f.normalize():
            start = start + pd.offsets.MonthBegin(1)
        end = (last_ts + pd.Timedelta(days=1)).normalize().replace(day=1)  # exclusive
        full = max(0, (end.year - start.year) * 12 + end.month - start.month)
        use_all = full == 0
        days = max((last_ts - f).total_seconds() / 86400.0, 1.0)
        if use_all:
            text = f"{days:.1f} days (no complete month; scaled to a mean month)"
        else:
            text = _months_text(start, end, full)
        in_span = (
            ibis.literal(True)
            if use_all
            else (t.arrival_ts >= ibis.timestamp(start)) & (t.arrival_ts < ibis.timestamp(end))
        )
        return cls(in_span, full, use_all, days, text)


def _channel(
    t: Any, i: int, ch: Any, sel: Any, span: _Span, store: str | Path, changes: list[Change]
) -> Any:
    """Channel ``i`` with its volume and AHT from its answered contacts in the span (the
    changes appended), or as it was when the records have none."""
    name, direction = KIND[ch.kind]
    sub = t.filter(sel & span.in_span)
    handle = sub.talk_s.fill_null(0.0) + sub.hold_s.fill_null(0.0) + sub.acw_s.fill_null(0.0)
    agg = (
        sub.aggregate(
            answered=sub.answer_ts.count(),
            handle=sub.answer_ts.notnull().ifelse(handle, 0.0).sum(),
        )
        .to_pandas()
        .iloc[0]
    )
    if not agg["answered"]:
        return ch
    answered = int(agg["answered"])
    if span.use_all:
        per_month = float(answered) / span.days * DAYS_PER_MONTH
    else:
        per_month = float(answered) / span.full
    aht = float(agg["handle"]) / float(answered)
    what = f"{answered:,} answered {name}{' ' + direction if direction else ''} contacts"
    note = f"calibrated from {store}: {what} over {span.text}"
    per_month, aht = round(per_month, 1), round(aht, 1)
    base: tuple[str | int, ...] = ("channels", i)
    label = f"channels.{ch.name}"
    changes.append(
        Change(
            (*base, "per_month"),
            f"{label}.per_month",
            ch.per_month,
            per_month,
            (
                f"{what} over {span.days:.1f} days, scaled to a mean month"
                f" ({DAYS_PER_MONTH:g} days)"
                if span.use_all
                else f"{what} / {span.text}"
            ),
        )
    )
    changes.append(
        Change(
            (*base, "aht_s"),
            f"{label}.aht_s",
            ch.aht_s,
            aht,
            f"(talk + hold + ACW) seconds / {answered:,} answered, same months",
        )
    )
    changes.append(Change((*base, "note"), f"{label}.note", ch.note, note, "provenance"))
    return ch.model_copy(update={"per_month": per_month, "aht_s": aht, "note": note})


def _profiles(
    t: Any, scenario: Scenario, selectors: dict[str, Any], span: _Span, changes: list[Change]
) -> Any:
    """The staffing with its weekly and intraday profiles from the offered contacts of the
    staffed channels in the span (the changes appended); None when nothing changes."""
    st = scenario.staffing
    assert st is not None
    staffed = st.channels or [c.name for c in scenario.channels]
    sels = [s for n, s in selectors.items() if n in staffed]
    if not sels:
        return None
    any_sel = sels[0]
    for s in sels[1:]:
        any_sel = any_sel | s
    outcome = t.outcome.fill_null("queued") if "outcome" in t.columns else None
    cond = any_sel & span.in_span
    if outcome is not None:
        cond = cond & (outcome == "queued")
    sub = t.filter(cond)
    dow = sub.group_by(d=sub.arrival_ts.day_of_week.index()).aggregate(n=sub.count())
    dfw = dow.to_pandas().set_index("d")["n"]
    week_n = [float(dfw.get(i, 0)) for i in range(7)]
    width = st.interval_minutes * 60
    sec = (sub.arrival_ts.hour() * 3600 + sub.arrival_ts.minute() * 60).cast("int64")
    iv = sub.group_by(s=sec - sec % width).aggregate(n=sub.count()).to_pandas()
    counts = dict(zip(iv["s"], iv["n"], strict=True))
    slots = round((st.close_hour - st.open_hour) * 3600 / width)
    first_s = int(st.open_hour * 3600)
    day_n = [float(counts.get(first_s + i * width, 0)) for i in range(slots)]
    outside = float(sum(counts.values())) - sum(day_n)
    st_update: dict[str, Any] = {}
    n_week = sum(week_n)
    if n_week > 0:
        shares = _shares(week_n)
        st_update["weekly_profile"] = shares
        changes.append(
            Change(
                ("staffing", "weekly_profile"),
                "staffing.weekly_profile",
                st.weekly_profile,
                shares,
                f"share of {int(n_week):,} offered contacts by weekday, Monday first, {span.text}",
            )
        )
    n_day = sum(day_n)
    if n_day > 0:
        shares = _shares(day_n)
        st_update["intraday_profile"] = shares
        src = (
            f"share of {int(n_day):,} offered contacts by {st.interval_minutes}-minute"
            f" interval from {st.open_hour:g} h to {st.close_hour:g} h"
        )
        if outside > 0:
            src += f" ({int(outside):,} outside those hours left out)"
        changes.append(
            Change(
                ("staffing", "intraday_profile"),
                "staffing.intraday_profile",
                st.intraday_profile,
                shares,
                src,
            )
        )
    return st.model_copy(update=st_update) if st_update else None


def _shares(counts: list[float]) -> list[float]:
    """Counts as shares summing to 1 (to :data:`PROFILE_DIGITS` decimals)."""
    total = sum(counts)
    return [round(c / total, PROFILE_DIGITS) for c in counts]


def _point(x: Any) -> float:
    """A plain number; TypeError for a distribution (no point value to compare)."""
    if isinstance(x, int | float) and not isinstance(x, bool):
        return float(x)
    raise TypeError("not a plain number")


def _ratio_text(r: float) -> str:
    return f"{r:,.2f}x"


def _fte(scenario: Scenario) -> float | None:
    """Paid FTE of the scenario's first plan month, as the business case staffs it (the
    engine's own drivers: one staffing path), or None without staffing or when the
    scenario cannot be evaluated as it stands."""
    import numpy as np

    from ccecon.cases import case_drivers
    from ccecon.errors import CCEconError
    from ccecon.uncertainty.sampling import realize

    if scenario.staffing is None:
        return None
    try:
        point = realize(scenario, {})
        _, drivers = case_drivers(point, point.proposal)
    except (CCEconError, ValueError, TypeError):
        return None
    fte = drivers.get("fte")
    if fte is None or fte.shape[1] < 2:
        return None
    return float(np.mean(fte[:, 1]))


def _warnings(old: Scenario, new: Scenario, changes: list[Change], ratio: float) -> list[str]:
    out = []
    for c in changes:
        if c.path[-1] not in ("per_month", "aht_s"):
            continue
        try:
            o, n = float(c.old), float(c.new)
        except (TypeError, ValueError):
            continue
        if o > 0 and n > 0 and not (1 / ratio <= n / o <= ratio):
            out.append(
                f"{c.label}: {o:,.1f} -> {n:,.1f} is {_ratio_text(n / o)} the scenario's value"
                f" (warned beyond {ratio:g}x either way): check that the store holds this"
                " channel's traffic only and the months you mean"
            )

    def workload(s: Scenario) -> float:
        total = 0.0
        for ch in s.channels:
            try:
                total += _point(ch.per_month) * _point(ch.aht_s)
            except (TypeError, ValueError):
                return float("nan")
        return total

    w_old, w_new = workload(old), workload(new)
    drivers = dict(getattr(old, "drivers", None) or {})
    if drivers and w_old > 0 and w_new > 0:
        fte_old, fte_new = _fte(old), _fte(new)
        if fte_old and fte_new:
            moved, what = (
                fte_new / fte_old,
                f"the staffing's FTE goes {fte_old:,.1f} -> {fte_new:,.1f}",
            )
        else:
            moved, what = w_new / w_old, "the workload (contacts x AHT)"
            what += f" goes {w_old / 3600:,.0f} -> {w_new / 3600:,.0f} hours a month"
        if not (1 / ratio <= moved <= ratio):
            for name, value in drivers.items():
                out.append(
                    f"drivers.{name} = {_num(value)} is not calibrated (the records do not"
                    f" give it) while {what} ({_ratio_text(moved)}): review it, or the cost"
                    " lines that scale with it are out of step"
                )
    return out


def _num(v: Any) -> str:
    return f"{v:,.10g}" if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v)


def show(value: Any, limit: int = 60) -> str:
    """A field's value for the change table (long lists shortened, numbers separated)."""
    if value is None:
        return ""
    if isinstance(value, list):
        text = "[" + ", ".join(_num(v) for v in value) + "]"
        if len(text) > limit:
            text = text[: limit - 5].rsplit(",", 1)[0] + f", ... ({len(value)} values)]"
        return text
    if isinstance(value, str) and len(value) > limit:
        return value[: limit - 3] + "..."
    return _num(value)


def apply_changes(text: str, changes: list[Change], *, json_file: bool = False) -> str:
    """The scenario text with ``changes`` written in; YAML keeps its comments and layout.

    A YAML document is edited in place: the document is composed with ``ruamel.yaml``,
    which gives every value's start and end in the text, and only those characters are
    replaced (a list as a flow list wrapped at the column it starts in; a field the file
    does not have is added after its mapping's last field). Every other character stays
    as it was. A JSON document is rewritten as JSON (indent 2).
    """
    if json_file:
        import json

        data = json.loads(text)
        for c in changes:
            _set(data, c.path, c.new)
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    from ruamel.yaml import YAML

    root = YAML(typ="rt").compose(text)
    edits: list[tuple[int, int, str]] = []
    for c in changes:
        parent = root
        for k in c.path[:-1]:
            parent = _child(parent, k)
        key = c.path[-1]
        node = _child(parent, key, missing_ok=True)
        if node is not None:
            a, b = node.start_mark.index, node.end_mark.index
            edits.append((a, b, _yaml_value(c.new, node.start_mark.column)))
            continue
        # a field the mapping does not have yet: after its last field
        last_key, last_val = parent.value[-1]
        end = last_val.end_mark.index
        if parent.flow_style:
            edits.append((end, end, f", {key}: {_yaml_value(c.new, 0, wrap=False)}"))
        else:
            indent = last_key.start_mark.column
            line_end = text.find("\n", end)
            line_end = len(text) if line_end < 0 else line_end
            edits.append(
                (
                    line_end,
                    line_end,
                    "\n"
                    + " " * indent
                    + f"{key}: "
                    + _yaml_value(c.new, indent + len(str(key)) + 2),
                )
            )
    for a, b, new in sorted(edits, reverse=True):
        text = text[:a] + new + text[b:]
    return text


def _child(node: Any, key: str | int, *, missing_ok: bool = False) -> Any:
    """The value node under ``key`` of a composed mapping (or index of a sequence)."""
    if isinstance(key, int):
        return node.value[key]
    for k, v in node.value:
        if getattr(k, "value", None) == key:
            return v
    if missing_ok:
        return None
    raise KeyError(key)


def _yaml_value(value: Any, column: int, *, wrap: bool = True, width: int = 92) -> str:
    """YAML text of a scalar or a list (a flow list wrapped under its first value)."""
    import json

    if isinstance(value, list):
        parts = [_yaml_value(v, 0) for v in value]
        if not wrap:
            return "[" + ", ".join(parts) + "]"
        lines: list[str] = []
        cur = "["
        for i, p in enumerate(parts):
            piece = p + ("," if i < len(parts) - 1 else "]")
            used = len(cur) + (0 if lines else column)
            if not cur.endswith("[") and used + 1 + len(piece) > width:
                lines.append(cur.rstrip())
                cur = " " * (column + 1) + piece
            else:
                cur += ("" if cur.endswith("[") else " ") + piece
        lines.append(cur)
        return "\n".join(lines) if parts else "[]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if value is None:
        return "null"
    return json.dumps(str(value), ensure_ascii=False)  # a double-quoted YAML scalar


def _set(data: Any, path: tuple[str | int, ...], value: Any) -> None:
    for k in path[:-1]:
        data = data[k]
    data[path[-1]] = value
