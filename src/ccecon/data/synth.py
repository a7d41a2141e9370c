"""Synthetic interaction logs (Parquet) in the normalized schema, for demos and benchmarks.

Vectorized numpy, seeded: arrivals with an intraday curve (open 8-20 h, peaks late morning
and early afternoon) and a weekly curve (Monday busiest, Sunday quietest), lognormal handle
times (median talk 240 s), exponential patience (mean 120 s) against an exponential queue
wait, so some callers abandon; 4 queues, 3 channels, 60 agents; 6 % of answered calls end
in a sale with lognormal revenue. Written in row groups so any size fits in memory, in
arrival order (each row group a stretch of days, as a contact-center export is ordered by
time; the other fields are drawn independently of the order).
About 20 % of contacts reuse the ``customer_id`` of another contact (repeat callers).

Agent states (``agent_states.parquet``): each of the 60 agents works every weekday and every
other Saturday, an 8-hour shift starting between 07:00 and 11:00 (whole quarter hours);
within it, cycles of available (exponential, mean 60 s), on contact (lognormal, median 240
s) and after-contact work (exponential, mean 30 s), with two 15-minute breaks and a 30-minute
lunch as not ready. These are drawn apart from the contacts (a demo of the table, not a
replay of the contacts).

People (``payroll.parquet``, ``hr_events.parquet``, ``surveys.parquet``): per agent and
calendar month wages (normal, mean 3,200 USD), social insurance (30 % of wages), paid leave
(3 %) and overtime (exponential, mean 150), plus a center-level welfare amount; about 3 %
of agents leave a month, each replaced a week later by a hire (``agent-N-new``); 5 % of
answered contacts are surveyed (one answer per customer and day), segment VIP, standard
or basic, satisfaction index 100 x Beta(5, 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

QUEUES = np.array(["sales", "service", "billing", "tech"])
CHANNELS = np.array(["voice", "chat", "email"])


def synth(
    rows: int, out: str | Path, *, seed: int = 0, chunk: int = 2_000_000, start: str = "2027-01-04"
) -> Path:
    """Write ``rows`` interactions to ``out/interactions.parquet``; returns the path."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if rows < 1:
        from ccecon.errors import InputError

        raise InputError("rows must be >= 1", field="--rows", value=rows)
    rng = np.random.default_rng(seed)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "interactions.parquet"
    t0 = np.datetime64(start, "s")
    days = max(7, rows // 20_000)
    hours = np.arange(24)
    intraday = np.where(
        (hours >= 8) & (hours < 20),
        1.0 + 0.6 * np.exp(-((hours - 11) ** 2) / 4) + 0.4 * np.exp(-((hours - 15) ** 2) / 4),
        0.0,
    )
    intraday /= intraday.sum()
    weekly = np.array([1.25, 1.1, 1.0, 1.0, 0.95, 0.5, 0.3])
    writer = None
    done = 0
    surveys = _SurveyWriter(folder / "surveys.parquet", rng)
    while done < rows:
        n = min(chunk, rows - done)
        # the log is in time order, as exports are: this chunk's share of the days
        lo = done * days // rows
        hi = max(lo + 1, (done + n) * days // rows)
        day = rng.integers(lo, hi, n)
        w = weekly[(day + 0) % 7] / weekly.max()
        keep = rng.random(n) < w
        day = np.where(keep, day, rng.integers(lo, hi, n))
        hour = rng.choice(24, n, p=intraday)
        sec = rng.integers(0, 3600, n)
        arrival = np.sort(t0 + (day * 86400 + hour * 3600 + sec).astype("timedelta64[s]"))
        wait = rng.exponential(35.0, n)
        patience = rng.exponential(120.0, n)
        abandoned = patience < wait
        wait = np.where(abandoned, patience, wait)
        talk = np.where(abandoned, 0.0, rng.lognormal(np.log(240.0), 0.5, n))
        hold = np.where(abandoned | (rng.random(n) > 0.2), 0.0, rng.exponential(40.0, n))
        acw = np.where(abandoned, 0.0, rng.exponential(30.0, n))
        answer = arrival + np.round(wait).astype("timedelta64[s]")
        end = answer + np.round(talk + hold).astype("timedelta64[s]")
        sale = ~abandoned & (rng.random(n) < 0.06)
        ids = np.char.add("syn-", (np.arange(done, done + n)).astype(str))
        agents = np.char.add("agent-", rng.integers(1, 61, n).astype(str))
        own = np.arange(done, done + n)
        repeat = rng.random(n) < 0.2
        cust = np.where(repeat, done + rng.integers(0, n, n), own)
        customers = np.char.add("cust-", cust.astype(str))
        table = pa.table(
            {
                "interaction_id": ids,
                "initial_id": ids,
                "channel": CHANNELS[rng.choice(3, n, p=[0.75, 0.2, 0.05])],
                "direction": np.full(n, "inbound"),
                "queue": QUEUES[rng.choice(4, n, p=[0.2, 0.45, 0.2, 0.15])],
                "agent": pa.array(agents.astype(object), type=pa.string(), mask=abandoned),
                "customer_id": customers,
                "arrival_ts": pa.array(arrival.astype("datetime64[us]")),
                "answer_ts": pa.array(
                    np.where(abandoned, np.datetime64("NaT"), answer).astype("datetime64[us]")
                ),
                "end_ts": pa.array(
                    np.where(
                        abandoned, arrival + np.round(wait).astype("timedelta64[s]"), end
                    ).astype("datetime64[us]")
                ),
                "queue_wait_s": np.round(wait, 1),
                "talk_s": np.round(talk, 1),
                "hold_s": np.round(hold, 1),
                "acw_s": np.round(acw, 1),
                "disposition": np.where(abandoned, "ABANDONED", "ANSWERED"),
                "abandoned": abandoned,
                "transferred": ~abandoned & (rng.random(n) < 0.07),
                "wrap_code": np.full(n, "general"),
                "sale": sale,
                "revenue": np.where(sale, np.round(rng.lognormal(np.log(80.0), 0.6, n), 2), 0.0),
            }
        )
        if writer is None:
            writer = pq.ParquetWriter(str(path), table.schema)
        writer.write_table(table)
        pick = ~abandoned & (rng.random(n) < 0.05)  # 5 % of answered contacts are surveyed
        surveys.write(customers[pick], arrival[pick].astype("datetime64[D]"))
        done += n
    assert writer is not None
    writer.close()
    synth_agent_states(folder / "agent_states.parquet", days, t0, rng)
    surveys.close()
    _synth_people(folder, days, t0, rng)
    return path


def _synth_people(
    folder: Path,
    days: int,
    t0: np.datetime64,
    rng: np.random.Generator,
) -> None:
    """payroll.parquet and hr_events.parquet (see the module docstring)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    first = t0.astype("datetime64[M]")
    last = (t0 + np.timedelta64(days - 1, "D")).astype("datetime64[M]")
    months = np.arange(first, last + 1).astype(str)
    agents = np.char.add("agent-", np.arange(1, 61).astype(str))
    rows: dict[str, list[object]] = {"month": [], "agent": [], "element": [], "amount": []}
    for month in months:
        wages = np.round(rng.normal(3200.0, 250.0, agents.size), 2)
        for element, amount in (
            ("wages", wages),
            ("social_insurance", np.round(wages * 0.30, 2)),
            ("paid_leave", np.round(wages * 0.03, 2)),
            ("overtime", np.round(rng.exponential(150.0, agents.size), 2)),
        ):
            rows["month"] += [month] * agents.size
            rows["agent"] += list(agents)
            rows["element"] += [element] * agents.size
            rows["amount"] += list(amount)
        rows["month"].append(month)  # one center-level amount a month
        rows["agent"].append(None)
        rows["element"].append("welfare")
        rows["amount"].append(round(float(rng.normal(20000.0, 1000.0)), 2))
    payroll = pa.table(
        {
            "month": pa.array(rows["month"], type=pa.string()),
            "agent": pa.array(rows["agent"], type=pa.string()),
            "element": pa.array(rows["element"], type=pa.string()),
            "amount": pa.array(rows["amount"], type=pa.float64()),
            "currency": pa.array(["USD"] * len(rows["month"]), type=pa.string()),
        }
    )
    pq.write_table(payroll, str(folder / "payroll.parquet"))
    # about 3 % of agents leave a month, each replaced by a hire a week later
    n = max(1, round(0.03 * agents.size * months.size))
    leave = t0.astype("datetime64[D]") + rng.integers(0, max(1, days - 7), n)
    who = rng.choice(agents, n, replace=False) if n <= agents.size else rng.choice(agents, n)
    hr = pa.table(
        {
            "agent": np.concatenate([who, np.char.add(who, "-new")]),
            "event": np.array(["leave"] * n + ["hire"] * n),
            "date": pa.array(np.concatenate([leave, leave + np.timedelta64(7, "D")])),
        }
    )
    pq.write_table(hr, str(folder / "hr_events.parquet"))


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


def synth_agent_states(path: Path, days: int, t0: np.datetime64, rng: np.random.Generator) -> Path:
    """Write agent states for ``days`` days from ``t0`` (see the module docstring)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols: dict[str, list[np.ndarray]] = {k: [] for k in ("agent", "state", "reason", "a", "b")}
    writer = None
    for day in range(days):
        weekday = int((t0.astype("datetime64[D]").astype(int) + day + 3) % 7)  # 0 = Monday
        for agent in range(1, 61):
            if weekday == 6 or (weekday == 5 and (day // 7 + agent) % 2 == 1):
                continue
            start = float(day * 86400 + 3600 * 7 + 900 * rng.integers(0, 17))
            a_s: list[np.ndarray] = []
            b_s: list[np.ndarray] = []
            k_s: list[np.ndarray] = []
            r_s: list[np.ndarray] = []
            # (work from, work to, break reason, break length), offsets in seconds
            plan = [
                (0.0, 7200.0, "break", 900.0),
                (8100.0, 14400.0, "lunch", 1800.0),
                (16200.0, 21600.0, "break", 900.0),
                (22500.0, 28800.0, None, 0.0),
            ]
            for lo, hi, why, length in plan:
                n = 60
                lengths = np.stack(
                    [
                        rng.exponential(60.0, n),
                        rng.lognormal(np.log(240.0), 0.5, n),
                        rng.exponential(30.0, n),
                    ],
                    axis=1,
                ).ravel()
                edges = start + lo + np.concatenate([[0.0], np.cumsum(lengths)])
                sel = edges[:-1] < start + hi
                a_s.append(edges[:-1][sel])
                b_s.append(np.minimum(edges[1:][sel], start + hi))
                k_s.append(np.tile(np.array(["available", "on_contact", "acw"]), n)[sel])
                r_s.append(np.full(int(sel.sum()), None, dtype=object))
                if why is not None:
                    a_s.append(np.array([start + hi]))
                    b_s.append(np.array([start + hi + length]))
                    k_s.append(np.array(["not_ready"]))
                    r_s.append(np.array([why], dtype=object))
            a = np.round(np.concatenate(a_s))
            b = np.round(np.concatenate(b_s))
            keep = b > a
            cols["a"].append(a[keep])
            cols["b"].append(b[keep])
            cols["state"].append(np.concatenate(k_s)[keep])
            cols["reason"].append(np.concatenate(r_s)[keep])
            cols["agent"].append(np.full(int(keep.sum()), f"agent-{agent}"))
        if day % 7 == 6 or day == days - 1:  # write a week at a time: memory stays bounded
            a = np.concatenate(cols["a"]).astype("int64")
            b = np.concatenate(cols["b"]).astype("int64")
            table = pa.table(
                {
                    "agent": np.concatenate(cols["agent"]),
                    "state": np.concatenate(cols["state"]),
                    "reason": pa.array(np.concatenate(cols["reason"]), type=pa.string()),
                    "start_ts": pa.array(
                        (t0 + a.astype("timedelta64[s]")).astype("datetime64[us]")
                    ),
                    "end_ts": pa.array((t0 + b.astype("timedelta64[s]")).astype("datetime64[us]")),
                    "duration_s": (b - a).astype("float64"),
                }
            )
            if writer is None:
                writer = pq.ParquetWriter(str(path), table.schema)
            writer.write_table(table)
            cols = {k: [] for k in cols}
    assert writer is not None
    writer.close()
    return path
