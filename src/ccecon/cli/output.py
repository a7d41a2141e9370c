"""Rendering helpers shared by every CLI command: table (rich), JSON and CSV.

Commands build plain data (a list of row dicts, or a JSON-able mapping) and hand it here;
nothing here computes a number. JSON is written with sorted keys and no randomness so that
the same input gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import math
import sys
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from enum import StrEnum
from typing import Any, NoReturn

import typer

from ccecon.documents import dumps_json as dumps_json
from ccecon.documents import jsonable as _jsonable


class Format(StrEnum):
    """Output format of a command."""

    table = "table"
    json = "json"
    csv = "csv"


def write_json(data: Any) -> None:
    """Print ``data`` as deterministic JSON to standard output."""
    sys.stdout.write(dumps_json(data) + "\n")


def rows_to_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    """CSV text of a list of row mappings (header from the union of keys, in first-seen order)."""
    cols: list[str] = []
    for r in rows:
        for k in r:
            if k not in cols:
                cols.append(k)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: _jsonable(r.get(k)) for k in cols})
    return buf.getvalue()


def write_csv(rows: Sequence[Mapping[str, Any]]) -> None:
    """Print rows as CSV to standard output."""
    sys.stdout.write(rows_to_csv(rows))


def fmt_percent(value: Any, digits: int = 1) -> str:
    """A fraction as a percentage for terminal tables (0.9412 -> ``94.1 %``)."""
    if isinstance(value, float) and math.isfinite(value):
        return f"{value * 100:,.{digits}f} %"
    return fmt_number(value, digits)


def fmt_number(value: Any, digits: int = 2) -> str:
    """Human formatting for terminal tables: thousands separators, fixed decimals."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isnan(value):
            return "n/a"
        if math.isinf(value):
            return "∞" if value > 0 else "-∞"
        return f"{value:,.{digits}f}"
    return str(value)


def print_table(
    rows: Sequence[Mapping[str, Any]],
    *,
    title: str | None = None,
    digits: int = 2,
    labels: Mapping[str, str] | None = None,
    percent: Collection[str] = (),
) -> None:
    """Print rows as rich tables; numbers right-aligned, no value ever cut short.

    ``labels`` gives a column its header (the key otherwise); columns in ``percent`` hold
    fractions and are shown as percentages (0.8 -> ``80.0 %``). A long header wraps onto a
    second line. When the columns do not fit the terminal, the
    table is split into several, each repeating the leading text columns (the group keys,
    the period names), so every value is shown whole at any width.
    """
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    cols: list[str] = []
    for r in rows:
        for k in r:
            if k not in cols:
                cols.append(k)
    numeric = {
        c: all(isinstance(r.get(c), (int, float)) or r.get(c) is None for r in rows) for c in cols
    }
    cells = [
        [fmt_percent(r.get(c)) if c in percent else fmt_number(r.get(c), digits) for c in cols]
        for r in rows
    ]
    widest = [max((len(row[i]) for row in cells), default=0) for i in range(len(cols))]
    # numbers and leading keys as wide as their widest value; other text may wrap at 24
    floor = [
        min(w, 40) if numeric[c] or i < 3 else min(w, 24)
        for i, (c, w) in enumerate(zip(cols, widest, strict=True))
    ]
    heads = [(labels or {}).get(c, c) for c in cols]
    need = [max(f, min(len(h), 8)) + 3 for h, f in zip(heads, floor, strict=True)]
    console = Console()
    lead = 0
    while (
        lead < min(3, len(cols) - 1)
        and not numeric[cols[lead]]
        and sum(need[: lead + 1]) <= console.width // 2
    ):
        lead += 1
    if not any(numeric.values()):  # prose (a field reference): one table, text wraps
        lead, floor = 0, [0] * len(cols)
    groups: list[list[int]] = []
    room = console.width - 1 - sum(need[:lead])
    if not any(numeric.values()):
        room = 10**9
    current: list[int] = []
    for i in range(lead, len(cols)):
        if current and sum(need[j] for j in current) + need[i] > room:
            groups.append(current)
            current = []
        current.append(i)
    groups.append(current)
    for n, group in enumerate(groups, start=1):
        part = f" ({n}/{len(groups)})" if len(groups) > 1 else ""
        # every text is the user's (names, sources): shown as written, never as markup
        head = escape((title or "") + part) if title or part else None
        table = Table(title=head, show_lines=False)
        shown = list(range(lead)) + group
        for i in shown:
            table.add_column(
                escape(heads[i]),
                justify="right" if numeric[cols[i]] else "left",
                min_width=floor[i],
                overflow="fold",
            )
        for row in cells:
            table.add_row(*[escape(row[i]) for i in shown])
        console.print(table)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``message`` to standard error and exit with ``code`` (2 = user error)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def user_errors(options: Mapping[str, str] | None = None) -> Iterator[None]:
    """Turn :class:`ccecon.errors.CCEconError` and file errors into exit code 2 and a message.

    Parameters
    ----------
    options : mapping of str to str, optional
        A library parameter's name to the command's option that gives it
        (``{"fy_start": "--fy-start"}``): an :class:`ccecon.errors.InputError` whose
        ``field`` is such a name is reported with the option, as the user typed it
        (library errors name the function's parameter; the command line names its flag).
    """
    from ccecon.errors import CCEconError, InputError

    try:
        yield
    except CCEconError as exc:
        if isinstance(exc, InputError) and exc.field is not None:
            exc.field = (options or {}).get(exc.field, exc.field)
        fail(str(exc))
    except FileNotFoundError as exc:
        fail(f"{exc.filename}: not found (no such file, or a folder on its path is missing)")
    except IsADirectoryError as exc:
        fail(f"{exc.filename}: is a directory, expected a file")
    except PermissionError as exc:
        fail(f"{exc.filename}: permission denied")
    except UnicodeDecodeError as exc:
        fail(f"cannot decode input as UTF-8 ({exc.reason} at byte {exc.start})")


def emit(
    fmt: Format,
    *,
    rows: Sequence[Mapping[str, Any]],
    data: Any = None,
    title: str | None = None,
    table: Callable[[], None] | None = None,
    labels: Mapping[str, str] | None = None,
    percent: Collection[str] = (),
) -> None:
    """Render a result in the chosen format.

    ``rows`` feed the CSV output and the default table; ``data`` (defaults to ``rows``) is
    the JSON document; ``table`` replaces the default table rendering when given.
    """
    if fmt == Format.json:
        write_json(rows if data is None else data)
    elif fmt == Format.csv:
        write_csv(rows)
    elif table is not None:
        table()
    else:
        print_table(rows, title=title, labels=labels, percent=percent)
