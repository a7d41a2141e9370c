"""One unit convention for ratios (issue 14, "One unit convention"): every share, rate and
risk is a fraction (0.35) or an explicit percent string ("35%"), in files, CLI options and
web forms; a bare number outside the field's domain is refused naming the file, the field,
the value and both spellings. Expected values are hand arithmetic (35 % = 0.35)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from ccecon.cli.app import app
from ccecon.errors import InputError
from ccecon.units import (
    GOAL_SHARE,
    RISK,
    SHARE,
    SHARE_BELOW_ONE,
    YEARLY_RATE,
    RatioDomain,
    parse_ratio,
)
from tests.scenario.test_bad_input import VALID

DOMAINS = {
    "share": SHARE,
    "share_below_one": SHARE_BELOW_ONE,
    "goal": GOAL_SHARE,
    "rate": YEARLY_RATE,
    "risk": RISK,
}


@pytest.mark.parametrize(
    ("value", "domain", "expected"),
    [
        (0.35, SHARE_BELOW_ONE, 0.35),
        ("35%", SHARE_BELOW_ONE, 0.35),
        ("35 %", SHARE_BELOW_ONE, 0.35),
        (" 12.5% ", SHARE, 0.125),
        ("0.8", GOAL_SHARE, 0.8),
        ("80%", GOAL_SHARE, 0.8),
        (0, SHARE_BELOW_ONE, 0.0),
        (1, SHARE, 1.0),  # a share may be 100 %
        ("150%", YEARLY_RATE, 1.5),  # above 100 % a year: only as a percent string
        (1, YEARLY_RATE, 1.0),
        (-0.5, YEARLY_RATE, -0.5),
        ("-20%", RISK, -0.2),
        ("100%", RISK, 1.0),
        (0.2, RISK, 0.2),
    ],
)
def test_both_spellings_give_the_fraction(
    value: object, domain: RatioDomain, expected: float
) -> None:
    assert parse_ratio(value, domain) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize(
    ("value", "domain", "fragments"),
    [
        (35, SHARE_BELOW_ONE, ["0.35", '"35%"']),  # the issue's shrinkage: 35
        (1, SHARE_BELOW_ONE, ["[0 %, 100 %)", '"1%"']),  # 100 % shrinkage leaves no one
        (1.0, GOAL_SHARE, ["(0 %, 100 %)"]),  # occupancy or SL of exactly 1
        (9, YEARLY_RATE, ["0.09", '"9%"', '"900%"']),  # the issue's discount_rate: 9
        (1.5, YEARLY_RATE, ['"150%"', "0.015"]),
        (20, RISK, ["0.2", '"20%"']),  # risk was a percentage: 20 now needs a spelling
        (1, RISK, ['"100%"', "0.01"]),  # an old file's risk: 1 (1 %) is not read as 100 %
        ("135%", SHARE, ["[0 %, 100 %]"]),
        ("-100%", YEARLY_RATE, ["(-100 %"]),
        (math.nan, SHARE, ["finite"]),
        (math.inf, YEARLY_RATE, ["finite"]),
        ("thirty", SHARE, ['"35%"', "0.35"]),
        (True, SHARE, ['"35%"']),
        (None, SHARE, ['"35%"']),
    ],
)
def test_refused_with_the_two_spellings(
    value: object, domain: RatioDomain, fragments: list[str]
) -> None:
    with pytest.raises(InputError) as info:
        parse_ratio(value, domain, field="shrinkage")
    assert info.value.field == "shrinkage"
    for fragment in fragments:
        assert fragment in str(info.value), (fragment, str(info.value))


@given(st.sampled_from(list(DOMAINS.values())), st.floats(-1e6, 1e6))
def test_a_fraction_and_its_percent_string_agree(domain: RatioDomain, x: float) -> None:
    """Invariant: x is accepted as a percent string exactly when it is in the domain, and
    then gives x; a bare x is accepted only inside the bare range, and gives x itself
    (never x / 100)."""
    pct = f"{x * 100!r}%"
    if domain.contains(x, bare=False):
        assert parse_ratio(pct, domain) == pytest.approx(x, rel=1e-12, abs=1e-300)
    else:
        with pytest.raises(InputError):
            parse_ratio(pct, domain)
    if domain.contains(x, bare=True):
        assert parse_ratio(x, domain) == x
    else:
        with pytest.raises(InputError, match=r"%"):
            parse_ratio(x, domain)


# ------------------------------------------------------------------ scenario files
STAFFED = VALID.replace(
    "proposal:\n",
    "staffing: {shrinkage: 0.3}\nproposal:\n",
)


@pytest.mark.parametrize(
    ("change", "field", "fragments"),
    [
        (("shrinkage: 0.3", "shrinkage: 35"), "staffing.shrinkage", ["0.35", '"35%"']),
        (("shrinkage: 0.3", "shrinkage: 1.0"), "staffing.shrinkage", ['"1%"']),
        (("shrinkage: 0.3", "shrinkage: 0.3, max_occupancy: 1"), "staffing.max_occupancy", []),
        (("shrinkage: 0.3", "shrinkage: 0.3, sl_target: 80"), "staffing.sl_target", ['"80%"']),
        (("horizon_months: 36", "horizon_months: 36\ndiscount_rate: 9"), "discount_rate", []),
        (("amount: 9000,", "amount: 9000, risk: 20,"), "proposal.benefit_lines[0].risk", []),
        (("aht_s: 240}", "aht_s: 240, growth: 5}"), "channels[0].growth", ['"5%"']),
        (("aht_s: 240}", "aht_s: 240, sales_rate: 4}"), "channels[0].sales_rate", ['"4%"']),
        (
            ("shrinkage: 0.3", "shrinkage: {dist: pert, min: 25, mode: 30, max: 35}"),
            "staffing.shrinkage",
            ["min", '"25%"'],
        ),
        (
            ("shrinkage: 0.3", "shrinkage: {dist: uniform, min: 0.2, max: 1}"),
            "staffing.shrinkage",
            ["[0 %, 100 %)"],
        ),
        (
            ("aht_s: 240}", "aht_s: 240, growth: {dist: truncnormal, mean: 0.03, sd: 2}}"),
            "channels[0].growth",
            ["sd"],
        ),
    ],
)
def test_a_bare_number_outside_the_domain_is_refused_in_a_file(
    tmp_path: Path, change: tuple[str, str], field: str, fragments: list[str]
) -> None:
    assert change[0] in STAFFED
    path = tmp_path / "s.yaml"
    path.write_text(STAFFED.replace(*change), encoding="utf-8")
    r = CliRunner().invoke(app, ["evaluate", str(path)])
    assert r.exit_code == 2, r.output
    assert str(path) in r.stderr and f"field {field}" in r.stderr, r.stderr
    assert "Traceback" not in r.output
    for fragment in fragments:
        assert fragment in r.stderr, (fragment, r.stderr)


def _evaluate(tmp_path: Path, text: str) -> dict[str, object]:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    r = CliRunner().invoke(app, ["evaluate", str(path), "--format", "json"])
    assert r.exit_code == 0, r.output
    doc: dict[str, object] = json.loads(r.stdout)
    return doc


@pytest.mark.parametrize(
    ("fraction", "percent"),
    [
        (
            ("amount: 9000,", "amount: 9000, risk: 0.2,"),
            ("amount: 9000,", "amount: 9000, risk: 20%,"),
        ),
        (
            ("aht_s: 240}", "aht_s: 240, growth: 0.05}"),
            ("aht_s: 240}", 'aht_s: 240, growth: "5%"}'),
        ),
        (
            ("horizon_months: 36", "horizon_months: 36\ndiscount_rate: 0.09"),
            ("horizon_months: 36", "horizon_months: 36\ndiscount_rate: 9%"),
        ),
        (
            ("shrinkage: 0.3", "shrinkage: {dist: pert, min: 0.25, mode: 0.3, max: 0.35}"),
            ("shrinkage: 0.3", "shrinkage: {dist: pert, min: 25%, mode: 30%, max: 35%}"),
        ),
    ],
)
def test_a_fraction_and_a_percent_string_give_the_same_result(
    tmp_path: Path, fraction: tuple[str, str], percent: tuple[str, str]
) -> None:
    a = _evaluate(tmp_path, STAFFED.replace(*fraction))
    b = _evaluate(tmp_path, STAFFED.replace(*percent))
    assert a["metrics"] == b["metrics"]


def test_risk_is_a_fraction(tmp_path: Path) -> None:
    """A benefit of 9,000 a month for 36 months with risk 20 %: 9,000 x 0.8 x 36 =
    259,200 risk-adjusted benefit (hand arithmetic)."""
    doc = _evaluate(tmp_path, VALID.replace("amount: 9000,", "amount: 9000, risk: 20%,"))
    adjusted = doc["risk_adjusted"]
    assert isinstance(adjusted, dict)
    assert adjusted["total_benefit"] == pytest.approx(9000 * 0.8 * 36)


def test_a_rate_above_100_percent_needs_the_percent_sign(tmp_path: Path) -> None:
    """Discounting at 150 % a year: the monthly rate is 2.5 ** (1/12) - 1."""
    doc = _evaluate(
        tmp_path, VALID.replace("horizon_months: 36", "horizon_months: 36\ndiscount_rate: 150%")
    )
    assert isinstance(doc["metrics"], dict)
    assert math.isfinite(float(doc["metrics"]["npv"]))


def test_json_schema_says_fraction_or_percent_string() -> None:
    from ccecon.scenario.schema import Scenario

    schema = Scenario.model_json_schema()
    defs = schema["$defs"]
    shrink = defs["ShareBelowOne"]["oneOf"][0]
    assert shrink["anyOf"][0] == {"type": "number", "minimum": 0.0, "exclusiveMaximum": 1.0}
    assert shrink["anyOf"][1]["type"] == "string" and "%" in shrink["anyOf"][1]["pattern"]
    assert '"35%"' in shrink["description"]
    pert = next(b for b in defs["ShareBelowOne"]["oneOf"] if "pert" in json.dumps(b))
    assert pert["properties"]["min"]["anyOf"][1]["type"] == "string"
    rate = defs["YearlyRate"]["oneOf"][0]["anyOf"][0]
    assert rate == {"type": "number", "exclusiveMinimum": -1.0, "maximum": 1.0}
    risk = defs["CostLine"]["properties"]["risk"]
    assert risk["$ref"] == "#/$defs/RiskShare"
    import re

    pattern = re.compile(shrink["anyOf"][1]["pattern"])
    assert pattern.match("35%") and pattern.match("12.5 %") and not pattern.match("35")


# ------------------------------------------------------------------ one default
def test_one_shrinkage_default_in_library_cli_web_and_scenario() -> None:
    """The issue's question, 100 calls per 30 minutes at 180 s, 80/20: 14 agents on the
    phones (Call Centre Helper's worked example) and 14 / (1 - 0.3) = 20 paid FTE, whether
    asked of the library, ``ccecon staff`` or the web API; the scenario's staffing section
    has the same default."""
    from ccecon.defaults import DEFAULT_SHRINKAGE
    from ccecon.queueing import one_interval
    from ccecon.scenario.schema import Staffing
    from ccecon.web.api import StaffRequest

    assert DEFAULT_SHRINKAGE == 0.3
    lib = one_interval(100, 180, 1800, sl_target=0.8, sl_threshold_s=20)
    r = CliRunner().invoke(app, ["staff", "--calls", "100", "--aht", "180", "-f", "json"])
    cli = json.loads(r.stdout)
    web = StaffRequest(calls=100, aht_s=180)
    assert lib["agents"] == cli["agents"] == 14
    assert lib["fte"] == cli["fte"] == pytest.approx(20.0)
    # (sourcing options are staffed by the scenario's Staffing itself: no second default)
    assert web.shrinkage == Staffing().shrinkage == DEFAULT_SHRINKAGE
    assert web.sl_target == Staffing().sl_target == 0.8


@pytest.mark.parametrize(
    ("sl", "ok"),
    [("80%/20", True), ("0.8/20", True), ("80/20", False), ("0.8%/20", True)],
)
def test_sl_option_reads_the_share_as_every_ratio(sl: str, ok: bool) -> None:
    r = CliRunner().invoke(
        app, ["staff", "--calls", "100", "--aht", "180", "--sl", sl, "-f", "json"]
    )
    if not ok:
        assert r.exit_code == 2 and "80%/20" in r.stderr and "0.8/20" in r.stderr
        return
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    # 0.8 % within 20 s needs only N > A = 10 agents: 11 (the issue's "11 agents, SL 39 %")
    assert doc["agents"] == (11 if sl.startswith("0.8%") else 14)
