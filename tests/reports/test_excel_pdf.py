"""The Excel workbook recalculated by an independent engine, and the PDF's pages."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ccecon.engine import evaluate
from ccecon.reports import write_report
from ccecon.reports.excel import write_workbook
from ccecon.scenario.load import load_scenario
from tests.reports.test_html_report import SCENARIOS

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _recalculate(path: Path) -> dict[str, Any]:
    """Recalculate every formula with the `formulas` package (not Excel, not openpyxl)."""
    import formulas

    model = formulas.ExcelModel().loads(str(path)).finish()
    sol = model.calculate()
    out: dict[str, object] = {}
    book = f"[{path.name}]RESULTS".upper()
    names = {
        2: "total_cost",
        3: "total_benefit",
        4: "net",
        5: "roi_pct",
        6: "npv",
        8: "irr_annual_pct",
        10: "payback_months",
        12: "cost_savings",
    }
    for key, cell in sol.items():
        k = key.upper().replace("'", "")
        if not k.startswith(book + "!B"):
            continue
        row = int(k.split("!B")[1])
        if row in names:
            out[names[row]] = np.asarray(cell.value).ravel()[0]
    return out


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_workbook_formulas_reproduce_ccecon(path: Path, tmp_path: Path) -> None:
    result = evaluate(load_scenario(path))
    xlsx = write_workbook(result, tmp_path / "r.xlsx")
    got = _recalculate(xlsx)
    want = result.summary()
    for key in (
        "total_cost",
        "total_benefit",
        "net",
        "npv",
        "roi_pct",
        "irr_annual_pct",
        "payback_months",
        "cost_savings",
    ):
        w = want[key]
        g = got[key]
        if w is None or (isinstance(w, float) and not np.isfinite(w)):
            assert isinstance(g, str) or not np.isfinite(float(g)), (key, g)
            continue
        assert float(g) == pytest.approx(float(w), rel=1e-9, abs=1e-9), key


def test_changing_an_input_in_the_workbook_changes_npv(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    result = evaluate(load_scenario(EXAMPLES / "usd-onprem-to-cloud.yaml"))
    xlsx = write_workbook(result, tmp_path / "r.xlsx")
    before = _recalculate(xlsx)["npv"]
    wb = load_workbook(xlsx)
    wb["Inputs"]["B3"] = 0.25
    wb.save(xlsx)
    after = _recalculate(xlsx)["npv"]
    assert float(after) < float(before)


@pytest.mark.browser
def test_pdf_pages_are_not_blank(tmp_path: Path) -> None:
    path = EXAMPLES / "cny-inhouse-build.yaml"
    scenario = load_scenario(path)
    paths = write_report(scenario, evaluate(scenario), tmp_path, pdf=True, source_path=path)
    assert paths.pdf is not None and paths.pdf.read_bytes()[:5] == b"%PDF-"
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(paths.pdf), str(tmp_path / "page")],
        check=True,
        timeout=120,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2
    from PIL import Image

    for page in pages:
        pixels = np.asarray(Image.open(page).convert("L"), dtype=float)
        # a blank page is one flat colour; a page with text and charts varies. The last
        # page may hold only a line or two (at 40 dpi a line of text is ~200 dark pixels)
        assert pixels.std() > 5, page.name
        assert int((pixels < 128).sum()) > 100, page.name
    first = np.asarray(Image.open(pages[0]).convert("L"), dtype=float)
    assert (first < 128).mean() > 0.002  # the summary page is full


def test_workbook_with_a_thousand_lines_sharing_a_name(tmp_path: Path) -> None:
    """1,000 cost lines named alike (issue 22: ``Invalid column index 37007``, exit 1): one
    row in Lines whose months are the lines summed; by hand, 1,000 x 10 a month over the
    horizon's months 1..12 = 120,000 (``monthly`` pays from month 1, as the single-line
    scenario of the same file shows)."""
    from openpyxl import load_workbook
    from typer.testing import CliRunner

    from ccecon.cli.app import app

    line = {"name": "Same", "family": "operating", "category": "x", "amount": 10}
    doc = {
        "name": "many lines",
        "currency": "USD",
        "start": "2027-01",
        "horizon_months": 12,
        "discount_rate": 0.1,
        "proposal": {"cost_lines": [dict(line, timing="monthly") for _ in range(1000)]},
    }
    import yaml

    path = tmp_path / "many.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    out = CliRunner().invoke(app, ["report", str(path), "--xlsx", "--no-html", "-o", str(tmp_path)])
    assert out.exit_code == 0, out.output
    ws = load_workbook(tmp_path / "report.xlsx")["Lines"]
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[1] == "Same"]
    assert len(rows) == 1
    assert ws.max_column == 7 + 13  # case..total, then months 0..12
    assert sum(rows[0][7:]) == pytest.approx(120_000)
    assert _recalculate(tmp_path / "report.xlsx")["total_cost"] == pytest.approx(120_000)


FILL = 0.6
"""Every PDF page but the last has content down to at least this share of its height."""


@pytest.mark.browser
@pytest.mark.parametrize(
    ("name", "paper", "size"),
    [
        ("usd-onprem-to-cloud.yaml", None, "(letter)"),  # USD: US Letter by default
        ("cny-inhouse-build.yaml", None, "(A4)"),  # CNY: A4 (pdfinfo names the size)
        ("cny-inhouse-build.yaml", "letter", "(letter)"),  # the option wins
    ],
)
def test_pdf_paper_and_no_half_empty_pages(
    name: str, paper: str | None, size: str, tmp_path: Path
) -> None:
    from PIL import Image

    path = EXAMPLES / name
    scenario = load_scenario(path)
    paths = write_report(
        scenario, evaluate(scenario), tmp_path, pdf=True, source_path=path, paper=paper
    )
    assert paths.pdf is not None
    info = subprocess.run(
        ["pdfinfo", str(paths.pdf)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    page_size = next(line for line in info.splitlines() if line.startswith("Page size"))
    assert size in page_size, page_size
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", str(paths.pdf), str(tmp_path / "p")],
        check=True,
        timeout=120,
    )
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) >= 2
    for page in pages[:-1]:
        pixels = np.asarray(Image.open(page).convert("L"))
        inked = np.nonzero((pixels < 245).any(axis=1))[0]
        assert inked.size and inked.max() / pixels.shape[0] >= FILL, page.name
