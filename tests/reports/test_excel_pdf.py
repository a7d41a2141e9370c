"""The PDF's pages (the workbook: test_workbook.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from ccecon.engine import evaluate
from ccecon.reports import write_report
from ccecon.scenario.load import load_scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


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
