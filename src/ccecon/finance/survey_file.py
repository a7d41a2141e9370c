"""Read a satisfaction survey CSV: columns ``customer``, ``segment``, ``index`` (0-100).

Format: UTF-8 (a byte-order mark is accepted), comma-separated, one header line naming at
least ``customer`` (a unique id), ``segment`` (free text) and ``index`` (the satisfaction
index, a number from 0 to 100); other columns are ignored. Every row is checked; a bad row
raises an error naming the file, the line (1-based, the header is line 1), the column and
the value. Nothing is dropped silently (only wholly blank lines are skipped).
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from ccecon.errors import InputError

REQUIRED = ("customer", "segment", "index")


def read_survey(path: str | Path) -> list[tuple[str, float]]:
    """Return (segment, index) per respondent, in file order.

    Raises
    ------
    InputError
        File missing or not UTF-8, a required column missing, an empty or duplicate
        customer, an empty segment, an index that is not a number from 0 to 100, a row with
        more values than columns, or no responses at all.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError("file not found", file=str(p))
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=str(p)) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(
            "missing column(s) " + ", ".join(missing) + "; expected " + ", ".join(REQUIRED),
            file=str(p),
            value=reader.fieldnames,
        )
    out: list[tuple[str, float]] = []
    seen: set[str] = set()
    for row in reader:
        i = reader.line_num
        if None in row:  # more values than header columns
            raise InputError(
                f"more values than the {len(reader.fieldnames or [])} header columns",
                file=str(p),
                row=i,
                value=row[None],
            )
        cust = (row.get("customer") or "").strip()
        seg = (row.get("segment") or "").strip()
        raw = (row.get("index") or "").strip()
        if not cust:
            raise InputError("empty customer id", file=str(p), row=i, field="customer")
        if cust in seen:
            raise InputError(
                "customer surveyed twice", file=str(p), row=i, field="customer", value=cust
            )
        seen.add(cust)
        if not seg:
            raise InputError("empty segment", file=str(p), row=i, field="segment")
        try:
            idx = float(raw)
        except ValueError:
            raise InputError(
                "expected a number from 0 to 100", file=str(p), row=i, field="index", value=raw
            ) from None
        if not math.isfinite(idx) or not 0 <= idx <= 100:
            raise InputError(
                "expected a number from 0 to 100", file=str(p), row=i, field="index", value=raw
            )
        out.append((seg, idx))
    if not out:
        raise InputError("the survey has no responses", file=str(p))
    return out
