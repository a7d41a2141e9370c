"""Normalization of answered calls to equivalents of a standard handle time.

When call types differ in length, answered calls are converted to equivalents of one
standard handle time before unit costs are compared (as a published call-center cost study does):

``equivalent calls = calls x AHT_type / AHT_std``

Rounding rule: the seed **truncates** to whole calls (164,509 x 33 / 43 = 126,251.2 ->
126,251; 2,495,951 x 120 / 43 = 6,965,444.65 -> 6,965,444), so ``rounding="floor"`` is the
default; ``"none"`` keeps the fraction and ``"nearest"`` rounds half to even.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

from ccecon.errors import InputError

Rounding = Literal["floor", "none", "nearest"]


def equivalent_calls(
    calls: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    standard_aht_s: npt.ArrayLike,
    *,
    rounding: Rounding = "floor",
) -> npt.NDArray[np.float64]:
    """Answered calls expressed as calls of the standard handle time.

    Parameters
    ----------
    calls : array_like
        Answered calls of each type (>= 0).
    aht_s : array_like
        Average handle (or talk) time of each type, seconds (> 0).
    standard_aht_s : array_like
        The standard handle time, seconds (> 0); the published example uses 43 s.
    rounding : {"floor", "none", "nearest"}
        ``floor`` truncates as the source does (default).

    Returns
    -------
    ndarray
        Equivalent calls, broadcast over the inputs.

    Examples
    --------
    >>> equivalent_calls([164_509, 2_495_951], [33, 120], 43).tolist()  # the published example
    [126251.0, 6965444.0]
    """
    c = np.asarray(calls, dtype=float)
    a = np.asarray(aht_s, dtype=float)
    std = np.asarray(standard_aht_s, dtype=float)
    if np.any(~np.isfinite(c)) or np.any(c < 0):
        raise InputError("answered calls must be finite and >= 0", field="calls", value=c.tolist())
    if np.any(~np.isfinite(a)) or np.any(a <= 0):
        raise InputError("handle time must be > 0 seconds", field="aht_s", value=a.tolist())
    if np.any(~np.isfinite(std)) or np.any(std <= 0):
        raise InputError(
            "the standard handle time must be > 0 seconds",
            field="standard_aht_s",
            value=std.tolist(),
        )
    raw = c * a / std
    if rounding == "floor":
        # A tiny tolerance keeps exact integers (e.g. 86 x 43 / 43) from flooring down.
        return np.floor(raw + 1e-9)
    if rounding == "nearest":
        return np.round(raw)
    if rounding == "none":
        return raw
    raise InputError("rounding must be floor, none or nearest", field="rounding", value=rounding)
