"""The FastAPI application: JSON API under ``/api`` and server-rendered pages.

Authentication: the JSON API takes ``Authorization: Bearer <token>`` (tokens from ``ccecon
users token NAME``) and nothing else, so no cookie can be abused by another site (no CSRF
surface on the API). Pages use a signed session cookie (HttpOnly, SameSite=Lax) and every
form post carries a CSRF token kept in the session. A scenario outside the user's
workspaces answers 404 exactly like one that does not exist.

Nothing is loaded from another host: HTMX is vendored under ``static/``, Plotly.js is read
from the installed ``plotly`` package, the interactive API docs (which load from a CDN)
are switched off; the schema is at ``/openapi.json``. A Content-Security-Policy of
``'self'`` makes the browser refuse anything else.
"""

from __future__ import annotations

import asyncio
import collections
import functools
import html
import json
import math
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import Depends, FastAPI, Form, HTTPException, Query, Request
from fastapi import Path as FPath
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from ccecon.defaults import DEFAULT_SHRINKAGE, DEFAULT_SL_TARGET, DEFAULT_SL_THRESHOLD_S
from ccecon.errors import CCEconError, InputError
from ccecon.scenario.types import GoalShareNumber, ShareBelowOneNumber
from ccecon.units import GOAL_SHARE, SHARE_BELOW_ONE, RatioDomain, parse_ratio
from ccecon.web import api_models, service, yamledit
from ccecon.web.engines import EngineDied, EnginePool
from ccecon.web.i18n import METRIC_LABELS, TEXTS, pick
from ccecon.web.security import (
    DUMMY_HASH,
    LoginThrottle,
    new_csrf_token,
    same_token,
    verify_password,
)
from ccecon.web.store import NotFound, Store, User

HERE = Path(__file__).parent
MAX_TEXT = 1_000_000
"""Largest scenario text accepted (characters)."""

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
"""No inline script or style runs: scripts and style sheets come only from files under
``/static`` (charts are drawn by ``static/charts.js`` from figures embedded as JSON data).
Plotly sets its element styles through the DOM, which the policy allows; its optional
inline ``<style>`` rules (the mode bar's hover effects) are refused and not needed."""

STATIC_FILES = {
    "htmx.min.js": "text/javascript",
    "plotly.css": "text/css",
    "charts.js": "text/javascript",
    "app.css": "text/css",
}
"""The files served from ``static/`` (a fixed list: no path from the request reaches the
file system)."""


# ---------------------------------------------------------------------------- API models
class ScenarioText(BaseModel):
    """A scenario as YAML or JSON text, exactly as a user would save it in a file."""

    text: str = Field(max_length=MAX_TEXT, description="Scenario YAML or JSON.")


class SimulateRequest(ScenarioText):
    """A Monte Carlo run of a scenario."""

    draws: int = Field(2000, ge=1, le=service.MAX_DRAWS, description="Number of draws.")
    seed: int = Field(0, ge=0, le=2**63 - 1, description="Seed of the random generator.")


class ReportRequest(ScenarioText):
    """A report of a scenario."""

    format: str = Field("html", pattern="^(html|xlsx|pdf)$", description="html, xlsx or pdf.")


class TargetsRequest(BaseModel):
    """A targets file (yearly goal, fiscal calendar, weights, actuals) as YAML or JSON."""

    text: str = Field(max_length=MAX_TEXT, description="Targets YAML or JSON.")
    level: str = Field(
        "month",
        pattern="^(" + "|".join(service.TARGET_LEVELS) + ")$",
        description="Rows to list: " + ", ".join(service.TARGET_LEVELS) + ".",
    )


class StaffRequest(BaseModel):
    """One interval of work and the goals it must meet (Erlang C, or A with patience)."""

    calls: float = Field(ge=0, le=1e9, description="Calls offered in the interval.")
    aht_s: float = Field(gt=0, le=86_400, description="Average handle time, seconds.")
    interval_s: float = Field(1800, gt=0, le=86_400, description="Interval length, seconds.")
    sl_target: GoalShareNumber | None = Field(
        DEFAULT_SL_TARGET, description='Service level goal: 0.8 or "80%".'
    )
    sl_threshold_s: float | None = Field(
        DEFAULT_SL_THRESHOLD_S, ge=0, le=86_400, description="SL threshold, s."
    )
    max_asa_s: float | None = Field(None, gt=0, le=86_400, description="Max ASA, s.")
    max_occupancy: GoalShareNumber | None = Field(None, description='Max occupancy: 0.85 or "85%".')
    shrinkage: ShareBelowOneNumber = Field(
        DEFAULT_SHRINKAGE, description='Share of paid time off the phones: 0.3 or "30%".'
    )
    patience_s: float | None = Field(None, gt=0, le=86_400, description="Mean patience (A).")
    max_abandon: GoalShareNumber | None = Field(
        None, description='Max abandon share (A): 0.05 or "5%".'
    )


class NewScenario(ScenarioText):
    """A scenario to store."""

    name: str | None = Field(
        None, max_length=300, description="Display name; default: the scenario's name."
    )
    workspace: str | None = Field(
        None, max_length=200, description="One of your workspaces; default: your first."
    )


class SavedVersion(BaseModel):
    """A stored version."""

    scenario_id: int
    version: int
    author: str
    created_at: str
    text: str


class ScenarioHead(BaseModel):
    """A stored scenario's head."""

    id: int
    workspace: str
    name: str
    latest_version: int
    created_at: str


class SecurityHeaders:
    """Pure ASGI middleware adding the CSP and two hardening headers to every response, and
    ``Cache-Control: no-store`` to every response that sets no caching of its own (only
    the static files do)."""

    HEADERS: tuple[tuple[bytes, bytes], ...] = (
        (b"content-security-policy", CSP.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
    )

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), *self.HEADERS]
                if not any(k.lower() == b"cache-control" for k, _ in headers):
                    # pages and API answers hold workspace data: no cache keeps them
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


# ---------------------------------------------------------------------------- auth
def _store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _forget(lookups: dict[str, Any], key: str, _done: Any) -> None:
    lookups.pop(key, None)


async def api_user(request: Request) -> User:
    """The user of a ``Bearer`` API token; 401 without a valid one.

    A token seen in the last seconds is answered from memory on the event loop; otherwise
    the database is asked in a worker thread (the loop never blocks on it).
    """

    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    token = token.strip()
    user = None
    if scheme.lower() == "bearer" and token:
        store = _store_of(request)
        user = store.cached_token_user(token)
        if user is None:
            # One database lookup per token at a time: when a busy token's cache entry
            # expires, the requests that arrive meanwhile wait for that lookup instead of
            # each sending its own through the thread pool (a stall of the event loop
            # every TOKEN_CACHE_S seconds, seen in the p99 latency).
            lookups: dict[str, asyncio.Future[User | None]] = request.app.state.token_lookups
            lookup = lookups.get(token)
            if lookup is None:
                lookup = asyncio.ensure_future(run_in_threadpool(store.user_by_token, token))
                lookups[token] = lookup
                lookup.add_done_callback(partial(_forget, lookups, token))
            user = await asyncio.shield(lookup)
    if user is None:
        raise HTTPException(
            401, "missing or invalid API token", headers={"WWW-Authenticate": "Bearer"}
        )
    return user


class LoginRequired(Exception):
    """A page was asked for without a signed-in session."""


def page_user(request: Request) -> User:
    """The signed-in user of a page request; redirects to /login otherwise.

    The signed cookie carries a session id that the store must still know: logout,
    a password change and removing the user end the session on the server, so a copy of
    the cookie taken before then no longer signs anyone in.
    """
    sid = request.session.get("sid")
    user = _store_of(request).session_user(sid) if isinstance(sid, str) else None
    if user is None:
        request.session.clear()
        raise LoginRequired()
    return user


async def check_csrf(request: Request) -> None:
    """403 unless the form field ``csrf`` or header ``X-CSRF-Token`` equals the session's."""
    expected = request.session.get("csrf")
    given = request.headers.get("x-csrf-token")
    if given is None:
        form = await request.form()
        v = form.get("csrf")
        given = v if isinstance(v, str) else None
    if not same_token(expected if isinstance(expected, str) else None, given):
        raise HTTPException(403, "CSRF token missing or wrong; reload the page")


ApiUser = Annotated[User, Depends(api_user)]
MAX_ID = 2_147_483_647
Id = Annotated[int, FPath(ge=1, le=MAX_ID, description="Scenario id.")]
Ver = Annotated[int | None, Query(ge=1, le=MAX_ID, description="Version (default latest).")]
VerReq = Annotated[int, Query(ge=1, le=MAX_ID, description="Version.")]
PageUser = Annotated[User, Depends(page_user)]
Csrf = Depends(check_csrf)


# ---------------------------------------------------------------------------- app
def create_app(
    db_url: str | None = None,
    *,
    store: Store | None = None,
    engine_processes: int = 0,
    secure_cookie: bool = False,
) -> FastAPI:
    """Build the application on a store.

    Parameters
    ----------
    db_url : str, optional
        SQLAlchemy URL or SQLite file path of the store; default ``$CCECON_WEB_DB``, else the
        per-user SQLite file (:func:`ccecon.web.store.default_path`).
    store : Store, optional
        An open store (tests); wins over ``db_url``.
    engine_processes : int
        Processes that evaluate new scenario texts for ``/api/evaluate`` (started with the
        app, one first-in first-out queue; see :mod:`ccecon.web.engines`); 0 evaluates in
        the server's threads.
    secure_cookie : bool
        Mark the session cookie ``Secure`` (sent over HTTPS only): for a server behind a
        TLS proxy.
    """
    from ccecon.web.store import store_url

    st = store if store is not None else Store(store_url(db_url)[0])
    engines = EnginePool(engine_processes) if engine_processes > 0 else None

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if engines is not None:  # start every engine process now (each warms up)
            await engines.start()
        yield
        if engines is not None:
            engines.close()

    app = FastAPI(
        title="ccecon",
        summary="Contact-center economics: business cases, staffing, sourcing, uncertainty.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        responses=api_models.ERRORS,
    )
    app.state.store = st
    app.state.engines = engines
    app.state.token_lookups = {}
    app.add_middleware(
        SessionMiddleware,
        secret_key=st.secret(),
        session_cookie="ccecon_session",
        same_site="lax",
        https_only=secure_cookie,
        max_age=8 * 3600,
    )
    # Autoescape every template whatever its file name: Starlette's default picks by
    # extension and would leave ``*.html.j2`` unescaped.
    templates = Jinja2Templates(
        env=jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True
        )
    )

    templates.env.globals["shown"] = shown
    app.add_middleware(SecurityHeaders)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "not found"}, status_code=404)
        return error_page(request, 404)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404 and not request.url.path.startswith("/api/"):
            return error_page(request, 404)  # no such route: the same page as no such id
        return await http_exception_handler(request, exc)

    @app.exception_handler(CCEconError)
    async def _user_error(request: Request, exc: CCEconError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse(service.error_doc(exc), status_code=422)
        return error_page(request, 422, str(exc))

    def error_page(request: Request, status: int, message: str | None = None) -> HTMLResponse:
        """A page in the app's style saying what went wrong, with a way back home."""
        t = TEXTS[lang_of(request)]
        title, hint = (
            ("not_found", "not_found_hint")
            if status == 404
            else ("cannot_show", "cannot_show_hint")
        )
        resp = render(
            request,
            "error.html.j2",
            None,
            status=status,
            title=t[title],
            hint=t[hint],
            message=message,
        )
        resp.status_code = status
        return resp

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> Response:
        # FastAPI's own handler echoes each value whole (a 50 MB text came back whole) and
        # cannot encode a lone surrogate: the same fields, the value as a short excerpt.
        return JSONResponse({"detail": service.request_errors(exc.errors())}, status_code=422)

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> Response:
        # Starlette logs the exception (once) and sends this body instead of plain text.
        return JSONResponse(service.INTERNAL_ERROR, status_code=500)

    @app.exception_handler(LoginRequired)
    async def _to_login(request: Request, exc: LoginRequired) -> Response:
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return RedirectResponse("/login", status_code=303)

    def csrf(request: Request) -> str:
        tok = request.session.get("csrf")
        if not isinstance(tok, str):
            tok = new_csrf_token()
            request.session["csrf"] = tok
        return tok

    def lang_of(request: Request) -> str:
        q = request.query_params.get("lang")
        if q in TEXTS:
            request.session["lang"] = q
        return pick(request.session.get("lang"), request.headers.get("accept-language"))

    def render(request: Request, name: str, user: User | None, **ctx: Any) -> HTMLResponse:
        lang = lang_of(request)
        return templates.TemplateResponse(
            request,
            name,
            {
                "t": TEXTS[lang],
                "lang": lang,
                "user": user,
                "csrf": csrf(request),
                "labels": METRIC_LABELS[lang],
                **ctx,
            },
        )

    # ------------------------------------------------------------------ static
    @app.get("/static/{name}", include_in_schema=False)
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

    @app.get("/favicon.ico", include_in_schema=False)
    def _favicon() -> Response:
        svg = (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
            '<rect width="16" height="16" rx="3" fill="#30638e"/></svg>'
        )
        return Response(svg, media_type="image/svg+xml")

    # ------------------------------------------------------------------ JSON API
    @app.post(
        "/api/validate",
        tags=["compute"],
        response_model=None,
        responses=api_models.ok(api_models.ValidateDoc, "The scenario is valid: a summary."),
    )
    def api_validate(body: ScenarioText, user: ApiUser) -> dict[str, Any]:
        """Validate a scenario: 200 with a summary, or 422 with field path and value."""
        return {"ok": True, **service.summary(service.parse_checked(body.text))}

    async def evaluate_response(text: str) -> Response:
        """The evaluate document of ``text``: from the cache on the event loop when this
        text was evaluated before; otherwise computed in an engine process (or a thread)."""
        service.check_text(text)  # a lone surrogate cannot even be sent to an engine
        data = service.cached_evaluation(text)
        if data is not None:
            return Response(data, media_type="application/json")
        if engines is None:
            data = await run_in_threadpool(service.evaluate_bytes, text)
            return Response(data, media_type="application/json")
        try:
            status, body = await engines.evaluate(text)
        except EngineDied as exc:
            return JSONResponse({"detail": f"{exc}; try again"}, status_code=503)
        if status == 200:
            service.remember_evaluation(text, body)
        return Response(body, status_code=status, media_type="application/json")

    @app.post(
        "/api/evaluate",
        tags=["compute"],
        responses=api_models.ok(api_models.EvaluateDoc, "The evaluate document."),
    )
    async def api_evaluate(body: ScenarioText, user: ApiUser) -> Response:
        """ROI, NPV, IRR, payback, unit costs, monthly flows (``ccecon evaluate``)."""
        return await evaluate_response(body.text)

    @app.post(
        "/api/simulate",
        tags=["compute"],
        responses=api_models.ok(api_models.SimulateDoc, "The simulate document."),
    )
    def api_simulate(body: SimulateRequest, user: ApiUser) -> Response:
        """Monte Carlo percentiles and probabilities (``ccecon simulate``)."""
        return Response(
            service.encode(service.simulate_doc(body.text, body.draws, body.seed)),
            media_type="application/json",
        )

    @app.post(
        "/api/compare",
        tags=["compute"],
        responses=api_models.ok(api_models.CompareDoc, "The sourcing comparison."),
    )
    def api_compare(body: ScenarioText, user: ApiUser) -> Response:
        """Sourcing options ranked, with break-even volumes (``ccecon compare``)."""
        return Response(
            service.encode(service.compare_doc(body.text)), media_type="application/json"
        )

    @app.post(
        "/api/staff",
        tags=["compute"],
        response_model=None,
        responses=api_models.ok(api_models.StaffDoc, "Agents and what they give."),
    )
    def api_staff(body: StaffRequest, user: ApiUser) -> dict[str, Any]:
        """Agents needed for one interval and the metrics they give (``ccecon staff``)."""
        return service.staff_doc(**body.model_dump())

    @app.post(
        "/api/targets/plan",
        tags=["compute"],
        responses=api_models.ok(api_models.TargetsDoc, "The plan."),
    )
    def api_targets(body: TargetsRequest, user: ApiUser) -> Response:
        """A yearly goal split over the fiscal calendar; re-planned with actuals
        (``ccecon targets plan``)."""
        return Response(
            service.encode(service.targets_doc(body.text, body.level)),
            media_type="application/json",
        )

    @app.post(
        "/api/report",
        tags=["compute"],
        responses={
            200: {"content": {t: {} for t in service.REPORT_TYPES.values()}},
            **api_models.ERRORS,
        },
    )
    def api_report(body: ReportRequest, user: ApiUser) -> Response:
        """The report as HTML, Excel (live formulas) or PDF."""
        data = service.report_bytes(body.text, body.format)
        return Response(
            data,
            media_type=service.REPORT_TYPES[body.format],
            headers={
                "Content-Disposition": download_disposition(
                    service.parse(body.text).name, "report", body.format
                )
            },
        )

    def _version_model(v: Any) -> SavedVersion:
        return SavedVersion(
            scenario_id=v.scenario_id,
            version=v.version,
            author=v.author,
            created_at=v.created_at,
            text=v.text,
        )

    @app.get("/api/scenarios", tags=["scenarios"])
    def api_list(user: ApiUser) -> list[ScenarioHead]:
        """The scenarios of your workspaces, newest first."""
        return [ScenarioHead(**s.__dict__) for s in st.list_scenarios(user)]

    @app.post("/api/scenarios", tags=["scenarios"], status_code=201)
    def api_create(body: NewScenario, user: ApiUser) -> SavedVersion:
        """Store a valid scenario as version 1."""
        text = yamledit.normalize(body.text)
        sc = service.parse_checked(text)
        return _version_model(st.create(user, body.name or sc.name, text, body.workspace))

    @app.get("/api/scenarios/{scenario_id}", tags=["scenarios"])
    def api_get(scenario_id: Id, user: ApiUser, version: Ver = None) -> SavedVersion:
        """A version (the latest by default)."""
        return _version_model(st.version(user, scenario_id, version))

    @app.put("/api/scenarios/{scenario_id}", tags=["scenarios"])
    def api_save(scenario_id: Id, body: ScenarioText, user: ApiUser) -> SavedVersion:
        """Save a new version (every save is a new version; none is overwritten)."""
        st.info(user, scenario_id)
        text = yamledit.normalize(body.text)
        sc = service.parse_checked(text)
        return _version_model(st.save(user, scenario_id, text, sc.name))

    @app.delete("/api/scenarios/{scenario_id}", tags=["scenarios"], status_code=204)
    def api_delete(scenario_id: Id, user: ApiUser) -> Response:
        """Remove a scenario from the list (its versions are kept for audit)."""
        st.delete(user, scenario_id)
        return Response(status_code=204)

    @app.get("/api/scenarios/{scenario_id}/versions", tags=["scenarios"])
    def api_versions(scenario_id: Id, user: ApiUser) -> list[SavedVersion]:
        """Every version, oldest first."""
        return [_version_model(v) for v in st.versions(user, scenario_id)]

    @app.get(
        "/api/scenarios/{scenario_id}/diff",
        tags=["scenarios"],
        response_model=None,
        responses={
            200: {"model": api_models.DiffDoc, "description": "Diff and changes."},
            404: {"model": api_models.ErrorDoc, "description": "No such scenario or version."},
            401: api_models.ERRORS[401],
        },
    )
    def api_diff(
        scenario_id: Id,
        user: ApiUser,
        a: VerReq,
        b: VerReq,
    ) -> dict[str, Any]:
        """Unified diff of two versions' text (line endings ignored) and the inputs that
        changed (path, label, old and new value as shown)."""
        from ccecon.web.versions import changes

        va, vb = st.version(user, scenario_id, a), st.version(user, scenario_id, b)
        return {
            "a": a,
            "b": b,
            "diff": st.diff(user, scenario_id, a, b),
            "changes": changes(va.text, vb.text),
        }

    @app.get(
        "/api/scenarios/{scenario_id}/evaluate",
        tags=["scenarios"],
        responses={
            **api_models.ok(api_models.EvaluateDoc, "The evaluate document."),
            404: {"model": api_models.ErrorDoc, "description": "No such scenario or version."},
        },
    )
    async def api_evaluate_saved(scenario_id: Id, user: ApiUser, version: Ver = None) -> Response:
        """Evaluate a stored version."""
        v = await run_in_threadpool(st.version, user, scenario_id, version)
        return await evaluate_response(v.text)

    # ------------------------------------------------------------------ pages
    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request) -> HTMLResponse:
        return render(request, "login.html.j2", None, error=None, no_users=st.user_count() == 0)

    throttle = LoginThrottle()
    app.state.login_throttle = throttle

    @app.post("/login", include_in_schema=False, dependencies=[Csrf])
    def login(
        request: Request, name: Annotated[str, Form()], password: Annotated[str, Form()]
    ) -> Response:
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

    @app.post("/logout", include_in_schema=False, dependencies=[Csrf])
    def logout(request: Request) -> Response:
        sid = request.session.get("sid")
        if isinstance(sid, str):
            st.end_session(sid)
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, user: PageUser) -> HTMLResponse:
        return render(request, "list.html.j2", user, scenarios=st.list_scenarios(user))

    @app.get("/scenarios/new", response_class=HTMLResponse, include_in_schema=False)
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

    def quick_page(
        request: Request, user: User, values: dict[str, str], errors: list[str]
    ) -> HTMLResponse:
        from ccecon.web import quick

        return render(
            request,
            "quick.html.j2",
            user,
            v=values,
            errors=errors,
            doc=None,
            text=None,
            channel_rows=quick.CHANNEL_ROWS,
            line_rows=quick.LINE_ROWS,
            lever_rows=quick.LEVER_ROWS,
            kinds=quick.CHANNEL_KINDS,
            families=quick.LINE_FAMILIES,
            timings=quick.TIMINGS,
            cases=quick.CASES,
        )

    @app.get("/scenarios/quick", response_class=HTMLResponse, include_in_schema=False)
    def quick_form(request: Request, user: PageUser) -> HTMLResponse:
        from ccecon.web import quick

        return quick_page(request, user, collections.defaultdict(str, quick.defaults()), [])

    def quick_built(request: Request, form: Any) -> tuple[str | None, list[str]]:
        """The text the quick form makes and every mistake, in the page's language."""
        from ccecon.web import quick

        built = quick.build(form, TEXTS[lang_of(request)])
        if built.text is None:
            return None, built.errors
        err = _check(built.text)
        return built.text, [] if err is None else _error_lines(err)

    @app.post("/ui/quick", response_class=HTMLResponse, include_in_schema=False)
    async def ui_quick(request: Request, user: PageUser, _: None = Csrf) -> HTMLResponse:
        """The result of the quick form as typed so far (HTMX, debounced)."""
        form = await request.form()
        text, errors = await run_in_threadpool(quick_built, request, form)
        doc = None
        if text is not None and not errors:
            doc = json.loads(await run_in_threadpool(service.evaluate_bytes, text))
        return render(request, "_quick_result.html.j2", user, errors=errors, doc=doc, text=text)

    @app.post("/ui/quick/save", include_in_schema=False)
    async def ui_quick_save(request: Request, user: PageUser, _: None = Csrf) -> Response:
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

    def editor(
        request: Request, user: User, *, sid: int | None, text: str, error: Any, **ctx: Any
    ) -> HTMLResponse:
        fields = yamledit.read_fields(text)
        return render(
            request,
            "editor.html.j2",
            user,
            sid=sid,
            text=text,
            fields=fields,
            error=error,
            **ctx,
        )

    @app.get("/scenarios/{sid}", response_class=HTMLResponse, include_in_schema=False)
    def edit_page(request: Request, sid: Id, user: PageUser) -> HTMLResponse:
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

    @app.post("/ui/validate", response_class=HTMLResponse, include_in_schema=False)
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

    @app.post("/ui/save", include_in_schema=False)
    async def ui_save(request: Request, user: PageUser, _: None = Csrf) -> Response:
        form = await request.form()
        text, _written, field_error = _merge(form)
        err = _field_error(field_error) if field_error else _check(text)
        raw_sid = form.get("sid")
        sid = _small_int(raw_sid)
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

    @app.post("/ui/delete/{sid}", include_in_schema=False, dependencies=[Csrf])
    def ui_delete(sid: Id, user: PageUser) -> Response:
        st.delete(user, sid)
        return RedirectResponse("/", status_code=303)

    @app.get("/scenarios/{sid}/results", response_class=HTMLResponse, include_in_schema=False)
    def results_page(
        request: Request, sid: Id, user: PageUser, version: Ver = None
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
        shown_result = (
            result if sc.locale == lang else evaluate(sc.model_copy(update={"locale": lang}))
        )
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

    @app.post("/ui/scenarios/{sid}/simulate", response_class=HTMLResponse, include_in_schema=False)
    async def ui_simulate(
        request: Request, sid: Id, user: PageUser, _: None = Csrf, version: Ver = None
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

    jobs = service.SimulationJobs()

    @app.get(
        "/ui/scenarios/{sid}/simulations/{job}",
        response_class=HTMLResponse,
        include_in_schema=False,
    )
    def ui_simulation_job(request: Request, sid: Id, job: str, user: PageUser) -> HTMLResponse:
        """A background run's draws done so far (the fragment asks again), or its result."""
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

    @app.get("/ui/scenarios/{sid}/sourcing", response_class=HTMLResponse, include_in_schema=False)
    def ui_sourcing(request: Request, sid: Id, user: PageUser, version: Ver = None) -> HTMLResponse:
        v = st.version(user, sid, version)
        try:
            cmp_, error = service.compare_doc(v.text), None
        except CCEconError as exc:
            cmp_, error = None, str(exc)
        return render(request, "_sourcing.html.j2", user, cmp=cmp_, error=error)

    @app.get("/scenarios/{sid}/report.{fmt}", include_in_schema=False)
    def report_download(sid: Id, fmt: str, user: PageUser, version: Ver = None) -> Response:
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

    @app.get("/scenarios/{sid}/diff", response_class=HTMLResponse, include_in_schema=False)
    def diff_page(request: Request, sid: Id, a: VerReq, b: VerReq, user: PageUser) -> HTMLResponse:
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

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page(
        request: Request, user: PageUser, ids: Annotated[list[str] | None, Query()] = None
    ) -> HTMLResponse:
        picked: list[tuple[int, int | None]] = []
        for item in ids or []:
            sid_s, _, ver_s = item.partition("@")
            sid_n, ver_n = _small_int(sid_s), _small_int(ver_s) if ver_s else None
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

    @app.get("/account", response_class=HTMLResponse, include_in_schema=False)
    def account_page(request: Request, user: PageUser) -> HTMLResponse:
        return render(request, "account.html.j2", user, token=None, tokens=st.list_tokens(user.id))

    @app.post("/ui/token", response_class=HTMLResponse, include_in_schema=False)
    def ui_token(request: Request, user: PageUser, _: None = Csrf) -> HTMLResponse:
        token = st.new_token(user.id)
        return render(request, "account.html.j2", user, token=token, tokens=st.list_tokens(user.id))

    @app.post("/ui/token/{token_id}/revoke", include_in_schema=False, dependencies=[Csrf])
    def ui_revoke(token_id: Id, user: PageUser) -> Response:
        st.revoke_token(user.id, token_id)
        return RedirectResponse("/account", status_code=303)

    from ccecon.web.budget import add_budget_routes

    add_budget_routes(app, render, lang_of)  # the budget page: ccecon/web/budget.py

    @app.get("/targets", response_class=HTMLResponse, include_in_schema=False)
    def targets_page(request: Request, user: PageUser) -> HTMLResponse:
        text = service.example_text("targets-445.yaml")
        return render(request, "targets.html.j2", user, text=text, levels=service.TARGET_LEVELS)

    @app.post("/ui/targets", response_class=HTMLResponse, include_in_schema=False)
    async def ui_targets(request: Request, user: PageUser, _: None = Csrf) -> HTMLResponse:
        form = await request.form()
        try:
            req = TargetsRequest(text=str(form.get("text", "")), level=str(form.get("level")))
            plan = await run_in_threadpool(service.targets_doc, req.text, req.level)
            error = None
        except (ValueError, CCEconError) as exc:
            plan, error = None, _short_error(exc)
        return render(request, "_targets_result.html.j2", user, plan=plan, error=error)

    @app.get("/staff", response_class=HTMLResponse, include_in_schema=False)
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

    @app.post("/ui/staff", response_class=HTMLResponse, include_in_schema=False)
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
                    rows = service.staff_profile(
                        calls, req.aht_s, req.interval_s, open_hour, **goals
                    )
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

    return app


# ---------------------------------------------------------------------------- helpers
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


def download_disposition(name: str, suffix: str, ext: str) -> str:
    """``Content-Disposition`` of a download named after the scenario and its version:
    ``Virtual-agent-in-front-of-web-chat-v3.pdf``, with the name as written (any language)
    in ``filename*`` (RFC 6266) for browsers that read it."""
    from urllib.parse import quote

    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")[:80] or "scenario"
    full = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]+', "-", name).strip(" .-")[:120] or "scenario"
    return (
        f'attachment; filename="{ascii_name}-{suffix}.{ext}"; '
        f"filename*=UTF-8''{quote(f'{full}-{suffix}.{ext}')}"
    )


def shown(value: Any, key: str = "", part: Any = None, never: str = "never") -> str:
    """A number as pages show it: thousands separators and two decimals; a payback that is
    never reached as ``never``; a missing, infinite or undefined value as a dash, never
    ``inf`` or ``nan``."""
    reached = part.get(key.replace("_months", "_reached")) if isinstance(part, dict) else None
    if key.endswith("payback_months") and reached is False:
        return never
    if isinstance(value, bool) or value is None:
        return "-" if value is None else str(value)
    if isinstance(value, int | float):
        return f"{value:,.2f}" if math.isfinite(value) else "-"
    if isinstance(value, str) and value.lower() in ("inf", "-inf", "nan", "infinity"):
        return "-"
    return str(value)


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


def _small_int(raw: object) -> int | None:
    """A positive id from form or query text, or None (never an int the database rejects)."""
    if isinstance(raw, str) and raw.isdigit() and 0 < int(raw) <= MAX_ID:
        return int(raw)
    return None


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


STAFF_FORM_DEFAULTS = {
    "sl_target": f"{DEFAULT_SL_TARGET * 100:g}%",
    "sl_threshold_s": f"{DEFAULT_SL_THRESHOLD_S:g}",
    "shrinkage": f"{DEFAULT_SHRINKAGE * 100:g}%",
}
"""What the staffing page shows before anything is typed: the library's defaults."""


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


def _opt_num(form: Any, key: str) -> float | None:
    """A number from an optional form field; None when it is left empty."""
    raw = form.get(key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return _num(form, key)


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
