"""Next year's cost budget from a scenario: per month and cost element, with a reserve.

The amounts are the engine's own (``ccecon.engine.evaluate``): the chosen case's included
cost lines, month by month (personnel follows the staffing's FTE where a line is driven
by it, telecom the handle minutes, contracts their price models on the case's volumes).
Each cost line belongs to a budget element:

* its ``element`` field when given (``personnel``, ``technology``, ``telecom``,
  ``outsourcing``, ``training``, ``other``);
* else ``outsourcing`` for a ``contract`` line, and otherwise by words of its
  ``category`` (:data:`ELEMENT_WORDS`), ``other`` when none matches.

The fiscal year ``FY`` runs 12 calendar months from month ``fy_start`` of year ``FY``
(``fy_start`` 1: the calendar year). Month 0 (at signing) falls in the plan's first
month. The reserve for the unforeseen is a stated share of the year's budget, or, when the
scenario has ranges, sized from the simulated cost of that year: its P90 minus its P50
(the cost that one year in ten would exceed the median by), shown as its own line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ccecon.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

ELEMENTS = ("personnel", "technology", "telecom", "outsourcing", "training", "other")
"""Budget elements, in the order tables show them."""

ELEMENT_WORDS: dict[str, tuple[str, ...]] = {
    "training": ("training", "coaching", "onboarding"),
    "personnel": (
        "salar",
        "wage",
        "supervis",
        "staff",
        "agent",
        "benefit",
        "recruit",
        "payroll",
        "management",
        "hr",
    ),
    "telecom": ("telecom", "telephon", "call", "trunk", "minute", "sip"),
    "outsourcing": ("outsourc", "bpo", "vendor", "provider"),
    "technology": (
        "licen",
        "platform",
        "hardware",
        "software",
        "maintenance",
        "storage",
        "it ",
        "development",
        "bandwidth",
        "server",
        "cloud",
        "seat",
    ),
}
"""Words of a line's category (lower case, matched as prefixes of words) per element,
tried in this order."""


def element_of(line: Any) -> str:
    """The budget element of a cost line (see the module)."""
    explicit = getattr(line, "element", None)
    if explicit:
        return str(explicit)
    if str(getattr(line.timing, "value", line.timing)) == "contract":
        return "outsourcing"
    text = f" {str(line.category).lower()} "
    words = text.replace("/", " ").replace("-", " ").split()
    for element, stems in ELEMENT_WORDS.items():
        for stem in stems:
            if stem.endswith(" "):
                if f" {stem}" in text:
                    return element
            elif any(w.startswith(stem) for w in words):
                return element
    return "other"


DRIVERS = ("contacts", "minutes", "agent_hours")
"""The case's drivers the budget keeps per month (what ``budget track`` compares the
records with): contacts offered, handle minutes, staffed agent hours (with ``staffing``)."""


@dataclass(frozen=True)
class Budget:
    """A fiscal year's budget: ``months`` (labels YYYY-MM), ``by_element`` (element ->
    12 monthly amounts), ``lines`` (line name -> element and 12 amounts), ``reserve`` and
    how it was sized, ``currency``, ``case``; ``drivers`` (contacts, handle minutes and,
    with staffing, agent hours per month: the volumes behind the amounts), ``plan_month``
    (each month's index in the scenario's plan, None outside it) and ``contracts`` (each
    contract line's price model, share and revenue per sale, for the invoice audit);
    ``forecast``: the months and prediction intervals of the forecast the budget was
    planned from (:mod:`ccecon.budget.forecast`), None without one."""

    fiscal_year: int
    fy_start: int
    months: list[str]
    by_element: dict[str, list[float]]
    lines: list[dict[str, Any]]
    reserve: float
    reserve_basis: str
    currency: str
    case: str
    drivers: dict[str, list[float]] | None = None
    plan_month: list[int | None] | None = None
    contracts: list[dict[str, Any]] | None = None
    locale: str = "en"
    forecast: dict[str, Any] | None = None

    @property
    def total(self) -> float:
        """The year's budget before the reserve."""
        return float(sum(sum(v) for v in self.by_element.values()))

    def __repr__(self) -> str:
        """The year, the case, the total and the reserve in one line."""
        cur = self.currency
        return (
            f"<Budget FY {self.fiscal_year} ({self.months[0]} .. {self.months[-1]}),"
            f" {self.case} case: {self.total:,.0f} {cur} + reserve {self.reserve:,.0f} {cur}"
            f" ({len(self.by_element)} elements, {len(self.lines)} lines)>"
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per month: ``month``, one column per element and ``total`` (money in
        ``currency``), as ``ccecon budget plan`` prints it."""
        import pandas as pd

        rows = []
        for k, month in enumerate(self.months):
            row: dict[str, Any] = {"month": month}
            row.update({e: v[k] for e, v in self.by_element.items()})
            row["total"] = sum(v[k] for v in self.by_element.values())
            rows.append(row)
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able document (what ``--format json`` prints)."""
        return {
            "fiscal_year": self.fiscal_year,
            "fy_start_month": self.fy_start,
            "case": self.case,
            "currency": self.currency,
            "months": self.months,
            "by_element": self.by_element,
            "lines": self.lines,
            "total": self.total,
            "reserve": self.reserve,
            "reserve_basis": self.reserve_basis,
            "total_with_reserve": self.total + self.reserve,
            "locale": self.locale,
            "drivers": self.drivers or {},
            "plan_month": self.plan_month or [],
            "contracts": self.contracts or [],
            **({"forecast": self.forecast} if self.forecast else {}),
        }


def fiscal_months(fiscal_year: int, fy_start: int) -> list[str]:
    """The 12 calendar months of a fiscal year, ``YYYY-MM``."""
    out = []
    y, m = fiscal_year, fy_start
    for _ in range(12):
        out.append(f"{y:04d}-{m:02d}")
        m += 1
        if m > 12:
            y, m = y + 1, 1
    return out


def plan_budget(
    scenario: Any,
    fiscal_year: int,
    *,
    fy_start: int = 1,
    case: str = "proposal",
    reserve_share: float | None = None,
    draws: int = 2000,
    seed: int = 0,
) -> Budget:
    """The budget of ``case`` for ``fiscal_year`` (see the module)."""
    from ccecon.engine import evaluate

    if not 1 <= fy_start <= 12:
        raise InputError("expected a month 1..12", field="fy_start", value=fy_start)
    cases = scenario.cases()
    if case not in cases:
        raise InputError(f"the scenario has no {case!r} case; it has {sorted(cases)}", field="case")
    months = fiscal_months(fiscal_year, fy_start)
    res = evaluate(scenario)
    labels = list(res.month_labels)
    start = f"{scenario.start:%Y-%m}"
    plan = [start if i == 0 else lab for i, lab in enumerate(labels)]
    inside = [i for i, lab in enumerate(plan) if lab in months]
    if not inside:
        raise InputError(
            f"fiscal year {fiscal_year} ({months[0]} .. {months[-1]}) lies outside the plan"
            f" ({labels[1]} .. {labels[-1]})",
            field="year",
            value=fiscal_year,
        )
    flows = res.cases[case]
    by_element = {e: [0.0] * 12 for e in ELEMENTS}
    lines = []
    for line, (name, typ, _, included, amounts) in zip(
        cases[case].cost_lines, flows.lines, strict=False
    ):
        if typ != "cost" or not included:
            continue
        element = element_of(line)
        per_month = [0.0] * 12
        for i in inside:
            per_month[months.index(plan[i])] += float(np.asarray(amounts)[i])
        for k in range(12):
            by_element[element][k] += per_month[k]
        lines.append({"line": name, "element": element, "months": per_month})
    by_element = {e: v for e, v in by_element.items() if any(v)}
    total = float(sum(sum(v) for v in by_element.values()))
    drivers: dict[str, list[float]] = {}
    for key in DRIVERS:
        if key in flows.drivers:
            values = np.asarray(flows.drivers[key], dtype=float).mean(axis=0)
            per_month = [0.0] * 12
            for i in inside:
                per_month[months.index(plan[i])] += float(values[i])
            drivers[key] = per_month
    plan_month: list[int | None] = [None] * 12
    for i in inside:
        if i > 0:
            plan_month[months.index(plan[i])] = i
    from ccecon.uncertainty.sampling import realize

    base_lines = realize(scenario, {}).cases()[case].cost_lines  # ranges at their base value
    contracts = [
        {
            "line": line.name,
            "share": float(np.mean(line.contract_share)),
            "revenue_per_sale": float(np.mean(line.revenue_per_sale)),
            "model": line.contract.model_dump(mode="json"),
            "months": next(x["months"] for x in lines if x["line"] == line.name),
        }
        for line, (_, typ, _, included, _) in zip(base_lines, flows.lines, strict=False)
        if line.contract is not None and typ == "cost" and included
    ]
    from ccecon.uncertainty.sampling import uncertain_inputs

    if reserve_share is not None:
        reserve, basis = total * reserve_share, f"{reserve_share * 100:g} % of the budget"
    elif uncertain_inputs(scenario):
        reserve = _simulated_reserve(scenario, case, inside, draws, seed)
        basis = f"P90 - P50 of the year's cost over {draws:,} simulated outcomes"
    else:
        reserve, basis = 0.0, "none: the scenario has no ranges and no share was given"
    return Budget(
        fiscal_year,
        fy_start,
        months,
        by_element,
        lines,
        reserve,
        basis,
        scenario.currency,
        case,
        drivers=drivers,
        plan_month=plan_month,
        contracts=contracts,
        locale=scenario.locale,
    )


def plan_budget_file(
    file: str | Path,
    fiscal_year: int,
    *,
    forecast: str | Path | None = None,
    fy_start: int = 1,
    case: str = "proposal",
    reserve_share: float | None = None,
    draws: int = 2000,
    seed: int = 0,
) -> Budget:
    """The budget of a scenario file (as ``ccecon budget plan``): with ``forecast``, its
    channels (and measured week) replace the scenario's and its months and intervals go
    with the budget (for the tracking's charts). See :func:`plan_budget`."""
    import dataclasses

    from ccecon.scenario.load import load_scenario

    sc = load_scenario(file) if forecast is None else with_forecast(file, forecast)
    b = plan_budget(
        sc,
        fiscal_year,
        fy_start=fy_start,
        case=case,
        reserve_share=reserve_share,
        draws=draws,
        seed=seed,
    )
    if forecast is not None:
        from ccecon.budget.forecast import read_fragment

        b = dataclasses.replace(b, forecast=read_fragment(forecast, required=False))
    return b


def with_forecast(scenario_path: Any, forecast_path: Any) -> Any:
    """The scenario of ``scenario_path`` with the channels (and the measured week of
    ``staffing``) of a ``ccecon forecast --out`` fragment: the forecast's channels replace
    the scenario's; the fragment's weekly and intraday profiles and opening hours replace
    the scenario's in its ``staffing`` section (its goals stay). Errors name both files."""
    from pathlib import Path

    import yaml

    from ccecon.scenario.load import parse_scenario, read_limited

    docs = []
    for p in (Path(scenario_path), Path(forecast_path)):
        try:
            doc = yaml.safe_load(read_limited(p).decode("utf-8-sig"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise InputError(f"not a readable YAML file: {str(exc)[:200]}", file=str(p)) from None
        if not isinstance(doc, dict):
            raise InputError("expected a mapping (a YAML document of fields)", file=str(p))
        docs.append(doc)
    base, fragment = docs
    channels = fragment.get("channels")
    if not isinstance(channels, list) or not channels:
        raise InputError(
            "expected `channels:` from `ccecon forecast --out`",
            file=str(forecast_path),
            field="channels",
        )
    base["channels"] = channels
    week = fragment.get("staffing")
    if isinstance(week, dict) and isinstance(base.get("staffing"), dict):
        base["staffing"].update(week)
    return parse_scenario(
        yaml.safe_dump(base, allow_unicode=True, sort_keys=False),
        source=f"{scenario_path} with the channels of {forecast_path}",
    )


def _simulated_reserve(scenario: Any, case: str, inside: list[int], draws: int, seed: int) -> float:
    """P90 - P50 of the case's included cost in the fiscal year's months, per draw.

    The engine keeps per-draw monthly *net* flows; the case's costs per draw are the net of
    a copy of the scenario holding that case alone without its benefits (net = -costs),
    evaluated with the same draws: the one engine, no second cost model.
    """
    from ccecon.engine import evaluate

    only = scenario.model_copy(deep=True)
    chosen = only.cases()[case].model_copy(update={"benefit_lines": []})
    only = only.model_copy(update={"proposal": chosen, "baseline": None, "sourcing": None})
    res = evaluate(only, draws=draws, rng=np.random.default_rng(seed))
    cost = -np.asarray(res.net)[:, inside].sum(axis=1)
    p50, p90 = np.percentile(cost, [50, 90])
    return float(max(0.0, p90 - p50))


def year_of(value: str) -> int:
    """A fiscal year from the command line (``2028``)."""
    try:
        y = int(value)
    except ValueError:
        raise InputError("expected a year, e.g. 2028", field="year", value=value) from None
    if not dt.MINYEAR <= y <= dt.MAXYEAR:
        raise InputError("expected a year, e.g. 2028", field="year", value=value)
    return y
