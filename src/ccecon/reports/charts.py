"""Plotly figures of a business case, in one consistent, print-readable style.

Every function takes a :class:`ccecon.engine.Result` and returns a
``plotly.graph_objects.Figure``; nothing here computes a number the engine did not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import plotly.graph_objects as go

from ccecon.labels import input_label, phrase

if TYPE_CHECKING:
    from ccecon.engine import Result
    from ccecon.uncertainty.montecarlo import Simulation
    from ccecon.uncertainty.sensitivity import Tornado

PALETTE = {
    "initial": "#6c3fa0",
    "operating": "#d1495b",
    "hidden": "#edae49",
    "benefits": "#00798c",
    "savings": "#7fc8c8",
    "net": "#30638e",
    "band": "rgba(0,121,140,0.15)",
}

LABELS = {
    "en": {
        "cash": "Monthly cash flow of the change",
        "cum": "Cumulative net cash flow",
        "payback": "payback",
        "month": "month",
        "unit": "Cost per inbound call against its benchmark band",
        "band": "benchmark band",
        "initial": "initial (capital) costs",
        "operating": "operating costs",
        "hidden": "hidden costs (counted)",
        "benefits": "benefits",
        "savings": "cost savings",
        "net": "net",
    },
    "zh": {
        "cash": "方案每月现金流",
        "cum": "累计净现金流",
        "payback": "回收期",
        "month": "月份",
        "unit": "单次呼入成本与基准区间",
        "band": "基准区间",
        "initial": "初始（资本）",
        "operating": "运营",
        "hidden": "隐性（计入）",
        "benefits": "收益",
        "savings": "成本节约",
        "net": "净额",
    },
}


def _style(fig: go.Figure, title: str, currency: str) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01},
        template="plotly_white",
        font={"family": "Helvetica, Arial, 'Noto Sans CJK SC', sans-serif", "size": 13},
        margin={"l": 70, "r": 20, "t": 60, "b": 50},
        legend={"orientation": "h", "y": -0.2},
        height=420,
    )
    fig.update_yaxes(tickformat=",.0f", title_text=currency, zeroline=True, zerolinecolor="#888")
    return fig


def cashflow_figure(result: Result) -> go.Figure:
    """Stacked monthly bars: benefits up, costs down by family, with the net line."""
    sc = result.scenario
    lab = LABELS[sc.locale]
    m = result.monthly_frame()
    months = [phrase(str(x), sc.locale) for x in m["label"]]  # M0 (signing) in zh too
    fig = go.Figure()
    # Each colour means one thing: a cost family's colour is spending that rises (below
    # zero), teal is benefits and light teal the cost savings (spending that falls, above
    # zero); a family with nothing to show gets no legend entry.
    base = "baseline_" if result.has_baseline else None
    savings = 0.0 * m[f"proposal_{'initial'}"]
    for fam in ("initial", "operating", "hidden"):
        change = m[f"proposal_{fam}"] - (m[f"baseline_{fam}"] if base else 0)
        rise = -change.clip(lower=0)
        savings = savings + (-change).clip(lower=0)
        if (rise != 0).any():
            fig.add_bar(x=months, y=rise, name=lab[fam], marker_color=PALETTE[fam])
    ben = m["proposal_benefits"] - (m["baseline_benefits"] if base else 0)
    if (ben != 0).any():
        fig.add_bar(x=months, y=ben, name=lab["benefits"], marker_color=PALETTE["benefits"])
    if (savings != 0).any():
        fig.add_bar(x=months, y=savings, name=lab["savings"], marker_color=PALETTE["savings"])
    fig.add_scatter(
        x=months,
        y=m["net"],
        name=lab["net"],
        mode="lines+markers",
        line={"color": PALETTE["net"], "width": 2},
    )
    fig.update_layout(barmode="relative")
    fig.update_xaxes(type="category", nticks=13)
    return _style(fig, lab["cash"], sc.currency)


def cumulative_figure(result: Result) -> go.Figure:
    """Cumulative net cash flow with the payback month marked."""
    sc = result.scenario
    lab = LABELS[sc.locale]
    m = result.monthly_frame()
    fig = go.Figure()
    fig.add_scatter(
        x=m["month"],
        y=m["cumulative"],
        mode="lines",
        name=lab["cum"],
        line={"color": PALETTE["net"], "width": 3},
        fill="tozeroy",
        fillcolor="rgba(48,99,142,0.12)",
    )
    pb = float(np.mean(result.metrics.payback_months))
    if np.isfinite(pb):
        fig.add_vline(
            x=pb, line_dash="dash", line_color="#444", annotation_text=f"{lab['payback']} {pb:.1f}"
        )
    fig.update_xaxes(title_text=lab["month"])
    return _style(fig, lab["cum"], sc.currency)


def unit_cost_figure(result: Result) -> go.Figure | None:
    """Quarterly cost per inbound call with the benchmark band, if there are calls."""
    sc = result.scenario
    lab = LABELS[sc.locale]
    t = result.unit_costs.table
    q = t[(t["period"] == "quarter") & t["cost_per_inbound_call"].notna()]
    if q.empty:
        return None
    fig = go.Figure()
    for case, grp in q.groupby("case", sort=False):
        fig.add_scatter(
            x=[f"Q{i}" for i in grp["index"]],
            y=grp["cost_per_inbound_call"],
            mode="lines+markers",
            name=str(case),
        )
    b = result.benchmark
    if b is not None and b.get("low") is not None:
        fig.add_hrect(
            y0=b["low"],
            y1=b["high"],
            fillcolor=PALETTE["band"],
            line_width=0,
            annotation_text=lab["band"],
            annotation_position="top left",
        )
    fig = _style(fig, lab["unit"], sc.currency)
    fig.update_yaxes(tickformat=",.2f", rangemode="tozero")
    return fig


def business_case_figures(result: Result) -> list[tuple[str, go.Figure]]:
    """Every business-case figure with an id, in report order (a sourcing-only scenario:
    the options' cumulative cost only, no flat charts of an empty business case)."""
    from ccecon.sourcing.compare import sourcing_only

    so = sourcing_figure(result)
    if so is not None and sourcing_only(result.scenario):
        return [("sourcing", so)]
    figs: list[tuple[str, go.Figure]] = [
        ("cashflow", cashflow_figure(result)),
        ("cumulative", cumulative_figure(result)),
    ]
    uc = unit_cost_figure(result)
    if uc is not None:
        figs.append(("unit-cost", uc))
    st = staffing_figure(result)
    if st is not None:
        figs.append(("staffing", st))
    sl = service_level_figure(result)
    if sl is not None:
        figs.append(("service-level", sl))
    if so is not None:
        figs.append(("sourcing", so))
    return figs


UNCERTAINTY_DRAWS = 2000
"""Draws used for the report's uncertainty charts (seed 0, so a report is reproducible)."""


def uncertainty_runs(result: Result) -> tuple[Any, Any] | None:
    """The report's Monte Carlo run (``UNCERTAINTY_DRAWS`` draws, seed 0) and NPV tornado,
    when the scenario has uncertain inputs (else None): computed once, shown in the
    summary and in the charts."""
    from ccecon.uncertainty.montecarlo import simulate
    from ccecon.uncertainty.sampling import uncertain_inputs
    from ccecon.uncertainty.sensitivity import tornado

    sc = result.scenario
    if not uncertain_inputs(sc):
        return None
    return simulate(sc, UNCERTAINTY_DRAWS, np.random.default_rng(0)), tornado(sc, "npv")


def uncertainty_figures(
    result: Result, runs: tuple[Any, Any] | None = None
) -> list[tuple[str, go.Figure]]:
    """NPV distribution and tornado, when the scenario has uncertain inputs (not for a
    sourcing-only scenario: its business case is empty, its NPV 0 in every draw)."""
    from ccecon.sourcing.compare import sourcing_only

    sc = result.scenario
    if sourcing_only(sc):
        return []
    if runs is None:
        runs = uncertainty_runs(result)
    if runs is None:
        return []
    sim, tor = runs
    return [
        ("distribution", distribution_figure(sim, sc.currency, sc.locale)),
        ("tornado", tornado_figure(tor, sc.currency, sc.locale)),
    ]


def staffing_figure(result: Result) -> go.Figure | None:
    """Paid FTE per month per case, when the scenario staffs channels with Erlang."""
    sc = result.scenario
    if sc.staffing is None:
        return None
    title = (
        "Paid FTE from workload (Erlang)" if sc.locale == "en" else "按话务量测算的带薪人力（FTE）"
    )
    fig = go.Figure()
    scheduled = sc.staffing.schedule is not None
    ideal_name = "ideal, no shifts" if sc.locale == "en" else "理想（无班次）"
    for case in result.cases.values():
        fte = np.asarray(case.drivers["fte"]).mean(axis=0)
        fig.add_scatter(
            x=list(result.month_labels)[1:], y=fte[1:], mode="lines+markers", name=case.label
        )
        if scheduled and "ideal_fte" in case.drivers:
            # the shift schedule's FTE (solid) against the interval requirement's (dashed)
            ideal = np.asarray(case.drivers["ideal_fte"]).mean(axis=0)
            fig.add_scatter(
                x=list(result.month_labels)[1:],
                y=ideal[1:],
                mode="lines",
                line={"dash": "dash"},
                name=f"{case.label} ({ideal_name})",
            )
    fig = _style(fig, title, "FTE")
    fig.update_yaxes(tickformat=",.1f", title_text="FTE", rangemode="tozero")
    fig.update_xaxes(type="category", nticks=13)
    return fig


def service_level_figure(result: Result) -> go.Figure | None:
    """Service level the staffing reaches per month per case, beside the goal (when the
    goal is a service level), from :meth:`Result.staffing`."""
    sc = result.scenario
    st = result.staffing()
    if sc.staffing is None or not st:
        return None
    from ccecon.labels import label

    loc = sc.locale
    fig = go.Figure()
    x = list(result.month_labels)[1:]
    for name, entry in st.items():
        case = result.cases[name]
        fig.add_scatter(
            x=x, y=entry["service_level_by_month"], mode="lines+markers", name=case.label
        )
    target = sc.staffing.sl_target
    if target is not None:
        goal = "goal" if loc == "en" else "目标"
        fig.add_scatter(
            x=x,
            y=[float(target)] * len(x),
            mode="lines",
            line={"dash": "dot", "color": "#888888"},
            name=f"{goal} {float(target) * 100:,.0f} %",
        )
    fig = _style(fig, label("service_level_month", loc), "%")
    fig.update_yaxes(tickformat=".0%", title_text=label("service_level", loc))
    fig.update_xaxes(type="category", nticks=13)
    return fig


def schedule_figure(
    intervals: list[str], required: list[int], scheduled: list[int], title: str
) -> go.Figure:
    """Agents required and scheduled per interval (``ccecon schedule --chart``)."""
    fig = go.Figure()
    fig.add_scatter(
        x=intervals,
        y=required,
        name="required",
        line={"shape": "hv", "color": PALETTE["operating"], "width": 0},
        fill="tozeroy",
        fillcolor="rgba(209,73,91,0.25)",
    )
    fig.add_scatter(
        x=intervals,
        y=scheduled,
        name="scheduled",
        line={"shape": "hv", "color": PALETTE["net"], "width": 1.5},
    )
    fig = _style(fig, title, "agents on the phones")
    fig.update_yaxes(rangemode="tozero")
    fig.update_xaxes(type="category", nticks=15)
    return fig


OPTION_COLOURS = {
    "in-house": "#30638e",
    "hosted": "#00798c",
    "outsourced": "#d1495b",
    "hybrid": "#edae49",
}


def sourcing_figure(result: Result) -> go.Figure | None:
    """Cumulative cost of each sourcing option by month (mean over draws), when the
    scenario has a ``sourcing`` section: where the lines cross, the cheaper option changes."""
    comparison = result.extras.get("sourcing")
    if comparison is None:
        return None
    sc = result.scenario
    title = (
        "Sourcing options: cumulative cost (present value in the legend)"
        if sc.locale == "en"
        else "外包/自建方案：累计成本（图例中为现值）"
    )
    fig = go.Figure()
    for o in comparison.ranked():
        cum = np.cumsum(np.asarray(o.flows).mean(axis=0))
        pv = float(np.mean(o.pv_cost))
        fig.add_scatter(
            x=[phrase(x, sc.locale) for x in result.month_labels],
            y=cum,
            mode="lines",
            name=f"{o.name} (PV {pv:,.0f})",
            line={"color": OPTION_COLOURS.get(o.kind), "width": 3},
        )
    fig = _style(fig, title, sc.currency)
    fig.update_xaxes(type="category", nticks=13)
    return fig


def distribution_figure(sim: Simulation, currency: str, locale: str) -> go.Figure:
    """Histogram of NPV draws with P10, P50, P90 marked (a ccecon Simulation)."""
    hist = sim.histogram
    npv = next(s for s in sim.summaries if s.metric == "npv")
    centers = (hist.edges[:-1] + hist.edges[1:]) / 2
    fig = go.Figure()
    fig.add_bar(
        x=centers,
        y=hist.counts,
        marker_color=PALETTE["net"],
        name="draws",
        width=np.diff(hist.edges),
    )
    for key, label in (("p10", "P10"), ("p50", "P50"), ("p90", "P90")):
        if key in npv.percentiles:
            fig.add_vline(
                x=npv.percentiles[key], line_dash="dot", line_color="#444", annotation_text=label
            )
    fig.add_vline(x=0, line_color=PALETTE["operating"])
    title = (
        f"NPV over {sim.draws:,} draws" if locale == "en" else f"净现值分布（{sim.draws:,} 次抽样）"
    )
    fig = _style(fig, title, "draws")
    fig.update_yaxes(tickformat=",.0f", title_text="draws")
    fig.update_xaxes(tickformat=",.0f", title_text=currency)
    return fig


def tornado_figure(tor: Tornado, currency: str, locale: str) -> go.Figure:
    """Tornado: NPV at each uncertain input's P10 and P90, ranked by swing."""
    bars = list(tor.bars)[:12][::-1]
    base = float(tor.base)
    labels = [input_label(b.label, locale) for b in bars]
    at = {"en": "input at {p}", "zh": "输入取 {p}"}.get(locale, "input at {p}")
    fig = go.Figure()
    fig.add_bar(
        y=labels,
        x=[b.output_low - base for b in bars],
        base=base,
        orientation="h",
        name=at.format(p="P10"),
        marker_color=PALETTE["operating"],
    )
    fig.add_bar(
        y=labels,
        x=[b.output_high - base for b in bars],
        base=base,
        orientation="h",
        name=at.format(p="P90"),
        marker_color=PALETTE["benefits"],
    )
    fig.update_layout(barmode="overlay")
    title = "What matters most: NPV tornado" if locale == "en" else "敏感性：净现值龙卷风图"
    fig = _style(fig, title, currency)
    fig.update_xaxes(tickformat=",.0f", title_text=currency)
    fig.update_yaxes(title_text="", tickformat=None)
    fig.update_layout(height=max(320, 60 + 32 * len(bars)), margin={"l": 260})
    return fig
