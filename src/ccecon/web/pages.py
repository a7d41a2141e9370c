"""The server-rendered pages (``GET``): the scenario list, the new-scenario choice, the
quick form, the editor, results with charts, version diffs, side-by-side comparison, the
account, targets and staffing pages, report downloads, and the static files.

A page needs a signed-in session (else a redirect to ``/login``); what the pages post is
handled in :mod:`ccecon.web.forms`.
"""

from __future__ import annotations

import collections
import functools
import html
import json
import re
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from ccecon.web import service
from ccecon.web.i18n import TEXTS
from ccecon.web.site import (
    HERE,
    STAFF_FORM_DEFAULTS,
    Id,
    PageUser,
    StoreDep,
    Ver,
    VerReq,
    download_disposition,
    editor,
    lang_of,
    quick_page,
    render,
    small_int,
)
from ccecon.web.store import NotFound

STATIC_FILES = {
    "htmx.min.js": "text/javascript",
    "plotly.css": "text/css",
    "charts.js": "text/javascript",
    "app.css": "text/css",
}
"""The files served from ``static/`` (a fixed list: no path from the request reaches the
file system)."""

router = APIRouter()


@router.get("/static/{name}", include_in_schema=False)
def _static(name: str) -> Response:
    if name == "plotly.min.js":
        from plotly.offline import get_plotlyjs

        return Response(
            get_plotlyjs(),
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )
    if name not in STATIC_FILES:
        raise NotFound("no such file")
    return Response(
        (HERE / "static" / name).read_bytes(),
        media_type=STATIC_FILES[name],
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/favicon.ico", include_in_schema=False)
def _favicon() -> Response:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
        '<rect width="16" height="16" rx="3" fill="#30638e"/></svg>'
    )
    return Response(svg, media_type="image/svg+xml")


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(st: StoreDep, request: Request) -> HTMLResponse:
    return render(request, "login.html.j2", None, error=None, no_users=st.user_count() == 0)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(st: StoreDep, request: Request, user: PageUser) -> HTMLResponse:
    return render(request, "list.html.j2", user, scenarios=st.list_scenarios(user))


@router.get("/scenarios/new", response_class=HTMLResponse, include_in_schema=False)
def new_page(request: Request, user: PageUser, template: str | None = None) -> HTMLResponse:
    """The choice of a start (the quick form, or a bundled example as a template);
    with ``?template=KEY`` the editor on that example's text."""
    from ccecon.web import quick

    if template is None:
        cards = quick.templates(lang_of(request))
        return render(request, "new.html.j2", user, cards=cards)
    text = quick.template_text(template)
    if text is None:
        raise NotFound("no such template")
    return editor(request, user, sid=None, text=text, error=None)


@router.get("/scenarios/quick", response_class=HTMLResponse, include_in_schema=False)
def quick_form(request: Request, user: PageUser) -> HTMLResponse:
    from ccecon.web import quick

    return quick_page(request, user, collections.defaultdict(str, quick.defaults()), [])


@router.get("/scenarios/{sid}", response_class=HTMLResponse, include_in_schema=False)
def edit_page(st: StoreDep, request: Request, sid: Id, user: PageUser) -> HTMLResponse:
    v = st.version(user, sid)
    return editor(
        request,
        user,
        sid=sid,
        text=v.text,
        error=None,
        info=st.info(user, sid),
        versions=st.versions(user, sid),
    )


@router.get("/scenarios/{sid}/results", response_class=HTMLResponse, include_in_schema=False)
def results_page(
    st: StoreDep, request: Request, sid: Id, user: PageUser, version: Ver = None
) -> HTMLResponse:
    from ccecon.engine import evaluate
    from ccecon.reports.charts import business_case_figures
    from ccecon.sourcing.compare import sourcing_only

    v = st.version(user, sid, version)
    sc = service.parse(v.text)
    result = evaluate(sc)
    body = service.cached_evaluation(v.text)
    if body is None:  # the document of the result just computed, kept for the API
        body = service.encode(result.to_dict())
        service.remember_evaluation(v.text, body)
    doc = json.loads(body)
    lang = lang_of(request)
    # the charts speak the page's language (the scenario's locale names its reports)
    shown_result = result if sc.locale == lang else evaluate(sc.model_copy(update={"locale": lang}))
    charts = [
        (cid, _script_json(fig.to_json())) for cid, fig in business_case_figures(shown_result)
    ]
    return render(
        request,
        "results.html.j2",
        user,
        info=st.info(user, sid),
        version=v,
        doc=doc,
        charts=charts,
        plotly_style_ids=_plotly_style_ids(),
        unit_costs=_unit_cost_rows(doc["unit_costs"]["horizon"]),
        has_sourcing=sc.sourcing is not None,
        sourcing_only=sourcing_only(sc),
    )


@router.get("/scenarios/{sid}/report.{fmt}", include_in_schema=False)
def report_download(
    st: StoreDep, sid: Id, fmt: str, user: PageUser, version: Ver = None
) -> Response:
    if fmt not in service.REPORT_TYPES:
        raise NotFound("no such report format")
    v = st.version(user, sid, version)
    return Response(
        service.report_bytes(v.text, fmt),
        media_type=service.REPORT_TYPES[fmt],
        headers={
            "Content-Disposition": download_disposition(
                st.info(user, sid).name, f"v{v.version}", fmt
            )
        },
    )


@router.get("/scenarios/{sid}/diff", response_class=HTMLResponse, include_in_schema=False)
def diff_page(
    st: StoreDep, request: Request, sid: Id, a: VerReq, b: VerReq, user: PageUser
) -> HTMLResponse:
    from ccecon.web import versions as vs

    info = st.info(user, sid)
    va, vb = st.version(user, sid, a), st.version(user, sid, b)
    return render(
        request,
        "diff.html.j2",
        user,
        info=info,
        a=a,
        b=b,
        hunks=vs.hunks(va.text, vb.text),
        changes=vs.changes(va.text, vb.text),
        effect=vs.effect(va.text, vb.text),
    )


@router.get("/compare", response_class=HTMLResponse, include_in_schema=False)
def compare_page(
    st: StoreDep, request: Request, user: PageUser, ids: Annotated[list[str] | None, Query()] = None
) -> HTMLResponse:
    picked: list[tuple[int, int | None]] = []
    for item in ids or []:
        sid_s, _, ver_s = item.partition("@")
        sid_n, ver_n = small_int(sid_s), small_int(ver_s) if ver_s else None
        if sid_n is None or (ver_s and ver_n is None):
            raise NotFound("bad scenario reference")
        picked.append((sid_n, ver_n))
    if not 2 <= len(picked) <= 4:
        return render(
            request,
            "compare.html.j2",
            user,
            columns=[],
            chart=None,
            plotly_style_ids=_plotly_style_ids(),
            error="pick",
        )
    columns = []
    import plotly.graph_objects as go

    for sid, ver in picked:
        v = st.version(user, sid, ver)
        info = st.info(user, sid)
        doc = json.loads(service.evaluate_bytes(v.text))
        columns.append({"label": f"{info.name} v{v.version}", "doc": doc})
    currencies = list(dict.fromkeys(c["doc"]["currency"] for c in columns))
    if len(currencies) > 1:  # one axis, one table: amounts in one currency only
        resp = render(
            request,
            "compare.html.j2",
            user,
            columns=columns,
            chart=None,
            plotly_style_ids=_plotly_style_ids(),
            error="currencies",
            currencies=currencies,
        )
        resp.status_code = 422
        return resp
    fig = go.Figure()
    for col in columns:
        doc, label = col["doc"], col["label"]
        xs = [r["label"] for r in doc["monthly"]]
        ys = [r["cumulative"] for r in doc["monthly"]]
        fig.add_scatter(x=xs, y=ys, mode="lines", name=label)
    fig.update_layout(
        title=f"{TEXTS[lang_of(request)]['cumulative_chart']} ({currencies[0]})",
        yaxis_title=currencies[0],
        template="plotly_white",
        height=420,
    )
    return render(
        request,
        "compare.html.j2",
        user,
        columns=columns,
        chart=_script_json(fig.to_json()),
        plotly_style_ids=_plotly_style_ids(),
        error=None,
        currencies=currencies,
    )


@router.get("/account", response_class=HTMLResponse, include_in_schema=False)
def account_page(st: StoreDep, request: Request, user: PageUser) -> HTMLResponse:
    return render(request, "account.html.j2", user, token=None, tokens=st.list_tokens(user.id))


@router.get("/targets", response_class=HTMLResponse, include_in_schema=False)
def targets_page(request: Request, user: PageUser) -> HTMLResponse:
    text = service.example_text("targets-445.yaml")
    return render(request, "targets.html.j2", user, text=text, levels=service.TARGET_LEVELS)


@router.get("/staff", response_class=HTMLResponse, include_in_schema=False)
def staff_page(request: Request, user: PageUser) -> HTMLResponse:
    return render(
        request,
        "staff.html.j2",
        user,
        result=None,
        error=None,
        defaults=STAFF_FORM_DEFAULTS,
        plotly_style_ids=_plotly_style_ids(),
    )


@functools.cache
def _plotly_style_ids() -> tuple[str, ...]:
    """Ids of the style elements the served Plotly.js adds when it loads (unless an element
    with that id is present): the pages put one there, so no inline style is needed."""
    from plotly.offline import get_plotlyjs

    js = get_plotlyjs()
    return tuple(dict.fromkeys(re.findall(r'getElementById\("([0-9a-f]{64})"\)', js)))


def _plot_text(obj: Any) -> Any:
    """A Plotly figure (as plain JSON data) whose texts are shown as text, never as markup.

    Plotly reads a few HTML tags in titles, names and tick labels; every string of the
    figure is entity-escaped (Plotly shows ``&lt;`` as ``<``), except the hover and text
    templates and the theme, which are ours.
    """
    if isinstance(obj, str):
        return html.escape(obj, quote=False)
    if isinstance(obj, list):
        return [_plot_text(v) for v in obj]
    if isinstance(obj, dict):
        return {k: v if k.endswith("template") else _plot_text(v) for k, v in obj.items()}
    return obj


def _script_json(text: str) -> str:
    """A Plotly figure's JSON, safe inside a ``<script type="application/json">`` element.

    Its texts are escaped for Plotly (:func:`_plot_text`) and every ``<``, ``>`` and ``&``
    is written as a JSON escape, so no name (``</script>``, ``<!--``) can end the element.
    """
    data = json.dumps(_plot_text(json.loads(text)), ensure_ascii=False)
    return data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


UNIT_COSTS = ("cost_per_contact", "cost_per_inbound_call", "cost_per_minute", "cost_per_sale")
"""Unit costs over the horizon, in the order the results page lists them."""


def _unit_cost_rows(horizon: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(key, proposal value, baseline value or None) for each unit cost the case has."""
    return [
        (k, horizon[k], horizon.get(f"baseline_{k}"))
        for k in UNIT_COSTS
        if isinstance(horizon.get(k), int | float)
    ]
