"""Hostile text in every saved field and every echoed error is shown as text, never run.

A scenario name, a line name and a version's text holding markup (``<script>``, an ``<img>``
with ``onerror``, a ``</script>`` that would end a JSON data block) are saved, then every
page that shows them is fetched: the raw markup must not appear, and its escaped form must
(so the test sees the value on the page and cannot pass by showing nothing). The browser
test opens the same pages in chromium with payloads that would set ``window.__pwned`` and
mint an API token, and checks neither happened and the policy has no ``unsafe-*``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ccecon.web.app import CSP, create_app
from ccecon.web.store import Store
from tests.web.test_pages import USD, log_in, save_new

SCRIPT = "<script>window.__pwned=1</script>"
IMG = "<img src=x onerror=window.__pwned=2>"
END = "</script><script>window.__pwned=3</script>"
SVG = '"><svg onload=window.__pwned=4>'
PAYLOADS = (SCRIPT, IMG, END, SVG)


def hostile_text() -> str:
    """The USD example with a hostile scenario name and hostile line names."""
    text = USD.replace("name: Inbound center, on-premises to cloud", f"name: 'Plan {IMG} {SCRIPT}'")
    text = text.replace("{name: Supervisors,", f"{{name: 'Sup {END}',")
    text = text.replace("{name: On-site technicians,", f"{{name: 'Tech {SVG}',")
    assert all(p in text for p in PAYLOADS)  # every payload made it into the text
    return text


def assert_escaped(page: str, where: str, *, must_show: tuple[str, ...] = PAYLOADS) -> None:
    """No payload appears as markup; each of ``must_show`` appears escaped (as text)."""
    for p in PAYLOADS:
        assert p not in page, (where, p)
    # the tags themselves never reach the page unescaped, in any form
    assert re.search(r"<(script|img|svg)[^>]*(pwned|onerror|onload)", page) is None, where
    for p in must_show:
        # Jinja escapes quotes too (&#34;); JSON data blocks use \\u003c escapes
        as_json = html.escape(p, quote=False).replace("<", "\\u003c").replace(">", "\\u003e")
        as_json = as_json.replace("&", "\\u0026")  # a chart's text, escaped twice
        shown = (html.escape(p), html.escape(p, quote=False), as_json)
        variants = (*shown, shown[0].replace("&#x27;", "&#39;").replace("&quot;", "&#34;"))
        assert any(v in page for v in variants), (where, p)


@pytest.fixture
def hostile(sqlite_store: Store) -> Iterator[tuple[TestClient, int, str]]:
    """ann signed in with one hostile scenario saved in two versions."""
    sqlite_store.add_user("ann", "password-a", "alpha")
    with TestClient(create_app(store=sqlite_store)) as ann:
        token = log_in(ann, "ann", "password-a")
        text = hostile_text()
        sid = save_new(ann, token, text)
        r = ann.post(
            "/ui/save",
            data={"text": text.replace("0.10 ", "0.12 "), "sid": str(sid), "csrf": token},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
        yield ann, sid, token


def test_saved_hostile_names_are_escaped_on_every_page(
    hostile: tuple[TestClient, int, str],
) -> None:
    ann, sid, _ = hostile
    pages = {
        "/": (IMG, SCRIPT),  # the list shows the scenario's name
        f"/scenarios/{sid}": PAYLOADS,  # the editor shows the whole text
        f"/scenarios/{sid}/results": (IMG, SCRIPT),  # the name in the heading
        f"/scenarios/{sid}/diff?a=1&b=2": (IMG, SCRIPT),  # the changed lines' context
        f"/compare?ids={sid}@1&ids={sid}@2": (IMG, SCRIPT),  # names in columns and chart
    }
    for url, shown in pages.items():
        r = ann.get(url)
        assert r.status_code == 200, (url, r.text[:300])
        assert_escaped(r.text, url, must_show=shown)


def test_echoed_errors_are_escaped(hostile: tuple[TestClient, int, str]) -> None:
    ann, _, token = hostile
    hx = {"X-CSRF-Token": token}
    bad_currency = hostile_text().replace("currency: USD", f"currency: '{IMG}'")
    for url, data in (
        ("/ui/validate", {"text": bad_currency}),
        ("/ui/save", {"text": bad_currency, "csrf": token}),
        ("/ui/targets", {"text": f"goal: '{IMG}'", "level": "quarter"}),
        ("/ui/targets", {"text": "goal: 1", "level": IMG}),
        ("/ui/staff", {"calls": IMG, "aht_s": "180", "interval_min": "30"}),
    ):
        r = ann.post(url, data=data, headers=hx)
        assert 'role="alert"' in r.text, (url, r.text[:300])
        for p in PAYLOADS:
            assert p not in r.text, (url, p)
        assert "<img" not in r.text, url


def test_a_hostile_user_and_workspace_name_are_escaped(sqlite_store: Store) -> None:
    sqlite_store.add_user(IMG, "password-x", SCRIPT)
    with TestClient(create_app(store=sqlite_store)) as c:
        log_in(c, IMG, "password-x")
        for url in ("/", "/account", "/staff", "/targets"):
            assert_escaped(c.get(url).text, url, must_show=(IMG,))


def test_the_policy_allows_no_inline_script_or_style(sqlite_store: Store) -> None:
    directives = dict(d.strip().split(" ", 1) for d in CSP.split(";") if d.strip())
    assert "unsafe" not in CSP
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    with TestClient(create_app(store=sqlite_store)) as c:
        assert c.get("/login").headers["content-security-policy"] == CSP


@pytest.mark.browser
def test_no_hostile_script_runs_in_the_browser(sqlite_store: Store) -> None:
    from tests.browser import browser, open_page, wait_until
    from tests.web.conftest import Server

    ann = sqlite_store.add_user("ann", "password-a", "alpha")
    text = hostile_text()
    v1 = sqlite_store.create(ann, "from the store", text)
    sqlite_store.save(ann, v1.scenario_id, text.replace("0.10 ", "0.12 "))
    sid = v1.scenario_id
    tokens_before = len(sqlite_store.list_tokens(ann.id))
    with (
        Server(sqlite_store) as srv,
        browser() as b,
        open_page(b, srv.url + "/login") as (
            page,
            log,
        ),
    ):
        page.fill("#name", "ann")
        page.fill("#password", "password-a")
        page.click("#login")
        page.wait_for_url(srv.url + "/")
        urls = [
            "/",
            f"/scenarios/{sid}",
            f"/scenarios/{sid}/results",
            f"/scenarios/{sid}/diff?a=1&b=2",
            f"/compare?ids={sid}@1&ids={sid}@2",
        ]
        for url in urls:
            page.goto(srv.url + url)
            page.wait_for_load_state("load")
            if "results" in url or "compare" in url:
                wait_until(page, "document.querySelector('.chart svg.main-svg') !== null")
            assert page.evaluate("window.__pwned === undefined"), url
            assert "<script>" not in page.evaluate("document.title"), url
        # an inline script that did reach a page would be refused by the policy
        page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.__pwned = 9'; document.body.appendChild(s); }"
        )
        assert page.evaluate("window.__pwned === undefined")
        header = page.request.get(srv.url + "/").headers["content-security-policy"]
        assert "unsafe" not in header
    assert len(sqlite_store.list_tokens(ann.id)) == tokens_before  # no token minted
    refused = [e for e in log.console_errors if "Content Security Policy" in e]
    assert len(refused) == 1 and "script" in refused[0]  # only the test's own injection


def test_fragments_of_uncertain_and_sourcing_scenarios_are_escaped(
    hostile: tuple[TestClient, int, str],
) -> None:
    """The simulation and sourcing fragments (HTMX) of scenarios with hostile names."""
    from tests.web.test_pages import SOURCING, UNCERTAIN

    ann, _, token = hostile
    hx = {"X-CSRF-Token": token}
    for text in (UNCERTAIN, SOURCING):
        first = text.splitlines().index(
            next(ln for ln in text.splitlines() if ln.startswith("name:"))
        )
        lines = text.splitlines()
        lines[first] = f"name: 'X {IMG} {SCRIPT}'"
        sid = save_new(ann, token, "\n".join(lines) + "\n")
        page = ann.get(f"/scenarios/{sid}/results").text
        assert_escaped(page, "results", must_show=(IMG, SCRIPT))
        sim = ann.post(
            f"/ui/scenarios/{sid}/simulate", data={"draws": "50", "seed": "1"}, headers=hx
        )
        src = ann.get(f"/ui/scenarios/{sid}/sourcing")
        for frag in (sim.text, src.text):
            assert_escaped(frag, "fragment", must_show=())
