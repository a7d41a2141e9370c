"""What the web app's routers share: the signed-in user (a page's session or an API
token), the CSRF check, the store of the request, and the page machinery (templates in the
user's language, the error page, the editor and the quick form) used by pages and forms
alike."""

from __future__ import annotations

import asyncio
import math
import re
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import Depends, HTTPException, Query, Request
from fastapi import Path as FPath
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from ccecon.defaults import DEFAULT_SHRINKAGE, DEFAULT_SL_TARGET, DEFAULT_SL_THRESHOLD_S
from ccecon.web import yamledit
from ccecon.web.i18n import METRIC_LABELS, TEXTS, pick
from ccecon.web.security import new_csrf_token, same_token
from ccecon.web.store import Store, User

HERE = Path(__file__).parent
MAX_TEXT = 1_000_000
"""Largest scenario text accepted (characters)."""


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
    form = None
    if given is None:
        form = await request.form()
        v = form.get("csrf")
        given = v if isinstance(v, str) else None
    if not same_token(expected if isinstance(expected, str) else None, given):
        if form is not None:
            await form.close()  # a refused post's uploads: their temporary files closed now
        raise HTTPException(403, "CSRF token missing or wrong; reload the page")


ApiUser = Annotated[User, Depends(api_user)]
MAX_ID = 2_147_483_647
Id = Annotated[int, FPath(ge=1, le=MAX_ID, description="Scenario id.")]
Ver = Annotated[int | None, Query(ge=1, le=MAX_ID, description="Version (default latest).")]
VerReq = Annotated[int, Query(ge=1, le=MAX_ID, description="Version.")]
PageUser = Annotated[User, Depends(page_user)]
Csrf = Depends(check_csrf)
StoreDep = Annotated[Store, Depends(_store_of)]
"""The app's store (``app.state.store``), for a route that reads or saves scenarios."""


# ---------------------------------------------------------------------------- pages
# Autoescape every template whatever its file name: Starlette's default picks by
# extension and would leave ``*.html.j2`` unescaped.
templates = Jinja2Templates(
    env=jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True)
)


def error_page(request: Request, status: int, message: str | None = None) -> HTMLResponse:
    """A page in the app's style saying what went wrong, with a way back home."""
    t = TEXTS[lang_of(request)]
    title, hint = (
        ("not_found", "not_found_hint") if status == 404 else ("cannot_show", "cannot_show_hint")
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


def csrf(request: Request) -> str:
    """The session's CSRF token (made on first use), for the forms of a page."""
    tok = request.session.get("csrf")
    if not isinstance(tok, str):
        tok = new_csrf_token()
        request.session["csrf"] = tok
    return tok


def lang_of(request: Request) -> str:
    """The page's language: ``?lang=`` (kept in the session), else the session's, else the
    browser's ``Accept-Language``."""
    q = request.query_params.get("lang")
    if q in TEXTS:
        request.session["lang"] = q
    return pick(request.session.get("lang"), request.headers.get("accept-language"))


def render(request: Request, name: str, user: User | None, **ctx: Any) -> HTMLResponse:
    """The template ``name`` in the page's language, with the user and the CSRF token."""
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


def quick_page(
    request: Request, user: User, values: dict[str, str], errors: list[str]
) -> HTMLResponse:
    """The quick form with ``values`` as typed and the ``errors`` found in them."""
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


def editor(
    request: Request, user: User, *, sid: int | None, text: str, error: Any, **ctx: Any
) -> HTMLResponse:
    """The scenario editor on ``text`` (its fields read from it), with ``error`` shown."""
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


def small_int(raw: object) -> int | None:
    """A positive id from form or query text, or None (never an int the database rejects)."""
    if isinstance(raw, str) and raw.isdigit() and 0 < int(raw) <= MAX_ID:
        return int(raw)
    return None


STAFF_FORM_DEFAULTS = {
    "sl_target": f"{DEFAULT_SL_TARGET * 100:g}%",
    "sl_threshold_s": f"{DEFAULT_SL_THRESHOLD_S:g}",
    "shrinkage": f"{DEFAULT_SHRINKAGE * 100:g}%",
}
"""What the staffing page shows before anything is typed: the library's defaults."""

templates.env.globals["shown"] = shown
