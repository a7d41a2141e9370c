"""Small scenarios whose Monte Carlo answers are known in closed form."""

from __future__ import annotations

from pathlib import Path

from ccecon.scenario.load import parse_scenario
from ccecon.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
UNCERTAIN_EXAMPLE = EXAMPLES / "uncertain-onprem-to-cloud.yaml"
PLAIN_EXAMPLE = EXAMPLES / "usd-onprem-to-cloud.yaml"


def uniform_saving_text(horizon: int = 12, risk: float = 0.0, extra: str = "") -> str:
    """The text of :func:`uniform_saving` (for tests that run the CLI on a file)."""
    return f"""
name: uniform saving
currency: USD
start: 2027-01
horizon_months: {horizon}
discount_rate: 0
proposal:
  cost_lines: [{{name: invest, family: initial, amount: 1000, timing: once, month: 0}}]
  benefit_lines:
    - {{name: saving, kind: direct, amount: {{dist: uniform, min: 50, max: 150}},
       risk: {risk}}}
{extra}
"""


def uniform_saving(horizon: int = 12, risk: float = 0.0, extra: str = "") -> Scenario:
    """Invest 1000 at signing; save A per month for ``horizon`` months, A ~ U(50, 150).

    With a zero discount rate NPV = horizon x A - 1000 exactly, so every percentile and
    probability is known: for horizon 12, NPV ~ U(-400, 800).
    """
    return parse_scenario(uniform_saving_text(horizon, risk, extra), "uniform-saving.yaml")
