"""An Asterisk ``queue_log`` streamed into the store: its lines become contacts and agent
states, and every line is accounted for (read and quarantine count lines).

The file is read :data:`QUEUE_LOG_CHUNK` lines at a time into a temporary DuckDB table,
sorted there by time (DuckDB spills to disk if it must), and read back in time order a
chunk at a time; Python holds one chunk, the calls still in a queue or talking, and one
agent's member lines and answered calls at a time, never the file. The rules that turn
lines into contacts and states are the adapter's (:mod:`ccecon.data.adapters.queue_log`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccecon.data.ingest.records import validate
from ccecon.data.ingest.store import (
    FileReport,
    arrow_table,
    insert_interactions,
    split_insert,
    sql_str,
)
from ccecon.data.schema import AGENT_STATE_COLUMNS, MAX_STATE_S
from ccecon.errors import DataError

if TYPE_CHECKING:
    from ccecon.data.adapters.queue_log import Line

QUEUE_LOG_CHUNK = 100_000
"""Lines a queue_log is read, sorted and turned into contacts by, at a time."""

_QL_COLUMNS = "no, t, callid, queue, agent, event, data, raw"


def _too_long(a: dt.datetime, b: dt.datetime, row: int) -> str:
    """The reason an agent's stretch is refused: longer than :data:`MAX_STATE_S`."""
    return (
        f"agent state longer than {MAX_STATE_S // 86_400} days (a missing logoff?); the"
        f" agent's member lines are not loaded: line {row}, {a} to {b}"
    )


def ingest_queue_log(con: Any, path: Path, rep: FileReport, chunk: int | None = None) -> None:
    """Asterisk queue_log: lines to contacts and agent states; every line accounted for.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store, inside the caller's transaction.
    path : Path
        The queue_log file (UTF-8; a byte-order mark is skipped).
    rep : FileReport
        Filled in: lines read, lines used, lines quarantined, rows per table.
    chunk : int, optional
        Lines held at a time; default :data:`QUEUE_LOG_CHUNK` (read when called).
    """
    run = _QueueLogRun(con, path, rep, chunk or QUEUE_LOG_CHUNK)
    run.read_lines()
    horizon = run.contacts()
    run.agent_states(horizon)
    run.finish()


class _QueueLogRun:
    """One queue_log file's ingest: the quarantine buffer and the counts of its steps."""

    def __init__(self, con: Any, path: Path, rep: FileReport, chunk: int) -> None:
        self.con, self.path, self.rep, self.chunk = con, path, rep, chunk
        self.src = str(path)
        self.quarantine: list[tuple[Any, ...]] = []
        self.n_quarantined = 0
        self.used = 0
        self.n_contacts = 0
        self.n_states = 0
        self.members: set[str] = set()

    # ------------------------------------------------------------------ quarantine
    def reject(self, no: int, reason: str, raw: str) -> None:
        """One line to quarantine (written a chunk at a time)."""
        self.quarantine.append((self.src, no, reason, raw))
        self.n_quarantined += 1
        key = reason.split(":")[0]
        self.rep.reasons[key] = self.rep.reasons.get(key, 0) + 1
        if len(self.quarantine) >= self.chunk:
            self.flush_quarantine()

    def reject_lines(self, lines: list[Line], reason: str) -> None:
        """Every line of a visit or of an agent, with one reason."""
        for x in lines:
            self.reject(x.no, reason, x.raw)

    def flush_quarantine(self) -> None:
        if self.quarantine:
            self.con.executemany("INSERT INTO quarantine VALUES (?, ?, ?, ?)", self.quarantine)
            self.quarantine.clear()

    # ------------------------------------------------------------------ 1. read
    def read_lines(self) -> None:
        """Parse each line; rejects to quarantine, the rest to the table ``_ql``."""
        import pyarrow as pa

        from ccecon.data.adapters import queue_log as ql

        schema = pa.schema(
            [
                ("no", pa.int64()),
                ("t", pa.timestamp("us")),
                *((c, pa.string()) for c in ("callid", "queue", "agent", "event")),
                ("data", pa.list_(pa.string())),
                ("raw", pa.string()),
            ]
        )
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE _ql (no BIGINT, t TIMESTAMP, callid VARCHAR,"
            " queue VARCHAR, agent VARCHAR, event VARCHAR, data VARCHAR[], raw VARCHAR)"
        )
        buf: list[ql.Line] = []

        def flush_lines() -> None:
            if buf:
                cols = list(
                    zip(
                        *(
                            (x.no, x.t, x.callid, x.queue, x.agent, x.event, list(x.data), x.raw)
                            for x in buf
                        ),
                        strict=True,
                    )
                )
                self.con.register("_qchunk", pa.table(cols, schema=schema))
                self.con.execute(f"INSERT INTO _ql SELECT {_QL_COLUMNS} FROM _qchunk")
                self.con.unregister("_qchunk")
                buf.clear()

        with self.path.open("rb") as fh:
            for no, data in enumerate(fh, start=1):
                try:
                    raw = data.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise DataError(
                        f"not UTF-8 text (line {no}, byte {exc.start} of the line); re-encode"
                        " the file as UTF-8",
                        file=self.src,
                        row=no,
                    ) from None
                if no == 1:
                    raw = raw.removeprefix("\ufeff")
                raw = raw.rstrip("\r\n")
                if not raw.strip():
                    continue
                self.rep.read += 1
                parsed = ql.parse_line(no, raw)
                if isinstance(parsed, ql.Line):
                    buf.append(parsed)
                    if len(buf) >= self.chunk:
                        flush_lines()
                else:
                    self.reject(*parsed)
        flush_lines()

    # ------------------------------------------------------------------ 2. contacts
    def contacts(self) -> dt.datetime:
        """Call lines to contacts in time order, a chunk at a time; the answered calls to
        ``_qcalls`` for the agent states. Returns the log's last time."""
        from ccecon.data.adapters import queue_log as ql

        con = self.con
        total, horizon = con.execute("SELECT count(*), max(t) FROM _ql").fetchone()
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _qs AS SELECT row_number() OVER (ORDER BY t, no)"
            " AS k, * FROM _ql ORDER BY k"
        )
        con.execute("DROP TABLE _ql")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _qcalls (agent VARCHAR, a TIMESTAMP, b TIMESTAMP,"
            " no BIGINT)"
        )
        visits = ql.Visits()
        for lo in range(0, total, self.chunk):
            page = con.execute(
                f"SELECT {_QL_COLUMNS} FROM _qs WHERE k > ? AND k <= ? ORDER BY k",
                [lo, lo + self.chunk],
            ).fetchall()
            done: list[tuple[dict[str, Any], list[ql.Line]]] = []
            for no, t, callid, queue, agent, event, data, raw in page:
                ln = ql.Line(no, t, callid, queue, agent, event, tuple(data or ()), raw)
                k = ql.kind(ln)
                if k == "member":
                    self.members.add(agent)
                elif k == "call":
                    for rec, lines, why in visits.add(ln):
                        if rec is None:
                            self.reject_lines(lines, str(why))
                        else:
                            done.append((rec, lines))
                else:
                    assert not isinstance(k, str)
                    self.reject(*k)
            self._store_contacts(done)
            if page:
                visits.forget(page[-1][1])
        for lines in visits.finish():
            self.reject_lines(lines, ql.UNFINISHED)
        return horizon

    def _store_contacts(self, done: list[tuple[dict[str, Any], list[Line]]]) -> None:
        """Validate and insert the contacts of finished visits; their lines are used."""
        import pyarrow as pa

        con = self.con
        good = []
        for rec, lines in done:
            reason = validate(rec)
            if reason is not None:
                self.reject_lines(lines, reason)
            else:
                good.append((rec, lines))
        if not good:
            return
        con.register("_qids", pa.table({"id": [rec["interaction_id"] for rec, _ in good]}))
        dup = {
            r[0]
            for r in con.execute(
                "SELECT interaction_id FROM interactions WHERE interaction_id IN"
                " (SELECT id FROM _qids)"
            ).fetchall()
        }
        con.unregister("_qids")
        rows, calls = [], []
        for rec, lines in good:
            if rec["interaction_id"] in dup:
                self.reject_lines(lines, "duplicate interaction_id: already loaded")
                continue
            rec["source_file"] = self.src
            rec["source_row"] = lines[0].no
            rows.append(rec)
            self.used += len(lines)
            if rec["agent"] and rec["answer_ts"] is not None:
                calls.append((rec["agent"], rec["answer_ts"], rec["end_ts"], lines[-1].no))
        insert_interactions(con, rows, [])
        self.n_contacts += len(rows)
        if calls:
            cols = list(zip(*calls, strict=True))
            schema = pa.schema(
                [
                    ("agent", pa.string()),
                    ("a", pa.timestamp("us")),
                    ("b", pa.timestamp("us")),
                    ("no", pa.int64()),
                ]
            )
            con.register("_qc", pa.table(cols, schema=schema))
            con.execute("INSERT INTO _qcalls SELECT * FROM _qc")
            con.unregister("_qc")

    # ------------------------------------------------------------------ 3. agent states
    def agent_states(self, horizon: dt.datetime) -> None:
        """Agent states, one agent at a time (its member lines and answered calls)."""
        from ccecon.data.adapters import queue_log as ql

        if not self.members:
            return
        con = self.con
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _qm AS SELECT row_number() OVER (ORDER BY agent, k)"
            f" AS j, {_QL_COLUMNS} FROM _qs WHERE event IN"
            f" ({', '.join(sql_str(e) for e in sorted(ql.MEMBER_EVENTS))})"
            " AND agent NOT IN ('', 'NONE') ORDER BY j"
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _qcs AS SELECT row_number() OVER (ORDER BY agent)"
            " AS j, * FROM _qcalls ORDER BY j"
        )
        spans = con.execute(
            "SELECT m.agent, m.lo, m.hi, c.lo, c.hi FROM (SELECT agent, min(j) AS lo, max(j)"
            " AS hi FROM _qm GROUP BY agent) m LEFT JOIN (SELECT agent, min(j) AS lo,"
            " max(j) AS hi FROM _qcs GROUP BY agent) c USING (agent) ORDER BY m.agent"
        ).fetchall()
        for agent, mlo, mhi, clo, chi in spans:
            lines = [
                ql.Line(no, t, callid, queue, ag, event, tuple(data or ()), raw)
                for no, t, callid, queue, ag, event, data, raw in con.execute(
                    f"SELECT {_QL_COLUMNS} FROM _qm WHERE j BETWEEN ? AND ? ORDER BY j",
                    [mlo, mhi],
                ).fetchall()
            ]
            calls = (
                con.execute(
                    "SELECT a, b, no FROM _qcs WHERE j BETWEEN ? AND ?", [clo, chi]
                ).fetchall()
                if clo is not None
                else []
            )
            self._store_agent(agent, lines, ql.agent_states(lines, calls, horizon))
        con.execute("DROP TABLE _qm")
        con.execute("DROP TABLE _qcs")

    def _store_agent(
        self,
        agent: str,
        lines: list[Line],
        stretches: list[tuple[str, str | None, dt.datetime, dt.datetime, int]],
    ) -> None:
        """One agent's states, inserted in quarter-hour pieces; the agent's member lines are
        quarantined instead when a stretch is too long or overlaps states already loaded."""
        con = self.con
        states: list[dict[str, Any]] = [
            {
                "agent": agent,
                "state": state,
                "reason": pause,
                "start_ts": a,
                "end_ts": b,
                "source_file": self.src,
                "source_row": no,
            }
            for state, pause, a, b, no in stretches
        ]
        long = next(
            (x for x in states if (x["end_ts"] - x["start_ts"]).total_seconds() > MAX_STATE_S),
            None,
        )
        if long is not None:
            self.reject_lines(
                lines, _too_long(long["start_ts"], long["end_ts"], long["source_row"])
            )
            return
        if not states:
            self.used += len(lines)
            return
        con.register("_qst", arrow_table(states, AGENT_STATE_COLUMNS))
        clash = bool(
            con.execute(
                "SELECT 1 FROM _qst n JOIN agent_states s ON s.agent = n.agent"
                " AND s.start_ts < n.end_ts AND n.start_ts < s.end_ts LIMIT 1"
            ).fetchall()
        )
        if clash:
            self.reject_lines(lines, "agent states overlap states already loaded for this agent")
        else:
            self.used += len(lines)
            self.n_states += split_insert(con, "_qst")
        con.unregister("_qst")

    def finish(self) -> None:
        """Drop the working tables, write the last quarantine rows, fill in the report."""
        for name in ("_qs", "_qcalls"):
            self.con.execute(f"DROP TABLE {name}")
        self.flush_quarantine()
        self.rep.loaded = self.used
        self.rep.quarantined = self.n_quarantined
        self.rep.rows = {"interactions": self.n_contacts, "agent_states": self.n_states}
