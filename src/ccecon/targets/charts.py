"""Target-versus-actual burn-up chart (plotly)."""

from __future__ import annotations

import plotly.graph_objects as go

from ccecon.targets.track import Tracking


def burnup_figure(tracking: Tracking, title: str, unit: str) -> go.Figure:
    """Cumulative target and cumulative actual by fiscal month."""
    t = tracking.table
    fig = go.Figure()
    fig.add_scatter(
        x=t["period"],
        y=t["cum_target"],
        name="target (cumulative)",
        mode="lines+markers",
        line={"dash": "dash", "color": "#888"},
    )
    fig.add_scatter(
        x=t["period"],
        y=t["cum_actual"],
        name="actual (cumulative)",
        mode="lines+markers",
        line={"color": "#00798c", "width": 3},
    )
    fig.update_layout(
        title=title, template="plotly_white", height=420, legend={"orientation": "h", "y": -0.2}
    )
    fig.update_yaxes(tickformat=",.0f", title_text=unit)
    return fig
