"""The README's headline figures are what ccecon computes now: each figure is read from the
README's own text (and the commands beside it) and compared with the program's result,
rounded as the README rounds it, so a figure that moves fails here until the README is
updated. docs/python-api.md holds the same chatbot figures as doctests
(tests/test_python_api.py); this test ties them to the README itself.

The expected values are the README's words, not copies of the program's output: the test
has no number of its own."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    """The README's text from the heading ``## title`` to the next ``## `` heading."""
    assert f"\n## {title}\n" in README, f"README has no section '{title}'"
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def _words(section: str) -> str:
    """The section's prose on one line (the README wraps its paragraphs anywhere)."""
    return " ".join(section.split())


UNCERTAINTY = _section("How sure are we?")


def _simulate_command() -> tuple[str, int, int]:
    """The scenario, draws and seed of the section's `ccecon simulate` command."""
    m = re.search(r"ccecon simulate (\S+) --draws (\d+) --seed (\d+)", UNCERTAINTY)
    assert m is not None, "the section shows no `ccecon simulate FILE --draws N --seed S`"
    return m[1], int(m[2]), int(m[3])


def test_the_chatbot_figures_are_the_programs() -> None:
    """'the point estimate says NPV -10k EUR; the simulation says P(NPV > 0) = 29 % (19 %
    after TEI risk adjustment), and the tornado puts the bot's containment rate first: at
    its P10 the case is worth +71k EUR, at its P90 -131k.' Each number is read from that
    sentence and compared with the point estimate, the simulation the section's command
    runs, and the first tornado bar."""
    import ccecon as cc

    text = _words(UNCERTAINTY)
    m = re.search(
        r"point estimate says NPV ([+-]?\d+)k (\w+); the simulation says P\(NPV > 0\) = (\d+) %"
        r" \((\d+) % after TEI risk adjustment\), and the tornado puts the bot's containment"
        r" rate first: at its P10 the case is worth ([+-]?\d+)k \w+, at its P90 ([+-]?\d+)k",
        text,
    )
    assert m is not None, "the README's chatbot sentence changed shape; update this test"
    npv_k, currency, p_pos, p_pos_tei, p10_k, p90_k = (
        int(m[1]),
        m[2],
        int(m[3]),
        int(m[4]),
        int(m[5]),
        int(m[6]),
    )
    path, draws, seed = _simulate_command()
    scenario = ROOT / path

    result = cc.evaluate(scenario)
    assert result.to_dict()["currency"] == currency
    assert round(result.summary()["npv"] / 1000) == npv_k

    sim = cc.simulate(scenario, draws=draws, seed=seed)
    assert round(sim.probabilities["npv_positive"] * 100) == p_pos
    assert round(sim.probabilities["npv_positive_risk_adjusted"] * 100) == p_pos_tei

    top = cc.sensitivity(scenario).bars[0]
    # "the bot's containment rate": the lever of the bot in front of chat, its volume factor
    assert top.path.endswith("volume_factor") and top.label.lower().startswith("bot contains")
    assert round(top.output_low / 1000) == p10_k
    assert round(top.output_high / 1000) == p90_k
