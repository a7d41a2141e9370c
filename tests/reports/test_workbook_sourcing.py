"""The workbook's Sourcing sheet: the options as ``ccecon compare --format json`` shows
them (the CLI a user runs is the reference), labelled as values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ccecon.cli.app import app
from ccecon.engine import evaluate
from ccecon.labels import phrase
from ccecon.reports.excel import write_workbook
from ccecon.scenario.load import load_scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SOURCING = sorted(EXAMPLES.glob("sourcing-*.yaml"))
REL = 1e-12


def compare_json(path: Path) -> dict[str, Any]:
    """What ``ccecon compare FILE --format json`` prints, parsed."""
    out = CliRunner().invoke(app, ["compare", str(path), "--format", "json"])
    assert out.exit_code == 0, out.output
    doc: dict[str, Any] = json.loads(out.stdout)
    return doc


def table(ws: Any, head_row: int, first_col: int = 1) -> tuple[list[str], list[list[Any]]]:
    """The heads of ``head_row`` and the rows below it, up to the first empty row."""
    heads = []
    c = first_col
    while ws.cell(head_row, c).value is not None:
        heads.append(str(ws.cell(head_row, c).value))
        c += 1
    rows = []
    r = head_row + 1
    while ws.cell(r, first_col).value is not None:
        rows.append([ws.cell(r, first_col + i).value for i in range(len(heads))])
        r += 1
    return heads, rows


def test_there_are_sourcing_examples() -> None:
    assert len(SOURCING) >= 3


@pytest.mark.parametrize("path", SOURCING, ids=[p.stem for p in SOURCING])
def test_sourcing_sheet_is_the_cli_comparison(path: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    doc = compare_json(path)
    sc = load_scenario(path)

    def t(text: str) -> str:  # the sheet's words in the scenario's locale (zh for one)
        return phrase(text, sc.locale)

    ws = load_workbook(write_workbook(evaluate(sc), tmp_path / "m.xlsx"))[t("Sourcing")]
    assert ws.cell(1, 1).value == t("Sourcing options: values, not formulas")
    assert "ccecon compare" in str(ws.cell(2, 1).value)
    heads, rows = table(ws, 4)
    assert [r[heads.index(t("option"))] for r in rows] == doc["ranking"]
    assert [r[0] for r in rows] == list(range(1, len(doc["ranking"]) + 1))
    for row in rows:
        o = doc["options"][row[heads.index(t("option"))]]
        assert row[heads.index(t("kind"))] == t(o["kind"])
        for head, key in (
            ("present value of cost", "pv_cost"),
            ("total cost of ownership (TCO)", "tco"),
            ("cost per contact", "cost_per_contact"),
            ("cost per inbound call", "cost_per_inbound_call"),
            ("paid FTE, month 1", "paid_fte_month_1"),
        ):
            assert row[heads.index(t(head))] == pytest.approx(o[key], rel=REL), (head, row[1])
        for name, v in o["components_tco"].items():
            head = t("TCO: {name}").format(name=t(name))
            assert row[heads.index(head)] == pytest.approx(v, rel=REL, abs=1e-6)
        # the components add up to the TCO (the document's own arithmetic, checked here)
        parts = [row[i] for i, h in enumerate(heads) if h.startswith(t("TCO: {name}")[:4])]
        assert sum(parts) == pytest.approx(row[heads.index(t("total cost of ownership (TCO)"))])
        for i in range(3, len(heads)):  # money and FTE cells are values with a format
            cell = ws.cell(4 + rows.index(row) + 1, i + 1)
            assert not str(cell.value).startswith("=") and cell.number_format != "General"
    moves = doc.get("moves") or {}
    text = [str(c.value) for line in ws.iter_rows() for c in line if c.value is not None]
    if not moves:
        assert not any(x.startswith("Moving from") for x in text)
        return
    start = next(c.row for line in ws.iter_rows() for c in line if c.value == t("move to"))
    mheads, mrows = table(ws, start, first_col=2)
    assert {r[0] for r in mrows} == set(moves)
    for r in mrows:
        m = moves[r[0]]
        assert r[mheads.index(t("NPV"))] == pytest.approx(m["npv"], rel=REL)
        got = r[mheads.index(t("cost of the change"))]
        assert got == pytest.approx(m["cost_of_change"], rel=REL)
        assert r[mheads.index(t("cost savings"))] == pytest.approx(m["cost_savings"], rel=REL)
        assert r[mheads.index(t("ROI"))] == pytest.approx(m["roi_pct"] / 100, rel=REL)


def test_no_sourcing_sheet_without_options(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    sc = load_scenario(EXAMPLES / "usd-onprem-to-cloud.yaml")
    assert sc.sourcing is None
    wb = load_workbook(write_workbook(evaluate(sc), tmp_path / "m.xlsx"))
    assert "Sourcing" not in wb.sheetnames
