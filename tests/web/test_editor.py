"""The editor has one source of truth, the scenario text: the form fields edit it in place
(ruamel.yaml finds the value and quotes it) and are read from it, and what is saved is the
text as it was on screen (line endings as LF)."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as hs

from ccecon.web import yamledit
from ccecon.web.store import Store
from tests.web.test_pages import app_store, log_in  # noqa: F401 - fixture

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EUR = (EXAMPLES / "uncertain-chatbot.yaml").read_text(encoding="utf-8")
FIELD = re.compile(r'<input id="f-(\w+)" name="\w+" value="([^"]*)"')
BASE = re.compile(r'name="(base_\w+)" value="([^"]*)"')


def changed_lines(a: str, b: str) -> list[str]:
    """The lines removed or added between two texts (no context)."""
    return [
        line
        for line in difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def editor_form(page: str) -> dict[str, str]:
    """The field inputs and their bases as the editor page sends them."""
    import html

    return {
        **{k: html.unescape(v) for k, v in FIELD.findall(page)},
        **{k: html.unescape(v) for k, v in BASE.findall(page)},
    }


# ------------------------------------------------------------------ yamledit
def test_each_field_changes_only_its_own_line() -> None:
    for key, typed, line in [
        ("name", "Plan: 2027 # not a comment", "name: 'Plan: 2027 # not a comment'"),
        ("name", "123", "name: '123'"),
        ("currency", "USD", "currency: USD"),
        ("horizon_months", "48", "horizon_months: 48"),
        ("discount_rate", "8%", "discount_rate: 8%"),
    ]:
        new = yamledit.set_field(EUR, key, typed)
        assert changed_lines(EUR, new) == [f"-{key}: {yamledit.read_fields(EUR)[key]}", f"+{line}"]
        assert yamledit.read_value(new, key) == yamledit.typed_value(key, typed)
    # the comments at the top and beside values are kept
    assert yamledit.set_field(EUR, "name", "x").startswith("# Example: a European center")


def test_missing_field_is_added_and_an_empty_one_removed() -> None:
    text = "# plan\nname: x  # keep me\ncurrency: EUR\n"
    assert yamledit.set_field(text, "horizon_months", "12") == (
        "# plan\nhorizon_months: 12\nname: x  # keep me\ncurrency: EUR\n"
    )
    assert yamledit.set_field(text, "name", "") == "# plan\ncurrency: EUR\n"
    assert yamledit.set_field(text, "name", "y") == "# plan\nname: y  # keep me\ncurrency: EUR\n"


def test_a_json_text_stays_json() -> None:
    import json

    text = '{"name": "a", "currency": "EUR"}'
    assert json.loads(yamledit.set_field(text, "name", 'b: "c"'))["name"] == 'b: "c"'
    assert json.loads(yamledit.set_field(text, "horizon_months", "12"))["horizon_months"] == 12


def test_text_that_is_not_yaml_is_not_touched() -> None:
    with pytest.raises(Exception, match="not valid YAML"):
        yamledit.set_field("name: [unclosed\n", "name", "x")
    assert yamledit.read_fields("name: [unclosed\n") == dict.fromkeys(yamledit.FORM_FIELDS, "")
    # a non-scalar value is not shown as a Python dict in the Name box
    assert yamledit.read_fields("name: {a: 1}\n")["name"] == ""


NAMES = hs.text(
    alphabet=hs.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=40
).filter(lambda s: s.strip() != "")


@settings(max_examples=150, deadline=None)
@given(name=NAMES)
def test_any_name_reads_back_and_changes_one_line(name: str) -> None:
    """Invariant: whatever is typed as a name (colons, quotes, #, CJK, leading dashes), the
    text then holds exactly that name and only the name's line changed."""
    new = yamledit.set_field(EUR, "name", name)
    assert yamledit.read_value(new, "name") == name.strip()
    assert yamledit.read_fields(new)["name"] == name.strip()
    diff = changed_lines(EUR, new)
    assert len(diff) == 2 and diff[0] == "-name: Virtual agent in front of web chat", diff


# ------------------------------------------------------------------ the editor pages
def test_pasted_example_is_saved_as_pasted_and_shows_its_currency(
    app_store: tuple[Store, TestClient, TestClient],  # noqa: F811
) -> None:
    """The reported bug: pasting the EUR chatbot example into New scenario (whose fields
    show the CNY demo) saved the CNY demo with EUR amounts. Now the text wins."""
    store, ann, _ = app_store
    token = log_in(ann, "ann", "password-a")
    form = editor_form(ann.get("/scenarios/new?template=inhouse-cny").text)
    assert form["currency"] == form["base_currency"] == "CNY"  # the demo, before pasting
    pasted = EUR.replace("\n", "\r\n")  # a browser sends a textarea with CRLF
    r = ann.post("/ui/save", data={**form, "text": pasted, "csrf": token}, follow_redirects=False)
    assert r.status_code == 303, r.text
    sid = int(r.headers["location"].split("/")[2])
    owner = store.authenticate("ann", "password-a")
    assert owner is not None
    assert store.version(owner, sid).text == EUR  # byte for byte, LF
    page = ann.get(f"/scenarios/{sid}/results").text
    assert "Results (EUR)" in page and "CNY" not in page
    # the editor then shows the fields of the text saved
    again = editor_form(ann.get(f"/scenarios/{sid}").text)
    assert again["currency"] == "EUR" and again["name"] == "Virtual agent in front of web chat"


def test_a_field_typed_then_saved_at_once_edits_the_text_in_place(
    app_store: tuple[Store, TestClient, TestClient],  # noqa: F811
) -> None:
    """A field typed into and saved before the page synced it (its base is the old
    value) is written into the text in place: one line changes, comments stay."""
    store, ann, _ = app_store
    token = log_in(ann, "ann", "password-a")
    form = {**editor_form(ann.get("/scenarios/new?template=inhouse-cny").text), "text": EUR}
    form.update({f"base_{k}": v for k, v in yamledit.read_fields(EUR).items()})
    form.update(yamledit.read_fields(EUR))
    form["name"] = "Chatbot: pilot"  # a colon: quoted by the YAML library
    r = ann.post("/ui/save", data={**form, "csrf": token}, follow_redirects=False)
    assert r.status_code == 303, r.text
    owner = store.authenticate("ann", "password-a")
    assert owner is not None
    sid = int(r.headers["location"].split("/")[2])
    saved = store.version(owner, sid).text
    assert changed_lines(EUR, saved) == [
        "-name: Virtual agent in front of web chat",
        "+name: 'Chatbot: pilot'",
    ]
    assert store.info(owner, sid).name == "Chatbot: pilot"
    assert "Chatbot: pilot" in ann.get("/").text


def test_sync_fills_the_fields_from_the_text_and_the_text_from_a_field(
    app_store: tuple[Store, TestClient, TestClient],  # noqa: F811
) -> None:
    _, ann, _ = app_store
    token = log_in(ann, "ann", "password-a")
    form = editor_form(ann.get("/scenarios/new?template=inhouse-cny").text)
    hx = {"X-CSRF-Token": token, "HX-Request": "true"}
    # the text was edited (pasted): the fields follow it, the textarea is left alone
    r = ann.post("/ui/validate", data={**form, "text": EUR}, headers={**hx, "HX-Trigger": "yaml"})
    synced = editor_form(r.text)
    assert synced["currency"] == synced["base_currency"] == "EUR"
    assert 'id="yaml"' not in r.text
    # a field was typed into: the text follows it (sent back), the field itself is left
    typed = {**synced, "text": EUR, "horizon_months": "48"}
    r = ann.post("/ui/validate", data=typed, headers={**hx, "HX-Trigger": "f-horizon_months"})
    assert 'id="f-horizon_months"' not in r.text
    assert 'name="base_horizon_months" value="48"' in r.text
    text = re.search(r'<textarea id="yaml"[^>]*>\n(.*?)</textarea>', r.text, re.S)
    assert text is not None
    import html

    assert changed_lines(EUR, html.unescape(text.group(1))) == [
        "-horizon_months: 36",
        "+horizon_months: 48",
    ]
