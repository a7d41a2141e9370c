"""The interval profile that peak levers reshape (ccecon.queueing.peak), by hand."""

from __future__ import annotations

import numpy as np

from ccecon.queueing.peak import IntervalProfile, window_changes


def test_callbacks_spread_each_days_moved_share_evenly_over_that_days_target() -> None:
    # Two open days of three intervals (the other five days closed): shares
    # Monday [0.2, 0.1, 0.1], Tuesday [0.3, 0.2, 0.1]. Window: each day's first interval;
    # callbacks to the other two. Deflection D = -share in the window; callbacks B move it
    # out and put half of each day's moved share in each of that day's two other intervals.
    base = np.zeros(21)
    base[:6] = [0.2, 0.1, 0.1, 0.3, 0.2, 0.1]
    window = np.zeros(21)
    window[[0, 3]] = 1
    target = np.zeros(21)
    target[[1, 2, 4, 5]] = 1
    d, b = window_changes(base, window, target, per_day=3)
    np.testing.assert_allclose(d[:6], [-0.2, 0, 0, -0.3, 0, 0])
    np.testing.assert_allclose(b[:6], [-0.2, 0.1, 0.1, -0.3, 0.15, 0.15])
    assert not d[6:].any() and not b[6:].any()
    # 50 % called back from month 1 in a two-month plan: Monday [0.1, 0.15, 0.15] ...
    coef = np.array([[0.0, 0.5, 0.5]])
    prof = IntervalProfile(base, ((coef, b),))
    unique, share_of = prof.columns()
    shares = prof.shares_at(unique, 1)[0][share_of]
    np.testing.assert_allclose(shares[:6], [0.1, 0.15, 0.15, 0.15, 0.275, 0.175])
    np.testing.assert_allclose(prof.factor(), [[1.0, 1.0, 1.0]])
    # ... and 50 % deflected instead: the week keeps 1 - 0.5 x 0.5 = 75 % of its contacts,
    # and the shares of what is left are renormalised to sum to 1
    prof = IntervalProfile(base, ((coef, d),))
    np.testing.assert_allclose(prof.factor(), [[1.0, 0.75, 0.75]])
    unique, share_of = prof.columns()
    shares = prof.shares_at(unique, 2)[0][share_of]
    np.testing.assert_allclose(shares[:6], np.array([0.1, 0.1, 0.1, 0.15, 0.2, 0.1]) / 0.75)
    assert np.isclose(shares.sum(), 1.0)
