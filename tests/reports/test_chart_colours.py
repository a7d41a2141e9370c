"""The cash-flow chart: each colour means one thing (costs below zero, savings above)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ccecon.engine import evaluate
from ccecon.reports.charts import PALETTE, cashflow_figure
from ccecon.scenario.load import load_scenario

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "usd-onprem-to-cloud.yaml"


def test_cost_colours_only_below_zero_and_savings_above() -> None:
    """The on-premises-to-cloud case saves operating spending: that saving is drawn in the
    savings colour above zero, never in the operating-cost colour; every cost family's
    bars are <= 0; the bars add up to the net line each month."""
    res = evaluate(load_scenario(EXAMPLE))
    fig = cashflow_figure(res)
    bars = [t for t in fig.data if t.type == "bar"]
    names = [t.name for t in bars]
    assert "cost savings" in names
    total = np.zeros(len(bars[0].y))
    for t in bars:
        y = np.asarray(t.y, dtype=float)
        total += y
        if t.marker.color in (PALETTE["initial"], PALETTE["operating"], PALETTE["hidden"]):
            assert (y <= 0).all(), t.name
        else:
            assert (y >= 0).all(), t.name
    net = next(t for t in fig.data if t.type == "scatter")
    np.testing.assert_allclose(total, np.asarray(net.y, dtype=float), rtol=1e-9, atol=1e-6)
    # no legend entry for a family with nothing to show (the operating costs fall every
    # month here: they appear only as savings)
    assert all(np.asarray(t.y, dtype=float).any() for t in bars)
    assert "operating costs" not in names
