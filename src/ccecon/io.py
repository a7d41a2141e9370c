"""Reading a user's file: size and nesting limits, YAML or JSON parsing, field paths.

The one reader under every file ccecon reads from a user: scenarios
(:mod:`ccecon.scenario.load`), shift templates (:mod:`ccecon.scheduling.spec`), sourcing
sections, payroll and targets files. :func:`read_limited` reads at most a stated number of
bytes; :func:`check_text` refuses a text that is too long or not valid Unicode;
:func:`read_document` parses YAML (JSON is YAML too) with duplicate keys refused and errors
naming the line; :func:`check_document` refuses a document past the limits below; and
:func:`validation_error` turns pydantic's errors into one :class:`~ccecon.errors.InputError`
naming the file, each field path (:func:`format_loc`) and value. It imports nothing of the
application but the errors, so every layer may use it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ccecon.errors import InputError

MAX_LISTED = 8


# ----------------------------------------------------------------------------- limits
# Enforced before the work (docs/robustness.md): a hostile file is refused in
# milliseconds with the limit it passes, instead of running for minutes or exhausting
# memory. Each is far above what a real scenario needs (the bundled examples: under 12 KB,
# depth 6, about 900 values, lists of at most 48 items, names of at most 60 characters).
MAX_BYTES = 1_000_000
"""Largest scenario file or text, in bytes (UTF-8) or characters."""


MAX_DEPTH = 40
"""Deepest nesting of mappings and lists."""


MAX_NODES = 200_000
"""Most values in a document counted with every YAML alias expanded (an alias bomb of a
few hundred bytes expands to billions)."""


MAX_ITEMS = 20_000
"""Longest list or mapping."""


MAX_STRING = 10_000
"""Longest text value (notes, sources)."""


MAX_NAME = 200
"""Longest name, label or key (names are shown in tables and headings)."""


MAX_INT = 10**15
"""Largest integer magnitude (integers beyond float range cannot be computed with)."""


_NAME_KEYS = {"name", "label", "a", "b", "channel", "driver", "category"}


# libyaml's parser (C) when PyYAML was built with it: the same documents, about 9 times
# faster than the pure-Python one (it was most of the web API's time per new scenario).
_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeBase):  # type: ignore[valid-type,misc]
    """SafeLoader that refuses duplicate mapping keys (YAML allows them silently)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        try:
            hash(key)
        except TypeError:  # `? [a, b]`: YAML allows it, a Python dict does not
            raise yaml.constructor.ConstructorError(
                None, None, "a list or mapping as a key", key_node.start_mark
            ) from None
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


class _NotPlain(Exception):
    """The document uses a YAML feature :func:`_load_plain` leaves to the full loader."""


class _TooDeep(Exception):
    """The document is nested past :data:`MAX_DEPTH`: refused without the full loader."""


_STR = "tag:yaml.org,2002:str"


_PLAIN_TYPES = {
    "tag:yaml.org,2002:int": "construct_yaml_int",
    "tag:yaml.org,2002:float": "construct_yaml_float",
    "tag:yaml.org,2002:bool": "construct_yaml_bool",
    "tag:yaml.org,2002:null": "construct_yaml_null",
    "tag:yaml.org,2002:timestamp": "construct_yaml_timestamp",
}


_PLAIN_SCALARS: dict[str, Any] = {}
"""Plain scalar text -> its value (str, int, float, bool, None, date: all immutable), so a key
or value seen before costs one dict lookup instead of YAML's regular expressions."""


def _load_plain(text: str) -> Any:
    """``yaml.load(text, Loader=_UniqueKeyLoader)`` built straight from libyaml's events.

    The full loader composes a node tree and then constructs Python objects from it, about
    1 ms for the bundled example, most of a new web request's parsing. This builds the
    objects from the parser's events in one pass, with the same resolver and constructors
    for every plain scalar (so ``yes``, ``0x1f``, ``1_000``, ``.inf``, ``~`` mean what they
    mean to the full loader). Anything else, anchors and aliases, tags, merge keys,
    duplicate or unhashable keys, several documents, syntax errors, raises
    :class:`_NotPlain` and the caller runs the full loader, which gives the usual value or
    error message.
    """
    loader = _UniqueKeyLoader(text)
    try:
        if type(loader.get_event()) is not yaml.StreamStartEvent:  # pragma: no cover
            raise _NotPlain
        ev = loader.get_event()
        if type(ev) is yaml.StreamEndEvent:
            return None  # comments only: what yaml.load returns
        if type(ev) is not yaml.DocumentStartEvent:  # pragma: no cover
            raise _NotPlain
        out = _plain_value(loader, loader.get_event())
        if type(loader.get_event()) is not yaml.DocumentEndEvent:  # pragma: no cover
            raise _NotPlain
        if type(loader.get_event()) is not yaml.StreamEndEvent:
            raise _NotPlain  # several documents: the full loader says so
        return out
    finally:
        loader.dispose()


def _plain_value(loader: Any, ev: Any, depth: int = 0) -> Any:
    cls = type(ev)
    if ev.anchor is not None or getattr(ev, "tag", None) is not None:
        raise _NotPlain
    if cls is yaml.ScalarEvent:
        value: str = ev.value
        if not ev.implicit[0]:
            return value  # quoted or block scalar: a string
        hit = _PLAIN_SCALARS.get(value, _PLAIN_SCALARS)
        if hit is not _PLAIN_SCALARS:
            return hit
        tag = loader.resolve(yaml.ScalarNode, value, (True, False))
        if tag == _STR:
            out: Any = value
        elif tag in _PLAIN_TYPES:
            out = getattr(loader, _PLAIN_TYPES[tag])(yaml.ScalarNode(tag, value))
        else:
            raise _NotPlain  # a merge key `<<` or `=`
        if len(value) <= 80 and len(_PLAIN_SCALARS) < 10_000:
            _PLAIN_SCALARS[value] = out
        return out
    if depth >= MAX_DEPTH:
        raise _TooDeep
    if cls is yaml.MappingStartEvent:
        mapping: dict[Any, Any] = {}
        while True:
            kev = loader.get_event()
            if type(kev) is yaml.MappingEndEvent:
                return mapping
            key = _plain_value(loader, kev, depth + 1)
            if key in mapping:  # a duplicate (TypeError when unhashable): the full loader
                raise _NotPlain
            mapping[key] = _plain_value(loader, loader.get_event(), depth + 1)
    if cls is yaml.SequenceStartEvent:
        items: list[Any] = []
        while True:
            iev = loader.get_event()
            if type(iev) is yaml.SequenceEndEvent:
                return items
            items.append(_plain_value(loader, iev, depth + 1))
    raise _NotPlain  # an alias


def format_loc(loc: Sequence[int | str]) -> str:
    """Render a pydantic error location as a field path: ``a.b[2].c``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            # Union branches (e.g. "float", "triangular") are not part of the user's path.
            if part in {"float", "int", "str", "bool", "function-after", "function-before"}:
                continue
            if part[:1].isupper() and part.isidentifier():  # a model branch: "Benchmark"
                continue
            out += ("." if out else "") + str(part)
    return out


def check_text(text: str, source: str) -> None:
    """Refuse a text longer than :data:`MAX_BYTES` characters or that is not valid Unicode
    (a lone surrogate, which JSON's ``\\ud800`` or a client can send, cannot be written)."""
    if len(text) > MAX_BYTES:
        raise InputError(
            f"the text has {len(text):,} characters; at most {MAX_BYTES:,} are accepted",
            file=source,
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(
            f"not valid Unicode: a lone surrogate at character {exc.start + 1:,}", file=source
        ) from None


def _too_deep(source: str) -> InputError:
    return InputError(
        f"mappings and lists are nested more than {MAX_DEPTH} deep; a scenario needs"
        " fewer than 10 levels",
        file=source,
    )


def _check_depth(text: str, source: str) -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH` from the parser's events alone (before
    the composer, which recurses once per level)."""
    loader = _UniqueKeyLoader(text)
    depth = 0
    try:
        while True:
            ev = loader.get_event()
            if ev is None or type(ev) is yaml.StreamEndEvent:
                return
            if type(ev) in (yaml.MappingStartEvent, yaml.SequenceStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _too_deep(source)
            elif type(ev) in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return  # the full loader reports the syntax error with its line
    finally:
        loader.dispose()


def _big_number(exc: ValueError, source: str) -> InputError:
    if "integer string conversion" in str(exc):
        return InputError(
            "a number has more than 4,300 digits; numbers must be at most"
            f" {MAX_INT:,} in magnitude",
            file=source,
        )
    return InputError(f"a value cannot be read: {exc}", file=source)


def read_document(text: str, source: str) -> Any:
    """Parse YAML (JSON is YAML too) with duplicate keys refused; errors name the line."""
    if not text.strip():
        raise InputError("the file is empty; expected a scenario (YAML or JSON)", file=source)
    if source.endswith(".json"):
        try:
            return json.loads(text, object_pairs_hook=partial(_json_object, source))
        except json.JSONDecodeError as exc:
            raise InputError(
                f"JSON syntax error at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                file=source,
            ) from None
        except RecursionError:
            raise _too_deep(source) from None
        except InputError:
            raise
        except ValueError as exc:
            raise _big_number(exc, source) from None
    if _SafeBase is not yaml.SafeLoader:  # libyaml: build the objects from its events
        try:
            return _load_plain(text)
        except _TooDeep:
            raise _too_deep(source) from None
        except (_NotPlain, yaml.YAMLError, TypeError, ValueError, RecursionError):
            pass  # the full loader below gives the value, or the error with its line
    _check_depth(text, source)
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError(f"YAML syntax error{where}: {exc.problem}", file=source) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML error: {exc}", file=source) from None
    except RecursionError:  # pragma: no cover - _check_depth refuses such documents first
        raise _too_deep(source) from None
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise _big_number(exc, source) from None


def _json_object(source: str, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object with duplicate keys refused (YAML refuses them too)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise InputError(f"duplicate key {excerpt(key)!r}", file=source, field=excerpt(key))
        out[key] = value
    return out


def excerpt(text: str, limit: int = 80) -> str:
    """At most ``limit`` characters of a user's text (for a message)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_document(doc: Any, source: str) -> None:
    """Refuse a document past the limits: more than :data:`MAX_NODES` values with aliases
    expanded, nesting past :data:`MAX_DEPTH`, a list or mapping of more than
    :data:`MAX_ITEMS`, a text past :data:`MAX_STRING` (a name past :data:`MAX_NAME`), an
    integer past :data:`MAX_INT`, a number that is not finite, a lone surrogate.

    Each distinct list or mapping is visited once (a shared one, a YAML alias, is counted
    again without being walked again), so the check is linear in the text.
    """
    counted: dict[int, int] = {}
    total = _walk(doc, "", 0, False, counted, source)
    if total > MAX_NODES:
        raise InputError(
            f"the document holds {total:,} values with its aliases expanded; at most"
            f" {MAX_NODES:,} are accepted",
            file=source,
        )


def _walk(x: Any, path: str, depth: int, is_name: bool, counted: dict[int, int], src: str) -> int:
    """Values in ``x`` with aliases expanded (checking each distinct container once)."""
    t = type(x)
    if t is str:
        _check_string(x, path, MAX_NAME if is_name else MAX_STRING, src)
        return 1
    if t is int:
        if abs(x) > MAX_INT:
            raise InputError(
                f"a number beyond {MAX_INT:,} in magnitude cannot be computed with",
                file=src,
                field=path or None,
                value=f"an integer of {_digits(x):,} digits",
            )
        return 1
    if t is float:
        if x != x or x in (math.inf, -math.inf):
            raise InputError("expected a finite number", file=src, field=path or None, value=x)
        return 1
    if t is not dict and t is not list:
        return 1
    done = counted.get(id(x))
    if done is not None:
        return done
    if depth >= MAX_DEPTH:
        raise _too_deep(src)
    if len(x) > MAX_ITEMS:
        raise InputError(
            f"{len(x):,} items; a list or mapping may hold at most {MAX_ITEMS:,}",
            file=src,
            field=path or None,
        )
    total = 1
    if t is dict:
        for k, v in x.items():
            here = f"{path}.{k}" if path else str(k)
            if type(k) is str:
                _check_string(k, path or "(top level)", MAX_NAME, src)
            elif type(k) is not int and type(k) is not bool:
                here = f"{path}[{type(k).__name__} key]"
            total += _walk(v, here, depth + 1, k in _NAME_KEYS, counted, src)
            if total > MAX_NODES:
                break
    else:
        for i, v in enumerate(x):
            total += _walk(v, f"{path}[{i}]", depth + 1, False, counted, src)
            if total > MAX_NODES:
                break
    counted[id(x)] = total
    return total


def _digits(x: int) -> int:
    try:
        return len(str(abs(x)))
    except ValueError:  # past Python's limit for int -> str
        return int(abs(x).bit_length() * 0.30103) + 1


def _check_string(text: str, path: str, limit: int, src: str) -> None:
    if len(text) > limit:
        what = "a name or key" if limit == MAX_NAME else "a text value"
        raise InputError(
            f"{what} of {len(text):,} characters; at most {limit:,} are accepted",
            file=src,
            field=path or None,
            value=excerpt(text, 40),
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(
            f"not valid Unicode: a lone surrogate at character {exc.start + 1}",
            file=src,
            field=path or None,
        ) from None


def validation_error(exc: ValidationError, source: str, prefix: str = "") -> InputError:
    """Translate a pydantic ValidationError into one InputError naming every problem.

    One problem gives ``file, field path: message (got value)``; several are listed one per
    line (at most :data:`MAX_LISTED`).
    """
    errors = exc.errors(include_url=False)
    items = []
    for err in errors:
        path = format_loc(err["loc"])
        path = f"{prefix}.{path}" if prefix and path else (prefix or path or "(top level)")
        msg = err["msg"]
        if err["type"] == "missing":
            msg = "required field is missing"
        elif err["type"] == "extra_forbidden":
            msg = "unknown field (check the spelling; `ccecon schema` lists the fields)"
        elif msg.startswith("Value error, "):
            cause = (err.get("ctx") or {}).get("error")
            if isinstance(cause, InputError):
                # a validator that raised InputError: its sentence, field and value (its
                # "(got ...)" is added once below, not twice)
                msg = cause.message
                if cause.field:
                    path = cause.field if path in {"(top level)", prefix} else path
                if cause.value is not ...:
                    items.append((path, msg, cause.value))
                    continue
            else:
                msg = msg[len("Value error, ") :]
        items.append((path, msg, err.get("input")))
    # A mapping given where a field takes a model or a key (``benchmark: {...}`` or
    # ``benchmark: some-key``): the key branch's complaint says nothing useful.
    keyed = [
        it
        for it in items
        if not (isinstance(it[2], dict) and it[1].startswith("Input should be a valid string"))
    ]
    items = keyed or items
    items = [(p, m, ... if m == "required field is missing" else v) for p, m, v in items]
    if len(items) == 1:
        path, msg, value = items[0]
        error = InputError(msg, file=source, field=path, value=value)
    else:
        lines = [
            f"{p}: {m}" + ("" if v is ... else f" (got {_short(v)})")
            for p, m, v in items[:MAX_LISTED]
        ]
        if len(items) > MAX_LISTED:
            lines.append(f"... and {len(items) - MAX_LISTED} more")
        error = InputError(f"{len(items)} problems:\n  " + "\n  ".join(lines), file=source)
    error.problems = items  # every (field path, message, value): the web app labels each
    return error


def _short(value: Any) -> str:
    from ccecon.errors import short_repr

    return short_repr(value, 60)


def read_limited(p: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; :class:`InputError` for a
    directory, a missing file, a FIFO or device (which would hang or never end) or a larger
    file (at most ``limit + 1`` bytes are read, whatever the file claims)."""
    import stat

    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        raise InputError("file not found", file=str(p)) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", file=str(p)) from None
    if stat.S_ISDIR(mode):
        raise InputError("is a directory; expected a scenario file", file=str(p))
    if not stat.S_ISREG(mode):
        raise InputError(
            "is not a regular file (a pipe, socket or device); expected a scenario file",
            file=str(p),
        )
    try:
        with p.open("rb") as f:
            raw = f.read(limit + 1)
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", file=str(p)) from None
    if len(raw) > limit:
        raise InputError(f"the file is larger than {limit:,} bytes", file=str(p))
    return raw
