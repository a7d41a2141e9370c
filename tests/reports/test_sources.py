"""The report's sources section: one table in code (ccecon.reports.sources), the same in
docs/formulas.md, each entry with a public reference, shown as the scenario needs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ccecon.engine import evaluate
from ccecon.reports.sources import SOURCES, all_sources, sources_for, sources_markdown
from ccecon.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_docs_hold_the_table_of_the_code() -> None:
    """docs/formulas.md's "Sources" section is exactly sources_markdown(): one list."""
    text = (ROOT / "docs" / "formulas.md").read_text(encoding="utf-8")
    inside = text.split("<!-- sources:start -->\n", 1)[1].split("<!-- sources:end -->", 1)[0]
    assert inside.strip() == sources_markdown().strip()


@pytest.mark.parametrize("src", all_sources(), ids=[s.key for s in all_sources()])
def test_every_entry_has_a_public_reference_in_both_languages(src) -> None:  # type: ignore[no-untyped-def]
    """An author or publisher and a year (or a URL), or a plain statement that the rule is
    ccecon's own; topic and formula in English and in Chinese; no internal codes."""
    ref = src.reference
    assert re.search(r"\b(19|20)\d\d\b", ref) or "https://" in ref or "ccecon's convention" in ref
    for loc in ("en", "zh"):
        assert src.topic[loc] and src.formula[loc], loc
    assert CJK.search(src.topic["zh"]) and CJK.search(src.formula["zh"])
    shown = " ".join([ref, *src.topic.values(), *src.formula.values()])
    assert not re.search(r"\bD\d+\.\d+\b|DOMAIN|\bseed\b", shown, flags=re.I)


def test_the_report_lists_what_its_scenario_uses() -> None:
    """Erlang rows only when the scenario staffs, Erlang A and Little's law only with a
    patience, the Monte Carlo rows only with ranges, the bundled band when named."""
    chat = sources_for(evaluate(load_scenario(EXAMPLES / "eur-omnichannel-chat.yaml")))
    topics = [r["topic"] for r in chat]
    assert "Net present value (NPV)" in topics and "Internal rate of return (IRR)" in topics
    assert not any("Erlang" in t or "Benchmark" in t for t in topics)  # no staffing, no band
    plain = sources_for(evaluate(load_scenario(EXAMPLES / "usd-onprem-to-cloud.yaml")))
    band = next(r for r in plain if r["topic"].startswith("Benchmark"))  # bundled, named
    assert "LiveAgent" in band["ref"] and "2.70 to 5.60 USD" in band["formula"]

    sc = load_scenario(EXAMPLES / "sourcing-after-hours-bpo.yaml")
    assert sc.staffing is not None
    rows = sources_for(evaluate(sc))
    topics = [r["topic"] for r in rows]
    assert "Staffing: Erlang C" in topics and "Sourcing options" in topics
    erlang = next(r for r in rows if r["topic"] == "Staffing: Erlang C")
    assert "Erlang" in erlang["ref"] and "1917" in erlang["ref"] and "Cooper" in erlang["ref"]
    assert sc.staffing.patience_s is None and "Little's law" not in topics
    patient = sc.model_copy(
        update={"staffing": sc.staffing.model_copy(update={"patience_s": 120.0})}
    )
    topics = [r["topic"] for r in sources_for(evaluate(patient))]
    assert "Staffing with abandonment: Erlang A" in topics and "Little's law" in topics

    unc = load_scenario(EXAMPLES / "uncertain-chatbot.yaml")
    topics = [r["topic"] for r in sources_for(evaluate(unc))]
    assert "Ranges: Monte Carlo and percentiles" in topics and "Tornado chart" in topics


def test_zh_report_sources_are_in_chinese(tmp_path: Path) -> None:
    sc = load_scenario(EXAMPLES / "cny-inhouse-build.yaml")
    rows = sources_for(evaluate(sc))
    assert rows and all(CJK.search(r["topic"]) and CJK.search(r["formula"]) for r in rows)
    by_key = {s.key: s for s in SOURCES}
    assert by_key["npv"].topic["zh"] in [r["topic"] for r in rows]
