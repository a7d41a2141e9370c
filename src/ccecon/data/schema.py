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
| outcome | VARCHAR | queued, self_service, blocked or failed (NULL = queued; docs/data.md) |
| profit | DOUBLE | profit (margin) of the sale, in the revenue's money; NULL if unknown |

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

``payroll`` (one amount per month, cost element and agent; agent NULL for a
center-level amount):

| column | type | meaning |
|---|---|---|
| month | VARCHAR | calendar month ``YYYY-MM`` |
| agent | VARCHAR | agent login; NULL for an amount of the whole center |
| element | VARCHAR | a payroll cost element (list below) |
| amount | DOUBLE | money of that month, >= 0, in ``currency`` |
| currency | VARCHAR | ISO 4217 code (3 capital letters) |

Elements (``ccecon.costing.labour.COST_ELEMENTS``): wages, union_dues, welfare,
disability_fund, housing_fund, social_insurance, paid_leave, overtime.

``hr_events`` (hires and leavers): agent, event (``hire`` or ``leave``), date (DATE).

``surveys``: customer_id, segment, satisfaction_index (0-100), survey_date
(DATE, may be NULL). Files in the survey format of ``ccecon roi`` (columns customer,
segment, index) load as they are.

``cost_rates`` (the money behind cost per call; ``ccecon metrics`` uses it when present):

| column | type | meaning |
|---|---|---|
| element | VARCHAR | ``agent_hour`` (per handle hour) or ``telecom_minute`` (per talk minute) |
| rate | DOUBLE | money per agent hour or per talk minute, >= 0 |
| currency | VARCHAR | ISO 4217 code (3 capital letters), may be NULL; one currency per store |
| valid_from | DATE | first day the rate applies (inclusive) |
| valid_to | DATE | last day it applies (inclusive); NULL = open |

An element's periods do not overlap (in a file or against the store): a contact's rate
is the one valid on its arrival date (UTC).

``invoices`` (what the center was billed: outsourcing, technology, telecom and other
spending, one row per month, vendor and charge):

| column | type | meaning |
|---|---|---|
| month | VARCHAR | calendar month ``YYYY-MM`` the charge is for |
| element | VARCHAR | budget element: personnel, technology, telecom, outsourcing, training, other |
| vendor | VARCHAR | who billed it (``BPO Manila``, ``carrier``) |
| charge | VARCHAR | the charge: a contract term (``per_call``, ``per_seat``...); NULL = one |
| quantity | DOUBLE | billed quantity (calls, minutes, hours, seats), >= 0; NULL for a flat charge |
| unit | VARCHAR | what ``quantity`` counts (:data:`INVOICE_UNITS`) |
| amount | DOUBLE | money billed, finite (a credit note is negative), in ``currency`` |
| currency | VARCHAR | ISO 4217 code; one currency per store |

An invoice file is refused whole (nothing of it loaded) when a row names an element not
in the list or a currency other than the store's (or, in a new store, the file's first
row's): a charge the budget cannot place, or money it cannot add, is not a malformed record
to set aside but a file to fix. Other bad rows are quarantined with the reason.

Every table has ``source_file`` and ``source_row`` (1-based record of that file).

``quarantine``: rows that failed validation, never dropped: source_file, source_row,
reason, raw (the source record as text). ``ingested_files``: sha256, name, rows read,
loaded, quarantined (makes ingest idempotent).
"""

from __future__ import annotations

import datetime as dt

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
    "outcome": "VARCHAR",
    "profit": "DOUBLE",
}
CHANNELS = frozenset({"voice", "chat", "email", "task", "messaging"})
DIRECTIONS = frozenset({"inbound", "outbound", "transfer", "callback", "api", "other"})
OUTCOMES = frozenset({"queued", "self_service", "blocked", "failed"})

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
MAX_STATE_S = 7 * 86_400
"""An agent-state stretch longer than this (7 days) is quarantined before it is split (a
missing logoff, or a wrong year: 1900 to 2100 would become 7 million quarter hours)."""

FIRST_TS = dt.datetime(1970, 1, 1)
END_TS = dt.datetime(2201, 1, 1)
"""Stored timestamps lie in ``FIRST_TS <= t < END_TS`` (1970-01-01 to 2200-12-31, the
range a scenario's plan may take); a record outside is quarantined with the reason."""
TS_RANGE_TEXT = "1970-01-01 .. 2200-12-31"
MAX_DURATION_S = 10**10
"""Durations are finite, >= 0 and at most this many seconds (past 1970..2200 anyway)."""
MAX_JSON_DEPTH = 64
"""JSON records (Connect, Genesys) nested deeper than this are quarantined: no contact
record is; a file of 100,000 nested brackets would exhaust Python's stack."""

PAYROLL_COLUMNS: dict[str, str] = {
    "month": "VARCHAR",
    "agent": "VARCHAR",
    "element": "VARCHAR",
    "amount": "DOUBLE",
    "currency": "VARCHAR",
}
HR_COLUMNS: dict[str, str] = {"agent": "VARCHAR", "event": "VARCHAR", "date": "DATE"}
SURVEY_COLUMNS: dict[str, str] = {
    "customer_id": "VARCHAR",
    "segment": "VARCHAR",
    "satisfaction_index": "DOUBLE",
    "survey_date": "DATE",
}
COST_RATE_COLUMNS: dict[str, str] = {
    "element": "VARCHAR",
    "rate": "DOUBLE",
    "currency": "VARCHAR",
    "valid_from": "DATE",
    "valid_to": "DATE",
}
INVOICE_COLUMNS: dict[str, str] = {
    "month": "VARCHAR",
    "element": "VARCHAR",
    "vendor": "VARCHAR",
    "charge": "VARCHAR",
    "quantity": "DOUBLE",
    "unit": "VARCHAR",
    "amount": "DOUBLE",
    "currency": "VARCHAR",
}
BUDGET_ELEMENTS = ("personnel", "technology", "telecom", "outsourcing", "training", "other")
"""``invoices.element``: the budget elements (``ccecon.budget.plan.ELEMENTS``)."""
INVOICE_UNITS = (
    "calls",
    "outbound_calls",
    "contacts",
    "minutes",
    "sales",
    "agent_hours",
    "seats",
)
"""``invoices.unit``: the quantities a contract bills on (``ccecon.scenario.pricing.Basis``)."""
RATE_ELEMENTS = ("agent_hour", "telecom_minute")
"""``cost_rates.element``: money per handle (agent) hour, money per talk minute."""
SOURCE = ", source_file VARCHAR, source_row BIGINT)"

DDL = [
    "CREATE TABLE IF NOT EXISTS interactions ("
    + ", ".join(f"{k} {v}" for k, v in INTERACTION_COLUMNS.items())
    + ")",
    "ALTER TABLE interactions ADD COLUMN IF NOT EXISTS customer_id VARCHAR",
    "ALTER TABLE interactions ADD COLUMN IF NOT EXISTS outcome VARCHAR",
    "ALTER TABLE interactions ADD COLUMN IF NOT EXISTS profit DOUBLE",
    "CREATE TABLE IF NOT EXISTS agent_states ("
    + ", ".join(f"{k} {v}" for k, v in AGENT_STATE_COLUMNS.items())
    + ")",
    "CREATE TABLE IF NOT EXISTS payroll ("
    + ", ".join(f"{k} {v}" for k, v in PAYROLL_COLUMNS.items())
    + SOURCE,
    "CREATE TABLE IF NOT EXISTS hr_events ("
    + ", ".join(f"{k} {v}" for k, v in HR_COLUMNS.items())
    + SOURCE,
    "CREATE TABLE IF NOT EXISTS surveys ("
    + ", ".join(f"{k} {v}" for k, v in SURVEY_COLUMNS.items())
    + SOURCE,
    "CREATE TABLE IF NOT EXISTS cost_rates ("
    + ", ".join(f"{k} {v}" for k, v in COST_RATE_COLUMNS.items())
    + SOURCE,
    "CREATE TABLE IF NOT EXISTS invoices ("
    + ", ".join(f"{k} {v}" for k, v in INVOICE_COLUMNS.items())
    + SOURCE,
    "CREATE TABLE IF NOT EXISTS quarantine (source_file VARCHAR, source_row BIGINT,"
    " reason VARCHAR, raw VARCHAR)",
    "CREATE TABLE IF NOT EXISTS ingested_files (sha256 VARCHAR PRIMARY KEY, name VARCHAR,"
    " read BIGINT, loaded BIGINT, quarantined BIGINT)",
]
