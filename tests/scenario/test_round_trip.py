"""Every bundled scenario survives model -> YAML -> model (what ``calibrate`` writes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccecon.engine import evaluate
from ccecon.scenario.load import dump_scenario, load_scenario, parse_scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SCENARIOS = sorted(
    p.name
    for p in EXAMPLES.glob("*.yaml")
    if "horizon_months" in p.read_text(encoding="utf-8")  # payroll and targets files differ
)


def test_the_examples_are_found() -> None:
    assert len(SCENARIOS) >= 8


@pytest.mark.parametrize("name", SCENARIOS)
def test_example_round_trips_through_yaml(name: str) -> None:
    """Sourcing price models (``model: sum``), distributions, levers, staffing and
    correlations keep their tags; the reloaded scenario is equal and evaluates the same."""
    model = load_scenario(EXAMPLES / name)
    text = dump_scenario(model)
    again = parse_scenario(text, source=f"<{name} round trip>")
    assert again == model
    assert dump_scenario(again) == text
    assert evaluate(again).metrics.npv[0] == evaluate(model).metrics.npv[0]


def test_stated_defaults_are_kept_in_the_written_file() -> None:
    """A rate or horizon the author wrote stays in the file even when it equals a default."""
    text = dump_scenario(load_scenario(EXAMPLES / "usd-onprem-to-cloud.yaml"))
    assert "discount_rate:" in text
    assert "horizon_months:" in text


def test_a_changed_copy_writes_its_change() -> None:
    """What calibrate does: model_copy(update=...) and the new value is written."""
    model = load_scenario(EXAMPLES / "sourcing-cny-seed004.yaml")
    ch = model.channels[0].model_copy(update={"per_month": 12345.0})
    changed = model.model_copy(update={"channels": [ch, *model.channels[1:]]})
    again = parse_scenario(dump_scenario(changed), source="<changed>")
    assert again.channels[0].per_month == 12345.0
