"""Counts of the fuzz cases run, printed at the end of every run that ran them."""

from __future__ import annotations

import time
from typing import Any

COUNTS: dict[str, list[float]] = {}
"""Kind of case -> [cases run, seconds, slowest case in seconds, refused, accepted]."""


def record(kind: str, seconds: float, accepted: bool) -> None:
    c = COUNTS.setdefault(kind, [0, 0.0, 0.0, 0, 0])
    c[0] += 1
    c[1] += seconds
    c[2] = max(c[2], seconds)
    c[4 if accepted else 3] += 1


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not COUNTS:
        return
    terminalreporter.section("fuzz corpus")
    for kind, (n, total, slowest, refused, accepted) in COUNTS.items():
        terminalreporter.write_line(
            f"{kind}: {int(n):,} cases in {total:.1f} s ({int(refused):,} refused with exit 2,"
            f" {int(accepted):,} accepted with finite results; slowest {slowest:.2f} s)"
        )


__all__ = ["record", "time"]
