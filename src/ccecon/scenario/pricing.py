"""Contract price models: monthly demand -> monthly charge, and which term binds.

Every model is a pydantic model told apart by its ``model`` field, so a scenario file can
describe a contract: ``per_seat``, ``package``, ``per_call``, ``per_minute``,
``per_agent_hour``, ``commission``, ``outbound``, ``tiers``, ``setup``, ``term`` and
``sum`` (several terms added). :meth:`charge` takes a :class:`Usage` (arrays of draws x
months) and returns a :class:`Charge`.

Conventions
-----------
* Usage arrays have shape ``(draws, months)`` for plan months 1..M (or anything that
  broadcasts to it). Charges have shape ``(draws, M + 1)``: index 0 is month 0 "at
  signing" (setup fees), index m the charge for plan month m. Amounts are positive costs
  in the scenario currency.
* A term "binds" in a month when the contract, not the demand, sets the bill there (the
  minimum seat count, the base fee, the unused part of a package...). :class:`Charge`
  reports, per term, the share of months (averaged over draws) in which it binds.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ccecon.errors import InputError
from ccecon.scenario.types import NonNegNum, Share

Array = npt.NDArray[np.float64]

Basis = Literal["calls", "outbound_calls", "contacts", "minutes", "sales", "agent_hours", "seats"]
"""Quantities of :class:`Usage` a volume-priced term can be billed on."""


@dataclass(frozen=True)
class Usage:
    """Monthly demand billed by a contract; each field broadcasts to ``(draws, months)``.

    Attributes
    ----------
    calls : inbound voice calls handled per month.
    outbound_calls : outbound calls made per month.
    contacts : contacts of every channel per month.
    minutes : handle minutes per month (volume x AHT / 60).
    sales : successful contacts (sales) per month.
    revenue : revenue of those sales per month, currency.
    seats : seats (agents the provider must staff, paid FTE) per month.
    agent_hours : productive (logged-in, staffed) agent hours per month.
    """

    calls: Array
    outbound_calls: Array
    contacts: Array
    minutes: Array
    sales: Array
    revenue: Array
    seats: Array
    agent_hours: Array

    @property
    def shape(self) -> tuple[int, int]:
        """``(draws, months)`` after broadcasting every field."""
        s = np.broadcast_shapes(*(np.shape(getattr(self, f)) for f in _USAGE_FIELDS))
        if len(s) != 2:
            raise ValueError(f"usage must broadcast to (draws, months), got shape {s}")
        return (int(s[0]), int(s[1]))

    def get(self, basis: str) -> Array:
        """The quantity named ``basis``, broadcast to :attr:`shape`."""
        return np.broadcast_to(np.asarray(getattr(self, basis), dtype=float), self.shape)

    @classmethod
    def zeros(cls, draws: int, months: int, **values: npt.ArrayLike) -> Usage:
        """A usage of zeros, with the given fields set (handy in tests)."""
        z = np.zeros((draws, months))
        kw = {
            f: np.broadcast_to(np.asarray(values.get(f, z), float), z.shape) for f in _USAGE_FIELDS
        }
        unknown = set(values) - set(_USAGE_FIELDS)
        if unknown:
            raise TypeError(f"unknown usage fields {sorted(unknown)}")
        return cls(**kw)


def usage_from_drivers(
    drivers: Mapping[str, Array], revenue_per_sale: Any = 0.0, share: Any = 1.0
) -> Usage:
    """What a contract bills, plan months 1..M, from a case's drivers times ``share``.

    Parameters
    ----------
    drivers : mapping
        The engine's drivers of a case (:func:`ccecon.cases.case_drivers`), arrays
        (draws or 1, months + 1): inbound_calls, outbound_calls, contacts, minutes, sales
        and, with a ``staffing`` section, fte and agent_hours.
    revenue_per_sale : float or ndarray (draws,)
        Revenue per sale, scenario currency (commission terms).
    share : float or ndarray (draws,)
        Share of the work billed (a fraction).

    Returns
    -------
    Usage
        Seats are the paid FTE rounded up (``ceil(fte x share)``); seats and agent hours
        are NaN without staffing, so a price on them is refused by the caller.
    """
    k = _column(share)
    nan = np.full((1, 1), np.nan)
    sales = drivers["sales"][:, 1:] * k
    fte = drivers.get("fte")
    hours = drivers.get("agent_hours")
    return Usage(
        calls=drivers["inbound_calls"][:, 1:] * k,
        outbound_calls=drivers["outbound_calls"][:, 1:] * k,
        contacts=drivers["contacts"][:, 1:] * k,
        minutes=drivers["minutes"][:, 1:] * k,
        sales=sales,
        revenue=sales * _column(revenue_per_sale),
        seats=nan if fte is None else np.ceil(fte[:, 1:] * k - 1e-9),
        agent_hours=nan if hours is None else hours[:, 1:] * k,
    )


def _column(x: Any) -> Array:
    """A number (float or draws) as a column that broadcasts over months."""
    a = np.asarray(x, dtype=float)
    return a[:, None] if a.ndim == 1 else a


_USAGE_FIELDS = (
    "calls",
    "outbound_calls",
    "contacts",
    "minutes",
    "sales",
    "revenue",
    "seats",
    "agent_hours",
)


@dataclass(frozen=True)
class Charge:
    """A contract's monthly charge and the terms that bind.

    Attributes
    ----------
    amount : ndarray, shape (draws, months + 1)
        Charge per month, index 0 = month 0 (at signing); positive = cost.
    binds : dict of str to ndarray of bool, shape (draws, months + 1)
        Per term, where the term (not the demand) sets the bill.
    """

    amount: Array
    binds: dict[str, npt.NDArray[np.bool_]] = field(default_factory=dict)

    def binding_share(self) -> dict[str, float]:
        """Share of plan months (1..M, averaged over draws) in which each term binds."""
        return {
            k: float(np.mean(v[:, 1:])) if v.shape[1] > 1 else 0.0 for k, v in self.binds.items()
        }

    def to_frame(self):  # type: ignore[no-untyped-def]
        """Long table: draw, month, amount."""
        import pandas as pd

        d, m = self.amount.shape
        return pd.DataFrame(
            {
                "draw": np.repeat(np.arange(d), m),
                "month": np.tile(np.arange(m), d),
                "amount": self.amount.ravel(),
            }
        )


def _pad(monthly: Array) -> Array:
    """Prepend month 0 (no usage charge at signing)."""
    return np.concatenate([np.zeros((monthly.shape[0], 1)), monthly], axis=1)


def _f(x: object) -> Array:
    """A price-model number (float, or draws of shape ``(draws,)``) that broadcasts over
    usage arrays of shape ``(draws, months)``: draws become a column."""
    a = np.asarray(x, dtype=float)
    return a[:, None] if a.ndim == 1 else a


def _both_numbers(a: object, b: object) -> bool:
    return isinstance(a, (int, float)) and isinstance(b, (int, float))


class _Price(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str | None = Field(None, description="Where the price comes from (quote, source).")


class PerSeat(_Price):
    """Per seat per month with a minimum seat count: ``price x max(seats, min_seats)``."""

    model: Literal["per_seat"] = "per_seat"
    price: NonNegNum = Field(description="Price per seat per month.")
    min_seats: NonNegNum = Field(0.0, description="Seats billed at least, per month.")
    max_seats: NonNegNum | None = Field(None, description="Most seats the provider offers.")
    seats: NonNegNum | None = Field(
        None, description="Seats contracted per month; default: the seats the demand needs."
    )

    @model_validator(mode="after")
    def _min_le_max(self) -> PerSeat:
        if (
            self.max_seats is not None
            and _both_numbers(self.min_seats, self.max_seats)
            and float(self.min_seats) > float(self.max_seats)  # type: ignore[arg-type]
        ):
            raise ValueError(f"min_seats ({self.min_seats}) is above max_seats ({self.max_seats})")
        return self

    def charge(self, u: Usage) -> Charge:
        """Charge per month; binds ``minimum seats`` and ``maximum seats``."""
        need = u.get("seats") if self.seats is None else np.broadcast_to(_f(self.seats), u.shape)
        lo = _f(self.min_seats)
        billed = np.maximum(need, lo)
        binds = {"minimum seats": _pad((lo > need).astype(float)) > 0}
        if self.max_seats is not None:
            binds["maximum seats (demand above the provider's cap)"] = (
                _pad((need > _f(self.max_seats)).astype(float)) > 0
            )
        return Charge(_pad(_f(self.price) * billed), binds)


class Package(_Price):
    """Monthly package of N units + a fee per extra unit: ``fee + over x max(q - N, 0)``."""

    model: Literal["package"] = "package"
    basis: Basis = Field("calls", description="What the package counts (calls by default).")
    included: NonNegNum = Field(description="Units included per month (N).")
    fee: NonNegNum = Field(description="Monthly package fee.")
    overage_price: NonNegNum = Field(description="Fee per unit above N.")

    def charge(self, u: Usage) -> Charge:
        """Charge per month; binds ``package (unused units)`` when q < N."""
        q = u.get(self.basis)
        n = _f(self.included)
        amount = _f(self.fee) + _f(self.overage_price) * np.maximum(q - n, 0.0)
        return Charge(
            _pad(np.broadcast_to(amount, u.shape)),
            {"package (unused units paid)": _pad((q < n).astype(float)) > 0},
        )


class PerCall(_Price):
    """Per unit with a base (minimum) monthly fee: ``max(price x q, base_fee)``."""

    model: Literal["per_call"] = "per_call"
    basis: Basis = Field("calls", description="What is counted (calls by default).")
    price: NonNegNum = Field(description="Price per unit.")
    base_fee: NonNegNum = Field(0.0, description="Minimum charge per month.")

    def charge(self, u: Usage) -> Charge:
        """Charge per month; binds ``base fee``."""
        var = _f(self.price) * u.get(self.basis)
        base = _f(self.base_fee)
        return Charge(
            _pad(np.maximum(var, base)), {"base fee": _pad((base > var).astype(float)) > 0}
        )


class Outbound(_Price):
    """Outbound per call with a minimum charge: ``max(price x outbound_calls, minimum)``."""

    model: Literal["outbound"] = "outbound"
    price: NonNegNum = Field(description="Price per outbound call.")
    minimum: NonNegNum = Field(0.0, description="Minimum charge per month.")

    def charge(self, u: Usage) -> Charge:
        """Charge per month; binds ``outbound minimum``."""
        var = _f(self.price) * u.get("outbound_calls")
        lo = _f(self.minimum)
        return Charge(
            _pad(np.maximum(var, lo)), {"outbound minimum": _pad((lo > var).astype(float)) > 0}
        )


class PerMinute(_Price):
    """Per handled minute with an optional monthly minimum."""

    model: Literal["per_minute"] = "per_minute"
    price: NonNegNum = Field(description="Price per handle minute.")
    minimum: NonNegNum = Field(0.0, description="Minimum charge per month.")

    def charge(self, u: Usage) -> Charge:
        """Charge per month; binds ``minute minimum``."""
        var = _f(self.price) * u.get("minutes")
        lo = _f(self.minimum)
        return Charge(
            _pad(np.maximum(var, lo)), {"minute minimum": _pad((lo > var).astype(float)) > 0}
        )


class PerAgentHour(_Price):
    """Per productive agent hour (common BPO pricing): ``rate x max(hours, min_hours)``."""

    model: Literal["per_agent_hour"] = "per_agent_hour"
    rate: NonNegNum = Field(description="Price per productive agent hour.")
    min_hours: NonNegNum = Field(0.0, description="Hours billed at least, per month.")

    def charge(self, u: Usage) -> Charge:
        """Charge per month; binds ``minimum hours``."""
        h = u.get("agent_hours")
        lo = _f(self.min_hours)
        return Charge(
            _pad(_f(self.rate) * np.maximum(h, lo)),
            {"minimum hours": _pad((lo > h).astype(float)) > 0},
        )


class Commission(_Price):
    """Bonus or commission by success: ``per_sale x sales + revenue_share x revenue``."""

    model: Literal["commission"] = "commission"
    per_sale: NonNegNum = Field(0.0, description="Amount per sale (successful contact).")
    revenue_share: Share = Field(0.0, description='Share of sales revenue (0.05 or "5%").')

    def charge(self, u: Usage) -> Charge:
        """Charge per month (never binds: it follows success)."""
        amount = _f(self.per_sale) * u.get("sales") + _f(self.revenue_share) * u.get("revenue")
        return Charge(_pad(amount), {})


class Tier(BaseModel):
    """One band of a tiered price: units up to ``up_to`` (None = no upper end) at ``price``."""

    model_config = ConfigDict(extra="forbid")
    up_to: NonNegNum | None = Field(None, description="Upper end of the band (units/month).")
    price: NonNegNum = Field(description="Price per unit in this band.")


class Tiers(_Price):
    """Volume tiers. ``graduated``: each band's units at its own price (like income tax).
    ``volume``: every unit at the price of the band the total falls in (all-units)."""

    model: Literal["tiers"] = "tiers"
    basis: Basis = Field("calls", description="What is counted.")
    mode: Literal["graduated", "volume"] = "graduated"
    tiers: list[Tier] = Field(min_length=1, description="Bands, lowest first; last up_to None.")

    @model_validator(mode="after")
    def _ordered(self) -> Tiers:
        ups = [t.up_to for t in self.tiers]
        if ups[-1] is not None:
            raise ValueError("the last tier must have no up_to (it takes every unit above)")
        if any(u is None for u in ups[:-1]):
            raise ValueError("only the last tier may leave up_to empty")
        nums = [float(u) for u in ups[:-1] if isinstance(u, (int, float))]
        if any(b <= a for a, b in itertools.pairwise(nums)):
            raise ValueError(f"tier up_to values must increase, got {nums}")
        return self

    def charge(self, u: Usage) -> Charge:
        """Charge per month; binds ``tier k`` for the band the month's volume reaches."""
        q = u.get(self.basis)
        lows: list[Array] = [np.zeros(())]
        for t in self.tiers[:-1]:
            lows.append(_f(t.up_to))
        highs: list[Array] = [*lows[1:], np.full((), np.inf)]
        amount = np.zeros(u.shape)
        binds: dict[str, npt.NDArray[np.bool_]] = {}
        for k, t in enumerate(self.tiers):
            lo, hi, p = lows[k], highs[k], _f(t.price)
            inband = (q > lo) & (q <= hi) if k else (q <= hi)
            if self.mode == "graduated":
                amount = amount + p * np.clip(q - lo, 0.0, hi - lo)
            else:
                amount = np.where(inband, p * q, amount)
            binds[f"tier {k + 1}"] = _pad(inband.astype(float)) > 0
        return Charge(_pad(amount), binds)


class Setup(_Price):
    """A one-off fee (setup, transition) in ``month`` (0 = at signing)."""

    model: Literal["setup"] = "setup"
    amount: NonNegNum = Field(description="One-off amount.")
    month: int = Field(0, ge=0, description="Plan month it falls due (0 = at signing).")

    def charge(self, u: Usage) -> Charge:
        """The fee in its month (nothing if the month is beyond the horizon)."""
        d, m = u.shape
        out = np.zeros((d, m + 1))
        if self.month <= m:
            out[:, [self.month]] = _f(self.amount)
        return Charge(out, {})


class Term(_Price):
    """Minimum term and exit fee.

    If the comparison horizon ends before ``min_term_months`` and ``exit_at_horizon_end``
    is true, the exit fee (``exit_fee`` + ``exit_fee_per_remaining_month`` x months left)
    is charged in the last month, and the term binds. Otherwise nothing is charged: the
    contract simply runs on past the horizon.
    """

    model: Literal["term"] = "term"
    min_term_months: int = Field(ge=0, description="Minimum contract term, months.")
    exit_fee: NonNegNum = Field(0.0, description="Fixed fee to leave before the term ends.")
    exit_fee_per_remaining_month: NonNegNum = Field(
        0.0, description="Fee per month of the term left when leaving early."
    )
    exit_at_horizon_end: bool = Field(False, description="Leave the contract at horizon end.")

    def charge(self, u: Usage) -> Charge:
        """The exit fee in the last month when leaving before the term ends."""
        d, m = u.shape
        out = np.zeros((d, m + 1))
        bind = np.zeros((d, m + 1), dtype=bool)
        left = self.min_term_months - m
        if self.exit_at_horizon_end and left > 0:
            out[:, [m]] = _f(self.exit_fee) + _f(self.exit_fee_per_remaining_month) * left
            bind[:, m] = True
        return Charge(out, {"minimum term (exit fee)": bind})


class Sum(_Price):
    """Several terms added (e.g. per seat + commission + setup)."""

    model: Literal["sum"] = "sum"
    parts: list[PriceModel] = Field(min_length=1, description="The terms, each a price model.")

    def charge(self, u: Usage) -> Charge:
        """Sum of the parts' charges; every part's binding terms are kept."""
        total = np.zeros((u.shape[0], u.shape[1] + 1))
        binds: dict[str, npt.NDArray[np.bool_]] = {}
        for p in self.parts:
            c = p.charge(u)
            total = total + c.amount
            for k, v in c.binds.items():
                binds[k] = binds[k] | v if k in binds else v
        return Charge(total, binds)


PriceModel = Annotated[
    PerSeat
    | Package
    | PerCall
    | Outbound
    | PerMinute
    | PerAgentHour
    | Commission
    | Tiers
    | Setup
    | Term
    | Sum,
    Field(discriminator="model"),
]
"""Any price model, told apart by its ``model`` field."""

Sum.model_rebuild()


def contract_charge(line: Any, drivers: Mapping[str, Array], months: int, field: str) -> Array:
    """The monthly bill of a ``contract`` cost line's price model on a case's usage.

    Parameters
    ----------
    line : CostLine
        With ``contract`` (a price model of this module),
        ``contract_share`` and ``revenue_per_sale``.
    drivers : mapping
        The case's drivers (volumes after its levers; fte and agent_hours with staffing).
    months : int
        Horizon in months.
    field : str
        The line's path, named by the error when the price needs staffing.

    Returns
    -------
    ndarray
        Shape (draws or 1, months + 1): index 0 the setup terms at signing, index m the
        charge for plan month m, scenario currency.
    """
    usage = usage_from_drivers(drivers, line.revenue_per_sale, line.contract_share)
    with np.errstate(invalid="ignore"):
        amount = line.contract.charge(usage).amount
    if not np.isfinite(amount).all():
        raise InputError(
            "a price on seats or agent hours needs agents, sized by the scenario's"
            " `staffing` section: add `staffing:` at the top level of the file",
            field=f"{field}.contract",
        )
    return np.asarray(amount, dtype=float)
