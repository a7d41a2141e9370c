"""Normalized tables of the actuals store (a DuckDB file), documented field by field.

``interactions`` (one row per contact; times in UTC, durations in seconds):

| column | type | meaning |
|---|---|---|
| interaction_id | VARCHAR | the source system's id (Connect ContactId, Asterisk uniqueid) |
| initial_id | VARCHAR | first contact of a transfer chain (Connect InitialContactId) |
| channel | VARCHAR | voice, chat, email, task, messaging |
| direction | VARCHAR | inbound, outbound, transfer, callback, api, other |
| queue | VARCHAR | queue (or dial context) name |
| agent | VARCHAR | agent login (or destination channel) |
| customer_id | VARCHAR | caller key (ANI, caller id, customer endpoint); NULL if unknown |
| arrival_ts | TIMESTAMP | when the contact arrived (queued or initiated) |
| answer_ts | TIMESTAMP | when an agent answered; NULL if never answered |
| end_ts | TIMESTAMP | when the contact ended |
| queue_wait_s | DOUBLE | time waiting in queue |
| talk_s | DOUBLE | time talking with the agent (holds excluded where the source says) |
| hold_s | DOUBLE | customer hold time |
| acw_s | DOUBLE | after-contact work |
| disposition | VARCHAR | source outcome (ANSWERED, NO ANSWER, CUSTOMER_DISCONNECT, ...) |
| abandoned | BOOLEAN | queued or rang and was never answered |
| transferred | BOOLEAN | transferred to another endpoint |
| wrap_code | VARCHAR | wrap-up code |
| sale | BOOLEAN | the contact ended in a sale |
| revenue | DOUBLE | revenue of the sale |
| source_file | VARCHAR | file the row came from |
| source_row | BIGINT | 1-based record number in that file |

``agent_states`` (one row per stretch of time an agent spent in one state while logged in;
rows never cross a quarter-hour boundary (a longer stretch is split at ingest), so grouping
by 15-minute interval, hour, day, week, month or fiscal period is exact):

| column | type | meaning |
|---|---|---|
| agent | VARCHAR | agent login (as the contacts name it, so the two tables join) |
| state | VARCHAR | available, on_contact, acw (after-contact work), not_ready |
| reason | VARCHAR | not-ready (pause) reason code; NULL for the other states |
| start_ts | TIMESTAMP | start of the stretch, UTC |
| end_ts | TIMESTAMP | end of the stretch (exclusive), UTC |
| duration_s | DOUBLE | end_ts - start_ts, seconds |
| source_file | VARCHAR | file the row came from |
| source_row | BIGINT | 1-based record (line) in that file that began the stretch |

Logged-in time is the sum of the four states; occupancy = (on_contact + acw) / (on_contact +
acw + available), utilization = (on_contact + acw) / logged-in time.

``quarantine``: rows that failed validation, never dropped: source_file, source_row,
reason, raw (the source record as text). ``ingested_files``: sha256, name, rows read,
loaded, quarantined (makes ingest idempotent).
"""

from __future__ import annotations

INTERACTION_COLUMNS: dict[str, str] = {
    "interaction_id": "VARCHAR",
    "initial_id": "VARCHAR",
    "channel": "VARCHAR",
    "direction": "VARCHAR",
    "queue": "VARCHAR",
    "agent": "VARCHAR",
    "customer_id": "VARCHAR",
    "arrival_ts": "TIMESTAMP",
    "answer_ts": "TIMESTAMP",
    "end_ts": "TIMESTAMP",
    "queue_wait_s": "DOUBLE",
    "talk_s": "DOUBLE",
    "hold_s": "DOUBLE",
    "acw_s": "DOUBLE",
    "disposition": "VARCHAR",
    "abandoned": "BOOLEAN",
    "transferred": "BOOLEAN",
    "wrap_code": "VARCHAR",
    "sale": "BOOLEAN",
    "revenue": "DOUBLE",
    "source_file": "VARCHAR",
    "source_row": "BIGINT",
}
CHANNELS = frozenset({"voice", "chat", "email", "task", "messaging"})
DIRECTIONS = frozenset({"inbound", "outbound", "transfer", "callback", "api", "other"})

AGENT_STATE_COLUMNS: dict[str, str] = {
    "agent": "VARCHAR",
    "state": "VARCHAR",
    "reason": "VARCHAR",
    "start_ts": "TIMESTAMP",
    "end_ts": "TIMESTAMP",
    "duration_s": "DOUBLE",
    "source_file": "VARCHAR",
    "source_row": "BIGINT",
}
STATES = frozenset({"available", "on_contact", "acw", "not_ready"})
STATE_SPLIT_S = 900
"""Agent-state rows are split at multiples of this many seconds (epoch, UTC) at ingest."""

DDL = [
    "CREATE TABLE IF NOT EXISTS interactions ("
    + ", ".join(f"{k} {v}" for k, v in INTERACTION_COLUMNS.items())
    + ")",
    "ALTER TABLE interactions ADD COLUMN IF NOT EXISTS customer_id VARCHAR",
    "CREATE TABLE IF NOT EXISTS agent_states ("
    + ", ".join(f"{k} {v}" for k, v in AGENT_STATE_COLUMNS.items())
    + ")",
    "CREATE TABLE IF NOT EXISTS quarantine (source_file VARCHAR, source_row BIGINT,"
    " reason VARCHAR, raw VARCHAR)",
    "CREATE TABLE IF NOT EXISTS ingested_files (sha256 VARCHAR PRIMARY KEY, name VARCHAR,"
    " read BIGINT, loaded BIGINT, quarantined BIGINT)",
]
