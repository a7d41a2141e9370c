"""Genesys Cloud conversation details (analytics ``conversations/details/query``).

Accepts the response envelope ``{"conversations": [...]}``, a list, or one conversation
object. One conversation becomes one interaction:

interaction_id = conversationId; direction = originatingDirection; channel = the first
session's mediaType (``callback`` is voice with direction callback); queue = the acd
participant's name (or its segments' queueId); agent = the agent participant's name (or
userId); customer_id = the caller's number (``ani``) of the customer participant's first
session, else of the acd participant's (as written, e.g. ``tel:+81399999998``);
arrival_ts = conversationStart; answer_ts = start of the agent's first ``interact``
segment; end_ts = conversationEnd, else the last segment end; queue_wait_s = the acd
participant's interact segments; talk_s = the agent's interact segments; hold_s = hold
segments; acw_s = wrapup segments; wrap_code = the wrapup segment's wrapUpCode; abandoned =
it reached an acd queue and no agent interacted; outcome = ``queued`` when an acd or agent
participant took part, else ``self_service`` (an IVR or bot flow only: the participant
``purpose`` values of the Genesys Cloud analytics conversation detail model). A segment
timestamp that is not ISO-8601 (the published sample has ``2021-04-2T...``) quarantines the
conversation with that reason.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any

from ccecon.data.adapters.connect import NESTED, too_deep
from ccecon.data.adapters.jsonstream import WHITE, JsonStream, chunks_of
from ccecon.data.schema import MAX_JSON_DEPTH
from ccecon.errors import short_repr

SHAPE = "participants, sessions and segments are not lists of objects as Genesys writes them"


def _ts(text: Any) -> dt.datetime:
    if not isinstance(text, str):
        raise ValueError(f"not a timestamp text: {short_repr(text)}")
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _seconds(segments: list[dict[str, Any]], kind: str) -> tuple[float, dt.datetime | None]:
    total = 0.0
    first: dt.datetime | None = None
    for seg in segments:
        if seg.get("segmentType") != kind or "segmentEnd" not in seg:
            continue
        a, b = _ts(seg["segmentStart"]), _ts(seg["segmentEnd"])
        total += (b - a).total_seconds()
        first = a if first is None or a < first else first
    return total, first


def _members(js: JsonStream) -> Iterator[tuple[Any, str | None, str]]:
    """The conversations of a top-level object: a response envelope's ``conversations``
    streamed item by item, else the object itself as one conversation."""
    js.i += 1  # the "{"
    members: dict[str, Any] = {}
    streamed = False
    while True:
        c = js.skip(WHITE + ",")
        if c == "}":
            js.i += 1
            break
        if c != '"':
            raise json.JSONDecodeError("Expecting property name", js.buf, js.i)
        key, _ = js.value()
        js.expect(":", "':' delimiter")
        if key == "conversations" and js.skip() == "[":
            streamed = True
            yield from _items(js)
        else:
            members[key], _ = js.value()
    if streamed:
        return
    if "conversations" in members:
        convs = members["conversations"]
        if convs is not None:
            why = "conversations is not a list of conversations"
            yield None, why, short_repr(members, 2000)
        return
    yield members, None, ""


def _items(js: JsonStream) -> Iterator[tuple[Any, str | None, str]]:
    """The items of the array at the cursor, one at a time."""
    js.i += 1  # the "["
    while True:
        c = js.skip(WHITE + ",")
        if c == "]":
            js.i += 1
            return
        if not c:
            raise json.JSONDecodeError("Expecting ']'", js.buf, js.i)
        value, _ = js.value()
        yield value, None, ""


def _conversations(text: str | Iterable[str]) -> Iterator[tuple[Any, str | None, str]]:
    """(conversation, error, raw) from conversation-details JSON in chunks: a response
    envelope ``{"conversations": [...]}``, a list, one conversation, or any of these one
    after the other (JSON lines). A part that does not parse is one error; reading resumes
    at the next line."""
    js = JsonStream(chunks_of(text))
    while True:
        c = js.skip(WHITE + ",")
        if not c:
            return
        try:
            if c == "{":
                yield from _members(js)
            elif c == "[":
                yield from _items(js)
            else:
                value, _ = js.value()
                yield value, None, ""
        except json.JSONDecodeError as exc:
            yield None, f"not valid JSON: {exc.msg}", js.rest_of_line().strip()[:2000]
        except RecursionError:
            yield None, NESTED, js.rest_of_line().strip()[:2000]


def parse(
    text: str | Iterable[str],
) -> Iterator[tuple[int, dict[str, Any] | None, str | None, str]]:
    """Records of the interactions schema from conversation-details JSON, whole or in
    chunks; a conversation at a time."""
    for k, (conv, err, raw) in enumerate(_conversations(text), start=1):
        if err is not None:
            yield k, None, err, raw
            continue
        if too_deep(conv, MAX_JSON_DEPTH - 1):
            yield k, None, NESTED, short_repr(conv, 2000)
            continue
        rec, why, raw = _record(conv)
        yield k, rec, why, raw


def _record(conv: Any) -> tuple[dict[str, Any] | None, str | None, str]:
    """One conversation as a record of the interactions schema, or the reason it is not."""
    raw = json.dumps(conv, ensure_ascii=False)[:2000]
    if not isinstance(conv, dict) or "conversationId" not in conv:
        return None, "not a conversation (no conversationId)", raw
    try:
        parts = conv.get("participants") or []
        acd = [p for p in parts if p.get("purpose") == "acd"]
        agents = [p for p in parts if p.get("purpose") == "agent"]
        segs = {
            id(p): [s for sess in p.get("sessions") or [] for s in sess.get("segments") or []]
            for p in parts
        }
        media = next(
            (sess.get("mediaType") for p in parts for sess in p.get("sessions") or []), None
        )
        wait = sum(_seconds(segs[id(p)], "interact")[0] for p in acd)
        talk, answered = 0.0, None
        hold = acw = 0.0
        wrap = None
        for p in agents:
            t, first = _seconds(segs[id(p)], "interact")
            talk += t
            if first is not None and (answered is None or first < answered):
                answered = first
            hold += _seconds(segs[id(p)], "hold")[0]
            acw += _seconds(segs[id(p)], "wrapup")[0]
            for s in segs[id(p)]:
                if s.get("segmentType") == "wrapup" and s.get("wrapUpCode"):
                    wrap = s["wrapUpCode"]
        ends = [_ts(s["segmentEnd"]) for p in parts for s in segs[id(p)] if "segmentEnd" in s]
        end = conv.get("conversationEnd") or (max(ends).isoformat() if ends else None)
        queue = acd[0].get("participantName") if acd else None
        customer = next(
            (
                sess.get("ani")
                for purpose in ("customer", "acd")
                for p in parts
                if p.get("purpose") == purpose
                for sess in p.get("sessions") or []
                if sess.get("ani")
            ),
            None,
        )
        if acd and not queue:
            queue = next((s.get("queueId") for s in segs[id(acd[0])] if s.get("queueId")), None)
    except (ValueError, KeyError, TypeError) as exc:
        return None, f"segment timestamp is not ISO-8601: {short_repr(str(exc))}", raw
    except AttributeError:
        return None, SHAPE, raw
    direction = conv.get("originatingDirection") or "other"
    channel = media
    if media == "callback":
        channel, direction = "voice", "callback"
    elif media == "call":
        channel = "voice"
    return (
        {
            "interaction_id": conv["conversationId"],
            "initial_id": None,
            "channel": channel,
            "direction": direction if direction in ("inbound", "outbound", "callback") else "other",
            "queue": queue,
            "agent": (agents[0].get("participantName") or agents[0].get("userId"))
            if agents
            else None,
            "customer_id": customer,
            "arrival_ts": conv.get("conversationStart"),
            "answer_ts": answered.isoformat() if answered else None,
            "end_ts": end,
            "queue_wait_s": wait,
            "talk_s": talk,
            "hold_s": hold,
            "acw_s": acw,
            "disposition": None,
            "abandoned": bool(acd) and answered is None,
            "outcome": "queued" if acd or agents else "self_service",
            "transferred": len(agents) > 1,
            "wrap_code": wrap,
            "sale": None,
            "revenue": None,
        },
        None,
        raw,
    )
