"""Contact-center metrics as Ibis expressions: one definition for every backend.

Aggregate additively, divide last: each group carries counts and sums (offered, answered,
abandoned, answered within the threshold, wait and handle seconds, cost), and the ratios
(service level, ASA, AHT, abandonment rate, handle cost per call) are computed from those sums at
the end, so partial results merge exactly (by day -> by month adds up).

Definitions (per group):

* offered = contacts offered to a queue or agent (``outcome`` ``queued`` or NULL);
  ``self_service`` (never queued: IVR, bot), ``blocked`` (busy, congested) and ``failed``
  contacts are counted on their own and are neither offered nor abandoned; answered =
  contacts with an ``answer_ts``; abandoned = ``abandoned`` contacts that waited at least
  ``short_abandon_s`` (shorter ones are ``short_abandoned`` and leave the service-level
  denominator, the common convention);
* service level = answered within T / (offered - short abandoned);
* ASA = queue wait of answered contacts / answered; AHT = (talk + hold + ACW) / answered;
* cost = handle hours x ``cost_per_agent_hour`` + talk minutes x ``cost_per_minute`` (or
  the ``cost_rates`` rates valid on each contact's date, summed per contact);
  ``handle_cost_per_call`` = cost / answered, cost per minute = cost / talk minutes. This is
  the direct cost of handling a contact (agent time and telecom), not a scenario's fully
  loaded ``cost_per_inbound_call`` (every cost line of the case over the calls).

* repeat contacts (an FCR proxy, with ``repeat_days`` N): ``identified`` = answered
  contacts with a ``customer_id``; ``repeats`` = those followed by another contact (any
  queue, channel or outcome) of the same customer within N days of arrival; ``fcr_proxy`` =
  1 - repeats / identified. Contacts in the last N days of the data cannot see their
  repeats yet (right-censored), so their period reads high.

Agent states (:func:`state_expr`, from the ``agent_states`` table): seconds per state
(available, on contact, after-contact work, not ready) and logged in (their sum);
occupancy = (on contact + ACW) / (on contact + ACW + available); utilization = (on contact
+ ACW) / logged in. Rows never cross a quarter hour (split at ingest), so every time
grouping is exact.

Group keys: ``queue``, ``channel``, ``direction``, ``agent``, and time buckets ``interval``
(15-minute; ``interval30``, ``interval60``), ``day``, ``week`` (ISO, Monday), ``month``.
Intervals are multiples of 15, 30 or 60 minutes from the epoch (``time_bucket`` on DuckDB,
epoch seconds on Spark), weeks ``date_trunc('week')``, months ``date_trunc('month')``.
Results are sorted by the keys unless ``order=False``. ``team`` needs
an agent -> team table (:func:`load_teams`); ``fiscal_year``, ``fiscal_quarter``,
``fiscal_month`` and ``fiscal_week`` need a fiscal calendar (:func:`load_fiscal_calendar`,
the 4-4-5 / 52-53 week calendars of :mod:`ccecon.targets.calendar`), joined by date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ccecon.errors import InputError

KEYS = (
    "queue",
    "channel",
    "direction",
    "agent",
    "interval",
    "interval30",
    "interval60",
    "day",
    "week",
    "month",
    "team",
    "fiscal_year",
    "fiscal_quarter",
    "fiscal_month",
    "fiscal_week",
)
FISCAL_KEYS = ("fiscal_year", "fiscal_quarter", "fiscal_month", "fiscal_week")
STATE_KEYS = tuple(k for k in KEYS if k not in ("queue", "channel", "direction"))


@dataclass(frozen=True)
class FiscalCalendar:
    """A 52-53 week fiscal calendar (see :func:`ccecon.targets.calendar.fiscal_year`)."""

    pattern: str = "4-4-5"
    weekday: str = "saturday"
    nearest: str = "12-31"
    in_next_calendar_year: bool = False

    def days(self, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
        """One row per date from ``first`` to ``last``: its fiscal year, quarter, month, week.

        Labels sort in time order: ``FY2027 Q1``, ``FY2027 P01``, ``FY2027 W01``.
        """
        from ccecon.targets.calendar import fiscal_year

        rows: list[dict[str, Any]] = []
        for year in range(first.year - 2, last.year + 2):
            fy = fiscal_year(
                year,
                pattern=self.pattern,
                weekday=self.weekday,
                nearest=self.nearest,
                ends_in_next_calendar_year=self.in_next_calendar_year,
            )
            for w in fy.weeks:
                for d in w.days:
                    if first <= d <= last:
                        rows.append(
                            {
                                "_day": d,
                                "fiscal_year": f"FY{year}",
                                "fiscal_quarter": f"FY{year} Q{w.quarter}",
                                "fiscal_month": f"FY{year} P{w.month:02d}",
                                "fiscal_week": f"FY{year} W{w.week:02d}",
                            }
                        )
        return rows


def load_fiscal_calendar(path: str | Path) -> FiscalCalendar:
    """Read a fiscal calendar YAML: the ``calendar:`` block of a targets file, or the block.

    Fields: ``pattern`` (4-4-5, 4-5-4, 5-4-4), ``year_end: {weekday, nearest: MM-DD,
    in_next_calendar_year}``; other fields of a targets file's calendar (fiscal_year,
    workdays, holidays) are ignored here.
    """
    import yaml

    from ccecon.targets.calendar import PATTERNS, year_end

    p = Path(path)
    if not p.is_file():
        raise InputError("fiscal calendar file not found", file=str(p))
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"not a YAML file: {exc}", file=str(p)) from None
    if isinstance(doc, dict) and isinstance(doc.get("calendar"), dict):
        doc = doc["calendar"]
    if not isinstance(doc, dict):
        raise InputError("expected a mapping with pattern and year_end", file=str(p))
    pattern = str(doc.get("pattern", "4-4-5"))
    if pattern not in PATTERNS:
        raise InputError(
            "unknown pattern; expected 4-4-5, 4-5-4 or 5-4-4",
            file=str(p),
            field="pattern",
            value=pattern,
        )
    ye = doc.get("year_end") or {}
    if not isinstance(ye, dict):
        raise InputError(
            "expected year_end: {weekday: saturday, nearest: '12-31'}",
            file=str(p),
            field="year_end",
            value=ye,
        )
    cal = FiscalCalendar(
        pattern,
        str(ye.get("weekday", "saturday")),
        str(ye.get("nearest", "12-31")),
        bool(ye.get("in_next_calendar_year", False)),
    )
    try:
        year_end(2000, cal.weekday, cal.nearest)
    except InputError as exc:
        raise InputError(exc.message, file=str(p), field=exc.field, value=exc.value) from None
    return cal


def load_teams(path: str | Path) -> list[dict[str, Any]]:
    """Read an agent -> team CSV: columns ``agent``, ``team``, optional ``valid_from``,
    ``valid_to`` (dates, inclusive; empty = open). An agent's periods must not overlap.
    """
    import csv
    import io

    p = Path(path)
    if not p.is_file():
        raise InputError("team file not found", file=str(p))
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=str(p)) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in ("agent", "team") if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(
            "missing column(s) " + ", ".join(missing) + "; expected agent, team"
            " [, valid_from, valid_to]",
            file=str(p),
            value=reader.fieldnames,
        )
    rows: list[dict[str, Any]] = []
    for row in reader:
        i = reader.line_num
        agent, team = (row.get("agent") or "").strip(), (row.get("team") or "").strip()
        if not agent or not team:
            raise InputError(
                "agent and team must not be empty", file=str(p), row=i, value=[agent, team]
            )
        dates: list[dt.date | None] = []
        for col in ("valid_from", "valid_to"):
            v = (row.get(col) or "").strip()
            try:
                dates.append(dt.date.fromisoformat(v) if v else None)
            except ValueError:
                raise InputError(
                    "expected a date YYYY-MM-DD or nothing", file=str(p), row=i, field=col, value=v
                ) from None
        if dates[0] and dates[1] and dates[1] < dates[0]:
            raise InputError("valid_to is before valid_from", file=str(p), row=i, value=dates)
        for other in rows:
            if other["agent"] != agent:
                continue
            lo = max(dates[0] or dt.date.min, other["valid_from"] or dt.date.min)
            hi = min(dates[1] or dt.date.max, other["valid_to"] or dt.date.max)
            if lo <= hi:
                raise InputError(
                    "the agent's team periods overlap (a contact would count twice)",
                    file=str(p),
                    row=i,
                    field="agent",
                    value=agent,
                )
        rows.append({"agent": agent, "team": team, "valid_from": dates[0], "valid_to": dates[1]})
    if not rows:
        raise InputError("the team file has no rows", file=str(p))
    return rows


def _with_team(t: Any, day: Any, teams: list[dict[str, Any]] | None) -> Any:
    """``t`` with a ``team`` column: the agent's team on date ``day`` (NULL if none)."""
    import ibis

    if teams is None:
        raise InputError("grouping by team needs an agent -> team file", field="teams")
    import pandas as pd

    df = pd.DataFrame(
        [
            {
                "_agent": r["agent"],
                "team": r["team"],
                "_from": r["valid_from"] or dt.date(1900, 1, 1),
                "_to": r["valid_to"] or dt.date(2999, 12, 31),
            }
            for r in teams
        ]
    )
    m = ibis.memtable(
        df, schema={"_agent": "string", "team": "string", "_from": "date", "_to": "date"}
    )
    base = t.mutate(_tday=day)
    j = base.left_join(m, [base.agent == m._agent, base._tday >= m._from, base._tday <= m._to])
    return j.drop("_agent", "_from", "_to", "_tday")


def _with_fiscal(t: Any, ts: Any, calendar: FiscalCalendar | None) -> Any:
    """``t`` with the fiscal year, quarter, month and week of each row's date."""
    import ibis
    import pandas as pd

    if calendar is None:
        raise InputError(
            "grouping by fiscal period needs a fiscal calendar",
            field="calendar",
        )
    span = t.aggregate(first=ts.min(), last=ts.max()).to_pandas()
    if span.empty or pd.isna(span["first"].iloc[0]):
        first = last = dt.date(2000, 1, 1)
    else:
        first = pd.Timestamp(span["first"].iloc[0]).date()
        last = pd.Timestamp(span["last"].iloc[0]).date()
    cal = ibis.memtable(
        pd.DataFrame(calendar.days(first, last)),
        schema={
            "_day": "date",
            "fiscal_year": "string",
            "fiscal_quarter": "string",
            "fiscal_month": "string",
            "fiscal_week": "string",
        },
    )
    base = t.mutate(_fday=ts.date())
    j = base.left_join(cal, base._fday == cal._day)
    return j.drop("_fday", "_day")


def _prepare(
    t: Any,
    ts_name: str,
    by: Sequence[str],
    teams: list[dict[str, Any]] | None,
    calendar: FiscalCalendar | None,
) -> Any:
    """``t`` with the team and fiscal columns the grouping needs."""
    if "team" in by:
        t = _with_team(t, t[ts_name].date(), teams)
    if any(k in FISCAL_KEYS for k in by):
        t = _with_fiscal(t, t[ts_name], calendar)
    return t


def _backend_name(t: Any) -> str:
    """Name of the Ibis backend ``t`` runs on (``duckdb``, ``pyspark``; ``""`` if none)."""
    import ibis

    try:
        return str(ibis.get_backend(t).name)
    except Exception:  # an unbound expression: no backend-specific rule applies
        return ""


def _bucket(t: Any, key: str, ts_name: str = "arrival_ts") -> Any:
    """The group-key expression of ``key`` for table ``t`` (time keys bucket ``ts_name``).

    Interval starts are whole multiples of 15, 30 or 60 minutes from the Unix epoch (UTC
    timestamps, so the quarter hours of the clock). On DuckDB they compile to
    ``time_bucket`` (integer microsecond arithmetic); on other backends to epoch seconds
    (Spark has no timestamp-bucket function). Both give the same buckets (the Spark
    conformance test). Weeks are ISO weeks (``date_trunc('week')``: Monday on DuckDB and
    Spark alike), months ``date_trunc('month')``.
    """
    ts = t[ts_name]
    if key.startswith("interval"):
        width = {"interval": 900, "interval30": 1800, "interval60": 3600}[key]
        if _backend_name(t) == "duckdb":
            return ts.bucket(minutes=width // 60)
        epoch = ts.epoch_seconds().cast("int64")
        return (epoch - epoch % width).as_timestamp("s")
    if key == "day":
        return ts.date()
    if key == "week":
        return ts.truncate("W").date()
    if key == "month":
        return ts.truncate("M").date()
    return t[key]


def _check_keys(by: Sequence[str], allowed: Sequence[str]) -> None:
    for k in by:
        if k not in allowed:
            raise InputError(
                "unknown grouping; expected " + ", ".join(allowed), field="by", value=k
            )
    if len(set(by)) != len(by):
        raise InputError("a grouping key is named twice", field="by", value=list(by))


def _ratio(num: Any, den: Any) -> Any:
    import ibis

    return (den > 0).ifelse(num / den.cast("float64"), ibis.null("float64"))


def metric_expr(
    t: Any,
    by: Sequence[str],
    *,
    sl_threshold_s: float = 20.0,
    short_abandon_s: float = 5.0,
    cost_per_agent_hour: float | None = 0.0,
    cost_per_minute: float | None = 0.0,
    repeat_days: float | None = None,
    teams: list[dict[str, Any]] | None = None,
    calendar: FiscalCalendar | None = None,
    cost_rates: Sequence[dict[str, Any]] | None = None,
    order: bool = True,
) -> Any:
    """Ibis expression of the contact metrics of table ``t`` grouped by ``by``.

    Parameters
    ----------
    t : ibis table
        The ``interactions`` table (or Parquet in its schema).
    by : sequence of str
        Group keys (:data:`KEYS`).
    sl_threshold_s, short_abandon_s : float
        Service-level threshold and short-abandon limit, seconds.
    cost_per_agent_hour, cost_per_minute : float or None
        Money per handle hour and per talk minute, the same every day. ``None``: the rate of
        that element in ``cost_rates`` valid on each contact's arrival date (0 when
        ``cost_rates`` has no such element; when neither is given nor stored, ``cost`` and
        the costs per call and per minute are NULL: unknown, not zero). A number overrides
        ``cost_rates``.
    cost_rates : sequence of dict, optional
        Rows of the ``cost_rates`` table (:func:`load_cost_rates`: element, rate,
        valid_from, valid_to). When a rate is taken from it, ``uncosted`` counts the
        group's contacts on a date no period covers, and ``cost`` (so cost per call and
        per minute) is NULL for a group that has any.
    order : bool
        Sort the result by the group keys (default). ``False`` leaves DuckDB's hash order:
        for a result of millions of groups written to a file, the sort is ~40 % of the
        time (agent x 15 minutes, 50 M rows: 13 instead of 21 CPU seconds).
    repeat_days : float, optional
        Window of the repeat-contact FCR proxy, days; adds ``identified``, ``repeats``
        and ``fcr_proxy``.
    teams : list of dict, optional
        Agent -> team rows (:func:`load_teams`); needed for ``team``.
    calendar : FiscalCalendar, optional
        Needed for the fiscal keys.
    """
    import ibis

    _check_keys(by, KEYS)
    if sl_threshold_s < 0 or short_abandon_s < 0:
        raise InputError(
            "thresholds must be >= 0 seconds",
            field="sl_threshold_s" if sl_threshold_s < 0 else "short_abandon_s",
            value=sl_threshold_s if sl_threshold_s < 0 else short_abandon_s,
        )
    if repeat_days is not None and not repeat_days > 0:
        raise InputError(
            "the repeat window must be > 0 days", field="repeat_days", value=repeat_days
        )
    extra: dict[str, Any] = {}
    if repeat_days is not None:
        epoch = t.arrival_ts.epoch_seconds().cast("int64")
        w = ibis.window(group_by=t.customer_id, order_by=[t.arrival_ts, t.interaction_id])
        nxt = epoch.lead().over(w)
        ident = t.customer_id.notnull() & t.answer_ts.notnull()
        within = nxt.notnull() & ((nxt - epoch) <= ibis.literal(round(repeat_days * 86400)))
        extra = {"_ident": ident.cast("int64"), "_rep": (ident & within).cast("int64")}
        t = t.mutate(**extra)
    t = _prepare(t, "arrival_ts", by, teams, calendar)
    from_table = {
        e: flag is None and any(r["element"] == e for r in cost_rates or ())
        for e, flag in (("agent_hour", cost_per_agent_hour), ("telecom_minute", cost_per_minute))
    }
    if any(from_table.values()):
        t = _with_rates(t, cost_rates or (), [e for e, on in from_table.items() if on])
    # One GROUP BY over the rows: counts as count(*) / count(col) / count(*) FILTER (WHERE
    # ...), sums of float64 seconds; no per-row integer columns to sum (DuckDB sums BIGINT
    # into 128-bit integers) and no projection of the whole row.
    zero = ibis.literal(0.0)
    answered = t.answer_ts.notnull()
    wait = _float(t.queue_wait_s).fill_null(zero)
    talk = _float(t.talk_s).fill_null(zero)
    handle = talk + _float(t.hold_s).fill_null(zero) + _float(t.acw_s).fill_null(zero)
    # a table written before the column existed: every contact was offered
    has_outcome = "outcome" in t.columns
    outcome = t.outcome.fill_null("queued") if has_outcome else ibis.literal("queued")
    offered = outcome == "queued"
    aband = t.abandoned.fill_null(False) & offered
    short = wait < ibis.literal(float(short_abandon_s))
    g = t.group_by(**{k: _bucket(t, k) for k in by}) if by else t
    sums = (
        {"identified": t._ident.sum(), "repeats": t._rep.sum()}  # 0/1 columns of the window
        if extra
        else {}
    )
    agg = g.aggregate(
        **sums,
        offered=t.count(where=offered),
        self_service=t.count(where=outcome == "self_service"),
        blocked=t.count(where=outcome == "blocked"),
        failed=t.count(where=outcome == "failed"),
        answered=t.count(where=answered & offered),
        abandoned=t.count(where=aband & ~short),
        short_abandoned=t.count(where=aband & short),
        answered_in_sl=t.count(
            where=answered & offered & (wait <= ibis.literal(float(sl_threshold_s)))
        ),
        transfers=t.count(where=t.transferred.fill_null(False)),
        wait_s=answered.ifelse(wait, zero).sum(),
        handle_s=answered.ifelse(handle, zero).sum(),
        talk_s=talk.sum(),
        **_rated_cost(
            t, answered.ifelse(handle, zero), talk, from_table, cost_per_agent_hour, cost_per_minute
        ),
    )
    if any(from_table.values()):
        cost = (agg.uncosted > 0).ifelse(ibis.null("float64"), agg._cost)
    elif cost_per_agent_hour is None and cost_per_minute is None:
        # no rate given and none stored: the cost is unknown, not zero
        cost = ibis.null("float64")
    else:
        cost = agg.handle_s / ibis.literal(3600.0) * ibis.literal(
            float(cost_per_agent_hour or 0.0)
        ) + agg.talk_s / ibis.literal(60.0) * ibis.literal(float(cost_per_minute or 0.0))
    denom = agg.offered - agg.short_abandoned
    ratios: dict[str, Any] = {
        "cost": cost,
        "service_level": _ratio(agg.answered_in_sl, denom),
        "abandon_rate": _ratio(agg.abandoned, denom),
        "asa_s": _ratio(agg.wait_s, agg.answered),
        "aht_s": _ratio(agg.handle_s, agg.answered),
        "handle_cost_per_call": _ratio(cost, agg.answered),
        "cost_per_minute": _ratio(cost, agg.talk_s / ibis.literal(60.0)),
    }
    if extra:
        ratios["fcr_proxy"] = (agg.identified > 0).ifelse(
            ibis.literal(1.0) - agg.repeats / agg.identified.cast("float64"),
            ibis.null("float64"),
        )
    out = agg.mutate(**ratios)
    if "_cost" in out.columns:
        out = out.drop("_cost")
    return out.order_by(list(by)) if by and order else out


def _with_rates(t: Any, rates: Sequence[dict[str, Any]], elements: Sequence[str]) -> Any:
    """``t`` with ``_rate_<element>``: the rate valid on each row's arrival date (or NULL).

    The periods become one row per date (from the first ``valid_from`` to the last
    ``valid_to``; an open period runs to 2099-12-31), joined on the date: a hash join
    against a small table, not a range join over the log.
    """
    import ibis
    import pandas as pd

    open_end = dt.date(2099, 12, 31)
    first = min(r["valid_from"] for r in rates if r["element"] in elements)
    last = max(r["valid_to"] or open_end for r in rates if r["element"] in elements)
    days = pd.date_range(first, last, freq="D")
    frame: dict[str, Any] = {"_rday": days.date}
    for e in elements:
        col = pd.Series(float("nan"), index=days)
        for r in rates:
            if r["element"] == e:
                col[pd.Timestamp(r["valid_from"]) : pd.Timestamp(r["valid_to"] or open_end)] = r[
                    "rate"
                ]
        frame[f"_rate_{e}"] = col.to_numpy()
    m = ibis.memtable(
        pd.DataFrame(frame),
        schema={"_rday": "date", **{f"_rate_{e}": "float64" for e in elements}},
    )
    base = t.mutate(_cday=t.arrival_ts.date())
    return base.left_join(m, base._cday == m._rday).drop("_cday", "_rday")


def _rated_cost(
    t: Any,
    handle: Any,
    talk: Any,
    from_table: dict[str, bool],
    per_hour: float | None,
    per_minute: float | None,
) -> dict[str, Any]:
    """Aggregates ``_cost`` (money) and ``uncosted`` (contacts without a rate) when a rate
    comes from the ``cost_rates`` periods; nothing otherwise (cost is then computed from
    the sums)."""
    import ibis

    if not any(from_table.values()):
        return {}
    hour = t._rate_agent_hour if from_table["agent_hour"] else ibis.literal(float(per_hour or 0))
    minute = (
        t._rate_telecom_minute
        if from_table["telecom_minute"]
        else ibis.literal(float(per_minute or 0))
    )
    missing = [t[f"_rate_{e}"].isnull() for e, on in from_table.items() if on]
    cond = missing[0] if len(missing) == 1 else missing[0] | missing[1]
    return {
        "uncosted": t.count(where=cond),
        "_cost": (handle / ibis.literal(3600.0) * hour + talk / ibis.literal(60.0) * minute).sum(),
    }


def load_cost_rates(con: Any) -> list[dict[str, Any]] | None:
    """The ``cost_rates`` rows of an Ibis connection to a store (``None`` if it has none).

    Raises :class:`~ccecon.errors.InputError` when the rates are in more than one currency
    (a cost would add unlike money).
    """
    if "cost_rates" not in con.list_tables():
        return None
    rows: list[dict[str, Any]] = (
        con.table("cost_rates")
        .select("element", "rate", "currency", "valid_from", "valid_to")
        .to_pyarrow()
        .to_pylist()
    )
    if not rows:
        return None
    currencies = sorted({r["currency"] for r in rows if r["currency"]})
    if len(currencies) > 1:
        raise InputError(
            "cost_rates holds rates in more than one currency; a cost adds one currency",
            field="currency",
            value=currencies,
        )
    return rows


def _float(col: Any) -> Any:
    """``col`` as float64 (no cast when it already is one)."""
    return col if col.type().is_float64() else col.cast("float64")


def state_expr(
    t: Any,
    by: Sequence[str],
    *,
    teams: list[dict[str, Any]] | None = None,
    calendar: FiscalCalendar | None = None,
    order: bool = True,
) -> Any:
    """Ibis expression of occupancy and utilization from the ``agent_states`` table ``t``.

    Sums seconds per state (``available_s``, ``on_contact_s``, ``acw_s``, ``not_ready_s``,
    ``logged_in_s`` their total) per group, then ``occupancy`` = (on contact + ACW) / (on
    contact + ACW + available) and ``utilization`` = (on contact + ACW) / logged in; both
    NULL for a group without the time they divide by. Time keys bucket ``start_ts``.
    The result is sorted by the keys unless ``order`` is False (as :func:`metric_expr`).
    """
    import ibis

    _check_keys(by, STATE_KEYS)
    t = _prepare(t, "start_ts", by, teams, calendar)
    dur = t.duration_s.cast("float64").fill_null(ibis.literal(0.0))
    zero = ibis.literal(0.0)
    m = t.mutate(
        **{k: _bucket(t, k, "start_ts") for k in by},
        **{f"_{s}": (t.state == s).ifelse(dur, zero) for s in ("available", "on_contact", "acw")},
        _not_ready=(t.state == "not_ready").ifelse(dur, zero),
        _dur=dur,
    )
    g = m.group_by(list(by)) if by else m
    agg = g.aggregate(
        available_s=m._available.sum(),
        on_contact_s=m._on_contact.sum(),
        acw_s=m._acw.sum(),
        not_ready_s=m._not_ready.sum(),
        logged_in_s=m._dur.sum(),
    )
    busy = agg.on_contact_s + agg.acw_s
    out = agg.mutate(
        occupancy=(busy + agg.available_s > 0).ifelse(
            busy / (busy + agg.available_s), ibis.null("float64")
        ),
        utilization=(agg.logged_in_s > 0).ifelse(busy / agg.logged_in_s, ibis.null("float64")),
    )
    return out.order_by(list(by)) if by and order else out


LABOUR_KEYS = ("month", "year", "agent", "team")
LOYALTY_KEYS = ("segment", "month", "year")


def labour_expr(
    payroll: Any,
    by: Sequence[str],
    *,
    hr: Any | None = None,
    teams: list[dict[str, Any]] | None = None,
) -> Any:
    """Ibis expression of the payroll build-up per group (always also per currency).

    One column per cost element of :data:`ccecon.costing.labour.COST_ELEMENTS` (money of
    the group), ``payroll`` their sum, ``agent_months`` (distinct agent and month pairs
    paid), ``months`` (distinct months), ``avg_agents`` = agent_months / months, and with
    the ``hr_events`` table ``hr``: ``hires`` and ``leavers`` dated in the payroll's
    months, ``attrition`` = leavers / avg_agents (a share of the period, as
    :func:`ccecon.costing.labour.attrition`). Keys: month, year, agent, team (the agent's
    team on the first day of the month; an HR event's team on its date).
    """
    import ibis

    from ccecon.costing.labour import COST_ELEMENTS

    _check_keys(by, LABOUR_KEYS)
    p = payroll.mutate(_date=(payroll.month + "-01").cast("date"))
    if "team" in by:
        p = _with_team(p, p._date, teams)
    zero = ibis.literal(0.0)
    amount = p.amount.cast("float64")
    m = p.mutate(
        year=p.month.substr(0, 4),
        **{f"_{e}": (p.element == e).ifelse(amount, zero) for e in COST_ELEMENTS},
        _am=(p.agent.notnull()).ifelse(p.agent + "|" + p.month, ibis.null("string")),
    )
    keys = [*by, "currency"]
    out = m.group_by(keys).aggregate(
        **{e: m[f"_{e}"].sum() for e in COST_ELEMENTS},
        payroll=amount.sum(),
        agent_months=m._am.nunique(),
        months=m.month.nunique(),
    )
    out = out.mutate(avg_agents=_ratio(out.agent_months, out.months))
    if hr is not None:
        h = hr.mutate(month=hr.date.strftime("%Y-%m"), year=hr.date.strftime("%Y"))
        if "team" in by:
            h = _with_team(h, h.date, teams)
        h = h.filter(h.month.isin(payroll.month))  # HR events of the payroll's months
        hk = list(by)
        hagg = (h.group_by(hk) if hk else h).aggregate(
            hires=(h.event == "hire").cast("int64").sum(),
            leavers=(h.event == "leave").cast("int64").sum(),
        )
        if hk:
            j = out.left_join(hagg, [out[k] == hagg[k] for k in hk])
            out = j.drop(*[f"{k}_right" for k in hk])
        else:
            out = out.cross_join(hagg)
        out = out.mutate(
            hires=out.hires.fill_null(0),
            leavers=out.leavers.fill_null(0),
        )
        out = out.mutate(
            attrition=(out.avg_agents > 0).ifelse(
                out.leavers / out.avg_agents, ibis.null("float64")
            )
        )
    return out.order_by(keys)


def loyalty_expr(
    surveys: Any,
    by: Sequence[str],
    *,
    loyal_above: float = 85.0,
    disloyal_below: float = 50.0,
) -> Any:
    """Ibis expression of loyal and disloyal respondents per group.

    As :func:`ccecon.finance.satisfaction.classify`: loyal = index strictly above
    ``loyal_above``, disloyal = strictly below ``disloyal_below``; ``respondents``,
    ``loyal``, ``disloyal``, ``neutral``, ``mean_index`` (sum / respondents) and the
    loyal and disloyal shares. Keys: segment, month and year of ``survey_date``.
    """
    import ibis

    _check_keys(by, LOYALTY_KEYS)
    if not 0 <= disloyal_below <= loyal_above <= 100:
        raise InputError(
            "expected 0 <= disloyal_below <= loyal_above <= 100",
            field="loyal_above",
            value=[disloyal_below, loyal_above],
        )
    idx = surveys.satisfaction_index.cast("float64")
    m = surveys.mutate(
        month=surveys.survey_date.strftime("%Y-%m"),
        year=surveys.survey_date.strftime("%Y"),
        _loyal=(idx > ibis.literal(float(loyal_above))).cast("int64"),
        _disloyal=(idx < ibis.literal(float(disloyal_below))).cast("int64"),
        _idx=idx,
    )
    g = m.group_by(list(by)) if by else m
    agg = g.aggregate(
        respondents=m._idx.count(),
        loyal=m._loyal.sum(),
        disloyal=m._disloyal.sum(),
        index_sum=m._idx.sum(),
    )
    out = agg.mutate(
        neutral=agg.respondents - agg.loyal - agg.disloyal,
        mean_index=_ratio(agg.index_sum, agg.respondents),
        loyal_share=_ratio(agg.loyal, agg.respondents),
        disloyal_share=_ratio(agg.disloyal, agg.respondents),
    )
    return out.order_by(list(by)) if by else out


def connect(path: str, backend: str = "duckdb") -> Any:
    """An Ibis connection to a DuckDB store file (read only)."""
    import ibis

    if backend != "duckdb":
        raise InputError(
            "a DuckDB store is read with the duckdb backend; for Spark give"
            " Parquet files (interactions_table)",
            field="backend",
            value=backend,
        )
    return ibis.duckdb.connect(path, read_only=True)


def spark_session(master: str = "local[2]") -> Any:
    """A SparkSession for the Ibis PySpark backend (UTC session time zone, no UI)."""
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(master)
        .appName("ccecon")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )


def interactions_table(
    source: str, backend: str = "duckdb", *, master: str = "local[2]", table: str = "interactions"
) -> tuple[Any, Any]:
    """``(connection, table)`` for a DuckDB store or Parquet file(s).

    ``backend="duckdb"``: a ``.duckdb`` store (``table`` = interactions or agent_states),
    or Parquet read by an in-memory DuckDB. ``backend="spark"``: Parquet file(s) or folder
    read by PySpark (``master`` = a local mode such as ``local[2]`` or a cluster URL). The
    same :func:`metric_expr` and :func:`state_expr` run on both.
    """
    import ibis

    if backend == "duckdb":
        if source.endswith(".duckdb"):
            con = connect(source)
            if table not in con.list_tables():
                con.disconnect()
                raise InputError(
                    f"the store has no {table} table; ingest such records first",
                    file=source,
                )
            return con, con.table(table)
        con = ibis.duckdb.connect()
        return con, con.read_parquet(source, table_name=table)
    if backend == "spark":
        if source.endswith(".duckdb"):
            raise InputError(
                "Spark reads Parquet, not a DuckDB file: export the interactions"
                " table to Parquet (COPY interactions TO 'x.parquet')",
                field="source",
                value=source,
            )
        con = ibis.pyspark.connect(spark_session(master))
        return con, con.read_parquet(source, table_name=table)
    raise InputError("backend must be duckdb or spark", field="backend", value=backend)
