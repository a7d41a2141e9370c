"""Amazon Connect contact trace records (CTR), as Kinesis/Firehose deliver them.

Accepts JSON lines, a JSON array, or objects written back to back with no delimiter (a
Firehose delivery stream without a newline delimiter). Field names follow the CTR data
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
from collections.abc import Iterator
from typing import Any

DIRECTION = {
    "INBOUND": "inbound",
    "OUTBOUND": "outbound",
    "TRANSFER": "transfer",
    "CALLBACK": "callback",
    "API": "api",
    "QUEUE_TRANSFER": "transfer",
}


def _objects(text: str) -> Iterator[tuple[int, Any, str | None, str]]:
    """Every top-level JSON value: (number, value, error, raw). Arrays are flattened."""
    dec = json.JSONDecoder()
    i, n, k = 0, len(text), 0
    while i < n:
        while i < n and text[i] in " \t\r\n,":
            i += 1
        if i >= n:
            break
        try:
            value, end = dec.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            nl = text.find("\n", i)
            end = n if nl < 0 else nl + 1
            k += 1
            yield k, None, f"not valid JSON: {exc.msg}", text[i:end].strip()[:2000]
            i = end
            continue
        raw = text[i:end]
        i = end
        if isinstance(value, list):
            for item in value:
                k += 1
                yield k, item, None, json.dumps(item, ensure_ascii=False)[:2000]
        else:
            k += 1
            yield k, value, None, raw[:2000]


def parse(text: str) -> Iterator[tuple[int, dict[str, Any] | None, str | None, str]]:
    """Records of the interactions schema from CTR text (see the module docstring)."""
    for k, obj, err, raw in _objects(text):
        if err is not None:
            yield k, None, err, raw
            continue
        if not isinstance(obj, dict) or "ContactId" not in obj:
            yield k, None, "not a contact trace record (no ContactId)", raw
            continue
        agent = obj.get("Agent") or {}
        queue = obj.get("Queue") or {}
        queued = bool(queue)
        rec = {
            "interaction_id": obj.get("ContactId"),
            "initial_id": obj.get("InitialContactId"),
            "channel": str(obj.get("Channel") or "").lower() or None,
            "direction": DIRECTION.get(str(obj.get("InitiationMethod") or "").upper(), "other"),
            "queue": queue.get("Name"),
            "agent": agent.get("Username"),
            "customer_id": str((obj.get("CustomerEndpoint") or {}).get("Address") or "").strip()
            or None,
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
            "_version": obj.get("LastUpdateTimestamp") or "",
        }
        yield k, rec, None, raw
