"""Command-line tables speak the scenario's language: with ``locale: zh`` the tables of
``ccecon evaluate`` and ``ccecon compare`` hold none of the English labels of the label
tables (ccecon.labels: labels and phrases of four letters or more, placeholders aside),
except inside the scenario's own words (names, notes, option names the user wrote).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ccecon.cli.app import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _english() -> set[str]:
    from ccecon.cli.uncertainty import _PROBABILITY, _SIM_TEXT
    from ccecon.labels import LABELS, WORKBOOK_ZH
    from ccecon.uncertainty.montecarlo import LABELS as SIM_LABELS

    phrases = [en for en, zh in WORKBOOK_ZH.items() if en != zh]
    phrases += [*_SIM_TEXT["en"].values(), *_PROBABILITY["en"].values()]
    phrases += [*LABELS["en"].values(), *SIM_LABELS.values()]
    words = set()
    for en in phrases:
        # a phrase with placeholders: its longest fixed piece
        piece = max(re.split(r"\{[^}]*\}", en), key=len).strip(" ,:;.()")
        if len(piece) >= 4:
            words.add(piece)
    return words


@pytest.mark.parametrize(
    ("command", "stem"),
    [
        ("evaluate", "cny-inhouse-build"),
        ("evaluate", "sourcing-cny-seed004"),
        ("compare", "sourcing-cny-seed004"),
        ("compare", "uncertain-sourcing-cny"),
        ("simulate", "uncertain-sourcing-cny"),
    ],
)
def test_zh_tables_hold_no_english_label(command: str, stem: str) -> None:
    path = EXAMPLES / f"{stem}.yaml"
    extra = ["--draws", "300"] if command == "simulate" else []
    out = CliRunner().invoke(app, [command, str(path), *extra], env={"COLUMNS": "400"})
    assert out.exit_code == 0, out.output
    text = re.sub(r"[│┃┏┓┗┛┡┩└┘┌┐├┤┬┴┼━─╇╈╋═]+", " ", out.output)
    text = re.sub(r"\s+", " ", text)
    user_words = path.read_text(encoding="utf-8")
    leaked = sorted(
        w
        for w in _english()
        if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text) and w not in user_words
    )
    assert leaked == [], leaked
    assert re.search(r"[\u4e00-\u9fff]", text)  # and it is Chinese


def test_an_english_scenario_keeps_english_tables() -> None:
    out = CliRunner().invoke(
        app, ["compare", str(EXAMPLES / "sourcing-usd-shores.yaml")], env={"COLUMNS": "400"}
    )
    assert out.exit_code == 0, out.output
    assert "cheapest first" in out.output and "PV of cost USD" in out.output
    assert not re.search(r"[\u4e00-\u9fff]", out.output)
