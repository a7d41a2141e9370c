"""Field types shared by every scenario section.

``Num`` is the type of every numeric input of a scenario: a plain number, or (once the
uncertainty module is loaded) a distribution such as ``{dist: triangular, min: 1, mode: 2,
max: 4}``. The engine reads every ``Num`` with ``numpy.asarray`` after sampling, so a value
is a float for a deterministic run and an array of draws for a Monte Carlo run.
"""

from __future__ import annotations

from typing import Annotated, TypeAlias

from pydantic import Field

Num: TypeAlias = float
NonNegNum: TypeAlias = Annotated[float, Field(ge=0)]
Fraction: TypeAlias = Annotated[float, Field(ge=0, le=1)]
