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


def test_staffing_with_a_subnormal_handle_time_raises_no_warning() -> None:
    """Seen from the web API's schema fuzzing (``{"aht_s": 5e-324, "calls": 901}`` on
    ``/api/staff``): the threshold over the AHT overflowed in the agent search. By hand: 901
    calls of 5e-324 s are a workload of about 0 Erlangs; the least staff that answers a call
    is 1 agent, and with it every call is answered at once (service level 1, no wait)."""
    from ccecon.queueing import one_interval

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = one_interval(901.0, 5e-324, 1800.0, sl_target=0.8, sl_threshold_s=20.0)
    assert int(r["agents"]) == 1
    assert float(r["service_level"]) == 1.0
    assert float(r["asa_s"]) == 0.0
