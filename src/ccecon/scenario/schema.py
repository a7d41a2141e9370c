"""The scenario file: pydantic models, documented field by field.

A scenario describes a contact center's plan in one currency over a horizon of months: the
work (channels with monthly volumes and handle times), the costs and benefits of an "as is"
case (``baseline``, optional) and a "to be" case (``proposal``), and the settings finance
needs (discount rate, NPV convention, benchmark band). Every numeric input has type
:data:`~ccecon.scenario.types.Num`: a number, or a distribution when the uncertainty module
is in use. ``ccecon schema`` prints the JSON Schema of :class:`Scenario`.

Conventions
-----------
* Months are 1-based within the horizon: month 1 is ``start``; month 0 is "at signing"
  (year-0 capital costs, the TEI habit).
* Amounts are in the scenario currency per unit of the timing rule: a ``monthly`` line
  costs ``amount x quantity`` each active month; a ``yearly`` line costs it in the first
  month of each plan year it is active in (months 1, 13, 25, ...); a ``once`` line in its
  ``month``; a ``per_unit`` line costs ``amount x quantity x driver(month)`` each month;
  a ``contract`` cost line costs ``amount x quantity x charge(month)``, the charge of its
  ``contract`` price model on the case's own usage (calls, minutes, contacts, sales,
  seats, agent hours) times ``contract_share``, each active month, plus the contract's
  setup terms at signing (month 0).
* Every ratio (shares, rates, risk) is a fraction or an explicit percent string: ``0.35``
  or ``"35%"`` (``35%`` unquoted in YAML). A bare number outside the field's range is
  refused, never read as a percentage (:func:`ccecon.units.parse_ratio`).
* ``growth`` is a yearly rate applied by plan year: in plan year ``y`` (months 1-12 are
  year 0) the amount is ``amount x (1 + growth) ** y``.
* ``risk`` is a fraction (``0.2`` or ``"20%"``): a benefit line is cut by it and a cost line
  raised by it in the risk-adjusted view (Forrester TEI); the unadjusted view ignores it.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_serializer,
    field_validator,
    model_validator,
)

from ccecon.costing.lines import Timing
from ccecon.defaults import (
    DEFAULT_MAX_OCCUPANCY,
    DEFAULT_PAID_HOURS_PER_FTE_MONTH,
    DEFAULT_SHRINKAGE,
    DEFAULT_SL_TARGET,
    DEFAULT_SL_THRESHOLD_S,
)
from ccecon.scenario.lever import Lever
from ccecon.scenario.peak import PeakLever
from ccecon.scenario.pricing import PriceModel
from ccecon.scenario.sourcing import SourcingSpec
from ccecon.scenario.types import (
    GoalShareNumber,
    NonNegNum,
    Num,
    RiskShare,
    Share,
    ShareBelowOne,
    YearlyRate,
)
from ccecon.scheduling.spec import Cover, Template
from ccecon.uncertainty.sampling import Correlation
from ccecon.units import check_currency


class _Model(BaseModel):
    """Base of every scenario model: unknown keys are errors, values are validated on set."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False, frozen=False)


class Family(StrEnum):
    """Cost families ."""

    initial = "initial"
    operating = "operating"
    hidden = "hidden"


class ChannelKind(StrEnum):
    """Kind of work a channel carries; decides which unit costs it feeds."""

    voice_inbound = "voice_inbound"
    voice_outbound = "voice_outbound"
    chat = "chat"
    email = "email"
    messaging = "messaging"
    other = "other"


STAFFING_DRIVERS: tuple[str, ...] = ("agent_hours", "fte", "peak_agents", "ideal_fte")
"""Drivers the engine adds when the scenario has a ``staffing`` section (``fte`` follows
the shift schedule when ``staffing.schedule`` is given; ``ideal_fte`` never does)."""

BUILTIN_DRIVERS: tuple[str, ...] = (
    "calls",
    "inbound_calls",
    "outbound_calls",
    "contacts",
    "minutes",
    "sales",
)
"""Drivers computed from the channels of a case (per month): ``calls`` (voice, both
directions), ``inbound_calls``, ``outbound_calls``, ``contacts`` (all channels), ``minutes``
(handle minutes, all channels = volume x AHT / 60) and ``sales`` (volume x sales_rate).
A per-channel driver ``<channel>`` (its volume) and ``<channel>.minutes`` also exist."""

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")


class Channel(_Model):
    """One channel of work (inbound calls, outbound calls, chats, emails, ...)."""

    name: str = Field(description="Identifier, e.g. `inbound_calls`; used as a driver name.")
    kind: ChannelKind = Field(description="Kind of work; voice kinds feed cost per call.")
    per_month: Num = Field(description="Contacts handled per month in plan year 1.")
    aht_s: Num = Field(description="Average handle time in seconds (talk + hold + ACW).")
    growth: YearlyRate = Field(
        0.0, description='Yearly volume growth (0.05 or "5%" = +5 % a year).'
    )
    sales_rate: Share = Field(
        0.0, description='Share of handled contacts that end in a sale (0.04 or "4%").'
    )
    note: str | None = Field(None, description="Free text: where the numbers come from.")

    @field_validator("name")
    @classmethod
    def _name_ok(cls, v: str) -> str:
        if not _NAME.match(v):
            raise ValueError("must start with a letter or _ and hold only letters, digits, _ -")
        return v


class _Line(_Model):
    name: str = Field(description="Line name as shown in tables (any language).")
    amount: Num | None = Field(
        None,
        description=(
            "Amount in the scenario currency per unit of timing (required), or for timing"
            " `contract` a multiplier of the contract's charge (default 1)."
        ),
    )
    timing: Timing = Field(
        Timing.monthly, description="once, monthly, yearly, per_unit or contract (cost lines)."
    )
    month: int | None = Field(
        None, ge=0, description="For timing `once`: the month it falls due (0 = at signing)."
    )
    driver: str | None = Field(
        None, description="For timing `per_unit`: a built-in or user driver name."
    )
    quantity: Num = Field(1.0, description="Multiplier (units, seats, people).")
    growth: YearlyRate = Field(
        0.0, description='Yearly growth of the amount by plan year (0.03 or "3%").'
    )
    start_month: int = Field(1, ge=0, description="First month the line is active.")
    end_month: int | None = Field(None, ge=0, description="Last month active (inclusive).")
    risk: RiskShare = Field(
        0.0,
        description=(
            'Risk adjustment (Forrester TEI), 0.1 or "10%": a cost raised and a benefit cut'
            " by it in the risk-adjusted view."
        ),
    )
    include: bool | None = Field(None, description="Counted in totals? Defaults by kind.")
    source: str | None = Field(None, description="Where the figure comes from (quote, study).")
    currency: str | None = Field(
        None, description="Optional check: must equal the scenario currency if given."
    )

    @model_validator(mode="after")
    def _timing_fields(self) -> _Line:
        if self.amount is None:
            if self.timing != Timing.contract:
                raise ValueError("a line needs `amount` (scenario currency per unit of timing)")
            self.amount = 1.0
        if self.timing == Timing.once and self.month is None:
            raise ValueError("a line with timing `once` needs `month` (0 = at signing)")
        if self.timing != Timing.once and self.month is not None:
            raise ValueError("`month` is only for timing `once`; use start_month/end_month")
        if self.timing == Timing.per_unit and not self.driver:
            raise ValueError("a line with timing `per_unit` needs `driver`")
        if self.timing != Timing.per_unit and self.driver:
            raise ValueError("`driver` is only for timing `per_unit`")
        if self.end_month is not None and self.end_month < self.start_month:
            raise ValueError(f"end_month {self.end_month} is before start_month {self.start_month}")
        return self


class CostLine(_Line):
    """A cost: initial (capital), operating (recurring) or hidden."""

    family: Family = Field(description="initial, operating or hidden.")
    category: str = Field(
        "other", description="Category, e.g. licences, hardware, salaries, telecom."
    )
    element: (
        Literal["personnel", "technology", "telecom", "outsourcing", "training", "other"] | None
    ) = Field(
        None,
        description=(
            "Budget element (ccecon budget); default from `category` (salaries -> personnel,"
            " licences -> technology, telecom, training...) or outsourcing for a contract."
        ),
    )
    replaces: str | None = Field(
        None,
        description=(
            "Proposal lines only: the name of the baseline cost line this line replaces, so "
            "the two count as one line before and after the change (its rise a cost, its "
            "fall a saving). Default: the baseline line of the same name, if any."
        ),
    )

    contract: PriceModel | None = Field(
        None,
        description=(
            "For timing `contract`: a contract price model (per_seat, package, per_call,"
            " per_minute, per_agent_hour, commission, outbound, tiers, setup, term, sum)"
            " billed each month on the case's own volumes (after its levers), seats and"
            " agent hours (from `staffing`)."
        ),
    )
    contract_share: Share = Field(
        1.0,
        description=(
            "For timing `contract`: the share of the case's work the contract bills (0.3"
            ' or "30%"), e.g. the part a provider handles; default all of it.'
        ),
    )
    revenue_per_sale: NonNegNum = Field(
        0.0, description="For timing `contract`: revenue per sale, for commission terms."
    )

    @model_validator(mode="after")
    def _contract_fields(self) -> CostLine:
        if self.timing == Timing.contract and self.contract is None:
            raise ValueError("a line with timing `contract` needs `contract` (a price model)")
        if self.timing != Timing.contract and self.contract is not None:
            raise ValueError("`contract` is only for timing `contract`")
        return self

    @property
    def included(self) -> bool:
        """Hidden costs are shown separately and counted only when ``include: true``."""
        return self.include if self.include is not None else self.family != Family.hidden


class BenefitLine(_Line):
    """A benefit: direct (sales, retention, cross-sell) or indirect."""

    kind: Literal["direct", "indirect"] = Field(description="direct or indirect.")
    category: str = Field("other", description="e.g. sales growth, retention, efficiency.")
    measured_by: str | None = Field(None, description="How the benefit is measured.")

    @model_validator(mode="after")
    def _no_contract(self) -> BenefitLine:
        if self.timing == Timing.contract:
            raise ValueError("timing `contract` is for cost lines (a contract's charge)")
        return self

    @property
    def included(self) -> bool:
        """Indirect benefits count only when the user says ``include: true``."""
        return self.include if self.include is not None else self.kind == "direct"


class Case(_Model):
    """One way of running the center: its costs, benefits and levers."""

    label: str | None = Field(None, description="Display name, e.g. `On-premises (as is)`.")
    cost_lines: list[CostLine] = Field(default_factory=list)
    benefit_lines: list[BenefitLine] = Field(default_factory=list)
    levers: list[Lever] = Field(default_factory=list)
    peak_levers: list[PeakLever] = Field(
        default_factory=list,
        description="Levers acting in some hours of the day on a staffed channel:"
        " deflection or callbacks at the peak (docs/staffing.md).",
    )
    drivers: dict[str, Num] = Field(
        default_factory=dict,
        description="Case-specific user drivers (per month), overriding scenario drivers.",
    )


class Benchmark(_Model):
    """A band for cost per call, with where it comes from."""

    low: Num = Field(description="Low end of the band, scenario currency per call.")
    high: Num = Field(description="High end of the band.")
    source: str = Field(description="Who published the band, and the year.")
    basis: Literal["fully_loaded", "operating"] = Field(
        "fully_loaded", description="What the band's cost includes."
    )


def _shifts_kind(value: Any) -> str:
    """Which spelling of ``schedule.shifts`` a value is (errors then come from that one)."""
    return "File" if isinstance(value, str) else "List"


class Schedule(_Model):
    """Agent cost from a shift schedule: `fte` follows the scheduled paid hours.

    The shifts cover each month's interval requirement (docs/scheduling.md, "In the
    business case"); `ideal_fte` keeps the FTE of the requirement itself.
    """

    shifts: Annotated[
        Annotated[str, Tag("File")] | Annotated[list[Template], Tag("List")],
        Discriminator(_shifts_kind),
    ] = Field(
        description="A shift templates file (path relative to the scenario file) or the"
        " templates inline, as in a shifts file's `shifts` list."
    )
    cover: Cover | None = Field(
        None, description="hard or soft; default the shifts file's (hard for inline templates)."
    )
    under_cost: float | None = Field(
        None, ge=0, description="Soft cover: cost of one agent missing for one interval."
    )
    over_cost: float | None = Field(
        None, ge=0, description="Soft cover: cost of one agent more than required for one interval."
    )
    shrinkage: float | None = Field(
        None,
        ge=0,
        lt=1,
        description="Paid time at work but off the phones beyond the templates' breaks"
        " (absence, training), below 1; default the staffing's shrinkage (its base case).",
    )
    time_limit_s: float = Field(
        20.0, gt=0, le=600, description="Solver time limit of each distinct week, seconds."
    )


class Staffing(_Model):
    """Workload -> agents -> paid FTE with Erlang C (or A), instead of a fixed head count.

    Each staffed channel is its own queue. A month's volume is spread over a
    representative week by ``weekly_profile`` (Monday first) and over the open hours by
    ``intraday_profile`` (one weight per interval from ``open_hour``); each interval is
    staffed to meet every goal, and agent-hours are scaled back to the month (calendar days
    / 7). Paid FTE = agent-hours / (paid hours per FTE-month x (1 - shrinkage)).
    The engine then offers the drivers ``agent_hours``, ``fte`` and ``peak_agents``.
    """

    channels: list[str] | None = Field(
        None, description="Channels staffed by Erlang; default: every voice_inbound channel."
    )
    interval_minutes: Literal[15, 30, 60] = Field(30, description="Interval length.")
    open_hour: float = Field(8, ge=0, lt=24, description="Hour the lines open (local).")
    close_hour: float = Field(20, gt=0, le=24, description="Hour the lines close.")
    weekly_profile: list[float] = Field(
        default_factory=lambda: [1.0] * 7,
        min_length=7,
        max_length=7,
        description="Relative volume Monday..Sunday (0 = closed that day).",
    )
    intraday_profile: list[float] | None = Field(
        None, description="Relative volume per interval of the open hours; default flat."
    )
    sl_target: GoalShareNumber | None = Field(
        DEFAULT_SL_TARGET, description='Share answered within the threshold (0.8 or "80%").'
    )
    sl_threshold_s: float = Field(
        DEFAULT_SL_THRESHOLD_S, ge=0, description="Service level threshold, seconds."
    )
    max_asa_s: float | None = Field(None, description="Maximum average speed of answer (s).")
    max_abandon: GoalShareNumber | None = Field(
        None, description='Maximum abandonment share, Erlang A (0.05 or "5%").'
    )
    max_occupancy: GoalShareNumber | None = Field(
        DEFAULT_MAX_OCCUPANCY, description='Maximum occupancy (0.85 or "85%").'
    )
    patience_s: float | None = Field(None, description="Mean patience: Erlang A when given.")
    shrinkage: ShareBelowOne = Field(
        DEFAULT_SHRINKAGE,
        description='Share of paid time not on the phones, below 100 % (0.3 or "30%").',
    )
    paid_hours_per_fte_month: Num = Field(
        DEFAULT_PAID_HOURS_PER_FTE_MONTH,
        description="Paid hours of one FTE in a month (40 h x 52 / 12 = 173.3).",
    )
    schedule: Schedule | None = Field(
        None,
        description="Shift templates: agent FTE follows the scheduled paid hours"
        " (docs/scheduling.md).",
    )

    @model_validator(mode="after")
    def _hours(self) -> Staffing:
        if self.close_hour <= self.open_hour:
            raise ValueError("close_hour must be after open_hour")
        if sum(self.weekly_profile) <= 0 or min(self.weekly_profile) < 0:
            raise ValueError("weekly_profile needs non-negative weights, not all 0")
        n = round((self.close_hour - self.open_hour) * 60 / self.interval_minutes)
        if self.intraday_profile is not None:
            if len(self.intraday_profile) != n:
                raise ValueError(
                    f"intraday_profile needs {n} weights (one per {self.interval_minutes}-"
                    f"minute interval from {self.open_hour:g} h to {self.close_hour:g} h)"
                )
            if sum(self.intraday_profile) <= 0 or min(self.intraday_profile) < 0:
                raise ValueError("intraday_profile needs non-negative weights, not all 0")
        return self


class Scorecard(_Model):
    """Non-financial scorecard: shown beside the money (table, report), never added to it."""

    csat: str | None = Field(None, description="Expected effect on customer satisfaction.")
    loyalty: str | None = Field(None, description="Expected effect on customer loyalty.")
    employee_morale: str | None = Field(None, description="Expected effect on agents' morale.")
    scalability: str | None = Field(None, description="How the change scales with volume.")
    risks: list[Risk] = Field(default_factory=list, description="The risk register.")


class Risk(_Model):
    """A risk on the register with owner and mitigation."""

    name: str = Field(description="What could go wrong.")
    owner: str | None = Field(None, description="Who watches it.")
    mitigation: str | None = Field(None, description="What is done about it.")
    likelihood: Literal["low", "medium", "high"] | None = Field(
        None, description="How likely: low, medium or high."
    )
    impact: Literal["low", "medium", "high"] | None = Field(
        None, description="How much it would cost: low, medium or high."
    )


Scorecard.model_rebuild()


class Scenario(_Model):
    """A contact-center business case in one currency over a horizon of months."""

    name: str = Field(description="Scenario name (any language).")
    currency: str = Field(description="ISO 4217 code of every amount, e.g. CNY, USD, EUR.")
    locale: Literal["en", "zh"] = Field("en", description="Language of reports.")
    start: dt.date = Field(description="First month of the plan, `YYYY-MM` (or a date).")
    horizon_months: int = Field(36, ge=1, le=600, description="Months evaluated (36 = 3 y).")
    discount_rate: YearlyRate = Field(
        0.10,
        description='Annual discount rate, 0.10 or "10%"; above 100 % only as "150%".',
    )
    discounting: Literal["monthly", "yearly_tei"] = Field(
        "monthly",
        description=(
            "monthly: each month's flow discounted at the monthly equivalent rate, month 0"
            " undiscounted. yearly_tei: flows summed by plan year, year 0 (month 0)"
            " undiscounted, year k discounted by (1 + r) ** k (Forrester TEI)."
        ),
    )
    unit_cost_basis: Literal["operating", "fully_loaded"] = Field(
        "fully_loaded",
        description=(
            "Costs in unit costs: operating only, or operating + initial spread evenly over"
            " the horizon (fully loaded, as published bands are)."
        ),
    )
    channels: list[Channel] = Field(default_factory=list, description="Work per channel.")
    drivers: dict[str, Num] = Field(
        default_factory=dict,
        description="User drivers per month (seats, agents, hires, incidents, ...).",
    )
    baseline: Case | None = Field(None, description="The 'as is' case, if compared.")
    proposal: Case = Field(description="The 'to be' case (or the only case).")
    benchmark: Benchmark | str | None = Field(
        None,
        description="Band for cost per call, or the key of a bundled benchmark.",
    )
    staffing: Staffing | None = Field(
        None,
        description="Staff channels with Erlang: drivers agent_hours, fte, ideal_fte, peak_agents.",
    )
    correlations: list[Correlation] = Field(
        default_factory=list,
        description="Rank correlations between uncertain inputs, by field path.",
    )
    scorecard: Scorecard | None = None
    sourcing: SourcingSpec | None = Field(
        None,
        description=(
            "In-house, outsourced, hosted and hybrid compared on the channels' demand"
            " (`ccecon compare`; per-option costs in `ccecon simulate`). See docs/sourcing.md."
        ),
    )
    notes: str | None = None

    @field_validator("start", mode="before")
    @classmethod
    def _month(cls, v: Any) -> Any:
        if isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}", v.strip()):
            return v.strip() + "-01"
        return v

    @field_validator("start")
    @classmethod
    def _first_of_month(cls, v: dt.date) -> dt.date:
        return v.replace(day=1)

    @field_serializer("start")
    def _ser_start(self, v: dt.date) -> str:
        return f"{v.year:04d}-{v.month:02d}"

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str) -> str:
        try:
            return check_currency(v)
        except ValueError as exc:
            raise ValueError(
                "unknown currency; expected an ISO 4217 code such as CNY, USD, EUR"
            ) from exc

    @model_validator(mode="after")
    def _cross_checks(self) -> Scenario:
        names = [c.name for c in self.channels]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"channel names must be unique; repeated: {sorted(dup)}")
        reserved = {"calls", "contacts", "minutes", "sales", *STAFFING_DRIVERS}
        kinds = {
            "inbound_calls": ChannelKind.voice_inbound,
            "outbound_calls": ChannelKind.voice_outbound,
        }
        for ch in self.channels:
            if ch.name in reserved:
                raise ValueError(
                    f"channel name {ch.name!r} is a built-in driver; choose another name"
                )
            if ch.name in kinds:
                same = [c for c in self.channels if c.kind == kinds[ch.name]]
                if ch.kind != kinds[ch.name] or len(same) > 1:
                    raise ValueError(
                        f"channel name {ch.name!r} is also the built-in driver summing every"
                        f" {kinds[ch.name].value} channel; use it only for the sole channel of"
                        " that kind, or choose another name"
                    )
        self._check_replaces()
        if self.correlations:
            from ccecon.uncertainty.sampling import check_correlations

            check_correlations(self, self.correlations)
        return self

    def _check_replaces(self) -> None:
        """``replaces`` names a baseline cost line, and only on a proposal's line."""
        from ccecon.errors import InputError

        base_names = {ln.name for ln in self.baseline.cost_lines} if self.baseline else set()
        if self.baseline is not None:
            for i, ln in enumerate(self.baseline.cost_lines):
                if ln.replaces is not None:
                    raise InputError(
                        "only a proposal's cost line can replace a baseline line",
                        field=f"baseline.cost_lines[{i}].replaces",
                        value=ln.replaces,
                    )
        for i, ln in enumerate(self.proposal.cost_lines):
            if ln.replaces is not None and ln.replaces not in base_names:
                known = ", ".join(sorted(base_names)) or "none: the scenario has no baseline"
                raise InputError(
                    f"expected the name of a baseline cost line (baseline lines: {known})",
                    field=f"proposal.cost_lines[{i}].replaces",
                    value=ln.replaces,
                )

    def cases(self) -> dict[str, Case]:
        """The cases present, ``baseline`` first."""
        out: dict[str, Case] = {}
        if self.baseline is not None:
            out["baseline"] = self.baseline
        out["proposal"] = self.proposal
        return out
