"""Extreme but finite inputs give answers or clear errors, never a numpy warning."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from ccecon.queueing import erlang_a


@pytest.mark.parametrize(
    ("aht_s", "patience_s", "threshold_s"),
    [(180.0, 1e-300, 20.0), (1e308, 1e-300, 20.0), (180.0, 1e300, 1e308), (1e-300, 60.0, 20.0)],
)
def test_erlang_a_extremes_raise_no_warning(
    aht_s: float, patience_s: float, threshold_s: float
) -> None:
    """Seen from the web API's schema fuzzing: overflow and division warnings from the
    ratio of handle time to patience. Probabilities stay within [0, 1] (or NaN where the
    input admits no answer, which the callers refuse)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = erlang_a(10.0, 12.0, aht_s, patience_s, threshold_s)
    for key in ("p_wait", "p_abandon", "service_level"):
        v = float(np.asarray(out[key]))
        assert np.isnan(v) or 0.0 <= v <= 1.0, (key, v)
