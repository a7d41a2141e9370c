"""The ``sourcing`` section of a scenario: the options compared and their contracts.

Every numeric field is a :data:`ccecon.scenario.types.Num` (a number, or a distribution
for Monte Carlo runs). Amounts are in the scenario currency; "per month" amounts are paid
every plan month 1..M, one-off amounts in their ``month`` (0 = at signing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal, cast

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ccecon.errors import InputError
from ccecon.scenario.lever import Lever
from ccecon.scenario.pricing import PriceModel
from ccecon.scenario.types import NonNegNum, Share, YearlyRate
from ccecon.scenario.window import Window

Array = npt.NDArray[np.float64]

OPTION_KINDS: tuple[str, ...] = ("in-house", "outsourced", "hosted", "hybrid")
"""The model kinds of an option: which costs the company keeps."""

FORMER_KEYS: dict[str, str] = {
    "in-house": "in-house",
    "in_house": "in-house",
    "outsourced": "outsourced",
    "hosted": "hosted",
    "hybrid": "hybrid",
}
"""Keys of the former format (one option of each kind, named by its kind)."""

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
        "once",
        description=(
            "once (in `month`), monthly (months 1..M), yearly (months 1, 13, 25...: the"
            " first month of each plan year, as a cost line's `yearly`)."
        ),
    )
    month: int = Field(0, ge=0, description="Month of a one-off amount (0 = at signing).")
    source: str | None = Field(None, description="Where the number comes from.")


class _Option(_M):
    name: str = Field(
        min_length=1, description="The option's name in results, e.g. `onshore` or `BPO bid A`."
    )
    note: str | None = Field(None, description="Free text: who quoted it, when.")
    levers: list[Lever] = Field(
        default_factory=list,
        description=(
            "Levers of this option (self-service deflection, shorter handle time...), acting"
            " on the scenario's channels before any routing, as a business case's levers do."
        ),
    )


class InHouse(_Option):
    """Own platform, own agents.

    Agents: the paid FTE the scenario's ``staffing`` gives for the demand (the engine's
    staffing, as in every business case), or ``agents`` (a fixed head count) when given.
    """

    kind: Literal["in-house"] = Field(description="in-house: own platform, own agents.")
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


class Hosted(_Option):
    """Provider runs the platform (usually per seat per month); the company's own agents."""

    kind: Literal["hosted"] = Field(description="hosted: rented platform, own agents.")
    price: PriceModel = Field(description="The platform contract (e.g. per_seat).")
    agent_salary: NonNegNum = Field(description="Fully loaded cost per paid agent per month.")
    telecom_per_minute: NonNegNum = Field(0.0, description="Telecom per handle minute.")
    management_per_month: NonNegNum = Field(0.0, description="Own staff management per month.")
    other: list[QuoteLine] = Field(default_factory=list, description="Other own costs.")


class Outsourced(_Option):
    """A provider (BPO) supplies platform and agents."""

    kind: Literal["outsourced"] = Field(description="outsourced: the provider's everything.")
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
    after_hours: list[Window] = Field(
        default_factory=list,
        description=(
            "In-house rule: the contacts arriving in these hours of the week (the"
            " scenario's staffing grid and profiles) go to the provider; the in-house team"
            " is staffed for the other intervals only, the provider for these."
        ),
    )
    overflow: bool = Field(
        False,
        description=(
            "In-house rule: calls above the in-house team's capacity per interval (the"
            " scenario's staffing goals and interval profile) go to the provider. Voice"
            " channels only."
        ),
    )

    @model_validator(mode="after")
    def _one_split(self) -> Route:
        share = self.after_hours_share
        if self.after_hours and (not isinstance(share, (int, float)) or share > 0):
            raise ValueError(
                "give either after_hours (hours of the week sent to the provider) or"
                " after_hours_share (a share of the contacts), not both"
            )
        if self.after_hours and self.overflow:
            raise ValueError(
                "after_hours and overflow cannot be combined in one rule: the overflow team"
                " answers every open interval"
            )
        return self


class Hybrid(_Option):
    """Mix: some work stays in-house, the rest goes to the provider.

    In-house costs: the build, platform, management, salary and telecom of the in-house
    option named by ``in_house``, for the paid FTE the scenario's ``staffing`` gives for
    the kept channels, plus, for the channels routed with ``overflow``, a fixed team of
    ``in_house_agents`` on the phones in every open interval. Provider costs: ``price``
    (default: the price of the outsourced option named by ``provider``) on the work sent
    out, plus vendor management and that option's transition cost.
    """

    kind: Literal["hybrid"] = Field(description="hybrid: routing rules split the work.")
    in_house: str | None = Field(
        None, description="Name of the in-house option whose costs it keeps; default: the only one."
    )
    provider: str | None = Field(
        None,
        description="Name of the outsourced option it sends work to; default: the only one.",
    )
    in_house_agents: NonNegNum = Field(
        0.0, description="Team on the phones in every open interval for the overflow channels."
    )
    routing: list[Route] = Field(min_length=1, description="One rule per channel, no overlap.")
    price: PriceModel | None = Field(None, description="Provider price; default the provider's.")
    vendor_management_per_month: NonNegNum | None = Field(
        None, description="Default: the provider option's."
    )
    other: list[QuoteLine] = Field(
        default_factory=list,
        description="Other own costs of this option (e.g. the self-service its levers need).",
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


Option = Annotated[InHouse | Hosted | Outsourced | Hybrid, Field(discriminator="kind")]
"""Any option, told apart by its ``kind``."""


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
    """The sourcing decision: the options to compare (any number, each named) and their
    contracts.

    The former format (one option of each kind under the keys ``in-house``, ``hosted``,
    ``outsourced`` and ``hybrid``) still loads: each becomes an option named by its key.
    """

    options: list[Option] = Field(
        min_length=1, description="The options, each with a `name` and a `kind`."
    )
    current: str | None = Field(
        None,
        description=(
            "Name of the option the company runs today: each other option is then also a"
            " business case, the move from it (NPV, ROI, IRR, payback)."
        ),
    )
    revenue_per_sale: NonNegNum = Field(0.0, description="Revenue per sale, for commissions.")
    scorecard: Scorecard | None = None
    break_even: BreakEven = Field(default_factory=BreakEven)
    discount_rate: YearlyRate | None = Field(
        None, description='Annual (0.08 or "8%"); default: the scenario\'s.'
    )

    @model_validator(mode="before")
    @classmethod
    def _former_format(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        if "workload" in data:
            raise ValueError(WORKLOAD_MOVED)
        old = [k for k in data if k in FORMER_KEYS]
        if not old:
            if "options" not in data:
                raise ValueError(
                    "no options: give `options`, a list of options each with a `name` and a"
                    " `kind` (in-house, outsourced, hosted or hybrid)"
                )
            return data
        if "options" in data:
            raise ValueError(
                f"give the options either as a list under `options` or, in the former"
                f" format, under the keys {sorted(set(FORMER_KEYS.values()))}; not both"
                f" (found {old} beside `options`)"
            )
        rest = {k: v for k, v in data.items() if k not in FORMER_KEYS}
        options = []
        for key in ("in-house", "in_house", "hosted", "outsourced", "hybrid"):
            body = data.get(key)
            if body is None:
                continue
            if not isinstance(body, dict):
                raise ValueError(f"`{key}` must be a mapping of the option's fields")
            kind = FORMER_KEYS[key]
            opt = {"name": kind, "kind": kind, **body}
            if kind == "hybrid":
                opt.setdefault("in_house", "in-house")
                if data.get("outsourced") is not None:
                    opt.setdefault("provider", "outsourced")
            options.append(opt)
        if not options:
            raise ValueError(
                "no options: give `options`, a list of options each with a `name` and a"
                " `kind` (in-house, outsourced, hosted or hybrid)"
            )
        return {**rest, "options": options}

    @model_validator(mode="after")
    def _names(self) -> SourcingSpec:
        names = [o.name for o in self.options]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"option names must be unique; repeated: {dup}")
        for o in self.options:
            if isinstance(o, Hybrid):
                self.in_house_of(o)
                if o.price is None:
                    self.provider_of(o, required=True)
        if self.current is not None and self.current not in names:
            raise ValueError(f"current names {self.current!r}; the options are {names}")
        if self.scorecard is not None:
            unknown = sorted(set(self.scorecard.scores) - set(names))
            if unknown:
                raise ValueError(
                    f"scorecard scores for unknown options {unknown}; the options are {names}"
                )
        return self

    def option(self, name: str) -> InHouse | Hosted | Outsourced | Hybrid:
        """The option called ``name``."""
        for o in self.options:
            if o.name == name:
                return o
        raise KeyError(name)

    def _named(self, name: str | None, kind: type[_Option], what: str, field: str) -> Any:
        of_kind = [o for o in self.options if isinstance(o, kind)]
        if name is not None:
            found = [o for o in of_kind if o.name == name]
            if not found:
                names = [o.name for o in of_kind]
                raise ValueError(f"`{field}` names {name!r}; the {what} options are {names}")
            return found[0]
        if len(of_kind) != 1:
            raise ValueError(
                f"a hybrid option needs `{field}`: the name of the {what} option it uses"
                f" ({len(of_kind)} {what} options are given)"
            )
        return of_kind[0]

    def in_house_of(self, hybrid: Hybrid) -> InHouse:
        """The in-house option whose costs a hybrid keeps."""
        return cast(InHouse, self._named(hybrid.in_house, InHouse, "in-house", "in_house"))

    def provider_of(self, hybrid: Hybrid, *, required: bool = False) -> Outsourced | None:
        """The outsourced option a hybrid sends work to; None when the file has none and
        the hybrid has its own ``price`` (with ``required``, a :class:`ValueError`)."""
        some = any(isinstance(o, Outsourced) for o in self.options)
        if hybrid.provider is None and not some:
            if required:
                raise ValueError(
                    "a hybrid option needs a `price`, or `provider`: the name of an"
                    " outsourced option whose price it pays"
                )
            return None
        return cast(Outsourced, self._named(hybrid.provider, Outsourced, "outsourced", "provider"))


def check_routing(spec: SourcingSpec, scenario: Any) -> None:
    """Every channel in exactly one routing rule of each hybrid option, and every option's
    levers on a channel of the demand within the horizon; else :class:`InputError`."""
    channels = sorted(c.name for c in scenario.channels)
    for k, opt in enumerate(spec.options):
        for j, lever in enumerate(opt.levers):
            where = f"sourcing.options[{k}].levers[{j}]"
            if lever.channel not in channels:
                raise InputError(
                    "lever names a channel that does not exist; channels: " + ", ".join(channels),
                    field=f"{where}.channel",
                    value=lever.channel,
                )
            if lever.start_month > scenario.horizon_months:
                raise InputError(
                    f"start_month is outside the horizon (1..{scenario.horizon_months})",
                    field=f"{where}.start_month",
                    value=lever.start_month,
                )
        if isinstance(opt, Hybrid):
            check_hybrid_routing(opt, scenario, f"sourcing.options[{k}].routing")


def check_hybrid_routing(hy: Hybrid, scenario: Any, where: str) -> None:
    """Every channel of the demand in exactly one routing rule of the hybrid option ``hy``
    (its field path ``where``); after-hours windows holding contacts and overflow on
    voice_inbound channels of in-house rules only; else :class:`InputError`."""
    seen: dict[str, int] = {}
    kinds = {c.name: str(getattr(c.kind, "value", c.kind)) for c in scenario.channels}
    known = set(kinds)
    for i, r in enumerate(hy.routing):
        for name in r.channels:
            if name not in known:
                raise InputError(
                    f"unknown channel; the demand has {sorted(known)}",
                    field=f"{where}[{i}].channels",
                    value=name,
                )
            if name in seen:
                raise InputError(
                    f"routing rules overlap: channel in rules {seen[name]} and {i}",
                    field=f"{where}[{i}].channels",
                    value=name,
                )
            seen[name] = i
        if r.to == "outsourced" and (
            r.overflow
            or r.after_hours
            or float(np.max(np.asarray(r.after_hours_share, dtype=float))) > 0
        ):
            raise InputError(
                "after_hours, after_hours_share and overflow apply to in-house rules only",
                field=f"{where}[{i}]",
                value=r.to,
            )
        if r.after_hours:
            needs_staffing(scenario, "routing by hours of the week", f"{where}[{i}].after_hours")
            for j, w in enumerate(r.after_hours):
                if window_split(scenario, [w]).sent_share == 0:
                    st = scenario.staffing
                    raise InputError(
                        f"this window holds no contacts: the lines are open"
                        f" {st.open_hour:g}-{st.close_hour:g} h (staffing open_hour,"
                        " close_hour) on the days the weekly profile does not set to 0",
                        field=f"{where}[{i}].after_hours[{j}]",
                        value=w.model_dump(),
                    )
        if r.overflow:
            ks = {kinds[n] for n in r.channels}
            if ks != {"voice_inbound"}:
                raise InputError(
                    "overflow (Erlang) applies to voice_inbound channels only",
                    field=f"{where}[{i}].overflow",
                    value=sorted(ks),
                )
            needs_staffing(scenario, "hybrid overflow", f"{where}[{i}].overflow")
    missing = known - set(seen)
    if missing:
        raise InputError(
            "routing leaves contacts unassigned: every channel needs one rule",
            field=where,
            value=sorted(missing),
        )


@dataclass(frozen=True)
class WindowSplit:
    """A channel split by hours of the week (time-window routing).

    ``sent_share`` is the share of a week's contacts arriving in the windows (the
    staffing's interval grid, weekly and intraday profiles), ``kept_share = 1 -
    sent_share``; ``kept_profile`` and ``sent_profile`` are each side's share of its own
    weekly contacts per open interval of the week (Monday's intervals first, each summing
    to 1; zeros for a side that handles nothing).
    """

    kept_share: float
    sent_share: float
    kept_profile: Array
    sent_profile: Array


def window_split(scenario: Any, windows: Any) -> WindowSplit:
    """Split the staffing's interval-of-week profile by the routing windows."""
    from ccecon.queueing.workload import interval_shares, window_mask

    st = scenario.staffing
    per_day = round((st.close_hour - st.open_hour) * 60 / st.interval_minutes)
    shares = interval_shares(st.weekly_profile, st.intraday_profile, per_day)
    mask = window_mask(
        [(list(w.days), w.from_hour, w.to_hour) for w in windows],
        interval_minutes=st.interval_minutes,
        open_hour=st.open_hour,
        close_hour=st.close_hour,
    )
    sent = shares * mask
    kept = shares - sent
    sent_share = float(sent.sum())
    kept_share = float(kept.sum())
    return WindowSplit(
        kept_share,
        sent_share,
        kept / kept_share if kept_share > 0 else kept,
        sent / sent_share if sent_share > 0 else sent,
    )


def needs_staffing(scenario: Any, what: str, field: str) -> None:
    """:class:`InputError` when ``what`` needs agents and the scenario has no staffing."""
    if scenario.staffing is None:
        raise InputError(
            f"{what} needs agents, sized by the scenario's `staffing` section (interval"
            " profile, service goals, shrinkage, paid hours): add `staffing:` at the top"
            " level of the file",
            field=field,
        )
