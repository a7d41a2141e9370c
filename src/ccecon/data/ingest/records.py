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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ccecon.data.ingest.store import FileReport, insert_interactions, unicode_ok
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


def ingest_records(
    con: Any,
    path: Path,
    records: Iterator[tuple[int, dict[str, Any] | None, str | None, str]],
    rep: FileReport,
) -> None:
    """Validate an adapter's ``(row, record or None, reason, raw)`` tuples and insert them:
    each record loaded or quarantined with its reason; of the versions of one id the
    latest is kept."""
    existing = {r[0] for r in con.execute("SELECT interaction_id FROM interactions").fetchall()}
    keep: dict[str, tuple[int, dict[str, Any], str]] = {}
    quarantine: list[tuple[Any, ...]] = []

    def q(k: int, reason: str, raw: str) -> None:
        quarantine.append((str(path), k, reason, raw))
        rep.reasons[reason.split(":")[0]] = rep.reasons.get(reason.split(":")[0], 0) + 1

    for k, rec, err, raw in records:
        rep.read += 1
        if rec is None:
            q(k, err or "unreadable", raw)
            continue
        reason = validate(rec)
        if reason:
            q(k, reason, raw)
            continue
        iid = str(rec["interaction_id"])
        if iid in existing:
            q(k, "duplicate interaction_id: already loaded", raw)
            continue
        version = rec.pop("_version", None)
        if iid in keep:
            old_k, old, old_raw = keep[iid]
            if version is not None and str(version) > str(old.get("_v", "")):
                q(old_k, "superseded by a later version of the same id", old_raw)
                rec["_v"] = version
                keep[iid] = (k, rec, raw)
            elif version is not None:
                q(k, "superseded by a later version of the same id", raw)
            else:
                q(k, "duplicate interaction_id in the file", raw)
            continue
        rec["_v"] = version
        keep[iid] = (k, rec, raw)
    rows = []
    for k, rec, _raw in keep.values():
        rec.pop("_v", None)
        rec["source_file"] = str(path)
        rec["source_row"] = k
        rows.append(rec)
    insert_interactions(con, rows, quarantine)
    rep.loaded = len(rows)
    rep.quarantined = len(quarantine)
    rep.rows["interactions"] = len(rows)


def ingest_export(con: Any, path: Path, kind: str, rep: FileReport) -> None:
    """A vendor export (one of :data:`EXPORTS`) read whole as UTF-8 text (a byte-order
    mark skipped), parsed by its adapter and ingested record by record."""
    from ccecon.data.adapters import asterisk, connect, genesys

    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"not UTF-8 text (byte {exc.start}); re-encode the file as UTF-8",
            file=str(path),
        ) from None
    parser = {"connect": connect.parse, "asterisk": asterisk.parse, "genesys": genesys.parse}[kind]
    ingest_records(con, path, parser(text), rep)
