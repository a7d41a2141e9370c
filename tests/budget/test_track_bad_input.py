"""Bad input to budget tracking and to the invoices it reads: each exits 2 with a message
naming the file, the field or row, and the value; never a traceback; an invoice file that
is refused leaves nothing of itself in the store."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from ccecon.cli.app import app
from tests.budget.test_track import BUDGET, MONTHS, build_store

runner = CliRunner()


def _budget(change: Callable[[dict[str, Any]], None]) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        doc = json.loads(json.dumps(BUDGET))
        change(doc)
        path = tmp / "budget.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        return path

    return make


def _year(doc: dict[str, Any]) -> None:
    doc["fiscal_year"] = 2031
    doc["months"] = [f"2031-{m:02d}" for m in range(1, 13)]


def _element(doc: dict[str, Any]) -> None:
    doc["by_element"]["marketing"] = [1.0] * 12


def _short(doc: dict[str, Any]) -> None:
    doc["by_element"]["telecom"] = [2_000.0] * 11


def _text(tmp: Path, text: str) -> Path:
    path = tmp / "budget.json"
    path.write_text(text, encoding="utf-8")
    return path


def _gap(con: Any) -> None:
    """March's records arrive, February's never did."""
    con.execute(
        "UPDATE interactions SET arrival_ts = arrival_ts + INTERVAL 28 DAY,"
        " answer_ts = answer_ts + INTERVAL 28 DAY, end_ts = end_ts + INTERVAL 28 DAY"
        " WHERE interaction_id LIKE '2027-02-%'"
    )
    con.execute(
        "INSERT INTO interactions (interaction_id, channel, direction, arrival_ts, talk_s,"
        " source_file, source_row) VALUES ('last', 'voice', 'inbound',"
        " TIMESTAMP '2027-03-31 18:00:00', 60, 'test', 1)"
    )


def _payroll_gap(con: Any) -> None:
    con.execute("DELETE FROM payroll WHERE month = '2027-02'")


def _payroll_currency(con: Any) -> None:
    con.execute("UPDATE payroll SET currency = 'EUR', source_row = 7 WHERE month = '2027-02'")


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda doc: doc.__setitem__(key, value)


def _bad_share(doc: dict[str, Any]) -> None:
    doc["contracts"][0]["share"] = "half"


def _bad_model(doc: dict[str, Any]) -> None:
    doc["contracts"][0]["model"] = {"model": "per_pear", "price": 1}


# (case id, budget maker or None, store change or None, expected fragments)
TRACK_CASES: list[tuple[str, Any, Any, list[str]]] = [
    (
        "year_outside_the_records",
        _budget(_year),
        None,
        ["budget.json", "fiscal_year", "2031", "outside the records", "2027-01-01 .. 2027-02-28"],
    ),
    (
        "unknown_element",
        _budget(_element),
        None,
        ["budget.json", "by_element.marketing", "unknown budget element", "personnel"],
    ),
    ("eleven_months", _budget(_short), None, ["budget.json", "by_element.telecom", "12"]),
    ("plan_month_text", _budget(_set("plan_month", "x")), None, ["budget.json", "plan_month"]),
    ("drivers_a_list", _budget(_set("drivers", [1])), None, ["budget.json", "drivers"]),
    ("contract_a_number", _budget(_set("contracts", [1])), None, ["contracts[0]"]),
    ("contract_share_text", _budget(_bad_share), None, ["contracts[0].share", "'half'"]),
    ("contract_model_unknown", _budget(_bad_model), None, ["contracts[0].model", "per_pear"]),
    ("not_json", lambda tmp: _text(tmp, "{budget"), None, ["budget.json", "not a budget"]),
    ("no_store", None, "missing", ["nowhere.duckdb", "store not found"]),
    (
        "series_with_a_gap",
        None,
        _gap,
        ["actuals.duckdb", "interactions.month", "'2027-02'", "gap in the series"],
    ),
    (
        "payroll_with_a_gap",
        None,
        _payroll_gap,
        ["actuals.duckdb", "payroll.month", "'2027-02'", "gap"],
    ),
    (
        "payroll_in_another_currency",
        None,
        _payroll_currency,
        ["actuals.duckdb", "payroll.currency", "row 7", "'EUR'", "USD"],
    ),
]


@pytest.mark.parametrize(
    ("make_budget", "change", "fragments"),
    [c[1:] for c in TRACK_CASES],
    ids=[c[0] for c in TRACK_CASES],
)
def test_track_refuses_bad_input(
    tmp_path: Path, make_budget: Any, change: Any, fragments: list[str]
) -> None:
    budget = (make_budget or _budget(lambda d: None))(tmp_path)
    store = build_store(tmp_path / "actuals.duckdb")
    if change == "missing":
        store = tmp_path / "nowhere.duckdb"
    elif change is not None:
        con = duckdb.connect(str(store))
        change(con)
        con.close()
    r = runner.invoke(app, ["budget", "track", str(budget), "--from", str(store)])
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output and not re.search(r"\bnan\b", r.stderr.lower())
    for frag in fragments:
        assert frag in r.stderr, (frag, r.stderr)


HEADER = "month,element,vendor,charge,quantity,unit,amount,currency\n"
GOOD = "2027-01,technology,CRM,licences,,,5400,USD\n"


@pytest.mark.parametrize(
    ("row", "fragments"),
    [
        (
            "2027-01,outsourcing,BPO overflow,per_call,1150,calls,2300,EUR\n",
            ["invoices.csv", "row 2", "currency", "'EUR'", "expected USD", "nothing"],
        ),
        (
            "2027-01,marketing,Ads Inc,,,,900,USD\n",
            ["invoices.csv", "row 2", "element", "'marketing'", "personnel", "nothing"],
        ),
    ],
    ids=["invoice_in_another_currency", "invoice_of_an_unknown_element"],
)
def test_an_invoice_file_is_refused_whole(tmp_path: Path, row: str, fragments: list[str]) -> None:
    """The store holds USD (its payroll); a file with one bad row among good ones exits 2
    and adds nothing: no invoice, no quarantine row, no record of the file."""
    store = build_store(tmp_path / "actuals.duckdb", MONTHS[:1])
    con = duckdb.connect(str(store))
    con.execute("DELETE FROM invoices")
    con.close()
    path = tmp_path / "invoices.csv"
    path.write_text(HEADER + GOOD + row, encoding="utf-8")
    r = runner.invoke(app, ["ingest", str(path), "--into", str(store)])
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    for frag in fragments:
        assert frag in r.stderr, (frag, r.stderr)
    con = duckdb.connect(str(store))
    counts = [
        con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
        for t in ("invoices", "quarantine", "ingested_files")
    ]
    con.close()
    assert counts == [0, 0, 0]


def test_bad_invoice_rows_are_quarantined_with_the_reason(tmp_path: Path) -> None:
    """Rows that are malformed (not a month, a negative quantity, an unknown unit, a
    number that is not one) are set aside with the reason; the rest load."""
    path = tmp_path / "invoices.csv"
    path.write_text(
        HEADER
        + GOOD
        + "2027-13,technology,CRM,other,,,1,USD\n"
        + "2027-01,telecom,carrier,minutes,-5,minutes,10,USD\n"
        + "2027-01,telecom,carrier,trunks,3,trunks,10,USD\n"
        + "2027-01,telecom,carrier,fee,,,ten,USD\n"
        + "2027-01,training,coach,credit,,,-250,USD\n",  # a credit note loads
        encoding="utf-8",
    )
    store = tmp_path / "a.duckdb"
    r = runner.invoke(app, ["ingest", str(path), "--into", str(store)])
    assert r.exit_code == 0, r.output
    con = duckdb.connect(str(store))
    loaded = con.execute("SELECT charge, amount FROM invoices ORDER BY source_row").fetchall()
    reasons = dict(con.execute("SELECT source_row, reason FROM quarantine").fetchall())
    con.close()
    assert loaded == [("licences", 5400.0), ("credit", -250.0)]
    assert reasons == {
        2: "month is not YYYY-MM",
        3: "quantity is negative",
        4: "unknown unit; expected calls, outbound_calls, contacts, minutes, sales,"
        " agent_hours, seats",
        5: "amount is not a number",
    }
