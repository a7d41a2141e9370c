"""The cost of the change, line by line (Forrester Total Economic Impact).

TEI tables each cost line as a cost (new or increased spending) or a benefit (cost savings:
spending reduced or removed); ccecon decides this per line over the horizon, so a new
recurring fee counts as a cost even when the same case saves more elsewhere. Expected
values below are hand arithmetic; the properties hold for any generated scenario.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccecon.engine import evaluate
from ccecon.errors import InputError
from ccecon.scenario.load import parse_scenario
from ccecon.scenario.schema import Scenario
from tests.strategies import cost_lines, scenarios

SPEECH = """\
name: Speech analytics
currency: USD
start: 2027-01
horizon_months: 36
discount_rate: 0.10
baseline:
  cost_lines:
    - {name: Agents, family: operating, amount: 240000, timing: monthly}
    - {name: Manual quality review, family: operating, amount: 12000, timing: monthly}
proposal:
  cost_lines:
    - {name: Agents, family: operating, amount: 220000, timing: monthly}
    - {name: Speech analytics licence, family: operating, amount: 13000, timing: monthly}
    - {name: Implementation, family: initial, amount: 250000, timing: once, month: 0}
    - {name: Training, family: initial, amount: 87000, timing: once, month: 0}
"""


def test_speech_analytics_licence_is_a_cost_beside_larger_savings() -> None:
    m = evaluate(parse_scenario(SPEECH)).metrics
    one_off = 250_000 + 87_000  # 337,000
    licence = 13_000 * 36  # 468,000: a new recurring fee
    agents = (240_000 - 220_000) * 36  # 720,000 saved on a kept line
    review = 12_000 * 36  # 432,000: a line the proposal drops
    assert m.total_cost[0] == pytest.approx(one_off + licence)  # 805,000
    assert m.cost_savings[0] == pytest.approx(agents + review)  # 1,152,000
    assert m.total_benefit[0] == pytest.approx(agents + review)
    assert m.net[0] == pytest.approx(agents + review - one_off - licence)
    want = (1_152_000 - 805_000) / 805_000 * 100  # 43.1 %
    assert m.roi_pct[0] == pytest.approx(want)
    # netting all operating lines by sign would have hidden the licence: cost 337,000 only
    assert m.total_cost[0] > one_off


def test_replaces_links_renamed_lines_and_an_unknown_name_is_refused() -> None:
    linked = SPEECH.replace(
        "{name: Speech analytics licence,",
        "{name: Speech analytics licence, replaces: Manual quality review,",
    )
    m = evaluate(parse_scenario(linked)).metrics
    # review 12,000 -> licence 13,000 a month is now one line rising by 1,000 a month
    assert m.total_cost[0] == pytest.approx(337_000 + 1_000 * 36)
    assert m.cost_savings[0] == pytest.approx(20_000 * 36)
    with pytest.raises(InputError) as err:
        parse_scenario(SPEECH.replace("{name: Training,", "{name: Training, replaces: Nope,"))
    assert err.value.field == "proposal.cost_lines[3].replaces" and err.value.value == "Nope"
    assert "Agents" in str(err.value)  # the names it could have been


def _metrics(doc: dict[str, Any]) -> Any:
    return evaluate(Scenario.model_validate(doc)).metrics


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-9, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(doc=scenarios(), extra=cost_lines(), reuse=st.booleans())
def test_adding_a_cost_line_never_raises_roi(doc: dict[str, Any], extra: Any, reuse: bool) -> None:
    doc["proposal"]["benefit_lines"] = [
        b for b in doc["proposal"]["benefit_lines"] if b["amount"] >= 0
    ]
    before = _metrics(doc)
    if reuse and doc.get("baseline", {}).get("cost_lines"):
        extra["name"] = doc["baseline"]["cost_lines"][0]["name"]  # a rise of a kept line
    else:
        extra["name"] = "an added line no other line is called"
    doc["proposal"]["cost_lines"].append(extra)
    after = _metrics(doc)
    assert after.total_cost[0] >= before.total_cost[0] - 1e-6
    if before.roi_defined[0] and after.roi_defined[0]:
        assert after.roi_pct[0] <= before.roi_pct[0] + 1e-9 * max(1.0, abs(before.roi_pct[0]))


@settings(max_examples=60, deadline=None)
@given(doc=scenarios())
def test_renaming_lines_consistently_changes_nothing(doc: dict[str, Any]) -> None:
    before = _metrics(doc)
    cases = [doc["proposal"], *([doc["baseline"]] if "baseline" in doc else [])]
    names = sorted({ln["name"] for c in cases for ln in c["cost_lines"]})
    new = {n: f"line {i}" for i, n in enumerate(reversed(names))}
    for c in cases:
        for ln in c["cost_lines"]:
            ln["name"] = new[ln["name"]]
    after = _metrics(doc)
    for k in ("total_cost", "total_benefit", "cost_savings", "net", "roi_pct", "npv"):
        assert _same(float(getattr(after, k)[0]), float(getattr(before, k)[0])), k


@settings(max_examples=60, deadline=None)
@given(doc=scenarios(baseline=False))
def test_without_a_baseline_cost_is_every_included_cost(doc: dict[str, Any]) -> None:
    res = evaluate(Scenario.model_validate(doc))
    lines = res.cashflow_frame()
    included = lines[lines["included"].astype(bool)]
    costs = float(included[included["type"] == "cost"]["amount"].sum())
    benefits = float(included[included["type"] == "benefit"]["amount"].sum())
    m = res.metrics
    assert m.total_cost[0] == pytest.approx(costs, rel=1e-9, abs=1e-6)
    assert m.total_benefit[0] == pytest.approx(benefits, rel=1e-9, abs=1e-6)
    assert m.cost_savings[0] == 0
