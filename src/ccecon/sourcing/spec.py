"""The ``sourcing`` section of a scenario: the options compared and their contracts.

Every numeric field is a :data:`ccecon.scenario.types.Num` (a number, or a distribution
for Monte Carlo runs). Amounts are in the scenario currency; "per month" amounts are paid
every plan month 1..M, one-off amounts in their ``month`` (0 = at signing).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ccecon.defaults import (
    DEFAULT_MAX_OCCUPANCY,
    DEFAULT_PAID_HOURS_PER_FTE_MONTH,
    DEFAULT_SHRINKAGE,
    DEFAULT_SL_TARGET,
    DEFAULT_SL_THRESHOLD_S,
)
from ccecon.scenario.types import GoalShare, NonNegNum, Share, ShareBelowOne, YearlyRate
from ccecon.sourcing.pricing import PriceModel

OPTION_NAMES: tuple[str, ...] = ("in-house", "outsourced", "hosted", "hybrid")
"""Names of the options in results, in this order."""


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QuoteLine(_M):
    """One line of a quote: ``amount x quantity``, once (in ``month``) or every month.

    Example: build service 30,000 per person-day x 20 person-days, once.
    """

    name: str = Field(description="What it is, e.g. `build service (person-days)`.")
    amount: NonNegNum = Field(description="Price per unit.")
    quantity: NonNegNum = Field(1.0, description="Units (person-days, items, seats...).")
    timing: Literal["once", "monthly", "yearly"] = Field(
        "once", description="once (in `month`), monthly (months 1..M), yearly (months 12, 24...)."
    )
    month: int = Field(0, ge=0, description="Month of a one-off amount (0 = at signing).")
    source: str | None = Field(None, description="Where the number comes from.")


class Workload(_M):
    """How contacts arrive within a month, to staff voice with Erlang C per interval.

    A month's calls are spread evenly over ``days_per_month`` open days and, within a day,
    over the intervals from ``open_hour`` to ``close_hour`` by ``intraday_profile`` (flat by
    default). Each interval is staffed with :func:`ccecon.queueing.required_agents`.
    """

    interval_minutes: Literal[15, 30, 60] = 30
    open_hour: float = Field(8, ge=0, lt=24)
    close_hour: float = Field(20, gt=0, le=24)
    days_per_month: NonNegNum = Field(30.0, gt=0, description="Open days per month.")
    intraday_profile: list[float] | None = Field(
        None, description="Relative volume per interval of the open hours; default flat."
    )
    sl_target: GoalShare = Field(
        DEFAULT_SL_TARGET, description='Service level goal (0.8 or "80%").'
    )
    sl_threshold_s: NonNegNum = Field(
        DEFAULT_SL_THRESHOLD_S, description="Service level threshold, seconds."
    )
    max_occupancy: GoalShare = Field(
        DEFAULT_MAX_OCCUPANCY,
        description='Occupancy for non-voice work, 0.85 or "85%" (hours = handle hours /'
        " occupancy).",
    )
    shrinkage: ShareBelowOne = Field(
        DEFAULT_SHRINKAGE,
        description='Breaks, training, absence: paid -> on phones, below 100 % (0.3 or "30%").',
    )
    paid_hours_per_fte_month: NonNegNum = Field(
        DEFAULT_PAID_HOURS_PER_FTE_MONTH,
        gt=0,
        description="Paid hours per full-time agent per month (40 h x 52 / 12 = 173.3).",
    )

    @model_validator(mode="after")
    def _hours(self) -> Workload:
        if self.close_hour <= self.open_hour:
            raise ValueError(
                f"close_hour ({self.close_hour}) must be after open_hour ({self.open_hour})"
            )
        n = self.n_intervals
        if self.intraday_profile is not None:
            if len(self.intraday_profile) != n:
                raise ValueError(
                    f"intraday_profile has {len(self.intraday_profile)} values; the open hours"
                    f" hold {n} intervals of {self.interval_minutes} min"
                )
            if any(w < 0 for w in self.intraday_profile) or sum(self.intraday_profile) <= 0:
                raise ValueError("intraday_profile weights must be >= 0 with a positive sum")
        return self

    @property
    def n_intervals(self) -> int:
        """Intervals in the open hours of one day."""
        return round((self.close_hour - self.open_hour) * 60 / self.interval_minutes)


class InHouse(_M):
    """Own platform, own agents.

    Agents: paid FTE from the workload (Erlang) when the spec has ``workload``; else
    ``agents`` (a fixed head count of paid agents).
    """

    build: list[QuoteLine] = Field(
        default_factory=list, description="Quote lines: build, equipment, maintenance..."
    )
    agents: NonNegNum | None = Field(None, description="Paid agents when no workload is given.")
    agent_salary: NonNegNum = Field(description="Fully loaded cost per paid agent per month.")
    telecom_per_minute: NonNegNum = Field(0.0, description="Telecom per handle minute.")
    platform_per_month: NonNegNum = Field(0.0, description="Platform / licences per month.")
    management_per_month: NonNegNum = Field(0.0, description="Staff management per month.")


class Hosted(_M):
    """Provider runs the platform (usually per seat per month); the company's own agents."""

    price: PriceModel = Field(description="The platform contract (e.g. per_seat).")
    agent_salary: NonNegNum = Field(description="Fully loaded cost per paid agent per month.")
    telecom_per_minute: NonNegNum = Field(0.0, description="Telecom per handle minute.")
    management_per_month: NonNegNum = Field(0.0, description="Own staff management per month.")
    other: list[QuoteLine] = Field(default_factory=list, description="Other own costs.")


class Outsourced(_M):
    """A provider (BPO) supplies platform and agents."""

    price: PriceModel = Field(description="The provider's price model.")
    vendor_management_per_month: NonNegNum = Field(
        0.0, description="Own staff managing the vendor, per month."
    )
    transition_cost: NonNegNum = Field(
        0.0, description="One-off cost of moving the work (knowledge transfer, parallel run)."
    )
    transition_month: int = Field(0, ge=0, description="Month of the transition cost.")
    other: list[QuoteLine] = Field(default_factory=list, description="Other own costs.")


class Route(_M):
    """Where the contacts of some channels go in the hybrid option."""

    channels: list[str] = Field(min_length=1, description="Channel names this rule covers.")
    to: Literal["in-house", "outsourced"] = Field(description="Who handles them.")
    after_hours_share: Share = Field(
        0.0, description="In-house rule: share arriving after hours, sent to the provider."
    )
    overflow: bool = Field(
        False,
        description=(
            "In-house rule: calls above the in-house team's capacity per interval (Erlang C"
            " at the workload's service goal) go to the provider. Voice channels only."
        ),
    )


class Hybrid(_M):
    """Mix: a fixed in-house team keeps some work; the rest goes to the provider.

    In-house costs: the in-house option's build, platform and management, plus
    ``in_house_agents`` on the phones during open hours (paid FTE via shrinkage) and their
    telecom. Provider costs: ``price`` (default: the outsourced option's) on the work sent
    out, plus vendor management.
    """

    in_house_agents: NonNegNum = Field(description="Agents on the phones per open interval.")
    routing: list[Route] = Field(min_length=1, description="One rule per channel, no overlap.")
    price: PriceModel | None = Field(None, description="Provider price; default outsourced's.")
    vendor_management_per_month: NonNegNum | None = Field(
        None, description="Default: the outsourced option's."
    )


class Criterion(_M):
    """A non-financial criterion with its weight."""

    name: str
    weight: NonNegNum = Field(description="Relative weight (normalised to sum 1).")


class Scorecard(_M):
    """Weighted non-financial scorecard (control, data security, quality, flexibility...).

    Scores are the user's (e.g. 1-5) per option and criterion; shown beside the money,
    never added to it.
    """

    criteria: list[Criterion] = Field(min_length=1)
    scores: dict[str, dict[str, float]] = Field(
        description="option -> criterion -> score (higher is better)."
    )

    @model_validator(mode="after")
    def _known(self) -> Scorecard:
        names = {c.name for c in self.criteria}
        for opt, row in self.scores.items():
            if opt not in OPTION_NAMES:
                raise ValueError(
                    f"unknown option {opt!r} in scores; expected one of {OPTION_NAMES}"
                )
            missing = names - set(row)
            extra = set(row) - names
            if missing or extra:
                raise ValueError(
                    f"scores of {opt!r}: missing {sorted(missing)}, unknown {sorted(extra)}"
                )
        return self


class BreakEven(_M):
    """Volume scan for break-even points and the ranking by volume."""

    min_factor: float = Field(0.1, gt=0, description="Lowest volume, x the scenario's.")
    max_factor: float = Field(5.0, gt=0, description="Highest volume, x the scenario's.")
    points: int = Field(25, ge=2, le=400, description="Scan points (log-spaced).")

    @model_validator(mode="after")
    def _range(self) -> BreakEven:
        if self.min_factor >= self.max_factor:
            raise ValueError(
                f"min_factor ({self.min_factor}) must be below max_factor ({self.max_factor})"
            )
        return self


class SourcingSpec(_M):
    """The sourcing decision: which options to compare and their contracts."""

    in_house: InHouse | None = Field(None, alias="in-house")
    hosted: Hosted | None = None
    outsourced: Outsourced | None = None
    hybrid: Hybrid | None = None
    workload: Workload | None = Field(None, description="Staff voice with Erlang C.")
    revenue_per_sale: NonNegNum = Field(0.0, description="Revenue per sale, for commissions.")
    scorecard: Scorecard | None = None
    break_even: BreakEven = Field(default_factory=BreakEven)
    discount_rate: YearlyRate | None = Field(
        None, description='Annual (0.08 or "8%"); default: the scenario\'s.'
    )

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _some_option(self) -> SourcingSpec:
        if not any((self.in_house, self.hosted, self.outsourced, self.hybrid)):
            raise ValueError(
                "no options: give at least one of in-house, outsourced, hosted, hybrid"
            )
        if self.hybrid is not None:
            if self.in_house is None:
                raise ValueError("hybrid needs the in-house option (its own costs)")
            if self.hybrid.price is None and self.outsourced is None:
                raise ValueError("hybrid needs a price, or the outsourced option's price")
            if any(r.overflow for r in self.hybrid.routing) and self.workload is None:
                raise ValueError("hybrid overflow needs the workload section (Erlang)")
        return self
