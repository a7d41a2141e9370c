"""Which format a file is in, from its name and first bytes: a vendor export (Connect,
Genesys, Asterisk), an Asterisk queue_log, a plain table (agent states, payroll, HR
events, surveys, cost rates: :func:`ccecon.data.ingest.bulk.table_specs`) or normalized
interactions. Only the head of a file is read (:data:`DETECT_BYTES` at most)."""

from __future__ import annotations

from pathlib import Path

from ccecon.data.ingest.bulk import table_specs
from ccecon.errors import DataError

FORMATS = (
    "connect",
    "asterisk",
    "genesys",
    "queue_log",
    "agent-states",
    "payroll",
    "hr-events",
    "surveys",
    "cost-rates",
    "invoices",
    "parquet",
    "normalized",
    "mapped",
)


NORMALIZED_REQUIRED = ("interaction_id", "arrival_ts")
"""A CSV whose header has these documented column names (``ccecon.data.schema``) is read
as normalized interactions without a mapping."""


DETECT_BYTES = 1 << 20
"""Bytes read to tell a file's format (a Connect record may carry kilobytes of contact
attributes before ``ContactId``)."""


def _json_kind(text: str) -> str | None:
    """``connect`` or ``genesys`` from the first JSON value of ``text`` (which may be cut
    off): its top-level keys when it parses, else which key comes first in the text."""
    from ccecon.data.adapters.connect import first_object

    obj = first_object(text)
    if isinstance(obj, dict):
        if "conversationId" in obj or "conversations" in obj:
            return "genesys"
        if "ContactId" in obj:
            return "connect"
    conv, ctr = text.find('"conversationId"'), text.find('"ContactId"')
    if conv >= 0 and (ctr < 0 or conv < ctr):
        return "genesys"
    if ctr >= 0:
        return "connect"
    return None


def detect_format(path: Path) -> str:
    """Guess a file's format from its name and first bytes (a UTF-8 byte-order mark is
    skipped; a file that is not Parquet or UTF-8 text is a :class:`DataError`)."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return _table_format(set(parquet_columns(path))) or "parquet"
    import codecs

    with path.open("rb") as fh:
        head = fh.read(4096)
        if head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] in (b"{", b"["):
            head += fh.read(DETECT_BYTES - len(head))  # JSON: attributes may come first
        complete = not fh.read(1)
    try:
        # incremental: a character cut by the end of the head is not an error
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
    except UnicodeDecodeError as exc:
        raise DataError(
            f"not UTF-8 text (byte {exc.start}); name the format and re-encode the file as UTF-8",
            file=str(path),
        ) from None
    text = text.removeprefix("\ufeff")
    if text.lstrip().startswith(("{", "[")):
        kind = _json_kind(text)
        if kind:
            return kind
    text = text[:4096]
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    import csv

    try:
        row = next(csv.reader([first[:100_000]]), [])
    except csv.Error:
        row = []
    if len(row) == 18 and first.startswith('"'):
        return "asterisk"
    names = {c.strip() for c in row}
    table_kind = _table_format(names)
    if table_kind:
        return table_kind
    if all(c in names for c in NORMALIZED_REQUIRED):
        return "normalized"
    if _looks_like_queue_log(first):
        return "queue_log"
    raise DataError(
        "cannot tell the format; name it (" + ", ".join(FORMATS[:-1]) + ") or"
        " give a column mapping",
        file=str(path),
    )


def parquet_columns(path: Path) -> list[str]:
    """The column names of a Parquet file; a :class:`DataError` when it cannot be read
    (truncated, corrupt, not Parquet)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return list(pq.read_schema(str(path)).names)
    except (pa.ArrowException, OSError) as exc:
        raise DataError(
            f"not a readable Parquet file (truncated or corrupt?): {str(exc)[:200]}",
            file=str(path),
        ) from None


def _table_format(names: set[str]) -> str | None:
    """The plain-table format whose required columns (or aliases) ``names`` has."""
    for kind, spec in table_specs().items():
        if "interaction_id" not in names and all(
            c in names or spec.aliases.get(c) in names for c in spec.required
        ):
            return kind
    return None


def _looks_like_queue_log(line: str) -> bool:
    """``epoch|callid|queue|agent|EVENT|...``: five or more fields, a time, an event name."""
    from ccecon.data.adapters.queue_log import _time

    parts = [p.strip() for p in line.split("|")]
    if len(parts) < 5 or not parts[4].replace("_", "").isalpha() or not parts[4].isupper():
        return False
    try:
        _time(parts[0])
    except ValueError:
        return False
    return True


def not_records(path: Path) -> str | None:
    """Why a file found in a folder is not records, when it is a known other kind (the
    targets file and team list ``ccecon synth`` writes beside its tables)."""
    if path.suffix.lower() in (".yaml", ".yml"):
        return "a YAML file (a scenario, targets or mapping file), not records"
    if path.suffix.lower() == ".csv":
        with path.open("rb") as fh:
            head = fh.readline(4096).decode("utf-8", "replace").lstrip("\ufeff").strip()
        cols = [c.strip() for c in head.split(",")]
        if cols[:2] == ["agent", "team"]:
            return "a team list (agent, team): give it to `ccecon metrics --teams`"
    return None
