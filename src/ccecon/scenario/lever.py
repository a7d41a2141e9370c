"""A lever: a what-if on one channel's volume or handle time, in a case or a sourcing option.

Its own module so that both the scenario's cases (:mod:`ccecon.scenario.schema`) and the
sourcing options (:mod:`ccecon.scenario.sourcing`) use the one definition.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ccecon.scenario.types import Num


class Lever(BaseModel):
    """A what-if on a channel in one case: self-service deflection, better FCR.

    The case's volume of ``channel`` becomes ``per_month x volume_factor`` and its AHT
    ``aht_s x aht_factor``, from ``start_month`` (ramp-up linear over ``ramp_months``) to
    ``end_month``. Several levers on one channel multiply.
    """

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="What the lever is, e.g. `self-service deflection`.")
    channel: str = Field(description="Name of the channel it acts on.")
    volume_factor: Num = Field(1.0, ge=0, description="Multiplier on volume (0.9 = -10 %).")
    aht_factor: Num = Field(1.0, ge=0, description="Multiplier on AHT.")
    start_month: int = Field(1, ge=1, description="First month the lever acts.")
    ramp_months: int = Field(0, ge=0, description="Months to reach the full effect linearly.")
    end_month: int | None = Field(
        None, ge=1, description="Last month the lever acts (inclusive); none = to the end."
    )
    note: str | None = None
