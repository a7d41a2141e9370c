"""One exception tree for ccecon.

``CCEconError`` is the root. User mistakes raise :class:`InputError` (or :class:`DataError`
for records), which carry the file, the field path or row, the bad value and what was
expected; the CLI turns them into exit code 2 and a one-paragraph message, never a
traceback. :class:`NoSolutionError` is raised when a well-formed question has no answer
(an IRR of a flow that never changes sign, an infeasible staffing goal).
"""

from __future__ import annotations

import reprlib
from typing import Any


class CCEconError(Exception):
    """Root of every error ccecon raises on purpose."""


def short_repr(value: Any, limit: int = 80) -> str:
    """``repr(value)`` in at most ``limit`` characters, built from the first items of a
    container only (the whole repr of a user's document can take minutes and gigabytes: a
    YAML alias expands to billions of values)."""
    text = _REPR.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


_REPR = reprlib.Repr()
_REPR.maxlevel = 3
_REPR.maxdict = _REPR.maxlist = _REPR.maxtuple = _REPR.maxset = 6
_REPR.maxstring = _REPR.maxother = _REPR.maxlong = 100


def _show(value: Any) -> str:
    return short_repr(value)


class InputError(CCEconError, ValueError):
    """A user input is wrong: a scenario field, a CLI option, a file.

    Parameters
    ----------
    message : str
        What is wrong and what was expected, in one sentence.
    file : str, optional
        The file the input came from.
    field : str, optional
        The field path inside the file (``cost_lines[2].amount``) or the column name.
    row : int, optional
        The 1-based row of a tabular file.
    value : object, optional
        The offending value (shown with ``repr``, shortened to 80 characters).
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        field: str | None = None,
        row: int | None = None,
        value: Any = ...,
    ) -> None:
        self.message = message
        self.file = file
        self.field = field
        self.row = row
        self.value = value
        self.problems: list[tuple[str, str, Any]] = []
        """Every problem (field path, message, value or ``...``) when a validation found
        several; the message then lists them one per line."""
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(f"field {self.field}")
        head = ": ".join([", ".join(where), self.message]) if where else self.message
        if self.value is not ...:
            head += f" (got {_show(self.value)})"
        return head


class DataError(InputError):
    """A record file cannot be read as the format it claims to be."""


class NoSolutionError(CCEconError, ArithmeticError):
    """A well-posed computation has no solution (e.g. IRR of an all-positive flow)."""
