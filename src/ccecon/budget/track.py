"""Track a budget against the actuals store: month by month, element by element.

``ccecon budget track BUDGET --from actuals.duckdb`` reads the budget document that
``ccecon budget plan --out`` writes and the store that ``ccecon ingest`` fills, and gives:

* **Actual cost** per element and month of the fiscal year the records cover whole:

  - personnel: the ``payroll`` table's amounts of the month (every element, every agent
    and the center-level ones); without payroll, the contacts' handle hours at the
    ``cost_rates`` agent-hour rate valid on their date (as ``ccecon metrics`` costs them);
  - telecom: the month's telecom invoices; without them, the talk minutes at the
    ``cost_rates`` telecom-minute rate valid on their date;
  - every element (personnel and telecom too): the ``invoices`` of that element and month.

* **Budget vs actual**, the variance (actual - budget; positive = over budget) and its
  share of the budget, per element and month and for the year to date; a line whose
  variance is more than ``threshold`` of its budget (either way) is flagged.
* **The flexible-budget split** of personnel and telecom
  (:func:`ccecon.budget.variance.split`): contacts x usage per contact x price, with
  the budget's contacts, agent hours (or handle hours) and handle minutes from the
  plan's drivers and the actual ones measured from the store: personnel = contacts x
  staffed agent hours per contact x cost per agent hour (handle hours when the budget or
  the store has no staffed hours), telecom = contacts x handle minutes per contact x cost
  per minute. Each part is rounded to the cent and the rate part takes the rounding, so
  volume + efficiency + rate equals the total variance to the cent, always.
* **Re-forecast** of the year: actual to date plus the budget of the months to come (or,
  given a budget re-planned from a newer forecast, that one's months to come);
  **reserve used**: the year-to-date overspend (actual over budget, all elements) and its
  share of the reserve, and the reserve the re-forecast year needs.
* **Invoice audit**: each contract line of the budget (``timing: contract``) priced by its
  own model (:mod:`ccecon.scenario.pricing`) on the month's measured usage times its
  share (the same usage the plan bills on: offered inbound calls, contacts, handle
  minutes, sales and revenue, staffed agent hours), against the invoices whose vendor is
  the contract line's name: billed and expected per charge (a charge is a term of the
  model, named by its kind: ``per_call``, ``per_minute``...), the billed and measured
  quantities, and the difference.

Counting: a contact counts when it was offered to a queue (its outcome is queued), as the
forecast counts it; a month counts when the records cover it whole (the first and last
months of a history that starts or ends mid-month do not).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccecon.budget.plan import ELEMENTS
from ccecon.budget.variance import Variance, split
from ccecon.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

SPLIT_ELEMENTS = ("personnel", "telecom")
"""The elements split into volume, efficiency and rate."""
BASIS_OF = {
    "per_seat": "seats",
    "outbound": "outbound_calls",
    "per_minute": "minutes",
    "per_agent_hour": "agent_hours",
    "commission": "sales",
}
"""The quantity each price-model kind bills on (``package``, ``per_call`` and ``tiers``
name theirs in their ``basis`` field)."""


# --------------------------------------------------------------------------- the budget
@dataclass(frozen=True)
class BudgetFile:
    """The parts of a budget document that tracking uses (see ``Budget.to_dict``)."""

    path: str
    fiscal_year: int
    months: list[str]
    by_element: dict[str, list[float]]
    currency: str
    reserve: float
    reserve_basis: str
    drivers: dict[str, list[float]]
    plan_month: list[int | None]
    contracts: list[dict[str, Any]]
    locale: str = "en"
    forecast: dict[str, Any] | None = None


def _numbers(values: Any, path: str, field_name: str, n: int = 12) -> list[float]:
    if (
        not isinstance(values, list)
        or len(values) != n
        or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            for v in values
        )
    ):
        raise InputError(
            f"expected a list of {n} finite numbers (one per month)",
            file=path,
            field=field_name,
            value=values,
        )
    return [float(v) for v in values]


def load_budget(path: str | Path) -> BudgetFile:
    """Read and check a budget document (``ccecon budget plan --out``); errors name the
    file, the field and the value."""
    p = Path(path)
    where = str(p)
    if not p.is_file():
        raise InputError(
            "file not found; expected a budget from `ccecon budget plan --out`", file=where
        )
    try:
        doc = json.loads(p.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(
            f"not a budget document (JSON from `ccecon budget plan --out`): {str(exc)[:120]}",
            file=where,
        ) from None
    if not isinstance(doc, dict):
        raise InputError("expected a JSON object (a budget document)", file=where)
    for key in ("fiscal_year", "months", "by_element", "currency"):
        if key not in doc:
            raise InputError("required field is missing", file=where, field=key)
    fy = doc["fiscal_year"]
    if not isinstance(fy, int) or isinstance(fy, bool) or not 1970 <= fy <= 2200:
        raise InputError("expected a year", file=where, field="fiscal_year", value=fy)
    months = doc["months"]
    if (
        not isinstance(months, list)
        or len(months) != 12
        or not all(isinstance(m, str) and _is_month(m) for m in months)
    ):
        raise InputError(
            "expected the 12 months of the fiscal year, YYYY-MM",
            file=where,
            field="months",
            value=months,
        )
    by = doc["by_element"]
    if not isinstance(by, dict) or not by:
        raise InputError("expected amounts by element", file=where, field="by_element", value=by)
    by_element = {}
    for element, values in by.items():
        if element not in ELEMENTS:
            raise InputError(
                "unknown budget element; expected one of " + ", ".join(ELEMENTS),
                file=where,
                field=f"by_element.{element}",
                value=element,
            )
        by_element[element] = _numbers(values, where, f"by_element.{element}")
    currency = doc["currency"]
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isupper():
        raise InputError("expected an ISO 4217 code", file=where, field="currency", value=currency)
    reserve = doc.get("reserve", 0.0)
    if not isinstance(reserve, (int, float)) or not math.isfinite(reserve) or reserve < 0:
        raise InputError(
            "expected a finite number of at least 0", file=where, field="reserve", value=reserve
        )
    raw_drivers = doc.get("drivers") or {}
    if not isinstance(raw_drivers, dict):
        raise InputError("expected drivers by name", file=where, field="drivers", value=raw_drivers)
    drivers = {str(k): _numbers(v, where, f"drivers.{k}") for k, v in raw_drivers.items()}
    plan_month = doc.get("plan_month") or [None] * 12
    if (
        not isinstance(plan_month, list)
        or len(plan_month) != 12
        or not all(
            m is None or (isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 1200)
            for m in plan_month
        )
    ):
        raise InputError(
            "expected 12 plan months (whole numbers from 1, or null)",
            file=where,
            field="plan_month",
            value=plan_month,
        )
    contracts = doc.get("contracts") or []
    if not isinstance(contracts, list):
        raise InputError(
            "expected a list of contract lines", file=where, field="contracts", value=contracts
        )
    for i, c in enumerate(contracts):
        if not isinstance(c, dict):
            raise InputError(
                "expected a contract line (line, share, model)",
                file=where,
                field=f"contracts[{i}]",
                value=c,
            )
        for key in ("share", "revenue_per_sale"):
            v = c.get(key, 1.0 if key == "share" else 0.0)
            if (
                not isinstance(v, (int, float))
                or isinstance(v, bool)
                or not math.isfinite(v)
                or v < 0
            ):
                raise InputError(
                    "expected a finite number of at least 0",
                    file=where,
                    field=f"contracts[{i}].{key}",
                    value=v,
                )
    locale = doc.get("locale", "en")
    forecast = None
    if doc.get("forecast") is not None:
        from ccecon.budget.forecast import check_section

        forecast = check_section(doc["forecast"], where)
    return BudgetFile(
        where,
        fy,
        list(months),
        by_element,
        currency,
        float(reserve),
        str(doc.get("reserve_basis", "")),
        drivers,
        list(plan_month),
        list(contracts),
        locale if locale in ("en", "zh") else "en",
        forecast,
    )


def _is_month(text: str) -> bool:
    return (
        len(text) == 7
        and text[4] == "-"
        and text[:4].isdigit()
        and text[5:].isdigit()
        and (1 <= int(text[5:]) <= 12)
    )


# --------------------------------------------------------------------------- the store
@dataclass(frozen=True)
class MonthActuals:
    """What the store measured in one month.

    Attributes
    ----------
    contacts : float
        Contacts offered to a queue.
    calls, outbound_calls : float
        Offered inbound voice calls; outbound voice calls.
    handle_minutes, talk_minutes : float
        Talk + hold + after-contact work; talk, minutes.
    sales, revenue : float
        Contacts ending in a sale; their revenue, currency.
    staffed_hours : float or None
        On contact + after-contact work + available hours (``agent_states``); None when the
        store has no agent states.
    cost : dict
        Actual cost per element, currency.
    sources : dict
        Per element, where its actual comes from (words).
    """

    contacts: float
    calls: float
    outbound_calls: float
    handle_minutes: float
    talk_minutes: float
    sales: float
    revenue: float
    staffed_hours: float | None
    cost: dict[str, float]
    sources: dict[str, str]


@dataclass(frozen=True)
class Actuals:
    """The store's months of the fiscal year (those covered whole, in order)."""

    store: str
    first_ts: str
    last_ts: str
    months: dict[str, MonthActuals]
    invoices: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)


def _month_bounds(month: str) -> tuple[dt.date, dt.date]:
    y, m = int(month[:4]), int(month[5:])
    first = dt.date(y, m, 1)
    nxt = dt.date(y + m // 12, m % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def _tables(con: Any) -> set[str]:
    return {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }


def read_actuals(store: str | Path, budget: BudgetFile) -> Actuals:
    """Measure the fiscal year's months from the store (see the module).

    Raises :class:`InputError` when the fiscal year lies outside the records, when its
    first month is not covered whole, when a month between the first and the last holds
    no contacts (or, where the store has them, no payroll or agent states): a series with
    a gap), and when an amount is in another currency than the budget's.
    """
    import duckdb

    path = Path(store)
    where = str(path)
    if not path.is_file():
        raise InputError("store not found; expected a DuckDB file from `ccecon ingest`", file=where)
    try:
        con = duckdb.connect(where, read_only=True)
    except duckdb.Error as exc:
        raise InputError(f"not a DuckDB store: {str(exc)[:160]}", file=where) from None
    try:
        return _read(con, where, budget)
    finally:
        con.close()


def _read(con: Any, where: str, budget: BudgetFile) -> Actuals:
    tables = _tables(con)
    if "interactions" not in tables:
        raise InputError("the store has no interactions table; ingest records first", file=where)
    first_ts, last_ts = con.execute(
        "SELECT min(arrival_ts), max(arrival_ts) FROM interactions"
    ).fetchone()
    if first_ts is None:
        raise InputError("the store holds no contacts; ingest records first", file=where)
    span = f"{first_ts:%Y-%m-%d} .. {last_ts:%Y-%m-%d}"
    covered = []
    for month in budget.months:
        a, b = _month_bounds(month)
        if first_ts.date() <= a and last_ts.date() >= b:
            covered.append(month)
    if not covered or covered[0] != budget.months[0]:
        why = (
            f"fiscal year {budget.fiscal_year} ({budget.months[0]} .. {budget.months[-1]}) lies"
            f" outside the records ({span}), or the records cover none of its months whole"
            if not covered
            else f"the records ({span}) begin after the fiscal year's first month"
            f" {budget.months[0]}; tracking starts with the year"
        )
        raise InputError(why, file=budget.path, field="fiscal_year", value=budget.fiscal_year)
    months = budget.months[: budget.months.index(covered[-1]) + 1]
    lo, hi = _month_bounds(months[0])[0], _month_bounds(months[-1])[1] + dt.timedelta(days=1)
    rng = [lo.isoformat(), hi.isoformat()]
    offered = "(outcome IS NULL OR outcome = 'queued')"
    measured = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT strftime(arrival_ts, '%Y-%m'),"
            f" count(*) FILTER (WHERE {offered}),"
            f" count(*) FILTER (WHERE {offered} AND channel = 'voice' AND direction = 'inbound'),"
            " count(*) FILTER (WHERE channel = 'voice' AND direction = 'outbound'),"
            " coalesce(sum(coalesce(talk_s, 0) + coalesce(hold_s, 0) + coalesce(acw_s, 0)), 0)"
            " / 60.0, coalesce(sum(coalesce(talk_s, 0)), 0) / 60.0,"
            " count(*) FILTER (WHERE sale), coalesce(sum(revenue) FILTER (WHERE sale), 0)"
            " FROM interactions WHERE arrival_ts >= CAST(? AS TIMESTAMP)"
            " AND arrival_ts < CAST(? AS TIMESTAMP) GROUP BY 1",
            rng,
        ).fetchall()
    }
    _no_gaps(months, measured, "interactions", "contacts", where)
    staffed: dict[str, float] | None = None
    if "agent_states" in tables and con.execute("SELECT 1 FROM agent_states LIMIT 1").fetchone():
        staffed = {
            r[0]: float(r[1])
            for r in con.execute(
                "SELECT strftime(start_ts, '%Y-%m'), sum(duration_s) / 3600.0 FROM agent_states"
                " WHERE state IN ('on_contact', 'acw', 'available')"
                " AND start_ts >= CAST(? AS TIMESTAMP) AND start_ts < CAST(? AS TIMESTAMP)"
                " GROUP BY 1",
                rng,
            ).fetchall()
        }
        _no_gaps(months, staffed, "agent_states", "agent states", where)
    month_list = ", ".join(f"'{m}'" for m in months)
    _one_currency(con, tables, budget.currency, month_list, where)
    payroll: dict[str, float] = {}
    if "payroll" in tables:
        payroll = {
            r[0]: float(r[1])
            for r in con.execute(
                f"SELECT month, sum(amount) FROM payroll WHERE month IN ({month_list}) GROUP BY 1"
            ).fetchall()
        }
        if payroll:
            _no_gaps(months, payroll, "payroll", "payroll amounts", where)
    invoices: list[dict[str, Any]] = []
    if "invoices" in tables:
        cols = ("month", "element", "vendor", "charge", "quantity", "unit", "amount")
        invoices = [
            dict(zip(cols, r, strict=True))
            for r in con.execute(
                f"SELECT {', '.join(cols)} FROM invoices WHERE month IN ({month_list})"
                " ORDER BY month, vendor, charge"
            ).fetchall()
        ]
    rates = _rated(con, tables, rng)
    notes: list[str] = []
    if covered[-1] != budget.months[-1]:
        notes.append(
            f"actuals to {covered[-1]} ({len(months)} of 12 months; the records: {span});"
            " the months after are the budget's"
        )
    out: dict[str, MonthActuals] = {}
    for m in months:
        c, calls, outbound, handle_min, talk_min, sales, revenue = (float(x) for x in measured[m])
        cost = dict.fromkeys(ELEMENTS, 0.0)
        sources: dict[str, str] = {}
        for inv in invoices:
            if inv["month"] == m:
                cost[inv["element"]] += float(inv["amount"])
                sources[inv["element"]] = "invoices"
        if payroll:
            cost["personnel"] += payroll[m]
            sources["personnel"] = "payroll" + (" + invoices" if "personnel" in sources else "")
        elif m in rates.get("agent_hour", {}):
            cost["personnel"] += rates["agent_hour"][m]
            sources["personnel"] = "handle hours x cost rate"
        if sources.get("telecom") is None and m in rates.get("telecom_minute", {}):
            cost["telecom"] += rates["telecom_minute"][m]
            sources["telecom"] = "talk minutes x cost rate"
        out[m] = MonthActuals(
            c,
            calls,
            outbound,
            handle_min,
            talk_min,
            sales,
            revenue,
            None if staffed is None else staffed.get(m, 0.0),
            cost,
            sources,
        )
    if not payroll and not rates.get("agent_hour"):
        notes.append(
            "no payroll and no agent-hour cost rate in the store: personnel actuals are its"
            " invoices only"
        )
    return Actuals(where, f"{first_ts:%Y-%m-%d}", f"{last_ts:%Y-%m-%d}", out, invoices, notes)


def _no_gaps(months: list[str], got: dict[str, Any], table: str, what: str, where: str) -> None:
    """A month of ``months`` missing from ``got`` is a gap in the series: refused."""
    for m in months:
        if m not in got:
            raise InputError(
                f"the store's {table} hold no {what} in {m} (between {months[0]} and"
                f" {months[-1]}): a gap in the series; ingest that month's records",
                file=where,
                field=f"{table}.month",
                value=m,
            )


def _one_currency(con: Any, tables: set[str], currency: str, months: str, where: str) -> None:
    """Every amount tracked is in the budget's currency: else an error naming the row."""
    for table, cond in (
        ("payroll", f"month IN ({months})"),
        ("invoices", f"month IN ({months})"),
        ("cost_rates", "TRUE"),
    ):
        if table not in tables:
            continue
        row = con.execute(
            f"SELECT source_file, source_row, currency FROM {table} WHERE {cond}"
            " AND currency IS NOT NULL AND currency <> ? ORDER BY source_file, source_row LIMIT 1",
            [currency],
        ).fetchone()
        if row:
            raise InputError(
                f"the store's {table} holds an amount in {row[2]} (from {row[0]}, row {row[1]});"
                f" the budget is in {currency}: convert it, one currency per budget",
                file=where,
                field=f"{table}.currency",
                row=int(row[1]),
                value=row[2],
            )


def _rated(con: Any, tables: set[str], rng: list[str]) -> dict[str, dict[str, float]]:
    """Cost from ``cost_rates`` per element and month, as ``ccecon metrics`` costs a
    contact: handle hours at the agent-hour rate, talk minutes at the telecom-minute rate,
    each at the rate valid on the contact's arrival date."""
    if "cost_rates" not in tables:
        return {}
    out: dict[str, dict[str, float]] = {}
    join = (
        "JOIN cost_rates r ON r.element = '{e}' AND CAST({t} AS DATE) >= r.valid_from"
        " AND (r.valid_to IS NULL OR CAST({t} AS DATE) <= r.valid_to)"
    )
    hours = (
        "SELECT strftime(i.arrival_ts, '%Y-%m'), sum((coalesce(i.talk_s, 0) +"
        " coalesce(i.hold_s, 0) + coalesce(i.acw_s, 0)) / 3600.0 * r.rate) FROM interactions i "
        + join.format(e="agent_hour", t="i.arrival_ts")
        + " WHERE i.arrival_ts >= CAST(? AS TIMESTAMP) AND i.arrival_ts < CAST(? AS TIMESTAMP)"
        " GROUP BY 1"
    )
    minutes = (
        "SELECT strftime(i.arrival_ts, '%Y-%m'), sum(coalesce(i.talk_s, 0) / 60.0 * r.rate)"
        " FROM interactions i "
        + join.format(e="telecom_minute", t="i.arrival_ts")
        + " WHERE i.arrival_ts >= CAST(? AS TIMESTAMP) AND i.arrival_ts < CAST(? AS TIMESTAMP)"
        " GROUP BY 1"
    )
    for element, sql in (("agent_hour", hours), ("telecom_minute", minutes)):
        rows = con.execute(sql, rng).fetchall()
        out[element] = {r[0]: float(r[1]) for r in rows if r[1] is not None}
    return out


# --------------------------------------------------------------------------- tracking
def cents(x: float) -> int:
    """Money in whole cents (half away from zero)."""
    return int(math.copysign(math.floor(abs(x) * 100 + 0.5), x))


def _money(c: int) -> float:
    return c / 100


def split_cents(v: Variance) -> tuple[int, int, int, int]:
    """``(volume, efficiency, rate, total)`` of a split in whole cents: total = the actual
    in cents - the budget in cents, volume and efficiency rounded, and rate the rest, so
    the three add up to the total exactly (the rate carries at most a few cents of
    rounding)."""
    total = cents(v.actual) - cents(v.budget)
    vol, eff = cents(v.volume), cents(v.efficiency)
    return vol, eff, total - vol - eff, total


@dataclass(frozen=True)
class Tracking:
    """The result of :func:`track` (``to_dict`` is what ``--format json`` prints);
    ``locale``: the budget's (``en`` or ``zh``), the report's default."""

    doc: dict[str, Any]
    locale: str = "en"

    def to_dict(self) -> dict[str, Any]:
        """The JSON-able document."""
        return self.doc

    def __repr__(self) -> str:
        """The months tracked and the year to date in one line."""
        d, t = self.doc, self.doc["total"]
        months, cur = d["actual_months"], d["currency"]
        share = "" if t["variance_pct"] is None else f" ({t['variance_pct'] * 100:+.1f} %)"
        return (
            f"<Tracking FY {d['fiscal_year']} to {months[-1]} ({len(months)} of 12 months):"
            f" actual {t['actual_to_date']:,.0f} {cur} vs budget {t['budget_to_date']:,.0f},"
            f" variance {t['variance']:+,.0f}{share}; re-forecast of the year"
            f" {t['reforecast_year']:,.0f}>"
        )

    def to_frame(self, table: str = "monthly") -> pd.DataFrame:
        """One table of the document as a DataFrame: ``monthly`` (default: per actual
        month and element, budget, actual, variance, flag), ``by_element``,
        ``variance_split``, ``reforecast`` or ``audit``; money in ``currency``."""
        import pandas as pd

        tables = ("monthly", "by_element", "variance_split", "reforecast", "audit")
        if table not in tables:
            raise InputError("expected " + ", ".join(tables), field="table", value=table)
        return pd.DataFrame(self.doc[table])


def _share(num: float, den: float) -> float | None:
    return num / den if den else None


def track_files(
    budget: str | Path,
    store: str | Path,
    threshold: float = 0.05,
    reforecast: str | Path | None = None,
    forecast: str | Path | None = None,
) -> Tracking:
    """Budget vs actual from a budget document and an actuals store (as ``ccecon budget
    track``): :func:`load_budget`, :func:`read_actuals`, then :func:`track`.

    ``reforecast``: a budget of the same year re-planned from a newer forecast;
    ``forecast``: a ``ccecon forecast --out`` file to chart beside the actuals."""
    from ccecon.budget.forecast import read_fragment

    b = load_budget(budget)
    again = None if reforecast is None else load_budget(reforecast)
    section = None if forecast is None else read_fragment(forecast)
    return track(b, read_actuals(store, b), threshold, again, section)


def track(
    budget: BudgetFile,
    actuals: Actuals,
    threshold: float = 0.05,
    remainder: BudgetFile | None = None,
    forecast: dict[str, Any] | None = None,
) -> Tracking:
    """Budget vs actual, the variance split, the re-forecast, the reserve used and the
    invoice audit (see the module). Money rounded to the cent.

    ``remainder``: a budget of the same fiscal year and currency planned from a newer
    forecast (``ccecon budget plan ... --forecast NEW --out``); its months after the
    actual ones make the re-forecast instead of the budget's own. ``forecast``: a
    checked forecast section (:func:`ccecon.budget.forecast.read_fragment`) to show with
    the actuals instead of the budget's own (``doc["forecast"]``, absent without either).
    """
    if remainder is not None:
        for key in ("fiscal_year", "months", "currency"):
            if getattr(remainder, key) != getattr(budget, key):
                raise InputError(
                    f"the re-forecast must be of the budget's {key.replace('_', ' ')}"
                    f" ({getattr(budget, key)})",
                    file=remainder.path,
                    field=key,
                    value=getattr(remainder, key),
                )
    ahead = remainder or budget
    months = list(actuals.months)
    n = len(months)
    elements = [
        e
        for e in ELEMENTS
        if e in budget.by_element
        or e in ahead.by_element
        or any(actuals.months[m].cost[e] for m in months)
    ]

    def budget_of(e: str, k: int) -> float:
        return budget.by_element.get(e, [0.0] * 12)[k]

    def ahead_of(e: str, k: int) -> float:
        return ahead.by_element.get(e, [0.0] * 12)[k]

    def flag(var: int, bud: int) -> str:
        if bud == 0:
            return "no budget" if var else ""
        if abs(var) > threshold * abs(bud):
            return "over" if var > 0 else "under"
        return ""

    def versus(b: int, a: int) -> dict[str, Any]:
        """Variance, its share of the budget and the flag of ``a`` against ``b`` (cents)."""
        return {"variance": _money(a - b), "variance_pct": _share(a - b, b), "flag": flag(a - b, b)}

    monthly = []
    for k, m in enumerate(months):
        for e in elements:
            b, a = cents(budget_of(e, k)), cents(actuals.months[m].cost[e])
            monthly.append(
                {
                    "month": m,
                    "element": e,
                    "budget": _money(b),
                    "actual": _money(a),
                    **versus(b, a),
                    "source": actuals.months[m].sources.get(e, ""),
                }
            )
    by_element = []
    tot = dict.fromkeys(("budget_to_date", "actual_to_date", "budget_year", "reforecast_year"), 0)
    for e in elements:
        b = sum(cents(budget_of(e, k)) for k in range(n))
        a = sum(cents(actuals.months[m].cost[e]) for m in months)
        year = sum(cents(budget_of(e, k)) for k in range(12))
        refc = a + sum(cents(ahead_of(e, k)) for k in range(n, 12))
        for key, value in zip(tot, (b, a, year, refc), strict=True):
            tot[key] += value
        by_element.append(
            {
                "element": e,
                "budget_to_date": _money(b),
                "actual_to_date": _money(a),
                **versus(b, a),
                "budget_year": _money(year),
                "reforecast_year": _money(refc),
                "reforecast_variance": _money(refc - year),
            }
        )
    reserve = cents(budget.reserve)
    over = max(0, tot["actual_to_date"] - tot["budget_to_date"])
    needed = max(0, tot["reforecast_year"] - tot["budget_year"])
    doc: dict[str, Any] = {
        "fiscal_year": budget.fiscal_year,
        "currency": budget.currency,
        "budget_file": budget.path,
        "store": actuals.store,
        "records": {"first": actuals.first_ts, "last": actuals.last_ts},
        "months": budget.months,
        "actual_months": months,
        "threshold": threshold,
        "reforecast_from": remainder.path if remainder else "the budget",
        "by_element": by_element,
        "total": {
            "element": "total",
            "budget_to_date": _money(tot["budget_to_date"]),
            "actual_to_date": _money(tot["actual_to_date"]),
            **versus(tot["budget_to_date"], tot["actual_to_date"]),
            "budget_year": _money(tot["budget_year"]),
            "reforecast_year": _money(tot["reforecast_year"]),
            "reforecast_variance": _money(tot["reforecast_year"] - tot["budget_year"]),
        },
        "monthly": monthly,
        "budget_by_month": [
            {
                "month": m,
                "budget": _money(sum(cents(budget_of(e, k)) for e in elements)),
                "by_element": {e: _money(cents(budget_of(e, k))) for e in elements},
            }
            for k, m in enumerate(budget.months)
        ],
        "variance_split": _splits(budget, actuals),
        "reforecast": [
            {
                "month": m,
                "basis": "actual" if k < n else ("re-plan" if remainder else "budget"),
                **{
                    e: _money(cents(actuals.months[m].cost[e]) if k < n else cents(ahead_of(e, k)))
                    for e in elements
                },
            }
            for k, m in enumerate(budget.months)
        ],
        "reserve": {
            "reserve": _money(reserve),
            "basis": budget.reserve_basis,
            "used_to_date": _money(over),
            "used_share": _share(over, reserve),
            "needed_for_year": _money(needed),
            "needed_share": _share(needed, reserve),
        },
        "audit": audit(budget, actuals),
        "notes": list(actuals.notes),
    }
    section = forecast or budget.forecast
    if section is not None:
        from ccecon.budget.forecast import with_actuals

        doc["forecast"] = with_actuals(section, actuals.store)
    return Tracking(doc, budget.locale)


def _splits(budget: BudgetFile, actuals: Actuals) -> list[dict[str, Any]]:
    """Volume, efficiency and rate of personnel and telecom per month (see the module)."""
    d = budget.drivers
    out = []
    for k, m in enumerate(actuals.months):
        act = actuals.months[m]
        if "contacts" not in d or d["contacts"][k] <= 0 or act.contacts <= 0:
            continue
        cb, ca = d["contacts"][k], act.contacts
        for e in SPLIT_ELEMENTS:
            if e not in budget.by_element:
                continue
            if e == "personnel":
                if "agent_hours" in d and act.staffed_hours is not None:
                    basis, ub_total, ua_total = (
                        "agent hours",
                        d["agent_hours"][k],
                        act.staffed_hours,
                    )
                else:
                    basis = "handle hours"
                    ub_total, ua_total = (
                        d.get("minutes", [0.0] * 12)[k] / 60,
                        act.handle_minutes / 60,
                    )
            else:
                basis = "handle minutes"
                ub_total, ua_total = d.get("minutes", [0.0] * 12)[k], act.handle_minutes
            b_amt, a_amt = budget.by_element[e][k], act.cost[e]
            if ub_total <= 0 or ua_total <= 0:
                continue
            v = split(
                cb,
                ub_total / cb,
                b_amt / ub_total,
                ca,
                ua_total / ca,
                a_amt / ua_total,
                where=budget.path,
            )
            vol, eff, rate, total = split_cents(v)
            out.append(
                {
                    "month": m,
                    "element": e,
                    "basis": basis,
                    "budget": _money(cents(b_amt)),
                    "actual": _money(cents(a_amt)),
                    "volume": _money(vol),
                    "efficiency": _money(eff),
                    "rate": _money(rate),
                    "total": _money(total),
                    "budget_contacts": cb,
                    "actual_contacts": ca,
                    "budget_usage_per_contact": ub_total / cb,
                    "actual_usage_per_contact": ua_total / ca,
                    "budget_price": b_amt / ub_total,
                    "actual_price": a_amt / ua_total,
                }
            )
    return out


def _parts(model: Any) -> list[Any]:
    return list(model.parts) if getattr(model, "model", "") == "sum" else [model]


def audit(budget: BudgetFile, actuals: Actuals) -> list[dict[str, Any]]:
    """Each contract's invoices against its price model on the measured usage."""
    import numpy as np
    from pydantic import TypeAdapter, ValidationError

    from ccecon.scenario.pricing import PriceModel, Usage

    adapter: TypeAdapter[Any] = TypeAdapter(PriceModel)
    rows = []
    for i, contract in enumerate(budget.contracts):
        name = str(contract.get("line", ""))
        try:
            model = adapter.validate_python(contract.get("model"))
        except ValidationError:
            raise InputError(
                "expected a contract price model",
                file=budget.path,
                field=f"contracts[{i}].model",
                value=contract.get("model"),
            ) from None
        share = float(contract.get("share", 1.0))
        per_sale = float(contract.get("revenue_per_sale", 0.0))
        for k, m in enumerate(actuals.months):
            pm = budget.plan_month[k]
            if pm is None:
                continue
            act = actuals.months[m]
            measured = {
                "calls": act.calls * share,
                "outbound_calls": act.outbound_calls * share,
                "contacts": act.contacts * share,
                "minutes": act.handle_minutes * share,
                "sales": act.sales * share,
                "revenue": (act.revenue if act.revenue else act.sales * per_sale) * share,
                "agent_hours": math.nan if act.staffed_hours is None else act.staffed_hours * share,
                "seats": math.nan,
            }
            cols = {}
            for f, value in measured.items():
                a = np.zeros((1, pm))
                a[0, pm - 1] = value
                cols[f] = a
            usage = Usage(**cols)
            expected: dict[str, float] = {}
            basis: dict[str, str] = {}
            for part in _parts(model):
                kind = part.model
                if kind == "term":
                    continue  # an exit fee is billed on leaving, not in a month's work
                with np.errstate(invalid="ignore"):
                    amount = float(part.charge(usage).amount[0, pm])
                expected[kind] = expected.get(kind, 0.0) + amount
                basis[kind] = getattr(part, "basis", None) or BASIS_OF.get(kind, "")
            billed: dict[str, tuple[float, float | None, str | None]] = {}
            for inv in actuals.invoices:
                if inv["month"] == m and inv["vendor"] == name:
                    key = inv["charge"] or "(one line)"
                    amt, qty, unit = billed.get(key, (0.0, None, inv["unit"]))
                    q = inv["quantity"]
                    billed[key] = (
                        amt + float(inv["amount"]),
                        None if q is None else (qty or 0.0) + float(q),
                        unit,
                    )
            for charge in [*expected, *(c for c in billed if c not in expected)]:
                exp = expected.get(charge)
                amt, qty, unit = billed.get(charge, (0.0, None, None))
                b_unit = basis.get(charge) or unit
                meas = measured.get(b_unit) if b_unit else None
                known = exp is not None and math.isfinite(exp)
                rows.append(
                    {
                        "month": m,
                        "vendor": name,
                        "charge": charge,
                        "unit": b_unit,
                        "billed_quantity": qty,
                        "measured_quantity": None if meas is None or math.isnan(meas) else meas,
                        "billed": _money(cents(amt)),
                        "expected": _money(cents(exp)) if known and exp is not None else None,
                        "difference": _money(cents(amt) - cents(exp))
                        if known and exp is not None
                        else None,
                        "note": ""
                        if charge in expected and known
                        else (
                            "not a term of the contract"
                            if charge not in expected
                            else "cannot check: the store does not measure " + str(b_unit)
                        ),
                    }
                )
    return rows
