"""Required agents: exact against brute force, simulation, and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from ccecon.errors import InputError
from ccecon.queueing import erlang_a, required_agents
from ccecon.queueing.staffing import Goals, _feasible


def _brute_force(
    calls: np.ndarray, aht: np.ndarray, interval: float, goals: Goals, patience: np.ndarray | None
) -> np.ndarray:
    """Scan N = 0, 1, 2, ... for every row (vectorized over the rows still unsolved) and
    keep the first N that meets every goal: no bound, no bisection, no monotonicity used."""
    a = calls * aht / interval
    out = np.full(a.shape, -1, dtype=np.int64)
    out[a <= 0] = 0
    n = 0
    todo = np.flatnonzero(out < 0)
    while todo.size:
        g = goals.take(todo)
        ok = _feasible(
            a[todo],
            np.full(todo.size, float(n)),
            aht[todo],
            g,
            None if patience is None else patience[todo],
        )
        out[todo[ok]] = n
        todo = todo[~ok]
        n += 1
    return out


def _rows(rng: np.random.Generator, size: int) -> tuple[np.ndarray, ...]:
    # traffic from tiny to large (log-uniform 1e-3 .. 300 Erlangs), fractions >= .5 common
    traffic = 10 ** rng.uniform(-3, np.log10(300), size)
    traffic = np.where(
        rng.random(size) < 0.3, np.floor(traffic) + 0.5 + 0.49 * rng.random(size), traffic
    )
    aht = rng.uniform(30, 900, size)
    calls = traffic * 1800 / aht
    target = rng.uniform(0.05, 0.95, size)  # low targets included
    threshold = rng.choice([0.0, 5.0, 20.0, 60.0, 600.0, 3600.0], size)  # long thresholds too
    return calls, aht, target, threshold


def test_erlang_c_required_agents_equal_brute_force_on_100000_rows() -> None:
    rng = np.random.default_rng(20261122)
    calls, aht, target, threshold = _rows(rng, 100_000)
    goals = Goals(sl_target=target, sl_threshold_s=threshold)
    fast = required_agents(calls, aht, 1800, sl_target=target, sl_threshold_s=threshold)
    slow = _brute_force(calls, aht, 1800.0, goals, None)
    assert int(np.sum(fast != slow)) == 0


def test_all_goals_at_once_equal_brute_force() -> None:
    rng = np.random.default_rng(7)
    calls, aht, target, threshold = _rows(rng, 20_000)
    asa_max = rng.uniform(5, 120, calls.size)
    occ = rng.uniform(0.6, 0.95, calls.size)
    goals = Goals(sl_target=target, sl_threshold_s=threshold, max_asa_s=asa_max, max_occupancy=occ)
    fast = required_agents(
        calls,
        aht,
        1800,
        sl_target=target,
        sl_threshold_s=threshold,
        max_asa_s=asa_max,
        max_occupancy=occ,
    )
    assert int(np.sum(fast != _brute_force(calls, aht, 1800.0, goals, None))) == 0


def test_erlang_a_required_agents_equal_brute_force() -> None:
    rng = np.random.default_rng(11)
    calls, aht, target, threshold = _rows(rng, 20_000)
    patience = rng.uniform(20, 1200, calls.size)
    ab = rng.uniform(0.01, 0.2, calls.size)
    goals = Goals(sl_target=target, sl_threshold_s=threshold, max_abandon=ab)
    fast = required_agents(
        calls,
        aht,
        1800,
        sl_target=target,
        sl_threshold_s=threshold,
        max_abandon=ab,
        patience_s=patience,
    )
    assert int(np.sum(fast != _brute_force(calls, aht, 1800.0, goals, patience))) == 0


@pytest.mark.parametrize("traffic", [1e4, 2.5e5, 1e6])
def test_huge_traffic_is_the_exact_minimum(traffic: float) -> None:
    n = int(required_agents(traffic * 1800 / 180, 180, 1800, sl_target=0.8, sl_threshold_s=20.0))
    a = np.array([traffic, traffic])
    ok = _feasible(a, np.array([n, n - 1.0]), np.array([180.0, 180.0]), Goals(0.8, 20.0), None)
    assert ok.tolist() == [True, False]


def test_fractional_agents_bracket_the_integer_answer() -> None:
    f = float(required_agents(100, 180, 1800, sl_target=0.8, sl_threshold_s=20, fractional=True))
    assert 13 < f <= 14


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        (dict(calls=[10, -1], aht_s=180, interval_s=1800), "calls"),
        (dict(calls=[10, 1], aht_s=[180, 0], interval_s=1800), "aht_s"),
        (dict(calls=[10, float("nan")], aht_s=180, interval_s=1800), "calls"),
        (dict(calls=10, aht_s=180, interval_s=1800, sl_target=1.5), "sl_target"),
        (
            dict(calls=10, aht_s=180, interval_s=1800, sl_target=0.8, sl_threshold_s=-1),
            "sl_threshold_s",
        ),
        (dict(calls=10, aht_s=180, interval_s=1800), "goals"),
        (dict(calls=10, aht_s=180, interval_s=1800, max_abandon=0.05, patience_s=-3), "patience_s"),
    ],
)
def test_bad_input_names_row_and_field(kwargs: dict, field: str) -> None:
    defaults = (
        {"sl_target": 0.8, "sl_threshold_s": 20}
        if field not in ("sl_target", "sl_threshold_s", "goals", "patience_s")
        else {}
    )
    with pytest.raises(InputError) as err:
        required_agents(**{**defaults, **kwargs})
    assert err.value.field == field
    if field in ("calls", "aht_s"):
        assert err.value.row == 2


def _simulate(
    lam: float,
    n: int,
    patience: float | None,
    t_sl: float,
    seed: int,
    horizon: float = 60.0,
    warm: float = 10.0,
) -> tuple[float, float]:
    """One ciw replication (mean service time 1): (service level over all offered, P(ab))."""
    import ciw

    kwargs = {}
    if patience is not None:
        kwargs["reneging_time_distributions"] = [ciw.dists.Exponential(1.0 / patience)]
    net = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(lam)],
        service_distributions=[ciw.dists.Exponential(1.0)],
        number_of_servers=[n],
        **kwargs,
    )
    ciw.seed(seed)
    sim = ciw.Simulation(net)
    sim.simulate_until_max_time(horizon + 5.0 * (1 + (patience or 1)))
    recs = [r for r in sim.get_all_records() if warm <= r.arrival_date < horizon]
    served = [r for r in recs if r.record_type == "service"]
    reneged = [r for r in recs if r.record_type == "renege"]
    total = len(served) + len(reneged)
    in_t = sum(1 for r in served if r.waiting_time <= t_sl)
    return in_t / total, len(reneged) / total


@pytest.mark.slow
@pytest.mark.parametrize(
    ("traffic", "agents", "patience", "t_sl", "reps", "horizon"),
    [
        (10.0, 12, None, 20 / 180, 12, 300.0),  # Erlang C, small center
        (10.0, 11, 2.0, 20 / 180, 12, 300.0),  # Erlang A, impatient callers
        (500.0, 484, 300 / 180, 20 / 180, 6, 14.0),  # issue 3: 80/20 at 500 E, 5-min patience
    ],
)
def test_analytic_inside_simulation_confidence_interval(
    traffic: float, agents: int, patience: float | None, t_sl: float, reps: int, horizon: float
) -> None:
    """ciw discrete-event simulation (independent replications, 95 % t interval of the
    mean) contains the analytic service level and abandonment."""
    from scipy import stats

    warm = horizon / 5
    runs = np.array(
        [_simulate(traffic, agents, patience, t_sl, s, horizon, warm) for s in range(reps)]
    )
    if patience is None:
        from ccecon.queueing import service_level

        want_sl, want_ab = float(service_level(traffic, agents, 1.0, t_sl)), 0.0
    else:
        m = erlang_a(traffic, agents, 1.0, patience, t_sl)
        want_sl, want_ab = float(m["service_level"]), float(m["p_abandon"])
    tcrit = stats.t.ppf(0.975, reps - 1)
    for col, want in ((0, want_sl), (1, want_ab)):
        mean = runs[:, col].mean()
        half = tcrit * runs[:, col].std(ddof=1) / np.sqrt(reps) + 1e-12
        assert abs(mean - want) <= half, (col, mean, half, want)
