"""What the pages post (and the HTMX fragments they ask for): sign-in and sign-out, the
quick form, the editor's sync and save, simulation runs (in the background when they take
seconds), sourcing, API tokens, the targets and staffing calculators.

Every post carries the session's CSRF token (:func:`ccecon.web.site.check_csrf`); a
mistake in what was typed answers the form again with the message, never a traceback.
"""

from __future__ import annotations

import collections
import json
import math
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ccecon.errors import CCEconError, InputError
from ccecon.units import GOAL_SHARE, SHARE_BELOW_ONE, RatioDomain, parse_ratio
from ccecon.web import service, yamledit
from ccecon.web.api import SimulateRequest, StaffRequest, TargetsRequest
from ccecon.web.i18n import TEXTS
from ccecon.web.security import DUMMY_HASH, LoginThrottle, new_csrf_token, verify_password
from ccecon.web.site import (
    Csrf,
    Id,
    PageUser,
    StoreDep,
    Ver,
    editor,
    lang_of,
    quick_page,
    render,
    small_int,
)
from ccecon.web.store import NotFound, User

router = APIRouter()


@router.post("/login", include_in_schema=False, dependencies=[Csrf])
def login(
    st: StoreDep, request: Request, name: Annotated[str, Form()], password: Annotated[str, Form()]
) -> Response:
    throttle: LoginThrottle = request.app.state.login_throttle
    keys = throttle.keys(name, request.client.host if request.client else None)
    wait = throttle.wait_s(*keys)
    if wait > 0:
        verify_password(DUMMY_HASH, password)  # the same time as a real check
        resp = render(
            request,
            "login.html.j2",
            None,
            error="locked",
            wait_min=max(1, math.ceil(wait / 60)),
            no_users=False,
        )
        resp.status_code = 429
        resp.headers["Retry-After"] = str(math.ceil(wait))
        return resp
    user = st.authenticate(name, password)
    if user is None:
        throttle.failed(*keys)
        # 200, not 401: the page itself loaded fine; the form says what went wrong.
        return render(request, "login.html.j2", None, error="bad_login", no_users=False)
    throttle.succeeded(keys[0])
    lang = request.session.get("lang")
    request.session.clear()
    request.session["sid"] = st.new_session(user.id)
    request.session["csrf"] = new_csrf_token()
    if lang:
        request.session["lang"] = lang
    return RedirectResponse("/", status_code=303)


@router.post("/logout", include_in_schema=False, dependencies=[Csrf])
def logout(st: StoreDep, request: Request) -> Response:
    sid = request.session.get("sid")
    if isinstance(sid, str):
        st.end_session(sid)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


def quick_built(request: Request, form: Any) -> tuple[str | None, list[str]]:
    """The text the quick form makes and every mistake, in the page's language."""
    from ccecon.web import quick

    built = quick.build(form, TEXTS[lang_of(request)])
    if built.text is None:
        return None, built.errors
    err = _check(built.text)
    return built.text, [] if err is None else _error_lines(err)


@router.post("/ui/quick", response_class=HTMLResponse, include_in_schema=False)
async def ui_quick(request: Request, user: PageUser, _: None = Csrf) -> HTMLResponse:
    """The result of the quick form as typed so far (HTMX, debounced)."""
    form = await request.form()
    text, errors = await run_in_threadpool(quick_built, request, form)
    doc = None
    if text is not None and not errors:
        doc = json.loads(await run_in_threadpool(service.evaluate_bytes, text))
    return render(request, "_quick_result.html.j2", user, errors=errors, doc=doc, text=text)


@router.post("/ui/quick/save", include_in_schema=False)
async def ui_quick_save(st: StoreDep, request: Request, user: PageUser, _: None = Csrf) -> Response:
    """Store the scenario the quick form makes as version 1 and show its results."""
    form = await request.form()
    text, errors = await run_in_threadpool(quick_built, request, form)
    if text is None or errors:
        values = collections.defaultdict(str, {k: str(v) for k, v in form.items()})
        resp = quick_page(request, user, values, errors)
        resp.status_code = 422
        return resp
    sc = service.parse(text)
    v = await run_in_threadpool(st.create, user, sc.name, text, None)
    return RedirectResponse(f"/scenarios/{v.scenario_id}/results", status_code=303)


@router.post("/ui/validate", response_class=HTMLResponse, include_in_schema=False)
async def ui_validate(request: Request, user: PageUser, _: None = Csrf) -> HTMLResponse:
    """The editor's sync: a field typed into is written into the text, the text is read
    into the fields, and the result is validated. The element that sent the request
    (``HX-Trigger``) is never replaced under the user's cursor."""
    form = await request.form()
    posted = yamledit.normalize(str(form.get("text", "")))
    text, written, field_error = _merge(form)
    err = _field_error(field_error) if field_error else _check(text)
    fields = yamledit.read_fields(text)
    bases = {k: written.get(k, fields[k]) for k in yamledit.FORM_FIELDS}
    trigger = request.headers.get("hx-trigger") or ""
    return render(
        request,
        "_messages.html.j2",
        user,
        error=err,
        fields=fields,
        bases=bases,
        sync=bool(request.headers.get("hx-request")),
        trigger=trigger,
        text=text if text != posted and trigger != "yaml" else None,
    )


@router.post("/ui/save", include_in_schema=False)
async def ui_save(st: StoreDep, request: Request, user: PageUser, _: None = Csrf) -> Response:
    form = await request.form()
    text, _written, field_error = _merge(form)
    err = _field_error(field_error) if field_error else _check(text)
    raw_sid = form.get("sid")
    sid = small_int(raw_sid)
    if sid is None and raw_sid not in (None, ""):
        raise NotFound("scenario not found")  # a malformed id is no one's scenario
    if err is not None:
        resp = editor(request, user, sid=sid, text=text, error=err)
        resp.status_code = 422
        return resp
    sc = service.parse(text)
    if sid is None:
        ws = form.get("workspace")
        v = st.create(user, sc.name, text, ws if isinstance(ws, str) and ws else None)
    else:
        v = st.save(user, sid, text, sc.name)
    return RedirectResponse(f"/scenarios/{v.scenario_id}/results", status_code=303)


@router.post("/ui/delete/{sid}", include_in_schema=False, dependencies=[Csrf])
def ui_delete(st: StoreDep, sid: Id, user: PageUser) -> Response:
    st.delete(user, sid)
    return RedirectResponse("/", status_code=303)


@router.post("/ui/scenarios/{sid}/simulate", response_class=HTMLResponse, include_in_schema=False)
async def ui_simulate(
    st: StoreDep, request: Request, sid: Id, user: PageUser, _: None = Csrf, version: Ver = None
) -> HTMLResponse:
    form = await request.form()
    v = await run_in_threadpool(st.version, user, sid, version)
    t = TEXTS[lang_of(request)]
    try:
        req = SimulateRequest(
            text=v.text, draws=int(_num(form, "draws")), seed=int(_num(form, "seed"))
        )
        if req.draws > service.BACKGROUND_DRAWS:  # seconds: show the draws done
            from ccecon.uncertainty.montecarlo import check_uncertain

            check_uncertain(service.parse(req.text))
            jobs: service.SimulationJobs = request.app.state.jobs
            job = jobs.start(user.id, req.text, req.draws, req.seed)
            return render(
                request,
                "_sim_progress.html.j2",
                user,
                job=job,
                done=0,
                total=req.draws,
                sid=sid,
            )
        sim = await run_in_threadpool(service.simulate_doc, req.text, req.draws, req.seed)
        error = None
    except (ValueError, OverflowError, CCEconError) as exc:
        sim, error = None, _short_error(exc, t)
    return simulation_fragment(request, user, sim, error, sid)


def simulation_fragment(
    request: Request, user: User, sim: Any, error: str | None, sid: int
) -> HTMLResponse:
    from ccecon.uncertainty.montecarlo import NOTHING_UNCERTAIN, RANGE_EXAMPLE

    return render(
        request,
        "_simulation.html.j2",
        user,
        sim=sim,
        error=None if error == NOTHING_UNCERTAIN else error,
        no_ranges=error == NOTHING_UNCERTAIN,
        range_example=RANGE_EXAMPLE,
        sid=sid,
    )


@router.get(
    "/ui/scenarios/{sid}/simulations/{job}",
    response_class=HTMLResponse,
    include_in_schema=False,
)
def ui_simulation_job(request: Request, sid: Id, job: str, user: PageUser) -> HTMLResponse:
    """A background run's draws done so far (the fragment asks again), or its result."""
    jobs: service.SimulationJobs = request.app.state.jobs
    run = jobs.get(user.id, job)
    if run is None:
        raise NotFound("no such simulation")
    if not run["finished"]:
        return render(
            request,
            "_sim_progress.html.j2",
            user,
            job=job,
            done=run["done"],
            total=run["total"],
            sid=sid,
        )
    error = None if run["error"] is None else _short_error(run["error"])
    return simulation_fragment(request, user, run["result"], error, sid)


@router.get("/ui/scenarios/{sid}/sourcing", response_class=HTMLResponse, include_in_schema=False)
def ui_sourcing(
    st: StoreDep, request: Request, sid: Id, user: PageUser, version: Ver = None
) -> HTMLResponse:
    v = st.version(user, sid, version)
    try:
        cmp_, error = service.compare_doc(v.text), None
    except CCEconError as exc:
        cmp_, error = None, str(exc)
    return render(request, "_sourcing.html.j2", user, cmp=cmp_, error=error)


@router.post("/ui/token", response_class=HTMLResponse, include_in_schema=False)
def ui_token(st: StoreDep, request: Request, user: PageUser, _: None = Csrf) -> HTMLResponse:
    token = st.new_token(user.id)
    return render(request, "account.html.j2", user, token=token, tokens=st.list_tokens(user.id))


@router.post("/ui/token/{token_id}/revoke", include_in_schema=False, dependencies=[Csrf])
def ui_revoke(st: StoreDep, token_id: Id, user: PageUser) -> Response:
    st.revoke_token(user.id, token_id)
    return RedirectResponse("/account", status_code=303)


@router.post("/ui/targets", response_class=HTMLResponse, include_in_schema=False)
async def ui_targets(request: Request, user: PageUser, _: None = Csrf) -> HTMLResponse:
    form = await request.form()
    try:
        req = TargetsRequest(text=str(form.get("text", "")), level=str(form.get("level")))
        plan = await run_in_threadpool(service.targets_doc, req.text, req.level)
        error = None
    except (ValueError, CCEconError) as exc:
        plan, error = None, _short_error(exc)
    return render(request, "_targets_result.html.j2", user, plan=plan, error=error)


@router.post("/ui/staff", response_class=HTMLResponse, include_in_schema=False)
async def ui_staff(request: Request, user: PageUser, _: None = Csrf) -> HTMLResponse:
    form = await request.form()
    t = TEXTS[lang_of(request)]
    errors: list[str] = []

    def read(reader: Any, key: str, *args: Any) -> Any:
        """One field read; a mistake is kept under the field's label, not its id."""
        try:
            return reader(form, key, *args)
        except (ValueError, CCEconError) as exc:
            message = exc.message if isinstance(exc, InputError) else str(exc)
            message = message.split(": ", 1)[1] if message.startswith(key + ":") else message
            errors.append(f"{t[STAFF_LABELS[key]]}: {message}")
            return None

    values = {
        "calls": read(_num, "calls"),
        "aht_s": read(_num, "aht_s"),
        "interval_s": read(_num, "interval_min"),
        "sl_target": read(_ratio, "sl_target", GOAL_SHARE),
        "sl_threshold_s": read(_num, "sl_threshold_s"),
        "shrinkage": read(_ratio, "shrinkage", SHARE_BELOW_ONE),
        "max_asa_s": read(_opt_num, "max_asa_s"),
        "max_occupancy": read(_opt_ratio, "max_occupancy", GOAL_SHARE),
        "patience_s": read(_opt_num, "patience_s"),
        "max_abandon": read(_opt_ratio, "max_abandon", GOAL_SHARE),
    }
    result, error = None, None
    if errors:
        error = "; ".join(errors)
    else:
        values["interval_s"] *= 60
        try:
            req = StaffRequest(**values)
            result = service.staff_doc(**req.model_dump())
            result["around"] = service.staff_around(result, req.sl_threshold_s, req.patience_s)
            profile = _profile(form, t)
            if profile is not None:
                calls, open_hour = profile
                goals = req.model_dump(exclude={"calls", "aht_s", "interval_s", "shrinkage"})
                rows = service.staff_profile(calls, req.aht_s, req.interval_s, open_hour, **goals)
                result["profile"] = rows
                result["profile_chart"] = _profile_figure(rows, t).to_json()
        except (ValueError, CCEconError) as exc:
            error = _short_error(exc, t)
    return render(
        request,
        "_staff_result.html.j2",
        user,
        result=result,
        error=error,
    )


def _merge(form: Any) -> tuple[str, dict[str, str], str | None]:
    """The scenario text of an editor post, with the fields the user changed since the page
    last synced them written into it in place (:mod:`ccecon.web.yamledit`).

    Each field input travels with ``base_FIELD``, its value when the text was last read
    into it. A field that differs from its base was typed into and not yet written to the
    text: it is written now (a save clicked before the debounced sync ran keeps it). A
    field equal to its base says nothing: the text wins (a pasted scenario is saved as
    pasted). A post without bases (a plain form) writes every field that differs from
    the text's value. Returns (text, the fields as typed that were written, an error
    message when a field could not be written).
    """
    raw = form.get("text")
    text = yamledit.normalize(raw if isinstance(raw, str) else "")
    written: dict[str, str] = {}
    for key in yamledit.FORM_FIELDS:
        typed, base = form.get(key), form.get(f"base_{key}")
        if not isinstance(typed, str) or (isinstance(base, str) and typed == base):
            continue
        current = yamledit.read_value(text, key)
        if yamledit.typed_value(key, typed) == current:
            written[key] = typed
            continue
        try:
            text = yamledit.set_field(text, key, typed)
        except InputError as exc:
            return text, written, exc.message
        written[key] = typed
    return text, written, None


def _check(text: str) -> dict[str, Any] | None:
    """None when the text is a valid scenario; else the error for templates: every problem
    with its field's label (``chats: AHT (s)``), path, message and value."""
    try:
        service.parse_checked(text)
    except InputError as exc:
        return _error_doc(exc, text)
    except CCEconError as exc:
        return {
            "message": str(exc),
            "field": None,
            "value": None,
            "text": str(exc),
            "top": "",
            "problems": [{"label": "", "path": "", "message": str(exc), "value": None}],
        }
    return None


def _error_doc(exc: InputError, text: str) -> dict[str, Any]:
    from ccecon.web import labels

    doc = labels.load(text)
    items = exc.problems or [(exc.field or "", exc.message, exc.value)]
    problems = []
    for path, message, value in items:
        problems.append(
            {
                "label": labels.label(doc, path) if path else "",
                "path": "" if path == labels.TOP_LEVEL else path,
                "message": message,
                # a whole mapping or list says nothing a person can use: no value then
                "value": None if value is ... or isinstance(value, dict | list) else value,
            }
        )
    first = problems[0]
    by_top: dict[str, str] = {}  # the message beside each main field of the form
    for p in problems:
        if p["path"] in yamledit.FORM_FIELDS and p["path"] not in by_top:
            by_top[str(p["path"])] = str(p["message"]) + (
                f" ({p['value']})" if p["value"] is not None else ""
            )
    return {
        "message": first["message"],
        "field": first["path"] or None,
        "value": first["value"],
        "text": str(exc),
        "top": str(first["path"]).split(".")[0].split("[")[0],
        "by_top": by_top,
        "problems": problems,
    }


def _error_lines(err: dict[str, Any]) -> list[str]:
    """Each problem of an editor error as one line: label, message, value."""
    out = []
    for p in err["problems"]:
        head = f"{p['label']}: " if p["label"] else ""
        tail = f" ({p['value']})" if p["value"] is not None else ""
        out.append(f"{head}{p['message']}{tail}")
    return out


def _field_error(message: str) -> dict[str, Any]:
    return {
        "message": message,
        "field": None,
        "value": None,
        "text": message,
        "top": "",
        "problems": [{"label": "", "path": "", "message": message, "value": None}],
    }


def _num(form: Any, key: str) -> float:
    raw = form.get(key)
    try:
        return float(raw)
    except (TypeError, ValueError):
        raise ValueError(f"{key}: expected a number, got {raw!r}") from None


def _ratio(form: Any, key: str, domain: RatioDomain) -> float:
    """A ratio typed in a form, read as every ratio is (``30%`` or ``0.3``)."""
    raw = form.get(key)
    return parse_ratio(raw if isinstance(raw, str) else "", domain, field=key)


def _opt_ratio(form: Any, key: str, domain: RatioDomain) -> float | None:
    """A ratio from an optional form field; None when it is left empty."""
    raw = form.get(key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return _ratio(form, key, domain)


def _opt_num(form: Any, key: str) -> float | None:
    """A number from an optional form field; None when it is left empty."""
    raw = form.get(key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return _num(form, key)


def _profile(form: Any, t: dict[str, str]) -> tuple[list[float], float] | None:
    """The staffing page's optional intraday profile: calls per interval (numbers split by
    commas, spaces or new lines, at most ``service.MAX_PROFILE``) and the hour the first
    interval starts; None when left empty. A mistake names the field, the position and the
    value."""
    import math

    text = str(form.get("profile") or "").replace(";", ",").replace(",", " ").split()
    if not text:
        return None
    if len(text) > service.MAX_PROFILE:
        raise InputError(
            f"at most {service.MAX_PROFILE} intervals (a day of 15 minutes)",
            field="profile",
            value=len(text),
        )
    calls = []
    for i, raw in enumerate(text, start=1):
        try:
            v = float(raw)
        except ValueError:
            v = math.nan
        if not math.isfinite(v) or v < 0:
            raise InputError(
                f"interval {i}: {raw!r} is not a number of calls (expected at least 0)",
                field="profile",
                value=raw,
            )
        calls.append(v)
    hour = _opt_num(form, "open_hour")
    if hour is None:
        hour = 8.0
    if not 0 <= hour < 24:
        raise InputError("expected an hour 0..23", field="open_hour", value=hour)
    return calls, hour


def _profile_figure(rows: list[dict[str, Any]], t: dict[str, str]) -> Any:
    """Required agents per interval (bars) with the calls on a second axis."""
    import plotly.graph_objects as go

    fig = go.Figure()
    xs = [r["start"] for r in rows]
    fig.add_bar(x=xs, y=[r["agents"] for r in rows], name=t["agents"], marker_color="#30638e")
    fig.add_scatter(
        x=xs,
        y=[r["calls"] for r in rows],
        name=t["calls"],
        yaxis="y2",
        mode="lines+markers",
        line={"color": "#edae49"},
    )
    fig.update_layout(
        title=t["profile_chart"],
        template="plotly_white",
        height=380,
        yaxis={"title": t["agents"], "tickformat": ",d"},
        yaxis2={"title": t["calls"], "overlaying": "y", "side": "right", "tickformat": ",.0f"},
        xaxis={"type": "category"},
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


STAFF_LABELS = {
    "calls": "calls",
    "aht_s": "aht",
    "interval_min": "interval",
    "interval_s": "interval",
    "sl_target": "sl_target",
    "sl_threshold_s": "sl_threshold",
    "shrinkage": "shrinkage",
    "max_asa_s": "max_asa",
    "max_occupancy": "max_occupancy",
    "patience_s": "patience",
    "max_abandon": "max_abandon",
    "profile": "profile",
    "open_hour": "open_hour",
}
"""Form fields of the staffing page -> the text key of their label."""


def _short_error(exc: Exception, t: dict[str, str] | None = None) -> str:
    """Every problem of ``exc`` in one line; fields by their label when ``t`` (the page's
    texts) knows them (``Average handle time (s): ...``, not ``aht_s: ...``)."""
    from pydantic import ValidationError

    def name(field: str) -> str:
        key = STAFF_LABELS.get(field)
        return t[key] if t is not None and key in t else field

    if isinstance(exc, ValidationError):
        parts = []
        for e in exc.errors():
            msg = str(e["msg"]).removeprefix("Value error, ")
            parts.append(f"{name('.'.join(str(p) for p in e['loc']))}: {msg}")
        return "; ".join(parts)
    if isinstance(exc, InputError) and exc.field and t is not None:
        return f"{name(exc.field)}: {exc.message}"
    return str(exc)
