"""Asterisk ``queue_log``: queue and agent events, one per line, to contacts and agent states.

File format (Asterisk documentation, "Queue Logs")::

    epoch|callid|queuename|agent|event|data1|data2|...

``epoch`` is Unix seconds (a datetime text such as ``2012-07-04 07:33:23.085718``, as the
realtime ``queue_log`` table stores it, is accepted too and read as UTC); ``callid`` is the
caller channel's uniqueid (``NONE`` for agent events); ``agent`` is the member as written
(``SIP/8007``, ``Agent/3001``; ``NONE`` when no agent). Lines are sorted by time (stable),
so a log written newest first reads the same.

**Contacts.** The events of one ``callid`` make one contact per queue visit (a visit starts
at ``ENTERQUEUE``; a call that overflows to a second queue is a second contact, id
``callid#2``, ``initial_id`` = callid). The visit's end event carries the durations:

=================== ================================================ =====================
event               data                                             contact
=================== ================================================ =====================
COMPLETECALLER/     holdtime, calltime, origposition                 answered; wait =
COMPLETEAGENT                                                        holdtime, talk =
                                                                     calltime
TRANSFER,           extension, context, holdtime, calltime, ...      answered, transferred
BLINDTRANSFER
ATTENDEDTRANSFER    method, data, holdtime, calltime, origposition   answered, transferred
ABANDON             position, origposition, waittime                 abandoned
EXITWITHTIMEOUT     position, origposition, waittime                 abandoned (timeout)
EXITWITHKEY         key, position, origposition, waittime            abandoned (key)
EXITEMPTY           position, origposition, waittime                 abandoned (no agents)
JOINEMPTY, FULL,    (none)                                           blocked: never got
CLOSED, JOINUNAVAIL                                                  into the queue (not
                                                                     offered, answered or
                                                                     abandoned)
=================== ================================================ =====================

arrival_ts = the ENTERQUEUE time (else end - talk - wait: the end event alone is enough,
so a log that starts mid-call still yields the contact); answer_ts = the CONNECT time (else
end - calltime); end_ts = the end event's time; customer_id = ENTERQUEUE data2 (the caller
id); queue, agent as written; channel voice, direction inbound; hold and ACW are not in
the queue_log (0). ``disposition`` is the end event's name. CONNECT (holdtime,
bridged uniqueid, ringtime), RINGNOANSWER, RINGCANCELED, AGENTDUMP, SYSCOMPAT, DID and INFO
belong to the visit. A visit with no end event (still queued or talking when the log ends,
such as the one-line documentation example) is quarantined, every line with the reason.

**Agent states.** Member events (ADDMEMBER/REMOVEMEMBER per queue, AGENTLOGIN/AGENTLOGOFF,
AGENTCALLBACKLOGIN/AGENTCALLBACKLOGOFF for all queues, PAUSE/UNPAUSE per queue with the
reason in data1, PAUSEALL/UNPAUSEALL) and the agent's answered contacts give, while the
agent is logged in (member of a queue, or logged in as an agent): ``on_contact`` from
answer to end of a contact, else ``not_ready`` (reason = the pause reason) when paused in
every queue it is a member of (or PAUSEALL), else ``available``. A stretch still open when
the log ends is closed at the log's last time. Asterisk does not log wrap-up time, so
there is no ``acw`` state from this source; static members (configured in queues.conf)
log no login event, so they have contacts but no agent states.

QUEUESTART and CONFIGRELOAD (system events), unknown events, lines with fewer than five
fields or a time that is not a time, and member events without an agent are quarantined
with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

END_EVENTS: dict[str, tuple[int | None, int | None]] = {
    # event: (index of the wait field, index of the talk field) in data1..dataN (0-based)
    "COMPLETECALLER": (0, 1),
    "COMPLETEAGENT": (0, 1),
    "TRANSFER": (2, 3),
    "BLINDTRANSFER": (2, 3),
    "ATTENDEDTRANSFER": (2, 3),
    "ABANDON": (2, None),
    "EXITWITHTIMEOUT": (2, None),
    "EXITWITHKEY": (3, None),
    "EXITEMPTY": (2, None),
}
ABANDONS = frozenset({"ABANDON", "EXITWITHTIMEOUT", "EXITWITHKEY", "EXITEMPTY"})
TRANSFERS = frozenset({"TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"})
BLOCKED = frozenset({"JOINEMPTY", "FULL", "CLOSED", "JOINUNAVAIL"})
CALL_EVENTS = frozenset(
    {"ENTERQUEUE", "CONNECT", "RINGNOANSWER", "RINGCANCELED", "AGENTDUMP", "SYSCOMPAT"}
    | {"DID", "INFO"}
)
MEMBER_EVENTS = frozenset(
    {"ADDMEMBER", "REMOVEMEMBER", "PAUSE", "UNPAUSE", "PAUSEALL", "UNPAUSEALL"}
    | {"AGENTLOGIN", "AGENTLOGOFF", "AGENTCALLBACKLOGIN", "AGENTCALLBACKLOGOFF"}
)
SYSTEM_EVENTS = frozenset({"QUEUESTART", "CONFIGRELOAD"})
_NONE = ("", "NONE")


@dataclass(frozen=True)
class Line:
    """One parsed queue_log line (``t`` in UTC, naive)."""

    no: int
    t: dt.datetime
    callid: str
    queue: str
    agent: str
    event: str
    data: tuple[str, ...]
    raw: str


@dataclass
class QueueLog:
    """A parsed file: contacts with their lines, member lines per agent, rejected lines.

    ``read`` lines = lines of ``contacts`` + lines of ``member_lines`` + ``rejected``
    (+ the lines of ``unfinished``, which are rejected as a group with one reason).
    """

    read: int = 0
    contacts: list[tuple[dict[str, Any], list[Line]]] = field(default_factory=list)
    member_lines: dict[str, list[Line]] = field(default_factory=dict)
    rejected: list[tuple[int, str, str]] = field(default_factory=list)
    horizon: dt.datetime | None = None


def _time(text: str) -> dt.datetime:
    text = text.strip()
    try:
        return dt.datetime.fromtimestamp(float(text), dt.UTC).replace(tzinfo=None)
    except (ValueError, OverflowError, OSError):
        pass
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed


UNFINISHED = "queue visit with no end event (still queued or talking when the log ends?)"


def parse_line(no: int, raw: str) -> Line | tuple[int, str, str]:
    """Line ``no`` (1-based) as a :class:`Line`, or ``(no, reason, raw)`` when rejected."""
    parts = [p.strip() for p in raw.split("|")]
    if len(parts) < 5:
        return (
            no,
            f"expected time|callid|queue|agent|event|data..., found {len(parts)} fields",
            raw,
        )
    try:
        t = _time(parts[0])
    except ValueError:
        return (no, f"time is not epoch seconds or a datetime: {parts[0]!r}", raw)
    return Line(no, t, parts[1], parts[2], parts[3], parts[4].upper(), tuple(parts[5:]), raw)


def kind(ln: Line) -> str | tuple[int, str, str]:
    """``"member"`` (an agent's line), ``"call"`` (a queue visit's line), or a rejection
    ``(no, reason, raw)``."""
    if ln.event in MEMBER_EVENTS:
        if ln.agent in _NONE:
            return (ln.no, f"{ln.event} without an agent", ln.raw)
        return "member"
    if ln.event in CALL_EVENTS or ln.event in END_EVENTS or ln.event in BLOCKED:
        if ln.callid in _NONE:
            return (ln.no, f"{ln.event} without a callid", ln.raw)
        return "call"
    if ln.event in SYSTEM_EVENTS:
        return (ln.no, f"system event {ln.event}: no contact or agent state in it", ln.raw)
    return (ln.no, f"unknown queue_log event {ln.event!r}", ln.raw)


class Visits:
    """Queue visits built from call lines fed in time order, each given back when it ends.

    Holds only the visits still open (and, per callid, the number of visits so far, for
    ``callid#2``; forgotten by :meth:`forget` once a callid has been quiet for a day), so a
    log of any length streams through.
    """

    def __init__(self) -> None:
        self.open: dict[str, list[Line]] = {}
        self.legs: dict[str, tuple[int, dt.datetime]] = {}

    def add(self, ln: Line) -> list[tuple[dict[str, Any] | None, list[Line], str | None]]:
        """Feed one call line; returns the visits it ends: ``(contact, lines, None)`` or
        ``(None, lines, reason)`` for a visit that is rejected."""
        out: list[tuple[dict[str, Any] | None, list[Line], str | None]] = []
        cur = self.open.pop(ln.callid, [])
        if ln.event == "ENTERQUEUE" and any(x.event == "ENTERQUEUE" for x in cur):
            out.append((None, cur, UNFINISHED))
            cur = []
        cur.append(ln)
        if ln.event in END_EVENTS or ln.event in BLOCKED:
            leg = self.legs.get(ln.callid, (0, ln.t))[0] + 1
            self.legs[ln.callid] = (leg, ln.t)
            try:
                out.append((_contact(ln.callid, leg, cur), cur, None))
            except ValueError as exc:
                out.append((None, cur, str(exc)))
        else:
            self.open[ln.callid] = cur
        return out

    def forget(self, now: dt.datetime) -> None:
        """Drop the visit counts of callids without an open visit, last ended a day
        before ``now`` (Asterisk uniqueids do not come back)."""
        cutoff = now - dt.timedelta(days=1)
        for callid in [c for c, (_, t) in self.legs.items() if t < cutoff]:
            if callid not in self.open:
                del self.legs[callid]

    def finish(self) -> list[list[Line]]:
        """The visits still open when the log ends (rejected as unfinished)."""
        rest = list(self.open.values())
        self.open = {}
        return rest


def _lines(text: str, out: QueueLog) -> list[Line]:
    good: list[Line] = []
    for no, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        out.read += 1
        parsed = parse_line(no, raw)
        if isinstance(parsed, Line):
            good.append(parsed)
        else:
            out.rejected.append(parsed)
    good.sort(key=lambda ln: (ln.t, ln.no))
    if good:
        out.horizon = good[-1].t
    return good


def _number(line: Line, index: int) -> float:
    value = line.data[index] if index < len(line.data) else ""
    try:
        x = float(value)
    except ValueError:
        raise ValueError(
            f"{line.event} data{index + 1} is not a number of seconds: {value!r}"
        ) from None
    if x < 0:
        raise ValueError(f"{line.event} data{index + 1} is negative: {value!r}")
    return x


def _contact(callid: str, leg: int, lines: list[Line]) -> dict[str, Any]:
    """The contact of one queue visit; raises ValueError with the reason."""
    end = lines[-1]
    ev = end.event
    enter = next((ln for ln in lines if ln.event == "ENTERQUEUE"), None)
    connect = next((ln for ln in lines if ln.event == "CONNECT"), None)
    if ev in BLOCKED:
        wait = talk = 0.0
        arrival = answer_or_none = None
    else:
        w_i, t_i = END_EVENTS[ev]
        assert w_i is not None
        wait = _number(end, w_i)
        talk = _number(end, t_i) if t_i is not None else 0.0
        arrival = None
        answer_or_none = None
    end_t = end.t
    answered = ev not in BLOCKED and ev not in ABANDONS
    if answered:
        derived = end_t - dt.timedelta(seconds=talk)
        answer_or_none = connect.t if connect is not None else derived
        arrival = enter.t if enter is not None else answer_or_none - dt.timedelta(seconds=wait)
        answer_or_none = min(max(answer_or_none, arrival), end_t)
    elif ev in ABANDONS:
        arrival = enter.t if enter is not None else end_t - dt.timedelta(seconds=wait)
    else:
        arrival = end_t
    agent_line = end if end.agent not in _NONE else connect
    agent = agent_line.agent if agent_line is not None and agent_line.agent not in _NONE else None
    queue = enter.queue if enter is not None else end.queue
    caller = enter.data[1] if enter is not None and len(enter.data) > 1 else ""
    return {
        "interaction_id": callid if leg == 1 else f"{callid}#{leg}",
        "initial_id": callid,
        "channel": "voice",
        "direction": "inbound",
        "queue": None if queue in _NONE else queue,
        "agent": agent if answered else None,
        "customer_id": caller or None,
        "arrival_ts": arrival,
        "answer_ts": answer_or_none if answered else None,
        "end_ts": end_t,
        "queue_wait_s": wait,
        "talk_s": talk,
        "hold_s": 0.0,
        "acw_s": 0.0,
        "disposition": ev,
        "abandoned": ev in ABANDONS,
        "outcome": "blocked" if ev in BLOCKED else "queued",
        "transferred": ev in TRANSFERS,
        "wrap_code": None,
        "sale": None,
        "revenue": None,
    }


def parse(text: str) -> QueueLog:
    """Parse queue_log text held in memory (see the module docstring; ingest streams the
    file instead, with the same rules: :func:`parse_line`, :func:`kind`, :class:`Visits`)."""
    out = QueueLog()
    visits = Visits()
    for ln in _lines(text, out):
        k = kind(ln)
        if k == "member":
            out.member_lines.setdefault(ln.agent, []).append(ln)
        elif k == "call":
            for rec, lines, why in visits.add(ln):
                if rec is not None:
                    out.contacts.append((rec, lines))
                else:
                    out.rejected += [(x.no, str(why), x.raw) for x in lines]
        else:
            assert not isinstance(k, str)
            out.rejected.append(k)
    for lines in visits.finish():
        _unfinished(out, lines)
    return out


def _unfinished(out: QueueLog, lines: list[Line]) -> None:
    for x in lines:
        out.rejected.append((x.no, UNFINISHED, x.raw))


def agent_states(
    member_lines: list[Line],
    calls: Iterable[tuple[dt.datetime, dt.datetime, int]],
    horizon: dt.datetime,
) -> list[tuple[str, str | None, dt.datetime, dt.datetime, int]]:
    """One agent's stretches ``(state, reason, start, end, source line)`` while logged in.

    ``calls`` are the agent's answered contacts ``(answer, end, line)``. Consecutive
    stretches of one state and reason are merged; stretches of zero length are left out.
    """
    # (time, order, kind, payload): at one instant ends apply before starts
    points: list[tuple[dt.datetime, int, int, str, Any]] = []
    for ln in member_lines:
        points.append((ln.t, 1, ln.no, "member", ln))
    for a, b, no in calls:
        if b > a:
            points.append((a, 2, no, "call+", None))
            points.append((b, 0, no, "call-", None))
    points.sort(key=lambda p: (p[0], p[1], p[2]))
    logged_in_all = False
    queues: set[str] = set()
    paused: set[str] = set()
    paused_all = False
    reason: str | None = None
    on_call = 0
    out: list[tuple[str, str | None, dt.datetime, dt.datetime, int]] = []
    open_: tuple[str, str | None, dt.datetime, int] | None = None

    def state() -> tuple[str, str | None] | None:
        if not (logged_in_all or queues):
            return None
        if on_call > 0:
            return "on_contact", None
        if paused_all or (paused and paused >= queues):
            return "not_ready", reason
        return "available", None

    i = 0
    while i < len(points):
        t = points[i][0]
        first_no = points[i][2]
        while i < len(points) and points[i][0] == t:
            _, _, no, kind, ln = points[i]
            i += 1
            if kind == "call+":
                on_call += 1
            elif kind == "call-":
                on_call = max(0, on_call - 1)
            else:
                ev, q = ln.event, ln.queue
                reason_text = ln.data[0] if ln.data and ln.data[0] else None
                if ev in ("AGENTLOGIN", "AGENTCALLBACKLOGIN"):
                    logged_in_all = True
                elif ev in ("AGENTLOGOFF", "AGENTCALLBACKLOGOFF"):
                    logged_in_all, queues, paused, paused_all = False, set(), set(), False
                elif ev == "ADDMEMBER":
                    queues.add(q)
                elif ev == "REMOVEMEMBER":
                    queues.discard(q)
                    paused.discard(q)
                elif ev == "PAUSE" and q not in _NONE and q != "ALL":
                    paused.add(q)
                    reason = reason_text
                elif ev in ("PAUSE", "PAUSEALL"):
                    paused_all, reason = True, reason_text
                elif ev == "UNPAUSE" and q not in _NONE and q != "ALL":
                    paused.discard(q)
                else:  # UNPAUSE NONE/ALL, UNPAUSEALL
                    paused_all, paused = False, set()
        now = state()
        if open_ is not None and (now is None or now != open_[:2]):
            if t > open_[2]:
                out.append((open_[0], open_[1], open_[2], t, open_[3]))
            open_ = None
        if now is not None and open_ is None:
            open_ = (now[0], now[1], t, first_no)
    if open_ is not None and horizon > open_[2]:
        out.append((open_[0], open_[1], open_[2], horizon, open_[3]))
    return out
