"""JSON values read one at a time from text that arrives in chunks (a file read a
megabyte at a time), with the standard library's decoder (``json.JSONDecoder.raw_decode``)
over a buffer that holds the value being read and what follows it, never the file.

A value cut by the end of the buffer is retried with more text; a value that still does
not parse (or one longer than :data:`MAX_VALUE_CHARS`) is an error, and the reader resumes
at the next line, so one broken record costs one record.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

MAX_VALUE_CHARS = 16 * 1024 * 1024
"""The longest JSON value (one contact record, one conversation) read whole, characters;
a longer one is refused as not valid JSON."""

_DEC = json.JSONDecoder()
WHITE = " \t\r\n"


def chunks_of(text: str | Iterable[str]) -> Iterator[str]:
    """``text`` as an iterator of chunks (a string is one chunk)."""
    return iter([text]) if isinstance(text, str) else iter(text)


class JsonStream:
    """A cursor over JSON text arriving in chunks.

    Parameters
    ----------
    chunks : iterable of str
        The text, in pieces of any size.
    """

    def __init__(self, chunks: Iterable[str]) -> None:
        self.it = iter(chunks)
        self.buf = ""
        self.i = 0
        self.eof = False

    def fill(self) -> bool:
        """Append the next chunk to the buffer (dropping what was read); False at the end."""
        if self.eof:
            return False
        for chunk in self.it:
            if chunk:
                self.buf = self.buf[self.i :] + chunk
                self.i = 0
                return True
        self.eof = True
        return False

    def skip(self, chars: str = WHITE) -> str:
        """Move past ``chars``; the next character, or ``""`` at the end of the text."""
        while True:
            buf, i, n = self.buf, self.i, len(self.buf)
            while i < n and buf[i] in chars:
                i += 1
            self.i = i
            if i < n:
                return buf[i]
            if not self.fill():
                return ""

    def expect(self, char: str, what: str) -> None:
        """Move past ``char`` (after blanks), else a :class:`json.JSONDecodeError`."""
        if self.skip() != char:
            raise json.JSONDecodeError(f"Expecting {what}", self.buf, self.i)
        self.i += 1

    def value(self) -> tuple[Any, str]:
        """The next JSON value and its text; :class:`json.JSONDecodeError` or
        :class:`RecursionError` when it does not parse (blanks before it are skipped)."""
        self.skip()
        while True:
            try:
                value, end = _DEC.raw_decode(self.buf, self.i)
            except json.JSONDecodeError as exc:
                if self._cut(exc) and self.fill():
                    continue
                raise
            near_end = end >= len(self.buf) - 32
            if near_end and not isinstance(value, (dict, list, str)) and self.fill():
                continue  # a number at the buffer's end may go on (``92`` of ``92.46``)
            raw = self.buf[self.i : end]
            self.i = end
            return value, raw

    def _cut(self, exc: json.JSONDecodeError) -> bool:
        """Whether a decode error may be the buffer's end cutting the value."""
        if self.eof or len(self.buf) - self.i >= MAX_VALUE_CHARS:
            return False
        return exc.pos >= len(self.buf) - 32 or exc.msg.startswith("Unterminated string")

    def rest_of_line(self) -> str:
        """The text up to and including the next newline (at most
        :data:`MAX_VALUE_CHARS`), consumed: where reading resumes after an error."""
        while True:
            nl = self.buf.find("\n", self.i)
            if nl >= 0 or len(self.buf) - self.i >= MAX_VALUE_CHARS or not self.fill():
                break
        end = len(self.buf) if nl < 0 else nl + 1
        raw = self.buf[self.i : end]
        self.i = end
        return raw
