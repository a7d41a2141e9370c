"""The workbook is a model: LibreOffice recalculates it to the CLI's numbers, before and
after a driver is changed in its Inputs sheet.

The reference is ``ccecon evaluate --format json`` (the CLI a user runs); the independent
engine is LibreOffice Calc, headless (``tests/reports/libreoffice.py``), which knows
nothing of ccecon: it reads the formulas openpyxl wrote and computes them itself.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from ccecon.cli.app import app
from ccecon.engine import evaluate
from ccecon.labels import phrase
from ccecon.reports.excel import write_workbook
from ccecon.scenario.load import load_scenario
from tests.reports.libreoffice import named_values, recalculate
from tests.reports.test_html_report import SCENARIOS

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
REL = 1e-9

METRICS = {
    # JSON key: (workbook name, factor from the workbook's value to the JSON's)
    "total_cost": ("res_total_cost", 1.0),
    "total_benefit": ("res_total_benefit", 1.0),
    "cost_savings": ("res_cost_savings", 1.0),
    "net": ("res_net", 1.0),
    "roi_pct": ("res_roi", 100.0),  # the workbook holds a fraction shown as a percentage
    "npv": ("res_npv", 1.0),
    "irr_annual_pct": ("res_irr_annual", 100.0),
    "payback_months": ("res_payback_months", 1.0),
    "discounted_payback_months": ("res_discounted_payback_months", 1.0),
}

CONTRACT = """
name: overflow calls to a provider on a per-call contract
currency: USD
start: 2027-01
horizon_months: 24
discount_rate: 0.1
channels:
  - {name: voice, kind: voice_inbound, per_month: 20000, aht_s: 300, growth: 0.05}
  - {name: email, kind: email, per_month: 4000, aht_s: 400}
baseline:
  cost_lines:
    - {name: Agents, family: operating, amount: 0.8, timing: per_unit, driver: minutes}
proposal:
  levers:
    - {name: self-service, channel: voice, volume_factor: 0.9, start_month: 2, ramp_months: 4}
  cost_lines:
    - {name: Agents, family: operating, amount: 0.8, quantity: 0.7, timing: per_unit,
       driver: minutes}
    - {name: overflow provider, family: operating, timing: contract, contract_share: 30%,
       growth: 0.03, risk: 10%, start_month: 2,
       contract: {model: per_call, price: 1.1, base_fee: 1500}}
    - {name: setup, family: initial, amount: 20000, timing: once, month: 0}
"""


def cli_json(path: Path) -> dict[str, Any]:
    """What ``ccecon evaluate FILE --format json`` prints, parsed."""
    out = CliRunner().invoke(app, ["evaluate", str(path), "--format", "json"])
    assert out.exit_code == 0, out.output
    doc: dict[str, Any] = json.loads(out.stdout)
    return doc


def assert_workbook_matches(values: dict[str, Any], doc: dict[str, Any], what: str) -> None:
    """Every headline figure, plain and risk-adjusted, and every unit cost within 1e-9."""
    checked = 0
    for view, suffix in (("metrics", ""), ("risk_adjusted", "_adj")):
        for key, (name, factor) in METRICS.items():
            want, got = doc[view][key], values[name + suffix]
            if want is None:  # not defined, no IRR, never paid back: the workbook says so
                assert isinstance(got, str), (what, view, key, got)
                continue
            assert isinstance(got, (int, float)), (what, view, key, got)
            assert float(got) * factor == pytest.approx(want, rel=REL, abs=1e-9), (what, view, key)
            checked += 1
    horizon = doc["unit_costs"]["horizon"]
    for key in ("cost_per_contact", "cost_per_inbound_call", "cost_per_minute", "cost_per_sale"):
        for prefix, suffix in (("", ""), ("baseline_", "_baseline")):
            name = f"res_{key}{suffix}"
            if name not in values:
                continue
            want = horizon.get(prefix + key)
            got = values[name]
            if want is None:  # no contacts, calls or sales: the workbook says n/a (in its locale)
                assert got in ("n/a", phrase("n/a", "zh")), (what, name, got)
                continue
            assert float(got) == pytest.approx(want, rel=REL, abs=1e-12), (what, name)
            checked += 1
    assert checked >= 10, what


@pytest.fixture(scope="module")
def examples_recalculated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Every example's workbook, recalculated by LibreOffice (one start for all)."""
    folder = tmp_path_factory.mktemp("examples")
    files = [
        write_workbook(evaluate(load_scenario(p)), folder / f"{p.stem}.xlsx") for p in SCENARIOS
    ]
    done = recalculate(files, folder / "recalculated")
    return {p.stem: named_values(x) for p, x in zip(SCENARIOS, done, strict=True)}


@pytest.mark.libreoffice
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_libreoffice_recalculates_every_example_to_the_cli(
    path: Path, examples_recalculated: dict[str, dict[str, Any]]
) -> None:
    assert_workbook_matches(examples_recalculated[path.stem], cli_json(path), path.stem)


# A changed driver, edited in the workbook's Inputs and in the scenario file the same way.
# None of these goes through Erlang staffing: the volume, AHT and lever changes are on
# scenarios without `staffing` (chatbot, omnichannel, in-house build); on the staffed
# on-premises-to-cloud case the change is a licence's amount. A staffed volume change is
# the next test.
Edit = tuple[str, str, Callable[[dict[str, Any]], None], str, Any]


def _set(*path: Any) -> Callable[[Any], Callable[[dict[str, Any]], None]]:
    def setter(value: Any) -> Callable[[dict[str, Any]], None]:
        def apply(doc: dict[str, Any]) -> None:
            node: Any = doc
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value

        return apply

    return setter


EDITS: list[Edit] = [
    ("volume", "uncertain-chatbot.yaml", _set("channels", 0, "per_month")(33000),
     "chan1_volume", 33000),
    ("aht", "eur-omnichannel-chat.yaml", _set("channels", 1, "aht_s")(390), "chan2_aht", 390),
    ("growth", "cny-inhouse-build.yaml", _set("channels", 0, "growth")(0.1), "chan1_growth", 0.1),
    ("cost-amount", "usd-onprem-to-cloud.yaml",
     _set("proposal", "cost_lines", 2, "amount")(175), "prop_cost3_amount", 175),
    ("lever-factor", "uncertain-chatbot.yaml",
     _set("proposal", "levers", 1, "volume_factor")(0.9), "prop_lever2_volume", 0.9),
    ("lever-ramp", "eur-omnichannel-chat.yaml",
     _set("proposal", "levers", 1, "ramp_months")(2), "prop_lever2_ramp", 2),
    ("risk", "uncertain-onprem-to-cloud.yaml",
     _set("proposal", "cost_lines", 4, "risk")(0.5), "prop_cost5_risk", 0.5),
    ("counted", "cny-inhouse-build.yaml",
     _set("proposal", "cost_lines", 13, "include")(True), "prop_cost14_include", True),
    ("rate", "cny-inhouse-build.yaml", _set("discount_rate")(0.12), "discount_rate", 0.12),
    ("convention", "eur-omnichannel-chat.yaml", _set("discounting")("yearly_tei"),
     "discounting", "yearly_tei"),
    ("unit-cost-basis", "eur-omnichannel-chat.yaml", _set("unit_cost_basis")("operating"),
     "unit_cost_basis", "operating"),
]  # fmt: skip


def set_named(wb: Any, name: str, value: Any) -> None:
    """Write ``value`` into the cell (or the row of cells, from a sequence) of a name."""
    ((sheet, ref),) = list(wb.defined_names[name].destinations)
    cells = wb[sheet][ref.replace("$", "")]
    if isinstance(cells, tuple):
        for cell, v in zip(cells[0], value, strict=True):
            cell.value = float(v)
    else:
        cells.value = value


def _edited(tmp_path: Path, source: str, apply: Callable[[dict[str, Any]], None], tag: str) -> Path:
    doc = yaml.safe_load((EXAMPLES / source).read_text(encoding="utf-8"))
    apply(doc)
    out = tmp_path / f"{tag}.yaml"
    out.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return out


@pytest.mark.libreoffice
def test_a_driver_changed_in_the_workbook_gives_the_cli_result_of_the_changed_scenario(
    tmp_path: Path,
) -> None:
    from openpyxl import load_workbook

    files, wants, befores = [], [], []
    for tag, source, apply, name, value in EDITS:
        xlsx = write_workbook(evaluate(load_scenario(EXAMPLES / source)), tmp_path / f"{tag}.xlsx")
        wb = load_workbook(xlsx)
        set_named(wb, name, value)
        wb.save(xlsx)
        files.append(xlsx)
        wants.append(cli_json(_edited(tmp_path, source, apply, tag)))
        befores.append(cli_json(EXAMPLES / source))
    done = recalculate(files, tmp_path / "recalculated")
    for (tag, *_), path, want, before in zip(EDITS, done, wants, befores, strict=True):
        # the change moves the result (else the test would prove nothing) ...
        moved = [
            k
            for k in ("npv", "total_cost", "roi_pct")
            if want["metrics"][k] != before["metrics"][k]
            or want["risk_adjusted"][k] != before["risk_adjusted"][k]
        ] or [k for k, v in want["unit_costs"]["horizon"].items()
              if v != before["unit_costs"]["horizon"].get(k)]  # fmt: skip
        assert moved, tag
        # ... and the workbook follows it to the CLI's numbers
        assert_workbook_matches(named_values(path), want, tag)


@pytest.mark.libreoffice
def test_staffing_is_an_input_the_user_may_override(tmp_path: Path) -> None:
    """On a staffed scenario a volume change goes through Erlang, which the workbook does
    not redo: with the volume alone changed its NPV is not the CLI's; with the agent hours
    and peak agents of the changed scenario pasted into the per-month inputs it is."""
    from openpyxl import load_workbook

    source = "usd-onprem-to-cloud.yaml"
    changed = _edited(tmp_path, source, _set("channels", 0, "per_month")(90000), "staffed")
    want = cli_json(changed)
    staffed = evaluate(load_scenario(changed)).cases
    files = []
    for tag, paste in (("volume-only", False), ("volume-and-staffing", True)):
        xlsx = write_workbook(evaluate(load_scenario(EXAMPLES / source)), tmp_path / f"{tag}.xlsx")
        wb = load_workbook(xlsx)
        set_named(wb, "chan1_volume", 90000)
        if paste:
            for case, pre in (("baseline", "base"), ("proposal", "prop")):
                for key in ("agent_hours", "peak_agents"):
                    set_named(wb, f"{pre}_{key}", np.asarray(staffed[case].drivers[key])[0])
        wb.save(xlsx)
        files.append(xlsx)
    alone, pasted = (named_values(p) for p in recalculate(files, tmp_path / "recalculated"))
    assert alone["res_npv"] != pytest.approx(want["metrics"]["npv"], rel=1e-3)
    assert_workbook_matches(pasted, want, "volume and staffing")


@pytest.mark.libreoffice
def test_a_contract_line_is_a_bill_of_values_under_live_terms(tmp_path: Path) -> None:
    """A contract-priced line: its monthly bill is a value (the price model's), its
    amount, growth and risk live; the workbook matches the CLI before and after the
    line's amount (a multiplier of the bill) is doubled."""
    from openpyxl import load_workbook

    src = tmp_path / "contract.yaml"
    src.write_text(CONTRACT, encoding="utf-8")
    xlsx = write_workbook(evaluate(load_scenario(src)), tmp_path / "contract.xlsx")
    ws = load_workbook(xlsx)["Inputs"]
    bill = next(r for r in ws.iter_rows() if r[3].value == "prop_contract2")
    assert "value, not a formula" in str(bill[0].comment.text)
    assert all(isinstance(c.value, (int, float)) for c in bill[4:])
    wb = load_workbook(xlsx)
    set_named(wb, "prop_cost2_amount", 2.0)
    doubled = tmp_path / "doubled.xlsx"
    wb.save(doubled)
    doc = yaml.safe_load(CONTRACT)
    doc["proposal"]["cost_lines"][1]["amount"] = 2.0
    changed = tmp_path / "doubled.yaml"
    changed.write_text(yaml.safe_dump(doc), encoding="utf-8")
    before, after = (named_values(p) for p in recalculate([xlsx, doubled], tmp_path / "out"))
    assert_workbook_matches(before, cli_json(src), "contract")
    assert_workbook_matches(after, cli_json(changed), "contract, amount doubled")


def test_the_workbook_is_built_of_named_inputs_and_formulas(tmp_path: Path) -> None:
    """Structure, without recalculating: every yellow Inputs cell has its defined name;
    every monthly amount on Lines, Drivers and Cashflows is a formula; money, percentages
    and months have number formats; headers are frozen; there is a cash-flow chart;
    Erlang staffing is a per-month value with a comment saying why."""
    from openpyxl import load_workbook

    path = EXAMPLES / "usd-onprem-to-cloud.yaml"
    xlsx = write_workbook(evaluate(load_scenario(path)), tmp_path / "r.xlsx")
    wb = load_workbook(xlsx)
    assert wb.sheetnames[:2] == ["Results", "Inputs"]
    ws = wb["Inputs"]
    names = {
        dest: name
        for name, dn in wb.defined_names.items()
        for dest in (f"{s}!{ref}" for s, ref in dn.destinations)
    }
    inputs = [r for r in ws.iter_rows(min_row=2) if r[1].fill.fgColor.rgb == "00FFF2CC"]
    assert len(inputs) > 60
    for row in inputs:
        assert names[f"Inputs!$B${row[1].row}"] == row[3].value, row[0].value
    # a built-in with no channel of its kind (no outbound voice here) is 0 every month
    none_of_the_kind = {"outbound_calls", "outbound voice minutes", "outbound sales"}
    for sheet, first in (("Lines", 12), ("Drivers", 4), ("Cashflows", 4)):
        rows = list(wb[sheet].iter_rows(min_row=5))
        values = [
            (row[1].value, c.value) for row in rows for c in row[first - 1 :] if c.value is not None
        ]
        assert len(values) > 100, sheet
        for what, v in values:
            formula = isinstance(v, str) and v.startswith("=")
            assert formula or (v == 0 and what in none_of_the_kind), (sheet, what, v)
        assert wb[sheet].freeze_panes is not None
    res = wb["Results"]
    by_label = {r[0].value: r for r in res.iter_rows(min_row=5, max_row=13)}
    assert by_label["NPV"][1].number_format == '#,##0 "USD";-#,##0 "USD"'
    assert by_label["ROI"][1].number_format == "0.0%"
    assert by_label["Payback"][1].number_format == '0.0 "months"'
    assert res.freeze_panes == "A5"
    hours = next(r for r in ws.iter_rows() if r[3].value == "base_agent_hours")
    note = hours[0].comment.text
    assert "Erlang" in note and "not a spreadsheet formula" in note
    assert all(isinstance(c.value, (int, float)) for c in hours[4:])
    assert "Simulation" not in wb.sheetnames  # no ranges in this scenario
    with zipfile.ZipFile(xlsx) as z:
        assert any(n.startswith("xl/charts/chart") for n in z.namelist())


def test_simulation_sheet_holds_values_labelled_as_such(tmp_path: Path) -> None:
    """With ranges: the report's Monte Carlo run (2,000 draws, seed 0) and tornado as
    numbers, no formula, under a title saying so; P10 < P50 < P90 of the NPV."""
    from openpyxl import load_workbook

    from ccecon.uncertainty.montecarlo import simulate

    sc = load_scenario(EXAMPLES / "uncertain-chatbot.yaml")
    wb = load_workbook(write_workbook(evaluate(sc), tmp_path / "r.xlsx"))
    ws = wb["Simulation"]
    assert ws["A1"].value == "Simulation: values, not formulas"
    cells = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)
    heads = [c.value for c in ws[4]]
    npv = next(r for r in ws.iter_rows(min_row=5) if r[0].value == "NPV")
    p = {h: c.value for h, c in zip(heads, npv, strict=False)}
    assert p["P10"] < p["P50"] < p["P90"]
    sim = simulate(sc, 2000, np.random.default_rng(0))
    want = next(s for s in sim.summaries if s.metric == "npv")
    assert p["P10"] == want.percentiles["p10"]
    assert any(isinstance(v, str) and "tornado" in v for v in cells)


@pytest.mark.slow
def test_the_formulas_package_agrees(tmp_path: Path) -> None:
    """A second independent engine, the ``formulas`` package, on one example (it takes
    half a minute a workbook, so not on every example)."""
    import formulas

    path = EXAMPLES / "eur-omnichannel-chat.yaml"
    xlsx = write_workbook(evaluate(load_scenario(path)), tmp_path / "r.xlsx")
    sol = formulas.ExcelModel().loads(str(xlsx)).finish().calculate()
    from openpyxl import load_workbook

    wb = load_workbook(xlsx)
    values: dict[str, Any] = {}
    for name, dn in wb.defined_names.items():
        ((sheet, ref),) = list(dn.destinations)
        if ":" in ref:
            continue
        key = f"'[{xlsx.name}]{sheet.upper()}'!{ref.replace('$', '')}"
        if key in sol:
            values[name] = np.asarray(sol[key].value).ravel()[0]
    values = {k: float(v) if isinstance(v, np.floating) else v for k, v in values.items()}
    assert_workbook_matches(values, cli_json(path), "formulas package")


@pytest.mark.libreoffice
def test_workbook_with_a_thousand_lines_sharing_a_name(tmp_path: Path) -> None:
    """1,000 cost lines named alike (issue 22: ``Invalid column index 37007``, exit 1):
    each its own row of Lines with its own inputs, one key on Change; by hand, 1,000 x 10
    a month over the horizon's months 1..12 = 120,000 (``monthly`` pays from month 1)."""
    from openpyxl import load_workbook

    line = {"name": "Same", "family": "operating", "category": "x", "amount": 10}
    doc = {
        "name": "many lines",
        "currency": "USD",
        "start": "2027-01",
        "horizon_months": 12,
        "discount_rate": 0.1,
        "proposal": {"cost_lines": [dict(line, timing="monthly") for _ in range(1000)]},
    }
    path = tmp_path / "many.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    out = CliRunner().invoke(app, ["report", str(path), "--xlsx", "--no-html", "-o", str(tmp_path)])
    assert out.exit_code == 0, out.output
    wb = load_workbook(tmp_path / "report.xlsx")
    rows = [r for r in wb["Lines"].iter_rows(min_row=5, values_only=True) if r[1] == "Same"]
    assert len(rows) == 1000
    assert wb["Lines"].max_column == 11 + 13  # case..risk-adjusted total, then months 0..12
    assert wb["Change"]["B2"].value == "Same" and wb["Change"]["B3"].value == "total"
    (done,) = recalculate([tmp_path / "report.xlsx"], tmp_path / "recalculated")
    assert named_values(done)["res_total_cost"] == pytest.approx(120_000, rel=1e-12)
