"""The budget page: a budget and the year's records uploaded as CSV, tracked in a
temporary store that is gone after the answer.

The records are the worked example of ``tests/budget/test_track.py`` (built there in
DuckDB), written out as the CSV files a user would have; the figures checked are that
example's hand arithmetic: actual to date 273,440 against 260,000, January's personnel
split 12,000 / 5,500 / -5,500, the variance bridge's seven steps.
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import pytest
from fastapi.testclient import TestClient

from ccecon.web.app import create_app
from ccecon.web.store import Store
from tests.budget.test_track import BUDGET, build_store
from tests.web.test_pages import log_in

TABLES = ("interactions", "payroll", "invoices", "agent_states")


@pytest.fixture(scope="module")
def uploads(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """budget.json and the worked example's tables as CSV (as a user's export)."""
    folder = tmp_path_factory.mktemp("uploads")
    store = build_store(folder / "s.duckdb")
    con = duckdb.connect(str(store))
    out = {}
    for t in TABLES:
        path = folder / f"{t}.csv"
        con.execute(
            f"COPY (SELECT * EXCLUDE (source_file, source_row) FROM {t}) TO '{path}' (HEADER)"
        )
        out[t] = path
    con.close()
    out["budget"] = folder / "budget.json"
    out["budget"].write_text(json.dumps(BUDGET), encoding="utf-8")
    return out


def _ours() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("ccecon-budget-*")}


def _files(uploads: dict[str, Path], **change: bytes) -> dict[str, Any]:
    files = {k: (p.name, p.read_bytes()) for k, p in uploads.items()}
    for k, v in change.items():
        files[k] = (f"{k}.json" if k == "budget" else f"{k}.csv", v)
    return files


@pytest.fixture
def client(sqlite_store: Store) -> Any:
    sqlite_store.add_user("ann", "password-a", "alpha")
    with TestClient(create_app(store=sqlite_store)) as c:
        yield c, log_in(c, "ann", "password-a")


def test_tracking_from_uploads_by_hand(client: Any, uploads: dict[str, Path]) -> None:
    c, csrf = client
    before = _ours()
    r = c.post("/ui/budget", data={"csrf": csrf, "threshold": "5%"}, files=_files(uploads))
    assert r.status_code == 200, r.text
    text = r.text
    assert "Budget vs actual, FY 2027, to 2027-02 (2 of 12 months), USD" in text
    assert "273,440" in text and "260,000" in text  # actual and budget to date
    assert "12,000.00" in text and "5,500.00" in text and "-5,500.00" in text  # the split
    assert 'id="fig-bridge"' in text and 'id="fig-months"' in text
    assert _ours() == before  # the temporary store and files are gone
    # the workbook, from the same form
    r = c.post("/ui/budget/report", data={"csrf": csrf, "format": "xlsx"}, files=_files(uploads))
    assert r.status_code == 200
    assert r.headers["content-disposition"] == 'attachment; filename="budget-2027-to-2027-02.xlsx"'
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[:2] == ["Elements", "Months"]
    assert wb["Months"]["D2"].value == 132_000  # January's personnel actual
    assert _ours() == before


def test_mistakes_name_the_file_and_field(client: Any, uploads: dict[str, Path]) -> None:
    c, csrf = client
    bad = dict(BUDGET, by_element={**BUDGET["by_element"], "marketing": [1.0] * 12})
    r = c.post(
        "/ui/budget",
        data={"csrf": csrf},
        files=_files(uploads, budget=json.dumps(bad).encode()),
    )
    assert r.status_code == 200 and 'id="budget-error"' in r.text
    assert "budget.json" in r.text and "by_element.marketing" in r.text
    assert "/tmp" not in r.text and "ccecon-budget-" not in r.text  # no server path
    files = _files(uploads)
    del files["interactions"]
    r = c.post("/ui/budget", data={"csrf": csrf}, files=files)
    assert "Choose a file for: Contacts (interactions CSV)" in r.text
    r = c.post("/ui/budget", data={"csrf": csrf, "threshold": "lots"}, files=_files(uploads))
    assert "threshold" in r.text and "lots" in r.text
    r = c.post("/ui/budget/report", data={"csrf": csrf, "format": "docx"}, files=_files(uploads))
    assert r.status_code == 404


def test_walls_csrf_login_and_size(
    client: Any, uploads: dict[str, Path], sqlite_store: Store
) -> None:
    c, csrf = client
    r = c.post("/ui/budget", data={"csrf": "wrong"}, files=_files(uploads))
    assert r.status_code == 403
    r = c.post(
        "/ui/budget",
        data={"csrf": csrf},
        files={"budget": ("b.json", b"x" * (50 * 2**20 + 1))},
    )
    assert r.status_code == 413
    big = {"budget": ("b.json", b"x" * (50 * 2**20 + 1))}
    r = c.post("/ui/budget", headers={"HX-Request": "true", "X-CSRF-Token": csrf}, files=big)
    assert r.status_code == 200 and "larger than the 50 MB" in r.text  # said in place
    with TestClient(create_app(store=sqlite_store)) as stranger:
        r = stranger.get("/budget", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login"
        r = stranger.post("/ui/budget", files=_files(uploads), follow_redirects=False)
        assert r.status_code in (303, 403)


@pytest.mark.browser
def test_the_budget_page_in_chromium(
    sqlite_store: Store, uploads: dict[str, Path], tmp_path: Path
) -> None:
    """Sign in, choose the files, press Track: the bridge's seven bars are drawn by the
    served plotly.js under the page's policy; the workbook downloads from the same form."""
    from tests.browser import browser, open_page, wait_until
    from tests.web.conftest import Server
    from tests.web.test_browser import _sign_in

    sqlite_store.add_user("ann", "password-a", "alpha")
    with (
        Server(sqlite_store) as srv,
        browser() as b,
        open_page(b, srv.url + "/login") as (
            page,
            log,
        ),
    ):
        _sign_in(page, srv.url)
        page.click("a[href='/budget']")
        page.wait_for_selector("#b-budget")
        from tests.browser import unlabelled_controls

        assert unlabelled_controls(page) == []  # every control has an accessible name
        page.set_input_files("#b-budget", str(uploads["budget"]))
        for t in TABLES:
            page.set_input_files(f"#b-{t}", str(uploads[t]))
        page.click("#b-track")
        page.wait_for_selector("#budget-elements", timeout=60_000)
        wait_until(page, "document.querySelectorAll('#fig-bridge g.point').length > 0")
        assert page.evaluate("document.querySelectorAll('#fig-bridge g.point').length") == 7
        assert "273,440" in page.inner_text("#budget-elements")
        with page.expect_download(timeout=60_000) as dl:
            page.click("#b-xlsx")
        path = tmp_path / "dl.xlsx"
        dl.value.save_as(path)
        assert path.read_bytes()[:2] == b"PK"  # a zip: the workbook
        page.goto(srv.url + "/budget?lang=zh")
        assert "预算与实际" in page.inner_text("h1")
    assert [e for e in log.console_errors if "404" not in e] == []
    assert all(u.startswith(srv.url) for u in log.requests), log.requests


def test_hostile_names_are_shown_as_text(client: Any, uploads: dict[str, Path]) -> None:
    """A vendor named like markup in the invoices and a forecast series named like markup
    reach the tables and the chart data as text, never as markup; the forecast's table
    counts January (44,000, above 43,000) and February (40,000, inside) by hand."""
    import yaml

    from tests.budget.test_track_outputs import FORECAST

    c, csrf = client
    evil = "<img src=x onerror=alert(1)>"
    invoices = uploads["invoices"].read_text(encoding="utf-8").replace("CRM", evil)
    section = json.loads(json.dumps(FORECAST))
    section["series"].append({**section["series"][0], "series": evil})  # a second series
    files = _files(uploads, invoices=invoices.encode())
    files["forecast"] = ("forecast.yaml", yaml.safe_dump({"forecast": section}).encode())
    r = c.post("/ui/budget", data={"csrf": csrf}, files=files)
    assert r.status_code == 200, r.text
    assert evil not in r.text and "&lt;img src=x" in r.text
    assert 'id="fig-forecast"' in r.text and 'id="budget-forecast"' in r.text
    row = r.text.split('id="budget-forecast"', 1)[1].split("</table>", 1)[0]
    assert '<td class="num">2</td><td class="num">1</td>' in row.replace("\n", "")


def test_an_unreadable_upload_is_explained_without_flags(
    client: Any, uploads: dict[str, Path]
) -> None:
    """A contacts file of no known format: the page says so in words (no ``--format``,
    ``--mapping``: options of the command line a browser user has not got)."""
    c, csrf = client
    files = _files(uploads, interactions=b"foo,bar\n1,2\n")
    r = c.post("/ui/budget", data={"csrf": csrf}, files=files)
    assert r.status_code == 200 and 'id="budget-error"' in r.text
    assert "interactions.csv" in r.text and "cannot tell the format" in r.text
    assert "--" not in r.text.split('id="budget-error"', 1)[1].split("</", 1)[0]
