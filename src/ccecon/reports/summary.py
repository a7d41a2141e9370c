"""The report's first page: the decision, the headline figures, the range and what drives it.

Everything here is derived from the engine's result (and, when the scenario has ranges,
from the report's Monte Carlo run and NPV tornado); nothing is typed by hand. The
recommendation sentence follows a stated rule (docs/reports.md, "The summary page"):

* **recommended** when the risk-adjusted NPV is positive and, with ranges, the NPV is
  positive in at least :data:`CONFIDENT` of the draws;
* **only with the risks managed** when the NPV is positive but the risk-adjusted NPV is not,
  or NPV > 0 in fewer than :data:`CONFIDENT` of the draws;
* **not recommended as planned** when the NPV is not positive.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ccecon.labels import input_label, label

if TYPE_CHECKING:
    from ccecon.engine import Result

CONFIDENT = 0.8
"""Share of draws with NPV > 0 from which a positive case reads as recommended."""

WORDS = {
    "en": {
        "recommended": (
            "Recommended: the change pays for itself. NPV {npv} (risk-adjusted {npv_adj}) at"
            " {rate} a year over {months} months; payback {payback}."
        ),
        "managed": (
            "Worth doing only with its risks managed: NPV {npv}, but {why}. Watch first: {drivers}."
        ),
        "not": (
            "Not recommended as planned: NPV {npv} at {rate} a year over {months} months; the"
            " change costs more than it returns."
        ),
        "why_adjusted": "the risk-adjusted NPV is {npv_adj}",
        "why_probability": "NPV is positive in only {p} of the simulated outcomes",
        "payback_in": "in {m} months",
        "never": "never within the horizon",
        "range": (
            "With the ranges given: NPV between {p10} and {p90} in 80 % of {draws} simulated"
            " outcomes (P10 to P90); NPV > 0 in {p} of them."
        ),
        "drivers": "What moves the NPV most (tornado):",
        "swing": "{name}: {low} to {high}",
        "none_listed": "the inputs with the widest ranges",
        "sourcing": "Cheapest over {months} months: {best} (present value of cost {pv}).",
    },
    "zh": {
        "recommended": (
            "建议实施：该变更可自负盈亏。按年折现率 {rate}、{months} 个月计，净现值 {npv}"
            "（风险调整后 {npv_adj}）；回收期 {payback}。"
        ),
        "managed": "仅在风险得到控制时值得实施：净现值为 {npv}，但{why}。首先关注：{drivers}。",
        "not": (
            "不建议按现方案实施：按年折现率 {rate}、{months} 个月计，净现值为 {npv}；成本高于回报。"
        ),
        "why_adjusted": "风险调整后净现值为 {npv_adj}",
        "why_probability": "仅 {p} 的模拟结果净现值为正",
        "payback_in": "{m} 个月",
        "never": "评估期内未回收",
        "range": (
            "按给定区间：{draws} 次模拟中 80 % 的净现值介于 {p10} 与 {p90} 之间（P10 至"
            " P90）；其中 {p} 净现值为正。"
        ),
        "drivers": "对净现值影响最大的输入（龙卷风图）：",
        "swing": "{name}：{low} 至 {high}",
        "none_listed": "区间最宽的输入",
        "sourcing": "{months} 个月内成本最低：{best}（成本现值 {pv}）。",
    },
}
"""The summary's sentences per locale."""


def money(v: float | None, currency: str) -> str:
    """An amount with thousands separators and the currency: ``2,399,432 USD``."""
    if v is None or not math.isfinite(float(v)):
        return "-"
    v = float(v)
    whole = abs(v) >= 100 or v == 0  # 0 USD, not 0.00 USD
    return f"{v:,.0f} {currency}" if whole else f"{v:,.2f} {currency}"


def percent(v: float | None, digits: int = 0) -> str:
    """A fraction in percent: ``0.8`` -> ``80 %``."""
    return "-" if v is None else f"{float(v) * 100:,.{digits}f} %"


def executive_summary(result: Result, runs: tuple[Any, Any] | None) -> dict[str, Any]:
    """The summary page's content: ``decision`` (one of recommended, managed, not,
    sourcing), ``sentence``, ``range`` (a sentence, or None without ranges) and
    ``drivers`` (the tornado's three widest inputs as sentences)."""
    from ccecon.sourcing.compare import sourcing_only

    sc = result.scenario
    loc = sc.locale if sc.locale in WORDS else "en"
    w = WORDS[loc]
    cur = sc.currency
    s = result.summary()
    comparison = result.extras.get("sourcing") if sourcing_only(sc) else None
    if comparison is not None:
        best = comparison.rows()[0]
        sentence = w["sourcing"].format(
            months=sc.horizon_months, best=best["option"], pv=money(best["pv_cost"], cur)
        )
        return {
            "decision": "sourcing",
            "sentence": sentence,
            "range": None,
            "drivers": [],
            "drivers_title": w["drivers"],
        }
    dr = sc.discount_rate
    rate = float(dr.point) if hasattr(dr, "point") else sum(_floats(dr)) / len(_floats(dr))
    npv, npv_adj = s["npv"], s["risk_adjusted_npv"]
    payback = (
        w["payback_in"].format(m=f"{s['payback_months']:,.1f}")
        if s.get("payback_reached")
        else w["never"]
    )
    drivers: list[str] = []
    names: list[str] = []
    p_positive = None
    range_text = None
    if runs is not None:
        sim, tor = runs
        for bar in sorted(tor.bars, key=lambda b: -b.swing)[:3]:
            name = input_label(bar.label, loc)
            names.append(name)
            drivers.append(
                w["swing"].format(
                    name=name,
                    low=money(min(bar.output_low, bar.output_high), cur),
                    high=money(max(bar.output_low, bar.output_high), cur),
                )
            )
        p_positive = sim.probabilities.get("npv_positive")
        pct = sim.summary("npv").percentiles
        range_text = w["range"].format(
            p10=money(pct.get("p10"), cur),
            p90=money(pct.get("p90"), cur),
            draws=f"{sim.draws:,}",
            p=percent(p_positive),
        )
    fields = {
        "npv": money(npv, cur),
        "npv_adj": money(npv_adj, cur),
        "rate": percent(rate, 1).replace(".0 %", " %"),
        "months": sc.horizon_months,
        "payback": payback,
    }
    if npv is None or npv <= 0:
        decision = "not"
        sentence = w["not"].format(**fields)
    elif npv_adj is not None and npv_adj > 0 and (p_positive is None or p_positive >= CONFIDENT):
        decision = "recommended"
        sentence = w["recommended"].format(**fields)
    else:
        decision = "managed"
        why = (
            w["why_adjusted"].format(**fields)
            if npv_adj is None or npv_adj <= 0
            else w["why_probability"].format(p=percent(p_positive))
        )
        listed = ", ".join(names) if names else w["none_listed"]
        sentence = w["managed"].format(**fields, why=why, drivers=listed)
    return {
        "decision": decision,
        "sentence": sentence,
        "range": range_text,
        "drivers": drivers,
        "drivers_title": w["drivers"],
    }


def year_rows(result: Result) -> tuple[list[str], list[dict[str, Any]]]:
    """The TEI year table for the report: column heads and formatted rows (labels from
    :mod:`ccecon.labels`, each amount with separators and the currency)."""
    sc = result.scenario
    loc = sc.locale
    table = result.year_table()
    heads = [k for k in table[0] if k != "row"] if table else []
    shown = []
    for row in table:
        shown.append(
            {
                "label": label(row["row"], loc),
                "key": row["row"],
                "values": [money(row[h], sc.currency) for h in heads],
            }
        )
    words = {"initial": label("initial", loc), "total": label("total", loc)}
    words["present value"] = label("present_value", loc)
    heads_shown = [
        label("year_n", loc).format(n=h.split()[1]) if h.startswith("year ") else words[h]
        for h in heads
    ]
    return heads_shown, shown


def _floats(v: Any) -> list[float]:
    import numpy as np

    return [float(x) for x in np.atleast_1d(np.asarray(v, dtype=float))]


SCORECARD_FIELDS = ("csat", "loyalty", "employee_morale", "scalability")


def scorecard_rows(result: Result) -> tuple[list[tuple[str, str]], list[dict[str, str]]]:
    """The scenario's scorecard as (label, text) pairs and its risk register as rows with
    labelled keys (risk, likelihood, impact, owner, mitigation); empty without one."""
    sc = result.scenario
    card = sc.scorecard
    if card is None:
        return [], []
    loc = sc.locale
    fields = [(label(k, loc), str(getattr(card, k))) for k in SCORECARD_FIELDS if getattr(card, k)]
    risks = [
        {
            "risk": r.name,
            "likelihood": label(r.likelihood, loc) if r.likelihood else "-",
            "impact": label(r.impact, loc) if r.impact else "-",
            "owner": r.owner or "-",
            "mitigation": r.mitigation or "-",
        }
        for r in card.risks
    ]
    return fields, risks
