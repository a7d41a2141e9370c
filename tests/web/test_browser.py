"""The web app in a real browser (Debian's chromium via Playwright) against a real uvicorn
server on loopback: the path a new user takes, and no request to any other host."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ccecon.web.store import Store
from tests.browser import browser, doc_screenshot, open_page, screenshot, wait_until
from tests.web.conftest import Server

CHARTS_DRAWN = (
    "document.querySelectorAll('.chart').length > 0 && "
    "[...document.querySelectorAll('.chart')].every(c => c.querySelector('svg.main-svg'))"
)


@pytest.mark.browser
def test_login_edit_evaluate_compare_download(sqlite_store: Store, tmp_path: Path) -> None:
    sqlite_store.add_user("ann", "password-a", "alpha")
    with Server(sqlite_store) as srv, browser() as b, open_page(b, srv.url + "/") as (page, log):
        # not signed in: the page sends us to the login form
        page.wait_for_url(srv.url + "/login")
        page.fill("#name", "ann")
        page.fill("#password", "wrong-password")
        page.click("#login")
        assert "wrong" in page.inner_text("#login-error")
        page.fill("#name", "ann")
        page.fill("#password", "password-a")
        page.click("#login")
        page.wait_for_url(srv.url + "/")

        # create a scenario; a bad value shows its message inline, fixing it clears it
        page.click("#new")  # a choice of starts: the quick form or an example
        page.click("#template-inhouse-cny")
        page.wait_for_selector("#yaml")
        page.fill("#f-horizon_months", "0")
        wait_until(page, "document.querySelector('#msg-horizon_months').textContent.length > 0")
        assert "greater than or equal to 1" in page.inner_text("#msg-horizon_months")
        assert "horizon_months" in page.inner_text("#validation")
        page.fill("#f-horizon_months", "48")
        page.wait_for_selector("#validation.ok")
        assert page.inner_text("#msg-horizon_months") == ""
        page.fill("#f-name", "First plan")
        page.wait_for_selector("#validation.ok")
        page.click("#save")

        # evaluated: the numbers and the charts, drawn by the served plotly.js
        page.wait_for_selector("#metrics")
        wait_until(page, CHARTS_DRAWN)
        assert "First plan" in page.inner_text("h1")
        assert "v1" in page.inner_text("h1")
        screenshot(page, "web-results")

        assert page.inner_text("#uc-cost_per_inbound_call").replace(",", "").strip() != ""

        # how sure: a Monte Carlo run from the page (HTMX), same engine as `ccecon simulate`
        # the demo has no ranges: the page says so instead of identical draws
        page.fill("#draws", "300")
        page.click("#run-simulation")
        page.wait_for_selector("#no-ranges")
        assert "Nothing in this scenario is uncertain" in page.inner_text("#no-ranges")

        # download the report: HTML, Excel, PDF
        for fmt, magic in (("html", b"<!doctype html"), ("xlsx", b"PK"), ("pdf", b"%PDF-")):
            with page.expect_download(timeout=60_000) as dl:
                page.click(f"#report-{fmt}")
            saved = tmp_path / f"report.{fmt}"
            dl.value.save_as(saved)
            assert saved.read_bytes()[: len(magic)].lower() == magic.lower(), fmt

        # a second scenario, then both side by side
        page.goto(srv.url + "/scenarios/new?template=inhouse-cny")
        page.fill("#f-name", "Second plan")
        page.fill("#f-discount_rate", "0.2")
        page.wait_for_selector("#validation.ok")
        page.click("#save")
        page.wait_for_selector("#metrics")
        page.goto(srv.url + "/")
        boxes = page.locator("#scenarios input[type=checkbox]")
        assert boxes.count() == 2
        boxes.nth(0).check()
        boxes.nth(1).check()
        page.click("#compare")
        page.wait_for_selector("#comparison")
        wait_until(page, CHARTS_DRAWN)
        head = page.inner_text("#comparison tr:first-child")
        assert "First plan" in head and "Second plan" in head
        screenshot(page, "web-compare")

        # two versions of the first scenario, compared from its editor
        page.goto(srv.url + "/")
        page.click("#scenarios >> text=First plan")
        page.wait_for_selector("#yaml")
        page.fill("#f-discount_rate", "0.15")
        page.wait_for_selector("#validation.ok")
        page.click("#save")
        page.wait_for_selector("#metrics")
        assert "v2" in page.inner_text("h1")
        page.click("main >> text=Scenario editor")
        page.wait_for_selector("#versions")
        page.locator("#versions input[type=checkbox]").nth(0).check()
        page.locator("#versions input[type=checkbox]").nth(1).check()
        page.click("#compare-versions")
        page.wait_for_selector("#comparison")
        wait_until(page, CHARTS_DRAWN)
        head = page.inner_text("#comparison tr:first-child")
        assert "First plan v1" in head and "First plan v2" in head

        # targets: the example's goal split by quarter
        page.goto(srv.url + "/targets")
        page.select_option("#level", "quarter")
        page.click("#plan")
        page.wait_for_selector("#plan-table")
        assert page.locator("#plan-table tr").count() == 5  # header + 4 quarters

        # the staffing calculator
        page.goto(srv.url + "/staff")
        page.click("#calculate")
        page.wait_for_selector("#agents")
        assert int(page.inner_text("#agents")) == 14  # 100 calls/30 min, AHT 180 s, 80/20
        # a day's profile: the required agents per interval, charted (the SVG is drawn)
        page.fill("#profile", "20 50 100 150 120 60")
        page.click("#calculate")
        page.wait_for_selector("#fig-profile svg.main-svg", timeout=20_000)
        assert page.locator("#staff-profile tr").count() == 7  # header + 6 intervals

        # Chinese pages
        page.goto(srv.url + "/?lang=zh")
        assert "方案" in page.inner_text("header")

    assert log.console_errors == []
    others = [u for u in log.requests if not u.startswith(srv.url + "/")]
    assert others == [], others


EUR_EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "uncertain-chatbot.yaml"


def _sign_in(page: Any, url: str) -> None:
    page.goto(url + "/login")
    page.fill("#name", "ann")
    page.fill("#password", "password-a")
    page.click("#login")
    page.wait_for_url(url + "/")


@pytest.mark.browser
def test_a_pasted_example_is_saved_as_pasted(sqlite_store: Store) -> None:
    """Paste the EUR chatbot example over the CNY demo in New scenario and save: the stored
    text is the pasted text (LF), the fields followed the text, the results are in EUR."""
    sqlite_store.add_user("ann", "password-a", "alpha")
    pasted = EUR_EXAMPLE.read_text(encoding="utf-8")
    with (
        Server(sqlite_store) as srv,
        browser() as b,
        open_page(b, srv.url + "/login") as (
            page,
            log,
        ),
    ):
        _sign_in(page, srv.url)
        page.goto(srv.url + "/scenarios/new?template=inhouse-cny")
        assert page.input_value("#f-currency") == "CNY"
        page.fill("#yaml", pasted)
        # the fields follow the text (HTMX, after the typing pause)
        wait_until(page, "document.querySelector('#f-currency').value === 'EUR'")
        assert page.input_value("#f-name") == "Virtual agent in front of web chat"
        page.wait_for_selector("#validation.ok")
        page.click("#save")
        page.wait_for_selector("#metrics")
        assert "(EUR)" in page.inner_text("#metrics-title")
        user = sqlite_store.authenticate("ann", "password-a")
        assert user is not None
        (head,) = sqlite_store.list_scenarios(user)
        assert sqlite_store.version(user, head.id).text == pasted

        # pasted and saved at once, before the fields caught up: still the pasted text
        page.goto(srv.url + "/scenarios/new?template=inhouse-cny")
        page.fill("#yaml", pasted.replace("horizon_months: 36", "horizon_months: 24"))
        page.click("#save")
        page.wait_for_selector("#metrics")
        assert "(EUR)" in page.inner_text("#metrics-title")
        newest = sqlite_store.list_scenarios(user)[0]
        assert sqlite_store.version(user, newest.id).text == pasted.replace(
            "horizon_months: 36", "horizon_months: 24"
        )

        # a name with a colon typed in the form: written into the text, quoted by YAML
        page.goto(srv.url + f"/scenarios/{head.id}")
        page.fill("#f-name", "Chatbot: pilot")
        wait_until(
            page, "document.querySelector('#yaml').value.includes(\"name: 'Chatbot: pilot'\")"
        )
        assert page.input_value("#yaml").startswith("# Example: a European center")
        page.click("#save")
        page.wait_for_selector("#metrics")
        assert "Chatbot: pilot" in page.inner_text("h1")
    assert log.console_errors == []


@pytest.mark.browser
def test_one_number_edited_is_one_changed_line_and_two_currencies_are_refused(
    sqlite_store: Store,
) -> None:
    sqlite_store.add_user("ann", "password-a", "alpha")
    text = EUR_EXAMPLE.read_text(encoding="utf-8")
    user = sqlite_store.authenticate("ann", "password-a")
    assert user is not None
    eur = sqlite_store.create(user, "Chatbot", text)
    usd_text = (EUR_EXAMPLE.parent / "usd-onprem-to-cloud.yaml").read_text(encoding="utf-8")
    usd = sqlite_store.create(user, "Cloud move", usd_text)
    with (
        Server(sqlite_store) as srv,
        browser() as b,
        open_page(b, srv.url + "/login") as (
            page,
            log,
        ),
    ):
        _sign_in(page, srv.url)
        page.goto(srv.url + f"/scenarios/{eur.scenario_id}")
        # one number edited in the text (the browser sends the textarea with CRLF)
        page.fill("#yaml", text.replace("aht_s: 480", "aht_s: 540"))
        page.wait_for_selector("#validation.ok")
        page.click("#save")
        page.wait_for_selector("#metrics")
        page.goto(srv.url + f"/scenarios/{eur.scenario_id}")
        page.click("#versions >> text=Diff")
        page.wait_for_selector("#diff")
        assert page.locator("#diff tr.del").count() == 1
        assert page.locator("#diff tr.add").count() == 1
        assert page.inner_text("#diff tr.del").split() == ["19", "-", "aht_s:", "480"]
        assert page.inner_text("#diff tr.add").split() == ["19", "+", "aht_s:", "540"]
        assert page.locator("#diff tr.hunk").count() == 1  # only the changed hunk
        # coloured: removed and added lines have different backgrounds
        bg = "getComputedStyle(document.querySelector('#diff tr.{} td.code')).backgroundColor"
        assert page.evaluate(bg.format("del")) != page.evaluate(bg.format("add"))
        rows = page.locator("#changes tr")
        assert rows.count() == 2  # header + one input
        assert rows.nth(1).inner_text().split("\t") == ["chats: AHT (s)", "480", "540"]
        # the effect on NPV is the engine's NPV of v2 less that of v1
        from ccecon.engine import evaluate
        from ccecon.scenario.load import parse_scenario

        npv = [
            float(evaluate(parse_scenario(t)).metrics.npv[0])
            for t in (text, text.replace("aht_s: 480", "aht_s: 540"))
        ]
        assert page.inner_text("#effect-npv") == f"{npv[1] - npv[0]:+,.2f}"
        doc_screenshot(page, "web-diff")

        # the charts speak the page's language, whatever the scenario's locale (en here)
        chart_titles = "[...document.querySelectorAll('.chart .gtitle')].map(e => e.textContent)"
        page.goto(srv.url + f"/scenarios/{eur.scenario_id}/results?lang=zh")
        wait_until(page, CHARTS_DRAWN)
        assert "方案每月现金流" in page.evaluate(chart_titles)
        assert "结果" in page.inner_text("#metrics-title")
        screenshot(page, "web-results-zh")
        page.goto(srv.url + f"/scenarios/{eur.scenario_id}/results?lang=en")
        wait_until(page, CHARTS_DRAWN)
        assert "Monthly cash flow of the change" in page.evaluate(chart_titles)

        # compare a EUR and a USD scenario: refused, with each one's currency
        page.goto(srv.url + "/")
        page.locator(f"#scenarios input[value='{eur.scenario_id}']").check()
        page.locator(f"#scenarios input[value='{usd.scenario_id}']").check()
        page.click("#compare")
        page.wait_for_selector("#mixed-currencies")
        msg = page.inner_text("#mixed-currencies")
        assert "different currencies" in msg and "EUR" in msg and "USD" in msg
        assert page.locator("#comparison").count() == 0
    assert log.console_errors == [
        "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
    ]


@pytest.mark.browser
def test_the_quick_form_builds_a_case_without_yaml(sqlite_store: Store) -> None:
    """New scenario -> Quick business case: a few numbers typed into the form (no YAML)
    give an NPV as they are typed, and *Create* stores the scenario the form made.
    NPV by hand: discount rate 0, 12 months of a 250 saving less 1,000 at signing =
    12 x 250 - 1,000 = 2,000; ROI 2,000 / 1,000 = 200 %."""
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
        page.click("#new")
        assert page.locator("#templates .card").count() == 8  # one card per example
        doc_screenshot(page, "web-new-scenario")
        page.click("#quick")
        page.wait_for_selector("#quick-form")
        page.fill("#q-name", "Pilot: self-service")
        page.fill("#q-horizon_months", "12")
        page.fill("#q-discount_rate", "0")
        page.fill("#q-ln0_name", "Set-up")
        page.select_option("#q-ln0_family", "initial")
        page.select_option("#q-ln0_timing", "once")
        page.fill("#q-ln0_month", "0")
        page.fill("#q-ln0_amount", "1000")
        page.fill("#q-ln1_name", "Fewer calls")
        page.select_option("#q-ln1_family", "direct")
        page.fill("#q-ln1_amount", "250")
        wait_until(page, "(document.querySelector('#quick-npv') || {}).textContent === '2,000.00'")
        assert page.inner_text("#quick-roi_pct") == "200.00"
        doc_screenshot(page, "web-quick-form")
        page.click("#create")
        page.wait_for_selector("#metrics")
        assert "Pilot: self-service" in page.inner_text("h1")
        npv_row = page.locator("#metrics tr", has_text="NPV").first.inner_text()
        assert "2,000.00" in npv_row
        user = sqlite_store.authenticate("ann", "password-a")
        assert user is not None
        (head,) = sqlite_store.list_scenarios(user)
        text = sqlite_store.version(user, head.id).text
        assert "name: 'Pilot: self-service'" in text  # quoted by the YAML library
        doc_screenshot(page, "web-quick-results")

        # "make this a range" from the form: min / most likely / max, then simulate
        page.goto(srv.url + "/scenarios/quick")
        page.fill("#q-name", "Pilot with a range")
        page.fill("#q-horizon_months", "12")
        page.fill("#q-discount_rate", "0")
        page.fill("#q-ln0_name", "Set-up")
        page.select_option("#q-ln0_family", "initial")
        page.select_option("#q-ln0_timing", "once")
        page.fill("#q-ln0_amount", "1000")
        page.fill("#q-ln1_name", "Fewer calls")
        page.select_option("#q-ln1_family", "direct")
        page.fill("#q-ln1_amount", "50 / 100 / 150")  # NPV from -400 to 800, mode 200
        wait_until(page, "(document.querySelector('#quick-npv') || {}).textContent === '200.00'")
        page.click("#create")
        page.wait_for_selector("#metrics")
        page.fill("#draws", "30000")  # a long run: in the background, draws done shown
        page.click("#run-simulation")
        page.wait_for_selector("#simulation-progress")
        page.wait_for_selector("#p-npv-positive", timeout=120_000)
        # P(NPV > 0) = P(saving > 83.33) for a triangular(50, 100, 150) saving:
        # 1 - (83.33 - 50)^2 / (100 x 50) = 0.7778 by hand; 30,000 draws: SE 0.24 points
        p = float(page.inner_text("#p-npv-positive").rstrip(" %"))
        assert abs(p - 77.78) < 1.2, p
    assert log.console_errors == []


@pytest.mark.browser
def test_main_pages_label_every_control_and_fit_a_phone(sqlite_store: Store) -> None:
    """Accessibility pass: on every main page each visible input, select, text area and
    button has an accessible name and is reachable by the keyboard; Tab moves focus from
    control to control; at phone width (375 px) the header does not overflow."""
    from tests.browser import unlabelled_controls

    sqlite_store.add_user("ann", "password-a", "alpha")
    user = sqlite_store.authenticate("ann", "password-a")
    assert user is not None
    text = EUR_EXAMPLE.read_text(encoding="utf-8")
    v = sqlite_store.create(user, "Chatbot", text)
    sqlite_store.save(user, v.scenario_id, text.replace("aht_s: 480", "aht_s: 500"))
    sid = v.scenario_id
    pages = [
        "/login",
        "/",
        "/scenarios/new",
        "/scenarios/quick",
        f"/scenarios/{sid}",
        f"/scenarios/{sid}/results",
        f"/scenarios/{sid}/diff?a=1&b=2",
        "/staff",
        "/targets",
        "/account",
        "/nothing-here",
    ]
    with (
        Server(sqlite_store) as srv,
        browser() as b,
        open_page(b, srv.url + "/login") as (
            page,
            log,
        ),
    ):
        assert unlabelled_controls(page) == []
        _sign_in(page, srv.url)
        for url in pages[1:]:
            page.goto(srv.url + url)
            page.wait_for_load_state("networkidle")
            assert unlabelled_controls(page) == [], url
        # the keyboard reaches the quick form's fields in order
        page.goto(srv.url + "/scenarios/quick")
        page.focus("#q-name")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "q-currency"
        # phone width: nothing sticks out of the header
        phone = b.new_page(viewport={"width": 375, "height": 740})
        try:
            phone.context.add_cookies(page.context.cookies())
            for url in ("/", f"/scenarios/{sid}/results"):
                phone.goto(srv.url + url)
                over = phone.evaluate(
                    "document.querySelector('header').scrollWidth"
                    " - document.querySelector('header').clientWidth"
                )
                assert over <= 0, url
        finally:
            phone.close()
    assert [e for e in log.console_errors if "404" not in e] == []
