"""The pages through FastAPI's TestClient: session cookie flags, CSRF on every form post,
login required, workspace walls for signed-in users, inline validation, and the results,
uncertainty, sourcing and comparison pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ccecon.web.app import create_app
from ccecon.web.store import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
USD = (EXAMPLES / "usd-onprem-to-cloud.yaml").read_text(encoding="utf-8")
UNCERTAIN = (EXAMPLES / "uncertain-chatbot.yaml").read_text(encoding="utf-8")
SOURCING = (EXAMPLES / "sourcing-cny-seed004.yaml").read_text(encoding="utf-8")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(client: TestClient, url: str = "/login") -> str:
    """The CSRF token a page's forms carry."""
    m = CSRF.search(client.get(url).text)
    assert m is not None, url
    return m.group(1)


def log_in(client: TestClient, name: str, password: str) -> str:
    """Sign in through the login form; the session's (new) CSRF token."""
    r = client.post(
        "/login",
        data={"name": name, "password": password, "csrf": csrf_of(client)},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/", r.text
    return csrf_of(client, "/")


def save_new(client: TestClient, csrf: str, text: str) -> int:
    """Save a new scenario through the editor form; its id (from the redirect)."""
    r = client.post("/ui/save", data={"text": text, "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return int(r.headers["location"].split("/")[2])


@pytest.fixture
def app_store(sqlite_store: Store) -> Iterator[tuple[Store, TestClient, TestClient]]:
    """The store with ann (alpha) and bob (beta), and one browser-like client each."""
    sqlite_store.add_user("ann", "password-a", "alpha")
    sqlite_store.add_user("bob", "password-b", "beta")
    app = create_app(store=sqlite_store)
    with TestClient(app) as ann, TestClient(app) as bob:
        yield sqlite_store, ann, bob


def test_session_cookie_is_httponly_and_samesite(
    app_store: tuple[Store, TestClient, TestClient],
) -> None:
    _, ann, _ = app_store
    r = ann.post(
        "/login",
        data={"name": "ann", "password": "password-a", "csrf": csrf_of(ann)},
        follow_redirects=False,
    )
    cookie = r.headers["set-cookie"].lower()
    assert cookie.startswith("ccecon_session=")
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # plain HTTP on loopback by default
    csp = ann.get("/").headers["content-security-policy"]
    assert "default-src 'self'" in csp and "connect-src 'self'" in csp
    store, _, _ = app_store
    app = create_app(store=store, secure_cookie=True)
    with TestClient(app, base_url="https://testserver") as tls:
        r = tls.post(
            "/login",
            data={"name": "ann", "password": "password-a", "csrf": csrf_of(tls)},
            follow_redirects=False,
        )
        assert "; secure" in r.headers["set-cookie"].lower()


def test_pages_need_a_session(app_store: tuple[Store, TestClient, TestClient]) -> None:
    _, ann, _ = app_store
    for url in (
        "/",
        "/scenarios/new",
        "/scenarios/1",
        "/scenarios/1/results",
        "/staff",
        "/targets",
    ):
        r = ann.get(url, follow_redirects=False)
        assert (r.status_code, r.headers.get("location")) == (303, "/login"), url
    hx = ann.get("/", headers={"HX-Request": "true"}, follow_redirects=False)
    assert (hx.status_code, hx.headers["hx-redirect"]) == (401, "/login")
    m = CSRF.search(ann.get("/login").text)
    assert m is not None
    # a valid CSRF token is not a session: posting a form still needs a signed-in user
    r = ann.post("/ui/save", data={"text": USD, "csrf": m.group(1)}, follow_redirects=False)
    assert (r.status_code, r.headers.get("location")) == (303, "/login")


def test_every_form_post_checks_csrf(app_store: tuple[Store, TestClient, TestClient]) -> None:
    store, ann, _ = app_store
    # log in: no token, a wrong token -> 403 and no session
    for data in ({}, {"csrf": "forged"}):
        r = ann.post("/login", data={"name": "ann", "password": "password-a", **data})
        assert r.status_code == 403
        assert ann.get("/", follow_redirects=False).status_code == 303
    token = log_in(ann, "ann", "password-a")
    user = store.authenticate("ann", "password-a")
    assert user is not None
    for url, data in [
        ("/ui/save", {"text": USD}),
        ("/ui/validate", {"text": USD}),
        ("/ui/staff", {"calls": "100"}),
        ("/logout", {}),
    ]:
        for given in ({}, {"csrf": "forged"}, {"csrf": token + "x"}):
            r = ann.post(url, data={**data, **given}, follow_redirects=False)
            assert r.status_code == 403, (url, given)
    assert store.list_scenarios(user) == []  # nothing was saved by the forged posts
    assert ann.get("/", follow_redirects=False).status_code == 200  # nor logged out
    # the right token (form field or HTMX header) is accepted
    r = ann.post("/ui/save", data={"text": USD, "csrf": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("/results")
    r = ann.post("/ui/validate", data={"text": USD}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and 'class="ok"' in r.text
    assert len(store.list_scenarios(user)) == 1


def test_signed_in_user_cannot_reach_another_workspace(
    app_store: tuple[Store, TestClient, TestClient],
) -> None:
    store, ann, bob = app_store
    a_token = log_in(ann, "ann", "password-a")
    b_token = log_in(bob, "bob", "password-b")
    sid = save_new(ann, a_token, USD)
    owner = store.authenticate("ann", "password-a")
    assert owner is not None
    assert f"/scenarios/{sid}" not in bob.get("/").text  # not listed
    missing = sid + 1000
    for url in (
        "/scenarios/{}",
        "/scenarios/{}/results",
        "/scenarios/{}/report.html",
        "/scenarios/{}/diff?a=1&b=1",
        "/compare?ids={}&ids={}",
        "/ui/scenarios/{}/sourcing",
    ):
        theirs, nothing = bob.get(url.format(sid, sid)), bob.get(url.format(missing, missing))
        assert theirs.status_code == nothing.status_code == 404, url
        assert theirs.text == nothing.text, url  # existence is not revealed
    for url, data in [
        ("/ui/save", {"text": USD.replace("0.10", "0.5"), "sid": str(sid)}),
        ("/ui/save", {"text": USD, "sid": f"{sid}x"}),
        (f"/ui/delete/{sid}", {}),
        (f"/ui/scenarios/{sid}/simulate", {"draws": "10", "seed": "1"}),
    ]:
        r = bob.post(url, data={**data, "csrf": b_token}, follow_redirects=False)
        assert r.status_code == 404, url
    assert [v.version for v in store.versions(owner, sid)] == [1]  # untouched
    assert store.info(owner, sid).latest_version == 1


def test_inline_validation_names_the_field(
    app_store: tuple[Store, TestClient, TestClient],
) -> None:
    _, ann, _ = app_store
    token = log_in(ann, "ann", "password-a")
    hx = {"X-CSRF-Token": token, "HX-Request": "true"}
    r = ann.post("/ui/validate", data={"text": USD, "horizon_months": "0"}, headers=hx)
    assert r.status_code == 200
    msg = re.search(r'id="msg-horizon_months"[^>]*>([^<]*)<', r.text)
    assert (
        msg is not None and "greater than or equal to 1" in msg.group(1) and "(0)" in msg.group(1)
    )
    # a deeper field: the message above the YAML names the path and the value
    deep = USD.replace("aht_s: 330", "aht_s: -5")
    r = ann.post("/ui/validate", data={"text": deep}, headers=hx)
    assert "channels[0].aht_s" in r.text and "-5" in r.text
    # saving an invalid scenario keeps the text on screen with the message, stores nothing
    r = ann.post("/ui/save", data={"text": deep, "csrf": token}, follow_redirects=False)
    assert r.status_code == 422 and "channels[0].aht_s" in r.text and "aht_s: -5" in r.text
    assert "No scenarios yet." in ann.get("/").text


def test_results_show_unit_costs_uncertainty_and_versions(
    app_store: tuple[Store, TestClient, TestClient],
) -> None:
    from ccecon.engine import evaluate
    from ccecon.scenario.load import parse_scenario

    _, ann, _ = app_store
    token = log_in(ann, "ann", "password-a")
    sid = save_new(ann, token, UNCERTAIN)
    page = ann.get(f"/scenarios/{sid}/results").text
    lib = evaluate(parse_scenario(UNCERTAIN))
    per_call = float(lib.to_dict()["unit_costs"]["horizon"]["cost_per_inbound_call"])
    assert 'id="unit-costs"' in page and f"{per_call:,.2f}" in page
    assert 'id="simulate"' in page
    sim = ann.post(
        f"/ui/scenarios/{sid}/simulate",
        data={"draws": "400", "seed": "7"},
        headers={"X-CSRF-Token": token},
    )
    assert sim.status_code == 200 and 'id="simulation"' in sim.text
    p = re.search(r'id="p-npv-positive">([\d.]+) %<', sim.text)
    assert p is not None and 0 < float(p.group(1)) < 100
    # the same seed gives the same answer (the one simulate of the library)
    again = ann.post(
        f"/ui/scenarios/{sid}/simulate",
        data={"draws": "400", "seed": "7"},
        headers={"X-CSRF-Token": token},
    )
    assert again.text == sim.text
    bad = ann.post(
        f"/ui/scenarios/{sid}/simulate",
        data={"draws": "0", "seed": "7"},
        headers={"X-CSRF-Token": token},
    )
    assert bad.status_code == 200 and "draws" in bad.text and 'role="alert"' in bad.text
    # a second version; the editor offers its versions for comparison
    r = ann.post(
        "/ui/save",
        data={"text": UNCERTAIN.replace("0.08", "0.12"), "sid": str(sid), "csrf": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    editor = ann.get(f"/scenarios/{sid}").text
    assert f'value="{sid}@1"' in editor and f'value="{sid}@2"' in editor
    cmp_ = ann.get(f"/compare?ids={sid}@1&ids={sid}@2")
    assert cmp_.status_code == 200 and " v1<" in cmp_.text and " v2<" in cmp_.text


def test_simulate_without_ranges_says_nothing_is_uncertain(
    app_store: tuple[Store, TestClient, TestClient],
) -> None:
    _, ann, _ = app_store
    token = log_in(ann, "ann", "password-a")
    sid = save_new(ann, token, USD)  # every input a single number
    sim = ann.post(
        f"/ui/scenarios/{sid}/simulate",
        data={"draws": "10000", "seed": "1"},
        headers={"X-CSRF-Token": token},
    )
    assert sim.status_code == 200 and 'id="no-ranges"' in sim.text
    assert "Nothing in this scenario is uncertain" in sim.text
    assert 'id="p-npv-positive"' not in sim.text  # no 0.0 % from identical draws
    assert f'href="/scenarios/{sid}"' in sim.text and "min: 300, mode: 360" in sim.text


def test_sourcing_options_on_the_results_page(
    app_store: tuple[Store, TestClient, TestClient],
) -> None:
    _, ann, _ = app_store
    token = log_in(ann, "ann", "password-a")
    sid = save_new(ann, token, SOURCING)
    page = ann.get(f"/scenarios/{sid}/results").text
    assert f'hx-get="/ui/scenarios/{sid}/sourcing?version=1"' in page
    # a sourcing-only file leads with the options, not an empty business case
    assert page.index('id="sourcing-result"') < page.index('id="simulate"')
    assert 'id="metrics"' not in page and 'id="fig-cashflow"' not in page
    frag = ann.get(f"/ui/scenarios/{sid}/sourcing?version=1").text
    for option in ("in-house", "outsourced", "hosted", "hybrid"):
        assert f'id="option-{option}"' in frag
    # a scenario without a sourcing section has no such block
    plain = save_new(ann, token, USD)
    assert "/sourcing" not in ann.get(f"/scenarios/{plain}/results").text


def test_targets_page_splits_the_goal(app_store: tuple[Store, TestClient, TestClient]) -> None:
    _, ann, _ = app_store
    token = log_in(ann, "ann", "password-a")
    page = ann.get("/targets").text
    assert "goal: 12000000" in page and 'id="targets-yaml"' in page
    text = (EXAMPLES / "targets-445.yaml").read_text(encoding="utf-8")
    hx = {"X-CSRF-Token": token}
    r = ann.post("/ui/targets", data={"text": text, "level": "quarter"}, headers=hx)
    rows = re.findall(r"<tr><td>FY2027-Q(\d)", r.text)
    assert rows == ["1", "2", "3", "4"] and 'id="gap"' in r.text
    bad = ann.post("/ui/targets", data={"text": text, "level": "decade"}, headers=hx)
    assert 'role="alert"' in bad.text and "level" in bad.text


def test_a_stored_text_the_library_now_refuses_is_an_html_message(
    app_store: tuple[Store, TestClient, TestClient],
) -> None:
    """A version saved when it was valid and refused by a later release (here written to
    the store directly): its pages say what is wrong, in HTML, never a server error."""
    store, ann, _ = app_store
    token = log_in(ann, "ann", "password-a")
    owner = store.authenticate("ann", "password-a")
    assert owner is not None
    sid = save_new(ann, token, USD)
    store.save(owner, sid, USD.replace("horizon_months: 36", "horizon_months: -1"))
    for url in (f"/scenarios/{sid}/results", f"/scenarios/{sid}/report.html"):
        r = ann.get(url)
        assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
        assert "horizon_months" in r.text and 'role="alert"' in r.text
    assert ann.get(f"/scenarios/{sid}").status_code == 200  # the editor still opens it


def test_account_page_makes_an_api_token(app_store: tuple[Store, TestClient, TestClient]) -> None:
    _, ann, _ = app_store
    assert ann.post("/ui/token", follow_redirects=False).status_code == 303  # not signed in
    token = log_in(ann, "ann", "password-a")
    assert "alpha" in ann.get("/account").text
    assert ann.post("/ui/token", data={"csrf": "forged"}).status_code == 403
    r = ann.post("/ui/token", data={"csrf": token})
    m = re.search(r'<pre id="token">(cce_[\w-]+)</pre>', r.text)
    assert m is not None
    api = {"Authorization": f"Bearer {m.group(1)}"}
    ann.cookies.clear()  # the API takes the token, not the session
    assert ann.get("/api/scenarios", headers=api).status_code == 200
    assert ann.get("/api/scenarios").status_code == 401


def test_both_languages_have_every_text() -> None:
    from ccecon.web.i18n import LANGS, METRIC_LABELS, TEXTS

    assert set(TEXTS) == set(METRIC_LABELS) == set(LANGS)
    assert set(TEXTS["en"]) == set(TEXTS["zh"])
    assert set(METRIC_LABELS["en"]) == set(METRIC_LABELS["zh"])
    for key, text in TEXTS["zh"].items():
        if key not in {"app", "yaml"}:
            assert text != TEXTS["en"][key], key  # translated, not copied


def test_staffing_page_takes_every_goal_of_ccecon_staff(
    app_store: tuple[Store, TestClient, TestClient],
) -> None:
    from ccecon.queueing import one_interval

    _, ann, _ = app_store
    token = log_in(ann, "ann", "password-a")
    hx = {"X-CSRF-Token": token}
    base = {
        "calls": "100",
        "interval_min": "30",
        "aht_s": "180",
        "sl_target": "80%",
        "sl_threshold_s": "20",
        "shrinkage": "0.3",
    }
    more = {
        "max_asa_s": "5",
        "max_occupancy": "85%",
        "patience_s": "120",
        "max_abandon": "0.03",
    }
    r = ann.post("/ui/staff", data={**base, **more}, headers=hx)
    lib = one_interval(
        100,
        180,
        1800,
        sl_target=0.8,
        sl_threshold_s=20,
        max_asa_s=5,
        max_occupancy=0.85,
        patience_s=120,
        max_abandon=0.03,
        shrinkage=0.3,
    )
    agents = re.search(r'id="agents">(\d+)<', r.text)
    assert agents is not None and int(agents.group(1)) == lib["agents"]
    assert 'id="model">Erlang A<' in r.text and 'id="abandon"' in r.text
    plain = ann.post("/ui/staff", data={**base, "max_asa_s": " "}, headers=hx)
    assert 'id="model">Erlang C<' in plain.text
    bad = ann.post("/ui/staff", data={**base, "max_abandon": "3%"}, headers=hx)
    assert 'role="alert"' in bad.text and "patience" in bad.text
    # a share typed as a bare percentage is refused with both spellings, as in files
    pct = ann.post("/ui/staff", data={**base, "shrinkage": "35"}, headers=hx)
    assert 'role="alert"' in pct.text and "0.35" in pct.text and "35%" in pct.text
    same = ann.post("/ui/staff", data={**base, "shrinkage": "30%", "sl_target": "0.8"}, headers=hx)
    plain_agents = re.search(r'id="agents">(\d+)<', plain.text)
    same_agents = re.search(r'id="agents">(\d+)<', same.text)
    assert same_agents is not None and plain_agents is not None
    assert same_agents.group(1) == plain_agents.group(1)


NEVER_PAYS = """
name: never pays back
currency: USD
start: 2027-01
horizon_months: 6
discount_rate: 0
proposal:
  cost_lines: [{name: invest, family: initial, amount: 1000, timing: once, month: 0}]
  benefit_lines:
    - {name: saving, kind: direct, amount: {dist: uniform, min: 50, max: 150}}
"""


def test_simulation_page_says_never_within_the_horizon(
    app_store: tuple[Store, TestClient, TestClient],
) -> None:
    """6 months of savings of at most 150 against 1,000 invested (by hand: 6 x 150 = 900):
    no draw pays back, and the page says so in words, never "inf" or "None"."""
    _, ann, _ = app_store
    token = log_in(ann, "ann", "password-a")
    sid = save_new(ann, token, NEVER_PAYS)
    sim = ann.post(
        f"/ui/scenarios/{sid}/simulate",
        data={"draws": "200", "seed": "3"},
        headers={"X-CSRF-Token": token},
    )
    assert sim.status_code == 200 and 'id="simulation"' in sim.text
    # P10, P50, P90 and the base case of both paybacks
    assert sim.text.count("never within the horizon") == 8
    assert re.search(r'id="payback-within">[^<]*: 0\.0 %<', sim.text)
    assert "inf" not in sim.text and "None" not in sim.text


def test_compare_refuses_scenarios_in_two_currencies(
    app_store: tuple[Store, TestClient, TestClient],
) -> None:
    _, ann, _ = app_store
    token = log_in(ann, "ann", "password-a")
    usd = save_new(ann, token, USD)
    usd2 = save_new(ann, token, USD.replace("discount_rate: 0.10", "discount_rate: 0.12"))
    eur = save_new(ann, token, UNCERTAIN)
    r = ann.get(f"/compare?ids={usd}&ids={eur}")
    assert r.status_code == 422 and 'id="mixed-currencies"' in r.text
    assert "different currencies (USD, EUR)" in r.text
    assert 'id="comparison"' not in r.text and 'id="fig-compare"' not in r.text
    same = ann.get(f"/compare?ids={usd}&ids={usd2}")
    assert same.status_code == 200 and 'id="comparison"' in same.text
    assert "Currency: USD" in same.text and "Cumulative net cash flow (USD)" in same.text


def test_diff_lists_the_changed_inputs_and_ignores_line_endings(
    app_store: tuple[Store, TestClient, TestClient],
) -> None:
    """v1 stored with LF and v2 with CRLF (as an older release stored a browser's text):
    only the changed number shows, as one line and one input."""
    store, ann, _ = app_store
    log_in(ann, "ann", "password-a")
    owner = store.authenticate("ann", "password-a")
    assert owner is not None
    v1 = store.create(owner, "Cloud", USD)
    crlf = USD.replace("discount_rate: 0.10", "discount_rate: 0.12").replace("\n", "\r\n")
    store.save(owner, v1.scenario_id, crlf)
    page = ann.get(f"/scenarios/{v1.scenario_id}/diff?a=1&b=2").text
    assert page.count('<tr class="del">') == page.count('<tr class="add">') == 1
    assert re.search(r'<td title="discount_rate">Discount rate</td><td class="num old">0.1<', page)
    assert 'id="effect-npv"' in page
    # the unified diff of the API too
    token = store.new_token(owner.id)
    api = ann.get(
        f"/api/scenarios/{v1.scenario_id}/diff?a=1&b=2",
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    changed = [ln for ln in api["diff"].splitlines() if ln[:1] in "+-" and ln[:3] not in "+++---"]
    assert len(changed) == 2 and changed[1].startswith("+discount_rate: 0.12")
    assert api["changes"] == [
        {"path": "discount_rate", "label": "Discount rate", "old": "0.1", "new": "0.12"}
    ]


def test_errors_use_labels_and_list_every_problem(
    app_store: tuple[Store, TestClient, TestClient],
) -> None:
    _, ann, _ = app_store
    token = log_in(ann, "ann", "password-a")
    hx = {"X-CSRF-Token": token, "HX-Request": "true"}
    # two mistakes at once in the editor: both listed, each by its label (and its path)
    bad = UNCERTAIN.replace("horizon_months: 36", "horizon_months: 0").replace(
        "aht_s: 480", "aht_s: abc"
    )
    r = ann.post("/ui/validate", data={"text": bad}, headers=hx)
    items = re.findall(r"<li>(.*?)</li>", r.text, re.S)
    assert len(items) == 2, r.text
    assert items[0].startswith("<b>Horizon (months)</b>: Input should be greater than or equal")
    assert items[1].startswith("<b>chats: AHT (s)</b>: Input should be a valid number")
    assert "channels[1].aht_s" in items[1]  # the path too, for whoever edits the YAML
    msg = re.search(r'id="msg-horizon_months"[^>]*>([^<]*)<', r.text)
    assert msg is not None and msg.group(1) == "Input should be greater than or equal to 1 (0)"
    # a whole section is never echoed as a Python dict
    r = ann.post(
        "/ui/validate", data={"text": UNCERTAIN.replace("name: chats", "name: calls")}, headers=hx
    )
    assert "built-in driver" in r.text and "{&#39;" not in r.text
    # the staffing page: labels, not ids, and every mistake at once
    r = ann.post(
        "/ui/staff",
        data={
            "calls": "many",
            "aht_s": "x",
            "interval_min": "30",
            "sl_target": "80%",
            "sl_threshold_s": "20",
            "shrinkage": "30%",
        },
        headers=hx,
    )
    assert 'role="alert"' in r.text
    assert "Calls per interval: expected a number" in r.text
    assert "Average handle time (s): expected a number" in r.text
    assert "aht_s" not in r.text


def test_not_found_is_a_page_with_a_way_home_and_downloads_are_named(
    app_store: tuple[Store, TestClient, TestClient],
) -> None:
    _, ann, _ = app_store
    token = log_in(ann, "ann", "password-a")
    for url in ("/scenarios/999", "/no/such/page", "/scenarios/new?template=nope"):
        r = ann.get(url)
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
        assert '<link rel="stylesheet" href="/static/app.css">' in r.text, url
        assert "Page not found" in r.text and 'id="home" href="/"' in r.text, url
    assert ann.get("/api/nothing").json() == {"detail": "Not Found"}  # the API stays JSON
    sid = save_new(ann, token, UNCERTAIN)
    r = ann.get(f"/scenarios/{sid}/report.html")
    cd = r.headers["content-disposition"]
    assert 'filename="Virtual-agent-in-front-of-web-chat-v1.html"' in cd
    zh = save_new(ann, token, (EXAMPLES / "cny-inhouse-build.yaml").read_text(encoding="utf-8"))
    cd = ann.get(f"/scenarios/{zh}/report.html").headers["content-disposition"]
    from urllib.parse import unquote

    assert 'filename="50-In-house-build-50-agents-v1.html"' in cd
    assert unquote(cd.split("filename*=UTF-8''")[1]) == (
        "自建呼叫中心 (50 座席) - In-house build, 50 agents-v1.html"
    )


def test_pages_never_show_raw_inf_or_nan() -> None:
    """The number formatter of every page: infinite and undefined values are a dash."""
    from ccecon.web.site import shown

    assert shown(float("inf")) == shown(float("nan")) == shown("inf") == shown("nan") == "-"
    assert shown(None) == "-" and shown(1234567.891) == "1,234,567.89"
    part = {"payback_months": None, "payback_reached": False}
    assert shown(None, "payback_months", part, "never") == "never"


STAFF_100_CALLS = {
    "calls": "100",
    "interval_min": "30",
    "aht_s": "180",
    "sl_target": "80%",
    "sl_threshold_s": "20",
    "shrinkage": "30%",
}
"""The staffing form for 100 calls of 180 s in 30 minutes at 80/20 (14 agents)."""


def test_staffing_lists_fewer_and_more_agents_around_the_answer(
    app_store: tuple[Store, TestClient, TestClient],
) -> None:
    """N-3 .. N+3 agents with their service level. Reference: Erlang C by hand (the
    Erlang B recursion B(n) = A B(n-1) / (n + A B(n-1)), C = n B / (n - A (1 - B)),
    SL = 1 - C exp(-(n - A) T / AHT)), for 100 calls of 180 s in 30 min (A = 10)."""
    import math

    def sl(n: int, a: float = 10.0, t: float = 20.0, aht: float = 180.0) -> float:
        b = 1.0
        for k in range(1, n + 1):
            b = a * b / (k + a * b)
        c = n * b / (n - a * (1 - b))
        return 1 - c * math.exp(-(n - a) * t / aht)

    _, ann, _ = app_store
    token = log_in(ann, "ann", "password-a")
    base = dict(STAFF_100_CALLS)
    r = ann.post("/ui/staff", data=base, headers={"X-CSRF-Token": token})
    rows = re.findall(
        r'<tr( class="answer")?><td class="num">(\d+)</td>\s*<td class="num">([^<]*)</td>', r.text
    )
    assert [int(n) for _, n, _ in rows] == [11, 12, 13, 14, 15, 16, 17]
    assert [n for mark, n, _ in rows if mark] == ["14"]  # the answer, marked
    for _, n, shown_sl in rows:
        assert shown_sl == f"{sl(int(n)) * 100:.1f} %", n
    assert sl(13) < 0.8 <= sl(14)  # 14 is the fewest agents meeting 80/20


def test_quick_form_builds_channels_staffing_lines_and_levers(
    app_store: tuple[Store, TestClient, TestClient],
) -> None:
    """The quick form's text is an ordinary scenario: what it says is what the engine
    evaluates (the same NPV as the library on that text), and every mistake is listed
    under its label at once."""
    from ccecon.engine import evaluate
    from ccecon.scenario.load import parse_scenario

    store, ann, _ = app_store
    token = log_in(ann, "ann", "password-a")
    form = {
        "csrf": token,
        "name": "Deflection: pilot",
        "currency": "EUR",
        "start": "2027-01",
        "horizon_months": "24",
        "discount_rate": "8%",
        "ch0_name": "phone",
        "ch0_kind": "voice_inbound",
        "ch0_per_month": "20,000",
        "ch0_aht_s": "300",
        "cost_per_fte": "3500",
        "sl_target": "80%",
        "sl_threshold_s": "20",
        "shrinkage": "30%",
        "lv0_name": "Self-service",
        "lv0_channel": "phone",
        "lv0_volume_factor": "0.85 / 0.9 / 0.95",
        "lv0_start_month": "3",
        "lv0_ramp_months": "3",
        "ln0_case": "proposal",
        "ln0_family": "initial",
        "ln0_name": "Voice bot set-up",
        "ln0_amount": "40000",
        "ln0_timing": "once",
        "ln0_month": "0",
        "ln1_case": "proposal",
        "ln1_family": "operating",
        "ln1_name": "Bot fee",
        "ln1_amount": "0.2",
        "ln1_timing": "per_unit",
        "ln1_driver": "phone",
        "ln1_risk": "10%",
    }
    r = ann.post("/ui/quick/save", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    owner = store.authenticate("ann", "password-a")
    assert owner is not None
    (head,) = store.list_scenarios(owner)
    text = store.version(owner, head.id).text
    sc = parse_scenario(text)
    assert sc.name == "Deflection: pilot" and sc.currency == "EUR"
    assert sc.staffing is not None and sc.proposal.levers[0].channel == "phone"
    assert [ln.name for ln in sc.proposal.cost_lines] == [
        "Agents (per FTE)",
        "Voice bot set-up",
        "Bot fee",
    ]
    npv = float(evaluate(sc).metrics.npv[0])
    page = ann.get(f"/scenarios/{head.id}/results").text
    assert f"{npv:,.2f}" in page
    # every mistake at once, by label
    bad = {
        **form,
        "horizon_months": "2.5",
        "ln0_amount": "lots",
        "lv0_volume_factor": "1 / 0.5 / 2",
    }
    r = ann.post("/ui/quick", data=bad, headers={"X-CSRF-Token": token})
    items = re.findall(r"<li>(.*?)</li>", r.text)
    assert items == [
        "Horizon (months): expected a whole number (2.5)",
        "Line 1 (Voice bot set-up): Amount: expected a number (lots)",
        "Lever 1 (Self-service): Volume factor: expected a range as minimum / most likely"
        " / maximum, in that order (1 / 0.5 / 2)",
    ]


def test_a_long_simulation_shows_the_draws_done_then_the_same_result(
    app_store: tuple[Store, TestClient, TestClient],
) -> None:
    """More than 20,000 draws run in the background: the page shows a progress bar of
    the draws done and asks again until the result, which is the one a direct run of the
    same seed gives (the chunk size does not change the draws). Another user cannot
    read the run."""
    import time

    from ccecon.web import service

    _, ann, bob = app_store
    token = log_in(ann, "ann", "password-a")
    log_in(bob, "bob", "password-b")
    sid = save_new(ann, token, UNCERTAIN)
    r = ann.post(
        f"/ui/scenarios/{sid}/simulate",
        data={"draws": "30000", "seed": "5"},
        headers={"X-CSRF-Token": token},
    )
    m = re.search(rf'hx-get="(/ui/scenarios/{sid}/simulations/[\w-]+)"', r.text)
    assert m is not None and '<progress id="sim-bar" max="30000"' in r.text, r.text
    assert "0 of 30,000 draws done" in r.text
    assert bob.get(m.group(1)).status_code == 404  # not bob's run
    deadline = time.monotonic() + 120
    while True:
        frag = ann.get(m.group(1))
        assert frag.status_code == 200
        if 'id="simulation"' in frag.text:
            break
        assert "draws done" in frag.text
        assert time.monotonic() < deadline
        time.sleep(0.3)
    p = re.search(r'id="p-npv-positive">([\d.]+) %<', frag.text)
    direct = service.simulate_doc(UNCERTAIN, 30000, 5)["probabilities"]["npv_positive"]
    assert p is not None and p.group(1) == f"{direct * 100:.1f}"
    assert ann.get(m.group(1)).status_code == 404  # a finished run is handed out once


def test_staffing_page_charts_a_days_profile(
    app_store: tuple[Store, TestClient, TestClient],
) -> None:
    """Calls per 30-minute interval from 8:00: 0, 50, 100, 150 at 180 s, 80/20. Each
    interval's agents are the single-interval answer for its calls (100 calls: 14, the
    hand-checked answer of the test above; 0 calls: 0 agents); the page draws the chart
    from embedded JSON and lists the intervals from 08:00."""
    from ccecon.queueing import required_agents

    _, ann, _ = app_store
    token = log_in(ann, "ann", "password-a")
    data = {
        **STAFF_100_CALLS,
        "profile": "0, 50 100\n150",
        "open_hour": "8",
    }
    r = ann.post("/ui/staff", data=data, headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and 'id="staff-profile"' in r.text
    rows = re.findall(
        r"<tr><td>(\d\d:\d\d)</td><td class=\"num\">([\d,]+)</td><td class=\"num\">(\d+)</td>",
        r.text,
    )
    assert [t for t, _, _ in rows] == ["08:00", "08:30", "09:00", "09:30"]
    want = [
        int(required_agents(c, 180, 1800, sl_target=0.8, sl_threshold_s=20))
        for c in (0, 50, 100, 150)
    ]
    assert [int(n) for _, _, n in rows] == want and want[0] == 0 and want[2] == 14
    assert 'id="fig-profile" class="chart" data-figure="{' in r.text
    bad = ann.post(
        "/ui/staff", data={**data, "profile": "10, lots, 30"}, headers={"X-CSRF-Token": token}
    )
    assert "interval 2: &#39;lots&#39; is not a number of calls" in bad.text  # escaped
    assert "Calls per interval over the day" in bad.text  # the field by its label
