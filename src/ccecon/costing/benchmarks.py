"""Bundled benchmark bands for unit costs. Every figure names its source and year.

A scenario refers to one by key (``benchmark: liveagent-cost-per-call``) or gives its own
band. A bundled band is only usable when its currency is the scenario's currency: bands
are never converted silently.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BenchmarkBand:
    """A published band for cost per call.

    Attributes
    ----------
    key : str
        Identifier used in scenario files.
    low, high : float
        Band in ``currency`` per call.
    currency : str
        ISO 4217 code of the band.
    basis : str
        ``fully_loaded`` or ``operating``: what the published cost includes.
    source : str
        Publisher and page.
    year : str
        Year of publication, or why it is unknown.
    """

    key: str
    low: float
    high: float
    currency: str
    basis: str
    source: str
    year: str


BENCHMARKS: dict[str, BenchmarkBand] = {
    "liveagent-cost-per-call": BenchmarkBand(
        key="liveagent-cost-per-call",
        low=2.70,
        high=5.60,
        currency="USD",
        basis="fully_loaded",
        source=(
            "LiveAgent glossary, 'Cost per call': 'the industry"
            " standard is that cost per call can range from $2.70 to $5.60'"
            " reads it as fully loaded, North America"
        ),
        year="not stated on the page (captured 2024)",
    ),
}
