"""A payback that some draws never reach: documents say null and the share of draws that
pay back within the horizon, the terminal says it in words; never "inf".

Hand-built case (tests/uncertainty/helpers.py): invest 1,000 at signing, save A a month,
A ~ U(50, 150), no discounting. The cumulative flow after m months is m A - 1000, so a
draw pays back at 1000 / A months when A >= 1000 / horizon, and never otherwise.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from ccecon.cli.app import app
from ccecon.labels import label
from ccecon.uncertainty.montecarlo import simulate
from tests.uncertainty.helpers import uniform_saving, uniform_saving_text

runner = CliRunner()


def test_some_draws_never_pay_back_null_percentiles_and_the_share() -> None:
    # horizon 12: pays back iff A >= 83.33, probability (150 - 83.33) / 100 = 2/3; a
    # payback percentile q is 1000 / A at A's percentile 100 - q: P50 = 1000 / 100 = 10
    # months; from P66.7 on, the draws never pay back (null in the document).
    n = 20_000
    sim = simulate(uniform_saving(12), n, np.random.default_rng(9), keep_draws=True)
    assert sim.draws_frame is not None
    finite = np.isfinite(sim.draws_frame["payback_months"].to_numpy())
    pb = sim.summary("payback_months")
    assert pb.within_horizon == float(finite.sum()) / n  # exactly the share of draws
    assert abs(pb.within_horizon - 2 / 3) < 4 * math.sqrt(2 / 9 / n)
    doc = sim.to_dict()["metrics"]["payback_months"]
    assert doc["within_horizon"] == pb.within_horizon
    assert doc["p50"] == pytest.approx(10.0, abs=0.2)
    assert doc["p75"] is None and doc["p90"] is None and doc["p95"] is None
    assert doc["mean"] is None and doc["se_mean"] is None and doc["max"] is None
    assert doc["min"] == pytest.approx(1000 / 150, abs=0.05)  # the largest saving
    json.dumps(sim.to_dict(), allow_nan=False)  # no inf or NaN left in the document
    # the other metrics carry no such field
    assert "within_horizon" not in sim.to_dict()["metrics"]["npv"]


def test_no_draw_pays_back_base_case_included() -> None:
    # horizon 6: 6 A <= 900 < 1000 for every A, and the base case (A = 100) too
    sim = simulate(uniform_saving(6), 2_000, np.random.default_rng(1))
    doc = sim.to_dict()
    for key in ("payback_months", "discounted_payback_months"):
        m = doc["metrics"][key]
        assert m["within_horizon"] == 0.0
        assert all(m[f"p{p:g}"] is None for p in sim.percentiles)
        assert doc["base_case"][key] is None
        assert doc["base_case_risk_adjusted"][key] is None
    assert doc["base_case"]["payback_reached"] is False
    assert doc["base_case"]["discounted_payback_reached"] is False
    assert doc["probabilities"]["payback_within_horizon"] == 0.0
    json.dumps(doc, allow_nan=False)


def test_every_draw_pays_back_the_mean_is_the_closed_form() -> None:
    # horizon 24: 24 x 50 = 1200 >= 1000, every draw pays back at 1000 / A months;
    # E[1000 / A] = 1000 (ln 150 - ln 50) / 100 = 10 ln 3 = 10.986 (by hand)
    n = 20_000
    sim = simulate(uniform_saving(24), n, np.random.default_rng(3))
    pb = sim.summary("payback_months")
    assert pb.within_horizon == 1.0
    assert abs(pb.mean - 10 * math.log(3)) < 4 * pb.se_mean
    doc = sim.to_dict()["metrics"]["payback_months"]
    assert all(isinstance(doc[f"p{p:g}"], float) for p in sim.percentiles)
    assert sim.to_dict()["base_case"]["payback_reached"] is True
    assert sim.to_dict()["base_case"]["payback_months"] == pytest.approx(10.0)


@pytest.fixture
def never_file(tmp_path: Path) -> Path:
    p = tmp_path / "never.yaml"
    p.write_text(uniform_saving_text(6), encoding="utf-8")
    return p


@pytest.fixture
def some_file(tmp_path: Path) -> Path:
    p = tmp_path / "some.yaml"
    p.write_text(uniform_saving_text(12), encoding="utf-8")
    return p


def test_cli_json_has_null_and_the_share_never_inf(some_file: Path) -> None:
    r = runner.invoke(app, ["simulate", str(some_file), "--draws", "4000", "--format", "json"])
    assert r.exit_code == 0, r.output
    assert "inf" not in r.stdout.lower().replace("inputs", "").replace("input_ranges", "")
    doc = json.loads(r.stdout)
    m = doc["metrics"]["payback_months"]
    assert m["p90"] is None and 0.6 < m["within_horizon"] < 0.73
    assert doc["risk_adjusted"]["payback_months"]["p90"] is None


def test_cli_csv_leaves_the_cell_empty_and_gives_the_share(some_file: Path) -> None:
    r = runner.invoke(app, ["simulate", str(some_file), "--draws", "4000", "--format", "csv"])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    pay = next(x for x in rows if x["view"] == "unadjusted" and x["metric"] == "payback_months")
    assert pay["p90"] == "" and 0.6 < float(pay["within_horizon"]) < 0.73
    assert "inf" not in {v for x in rows for v in x.values()}


def test_cli_text_says_it_in_words(never_file: Path) -> None:
    r = runner.invoke(app, ["simulate", str(never_file), "--draws", "500"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    # base case, TEI base case, P10, P50 and P90 of both paybacks, in the words of
    # `ccecon evaluate` (a cell may wrap after "within"); no mean or spread for draws
    # that never pay back
    assert label("never") == "never within the horizon"
    assert r.stdout.count("never within") == 10
    pay = next(x for x in r.stdout.splitlines() if x.startswith("│ payback"))
    cells = [c.strip() for c in pay.split("│")[1:-1]]
    assert cells[3:5] == ["-", "-"]  # mean, ± SE
    assert "inf" not in r.stdout and "∞" not in r.stdout
