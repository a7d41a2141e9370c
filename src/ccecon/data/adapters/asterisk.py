"""Asterisk ``cdr_csv`` (Master.csv): 18 columns, no header row.

Column order (Asterisk cdr_csv with loguniqueid and loguserfield): accountcode, src, dst,
dcontext, clid, channel, dstchannel, lastapp, lastdata, start, answer, end, duration,
billsec, disposition, amaflags, uniqueid, userfield. Times are local time of the PBX as
written (no zone); ``duration`` is start to end and ``billsec`` answer to end, seconds.

Mapping: interaction_id = uniqueid; channel voice; direction inbound; queue = dcontext;
agent = dstchannel (or dst); arrival_ts = start; answer_ts = answer (empty when
unanswered); end_ts = end; queue_wait_s = duration - billsec for answered calls;
talk_s = billsec of answered calls only; disposition as written. A row whose billsec exceeds
its duration is quarantined (the two cannot both be right). customer_id = src (the caller's
number).

Disposition is "the maximum reached state of the channel" (Asterisk's CDR fields; Van
Meggelen, Smith and Madsen, *Asterisk: The Future of Telephony*, 2nd ed., O'Reilly 2007,
the CDR function; docs.asterisk.org, Configuration / CDR): ``ANSWERED``, ``NO ANSWER``,
``BUSY``, ``FAILED``, and ``CONGESTION`` when cdr.conf logs congested calls. Read as:
ANSWERED is answered and NO ANSWER rang unanswered: both were offered (outcome ``queued``;
NO ANSWER is an abandon). BUSY and CONGESTION never got through (``blocked``) and FAILED is
a failed attempt (``failed``): neither is offered nor an abandon by the caller.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from ccecon.data.schema import MAX_DURATION_S

COLUMNS = (
    "accountcode",
    "src",
    "dst",
    "dcontext",
    "clid",
    "channel",
    "dstchannel",
    "lastapp",
    "lastdata",
    "start",
    "answer",
    "end",
    "duration",
    "billsec",
    "disposition",
    "amaflags",
    "uniqueid",
    "userfield",
)


OUTCOME = {"BUSY": "blocked", "CONGESTION": "blocked", "FAILED": "failed"}
"""Dispositions that were never offered (every other one was: ANSWERED, NO ANSWER)."""


def lines(text: str | Iterable[str]) -> Iterator[str]:
    """The lines of text in chunks (each with its ``\n``), one at a time."""
    rest = ""
    for chunk in [text] if isinstance(text, str) else text:
        parts = (rest + chunk).split("\n")
        rest = parts.pop()
        for line in parts:
            yield line + "\n"
    if rest:
        yield rest


def parse(
    text: str | Iterable[str],
) -> Iterator[tuple[int, dict[str, Any] | None, str | None, str]]:
    """Records of the interactions schema from Master.csv text, whole or in chunks; a row
    at a time."""
    reader = csv.reader(lines(text))
    k = 0
    while True:
        k += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # a field past the csv module's limit (128 KiB), a NUL: this record only
            yield k, None, f"not a cdr_csv record: {exc}", ""
            continue
        raw = ",".join(row)[:2000]
        if not row:
            continue
        if len(row) != len(COLUMNS):
            yield k, None, f"expected {len(COLUMNS)} cdr_csv columns, found {len(row)}", raw
            continue
        r = dict(zip(COLUMNS, row, strict=True))
        try:
            duration = float(r["duration"])
            billsec = float(r["billsec"])
        except ValueError:
            yield k, None, "duration or billsec is not a number", raw
            continue
        if not (0 <= duration <= MAX_DURATION_S and 0 <= billsec <= MAX_DURATION_S):
            yield k, None, "duration or billsec is not a finite number of seconds >= 0", raw
            continue
        if billsec > duration:
            yield k, None, f"billsec {billsec:g} is above duration {duration:g}", raw
            continue
        disposition = r["disposition"].strip().upper()
        answered = disposition == "ANSWERED"
        outcome = OUTCOME.get(disposition, "queued")
        yield (
            k,
            {
                "interaction_id": r["uniqueid"] or None,
                "initial_id": None,
                "channel": "voice",
                "direction": "inbound",
                "queue": r["dcontext"] or None,
                "agent": r["dstchannel"] or r["dst"] or None,
                "customer_id": r["src"].strip() or None,
                "arrival_ts": r["start"] or None,
                "answer_ts": (r["answer"] or None) if answered else None,
                "end_ts": r["end"] or None,
                "queue_wait_s": duration - billsec if answered else duration,
                "talk_s": billsec if answered else 0.0,
                "hold_s": 0.0,
                "acw_s": 0.0,
                "disposition": r["disposition"] or None,
                "abandoned": outcome == "queued" and not answered,
                "outcome": outcome,
                "transferred": False,
                "wrap_code": None,
                "sale": None,
                "revenue": None,
            },
            None,
            raw,
        )
