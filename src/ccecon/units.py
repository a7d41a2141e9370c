"""Units: currencies, periods and time. The only module where units convert.

Conventions
-----------
* Money is a float in the scenario currency (ISO 4217 code); amounts in two currencies are
  never combined. :func:`check_currency` validates codes against ISO 4217's active list.
* The base grain of every plan is the calendar **month**. Month indices are 1-based inside a
  scenario horizon (month 1 is the scenario's ``start``); month 0 is "at signing", used for
  year-0 capital costs (the TEI habit).
* A year is exactly 12 months. Durations are in seconds unless a name says otherwise
  (``aht_s``, ``minutes``).
* An annual rate converts to a monthly one by compounding: ``(1 + r) ** (1/12) - 1``.
* **Ratios** (shares, rates, risk) are held as fractions: 0.35 is 35 %. Every ratio a user
  types, in a scenario file, a CLI option or a web form, is a fraction (``0.35``) or an
  explicit percent string (``"35%"``), read by :func:`parse_ratio` against the field's
  :class:`RatioDomain`. A bare number outside the domain (``shrinkage: 35``) is refused,
  never guessed to be a percentage: ``35`` could be 35 % or 3,500 %. See the ratio table
  in docs/scenario-reference.md.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

from ccecon.errors import InputError

MONTHS_PER_YEAR: Final = 12
DAYS_PER_MONTH: Final = 365.25 / 12
"""Mean length of a calendar month in days (Julian year / 12); used only to scale a
measured daily rate to a month when the data hold no complete calendar month."""
SECONDS_PER_MINUTE: Final = 60.0
SECONDS_PER_HOUR: Final = 3600.0
MINUTES_PER_HOUR: Final = 60.0

Period = Literal["month", "quarter", "year"]
MONTHS_IN: Final[dict[str, int]] = {"month": 1, "quarter": 3, "year": 12}

# ISO 4217 active alphabetic codes (2024 list, funds and precious metals excluded).
ISO_4217: Final = frozenset(
    [
        "AED",
        "AFN",
        "ALL",
        "AMD",
        "ANG",
        "AOA",
        "ARS",
        "AUD",
        "AWG",
        "AZN",
        "BAM",
        "BBD",
        "BDT",
        "BGN",
        "BHD",
        "BIF",
        "BMD",
        "BND",
        "BOB",
        "BRL",
        "BSD",
        "BTN",
        "BWP",
        "BYN",
        "BZD",
        "CAD",
        "CDF",
        "CHF",
        "CLP",
        "CNY",
        "COP",
        "CRC",
        "CUP",
        "CVE",
        "CZK",
        "DJF",
        "DKK",
        "DOP",
        "DZD",
        "EGP",
        "ERN",
        "ETB",
        "EUR",
        "FJD",
        "FKP",
        "GBP",
        "GEL",
        "GHS",
        "GIP",
        "GMD",
        "GNF",
        "GTQ",
        "GYD",
        "HKD",
        "HNL",
        "HTG",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "IQD",
        "IRR",
        "ISK",
        "JMD",
        "JOD",
        "JPY",
        "KES",
        "KGS",
        "KHR",
        "KMF",
        "KPW",
        "KRW",
        "KWD",
        "KYD",
        "KZT",
        "LAK",
        "LBP",
        "LKR",
        "LRD",
        "LSL",
        "LYD",
        "MAD",
        "MDL",
        "MGA",
        "MKD",
        "MMK",
        "MNT",
        "MOP",
        "MRU",
        "MUR",
        "MVR",
        "MWK",
        "MXN",
        "MYR",
        "MZN",
        "NAD",
        "NGN",
        "NIO",
        "NOK",
        "NPR",
        "NZD",
        "OMR",
        "PAB",
        "PEN",
        "PGK",
        "PHP",
        "PKR",
        "PLN",
        "PYG",
        "QAR",
        "RON",
        "RSD",
        "RUB",
        "RWF",
        "SAR",
        "SBD",
        "SCR",
        "SDG",
        "SEK",
        "SGD",
        "SHP",
        "SLE",
        "SOS",
        "SRD",
        "SSP",
        "STN",
        "SVC",
        "SYP",
        "SZL",
        "THB",
        "TJS",
        "TMT",
        "TND",
        "TOP",
        "TRY",
        "TTD",
        "TWD",
        "TZS",
        "UAH",
        "UGX",
        "USD",
        "UYU",
        "UZS",
        "VES",
        "VND",
        "VUV",
        "WST",
        "XAF",
        "XCD",
        "XCG",
        "XOF",
        "XPF",
        "YER",
        "ZAR",
        "ZMW",
        "ZWG",
    ]
)


def check_currency(code: str) -> str:
    """Return ``code`` upper-cased if it is an active ISO 4217 currency, else raise.

    Raises
    ------
    InputError
        If the code is not a known three-letter ISO 4217 code.
    """
    up = str(code).strip().upper()
    if up not in ISO_4217:
        raise InputError(
            "unknown currency; expected an ISO 4217 code such as CNY, USD, EUR", value=code
        )
    return up


def annual_to_monthly_rate(rate: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Convert an effective annual rate to the equivalent effective monthly rate.

    ``(1 + rate) ** (1 / 12) - 1``; 10 % a year is about 0.797 % a month.
    """
    return np.power(1.0 + np.asarray(rate, dtype=float), 1.0 / MONTHS_PER_YEAR) - 1.0


def month_label(start: dt.date, index: int) -> str:
    """Calendar label ``YYYY-MM`` of 1-based month ``index`` of a plan starting at ``start``."""
    total = start.year * 12 + (start.month - 1) + (index - 1)
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def period_index(months: int, period: Period) -> npt.NDArray[np.int64]:
    """0-based period number of each of ``months`` plan months (month 1 -> period 0)."""
    if period not in MONTHS_IN:
        raise InputError("unknown period; expected month, quarter or year", value=period)
    return np.arange(months, dtype=np.int64) // MONTHS_IN[period]


def seconds_to_minutes(seconds: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Seconds to minutes."""
    return np.asarray(seconds, dtype=float) / SECONDS_PER_MINUTE


def interval_seconds(spec: str) -> float:
    """Parse an interval length such as ``15min``, ``30min``, ``1h``, ``3600s`` to seconds."""
    s = str(spec).strip().lower()
    for suffix, factor in (("min", 60.0), ("m", 60.0), ("h", 3600.0), ("s", 1.0)):
        if s.endswith(suffix):
            try:
                value = float(s[: -len(suffix)])
            except ValueError:
                break
            if value > 0:
                return value * factor
            break
    raise InputError("expected an interval such as 15min, 30min, 1h or 900s", value=spec)


# --------------------------------------------------------------------------- ratios
@dataclass(frozen=True)
class RatioDomain:
    """The values a ratio field may take, as fractions (0.35 = 35 %).

    ``lo``/``hi`` bound every value, however spelled; ``lo_open``/``hi_open`` make a bound
    exclusive. A bare number (not a percent string) must also lie within
    ``bare_lo``..``bare_hi`` when they are given: a yearly rate above 100 % must be
    written ``"150%"``, because a bare ``1.5`` is too often a typo for 1.5 %.
    """

    what: str
    """What the field is, for messages: ``a share of paid time``."""
    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False
    bare_lo: float | None = None
    bare_hi: float | None = None
    bare_open: bool = False
    """The bare-number bounds are exclusive."""

    def contains(self, x: float, bare: bool) -> bool:
        """True when ``x`` (a fraction) is allowed; ``bare`` for a number without ``%``."""
        if not math.isfinite(x):
            return False
        if x < self.lo or x > self.hi:
            return False
        if (self.lo_open and x == self.lo) or (self.hi_open and x == self.hi):
            return False
        if bare:
            blo = self.lo if self.bare_lo is None else self.bare_lo
            bhi = self.hi if self.bare_hi is None else self.bare_hi
            if x < blo or x > bhi:
                return False
            if self.bare_open and x in (blo, bhi):
                return False
        return True

    def interval(self, bare: bool = False) -> str:
        """The allowed range in percent, e.g. ``[0 %, 100 %)``."""
        lo, hi, lo_open, hi_open = self.lo, self.hi, self.lo_open, self.hi_open
        if bare and self.bare_lo is not None:
            lo, lo_open = self.bare_lo, self.bare_open or lo_open
        if bare and self.bare_hi is not None:
            hi, hi_open = self.bare_hi, self.bare_open or hi_open
        return f"{'(' if lo_open else '['}{_pct(lo)}, {_pct(hi)}{')' if hi_open else ']'}"

    @property
    def width(self) -> float:
        """Width of the bare-number range (the largest plausible spread of a distribution)."""
        lo = self.lo if self.bare_lo is None else self.bare_lo
        hi = self.hi if self.bare_hi is None else self.bare_hi
        return hi - lo


def _pct(x: float) -> str:
    return f"{x * 100:,.10g} %"


SHARE: Final = RatioDomain("a share", 0.0, 1.0)
"""[0 %, 100 %]: sales rate, after-hours share, revenue share, tax rate."""
SHARE_BELOW_ONE: Final = RatioDomain("a share of paid time", 0.0, 1.0, hi_open=True)
"""[0 %, 100 %): shrinkage (all paid time off the phones leaves no one to plan)."""
GOAL_SHARE: Final = RatioDomain("a share", 0.0, 1.0, lo_open=True, hi_open=True)
"""(0 %, 100 %): service level goal, maximum abandonment, maximum occupancy (Erlang C
occupancy is below 100 % for any finite wait; a goal of 0 or 100 % is no goal)."""
YEARLY_RATE: Final = RatioDomain(
    "a yearly rate", -1.0, 100.0, lo_open=True, bare_lo=-1.0, bare_hi=1.0
)
"""(-100 %, 10,000 %] a year: growth, discount rate. A bare number at most 1 (100 %);
above that only as a percent string (``"150%"``)."""
RISK: Final = RatioDomain("a risk adjustment", -1.0, 1.0, bare_lo=-1.0, bare_hi=1.0, bare_open=True)
"""[-100 %, 100 %] (Forrester TEI risk adjustment). A bare 1 or -1 is refused: files written
before risk became a fraction said ``risk: 1`` for 1 %; write ``"100%"`` or ``0.01``."""

PERCENT_PATTERN: Final = r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*%\s*$"
"""A percent string: a decimal number followed by ``%`` (``"35%"``, ``"12.5 %"``)."""
_PERCENT = re.compile(PERCENT_PATTERN)
_NUMBER = re.compile(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")


def _spellings(x: float | None) -> str:
    """The two accepted spellings, with the user's number when it reads as a percent."""
    if x is not None and math.isfinite(x) and abs(x) < 1e6:
        return f'write {x / 100:.10g} or "{x:.10g}%" for {x:.10g} %'
    return 'write a fraction such as 0.35 or a percent string such as "35%"'


def parse_ratio(value: Any, domain: RatioDomain, field: str | None = None) -> float:
    """A ratio as a fraction: ``0.35`` and ``"35%"`` both give 0.35.

    The one reader of ratios: scenario fields (through their pydantic types), CLI options
    (``--shrinkage 30%``, ``--sl 80%/20``) and web forms.

    Parameters
    ----------
    value : float, int or str
        A fraction (a number, or a string holding one) or a percent string (``"35%"``,
        ``"35 %"``).
    domain : RatioDomain
        The field's allowed values (:data:`SHARE`, :data:`SHARE_BELOW_ONE`,
        :data:`GOAL_SHARE`, :data:`YEARLY_RATE`, :data:`RISK`).
    field : str, optional
        Named in the error (a CLI option such as ``--shrinkage``, a form field).

    Returns
    -------
    float
        The fraction.

    Raises
    ------
    InputError
        For anything else, or a value outside the domain; the message gives the two
        accepted spellings. A bare number is never read as a percentage.

    Examples
    --------
    >>> parse_ratio("35%", SHARE_BELOW_ONE), parse_ratio(0.35, SHARE_BELOW_ONE)
    (0.35, 0.35)
    >>> parse_ratio("150%", YEARLY_RATE)
    1.5
    """
    try:
        return _parse_ratio(value, domain)
    except InputError as exc:
        if field is None:
            raise
        raise InputError(exc.message, field=field, value=exc.value) from None


def _parse_ratio(value: Any, domain: RatioDomain) -> float:
    bare = True
    x: float
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise InputError(
            f'expected {domain.what}: a fraction such as 0.35 or a percent string such as "35%"',
            value=value,
        )
    if isinstance(value, str):
        if _PERCENT.match(value):
            x, bare = float(value.strip().rstrip("%").strip()) / 100.0, False
        elif _NUMBER.match(value):
            x = float(value)
        else:
            raise InputError(
                f"expected {domain.what}: a fraction such as 0.35 or a percent string such as"
                ' "35%"',
                value=value,
            )
    else:
        try:
            x = float(value)
        except OverflowError:  # an int past float range
            x = math.inf if value > 0 else -math.inf
    if domain.contains(x, bare):
        return x
    if not math.isfinite(x):
        raise InputError(
            f'expected {domain.what} as a finite fraction (0.35) or percent string ("35%")',
            value=value,
        )
    if bare and domain.contains(x, bare=False):
        raise InputError(
            f"a bare {x:.10g} would be {_pct(x)}, which must be written as a percent string"
            f' ("{x * 100:.10g}%"), a bare number being in {domain.interval(bare=True)};'
            f" {_spellings(x)}",
            value=value,
        )
    if bare:
        raise InputError(
            f"expected {domain.what} in {domain.interval(bare=True)} as a fraction"
            + (f"; a bare {x:.10g} would be {_pct(x)}" if abs(x) < 1e6 else "")
            + f": {_spellings(x if domain.contains(x / 100.0, bare=True) else None)}",
            value=value,
        )
    raise InputError(
        f"expected {domain.what} in {domain.interval()}: a fraction such as 0.35 or a percent"
        ' string such as "35%"',
        value=value,
    )


def ratio_json_schema(domain: RatioDomain) -> dict[str, Any]:
    """JSON Schema of a ratio: a number in the bare range, or a percent string."""
    lo = domain.lo if domain.bare_lo is None else domain.bare_lo
    hi = domain.hi if domain.bare_hi is None else domain.bare_hi
    number: dict[str, Any] = {"type": "number"}
    number["exclusiveMinimum" if domain.lo_open or domain.bare_open else "minimum"] = lo
    number["exclusiveMaximum" if domain.hi_open or domain.bare_open else "maximum"] = hi
    return {
        "anyOf": [number, {"type": "string", "pattern": PERCENT_PATTERN}],
        "description": (
            f"{domain.what[0].upper()}{domain.what[1:]} in {domain.interval()}: a fraction"
            ' (0.35 = 35 %) or a percent string ("35%").'
            + (
                f" A bare number must lie in {domain.interval(bare=True)}."
                if (domain.bare_lo, domain.bare_hi) != (None, None)
                else ""
            )
        ),
    }


def ratio_type(domain: RatioDomain) -> Any:
    """The pydantic type of a plain-number ratio field of ``domain`` (no distribution)."""
    from functools import partial
    from typing import Annotated

    from pydantic import BeforeValidator, WithJsonSchema

    return Annotated[
        float,
        BeforeValidator(partial(_validate_ratio, domain=domain)),
        WithJsonSchema(ratio_json_schema(domain)),
    ]


def _validate_ratio(value: Any, domain: RatioDomain) -> float:
    return parse_ratio(value, domain)
