"""The budget-tracking report's forecast chart, its workbook and its PDF.

The store and the budget are the worked example of ``test_track`` (January 2027: 44,000
contacts; February: 40,000; one queue, ``service``). The forecast is written here by hand:
the ``service`` queue's months with their 80 % interval. The workbook is recalculated by
LibreOffice (an independent spreadsheet engine, ``tests/reports/libreoffice.py``) and its
figures compared with the CLI's JSON and with the worked example's hand arithmetic.
"""

from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from ccecon.cli.app import app
from tests.budget.test_plan import doc as scenario_doc
from tests.budget.test_track import BUDGET, case, run_track

__all__ = ["case"]
runner = CliRunner()

# the service queue's forecast: January's interval misses its 44,000 actual, February's
# holds its 40,000, March and April are after the records
FORECAST = {
    "target": "contacts",
    "level": 80,
    "grain": "month",
    "by": ["queue"],
    "store": "history.duckdb",
    "series": [
        {
            "series": "service",
            "model": "AutoETS",
            "months": [
                {"month": "2027-01", "mean": 41_000, "lo": 39_000, "hi": 43_000},
                {"month": "2027-02", "mean": 40_500, "lo": 38_000, "hi": 43_000},
                {"month": "2027-03", "mean": 41_000, "lo": 37_500, "hi": 44_500},
                {"month": "2027-04", "mean": 41_500, "lo": 37_000, "hi": 46_000},
            ],
        }
    ],
}


def _fragment(tmp: Path, section: Any = FORECAST) -> Path:
    path = tmp / "forecast.yaml"
    channel = {"name": "service", "kind": "voice_inbound", "per_month": 40_000, "aht_s": 300}
    path.write_text(
        yaml.safe_dump({"channels": [channel], "forecast": section}, sort_keys=False),
        encoding="utf-8",
    )
    return path


# ------------------------------------------------------------------------------ forecast
def test_forecast_beside_the_actuals(case: tuple[Path, Path], tmp_path: Path) -> None:
    """Given the forecast file, each forecast month gets the store's actual (January
    44,000 and February 40,000 offered contacts of the queue; none for March and April):
    2 months with an actual, 1 inside its interval (44,000 > 43,000; 38,000 <= 40,000 <=
    43,000). A budget that carries the section (as `budget plan --forecast` writes it)
    gives the same without the option."""
    doc = run_track(*case, "--forecast", str(_fragment(tmp_path)))
    s = doc["forecast"]["series"][0]
    assert [m["actual"] for m in s["months"]] == [44_000, 40_000, None, None]
    assert (s["months_with_actual"], s["inside_interval"]) == (2, 1)
    assert s["history"] == []  # the records begin with the forecast
    assert doc["forecast"]["level"] == 80
    with_section = tmp_path / "with.json"
    with_section.write_text(json.dumps({**BUDGET, "forecast": FORECAST}), encoding="utf-8")
    assert run_track(with_section, case[1])["forecast"] == doc["forecast"]
    assert "forecast" not in run_track(*case)  # no forecast, no section


def test_plan_with_a_forecast_keeps_its_months(tmp_path: Path) -> None:
    sc = tmp_path / "s.yaml"
    sc.write_text(yaml.safe_dump(scenario_doc()), encoding="utf-8")
    out = tmp_path / "budget.json"
    args = ["budget", "plan", str(sc), "--year", "2027", "--forecast", str(_fragment(tmp_path))]
    r = runner.invoke(app, [*args, "--out", str(out)])
    assert r.exit_code == 0, r.output
    kept = json.loads(out.read_text(encoding="utf-8"))["forecast"]
    assert kept["series"][0]["months"][1] == {
        "month": "2027-02",
        "mean": 40_500,
        "lo": 38_000,
        "hi": 43_000,
    }


def test_monthly_bands_of_a_weekly_forecast() -> None:
    """Two weeks starting in March, mean 100 each, upper bound 100 + z x 10 (sd 10 each):
    the month is 200 with half-width z x sqrt(10^2 + 10^2) = 14.142 z; a week starting in
    April is April's alone. z is the normal's 90 % quantile, 1.2815515655."""
    from ccecon.forecast.fragment import monthly_bands
    from ccecon.forecast.models import SeriesForecast

    z = 1.2815515655446004  # scipy.stats.norm.ppf(0.9)
    fc = SeriesForecast(
        unique_id="q",
        target="contacts",
        model="AutoETS",
        fallback=None,
        backtest={},
        ds=["2027-03-08", "2027-03-29", "2027-04-05"],
        mean=[100.0, 100.0, 50.0],
        lo=[100 - 10 * z, 100 - 10 * z, 0.0],  # the last one cut at 0
        hi=[100 + 10 * z, 100 + 10 * z, 50 + 60 * z],
        level=80,
    )
    (band,) = monthly_bands([fc], "week")
    march, april = band["months"]
    assert march["mean"] == 200
    assert march["hi"] == pytest.approx(200 + z * math.sqrt(200), abs=0.05)
    assert march["lo"] == pytest.approx(200 - z * math.sqrt(200), abs=0.05)
    assert april == {
        "month": "2027-04",
        "mean": 50,
        "lo": 0,
        "hi": pytest.approx(50 + 60 * z, abs=0.05),
    }


@pytest.mark.parametrize(
    ("section", "field", "value"),
    [
        ({**FORECAST, "level": 180}, "forecast.level", "180"),
        (
            {
                **FORECAST,
                "series": [
                    {
                        "series": "service",
                        "months": [{"month": "2027-13", "mean": 1, "lo": 0, "hi": 2}],
                    }
                ],
            },
            "forecast.series[0].months[0].month",
            "2027-13",
        ),
        (
            {
                **FORECAST,
                "series": [
                    {
                        "series": "service",
                        "months": [{"month": "2027-01", "mean": 1, "lo": 3, "hi": 2}],
                    }
                ],
            },
            "forecast.series[0].months[0]",
            "lo 3",
        ),
        (
            {
                **FORECAST,
                "series": [
                    {
                        "series": "service",
                        "months": [{"month": "2027-01", "mean": -1, "lo": 0, "hi": 2}],
                    }
                ],
            },
            "forecast.series[0].months[0].mean",
            "-1",
        ),
    ],
)
def test_a_bad_forecast_exits_2(
    case: tuple[Path, Path], tmp_path: Path, section: Any, field: str, value: str
) -> None:
    path = _fragment(tmp_path, section)
    r = runner.invoke(
        app, ["budget", "track", str(case[0]), "--from", str(case[1]), "--forecast", str(path)]
    )
    assert r.exit_code == 2, r.output
    assert "forecast.yaml" in r.stderr and field in r.stderr and value in r.stderr
    assert "Traceback" not in r.output


def test_a_forecast_file_without_its_months_exits_2(
    case: tuple[Path, Path], tmp_path: Path
) -> None:
    path = tmp_path / "old.yaml"
    path.write_text("channels: []\n", encoding="utf-8")
    r = runner.invoke(
        app, ["budget", "track", str(case[0]), "--from", str(case[1]), "--forecast", str(path)]
    )
    assert r.exit_code == 2 and "old.yaml" in r.stderr and "forecast" in r.stderr


@pytest.mark.browser
def test_the_forecast_chart_in_chromium(case: tuple[Path, Path], tmp_path: Path) -> None:
    """The chart: the interval band, the mean and the actuals of the one series."""
    from tests.browser import browser, open_page, wait_until

    out = tmp_path / "track.html"
    args = ["budget", "track", str(case[0]), "--from", str(case[1])]
    r = runner.invoke(app, [*args, "--forecast", str(_fragment(tmp_path)), "--report", str(out)])
    assert r.exit_code == 0, r.output
    with browser() as b, open_page(b, out.as_uri()) as (page, log):
        wait_until(page, "document.querySelectorAll('#fig-forecast .main-svg').length > 0")
        legend = page.evaluate(
            "[...document.querySelectorAll('#fig-forecast .legendtext')].map(e => e.textContent)"
        )
        points = page.evaluate(
            "document.querySelectorAll('#fig-forecast .scatterlayer .trace:last-child"
            " path.point').length"
        )
    assert sorted(legend) == ["service: 80 % interval", "service: actual", "service: forecast"]
    assert points == 2  # January and February
    assert log.console_errors == []
    assert all(u.startswith("file://") for u in log.requests), log.requests
    zh = tmp_path / "zh.html"
    r = runner.invoke(
        app,
        [*args, "--forecast", str(_fragment(tmp_path)), "--locale", "zh", "--report", str(zh)],
    )
    assert r.exit_code == 0
    text = zh.read_text(encoding="utf-8")
    assert "按月联络量预测及其 80% 预测区间" in text and "落在区间内" in text


# ------------------------------------------------------------------------------ workbook
def _named(path: Path) -> dict[str, Any]:
    from tests.reports.libreoffice import named_values

    return named_values(path)


def _rows(path: Path, sheet_index: int) -> list[list[Any]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, data_only=True)
    ws = wb.worksheets[sheet_index]
    return [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]


def _close(a: Any, b: Any) -> bool:
    return bool(abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b))))


@pytest.mark.browser  # LibreOffice, a real component like chromium
def test_the_workbook_recalculates_to_the_cli(case: tuple[Path, Path], tmp_path: Path) -> None:
    """LibreOffice recalculates the workbook (en and zh) to the CLI's JSON within 1e-9:
    each element's and the total's budget and actual to date, variance, year and
    re-forecast, the reserve used and needed, every split's parts and total, every audit
    difference; the bridge ends at the actual to date, 273,440 by hand. Then an actual is
    corrected in the workbook (January's personnel 132,000 -> 120,000) and the totals
    follow: actual to date 261,440, the bridge's personnel step -12,000."""
    from openpyxl import load_workbook

    from tests.reports.libreoffice import recalculate

    base = ["budget", "track", str(case[0]), "--from", str(case[1])]
    frag = ["--forecast", str(_fragment(tmp_path))]
    doc = run_track(*case, *frag[0:2])
    en, zh = tmp_path / "track.xlsx", tmp_path / "track-zh.xlsx"
    for path, loc in ((en, "en"), (zh, "zh")):
        r = runner.invoke(app, [*base, *frag, "--locale", loc, "--report", str(path)])
        assert r.exit_code == 0, r.output
    # the edited copy: January's personnel actual, row 2 of Months
    edited = tmp_path / "edited.xlsx"
    wb = load_workbook(en)
    months = wb.worksheets[1]
    assert (months["A2"].value, months["B2"].value, months["D2"].value) == (
        "2027-01",
        "Personnel",
        132_000,
    )
    months["D2"] = 120_000
    wb.save(edited)
    # frozen headers and number formats, as written
    assert wb.worksheets[0].freeze_panes == "B2" and months.freeze_panes == "C2"
    assert months["C2"].number_format == "#,##0.00;-#,##0.00"
    assert months["F2"].number_format == "0.0%"
    out_en, out_zh, out_edit = recalculate([en, zh, edited], tmp_path / "lo")

    for path in (out_en, out_zh):
        v = _named(path)
        t = doc["total"]
        for key in (
            "budget_to_date",
            "actual_to_date",
            "variance",
            "budget_year",
            "reforecast_year",
            "reforecast_variance",
        ):
            assert _close(v[f"tot_{key}"], t[key]), (path.name, key, v[f"tot_{key}"], t[key])
        assert _close(v["reserve_used"], doc["reserve"]["used_to_date"])
        assert _close(v["reserve_needed"], doc["reserve"]["needed_for_year"])
        assert _close(v["reserve_used_share"], 1.344)  # 13,440 / 10,000
        assert _close(v["bridge_actual"], 273_440) and _close(v["bridge_budget"], 260_000)
        elements = _rows(path, 0)[: len(doc["by_element"])]
        for row, x in zip(elements, doc["by_element"], strict=True):
            assert _close(row[1], x["budget_to_date"]) and _close(row[2], x["actual_to_date"])
            assert _close(row[3], x["variance"]) and _close(row[6], x["budget_year"])
            assert _close(row[7], x["reforecast_year"])
        split = _rows(path, 3)
        assert len(split) == len(doc["variance_split"]) == 4
        for row, x in zip(split, doc["variance_split"], strict=True):
            for col, key in (
                (9, "budget"),
                (10, "actual"),
                (11, "volume"),
                (12, "efficiency"),
                (13, "rate"),
                (14, "total"),
            ):
                assert _close(row[col], x[key]), (path.name, x["month"], key, row[col], x[key])
            assert _close(row[15], row[14])  # volume + efficiency + rate = the variance
        audit = _rows(path, 4)
        for row, x in zip(audit, doc["audit"], strict=True):
            assert _close(row[8], x["difference"])
    # the worked example by hand in the recalculated sheet: January's personnel split
    jan = _rows(out_en, 3)[0]
    assert jan[:2] == ["2027-01", "Personnel"]
    assert [round(c, 2) for c in jan[11:15]] == [12_000, 5_500, -5_500, 12_000]
    assert _rows(out_en, 1)[0][6] == "over budget"  # 12,000 / 120,000 = 10 % > 5 %
    assert _rows(out_edit, 1)[0][6] in ("", None)  # corrected: no variance, no flag
    # the forecast sheet: January outside its interval, February inside
    fc = _rows(out_en, 5)
    assert [r[6] for r in fc[:2]] == ["no", "yes"]
    assert [r[6] for r in _rows(out_zh, 5)[:2]] == ["否", "是"]
    # the corrected actual flows through
    v = _named(out_edit)
    assert _close(v["tot_actual_to_date"], 261_440)
    assert _close(v["bridge_actual"], 261_440)
    assert _close(v["bridge_personnel"], -12_000)
    assert _close(v["tot_reforecast_year"], 261_440 + 10 * 130_000)


# ------------------------------------------------------------------------------ PDF
@pytest.mark.browser
def test_the_pdf_pages(case: tuple[Path, Path], tmp_path: Path) -> None:
    """USD prints on US Letter; every page holds text or a chart."""
    from PIL import Image

    out = tmp_path / "track.pdf"
    args = ["budget", "track", str(case[0]), "--from", str(case[1])]
    r = runner.invoke(app, [*args, "--forecast", str(_fragment(tmp_path)), "--report", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_bytes()[:5] == b"%PDF-"
    info = subprocess.run(
        ["pdfinfo", str(out)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert "(letter)" in next(ln for ln in info.splitlines() if ln.startswith("Page size"))
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(out), str(tmp_path / "page")], check=True, timeout=120
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2
    for page in pages:
        pixels = np.asarray(Image.open(page).convert("L"), dtype=float)
        assert pixels.std() > 5, page.name  # a blank page is one flat colour
        assert int((pixels < 128).sum()) > 100, page.name
    r = runner.invoke(app, [*args, "--paper", "a4", "--report", str(out)])
    assert r.exit_code == 0
    info = subprocess.run(
        ["pdfinfo", str(out)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert "(A4)" in info


@pytest.mark.parametrize(
    ("args", "field", "value"),
    [
        (["--report", "track.docx"], "--report", "track.docx"),
        (["--report", "/nonexistent-folder/track.xlsx"], "--report", "/nonexistent-folder"),
        (["--report", "t.pdf", "--paper", "a3"], "--paper", "a3"),
    ],
)
def test_a_bad_report_option_exits_2_before_writing(
    case: tuple[Path, Path], tmp_path: Path, args: list[str], field: str, value: str
) -> None:
    import os

    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        r = runner.invoke(app, ["budget", "track", str(case[0]), "--from", str(case[1]), *args])
    finally:
        os.chdir(old)
    assert r.exit_code == 2, r.output
    assert field in r.stderr and value in r.stderr and "Traceback" not in r.output
    assert not list(tmp_path.glob("t.*")) and not list(tmp_path.glob("track.*"))
