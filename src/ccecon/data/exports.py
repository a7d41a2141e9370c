"""The synthetic center's contacts written as a vendor's export (``ccecon synth --format``).

Each writer takes the contacts a chunk at a time (the normalized table ``ccecon synth``
builds, :func:`ccecon.data.synth.synth`) and writes them in the shape the vendor's own
export has and the adapters read (:mod:`ccecon.data.adapters`), :data:`SLICE` contacts at
a time, so memory is bounded by the slice, not by the file:

* ``connect``: Amazon Connect contact trace records, one JSON object a line (a Kinesis
  Data Firehose delivery with a newline delimiter), named as the admin guide's CTR data
  model names them. Durations are whole seconds and timestamps whole seconds in UTC
  (``2025-01-06T08:00:03Z``) as Connect writes them; ``Agent`` is null for a contact that
  abandoned in queue; ``CustomerHoldDuration`` is the hold and ``AgentInteractionDuration``
  the talk without it; ``TransferredToEndpoint`` is set for a transferred contact.
* ``genesys``: a Genesys Cloud analytics conversation-details response
  ``{"conversations": [...], "totalHits": N}``, one conversation a line, timestamps in
  milliseconds; a customer, an acd (the queue) and, when answered, an agent participant
  whose segments are ``interact`` (talk), ``hold`` and ``wrapup`` (ACW, with a
  ``wrapUpCode``).
* ``asterisk-cdr``: Asterisk ``cdr_csv`` ``Master.csv``: 18 columns and no header, strings
  quoted and ``duration``/``billsec`` not, an unanswered call's ``answer`` empty and not
  quoted (as Asterisk writes it); ``dcontext`` is the queue, ``dstchannel`` the agent's
  channel, disposition ``ANSWERED`` or ``NO ANSWER``; ``billsec`` is the bridged time (talk
  and hold: a CDR cannot tell them apart), whole seconds.
* ``queue_log``: an Asterisk ``queue_log`` (``epoch|callid|queue|agent|EVENT|data...``) in
  time order: ``ENTERQUEUE``, then ``CONNECT`` and ``COMPLETECALLER`` (holdtime, calltime:
  talk and hold) or ``ABANDON`` (waittime). The agents are static members (no login or
  pause lines), so the log gives contacts and no agent states; the center's agent states
  are in ``agent_states.parquet`` beside it.

Times are the center's local time (Connect and Genesys write it as UTC, which is what a
center in UTC would see). A field a format does not carry (sale, revenue, profit, wrap
code outside Genesys) is not written.
"""

from __future__ import annotations

import heapq
import json
from pathlib import Path
from typing import IO, Any

import numpy as np

EXPORT_FILES = {
    "connect": "ctr.jsonl",
    "genesys": "conversations.json",
    "asterisk-cdr": "Master.csv",
    "queue_log": "queue_log",
}
"""Each vendor format ``ccecon synth --format`` writes, and the file it writes."""

SLICE = 20_000
"""Contacts turned into export text at a time."""

ACCOUNT = "123456789012"
INSTANCE = f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/00000000-0000-4000-8000-00000000c0de"
SYSTEM_NUMBER = "+18005550100"
TRANSFER_NUMBER = "+18005550199"
DIVISION = "00000000-0000-4000-8000-0000000d1v00"


class _Slice:
    """Up to :data:`SLICE` contacts of a chunk as plain columns (times in integer ms)."""

    def __init__(self, table: Any) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        def ms(col: str) -> np.ndarray:
            us = pc.fill_null(table.column(col).cast(pa.int64()), -1).to_numpy()
            return np.where(us < 0, -1, (us + 500) // 1000).astype(np.int64)

        self.n = table.num_rows
        self.ids: list[str] = table.column("interaction_id").to_pylist()
        self.queue: list[str] = table.column("queue").to_pylist()
        self.agent: list[str | None] = table.column("agent").to_pylist()
        self.customer: list[str] = table.column("customer_id").to_pylist()
        self.wrap: list[str | None] = table.column("wrap_code").to_pylist()
        self.arrival, self.answer, self.end = ms("arrival_ts"), ms("answer_ts"), ms("end_ts")
        self.wait = table.column("queue_wait_s").to_numpy()
        self.talk = table.column("talk_s").to_numpy()
        self.hold = table.column("hold_s").to_numpy()
        self.acw = table.column("acw_s").to_numpy()
        self.abandoned = table.column("abandoned").to_numpy(zero_copy_only=False)
        self.transferred = table.column("transferred").to_numpy(zero_copy_only=False)


def _iso(ms: np.ndarray, unit: str, sep: str = "T", zone: str = "Z") -> list[str]:
    """Integer milliseconds since 1970 as ISO-8601 text to the ``unit`` (``s`` or ``ms``),
    truncated (never after the instant)."""
    text = np.datetime_as_string(ms.astype("datetime64[ms]").astype(f"datetime64[{unit}]"))
    out = [t + zone for t in text.tolist()]
    return [t.replace("T", sep) for t in out] if sep != "T" else out


def _phone(customer: str) -> str:
    """A caller's number from the synthetic customer id (``cust-42`` -> ``+15550000042``)."""
    digits = "".join(c for c in customer if c.isdigit())
    return "+1555" + digits.zfill(7)[-7:]


class ExportWriter:
    """Writes contacts as one vendor export (:data:`EXPORT_FILES`), chunk by chunk.

    Parameters
    ----------
    fmt : str
        One of :data:`EXPORT_FILES`.
    path : Path
        The file to write (replaced).
    """

    def __init__(self, fmt: str, path: Path) -> None:
        self.fmt, self.path = fmt, path
        self.fh: IO[str] = path.open("w", encoding="utf-8", newline="")
        self.count = 0
        # queue_log: (epoch s, contact, step of the call, line)
        self.pending: list[tuple[int, int, int, str]] = []
        if fmt == "genesys":
            self.fh.write('{"conversations":[\n')

    def write(self, table: Any) -> None:
        """Write the contacts of a chunk (the normalized interactions table, in arrival
        order)."""
        for off in range(0, table.num_rows, SLICE):
            s = _Slice(table.slice(off, SLICE))
            getattr(self, "_" + self.fmt.replace("-", "_"))(s)
            self.count += s.n

    def close(self) -> None:
        """Finish the file (the Genesys envelope's end, the queue_log lines still held)."""
        if self.fmt == "genesys":
            self.fh.write(f'\n],"totalHits":{self.count}}}\n')
        self._flush_queue_log(None)
        self.fh.close()

    # ------------------------------------------------------------------ Connect
    def _connect(self, s: _Slice) -> None:
        arr, ans, end = _iso(s.arrival, "s"), _iso(s.answer, "s"), _iso(s.end, "s")
        acw_end = _iso(s.end + np.round(s.acw).astype(np.int64) * 1000, "s")
        updated = _iso(s.end + np.round(s.acw).astype(np.int64) * 1000 + 60_000, "s")
        lines = []
        for i in range(s.n):
            answered = not s.abandoned[i]
            agent = None
            if answered:
                hold = round(float(s.hold[i]))
                agent = {
                    "ARN": f"{INSTANCE}/agent/{s.agent[i]}",
                    "AfterContactWorkDuration": round(float(s.acw[i])),
                    "AfterContactWorkEndTimestamp": acw_end[i],
                    "AfterContactWorkStartTimestamp": end[i],
                    "AgentInteractionDuration": round(float(s.talk[i])),
                    "ConnectedToAgentTimestamp": ans[i],
                    "CustomerHoldDuration": hold,
                    "LongestHoldDuration": hold,
                    "NumberOfHolds": 1 if hold else 0,
                    "Username": s.agent[i],
                }
            rec = {
                "AWSAccountId": ACCOUNT,
                "AWSContactTraceRecordFormatVersion": "2017-03-10",
                "Agent": agent,
                "AgentConnectionAttempts": 1 if answered else 0,
                "Attributes": {},
                "Channel": "VOICE",
                "ConnectedToSystemTimestamp": arr[i],
                "ContactId": s.ids[i],
                "CustomerEndpoint": {"Address": _phone(s.customer[i]), "Type": "TELEPHONE_NUMBER"},
                "DisconnectReason": "CUSTOMER_DISCONNECT",
                "DisconnectTimestamp": end[i],
                "InitialContactId": None,
                "InitiationMethod": "INBOUND",
                "InitiationTimestamp": arr[i],
                "InstanceARN": INSTANCE,
                "LastUpdateTimestamp": updated[i],
                "Queue": {
                    "ARN": f"{INSTANCE}/queue/{s.queue[i]}",
                    "DequeueTimestamp": ans[i] if answered else end[i],
                    "Duration": round(float(s.wait[i])),
                    "EnqueueTimestamp": arr[i],
                    "Name": s.queue[i],
                },
                "SystemEndpoint": {"Address": SYSTEM_NUMBER, "Type": "TELEPHONE_NUMBER"},
                "TransferredToEndpoint": (
                    {"Address": TRANSFER_NUMBER, "Type": "TELEPHONE_NUMBER"}
                    if answered and s.transferred[i]
                    else None
                ),
            }
            lines.append(json.dumps(rec, separators=(",", ":")))
        self.fh.write("\n".join(lines) + "\n")

    # ------------------------------------------------------------------ Genesys
    def _genesys(self, s: _Slice) -> None:
        talk_end = np.where(s.answer >= 0, s.answer + np.round(s.talk * 1000), -1).astype(np.int64)
        acw_end = s.end + np.round(s.acw * 1000).astype(np.int64)
        arr, ans, end = _iso(s.arrival, "ms"), _iso(s.answer, "ms"), _iso(s.end, "ms")
        tend, aend = _iso(talk_end, "ms"), _iso(acw_end, "ms")
        for i in range(s.n):
            cid = s.ids[i]
            answered = not s.abandoned[i]
            acd_seg = {
                "segmentStart": arr[i],
                "segmentEnd": ans[i] if answered else end[i],
                "queueId": f"queue-{s.queue[i]}",
                "disconnectType": "transfer" if answered else "peer",
                "segmentType": "interact",
            }
            parts: list[dict[str, Any]] = [
                _participant(
                    cid,
                    "c",
                    "Customer",
                    "customer",
                    {"ani": "tel:" + _phone(s.customer[i]), "dnis": "tel:" + SYSTEM_NUMBER},
                    [
                        {
                            "segmentStart": arr[i],
                            "segmentEnd": end[i],
                            "segmentType": "interact",
                            "disconnectType": "endpoint",
                        }
                    ],
                ),
                _participant(cid, "q", s.queue[i], "acd", {}, [acd_seg]),
            ]
            if answered:
                segs = [_segment(ans[i], tend[i], "interact")]
                if s.hold[i] > 0:
                    segs.append(_segment(tend[i], end[i], "hold"))
                segs[-1]["disconnectType"] = "peer"
                segs.append(
                    {
                        "segmentStart": end[i],
                        "segmentEnd": aend[i],
                        "segmentType": "wrapup",
                        "wrapUpCode": s.wrap[i] or "general",
                    }
                )
                agent = _participant(cid, "a", s.agent[i], "agent", {}, segs)
                agent["userId"] = f"user-{s.agent[i]}"
                parts.append(agent)
            conv = {
                "conversationId": cid,
                "conversationStart": arr[i],
                "conversationEnd": end[i],
                "originatingDirection": "inbound",
                "divisionIds": [DIVISION],
                "participants": parts,
            }
            sep = ",\n" if self.count + i else ""
            self.fh.write(sep + json.dumps(conv, separators=(",", ":")))

    # ------------------------------------------------------------------ Asterisk CDR
    def _asterisk_cdr(self, s: _Slice) -> None:
        start_s, end_s = s.arrival // 1000, s.end // 1000
        ans_s = np.where(s.answer >= 0, s.answer // 1000, -1)
        start, end = _iso(s.arrival, "s", " ", ""), _iso(s.end, "s", " ", "")
        ans = _iso(np.maximum(s.answer, 0), "s", " ", "")
        rows = []
        for i in range(s.n):
            answered = not s.abandoned[i]
            phone = _phone(s.customer[i])[1:]
            seq = self.count + i
            cells = [
                _q(""),
                _q(phone),
                _q(f"7{1 + QUEUE_ORDER.get(s.queue[i], 9)}00"),
                _q(s.queue[i]),
                _q(f'"Customer" <{phone}>'),
                _q(f"SIP/trunk-{seq:08x}"),
                _q(f"SIP/{s.agent[i]}" if answered else ""),
                _q("Queue"),
                _q(f"{s.queue[i]},t"),
                _q(start[i]),
                _q(ans[i]) if answered else "",
                _q(end[i]),
                str(int(end_s[i] - start_s[i])),
                str(int(end_s[i] - ans_s[i]) if answered else 0),
                _q("ANSWERED" if answered else "NO ANSWER"),
                _q("DOCUMENTATION"),
                _q(f"{int(start_s[i])}.{seq}"),
                _q(""),
            ]
            rows.append(",".join(cells))
        self.fh.write("\n".join(rows) + "\n")

    # ------------------------------------------------------------------ queue_log
    def _queue_log(self, s: _Slice) -> None:
        start_s = s.arrival // 1000
        ans_s = np.where(s.answer >= 0, s.answer // 1000, -1)
        end_s = s.end // 1000
        for i in range(s.n):
            seq = self.count + i
            t0 = int(start_s[i])
            cid, q = f"{t0}.{seq}", s.queue[i]
            phone = _phone(s.customer[i])[1:]
            self._line(t0, seq, 0, f"{cid}|{q}|NONE|ENTERQUEUE||{phone}|1")
            if s.abandoned[i]:
                t = int(end_s[i])
                self._line(t, seq, 1, f"{cid}|{q}|NONE|ABANDON|1|1|{t - t0}")
                continue
            ta, te, member = int(ans_s[i]), int(end_s[i]), f"SIP/{s.agent[i]}"
            self._line(ta, seq, 1, f"{cid}|{q}|{member}|CONNECT|{ta - t0}|{cid}-b|1")
            self._line(te, seq, 2, f"{cid}|{q}|{member}|COMPLETECALLER|{ta - t0}|{te - ta}|1")
        # later contacts arrive no earlier than this slice's last one
        self._flush_queue_log(int(start_s[-1]) if s.n else None)

    def _line(self, t: int, seq: int, step: int, rest: str) -> None:
        """Hold a queue_log line until no earlier one can come (same second: by contact,
        then by step of the call)."""
        heapq.heappush(self.pending, (t, seq, step, f"{t}|{rest}"))

    def _flush_queue_log(self, upto: int | None) -> None:
        out = []
        while self.pending and (upto is None or self.pending[0][0] <= upto):
            out.append(heapq.heappop(self.pending)[3])
        if out:
            self.fh.write("\n".join(out) + "\n")


QUEUE_ORDER = {"sales": 0, "service": 1, "billing": 2, "tech": 3}
"""A queue's extension digit in the CDR's ``dst`` (7100, 7200, ...)."""


def _q(text: str) -> str:
    """A cdr_csv text field: quoted, inner quotes doubled."""
    return '"' + text.replace('"', '""') + '"'


def _segment(start: str, end: str, kind: str) -> dict[str, Any]:
    """A Genesys segment from ``start`` to ``end`` of ``segmentType`` ``kind``."""
    return {"segmentStart": start, "segmentEnd": end, "segmentType": kind}


def _participant(
    cid: str, tag: str, name: str | None, purpose: str, extra: dict[str, str], segs: list[Any]
) -> dict[str, Any]:
    """A Genesys participant with one voice session of ``segs``."""
    session: dict[str, Any] = {
        "mediaType": "voice",
        "sessionId": f"{cid}-{tag}s",
        "direction": "inbound",
        **extra,
        "segments": segs,
    }
    return {
        "participantId": f"{cid}-{tag}",
        "participantName": name,
        "purpose": purpose,
        "sessions": [session],
    }
