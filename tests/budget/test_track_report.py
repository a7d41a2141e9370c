"""The budget-tracking report: the variance bridge by hand, and the HTML in a real browser
(chromium), offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ccecon.cli.app import app
from ccecon.reports.budget import bridge
from tests.budget.test_track import case, run_track

__all__ = ["case"]  # the fixture, shared with the worked example
runner = CliRunner()


def test_the_bridge_by_hand(case: tuple[Path, Path]) -> None:
    """The worked example of test_track: January's personnel split (12,000, 5,500,
    -5,500) and telecom split (200, 220, 110), February's all zero; technology +400 and
    outsourcing +510 are their own steps: 260,000 + 12,200 + 5,720 - 5,390 + 400 + 510 =
    273,440, the actual to date."""
    doc = run_track(*case)
    steps = bridge(doc)
    assert steps == [
        ("Budget to date", 260_000, "absolute"),
        ("Volume (contacts)", 12_200, "relative"),
        ("Efficiency (time per contact)", 5_720, "relative"),
        ("Rate (price per hour or minute)", -5_390, "relative"),
        ("Technology", 400, "relative"),
        ("Outsourcing", 510, "relative"),
        ("Actual to date", 273_440, "total"),
    ]
    assert round(sum(s[1] for s in steps[:-1]) * 100) == round(steps[-1][1] * 100)
    assert bridge(doc, "zh")[0][0] == "累计预算"


def test_the_report_renders_offline_in_chromium(case: tuple[Path, Path], tmp_path: Path) -> None:
    from tests.browser import browser, open_page, wait_until

    out = tmp_path / "track.html"
    r = runner.invoke(
        app, ["budget", "track", str(case[0]), "--from", str(case[1]), "--report", str(out)]
    )
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert "273,440" in text  # the actual to date, in the elements table
    with browser() as b, open_page(b, out.as_uri()) as (page, log):
        wait_until(page, "document.querySelectorAll('#fig-bridge g.point').length > 0")
        wait_until(page, "document.querySelectorAll('#fig-months .main-svg').length > 0")
        bars = page.evaluate("document.querySelectorAll('#fig-bridge g.point').length")
        assert bars == 7  # budget, volume, efficiency, rate, technology, outsourcing, actual
    assert log.console_errors == []
    assert all(u.startswith("file://") for u in log.requests), log.requests


def test_the_report_in_chinese(case: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "zh.html"
    args = ["budget", "track", str(case[0]), "--from", str(case[1]), "--locale", "zh"]
    r = runner.invoke(app, [*args, "--report", str(out), "-f", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["fiscal_year"] == 2027  # the JSON is unchanged by --report
    text = out.read_text(encoding="utf-8")
    assert 'lang="zh"' in text and "差异桥" in text and "发票审核" in text


@pytest.mark.parametrize("bad", ["/nonexistent-folder/track.html"])
def test_a_report_that_cannot_be_written_exits_2(case: tuple[Path, Path], bad: str) -> None:
    r = runner.invoke(
        app, ["budget", "track", str(case[0]), "--from", str(case[1]), "--report", bad]
    )
    assert r.exit_code == 2 and "Traceback" not in r.output
