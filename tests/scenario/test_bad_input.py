"""Malformed scenario files: each gives exit code 2 and a message naming the file, the field
path and the bad value (issue 2, 'Bad input'); never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ccecon.cli.app import app

VALID = """\
name: 测试 scenario
currency: CNY
start: 2027-01
horizon_months: 36
channels:
  - {name: inbound_calls, kind: voice_inbound, per_month: 1000, aht_s: 240}
proposal:
  cost_lines:
    - {name: 设备 servers, family: initial, amount: 20000, timing: once, month: 0}
    - {name: agents, family: operating, amount: 6000, timing: per_unit, driver: inbound_calls}
  benefit_lines:
    - {name: retention, kind: direct, amount: 9000, timing: monthly}
"""

# (case id, text transformation or full text, expected fragments in the message)
CASES: list[tuple[str, object, list[str]]] = [
    (
        "missing_field",
        lambda t: t.replace("currency: CNY\n", ""),
        ["currency", "required field is missing"],
    ),
    (
        "wrong_type",
        lambda t: t.replace("horizon_months: 36", "horizon_months: three"),
        ["horizon_months", "'three'"],
    ),
    (
        "negative_volume",
        lambda t: t.replace("per_month: 1000", "per_month: -5"),
        ["channels[0].per_month", "-5"],
    ),
    (
        "unknown_currency",
        lambda t: t.replace("currency: CNY", "currency: XYZ"),
        ["currency", "ISO 4217", "'XYZ'"],
    ),
    (
        "two_currencies",
        lambda t: t.replace("amount: 9000,", "amount: 9000, currency: USD,"),
        ["proposal.benefit_lines[0].currency", "'USD'", "CNY"],
    ),
    (
        "month_outside_horizon",
        lambda t: t.replace("month: 0}", "month: 40}"),
        ["proposal.cost_lines[0].month", "40", "horizon"],
    ),
    (
        "yaml_syntax",
        lambda t: t.replace("horizon_months: 36", "horizon_months: [36"),
        ["YAML syntax error", "line"],
    ),
    ("empty_file", "", ["empty"]),
    (
        "unknown_field",
        lambda t: t.replace("amount: 20000", "amuont: 20000"),
        ["proposal.cost_lines[0].amuont", "unknown field"],
    ),
    (
        "unknown_driver",
        lambda t: t.replace("driver: inbound_calls", "driver: seats"),
        ["proposal.cost_lines[1].driver", "'seats'", "unknown driver"],
    ),
    (
        "negative_amount",
        lambda t: t.replace("amount: 6000", "amount: -6000"),
        ["proposal.cost_lines[1].amount", "-6000"],
    ),
    (
        "once_without_month",
        lambda t: t.replace("timing: once, month: 0", "timing: once"),
        ["proposal.cost_lines[0]", "month"],
    ),
    (
        "end_before_start",
        lambda t: t.replace("timing: monthly}", "timing: monthly, start_month: 5, end_month: 2}"),
        ["proposal.benefit_lines[0]", "end_month 2 is before start_month 5"],
    ),
    (
        "bad_start_month",
        lambda t: t.replace("start: 2027-01", "start: 2027-13"),
        ["start", "2027-13"],
    ),
    (
        "share_above_one",
        lambda t: t.replace("aht_s: 240}", "aht_s: 240, sales_rate: 1.5}"),
        ["channels[0].sales_rate", "1.5"],
    ),
    (
        "nan_amount",
        lambda t: t.replace("amount: 9000", "amount: .nan"),
        ["proposal.benefit_lines[0].amount", "finite", "nan"],
    ),
    ("top_level_list", "- name: x\n- currency: CNY\n", ["mapping", "list"]),
    (
        "duplicate_key",
        lambda t: t.replace("horizon_months: 36", "horizon_months: 36\nhorizon_months: 12"),
        ["duplicate key", "horizon_months", "line"],
    ),
    (
        "risk_out_of_range",
        lambda t: t.replace("amount: 9000,", "amount: 9000, risk: 150,"),
        ["proposal.benefit_lines[0].risk", "150"],
    ),
    (
        "discount_rate_below_minus_one",
        lambda t: t.replace("horizon_months: 36", "horizon_months: 36\ndiscount_rate: -1.5"),
        ["discount_rate", "-1.5"],
    ),
    (
        "discount_rate_as_bare_percent",
        lambda t: t.replace("horizon_months: 36", "horizon_months: 36\ndiscount_rate: 9"),
        ["discount_rate", "0.09", '"9%"', "(got 9)"],
    ),
    (
        "risk_as_bare_percent",
        lambda t: t.replace("amount: 9000,", "amount: 9000, risk: 20,"),
        ["proposal.benefit_lines[0].risk", "0.2", '"20%"', "(got 20)"],
    ),
    (
        "sales_rate_as_bare_percent",
        lambda t: t.replace("aht_s: 240}", "aht_s: 240, sales_rate: 4}"),
        ["channels[0].sales_rate", "0.04", '"4%"', "(got 4)"],
    ),
    (
        "unknown_family",
        lambda t: t.replace("family: initial", "family: capital"),
        ["proposal.cost_lines[0].family", "'capital'"],
    ),
    (
        "benchmark_other_currency",
        lambda t: t.replace(
            "horizon_months: 36", "horizon_months: 36\nbenchmark: liveagent-cost-per-call"
        ),
        ["benchmark", "USD", "CNY", "never converted"],
    ),
    (
        "inline_benchmark_without_source",
        lambda t: t.replace(
            "horizon_months: 36", "horizon_months: 36\nbenchmark: {low: 2, high: 4}"
        ),
        ["benchmark.source", "required field is missing"],
    ),
    (
        "lever_unknown_channel",
        lambda t: t.replace(
            "proposal:\n",
            "proposal:\n  levers: [{name: ivr, channel: chats, volume_factor: 0.9}]\n",
        ),
        ["proposal.levers[0].channel", "'chats'"],
    ),
]


# every command that reads a scenario file stops the same way
COMMANDS = {
    "validate": ["validate"],
    "evaluate": ["evaluate"],
    "simulate": ["simulate", "--draws", "10"],
    "sensitivity": ["sensitivity"],
    "report": ["report", "--out", "{tmp}/report"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize(("case_id", "change", "expected"), CASES, ids=[c[0] for c in CASES])
def test_malformed_scenario_exits_2_with_file_field_value(
    tmp_path: Path, case_id: str, change: object, expected: list[str], command: str
) -> None:
    text = change(VALID) if callable(change) else str(change)
    path = tmp_path / f"{case_id}.yaml"
    path.write_text(text, encoding="utf-8")
    head, *options = COMMANDS[command]
    args = [head, str(path), *(o.format(tmp=tmp_path) for o in options)]
    result = CliRunner().invoke(app, args)
    assert not (tmp_path / "report").exists()  # nothing written for a bad file
    assert result.exit_code == 2, result.output
    message = result.stderr
    assert str(path) in message
    for fragment in expected:
        assert fragment in message, (fragment, message)
    assert message.count("(got ") <= 1 or "problems" in message  # the value once
    assert "valid string" not in message  # no complaint from a union's other branch
    assert "Traceback" not in result.output


def test_file_not_utf8_is_named(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes(VALID.encode("gbk"))
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert str(path) in result.stderr and "UTF-8" in result.stderr


def test_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    result = CliRunner().invoke(app, ["evaluate", str(path)])
    assert result.exit_code == 2
    assert str(path) in result.stderr and "not found" in result.stderr


def test_the_valid_base_file_passes(tmp_path: Path) -> None:
    """Guards the table above: the unmodified file is valid, so each failure is the change's."""
    path = tmp_path / "ok.yaml"
    path.write_text(VALID, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "测试 scenario" in result.output
