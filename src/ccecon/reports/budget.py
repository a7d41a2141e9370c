"""The budget-tracking report: one self-contained HTML file that works offline.

It shows what ``ccecon budget track`` computed (:func:`ccecon.budget.track.track`'s
document) and computes nothing new: budget and actual (re-forecast after the actual
months) by month, the **variance bridge** as a waterfall from the budget to date to the
actual to date (volume, efficiency and rate of personnel and telecom summed over the
months, then each other element's variance), the elements' table and the invoice audit.
plotly.js is embedded inline (no request to any other host). Labels come from
:mod:`ccecon.labels` in the report's locale.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from ccecon.budget.track import cents
from ccecon.labels import label


def bridge(doc: dict[str, Any], loc: str = "en") -> list[tuple[str, float, str]]:
    """The steps of the variance bridge: ``(label, amount, measure)``, measure
    ``absolute`` for the budget and the actual to date and ``relative`` for a step.

    Volume, efficiency and rate are those of personnel and telecom over the actual months;
    an element split in some months only (a month without contacts) keeps the rest of its
    variance as its own step; every other element is one step. The steps add up to the
    actual to date, to the cent.
    """
    parts = {"volume": 0, "efficiency": 0, "rate": 0}
    split_total: dict[str, int] = {}
    for x in doc["variance_split"]:
        for k in parts:
            parts[k] += cents(x[k])
        split_total[x["element"]] = split_total.get(x["element"], 0) + cents(x["total"])
    steps = [(label("budget_to_date", loc), doc["total"]["budget_to_date"], "absolute")]
    steps += [(label(k, loc), v / 100, "relative") for k, v in parts.items()]
    for x in doc["by_element"]:
        rest = cents(x["variance"]) - split_total.get(x["element"], 0)
        if rest:
            steps.append((label(f"element_{x['element']}", loc), rest / 100, "relative"))
    steps.append((label("actual_to_date", loc), doc["total"]["actual_to_date"], "total"))
    return steps


def bridge_figure(doc: dict[str, Any], loc: str = "en") -> Any:
    """The variance bridge as a plotly waterfall."""
    import plotly.graph_objects as go

    from ccecon.reports.charts import _style

    steps = bridge(doc, loc)
    fig = go.Figure(
        go.Waterfall(
            x=[s[0] for s in steps],
            y=[s[1] if s[2] != "total" else 0 for s in steps],
            measure=[s[2] for s in steps],
            text=[f"{s[1]:+,.0f}" if s[2] == "relative" else f"{s[1]:,.0f}" for s in steps],
            textposition="outside",
            increasing={"marker": {"color": "#d1495b"}},  # over budget
            decreasing={"marker": {"color": "#00798c"}},  # under budget
            totals={"marker": {"color": "#30638e"}},
        )
    )
    return _style(fig, label("variance_bridge_title", loc), doc["currency"])


def monthly_figure(doc: dict[str, Any], loc: str = "en") -> Any:
    """Budget by month (line) and actual, then re-forecast (bars), all elements."""
    import plotly.graph_objects as go

    from ccecon.reports.charts import _style

    months = doc["months"]
    budget = {x["month"]: x["budget"] for x in doc["budget_by_month"]}
    per_month = {m: 0.0 for m in months}
    basis = {}
    for row in doc["reforecast"]:
        per_month[row["month"]] = sum(v for k, v in row.items() if k not in ("month", "basis"))
        basis[row["month"]] = row["basis"]
    fig = go.Figure()
    fig.add_bar(
        x=months,
        y=[per_month[m] for m in months],
        marker_color=["#30638e" if basis[m] == "actual" else "#b8c7d9" for m in months],
        name=label("actual", loc) + " / " + label("reforecast_year", loc),
    )
    fig.add_scatter(
        x=months,
        y=[budget[m] for m in months],
        mode="lines+markers",
        name=label("budget", loc),
        line={"color": "#d1495b", "width": 2},
    )
    fig.update_xaxes(type="category")
    return _style(fig, label("budget_by_month_title", loc), doc["currency"])


SERIES_COLOURS = ("#30638e", "#d1495b", "#00798c", "#edae49", "#6a4c93", "#3d5a40", "#8d6a9f")
"""One colour per forecast series (the band in the same colour, lighter), then again."""


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def forecast_figure(doc: dict[str, Any], loc: str = "en") -> Any:
    """Each series' forecast mean (line) inside its prediction interval (a band), and
    its actual contacts (markers): the months before the forecast and any forecast month
    the records now cover."""
    import plotly.graph_objects as go

    from ccecon.reports.charts import _style

    fc = doc["forecast"]
    level = f"{fc['level']:g}"
    fig = go.Figure()
    for i, s in enumerate(fc["series"]):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        months = [m["month"] for m in s["months"]]
        name = s["series"]
        fig.add_scatter(
            x=months,
            y=[m["hi"] for m in s["months"]],
            mode="lines",
            line={"width": 0},
            legendgroup=name,
            showlegend=False,
            hoverinfo="skip",
        )
        fig.add_scatter(
            x=months,
            y=[m["lo"] for m in s["months"]],
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor=_rgba(colour, 0.2),
            legendgroup=name,
            name=f"{name}: {label('forecast_interval', loc).format(level=level)}",
            hovertemplate="%{x}: %{y:,.0f}<extra></extra>",
        )
        fig.add_scatter(
            x=months,
            y=[m["mean"] for m in s["months"]],
            mode="lines",
            line={"color": colour, "width": 2},
            legendgroup=name,
            name=f"{name}: {label('forecast_mean', loc)}",
            hovertemplate="%{x}: %{y:,.0f}<extra></extra>",
        )
        seen = [(h["month"], h["actual"]) for h in s["history"]] + [
            (m["month"], m["actual"]) for m in s["months"] if m["actual"] is not None
        ]
        if seen:
            fig.add_scatter(
                x=[m for m, _ in seen],
                y=[y for _, y in seen],
                mode="markers",
                marker={"color": colour, "size": 7, "symbol": "circle"},
                legendgroup=name,
                name=f"{name}: {label('actual_contacts', loc)}",
                hovertemplate="%{x}: %{y:,.0f}<extra></extra>",
            )
    fig.update_xaxes(type="category", categoryorder="category ascending")
    fig = _style(fig, label("forecast_title", loc).format(level=level), label("contacts", loc))
    fig.update_layout(height=480)
    return fig


def forecast_rows(doc: dict[str, Any], loc: str = "en") -> tuple[list[str], list[list[str]]]:
    """Per series: its model, the months with an actual and how many fell inside the
    interval (headings, rows)."""
    heads = [label(k, loc) for k in ("series", "model", "months_with_actual", "inside_interval")]
    rows = [
        [
            s["series"],
            s["model"],
            f"{s['months_with_actual']:,}",
            f"{s['inside_interval']:,}" if s["months_with_actual"] else "",
        ]
        for s in doc["forecast"]["series"]
    ]
    return heads, rows


def _table(heads: list[str], rows: list[list[str]]) -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in heads)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _money(x: float | None, digits: int = 0) -> str:
    return "" if x is None else f"{x:,.{digits}f}"


REPORT_KINDS = {".html": "html", ".htm": "html", ".xlsx": "xlsx", ".pdf": "pdf"}
"""The report each file extension asks for."""


def check_report_paths(paths: list[Path], paper: str | None = None) -> list[Path]:
    """The ``--report`` paths, checked before anything is computed or written: a known
    extension and an existing folder each (errors name the option and the value)."""
    from ccecon.errors import InputError

    if paper is not None and paper not in ("a4", "letter"):
        raise InputError("expected a4 or letter", field="paper", value=paper)
    for p in paths:
        if p.suffix.lower() not in REPORT_KINDS:
            raise InputError(
                "expected a file ending in .html, .xlsx or .pdf", field="report", value=str(p)
            )
        if not p.parent.is_dir():
            raise InputError(
                "the folder does not exist", field="report", value=str(p), file=str(p.parent)
            )
    return paths


def write_track_report(
    doc: dict[str, Any], path: Path, loc: str = "en", *, paper: str | None = None
) -> Path:
    """Write the report ``path``'s extension names (:data:`REPORT_KINDS`): the HTML page,
    the workbook (:mod:`ccecon.reports.budget_workbook`) or the PDF, the page printed by
    headless Chromium (:func:`ccecon.reports.pdf.html_to_pdf`) on ``paper`` (``a4`` or
    ``letter``; default by the currency, as the business-case report)."""
    kind = REPORT_KINDS[path.suffix.lower()]
    if kind == "xlsx":
        from ccecon.reports.budget_workbook import write_track_workbook

        return write_track_workbook(doc, path, loc)
    if kind == "html":
        path.write_text(render_track_html(doc, loc, paper=paper), encoding="utf-8")
        return path
    import tempfile

    from ccecon.reports.pdf import html_to_pdf

    with tempfile.TemporaryDirectory(prefix="ccecon-track-") as tmp:
        page = Path(tmp) / "track.html"
        page.write_text(render_track_html(doc, loc, paper=paper), encoding="utf-8")
        return html_to_pdf(page, path)


def render_track_html(doc: dict[str, Any], loc: str = "en", *, paper: str | None = None) -> str:
    """The report as one HTML document (see the module); ``paper`` (``a4`` or ``letter``,
    default by the currency) is the printed page's size (CSS ``@page``)."""
    from ccecon.reports.html import LETTER_CURRENCIES

    paper = paper or ("letter" if doc["currency"] in LETTER_CURRENCIES else "a4")
    from plotly.offline import get_plotlyjs

    from ccecon.reports.html import figure_div

    months = doc["actual_months"]
    title = label("budget_track_title", loc).format(
        year=doc["fiscal_year"], last=months[-1], n=len(months), cur=doc["currency"]
    )
    charts = [
        figure_div(cid, fig)
        for cid, fig in (("bridge", bridge_figure(doc, loc)), ("months", monthly_figure(doc, loc)))
    ]
    forecast = ""
    if doc.get("forecast"):
        heads, frows = forecast_rows(doc, loc)
        none = (
            ""
            if any(s["months_with_actual"] for s in doc["forecast"]["series"])
            else f"<p>{html.escape(label('forecast_none_actual', loc))}</p>"
        )
        forecast = (
            '<section class="forecast">'
            + figure_div("forecast", forecast_figure(doc, loc))
            + _table(heads, frows)
            + none
            + "</section>"
        )
    keys = ["budget_to_date", "actual_to_date", "variance", "budget_year", "reforecast_year"]
    rows = [
        [label(f"element_{x['element']}", loc)]
        + [_money(x[k]) for k in keys]
        + [label(f"flag_{x['flag'].replace(' ', '_')}", loc) if x["flag"] else ""]
        for x in doc["by_element"]
    ]
    t = doc["total"]
    rows.append([label("total", loc)] + [_money(t[k]) for k in keys] + [""])
    elements = _table(
        [label("element", loc)] + [label(k, loc) for k in keys] + [label("flag", loc)], rows
    )
    akeys = ["billed_quantity", "measured_quantity", "billed", "expected", "difference"]
    audit = _table(
        [label(k, loc) for k in ("month", "vendor", "charge", *akeys, "note")],
        [
            [x["month"], x["vendor"], x["charge"]]
            + [_money(x[k], 0 if k.endswith("quantity") else 2) for k in akeys]
            + [x["note"]]
            for x in doc["audit"]
        ],
    )
    r = doc["reserve"]
    reserve = (
        f"{label('reserve', loc)}: {_money(r['reserve'])} {doc['currency']};"
        f" {label('reserve_used', loc)} {_money(r['used_to_date'])};"
        f" {label('reserve_needed', loc)} {_money(r['needed_for_year'])}"
    )
    notes = "".join(f"<p>{html.escape(n)}</p>" for n in doc["notes"])
    return f"""<!DOCTYPE html>
<html lang="{"zh" if loc == "zh" else "en"}"><head><meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>body{{font-family:Helvetica,Arial,'Noto Sans CJK SC',sans-serif;margin:2em;max-width:1100px}}
table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:4px 8px}}
td:not(:first-child){{text-align:right}}
@page{{size:{"A4" if paper == "a4" else "letter"};margin:14mm 12mm}}
@media print{{body{{margin:0;max-width:none}}h2{{page-break-after:avoid}}
table,.plotly-graph-div{{page-break-inside:avoid}}.modebar-container{{display:none!important}}}}</style>
<script>{get_plotlyjs()}</script></head><body>
<h1>{html.escape(title)}</h1>
{charts[0]}
<h2>{html.escape(label("element", loc))}</h2>{elements}
<p>{html.escape(reserve)}</p>
{charts[1]}
{forecast}
<h2>{html.escape(label("invoice_audit_title", loc).format(cur=doc["currency"]))}</h2>{audit}
{notes}
</body></html>
"""
