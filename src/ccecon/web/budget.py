"""The budget page: budget vs actual from an uploaded budget and the year's records.

Why uploads and not a store on the server: the app serves a team, each user seeing only
their workspaces' scenarios; a path to a DuckDB file on the server's disk would let any
signed-in user read any store the server process can open (another team's records, or
any file by trying paths), outside the workspace walls. So the page takes what the user
has: the budget (``budget.json`` from ``ccecon budget plan --out``), the records as CSV
files of the tables ``ccecon ingest`` reads (contacts, and optionally payroll, invoices,
agent states, cost rates) and optionally a forecast file. They are ingested, with the
CLI's checks and quarantine, into a store in a temporary folder that is deleted when the
answer is made; nothing is stored, nothing is kept between requests, no file name the
browser sends is used as a path. A request body over :data:`MAX_UPLOAD_MB` is refused
before it is read (413), and a body without a length is refused (411).

``GET /budget`` is the form; ``POST /ui/budget`` (HTMX) answers the tracking as a
fragment: the variance bridge, budget vs actual by month, the forecast with its
intervals, the elements, the split and the invoice audit; ``POST /ui/budget/report``
answers the same tracking as a download, the workbook (``format=xlsx``) or the PDF
(``format=pdf``): the form keeps its chosen files, so no upload is stored for the
download either.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from ccecon.errors import CCEconError
from ccecon.web.pages import _plot_text, _plotly_style_ids
from ccecon.web.site import Csrf, PageUser, lang_of, render

MAX_UPLOAD_MB = 50
"""The largest request body the page takes, MB (every file together)."""
TABLES = ("interactions", "payroll", "invoices", "agent_states", "cost_rates")
"""The records' files the form takes, in its order; ``interactions`` is required."""


async def body_within_limit(request: Request) -> None:
    """Refuse a body over :data:`MAX_UPLOAD_MB` by its declared length, before anything
    reads it (the CSRF check of a plain form post would), and a body without a length:
    413 and 411; an HTMX request over the limit is marked instead (``too_large``), for
    its page to say so in place (its CSRF token is a header: nothing reads the body)."""
    length = request.headers.get("content-length")
    if length is None or not length.isdigit():
        raise HTTPException(411, "a length is required")
    too_large = int(length) > MAX_UPLOAD_MB * 2**20
    if too_large and not request.headers.get("hx-request"):
        raise HTTPException(413, f"the files are larger than {MAX_UPLOAD_MB} MB")
    request.state.too_large = too_large


def track_uploads(
    files: dict[str, tuple[str, bytes]], threshold: str, loc: str
) -> tuple[dict[str, Any], list[str]]:
    """The tracking document of uploaded files, and notes for the user.

    ``files``: form field -> (the name the browser gave, content), fields ``budget``,
    ``forecast`` and :data:`TABLES`. Everything is written under a temporary folder with
    names of ours and deleted on return. Errors are :class:`ccecon.errors.CCEconError`
    whose messages name the user's file (by its field's name) instead of the folder.
    """
    from ccecon.budget.forecast import read_fragment
    from ccecon.budget.track import load_budget, read_actuals, track
    from ccecon.data.ingest import ingest
    from ccecon.errors import CCEconError
    from ccecon.units import SHARE, parse_ratio

    share = parse_ratio(threshold or "5%", SHARE, "threshold")
    with tempfile.TemporaryDirectory(prefix="ccecon-budget-") as tmp:
        root = Path(tmp)
        records = root / "records"
        records.mkdir()
        try:
            budget_path = root / "budget.json"
            budget_path.write_bytes(files["budget"][1])
            paths = []
            for table in TABLES:
                if table in files:
                    p = records / f"{table}.csv"
                    p.write_bytes(files[table][1])
                    paths.append(p)
            store = root / "actuals.duckdb"
            report = ingest(paths, store)
            b = load_budget(budget_path)
            section = None
            if "forecast" in files:
                fc = root / "forecast.yaml"
                fc.write_bytes(files["forecast"][1])
                section = read_fragment(fc)
            doc = track(b, read_actuals(store, b), share, None, section).to_dict()
        except CCEconError as exc:
            raise CCEconError(_scrub(str(exc), root)) from None
        doc = json.loads(_scrub(json.dumps(doc), root))
    doc["budget_file"] = files["budget"][0]
    doc["store"] = ", ".join(files[t][0] for t in TABLES if t in files)
    notes = []
    if report.quarantined:
        from ccecon.web.i18n import TEXTS

        notes.append(TEXTS[loc]["quarantined"].format(n=f"{report.quarantined:,}"))
    return doc, notes


def _scrub(text: str, root: Path) -> str:
    """``text`` without the temporary folder: ``records/payroll.csv`` reads ``payroll.csv``."""
    for prefix in (f"{root}/records/", f"{root}/", str(root)):
        text = text.replace(prefix, "")
    return text


async def _files(request: Request, loc: str) -> tuple[dict[str, tuple[str, bytes]], str]:
    from starlette.datastructures import UploadFile

    from ccecon.errors import InputError
    from ccecon.web.i18n import TEXTS

    form = await request.form(max_files=len(TABLES) + 2, max_fields=10)
    files: dict[str, tuple[str, bytes]] = {}
    try:
        for name in ("budget", "forecast", *TABLES):
            v = form.get(name)
            if isinstance(v, UploadFile) and v.filename:
                data = await v.read()
                if data:
                    files[name] = (str(v.filename)[:200], data)
    finally:
        # the uploads' spooled temporary files, closed now they are read (Starlette leaves
        # a form read in the handler to the garbage collector: a ResourceWarning)
        await form.close()
    t = TEXTS[loc]
    for name, what in (("budget", t["budget_file"]), ("interactions", t["records_interactions"])):
        if name not in files:
            raise InputError(t["missing_file"].format(what=what), field=name)
    threshold = form.get("threshold")
    return files, threshold if isinstance(threshold, str) else "5%"


def _figure(fig: Any) -> str:
    return json.dumps(_plot_text(json.loads(fig.to_json())), ensure_ascii=False)


router = APIRouter()
"""``GET /budget``, ``POST /ui/budget`` and ``POST /ui/budget/report`` (included by
:func:`ccecon.web.app.create_app`)."""
LIMIT = Depends(body_within_limit)


@router.get("/budget", response_class=HTMLResponse, include_in_schema=False)
def budget_page(request: Request, user: PageUser) -> HTMLResponse:
    return render(
        request,
        "budget.html.j2",
        user,
        tables=TABLES,
        max_mb=MAX_UPLOAD_MB,
        plotly_style_ids=_plotly_style_ids(),
    )


@router.post("/ui/budget", response_class=HTMLResponse, include_in_schema=False)
async def ui_budget(
    request: Request, user: PageUser, _limit: None = LIMIT, _: None = Csrf
) -> HTMLResponse:
    from ccecon.reports.budget import (
        bridge_figure,
        forecast_figure,
        forecast_rows,
        monthly_figure,
    )
    from ccecon.web.i18n import TEXTS

    loc = lang_of(request)
    if request.state.too_large:
        error = TEXTS[loc]["too_large"].format(mb=MAX_UPLOAD_MB)
        return render(request, "_budget_result.html.j2", user, doc=None, error=error)
    try:
        files, threshold = await _files(request, loc)
        doc, notes = await run_in_threadpool(track_uploads, files, threshold, loc)
    except CCEconError as exc:
        return render(request, "_budget_result.html.j2", user, doc=None, error=str(exc))
    figures = {
        "bridge": _figure(bridge_figure(doc, loc)),
        "months": _figure(monthly_figure(doc, loc)),
    }
    forecast = None
    if doc.get("forecast"):
        figures["forecast"] = _figure(forecast_figure(doc, loc))
        forecast = forecast_rows(doc, loc)
    return render(
        request,
        "_budget_result.html.j2",
        user,
        doc=doc,
        error=None,
        notes=notes,
        figures=figures,
        forecast=forecast,
        loc=loc,
        lab=_labeller(loc),
    )


@router.post("/ui/budget/report", include_in_schema=False)
async def ui_budget_report(
    request: Request, user: PageUser, _limit: None = LIMIT, _: None = Csrf
) -> Response:
    from ccecon.reports.budget import write_track_report

    loc = lang_of(request)
    form = await request.form(max_files=len(TABLES) + 2, max_fields=10)
    fmt = form.get("format")
    if fmt not in ("xlsx", "pdf"):
        await form.close()  # the uploads' temporary files, not left to the collector
        raise HTTPException(404, "not found")
    try:
        files, threshold = await _files(request, loc)
        doc, _notes = await run_in_threadpool(track_uploads, files, threshold, loc)
    except CCEconError as exc:
        return render(request, "_budget_result.html.j2", user, doc=None, error=str(exc))

    def write() -> bytes:
        with tempfile.TemporaryDirectory(prefix="ccecon-budget-report-") as tmp:
            path = Path(tmp) / f"track.{fmt}"
            write_track_report(doc, path, loc)
            return path.read_bytes()

    data = await run_in_threadpool(write)
    media = (
        "application/pdf"
        if fmt == "pdf"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"budget-{doc['fiscal_year']}-to-{doc['actual_months'][-1]}.{fmt}"
    return Response(
        data,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _labeller(loc: str) -> Any:
    from ccecon.labels import label

    def lab(key: str) -> str:
        return label(key, loc)

    return lab
