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
"""

from __future__ import annotations

import datetime as dt
from typing import Final, Literal

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
