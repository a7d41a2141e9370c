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

The routes live in routers: :mod:`ccecon.web.api` (the JSON API),
:mod:`ccecon.web.pages` (server-rendered pages), :mod:`ccecon.web.forms` (what the
pages post, and their HTMX fragments) and :mod:`ccecon.web.budget` (the budget page);
:mod:`ccecon.web.site` holds what they share (the signed-in user, the CSRF check, the
store of the request, templates). :func:`create_app` builds the application on a store
and includes them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from ccecon.errors import CCEconError
from ccecon.web import api, api_models, budget, forms, pages, service
from ccecon.web.engines import EnginePool
from ccecon.web.security import LoginThrottle
from ccecon.web.site import LoginRequired, error_page
from ccecon.web.store import NotFound, Store

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
"""No inline script or style runs: scripts and style sheets come only from files under
``/static`` (charts are drawn by ``static/charts.js`` from figures embedded as JSON data).
Plotly sets its element styles through the DOM, which the policy allows; its optional
inline ``<style>`` rules (the mode bar's hover effects) are refused and not needed."""


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
    # what the routers read from the request's app
    app.state.store = st
    app.state.engines = engines
    app.state.token_lookups = {}
    app.state.login_throttle = LoginThrottle()
    app.state.jobs = service.SimulationJobs()
    app.add_middleware(
        SessionMiddleware,
        secret_key=st.secret(),
        session_cookie="ccecon_session",
        same_site="lax",
        https_only=secure_cookie,
        max_age=8 * 3600,
    )
    app.add_middleware(SecurityHeaders)
    _handle_errors(app)
    # pages before forms: the order of the routes is the order they are tried in
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(forms.router)
    app.include_router(budget.router)  # the budget page: uploads, tracking, its report
    return app


def _handle_errors(app: FastAPI) -> None:
    """What the app answers for a missing thing, a user's mistake, a bad request, a bug and
    a page asked for without a session: JSON under ``/api``, a page elsewhere."""

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
