"""The workbook in Chinese: with ``locale: zh`` its sheet names, headings, row labels,
notes, comments, number formats, formula texts and chart titles come from the label
tables in Chinese; what stays in Latin letters is the user's own words (names, notes,
sources), identifiers (defined names, driver keys, the codes an input cell holds) and
the currency code.

The check reads the workbook as a person would see it (openpyxl for the cells, the xlsx's
chart XML for the chart) and does not rely on the table alone: every Latin word (alone
or beside Chinese ones) that is not the user's (a word of a string value of the scenario
file, not its field keys), an identifier, a code or one of a few proper names fails, so a
label written without the table is caught too.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from ccecon.engine import evaluate
from ccecon.reports.excel import write_workbook
from ccecon.scenario.load import load_scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CJK = re.compile(r"[\u4e00-\u9fff]")  # ideographs (not the full-width punctuation)
WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
TOKEN = re.compile(r"[A-Za-z][\w.'+-]*[\w]|[A-Za-z]")
"""A run of letters, digits and joiners: a word, or an identifier such as prop_cost1_risk."""

ZH_EXAMPLES = ["cny-inhouse-build", "sourcing-cny-seed004", "uncertain-sourcing-cny"]
# English examples written in Chinese too: staffing, a baseline, levers, contracts and a
# Simulation sheet; their user words stay English
FORCED = ["usd-onprem-to-cloud", "uncertain-chatbot", "sourcing-after-hours-bpo"]

CODES = {"monthly", "yearly_tei", "fully_loaded", "operating", "TRUE", "FALSE", "TCO", "P10"}
"""Codes an input cell holds (the discounting and unit-cost basis drop-downs, which the
formulas compare with) and abbreviations the Chinese labels keep."""
PROPER = {"ccecon", "simulate", "compare", "Erlang", "Forrester", "TEI", "IRR", "E-06"}
"""Names the Chinese text keeps: the program and its commands, Erlang, Forrester TEI, the
spreadsheet's IRR() and a threshold written 1E-06."""


def _user_words(path: Path) -> set[str]:
    """Every string value the scenario file holds (names, notes, sources; not its field
    keys, which are ccecon's words): its words."""
    found: set[str] = set()

    def walk(x: Any) -> None:
        if isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        elif isinstance(x, str):
            found.add(x)

    walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return {w for text in found for w in WORD.findall(text)}


def _identifiers(wb: Any, scenario: Any) -> set[str]:
    """Defined names, driver keys (built-in, staffing, per channel, the user's) and codes."""
    from ccecon.scenario.schema import BUILTIN_DRIVERS, STAFFING_DRIVERS

    out = set(wb.defined_names) | set(BUILTIN_DRIVERS) | set(STAFFING_DRIVERS) | CODES | PROPER
    out |= {scenario.currency}
    for ch in scenario.channels:
        out |= {ch.name, f"{ch.name}.minutes", f"{ch.name}.aht_s"}
    return out


def workbook_texts(xlsx: Path) -> list[tuple[str, str]]:
    """(where, text) for everything a reader of the workbook sees as words: sheet names,
    string cells, the text results of formulas (string literals that are not compared
    with), comments, the literal parts of number formats and the chart's texts."""
    from openpyxl import load_workbook

    wb = load_workbook(xlsx)
    out: list[tuple[str, str]] = [("sheet name", ws.title) for ws in wb.worksheets]
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                where = f"{ws.title}!{c.coordinate}"
                if isinstance(c.value, str) and c.value.startswith("="):
                    # "..." in a formula: a text it shows (criteria and codes are checked
                    # like any other text: they are the words on the Lines sheet)
                    out += [(where + " formula", t) for t in re.findall(r'"([^"]*)"', c.value)]
                elif isinstance(c.value, str):
                    out.append((where, c.value))
                if c.comment is not None:
                    out.append((where + " comment", c.comment.text))
                out += [(where + " format", t) for t in re.findall(r'"([^"]*)"', c.number_format)]
    with zipfile.ZipFile(xlsx) as z:
        for name in z.namelist():
            if name.startswith("xl/charts/chart"):
                xml = z.read(name).decode("utf-8")
                out += [(name, t) for t in re.findall(r"<(?:a:t|c:v)>([^<]*)</", xml)]
    return out


def _leaks(path: Path, scenario: Any, tmp_path: Path) -> tuple[list[str], list[str]]:
    from openpyxl import load_workbook

    from ccecon.labels import LABELS, WORKBOOK_ZH

    xlsx = write_workbook(evaluate(scenario), tmp_path / f"{path.stem}.xlsx")
    wb = load_workbook(xlsx)
    allowed = _user_words(path) | _identifiers(wb, scenario)
    user_text = path.read_text(encoding="utf-8")  # a label inside the user's words is theirs
    english = {
        e
        for e in [*LABELS["en"].values(), *WORKBOOK_ZH]
        if len(e) >= 4 and "{" not in e and e not in allowed and e not in user_text
    }
    from_table, unexplained = [], []
    for where, text in workbook_texts(xlsx):
        for e in english:
            if re.search(rf"(?<![\w.]){re.escape(e)}(?![\w.])", text) and not CJK.search(e):
                from_table.append(f"{where}: {e!r} in {text[:80]!r}")
        words = [
            tok
            for tok in TOKEN.findall(text)
            if tok not in allowed
            and not all(w in allowed or w.lower() in allowed for w in WORD.findall(tok))
        ]
        if words:  # a Latin word beside Chinese ones is checked too
            unexplained.append(f"{where}: {text[:100]!r}")
    return from_table, unexplained


@pytest.mark.parametrize("stem", ZH_EXAMPLES + FORCED)
def test_zh_workbook_has_no_english_label(stem: str, tmp_path: Path) -> None:
    path = EXAMPLES / f"{stem}.yaml"
    sc = load_scenario(path)
    if stem in FORCED:
        sc = sc.model_copy(update={"locale": "zh"})
    assert sc.locale == "zh"
    from_table, unexplained = _leaks(path, sc, tmp_path)
    assert from_table == []
    assert unexplained == []


def test_zh_workbook_reads_in_chinese(tmp_path: Path) -> None:
    """Spot checks by hand: the sheet names, the Inputs title and a line's label."""
    from openpyxl import load_workbook

    path = EXAMPLES / "cny-inhouse-build.yaml"
    sc = load_scenario(path)
    wb = load_workbook(write_workbook(evaluate(sc), tmp_path / "zh.xlsx"))
    assert wb.sheetnames[:2] == ["结果", "输入"] and "成本收益项目" in wb.sheetnames
    ws = wb["输入"]
    assert ws["A1"].value == "输入"
    name = sc.proposal.cost_lines[0].name
    assert any(c.value == f"{name}：金额" for row in ws.iter_rows() for c in row)
    res = wb["结果"]
    assert res["A5"].value == "变更成本" and res["A10"].value == "净现值"


def test_english_workbook_is_unchanged_by_the_tables(tmp_path: Path) -> None:
    """An ``en`` scenario keeps English sheet names and labels (the phrases are the keys)."""
    from openpyxl import load_workbook

    sc = load_scenario(EXAMPLES / "usd-onprem-to-cloud.yaml")
    wb = load_workbook(write_workbook(evaluate(sc), tmp_path / "en.xlsx"))
    assert wb.sheetnames[:3] == ["Results", "Inputs", "Drivers"]
    assert wb["Results"]["A5"].value == "Cost of the change"
    assert not any(
        isinstance(c.value, str) and CJK.search(c.value)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
    )
