"""Amazon Connect contact trace records (CTR), as Kinesis/Firehose deliver them.

Accepts JSON lines, a JSON array, or objects written back to back with no delimiter (a
Firehose delivery stream without a newline delimiter), read a record at a time (an array
item by item), never the whole file. Field names follow the CTR data
model of the Amazon Connect admin guide. CTRs are delivered at least once and updated:
versions of one ``ContactId`` are told apart by ``LastUpdateTimestamp``; the latest is
loaded and the others are quarantined as "superseded" (kept, never silently dropped).

Mapping: interaction_id = ContactId; initial_id = InitialContactId; channel = Channel
(lower case); direction = InitiationMethod; queue = Queue.Name; agent = Agent.Username;
customer_id = CustomerEndpoint.Address (blanks stripped: the published record has " 1918...");
arrival_ts = Queue.EnqueueTimestamp, else InitiationTimestamp; answer_ts =
Agent.ConnectedToAgentTimestamp; end_ts = DisconnectTimestamp; queue_wait_s =
Queue.Duration; talk_s = Agent.AgentInteractionDuration (Connect counts hold separately);
hold_s = Agent.CustomerHoldDuration; acw_s = Agent.AfterContactWorkDuration; disposition =
DisconnectReason; abandoned = queued and never connected to an agent; transferred =
TransferredToEndpoint present. A contact that never queued (``Queue`` null: IVR, bot or
survey only) is self-service (outcome ``self_service``): not offered to any queue, not
abandoned (the admin guide's contact record data model: ``Queue`` is "information about the
queue" only "if this contact was queued").
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from ccecon.data.adapters.jsonstream import WHITE, JsonStream, chunks_of
from ccecon.data.schema import MAX_JSON_DEPTH
from ccecon.errors import short_repr

DIRECTION = {
    "INBOUND": "inbound",
    "OUTBOUND": "outbound",
    "TRANSFER": "transfer",
    "CALLBACK": "callback",
    "API": "api",
    "QUEUE_TRANSFER": "transfer",
}


def too_deep(value: Any, limit: int) -> bool:
    """True when ``value`` nests lists and objects more than ``limit`` deep (iterative: no
    recursion however deep it is)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, dict):
            items: Any = v.values()
        elif isinstance(v, list):
            items = v
        else:
            continue
        if d > limit:
            return True
        stack.extend((x, d + 1) for x in items if isinstance(x, (dict, list)))
    return False


def first_object(text: str) -> Any:
    """The first JSON value of ``text`` (the first item of an array), or None when it does
    not parse (cut off, not JSON, nested too deep)."""
    dec = json.JSONDecoder()
    i = len(text) - len(text.lstrip())
    if text[i : i + 1] == "[":
        i += 1
        while text[i : i + 1] in (" ", "\t", "\r", "\n"):
            i += 1
    try:
        return dec.raw_decode(text, i)[0]
    except (json.JSONDecodeError, RecursionError):
        return None


NESTED = f"nested more than {MAX_JSON_DEPTH} levels deep; no contact record is"


def _dump(item: Any) -> str:
    return json.dumps(item, ensure_ascii=False)[:2000]


def _objects(text: str | Iterable[str]) -> Iterator[tuple[int, Any, str | None, str]]:
    """Every top-level JSON value: (number, value, error, raw), read a value at a time
    from text in chunks (:class:`~ccecon.data.adapters.jsonstream.JsonStream`). The items
    of a top-level array are values of their own (an array file streams item by item);
    a value that does not parse is one error, and reading resumes at the next line."""
    js = JsonStream(chunks_of(text))
    k, depth = 0, 0  # depth 1: inside a top-level array
    while True:
        c = js.skip(WHITE + ",")
        if not c:
            break
        if depth == 0 and c == "[":
            js.i += 1
            depth = 1
            continue
        if depth == 1 and c == "]":
            js.i += 1
            depth = 0
            continue
        k += 1
        try:
            value, raw = js.value()
        except (json.JSONDecodeError, RecursionError) as exc:
            why = f"not valid JSON: {exc.msg}" if isinstance(exc, json.JSONDecodeError) else NESTED
            yield k, None, why, js.rest_of_line().strip()[:2000]
            continue
        if too_deep(value, MAX_JSON_DEPTH - depth):
            yield k, None, NESTED, raw[:2000]
        else:
            yield k, value, None, _dump(value) if depth else raw[:2000]


def _text(value: Any) -> Any:
    """A text field as written, blanks stripped (None for empty); any other type passes
    through so that validation refuses it with its type."""
    if isinstance(value, str):
        return value.strip() or None
    return value


def parse(
    text: str | Iterable[str],
) -> Iterator[tuple[int, dict[str, Any] | None, str | None, str]]:
    """Records of the interactions schema from CTR text, whole or in chunks (see the
    module docstring); a record at a time."""
    for k, obj, err, raw in _objects(text):
        if err is not None:
            yield k, None, err, raw
            continue
        if not isinstance(obj, dict) or "ContactId" not in obj:
            yield k, None, "not a contact trace record (no ContactId)", raw
            continue
        parts = {}
        for key in ("Agent", "Queue", "CustomerEndpoint"):
            part = obj.get(key)
            if part is not None and not isinstance(part, dict):
                break
            parts[key] = part or {}
        else:
            agent, queue = parts["Agent"], parts["Queue"]
            queued = bool(queue)
            channel = obj.get("Channel")
            rec = {
                "interaction_id": obj.get("ContactId"),
                "initial_id": obj.get("InitialContactId"),
                "channel": channel.lower() if isinstance(channel, str) else channel,
                "direction": DIRECTION.get(str(obj.get("InitiationMethod") or "").upper(), "other"),
                "queue": queue.get("Name"),
                "agent": agent.get("Username"),
                "customer_id": _text(parts["CustomerEndpoint"].get("Address")),
                "arrival_ts": queue.get("EnqueueTimestamp") or obj.get("InitiationTimestamp"),
                "answer_ts": agent.get("ConnectedToAgentTimestamp"),
                "end_ts": obj.get("DisconnectTimestamp"),
                "queue_wait_s": queue.get("Duration"),
                "talk_s": agent.get("AgentInteractionDuration"),
                "hold_s": agent.get("CustomerHoldDuration"),
                "acw_s": agent.get("AfterContactWorkDuration"),
                "disposition": obj.get("DisconnectReason"),
                "abandoned": queued and not agent.get("ConnectedToAgentTimestamp"),
                "outcome": "queued" if queued else "self_service",
                "transferred": obj.get("TransferredToEndpoint") is not None,
                "wrap_code": None,
                "sale": None,
                "revenue": None,
                "_version": str(obj.get("LastUpdateTimestamp") or ""),
            }
            yield k, rec, None, raw
            continue
        yield k, None, f"{key} is not an object: {short_repr(obj.get(key))}", raw
