"""A synthetic contact center a planner recognises, written as the normalized tables.

The center: four voice queues (sales, service, billing, tech) with their own handle times,
open 08:00-20:00 every day, over :data:`DAYS` days (2 1/2 years) from ``start``.

* **Volume.** Each day's share of the ``rows`` contacts is trend (+8 % a year) x weekday
  (Monday busiest, Sunday quietest) x season (a winter high, a December peak) x holidays
  (closed on 1 January and 25 December; about half the calls on 4 July, Memorial Day, Labor
  Day, Thanksgiving, 24 and 31 December; a busier day after each). The day's contacts are
  spread over queues and 15-minute intervals (late-morning and early-afternoon peaks)
  by a multinomial draw, so the counts add up to ``rows`` exactly.
* **Staffing.** The center staffs itself with its own Erlang model
  (:func:`ccecon.queueing.staffing.required_agents`): each queue and interval gets the
  agents that meet 80 % answered in 20 s, at most 3 % abandoned (Erlang A) and at most 88 %
  occupancy for the *forecast* (the
  expected volume times a day-and-queue forecast error, lognormal, 6 %), plus one eighth
  for not-ready time (each logged-in agent is not ready 112.5 s of every 15 minutes).
* **Waits.** With ``N`` productive agents and the interval's actual traffic ``A``
  (the contacts that came, not the forecast), Erlang A (M/M/N+M, patience exponential
  with mean 300 s: :func:`ccecon.queueing.erlang.erlang_a`) gives the probabilities that a
  caller waits and that it abandons, and the service level; each caller is drawn from
  them (a waiting caller's wait exponential, its mean matching that service level). So
  the service level sits near the goal (above it when the forecast was high, below when
  low) and a few percent abandon.
* **Handling.** Talk is lognormal by queue (median 260, 280, 200, 420 s; sigma 0.5), hold
  on 20 % of calls (exponential, mean 40 s), ACW exponential by queue (40, 30, 25, 60 s).
  Sales: 15 % of answered calls end in a sale (revenue lognormal, median 120 USD), other
  queues 2 % (median 60); profit = revenue x a margin ~ Beta(6, 14) (mean 30 %).
  About 20 % of contacts reuse the ``customer_id`` of another contact (repeat callers).
* **People.** Each queue has a roster (its peak scheduled agents x 1.25), in teams of 12
  (``sales 1``, ``sales 2``...) with a supervisor each and a manager per queue. An answered
  call goes to one of the interval's scheduled agents. About 2 % of agents leave a month;
  the replacement (``agent-sales-007-2``) starts the next day in the same team.
  ``teams.csv`` (``metrics --teams``) and ``targets.yaml`` (a profit goal over a 4-4-5
  fiscal year with this hierarchy, for ``ccecon targets track``) say who is where.
* **Agent states** per agent and 15 minutes: on contact (the interval's talk and hold
  shared by its agents), ACW, available, then 112.5 s not ready; not ready is one eighth
  of logged-in time exactly.
* Payroll (wages about 3,200 USD a month, social insurance 30 %, paid leave 3 %,
  overtime; a center-level welfare amount), HR events (the leavers and their
  replacements) and surveys (5 % of answered calls, one answer per customer and day).
* **Spending and its budget.** ``invoices.parquet``: for every whole month of the records,
  a CRM licence (technology, 8,000 USD), coaching (training, 2,500 USD), the carrier's
  bill (telecom: the month's talk and hold minutes at 0.012 USD) and a BPO's
  (outsourcing: the contract ``BPO overflow`` of ``center.yaml``, 5 % of the month's calls
  at 2.00 USD a call plus their handle minutes at 0.25 USD; its quantities are measured
  from the records, rounded to whole units, except that the last month bills 2 % more
  calls than were made, for the invoice audit to find). ``center.yaml``: the center as a
  scenario for ``ccecon budget plan`` (its fiscal year is the calendar year the last whole
  month falls in): its queues, its staffing goals, and cost lines priced from its own
  history: personnel per staffed agent hour (payroll over the on-contact, after-contact
  and available hours), telecom per handle minute (the carrier's bills over the handle
  minutes), the licence, the coaching and the BPO contract.

Written a stretch of days at a time (about ``chunk`` contacts), in arrival order: memory
is bounded by the chunk, not by ``rows``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

QUEUES = np.array(["sales", "service", "billing", "tech"])
QUEUE_SHARE = np.array([0.25, 0.40, 0.20, 0.15])
TALK_MEDIAN_S = np.array([260.0, 280.0, 200.0, 420.0])
TALK_SIGMA = 0.5
ACW_MEAN_S = np.array([40.0, 30.0, 25.0, 60.0])
HOLD_SHARE, HOLD_MEAN_S = 0.2, 40.0
AHT_S = TALK_MEDIAN_S * np.exp(TALK_SIGMA**2 / 2) + HOLD_SHARE * HOLD_MEAN_S + ACW_MEAN_S
"""Expected handle time by queue (talk + hold + ACW), what the center staffs for."""
SALE_RATE = np.array([0.15, 0.02, 0.02, 0.02])
REVENUE_MEDIAN = np.array([120.0, 60.0, 60.0, 60.0])
PATIENCE_MEAN_S = 300.0
OPEN_HOUR, CLOSE_HOUR, INTERVAL_S = 8, 20, 900
SL_TARGET, SL_THRESHOLD_S, MAX_OCCUPANCY, MAX_ABANDON = 0.8, 20.0, 0.88, 0.03
NOT_READY_S = INTERVAL_S / 8
FORECAST_ERROR = 0.06
TREND = 0.08
WEEKLY = np.array([1.25, 1.1, 1.0, 1.0, 0.95, 0.5, 0.3])
DAYS = 2 * 365 + 182
START = "2025-01-06"
TEAM_SIZE = 12
MONTHLY_LEAVE = 0.02


def holidays(years: range) -> dict[dt.date, float]:
    """Day factors of the center's holidays (0 = closed) in ``years``."""
    out: dict[dt.date, float] = {}
    for y in years:
        out[dt.date(y, 1, 1)] = 0.0
        out[dt.date(y, 12, 25)] = 0.0
        for d in (dt.date(y, 7, 4), dt.date(y, 12, 24), dt.date(y, 12, 31)):
            out[d] = 0.5
        may31 = dt.date(y, 5, 31)
        out[may31 - dt.timedelta(days=may31.weekday())] = 0.5  # Memorial Day
        sep1 = dt.date(y, 9, 1)
        out[sep1 + dt.timedelta(days=(7 - sep1.weekday()) % 7)] = 0.5  # Labor Day
        nov1 = dt.date(y, 11, 1)
        out[nov1 + dt.timedelta(days=(3 - nov1.weekday()) % 7 + 21)] = 0.5  # Thanksgiving
    return out


def day_weights(start: dt.date, days: int) -> np.ndarray:
    """Relative volume of each day (see the module docstring)."""
    d = np.arange(days)
    dates = [start + dt.timedelta(days=int(k)) for k in d]
    dow = np.array([x.weekday() for x in dates])
    doy = np.array([x.timetuple().tm_yday for x in dates], dtype=float)
    w = (1 + TREND) ** (d / 365.25) * WEEKLY[dow]
    w *= (
        1
        + 0.12 * np.cos(2 * np.pi * (doy - 20) / 365.25)
        + 0.15 * np.exp(-(((doy - 340) / 10) ** 2))
    )
    hol = holidays(range(start.year, dates[-1].year + 2))
    factor = np.array([hol.get(x, 1.0) for x in dates])
    after = np.array([hol.get(x - dt.timedelta(days=1), 1.0) < 1.0 for x in dates])
    return np.asarray(w * factor * np.where(after & (factor > 0), 1.25, 1.0), dtype=float)


def intraday() -> np.ndarray:
    """Share of a day's contacts in each 15-minute interval of the open hours."""
    h = OPEN_HOUR + (np.arange((CLOSE_HOUR - OPEN_HOUR) * 4) + 0.5) / 4
    c = 0.6 + np.exp(-((h - 11) ** 2) / 3) + 0.7 * np.exp(-((h - 15) ** 2) / 4)
    c *= np.where(h < 9, 0.6, 1.0) * np.where(h > 18.5, 0.6, 1.0)
    return np.asarray(c / c.sum(), dtype=float)


class _Roster:
    """Each queue's agent slots, their occupants over time and their teams."""

    def __init__(self, peak: np.ndarray, days: int, rng: np.random.Generator) -> None:
        self.size = np.maximum(1, np.ceil(peak * 1.25)).astype(int)
        self.days = days
        # gen[q][slot, day]: how many times the slot was refilled by that day
        self.gen: list[np.ndarray] = []
        self.names: list[list[list[str]]] = []
        p = 1 - (1 - MONTHLY_LEAVE) ** (1 / 30.44)
        for q, n in enumerate(self.size):
            changes = rng.random((n, days)) < p
            changes[:, 0] = False
            g = np.cumsum(changes, axis=1)
            self.gen.append(g)
            self.names.append(
                [
                    [
                        f"agent-{QUEUES[q]}-{s + 1:03d}" + ("" if k == 0 else f"-{k + 1}")
                        for k in range(int(g[s, -1]) + 1)
                    ]
                    for s in range(n)
                ]
            )
        self.flat = [x for q in self.names for s in q for x in s]
        index = {x: i for i, x in enumerate(self.flat)}
        self.offset = [
            [index[self.names[q][s][0]] for s in range(n)] for q, n in enumerate(self.size)
        ]

    def slot(self, q: int, day: np.ndarray, j: np.ndarray) -> np.ndarray:
        """The slot of the ``j``-th scheduled agent of queue ``q`` on ``day`` (rotating,
        so everyone works about as often)."""
        return np.asarray((day * 5 + j) % self.size[q], dtype=np.int64)

    def agent_index(self, q: int, slot: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Index into :attr:`flat` of the occupant of ``slot`` on ``day``."""
        base = np.asarray(self.offset[q], dtype=np.int64)[slot]
        return base + self.gen[q][slot, day]

    def periods(self, start: dt.date) -> list[dict[str, Any]]:
        """One row per occupant: agent, queue, team, supervisor, manager, from, to."""
        rows = []
        for q, n in enumerate(self.size):
            for s in range(n):
                g = self.gen[q][s]
                team = f"{QUEUES[q]} {s // TEAM_SIZE + 1}"
                for k, name in enumerate(self.names[q][s]):
                    on = np.flatnonzero(g == k)
                    rows.append(
                        {
                            "agent": name,
                            "queue": str(QUEUES[q]),
                            "team": team,
                            "supervisor": f"Supervisor {team}",
                            "manager": f"Manager {QUEUES[q]}",
                            "valid_from": start + dt.timedelta(days=int(on[0])),
                            "valid_to": (
                                None
                                if on[-1] == self.days - 1
                                else start + dt.timedelta(days=int(on[-1]))
                            ),
                        }
                    )
        return rows


def synth(
    rows: int,
    out: str | Path,
    *,
    seed: int = 0,
    chunk: int = 1_000_000,
    start: str = START,
    days: int = DAYS,
    progress: Callable[[int, int], None] | None = None,
    fmt: str = "parquet",
) -> Path:
    """Write the synthetic center to ``out``; returns the path of its contacts' file.

    Parameters
    ----------
    rows : int
        Contacts to write (>= 1).
    out : str or Path
        The folder (created if missing).
    seed : int
        Random seed; a seed and ``chunk`` give the same files.
    chunk : int
        Contacts generated at a time (a stretch of whole days of about this many).
    start : str
        The first day, ``YYYY-MM-DD``.
    days : int
        Days of history.
    progress : callable, optional
        ``progress(done, rows)`` after each chunk of contacts is written.
    fmt : str
        ``parquet`` (``interactions.parquet``, the normalized schema) or a vendor export
        of :data:`ccecon.data.exports.EXPORT_FILES` (``connect``, ``genesys``,
        ``asterisk-cdr``, ``queue_log``) written in its place: the same contacts, as that
        vendor writes them (:mod:`ccecon.data.exports`). The other tables are the same.

    Returns
    -------
    Path
        The contacts' file.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ccecon.errors import InputError

    if rows < 1:
        raise InputError("rows must be >= 1", field="rows", value=rows)
    if days < 1:
        raise InputError("days must be >= 1", field="days", value=days)
    from ccecon.data.exports import EXPORT_FILES, ExportWriter

    if fmt != "parquet" and fmt not in EXPORT_FILES:
        raise InputError(
            "unknown format; expected parquet, " + ", ".join(EXPORT_FILES),
            field="fmt",
            value=fmt,
        )
    rng = np.random.default_rng(seed)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / EXPORT_FILES.get(fmt, "interactions.parquet")
    d0 = dt.date.fromisoformat(start)
    t0 = np.datetime64(d0.isoformat(), "s")
    w = day_weights(d0, days)
    per_day = rng.multinomial(rows, w / w.sum())
    n_iv = (CLOSE_HOUR - OPEN_HOUR) * 3600 // INTERVAL_S
    cell_p = np.outer(QUEUE_SHARE, intraday()).ravel()  # queue-major: q * n_iv + i
    productive, scheduled = _staffed(rows, w, cell_p, n_iv, rng)
    peak = scheduled.reshape(days, QUEUES.size, n_iv).max(axis=(0, 2))
    roster = _Roster(peak, days, rng)
    names = pa.array(roster.flat, type=pa.string())

    writer: Any = None
    states = _StateWriter(folder / "agent_states.parquet")
    surveys = _SurveyWriter(folder / "surveys.parquet", rng)
    done = 0
    profit_by_day = np.zeros(days)
    calls_by_day = np.zeros(days)
    line_s_by_day = np.zeros(days)  # talk + hold
    handle_s_by_day = np.zeros(days)  # talk + hold + ACW
    d = 0
    while d < days:
        e = d + 1
        while e < days and per_day[d:e].sum() + per_day[e] <= chunk:
            e += 1
        dd = np.arange(d, e)
        ch = _contacts(rng, dd, per_day, cell_p, productive, scheduled, roster, names, t0, done)
        n, cell, abandoned, talk, hold, acw = ch.n, ch.cell, ch.abandoned, ch.talk, ch.hold, ch.acw
        day, customers, arrival, table = ch.day, ch.customers, ch.arrival, ch.table
        np.add.at(profit_by_day, day, ch.profit)
        np.add.at(calls_by_day, day, 1.0)
        np.add.at(line_s_by_day, day, talk + hold)
        np.add.at(handle_s_by_day, day, talk + hold + acw)
        if writer is None:
            writer = (
                ExportWriter(fmt, path)
                if fmt in EXPORT_FILES
                else pq.ParquetWriter(str(path), table.schema)
            )
        if isinstance(writer, ExportWriter):
            writer.write(table)
        else:
            writer.write_table(table)
        # agent states of these days: the interval's handling shared by its agents
        work = np.zeros(dd.size * cell_p.size)
        after = np.zeros(dd.size * cell_p.size)
        np.add.at(work, cell, np.where(abandoned, 0.0, talk + hold))
        np.add.at(after, cell, acw)
        states.write(roster, names, dd, scheduled[dd], work, after, n_iv, t0)
        pick = ~abandoned & (rng.random(n) < 0.05)  # 5 % of answered contacts are surveyed
        surveys.write(
            np.asarray(customers.to_numpy(zero_copy_only=False))[pick],
            arrival[pick].astype("datetime64[D]"),
        )
        done += n
        d = e
        if progress is not None:
            progress(done, rows)
    assert writer is not None
    writer.close()
    states.close()
    surveys.close()
    periods = roster.periods(d0)
    payroll = _synth_people(folder, periods, d0, days, rng)
    _write_plan(folder, periods, d0, days, profit_by_day)
    staffed_s = scheduled.sum(axis=1) * float(INTERVAL_S - NOT_READY_S)  # per day
    by_day = {
        "calls": calls_by_day,
        "line_min": line_s_by_day / 60.0,
        "handle_min": handle_s_by_day / 60.0,
        "staffed_h": staffed_s / 3600.0,
    }
    _write_spending(folder, d0, days, by_day, payroll, per_day, w)
    return path


def _staffed(
    rows: int, w: np.ndarray, cell_p: np.ndarray, n_iv: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Productive and scheduled agents per day and cell (queue x interval): Erlang A for the
    forecast the center staffs to (expected calls times a day-and-queue error), scheduled
    8/7 of productive."""
    from ccecon.queueing.staffing import required_agents

    days = w.size
    expected = rows * (w / w.sum())[:, None] * cell_p[None, :]
    err = rng.lognormal(0.0, FORECAST_ERROR, (days, QUEUES.size)).repeat(n_iv, axis=1)
    aht = np.repeat(AHT_S, n_iv)[None, :]
    productive = required_agents(
        expected * err,
        np.broadcast_to(aht, expected.shape),
        float(INTERVAL_S),
        sl_target=SL_TARGET,
        sl_threshold_s=SL_THRESHOLD_S,
        max_occupancy=MAX_OCCUPANCY,
        max_abandon=MAX_ABANDON,
        patience_s=PATIENCE_MEAN_S,
    )
    productive = np.where(expected > 0, np.maximum(productive, 1), 0).astype(np.int64)
    scheduled = np.where(productive > 0, np.maximum(1, np.round(productive * 8 / 7)), 0)
    return productive, scheduled.astype(np.int64)


@dataclass
class _Chunk:
    """The contacts of some days: their table and what the other files are made from."""

    n: int
    cell: np.ndarray
    day: np.ndarray
    abandoned: np.ndarray
    talk: np.ndarray
    hold: np.ndarray
    acw: np.ndarray
    profit: np.ndarray
    customers: Any
    arrival: np.ndarray
    table: Any


def _contacts(
    rng: np.random.Generator,
    dd: np.ndarray,
    per_day: np.ndarray,
    cell_p: np.ndarray,
    productive: np.ndarray,
    scheduled: np.ndarray,
    roster: _Roster,
    names: Any,
    t0: np.datetime64,
    done: int,
) -> _Chunk:
    """The contacts of days ``dd``: arrivals by cell, Erlang A waits and abandons with the
    interval's productive agents, handling times, sales, the answering agent (ids from
    ``done``); random draws in a fixed order, so a seed gives the same files."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from ccecon.queueing.erlang import erlang_a

    n_iv = productive.shape[1] // QUEUES.size
    counts = np.stack([rng.multinomial(int(per_day[k]), cell_p) for k in dd])  # days x cells
    n = int(counts.sum())
    cell = np.repeat(np.arange(dd.size * cell_p.size), counts.ravel())  # local cell id
    day = dd[cell // cell_p.size]
    c = cell % cell_p.size
    q, iv = c // n_iv, c % n_iv
    offset = (day * 86400 + OPEN_HOUR * 3600 + iv * INTERVAL_S).astype(np.int64)
    arr_s = offset + rng.integers(0, INTERVAL_S, n)
    order = np.argsort(arr_s, kind="stable")
    cell, day, q, iv, arr_s = cell[order], day[order], q[order], iv[order], arr_s[order]
    c = cell % cell_p.size
    # Erlang A with the interval's productive agents and its actual traffic
    aht_cell = np.repeat(AHT_S, n_iv)[np.tile(np.arange(cell_p.size), dd.size)]
    traffic = counts.ravel() * aht_cell / INTERVAL_S
    ea = erlang_a(traffic, productive[dd].ravel(), aht_cell, PATIENCE_MEAN_S, SL_THRESHOLD_S)
    p_wait = np.nan_to_num(ea["p_wait"], nan=1.0)
    p_ab = np.minimum(np.nan_to_num(ea["p_abandon"], nan=1.0), p_wait)
    sl = np.nan_to_num(ea["service_level"], nan=0.0)
    # a waiting caller's wait: exponential, its mean set so that the answered share
    # within the threshold is Erlang A's
    served = np.maximum(p_wait - p_ab, 1e-12)
    within = np.clip((sl - (1 - p_wait)) / served, 1e-6, 1 - 1e-6)
    mean_wait = SL_THRESHOLD_S / -np.log(1 - within)
    u = rng.random(n)
    abandoned = u < p_ab[cell]
    waits = u < p_wait[cell]
    wait = np.where(waits, rng.exponential(1.0, n) * mean_wait[cell], 0.0)
    wait = np.round(np.minimum(wait, 3600.0), 1)
    talk = np.where(
        abandoned, 0.0, np.round(rng.lognormal(np.log(TALK_MEDIAN_S[q]), TALK_SIGMA), 1)
    )
    hold = np.where(
        abandoned | (rng.random(n) > HOLD_SHARE),
        0.0,
        np.round(rng.exponential(HOLD_MEAN_S, n), 1),
    )
    acw = np.where(abandoned, 0.0, np.round(rng.exponential(ACW_MEAN_S[q]), 1))
    arrival = t0 + arr_s.astype("timedelta64[s]")
    answer = arrival + (wait * 1e6).astype("timedelta64[us]")
    end = answer + ((talk + hold) * 1e6).astype("timedelta64[us]")
    sale = ~abandoned & (rng.random(n) < SALE_RATE[q])
    revenue = np.where(sale, np.round(rng.lognormal(np.log(REVENUE_MEDIAN[q]), 0.6), 2), 0.0)
    profit = np.where(sale, np.round(revenue * rng.beta(6.0, 14.0, n), 2), 0.0)
    # the answering agent: one of the interval's scheduled agents
    sched = scheduled[day, c]
    j = (rng.random(n) * np.maximum(sched, 1)).astype(np.int64)
    agent_ix = np.zeros(n, dtype=np.int64)
    for k in range(QUEUES.size):
        m = q == k
        agent_ix[m] = roster.agent_index(k, roster.slot(k, day[m], j[m]), day[m])
    agents = pc.take(names, pa.array(agent_ix))
    agents = pc.if_else(pa.array(abandoned), pa.scalar(None, pa.string()), agents)
    ids = pc.binary_join_element_wise(
        "syn-", pa.array(np.arange(done, done + n)).cast(pa.string()), ""
    )
    own = np.arange(done, done + n)
    repeat = rng.random(n) < 0.2
    cust = np.where(repeat, done + rng.integers(0, n, n), own)
    customers = pc.binary_join_element_wise("cust-", pa.array(cust).cast(pa.string()), "")
    table = pa.table(
        {
            "interaction_id": ids,
            "initial_id": ids,
            "channel": pa.array(np.full(n, "voice")),
            "direction": pa.array(np.full(n, "inbound")),
            "queue": pa.array(QUEUES[q]),
            "agent": agents,
            "customer_id": customers,
            "arrival_ts": pa.array(arrival.astype("datetime64[us]")),
            "answer_ts": pa.array(answer.astype("datetime64[us]"), mask=abandoned),
            "end_ts": pa.array(np.where(abandoned, answer, end).astype("datetime64[us]")),
            "queue_wait_s": wait,
            "talk_s": talk,
            "hold_s": hold,
            "acw_s": acw,
            "disposition": pa.array(np.where(abandoned, "ABANDONED", "ANSWERED")),
            "abandoned": abandoned,
            "transferred": ~abandoned & (rng.random(n) < 0.07),
            "wrap_code": pa.array(np.full(n, "general")),
            "sale": sale,
            "revenue": revenue,
            "profit": profit,
            "outcome": pa.array(np.full(n, "queued")),
        }
    )
    return _Chunk(n, cell, day, abandoned, talk, hold, acw, profit, customers, arrival, table)


CRM_FEE, COACHING_FEE, CARRIER_RATE = 8000.0, 2500.0, 0.012
BPO_NAME, BPO_SHARE, BPO_PER_CALL, BPO_PER_MINUTE = "BPO overflow", 0.05, 2.0, 0.25
BPO_OVERBILL = 0.02
"""The share of calls the BPO's last invoice bills beyond the calls made."""


def _whole_months(d0: dt.date, days: int) -> list[tuple[str, int, int]]:
    """``(YYYY-MM, first day index, end day index)`` of the months the records cover whole."""
    out = []
    last = d0 + dt.timedelta(days=days - 1)
    y, m = d0.year, d0.month
    while (y, m) <= (last.year, last.month):
        first = dt.date(y, m, 1)
        nxt = dt.date(y + m // 12, m % 12 + 1, 1)
        if first >= d0 and nxt - dt.timedelta(days=1) <= last:
            out.append((f"{y:04d}-{m:02d}", (first - d0).days, (nxt - d0).days))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _write_spending(
    folder: Path,
    d0: dt.date,
    days: int,
    by_day: dict[str, np.ndarray],
    payroll: dict[str, float],
    per_day: np.ndarray,
    weights: np.ndarray,
) -> None:
    """invoices.parquet and center.yaml (see the module)."""
    months = _whole_months(d0, days)
    _write_invoices(folder, months, by_day)
    if months:
        _write_center(folder, months, by_day, payroll, per_day)


def _write_invoices(
    folder: Path, months: list[tuple[str, int, int]], by_day: dict[str, np.ndarray]
) -> None:
    """invoices.parquet: each whole month's bills (CRM, coaching, carrier minutes, the
    BPO's calls and minutes; its last invoice overbills by :data:`BPO_OVERBILL`)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols: dict[str, list[Any]] = {
        k: [] for k in ("month", "element", "vendor", "charge", "quantity", "unit", "amount")
    }

    def bill(
        month: str, element: str, vendor: str, charge: str, qty: Any, unit: Any, amount: float
    ) -> None:
        for k, v in zip(
            cols, (month, element, vendor, charge, qty, unit, round(amount, 2)), strict=True
        ):
            cols[k].append(v)

    for k, (month, a, b) in enumerate(months):
        calls = float(by_day["calls"][a:b].sum())
        line_min = round(float(by_day["line_min"][a:b].sum()))
        handle_min = float(by_day["handle_min"][a:b].sum())
        bill(month, "technology", "CRM cloud", "licences", None, None, CRM_FEE)
        bill(month, "training", "coaching partner", "coaching", None, None, COACHING_FEE)
        bill(
            month,
            "telecom",
            "carrier",
            "minutes",
            float(line_min),
            "minutes",
            line_min * CARRIER_RATE,
        )
        over = 1.0 + (BPO_OVERBILL if k == len(months) - 1 else 0.0)
        bpo_calls = float(round(BPO_SHARE * calls * over))
        bpo_min = float(round(BPO_SHARE * handle_min))
        bill(
            month, "outsourcing", BPO_NAME, "per_call", bpo_calls, "calls", bpo_calls * BPO_PER_CALL
        )
        bill(
            month,
            "outsourcing",
            BPO_NAME,
            "per_minute",
            bpo_min,
            "minutes",
            bpo_min * BPO_PER_MINUTE,
        )
    n = len(cols["month"])
    pq.write_table(
        pa.table(
            {
                "month": pa.array(cols["month"], type=pa.string()),
                "element": pa.array(cols["element"], type=pa.string()),
                "vendor": pa.array(cols["vendor"], type=pa.string()),
                "charge": pa.array(cols["charge"], type=pa.string()),
                "quantity": pa.array(cols["quantity"], type=pa.float64()),
                "unit": pa.array(cols["unit"], type=pa.string()),
                "amount": pa.array(cols["amount"], type=pa.float64()),
                "currency": pa.array(["USD"] * n, type=pa.string()),
            }
        ),
        str(folder / "invoices.parquet"),
    )


def _write_center(
    folder: Path,
    months: list[tuple[str, int, int]],
    by_day: dict[str, np.ndarray],
    payroll: dict[str, float],
    per_day: np.ndarray,
) -> None:
    """center.yaml: the center as a scenario priced from its own records."""
    import yaml

    # prices from the center's own history (the whole months)
    span = slice(months[0][1], months[-1][2])
    pay = sum(payroll.get(m, 0.0) for m, _, _ in months)
    hour_cost = pay / max(float(by_day["staffed_h"][span].sum()), 1e-9)
    minute_cost = (
        CARRIER_RATE
        * float(by_day["line_min"][span].sum())
        / max(float(by_day["handle_min"][span].sum()), 1e-9)
    )
    fy = int(months[-1][0][:4])
    # the channels' month: the expected contacts of the last 12 whole months
    last12 = months[-12:]
    expected = np.array([per_day[a:b].sum() for _, a, b in last12], dtype=float)
    month_mean = float(expected.mean())
    channels = [
        {
            "name": str(q),
            "kind": "voice_inbound",
            "per_month": round(month_mean * float(share), 1),
            "aht_s": round(float(aht), 1),
            "growth": TREND,
        }
        for q, share, aht in zip(QUEUES, QUEUE_SHARE, AHT_S, strict=True)
    ]
    doc = {
        "name": "Synthetic center (ccecon synth)",
        "currency": "USD",
        "start": f"{fy}-01",
        "horizon_months": 24,
        "channels": channels,
        "staffing": {
            "interval_minutes": 15,
            "open_hour": OPEN_HOUR,
            "close_hour": CLOSE_HOUR,
            "weekly_profile": [float(x) for x in WEEKLY],
            "sl_target": SL_TARGET,
            "sl_threshold_s": SL_THRESHOLD_S,
            "max_abandon": MAX_ABANDON,
            "max_occupancy": MAX_OCCUPANCY,
            "patience_s": PATIENCE_MEAN_S,
            "shrinkage": 0.3,
        },
        "proposal": {
            "cost_lines": [
                {
                    "name": "agents",
                    "family": "operating",
                    "category": "salaries",
                    "element": "personnel",
                    "amount": round(hour_cost, 2),
                    "timing": "per_unit",
                    "driver": "agent_hours",
                },
                {
                    "name": "carrier",
                    "family": "operating",
                    "category": "telecom",
                    "element": "telecom",
                    "amount": round(minute_cost, 5),
                    "timing": "per_unit",
                    "driver": "minutes",
                },
                {
                    "name": "CRM cloud",
                    "family": "operating",
                    "category": "licences",
                    "element": "technology",
                    "amount": CRM_FEE,
                },
                {
                    "name": "coaching partner",
                    "family": "operating",
                    "category": "training",
                    "element": "training",
                    "amount": COACHING_FEE,
                },
                {
                    "name": BPO_NAME,
                    "family": "operating",
                    "timing": "contract",
                    "element": "outsourcing",
                    "contract": {
                        "model": "sum",
                        "parts": [
                            {"model": "per_call", "price": BPO_PER_CALL},
                            {"model": "per_minute", "price": BPO_PER_MINUTE},
                        ],
                    },
                    "contract_share": BPO_SHARE,
                },
            ]
        },
    }
    head = (
        "# Written by `ccecon synth`: the synthetic center as a scenario, priced from its own\n"
        "# records (agents: payroll over the staffed agent hours; carrier: its bills over the\n"
        "# handle minutes); `ccecon budget plan center.yaml --year"
        f" {fy}` budgets its fiscal year.\n"
    )
    (folder / "center.yaml").write_text(
        head + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


class _StateWriter:
    """agent_states.parquet: per scheduled agent and interval, on contact, ACW,
    available, then not ready (:data:`NOT_READY_S`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.writer: Any = None

    def write(
        self,
        roster: _Roster,
        names: Any,
        dd: np.ndarray,
        scheduled: np.ndarray,
        work: np.ndarray,
        after: np.ndarray,
        n_iv: int,
        t0: np.datetime64,
    ) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        m = scheduled.ravel()
        cells = np.repeat(np.arange(m.size), m)
        if cells.size == 0:
            return
        j = np.arange(cells.size) - np.repeat(np.cumsum(m) - m, m)
        n_cells = m.size // dd.size
        day = dd[cells // n_cells]
        c = cells % n_cells
        q, iv = c // n_iv, c % n_iv
        ix = np.zeros(cells.size, dtype=np.int64)
        for k in range(QUEUES.size):
            s = q == k
            ix[s] = roster.agent_index(k, roster.slot(k, day[s], j[s]), day[s])
        cap = INTERVAL_S - NOT_READY_S
        on = np.minimum(np.round(work[cells] / m[cells]), cap)
        acw = np.minimum(np.round(after[cells] / m[cells]), cap - on)
        avail = cap - on - acw
        base = (day * 86400 + OPEN_HOUR * 3600 + iv * INTERVAL_S) * 1_000_000
        lengths = np.stack([on, acw, avail, np.full(on.size, NOT_READY_S)], axis=1)
        ends = base[:, None] + np.cumsum(lengths * 1e6, axis=1).astype(np.int64)
        starts = np.concatenate([base[:, None], ends[:, :-1]], axis=1)
        keep = (lengths > 0).ravel()
        who = np.repeat(ix, 4)[keep]
        kind = np.tile(np.array(["on_contact", "acw", "available", "not_ready"]), on.size)[keep]
        reason = np.tile(np.array([None, None, None, "break"], dtype=object), on.size)[keep]
        a = starts.ravel()[keep]
        b = ends.ravel()[keep]
        us0 = t0.astype("datetime64[us]")
        table = pa.table(
            {
                "agent": pc.take(names, pa.array(who)),
                "state": pa.array(kind),
                "reason": pa.array(reason, type=pa.string()),
                "start_ts": pa.array(us0 + a.astype("timedelta64[us]")),
                "end_ts": pa.array(us0 + b.astype("timedelta64[us]")),
                "duration_s": (b - a) / 1e6,
            }
        )
        if self.writer is None:
            self.writer = pq.ParquetWriter(str(self.path), table.schema)
        self.writer.write_table(table)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def _synth_people(
    folder: Path,
    periods: list[dict[str, Any]],
    d0: dt.date,
    days: int,
    rng: np.random.Generator,
) -> dict[str, float]:
    """payroll.parquet (per agent on the books in a month) and hr_events.parquet; returns
    the payroll's total per month."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    last = d0 + dt.timedelta(days=days - 1)
    months = np.arange(np.datetime64(d0, "M"), np.datetime64(last, "M") + 1, dtype="datetime64[M]")
    cols: dict[str, list[Any]] = {"month": [], "agent": [], "element": [], "amount": []}
    for month in months:
        m0 = month.astype("datetime64[D]").astype(dt.date)
        m1 = (month + 1).astype("datetime64[D]").astype(dt.date) - dt.timedelta(days=1)
        on = [
            p["agent"]
            for p in periods
            if p["valid_from"] <= m1 and (p["valid_to"] is None or p["valid_to"] >= m0)
        ]
        wages = np.round(rng.normal(3200.0, 250.0, len(on)), 2)
        for element, amount in (
            ("wages", wages),
            ("social_insurance", np.round(wages * 0.30, 2)),
            ("paid_leave", np.round(wages * 0.03, 2)),
            ("overtime", np.round(rng.exponential(150.0, len(on)), 2)),
        ):
            cols["month"] += [str(month)] * len(on)
            cols["agent"] += on
            cols["element"] += [element] * len(on)
            cols["amount"] += list(amount)
        cols["month"].append(str(month))  # one center-level amount a month
        cols["agent"].append(None)
        cols["element"].append("welfare")
        cols["amount"].append(round(float(rng.normal(20000.0, 1000.0)), 2))
    payroll = pa.table(
        {
            "month": pa.array(cols["month"], type=pa.string()),
            "agent": pa.array(cols["agent"], type=pa.string()),
            "element": pa.array(cols["element"], type=pa.string()),
            "amount": pa.array(cols["amount"], type=pa.float64()),
            "currency": pa.array(["USD"] * len(cols["month"]), type=pa.string()),
        }
    )
    pq.write_table(payroll, str(folder / "payroll.parquet"))
    totals: dict[str, float] = {}
    for month, amount in zip(cols["month"], cols["amount"], strict=True):
        totals[month] = totals.get(month, 0.0) + float(amount)
    hr: dict[str, list[Any]] = {"agent": [], "event": [], "date": []}
    for p in periods:
        if p["valid_to"] is not None:
            hr["agent"].append(p["agent"])
            hr["event"].append("leave")
            hr["date"].append(p["valid_to"])
        if p["valid_from"] > d0:
            hr["agent"].append(p["agent"])
            hr["event"].append("hire")
            hr["date"].append(p["valid_from"])
    pq.write_table(
        pa.table(
            {
                "agent": pa.array(hr["agent"], type=pa.string()),
                "event": pa.array(hr["event"], type=pa.string()),
                "date": pa.array(hr["date"], type=pa.date32()),
            }
        ),
        str(folder / "hr_events.parquet"),
    )
    return totals


def _write_plan(
    folder: Path,
    periods: list[dict[str, Any]],
    d0: dt.date,
    days: int,
    profit_by_day: np.ndarray,
) -> None:
    """teams.csv and targets.yaml: the center's hierarchy and a profit goal for the fiscal
    year its records end in (4-4-5, year ending on the Saturday nearest 31 December)."""
    import json

    from ccecon.targets.calendar import fiscal_year

    with (folder / "teams.csv").open("w", encoding="utf-8") as fh:
        fh.write("agent,team,valid_from,valid_to\n")
        for p in periods:
            fh.write(f"{p['agent']},{p['team']},{p['valid_from']},{p['valid_to'] or ''}\n")
    last = d0 + dt.timedelta(days=days - 1)
    fy = last.year
    year = fiscal_year(fy)
    if last > year.end:
        fy += 1
        year = fiscal_year(fy)
    elif last < year.start:
        fy -= 1
        year = fiscal_year(fy)
    # the goal: the last 364 days' profit (scaled if the history is shorter) + the trend
    window = profit_by_day[-364:]
    goal = float(window.sum()) * 364 / max(window.size, 1) * (1 + TREND)
    goal = max(1000.0, round(goal, -3))
    closed = [k for k, v in holidays(range(fy - 1, fy + 1)).items() if v == 0.0]
    closed = sorted(x for x in closed if year.start <= x <= year.end)
    lines = [
        "# Written by `ccecon synth`: the synthetic center's profit goal and hierarchy.",
        "# `ccecon targets track targets.yaml --from actuals.duckdb [--by team]`",
        f"name: Synthetic center profit goal FY{fy}",
        "metric: profit",
        "unit: USD",
        f"goal: {goal:.0f}",
        "calendar:",
        "  pattern: 4-4-5",
        f"  fiscal_year: {fy}",
        "  year_end: {weekday: saturday, nearest: 12-31}",
        "  workdays: [monday, tuesday, wednesday, thursday, friday, saturday, sunday]",
        "  holidays: [" + ", ".join(x.isoformat() for x in closed) + "]",
        "weights:",
        "  weekdays: {"
        + ", ".join(
            f"{n}: {v:g}"
            for n, v in zip(
                ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
                WEEKLY,
                strict=True,
            )
        )
        + "}",
        "hierarchy:",
    ]
    for p in periods:
        row = {k: p[k] for k in ("agent", "team", "supervisor", "manager")}
        text = ", ".join(f"{k}: {json.dumps(v)}" for k, v in row.items())
        text += f", valid_from: {p['valid_from']}"
        if p["valid_to"] is not None:
            text += f", valid_to: {p['valid_to']}"
        lines.append("  - {" + text + "}")
    (folder / "targets.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


class _SurveyWriter:
    """surveys.parquet, written a chunk of contacts at a time (one answer per customer
    and day; customers are drawn within a chunk, so no pair repeats across chunks)."""

    def __init__(self, path: Path, rng: np.random.Generator) -> None:
        self.path, self.rng = path, rng
        self.writer: Any = None

    def write(self, cust: np.ndarray, day: np.ndarray) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        key = np.char.add(np.char.add(cust.astype(str), "|"), day.astype(str))
        _, keep = np.unique(key, return_index=True)
        keep.sort()
        segment = np.array(["VIP", "standard", "basic"])[
            self.rng.choice(3, keep.size, p=[0.1, 0.6, 0.3])
        ]
        table = pa.table(
            {
                "customer_id": pa.array(cust[keep].astype(object), type=pa.string()),
                "segment": pa.array(segment.astype(object), type=pa.string()),
                "satisfaction_index": np.round(100 * self.rng.beta(5.0, 2.0, keep.size)),
                "survey_date": pa.array(day[keep], type=pa.date32()),
            }
        )
        if self.writer is None:
            self.writer = pq.ParquetWriter(str(self.path), table.schema)
        self.writer.write_table(table)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
