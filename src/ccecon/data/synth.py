"""Synthetic interaction logs (Parquet) in the normalized schema, for demos and benchmarks.

Vectorized numpy, seeded: arrivals with an intraday curve (open 8-20 h, peaks late morning
and early afternoon) and a weekly curve (Monday busiest, Sunday quietest), lognormal handle
times (median talk 240 s), exponential patience (mean 120 s) against an exponential queue
wait, so some callers abandon; 4 queues, 3 channels, 60 agents; 6 % of answered calls end
in a sale with lognormal revenue. Written in row groups so any size fits in memory.
"""

from __future__ import annotations

from pathlib import Path

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
    while done < rows:
        n = min(chunk, rows - done)
        day = rng.integers(0, days, n)
        w = weekly[(day + 0) % 7] / weekly.max()
        keep = rng.random(n) < w
        day = np.where(keep, day, rng.integers(0, days, n))
        hour = rng.choice(24, n, p=intraday)
        sec = rng.integers(0, 3600, n)
        arrival = t0 + (day * 86400 + hour * 3600 + sec).astype("timedelta64[s]")
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
        table = pa.table(
            {
                "interaction_id": ids,
                "initial_id": ids,
                "channel": CHANNELS[rng.choice(3, n, p=[0.75, 0.2, 0.05])],
                "direction": np.full(n, "inbound"),
                "queue": QUEUES[rng.choice(4, n, p=[0.2, 0.45, 0.2, 0.15])],
                "agent": pa.array(agents.astype(object), type=pa.string(), mask=abandoned),
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
        done += n
    assert writer is not None
    writer.close()
    return path
