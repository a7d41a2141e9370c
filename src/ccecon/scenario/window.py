"""Hours of the week: the one time-window syntax of a scenario.

Time-window routing (a sourcing option's ``after_hours``) and the levers that act in some
hours of the day (``peak_levers``, :mod:`ccecon.scenario.peak`) name their hours with this
:class:`Window`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
"""A day of the week, as windows name them."""

ALL_DAYS: list[Day] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class Window(BaseModel):
    """Hours of the week: ``days``, from ``from_hour`` (inclusive) to ``to_hour`` (exclusive).

    An interval of the staffing's grid belongs to the window when it starts inside it, so
    ``{days: [mon, tue, wed, thu, fri], from_hour: 18}`` is every weekday evening from
    18:00 to the close, and ``{days: [sat, sun]}`` both whole weekend days.
    """

    model_config = ConfigDict(extra="forbid")

    days: list[Day] = Field(
        default_factory=lambda: list(ALL_DAYS),
        min_length=1,
        description="Days of the week (mon .. sun); default every day.",
    )
    from_hour: float = Field(0.0, ge=0, lt=24, description="First hour of the window (local).")
    to_hour: float = Field(24.0, gt=0, le=24, description="Hour the window ends (exclusive).")

    @model_validator(mode="after")
    def _span(self) -> Window:
        if self.to_hour <= self.from_hour:
            raise ValueError(
                f"to_hour ({self.to_hour:g}) must be after from_hour ({self.from_hour:g});"
                " a window across midnight is two windows (evening, then early morning)"
            )
        return self
