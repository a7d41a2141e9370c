"""The ``sourcing`` section of a scenario: the options compared and their contracts.

Every numeric field is a :data:`ccecon.scenario.types.Num` (a number, or a distribution
for Monte Carlo runs). Amounts are in the scenario currency; "per month" amounts are paid
every plan month 1..M, one-off amounts in their ``month`` (0 = at signing).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ccecon.scenario.types import Fraction, NonNegNum, Num
from ccecon.sourcing.pricing import PriceModel

OPTION_NAMES: tuple[str, ...] = ("in-house", "outsourced", "hosted", "hybrid")
"""Names of the options in results, in this order."""

WORKLOAD_MOVED = (
    "`sourcing.workload` is no longer read: the options are staffed by the scenario's"
    " `staffing` section, the same staffing as the business case. Move interval_minutes,"
    " open_hour, close_hour, intraday_profile, sl_target, sl_threshold_s, max_occupancy,"
    " shrinkage and paid_hours_per_fte_month to a top-level `staffing:`; drop"
    " days_per_month (staffing counts calendar days, with `weekly_profile` for closed"
    " days); list in `staffing.channels` every channel the agents answer (default: the"
    " voice_inbound ones)"
)
"""What to change in a file written for the former sourcing staffing."""


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


class InHouse(_M):
    """Own platform, own agents.

    Agents: the paid FTE the scenario's ``staffing`` gives for the demand (the engine's
    staffing, as in every business case), or ``agents`` (a fixed head count) when given.
    """

    build: list[QuoteLine] = Field(
        default_factory=list, description="Quote lines: build, equipment, maintenance..."
    )
    agents: NonNegNum | None = Field(
        None, description="A fixed head count of paid agents instead of the staffing's FTE."
    )
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
    after_hours_share: Fraction = Field(
        0.0, description="In-house rule: share arriving after hours, sent to the provider."
    )
    overflow: bool = Field(
        False,
        description=(
            "In-house rule: calls above the in-house team's capacity per interval (the"
            " scenario's staffing goals and interval profile) go to the provider. Voice"
            " channels only."
        ),
    )


class Hybrid(_M):
    """Mix: some work stays in-house, the rest goes to the provider.

    In-house costs: the in-house option's build, platform and management, the paid FTE
    the scenario's ``staffing`` gives for the kept channels, plus, for the channels routed
    with ``overflow``, a fixed team of ``in_house_agents`` on the phones in every open
    interval, and the telecom of the kept work. Provider costs: ``price`` (default: the
    outsourced option's) on the work sent out, plus vendor management.
    """

    in_house_agents: NonNegNum = Field(
        0.0, description="Team on the phones in every open interval for the overflow channels."
    )
    routing: list[Route] = Field(min_length=1, description="One rule per channel, no overlap.")
    price: PriceModel | None = Field(None, description="Provider price; default outsourced's.")
    vendor_management_per_month: NonNegNum | None = Field(
        None, description="Default: the outsourced option's."
    )

    @model_validator(mode="after")
    def _team_needs_overflow(self) -> Hybrid:
        team = self.in_house_agents
        if (
            isinstance(team, (int, float))
            and team > 0
            and not any(r.overflow for r in self.routing)
        ):
            raise ValueError(
                "in_house_agents is the team answering the channels routed with"
                " `overflow: true`; without such a rule the kept channels are staffed from"
                " the scenario's `staffing`: remove in_house_agents or add `overflow: true`"
            )
        return self


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
    revenue_per_sale: NonNegNum = Field(0.0, description="Revenue per sale, for commissions.")
    scorecard: Scorecard | None = None
    break_even: BreakEven = Field(default_factory=BreakEven)
    discount_rate: Num | None = Field(None, description="Annual; default: the scenario's.")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _old_workload(cls, data: Any) -> Any:
        if isinstance(data, dict) and "workload" in data:
            raise ValueError(WORKLOAD_MOVED)
        return data

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
        return self
