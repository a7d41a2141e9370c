"""Seed 004 worked examples: normalization (D2.6) and the labour build-up (D3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ccecon.cli.app import app
from ccecon.costing.labour import (
    gross_up,
    labour_cost,
    management_cost,
    recruitment_cost,
    training_cost,
    utilization,
)
from ccecon.costing.normalize import equivalent_calls
from ccecon.costing.payroll_file import load_payroll

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_seed_004_equivalent_calls_truncate() -> None:
    """164,509 calls of 33 s -> 126,251; 2,495,951 of 120 s -> 6,965,444 (43 s standard;
    the seed truncates: 126,251.2 and 6,965,444.65)."""
    assert equivalent_calls(164_509, 33, 43).item() == 126_251
    assert equivalent_calls(2_495_951, 120, 43).item() == 6_965_444
    assert equivalent_calls(2_495_951, 120, 43, rounding="nearest").item() == 6_965_445


def test_seed_004_cost_items() -> None:
    assert recruitment_cost(419, 400) == 167_600
    assert training_cost(419, 7, 30) == 87_990
    assert management_cost(4500, 12, 9) == 486_000
    assert gross_up(1000.0, 0.06) == pytest.approx(1060.0)


def test_seed_004_utilization_formula() -> None:
    # 404 agents x 8 h x 21.75 paid days x 12 months x 60 = 50,613,120 paid minutes
    assert utilization(50_613_120 * 0.68, 404, 8, 21.75, 12) == pytest.approx(0.68)


def test_payroll_example_reproduces_the_seed() -> None:
    res = labour_cost(load_payroll(EXAMPLES / "payroll-seed004.yaml").to_inputs())
    assert round(res.utilization, 2) == 0.68  # the seed's 68 %
    assert res.recruitment == 167_600 and res.training == 87_990 and res.management == 486_000
    assert res.total == pytest.approx(res.payroll + 167_600 + 87_990 + 486_000)
    assert res.total_after_tax == pytest.approx(res.total * 1.06)
    # equivalents: traffic 1 is already at the standard 43 s
    assert res.equivalent_calls == 40_600_000 + 126_251 + 6_965_444
    assert res.cost_per_equivalent_call == pytest.approx(res.total_after_tax / res.equivalent_calls)
    assert res.cost_per_talk_minute == pytest.approx(res.total_after_tax / res.talk_minutes)


def test_labour_cli_json() -> None:
    r = CliRunner().invoke(app, ["labour", str(EXAMPLES / "payroll-seed004.yaml"), "-f", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["recruitment"] == 167_600 and doc["currency"] == "CNY"


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (("agents: 404", "agents: -4"), "agents"),
        (("  wages: 14544000", "  wagez: 14544000"), "wagez"),
        (("currency: CNY", "currency: RMB"), "currency"),
        (("aht_s: 120,", "aht_s: 0,"), "traffic[2].aht_s"),
    ],
)
def test_bad_payroll_exits_2(tmp_path: Path, change: tuple[str, str], fragment: str) -> None:
    text = (EXAMPLES / "payroll-seed004.yaml").read_text(encoding="utf-8")
    assert change[0] in text
    path = tmp_path / "p.yaml"
    path.write_text(text.replace(change[0], change[1]), encoding="utf-8")
    r = CliRunner().invoke(app, ["labour", str(path)])
    assert r.exit_code == 2
    assert fragment in r.stderr and str(path) in r.stderr
