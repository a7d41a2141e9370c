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
    from ccecon.labels import LABELS, PROBABILITY, SIM_TEXT, TORNADO_TEXT, WORKBOOK_ZH
    from ccecon.uncertainty.montecarlo import LABELS as SIM_LABELS

    phrases = [en for en, zh in WORKBOOK_ZH.items() if en != zh]
    phrases += [*SIM_TEXT["en"].values(), *PROBABILITY["en"].values()]
    phrases += [*TORNADO_TEXT["en"].values()]
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


def test_the_tornado_names_its_metric_in_words() -> None:
    """The tornado's heading names NPV as people write it (never the key ``npv``)."""
    out = CliRunner().invoke(
        app, ["sensitivity", str(EXAMPLES / "uncertain-chatbot.yaml")], env={"COLUMNS": "200"}
    )
    assert out.exit_code == 0, out.output
    assert "Tornado of NPV" in out.output and "sensitivity of NPV (EUR)" in out.output
    assert "of npv" not in out.output and "base npv" not in out.output


def test_a_tornado_of_a_sourcing_only_file_is_refused_with_what_to_run() -> None:
    """A file that only compares sourcing options has an empty business case: every bar
    of its tornado would be 0, so the command says so and what answers the question."""
    out = CliRunner().invoke(app, ["sensitivity", str(EXAMPLES / "uncertain-sourcing-cny.yaml")])
    assert out.exit_code == 2
    assert "uncertain-sourcing-cny.yaml" in out.output and "ccecon simulate" in out.output
    assert "Traceback" not in out.output
