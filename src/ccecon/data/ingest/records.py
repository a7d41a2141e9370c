"""Vendor exports record by record: Amazon Connect CTR, Asterisk Master.csv and Genesys
conversations, parsed by the adapters (:mod:`ccecon.data.adapters`), validated here in
Python and inserted in batches through Arrow.

Validation: an id is present and unique; timestamps parse and lie in 1970..2200;
end_ts >= arrival_ts; answer_ts within [arrival_ts, end_ts]; durations are finite numbers
>= 0; channel is one of voice, chat, email, task, messaging. A later version of a Connect
record supersedes an earlier one (both are accounted for).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ccecon.data.ingest.store import (
    FileReport,
    arrow_table,
    insert_interactions,
    unicode_ok,
)
from ccecon.data.schema import (
    CHANNELS,
    END_TS,
    FIRST_TS,
    INTERACTION_COLUMNS,
    MAX_DURATION_S,
    OUTCOMES,
    TS_RANGE_TEXT,
)
from ccecon.errors import DataError, short_repr

EXPORTS = ("connect", "asterisk", "genesys")
"""The formats read record by record (:func:`ingest_export`)."""


def _ts(value: Any) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value
    text = str(value).strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed


_TEXT_COLUMNS = tuple(
    c for c, t in INTERACTION_COLUMNS.items() if t == "VARCHAR" and c != "source_file"
)


_FLAG_COLUMNS = tuple(c for c, t in INTERACTION_COLUMNS.items() if t == "BOOLEAN")


DURATION_COLUMNS = ("queue_wait_s", "talk_s", "hold_s", "acw_s")


def in_range(t: dt.datetime) -> bool:
    """A timestamp the store accepts: within :data:`ccecon.data.schema.FIRST_TS` ..
    :data:`ccecon.data.schema.END_TS` (1970..2200)."""
    return FIRST_TS <= t < END_TS


def validate(rec: dict[str, Any]) -> str | None:
    """Normalize a record in place; return the reason it is invalid, or None.

    Text columns hold text (an id that is a number or a list is refused, not turned into
    ``"[1, 2]"``), flags hold booleans, timestamps parse and lie in 1970..2200, durations
    are finite numbers in 0..:data:`MAX_DURATION_S`, revenue is finite.
    """
    iid = rec.get("interaction_id")
    if iid is None or iid == "":
        return "missing interaction_id"
    for col in _TEXT_COLUMNS:
        v = rec.get(col)
        if v is None:
            continue
        if not isinstance(v, str):
            return f"{col} is not text: {short_repr(v)}"
        if not unicode_ok(v):
            return f"{col} is not valid Unicode text (a lone surrogate)"
    for col in _FLAG_COLUMNS:
        v = rec.get(col)
        if v is not None and not isinstance(v, bool):
            return f"{col} is not true or false: {short_repr(v)}"
    for col in ("arrival_ts", "answer_ts", "end_ts"):
        try:
            rec[col] = _ts(rec.get(col))
        except (ValueError, TypeError, OverflowError):
            return f"{col} is not a timestamp: {short_repr(rec.get(col))}"
        if rec[col] is not None and not in_range(rec[col]):
            return f"{col} is outside {TS_RANGE_TEXT}: {rec[col]}"
    if rec["arrival_ts"] is None:
        return "missing arrival_ts"
    if rec["end_ts"] is not None and rec["end_ts"] < rec["arrival_ts"]:
        return "end_ts is before arrival_ts"
    if rec["answer_ts"] is not None and (
        rec["answer_ts"] < rec["arrival_ts"]
        or (rec["end_ts"] is not None and rec["answer_ts"] > rec["end_ts"])
    ):
        return "answer_ts is outside arrival_ts..end_ts"
    for col in (*DURATION_COLUMNS, "revenue", "profit"):
        v = rec.get(col)
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float, str)):
            return f"{col} is not a number: {short_repr(v)}"
        try:
            x = float(v)
        except (ValueError, OverflowError):
            return f"{col} is not a number: {short_repr(v)}"
        if not math.isfinite(x):
            return f"{col} is not finite: {short_repr(v)}"
        if col in DURATION_COLUMNS and x < 0:
            return f"{col} is negative: {short_repr(v)}"
        if col in DURATION_COLUMNS and x > MAX_DURATION_S:
            return f"{col} is more than {MAX_DURATION_S:.0e} seconds: {short_repr(v)}"
        rec[col] = x
    if rec.get("channel") not in CHANNELS:
        return f"unknown channel {short_repr(rec.get('channel'))}"
    if rec.get("outcome") is not None and rec["outcome"] not in OUTCOMES:
        return f"unknown outcome {short_repr(rec['outcome'])}; expected one of " + ", ".join(
            sorted(OUTCOMES)
        )
    return None


RECORDS_CHUNK = 20_000
"""Records validated and written to the store's staging table at a time."""

READ_BYTES = 1 << 20
"""Bytes of an export read at a time."""

_STAGE = {**INTERACTION_COLUMNS, "_v": "VARCHAR", "_seq": "BIGINT"}
"""The staging table: the records' columns, the version (``_v``) and the order in the file;
not the source text (it would double what the store holds while the file is read): the
few records quarantined at the end (duplicates, superseded versions) have it read again
from the file."""

Records = Iterator[tuple[int, dict[str, Any] | None, str | None, str]]


class _Stage:
    """One export's valid records, staged in a table of the store a chunk at a time
    (inside the file's transaction; the versions of an id and the ids already loaded are
    sorted out in SQL at the end), and its quarantine rows, written a chunk at a time."""

    def __init__(self, con: Any, path: Path, rep: FileReport) -> None:
        self.con, self.src, self.rep = con, str(path), rep
        self.rows: list[dict[str, Any]] = []
        self.quarantine: list[tuple[Any, ...]] = []
        self.n_quarantined = 0
        self.seq = 0
        cols = ", ".join(f"{c} {t}" for c, t in _STAGE.items())
        con.execute(f"CREATE OR REPLACE TABLE _ingest_rec ({cols})")

    def reject(self, k: int, reason: str, raw: str) -> None:
        self.quarantine.append((self.src, k, reason, raw))
        self.n_quarantined += 1
        key = reason.split(":")[0]
        self.rep.reasons[key] = self.rep.reasons.get(key, 0) + 1
        if len(self.quarantine) >= RECORDS_CHUNK:
            self.flush()

    def add(self, k: int, rec: dict[str, Any]) -> None:
        self.seq += 1
        version = rec.pop("_version", None)
        rec.update(
            source_file=self.src,
            source_row=k,
            _v=None if version is None else str(version),
            _seq=self.seq,
        )
        self.rows.append(rec)
        if len(self.rows) >= RECORDS_CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.con.register("_recchunk", arrow_table(self.rows, _STAGE))
            self.con.execute("INSERT INTO _ingest_rec SELECT * FROM _recchunk")
            self.con.unregister("_recchunk")
            self.rows.clear()
        insert_interactions(self.con, [], self.quarantine)
        self.quarantine.clear()

    def finish(self, reparse: Callable[[], Records]) -> None:
        """Of the staged records: an id already in the store is a duplicate; of the
        versions of one id in the file the latest (``_v``, the first of equals) is loaded
        and the others superseded; without versions the first is loaded and the others are
        duplicates. The source text of those quarantined is read again (``reparse()``:
        the file's records once more)."""
        self.flush()
        con = self.con
        con.execute(
            "CREATE OR REPLACE TABLE _ingest_recq AS SELECT source_row, _seq, CASE"
            " WHEN EXISTS (SELECT 1 FROM interactions i WHERE i.interaction_id ="
            " r.interaction_id) THEN 'duplicate interaction_id: already loaded'"
            " WHEN _rn = 1 THEN NULL WHEN _v IS NULL THEN 'duplicate interaction_id in the"
            " file' ELSE 'superseded by a later version of the same id' END AS reason FROM"
            " (SELECT *, row_number() OVER (PARTITION BY interaction_id ORDER BY _v DESC"
            " NULLS LAST, _seq) AS _rn FROM _ingest_rec) r"
        )
        names = ", ".join(INTERACTION_COLUMNS)
        picked = ", ".join(f"r.{c}" for c in INTERACTION_COLUMNS)
        con.execute(
            f"INSERT INTO interactions ({names}) SELECT {picked} FROM _ingest_rec r"
            " JOIN _ingest_recq q ON r._seq = q._seq WHERE q.reason IS NULL ORDER BY r._seq"
        )
        need = dict(
            con.execute(
                "SELECT source_row, reason FROM _ingest_recq WHERE reason IS NOT NULL"
            ).fetchall()
        )
        again = reparse() if need else iter(())
        try:
            for k, _rec, _err, raw in again:
                reason = need.pop(k, None)
                if reason is not None:
                    self.quarantine.append((self.src, k, reason, raw))
                    if len(self.quarantine) >= RECORDS_CHUNK:
                        self.flush()
                if not need:
                    break
        finally:
            close = getattr(again, "close", None)
            if close is not None:
                close()
        self.flush()
        counts = con.execute(
            "SELECT reason IS NULL, reason, count(*) FROM _ingest_recq GROUP BY ALL"
        ).fetchall()
        con.execute("DROP TABLE _ingest_rec")
        con.execute("DROP TABLE _ingest_recq")
        loaded = 0
        for ok, reason, n in counts:
            if ok:
                loaded += int(n)
                continue
            key = str(reason).split(":")[0]
            self.rep.reasons[key] = self.rep.reasons.get(key, 0) + int(n)
            self.n_quarantined += int(n)
        self.rep.loaded = loaded
        self.rep.quarantined = self.n_quarantined
        self.rep.rows["interactions"] = loaded


def ingest_records(
    con: Any,
    path: Path,
    records: Callable[[], Records],
    rep: FileReport,
    tick: Callable[[int], None] | None = None,
) -> None:
    """Validate an adapter's ``(row, record or None, reason, raw)`` tuples and insert them:
    each record loaded or quarantined with its reason; of the versions of one id the
    latest is kept. Records are staged in the store a chunk at a time
    (:data:`RECORDS_CHUNK`), so memory does not grow with the file; ``records()`` gives
    them (called again for the source text of the duplicates found at the end);
    ``tick(records read)`` is called after each chunk."""
    stage = _Stage(con, path, rep)
    for k, rec, err, raw in records():
        rep.read += 1
        if rec is None:
            stage.reject(k, err or "unreadable", raw)
        else:
            reason = validate(rec)
            if reason:
                stage.reject(k, reason, raw)
            else:
                stage.add(k, rec)
        if tick is not None and rep.read % RECORDS_CHUNK == 0:
            tick(rep.read)
    stage.finish(records)
    if tick is not None:
        tick(rep.read)


def text_chunks(path: Path, progress: Callable[[int], None] | None = None) -> Iterator[str]:
    """A UTF-8 file's text (a byte-order mark skipped) :data:`READ_BYTES` at a time;
    ``progress(bytes read)`` after each; a byte that is not UTF-8 is a :class:`DataError`
    naming its offset in the file."""
    import codecs

    dec = codecs.getincrementaldecoder("utf-8-sig")()
    done = 0
    with path.open("rb") as fh:
        while True:
            data = fh.read(READ_BYTES)
            held = len(dec.getstate()[0])  # bytes of a character cut by the last read
            try:
                text = dec.decode(data, final=not data)
            except UnicodeDecodeError as exc:
                raise DataError(
                    f"not UTF-8 text (byte {max(0, done - held) + exc.start}); re-encode the"
                    " file as UTF-8",
                    file=str(path),
                ) from None
            done += len(data)
            if progress is not None:
                progress(done)
            if text:
                yield text
            if not data:
                return


def ingest_export(
    con: Any,
    path: Path,
    kind: str,
    rep: FileReport,
    progress: Callable[[int, float], None] | None = None,
) -> None:
    """A vendor export (one of :data:`EXPORTS`) streamed: read as UTF-8 text a megabyte
    at a time, parsed by its adapter a record at a time and ingested a chunk of records
    at a time.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        The store, inside the caller's transaction.
    path : Path
        The export.
    kind : str
        ``connect``, ``asterisk`` or ``genesys``.
    rep : FileReport
        Filled in: records read, loaded and quarantined, with the reasons.
    progress : callable, optional
        ``progress(records read, share of the file's bytes read)``, every
        :data:`RECORDS_CHUNK` records and at the end.
    """
    from ccecon.data.adapters import asterisk, connect, genesys

    size = max(1, path.stat().st_size)
    state = {"bytes": 0}

    def read(n: int) -> None:
        state["bytes"] = n

    parser = {"connect": connect.parse, "asterisk": asterisk.parse, "genesys": genesys.parse}[kind]

    def tick(records: int) -> None:
        if progress is not None:
            progress(records, min(1.0, state["bytes"] / size))

    ingest_records(con, path, lambda: parser(text_chunks(path, read)), rep, tick)
